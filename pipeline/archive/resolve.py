"""Resolution: the node an identity is, written into the store — an existing compatible node filled in with what a
new mention adds, a new node, an ambiguous node when several fit equally, or a document whose own number was not read
matched to the stub other letters cite it by. Reads `identity` (what a mention is) and `linkage` (which other readings
of a symbol are the same document); neither imports this module.
"""

from __future__ import annotations

import json
import sqlite3

from nlp.header import Header

from . import linkage
from .identity import Identity, compatible, exactness, is_local


def resolve(conn: sqlite3.Connection, ident: Identity, *, document_id: int | None = None,
            cited_in: int | None = None, page: int | None = None) -> str:
    """The node id for an identity: an existing compatible node (filled in with what this mention adds), a new
    node, or an ambiguous node when several fit equally. `document_id` marks the archive document itself;
    `cited_in`/`page`: where the mention was read, the evidence of a link made on another reading of the symbol."""
    rows = conn.execute("SELECT * FROM nodes WHERE symbol_key = ?", (ident.symbol_key,)).fetchall()
    fits = [r for r in rows if compatible(ident, r)]
    if document_id is not None:
        # the document itself: a stub that fits becomes the full node; another full node is a duplicate copy
        fits.sort(key=lambda r: (-exactness(ident, r), r["document_id"] is not None))
        if fits:
            return _fill(conn, fits[0], ident, document_id)
        # a stub made from a reading OCR garbled (`819/SKHCN-BCVT&€ĐS`) is this document: it takes the symbol the
        # document prints, the garbled reading stays as its variant
        choice = linkage.decide([m for m in linkage.candidates(conn, ident) if m.row["document_id"] is None])
        if isinstance(choice, linkage.Match):
            old = choice.row["symbol"]
            conn.execute("UPDATE nodes SET symbol = ?, symbol_key = ? WHERE id = ?",
                         (ident.symbol, ident.symbol_key, choice.row["id"]))
            conn.execute("UPDATE variants SET evidence = ? WHERE node_id = ? AND variant = ?",
                         (choice.evidence, choice.row["id"], old))
            linkage.record_variant(conn, choice.row["id"], old, None, None, choice.evidence, choice.confidence)
            return _fill(conn, conn.execute("SELECT * FROM nodes WHERE id = ?", (choice.row["id"],)).fetchone(),
                         ident, document_id)
        return _create(conn, ident, document_id=document_id)
    if len(fits) > 1:
        best = max(exactness(ident, r) for r in fits)
        top = [r for r in fits if exactness(ident, r) == best]
        if len(top) == 1 and best > 0:
            fits = top
    if len(fits) == 1:
        if ident.symbol != fits[0]["symbol"]:  # the same symbol but for Đ/D and case: a reading worth keeping
            linkage.record_variant(conn, fits[0]["id"], ident.symbol, cited_in, page,
                                   f"{ident.symbol} read for {fits[0]['symbol']}: the same symbol but for Đ/D or "
                                   "case", 0.97)
        return _fill(conn, fits[0], ident, None)
    if fits:
        return _ambiguous(conn, ident, [r["id"] for r in fits])
    matches = linkage.candidates(conn, ident)
    choice = linkage.decide(matches)
    if isinstance(choice, linkage.Match):
        linkage.record_variant(conn, choice.row["id"], ident.symbol, cited_in, page, choice.evidence,
                               choice.confidence)
        return _fill(conn, choice.row, ident, None)
    if choice == "ambiguous":
        return _ambiguous(conn, ident, [m.row["id"] for m in matches])
    # never the letter that cites it (it signed another decision the same day: 929/QĐ-TTg cited by the unnumbered
    # 932/QĐ-TTg), nor a document that cites this symbol itself
    unnumbered = [row for row in linkage.unnumbered_match(conn, ident.symbol, ident.type_code, ident.date,
                                                          ident.province, documents=True)
                  if row["document_id"] != cited_in and not _cites(conn, row["id"], ident.symbol_key)]
    if len(unnumbered) == 1:  # the archive holds it, its number unread: the citation gives it
        return _infer_number(conn, unnumbered[0], ident, cited_in, page)
    return _create(conn, ident)


def _infer_number(conn: sqlite3.Connection, row: sqlite3.Row, ident: Identity, cited_in: int | None,
                  page: int | None) -> str:
    """An archive document whose own number could not be read takes the number a citation gives it (same type,
    codes, date and province), marked as inferred, the citation recorded as the evidence."""
    evidence = (f"number {ident.number} inferred from a citation {ident.symbol} of the same type, issuer and date "
                f"{ident.date}; the document's own number was not read ({row['symbol']})")
    conn.execute("UPDATE nodes SET symbol = ?, symbol_key = ?, number = ? WHERE id = ?",
                 (ident.symbol, ident.symbol_key, ident.number, row["id"]))
    if row["document_id"]:
        conn.execute("UPDATE documents SET symbol = ?, number = ?, number_source = 'inferred', "
                     "number_confidence = 0.8 WHERE id = ?", (ident.symbol, ident.number, row["document_id"]))
    linkage.record_variant(conn, row["id"], row["symbol"], cited_in, page, evidence, 0.8)
    return row["id"]


def _create(conn: sqlite3.Connection, ident: Identity, *, document_id: int | None = None,
            node_id: str | None = None) -> str:
    base = node_id or ident.node_id()
    node_id, n = base, 1
    while conn.execute("SELECT 1 FROM nodes WHERE id = ?", (node_id,)).fetchone():
        n += 1
        node_id = f"{base}-{n}"
    conn.execute(
        "INSERT INTO nodes(id, symbol, symbol_key, number, type, type_code, issuer_code, issuer, province, locality,"
        " local, date, year, title, is_stub, document_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (node_id, ident.symbol, ident.symbol_key, ident.number, ident.type, ident.type_code, ident.issuer_code,
         ident.issuer, ident.province, ident.locality, int(ident.local), ident.date, ident.year, ident.title,
         0 if document_id else 1, document_id),
    )
    return node_id


def _fill(conn: sqlite3.Connection, row: sqlite3.Row, ident: Identity, document_id: int | None) -> str:
    """Complete a node with what a new mention or the document itself says (never overwrite with less)."""
    updates: dict[str, object] = {}
    for key in ("date", "year", "province", "locality", "issuer", "title", "type", "type_code"):
        value = getattr(ident, key)
        if value and (not row[key] or (document_id is not None and key in {"issuer", "title", "type", "date"})):
            updates[key] = value
    if document_id is not None and row["document_id"] is None:
        updates["document_id"] = document_id
        updates["is_stub"] = 0
    if updates:
        assignments = ", ".join(f"{k} = ?" for k in updates)
        conn.execute(f"UPDATE nodes SET {assignments} WHERE id = ?", [*updates.values(), row["id"]])
    return row["id"]


def _ambiguous(conn: sqlite3.Connection, ident: Identity, candidates: list[str]) -> str:
    node_id = ident.node_id() + "-ambiguous"
    row = conn.execute("SELECT candidates FROM nodes WHERE id = ?", (node_id,)).fetchone()
    if row:
        merged = sorted(set(json.loads(row["candidates"] or "[]")) | set(candidates))
        conn.execute("UPDATE nodes SET candidates = ? WHERE id = ?", (json.dumps(merged), node_id))
        return node_id
    _create(conn, ident, node_id=node_id)
    conn.execute("UPDATE nodes SET ambiguous = 1, candidates = ? WHERE id = ?", (json.dumps(sorted(candidates)),
                                                                                  node_id))
    return node_id


def _cites(conn: sqlite3.Connection, node_id: str, symbol_key: str) -> bool:
    """Whether the document of `node_id` cites a document of that symbol (then it is not that document)."""
    return conn.execute("SELECT 1 FROM edges e JOIN nodes n ON n.id = e.target_id WHERE e.source_id = ? AND "
                        "n.symbol_key = ? LIMIT 1", (node_id, symbol_key)).fetchone() is not None


def unnumbered_node(conn: sqlite3.Connection, header: Header, document_id: int, sha256: str,
                    cited: frozenset[str] = frozenset()) -> str:
    """A document whose number was not read: the stub other letters cite it by (same type, codes, date and
    province: its number then inferred from them), else a node of its own, marked with its partial symbol.
    `cited`: the symbol keys the document itself cites — never its own number (a decision of the same day)."""
    province = header.province if is_local(header.issuer_code) else None
    stubs = [row for row in linkage.unnumbered_match(conn, header.symbol or "?", header.type_code, header.date,
                                                     province, documents=False)
             if row["symbol_key"] not in cited]
    if len(stubs) == 1:
        stub = stubs[0]
        evidence = (f"number {stub['number']} inferred from the citations of {stub['symbol']} of the same type, "
                    f"issuer and date {header.date}; the document's own number was not read ({header.symbol})")
        conn.execute("UPDATE nodes SET document_id = ?, is_stub = 0, title = COALESCE(?, title) WHERE id = ?",
                     (document_id, header.subject, stub["id"]))
        conn.execute("UPDATE documents SET symbol = ?, number = ?, number_source = 'inferred', number_confidence = 0.8 "
                     "WHERE id = ?", (stub["symbol"], stub["number"], document_id))
        linkage.record_variant(conn, stub["id"], header.symbol or "?", document_id, 1, evidence, 0.8)
        return stub["id"]
    ident = Identity(
        symbol=header.symbol or "?",
        number=None,
        type=header.type,
        type_code=header.type_code,
        issuer_code=header.issuer_code,
        issuer=header.issuer,
        local=True,
        province=header.province,
        locality=None,
        date=header.date,
        year=int((header.date or header.date_partial or "0")[:4]) or None,
        title=header.subject,
    )
    return _create(conn, ident, document_id=document_id, node_id=f"doc-{sha256[:12]}")
