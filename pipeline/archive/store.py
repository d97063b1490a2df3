"""The SQLite archive: documents, the mentions read from them, citation nodes (documents and stubs) and edges.

- One transaction per document (`BEGIN IMMEDIATE`), WAL journal, foreign keys on.
- A schema version in `meta`, with ordered migrations applied on open.
- Full-text search (FTS5) over the document text *folded* (no diacritics, đ→d), so that `ke hoach 58` finds
  `Kế hoạch 58` and OCR text that lost its marks is found by a query typed with them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from nlp.sentences import window
from nlp.text import fold_lower

DB_NAME = "archive.sqlite"

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL UNIQUE,
        sha256 TEXT,
        size INTEGER,
        mtime REAL,
        node_id TEXT,
        symbol TEXT, number TEXT, type TEXT, type_code TEXT,
        date TEXT, date_partial TEXT, date_source TEXT,
        issuer TEXT, issuer_parent TEXT, issuer_code TEXT, place TEXT, province TEXT,
        subject TEXT, recipients TEXT, signer TEXT,
        pages INTEGER, text TEXT,
        status TEXT NOT NULL, stage TEXT, error TEXT,
        processed_at TEXT
    );
    CREATE INDEX documents_node ON documents(node_id);
    CREATE INDEX documents_status ON documents(status);

    CREATE TABLE nodes (
        id TEXT PRIMARY KEY,
        symbol TEXT, symbol_key TEXT, number TEXT, type TEXT, type_code TEXT,
        issuer_code TEXT, issuer TEXT, province TEXT, locality TEXT, local INTEGER NOT NULL DEFAULT 0,
        date TEXT, year INTEGER, title TEXT,
        is_stub INTEGER NOT NULL DEFAULT 1,
        document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
        ambiguous INTEGER NOT NULL DEFAULT 0,
        candidates TEXT
    );
    CREATE INDEX nodes_symbol ON nodes(symbol_key);
    CREATE INDEX nodes_type_number ON nodes(type_code, number);
    CREATE INDEX nodes_number ON nodes(number);

    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        node_id TEXT NOT NULL,
        start INTEGER, end INTEGER, page INTEGER,
        text TEXT, sentence TEXT, relation TEXT, confidence REAL
    );
    CREATE INDEX mentions_document ON mentions(document_id);
    CREATE INDEX mentions_node ON mentions(node_id);

    CREATE TABLE edges (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL,
        target_id TEXT NOT NULL,
        relation TEXT NOT NULL,
        kind TEXT NOT NULL,                 -- 'direct': the letter cites; 'asserted': the letter says A → B
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        mentions INTEGER, confidence REAL, snippet TEXT, page INTEGER, span_start INTEGER, span_end INTEGER,
        UNIQUE (source_id, target_id, relation, document_id)
    );
    CREATE INDEX edges_target ON edges(target_id);
    CREATE INDEX edges_source ON edges(source_id);
    CREATE INDEX edges_document ON edges(document_id);

    CREATE VIRTUAL TABLE document_text USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');

    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    """,
    # 2: scans — what kind of file, its OCR pages and overlays, the incoming stamp, and word boxes as evidence
    """
    ALTER TABLE documents ADD COLUMN kind TEXT;
    ALTER TABLE documents ADD COLUMN meta TEXT;
    ALTER TABLE documents ADD COLUMN registration_number TEXT;
    ALTER TABLE documents ADD COLUMN registration_date TEXT;
    ALTER TABLE mentions ADD COLUMN boxes TEXT;
    """,
    # 3: the text as restored (diacritics, OCR garble) beside the text as it came
    """
    ALTER TABLE documents ADD COLUMN restored_text TEXT;
    """,
    # 4: where the number and the date were read (print, handwriting, signature ...), the overlays' times
    """
    ALTER TABLE documents ADD COLUMN number_source TEXT;
    ALTER TABLE documents ADD COLUMN number_confidence REAL;
    ALTER TABLE documents ADD COLUMN date_confidence REAL;
    ALTER TABLE documents ADD COLUMN signed_at TEXT;
    ALTER TABLE documents ADD COLUMN published_at TEXT;
    """,
    # 5: the readings of a node's symbol that OCR varied, each linked on evidence (merges.csv)
    """
    CREATE TABLE variants (
        id INTEGER PRIMARY KEY,
        node_id TEXT NOT NULL,
        variant TEXT NOT NULL,
        variant_key TEXT NOT NULL,
        document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
        page INTEGER,
        evidence TEXT,
        confidence REAL,
        UNIQUE (node_id, variant, document_id)
    );
    CREATE INDEX variants_key ON variants(variant_key);
    CREATE INDEX variants_node ON variants(node_id);
    """,
    # 6: an unexpected failure's exception (class and text), kept out of the one-line error
    """
    ALTER TABLE documents ADD COLUMN error_detail TEXT;
    """,
    # 7: the file's absolute path (page images, downloads) and how the restored text's offsets map to the text's
    """
    ALTER TABLE documents ADD COLUMN path TEXT;
    ALTER TABLE documents ADD COLUMN restored_map TEXT;
    """,
    # 8: a law cited by name, its number from the law table (nlp.laws): 'name' on its mentions and edges
    """
    ALTER TABLE mentions ADD COLUMN resolved_from TEXT;
    ALTER TABLE edges ADD COLUMN resolved_from TEXT;
    """,
    # 9: a document's node found by the document (each stored letter looks it up; it scanned 100,000 nodes)
    """
    CREATE INDEX IF NOT EXISTS nodes_document ON nodes(document_id);
    """,
    # 10: a document is its content, found at one path or more (a renamed file, two copies): one row a path
    """
    CREATE TABLE IF NOT EXISTS document_paths (
        source TEXT PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        path TEXT, size INTEGER, mtime REAL, seen_at TEXT
    );
    CREATE INDEX IF NOT EXISTS document_paths_document ON document_paths(document_id);
    CREATE INDEX IF NOT EXISTS documents_sha256 ON documents(sha256);
    INSERT OR IGNORE INTO document_paths(source, document_id, path, size, mtime)
        SELECT source, id, path, size, mtime FROM documents;
    """,
    # 11: the corrected text with the handwriting read in the header's blanks put where it was written (the text
    # of texts.jsonl, `vanban ocr` and a searchable PDF's layer), where it differs from the restored text
    """
    ALTER TABLE documents ADD COLUMN corrected_text TEXT;
    """,
]


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """Open (and migrate) the archive. `path` is the folder or the .sqlite file."""
    path = Path(path)
    if path.suffix != ".sqlite":
        path = path / DB_NAME
    if readonly:
        if not path.exists():
            raise MissingArchive(f"no archive at {path} (run `vanban run` first)")
        _upgrade(path)
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
        _wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys=ON")
    if not readonly:
        migrate(conn)
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0]) if row else 0


def _wal(conn: sqlite3.Connection, seconds: float = 30.0) -> None:
    """Write-ahead logging. Switching a new file to it answers 'database is locked' at once, without waiting, when
    another process is creating the same archive: so wait here, as long as the connection's own timeout."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _upgrade(path: Path) -> None:
    """An archive written by an older vanban, opened to be read (`serve`, `query`, `graph`): its schema is brought up
    to date first, once, so that readers see the columns they ask for; a file that cannot be written stays as it is
    and says so."""
    probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        probe.row_factory = sqlite3.Row
        current = schema_version(probe) >= len(MIGRATIONS)
    finally:
        probe.close()
    if current:
        return
    try:
        writer = sqlite3.connect(path, isolation_level=None, timeout=30)
        try:
            writer.row_factory = sqlite3.Row
            _wal(writer)
            migrate(writer)
        finally:
            writer.close()
    except sqlite3.Error as error:
        raise ArchiveError(f"{path}: written by an older vanban and cannot be upgraded here ({error}); run "
                           "`vanban run` on it where it can be written") from None


class ArchiveError(RuntimeError):
    """An archive that cannot be used as it is."""


class MissingArchive(ArchiveError, FileNotFoundError):
    """No archive where one was to be read: the user's error, said as such (not an internal one)."""


def migrate(conn: sqlite3.Connection) -> None:
    if schema_version(conn) >= len(MIGRATIONS):
        return
    for number, script in enumerate(MIGRATIONS, start=1):
        with transaction(conn):
            # read under the write lock: two runs opening a new archive at once must not both create it
            if number <= schema_version(conn):
                continue
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO meta(key, value) VALUES('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(number),),
            )


def _statements(script: str) -> list[str]:
    """A migration script split into statements (each ends with ';' at the end of a line)."""
    parts = [part.strip() for part in script.split(";\n")]
    return [part for part in parts if part and not all(l.strip().startswith("--") for l in part.splitlines())]


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite has already rolled back after some errors (a full disk)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def upsert_document(conn: sqlite3.Connection, fields: dict[str, Any], document_id: int | None = None) -> int:
    """Insert or replace the row of one source file (inside the caller's transaction); returns its id. With
    `document_id`, that document is replaced, whatever path it is shown by (a file read again under another name);
    a new document gets its path in `document_paths`."""
    fields = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict, tuple)) else v)
              for k, v in fields.items()}
    if document_id is not None and conn.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone():
        existing = {"id": document_id}
        fields = {k: v for k, v in fields.items() if k not in ("source", "path")}
    else:
        existing = conn.execute("SELECT id FROM documents WHERE source = ?", (fields["source"],)).fetchone()
    columns = list(fields)
    if existing:
        doc_id = existing["id"]
        assignments = ", ".join(f"{c} = ?" for c in columns)
        conn.execute(f"UPDATE documents SET {assignments} WHERE id = ?", [*fields.values(), doc_id])
    else:
        placeholders = ", ".join("?" for _ in columns)
        cursor = conn.execute(f"INSERT INTO documents({', '.join(columns)}) VALUES({placeholders})",
                              list(fields.values()))
        doc_id = int(cursor.lastrowid or 0)
        conn.execute("INSERT OR IGNORE INTO document_paths(source, document_id, path, size) VALUES(?,?,?,?)",
                     (fields["source"], doc_id, fields.get("path"), fields.get("size")))
    conn.execute("DELETE FROM document_text WHERE rowid = ?", (doc_id,))
    if fields.get("text"):
        # both readings are searchable: a query finds the letter whether it matches the OCR's words or the restored
        body = fold_lower(fields["text"]) + ("\n" + fold_lower(fields["restored_text"])
                                             if fields.get("restored_text") else "")
        conn.execute("INSERT INTO document_text(rowid, body) VALUES(?, ?)", (doc_id, body))
    return doc_id


def clear_evidence(conn: sqlite3.Connection, doc_id: int) -> set[str]:
    """Forget what an earlier version of a document said (its mentions and edges) before storing the new one;
    returns the nodes it touched (which may be left orphaned)."""
    touched = {row[0] for row in conn.execute(
        "SELECT source_id FROM edges WHERE document_id = ? UNION SELECT target_id FROM edges WHERE document_id = ? "
        "UNION SELECT id FROM nodes WHERE document_id = ?", (doc_id, doc_id, doc_id))}
    conn.execute("DELETE FROM mentions WHERE document_id = ?", (doc_id,))
    conn.execute("DELETE FROM edges WHERE document_id = ?", (doc_id,))
    conn.execute("DELETE FROM variants WHERE document_id = ?", (doc_id,))
    conn.execute("UPDATE nodes SET is_stub = 1, document_id = NULL WHERE document_id = ?", (doc_id,))
    return touched


def drop_orphan_stubs(conn: sqlite3.Connection, candidates: set[str] | None = None) -> int:
    """Stubs that nothing cites any more (after a document changed) are removed: among `candidates` (the nodes a
    document's old version touched: a cost that does not grow with the archive), or all of them."""
    orphan = ("is_stub = 1 AND document_id IS NULL AND NOT EXISTS (SELECT 1 FROM edges WHERE target_id = nodes.id) "
              "AND NOT EXISTS (SELECT 1 FROM edges WHERE source_id = nodes.id)")
    if candidates is None:
        dropped = [row[0] for row in conn.execute(f"SELECT id FROM nodes WHERE {orphan}")]
    else:
        dropped = [row[0] for chunk, marks in id_chunks(sorted(candidates))
                   for row in conn.execute(f"SELECT id FROM nodes WHERE id IN ({marks}) AND {orphan}", chunk)]
    for chunk, marks in id_chunks(dropped):
        conn.execute(f"DELETE FROM variants WHERE node_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM nodes WHERE id IN ({marks})", chunk)
    return len(dropped)


def id_chunks(ids: list[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """`ids` in slices small enough for one `IN (...)` (SQLite limits a statement's parameters), each with its
    placeholders."""
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


def _text_match(query: str) -> tuple[list[str], str]:
    terms = [t for t in re.split(r"[^\w/&-]+", fold_lower(query)) if t]
    return terms, " ".join('"' + t.replace('"', "") + '"' for t in terms)


def count_text(conn: sqlite3.Connection, query: str) -> int:
    """How many documents' text matches `query` (`search_text` gives them a page at a time)."""
    terms, match = _text_match(query)
    if not terms:
        return 0
    return conn.execute("SELECT COUNT(*) FROM document_text WHERE document_text MATCH ?", (match,)).fetchone()[0]


def search_text(conn: sqlite3.Connection, query: str, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    """Documents whose text matches `query` (diacritics optional), best first, with a snippet of the original: the
    `limit` from `offset` on."""
    terms, match = _text_match(query)
    if not terms:
        return []
    rows = conn.execute(
        "SELECT d.id, d.source, d.node_id, d.symbol, d.type, d.date, d.subject, "
        "COALESCE(d.restored_text, d.text) AS text "
        "FROM document_text JOIN documents d ON d.id = document_text.rowid "
        "WHERE document_text MATCH ? ORDER BY rank, d.id LIMIT ? OFFSET ?",
        (match, limit, offset),
    ).fetchall()
    out = []
    for row in rows:
        text = row["text"] or ""
        folded = fold_lower(text)
        phrase = folded.find(" ".join(terms))
        specific = sorted(terms, key=lambda t: (not any(ch.isdigit() for ch in t), -len(t)))
        pos = phrase if phrase >= 0 else max(0, min((p for p in (folded.find(t) for t in specific[:1]) if p >= 0),
                                                    default=0))
        # the sentence around the words, cut at word boundaries with "…" (nlp.sentences)
        out.append({**{k: row[k] for k in row.keys() if k != "text"},
                    "snippet": window(text, pos, min(len(text), pos + len(terms[0])))})
    return out
