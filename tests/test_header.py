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
