import json
import subprocess
import sys

from .conftest import SAMPLE

VANBAN = [sys.executable, "-m", "pipeline.cli"]


def run(*args, input=None):
    return subprocess.run([*VANBAN, *args], input=input, capture_output=True)


def test_extract_json_matches_the_contract():
    result = run("extract", str(SAMPLE), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.decode("utf-8"))
    assert data["file"] == str(SAMPLE)
    doc = data["document"]
    assert (doc["symbol"], doc["number"], doc["type"], doc["date"]) == ("819/SKHCN-BCVT&CĐS", "819", "Công văn",
                                                                         "2026-03-04")
    assert len(data["references"]) == 10
    ref = next(r for r in data["references"] if r["symbol"] == "58/KH-UBND")
    for key in ("id", "symbol", "number", "type", "type_code", "issuer_code", "issuer", "date", "relation",
                "mentions", "spans", "text", "confidence"):
        assert key in ref
    assert ref["id"] == "kh-58-kh-ubnd-2025-10-10" and ref["type_code"] == "KH" and ref["issuer_code"] == "UBND"


def test_extract_table_and_stdin():
    result = run("extract", "-", input="Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh.".encode())
    assert result.returncode == 0
    assert "58/KH-UBND" in result.stdout.decode("utf-8")


def test_errors_are_one_line_with_exit_1(tmp_path):
    missing = run("extract", str(tmp_path / "nope.txt"))
    assert missing.returncode == 1 and missing.stderr.decode().count("\n") == 1 and b"Traceback" not in missing.stderr
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert run("extract", str(empty)).returncode == 1
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Kế hoạch".encode("utf-16-le")[:5] + b"\xff\xfe\x80")
    result = run("extract", str(legacy))
    assert result.returncode == 1 and len(result.stderr.decode().strip().splitlines()) == 1


def test_a_missing_archive_is_the_users_error_in_one_line(tmp_path):
    result = run("query", "what cites Plan 58", "--db", str(tmp_path / "nowhere"))
    err = result.stderr.decode()
    assert result.returncode == 1 and err.count("\n") == 1
    assert err.startswith("error: no archive at") and "vanban run" in err and "internal" not in err


def test_bad_usage_exits_2():
    assert run("extract", "--no-such-option").returncode == 2
    assert run("no-such-command").returncode == 2


def test_output_is_nfc_utf8(tmp_path):
    decomposed = tmp_path / "nfd.txt"
    decomposed.write_text("Thư\u0323c hiê\u0323n Kê\u0301 hoa\u0323ch sô\u0301 58/KH-UBND ngày 10/10/2025", "utf-8")
    data = json.loads(run("extract", str(decomposed), "--json").stdout)
    assert data["references"][0]["text"].startswith("Kế hoạch số")


def test_legacy_encodings_are_read(tmp_path):
    from nlp.legacy import encode_windows_1258

    text = "Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của Ủy ban nhân dân tỉnh Quảng Ngãi về chuyển đổi số."
    files = {
        "cp1258.txt": encode_windows_1258(text),
        "tcvn3.txt": "Thùc hiÖn KÕ ho¹ch sè 58/KH-UBND ngµy 10/10/2025 cña ñy ban nh©n d©n tØnh Qu¶ng Ng·i vÒ "
                     "chuyÓn ®æi sè.".encode("latin-1"),
        "vni.txt": "Thöïc hieän Keá hoaïch soá 58/KH-UBND ngaøy 10/10/2025 cuûa UÛy ban nhaân daân tænh Quaûng "
                   "Ngaõi veà chuyeån ñoåi soá.".encode("cp1252"),
        "tcvn3-as-utf8.txt": "Thùc hiÖn KÕ ho¹ch sè 58/KH-UBND ngµy 10/10/2025 cña ñy ban nh©n d©n tØnh Qu¶ng "
                             "Ng·i vÒ chuyÓn ®æi sè.".encode("utf-8"),
    }
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = run("extract", str(path), "--json")
        assert result.returncode == 0, (name, result.stderr)
        ref = json.loads(result.stdout)["references"][0]
        assert (ref["symbol"], ref["date"]) == ("58/KH-UBND", "2025-10-10"), name
        assert ref["issuer"].lower().endswith("tỉnh quảng ngãi"), (name, ref["issuer"])


def test_run_progress_as_json_lines_for_scripts_and_quiet(tmp_path):
    """`vanban run --json`: one JSON object a line on stdout (start, one per file naming it, the summary at the
    end), nothing else there; `--quiet`: nothing on stdout, a failed file still named on stderr, the exit code 3."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh.", encoding="utf-8")
    (folder / "b.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    result = run("run", str(folder), "--out", str(tmp_path / "out"), "--json")
    assert result.returncode == 3, result.stderr
    events = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert events[0] == {"event": "start", "files": 2}
    files = [e for e in events if e["event"] == "file"]
    assert sorted(e["source"].rsplit("/", 1)[-1] for e in files) == ["a.txt", "b.pdf"]
    assert [e["done"] for e in files] == [1, 2] and all(e["total"] == 2 for e in files)
    broken = next(e for e in files if e["source"].endswith("b.pdf"))
    assert broken["status"] == "failed" and broken["error"] and broken["stage"]
    end = events[-1]
    assert end["event"] == "end" and (end["processed"], end["failed"], end["exit_code"]) == (2, 1, 3)
    assert end["archive"]["documents"] >= 1

    quiet = run("run", str(folder), "--out", str(tmp_path / "out2"), "--quiet")
    assert quiet.returncode == 3 and quiet.stdout == b""
    assert b"b.pdf" in quiet.stderr
    assert run("run", str(folder), "--out", str(tmp_path / "out3"), "--quiet", "--json").returncode == 2


def test_a_scan_that_cannot_be_read_is_one_line_for_every_one_file_command(tmp_path):
    """`vanban ocr`, `extract` and `pdf` begin loading their models on a thread while the file is read: a file
    that fails at once still ends in one line and exit 1 (the process once aborted, ONNX Runtime still building
    its session as the interpreter went down)."""
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    for args in (["ocr", str(bad)], ["extract", str(bad)], ["pdf", str(bad), str(tmp_path / "out.pdf")],
                 ["ocr", str(tmp_path / "nothing.png")]):
        done = run(*args)
        lines = done.stderr.decode().strip().splitlines()
        assert done.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: "), (args, done.stderr)


def test_the_command_ends_after_its_exit_handlers_with_its_streams_flushed():
    """`vanban` exits without the interpreter's teardown, but not before the exit handlers and the buffered output."""
    import sys

    script = ("import atexit, sys\nfrom pipeline.workers.launch import _leave\n"
              "atexit.register(lambda: print('handler ran'))\nsys.stdout.write('buffered, ')\n_leave(%r)\n")
    for code, status, err in ((3, 3, ""), (None, 0, ""), ("no archive here", 1, "no archive here")):
        done = subprocess.run([sys.executable, "-c", script % (code,)], capture_output=True, text=True)
        assert (done.returncode, done.stdout, done.stderr.strip()) == (status, "buffered, handler ran\n", err)
