"""The letter's handwritten number and day through the whole pipeline (pipeline.handwritten): read on the scanned
page in a hand the digit classifier never saw, checked against the signature's date, never guessed."""

import pytest

from pipeline.process import process_path

from .scans import scangen

LETTER = "058-KH-UBND-quangngai.txt"  # Số: 58/KH-UBND, Quảng Ngãi, ngày 10 tháng 10 năm 2025


def scan(tmp_path, name, **degradation):
    from .scans import pages

    page = pages(LETTER, **degradation)[0]
    path = tmp_path / f"{name}.png"
    page.image.save(path, dpi=(300, 300))
    return path


@pytest.mark.parametrize("ink", ["blue", "black"])
def test_number_and_day_written_by_hand(tmp_path, ink):
    path = scan(tmp_path, ink, dpi=300, handwritten=ink, seal=True, signature_box=True, publication_stamp=True,
                signed="10/10/2025 16:02:02", seed=21)
    record = process_path(path)
    header = record.extraction.header
    assert header.symbol == "58/KH-UBND" and header.number_source == "handwriting"
    assert header.number_confidence >= 0.8
    assert header.date == "2025-10-10" and header.date_source == "handwriting"
    assert header.signed_at == "2025-10-10T16:02:02" and header.published_at.startswith("2025-10-10T16:02:02")
    assert {"number", "day"} <= set(record.loaded.blanks)
    assert record.loaded.blanks["number"]["box"]  # where on the page it was read, for the officer to check
    # the stamps are metadata, not text; the number is no reference of the letter itself
    assert "CÔNG BÁO" not in record.text and "Thời gian ký" not in record.text
    assert "58/KH-UBND" not in {r.symbol for r in record.extraction.references}
    assert record.loaded.images == {}  # the page image is not kept in the record


def test_a_day_after_the_signature_is_not_taken(tmp_path):
    """Signed on the 3rd: a handwritten 10 is a misreading or another letter's, so the day stays unknown and the
    date falls back to the signature's (date_source says so)."""
    path = scan(tmp_path, "late", dpi=300, handwritten="blue", signature_box=True, signed="03/10/2025 09:00:00",
                seed=22)
    header = process_path(path).extraction.header
    assert header.date == "2025-10-03" and header.date_source == "signature"
    assert header.date_partial == "2025-10"


def test_black_pen_on_a_scan_with_colour_fringes(tmp_path):
    """A colour scanner tints every dark stroke a little, the print's as much as the pen's: that is no coloured
    pen, and the black digits are read from their darkness as on a clean scan."""
    path = scan(tmp_path, "fringes", dpi=300, handwritten="black", colour_fringes=True, signature_box=True,
                signed="10/10/2025 16:02:02", seed=21)
    header = process_path(path).extraction.header
    assert header.symbol == "58/KH-UBND" and header.number_source == "handwriting"
    assert header.date == "2025-10-10" and header.date_source == "handwriting"
