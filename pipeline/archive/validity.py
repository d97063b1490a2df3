"""Validity in the answers: each document's status (`validity`: in force, what replaced, amended or repealed it and
from when) and, on each row, a citation of a document that was no longer in force on the citing letter's date
(`not_in_force`).

    {"symbol": "77/2015/QH13", …, "validity": {"in_force": false, "replaced_by": "65/2025/QH15",
     "from": "2025-03-01", "current": "72/2025/QH15", "chain": [{"by": "65/2025/QH15", "from": "2025-03-01"}, …]}}

A row's `not_in_force` reads the cited document's status on the citing document's date: in `cited_by` the row
cites the document asked about (`via`), in `cites` the document asked about cites the row. The table is the
validity table with the archive's own statements (`pipeline.archive.check.table`).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any, Callable

from nlp import validity
from nlp.validity import Event, Status

from .check import table

Lookup = Callable[[str, "str | None"], "Status | None"]


def lookup(conn: sqlite3.Connection) -> Lookup:
    """(symbol, ISO day) → the document's Status on that day, or None where the table does not know it (a
    document the table names only as what replaced, amended or repealed another is known, and in force)."""
    known = table(conn)
    named = set(known) | {e.by for events in known.values() for e in events}  # a replacer is known: in force
    return lambda symbol, on=None: validity.status(symbol, on, known) if symbol and symbol in named else None


def _from(events: tuple[Event, ...]) -> list[dict[str, str]]:
    return [{"by": e.by, "from": e.start} for e in events]


def validity_of(state: Status | None) -> dict[str, Any] | None:
    """A document's validity as the answers carry it (None when the table does not know the document)."""
    if state is None:
        return None
    end = state.ended_by
    return {"in_force": state.in_force,
            "replaced_by": end.by if end and end.event == "replaced" else None,
            "repealed_by": end.by if end and end.event == "repealed" else None,
            "amended_by": _from(state.amended_by),
            "from": end.start if end else None,
            "current": state.current if end and end.event == "replaced" else None,
            "chain": _from(state.chain)}


def ended_on(state: Status | None, cited: str, day: str) -> dict[str, Any] | None:
    """What ended the force of `cited` on or before `day` (None while in force, or not known)."""
    if state is None or state.in_force or state.ended_by is None:
        return None
    end = state.ended_by
    return {"cited": cited, "on": day, "event": end.event, "by": end.by, "from": end.start,
            "chain": _from(state.chain), "current": state.current if end.event == "replaced" else None}


def annotate(conn: sqlite3.Connection, matches: list[dict[str, Any]], rows: list[dict[str, Any]],
             today: str | None = None) -> None:
    """Adds `validity` to the matched documents and the rows (on `today`, ISO, default the machine's day) and
    `not_in_force` to each row whose citation is of a document no longer in force on the citing letter's date."""
    status = lookup(conn)
    today = today or dt.date.today().isoformat()
    for item in [*matches, *rows]:
        item["validity"] = validity_of(status(item.get("symbol"), today))
    nodes = {m["id"]: m for m in matches}
    missing = sorted({r["via"] for r in rows if r.get("via") and r["via"] not in nodes})
    for start in range(0, len(missing), 500):
        part = missing[start : start + 500]
        found = conn.execute(f"SELECT id, symbol, date FROM nodes WHERE id IN ({','.join('?' * len(part))})", part)
        nodes.update({row["id"]: dict(row) for row in found})
    for row in rows:
        via = nodes.get(row.get("via"), {})
        citing, cited = (row, via) if row["direction"] == "cited_by" else (via, row)
        day, symbol = citing.get("date"), cited.get("symbol")
        row["not_in_force"] = ended_on(status(symbol, day), symbol, day) \
            if symbol and day and len(day) == 10 else None


def describe(mark: dict[str, Any], gettext: Callable[[str], str], day: Callable[[str], str]) -> str:
    """A row's `not_in_force` in the reader's language: `77/2015/QH13 was no longer in force on 10/09/2025:
    replaced by 65/2025/QH15 (from 01/03/2025) → 72/2025/QH15 (from 16/06/2025)`."""
    steps = mark.get("chain") or [{"by": mark["by"], "from": mark["from"]}]
    by, since = gettext("by"), gettext("from")
    return (gettext("%(cited)s was no longer in force on %(day)s") % {"cited": mark["cited"], "day": day(mark["on"])}
            + f": {gettext(mark['event'])} {by} " + " → ".join(f"{s['by']} ({since} {day(s['from'])})" for s in steps))
