import json
import sqlite3
import subprocess
import sys
import time

from .conftest import ROOT

LETTER = ROOT / "corpus" / "letters" / "058-KH-UBND-quangngai.txt"


def vanban(*args):  # the summary in English (Vietnamese by default: tests/test_cli_lang.py)
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args, "--lang", "en"], capture_output=True)


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
    raw = (out / "errors.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel on Windows reads the Vietnamese
    errors = raw.decode("utf-8-sig").strip().splitlines()
    # The contract's three columns come first; `detail` (the exception's class, for support) may follow.
    assert errors[0].split(",")[:3] == ["source", "stage", "error"] and len(errors) == 3
    documents = (out / "documents.csv").read_text(encoding="utf-8-sig")
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


def odd_files(folder):
    """The issue's folder: a good letter, one whose text carries control characters, and files that are no
    letter at all or cannot be read."""
    import numpy as np
    import pikepdf
    from PIL import Image

    folder.mkdir()
    good = (ROOT / "corpus" / "letters" / "058-KH-UBND-quangngai.txt").read_text(encoding="utf-8")
    (folder / "good.txt").write_text(good, encoding="utf-8")
    odd = good.replace("Căn cứ Luật", "Thực hiện Công văn số 6138/UBND\x02KGVX ngày 13/11/2024\x0b của UBND\x1f "
                                     "tỉnh;\x7f\nCăn cứ Luật", 1)
    (folder / "controls.txt").write_text(odd, encoding="utf-8")
    Image.new("RGB", (1, 1), "white").save(folder / "one-pixel.png")
    Image.new("L", (1, 20000), 255).save(folder / "one-column.png")
    Image.new("CMYK", (800, 1100), (0, 0, 0, 0)).save(folder / "blank-cmyk.jpg")
    Image.fromarray(np.full((300, 200), 65535, np.uint16)).save(folder / "sixteen-bit.tif")
    frames = [Image.new("L", (600, 800), 255) for _ in range(3)]
    frames[0].save(folder / "three-pages.tif", save_all=True, append_images=frames[1:])
    palette = Image.new("P", (300, 300))
    palette.putpalette([255, 255, 255] * 256)
    palette.save(folder / "palette.png", transparency=0)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(folder / "blank-page.pdf")
    pdf.save(folder / "encrypted.pdf", encryption=pikepdf.Encryption(user="secret", owner="secret"))
    (folder / "no-pages.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                                          b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    data = (folder / "blank-page.pdf").read_bytes()
    (folder / "broken-xref.pdf").write_bytes(data[: len(data) // 2])
    return folder


def test_odd_files_are_one_line_each_and_every_export_is_written(tmp_path):
    folder = odd_files(tmp_path / "in")
    out = tmp_path / "out"
    result = vanban("run", str(folder), "--out", str(out))
    assert result.returncode == 3, result.stderr
    from pipeline.exports import EXPORTS

    for _name, (file, _binary, _writer) in EXPORTS.items():
        assert (out / file).stat().st_size > 0, file
    lines = [line for line in result.stderr.decode().splitlines() if line.startswith("failed: ")]
    assert len(lines) == 10  # every file but the two letters
    for line in lines:  # one clear line each, naming no Python exception
        assert not any(name in line for name in ("Error:", "Exception", "Traceback", "errno"))
    messages = " ".join(lines)
    assert "encrypted PDF (password required)" in messages and "no text found" in messages
    query = vanban("query", "what cites 6138/UBND-KGVX", "--db", str(out), "--json")
    sources = {r["source"] for r in json.loads(query.stdout)["results"]}
    assert sources == {str(folder / "controls.txt")}
    again = vanban("run", str(folder), "--out", str(out))
    assert again.returncode == 3 and b" 0 processed" in again.stdout


def test_a_store_that_cannot_be_written_is_one_error_and_stays_whole(tmp_path):
    """Disk full: SQLite refuses the next page; the run says so in one line (exit 1) and the archive passes its
    integrity check with every document stored before."""
    import sqlite3

    from pipeline.archive import store
    from pipeline.batch import run
    from pipeline.process import VanbanError

    out = tmp_path / "out"
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(6):
        (folder / f"{k}.txt").write_text(f"Số: {k + 1}/UBND-VP\nQuảng Ngãi, ngày 01 tháng 12 năm 2025\n"
                                         + "Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025. " * 400, "utf-8")
    run([str(folder / "0.txt")], out)
    conn = sqlite3.connect(out / store.DB_NAME)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    original = store.connect

    def full(path, **kwargs):  # the disk has room for a few more pages only
        db = original(path, **kwargs)
        db.execute(f"PRAGMA max_page_count = {pages + 40}")
        return db

    store.connect = full
    try:
        with __import__("pytest").raises(VanbanError) as caught:
            run([str(folder)], out)
    finally:
        store.connect = original
    assert "cannot write the archive" in str(caught.value) and "full" in str(caught.value)
    conn = sqlite3.connect(out / store.DB_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] >= 1
    conn.close()


def test_a_500_page_pdf_is_read_one_page_at_a_time(tmp_path):
    """Memory stays bounded: a 500-page PDF (blank pages, so that nothing but loading is measured) peaks no higher
    than a 50-page one; each page is rendered, read and let go (500 kept pages would take ~1.4 GB here)."""
    import pypdfium2 as pdfium

    peaks = {}
    for pages in (50, 500):
        pdf = pdfium.PdfDocument.new()
        for _ in range(pages):
            pdf.new_page(200, 280)  # 833 × 1167 px at 300 dpi
        path = tmp_path / f"blank-{pages}.pdf"
        pdf.save(str(path))
        pdf.close()
        # the file read in this process (a batch reads it in a worker); its own high-water mark, VmHWM, which
        # starts anew at exec (getrusage's ru_maxrss would keep the forking pytest's)
        code = ("import json, sys; from pathlib import Path; from pipeline.process import process_path; "
                f"r = process_path(Path({str(path)!r})); "
                "hwm = int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]); "
                "print(json.dumps([r.status, r.error, hwm]))")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        status, error, hwm = json.loads(done.stdout.decode().splitlines()[-1])
        peaks[pages] = hwm / 1024  # MB
        assert status == "failed" and f"no text found on {pages} page(s)" in error
    assert peaks[500] < peaks[50] + 60, peaks


def test_two_runs_into_one_archive_at_once(tmp_path):
    """Two `vanban run` at the same time into one archive (two clerks, one share): both finish, every letter is
    stored once with its citations, and the store passes its integrity check."""
    out = tmp_path / "out"
    folders = []
    for clerk in ("a", "b"):
        folder = tmp_path / clerk
        folder.mkdir()
        for k in range(6):
            number = f"{k + 1}{ord(clerk)}"
            (folder / f"{k}.txt").write_text(
                f"ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: {number}/UBND-VP\nQuảng Ngãi, ngày 01 tháng 12 năm 2025\n"
                "Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh.\n", "utf-8")
        folders.append(folder)
    runs = [subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", str(folder), "--out", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT) for folder in folders]
    results = [(run.wait(timeout=300), run.stderr.read().decode()) for run in runs]
    assert [code for code, _ in results] == [0, 0], results
    conn = sqlite3.connect(out / "archive.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT source) FROM documents WHERE status = 'ok'").fetchone() == (12, 12)
    plan = conn.execute("SELECT COUNT(DISTINCT source_id) FROM edges WHERE target_id LIKE 'kh-58-kh-ubnd%'").fetchone()
    conn.close()
    assert plan[0] == 12
    for file in ("documents.csv", "references.csv", "graph.html"):
        assert (out / file).stat().st_size > 0


def test_a_read_only_store_is_one_clear_error(tmp_path):
    """The archive on a share mounted read-only: one line saying so, nothing lost, the store whole."""
    from pipeline.archive import store
    from pipeline.batch import run
    from pipeline.process import VanbanError

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    (folder / "a.txt").write_text("Số: 1/UBND-VP\nThực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025.", "utf-8")
    run([folder], out)
    (folder / "b.txt").write_text("Số: 2/UBND-VP\nThực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025.", "utf-8")
    original = store.connect

    def read_only(path, **kwargs):
        db = original(path, **kwargs)
        db.execute("PRAGMA query_only = 1")  # as SQLite behaves on a read-only file system
        return db

    store.connect = read_only
    try:
        with __import__("pytest").raises(VanbanError) as caught:
            run([folder], out)
    finally:
        store.connect = original
    message = str(caught.value)
    assert "cannot write the archive" in message and "readonly" in message and "\n" not in message
    conn = sqlite3.connect(out / store.DB_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT source FROM documents").fetchall() == [(str(folder / "a.txt"),)]
    conn.close()


def test_workers_start_with_the_models_loaded_and_no_thread(tmp_path):
    """The fork server's warm-up (`pipeline.workers.warmup`) loads what a worker's first file needs — underthesea's
    normaliser and sentence splitter, the restorer's model — and starts no thread (a process forked from one with
    threads can inherit a held lock); a worker then reads its first letter without loading anything."""
    probe = (
        "import os, sys, time\n"
        "import multiprocessing.forkserver\n"
        "from pipeline.workers import warmup\n"
        "assert not warmup._in_fork_server()  # a program importing it keeps its own exit\n"
        "from nlp.restore.model import cached\n"
        "assert len(os.listdir('/proc/self/task')) == 1, os.listdir('/proc/self/task')\n"
        "assert 'underthesea' in sys.modules and cached.cache_info().currsize == 1, cached.cache_info()\n"
        "from pathlib import Path\n"
        "from pipeline.process import process_path\n"
        "before = set(sys.modules)\n"
        f"record = process_path(Path({str(LETTER)!r}))\n"
        "assert record.status == 'ok' and record.extraction.references, record.error\n"
        "assert cached.cache_info().currsize == 1\n"
        "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in {'underthesea', 'nlp', 'numpy'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout


def test_exports_mode_in_any_case_and_why_exports_were_left(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(LETTER.read_text(encoding="utf-8"), encoding="utf-8")
    done = vanban("run", str(folder), "--out", str(tmp_path / "out"), "--exports", "NONE")
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "out" / "graph.html").exists() and (tmp_path / "out" / "errors.csv").exists()
    assert b"exports not refreshed (--exports none: " in done.stderr and b"large archive" not in done.stderr
    wrong = vanban("run", str(folder), "--out", str(tmp_path / "out"), "--exports", "most")
    assert wrong.returncode == 2 and wrong.stderr.strip() == b"error: unknown --exports 'most' (auto, all, none)"
