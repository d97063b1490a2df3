import json
import subprocess
import sys
import time

from .conftest import ROOT


def vanban(*args):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True)


def test_run_is_incremental_and_reports(tmp_path):
    out = tmp_path / "out"
    first = vanban("run", str(ROOT / "corpus"), "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert b"13 processed" in first.stdout
    report = json.loads((out / "run.json").read_text())
    assert report["ok"] == 13 and report["failed"] == 0 and report["archive"]["documents"] == 13
    started = time.perf_counter()
    second = vanban("run", str(ROOT / "corpus"), "--out", str(out))
    assert second.returncode == 0 and b"0 processed, 13 unchanged" in second.stdout
    assert time.perf_counter() - started < 30
    forced = vanban("run", str(ROOT / "corpus"), "--out", str(out), "--force")
    assert b"13 processed" in forced.stdout


def test_bad_files_are_listed_and_the_rest_stored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Số: 1/UBND-VP\nThực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025.", "utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "out"
    result = vanban("run", str(folder), "--out", str(out), "--workers", "2")
    assert result.returncode == 3
    errors = (out / "errors.csv").read_text().strip().splitlines()
    assert errors[0] == "source,stage,error" and len(errors) == 3
    documents = (out / "documents.csv").read_text()
    assert "good.txt" in documents and "1/UBND-VP" in documents
    again = vanban("run", str(folder), "--out", str(out))
    assert again.returncode == 3 and b"0 processed" in again.stdout


def test_missing_path_is_an_error(tmp_path):
    result = vanban("run", str(tmp_path / "nothing"), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and result.stderr.count(b"\n") == 1
