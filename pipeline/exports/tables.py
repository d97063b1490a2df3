"""The tables analysts open — CSV, an Excel workbook, pandas DataFrames — streamed from the store's cursors, so memory
stays bounded whatever the archive's size. Values are made safe for each format: page breaks and control characters
never reach a spreadsheet, and a cell that starts with `=` stays text in the workbook (document text is untrusted).
"""

from __future__ import annotations

import csv
import sqlite3
import time
from typing import IO, Any, Iterator

import pandas as pd

from .graph_files import Sanitizer

DOCUMENT_COLUMNS = ["source", "id", "symbol", "type", "date", "issuer", "subject", "pages", "status", "date_partial",
                    "place", "province", "error"]
REFERENCE_COLUMNS = ["source", "citing_id", "citing_symbol", "cited_id", "cited_symbol", "cited_type", "cited_date",
                     "relation", "mentions", "confidence", "snippet", "kind", "page", "resolved_from"]
ERROR_COLUMNS = ["source", "stage", "error", "detail"]
MERGE_COLUMNS = ["node_id", "symbol", "variant", "source", "page", "evidence", "confidence"]
NODE_COLUMNS = ["id", "symbol", "type", "date", "issuer", "province", "title", "stub", "ambiguous", "cited_by",
                "file"]

DOCUMENTS_SQL = (
    "SELECT source, node_id AS id, symbol, type, date, issuer, subject, pages, status, date_partial, place, "
    "province, error FROM documents ORDER BY source"
)
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
                   clean: Sanitizer) -> None:
    writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(columns)
    for row in conn.execute(sql):
        writer.writerow([_csv_cell(row[c], clean) for c in columns])


# ---------------------------------------------------------------------------------------------------------------
# The workbook


def _excel_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value.replace("\f", " "))
    if text.startswith("="):  # openpyxl would write it as a formula
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def _sheet(book: Any, title: str, columns: list[str], rows: Iterator[Any], limit: int = EXCEL_ROWS - 1) -> int:
    sheet = book.create_sheet(title)
    sheet.append(columns)
    count = 0
    for row in rows:
        if count >= limit:
            break
        sheet.append([_excel_cell(sheet, row[c]) for c in columns])
        count += 1
    return count


def write_workbook(conn: sqlite3.Connection, handle: IO[bytes]) -> list[str]:
    """vanban.xlsx: documents in the graph (most cited first), the archive's files, its citations (or, above
    WORKBOOK_REFERENCES, counts per type and relation and a pointer to references.csv), errors."""
    from openpyxl import Workbook

    notes = []
    book = Workbook(write_only=True)
    nodes = conn.execute("SELECT COUNT(*) FROM nodes").fetchone()[0]
    shown = _sheet(book, "documents in graph", NODE_COLUMNS, conn.execute(NODES_SQL))
    if shown < nodes:
        notes.append(f"'documents in graph' holds the {shown:,} most-cited of {nodes:,} documents (Excel's row "
                     "limit); graph.json has all of them")
    _sheet(book, "archive files", DOCUMENT_COLUMNS, conn.execute(DOCUMENTS_SQL))
    references = conn.execute("SELECT COUNT(*) FROM edges").fetchone()[0]
    if references <= WORKBOOK_REFERENCES:
        _sheet(book, "references", REFERENCE_COLUMNS, conn.execute(REFERENCES_SQL))
    else:
        notes.append(f"the archive holds {references:,} citations: the full table is references.csv (this "
                     "workbook has the counts per type and relation)")
        _sheet(book, "citations per type", ["cited_type", "relation", "citations", "documents cited"], conn.execute(
            "SELECT t.type AS cited_type, e.relation, COUNT(*) AS citations, COUNT(DISTINCT e.target_id) AS "
            "'documents cited' FROM edges e JOIN nodes t ON t.id = e.target_id GROUP BY t.type, e.relation "
            "ORDER BY citations DESC"))
    _sheet(book, "errors", ERROR_COLUMNS, conn.execute(ERRORS_SQL))
    about = book.create_sheet("about")
    about.append(["vanban.xlsx, written " + time.strftime("%Y-%m-%d %H:%M")])
    for note in notes:
        about.append([note])
    book.save(handle)
    return notes


# ---------------------------------------------------------------------------------------------------------------
# Tables as pandas DataFrames (the notebook API)


def documents_table(conn: sqlite3.Connection) -> pd.DataFrame:
    return pd.DataFrame([dict(r) for r in conn.execute(DOCUMENTS_SQL)], columns=DOCUMENT_COLUMNS)


def references_table(conn: sqlite3.Connection) -> pd.DataFrame:
    return pd.DataFrame([dict(r) for r in conn.execute(REFERENCES_SQL)], columns=REFERENCE_COLUMNS)


def errors_table(conn: sqlite3.Connection) -> pd.DataFrame:
    return pd.DataFrame([dict(r) for r in conn.execute(ERRORS_SQL)], columns=ERROR_COLUMNS)


def nodes_table(conn: sqlite3.Connection, limit: int | None = None) -> pd.DataFrame:
    sql = NODES_SQL + (f" LIMIT {int(limit)}" if limit else "")
    frame = pd.DataFrame([dict(r) for r in conn.execute(sql)], columns=NODE_COLUMNS)
    frame["stub"] = frame["stub"].astype(bool)
    frame["ambiguous"] = frame["ambiguous"].astype(bool)
    return frame
