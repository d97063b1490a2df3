"""One node per real document: identities of cited documents and of the archive's own documents, and resolution.

A node is (type code, number, symbol, issuing body, date). Two mentions are the same node when their symbols match
and neither the date nor the issuer contradicts. Local symbols (`58/KH-UBND`, `13-NQ/TU`, công văn numbers) are
qualified by the province — from "của UBND tỉnh Nghệ An" when the text says it, else from the citing letter's own
province — and by the commune/ward when known, so that Quảng Ngãi's 58/KH-UBND and Nghệ An's never merge. A mention
that fits several existing nodes is kept on an *ambiguous* node that lists its candidates: never guessed.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass

from nlp import doctypes
from nlp.header import Header, province_in
from nlp.references import Reference
from nlp.text import slug

_LOCALITY = re.compile(r"\b(phường|xã|huyện|quận|thị xã|thị trấn|đặc khu)\s+(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    symbol: str
    number: str | None
    type: str | None
    type_code: str | None
    issuer_code: str | None
    issuer: str | None
    local: bool
    province: str | None
    locality: str | None
    date: str | None
    year: int | None
    title: str | None = None

    @property
    def symbol_key(self) -> str:
        return slug(self.symbol)

    def node_id(self) -> str:
        parts = [slug(self.type_code or ""), slug(self.symbol)]
        if self.local:
            parts += [slug(self.province or ""), slug(self.locality or "")]
        parts.append(self.date or (str(self.year) if self.year else ""))
        return "-".join(p for p in parts if p)


def is_local(issuer_code: str | None) -> bool:
    """Numbers of local bodies restart in every province (and every commune): they need a scope to be unique."""
    if not issuer_code:
        return True
    code = re.sub(r"\d+$", "", issuer_code)
    if code.endswith("TW") or code in {"TW", "BBT"}:
        return False
    kind = doctypes.issuer_kind(code)
    return kind not in {"national", "ministry"}


def _locality(issuer: str | None) -> str | None:
    if not issuer:
        return None
    match = _LOCALITY.search(issuer)
    if not match:
        return None
    return f"{match.group(1).lower()} {match.group(2)}"


def _year(date: str | None, symbol: str) -> int | None:
    if date:
        return int(date[:4])
    match = re.search(r"/((?:19|20)\d\d)/", symbol)
    return int(match.group(1)) if match else None


def reference_identity(ref: Reference, citing: Header) -> Identity:
    local = is_local(ref.issuer_code)
    province = locality = None
    if local:
        scope = ref.scope or ""
        province = province_in(scope) if scope else None
        locality = _locality(scope) if scope else None
        if province is None and is_local(citing.issuer_code):
            # "của UBND tỉnh" in a letter of a province's body means that province; a ministry's letter gives
            # no such context (its Hà Nội address says nothing about whose plan it cites)
            province = citing.province
    return Identity(
        symbol=ref.symbol,
        number=ref.number,
        type=ref.type,
        type_code=ref.type_code,
        issuer_code=ref.issuer_code,
        issuer=ref.issuer,
        local=local,
        province=province,
        locality=locality,
        date=ref.date,
        year=_year(ref.date, ref.symbol),
        title=ref.title,  # a law's name from the law table: the law is found by it
    )


def own_identity(header: Header) -> Identity | None:
    """The identity of an archive document, or None when its number could not be read (it then gets a node of
    its own that nothing can be matched to)."""
    if not header.symbol or header.number is None:
        return None
    local = is_local(header.issuer_code)
    return Identity(
        symbol=header.symbol,
        number=header.number,
        type=header.type,
        type_code=header.type_code,
        issuer_code=header.issuer_code,
        issuer=header.issuer,
        local=local,
        province=header.province if local else None,
        locality=_locality(header.issuer) if local else None,
        date=header.date,
        year=_year(header.date, header.symbol) or (int(header.date_partial[:4]) if header.date_partial else None),
        title=header.subject,
    )


def compatible(ident: Identity, row: sqlite3.Row) -> bool:
    if ident.date and row["date"] and ident.date != row["date"]:
        return False
    if ident.year and row["year"] and ident.year != row["year"]:
        return False
    if ident.local or row["local"]:
        if ident.province and row["province"] and ident.province != row["province"]:
            return False
        if ident.locality and row["locality"] and ident.locality != row["locality"]:
            return False
    return not row["ambiguous"]


def _exactness(ident: Identity, row: sqlite3.Row) -> int:
    return sum(
        [
            bool(ident.date and ident.date == row["date"]),
            bool(ident.province and ident.province == row["province"]),
            bool(ident.locality and ident.locality == row["locality"]),
        ]
    )


def resolve(conn: sqlite3.Connection, ident: Identity, *, document_id: int | None = None,
            cited_in: int | None = None, page: int | None = None) -> str:
    """The node id for an identity: an existing compatible node (filled in with what this mention adds), a new
    node, or an ambiguous node when several fit equally. `document_id` marks the archive document itself;
    `cited_in`/`page`: where the mention was read, the evidence of a link made on another reading of the symbol."""
    from . import linkage

    rows = conn.execute("SELECT * FROM nodes WHERE symbol_key = ?", (ident.symbol_key,)).fetchall()
    fits = [r for r in rows if compatible(ident, r)]
    if document_id is not None:
        # the document itself: a stub that fits becomes the full node; another full node is a duplicate copy
        fits.sort(key=lambda r: (-_exactness(ident, r), r["document_id"] is not None))
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
        best = max(_exactness(ident, r) for r in fits)
        top = [r for r in fits if _exactness(ident, r) == best]
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
    unnumbered = linkage.unnumbered_match(conn, ident.symbol, ident.type_code, ident.date, ident.province,
                                          documents=True)
    if len(unnumbered) == 1:  # the archive holds it, its number unread: the citation gives it
        return _infer_number(conn, unnumbered[0], ident, cited_in, page)
    return _create(conn, ident)


def _infer_number(conn: sqlite3.Connection, row: sqlite3.Row, ident: Identity, cited_in: int | None,
                  page: int | None) -> str:
    """An archive document whose own number could not be read takes the number a citation gives it (same type,
    codes, date and province), marked as inferred, the citation recorded as the evidence."""
    from . import linkage

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


def unnumbered_node(conn: sqlite3.Connection, header: Header, document_id: int, sha256: str) -> str:
    """A document whose number was not read: the stub other letters cite it by (same type, codes, date and
    province: its number then inferred from them), else a node of its own, marked with its partial symbol."""
    from . import linkage

    province = header.province if is_local(header.issuer_code) else None
    stubs = linkage.unnumbered_match(conn, header.symbol or "?", header.type_code, header.date, province,
                                     documents=False)
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
