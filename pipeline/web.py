"""`vanban serve`: a small read-only web app over the archive (Starlette, served by uvicorn).

    /                 the search box: the contract's questions (`what cites Plan 58`, `văn bản nào trích dẫn
                      Kế hoạch 58`, `KH 58`, ...) answered with sentences and files; other words search the text
    /doc/{node_id}    a document: its text with every reference highlighted and linked to the cited document, what
                      it cites and what cites it; for a document known only from citations, what cites it
    /source?path=...  the document read from an archive file (a redirect to its /doc page)
    /graph            graph.html of the archive, its panel linked to the /doc pages
    /api/query?q=...  the same answers as JSON

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
from typing import Any, Callable, Iterator
from urllib.parse import quote

import uvicorn
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from nlp.text import fold_lower

from . import graphpage, store
from .process import VanbanError
from .query import Answer, QueryError, answer, neighbours

PAGE_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
               "frame-ancestors 'none'")
GRAPH_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
                "base-uri 'none'; frame-ancestors 'none'")
DIRECTION_LABELS = {"cited_by": "Được trích dẫn bởi · Cited by", "cites": "Trích dẫn · Cites"}
MAX_QUERY = 500
MAX_ROWS = 500  # per list: a document cited 18,000 times shows its first 500 citers and says how many there are


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


def edge_view(row: dict[str, Any], cited_symbol: str | None) -> dict[str, Any]:
    """One line of 'cites' / 'cited by': the other document, the relation, the sentence and the file."""
    return {
        "href": doc_href(row["id"]), "type": row["type"], "symbol": row["symbol"] or row["id"], "date": row["date"],
        "relation": row["relation"], "kind": row["kind"], "stub": row["stub"], "page": row["page"],
        "sentence": highlight(row["snippet"], [cited_symbol] if cited_symbol else []),
        "source": row["source"], "source_href": source_href(row["source"]),
    }


def _section(label: str, rows: list[dict[str, Any]], marked: Callable[[dict[str, Any]], str | None],
             ) -> dict[str, Any]:
    return {"label": label, "total": len(rows), "rows": [edge_view(r, marked(r)) for r in rows[:MAX_ROWS]]}


def answer_view(result: Answer) -> dict[str, Any]:
    directions = ["cited_by", "cites"] if result.direction == "both" else [result.direction]
    matches = []
    for match in result.matches:
        sections = []
        for direction in directions:
            rows = [r for r in result.results if r["direction"] == direction and r["via"] == match["id"]]
            sections.append(_section(DIRECTION_LABELS[direction], rows,
                                     lambda r: match["symbol"] if direction == "cited_by" else r["symbol"]))
        matches.append({**match, "href": doc_href(match["id"]), "sections": sections})
    return {"ambiguous": result.ambiguous, "target": result.target.text if result.target else "", "matches": matches}


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
        view["answer"] = answer_view(answer(conn, query))
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


def page_image(document: sqlite3.Row, number: int) -> str | None:
    """The URL of a page image of a scanned document, shown above that page's text.

    Hook for scans: the store keeps no page images yet (the OCR stage is a later issue), so there is none to show
    and none is faked. When it does, return the image's URL here (and serve it); mentions already carry `page`."""
    return None


def page_views(conn: sqlite3.Connection, document: sqlite3.Row) -> list[dict[str, Any]]:
    """The document text cut into pages (form feeds) and into plain pieces and linked references."""
    text = document["text"] or ""
    mentions = conn.execute(
        "SELECT m.id, m.node_id, m.start, m.end, m.relation, n.symbol, n.type FROM mentions m "
        "LEFT JOIN nodes n ON n.id = m.node_id WHERE m.document_id = ? ORDER BY m.start, m.end DESC",
        (document["id"],)).fetchall()
    pages, start = [], 0
    for number, body in enumerate(text.split("\f"), start=1):
        end = start + len(body)
        pages.append({"number": number, "image": page_image(document, number),
                      "segments": _segments(text, start, end, mentions)})
        start = end + 1
    return pages


def _segments(text: str, start: int, end: int, mentions: list[sqlite3.Row]) -> list[dict[str, Any]]:
    pieces: list[dict[str, Any]] = []
    cursor = start
    for m in mentions:
        if m["start"] is None or m["end"] is None or m["start"] < cursor or m["end"] > end or m["end"] <= m["start"]:
            continue  # outside this page, overlapping the previous reference, or not a span
        if m["start"] > cursor:
            pieces.append({"text": text[cursor:m["start"]]})
        label = f"{m['type'] or ''} {m['symbol'] or m['node_id']}".strip()
        pieces.append({"text": text[m["start"]:m["end"]], "href": doc_href(m["node_id"]), "id": m["id"],
                       "relation": m["relation"] or "cites", "title": f"{m['relation'] or 'cites'} → {label}"})
        cursor = m["end"]
    if cursor < end:
        pieces.append({"text": text[cursor:end]})
    return pieces


def document_view(conn: sqlite3.Connection, node_id: str) -> dict[str, Any] | None:
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
    return {
        "node": _node(node), "document": document, "candidates": candidates,
        "pages": page_views(conn, document) if document else [],
        "facts": _facts(node, document),
        "sections": [_section(DIRECTION_LABELS["cites"], neighbours(conn, node_id, "cites"), lambda r: r["symbol"]),
                     _section(DIRECTION_LABELS["cited_by"], neighbours(conn, node_id, "cited_by"),
                              lambda r: symbol)],
    }


def _facts(node: sqlite3.Row, document: sqlite3.Row | None) -> list[tuple[str, Any]]:
    doc = dict(document) if document else {}
    facts = [("Số/ký hiệu", node["symbol"]), ("Loại", node["type"]), ("Ngày", node["date"] or doc.get("date_partial")),
             ("Cơ quan ban hành", node["issuer"]), ("Tỉnh, thành", node["province"]), ("Xã, phường", node["locality"]),
             ("Trích yếu", node["title"] or doc.get("subject")), ("Người ký", _signer(doc.get("signer"))),
             ("Tệp", doc.get("source")), ("Số trang", doc.get("pages"))]
    return [(label, value) for label, value in facts if value not in (None, "")]


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


def create_app(db: Path | str) -> Starlette:
    """The web app over the archive in `db` (a folder or its archive.sqlite); fails at once if there is none."""
    archive = Archive.open(db)
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
            view = document_view(conn, request.path_params["node_id"])
        if view is None:
            raise HTTPException(404, "No document with this id in the archive.")
        return page("document.html", {**view, "here": "document"})

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
        Route("/api/query", api_query),
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


def _server(app: Starlette) -> uvicorn.Server:
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))


def serve(db: Path | str, host: str = "127.0.0.1", port: int = 8765,
          announce: Callable[[str], None] = print) -> None:
    """Serve until interrupted (Ctrl+C)."""
    app = create_app(db)
    sock = bind(host, port)
    announce(f"vanban serve: {url(sock)} (archive {app.state.archive.path}; Ctrl+C to stop)")
    _server(app).run(sockets=[sock])


@contextmanager
def serving(db: Path | str, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0) -> Iterator[str]:
    """Serve in a background thread for the duration of a `with` block; yields the base URL (tests, notebooks)."""
    app = create_app(db)
    sock = bind(host, port)
    server = _server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="vanban-serve")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise VanbanError("serve", "the web server did not start")
        time.sleep(0.02)
    try:
        yield url(sock)
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
