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


def test_bad_usage_exits_2():
    assert run("extract", "--no-such-option").returncode == 2
    assert run("no-such-command").returncode == 2


def test_output_is_nfc_utf8(tmp_path):
    decomposed = tmp_path / "nfd.txt"
    decomposed.write_text("Thư\u0323c hiê\u0323n Kê\u0301 hoa\u0323ch sô\u0301 58/KH-UBND ngày 10/10/2025", "utf-8")
    data = json.loads(run("extract", str(decomposed), "--json").stdout)
    assert data["references"][0]["text"].startswith("Kế hoạch số")
