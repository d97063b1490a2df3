"""The header's handwritten blanks in the text (nlp.blanks) and the header completed from them."""

import datetime as dt

import pytest

from nlp.blanks import find_blanks, numeric, plausible_day, with_day, with_number
from nlp.extract import extract
from nlp.header import parse_header

HEAD = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n{so}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Quảng Ngãi, {date}\nQUYẾT ĐỊNH\nVề việc phê duyệt kế hoạch\n")


@pytest.mark.parametrize("so, read", [("Số: #4 /QĐĐ-UBND", "#4"), ("Số: ố†T /QĐ-UBND", "ố†T"),
                                      ("Số:      /QĐ-UBND", ""), ("Số: 84 /QĐ-UBND", "84"),
                                      ("Số:   /2020/NĐ-CP", ""),
                                      ("Số:\n/QĐ-UBND", "")])  # OCR broke the line at the empty blank
def test_the_number_blank_and_what_ocr_left_in_it(so, read):
    text = HEAD.format(so=so, date="ngày 05 tháng 02 năm 2025")
    header = parse_header(text)
    assert header.symbol_span is not None
    blank = next(b for b in find_blanks(text, header) if b.field == "number")
    assert blank.read == read
    assert text[blank.before[0] : blank.before[1]].startswith("Số")
    assert text[blank.after[0] : blank.after[1]].lstrip().startswith("/")


@pytest.mark.parametrize("so, read, after", [("Số: /#⁄7/UBND- KSTT", "/#⁄7", "/UBND"),
                                             ("Sốz3/%1QĐ-UBND", "z3/%1", "QĐ-"), ("Số: 4ĐQĐ-UBND", "4Đ", "QĐ-")])
def test_a_number_blank_whose_junk_holds_a_slash_or_runs_into_the_type_code(so, read, after):
    """OCR's reading of the pen's digits may hold a slash (`/#⁄7/`) or cover the printed one (`4ĐQĐ-`): the blank
    is what stands before the codes, or before the letter's type code glued to it."""
    text = HEAD.format(so=so, date="ngày 05 tháng 02 năm 2025")
    header = parse_header(text)
    blank = next(b for b in find_blanks(text, header) if b.field == "number")
    assert (blank.read, text[blank.after[0] : blank.after[1]].lstrip()[: len(after)]) == (read, after)


@pytest.mark.parametrize("date, day, month", [("ngày 0` tháng 02 năm 2025", "0`", "02"),
                                              ("ngày      tháng 02 năm 2025", "", "02"),
                                              ("ngày 2# tháng ? năm 2021", "2#", "?"),
                                              # the pen's digits ran into the t of tháng, read as a bracket
                                              ("ngàyO(hángQ2 năm 2024", "O(", "Q2"),
                                              ("ngày1 [háng 7} năm 2023", "1 [", "7}")])
def test_the_day_and_month_blanks(date, day, month):
    text = HEAD.format(so="Số: 84/QĐ-UBND", date=date)
    header = parse_header(text)
    assert header.date is None and header.date_partial is not None and header.date_partial.startswith("20")
    blanks = {b.field: b for b in find_blanks(text, header)}
    assert blanks["day"].read == day and blanks["month"].read == month


def test_a_word_ending_in_hang_is_no_month_word():
    """Only a `hang` standing alone (its t lost into the pen's digits) is `tháng`: `khang` is another word."""
    text = HEAD.format(so="Số: 84/QĐ-UBND", date="ngày 1 khang 2 năm 2025")
    assert parse_header(text).date_partial is None


def test_a_garbled_handwritten_number_is_no_reference_of_the_letter():
    """OCR's `#4 /QĐĐ-UBND` in the letter's own Số line used to leak out as a reference 4/QĐ-UBND."""
    text = HEAD.format(so="Số: #4 /QĐĐ-UBND", date="ngày 0` tháng 02 năm 2025") + \
        "Căn cứ Quyết định số 1466/QĐ-UBND ngày 29/12/2023 của UBND tỉnh;\n"
    extraction = extract(text)
    assert extraction.header.symbol == "?/QĐ-UBND"
    assert [r.symbol for r in extraction.references] == ["1466/QĐ-UBND"]


def test_a_party_number_blank():
    text = "TỈNH ỦY QUẢNG NGÃI\nSố     -TB/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nQuảng Ngãi, ngày 07 tháng 02 năm 2025\nTHÔNG BÁO\n"
    header = parse_header(text)
    assert header.symbol == "?-TB/TU"


def test_filling_in():
    header = parse_header(HEAD.format(so="Số:      /QĐ-UBND", date="ngày      tháng 02 năm 2025"))
    filled = with_number(header, "84", "handwriting", 0.97)
    assert filled.symbol == "84/QĐ-UBND" and filled.number == "84" and filled.number_source == "handwriting"
    assert with_number(filled, "87", "handwriting", 0.9).symbol == "87/QĐ-UBND"  # a misread number replaced
    dated = with_day(header, 3, "handwriting", 0.9)
    assert dated.date == "2025-02-03" and dated.date_source == "handwriting" and dated.date_confidence == 0.9
    assert numeric(" 84 ") == "84" and numeric("#4") is None and numeric("") is None


def test_a_day_must_fit_the_signature_and_publication_dates():
    signed = [dt.date(2025, 2, 6), dt.date(2025, 2, 7)]
    assert plausible_day(5, 2, 2025, signed)  # the day before it was signed
    assert plausible_day(6, 2, 2025, signed)  # the same day
    assert not plausible_day(9, 2, 2025, signed)  # after it was signed: a misreading
    assert not plausible_day(31, 2, 2025, signed)  # no such day
    assert not plausible_day(5, 10, 2024, signed)  # months before: not this letter's
    assert plausible_day(20, 1, 2025, [])  # nothing to check against


def test_a_line_break_is_a_number_blank_only_between_the_label_and_the_code():
    """`Số:⏎/QĐ-UBND`: the label and the code on two lines of OCR's text, the blank between them; not a label
    whose next line is another line of the letterhead."""
    text = HEAD.format(so="Số:\nV/v kế hoạch", date="ngày 05 tháng 02 năm 2025")
    assert not [b for b in find_blanks(text, parse_header(text)) if b.field == "number"]
