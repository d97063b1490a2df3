"""The reference grammar against the labelled set (tests/data/references.jsonl), the sample letter, and properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.extract import extract
from nlp.references import find_mentions, merge
from nlp.text import normalize

from .conftest import load_jsonl

CASES = load_jsonl("references.jsonl")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_labelled_reference(case):
    refs = extract(normalize(case["text"])).references
    # numbered references; laws cited by name and resolved through the law table are tests/test_laws.py's
    got = [(r.symbol, r.type, r.date) for r in refs if r.resolved_from != "name"]
    expected = [(r["symbol"], r["type"], r["date"]) for r in case["refs"]]
    assert sorted(got) == sorted(expected)


def test_labelled_set_is_broad():
    tags = [t for c in CASES for t in c["tags"]]
    assert len(CASES) >= 150
    for tag, minimum in [("garbled", 40), ("negative", 25), ("party", 20), ("normative", 20), ("congvan", 15),
                         ("named", 15), ("multi", 25), ("date-words", 10)]:
        assert tags.count(tag) >= minimum, tag


SAMPLE_REFERENCES = {
    ("961/VP-KGVX", "2026-02-13"),
    ("57-NQ/TW", "2024-12-22"),
    ("121/KH-UBND", "2025-12-31"),
    ("58/KH-UBND", "2025-10-10"),
    ("13-NQ/TU", "2023-09-06"),
    ("368-KH/TU", "2025-05-24"),
    ("29-CT/TU", "2023-04-24"),
    ("38/KH-UBND", "2024-02-20"),
    ("67/KH-UBND", "2025-04-03"),
    ("1588/QĐ-TTg", "2024-12-17"),
}


def test_sample_letter_cites_exactly_ten_documents(sample_text):
    result = extract(sample_text)
    assert {(r.symbol, r.date) for r in result.references} == SAMPLE_REFERENCES
    assert result.header.symbol == "819/SKHCN-BCVT&CĐS"
    assert all(r.symbol != result.header.symbol for r in result.references)
    assert len(result.self_mentions) >= 1  # the annex names the letter itself


def test_sample_letter_details(sample_text):
    refs = {r.symbol: r for r in extract(sample_text).references}
    nq57 = refs["57-NQ/TW"]
    assert nq57.type == "Nghị quyết" and nq57.type_code == "NQ" and nq57.issuer == "Bộ Chính trị"
    assert nq57.mentions >= 10
    assert refs["1588/QĐ-TTg"].issuer == "Thủ tướng Chính phủ"
    assert refs["58/KH-UBND"].issuer.startswith("Ủy ban nhân dân tỉnh")
    assert refs["368-KH/TU"].issuer == "Ban Thường vụ Tỉnh ủy Quảng Ngãi"
    assert refs["58/KH-UBND"].id == "kh-58-kh-ubnd-2025-10-10"
    for ref in refs.values():
        for start, end in ref.spans:
            assert sample_text[start:end].strip()
        assert ref.symbol.split("/")[0].split("-")[0] in ref.text
        assert ref.sentence and ref.number in ref.sentence


def test_garbled_symbols_are_repaired_and_spans_index_the_input():
    text = "Quyét dinh s6 1588/QP-\nTTg ngay 17/12/2024 va Nghi quyét sb 57- -NQ/TW ngay 22/12/2024"
    mentions = find_mentions(text)
    assert [m.symbol for m in mentions] == ["1588/QĐ-TTg", "57-NQ/TW"]
    assert text[slice(*mentions[0].span)] == "Quyét dinh s6 1588/QP-\nTTg ngay 17/12/2024"
    assert mentions[0].repairs and mentions[0].confidence < 0.99


@pytest.mark.parametrize(
    "text",
    [
        "CV ĐẾN Số: 2352 Ngày: 21.3.18",
        "Lưu: VT, BCVT&CĐS.",
        "theo quy định tại khoản 2 Điều 5",
        "ĐT: 0255.3822.123, Fax: 0255 3822 456",
        "tổng kinh phí 1.500.000.000 đồng (đạt 95,5%)",
        "Mẫu số 01/BC-UBND",
        "giai đoạn 2021-2025, tầm nhìn 2030; COVID-19; ISO 9001:2015; 24/7",
    ],
)
def test_not_references(text):
    assert find_mentions(text) == []


def test_same_symbol_with_two_dates_stays_two_documents():
    text = ("Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh Quảng Ngãi và Kế hoạch số 58/KH-UBND "
            "ngày 24/01/2025 của UBND tỉnh Nghệ An.")
    refs = merge(find_mentions(text))
    assert [(r.symbol, r.date) for r in refs] == [("58/KH-UBND", "2025-10-10"), ("58/KH-UBND", "2025-01-24")]
    assert refs[0].issuer == "Ủy ban nhân dân tỉnh Quảng Ngãi" and refs[1].scope == "tỉnh Nghệ An"


def test_list_continuation_takes_the_type_before_it():
    refs = merge(find_mentions("các Công văn số 1230/UBND-KGVX ngày 04/3/2025, số 1388/UBND-KGVX ngày 12/3/2025"))
    assert [(r.symbol, r.type) for r in refs] == [("1230/UBND-KGVX", "Công văn"), ("1388/UBND-KGVX", "Công văn")]


@pytest.mark.parametrize(
    "text,symbol,type_",
    [
        ("Căn cứ B luật Lao dông số 45/2019/QH14 ngdy 20/11/2019;", "45/2019/QH14", "Bộ luật"),
        ("Nghị quyết số 30a/2008/NQ-CP ngày 27/12/2008 của Chính phủ", "30a/2008/NQ-CP", "Nghị quyết"),
        ("Đề án số 03-ĐA/TU ngày 15/12/2021 của Tỉnh ủy", "03-ĐA/TU", "Đề án"),
    ],
)
def test_general_forms(text, symbol, type_):
    (ref,) = merge(find_mentions(text))
    assert (ref.symbol, ref.type) == (symbol, type_)


def test_pages_follow_form_feeds():
    text = "Trang một.\fThực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025."
    (mention,) = find_mentions(text)
    assert mention.page == 2


symbolish = st.text(alphabet="0123456789/-– QĐKHUBNDTWCPSsốngày.,;:\n\tđệếạ¢&lIO", max_size=200)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), symbolish))
def test_no_text_raises_and_spans_index_the_input(text):
    first = extract(text)
    for ref in first.references:
        for start, end in ref.spans:
            assert 0 <= start < end <= len(text)
        assert ref.text == text[ref.spans[0][0] : ref.spans[0][1]] or ref.text in text
    assert extract(text) == first  # deterministic


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_a_reference_survives_any_surroundings(before, after):
    core = " Kế hoạch số 58/KH-UBND ngày 10/10/2025 "
    text = before + "\n" + core + "\n" + after
    symbols = [m.symbol for m in find_mentions(text)]
    assert "58/KH-UBND" in symbols


def test_the_date_after_the_verb_of_a_documents_making():
    """`số 01/2019/GUQ-SAVN lập ngày 01 tháng 05 năm 2019`, `… ký ngày …`, `… được ban hành ngày …`: the date is the
    document's; a date further on after other words is not."""
    cases = {"Theo Giấy ủy quyền số 01/2019/GUQ-SAVN lập ngày 01 tháng 05 năm 2019 giữa hai bên": "2019-05-01",
             "Căn cứ Quyết định số 12/QĐ-UBND ký ngày 03/02/2025 của UBND tỉnh": "2025-02-03",
             "Thực hiện Kế hoạch số 58/KH-UBND được ban hành ngày 10/10/2025": "2025-10-10",
             "Kế hoạch số 58/KH-UBND đã triển khai đến các xã từ ngày 10/10/2025": None}
    for text, date in cases.items():
        [ref] = extract(text).references
        assert ref.date == date, text


@pytest.mark.parametrize("text, symbol, date", [
    # who made it between the number and the date
    ("Căn cứ Biên bản số 17/BB-VPHC do ông Trần Văn An, Đội trưởng Đội Quản lý thị trường số 2, Cục Quản lý\n"
     "thị trường tỉnh lập ngày 14/3/2024;", "17/BB-VPHC", "2024-03-14"),
    ("Hợp đồng số 05/HĐ-UBND do Ủy ban nhân dân xã và Công ty Hòa Bình ký ngày 02/6/2023", "05/HĐ-UBND", "2023-06-02"),
    # a sentence that opens with the date of the document it tells of
    ("Ngày 09/5/2022, Thủ tướng Chính phủ phê duyệt Chiến lược phát triển tại Quyết định số 569/QĐ-TTg; theo đó",
     "569/QĐ-TTg", "2022-05-09"),
    ("Ngày 15/3/2024, Bộ Tài chính có Công văn số 2750/BTC-NSNN gửi các tỉnh", "2750/BTC-NSNN", "2024-03-15"),
    # a comma read as a full stop before a lower-case "ngày"
    ("các Nghị định số 71/CP, ngày 12/4/1995, số 64/CP. ngày 27/9/1993 về giao đất", "64/CP", "1993-09-27"),
    # an unknown one-code symbol with its type name and "số"
    ("Thực hiện Công văn số 245/UB ngày 03/8/2020 của Ủy ban An toàn giao thông Quốc gia", "245/UB", "2020-08-03"),
    # OCR: the slash before the code lost, a doubled slash, a unit's code in brackets
    ("Căn cứ Nghị định số 1 12⁄2019NĐ-CP ngày 30/12/2019 của Chính phủ", "112/2019/NĐ-CP", "2019-12-30"),
    ("Căn cứ Nghị quyết số 4 5/⁄2022/NQ-HĐND ngày 09/12/2022 của HĐND tỉnh", "45/2022/NQ-HĐND", "2022-12-09"),
    ("Theo đề nghị tại Tờ trình số 312/TTr-CAT-\nPV(PC08) ngày 05/9/2024 về việc", "312/TTr-CAT-PV(PC08)",
     "2024-09-05"),
    # a space inside the type code, a speck inside a long code
    ("đề nghị tại Tờ trình số 766/T Tr-SXD ngày 04/11/2024 của Sở Xây dựng", "766/TTr-SXD", "2024-11-04"),
    ("thực hiện Kế hoạch số 27/KH-BCĐ1§38ĐN ngày 08/3/2023 của Ban Chỉ đạo", "27/KH-BCĐ138ĐN", "2023-03-08"),
    # the legislature's number apart from QH, or with a letter for 1; junk after the year
    ("Căn cứ Luật Đấu thầu số 43/2013/QH 13 ngày 26 tháng 11 năm 2013;", "43/2013/QH13", "2013-11-26"),
    ("Căn cứ Luật Đầu tư số 67/2014%/QH I3 ngày 26/11/2014;", "67/2014/QH13", "2014-11-26"),
])
def test_dates_and_symbols_real_scans_print_this_way(text, symbol, date):
    found = {(r.symbol, r.date) for r in extract(text).references}
    assert (symbol, date) in found, found


@pytest.mark.parametrize("text, symbol", [
    ("số 64/CP. Ngày 27/9/1993, Hội đồng Bộ trưởng họp", "64/CP"),  # a new sentence: its date is not the decree's
    ("Ngày 15/3/2024, UBND tỉnh nhận được Công văn số 2750/BTC-NSNN của Bộ Tài chính", "2750/BTC-NSNN"),  # received
    ("Kế hoạch số 58/KH-UBND do Sở Nội vụ chủ trì; Báo cáo lập ngày 10/10/2025", "58/KH-UBND"),  # another clause
    # the act of that day was based on the document, which is older
    ("Ngày 15/3/2024, Sở Tài chính ký hợp đồng với nhà thầu theo Quyết định số 12/QĐ-UBND của UBND tỉnh",
     "12/QĐ-UBND"),
])
def test_a_date_nearby_that_is_not_the_documents(text, symbol):
    [ref] = [r for r in extract(text).references if r.symbol == symbol]
    assert ref.date is None


def test_a_legislature_that_did_not_sit_that_year_is_no_repair():
    assert extract("Luật số 67/2014/QH I1 ngày 26/11/2014").references == ()


def test_an_unknown_one_code_symbol_needs_its_type_name():
    assert extract("theo 245/UB ngày 03/8/2020 của Ủy ban").references == ()


def test_a_long_code_one_letter_off_on_the_same_day_is_one_document():
    text = ("Thực hiện Kế hoạch số 05/KH-BCĐ138ĐNg ngày 03/3/2023 và Kế hoạch số 07/KH-BCĐ138ĐNg ngày 09/3/2023;\n"
            "tiếp tục triển khai Kế hoạch số 05/KH-BCĐ138ĐNE ngày 03/3/2023 của Ban Chỉ đạo.")
    refs = {r.symbol: r for r in merge(find_mentions(text))}
    assert set(refs) == {"05/KH-BCĐ138ĐNg", "07/KH-BCĐ138ĐNg"}
    assert refs["05/KH-BCĐ138ĐNg"].variants == ("05/KH-BCĐ138ĐNE",)
    other_day = "Kế hoạch số 05/KH-BCĐ138ĐNg ngày 03/3/2023 và Kế hoạch số 05/KH-BCĐ138ĐNE ngày 04/3/2023"
    assert len(merge(find_mentions(other_day))) == 2
    short = "Kế hoạch số 12/KH-UBND ngày 01/02/2024 và Kế hoạch số 12/KH-UBDT ngày 01/02/2024"
    assert len(merge(find_mentions(short))) == 2  # short codes one letter apart are two bodies' plans


@pytest.mark.parametrize("own, cited, expected", [
    ("Số: 430/TB-ĐHKTCN", "Căn cứ Kế hoạch số 636/KH-ĐÐHKTCN ngày 28/6/2022 của Trường", "636/KH-ĐHKTCN"),  # Đ twice
    ("Số: 221/KH-ĐHVH", "Thực hiện Kế hoạch số 1419/KH-DHVH ngày 23/11/2021 của Trường", "1419/KH-ĐHVH"),  # D for Đ
    ("Số: 38/ĐHNN", "theo Công văn số 1631/DHNN-KT ngày 22/12/2021 của Trường", "1631/ĐHNN-KT"),
    # a code the tables know is never read towards the letter's: Đảng đoàn's ĐĐ stays
    ("Số: 12-BC/Đ", "Căn cứ Kế hoạch số 45-KH/ĐĐ ngày 2/3/2021 của Đảng đoàn", "45-KH/ĐĐ"),
    # without the letter's own code there is nothing to read towards
    ("Số: 221/KH-UBND", "Thực hiện Kế hoạch số 1419/KH-DHVH ngày 23/11/2021 của Trường", "1419/KH-DHVH"),
])
def test_a_garbled_cited_code_is_read_towards_the_letters_own(own, cited, expected):
    text = (f"TRƯỜNG ĐẠI HỌC\n{own}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nCần Thơ, ngày 19 tháng 5 năm 2023\n"
            f"THÔNG BÁO\n{cited}, Trường thông báo như sau.\n")
    assert [r.symbol for r in extract(text).references] == [expected]


@pytest.mark.parametrize("cited, expected", [
    # cut short by OCR's garble (Đ read as ` 3`, a space in TrH), the letter's own code spelled again after it
    ("thực hiện Công văn số 4612/BGD 3T-GL TrH ngày 03/10/2017 về việc hướng dẫn", ("4612/BGDĐT-GDTrH", "2017-10-03")),
    # look-alikes: a cited code the letter's begins with, whole (an old `UB`), and one that words follow
    ("Căn cứ Quyết định số 304/QĐ-UB ngày 31/8/2015 của UBND tỉnh", ("304/QĐ-UB", "2015-08-31")),
    ("theo Công văn số 4612/BGD về việc hướng dẫn", ("4612/BGD", None)),
])
def test_a_cited_code_cut_short_by_garble_is_read_as_the_letters_own(cited, expected):
    own = "Số: 1113/BGDĐT-GDTrH" if "BGD" in cited else "Số: 51/QĐ-UBND"
    text = (f"BỘ GIÁO DỤC VÀ ĐÀO TẠO\n{own}\nHà Nội, ngày 30 tháng 3 năm 2020\nCÔNG VĂN\n{cited}.\n")
    assert [(r.symbol, r.date) for r in extract(text).references] == [expected]


@pytest.mark.parametrize("text, symbol, type_name", [
    # the Party's Quy định (QĐi) printed with Quyết định's code: the printed name says which
    ("Thực hiện Quy định số 08- QĐ/TW ngày 25/10/2018 của Ban Chấp hành Trung ương", "08-QĐ/TW", "Quy định"),
    ("Căn cứ Quyết định số 08-QĐ/TW ngày 25/10/2018", "08-QĐ/TW", "Quyết định"),  # the look-alike keeps its type
    # a decree of the old numbering whose type name is apart, a lower-case `luật` between: the capitalised name
    ("và các Nghị định dưới luật của Hội đồng Chính phủ số : 88/CP, ngày 17/8/1994", "88/CP", "Nghị định"),
    # a joint programme's code (CTPH), which bodies print beyond the decree's appendix
    ("Thực hiện Chương trình phối hợp số 1842b/CTPH-BVHTTDL-TLĐLĐVN ngày 23/11/2016", "1842b/CTPH-BVHTTDL-TLĐLĐVN",
     "Chương trình phối hợp"),
])
def test_types_from_the_texts_own_words(text, symbol, type_name):
    [mention] = find_mentions(text)
    assert (mention.symbol, mention.type) == (symbol, type_name)
