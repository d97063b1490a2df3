"""Validity (hiệu lực): which national normative documents were replaced, amended or repealed, by what and from
when (`nlp/data/validity.tsv`, built by `python -m nlp.validity_build`), and a document's status on a day.

    77/2015/QH13  replaced  65/2025/QH15  from 2025-03-01
    65/2025/QH15  replaced  72/2025/QH15  from 2025-06-16

`status("77/2015/QH13", "2025-09-10")` says: not in force on that day, replaced from 2025-03-01 by 65/2025/QH15,
itself replaced from 2025-06-16 by 72/2025/QH15, which is the document in force on that day (the chain is
followed as far as the day reaches). The table's own checks (`check`) are what the builder enforces: no document
replaced before its replacer was issued, nor by a document older than itself, no cycle of replacements, one
replacer per document (a later one replaces the earlier replacer: a chain), and a law's dates inside its
legislature.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .laws import LEGISLATURES  # National Assembly terms: a QHn / UBTVQHn symbol's days must fit its term

COLUMNS = ("symbol", "event", "by", "by_issued", "start", "source")
EVENTS = ("replaced", "repealed", "amended")  # the document was …; replaced and repealed end its force
ENDING = ("replaced", "repealed")

_YEAR = re.compile(r"/((?:19|20)\d\d)/")
_TERM = re.compile(r"/(?:PL-)?(?:UBTVQH|QH)(\d{1,2})$")


@dataclass(frozen=True)
class Event:
    symbol: str  # the document that was replaced, repealed or amended
    event: str  # replaced / repealed / amended
    by: str  # the document that did it
    by_issued: str | None  # ISO day the document that did it was issued (passed), where known
    start: str  # ISO day from which it holds (the day `by` came into force)
    source: str  # corpus (mined from an effect article), laws.tsv (the law table), hand, chain (see check)


@dataclass(frozen=True)
class Status:
    symbol: str
    on: str | None  # the day asked about
    in_force: bool  # False when replaced or repealed on or before `on`
    ended_by: Event | None  # the event that ended its force (the first, on or before `on`)
    chain: tuple[Event, ...]  # replacements followed from `symbol` up to the document in force on `on`
    amended_by: tuple[Event, ...]  # amendments in force on `on`
    later: tuple[Event, ...]  # events after `on` (a replacement to come)

    @property
    def current(self) -> str:
        """The document in force on the day in place of `symbol` (itself when in force)."""
        return self.chain[-1].by if self.chain else self.symbol


def table_path() -> Path:
    return Path(str(resources.files("nlp").joinpath("data", "validity.tsv")))


def read_table(path: Path | None = None) -> list[Event]:
    with open(path or table_path(), encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if line.strip() and not line.startswith("#")), delimiter="\t")
        return [Event(r[0], r[1], r[2], r[3] or None, r[4], r[5]) for r in rows if r and r[0] != "symbol"]


def write_table(path: Path, events: list[Event], header: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.writelines(f"# {line}\n" if line else "#\n" for line in header.splitlines())
        handle.write("\t".join(COLUMNS) + "\n")
        for e in sorted(events, key=lambda e: (e.symbol, e.start, e.event, e.by)):
            handle.write("\t".join([e.symbol, e.event, e.by, e.by_issued or "", e.start, e.source]) + "\n")


@lru_cache(maxsize=1)
def events() -> tuple[Event, ...]:
    return tuple(read_table())


@lru_cache(maxsize=1)
def _by_symbol() -> dict[str, tuple[Event, ...]]:
    out: dict[str, list[Event]] = {}
    for e in events():
        out.setdefault(e.symbol, []).append(e)
    return {k: tuple(sorted(v, key=lambda e: e.start)) for k, v in out.items()}


def known(symbol: str | None) -> bool:
    return bool(symbol) and symbol in _by_symbol()


def history(symbol: str) -> tuple[Event, ...]:
    """Every event of the document, in order of the day it holds from."""
    return _by_symbol().get(symbol, ())


def status(symbol: str, on: str | None = None, table: dict[str, tuple[Event, ...]] | None = None) -> Status:
    """The document's status on the ISO day `on` (today's table state when None: every event counts)."""
    table = table if table is not None else _by_symbol()
    mine = table.get(symbol, ())
    due = [e for e in mine if on is None or e.start <= on]
    ending = next((e for e in due if e.event in ENDING), None)
    chain: list[Event] = []
    seen = {symbol}
    step = ending
    while step is not None and step.event == "replaced" and step.by not in seen:
        chain.append(step)
        seen.add(step.by)
        step = next((e for e in table.get(step.by, ()) if e.event in ENDING and (on is None or e.start <= on)), None)
        if step is not None and step.event == "repealed":
            chain.append(step)
            break
    return Status(symbol, on, ending is None, ending, tuple(chain),
                  tuple(e for e in due if e.event == "amended"),
                  tuple(e for e in mine if on is not None and e.start > on))


# --- the table's checks ---------------------------------------------------------------------------------------------

def symbol_year(symbol: str) -> int | None:
    match = _YEAR.search(symbol)
    return int(match.group(1)) if match else None


def _term_ok(symbol: str, day: str | None) -> bool:
    match = _TERM.search(symbol)
    if not match or not day or int(match.group(1)) not in LEGISLATURES:
        return True
    first, last = LEGISLATURES[int(match.group(1))]
    return first <= day[:7] <= last


def problems(event: Event) -> list[str]:
    """What is wrong with one row on its own (empty when nothing)."""
    out = []
    if event.event not in EVENTS:
        out.append(f"unknown event {event.event!r}")
    if event.symbol == event.by:
        out.append("a document cannot replace itself")
    sy, by = symbol_year(event.symbol), symbol_year(event.by)
    if sy and by and by < sy:
        out.append(f"{event.by} ({by}) is older than {event.symbol} ({sy})")
    if sy and event.start[:4] < str(sy):
        out.append(f"{event.symbol} ends {event.start}, before the year it was issued ({sy})")
    if event.by_issued and event.start < event.by_issued:
        out.append(f"from {event.start}, before {event.by} was issued ({event.by_issued})")
    if by and event.start[:4] < str(by):
        out.append(f"from {event.start}, before the year of {event.by}")
    if not _term_ok(event.by, event.by_issued):
        out.append(f"{event.by} issued {event.by_issued}, outside its legislature")
    return out


def cycles(table: list[Event]) -> list[list[str]]:
    """Cycles of replacement (A replaced by B … replaced by A)."""
    succ: dict[str, set[str]] = {}
    for e in table:
        if e.event == "replaced":
            succ.setdefault(e.symbol, set()).add(e.by)
    found, done = [], set()
    for start in sorted(succ):
        path, node = [start], start
        while node in succ and node not in done:
            nxt = sorted(succ[node])[0]
            if nxt in path:
                found.append(path[path.index(nxt):] + [nxt])
                break
            path.append(nxt)
            node = nxt
        done.update(path)
    return found


def check(table: list[Event]) -> dict[str, list[str]]:
    """The table's problems by kind: rows, cycles, documents with two replacers (should have been chained)."""
    report: dict[str, list[str]] = {"rows": [], "cycles": [], "two replacers": []}
    for e in table:
        report["rows"] += [f"{e.symbol} {e.event} by {e.by}: {p}" for p in problems(e)]
    report["cycles"] = [" → ".join(c) for c in cycles(table)]
    replacers: dict[str, set[str]] = {}
    for e in table:
        if e.event == "replaced":
            replacers.setdefault(e.symbol, set()).add(e.by)
    report["two replacers"] = [f"{s}: {', '.join(sorted(b))}" for s, b in sorted(replacers.items()) if len(b) > 1]
    return report
