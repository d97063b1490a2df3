"""`vanban run`: a batch over files and folders into the archive, incremental by content hash.

Files are processed in worker processes (the store is written only here, one transaction per document), so a
bad file is one failed record and the batch goes on, even when the file kills its worker or passes a limit
(`limits`); a run stopped at any point keeps everything already stored. The input folders are the boundary: a
symlink leading out of its folder is skipped (unless `follow_symlinks`), and only regular files are read.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import sqlite3
import stat
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import exports, stages, workers as worker_pool
from .archive import paths as doc_paths, store
from .archive.ingest import store_record
from .limits import DEFAULT as DEFAULT_LIMITS, Limits, apply as apply_limits
from .process import SUPPORTED_SUFFIXES, DocumentRecord, VanbanError, file_digest
from .workers.job import work as _work, worker_init as _worker_init


@dataclass
class RunSummary:
    out: str
    paths: list[str]
    workers: int
    force: bool
    scheduler: str | None = None
    started: str = ""
    finished: str = ""
    seconds: float = 0.0
    files: int = 0
    processed: int = 0
    skipped: int = 0
    ok: int = 0
    failed: int = 0
    pages: int = 0
    pages_per_minute: float = 0.0
    interrupted: bool = False
    failures: list[dict[str, str]] = field(default_factory=list)
    ignored: list[dict[str, str]] = field(default_factory=list)  # files not read: {"source", "reason"}
    archive: dict[str, int] = field(default_factory=dict)
    exports: dict[str, str] = field(default_factory=dict)
    export_failures: dict[str, str] = field(default_factory=dict)
    export_warnings: list[str] = field(default_factory=list)
    stale_exports: list[str] = field(default_factory=list)  # not refreshed (a large archive): `vanban export`
    relinked: int = 0  # paths given to a document the archive held already (a renamed or moved file, a copy)
    missing: list[str] = field(default_factory=list)  # files of the folders no longer there (kept until --prune)
    pruned: bool = False  # `missing` removed from the archive (`run --prune`)
    timings: dict[str, float] = field(default_factory=dict)
    stages: dict[str, dict[str, float]] = field(default_factory=dict)  # seconds, peak MB, files: `run --profile`

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        if self.export_failures:
            return 1  # the run could not finish: an export is missing (the others are written)
        return 3 if self.failed else 0


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """A file name or message as one safe line: control characters (a newline, an escape sequence, a bidi
    override) written as escapes, so a name cannot forge a second line or recolour a terminal."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def collect(paths: Iterable[str], follow_symlinks: bool = False,
            ignored: list[dict[str, str]] | None = None) -> list[tuple[Path, str]]:
    """(path, source name) for every file to consider. Files named explicitly are always taken; in folders,
    files with a supported suffix (recursively, hidden files and folders skipped), in a stable order. Only regular
    files are taken (a named pipe or a device would block the run); in a folder, a symlink leading outside it is
    left out unless `follow_symlinks`. What is left out is listed in `ignored` with the reason."""
    out: list[tuple[Path, str]] = []
    seen: set[str] = set()

    def skip(source: str, reason: str) -> None:
        if ignored is not None:
            ignored.append({"source": source, "reason": reason})

    for given in paths:
        path = Path(given)
        if path.is_dir():
            boundary = os.path.realpath(path)
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                        continue
                    file = Path(root) / name
                    source = str(file)
                    if source in seen:
                        continue
                    seen.add(source)
                    if file.is_symlink() and not follow_symlinks:
                        real = os.path.realpath(file)
                        if os.path.commonpath([boundary, real]) != boundary:
                            skip(source, f"a symlink to {real}, outside {given} (--follow-symlinks to read it)")
                            continue
                    reason = _not_regular(file)
                    if reason:
                        skip(source, reason)
                        continue
                    out.append((file, source))
        else:
            source = str(path)
            if source not in seen:
                seen.add(source)
                reason = _not_regular(path)
                if reason and os.path.lexists(path):
                    skip(source, reason)
                    continue
                out.append((path, source))
    return out


def _not_regular(path: Path) -> str | None:
    """Why a path is not a regular file one can read, or None."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else
            "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a folder" if stat.S_ISDIR(mode) else
            "not a file")
    return f"{kind}, not a regular file"


def _content(conn, path: Path, source: str, force: bool) -> tuple[str | None, int | None, float | None]:
    """(sha256, size, mtime) of a file: the stored hash when size and mtime are those stored for this path."""
    try:
        info = path.stat()
    except OSError:
        return None, None, None
    known = None if force else doc_paths.known(conn, source)
    if known and known.sha256 and known.size == info.st_size and known.mtime == info.st_mtime:
        return known.sha256, info.st_size, info.st_mtime
    try:
        sha, size = file_digest(path)
    except OSError:
        return None, None, None
    return sha, size, info.st_mtime


_File = tuple[Path, str, "str | None", "int | None", "float | None"]  # path, source, sha256, size, mtime


@dataclass
class _Plan:
    todo: list[tuple[Path, str]] = field(default_factory=list)
    targets: dict[str, int] = field(default_factory=dict)  # a file read again into the document it replaces
    paths: dict[str, list[_File]] = field(default_factory=dict)  # every path of a file read, attached once stored
    known: list[tuple[str, int]] = field(default_factory=list)  # (source, document) not read: content stored
    relinked: int = 0


def _plan(conn, items: list[tuple[Path, str]], force: bool) -> _Plan:
    """Files grouped by content (the document is its content). A content the archive holds is not read again
    (unless `force`, then once), its paths attached to its document: a renamed file keeps its document, a copy adds
    a path. A new content is read once, from its first path: into the document of that path when the file was
    edited there (no other path still holds the old content), or as a new document."""
    groups: dict[str, list[_File]] = {}
    for path, source in items:
        sha, size, mtime = _content(conn, path, source, force)
        groups.setdefault(sha or "\0" + source, []).append((path, source, sha, size, mtime))
    plan = _Plan()
    touched: dict[int, str | None] = {}
    fresh = []
    for files in groups.values():
        doc = doc_paths.by_content(conn, files[0][2])
        if doc is None:
            fresh.append(files)
            continue
        sources = [f[1] for f in files]
        for path, source, _sha, size, mtime in files:
            known = doc_paths.known(conn, source)
            if known is not None and (known.document_id, known.size, known.mtime) == (doc, size, mtime):
                continue  # unchanged: nothing to write
            plan.relinked += known is None or known.document_id != doc
            before = doc_paths.attach(conn, doc, source, path, size, mtime)
            if before is not None:
                touched.setdefault(before, None)
        shown_by = conn.execute("SELECT source FROM documents WHERE id = ?", (doc,)).fetchone()[0]
        touched[doc] = None if shown_by in sources else sources[0]
        if force:
            plan.todo.append(files[0][:2])
            plan.targets[files[0][1]] = doc
            plan.paths[files[0][1]] = files
            plan.known += [(f[1], doc) for f in files[1:]]
        else:
            plan.known += [(source, doc) for source in sources]
    for doc, prefer in touched.items():
        doc_paths.tidy(conn, doc, prefer)
    for files in fresh:
        path, source = files[0][:2]
        known = doc_paths.known(conn, source)
        if known is not None:
            holding_old = {f[1] for f in groups.get(known.sha256 or "", [])}
            others = {row[0] for row in conn.execute("SELECT source FROM document_paths WHERE document_id = ?",
                                                     (known.document_id,))}
            if not holding_old & others:
                plan.targets[source] = known.document_id  # edited in place: its document, read again
        plan.todo.append((path, source))
        plan.paths[source] = files
    return plan


def _records(todo: list[tuple[Path, str]], workers: int, scheduler: str | None, force_ocr: bool = False,
             limits: Limits = DEFAULT_LIMITS) -> Iterator[DocumentRecord]:
    """Records as they finish: from `workers` local processes (at least one: a file that kills its reader, takes
    too long or too much memory costs that file only), or from a Dask cluster."""
    items = [(str(path), source, force_ocr) for path, source in todo]
    if scheduler:
        yield from _cluster_records(items, scheduler)
        return
    init = functools.partial(_worker_init, limits, stages.enabled())
    outcomes = worker_pool.run(items, _work, workers=max(1, workers), init=init,
                               seconds=limits.seconds or None, memory_mb=limits.memory_mb or None)
    try:
        for outcome in outcomes:
            yield outcome.result if outcome.failure is None else _lost(outcome.item, outcome.failure)
    finally:
        outcomes.close()  # the workers stop with the batch (Ctrl-C, a store that cannot be written)


def _lost(item: tuple[str, str, bool], failure: str) -> DocumentRecord:
    """The record of a file whose worker gave no record (it died, or passed a limit and was stopped)."""
    path, source, _ = item
    try:
        sha, size = file_digest(Path(path))
    except OSError:
        sha = size = None
    return DocumentRecord(source, sha, size, None, 0, None, "failed", "worker", f"{path}: {failure}")


def _cluster_records(items: list[tuple[str, str, bool]], scheduler: str) -> Iterator[DocumentRecord]:
    """Records from a Dask cluster. A bounded window of tasks is in flight (a few per worker thread), so neither
    the client nor the scheduler holds the records of a whole large folder at once: each record is stored and
    released as it arrives, and the next file is submitted."""
    from dask.distributed import Client, as_completed

    with Client(scheduler, timeout="30s") as client:
        window = max(4, 3 * sum(client.nthreads().values()))
        queue = iter(items)
        first = [client.submit(_work, item, pure=False) for item in itertools.islice(queue, window)]
        flow = as_completed(first)
        for future in flow:
            record = future.result()
            future.release()
            following = next(queue, None)
            if following is not None:
                flow.add(client.submit(_work, following, pure=False))
            yield record


# An archive with more citations than this has its full exports written by `vanban export` (or `run --exports
# all`) rather than by every run: rewriting 1,000,000 citations into six files would cost minutes for each new
# letter. graph.html (a bounded overview) and errors.csv are refreshed by every run whatever the size.
AUTO_EXPORT_EDGES = 50_000
EXPORT_MODES = ("auto", "all", "none")


def exports_to_write(conn, mode: str) -> tuple[list[str], list[str]]:
    """(exports to write now, exports left stale) for `run --exports MODE`."""
    every = list(exports.EXPORTS)
    if mode == "all":
        return every, []
    cheap = ["errors", "merges", "html"] if mode == "auto" else ["errors", "merges"]
    if mode == "auto" and conn.execute("SELECT COUNT(*) FROM edges").fetchone()[0] <= AUTO_EXPORT_EDGES:
        return every, []
    return cheap, [name for name in every if name not in cheap]


def run(
    paths: list[str],
    out: Path,
    *,
    workers: int = 1,
    force: bool = False,
    scheduler: str | None = None,
    exports_mode: str = "auto",
    force_ocr: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[DocumentRecord | None, str], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    follow_symlinks: bool = False,
    prune: bool = False,
    export_options: exports.ExportOptions = exports.ExportOptions(),
) -> RunSummary:
    force = force or force_ocr  # OCR'ing anew what was read from text layers means processing it again
    paths = [str(path) for path in paths]  # a caller's Path objects too (run.json lists them as given)
    summary = RunSummary(out=str(out), paths=list(paths), workers=workers, force=force, scheduler=scheduler,
                         started=store.now())
    t0 = time.perf_counter()
    if scheduler is None:
        worker_pool.prestart()  # the workers' modules and models load while the folders are scanned
    try:
        conn = store.connect(out)
    except sqlite3.Error as exc:
        raise VanbanError("store", f"{out / store.DB_NAME}: cannot open the archive ({exc})") from None
    exports.remove_leftovers(out)  # the temporary files of a run killed while writing its exports
    apply_limits(limits)  # here, so that workers started by fork have them from the start
    items = collect(paths, follow_symlinks, summary.ignored)
    summary.files = len(items)
    try:
        plan = _plan(conn, items, force)
    except sqlite3.OperationalError as exc:
        raise VanbanError("store", f"{out / store.DB_NAME}: cannot write the archive ({exc})") from None
    todo, summary.relinked = plan.todo, plan.relinked
    for source, doc in plan.known:
        summary.skipped += 1
        row = conn.execute("SELECT status, stage, error FROM documents WHERE id = ?", (doc,)).fetchone()
        if row is not None:
            if row["status"] == "failed":
                summary.failed += 1
                summary.failures.append({"source": source, "stage": row["stage"], "error": row["error"]})
            else:
                summary.ok += 1
        if on_done:
            on_done(None, source)
    if on_start:
        on_start(len(todo))
    summary.timings["scan"] = round(time.perf_counter() - t0, 3)

    def record_done(record: DocumentRecord, path: Path) -> None:
        stages.add(summary.stages, record.stages)
        try:  # one transaction per document: a store that cannot be written loses nothing already stored
            with stages.stage("store", summary.stages):
                doc_id = store_record(conn, record, plan.targets.get(record.source))
                for file, source, _sha, size, mtime in plan.paths.get(record.source, []):
                    before = doc_paths.attach(conn, doc_id, source, file, size, mtime)
                    if before is not None:
                        doc_paths.tidy(conn, before)
            if record.status == "ok":
                conn.execute("UPDATE documents SET mtime = ? WHERE id = ?", (_mtime(path), doc_id))
        except sqlite3.OperationalError as exc:
            raise VanbanError("store", f"{out / store.DB_NAME}: cannot write the archive ({exc}); what was "
                                       f"stored before {record.source} is kept") from None
        if record.status == "ok":
            summary.ok += 1
        else:
            summary.failed += 1
            summary.failures.append({"source": record.source, "stage": record.stage or "", "error": record.error or ""})
        summary.processed += 1
        summary.pages += record.pages
        if on_done:
            on_done(record, record.source)

    t1 = time.perf_counter()
    if todo and exports_mode != "none":
        exports.import_in_background()  # while the workers read, the writers' libraries load here
    paths_by_source = {source: path for path, source in todo}
    try:
        for record in _records(todo, workers, scheduler, force_ocr, limits):
            record_done(record, paths_by_source[record.source])
    except KeyboardInterrupt:
        summary.interrupted = True  # what is stored stays stored; a rerun picks up the rest
    summary.timings["process"] = round(time.perf_counter() - t1, 3)
    if not summary.interrupted:  # the files of the folders no longer there: listed, removed with --prune
        present = {source for _, source in items} | {skipped["source"] for skipped in summary.ignored}
        try:
            summary.missing = doc_paths.settle(conn, paths, present, prune)
        except sqlite3.OperationalError as exc:
            raise VanbanError("store", f"{out / store.DB_NAME}: cannot write the archive ({exc}); every file "
                                       "read is stored") from None
        summary.pruned = prune and bool(summary.missing)
    if summary.pages and summary.timings["process"]:
        summary.pages_per_minute = round(summary.pages / summary.timings["process"] * 60, 1)

    t2 = time.perf_counter()
    missing = [name for name, (file, _, _) in exports.EXPORTS.items() if not (out / file).exists()]
    changed = summary.processed or summary.relinked or summary.pruned
    if changed or missing or exports_mode == "all":
        names, summary.stale_exports = exports_to_write(conn, exports_mode)
        if not changed and exports_mode != "all":
            names = [name for name in names if name in missing]  # nothing changed: only what is not there yet
        with stages.stage("exports", summary.stages):
            report = exports.export_all(conn, out, names, export_options)
        summary.exports = report.written
        summary.export_failures = report.failed
        summary.export_warnings = report.warnings
        summary.timings.update({f"export_{k}": v for k, v in report.seconds.items()})
    else:  # nothing changed: the exports on disk are those of this archive already
        summary.exports = {name: str(out / file) for name, (file, _, _) in exports.EXPORTS.items()}
    summary.timings["export"] = round(time.perf_counter() - t2, 3)
    summary.archive = archive_counts(conn)
    summary.finished = store.now()
    summary.seconds = round(time.perf_counter() - t0, 3)
    try:
        with exports.atomic_file(out / "run.json") as handle:
            handle.write(json.dumps(asdict(summary), ensure_ascii=False, indent=2))
    except OSError as exc:  # a full disk: one line with the exports' own, the archive stays as stored
        summary.export_failures["run"] = f"run.json: {exc.strerror or exc}"
    conn.close()
    return summary


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def archive_counts(conn) -> dict[str, int]:
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "documents": one("SELECT COUNT(*) FROM documents WHERE status = 'ok'"),
        "failed": one("SELECT COUNT(*) FROM documents WHERE status = 'failed'"),
        "nodes": one("SELECT COUNT(*) FROM nodes"),
        "stubs": one("SELECT COUNT(*) FROM nodes WHERE is_stub = 1"),
        "ambiguous": one("SELECT COUNT(*) FROM nodes WHERE ambiguous = 1"),
        "edges": one("SELECT COUNT(*) FROM edges"),
    }


__all__ = ["run", "collect", "shown", "RunSummary", "VanbanError", "Limits"]
