"""The tables analysts open — CSV, an Excel workbook, pandas DataFrames — streamed from the store's cursors, so memory
stays bounded whatever the archive's size. Values are made safe for each format: page breaks and control characters
never reach a spreadsheet, and a cell that starts with `=` stays text in the workbook (document text is untrusted).
"""

from __future__ import annotations

import csv
import json
import datetime as dt
import itertools
import re
import sqlite3
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    import pandas as pd

from .graph_files import Sanitizer

DOCUMENT_COLUMNS = ["source", "id", "symbol", "type", "date", "issuer", "subject", "pages", "status", "date_partial",
                    "place", "province", "error", "paths"]
REFERENCE_COLUMNS = ["source", "citing_id", "citing_symbol", "cited_id", "cited_symbol", "cited_type", "cited_date",
                     "relation", "mentions", "confidence", "snippet", "kind", "page", "resolved_from"]
ERROR_COLUMNS = ["source", "stage", "error", "detail"]
MERGE_COLUMNS = ["node_id", "symbol", "variant", "source", "page", "evidence", "confidence"]
NODE_COLUMNS = ["id", "symbol", "type", "date", "issuer", "province", "title", "stub", "ambiguous", "cited_by",
                "file"]

DOCUMENTS_SQL = (
    "SELECT source, node_id AS id, symbol, type, date, issuer, subject, pages, status, date_partial, place, "
    "province, error, (SELECT group_concat(source, '; ') FROM (SELECT source FROM document_paths p "
    "WHERE p.document_id = documents.id ORDER BY source)) AS paths FROM documents ORDER BY source"
)  # `paths`: every path the document's content is found at (a copy, a link), `source` the one it is shown by
REFERENCES_SQL = (
    "SELECT d.source, e.source_id AS citing_id, s.symbol AS citing_symbol, e.target_id AS cited_id, "
    "t.symbol AS cited_symbol, t.type AS cited_type, t.date AS cited_date, e.relation, e.mentions, "
    "e.confidence, e.snippet, e.kind, e.page, e.resolved_from "
    "FROM edges e JOIN documents d ON d.id = e.document_id JOIN nodes s ON s.id = e.source_id "
    "JOIN nodes t ON t.id = e.target_id ORDER BY d.source, e.kind, e.span_start"
)
ERRORS_SQL = ("SELECT source, stage, error, error_detail AS detail FROM documents WHERE status = 'failed' "
              "ORDER BY source")
MERGES_SQL = (
    "SELECT v.node_id, n.symbol, v.variant, d.source, v.page, v.evidence, v.confidence FROM variants v "
    "JOIN nodes n ON n.id = v.node_id LEFT JOIN documents d ON d.id = v.document_id ORDER BY v.node_id, v.variant, d.source"
)
NODES_SQL = (
    "SELECT n.id, n.symbol, n.type, n.date, n.issuer, n.province, n.title, n.is_stub AS stub, n.ambiguous, "
    "COALESCE(c.cited_by, 0) AS cited_by, d.source AS file FROM nodes n "
    "LEFT JOIN documents d ON d.id = n.document_id "
    "LEFT JOIN (SELECT target_id, COUNT(DISTINCT source_id) AS cited_by FROM edges GROUP BY target_id) c "
    "ON c.target_id = n.id ORDER BY cited_by DESC, n.id"
)

# Excel opens at most 1,048,576 rows a sheet. Above this many citations the workbook holds the summary tables and
# says that the full table is references.csv: a sheet of a million rows is no use to anybody in a spreadsheet.
WORKBOOK_REFERENCES = 200_000
EXCEL_ROWS = 1_048_576


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP's CSV injection rule: a spreadsheet runs these


def _csv_cell(value: Any, clean: Sanitizer) -> Any:
    """A cell as a spreadsheet will show it and never run it: a text that starts like a formula
    (`=HYPERLINK(...)`, `+`, `-`, `@`) gets a leading apostrophe."""
    if isinstance(value, str):
        if value.startswith(_FORMULA_START):
            value = "'" + value
        return clean.text(value.replace("\f", " ")) if not value.isprintable() else value
    return value


def write_csv_rows(conn: sqlite3.Connection, sql: str, columns: list[str], handle: IO[str],
                   clean: Sanitizer, bom: bool = True) -> None:
    """A CSV in UTF-8 with a byte-order mark (`bom`), by which Excel on Windows knows the Vietnamese is UTF-8;
    pandas and Python's csv read it either way (`encoding="utf-8-sig"`); `--csv-plain` writes none."""
    if bom:
        handle.write("\ufeff")
    writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(columns)
    for row in conn.execute(sql):
        writer.writerow([_csv_cell(row[c], clean) for c in columns])


TEXTS_SQL = ("SELECT source, node_id AS id, symbol, type, date, pages, "
             "COALESCE(corrected_text, restored_text, text) AS text "
             "FROM documents WHERE status = 'ok' ORDER BY source")
TEXT_FIELDS = ["source", "id", "symbol", "type", "date", "pages", "text"]


def write_texts(conn: sqlite3.Connection, handle: IO[str]) -> None:
    """texts.jsonl: every document's text as vanban reads it — corrected (diacritics restored, OCR garble repaired,
    the handwritten number read), pages separated by a form feed — one JSON object a line with its source, id,
    symbol, type, date and pages (`pandas.read_json("texts.jsonl", lines=True)`)."""
    for row in conn.execute(TEXTS_SQL):
        handle.write(json.dumps({f: row[f] for f in TEXT_FIELDS}, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------------------------
# The workbook


# Sheet and column names as a Vietnamese reader sees them (`lang="vi"`, the CLI's default); the Python API keeps
# the English keys, which the notebooks and scripts use.
SHEETS_VI = {"documents in graph": "Văn bản trong đồ thị", "archive files": "Tệp trong kho", "references": "Trích dẫn",
             "citations per type": "Trích dẫn theo loại", "errors": "Lỗi", "about": "Giới thiệu"}
COLUMNS_VI = {
    "id": "mã", "symbol": "số ký hiệu", "type": "loại văn bản", "date": "ngày ban hành", "issuer": "cơ quan ban hành",
    "province": "tỉnh/thành", "title": "trích yếu", "stub": "chỉ được trích dẫn", "ambiguous": "chưa rõ văn bản",
    "cited_by": "số văn bản trích dẫn", "file": "tệp", "source": "tệp", "subject": "trích yếu", "pages": "số trang",
    "status": "trạng thái", "paths": "các đường dẫn", "date_partial": "ngày không đầy đủ", "place": "địa danh", "error": "lỗi",
    "citing_id": "mã văn bản trích dẫn", "citing_symbol": "số ký hiệu văn bản trích dẫn",
    "cited_id": "mã văn bản được trích dẫn", "cited_symbol": "số ký hiệu văn bản được trích dẫn",
    "cited_type": "loại văn bản được trích dẫn", "cited_date": "ngày văn bản được trích dẫn", "relation": "quan hệ",
    "mentions": "số lần nhắc", "confidence": "độ tin cậy", "snippet": "đoạn trích", "kind": "dạng",
    "page": "trang", "resolved_from": "xác định từ", "stage": "bước", "detail": "chi tiết",
    "citations": "số trích dẫn", "documents cited": "số văn bản được trích dẫn",
}
DATE_COLUMNS = {"date", "cited_date"}
LINK_COLUMNS = {"file", "source"}  # a link to the scan itself
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WIDTH_SAMPLE = 200  # rows read ahead to size the columns (a write-only sheet takes widths before its rows)


def _excel_cell(sheet: Any, value: Any, column: str = "") -> Any:
    """A cell: an ISO date as a date cell, a scan's path as a link to the file, text that starts like a formula
    kept text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    if column in DATE_COLUMNS and _ISO_DATE.fullmatch(value):
        try:
            cell = WriteOnlyCell(sheet, value=dt.date.fromisoformat(value))
            cell.number_format = "yyyy-mm-dd"
            return cell
        except ValueError:
            pass
    text = ILLEGAL_CHARACTERS_RE.sub("", value.replace("\f", " "))
    if column in LINK_COLUMNS and text:
        cell = WriteOnlyCell(sheet, value=text)
        cell.hyperlink = Path(text).absolute().as_uri()
        cell.style = "Hyperlink"
        return cell
    if text.startswith("="):  # openpyxl would write it as a formula
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def _sheet(book: Any, title: str, columns: list[str], rows: Iterator[Any], limit: int = EXCEL_ROWS - 1,
           lang: str = "en") -> int:
    """A table as a sheet: its header frozen and filtered, its columns as wide as their first rows need."""
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(SHEETS_VI.get(title, title) if lang == "vi" else title)
    headers = [COLUMNS_VI.get(c, c) for c in columns] if lang == "vi" else columns
    rows = iter(rows)
    ahead = list(itertools.islice(rows, min(limit, _WIDTH_SAMPLE)))
    for k, (column, header) in enumerate(zip(columns, headers), 1):
        longest = max([len(header)] + [len(str(r[column])) for r in ahead if r[column] is not None])
        sheet.column_dimensions[get_column_letter(k)].width = min(60, max(8, longest + 2))
    sheet.freeze_panes = "A2"
    sheet.append(headers)
    count = 0
    for row in itertools.chain(ahead, rows):
        if count >= limit:
            break
        sheet.append([_excel_cell(sheet, row[c], c) for c in columns])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def write_workbook(conn: sqlite3.Connection, handle: IO[bytes], lang: str = "en") -> list[str]:
    """vanban.xlsx: documents in the graph (most cited first), the archive's files, its citations (or, above
    WORKBOOK_REFERENCES, counts per type and relation and a pointer to references.csv), errors; sheet and column
    names in Vietnamese when `lang` is "vi"."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    try:
        return _fill_workbook(conn, book, handle, lang)
    except BaseException:
        _close_quietly(book)
        raise


def _close_quietly(book: Any) -> None:
    """A write-only workbook that failed half-way (a full disk): each sheet's XML stream closed now, its error
    swallowed — left open, Python prints each as an `Exception ignored` traceback when it collects them."""
    for sheet in getattr(book, "_sheets", []):
        stream = getattr(getattr(sheet, "_writer", None), "xf", None)
        if stream is not None:
            try:
                stream.close()
            except Exception:  # noqa: BLE001 - the export's own error is already being reported
                pass


def _fill_workbook(conn: sqlite3.Connection, book: Any, handle: IO[bytes], lang: str) -> list[str]:
    notes = []
    nodes = conn.execute("SELECT COUNT(*) FROM nodes").fetchone()[0]
    shown = _sheet(book, "documents in graph", NODE_COLUMNS, conn.execute(NODES_SQL), lang=lang)
    if shown < nodes:
        notes.append(f"'documents in graph' holds the {shown:,} most-cited of {nodes:,} documents (Excel's row "
                     "limit); graph.json has all of them")
    _sheet(book, "archive files", DOCUMENT_COLUMNS, conn.execute(DOCUMENTS_SQL), lang=lang)
    references = conn.execute("SELECT COUNT(*) FROM edges").fetchone()[0]
    if references <= WORKBOOK_REFERENCES:
        _sheet(book, "references", REFERENCE_COLUMNS, conn.execute(REFERENCES_SQL), lang=lang)
    else:
        notes.append(f"the archive holds {references:,} citations: the full table is references.csv (this "
                     "workbook has the counts per type and relation)")
        _sheet(book, "citations per type", ["cited_type", "relation", "citations", "documents cited"], conn.execute(
            "SELECT t.type AS cited_type, e.relation, COUNT(*) AS citations, COUNT(DISTINCT e.target_id) AS "
            "'documents cited' FROM edges e JOIN nodes t ON t.id = e.target_id GROUP BY t.type, e.relation "
            "ORDER BY citations DESC"), lang=lang)
    _sheet(book, "errors", ERROR_COLUMNS, conn.execute(ERRORS_SQL), lang=lang)
    about = book.create_sheet(SHEETS_VI["about"] if lang == "vi" else "about")
    about.append(["vanban.xlsx, written " + time.strftime("%Y-%m-%d %H:%M")])
    for note in notes:
        about.append([note])
    book.save(handle)
    return notes


# ---------------------------------------------------------------------------------------------------------------
# Tables as pandas DataFrames (the notebook API)


def documents_table(conn: sqlite3.Connection) -> pd.DataFrame:
    import pandas as pd  # (imported when a table is asked for: a run writing CSVs does not need it)

    return pd.DataFrame([dict(r) for r in conn.execute(DOCUMENTS_SQL)], columns=DOCUMENT_COLUMNS)


def references_table(conn: sqlite3.Connection) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([dict(r) for r in conn.execute(REFERENCES_SQL)], columns=REFERENCE_COLUMNS)


def errors_table(conn: sqlite3.Connection) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([dict(r) for r in conn.execute(ERRORS_SQL)], columns=ERROR_COLUMNS)


def nodes_table(conn: sqlite3.Connection, limit: int | None = None) -> pd.DataFrame:
    import pandas as pd

    sql = NODES_SQL + (f" LIMIT {int(limit)}" if limit else "")
    frame = pd.DataFrame([dict(r) for r in conn.execute(sql)], columns=NODE_COLUMNS)
    frame["stub"] = frame["stub"].astype(bool)
    frame["ambiguous"] = frame["ambiguous"].astype(bool)
    return frame
