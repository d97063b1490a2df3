"""The letter's own số/ký hiệu as other bodies print it (issue 21): a unit's code with lower-case letters (`TTra`,
Thanh tra), a university's one-code công văn (`38/ĐHNN`), a label read with a semicolon (`Số;`), a unit code in
brackets, a ministry's department. Each beside a look-alike that must not be taken; headers written for the test."""

import pytest

from nlp.header import parse_header


def header(number_line: str, issuer: str = "SỞ Y TẾ KIÊN GIANG\nTHANH TRA") -> str:
    return (f"{issuer}\n{number_line}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Kiên Giang, ngày 28 tháng 8 năm 2017\nKẾ HOẠCH\nThanh tra hoạt động chuyên môn\n")


@pytest.mark.parametrize("line, symbol", [
    ("Số: 09/KH-TTra", "09/KH-TTra"),
    ("Số; 2030/SYT-NVY", "2030/SYT-NVY"),
    ("Số: 38/ĐHNN", "38/ĐHNN"),
    ("Số: 511/TTr-CAT(PC04)", "511/TTr-CAT(PC04)"),
    ("Số: 2388/C04-P6", "2388/C04-P6"),
    ("Số: 2760b/QĐ-ĐHSPHN", "2760b/QĐ-ĐHSPHN"),
    ("Số: 154/CTPH-LĐLĐ-SVH,TT,DL", "154/CTPH-LĐLĐ-SVH,TT,DL"),  # joint codes, commas without a space
    ("Số:£5 4 /CTPH-LĐLĐ-SVH,TT,DL", "?/CTPH-LĐLĐ-SVH,TT,DL"),  # … under a handwritten number
    ("Số: 15/UBND-VX, ngày 3", "15/UBND-VX"),  # a comma and a space end the symbol
    ("Số: 2020/SAVN-LAB/GA/24", "2020/SAVN-LAB/GA/24"),  # a contract's number: more segments after slashes
])
def test_the_own_symbol_of_other_bodies(line, symbol):
    assert parse_header(header(line)).symbol == symbol


@pytest.mark.parametrize("line", [
    "Số: 09/KH-Thanh tra",  # a word is no code
    "Hội nghị số 3 năm 2017",  # a meeting's number, no symbol
])
def test_look_alikes_are_no_symbol(line):
    assert parse_header(header(line)).symbol is None


@pytest.mark.parametrize("line, symbol", [
    ("Số: 4ĐTB-ĐHKTCN", "?/TB-ĐHKTCN"),  # the pen's 430 ran over the slash
    ("Số: 3Ÿ_ /ĐHNN", "?/ĐHNN"),  # a university's one-code number, its digits garbled
    ("Số:     /TB-ĐHKTCN", "?/TB-ĐHKTCN"),
    ("Số: /#⁄7/UBND- KSTT", "?/UBND-KSTT"),  # the pen's digits read as junk holding a slash
    ("Sốz3/%1TB-ĐHVH", "?/TB-ĐHVH"),  # … and running into the type code
    ("số: (QD-BNV", "?/QĐ-BNV"),  # a phone photo: the label in small letters, QĐ without its bar
])
def test_a_blank_number_before_the_codes_of_other_bodies(line, symbol):
    assert parse_header(header(line, "TRƯỜNG ĐẠI HỌC")).symbol == symbol


@pytest.mark.parametrize("line", [
    "Số: 12 Phòng-Đào tạo", "Số: 4 ĐHKTCN-PĐT",  # no type code after the digits
    "Số: 1/2 và các/UBND-VX",  # words in the junk
    "số 12 QĐ-UBND",  # no colon after a small-letter label: a wrapped citation
    "Số: /#⁄7/UBND-KSTT ngày 12 tháng 3",  # more after the code on its line
])
def test_no_blank_number_without_a_type_code(line):
    assert parse_header(header(line, "TRƯỜNG ĐẠI HỌC")).symbol is None


@pytest.mark.parametrize("date_line, date, partial", [
    ("Hà Nội ngày 14 tháng 12 năm 2021", "2021-12-14", None),  # no comma after a province's name
    ("Kiên Giang, ngày 18 tháng 5Š năm 2017", "2017-05-18", None),  # a speck after a month 2–9
    ("Kiên Giang, ngày 03 tháng 0Š năm 2017", None, "2017"),  # 08? a speck after a 0 (or 1) leaves it unknown
    ("Hội nghị ngày 14 tháng 12 năm 2021", None, None),  # no place, no comma: not the letter's date
    ("Đà Nẵng, ngày ^3⁄4 tháng4{ năm 2022", None, "2022"),  # the day garbled too: the month was the pen's, unread
])
def test_the_letters_date_line_as_other_bodies_print_it(date_line, date, partial):
    text = f"BỘ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 4659/QĐ-BGDĐT\n{date_line}\nQUYẾT ĐỊNH\nBan hành Kế hoạch\n"
    found = parse_header(text)
    assert (found.date, found.date_partial if not found.date else None) == (date, partial)


def test_a_citations_date_with_a_comma_before_it_is_not_the_letters_date():
    text = ("SỞ Y TẾ KIÊN GIANG\nSố: 11/SYT-GAVI\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nKiên Giang, ngày 03 tháng 0Š năm "
            "2017\nKính gửi: Các Trung tâm Y tế\nCăn cứ Quyết định số 596/QĐ-UBND, ngày 16/3/2017 của UBND tỉnh.\n")
    assert parse_header(text).date is None


def test_the_place_and_date_line_wins_over_a_dated_citation_above_it_in_the_text():
    """Two header columns read one after the other: a citation's `…, ngày 04/04/2017` comes first in the text,
    the place-and-date line (`Hà Nội, ngày 18 tháng 5 năm 2017`) after it; the line with a province's name is the
    letter's."""
    text = ("TRƯỜNG ĐẠI HỌC SƯ PHẠM HÀ NỘI\nSố: 2760/QĐ-ĐHSPHN\nTheo Thông tư 08/2017/TT- BGDĐT,\nngày 04/04/2017\n"
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHà Nội, ngày 18 tháng 5 năm 2017\nQUYẾT ĐỊNH\n")
    found = parse_header(text)
    assert (found.date, found.place) == ("2017-05-18", "Hà Nội")
