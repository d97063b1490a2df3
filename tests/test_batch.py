import json
import subprocess
import sys
import time

from .conftest import ROOT


def vanban(*args):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True)


def test_run_is_incremental_and_reports(tmp_path):
    from pipeline.batch import collect

    files = len(collect([str(ROOT / "corpus")]))
    out = tmp_path / "out"
    first = vanban("run", str(ROOT / "corpus"), "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert f"{files} files: {files} processed".encode() in first.stdout
    report = json.loads((out / "run.json").read_text())
    assert report["ok"] == files and report["failed"] == 0 and report["archive"]["documents"] == files
    assert report["pages"] >= files and report["pages_per_minute"] > 0
    started = time.perf_counter()
    second = vanban("run", str(ROOT / "corpus"), "--out", str(out))
    assert second.returncode == 0 and f"0 processed (0 pages), {files} unchanged".encode() in second.stdout
    assert time.perf_counter() - started < 30
    forced = vanban("run", str(ROOT / "corpus"), "--out", str(out), "--force")
    assert f"{files} processed".encode() in forced.stdout


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


def test_mixed_folder_of_good_bad_and_legacy_files(tmp_path):
    """Two good letters, a corrupt PDF, an empty PDF, random bytes named .png, a Windows-1258 letter."""
    from nlp.legacy import encode_windows_1258

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("961-VP-KGVX-quangngai.txt", "186-SNV-XDCQ-quangngai.txt"):
        (folder / name).write_bytes((ROOT / "corpus" / "letters" / name).read_bytes())
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> garbage")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "random.png").write_bytes(bytes((i * 7919) % 256 for i in range(5000)))
    legacy = (ROOT / "corpus" / "letters" / "7845-STC-QLNS-quangngai.txt").read_text(encoding="utf-8")
    (folder / "cp1258.txt").write_bytes(encode_windows_1258(legacy))
    out = tmp_path / "out"
    result = vanban("run", str(folder), "--out", str(out))
    assert result.returncode == 3, result.stderr
    errors = (out / "errors.csv").read_text().strip().splitlines()[1:]
    assert sorted(line.split(",")[0].rsplit("/", 1)[1] for line in errors) == ["corrupt.pdf", "empty.pdf",
                                                                               "random.png"]
    for question, expected in (("what does 961/VP-KGVX cite", "58/KH-UBND"),
                               ("what does 7845/STC-QLNS cite", "3512/SGDĐT-KHTC"),
                               ("what does 186/SNV-XDCQ cite", "21/UBND-VP")):
        data = json.loads(vanban("query", question, "--db", str(out), "--json").stdout)
        assert expected in {r["symbol"] for r in data["results"]}, question
    started = time.perf_counter()
    again = vanban("run", str(folder), "--out", str(out))
    assert again.returncode == 3 and b"0 processed" in again.stdout
    assert time.perf_counter() - started < 20


def _small_scans(folder, count):
    """`count` distinct one-line scans (quick to OCR)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", 40)
    for k in range(count):
        image = Image.new("L", (1400, 160), 255)
        ImageDraw.Draw(image).text((30, 50), f"Thực hiện Kế hoạch số {k + 1}/KH-UBND ngày 10/10/2025 của tỉnh.",
                                   font=font, fill=0)
        image.save(folder / f"scan-{k:02d}.png")


def test_killed_run_resumes_with_every_file_stored_once(tmp_path):
    import os
    import signal
    import sqlite3

    folder = tmp_path / "in"
    folder.mkdir()
    _small_scans(folder, 20)
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", str(folder), "--out", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        try:
            with sqlite3.connect(f"file:{out / 'archive.sqlite'}?mode=ro", uri=True) as conn:
                stored = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            continue
        if stored >= 4:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=30)
    assert 4 <= stored < 20, "the run should have been killed in the middle"
    result = vanban("run", str(folder), "--out", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "run.json").read_text())
    with sqlite3.connect(out / "archive.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT source, status FROM documents").fetchall()
    assert len(rows) == 20 and len({r[0] for r in rows}) == 20 and {r[1] for r in rows} == {"ok"}
    assert report["processed"] <= 20 - stored + 1 and report["skipped"] >= stored - 1


def test_dask_cluster_gives_the_same_archive_as_a_local_run(tmp_path):
    from distributed import LocalCluster

    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted((ROOT / "corpus" / "letters").glob("*.txt"))[:6]:
        (folder / path.name).write_bytes(path.read_bytes())
    _small_scans(folder, 2)
    local = vanban("run", str(folder), "--out", str(tmp_path / "local"))
    assert local.returncode == 0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        remote = vanban("run", str(folder), "--out", str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address)
    assert remote.returncode == 0, remote.stderr
    for name in ("documents.csv", "references.csv"):
        a = sorted((tmp_path / "local" / name).read_text().splitlines())
        b = sorted((tmp_path / "dask" / name).read_text().splitlines())
        assert a == b, name
    assert json.loads((tmp_path / "dask" / "run.json").read_text())["scheduler"].startswith("tcp://127.0.0.1")
