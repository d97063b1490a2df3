"""The tables written beside the graph: while this process lays out and writes the graph files, a child forked from
it writes the tables (CSV, the workbook, texts.jsonl) from its own read-only connection to the archive — two
independent halves of the exports on two cores (after a batch of 100 texts: 0.17 s and 0.12 s, one after the
other until now).

Only where forking is safe and worth it: a process with one thread (a batch run, `vanban export`; not the web
server, not a run whose progress bar redraws itself on a thread), an archive in a file, both halves to write. The
child reports what it wrote through a pipe and ends with `os._exit` (nothing of this process's is flushed, closed
or run twice); if it reports nothing, the caller writes the tables itself: no export is lost.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any, Callable

# writes the named exports from a connection; returns its report as plain data (it crosses the pipe as JSON)
Writer = Callable[[sqlite3.Connection, list[str]], dict[str, Any]]


@dataclass(frozen=True)
class Child:
    pid: int
    reader: int  # the pipe's end its report arrives on


def archive_file(conn: sqlite3.Connection) -> str | None:
    """The file of the connection's main database (None for one in memory)."""
    for row in conn.execute("PRAGMA database_list").fetchall():
        if row[1] == "main":
            return row[2] or None
    return None


def start(conn: sqlite3.Connection, names: list[str], write: Writer) -> Child | None:
    """A child writing `names` with `write` (on its own read-only connection), or None where it cannot be forked."""
    if not names or not hasattr(os, "fork") or threading.active_count() != 1:
        return None
    path = archive_file(conn)
    if path is None:
        return None
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: whatever happens, it ends here
        status = 1
        try:
            os.close(reader)
            from ..archive import store

            report = write(store.connect(path, readonly=True), names)
            with os.fdopen(writer, "wb") as handle:
                handle.write(json.dumps(report).encode("utf-8"))
            status = 0
        finally:
            os._exit(status)
    os.close(writer)
    return Child(pid, reader)


def finish(child: Child) -> dict[str, Any] | None:
    """The child's report once it has ended; None if it ended without one (then its exports are still to write)."""
    with os.fdopen(child.reader, "rb") as handle:
        data = handle.read()
    _, status = os.waitpid(child.pid, 0)
    if status != 0 or not data:
        return None
    try:
        report = json.loads(data)
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


def stop(child: Child) -> None:
    """End the child now (the caller is failing or was interrupted): its partial files are its atomic writes'."""
    try:
        os.kill(child.pid, signal.SIGKILL)
        os.waitpid(child.pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
    try:
        os.close(child.reader)
    except OSError:
        pass
