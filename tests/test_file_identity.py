"""A document is its content: a renamed file keeps its document, two copies are one document with two paths, a file
gone from the folder is listed after the run and kept until `vanban run --prune` (issue 22, item 7)."""

import csv
import shutil
import sqlite3

from pipeline.batch import run

LETTER = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: {n}/UBND-VP\nQuảng Ngãi, ngày 0{d} tháng 12 năm 2025\n"
          "V/v triển khai nhiệm vụ số {n}\nThực hiện Kế hoạch số {plan}/KH-UBND ngày 10/10/2025 của UBND tỉnh.\n")


def _folder(tmp_path, count=5):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for k in range(count):
        (folder / f"{k}.txt").write_text(LETTER.format(n=100 + k, d=k + 1, plan=58 + k), "utf-8")
    return folder


def _rows(out, sql, *args):
    conn = sqlite3.connect(out / "archive.sqlite")
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _csv_sources(out):
    with (out / "documents.csv").open(encoding="utf-8-sig") as handle:
        return [row["source"] for row in csv.DictReader(handle)]


def test_a_renamed_file_keeps_its_document_and_a_deleted_one_stays_until_prune(tmp_path):
    folder, out = _folder(tmp_path), tmp_path / "out"
    first = run([str(folder)], out)
    assert first.processed == 5 and first.archive["documents"] == 5 and first.missing == []
    before = dict(_rows(out, "SELECT symbol, id FROM documents"))

    (folder / "1.txt").rename(folder / "sub" / "renamed.txt")
    (folder / "3.txt").unlink()
    second = run([str(folder)], out)
    assert second.processed == 0 and second.relinked == 1  # nothing read again
    assert second.archive["documents"] == 5  # the renamed one once, the deleted one still there
    assert second.missing == [str(folder / "3.txt")] and not second.pruned
    renamed = _rows(out, "SELECT id, source FROM documents WHERE symbol = '101/UBND-VP'")
    assert renamed == [(before["101/UBND-VP"], str(folder / "sub" / "renamed.txt"))]
    assert _rows(out, "SELECT source FROM document_paths WHERE document_id = ?", before["101/UBND-VP"]) == [
        (str(folder / "sub" / "renamed.txt"),)]
    sources = _csv_sources(out)
    assert len(sources) == 5 and str(folder / "sub" / "renamed.txt") in sources
    assert str(folder / "1.txt") not in sources
    plan_61 = "SELECT COUNT(*) FROM nodes WHERE symbol = '61/KH-UBND'"
    assert _rows(out, plan_61) == [(1,)]  # what the deleted letter cites is kept with it

    third = run([str(folder)], out, prune=True)
    assert third.missing == [str(folder / "3.txt")] and third.pruned
    assert third.archive["documents"] == 4
    assert _rows(out, "SELECT COUNT(*) FROM documents WHERE symbol = '103/UBND-VP'") == [(0,)]
    assert _rows(out, "SELECT COUNT(*) FROM edges WHERE document_id NOT IN (SELECT id FROM documents)") == [(0,)]
    assert _rows(out, plan_61) == [(0,)]  # the stub only it cited is gone too
    assert _rows(out, "SELECT COUNT(*) FROM nodes WHERE symbol = '58/KH-UBND'") == [(1,)]  # a look-alike kept
    assert len(_csv_sources(out)) == 4
    assert run([str(folder)], out).missing == []


def test_two_copies_are_one_document_with_two_paths(tmp_path):
    folder, out = _folder(tmp_path, 2), tmp_path / "out"
    shutil.copy(folder / "0.txt", folder / "sub" / "copy.txt")
    summary = run([str(folder)], out)
    assert summary.files == 3 and summary.processed == 2 and summary.archive["documents"] == 2
    doc = _rows(out, "SELECT id FROM documents WHERE symbol = '100/UBND-VP'")
    assert len(doc) == 1
    paths = _rows(out, "SELECT source FROM document_paths WHERE document_id = ? ORDER BY source", doc[0][0])
    assert [p for (p,) in paths] == sorted([str(folder / "0.txt"), str(folder / "sub" / "copy.txt")])
    assert len(_csv_sources(out)) == 2  # the export lists the document once, with both its paths
    with (out / "documents.csv").open(encoding="utf-8-sig") as handle:
        listed = {row["symbol"]: row["paths"] for row in csv.DictReader(handle)}
    assert listed["100/UBND-VP"] == f"{folder / '0.txt'}; {folder / 'sub' / 'copy.txt'}"
    assert listed["101/UBND-VP"] == str(folder / "1.txt")
    # a copy made later joins the document; deleting one copy loses nothing and is not a missing file
    shutil.copy(folder / "1.txt", folder / "sub" / "later.txt")
    (folder / "0.txt").unlink()
    again = run([str(folder)], out)
    assert again.processed == 0 and again.missing == [] and again.archive["documents"] == 2
    assert _rows(out, "SELECT source FROM documents WHERE id = ?", doc[0][0]) == [(str(folder / "sub" / "copy.txt"),)]


def test_an_edited_file_is_its_document_read_again_and_a_look_alike_is_not_merged(tmp_path):
    folder, out = _folder(tmp_path, 2), tmp_path / "out"
    run([str(folder)], out)
    (before,) = _rows(out, "SELECT id FROM documents WHERE source = ?", str(folder / "0.txt"))
    # the same words but one digit: another content, another document
    (folder / "sub" / "near.txt").write_text(LETTER.format(n=100, d=1, plan=59), "utf-8")
    (folder / "0.txt").write_text(LETTER.format(n=100, d=1, plan=70), "utf-8")
    summary = run([str(folder)], out)
    assert summary.processed == 2 and summary.missing == [] and summary.archive["documents"] == 3
    assert _rows(out, "SELECT id FROM documents WHERE source = ?", str(folder / "0.txt")) == [before]
    cited = _rows(out, "SELECT t.symbol FROM edges e JOIN nodes t ON t.id = e.target_id WHERE e.document_id = ?",
                  before[0])
    assert cited == [("70/KH-UBND",)]


def test_files_of_another_folder_are_not_missing(tmp_path):
    folder, out = _folder(tmp_path, 2), tmp_path / "out"
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text(LETTER.format(n=300, d=3, plan=90), "utf-8")
    run([str(other)], out)
    summary = run([str(folder)], out, prune=True)
    assert summary.missing == [] and summary.archive["documents"] == 3


def test_an_archive_from_before_paths_opens_and_merges_its_copies(tmp_path):
    """An archive written before document_paths (schema 9), holding one content twice, is upgraded: each
    document keeps its path, and the next run makes the two copies one document with two paths."""
    from pipeline.archive import store

    folder, out = _folder(tmp_path, 1), tmp_path / "out"
    shutil.copy(folder / "0.txt", folder / "sub" / "copy.txt")
    out.mkdir()
    conn = sqlite3.connect(out / store.DB_NAME, isolation_level=None)
    for number, script in enumerate(store.MIGRATIONS[:9], start=1):
        for statement in store._statements(script):
            conn.execute(statement)
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', ?)", (str(number),))
    from pipeline.process import file_digest

    sha, size = file_digest(folder / "0.txt")
    for source in (folder / "0.txt", folder / "sub" / "copy.txt"):
        conn.execute("INSERT INTO documents(source, sha256, size, status) VALUES(?, ?, ?, 'ok')",
                     (str(source), sha, size))
    conn.close()
    upgraded = store.connect(out)
    assert store.schema_version(upgraded) == len(store.MIGRATIONS)
    assert upgraded.execute("SELECT COUNT(*) FROM document_paths").fetchone()[0] == 2
    upgraded.close()
    summary = run([str(folder)], out)
    assert summary.processed == 0 and summary.archive["documents"] == 1
    assert _rows(out, "SELECT COUNT(*), COUNT(DISTINCT document_id) FROM document_paths") == [(2, 1)]
