"""`vanban check`: the letters of the archive that rest (căn cứ) on a document no longer in force on their date.

A letter of 10/09/2025 that says `Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015` rests on
77/2015/QH13, which was replaced from 01/03/2025 by 65/2025/QH15, itself replaced from 16/06/2025 by
72/2025/QH15: the letter is listed with that chain and the document in force on its date. What ended a document's
force comes from the validity table (`nlp.validity`) and from the archive's own statements: a letter that
`thay thế Quyết định số 11/2018/QĐ-UBND` or `bãi bỏ …` ends that document from the letter's date.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from nlp import validity
from nlp.validity import Event, Status

_ARCHIVE_EVENTS = {"replaces": "replaced", "repeals": "repealed"}


@dataclass(frozen=True)
class Finding:
    letter: str  # the citing document's node id
    letter_symbol: str | None
    letter_type: str | None
    letter_date: str
    source: str  # the file it was read from
    page: int | None
    sentence: str | None
    cited: str  # the cited document's node id
    cited_symbol: str
    cited_type: str | None
    cited_title: str | None
    event: str  # replaced / repealed: what ended its force
    by: str  # the document that ended it
    start: str  # from when
    chain: tuple[tuple[str, str], ...]  # (document, from) replacements followed up to the one in force
    current: str  # the document in force on the letter's date in its place (`cited_symbol` when repealed)
    evidence: str  # where the ending is known from: corpus, laws.tsv, hand, chain, archive

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["chain"] = [{"by": by, "from": start} for by, start in self.chain]
        return out


def archive_events(conn: sqlite3.Connection) -> list[Event]:
    """The archive's own statements that a document ends another (`thay thế`, `bãi bỏ` before the reference),
    from the stating letter's date."""
    rows = conn.execute(
        "SELECT DISTINCT t.symbol AS symbol, e.relation, s.symbol AS by, COALESCE(s.date, d.date) AS day "
        "FROM edges e JOIN nodes s ON s.id = e.source_id JOIN nodes t ON t.id = e.target_id "
        "JOIN documents d ON d.id = e.document_id "
        "WHERE e.kind = 'direct' AND e.relation IN ('replaces', 'repeals') AND t.symbol IS NOT NULL "
        "AND s.symbol IS NOT NULL AND COALESCE(s.date, d.date) IS NOT NULL").fetchall()
    return [Event(r["symbol"], _ARCHIVE_EVENTS[r["relation"]], r["by"], r["day"], r["day"], "archive")
            for r in rows if r["symbol"] != r["by"] and len(r["day"]) == 10]


def table(conn: sqlite3.Connection) -> dict[str, tuple[Event, ...]]:
    """The validity table with the archive's own statements added (the table's row wins for one document)."""
    merged: dict[str, list[Event]] = {}
    for e in validity.events():
        merged.setdefault(e.symbol, []).append(e)
    for e in archive_events(conn):
        if not any(x.event in validity.ENDING for x in merged.get(e.symbol, [])):
            merged.setdefault(e.symbol, []).append(e)
    return {k: tuple(sorted(v, key=lambda e: e.start)) for k, v in merged.items()}


def statuses(conn: sqlite3.Connection) -> Any:
    """A function (symbol, ISO day) → Status over this archive's table, for the pages and answers."""
    known = table(conn)
    return lambda symbol, on=None: validity.status(symbol, on, known) if symbol in known else None


_BASED_ON_SQL = (
    "SELECT s.id AS letter, s.symbol AS letter_symbol, s.type AS letter_type, COALESCE(s.date, d.date) AS day, "
    "d.source, e.page, e.snippet, t.id AS cited, t.symbol AS cited_symbol, t.type AS cited_type, t.title AS cited_title "
    "FROM edges e JOIN nodes s ON s.id = e.source_id JOIN nodes t ON t.id = e.target_id "
    "JOIN documents d ON d.id = e.document_id "
    "WHERE e.relation = 'based_on' AND e.kind = 'direct' AND d.status = 'ok' AND t.symbol IS NOT NULL "
    "ORDER BY day DESC, s.id, t.symbol")


def check(conn: sqlite3.Connection) -> list[Finding]:
    """Every (letter, cited document) where the letter rests on a document that was no longer in force on the
    letter's date; newest letters first."""
    known = table(conn)
    out, seen = [], set()
    for row in conn.execute(_BASED_ON_SQL):
        day = row["day"]
        if not day or len(day) != 10 or row["cited_symbol"] not in known or (row["letter"], row["cited"]) in seen:
            continue
        state: Status = validity.status(row["cited_symbol"], day, known)
        if state.in_force or state.ended_by is None:
            continue
        seen.add((row["letter"], row["cited"]))
        end = state.ended_by
        out.append(Finding(row["letter"], row["letter_symbol"], row["letter_type"], day, row["source"], row["page"],
                           row["snippet"], row["cited"], row["cited_symbol"], row["cited_type"], row["cited_title"],
                           end.event, end.by, end.start, tuple((e.by, e.start) for e in state.chain), state.current,
                           end.source))
    return out


def N_(message: str) -> str:
    """A message for the catalogue (pipeline/web/locale), translated where it is shown."""
    return message


HEADERS = (N_("letter"), N_("date"), N_("file"), N_("based on"), N_("no longer in force"),
           N_("in force on the letter's date"))
_WORDS = (N_("from"), N_("by"))


def table_rows(findings: list[Finding], gettext: Any, day: Any) -> list[tuple[str, ...]]:
    """The findings as the table's cells, in the reader's language (`gettext`) with days as `day` shows them."""
    rows = []
    for f in findings:
        steps = " → ".join(f"{by} ({gettext('from')} {day(start)})" for by, start in f.chain)
        ended = (f"{gettext(f.event)} {gettext('by')} {steps}" if f.chain
                 else f"{gettext(f.event)} {gettext('by')} {f.by} ({gettext('from')} {day(f.start)})")
        current = f.current if f.current != f.cited_symbol else "—"
        rows.append((f"{f.letter_type or ''} {f.letter_symbol or f.letter}".strip(), day(f.letter_date),
                     f"{f.source}" + (f" p.{f.page}" if f.page else ""),
                     f"{f.cited_type or ''} {f.cited_symbol}".strip() + (f" {f.cited_title}" if f.cited_title else ""),
                     ended, current))
    return rows
