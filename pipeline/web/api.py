"""The JSON API: `/api/query?q=…` (the search page's answers) and `/api/neighbourhood?id=…` (a document's
citations both ways as graph elements, which the graph page loads)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..archive.query import QueryError, answer
from ..exports import graph_html
from .headers import secure
from .reader import Archive
from .search import MAX_QUERY, text_hits


def routes(archive: Archive) -> list[Route]:

    def api_query(request: Request) -> Response:
        query = " ".join(request.query_params.get("q", "").split())[:MAX_QUERY]
        try:  # paging: one row per citing (or cited) document, `total` of them
            limit = int(request.query_params["limit"]) if request.query_params.get("limit") else None
            offset = int(request.query_params.get("offset") or 0)
            if (limit is not None and limit < 0) or offset < 0:
                raise ValueError
        except ValueError:
            return secure(JSONResponse({"error": "limit and offset are whole numbers ≥ 0"}, status_code=400))
        with archive.connect() as conn:
            try:
                result: dict[str, Any] | None = answer(conn, query, limit=limit, offset=offset).to_dict()
                error = None
            except QueryError as exc:
                result, error = None, str(exc)
            texts = text_hits(conn, query) if query else []
        for hit in texts:
            hit["snippet"] = "".join(piece for piece, _ in hit["snippet"])
        return secure(JSONResponse({"query": query, "answer": result, "error": error, "texts": texts}))

    def api_neighbourhood(request: Request) -> Response:
        with archive.connect() as conn:
            found = graph_html.neighbourhood(conn, request.query_params.get("id", ""))
        if found is None:
            return secure(JSONResponse({"error": "no document with this id in the archive"}, status_code=404))
        return secure(JSONResponse(found))

    return [Route("/api/query", api_query), Route("/api/neighbourhood", api_neighbourhood)]
