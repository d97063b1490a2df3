"""Take an answer away: the search page's answer and the validity check as CSV (UTF-8 with a byte-order mark, so
that Excel reads the Vietnamese) or xlsx, in the reader's language.

    /answer.csv?q=văn bản nào căn cứ Luật Tổ chức chính quyền địa phương     /answer.xlsx?q=…
    /check.xlsx                                                             (/check.csv is the app's)

One line per row of the answer: the document asked about, the other document, its relation, the sentence, the
file and page, whether the cited document was no longer in force on the citing letter's date, and whether the
row was read from uncertain OCR. A cell that starts like a formula is kept as text.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Callable, Iterable

from openpyxl import Workbook
from openpyxl.styles import Font
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..archive import check
from ..archive.query import QueryError, answer
from ..archive.validity import describe
from . import i18n
from .headers import secure
from .reader import Archive
from .search import MAX_QUERY

N_ = i18n.N_
MAX_ROWS = 100_000
ANSWER_HEADERS = (N_("asked about"), N_("direction"), N_("document"), N_("date"), N_("relation"), N_("sentence"),
                  N_("file"), N_("page"), N_("validity"), N_("OCR"))
_DIRECTIONS = {"cited_by": N_("Cited by"), "cites": N_("Cites")}
_WHY = {"mention": N_("reference read with low confidence"), "handwritten_number": N_("handwritten number")}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def uncertain_text(reasons: list[dict[str, Any]], gettext: Callable[[str], str]) -> str:
    """`uncertain OCR reading: a.pdf (handwritten number, 0.62)`, or empty."""
    if not reasons:
        return ""
    parts = [f"{r['source']} ({gettext(_WHY.get(r['why'], r['why']))}, {r['confidence']:.2f})" for r in reasons]
    return gettext("uncertain OCR reading") + ": " + "; ".join(parts)


def answer_rows(result: dict[str, Any], gettext: Callable[[str], str]) -> list[tuple[Any, ...]]:
    """An answer (`Answer.to_dict()`) as the export's lines, in the reader's language."""
    asked = {m["id"]: " ".join(p for p in (m.get("type"), m.get("symbol") or m["id"]) if p)
             for m in result["matches"]}
    rows = []
    for r in result["results"]:
        rows.append((asked.get(r["via"], r["via"]), gettext(_DIRECTIONS.get(r["direction"], r["direction"])),
                     " ".join(p for p in (r.get("type"), r.get("symbol") or r["id"]) if p), i18n.day(r.get("date")),
                     ", ".join(gettext(i18n.RELATIONS.get(x, x)) for x in (r.get("relations") or [r["relation"]])),
                     r.get("snippet") or "", r.get("source") or "; ".join(r.get("asserted_by") or []),
                     r.get("page") or "",
                     describe(r["not_in_force"], gettext, i18n.day) if r.get("not_in_force") else "",
                     uncertain_text(r.get("uncertain") or [], gettext)))
    return rows


def _text(value: Any) -> Any:
    """A cell as text that no spreadsheet takes for a formula."""
    return ("'" + value) if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def csv_response(headers: Iterable[str], rows: Iterable[Iterable[Any]], name: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(headers))
    writer.writerows([[_text(c) for c in row] for row in rows])
    return secure(Response("\ufeff" + buffer.getvalue(), media_type="text/csv; charset=utf-8",
                           headers={"Content-Disposition": f'attachment; filename="{name}.csv"'}))


def xlsx_response(headers: Iterable[str], rows: Iterable[Iterable[Any]], name: str, title: str) -> Response:
    """One sheet: a bold, frozen, filtered header; every cell a value (a string is never a formula)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    headers = list(headers)
    sheet.append(headers)
    widths = [len(h) for h in headers]
    for values in rows:
        sheet.append([None] * len(headers))
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # "=…" stays text
            widths[column - 1] = max(widths[column - 1], min(60, len(str(value))))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths):
        sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = width + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return secure(Response(buffer.getvalue(), media_type=XLSX,
                           headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'}))


def routes(archive: Archive, request_lang: Callable[[Request], str]) -> list[Route]:

    def answer_export(request: Request) -> Response:
        gettext = i18n.gettext_for(request_lang(request))
        query = " ".join(request.query_params.get("q", "").split())[:MAX_QUERY]
        with archive.connect() as conn:
            try:
                result = answer(conn, query, limit=MAX_ROWS).to_dict()
            except QueryError as exc:
                return secure(JSONResponse({"error": str(exc)}, status_code=400))
        headers, rows = [gettext(h) for h in ANSWER_HEADERS], answer_rows(result, gettext)
        if request.url.path.endswith(".xlsx"):
            return xlsx_response(headers, rows, "vanban-answer", gettext("Answer"))
        return csv_response(headers, rows, "vanban-answer")

    def check_xlsx(request: Request) -> Response:
        gettext = i18n.gettext_for(request_lang(request))
        with archive.connect() as conn:
            rows = check.table_rows(archive.cached("check", lambda: check.check(conn)), gettext, i18n.day)
        return xlsx_response([gettext(h) for h in check.HEADERS], rows, "vanban-check", gettext("Validity check"))

    return [Route("/answer.csv", answer_export), Route("/answer.xlsx", answer_export),
            Route("/check.xlsx", check_xlsx)]
