"""Scans and PDFs through the whole pipeline: extract, run, evidence boxes, bad files."""

import json
import subprocess
import sys

import pytest

from .conftest import ROOT
from .scans import scangen

SAMPLE_SYMBOLS = {"961/VP-KGVX", "57-NQ/TW", "121/KH-UBND", "58/KH-UBND", "13-NQ/TU", "368-KH/TU", "29-CT/TU",
                  "38/KH-UBND", "67/KH-UBND", "1588/QĐ-TTg"}


def vanban(*args):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True)


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    """Letter 819 (its OCR text, as garbled as it came) printed and scanned again: a multi-page PDF."""
    path = tmp_path_factory.mktemp("scans") / "819.pdf"
    text = (ROOT / "corpus" / "819-SKHCN.txt").read_text(encoding="utf-8")
    pages = scangen.make_scan(text, scangen.Degradation(dpi=300, seed=3))
    scangen.save_pdf(pages, path, 300)
    return path, len(pages)


def test_sample_letter_as_a_scanned_pdf_gives_the_same_references(sample_pdf):
    path, page_count = sample_pdf
    result = vanban("extract", str(path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert page_count > 3
    assert data["document"]["symbol"] == "819/SKHCN-BCVT&CĐS" and data["document"]["date"] == "2026-03-04"
    assert {r["symbol"] for r in data["references"]} == SAMPLE_SYMBOLS
    for ref in data["references"]:
        assert ref["pages"] and all(1 <= p <= page_count for p in ref["pages"])
        for evidence in ref["evidence"]:
            assert evidence["boxes"] and all(len(b) == 4 for b in evidence["boxes"])
    assert max(max(r["pages"]) for r in data["references"]) > 1


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory):
    """A two-page letter as a 150 dpi scanned PDF."""
    path = tmp_path_factory.mktemp("scans") / "058.pdf"
    text = (ROOT / "corpus" / "letters" / "058-KH-UBND-quangngai.txt").read_text(encoding="utf-8")
    scangen.save_pdf(scangen.make_scan(text, scangen.Degradation(dpi=150, seal=True, seed=4)), path, 150)
    return path


def test_ocr_command(small_pdf, tmp_path):
    data = json.loads(vanban("ocr", str(small_pdf), "--json").stdout)
    assert [p["page"] for p in data["pages"]] == [1, 2]
    assert "58/KH-UBND" in data["pages"][0]["text"]
    word = data["pages"][0]["words"][0]
    assert set(word) == {"text", "conf", "bbox"} and len(word["bbox"]) == 4
    bad = tmp_path / "x.txt"
    bad.write_text("hello")
    assert vanban("ocr", str(bad)).returncode == 1


def test_handwritten_number_with_signature_time(tmp_path):
    letter = (ROOT / "corpus" / "letters" / "038-KH-UBND-quangngai.txt").read_text(encoding="utf-8")
    letter = letter.replace("Số: 38/KH-UBND", "Số:      /KH-UBND").replace("ngày 20 tháng 02 năm 2024",
                                                                           "ngày      tháng 02 năm 2024")
    pages = scangen.make_scan(letter, scangen.Degradation(dpi=300, signature_box=True, seed=5))
    path = tmp_path / "handwritten.png"
    pages[0].image.save(path)
    data = json.loads(vanban("extract", str(path), "--json").stdout)
    document = data["document"]
    assert document["symbol"] == "?/KH-UBND" and document["number"] is None
    assert document["date_partial"] == "2024-02"
    assert document["date"] == "2025-02-03" and document["date_source"] == "signature"


def test_run_over_scans_text_and_bad_files(tmp_path, small_pdf):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "letter.txt").write_bytes((ROOT / "corpus" / "letters" / "961-VP-KGVX-quangngai.txt").read_bytes())
    (folder / "058.pdf").write_bytes(small_pdf.read_bytes())
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4 broken")
    (folder / "noise.png").write_bytes(bytes(range(256)) * 16)
    out = tmp_path / "out"
    result = vanban("run", str(folder), "--out", str(out), "--workers", "2")
    assert result.returncode == 3
    errors = (out / "errors.csv").read_text().splitlines()
    assert len(errors) == 3 and all(",read," in line for line in errors[1:])
    from pipeline.archive import store

    conn = store.connect(out, readonly=True)
    row = conn.execute("SELECT kind, pages, symbol FROM documents WHERE source LIKE '%058.pdf'").fetchone()
    assert (row["kind"], row["pages"], row["symbol"]) == ("scan", 2, "58/KH-UBND")
    boxes = conn.execute("SELECT boxes FROM mentions m JOIN documents d ON d.id = m.document_id "
                         "WHERE d.source LIKE '%058.pdf' AND boxes IS NOT NULL").fetchall()
    assert len(boxes) >= 8
    # the scanned plan and the text letter that cites it meet in one node
    cited = conn.execute("SELECT COUNT(*) FROM edges e JOIN nodes n ON n.id = e.target_id "
                         "WHERE n.symbol = '58/KH-UBND' AND n.is_stub = 0").fetchone()[0]
    assert cited >= 1
