"""The search page's views: a question answered with its citing documents, sentences and files, or the texts
that hold the words; plain dicts that the templates render (every string escaped by Jinja2's autoescape).
"""

from __future__ import annotations

import sqlite3
from typing import Any, Callable
from urllib.parse import quote

from nlp.named_laws import LAW_KINDS
from nlp.text import fold_lower

from ..archive import store
from ..archive.query import Answer, QueryError, answer


DIRECTION_LABELS = {"cited_by": "Được trích dẫn bởi · Cited by", "cites": "Trích dẫn · Cites"}
MAX_QUERY = 500
MAX_ROWS = 500  # per list: a document cited 18,000 times shows its first 500 citers and says how many there are
MAX_MATCHES = 20  # documents shown for one question that fits several
MAX_ROWS_EACH = 50  # rows per list when a question fits several documents


def doc_href(node_id: str) -> str:
    return "/doc/" + quote(node_id, safe="")


def source_href(source: str | None) -> str | None:
    return "/source?path=" + quote(source, safe="") if source else None


def highlight(text: str | None, needles: list[str]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_match) where any needle occurs, ignoring case and diacritics."""
    text = text or ""
    folded = fold_lower(text)
    spans: list[tuple[int, int]] = []
    for needle in {fold_lower(n) for n in needles if n and n.strip()}:
        start = folded.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + len(needle))
    pieces: list[tuple[str, bool]] = []
    cursor = 0
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):  # the longest match at a place wins
        if start < cursor:
            continue
        if start > cursor:
            pieces.append((text[cursor:start], False))
        pieces.append((text[start:end], True))
        cursor = end
    if cursor < len(text) or not pieces:
        pieces.append((text[cursor:], False))
    return pieces


def edge_view(row: dict[str, Any], cited_symbol: str | None, evidence: str | None = None,
              ended: dict[str, Any] | None = None) -> dict[str, Any]:
    """One line of 'cites' / 'cited by': the other document, the relation, the sentence and the file, `evidence`:
    the link to the sentence in the citing document's page (its box on a scan), and `ended`: the cited document
    was no longer in force on the citing letter's date (what ended it, the chain to the one in force)."""
    return {"ended": ended, "relations": sorted(set(row.get("relations") or [row["relation"]])),
        "href": doc_href(row["id"]), "type": row["type"], "symbol": row["symbol"] or row["id"], "date": row["date"],
        "relation": row["relation"], "kind": row["kind"], "stub": row["stub"], "page": row["page"],
        "sentence": highlight(row["snippet"], [cited_symbol] if cited_symbol else []),
        "source": row["source"], "source_href": source_href(row["source"]), "evidence": evidence,
        "by_name": row.get("resolved_from") == "name",  # a law cited by name, its number from the law table
        "law": row.get("title") if row.get("type") in LAW_KINDS else None,
        "uncertain": row.get("uncertain") or [],  # read from uncertain OCR (pipeline.archive.uncertain)
    }


_EVIDENCE_SQL = ("SELECT d.node_id, MIN(m.id) AS mention FROM documents d JOIN mentions m ON m.document_id = d.id "
                 "WHERE d.source = ? AND m.node_id = ? GROUP BY d.node_id")


def evidence_href(conn: sqlite3.Connection, row: dict[str, Any]) -> str | None:
    """Where the edge's sentence is: the citing document's page at the first mention of the cited node (its box on
    the page image of a scan, else the reference in the text: the document page gives both that anchor)."""
    cited = row["via"] if row.get("direction") == "cited_by" else row["id"]
    found = conn.execute(_EVIDENCE_SQL, (row["source"], cited)).fetchone()
    if found is None or not found["node_id"]:
        return None
    return f"{doc_href(found['node_id'])}#box-m{found['mention']}"


def ended_on(status: Callable[..., Any] | None, cited: str | None, day: str | None) -> dict[str, Any] | None:
    """What ended the force of the document `cited` on or before the ISO `day` (None while in force, or unknown)."""
    if status is None or not cited or not day or len(day) != 10:
        return None
    state = status(cited, day)
    if state is None or state.in_force or state.ended_by is None:
        return None
    return {"symbol": cited, "event": state.ended_by.event, "by": state.ended_by.by, "start": state.ended_by.start,
            "chain": [{"by": e.by, "start": e.start} for e in state.chain], "current": state.current}


def section(label: str, rows: list[dict[str, Any]], marked: Callable[[dict[str, Any]], str | None],
            conn: sqlite3.Connection | None = None, limit: int = MAX_ROWS,
            ended: Callable[[dict[str, Any]], dict[str, Any] | None] = lambda r: None) -> dict[str, Any]:
    return {"label": label, "total": len(rows),
            "rows": [edge_view(r, marked(r), evidence_href(conn, r) if conn is not None else None, ended(r))
                     for r in rows[:limit]]}


def answer_view(result: Answer, conn: sqlite3.Connection | None = None,
                status: Callable[..., Any] | None = None) -> dict[str, Any]:
    directions = ["cited_by", "cites"] if result.direction == "both" else [result.direction]
    # A short question ("KH 1") may fit dozens of documents (numbers restart every year for every body): the page
    # shows the best MAX_MATCHES, each with its first rows, and says how many more there are.
    limit = MAX_ROWS if len(result.matches) == 1 else MAX_ROWS_EACH
    by_node: dict[str, list[dict[str, Any]]] = {}
    for r in result.results:
        by_node.setdefault(r["via"], []).append(r)
    matches = []
    for match in result.matches[:MAX_MATCHES]:
        sections = []
        for direction in directions:
            rows = [r for r in by_node.get(match["id"], []) if r["direction"] == direction]
            if direction == "cited_by":  # the match, on each citing letter's date
                ended = lambda r, m=match: ended_on(status, m["symbol"], r["date"])  # noqa: E731
            else:  # each cited document, on the match's date
                ended = lambda r, m=match: ended_on(status, r["symbol"], m["date"])  # noqa: E731
            sections.append(section(direction, rows,
                                    lambda r: match["symbol"] if direction == "cited_by" else r["symbol"], conn,
                                    limit, ended))
        matches.append({**match, "href": doc_href(match["id"]), "sections": sections})
    return {"ambiguous": result.ambiguous, "target": result.target.text if result.target else "", "matches": matches,
            "total": len(result.matches), "more": max(0, len(result.matches) - MAX_MATCHES)}


def text_hits(conn: sqlite3.Connection, query: str, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    try:
        hits = store.search_text(conn, query, limit, offset)
    except sqlite3.OperationalError:  # a query the full-text index cannot parse finds nothing
        return []
    words = [w for w in query.split() if len(w) >= 3 or any(ch.isdigit() for ch in w)]
    return [{**hit, "href": doc_href(hit["node_id"]) if hit["node_id"] else source_href(hit["source"]),
             "snippet": highlight(hit["snippet"], [query, *words])} for hit in hits]


def text_total(conn: sqlite3.Connection, query: str) -> int:
    try:
        return store.count_text(conn, query)
    except sqlite3.OperationalError:
        return 0


def search_view(conn: sqlite3.Connection, query: str, status: Callable[..., Any] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {"answer": None, "error": None}
    try:
        view["answer"] = answer_view(answer(conn, query), conn, status)
    except QueryError:
        pass  # not a question about a numbered document: the text search below answers it
    view["texts"] = text_hits(conn, query)
    return view


def stats(conn: sqlite3.Connection) -> dict[str, int]:
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    return {"documents": one("SELECT COUNT(*) FROM documents WHERE status = 'ok'"),
            "nodes": one("SELECT COUNT(*) FROM nodes"), "edges": one("SELECT COUNT(*) FROM edges")}


def most_cited(conn: sqlite3.Connection, limit: int = 10) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT n.*, c.cited_by FROM nodes n JOIN (SELECT target_id, COUNT(DISTINCT source_id) AS cited_by "
        "FROM edges GROUP BY target_id ORDER BY cited_by DESC LIMIT ?) c ON c.target_id = n.id "
        "ORDER BY c.cited_by DESC, n.id", (limit,)).fetchall()
    return [{**node_view(row), "cited_by": row["cited_by"]} for row in rows]


def examples(top: list[dict[str, Any]], conn: sqlite3.Connection) -> list[str]:
    """Questions this archive can answer, built from its own documents."""
    out = []
    if top:
        out += [f"what cites {top[0]['symbol']}", f"văn bản nào trích dẫn {top[0]['symbol']}"]
    row = conn.execute("SELECT symbol FROM documents WHERE status = 'ok' AND symbol IS NOT NULL "
                       "AND symbol NOT LIKE '?%' ORDER BY date DESC LIMIT 1").fetchone()
    if row:
        out.append(f"what does {row['symbol']} cite")
    plan = conn.execute("SELECT number FROM nodes WHERE type_code = 'KH' AND number IS NOT NULL "
                        "ORDER BY is_stub, id LIMIT 1").fetchone()
    if plan:
        out += [f"what cites Plan {plan['number']}", f"KH {plan['number']}"]
    return out


def node_view(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "href": doc_href(row["id"]), "symbol": row["symbol"], "type": row["type"],
            "date": row["date"], "province": row["province"], "issuer": row["issuer"], "title": row["title"],
            "stub": bool(row["is_stub"]), "ambiguous": bool(row["ambiguous"])}
