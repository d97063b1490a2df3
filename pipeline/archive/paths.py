"""Files and documents: a document is its content (the file's sha256), found at one path or more.

- A renamed or moved file is the same document: its path is updated, nothing is read again.
- The same content at two paths is one document with two paths (`document_paths`, one row a path).
- A path whose file holds other content now leaves its old document; a document left with no path at all is
  removed (its content is nowhere: the file was overwritten).
- A file no longer in the folders of a run is listed after the run (`missing`) and kept until `vanban run --prune`
  removes it, with the document, its edges and the stubs only it cited, once no path of the document is left.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from . import store


@dataclass(frozen=True)
class Known:
    """What the archive holds for one path: its document, the content it had, and the file's size and mtime."""

    document_id: int
    sha256: str | None
    size: int | None
    mtime: float | None
    primary: str  # the document's own `source` (the path it is shown by)
    status: str


def known(conn: sqlite3.Connection, source: str) -> Known | None:
    row = conn.execute(
        "SELECT p.document_id, d.sha256, p.size, p.mtime, d.source, d.status FROM document_paths p "
        "JOIN documents d ON d.id = p.document_id WHERE p.source = ?", (source,)).fetchone()
    return Known(*row) if row else None


def by_content(conn: sqlite3.Connection, sha256: str | None) -> int | None:
    """The document holding this content, or None (the oldest, where an older archive stored it twice)."""
    if not sha256:
        return None
    row = conn.execute("SELECT id FROM documents WHERE sha256 = ? ORDER BY id LIMIT 1", (sha256,)).fetchone()
    return row[0] if row else None


def by_source(conn: sqlite3.Connection, source: str) -> int | None:
    row = conn.execute("SELECT id FROM documents WHERE source = ?", (source,)).fetchone()
    return row[0] if row else None


def attach(conn: sqlite3.Connection, document_id: int, source: str, path: Path, size: int | None,
           mtime: float | None) -> int | None:
    """`source` is a path of `document_id` (in one transaction). Returns the document it belonged to before, if
    another: `tidy` it once every path of the run is attached (a swap of two files' contents gives each its path
    back before either is judged pathless)."""
    with store.transaction(conn):
        before = conn.execute("SELECT document_id FROM document_paths WHERE source = ?", (source,)).fetchone()
        conn.execute(
            "INSERT INTO document_paths(source, document_id, path, size, mtime, seen_at) VALUES(?,?,?,?,?,?) "
            "ON CONFLICT(source) DO UPDATE SET document_id = excluded.document_id, path = excluded.path, "
            "size = excluded.size, mtime = excluded.mtime, seen_at = excluded.seen_at",
            (source, document_id, os.path.abspath(path), size, mtime, store.now()))
    return before[0] if before and before[0] != document_id else None


def tidy(conn: sqlite3.Connection, document_id: int, prefer: str | None = None) -> None:
    """A document whose paths changed: shown by one of its paths (`prefer` when it is one), or removed with none
    left (its content is at no path: the file was overwritten or pruned)."""
    with store.transaction(conn):
        rows = conn.execute("SELECT source, path FROM document_paths WHERE document_id = ? ORDER BY source",
                            (document_id,)).fetchall()
        if not rows:
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone():
                remove_document(conn, document_id)
            return
        shown_by = conn.execute("SELECT source FROM documents WHERE id = ?", (document_id,)).fetchone()
        sources = [row[0] for row in rows]
        if shown_by is None or (shown_by[0] in sources and prefer is None):
            return
        chosen = next((row for row in rows if row[0] == prefer), rows[0])
        if shown_by[0] == chosen[0]:
            return
        conn.execute("SAVEPOINT rename")  # another document still shown by that path keeps it: this one its name
        try:
            conn.execute("UPDATE documents SET source = ?, path = ? WHERE id = ?", (chosen[0], chosen[1], document_id))
            conn.execute("RELEASE rename")
        except sqlite3.IntegrityError:
            conn.execute("ROLLBACK TO rename")
            conn.execute("RELEASE rename")


def remove_document(conn: sqlite3.Connection, document_id: int) -> None:
    """A document, its mentions and edges, and the stubs only it cited (inside the caller's transaction)."""
    touched = store.clear_evidence(conn, document_id)
    conn.execute("DELETE FROM document_text WHERE rowid = ?", (document_id,))
    conn.execute("DELETE FROM document_paths WHERE document_id = ?", (document_id,))
    conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
    store.drop_orphan_stubs(conn, touched)


def within(source: str, given: list[str]) -> bool:
    """Is `source` one of the files or under one of the folders a run was given?"""
    for top in given:
        top = str(Path(top))
        if top == ".":
            if not os.path.isabs(source):
                return True
        elif source == top or source.startswith(top.rstrip(os.sep) + os.sep):
            return True
    return False


def settle(conn: sqlite3.Connection, given: list[str], present: set[str], prune: bool) -> list[str]:
    """After a run over `given`: the paths under it that were not found (`present` holds those that were). A path of
    a document found elsewhere in this run was moved: it is forgotten. The others are missing files, returned, and
    with `prune` removed, each document with them once it has no path left."""
    rows = conn.execute("SELECT source, document_id FROM document_paths ORDER BY source").fetchall()
    seen_documents = {doc for source, doc in rows if source in present}
    gone = [(source, doc) for source, doc in rows if source not in present and within(source, given)]
    missing: list[str] = []
    for source, doc in gone:
        if doc in seen_documents or prune:
            with store.transaction(conn):
                conn.execute("DELETE FROM document_paths WHERE source = ?", (source,))
            tidy(conn, doc)
        if doc not in seen_documents:
            missing.append(source)
    return missing
