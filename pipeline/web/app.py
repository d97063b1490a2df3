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

from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..exports import graph_html
from ..process import VanbanError
from . import access, api, images
from .document import document_view
from .headers import GRAPH_POLICY, secure
from .reader import Archive
from .search import MAX_QUERY, doc_href, examples, most_cited, search_view, stats


def _templates() -> Environment:
    env = Environment(loader=PackageLoader("pipeline.web", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    return env


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
        return secure(HTMLResponse(env.get_template(name).render(**context), status_code=status))

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

    def source_page(request: Request) -> Response:
        path = request.query_params.get("path", "")
        with archive.connect() as conn:
            row = conn.execute("SELECT node_id, status, stage, error FROM documents WHERE source = ?",
                               (path,)).fetchone()
        if row is None:
            raise HTTPException(404, "No file with this path in the archive.")
        if not row["node_id"]:
            raise HTTPException(404, f"This file could not be read ({row['stage']}): {row['error']}")
        return secure(RedirectResponse(doc_href(row["node_id"]), status_code=303))

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
        return secure(RedirectResponse(doc_href(citing) + anchor, status_code=303))

    def graph_page(request: Request) -> Response:
        html = archive.cached("graph", lambda: _graph_html(archive))
        return secure(HTMLResponse(html), GRAPH_POLICY)

    def stylesheet(request: Request) -> Response:
        return secure(Response(graph_html.stylesheet(), media_type="text/css"))

    def web_stylesheet(request: Request) -> Response:
        return secure(Response(resources.files("pipeline.web").joinpath("static", "web.css").read_text(encoding="utf-8"), media_type="text/css"))

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
        *images.routes(archive),
        *api.routes(archive),
        Route("/static/vanban.css", stylesheet),
        Route("/static/web.css", web_stylesheet),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: error_page, Exception: error_page})
    app.state.archive = archive
    return app


def _graph_html(archive: Archive) -> str:
    with archive.connect() as conn:
        return graph_html.archive_page(conn, doc_base="/doc/", file_base="/source?path=",
                                      evidence_base="/evidence?", neighbourhood_base="/api/neighbourhood?id=",
                                      links=[("/", "Search"), ("/graph", "Graph")])
