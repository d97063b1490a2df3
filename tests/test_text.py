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


def test_normalize_rewrites_whole_words_only():
    # `hoà` becomes `hòa` wherever it stands as a word; inside `xhoà` or `hoàa` (no words to normalise) nothing moves
    assert normalize("hoà, xhoà hoàa (hoà)\nthuý athuý") == "hòa, xhoà hoàa (hòa)\nthúy athuý"
    assert normalize("Kế hoạch số 58") == "Kế hoạch số 58"  # nothing to place: the text as it came


_NORMALIZE_LETTERS = "hoàáảthuýúyòóỏoaèẻeHOÀTHUÝqk đĐ-.,/5\n"


@given(st.text(alphabet=_NORMALIZE_LETTERS, max_size=60))
def test_normalize_is_the_word_by_word_normaliser(text):
    """Rewriting each distinct word once gives what normalising every word where it stands gives."""
    from nlp import text as module

    word_by_word = module._WORD.sub(lambda m: module._modern_tone(m.group(0)), module.nfc(text))
    assert normalize(text) == word_by_word


_CONTROLS = ["a", "ệ", "\r\n", "\r", "\n", "\x02", "\x0b", "\x00", "\x1f", "\x85", "\x9f", "\ufffe", "\uffff", "\u2028",
             "\t", "\f", "\ud800", " "]


@given(st.lists(st.sampled_from(_CONTROLS), max_size=30).map("".join))
def test_clean_controls_maps_every_control_character(text):
    from nlp.text import _CONTROL_MAP, clean_controls

    expected = text.replace("\r\n", "\n").translate(_CONTROL_MAP)
    expected = "".join(ch for ch in expected if not "\ud800" <= ch <= "\udfff")
    assert clean_controls(text) == expected


@given(st.text(min_size=1, max_size=40).map(lambda piece: piece * 100))
def test_fold_of_a_long_text_is_the_character_by_character_fold(text):
    """A document is folded as an array (`_fold_long`): the same as folding it character by character."""
    from nlp.text import _fold_table

    assert fold(text) == text.translate(_fold_table())


def test_fold_of_a_long_text_with_a_lone_surrogate():
    text = ("Kế hoạch \udc8d số 58 Ð ¢ \u0301 " * 200)
    assert fold(text) == ("Ke hoach \udc8d so 58 D e \u0300 " * 200)


@given(st.text(alphabet="0123456789lo ab/-.ĐÔ", max_size=24))
def test_fold_for_matching_reads_l_and_o_in_numbers_as_digits(text):
    """The shortcut (no letter beside a digit: nothing to change) gives what the full substitution gives."""
    import re

    from nlp.refs.repair import _NUMBERISH, fold_for_matching
    from nlp.text import fold_lower

    full = _NUMBERISH.sub(lambda m: m.group(0).replace("l", "1").replace("o", "0"), fold_lower(text))
    assert fold_for_matching(text) == full and len(full) == len(text)
    if re.fullmatch(r"\d[lo]\d", text):  # a number OCR misread: read back (`2o2` → `202`)
        assert fold_for_matching(text).isdigit()
