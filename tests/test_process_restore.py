"""Restoration in the pipeline: references read from the text as it came, prose and snippets restored."""

from pipeline import store
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
