"""Restoration in the pipeline: references read from the text as it came, prose and snippets restored."""

from pipeline.archive import store
from pipeline.process import Loaded, analyse, extract_loaded

from .test_references import SAMPLE_REFERENCES


def test_sample_with_and_without_restoration(sample_text):
    loaded = Loaded(text=sample_text, kind="text")
    plain = extract_loaded(loaded, restore=False)
    analysis = analyse(loaded)
    restored, restored_text = analysis.extraction, analysis.restored
    assert analysis.restored_map and all(a <= b and c <= d for a, b, c, d in analysis.restored_map)
    assert restored_text and "Chuyển đổi số" in restored_text
    # at least as good: the same ten documents with their dates
    assert {(r.symbol, r.date) for r in restored.references} == SAMPLE_REFERENCES
    assert {(r.symbol, r.date) for r in plain.references} == SAMPLE_REFERENCES
    # prose is readable, spans still index the text as it came
    assert "Chuyển đổi số" in restored.header.subject
    for ref in restored.references:
        for start, end in ref.spans:
            assert ref.symbol.split("/")[0].split("-")[0] in sample_text[start:end]
        assert "của" in ref.sentence or "về" in ref.sentence or "theo" in ref.sentence.lower()


def test_search_finds_the_restored_reading(demo_conn):
    hits = store.search_text(demo_conn, "chuyen doi so quoc gia")
    assert any(h["source"].endswith("819-SKHCN.txt") for h in hits)
    row = demo_conn.execute("SELECT text, restored_text FROM documents WHERE source LIKE '%819-SKHCN.txt'").fetchone()
    assert "Chuyén" in row["text"] and "Chuyển" in row["restored_text"]


def test_a_date_only_the_restored_text_shows_is_the_references():
    """`ngày 22 tháng II năm 2019`: the text as it came gives the reference no date; restored, the month is 11."""
    text = ("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Cán bộ, công chức số 52/2019/QH14 ngày 25 tháng II "
            "năm 2019;\nCăn cứ Quyết định số 15/QĐ-UBND ngày 03/02/2025 của UBND tỉnh;")
    plain = extract_loaded(Loaded(text=text, kind="text"), restore=False)
    restored = analyse(Loaded(text=text, kind="text")).extraction
    assert ("52/2019/QH14", None) in {(r.symbol, r.date) for r in plain.references}
    found = {r.symbol: r for r in restored.references}
    assert found["52/2019/QH14"].date == "2019-11-25" and found["52/2019/QH14"].id.endswith("2019-11-25")
    assert found["15/QĐ-UBND"].date == "2025-02-03"
