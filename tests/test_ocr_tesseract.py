"""OCR of generated scans (slow tests: each reads a page or two with Tesseract)."""

import numpy as np
import pytest

from ocr.tesseract import raw_text, read_image

from .scans import bgr, cer, pages


@pytest.fixture(scope="module")
def header_page():
    return pages("961-VP-KGVX-quangngai.txt", dpi=300, seal=True, signature_box=True, stamp=True)[0]


@pytest.fixture(scope="module")
def header_read(header_page):
    return read_image(bgr(header_page), dpi=300)


def test_header_columns_are_not_interleaved(header_read):
    lines = header_read.text.splitlines()
    assert lines.index("Số: 961/VP-KGVX") < lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "Quảng Ngãi, ngày 13 tháng 02 năm 2026" in lines


def test_overlays_are_metadata_not_body_text(header_read):
    kinds = {o.kind: o.text for o in header_read.overlays}
    assert "Thời gian ký" in kinds["signature"] and "2352" in kinds["incoming"]
    assert "Ký bởi" not in header_read.text and "CV ĐẾN" not in header_read.text


def test_words_boxes_and_offsets(header_read):
    assert len(header_read.words) == len(header_read.word_offsets) > 100
    for word, (start, end) in zip(header_read.words, header_read.word_offsets):
        assert header_read.text[start:end] == word.text
        x0, y0, x1, y1 = word.bbox
        assert 0 <= x0 < x1 <= header_read.width and 0 <= y0 < y1 <= header_read.height
    assert header_read.mean_confidence > 80


def test_better_than_raw_tesseract_on_a_sealed_skewed_page():
    page = pages("058-KH-UBND-quangngai.txt", dpi=300, skew=3.0, seal=True)[0]
    ours = cer(page.truth, read_image(bgr(page), dpi=300).text)
    raw = cer(page.truth, raw_text(np.asarray(page.image.convert("RGB"))))
    assert ours <= 0.01 and ours < raw / 2


def test_a_seal_over_body_text_does_not_destroy_the_lines_it_crosses():
    plain = pages("058-KH-UBND-quangngai.txt", dpi=300)[-1]
    sealed = pages("058-KH-UBND-quangngai.txt", dpi=300, seal=True, seal_over_text=True)[-1]
    assert plain.truth == sealed.truth
    without = read_image(bgr(plain), dpi=300).text
    with_seal = read_image(bgr(sealed), dpi=300).text
    assert cer(plain.truth, with_seal) <= cer(plain.truth, without) + 0.004


def test_upside_down_page_is_turned():
    page = pages("7845-STC-QLNS-quangngai.txt", dpi=200, rotate=180)[0]
    read = read_image(bgr(page), dpi=200)
    assert read.rotation == 180 and cer(page.truth, read.text) < 0.02


def test_a_blank_sheet_is_not_sent_to_tesseract(monkeypatch):
    """The blank back of a sheet (specks of dust at most) gives no text without running Tesseract; one short line
    on an otherwise empty page is still read."""
    import cv2

    from ocr import tesseract

    calls = []
    real = tesseract._ocr_page
    monkeypatch.setattr(tesseract, "_ocr_page", lambda *a, **k: calls.append(1) or real(*a, **k))
    sheet = np.full((3508, 2480, 3), 250, np.uint8)
    rng = np.random.default_rng(3)
    for x, y in rng.integers(100, 2400, size=(40, 2)):  # dust
        cv2.circle(sheet, (int(x), int(y)), 2, (40, 40, 40), -1)
    read = read_image(sheet, dpi=300)
    assert read.text == "" and calls == [] and read.width > 0
    cv2.putText(sheet, "Trang 2", (1000, 3300), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (0, 0, 0), 5)
    read = read_image(sheet, dpi=300)
    assert calls and "Trang" in read.text


def test_references_in_an_italic_preamble_are_read(tmp_path):
    """Decisions print their Căn cứ preamble in italic, where Tesseract drops tone marks and breaks symbols (a
    fraction slash for '/'): the laws it cites there are still found, with their dates, as on the upright page."""
    from pipeline.process import process_path

    found = {}
    for italic in (False, True):
        page = pages("121-KH-UBND-quangngai.txt", dpi=300, italic_preamble=italic)[0]
        path = tmp_path / f"italic-{italic}.png"
        page.image.save(path)
        record = process_path(path)
        assert record.status == "ok", record.error
        found[italic] = {(r.symbol, r.date) for r in record.extraction.references}
    preamble = {("20/2023/QH15", "2023-06-22"), ("60/2024/QH15", "2024-11-30")}
    assert preamble <= found[False]
    assert preamble <= found[True], found[True]
    assert any(symbol == "148/2025/QH15" for symbol, _ in found[True])


def test_a_portal_incoming_stamp_as_dark_as_the_print_is_an_overlay():
    """Decrees copied from the Government portal carry its incoming stamp (`CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ`,
    `ĐẾN Giờ: … Ngày: …`) in black beside the title: no colour tells it apart, its lines do. It is an overlay, kept
    out of the text."""
    page = pages("121-KH-UBND-quangngai.txt", dpi=300, portal_stamp=True)[0]
    read = read_image(bgr(page), dpi=300)
    incoming = " ".join(o.text for o in read.overlays if o.kind == "incoming")
    assert "THÔNG TIN" in incoming and "29/3/21" in incoming
    assert "THÔNG TIN" not in read.text and "29/3/21" not in read.text and "Giờ" not in read.text
    assert cer(page.truth, read.text) <= 0.01
