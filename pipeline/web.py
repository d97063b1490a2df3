"""`vanban serve`: a small read-only web app over the archive (Starlette, served by uvicorn).

    /                 the search box: the contract's questions (`what cites Plan 58`, `văn bản nào trích dẫn
                      Kế hoạch 58`, `KH 58`, ...) answered with sentences and files; other words search the text
    /doc/{node_id}    a document: its text with every reference highlighted and linked to the cited document, what
                      it cites and what cites it; for a document known only from citations, what cites it
    /source?path=...  the document read from an archive file (a redirect to its /doc page)
    /graph            graph.html of the archive, its panel linked to the /doc pages
    /api/query?q=...  the same answers as JSON
    /api/neighbourhood?id=...  a document's citations both ways, as graph elements (the graph page loads them)
    /page/{id}/{n}.png, /file/{id}, /evidence?from=&to=  a scan's page image, the archived file, a citation's page

The store is opened read-only for every request. Document text is untrusted: pages are Jinja2 templates with
autoescape, graph.html embeds its data as escaped JSON, and every response forbids scripts it did not bring.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, TextIO
from urllib.parse import quote

import uvicorn
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from nlp.text import fold_lower
from nlp.named_laws import LAW_KINDS

from . import access, graphpage, store
from .process import VanbanError
from .query import Answer, QueryError, answer, neighbours

PAGE_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
               "frame-ancestors 'none'")
GRAPH_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
                "connect-src 'self'; base-uri 'none'; frame-ancestors 'none'")
DIRECTION_LABELS = {"cited_by": "Được trích dẫn bởi · Cited by", "cites": "Trích dẫn · Cites"}
MAX_QUERY = 500
MAX_ROWS = 500  # per list: a document cited 18,000 times shows its first 500 citers and says how many there are
MAX_MATCHES = 20  # documents shown for one question that fits several
MAX_ROWS_EACH = 50  # rows per list when a question fits several documents


# ---------------------------------------------------------------------------------------------------------------
# The archive, opened read-only per request; what is costly to compute is kept until the archive file changes.


@dataclass
class Archive:
    path: Path
    _cache: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, db: Path | str) -> "Archive":
        path = Path(db)
        if path.suffix != ".sqlite":
            path = path / store.DB_NAME
        if not path.is_file():
            raise VanbanError("serve", f"no archive at {path} (run `vanban run` first)")
        archive = cls(path)
        try:
            with archive.connect() as conn:
                conn.execute("SELECT COUNT(*) FROM nodes").fetchone()
        except sqlite3.Error as exc:
            raise VanbanError("serve", f"{path} is not a vanban archive: {exc}") from exc
        return archive

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        with closing(store.connect(self.path, readonly=True)) as conn:
            yield conn

    def version(self) -> tuple[int, ...]:
        wal = self.path.with_name(self.path.name + "-wal")
        stats = [self.path.stat()] + ([wal.stat()] if wal.exists() else [])
        return tuple(v for s in stats for v in (s.st_mtime_ns, s.st_size))

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        version = self.version()
        with self._lock:
            hit = self._cache.get(key)
            if hit and hit[0] == version:
                return hit[1]
        value = compute()
        with self._lock:
            self._cache[key] = (version, value)
        return value


# ---------------------------------------------------------------------------------------------------------------
# Views: plain dicts that the templates render (every string escaped by Jinja2's autoescape).


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


def edge_view(row: dict[str, Any], cited_symbol: str | None, evidence: str | None = None) -> dict[str, Any]:
    """One line of 'cites' / 'cited by': the other document, the relation, the sentence and the file, and `evidence`:
    the link to the sentence in the citing document's page (its box on a scan)."""
    return {
        "href": doc_href(row["id"]), "type": row["type"], "symbol": row["symbol"] or row["id"], "date": row["date"],
        "relation": row["relation"], "kind": row["kind"], "stub": row["stub"], "page": row["page"],
        "sentence": highlight(row["snippet"], [cited_symbol] if cited_symbol else []),
        "source": row["source"], "source_href": source_href(row["source"]), "evidence": evidence,
        "by_name": row.get("resolved_from") == "name",  # a law cited by name, its number from the law table
        "law": row.get("title") if row.get("type") in LAW_KINDS else None,
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


def _section(label: str, rows: list[dict[str, Any]], marked: Callable[[dict[str, Any]], str | None],
             conn: sqlite3.Connection | None = None, limit: int = MAX_ROWS) -> dict[str, Any]:
    return {"label": label, "total": len(rows),
            "rows": [edge_view(r, marked(r), evidence_href(conn, r) if conn is not None else None)
                     for r in rows[:limit]]}


def answer_view(result: Answer, conn: sqlite3.Connection | None = None) -> dict[str, Any]:
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
            sections.append(_section(DIRECTION_LABELS[direction], rows,
                                     lambda r: match["symbol"] if direction == "cited_by" else r["symbol"], conn,
                                     limit))
        matches.append({**match, "href": doc_href(match["id"]), "sections": sections})
    return {"ambiguous": result.ambiguous, "target": result.target.text if result.target else "", "matches": matches,
            "total": len(result.matches), "more": max(0, len(result.matches) - MAX_MATCHES)}


def text_hits(conn: sqlite3.Connection, query: str) -> list[dict[str, Any]]:
    try:
        hits = store.search_text(conn, query)
    except sqlite3.OperationalError:  # a query the full-text index cannot parse finds nothing
        return []
    words = [w for w in query.split() if len(w) >= 3 or any(ch.isdigit() for ch in w)]
    return [{**hit, "href": doc_href(hit["node_id"]) if hit["node_id"] else source_href(hit["source"]),
             "snippet": highlight(hit["snippet"], [query, *words])} for hit in hits]


def search_view(conn: sqlite3.Connection, query: str) -> dict[str, Any]:
    view: dict[str, Any] = {"answer": None, "error": None}
    try:
        view["answer"] = answer_view(answer(conn, query), conn)
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
    return [{**_node(row), "cited_by": row["cited_by"]} for row in rows]


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


def _node(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "href": doc_href(row["id"]), "symbol": row["symbol"], "type": row["type"],
            "date": row["date"], "province": row["province"], "issuer": row["issuer"], "title": row["title"],
            "stub": bool(row["is_stub"]), "ambiguous": bool(row["ambiguous"])}


def _mapping(document: sqlite3.Row) -> Any:
    """The restoration's offset mapping of a document (text as it came → restored text), or None. An archive
    written before the map was stored gets one from an alignment of the two texts."""
    from nlp.restore import Change, Restored

    if not document["restored_text"] or document["text"] is None:
        return None
    raw = document["restored_map"] if "restored_map" in document.keys() else None
    if raw:
        spans = [tuple(c) for c in json.loads(raw)]
    else:
        from rapidfuzz.distance import Levenshtein

        spans = [(op.src_start, op.src_end, op.dest_start, op.dest_end)
                 for op in Levenshtein.opcodes(document["text"], document["restored_text"]) if op.tag != "equal"]
    changes = tuple(Change(a, b, c, d, "", "", 1.0) for a, b, c, d in spans)
    return Restored(document["restored_text"], changes)


def line_boxes(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Word boxes joined into one box per line of print (a reference that wraps is two boxes, not one block)."""
    lines: list[list[int]] = []
    for x0, y0, x1, y1 in sorted(boxes, key=lambda b: ((b[1] + b[3]) / 2, b[0])):
        for line in lines:
            overlap = min(y1, line[3]) - max(y0, line[1])
            if overlap > 0.5 * min(y1 - y0, line[3] - line[1]):
                line[:] = [min(x0, line[0]), min(y0, line[1]), max(x1, line[2]), max(y1, line[3])]
                break
        else:
            lines.append([x0, y0, x1, y1])
    return [tuple(line) for line in lines]  # type: ignore[misc]


def page_views(conn: sqlite3.Connection, document: sqlite3.Row, view: str = "restored",
               image_ok: bool = False) -> list[dict[str, Any]]:
    """The document's pages: its text (restored, or as read) cut into plain pieces and linked references, and for a
    scan the page image with a box where each reference (and each handwritten or stamped header field) was read."""
    from . import pages as page_images

    mapping = _mapping(document) if view == "restored" else None
    text = mapping.text if mapping is not None else (document["text"] or "")
    rows = conn.execute(
        "SELECT m.id, m.node_id, m.start, m.end, m.page, m.relation, m.boxes, m.resolved_from, n.symbol, n.type "
        "FROM mentions m "
        "LEFT JOIN nodes n ON n.id = m.node_id WHERE m.document_id = ? ORDER BY m.start, m.end DESC",
        (document["id"],)).fetchall()
    mentions = []
    for row in rows:
        item = dict(row)
        if mapping is not None and row["start"] is not None and row["end"] is not None:
            item["start"], item["end"] = mapping.to_restored(row["start"]), mapping.to_restored(row["end"])
        mentions.append(item)
    sizes = page_images.page_sizes(document)
    fields = _field_boxes(document)
    pages, start = [], 0
    for number, body in enumerate(text.split("\f"), start=1):
        end = start + len(body)
        page: dict[str, Any] = {"number": number, "segments": _segments(text, start, end, mentions),
                                "image": None}
        if number in sizes and image_ok:
            transform, size = sizes[number]
            boxes = []
            for m in mentions:
                if m["page"] == number and m["boxes"]:
                    words = [page_images.to_page(b, transform) for b in json.loads(m["boxes"])]
                    boxes.append({"id": m["id"], "href": doc_href(m["node_id"]), "title": _mention_title(m),
                                  "rects": [{"x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0}
                                            for x0, y0, x1, y1 in line_boxes(words)]})
            page["image"] = {"src": f"/page/{document['id']}/{number}.png", "width": size[0], "height": size[1],
                             "boxes": boxes, "fields": [f for f in fields if f["page"] == number]}
            for piece in page["segments"]:  # on a scan, a reference in the text shows where it is on the page
                if piece.get("id") is not None and any(b["id"] == piece["id"] for b in boxes):
                    piece["box"] = f"#box-m{piece['id']}"
        pages.append(page)
        start = end + 1
    return pages


_FIELD_LABELS = {"number": "Số (viết tay)", "day": "Ngày (viết tay)", "month": "Tháng (viết tay)",
                 "signature": "Chữ ký số", "publication": "Dấu Công báo", "incoming": "Dấu công văn đến"}


def _field_boxes(document: sqlite3.Row) -> list[dict[str, Any]]:
    """Boxes of the header fields read from handwriting and of the overlays, on page 1 (page as loaded)."""
    meta = json.loads(document["meta"] or "{}") if document["meta"] else {}
    out = []
    for field, reading in (meta.get("blanks") or {}).items():
        if reading.get("box"):
            x0, y0, x1, y1 = reading["box"]
            value = reading.get("value")
            out.append({"id": field, "page": 1, "x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0,
                        "title": f"{_FIELD_LABELS.get(field, field)}: {value if value is not None else 'not read'}"
                                 f" ({reading.get('source')}, {reading.get('confidence') or 0:.2f})"})
    for k, overlay in enumerate(meta.get("overlays") or []):
        if overlay.get("bbox") and overlay.get("kind") in _FIELD_LABELS:
            x0, y0, x1, y1 = overlay["bbox"]
            out.append({"id": f"overlay-{k}", "page": 1, "x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0,
                        "title": f"{_FIELD_LABELS[overlay['kind']]}: {' '.join(overlay.get('text', '').split())}"})
    return out


def _mention_title(m: dict[str, Any]) -> str:
    label = f"{m['type'] or ''} {m['symbol'] or m['node_id']}".strip()
    by_name = " (cited by name; its number is from the law table)" if m["resolved_from"] == "name" else ""
    return f"{m['relation'] or 'cites'} → {label}{by_name}"


def _segments(text: str, start: int, end: int, mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pieces: list[dict[str, Any]] = []
    cursor = start
    for m in mentions:
        if m["start"] is None or m["end"] is None or m["start"] < cursor or m["end"] > end or m["end"] <= m["start"]:
            continue  # outside this page, overlapping the previous reference, or not a span
        if m["start"] > cursor:
            pieces.append({"text": text[cursor:m["start"]]})
        pieces.append({"text": text[m["start"]:m["end"]], "href": doc_href(m["node_id"]), "id": m["id"],
                       "relation": m["relation"] or "cites", "title": _mention_title(m),
                       "by_name": m["resolved_from"] == "name"})
        cursor = m["end"]
    if cursor < end:
        pieces.append({"text": text[cursor:end]})
    return pieces


def document_view(conn: sqlite3.Connection, node_id: str, view: str = "restored") -> dict[str, Any] | None:
    from . import pages as page_images
    from .query import variants

    node = conn.execute("SELECT * FROM nodes WHERE id = ?", (node_id,)).fetchone()
    if node is None:
        return None
    document = None
    if node["document_id"]:
        document = conn.execute("SELECT * FROM documents WHERE id = ?", (node["document_id"],)).fetchone()
    candidates = []
    for other in json.loads(node["candidates"] or "[]"):
        row = conn.execute("SELECT * FROM nodes WHERE id = ?", (other,)).fetchone()
        candidates.append(_node(row) if row else {"id": other, "href": doc_href(other), "symbol": other})
    symbol = node["symbol"]
    state = page_images.file_state(document) if document is not None else None
    restored = bool(document is not None and document["restored_text"])
    view = "raw" if view == "raw" or not restored else "restored"
    return {
        "node": _node(node), "document": document, "candidates": candidates, "view": view, "restored": restored,
        "file_state": state, "variants": _variants(variants(conn, node_id)),
        "pages": page_views(conn, document, view, image_ok=state == "ok") if document else [],
        "facts": _facts(node, document),
        "sections": [_section(DIRECTION_LABELS["cites"], neighbours(conn, node_id, "cites"), lambda r: r["symbol"],
                              conn),
                     _section(DIRECTION_LABELS["cited_by"], neighbours(conn, node_id, "cited_by"),
                              lambda r: symbol, conn)],
    }


def _variants(rows: list[dict[str, Any]], shown: int = 3) -> list[dict[str, Any]]:
    """The other readings of a node's symbol, one line each: how often, why linked, the first files."""
    grouped: dict[str, dict[str, Any]] = {}
    for row in rows:
        item = grouped.setdefault(row["variant"], {"variant": row["variant"], "evidence": row["evidence"],
                                                   "count": 0, "sources": []})
        item["count"] += 1
        if row["source"] and len(item["sources"]) < shown:
            item["sources"].append(f"{row['source']}" + (f" p.{row['page']}" if row["page"] else ""))
    return list(grouped.values())


def _facts(node: sqlite3.Row, document: sqlite3.Row | None) -> list[tuple[str, Any]]:
    doc = dict(document) if document else {}
    facts = [("Số/ký hiệu", node["symbol"]), ("Số đọc từ", _source(doc.get("number_source"),
                                                                   doc.get("number_confidence"))),
             ("Loại", node["type"]), ("Ngày", node["date"] or doc.get("date_partial")),
             ("Ngày đọc từ", _source(doc.get("date_source"), doc.get("date_confidence"))),
             ("Cơ quan ban hành", node["issuer"]), ("Tỉnh, thành", node["province"]), ("Xã, phường", node["locality"]),
             ("Trích yếu", node["title"] or doc.get("subject")), ("Người ký", _signer(doc.get("signer"))),
             ("Ký số lúc", doc.get("signed_at")), ("Công báo lúc", doc.get("published_at")),
             ("Tệp", doc.get("source")), ("Số trang", doc.get("pages"))]
    return [(label, value) for label, value in facts if value not in (None, "")]


_SOURCES = {"print": "in", "handwriting": "viết tay", "signature": "chữ ký số", "header": "in", "inferred":
            "suy ra từ văn bản trích dẫn", "field": "trường nhập"}


def _source(source: str | None, confidence: float | None) -> str | None:
    """Where a field was read, in words, with how sure the reading is."""
    if not source:
        return None
    words = f"{_SOURCES.get(source, source)} · {source}"
    return f"{words} ({confidence:.2f})" if confidence is not None and source != "print" else words


def _signer(value: str | None) -> str | None:
    """The signer is stored as JSON ({"authority", "title", "name"}); shown as its parts that were read."""
    try:
        data = json.loads(value) if value else None
    except ValueError:
        return value
    if isinstance(data, dict):
        return " · ".join(str(v) for v in data.values() if v) or None
    return value


# ---------------------------------------------------------------------------------------------------------------
# The app


def _templates() -> Environment:
    env = Environment(loader=PackageLoader("pipeline", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    return env


def _secure(response: Response, policy: str = PAGE_POLICY) -> Response:
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def create_app(db: Path | str, *, password_file: Path | None = None, log: TextIO | None = None) -> Any:
    """The web app over the archive in `db` (a folder or its archive.sqlite); fails at once if there is none.
    With `password_file` every request needs credentials from it; with `log` every request is logged there."""
    archive = Archive.open(db)
    checker = None
    if password_file is not None:
        try:
            checker = access.Checker(access.load(Path(password_file)))
        except access.AccessError as exc:
            raise VanbanError("serve", str(exc)) from exc
    app = _routes(archive)
    if checker is None and log is None:
        return app
    guarded = access.Guard(app, checker, access.RequestLog(log) if log is not None else None)
    guarded.state = app.state  # type: ignore[attr-defined]
    return guarded


def _routes(archive: Archive) -> Starlette:
    env = _templates()

    def page(name: str, context: dict[str, Any], status: int = 200) -> Response:
        with archive.connect() as conn:
            context.setdefault("stats", archive.cached("stats", lambda: stats(conn)))
        context.setdefault("query", "")
        return _secure(HTMLResponse(env.get_template(name).render(**context), status_code=status))

    def search_page(request: Request) -> Response:
        query = " ".join(request.query_params.get("q", "").split())[:MAX_QUERY]
        with archive.connect() as conn:
            if not query:
                top = archive.cached("most_cited", lambda: most_cited(conn))
                context = {"most_cited": top, "examples": examples(top, conn)}
            else:
                context = search_view(conn, query)
        return page("search.html", {**context, "query": query, "here": "search"})

    def document_page(request: Request) -> Response:
        with archive.connect() as conn:
            view = document_view(conn, request.path_params["node_id"], request.query_params.get("view", "restored"))
        if view is None:
            raise HTTPException(404, "No document with this id in the archive.")
        return page("document.html", {**view, "here": "document"})

    def _document_row(request: Request) -> sqlite3.Row:
        try:
            doc_id = int(request.path_params["doc_id"])
        except ValueError:
            raise HTTPException(404, "No such document.") from None
        with archive.connect() as conn:
            row = conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise HTTPException(404, "No such document.")
        return row

    def page_image(request: Request) -> Response:
        from . import pages as page_images

        row = _document_row(request)
        try:
            number = int(request.path_params["number"])
            image = page_images.render(archive.path.parent, row, number)
        except (ValueError, LookupError) as exc:
            raise HTTPException(404, f"No image of this page: {exc}") from None
        return _secure(Response(image, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"}))

    def file_download(request: Request) -> Response:
        from . import pages as page_images

        row = _document_row(request)
        if page_images.file_state(row) != "ok":
            raise HTTPException(404, "The archived file has moved or changed since it was read.")
        name = Path(row["path"]).name
        return _secure(FileResponse(row["path"], filename=name,
                                    content_disposition_type="attachment"))

    def source_page(request: Request) -> Response:
        path = request.query_params.get("path", "")
        with archive.connect() as conn:
            row = conn.execute("SELECT node_id, status, stage, error FROM documents WHERE source = ?",
                               (path,)).fetchone()
        if row is None:
            raise HTTPException(404, "No file with this path in the archive.")
        if not row["node_id"]:
            raise HTTPException(404, f"This file could not be read ({row['stage']}): {row['error']}")
        return _secure(RedirectResponse(doc_href(row["node_id"]), status_code=303))

    def evidence_page(request: Request) -> Response:
        """A citation's sentence: the citing document's page at its first mention of the cited one."""
        params = request.query_params
        citing, cited, source = params.get("from", ""), params.get("to", ""), params.get("file", "")
        with archive.connect() as conn:
            row = conn.execute(
                "SELECT MIN(m.id) AS mention FROM mentions m JOIN documents d ON d.id = m.document_id "
                "WHERE d.node_id = ? AND m.node_id = ? AND (? = '' OR d.source = ?)",
                (citing, cited, source, source)).fetchone()
            known = conn.execute("SELECT 1 FROM nodes WHERE id = ?", (citing,)).fetchone()
        if not known:
            raise HTTPException(404, "No document with this id in the archive.")
        anchor = f"#box-m{row['mention']}" if row and row["mention"] is not None else ""
        return _secure(RedirectResponse(doc_href(citing) + anchor, status_code=303))

    def graph_page(request: Request) -> Response:
        html = archive.cached("graph", lambda: _graph_html(archive))
        return _secure(HTMLResponse(html), GRAPH_POLICY)

    def api_query(request: Request) -> Response:
        query = " ".join(request.query_params.get("q", "").split())[:MAX_QUERY]
        with archive.connect() as conn:
            try:
                result: dict[str, Any] | None = answer(conn, query).to_dict()
                error = None
            except QueryError as exc:
                result, error = None, str(exc)
            texts = text_hits(conn, query) if query else []
        for hit in texts:
            hit["snippet"] = "".join(piece for piece, _ in hit["snippet"])
        return _secure(JSONResponse({"query": query, "answer": result, "error": error, "texts": texts}))

    def api_neighbourhood(request: Request) -> Response:
        with archive.connect() as conn:
            found = graphpage.neighbourhood(conn, request.query_params.get("id", ""))
        if found is None:
            return _secure(JSONResponse({"error": "no document with this id in the archive"}, status_code=404))
        return _secure(JSONResponse(found))

    def stylesheet(request: Request) -> Response:
        return _secure(Response(graphpage.stylesheet(), media_type="text/css"))

    def web_stylesheet(request: Request) -> Response:
        return _secure(Response(graphpage.static_text("web.css"), media_type="text/css"))

    def error_page(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        message = getattr(exc, "detail", None) if status < 500 else "Something went wrong; see the server's log."
        title = {404: "Not found", 405: "Method not allowed"}.get(status, "Error")
        return page("error.html", {"status": status, "title": title, "message": message or title}, status)

    routes = [
        Route("/", search_page),
        Route("/doc/{node_id}", document_page),
        Route("/source", source_page),
        Route("/graph", graph_page),
        Route("/evidence", evidence_page),
        Route("/page/{doc_id}/{number}.png", page_image),
        Route("/file/{doc_id}", file_download),
        Route("/api/query", api_query),
        Route("/api/neighbourhood", api_neighbourhood),
        Route("/static/vanban.css", stylesheet),
        Route("/static/web.css", web_stylesheet),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: error_page, Exception: error_page})
    app.state.archive = archive
    return app


def _graph_html(archive: Archive) -> str:
    with archive.connect() as conn:
        return graphpage.archive_page(conn, doc_base="/doc/", file_base="/source?path=",
                                      evidence_base="/evidence?", neighbourhood_base="/api/neighbourhood?id=",
                                      links=[("/", "Search"), ("/graph", "Graph")])


# ---------------------------------------------------------------------------------------------------------------
# Serving


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket, so that a busy port is one clear error before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise VanbanError("serve", f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _server(app: Any) -> uvicorn.Server:
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))


def guarded_app(db: Path | str, host: str, password_file: Path | None, log_path: Path | None) -> tuple[Any, Any]:
    """The app as `vanban serve` runs it: off loopback it refuses to start without a password file, and with one
    it logs every request (to `log_path`, by default access.log beside the store). Returns (app, log handle)."""
    if password_file is None and not access.is_loopback(host):
        raise VanbanError("serve", f"listening on {host} would open the archive to the network without a password: "
                                   "give --password-file FILE (write one with `vanban password USER --file FILE`)")
    archive = Archive.open(db)
    if password_file is not None and log_path is None:
        log_path = archive.path.parent / "access.log"
    handle = None
    if log_path is not None:
        try:
            handle = open(log_path, "a", encoding="utf-8", buffering=1)
        except OSError as exc:
            raise VanbanError("serve", f"cannot write the request log {log_path}: {exc.strerror or exc}") from exc
    try:
        return create_app(archive.path, password_file=password_file, log=handle), handle
    except BaseException:
        if handle is not None:
            handle.close()
        raise


def serve(db: Path | str, host: str = "127.0.0.1", port: int = 8765, announce: Callable[[str], None] = print,
          password_file: Path | None = None, log_path: Path | None = None) -> None:
    """Serve until interrupted (Ctrl+C)."""
    app, log = guarded_app(db, host, password_file, log_path)
    try:
        sock = bind(host, port)
        who = f"; users from {password_file}, requests logged to {log.name}" if password_file else ""
        announce(f"vanban serve: {url(sock)} (archive {app.state.archive.path}{who}; Ctrl+C to stop)")
        _server(app).run(sockets=[sock])
    finally:
        if log is not None:
            log.close()


@contextmanager
def serving(db: Path | str, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0,
            password_file: Path | None = None, log_path: Path | None = None) -> Iterator[str]:
    """Serve in a background thread for the duration of a `with` block; yields the base URL (tests, notebooks)."""
    app, log = guarded_app(db, host, password_file, log_path)
    sock = bind(host, port)
    server = _server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="vanban-serve")
    thread.start()
    deadline = time.monotonic() + timeout
    try:
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise VanbanError("serve", "the web server did not start")
            time.sleep(0.02)
        yield url(sock)
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
        if log is not None:
            log.close()
