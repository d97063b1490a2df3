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


def _reading(*digit_probabilities):
    from ocr.handwriting import DigitReading

    dists = tuple(tuple(p.get(d, 1e-6) for d in range(10)) for p in digit_probabilities)
    text = "".join(str(max(range(10), key=lambda d: dist[d])) for dist in dists)
    conf = 1.0
    for dist in dists:
        conf *= max(dist)
    return DigitReading(text, conf, (), (), (0, 0, 10, 10), dists)


@pytest.mark.parametrize("probabilities, signed, day", [
    # a Vietnamese 1 with its long lead-in read as 4: no day is 45, and of the days the signature allows 15 it is
    (({4: 0.98, 1: 0.015}, {5: 0.99}), "2020-04-16T09:00:00", 15),
    # 19 is a day: signed on the 11th, the 10 that would fit is far less likely than what was read — unknown
    (({1: 0.99}, {9: 0.95, 0: 0.002}), "2024-09-11T09:00:00", None),
    (({1: 0.6, 4: 0.4}, {6: 0.7, 0: 0.3}), "2025-01-17T13:33:13", 16),  # faint: 16 holds most of what is allowed
    # a lone 4 at 0.55, twenty days before the signature: neither sure nor near it — unknown (the signature's day
    # then stands in for it: the pen's 24 had lost its 2)
    (({4: 0.55, 1: 0.45},), "2018-04-24T15:17:44", None),
    (({4: 0.95, 1: 0.05},), "2018-04-24T15:17:44", 4),  # sure of it: taken
])
def test_the_day_given_the_signature(monkeypatch, probabilities, signed, day):
    import dataclasses

    from nlp.blanks import Blank
    from nlp.header import parse_header
    from pipeline import handwritten

    header = dataclasses.replace(parse_header("Quảng Ngãi, ngày    tháng " + signed[5:7] + " năm " + signed[:4]),
                                 signed_at=signed)
    monkeypatch.setattr(handwritten, "_read", lambda loaded, blank: _reading(*probabilities))
    blank = Blank(field="day", span=(0, 0), before=(0, 0), after=(0, 0), read="")
    out = handwritten._day_from_handwriting(None, header, blank, {})
    assert (int(out.date[8:]) if out.date else None) == day


@pytest.mark.parametrize("probabilities, line, day", [
    (({3: 0.39, 8: 0.3},), "", None),  # a lone 3 at 0.39, no signature, the line unread: unknown (it was a 30)
    (({1: 0.93}, {7: 0.99}), "Kiên Giang, ngàyA háng 10 năm 2017", 17),  # sure alone
    # 18, or the line's 28 read alike in all three views: the line's (it was 28; the views agree on the right
    # day wherever all three read one)
    (({1: 0.97, 2: 0.02}, {8: 0.99}), "An Giang, ngày28 tháng 4 năm 2017", 28),
    # the digit reader's 98 is no day at all; the line's 28 agrees with the 8 that stands
    (({9: 0.97, 2: 0.02}, {8: 0.99}), "An Giang, ngày28 tháng 4 năm 2017", 28),
    (({4: 0.98, 1: 0.015}, {5: 0.99}), "Quảng Ngãi, ngày5 tháng 4 năm 2020", None),  # 45 and a lone 5: the 1 lost
    (({1: 0.72, 0: 0.2}, {9: 0.99}), "Đà Nẵng, ngày O9tháng 3 năm 2022", None),  # O9 (09) against 19
    (({1: 0.95}, {5: 0.99}), "Quảng Ngãi, ngày5 tháng 4 năm 2020", 15),  # `ngày5` lost the 1 of 15: no other day
    (({2: 0.5, 4: 0.45}, {0: 0.99}), "Kiên Giang, ngày20 tháng 12 năm 2017", 20),  # the two readers agree
])
def test_the_day_without_a_signature(monkeypatch, probabilities, line, day):
    """Unsigned paper letters: a day the place-and-date line does not confirm is taken only when the digit reader
    is sure of it, and never when the line says another day."""
    from types import SimpleNamespace

    from nlp.blanks import Blank
    from nlp.header import parse_header
    from pipeline import handwritten

    header = parse_header("Kiên Giang, ngày    tháng 10 năm 2017")
    monkeypatch.setattr(handwritten, "_read", lambda loaded, blank: _reading(*probabilities))
    monkeypatch.setattr(handwritten, "_line_readings", lambda loaded, blank, whole_line=False:
                        (SimpleNamespace(text=line),) * 3 if line else ())
    blank = Blank(field="day", span=(0, 0), before=(0, 0), after=(0, 0), read="")
    out = handwritten._day_from_handwriting(None, header, blank, {})
    assert (int(out.date[8:]) if out.date else None) == day


def test_digits_written_hard_against_the_printed_word(tmp_path):
    """`ngày10`, `Số:58`: the pen's digits touch the printed word before the blank and OCR reads them into it
    (`ngàyl0`, `SốS§8`); the blank is found from the printed letters' widths and read."""
    path = scan(tmp_path, "touching", dpi=300, handwritten="black", hand_touching=True, signature_box=True,
                signed="10/10/2025 16:02:02", seed=21)
    header = process_path(path).extraction.header
    assert header.date == "2025-10-10" and header.date_source == "handwriting"
    assert header.symbol in {"58/KH-UBND", "?/KH-UBND"}  # the number: read, or unknown, never another number


def test_a_blank_whose_digits_ocr_gave_to_the_printed_word(monkeypatch):
    """`ngày15` read as one word `ngày”` whose last letter's box runs over the pen's 15: the blank is where the
    printed letters' widths end, not after the word's box (a sliver no digit fits in)."""
    from types import SimpleNamespace

    from nlp.blanks import find_blanks
    from nlp.header import parse_header
    from pipeline import handwritten

    text = "Quảng Ngãi, ngày” tháng 4 năm 2020"
    spans, x = [], 1300
    for word in text.split():
        a = text.index(word, spans[-1][1] if spans else 0)
        width = 177 if word == "ngày”" else 25 * len(word)  # four letters and the pen's two digits
        spans.append((a, a + len(word), 1, (x, 387, x + width, 441)))
        x += width + 24
    loaded = SimpleNamespace(text=text, word_spans=spans)
    monkeypatch.setattr(handwritten, "_edges_from_characters", lambda loaded, blank, word, after: (
        word[1][2] + 1.0, None))  # Tesseract's character boxes: the "y" ends where the word's box does
    header = parse_header(text)
    blank = next(b for b in find_blanks(text, header) if b.field == "day")
    (left, _top, right, _bottom), _wide, height = handwritten.region(loaded, blank)
    ngay = spans[2][3]
    assert right - left >= height and left <= ngay[0] + 4 * 25 + 5


@pytest.mark.parametrize("name, probabilities, number", [
    ("11CT.pdf", ({4: 0.8, 1: 0.2}, {1: 0.99}), "11"),  # a flagged 1 read as 4: the name says 11, the ink allows it
    ("24_TTR.signed.pdf", ({2: 0.9}, {4: 0.55, 6: 0.45}), None),  # the name's type is not the letter's (CT)
    ("24_CT.signed.pdf", ({2: 0.9}, {4: 0.55, 6: 0.45}), "24"),
    ("11CT.pdf", ({7: 0.99}, {7: 0.99}), None),  # the ink says 77: the name does not overrule it
    ("scan_0012.pdf", ({4: 0.8, 1: 0.2}, {1: 0.99}), None),  # no type code in the name
    ("11CT_12CT.pdf", ({4: 0.8, 1: 0.2}, {1: 0.99}), None),  # two numbers: no evidence
    ("115CT.pdf", ({4: 0.8, 1: 0.2}, {1: 0.99}), None),  # three digits where two were written
])
def test_the_number_the_file_name_gives_when_the_ink_agrees(name, probabilities, number):
    import dataclasses
    from types import SimpleNamespace

    from nlp.header import parse_header
    from pipeline import handwritten

    header = dataclasses.replace(parse_header("Số:   /CT-UBND"), type_code="CT")
    got = handwritten._named_number(SimpleNamespace(name=name), header, _reading(*probabilities))
    assert got == number


def test_the_number_printed_elsewhere_is_an_annex_title_never_a_cited_decision_of_the_same_day():
    """`_printed_number`: `(Kèm theo Quyết định số 932/QĐ-TTg ngày 28/8/2025 …)` gives the unnumbered decision its
    number; `Căn cứ Quyết định số 929/QĐ-TTg ngày 28/8/2025` (the same type and day) does not."""
    from nlp.extract import extract
    from pipeline import handwritten

    head = ("THỦ TƯỚNG CHÍNH PHỦ\nSố:       /QĐ-TTg\nHà Nội, ngày 28 tháng 8 năm 2025\nQUYẾT ĐỊNH\n"
            "Về việc phê duyệt Đề án\n")
    cited = extract(head + "Căn cứ Quyết định số 929/QĐ-TTg ngày 28/8/2025 của Thủ tướng Chính phủ;\n")
    annex = extract(head + "Điều 1. Phê duyệt Đề án.\n\fĐỀ ÁN\n(Kèm theo Quyết định số 932/QĐ-TTg ngày 28/8/2025 "
                           "của Thủ tướng Chính phủ)\n")
    assert cited.header.symbol == annex.header.symbol == "?/QĐ-TTg"
    assert [r.symbol for r in cited.references] == ["929/QĐ-TTg"]
    assert handwritten._printed_number(cited.references, cited.header) is None
    assert handwritten._printed_number(annex.references, annex.header) == "932"
