from hypothesis import given
from hypothesis import strategies as st

from nlp.text import fold, fold_lower, normalize, slug, strip_diacritics


def test_fold_removes_marks_and_keeps_case():
    assert fold("Kế hoạch số 58/KH-UBND Quảng Ngãi ĐỀ ÁN") == "Ke hoach so 58/KH-UBND Quang Ngai DE AN"


def test_fold_maps_ocr_lookalikes():
    assert fold_lower("K¢ hoach") == "ke hoach"
    assert fold("QÐ") == "QD"


@given(st.text())
def test_fold_is_same_length(text):
    assert len(fold(text)) == len(text)
    assert len(fold_lower(text)) == len(text)


def test_normalize_places_tone_marks_and_keeps_everything_else():
    text = "hoà thuý  57-NQ/TW\nKế hoạch  s6 58/KH-UBND"
    assert normalize(text) == "hòa thúy  57-NQ/TW\nKế hoạch  s6 58/KH-UBND"


def test_normalize_composes_nfd():
    decomposed = "Quản\u0309g"  # not a real word: a combining mark after NFC stays, nothing is lost
    assert normalize("Qua\u0309ng Nga\u0303i") == "Quảng Ngãi"
    assert normalize(decomposed).startswith("Quả")


def test_slug_and_strip():
    assert slug("1588/QĐ-TTg") == "1588-qd-ttg"
    assert slug("819/SKHCN-BCVT&CĐS") == "819-skhcn-bcvt-cds"
    assert strip_diacritics("Đề án") == "De an"
