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

import csv
import io
from importlib import resources
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..archive import check
from ..exports import graph_html
from ..process import VanbanError
from . import access, api, i18n, images, takeaway
from .document import document_view
from .headers import GRAPH_POLICY, secure
from .reader import Archive
from .search import MAX_QUERY, doc_href, examples, most_cited, search_view, stats


def _templates(lang: str) -> Environment:
    """The pages' templates in one language: messages from its catalogue, days and times as a reader there
    writes them, relations as the law names them."""
    env = Environment(loader=PackageLoader("pipeline.web", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    gettext = i18n.gettext_for(lang)
    # `t`: a message held in a variable (a msgid from the code, or a value that is none): translated and escaped
    # as text; `_()` marks its result safe, so it is only ever given literal messages
    env.filters.update(day=i18n.day, moment=i18n.moment, t=lambda message: str(gettext(str(message))))
    env.globals.update(
        lang=lang, other_lang="en" if lang == "vi" else "vi", relation_codes=i18n.ORDER,
        relation_name=lambda code: gettext(i18n.RELATIONS.get(code or "cites", i18n.RELATIONS["cites"])),
        direction_name=lambda d: gettext(_DIRECTIONS.get(d, d)),
        group_name=lambda d, code: gettext((i18n.OUTGOING if d == "cites" else i18n.INCOMING).get(
            code, i18n.OUTGOING["cites"] if d == "cites" else i18n.INCOMING["cites"])),
        event_name=lambda e: gettext(i18n.EVENTS.get(e, e)))
    return env


_DIRECTIONS = {"cited_by": i18n.N_("Cited by"), "cites": i18n.N_("Cites")}
LANG_COOKIE = "vanban_lang"


def request_lang(request: Request) -> str:
    """`?lang=` (the page's switch), else the cookie it left, else the browser's Accept-Language; Vietnamese
    when none asks for a language we have."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if chosen in i18n.LOCALES:
        return chosen
    return i18n.negotiate(request.headers.get("accept-language"))


def _switch_href(request: Request, lang: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + "?" + urlencode([*params, ("lang", "en" if lang == "vi" else "vi")])


def create_app(db: Path | str, *, password_file: Path | None = None, log: TextIO | None = None) -> Any:
    """The web app over the archive in `db` (a folder or its archive.sqlite); fails at once if there is none.
    With `password_file` every request needs credentials from it; with `log` every request is logged there."""
    archive = Archive.open(db)
    checker = None
    if password_file is not None:
        try:
            checker = access.Checker.from_file(Path(password_file))  # read again when it changes
        except access.AccessError as exc:
            raise VanbanError("serve", str(exc)) from exc
    app = _routes(archive)
    if checker is None and log is None:
        return app
    guarded = access.Guard(app, checker, access.RequestLog(log) if log is not None else None)
    guarded.state = app.state  # type: ignore[attr-defined]
    return guarded


def _routes(archive: Archive) -> Starlette:
    envs = {lang: _templates(lang) for lang in i18n.LOCALES}

    def statuses() -> Any:
        """Validity on a day, from the table and this archive's own statements (kept until the archive changes)."""
        def compute() -> Any:
            with archive.connect() as conn:
                return check.statuses(conn)
        return archive.cached("statuses", compute)

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        lang = request_lang(request)
        with archive.connect() as conn:
            context.setdefault("stats", archive.cached("stats", lambda: stats(conn)))
        context.setdefault("query", "")
        context["switch_href"] = _switch_href(request, lang)
        response = HTMLResponse(envs[lang].get_template(name).render(**context), status_code=status)
        response.headers["Content-Language"] = lang
        response.headers["Vary"] = "Accept-Language, Cookie"
        if request.query_params.get("lang") in i18n.LOCALES:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
        return secure(response)

    def search_page(request: Request) -> Response:
        query = " ".join(request.query_params.get("q", "").split())[:MAX_QUERY]
        with archive.connect() as conn:
            if not query:
                top = archive.cached("most_cited", lambda: most_cited(conn))
                context = {"most_cited": top, "examples": examples(top, conn)}
            else:
                context = search_view(conn, query, statuses())
        return page(request, "search.html", {**context, "query": query, "here": "search"})

    def document_page(request: Request) -> Response:
        with archive.connect() as conn:
            params = request.query_params
            filters = {k: params.get(k, "")[:200] for k in ("relation", "type", "issuer", "from", "to", "all", "group",
                                                             "page", "per") if params.get(k)}
            view = document_view(conn, request.path_params["node_id"], params.get("view", "restored"), statuses(),
                                 filters)
        if view is None:
            raise HTTPException(404, "No document with this id in the archive.")
        return page(request, "document.html", {**view, "here": "document"})

    def findings() -> list[dict[str, Any]]:
        with archive.connect() as conn:
            return [{**f.to_dict(), "chain": f.chain, "letter_href": doc_href(f.letter), "cited_href": doc_href(f.cited)}
                    for f in archive.cached("check", lambda: check.check(conn))]

    def check_page(request: Request) -> Response:
        return page(request, "check.html", {"findings": findings(), "here": "check"})

    def check_csv(request: Request) -> Response:
        """The check as CSV (UTF-8 with a byte-order mark, so that Excel reads the Vietnamese), in the reader's
        language; a cell that starts like a formula is quoted with an apostrophe."""
        gettext = i18n.gettext_for(request_lang(request))
        with archive.connect() as conn:
            rows = check.table_rows(archive.cached("check", lambda: check.check(conn)), gettext, i18n.day)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([gettext(h) for h in check.HEADERS])
        writer.writerows([[("'" + c) if c[:1] in "=+-@" else c for c in row] for row in rows])
        response = Response("\ufeff" + buffer.getvalue(), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="vanban-check.csv"'})
        return secure(response)

    def source_page(request: Request) -> Response:
        path = request.query_params.get("path", "")
        with archive.connect() as conn:
            row = conn.execute("SELECT node_id, status, stage, error FROM documents WHERE source = ?",
                               (path,)).fetchone()
        if row is None:
            raise HTTPException(404, i18n.N_("No file with this path in the archive."))
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
            raise HTTPException(404, i18n.N_("No document with this id in the archive."))
        anchor = f"#box-m{row['mention']}" if row and row["mention"] is not None else ""
        return secure(RedirectResponse(doc_href(citing) + anchor, status_code=303))

    def graph_page(request: Request) -> Response:
        lang = request_lang(request)
        html = archive.cached(f"graph-{lang}", lambda: _graph_html(archive, lang))
        headers = {"Content-Language": lang, "Vary": "Accept-Language, Cookie"}
        return secure(HTMLResponse(html, headers=headers), GRAPH_POLICY)

    def stylesheet(request: Request) -> Response:
        return secure(Response(graph_html.stylesheet(), media_type="text/css"))

    def web_stylesheet(request: Request) -> Response:
        return secure(Response(resources.files("pipeline.web").joinpath("static", "web.css").read_text(encoding="utf-8"), media_type="text/css"))

    def error_page(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        message = getattr(exc, "detail", None) if status < 500 else i18n.N_("Something went wrong; see the server's log.")
        title = {404: i18n.N_("Not found"), 405: i18n.N_("Method not allowed")}.get(status, i18n.N_("Error"))
        return page(request, "error.html", {"status": status, "title": title, "message": message or title}, status)

    routes = [
        Route("/", search_page),
        Route("/doc/{node_id}", document_page),
        Route("/source", source_page),
        Route("/graph", graph_page),
        Route("/check", check_page),
        Route("/check.csv", check_csv),
        Route("/evidence", evidence_page),
        *images.routes(archive),
        *api.routes(archive),
        *takeaway.routes(archive, request_lang),
        Route("/static/vanban.css", stylesheet),
        Route("/static/web.css", web_stylesheet),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: error_page, Exception: error_page})
    app.state.archive = archive
    return app


def _graph_html(archive: Archive, lang: str = i18n.DEFAULT) -> str:
    with archive.connect() as conn:
        return graph_html.archive_page(conn, doc_base="/doc/", file_base="/source?path=",
                                      evidence_base="/evidence?", neighbourhood_base="/api/neighbourhood?id=",
                                      links=[("/", "Search"), ("/graph", "Graph")], lang=lang)
