"""Writing the exports: every file under a temporary name beside it, renamed into place, so a run killed during the
exports leaves the previous complete file, never half of one; each export on its own (one that fails is reported in
one line and the others are still written); `vanban graph --format` and `vanban export` name them here.
"""

from __future__ import annotations

import gc
import inspect
import os
import sqlite3
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from . import graph_files
from .tables import (DOCUMENT_COLUMNS, DOCUMENTS_SQL, ERROR_COLUMNS, ERRORS_SQL, MERGE_COLUMNS, MERGES_SQL,
                     REFERENCE_COLUMNS, REFERENCES_SQL, write_csv_rows, write_texts, write_workbook)


@dataclass(frozen=True)
class ExportOptions:
    """How the files are written: CSVs with a byte-order mark (`bom`; `--csv-plain` turns it off), the workbook's
    sheet and column names in `lang` ("vi" from the CLI by default; the Python API keeps English keys)."""

    bom: bool = True
    lang: str = "en"


@dataclass
class ExportReport:
    written: dict[str, str] = field(default_factory=dict)  # name → path
    failed: dict[str, str] = field(default_factory=dict)  # name → one-line error
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def merge(self, other: ExportReport) -> None:
        self.written.update(other.written)
        self.failed.update(other.failed)
        self.warnings.extend(other.warnings)
        self.seconds.update(other.seconds)


@contextmanager
def atomic_file(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """A file written under a temporary name beside `path`, renamed over it only once complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with open(temporary, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files (`.graph.gexf.<pid>.partial`) that a run killed while writing left in `folder`;
    those of a run still going (its process alive) are kept. Returns what was removed."""
    removed = []
    for path in folder.glob(".*.partial") if folder.is_dir() else []:
        pid = path.name.rsplit(".", 2)[-2]
        if pid.isdigit() and _alive(int(pid)):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


# ---------------------------------------------------------------------------------------------------------------
# All of it


def _graph_file(fmt: str) -> Callable[[sqlite3.Connection, IO[str], graph_files.Sanitizer], None]:
    if fmt == "json":
        return graph_files.WRITERS[fmt]
    # GEXF and GraphML carry graph.html's positions and community colours
    return lambda conn, handle, clean: graph_files.WRITERS[fmt](conn, handle, clean,
                                                                _graph_html().archive_placement(conn))


def _graph_html() -> Any:
    """graph_html (networkx and the layout), imported when a graph is written, not by every `vanban` command."""
    from . import graph_html

    return graph_html


def import_in_background() -> threading.Thread:
    """Import the writers' libraries (networkx and the layout, openpyxl) on a thread of their own, for a caller that
    will write the exports after waiting on other processes (a run whose workers read the files): the imports then
    cost nothing on the way to the files. Imports are thread-safe; an import that fails here fails again, and is
    reported, when its export is written."""

    def load() -> None:
        try:
            _graph_html()
            import openpyxl.cell.cell  # noqa: F401
            import openpyxl.utils  # noqa: F401
        except Exception:  # noqa: BLE001 - see the docstring
            pass

    thread = threading.Thread(target=load, name="vanban-export-imports", daemon=True)
    thread.start()
    _BACKGROUND.append(thread)
    return thread


_BACKGROUND: list[threading.Thread] = []  # the import threads started, joined before the exports are written


def _html(conn: sqlite3.Connection, handle: IO[str], clean: graph_files.Sanitizer) -> None:
    handle.write(_graph_html().archive_page(conn))


# name → (file name, binary?, writer(conn, handle, sanitizer))
EXPORTS: dict[str, tuple[str, bool, Callable[..., Any]]] = {
    "gexf": ("graph.gexf", False, _graph_file("gexf")),
    "graphml": ("graph.graphml", False, _graph_file("graphml")),
    "json": ("graph.json", False, _graph_file("json")),
    "html": ("graph.html", False, _html),
    "documents": ("documents.csv", False,
                  lambda c, h, s, o: write_csv_rows(c, DOCUMENTS_SQL, DOCUMENT_COLUMNS, h, s, o.bom)),
    "references": ("references.csv", False,
                   lambda c, h, s, o: write_csv_rows(c, REFERENCES_SQL, REFERENCE_COLUMNS, h, s, o.bom)),
    "errors": ("errors.csv", False, lambda c, h, s, o: write_csv_rows(c, ERRORS_SQL, ERROR_COLUMNS, h, s, o.bom)),
    "merges": ("merges.csv", False, lambda c, h, s, o: write_csv_rows(c, MERGES_SQL, MERGE_COLUMNS, h, s, o.bom)),
    "workbook": ("vanban.xlsx", True, lambda c, h, s, o: write_workbook(c, h, o.lang)),
    "texts": ("texts.jsonl", False, lambda c, h, s: write_texts(c, h)),
}
FORMATS = {"gexf": "gexf", "graphml": "graphml", "json": "json", "html": "html"}  # `vanban graph --format`


def export(conn: sqlite3.Connection, name: str, path: Path, report: ExportReport,
           options: ExportOptions = ExportOptions()) -> None:
    """One export into `path`, atomically; its failure goes into the report, never further. A writer that takes a
    fourth parameter gets the options."""
    _, binary, writer = EXPORTS[name]
    clean = graph_files.Sanitizer()
    started = time.perf_counter()
    with _quiet_cleanup():
        try:
            with atomic_file(path, "wb" if binary else "w") as handle:
                takes_options = len(inspect.signature(writer).parameters) > 3
                notes = writer(conn, handle, clean, options) if takes_options else writer(conn, handle, clean)
        except Exception as exc:  # noqa: BLE001 - one export's failure must not cost the others
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else " ".join(str(exc).split())[:160]
            report.failed[name] = f"{path.name}: {reason or 'internal error'}"
            gc.collect()  # the failed writer's half-made objects, finalised while their errors are silenced
            return
    report.written[name] = str(path)
    report.seconds[name] = round(time.perf_counter() - started, 3)
    if clean.dropped:
        report.warnings.append(f"{path.name}: {clean.dropped} character(s) that the format cannot hold were left out")
    for note in notes or []:
        report.warnings.append(f"{path.name}: {note}")


@contextmanager
def _quiet_cleanup() -> Iterator[None]:
    """A writer that failed half-way (a full disk) leaves objects whose finalizers fail in turn (openpyxl's
    generators, a ZipFile on a closed file): Python would print each as an `Exception ignored` traceback beside the
    one-line error. They are collected here, quietly."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    failed = True
    try:
        yield
        failed = False
    finally:
        if failed:  # (a collection costs ~40 ms a writer: only a failed one leaves such objects behind)
            gc.collect()
        sys.unraisablehook = hook


GRAPH_EXPORTS = ("gexf", "graphml", "html")  # the files laid out by the graph's placement (graph.json is not)


def export_all(conn: sqlite3.Connection, out: Path, names: list[str] | None = None,
               options: ExportOptions = ExportOptions()) -> ExportReport:
    """The contract's files (or those named), from the store, into `out`: the graph files here, the tables in a
    child process meanwhile where one can be forked (`side_by_side`), else here after them."""
    from . import side_by_side

    out.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    names = names or list(EXPORTS)
    graphs = [name for name in names if name in GRAPH_EXPORTS]
    tables = [name for name in names if name not in GRAPH_EXPORTS]

    def write(connection: sqlite3.Connection, which: list[str], into: ExportReport) -> None:
        for name in which:
            export(connection, name, out / EXPORTS[name][0], into, options)

    def write_plain(connection: sqlite3.Connection, which: list[str]) -> dict[str, Any]:  # (the child's report)
        into = ExportReport()
        write(connection, which, into)
        return asdict(into)

    while _BACKGROUND:
        _BACKGROUND.pop().join()  # (its imports are the writers' own; and a fork wants this process's one thread)
    child = side_by_side.start(conn, tables, write_plain) if graphs else None
    try:
        with _graph_html().shared_placement():  # the graph's layout once for graph.html, .gexf and .graphml
            write(conn, graphs if child else names, report)
    except BaseException:
        if child is not None:
            side_by_side.stop(child)
        raise
    if child is not None:
        written = side_by_side.finish(child)
        if written is None:
            write(conn, tables, report)  # the child ended without a report: its files are written here
        else:
            report.merge(ExportReport(**written))
        report.written = {name: report.written[name] for name in names if name in report.written}  # (their order)
    return report
