import sqlite3

import pytest

from pipeline.archive import store
from pipeline.archive.ingest import store_record
from pipeline.process import DocumentRecord, process_path


def test_schema_version_and_wal(tmp_path):
    conn = store.connect(tmp_path)
    assert store.schema_version(conn) == len(store.MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.migrate(conn)  # idempotent
    assert store.schema_version(conn) == len(store.MIGRATIONS)


def test_full_text_search_without_diacritics(demo_conn):
    hits = store.search_text(demo_conn, "ke hoach 58")
    assert hits and any("58/KH-UBND" in h["snippet"] for h in hits)
    assert store.search_text(demo_conn, "Kế hoạch chuyển đổi số")
    assert store.search_text(demo_conn, "") == []


def test_one_transaction_per_document_rolls_back_on_error(tmp_path, monkeypatch):
    from pathlib import Path

    from pipeline.archive import ingest

    conn = store.connect(tmp_path)
    record = process_path(Path("corpus/819-SKHCN.txt"))

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ingest, "resolve", broken)
    with pytest.raises(RuntimeError):
        store_record(conn, record)
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM nodes").fetchone()[0] == 0


def test_restoring_a_changed_document_replaces_its_evidence(tmp_path):
    conn = store.connect(tmp_path)
    text_v1 = "Số: 12/UBND-VP\nThực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh Quảng Ngãi."
    text_v2 = "Số: 12/UBND-VP\nThực hiện Quyết định số 1588/QĐ-TTg ngày 17/12/2024 của Thủ tướng Chính phủ."
    from nlp.extract import extract

    for text in (text_v1, text_v2):
        store_record(conn, DocumentRecord("a.txt", "x", 1, text, 1, extract(text), "ok"))
    symbols = {r[0] for r in conn.execute("SELECT symbol FROM nodes")}
    assert "58/KH-UBND" not in symbols  # the stub nothing cites any more is gone
    assert "1588/QĐ-TTg" in symbols
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1


def test_readonly_connection_refuses_writes(demo_archive):
    conn = store.connect(demo_archive, readonly=True)
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM nodes")


def test_missing_archive_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="vanban run"):
        store.connect(tmp_path / "nothing", readonly=True)


def test_an_archive_of_an_older_vanban_is_upgraded_when_opened_to_read(tmp_path):
    """`vanban serve` / `query` / `graph` open the store read-only: an archive written before the last migration
    gets its new columns first, instead of failing on them."""
    import sqlite3

    conn = store.connect(tmp_path)
    conn.close()
    old = sqlite3.connect(tmp_path / store.DB_NAME)
    old.execute("ALTER TABLE edges DROP COLUMN resolved_from")
    old.execute("ALTER TABLE mentions DROP COLUMN resolved_from")
    old.execute("ALTER TABLE documents DROP COLUMN corrected_text")  # (migration 11's)
    old.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    old.commit()
    old.close()
    reader = store.connect(tmp_path, readonly=True)
    columns = {row["name"] for row in reader.execute("PRAGMA table_info(edges)")}
    assert "resolved_from" in columns and store.schema_version(reader) == len(store.MIGRATIONS)
    reader.close()


def test_processes_creating_one_new_archive_at_once_all_succeed(tmp_path):
    """The schema is created under SQLite's write lock, read again there: four processes opening the same new
    archive at the same moment give one archive, none 'table documents already exists'."""
    import subprocess
    import sys
    import time

    from .conftest import ROOT

    code = ("import sys, time; from pipeline.archive import store; time.sleep(max(0, float(sys.argv[2]) - time.time())); "
            "c = store.connect(sys.argv[1]); print(store.schema_version(c))")
    start = time.time() + 1.5
    runs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path), str(start)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    results = [(run.wait(timeout=60), run.stdout.read().decode().strip(), run.stderr.read().decode()) for run in runs]
    assert all(code == 0 and out == str(len(store.MIGRATIONS)) for code, out, _ in results), results
