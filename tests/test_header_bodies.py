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
])
def test_a_blank_number_before_the_codes_of_other_bodies(line, symbol):
    assert parse_header(header(line, "TRƯỜNG ĐẠI HỌC")).symbol == symbol


@pytest.mark.parametrize("line", ["Số: 12 Phòng-Đào tạo", "Số: 4 ĐHKTCN-PĐT"])  # no type code after the digits
def test_no_blank_number_without_a_type_code(line):
    assert parse_header(header(line, "TRƯỜNG ĐẠI HỌC")).symbol is None
