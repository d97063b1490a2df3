"""The table of laws (nlp/data/laws.tsv) and the resolution of laws cited by name (nlp.laws), on the labelled set
tests/data/named-laws.jsonl; the dates find_named reads; the builder's mining on a tiny corpus."""

import gzip
from collections import Counter

import pytest

from nlp.extract import extract
from nlp.named import find_named
from nlp.named_laws import resolve_named
from nlp.references import find_mentions
from nlp.laws import (
    Law,
    by_symbol,
    check_table,
    english_names,
    laws,
    numbering_problems,
    read_table,
    resolve,
    table_path,
)
from nlp.text import fold_lower, normalize

from .conftest import load_jsonl

CASES = load_jsonl("named-laws.jsonl")


# --- the table ----------------------------------------------------------------------------------------------------


def test_table_passes_the_builders_consistency_checks():
    from nlp.laws import CHECKS, check_report

    report = check_report(list(laws()))
    assert list(report) == list(CHECKS) and len(CHECKS) == 7
    assert {check: problems for check, problems in report.items() if problems} == {}


def test_table_is_mined_and_large():
    rows = read_table()
    sources = Counter(source for _, source in rows)
    assert set(sources) <= {"corpus", "corpus+hand", "hand"}
    assert len(rows) >= 300
    assert sources["corpus"] + sources["corpus+hand"] >= 0.9 * len(rows)  # the bulk is mined
    kinds = Counter(law.kind for law, _ in rows)
    assert kinds["Luật"] >= 250 and kinds["Bộ luật"] >= 8 and kinds["Pháp lệnh"] >= 20
    constitutions = sorted(law.passed for law in laws() if law.kind == "Hiến pháp")
    assert constitutions == ["1992-04-15", "2013-11-28"]


def test_one_number_per_name_and_date_and_one_row_per_symbol():
    symbols = [law.symbol for law in laws() if law.symbol]
    assert len(symbols) == len(set(symbols))
    name_dates = [(law.key, law.passed) for law in laws() if law.passed]
    assert len(name_dates) == len(set(name_dates))


def test_symbol_year_and_legislature_fit_the_date():
    from nlp.laws import LEGISLATURES, symbol_term, symbol_year

    for law in laws():
        if law.passed and symbol_year(law.symbol):
            assert int(law.passed[:4]) == symbol_year(law.symbol), law
            first, last = LEGISLATURES[symbol_term(law.symbol)]
            assert first <= law.passed[:7] <= last, law


def test_checks_catch_misread_rows():
    good = Law("31/2024/QH15", "Luật", "Luật Đất đai", "2024-01-18", None, (), (), ())
    assert check_table([good]) == []
    wrong_year = Law("31/2023/QH15", "Luật", "Luật Đất đai", "2024-01-18", None, (), (), ())
    wrong_term = Law("31/2024/QH13", "Luật", "Luật Đất đai", "2024-01-18", None, (), (), ())
    twice = Law("45/2013/QH13", "Luật", "Luật Đất đai", "2024-01-18", None, (), (), ())
    assert any("year" in p for p in check_table([wrong_year]))
    assert any("legislature" in p for p in check_table([wrong_term]))
    assert any("same name and date" in p for p in check_table([good, twice]))
    assert any("symbol twice" in p for p in check_table([good, good]))
    out_of_order = Law("58/2025/QH15", "Luật", "Luật Đầu tư công", None, None, (), (), ())
    later = Law("60/2024/QH15", "Luật", "Luật Dữ liệu", "2024-11-30", None, (), (), ())
    assert "58/2025/QH15" in numbering_problems([out_of_order, later])


@pytest.mark.parametrize("symbol, name, passed", [
    ("77/2015/QH13", "Luật Tổ chức chính quyền địa phương", "2015-06-19"),
    ("47/2019/QH14", "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa "
                     "phương", "2019-11-22"),
    ("58/2024/QH15", "Luật Đầu tư công", "2024-11-29"),
    ("31/2024/QH15", "Luật Đất đai", "2024-01-18"),
    ("45/2013/QH13", "Luật Đất đai", "2013-11-29"),
    ("91/2015/QH13", "Bộ luật Dân sự", "2015-11-24"),
    ("36/2005/QH11", "Luật Thương mại", "2005-06-14"),
    ("80/2015/QH13", "Luật Ban hành văn bản quy phạm pháp luật", "2015-06-22"),
    ("63/2020/QH14", "Luật sửa đổi, bổ sung một số điều của Luật Ban hành văn bản quy phạm pháp luật", "2020-06-18"),
    ("21/2017/QH14", "Luật Quy hoạch", "2017-11-24"),
])
def test_the_laws_the_issue_names(symbol, name, passed):
    law = by_symbol(symbol)
    assert law is not None and law.name == name and law.passed == passed


def test_replaced_and_amended():
    assert "45/2013/QH13" in by_symbol("31/2024/QH15").replaces
    assert "77/2015/QH13" in by_symbol("72/2025/QH15").replaces
    assert set(by_symbol("47/2019/QH14").amends) == {"76/2015/QH13", "77/2015/QH13"}
    assert "100/2015/QH13" in by_symbol("12/2017/QH14").amends
    assert by_symbol("21/2012/QH13").amending  # cited as "Luật Quản lý thuế số 21/2012/QH13", yet an amending law


def test_the_extra_file_is_hand_entered_and_agrees_with_the_corpus():
    extra = read_table(table_path("laws-extra.tsv"))
    assert extra and all(source == "hand" for _, source in extra)
    for law, _ in extra:
        if law.symbol:
            assert by_symbol(law.symbol) is not None
            assert by_symbol(law.symbol).key == law.key, law.symbol
    hand = [law for law, source in read_table() if source == "hand"]
    assert len(hand) <= 30


# --- the labelled set -----------------------------------------------------------------------------------------


def _resolved(case: dict) -> list[tuple[dict, str | None]]:
    """(expected, what was resolved: a symbol, `passed:<date>` for a law without one, or None) per expectation,
    through what extraction does: numbered mentions, the named ones beside them, those resolved as references."""
    text = normalize(case["text"])
    numbered = find_mentions(text)
    by_name, _left = resolve_named(text, find_named(text, numbered), case["citing_date"])
    out = []
    for expected in case["expected"]:
        key = fold_lower(normalize(expected["title_contains"]))
        mention = next((m for m in by_name if key in fold_lower(m.text)), None)
        got = None
        if mention is not None:
            assert mention.resolved_from == "name" and mention.title
            got = mention.symbol if "/" in mention.symbol else f"passed:{mention.date}"
        out.append((expected, got))
    return out


@pytest.fixture(scope="module")
def labelled():
    return [(case, _resolved(case)) for case in CASES]


def _want(expected: dict) -> str | None:
    if expected["symbol"] == "":
        return f"passed:{expected['passed']}"
    return expected["symbol"]


def test_labelled_set_is_broad():
    expected = [e for c in CASES for e in c["expected"]]
    assert len(expected) >= 80
    years = {int(c["citing_date"][:4]) for c in CASES if c["citing_date"]}
    assert min(years) <= 2013 and max(years) >= 2025
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    assert sum(1 for e in expected if e["symbol"] is None) >= 10
    assert sum(1 for c in CASES if c["id"].startswith("g")) >= 12  # OCR garble, no diacritics
    amending = [c for c in CASES if "sửa đổi, bổ sung một số điều của" in c["text"] or "sua doi, bo sung" in c["text"]]
    assert len(amending) >= 10


def test_labelled_expectations_agree_with_the_table():
    for case in CASES:
        for expected in case["expected"]:
            if expected["symbol"]:
                assert by_symbol(expected["symbol"]) is not None, expected


def test_resolution_recall_and_precision(labelled):
    pairs = [(e, got) for _, results in labelled for e, got in results]
    known = [(e, got) for e, got in pairs if e["symbol"] is not None]
    hits = sum(1 for e, got in known if got == _want(e))
    given = [(e, got) for e, got in pairs if got is not None]
    right = sum(1 for e, got in given if got == _want(e))
    assert hits / len(known) >= 0.90, [(e, got) for e, got in known if got != _want(e)]
    assert right / len(given) >= 0.97, [(e, got) for e, got in given if got != _want(e)]


def test_unknown_and_ambiguous_names_stay_unresolved(labelled):
    wrong = [(case["id"], got) for case, results in labelled for e, got in results if e["symbol"] is None and got]
    assert wrong == []


# --- find_named reads the date ---------------------------------------------------------------------------------


def _named(text: str):
    text = normalize(text)
    return find_named(text, find_mentions(text))


def test_find_named_reads_the_dates():
    named = _named("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
                   "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;")
    assert [(n.title, n.date) for n in named] == [
        ("Luật Tổ chức chính quyền địa phương", "2015-06-19"),
        ("Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương",
         "2019-11-22"),
    ]
    assert named[1].text.endswith("ngày 22 tháng 11 năm 2019")
    [land] = _named("Căn cứ Luật Đất đai ngày 18/01/2024;")
    assert (land.title, land.date, land.year) == ("Luật Đất đai", "2024-01-18", None)


def test_find_named_reads_years_and_whole_names():
    [code] = _named("Hành vi này bị xử lý theo Bộ luật Hình sự 2015.")
    assert (code.title, code.year, code.date) == ("Bộ luật Hình sự", 2015, None)
    [land] = _named("theo Luật Đất đai năm 2024")
    assert (land.title, land.year) == ("Luật Đất đai", 2024)
    titles = [n.title for n in _named("Căn cứ Luật Phòng, chống tham nhũng ngày 20/11/2018; Luật Xuất cảnh, nhập cảnh "
                                      "của công dân Việt Nam; Luật Cán bộ, công chức và Luật Viên chức;")]
    assert titles == ["Luật Phòng, chống tham nhũng", "Luật Xuất cảnh, nhập cảnh của công dân Việt Nam",
                      "Luật Cán bộ, công chức", "Luật Viên chức"]
    [four] = _named("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Quy hoạch, Luật Đầu tư, Luật Đầu tư theo phương "
                    "thức đối tác công tư và Luật Đấu thầu ngày 29 tháng 11 năm 2024;")
    assert four.title.endswith("Luật Đầu tư theo phương thức đối tác công tư và Luật Đấu thầu")
    assert four.date == "2024-11-29"


def test_find_named_keeps_numbered_laws_as_references():
    result = extract(normalize("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015, đã được sửa đổi, "
                               "bổ sung theo Luật số 47/2019/QH14;"))
    by_symbol_ = {r.symbol: r for r in result.references}
    assert sorted(by_symbol_) == ["47/2019/QH14", "77/2015/QH13"] and result.named == ()
    named, numbered = by_symbol_["77/2015/QH13"], by_symbol_["47/2019/QH14"]
    assert (named.resolved_from, named.title, named.date) == ("name", "Luật Tổ chức chính quyền địa phương",
                                                               "2015-06-19")
    assert named.text == "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"  # its evidence, as written
    assert numbered.resolved_from is None and numbered.title  # the table names the numbered law too


def test_a_law_cited_by_name_and_by_number_is_one_reference():
    result = extract(normalize("Căn cứ Luật Đất đai số 31/2024/QH15 ngày 18 tháng 01 năm 2024; thực hiện Luật Đất "
                               "đai năm 2024 và Luật Quả táo năm 2020;"))
    [land] = result.references
    assert (land.symbol, land.mentions, land.resolved_from) == ("31/2024/QH15", 2, None)
    assert [n.title for n in result.named] == ["Luật Quả táo"]  # unknown: stays named, without a number


def test_a_name_alone_resolves_to_the_version_in_force_on_the_letters_date():
    header = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 12/QĐ-UBND\nQuảng Ngãi, ngày {day} tháng 02 năm {year}\n"
              "QUYẾT ĐỊNH\nVề việc giao đất\nCăn cứ Luật Đất đai;\n")
    old = extract(header.format(day="03", year="2019")).references
    new = extract(header.format(day="03", year="2025")).references
    assert [r.symbol for r in old] == ["45/2013/QH13"] and [r.symbol for r in new] == ["31/2024/QH15"]
    assert old[0].relation == "based_on" and old[0].resolved_from == "name"


def test_find_named_keeps_two_versions_of_one_name():
    named = _named("Luật Đất đai năm 2013 và Luật Đất đai ngày 18/01/2024; theo Luật Đất đai")
    assert [(n.title, n.year, n.date) for n in named] == [("Luật Đất đai", 2013, None),
                                                           ("Luật Đất đai", None, "2024-01-18")]


# --- resolve() ---------------------------------------------------------------------------------------------------


def _symbol(title: str, **kw) -> str | None:
    found = resolve(title, **kw)
    return found.law.symbol if found else None


def test_resolve_by_date_year_and_citing_date():
    assert _symbol("Luật Tổ chức chính quyền địa phương", date="2015-06-19") == "77/2015/QH13"
    assert _symbol("Luật Tổ chức chính quyền địa phương", date="2025-06-16") == "72/2025/QH15"
    assert _symbol("Luat Dat dai", year=2013) == "45/2013/QH13"
    assert _symbol("Luật Đất đai năm 2024") == "31/2024/QH15"
    assert _symbol("Bộ luật Hình sự", citing_date="2021-05-01") == "100/2015/QH13"
    assert _symbol("Luật Đất đai", citing_date="2019-01-01") == "45/2013/QH13"
    assert _symbol("Luật Đất đai", citing_date="2025-01-01") == "31/2024/QH15"
    assert _symbol("Luật Tổ chức chính quyền địa phương", citing_date="2025-05-31") == "77/2015/QH13"


def test_resolve_long_amending_names():
    title = "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương"
    found = resolve(title, date="2019-11-22")
    assert found.law.symbol == "47/2019/QH14" and found.how == "date" and found.confidence >= 0.95
    assert _symbol(title) == "47/2019/QH14"  # the only law of that name
    assert _symbol("Luật sửa đổi bổ sung Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương năm 2019") \
        == "47/2019/QH14"
    assert _symbol("Luật sửa đổi, bổ sung một số điều của Luật Ban hành văn bản quy phạm pháp luật",
                   date="2020-06-18") == "63/2020/QH14"


def test_resolve_tolerates_ocr_and_missing_diacritics():
    found = resolve("Luật 1ô chức chính quyên địa phương", citing_date="2018-03-03")
    assert found.law.symbol == "77/2015/QH13" and "fuzzy" in found.how and 0 < found.confidence < 1
    assert _symbol("Luat To chuc chinh quyen dia phuong", date="2015-06-19") == "77/2015/QH13"
    assert _symbol("Luật T6 chtc chinh quyén dia phuong", date="2015-06-19") == "77/2015/QH13"
    assert _symbol("Bộ luật Hình sự") is None  # two codes of that name and no date: no guess


def test_resolve_never_guesses():
    assert resolve("Luật Kế hoạch hóa gia đình") is None
    assert resolve("Luật") is None
    assert resolve("") is None
    assert resolve("Luật Đất đai") is None  # several versions, nothing to choose with
    assert resolve("Luật Đất đai", date="2018-10-15") is None  # no land law was passed that day or year
    assert resolve("Luật Đầu thu") is None  # one slip from Luật Đầu tư and from Luật Đấu thầu
    assert _symbol("Luật Đầu thu", date="2023-06-23") == "22/2023/QH15"  # the date decides
    # passed on 10/12/2025, in force from 01/7/2026: in between, the 2019 law is still in force
    assert resolve("Luật Quản lý thuế", citing_date="2026-03-01") is None
    assert _symbol("Luật Quản lý thuế", citing_date="2026-08-01") == "108/2025/QH15"


def test_an_undated_citing_document_is_no_older_than_what_it_cites():
    """No citing date, but the text cites documents of 2025: a law whose latest version was passed and in force
    before that, and not replaced since, is that version on every later day; where a version was passed after
    the bound (or is not yet in force at it), the date would still decide, and nothing is given."""
    assert _symbol("Luật Đất đai", not_before="2025-03-01") == "31/2024/QH15"
    assert _symbol("Luật Tổ chức chính quyền địa phương", not_before="2025-07-01") == "72/2025/QH15"
    assert resolve("Luật Đất đai", not_before="2019-01-01") is None  # the 2024 law came after: 2013 or 2024
    assert resolve("Luật Quản lý thuế", not_before="2026-03-01") is None  # the 2025 law not yet in force then
    found = resolve("Luật Đất đai", not_before="2025-03-01", citing_date="2019-01-01")
    assert found.law.symbol == "45/2013/QH13"  # a citing date, where there is one, decides


def test_an_undated_letter_resolves_a_named_law_by_what_it_cites():
    from nlp.extract import extract

    text = ("BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG\nTHÔNG TƯ\nQuy định chi tiết\nCăn cứ Luật Đất đai;\n"
            "Căn cứ Nghị định số 102/2024/NĐ-CP ngày 30 tháng 7 năm 2024 của Chính phủ;\n")
    (law,) = [r for r in extract(text).references if r.resolved_from == "name"]
    assert law.symbol == "31/2024/QH15" and "2024-07-30" in law.resolved_how
    alone = "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG\nTHÔNG TƯ\nQuy định chi tiết\nCăn cứ Luật Đất đai;\n"
    assert not [r for r in extract(alone).references if r.resolved_from == "name"]  # nothing to bound it: unread


def test_resolve_the_constitution():
    found = resolve("Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam", citing_date="2020-01-01")
    assert found.law.kind == "Hiến pháp" and found.law.passed == "2013-11-28" and found.law.symbol == ""
    assert resolve("Hiến pháp năm 1992").law.passed == "1992-04-15"


def test_confidence_is_a_probability():
    for title, kw in [("Luật Quy hoạch", {"date": "2017-11-24"}), ("Luật Thương mại", {}),
                      ("Luật Quy hoạcn", {"citing_date": "2020-01-01"})]:
        found = resolve(title, **kw)
        assert found is not None and 0.0 <= found.confidence <= 1.0


def test_english_names():
    names = english_names(on="2026-01-01")
    assert names["land law"] == "31/2024/QH15"
    assert english_names(on="2020-01-01")["land law"] == "45/2013/QH13"
    assert names["civil code"] == "91/2015/QH13"
    assert names["law on organization of local government"] == "72/2025/QH15"
    assert names["constitution"].startswith("Hiến pháp")


# --- the builder, on a tiny corpus ------------------------------------------------------------------------------

TINY = """(Điều 1 Luật số 24/2018/QH14 An ninh mạng ngày 12/06/2018 của Quốc hội, có hiệu lực thi hành kể từ ngày \
01/01/2019)
Luật này quy định về hoạt động bảo vệ an ninh quốc gia.

Căn cứ Luật An ninh mạng số 24/2018/QH14 ngày 12 tháng 6 năm 2018;
Căn cứ Luật Đất đai số 45/2013/QH13 ngày 29 tháng 11 năm 2013;
Căn cứ Luật Đất đai số 31/2024/QH15 ngày 18 tháng 01 năm 2024;

Theo Luật Đất đai số 31/2024/QH15, người sử dụng đất được cấp giấy chứng nhận.
Theo Luật Đất đai số 31/2023/QH15, đất được giao theo hạn mức.
Luật số 47/2019/QH14 sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa \
phương ngày 22/11/2019.

(Điều 252 Luật số 31/2024/QH15, có hiệu lực thi hành kể từ ngày 01/08/2024)
2. Luật Đất đai số 45/2013/QH13 hết hiệu lực kể từ ngày Luật này có hiệu lực thi hành.
"""


def test_builder_on_a_tiny_corpus(tmp_path):
    from nlp import laws_build

    (tmp_path / "legal-phapdien-000.txt.gz").write_bytes(gzip.compress(TINY.encode("utf-8")))
    extra = tmp_path / "extra.tsv"
    extra.write_text("# symbol\tkind\tname\tpassed\tin_force\treplaces\tamends\tenglish\tsource\n"
                     "\tHiến pháp\tHiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam\t2013-11-28\t2014-01-01\t\t\t"
                     "Constitution\thand\n", encoding="utf-8")
    log: list[str] = []
    table = laws_build.build(tmp_path, log=log.append, extra_path=extra)
    rows = {law.symbol: (law, source) for law, source in table}
    assert check_table([law for law, _ in table]) == []
    assert rows["24/2018/QH14"][0].name == "Luật An ninh mạng"
    assert rows["24/2018/QH14"][0].in_force == "2019-01-01"
    land = rows["31/2024/QH15"][0]
    assert (land.name, land.passed, land.in_force, land.replaces) == ("Luật Đất đai", "2024-01-18", "2024-08-01",
                                                                      ("45/2013/QH13",))
    assert "31/2023/QH15" not in rows  # a misread number: same name and number as 31/2024/QH15
    amending = rows["47/2019/QH14"][0]
    assert amending.name.startswith("Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ")
    assert amending.passed == "2019-11-22"
    assert rows[""][1] == "hand" and rows["24/2018/QH14"][1] == "corpus"


def test_a_name_broken_across_lines_is_one_amending_law():
    """Scans break lines anywhere: `Luật` / `sửa đổi, bổ sung ... Luật Tổ chức` / `chính quyền địa phương`."""
    text = ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015; Luật\nsửa đổi, bổ sung một số điều của Luật "
            "Tổ chức Chính phủ và Luật Tổ chức\nchính quyền địa phương ngày 22/11/2019;")
    assert sorted(r.symbol for r in extract(text).references) == ["47/2019/QH14", "77/2015/QH13"]


def test_a_letter_whose_day_was_handwritten_chooses_the_version_by_its_printed_month():
    text = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố:    /CT-UBND\nQuảng Ngãi, ngày    tháng 4 năm {year}\nCHỈ THỊ\n"
            "Về thu hút đầu tư\nThực hiện Luật Đầu tư;\n")
    assert [r.symbol for r in extract(text.format(year=2018)).references] == ["67/2014/QH13"]
    assert [r.symbol for r in extract(text.format(year=2022)).references] == ["61/2020/QH14"]


def test_an_amending_law_that_lists_numbered_laws_is_resolved_by_its_date():
    """`Luật sửa đổi ... của Luật A số …, Luật B số … và Luật C số … ngày …`: the amending law is cited by name (the
    numbers are those of the laws it amends), whatever the line breaks and OCR's split digits."""
    text = ("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Đất đai số 3 1/2024/QH15, Luật Nhà ở\nsố 27/2023/QH15, "
            "Luật Kinh doanh bất động sản số 29/2023/QH15 và Luật\nCác tổ chức tín dụng số\n32/2024/QH15 ngày "
            "29/6/2024;")
    result = extract(text)
    refs = {r.symbol: r for r in result.references}
    assert refs["43/2024/QH15"].resolved_from == "name" and refs["43/2024/QH15"].date == "2024-06-29"
    assert {"31/2024/QH15", "27/2023/QH15", "29/2023/QH15", "32/2024/QH15"} <= set(refs) and result.named == ()


def test_a_law_named_before_its_number_is_not_also_a_named_mention():
    result = extract("Căn cứ Luật Đất đai số 31/2024/QH15 ngày 18/01/2024, đã được sửa đổi bởi Luật Các tổ chức tín "
                     "dụng số 32/2024/QH15 ngày 18/01/2024;")
    assert [r.symbol for r in result.references] == ["31/2024/QH15", "32/2024/QH15"] and result.named == ()


# A law named without a date is the version in force on the citing document's date, and says so (issue 22)

def _letter(year: int, line: str) -> str:
    return (f"ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 12/KH-UBND\nQuảng Ngãi, ngày 10 tháng 3 năm {year}\nKẾ HOẠCH\n"
            f"Về đầu tư công\n{line}\n")


def test_a_law_named_without_a_date_is_the_version_in_force_then():
    from nlp.extract import extract

    early = {r.symbol: r for r in extract(_letter(2021, "Căn cứ Luật Đầu tư công;")).references}
    late = {r.symbol: r for r in extract(_letter(2025, "Căn cứ Luật Đầu tư công;")).references}
    assert list(early) == ["39/2019/QH14"] and list(late) == ["58/2024/QH15"]
    assert early["39/2019/QH14"].resolved_how == "the version in force on 2021-03-10, the citing document's date"
    assert early["39/2019/QH14"].relation == "based_on"
    # look-alike: a year in the text chooses that year's law, whatever the letter's date
    named = {r.symbol: r for r in extract(_letter(2025, "Căn cứ Luật Đầu tư công năm 2019;")).references}
    assert list(named) == ["39/2019/QH14"] and "year" in named["39/2019/QH14"].resolved_how


def test_a_law_without_its_date_is_placed_by_the_laws_numbered_around_it():
    """84/2025/QH15 (Luật Thanh tra) has no date in the table; 89/2025/QH15, numbered after it, was passed on
    2025-06-25: so it was passed by then, give or take a session's votes out of order (45 days)."""
    from nlp.laws import resolve

    assert resolve("Luật Thanh tra", citing_date="2025-11-28").law.symbol == "84/2025/QH15"
    assert resolve("Luật Thanh tra", citing_date="2024-12-01").law.symbol == "11/2022/QH15"
    assert resolve("Luật Thanh tra", citing_date="2025-07-15") is None  # inside the window: either may be meant


def test_a_law_just_passed_whose_entry_into_force_is_unknown_is_not_yet_taken():
    """Luật Đầu tư 143/2025/QH15 was passed on 2025-12-11; the table lacks its entry into force, which the law puts
    no sooner than 45 days later: a letter of 2026-01-17 may still mean 61/2020/QH14, so neither is given; from
    45 days on, the new law is the one in force."""
    from nlp.laws import resolve

    assert resolve("Luật Đầu tư", citing_date="2026-01-17") is None
    assert resolve("Luật Đầu tư", citing_date="2026-03-01").law.symbol == "143/2025/QH15"
    assert resolve("Luật Đầu tư", citing_date="2025-12-01").law.symbol == "61/2020/QH14"
    # look-alike: a law whose entry into force the table holds keeps it (72/2025/QH15, in force the day it passed)
    assert resolve("Luật Tổ chức chính quyền địa phương", citing_date="2025-06-20").law.symbol == "72/2025/QH15"
