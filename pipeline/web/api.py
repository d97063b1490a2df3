"""The JSON API: `/api/query?q=…` (the search page's answers), `/api/texts?q=…` (the documents whose text holds
the words, a page at a time) and `/api/neighbourhood?id=…` (a document's citations both ways as graph elements,
which the graph page loads); every list has its total and is paged by `limit` and `offset`; errors come with their
HTTP status (400 for a question or parameter it cannot answer, 404 for an unknown document); `/api/openapi.json`
describes it all."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..archive.query import QueryError, answer
from ..exports import graph_html
from .headers import secure
from .reader import Archive
from .search import MAX_QUERY, text_hits, text_total


def _paging(request: Request, default: int | None) -> tuple[int | None, int]:
    """(limit, offset) of a list's page; ValueError when either is not a whole number ≥ 0."""
    limit = int(request.query_params["limit"]) if request.query_params.get("limit") else default
    offset = int(request.query_params.get("offset") or 0)
    if (limit is not None and limit < 0) or offset < 0:
        raise ValueError
    return limit, offset


_BAD_PAGE = {"error": "limit and offset are whole numbers ≥ 0"}


def routes(archive: Archive) -> list[Route]:

    def api_query(request: Request) -> Response:
        query = " ".join(request.query_params.get("q", "").split())[:MAX_QUERY]
        try:  # paging: one row per citing (or cited) document, `total` of them
            limit, offset = _paging(request, None)
        except ValueError:
            return secure(JSONResponse(_BAD_PAGE, status_code=400))
        with archive.connect() as conn:
            try:
                result: dict[str, Any] | None = answer(conn, query, limit=limit, offset=offset).to_dict()
                error = None
            except QueryError as exc:
                result, error = None, str(exc)
            texts = _snippets(text_hits(conn, query)) if query else []
            total = text_total(conn, query) if query else 0
        return secure(JSONResponse({"query": query, "answer": result, "error": error, "texts": texts,
                                    "texts_total": total}, status_code=400 if error else 200))

    def api_texts(request: Request) -> Response:
        query = " ".join(request.query_params.get("q", "").split())[:MAX_QUERY]
        try:
            limit, offset = _paging(request, TEXTS_PAGE)
        except ValueError:
            return secure(JSONResponse(_BAD_PAGE, status_code=400))
        limit = min(limit if limit is not None else TEXTS_PAGE, TEXTS_MAX)
        with archive.connect() as conn:
            texts = _snippets(text_hits(conn, query, limit, offset)) if query and limit else []
            total = text_total(conn, query) if query else 0
        return secure(JSONResponse({"query": query, "total": total, "limit": limit, "offset": offset,
                                    "texts": texts}))

    def api_neighbourhood(request: Request) -> Response:
        try:
            limit, offset = _paging(request, graph_html.NEIGHBOURHOOD_EDGES)
        except ValueError:
            return secure(JSONResponse(_BAD_PAGE, status_code=400))
        limit = min(limit if limit is not None else graph_html.NEIGHBOURHOOD_EDGES, graph_html.NEIGHBOURHOOD_EDGES)
        with archive.connect() as conn:
            found = graph_html.neighbourhood(conn, request.query_params.get("id", ""), limit, offset)
        if found is None:
            return secure(JSONResponse({"error": "no document with this id in the archive"}, status_code=404))
        return secure(JSONResponse(found))

    def api_openapi(request: Request) -> Response:
        return secure(JSONResponse(openapi()))

    return [Route("/api/query", api_query), Route("/api/texts", api_texts),
            Route("/api/neighbourhood", api_neighbourhood), Route("/api/openapi.json", api_openapi)]


TEXTS_PAGE = 20  # texts a page gives unless asked for another number
TEXTS_MAX = 200  # … and at most


def _snippets(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for hit in hits:
        hit["snippet"] = "".join(piece for piece, _ in hit["snippet"])
    return hits


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {
        "type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}}}}


def openapi() -> dict[str, Any]:
    """The API's OpenAPI 3.1 description (served at /api/openapi.json)."""
    integer = {"type": "integer", "minimum": 0}
    return {
        "openapi": "3.1.0",
        "info": {"title": "vanban", "version": "1",
                 "description": "The citation graph of an archive of Vietnamese official letters (`vanban serve`)."},
        "paths": {
            "/api/query": {"get": {
                "summary": "Answer a question about the archive (what cites X, what X cites) and find the text",
                "parameters": [
                    {"name": "q", "in": "query", "required": True, "schema": {"type": "string"},
                     "description": "a question, e.g. `what cites Kế hoạch 58/KH-UBND`, or words to find"},
                    {"name": "limit", "in": "query", "schema": integer,
                     "description": "results (one per citing or cited document) to return"},
                    {"name": "offset", "in": "query", "schema": integer, "description": "results to skip"}],
                "responses": {
                    "200": {"description": "the answer (`answer.total` results in all, `limit` of them from "
                                           "`offset`) and the documents whose text matches",
                            "content": {"application/json": {"schema": {"type": "object", "properties": {
                                "query": {"type": "string"}, "answer": {"type": ["object", "null"]},
                                "error": {"type": ["string", "null"]}, "texts": {"type": "array"},
                                "texts_total": {"type": "integer"}}}}}},
                    "400": _error_response("a question it cannot answer (a law it does not know) or a limit or "
                                           "offset that is not a whole number ≥ 0; `texts` is still given")}}},
            "/api/texts": {"get": {
                "summary": "The documents whose text holds the words (diacritics optional), best first",
                "parameters": [
                    {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {**integer, "maximum": TEXTS_MAX},
                     "description": f"texts to return ({TEXTS_PAGE} unless given)"},
                    {"name": "offset", "in": "query", "schema": integer, "description": "texts to skip"}],
                "responses": {
                    "200": {"description": "`total` texts in all, `limit` of them from `offset`",
                            "content": {"application/json": {"schema": {"type": "object", "properties": {
                                "query": {"type": "string"}, "total": {"type": "integer"},
                                "limit": {"type": "integer"}, "offset": {"type": "integer"},
                                "texts": {"type": "array"}}}}}},
                    "400": _error_response("a limit or offset that is not a whole number ≥ 0")}}},
            "/api/neighbourhood": {"get": {
                "summary": "A document's citations both ways, as Cytoscape.js elements",
                "parameters": [{"name": "id", "in": "query", "required": True, "schema": {"type": "string"},
                                "description": "a document's id (`kh-58-kh-ubnd-quang-ngai-2025-10-10`)"},
                               {"name": "limit", "in": "query",
                                "schema": {**integer, "maximum": graph_html.NEIGHBOURHOOD_EDGES},
                                "description": f"citations to return ({graph_html.NEIGHBOURHOOD_EDGES} unless given)"},
                               {"name": "offset", "in": "query", "schema": integer,
                                "description": "citations to skip"}],
                "responses": {
                    "200": {"description": "nodes, edges (`limit` of the `total` citations from `offset`), "
                                           "cited_by, cites, total, complete",
                            "content": {"application/json": {"schema": {"type": "object"}}}},
                    "400": _error_response("a limit or offset that is not a whole number ≥ 0"),
                    "404": _error_response("no document with this id in the archive")}}},
            "/api/openapi.json": {"get": {"summary": "This description",
                                          "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        },
    }
