"""Dates and identities of references that real letters of other bodies print (issue 21): a date before the number,
a date said once for a list, one symbol read with two dates, a decree cited with and without its year, a code with
a doubled letter. Each form beside a look-alike that must not change; sentences written for the test."""

import pytest

from nlp.extract import extract

HEAD = "BỘ TƯ PHÁP\nSố: 12/BTP-VP\nHà Nội, ngày 02 tháng 9 năm 2025\n"
PROVINCE = "UBND TỈNH AN GIANG\nSỞ NỘI VỤ\nSố: 12/SNV-VP\nAn Giang, ngày 02 tháng 9 năm 2025\n"


def refs(body: str, head: str = HEAD) -> list[tuple[str, str | None]]:
    return [(r.symbol, r.date) for r in extract(head + body).references]


@pytest.mark.parametrize("body, expected", [
    # the date of a clause that tells of the making, before the number
    ("Thực hiện chỉ đạo của Chính phủ, ngày 01/7/2025, Bộ Tư pháp đã có Công văn số 3917/BTP-BTTP gửi các bộ.",
     [("3917/BTP-BTTP", "2025-07-01")]),
    ("Ngày 22/11/2023, Thủ tướng Chính phủ phê duyệt Quy hoạch tại Quyết định số 1456/QĐ-TTg.",
     [("1456/QĐ-TTg", "2023-11-22")]),
    # a speck read as a full stop inside the type's name: no sentence opens in small letters
    ("Thực hiện chỉ đạo, ngày 13/3/2020, Bộ Giáo dục và Đào tạo đã ban hành Quyết. định số\n736/QĐ-BGDĐT điều "
     "chỉnh khung kế hoạch.", [("736/QĐ-BGDĐT", "2020-03-13")]),
    # a stray quote mark between the symbol and its date
    ('Nghị định số 71/2023/NĐ-CP "ngày 20 tháng 9 năm 2023 của Chính phủ.', [("71/2023/NĐ-CP", "2023-09-20")]),
    # look-alikes: a meeting's day, a basis of the act, another citation in between
    ("Hội nghị ngày 01/7/2025, theo Công văn số 3917/BTP-BTTP, đã thống nhất.", [("3917/BTP-BTTP", None)]),
    ("Ngày 05/3/2024, Sở ký hợp đồng theo Quyết định số 77/QĐ-UBND.", [("77/QĐ-UBND", None)]),
    ("Ngày 01/7/2025, Bộ đã có Công văn số 3917/BTP-BTTP và Công văn số 40/BTP-VP gửi các bộ.",
     [("3917/BTP-BTTP", "2025-07-01"), ("40/BTP-VP", None)]),
])
def test_a_date_before_the_number(body, expected):
    assert refs(body) == expected


@pytest.mark.parametrize("body, expected", [
    ("Căn cứ các Quyết định số: 1743/QĐ-BGTVT, 1744/QĐ-BGTVT ngày 31/12/2024 của Bộ Giao thông vận tải;",
     [("1743/QĐ-BGTVT", "2024-12-31"), ("1744/QĐ-BGTVT", "2024-12-31")]),
    ("Quyết định số 406/QĐ-UBND và số 407/QĐ-UBND cùng ngày 13/12/2024", [("406/QĐ-UBND", "2024-12-13"),
                                                                       ("407/QĐ-UBND", "2024-12-13")]),
    # look-alikes: a symbol whose own year is another, a type name said again, another type
    ("Căn cứ Nghị định số 15/2020/NĐ-CP, 14/2022/NĐ-CP ngày 27/01/2022 của Chính phủ;",
     [("15/2020/NĐ-CP", None), ("14/2022/NĐ-CP", "2022-01-27")]),
    ("Căn cứ Nghị định số 15/2020/NĐ-CP, Nghị định số 14/2022/NĐ-CP ngày 27/01/2022 của Chính phủ;",
     [("15/2020/NĐ-CP", None), ("14/2022/NĐ-CP", "2022-01-27")]),
    ("Căn cứ Quyết định số 12/QĐ-UBND, Kế hoạch số 13/KH-UBND ngày 27/01/2022 của UBND tỉnh;",
     [("12/QĐ-UBND", None), ("13/KH-UBND", "2022-01-27")]),
])
def test_a_date_said_once_for_a_list(body, expected):
    assert refs(body, PROVINCE) == expected


def test_one_symbol_read_with_two_dates_one_character_apart_is_one_document():
    body = ("Căn cứ Quyết định số 15/QĐ-UBND ngày 19/02/2021 của UBND tỉnh; theo Quyết định số 15/QĐ-UBND ngày "
            "12/02/2021, Sở đã thực hiện. Quyết định số 15/QĐ-UBND ngày 19/02/2021 quy định rõ.")
    (ref,) = extract(PROVINCE + body).references
    assert (ref.symbol, ref.date, ref.mentions) == ("15/QĐ-UBND", "2021-02-19", 3)


@pytest.mark.parametrize("body", [
    "Kế hoạch số 58/KH-UBND ngày 10/10/2024 và Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh.",  # two years
    "Kế hoạch số 58/KH-UBND ngày 24/01/2025 của UBND tỉnh Nghệ An và Kế hoạch số 58/KH-UBND ngày 14/01/2025 của "
    "UBND tỉnh Quảng Ngãi.",  # two provinces
])
def test_the_same_symbol_of_two_years_or_two_provinces_stays_two_documents(body):
    assert len(extract(PROVINCE + body).references) == 2


def test_a_decree_cited_with_and_without_its_year_is_one_decree():
    body = ("Căn cứ Nghị định số 63/2014/NĐ-CP ngày 26/6/2014 của Chính phủ; theo Nghị định 63/NĐ-CP ngày 26/06/2014 "
            "của Chính phủ.")
    assert refs(body, PROVINCE) == [("63/2014/NĐ-CP", "2014-06-26")]
    other_year = body.replace("ngày 26/06/2014", "ngày 26/06/2015")  # the look-alike: another year, another decree
    assert len(refs(other_year, PROVINCE)) == 2


@pytest.mark.parametrize("body, symbol", [
    ("Công văn số 3917/BTP-BTTP ngày 01/7/2025 của Bộ Tư pháp.", "3917/BTP-BTTP"),  # a code doubles T on purpose
    ("Quyết định số 1588/QĐĐ-TTg ngày 17/12/2024 của Thủ tướng Chính phủ.", "1588/QĐ-TTg"),  # Đ printed twice
    # a Đ beside OCR's eth (Ð) in a code no table knows: one Đ; Đảng đoàn's ĐĐ, which the table knows, stays
    ("Công văn số 1631/ĐHNN-KT&ĐÐBCLGD ngày 22/12/2021 của Trường.", "1631/ĐHNN-KT&ĐBCLGD"),
    ("Kế hoạch số 12-KH/ĐÐ ngày 02/3/2021 của Đảng đoàn.", "12-KH/ĐĐ"),
    ("Văn bản số 658§2/VPCP-KSTT, ngày 21/9/2011 của Văn phòng Chính phủ.", "6582/VPCP-KSTT"),  # a speck: no 2/…
])
def test_a_doubled_letter_is_a_code_unless_it_is_a_doubled_d(body, symbol):
    assert refs(body)[0][0] == symbol


def test_the_annex_title_naming_the_letter_with_a_misread_digit_is_the_letter_itself():
    head = "TRƯỜNG ĐẠI HỌC AN GIANG\nSố: 2442/QĐ-ĐHAG\nAn Giang, ngày 28 tháng 11 năm 2016\nQUYẾT ĐỊNH\nVề việc ban hành\n"
    text = head + ("Căn cứ Quyết định số 2441/QĐ-ĐHAG ngày 01/11/2016 của Hiệu trưởng;\n\fQUY ĐỊNH\n(Ban hành kèm theo "
                   "Quyết định số 4442/QĐ-ĐHAG ngày 28 tháng 11 năm 2016 của Hiệu trưởng)")
    extraction = extract(text)
    assert [r.symbol for r in extraction.references] == ["2441/QĐ-ĐHAG"]  # the cited one, one digit off, stays
    assert "4442/QĐ-ĐHAG" in [m.symbol for m in extraction.self_mentions]


def test_a_letter_dated_years_before_what_it_cites_is_left_undated():
    head = "TRƯỜNG ĐẠI HỌC SƯ PHẠM HÀ NỘI\nSố: 2760b/QĐ-ĐHSPHN\nHà Nội, ngày 11 tháng 10 năm {year}\nQUYẾT ĐỊNH\nVề việc\n"
    body = "Căn cứ Thông tư số 12/2016/TT-BGDĐT ngày 22/4/2016 của Bộ Giáo dục và Đào tạo;"
    assert extract(head.format(year=1951) + body).header.date is None  # a garbled layer's year
    assert extract(head.format(year=2017) + body).header.date == "2017-10-11"
    assert extract(head.format(year=2015) + body).header.date == "2015-10-11"  # within a year: a misread cited date


@pytest.mark.parametrize("body, expected", [
    ("Ngày 18/10/2017 Sở Y tế ban hành Công văn số 1945/SYT-NVY về việc báo cáo.", [("1945/SYT-NVY", "2017-10-18")]),
    ("Trước diễn biến của dịch, ngày\n25/3/2020 Bộ GDĐT đã ban hành Công văn số 1061/BGDĐT-GDTrH hướng dẫn dạy học.",
     [("1061/BGDĐT-GDTrH", "2020-03-25")]),
    # look-alikes: a deadline before the number, a date far from it
    ("Trước ngày 18/10/2017 các đơn vị báo cáo theo Công văn số 1945/SYT-NVY.", [("1945/SYT-NVY", None)]),
    ("Ngày 18/10/2017 Sở tổ chức hội nghị tổng kết công tác năm với sự tham dự của các đơn vị trực thuộc và ban "
     "hành Công văn số 1945/SYT-NVY.", [("1945/SYT-NVY", None)]),
])
def test_a_date_before_the_number_without_its_comma(body, expected):
    assert refs(body, PROVINCE) == expected


@pytest.mark.parametrize("body, expected", [
    ("Theo Báo cáo số 34/BC-CAT-PH]10 ngày 01/7/2025 của Công an tỉnh.", [("34/BC-CAT-PH10", "2025-07-01")]),
    ("Căn cứ Luật số 202/2025/QH1 5 ngày 01/7/2025;", [("202/2025/QH15", "2025-07-01")]),
    # look-alikes: a legislature that did not sit that year is no symbol; a bracket after the code is no speck in it
    ("Căn cứ Luật số 20/2013/QH1 5 ngày 01/7/2013;", []),
    ("Theo Công văn số 12/UBND-VP] ngày 01/7/2025.", [("12/UBND-VP", None)]),
    # an L whose foot OCR read as a comma; look-alike: a comma before a roman numeral stays a comma
    ("Thực hiện Công văn số 1189/SNV-I,ĐVL&TN ngày 12/5/2025 của Sở Nội vụ.", [("1189/SNV-LĐVL&TN", "2025-05-12")]),
    ("Thực hiện các Công văn số 1189/SNV-I,II ngày 12/5/2025.", [("1189/SNV-I", None)]),
    # a 1 read as l in a number OCR split with a space; look-alike: a word after số is no digit
    ("Thực hiện Công văn số 2l 05/UBND-NC ngày 12/5/2025 của UBND tỉnh.", [("2105/UBND-NC", "2025-05-12")]),
    ("Thực hiện Công văn số la 05/UBND-NC ngày 12/5/2025 của UBND tỉnh.", [("05/UBND-NC", "2025-05-12")]),
    # a code OCR cut short, the body it names printed after it: that body's code, and the date after it
    ("Căn cứ Quyết định số 70/2014/QĐ- TT ng ngày 10/12/2014 của Thủ tướng Chính phủ.",
     [("70/2014/QĐ-TTg", "2014-12-10")]),
    # look-alikes: an old code that the words after it do not spell on, a code no body named around it begins
    ("Căn cứ Quyết định số 12/QĐ-UB ngày 10/12/1999 của UBND tỉnh.", [("12/QĐ-UB", "1999-12-10")]),
    ("Căn cứ Quyết định số 70/2014/QĐ- TT ng ngày 10/12/2014 của Bộ Tài chính.", [("70/2014/QĐ-TT", None)]),
])
def test_specks_and_spaces_inside_codes(body, expected):
    assert refs(body, PROVINCE) == expected


def test_the_annex_title_is_the_letter_once_its_handwritten_number_is_read():
    """OCR read the pen's 2442 as 242 in the header and as 4442 in the annex's title: once the hand reader gives
    the header 2442, the annex title one digit off is the letter itself, not a document it cites."""
    from nlp.blanks import with_number
    from nlp.extract import with_header

    head = "TRƯỜNG ĐẠI HỌC AN GIANG\nSố: 242/QĐ-ĐHAG\nAn Giang, ngày 28 tháng 11 năm 2016\nQUYẾT ĐỊNH\nVề việc ban hành\n"
    text = head + ("Căn cứ Quyết định số 2441/QĐ-ĐHAG ngày 01/11/2016 của Hiệu trưởng;\n\fQUY ĐỊNH\n(Kèm theo "
                   "Quyết định số: 4442 /QĐ-ĐHAG, ngày 4Ÿ tháng 1] năm 2016 của Hiệu trưởng)")
    extraction = extract(text)
    assert "4442/QĐ-ĐHAG" in [r.symbol for r in extraction.references]  # 242 is not one digit off 4442
    fixed = with_header(extraction, with_number(extraction.header, "2442", "handwriting", 0.9))
    assert [r.symbol for r in fixed.references] == ["2441/QĐ-ĐHAG"]
    assert "4442/QĐ-ĐHAG" in [m.symbol for m in fixed.self_mentions]


@pytest.mark.parametrize("body, symbol", [
    # a code one letter off the type name printed before it, or off the body named around it: that name's code
    ("Theo đề nghị của Giám đốc Sở Công Thương tại Tờ trình số 01/TTY-SCT ngày 01/7/2025.", "01/TTr-SCT"),
    ("Xét đề nghị của Bộ trưởng Bộ Giao thông vận tải tại Tờ trình số 9628/TTr-\nBGTTT ngày 05/9/2024.",
     "9628/TTr-BGTVT"),
    # look-alikes: no body named, or a code the tables do not know one letter off a body not named
    ("Xét đề nghị tại Tờ trình số 9628/TTr-BGTTT ngày 05/9/2024.", "9628/TTr-BGTTT"),
    ("Căn cứ Công văn số 12/BVHTT ngày 05/9/2004 của Bộ Văn hóa - Thông tin.", "12/BVHTT"),
])
def test_a_code_read_towards_the_names_printed_around_it(body, symbol):
    assert refs(body)[0][0] == symbol


def test_a_local_symbol_whose_first_code_is_qh_is_not_the_quoc_hois():
    """`Mặt bằng số 26/QH-NĐ-UB` (quy hoạch, 1999): the Quốc hội numbers laws and resolutions (`20/2023/QH15`),
    never such a letter; and a known code (QH) is not read as the type name's code one letter off (QĐ)."""
    from nlp.references import find_mentions

    local = find_mentions("theo Mặt bằng số 26/QH-NĐ-UB ngày 12/3/1999 của Ủy ban")[0]
    assert local.symbol == "26/QH-NĐ-UB" and local.issuer != "Quốc hội"
    decision = find_mentions("Căn cứ Quyết định số 26/QH-NĐ-UB ngày 12/3/1999")[0]
    assert decision.symbol == "26/QH-NĐ-UB" and decision.issuer != "Quốc hội"
    law = find_mentions("Căn cứ Luật số 20/2023/QH15 ngày 12/6/2023")[0]
    assert law.issuer == "Quốc hội"


@pytest.mark.parametrize("body, expected", [
    # the old numbering of a type alone, after that type's name and "số"
    ("Căn cứ Nghị định số 276/NĐ, ngày 11/10/1951 của Bộ Quốc gia Giáo dục.", [("276/NĐ", "1951-10-11")]),
    # look-alikes: another type's name, no "số"
    ("Căn cứ Công văn số 12/QĐ ngày 11/10/1991.", []),
    ("Căn cứ Nghị định 276/NĐ ngày 11/10/1951.", []),
    # Cyrillic capitals for Latin ones in a code (С, Р): read as the Latin, the text's own characters kept
    ("Căn cứ Nghị quyết số 66/NQ-СР ngày 26/3/2025 của Chính phủ.", [("66/NQ-CP", "2025-03-26")]),
])
def test_old_numbering_and_cyrillic_look_alikes(body, expected):
    assert refs(body) == expected


def test_one_document_read_with_a_digit_lost_in_one_mention_is_one_document():
    """`1 7I-QĐ/UBKTTW` (repaired to 171) and `1711-QĐ/UBKTTW` of one day: a body does not sign both a 171 and a
    1711 on one day; the reading made without repairs stands and the other is kept as its variant."""
    body = ("Căn cứ Quyết định số 1 7I-QĐ/UBKTTW ngày 17 tháng 9 năm 2024 của Ủy ban Kiểm tra Trung ương;\n"
            "Điều 1. Kể từ ngày công bố Quyết định số 1711-QĐ/UBKTTW ngày 17 tháng 9 năm 2024 của Ủy ban Kiểm tra "
            "Trung ương.")
    (ref,) = extract(HEAD + body).references
    assert (ref.symbol, ref.number, ref.mentions, ref.variants) == ("1711-QĐ/UBKTTW", "1711", 2, ("171-QĐ/UBKTTW",))


@pytest.mark.parametrize("body", [
    "Quyết định số 86/QĐ-UBND ngày 16/01/2025 và Quyết định số 87/QĐ-UBND ngày 16/01/2025.",  # one digit changed
    "Quyết định số 171/QĐ-UBND ngày 16/01/2025 và Quyết định số 1711/QĐ-UBND ngày 16/02/2025.",  # another day
    "Quyết định số 171/QĐ-UBND ngày 16/01/2025 và Quyết định số 1711/QĐ-SNV ngày 16/01/2025.",  # another body
])
def test_numbers_that_two_documents_can_have_stay_two_documents(body):
    assert len(extract(PROVINCE + body).references) == 2


@pytest.mark.parametrize("body, symbol, variant", [
    # one law under its name, its number read two ways: the reading the law table gives that name stands
    ("Luật Cán bộ, công chức số 80/2025/QH15; theo Luật Cán bộ, công chức số 86/2025/QH15.", "80/2025/QH15",
     "86/2025/QH15"),
    # neither has that name in the table: the one the table holds
    ("khoản 4 Luật Cán bộ, công chức số 82/2025/QH15, và tại Luật Cán bộ, công chức số 89/2025/QH15.",
     "89/2025/QH15", "82/2025/QH15"),
])
def test_one_law_named_twice_with_its_number_read_two_ways_is_one_law(body, symbol, variant):
    (ref,) = extract(PROVINCE + body).references
    assert (ref.symbol, ref.mentions, ref.variants) == (symbol, 2, (variant,))


@pytest.mark.parametrize("body", [
    "Luật Ngân sách nhà nước số 89/2025/QH15 và Luật Cán bộ, công chức số 80/2025/QH15.",  # two names
    "Luật Đất đai số 31/2024/QH15 và Luật Đất đai số 45/2013/QH13.",  # two years: two versions
    "Luật Cán bộ, công chức số 80/2025/QH15 và Luật Cán bộ, công chức số 180/2025/QH15.",  # a digit more: not one
])
def test_laws_that_differ_stay_apart(body):
    assert len(extract(PROVINCE + body).references) == 2


def test_a_district_office_code_is_not_taken_for_the_provincial_department_named_nearby():
    """`Tờ trình số 45/TTr-PNV` of the district's Phòng Nội vụ, in a decision that also cites the provincial Sở Nội
    vụ (`215/SNV-TCBM … của Sở Nội vụ`): PNV is a code the tables know, not SNV misread."""
    text = ("CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG\nCăn cứ Công văn số 318/SNV-TCBM ngày 20 tháng 3 năm 2012 của Sở "
            "Nội vụ về việc thỏa thuận bổ nhiệm;\nXét đề nghị của Trưởng phòng Nội vụ huyện tại Tờ trình số 47/TTr-PNV "
            "ngày 02\ntháng 5 năm 2012,\nQUYẾT ĐỊNH:\n")
    assert [r.symbol for r in extract(text).references] == ["318/SNV-TCBM", "47/TTr-PNV"]
