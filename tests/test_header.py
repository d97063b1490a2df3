import json

import pytest

from nlp.header import parse_header
from pipeline.process import prepare

from .conftest import ROOT


def test_sample_header(sample_text):
    h = parse_header(sample_text)
    assert (h.symbol, h.number, h.type, h.date, h.place) == (
        "819/SKHCN-BCVT&CĐS", "819", "Công văn", "2026-03-04", "Quảng Ngãi")
    assert h.issuer == "Sở Khoa học và Công nghệ"
    assert h.subject.startswith("day manh cong tac")
    assert len(h.recipients) == 4
    assert h.signer_authority.startswith("KT.")


HANDWRITTEN = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số:      /QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Ngãi, ngày      tháng 02 năm 2025

QUYẾT ĐỊNH
Về việc phê duyệt Kế hoạch chuyển đổi số năm 2025

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
"""


def test_handwritten_number_and_day_are_unknown_not_guessed():
    h = parse_header(HANDWRITTEN)
    assert h.symbol == "?/QĐ-UBND" and h.number is None
    assert h.type == "Quyết định"
    assert h.date is None and h.date_partial == "2025-02"
    assert h.issuer == "Ủy ban nhân dân tỉnh Quảng Ngãi"


def test_signature_time_is_better_evidence_than_a_partial_date():
    h = parse_header(HANDWRITTEN + "\nKý bởi: Ủy ban nhân dân tỉnh Quảng Ngãi\nThời gian ký: 03/02/2025 10:47:25\n")
    assert (h.date, h.date_partial, h.date_source) == ("2025-02-03", "2025-02", "signature")


PARTY = """ĐẢNG CỘNG SẢN VIỆT NAM
TỈNH ỦY QUẢNG NGÃI
*
Số 368-KH/TU
Quảng Ngãi, ngày 24 tháng 5 năm 2025

KẾ HOẠCH
thực hiện Phong trào “Bình dân học vụ số”

Thực hiện Kế hoạch số 01-KH/BCĐTW ngày 10/3/2025 của Ban Chỉ đạo Trung ương ...
"""


def test_party_header():
    h = parse_header(PARTY)
    assert (h.symbol, h.type, h.date, h.issuer) == ("368-KH/TU", "Kế hoạch", "2025-05-24", "Tỉnh ủy Quảng Ngãi")
    assert h.subject.startswith("thực hiện Phong trào")


def test_a_sentence_is_not_a_header():
    h = parse_header("Thực hiện Công văn số 7012/BTC-NSNN ngày 05/6/2025 của Bộ Tài chính.")
    assert h.symbol is None


ANNOTATIONS = json.loads((ROOT / "corpus" / "annotations.json").read_text(encoding="utf-8"))


def _corpus_path(name: str):
    path = ROOT / "corpus" / "letters" / name
    return path if path.exists() else ROOT / "corpus" / name


@pytest.mark.parametrize("name", sorted(ANNOTATIONS))
def test_corpus_headers_and_references(name):
    from nlp.extract import extract

    truth = ANNOTATIONS[name]
    result = extract(prepare(_corpus_path(name).read_text(encoding="utf-8")))
    h = result.header
    assert (h.symbol, h.type, h.date, h.place) == (truth["symbol"], truth["type"], truth["date"], truth["place"])
    assert {(r.symbol, r.date) for r in result.references} == {(r["symbol"], r["date"]) for r in truth["references"]}


LAW = ("QUỐC HỘI\n{label}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
       "Hà Nội, ngày 20 tháng 11 năm 2019\n{heading}\nCăn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;\n")


@pytest.mark.parametrize("label, heading, symbol, kind, title", [
    ("Luật số: 45/2019/QH14", "BỘ LUẬT\nLAO ĐỘNG", "45/2019/QH14", "Bộ luật", "Bộ luật Lao động"),
    ("Luật số: 31/2024/QH15", "LUẬT\nĐẤT ĐAI", "31/2024/QH15", "Luật", "Luật Đất đai"),
    ("Pháp lệnh số: 02/2022/UBTVQH15", "PHÁP LỆNH\nCHI PHÍ TỐ TỤNG", "02/2022/UBTVQH15", "Pháp lệnh",
     "Pháp lệnh Chi phí tố tụng"),
    ("Nghị quyết số: 111/2024/QH15", "NGHỊ QUYẾT\nVề một số cơ chế đặc thù", "111/2024/QH15", "Nghị quyết",
     "Về một số cơ chế đặc thù"),
])
def test_a_law_header_is_its_identity(label, heading, symbol, kind, title):
    header = parse_header(LAW.format(label=label, heading=heading))
    assert (header.symbol, header.type, header.date, header.issuer) == (symbol, kind, "2019-11-20", "Quốc hội")
    assert header.subject == title


def test_a_resolution_cited_at_a_line_start_is_no_header():
    header = parse_header("HỘI ĐỒNG NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 12/NQ-HĐND\nQuảng Ngãi, ngày 05 tháng 7 năm 2025\n"
                          "NGHỊ QUYẾT\nVề việc\nNghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;\n")
    assert header.symbol == "12/NQ-HĐND"


# The trích yếu ends where the title ends (issue 22): each form beside a look-alike.

_TOP = ("BỘ TÀI CHÍNH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 63/2026/TT-BTC\n"
        "Hà Nội, ngày 05 tháng 6 năm 2026\nTHÔNG TƯ\n")


@pytest.mark.parametrize("body,subject", [
    # the body's Điều 1 right under the title
    ("Quy định nội dung và mức chi hoạt động thi kỹ năng nghề\nĐiều 1. Phạm vi điều chỉnh\nThông tư này quy định",
     "Quy định nội dung và mức chi hoạt động thi kỹ năng nghề"),
    # a title carried on a second line (lower case), then the promulgation sentence
    ("Quy định về quản lý tài sản\nkết cấu hạ tầng đường bộ\nBộ trưởng Bộ Tài chính ban hành Thông tư quy định về "
     "quản lý tài sản kết cấu hạ tầng đường bộ.\nĐiều 1.",
     "Quy định về quản lý tài sản kết cấu hạ tầng đường bộ"),
    # a line ending on "của" carries on to a capitalised name
    ("Quy định về truy xuất nguồn gốc hàng hóa thuộc phạm vi quản lý của\nBộ Công Thương\nChương I\nQUY ĐỊNH CHUNG",
     "Quy định về truy xuất nguồn gốc hàng hóa thuộc phạm vi quản lý của Bộ Công Thương"),
    # a "VĂN BẢN" marker and a sentence after the title
    ("Sửa đổi một số điều của Nghị định số 72/2025/NĐ-CP về giá bán lẻ điện\nVĂN BẢN\nChính phủ ban hành Nghị định.",
     "Sửa đổi một số điều của Nghị định số 72/2025/NĐ-CP về giá bán lẻ điện"),
    # an upper-case title on two lines, then the authority line
    ("VỀ VIỆC CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH\nLĨNH VỰC TƯ PHÁP\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\nCăn cứ Luật",
     "VỀ VIỆC CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH LĨNH VỰC TƯ PHÁP"),
    # no title printed: the heading is followed by Căn cứ (nothing to read, not the Căn cứ line)
    ("- Căn cứ Quyết định số 246-QĐ/TW ngày 24/01/2025 của Bộ Chính trị;\n", None),
    # the letterhead repeated under the heading, then only the promulgation sentence: its own words name it
    ("NGÂN HÀNG NHÀ NƯỚC VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 19/2026/TT-NHNN\nHà Nội, ngày 19 tháng 5 năm "
     "2026\nThống đốc Ngân hàng Nhà nước Việt Nam ban hành Thông tư quy định về phân cấp trong thực hiện thủ tục "
     "hành chính trong lĩnh vực ngân hàng, ngoại hối và tín dụng của các tổ chức tín dụng trên toàn quốc năm 2026.\n"
     "Điều 1. Phạm vi",
     "Quy định về phân cấp trong thực hiện thủ tục hành chính trong lĩnh vực ngân hàng, ngoại hối và tín dụng của "
     "các tổ chức tín dụng trên toàn quốc năm 2026"),
])
def test_the_subject_ends_where_the_title_ends(body, subject):
    assert parse_header(_TOP + body).subject == subject


def test_number_and_place_date_broken_over_lines():
    text = ("ỦY BAN NHÂN DÂN\nTỈNH VĨNH LONG\nSố:\n2682/QĐ-UBND\nVĩnh Long,\nngày 20 tháng 11 năm 2025\n"
            "QUYẾT ĐỊNH\nVề việc công bố thủ tục hành chính\n")
    header = parse_header(text)
    assert (header.symbol, header.date, header.place) == ("2682/QĐ-UBND", "2025-11-20", "Vĩnh Long")
    # look-alike: a date in a sentence after a comma on the line before is not the letter's place and date
    body = ("ỦY BAN NHÂN DÂN\nTỈNH VĨNH LONG\nSố: 2682/QĐ-UBND\nVĩnh Long, ngày 20 tháng 11 năm 2025\n"
            "QUYẾT ĐỊNH\nVề việc công bố\nCăn cứ Luật Tổ chức chính quyền địa phương,\nngày 16 tháng 6 năm 2025;\n")
    assert parse_header(body).date == "2025-11-20"


def test_a_vv_subject_stops_at_the_other_columns_motto_and_date():
    text = ("UBND TỈNH QUẢNG NGÃI\nSỞ KHOA HỌC VÀ CÔNG NGHỆ\nSố: 415/SKHCN-VP\nV/v triển khai chuyển đổi số\n"
            "năm 2026\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Quảng Ngãi, ngày 04 tháng 3 năm 2026\nKính gửi: Các phòng\n")
    assert parse_header(text).subject == "triển khai chuyển đổi số năm 2026"
    # look-alike: a subject line that names the republic's motto words inside it goes on
    text = text.replace("năm 2026\nCỘNG", "năm 2026 của các đơn vị\nCỘNG")
    assert parse_header(text).subject == "triển khai chuyển đổi số năm 2026 của các đơn vị"


def test_a_contract_keeps_its_kind_and_has_no_place_today():
    text = ("CÔNG TY TNHH SAVN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHỢP ĐỒNG MUA BÁN\n"
            "Số: 2020/SAVN-LAB\nHôm nay, ngày 12 tháng 3 năm 2020, tại Hà Nội, chúng tôi gồm:\n")
    header = parse_header(text)
    assert (header.type, header.date, header.place) == ("Hợp đồng", "2020-03-12", None)
    # look-alike: a letter with the same number shape and a real place stays a Công văn with its place
    letter = ("CÔNG TY TNHH SAVN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
              "Số: 2020/SAVN-LAB\nHà Nội, ngày 12 tháng 3 năm 2020\nV/v giao hàng\nKính gửi: Công ty A\n")
    header = parse_header(letter)
    assert (header.type, header.place) == ("Công văn", "Hà Nội")


@pytest.mark.parametrize("label", ["Vv", "Vy"])
def test_a_subject_printed_vv_or_its_slash_lost(label):
    """`Vv phúc khảo …` as a university prints it, or `V/v` whose slash OCR lost (`Vy`): the subject; a line of the
    body that opens with the name Vy is none."""
    text = (f"TRƯỜNG ĐẠI HỌC NGOẠI NGỮ\nSố: 38/ĐHNN\n{label} phúc khảo kết quả kỳ thi\nchuẩn đầu ra cho sinh viên\n\n"
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nĐà Nẵng, ngày 07 tháng 01 năm 2022\n\n"
            "Kính gửi: Các cơ sở giáo dục.\n")
    assert parse_header(text).subject == "phúc khảo kết quả kỳ thi chuẩn đầu ra cho sinh viên"
    body = text.replace(f"{label} phúc khảo kết quả kỳ thi\nchuẩn đầu ra cho sinh viên\n", "") + "Vy đã nộp hồ sơ.\n"
    assert parse_header(body).subject is None


@pytest.mark.parametrize("printed, subject", [
    ("và việc ban hành Quy định", "Về việc ban hành Quy định"),  # the restorer's `và` for a garbled `Vẻ`
    ("'Và công tác văn thư", "Về công tác văn thư"),  # no subject opens with `và`
    (",Vêviệc triển khai thực hiện", "Về việc triển khai thực hiện"),
    ("è việc thi hành kỷ luật", "Về việc thi hành kỷ luật"),
    # look-alikes that stay: words of their own
    ("Vẽ tranh cổ động", "Vẽ tranh cổ động"), ("Vê sinh môi trường", "Vê sinh môi trường"),
    ("Vàng bạc đá quý", "Vàng bạc đá quý"), ("Về việc tăng cường", "Về việc tăng cường"),
])
def test_a_subjects_opening_ve_as_ocr_garbled_it(printed, subject):
    text = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 12/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            f"Độc lập - Tự do - Hạnh phúc\nQuảng Ngãi, ngày 05 tháng 02 năm 2025\nQUYẾT ĐỊNH\n{printed}\n\n"
            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\nCăn cứ Luật Tổ chức chính quyền địa phương;\n")
    assert parse_header(text).subject == subject


def test_a_letter_that_prints_ve_viec_in_full_under_its_number():
    """An older letter prints `Về việc …` in full where others print `V/v`: with no V/v and no type heading, that
    line is the subject; a body line after `Kính gửi` that opens `Về việc` is none."""
    head = ("ỦY BAN NHÂN DÂN\nTỈNH PHÚ THỌ\nSố: 4532/UBND-KSTTHC\n{line}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nPhú Thọ, ngày 07 tháng 12 năm 2011\n\nKính gửi: Các sở, ban, ngành.\n{body}")
    text = head.format(line="VỀ việc xây dựng kế hoạch rà\nsoát quy định, thủ tục hành chính.\n", body="")
    assert parse_header(text).subject == "Về việc xây dựng kế hoạch rà soát quy định, thủ tục hành chính"
    assert parse_header(head.format(line="", body="Về việc này, Sở Nội vụ báo cáo.\n")).subject is None


def test_ocr_noise_where_a_title_was_is_no_subject():
    """A title OCR could not read leaves specks (`À .^A r`): no subject, rather than that; a subject of one short
    word is still one."""
    assert parse_header("QUYẾT ĐỊNH\nÀ .^A r\nĐiều 1. Ban hành kèm theo Quyết định này").subject is None
    assert parse_header("Số: 5/UBND-VP\nV/v Lũ\nKính gửi: các sở, ban, ngành").subject == "Lũ"
    # specks above a title that was read: passed over, the title is the subject
    assert parse_header("QUYẾT ĐỊNH\n\nÀ .^A r\n.ˆA Ấ\nVề việc bổ nhiệm vào ngạch Thanh tra viên\nđối với ông Võ Văn "
                        "Dương\n\nCăn cứ Luật Thanh tra;").subject == \
        "Về việc bổ nhiệm vào ngạch Thanh tra viên đối với ông Võ Văn Dương"
    # a stamp's text OCR ran into the title with a bar between them: the title alone
    title = "Quy định chi tiết thi hành một số điều của Luật Chứng khoán"
    assert parse_header(f"NGHỊ ĐỊNH\nNgự Ot1O112024.| {title}\n\nCăn cứ Luật Chứng khoán;").subject == title


@pytest.mark.parametrize("line, name", [
    ("Nguyễn Văn Hùng", "Nguyễn Văn Hùng"),
    ("PGS.TS. Đặng Xuân Thư", "PGS.TS. Đặng Xuân Thư"),  # a title kept
    ("Y Ngông Niê Kđăm", "Y Ngông Niê Kđăm"),  # a one-letter word of a name
    ("Ngô Thị Minh2", "Ngô Thị Minh"),  # a digit OCR glued to its end
    ("3. Huỳnh Ngọc Thọ", "Huỳnh Ngọc Thọ"),  # a speck before it
    # look-alikes: no name
    ("số: 6J[) /VP-KSTTHC", None), ("———t LauL———", None), ("Nơi nhận:", None), ("Lê", None),
    ("Sở Tư pháp tỉnh Quảng Ngãi đề nghị các đơn vị", None),
])
def test_a_signers_name_is_letters_only(line, name):
    from nlp.header import signer_name

    assert signer_name(line) == name


def test_the_signers_name_is_found_past_ocr_noise_and_a_page_end():
    head = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 15/QĐ-UBND\nQuảng Ngãi, ngày 05 tháng 02 năm 2025\nQUYẾT ĐỊNH\n"
            "Về việc\n")
    noisy = head + "Điều 1. Nội dung.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n———t LauL———\nTrần Phước Hiền\n"
    assert parse_header(noisy).signer_name == "Trần Phước Hiền"
    paged = head + "Điều 1. Nội dung.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nTrần Phước Hiền\f2\nPHỤ LỤC\n"
    assert parse_header(paged).signer_name == "Trần Phước Hiền"
