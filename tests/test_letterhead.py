"""The issuing body from the letterhead (`nlp.letterhead`): the lowest body named is the issuer, a level line
qualifies the body above it, a body the issuer table does not hold is named as printed when its line opens with
the word of its kind. Letterheads written for the test, each beside a look-alike."""

import pytest

from nlp.header import parse_header


def issued(letterhead: str, number: str = "Số: 12/TB-ĐHAG") -> tuple[str | None, str | None]:
    header = parse_header(f"{letterhead}\n{number}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                          "Long Xuyên, ngày 05 tháng 10 năm 2016\nTHÔNG BÁO\nVề lịch làm việc\n")
    return header.issuer, header.issuer_parent


@pytest.mark.parametrize("letterhead, issuer, parent", [
    # a university under the province's Ủy ban: the university, not the Ủy ban
    ("UBND TỈNH AN GIANG\nTRƯỜNG ĐẠI HỌC AN GIANG", "Trường Đại học An Giang", "Ủy ban nhân dân tỉnh An Giang"),
    # under a ministry whose name its own shares, and a level line that qualifies the university
    ("BỘ CÔNG THƯƠNG\nTRƯỜNG ĐẠI HỌC CÔNG THƯƠNG\nTHÀNH PHỐ HỒ CHÍ MINH",
     "Trường Đại học Công Thương thành phố Hồ Chí Minh", "Bộ Công Thương"),
    # … its place garbled by OCR: spelt as the province table spells it
    ("BỘ CÔNG THƯƠNG\nTRƯỜNG ĐẠI HỌC CÔNG THƯƠNG\nTHÀNH PHÓ HỎ CHÍ MINH",
     "Trường Đại học Công Thương thành phố Hồ Chí Minh", "Bộ Công Thương"),
    # a long name on two lines, then the office that writes
    ("TRƯỜNG ĐẠI HỌC KINH TẾ\nVÀ QUẢN TRỊ KINH DOANH\nPHÒNG ĐÀO TẠO",
     "Phòng Đào Tạo Trường Đại học Kinh Tế và Quản Trị Kinh Doanh",
     "Trường Đại học Kinh Tế và Quản Trị Kinh Doanh"),
    ("SỞ Y TẾ ĐỒNG NAI\nBỆNH VIỆN ĐA KHOA THỐNG NHẤT", "Bệnh viện Đa Khoa Thống Nhất", None),
    ("TRƯỜNG ĐH SƯ PHẠM HÀ NỘI", "Trường Đại học Sư Phạm Hà Nội", None),  # `ĐH` abbreviated
    # the kind alone on its line, the name under it, the province garbled by OCR
    ("UBND THÀNH PHỐ CẦN THƠ\nTRƯỜNG ĐẠI HỌC\nKỸ THUẬT - CÔNG NGHỆ CÀN THƠ", "Trường Đại học Kỹ Thuật - Công Nghệ Cần Thơ",
     "Ủy ban nhân dân thành phố Cần Thơ"),
    ("ĐOÀN TNCS HỒ CHÍ MINH\nTRƯỜNG THPT CHU VĂN AN", "Trường THPT Chu Văn An", None),  # acronyms kept
    # a dash OCR ran into a word: the capital stays on the word's first letter
    ("TRƯỜNG ĐẠI HỌC KỸ THUẬT -CÔNG NGHỆ", "Trường Đại học Kỹ Thuật -Công Nghệ", None),
])
def test_a_body_the_table_does_not_hold_is_named_as_printed(letterhead, issuer, parent):
    got = issued(letterhead)
    assert got[0] == issuer and (parent is None or got[1] == parent)


@pytest.mark.parametrize("letterhead, issuer", [
    # a level line is no body of its own: `TỈNH PHÚ THỌ` is close to `Chính phủ` in letters only
    ("ỦY BAN NHÂN DÂN\nTỈNH PHÚ THỌ", "Ủy ban nhân dân tỉnh Phú Thọ"),
    ("UBND TỈNH QUẢNG NGÃI\nSỞ NỘI VỤ", "Sở Nội vụ tỉnh Quảng Ngãi"),  # a body the table holds: as it names it
    ("UBND TỈNH QUẢNG NGÃI\nVĂN PHÒNG", "Văn phòng Ủy ban nhân dân tỉnh Quảng Ngãi"),
    # a province printed without its level word is named with it, as running text names it
    ("SỞ Y TẾ KIÊN GIANG\nTHANH TRA", "Thanh tra Sở Y tế tỉnh Kiên Giang"),
    ("SỞ TƯ PHÁP HÀ NỘI", "Sở Tư pháp thành phố Hà Nội"),
    # OCR ran `UBND` into the level word, and read the rule under the line as dots
    ("UBNDTỈNH PHÚ THỌ..........\nSỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Sở Thông tin và Truyền thông tỉnh Phú Thọ"),
    # OCR ran the province's two words together: the province as the table spells it …
    ("UBND TỈNH BẾN TRE\nSỞ NỘI VỤ\nTỈNH BẾNTRE", "Sở Nội vụ tỉnh Bến Tre"),
    # … and a word that is no province run together stays as printed
    ("UBND TỈNH BẾN TRE\nSỞ NỘI VỤ\nPHÒNG HÀNHCHÍNH", "Phòng Hànhchính Sở Nội vụ"),
])
def test_bodies_the_table_holds_and_level_lines(letterhead, issuer):
    assert issued(letterhead, "Số: 12/TB-UBND")[0] == issuer


@pytest.mark.parametrize("letterhead, issuer, parent", [
    # a joint letter: a dash at a line's end or inside it joins two bodies, both its issuer
    ("LIÊN ĐOÀN LAO ĐỘNG -\nSỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH\nTỈNH AN GIANG",
     "Liên đoàn Lao động - Sở Văn hóa, Thể thao và Du lịch tỉnh An Giang", None),
    ("UBND TỈNH KIÊN GIANG\nSỞ Y TẾ -CÔNG ĐOÀN NGÀNH Y TẾ", "Sở Y tế - Công đoàn Ngành Y Tế tỉnh Kiên Giang",
     "Ủy ban nhân dân tỉnh Kiên Giang"),
    # look-alikes: a dash inside one body's name, at a line's end or inside it
    ("UBND THÀNH PHỐ CẦN THƠ\nTRƯỜNG ĐẠI HỌC KỸ THUẬT -\nCÔNG NGHỆ CẦN THƠ",
     "Trường Đại học Kỹ Thuật Công Nghệ Cần Thơ", "Ủy ban nhân dân thành phố Cần Thơ"),
    ("TRƯỜNG ĐẠI HỌC VIỆT - HÀN\nPHÒNG ĐÀO TẠO", "Phòng Đào Tạo Trường Đại học Việt - Hàn",
     "Trường Đại học Việt - Hàn"),
])
def test_a_joint_letter_names_both_bodies(letterhead, issuer, parent):
    assert issued(letterhead, "Số: 12/CTPH-LĐLĐ-SVHTTDL") == (issuer, parent)


@pytest.mark.parametrize("letterhead, issuer, parent", [
    # a Party committee's board is named after it
    ("TỈNH ỦY QUẢNG NGÃI\nBAN TUYÊN GIÁO", "Ban Tuyên Giáo Tỉnh ủy Quảng Ngãi", "Tỉnh ủy Quảng Ngãi"),
    # a body whose kind the table knows, its name printed after it on the line (and on the next)
    ("ĐẢNG BỘ TỈNH QUẢNG NGÃI\nHUYỆN ỦY SƠN TỊNH", "Huyện ủy Sơn Tịnh", None),
    ("ĐẢNG ỦY KHỐI CƠ QUAN\nTỈNH QUẢNG NGÃI", "Đảng ủy khối Cơ Quan tỉnh Quảng Ngãi", None),
    ("UBND TỈNH QUẢNG NGÃI\nBAN QUẢN LÝ DỰ ÁN\nĐẦU TƯ XÂY DỰNG", "Ban Quản lý Dự Án Đầu Tư Xây Dựng tỉnh Quảng Ngãi",
     "Ủy ban nhân dân tỉnh Quảng Ngãi"),
    # look-alikes: the bare unit of an Ủy ban is named after it; a board under an Ủy ban is no Party board
    ("UBND TỈNH QUẢNG NGÃI\nBAN QUẢN LÝ", "Ban Quản lý Ủy ban nhân dân tỉnh Quảng Ngãi",
     "Ủy ban nhân dân tỉnh Quảng Ngãi"),
    # the police: the level word once; `CÔNG AN` is no `Long An`; a Party committee of a body is one body
    ("UBND TỈNH QUẢNG NGÃI\nCÔNG AN TỈNH", "Công an tỉnh Quảng Ngãi", "Ủy ban nhân dân tỉnh Quảng Ngãi"),
    ("TỈNH ỦY QUẢNG NGÃI\nĐẢNG ỦY CÔNG AN TỈNH", "Đảng ủy Công An Tỉnh Quảng Ngãi", "Tỉnh ủy Quảng Ngãi"),
    ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI SỞ NỘI VỤ", "Sở Nội vụ tỉnh Quảng Ngãi", "Ủy ban nhân dân tỉnh Quảng Ngãi"),
    ("UBND TỈNH QUẢNG NGÃI\nBAN CHỈ ĐẠO", "Ban Chỉ đạo tỉnh Quảng Ngãi", "Ủy ban nhân dân tỉnh Quảng Ngãi"),
])
def test_party_boards_and_bodies_named_after_their_kind(letterhead, issuer, parent):
    assert issued(letterhead, "Số: 12-CV/BTGTU") == (issuer, parent)


def test_a_heading_the_table_matches_only_loosely_names_no_more_than_before():
    """`QUẢN LÝ NHÀ NƯỚC VỀ HẢI QUAN` (a chapter's title) is close to `Quận ủy` in letters only: what follows it is
    never taken for that body's name."""
    assert "Hải Quan" not in (issued("Chương VII\nQUẢN LÝ NHÀ NƯỚC VỀ HẢI QUAN")[0] or "")


def test_a_capitalised_line_of_no_kind_names_no_body():
    """A line in capitals that opens with no kind word and that the table does not know (a heading that crept
    above the number) names no body: the issuer stays the one above it."""
    assert issued("UBND TỈNH AN GIANG\nKHẨN") == ("Ủy ban nhân dân tỉnh An Giang", None)


def test_a_units_code_alone_names_no_issuer():
    """With no letterhead read, the symbol's code gives the issuer (`…/QĐ-TTg`: Thủ tướng Chính phủ), but not a
    unit's code: `…/TB-ĐT` is some body's Phòng Đào tạo (or Đầu tư), no body of its own."""
    assert issued("", "Số: 12/QĐ-TTg")[0] == "Thủ tướng Chính phủ"
    assert issued("", "Số: 277/TB-ĐT")[0] is None
