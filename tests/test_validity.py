"""The validity table (nlp/data/validity.tsv), its builder's mining and settling, and a document's status on a day."""

from __future__ import annotations

from collections import Counter

from nlp import validity
from nlp.validity import Event
from nlp.validity_build import mine, settle


def test_the_committed_table_passes_its_own_checks():
    table = list(validity.events())
    assert len(table) > 200
    assert validity.check(table) == {"rows": [], "cycles": [], "two replacers": []}
    for e in table:  # nothing replaced before its replacer was issued, nor before it existed
        assert not e.by_issued or e.start >= e.by_issued, e
        year = validity.symbol_year(e.symbol)
        assert year is None or int(e.start[:4]) >= year, e


def test_local_government_law_chain_of_replacements():
    on_letter = validity.status("77/2015/QH13", "2025-09-10")
    assert not on_letter.in_force
    assert [(e.by, e.start) for e in on_letter.chain] == [("65/2025/QH15", "2025-03-01"), ("72/2025/QH15", "2025-06-16")]
    assert on_letter.current == "72/2025/QH15" and validity.status("72/2025/QH15", "2025-09-10").in_force
    between = validity.status("77/2015/QH13", "2025-04-01")
    assert not between.in_force and between.current == "65/2025/QH15"
    before = validity.status("77/2015/QH13", "2025-02-12")
    assert before.in_force and before.later[0].by == "65/2025/QH15"
    assert [e.by for e in before.amended_by] == ["47/2019/QH14"]


def test_the_corpus_statement_of_65_2025_ending_is_in_the_table():
    """legal-qa: 'Luật số 65/2025/QH15 hết hiệu lực kể từ ngày Luật số 72/2025/QH15 có hiệu lực thi hành'."""
    rows = [e for e in validity.history("65/2025/QH15") if e.event == "replaced"]
    assert [(e.by, e.start, e.source) for e in rows] == [("72/2025/QH15", "2025-06-16", "corpus")]


DECREE = """CHÍNH PHỦ
Số: 45/2025/NĐ-CP
Hà Nội, ngày 20 tháng 3 năm 2025
NGHỊ ĐỊNH
Sửa đổi, bổ sung một số điều của Nghị định số 30/2020/NĐ-CP về công tác văn thư
Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;
Điều 5. Hiệu lực thi hành
1. Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 5 năm 2025.
2. Nghị định này thay thế Nghị định số 110/2004/NĐ-CP ngày 08 tháng 4 năm 2004.
3. Bãi bỏ Quyết định số 12/2010/QĐ-TTg ngày 01/02/2010 và bãi bỏ khoản 2 Điều 3 của Thông tư số 01/2011/TT-BNV.
4. Nghị định số 09/2019/NĐ-CP hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành."""


def test_mining_a_decree_effect_article():
    seen: dict[str, Counter[str]] = {}
    events = {(e.symbol, e.event, e.by, e.start) for e in mine(DECREE, seen)}
    assert events == {
        ("30/2020/NĐ-CP", "amended", "45/2025/NĐ-CP", "2025-05-01"),
        ("110/2004/NĐ-CP", "replaced", "45/2025/NĐ-CP", "2025-05-01"),
        ("12/2010/QĐ-TTg", "repealed", "45/2025/NĐ-CP", "2025-05-01"),
        ("01/2011/TT-BNV", "amended", "45/2025/NĐ-CP", "2025-05-01"),
        ("09/2019/NĐ-CP", "replaced", "45/2025/NĐ-CP", "2025-05-01"),
    }
    assert all(e.by_issued == "2025-03-20" for e in mine(DECREE, seen))
    assert seen["45/2025/NĐ-CP"].most_common(1)[0][0] == "2025-05-01"


def test_mining_a_statement_between_two_laws_takes_the_day_from_another_sentence():
    seen: dict[str, Counter[str]] = {}
    text = ("- Luật số 65/2025/QH15 hết hiệu lực kể từ ngày Luật số 72/2025/QH15 có hiệu lực thi hành.\n"
            "- Luật số 72/2025/QH15 có hiệu lực thi hành từ ngày 16/6/2025.")
    events = mine(text, seen)
    table, _ = settle(events, seen)
    assert [(e.symbol, e.event, e.by, e.start) for e in table] == [
        ("65/2025/QH15", "replaced", "72/2025/QH15", "2025-06-16")]


def test_settling_drops_contradictions_and_chains_a_second_replacer():
    rows = [Event("77/2015/QH13", "replaced", "65/2025/QH15", "2025-02-19", "2025-03-01", "hand"),
            Event("77/2015/QH13", "replaced", "72/2025/QH15", "2025-06-16", "2025-06-16", "laws.tsv"),
            Event("10/2020/NĐ-CP", "replaced", "5/2019/NĐ-CP", None, "2021-01-01", "corpus"),  # older replacer
            Event("11/2020/NĐ-CP", "replaced", "6/2021/NĐ-CP", "2021-05-01", "2021-03-01", "corpus")]  # before issued
    table, notes = settle(rows, {})
    assert {(e.symbol, e.by, e.start) for e in table} == {("77/2015/QH13", "65/2025/QH15", "2025-03-01"),
                                                          ("65/2025/QH15", "72/2025/QH15", "2025-06-16")}
    assert sum(n.startswith("dropped") for n in notes) == 2 and any(n.startswith("chained") for n in notes)
    assert validity.check(table) == {"rows": [], "cycles": [], "two replacers": []}


def test_check_finds_cycles_and_bad_rows():
    rows = [Event("1/2020/NĐ-CP", "replaced", "2/2021/NĐ-CP", None, "2021-01-01", "x"),
            Event("2/2021/NĐ-CP", "replaced", "3/2022/NĐ-CP", None, "2022-01-01", "x"),
            Event("3/2022/NĐ-CP", "replaced", "1/2020/NĐ-CP", None, "2023-01-01", "x"),
            Event("50/2015/QH13", "replaced", "9/2024/QH15", "2019-01-01", "2024-01-01", "x")]
    report = validity.check(rows)
    assert len(report["cycles"]) == 1
    assert any("older" in r for r in report["rows"]) and any("legislature" in r for r in report["rows"])
