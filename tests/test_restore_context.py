"""The restorer weighs the words its context makes likely (issue 22, item 8): sentences written for the test, each
beside a look-alike that must not change."""

from __future__ import annotations

import pytest

from nlp.restore import load_model, restore
from nlp.restore.context import LOOKALIKE_DIGITS, proposals, successors
from nlp.restore.decode import register


@pytest.fixture(scope="module")
def key():
    return register(load_model())


def _words(text: str) -> list[str]:
    return text.split()


def test_the_context_asks_for_dan_where_the_reading_looks_like_den():
    out = restore("Ké hoach s6 58/KH-UBND ngay 10/10/2025 cua Uy ban nhan dén tinh vé trién khai").text
    assert "của Ủy ban nhân dân tỉnh về triển khai" in out
    # look-alike: the same reading where `đến` is what the context asks for
    out = restore("Chuyén dbi s6 qudc gia dén nam 2030 va tam nhin dén nam 2045").text
    assert out == "Chuyển đổi số quốc gia đến năm 2030 và tầm nhìn đến năm 2045"


def test_a_number_of_look_alike_digits_is_the_word_the_context_asks_for():
    out = restore("(Mot 56 ni dung truyén théng tham khdo tai Phy luc kém theo)").text
    assert out.startswith("(Một số nội dung")
    # look-alikes: real numbers of the same digits stay numbers
    assert "có 56 xã" in restore("Toan tinh c6 56 xa, phuong da trién khai thyc hién dén nay").text
    assert "có 10 đơn vị" in restore("Nam 2025 tinh da c6 10 don vi hoan thanh Ké hoach").text
    assert "có 150 hồ sơ" in restore("Tong s6 c6 150 hd so dugc tiép nhan trong nam 2025").text


def test_good_text_and_names_are_left_as_they_are():
    for text in ("Ủy ban nhân dân tỉnh Quảng Ngãi đề nghị các sở, ban, ngành thực hiện.",
                 "Một số nội dung truyền thông tham khảo tại Phụ lục kèm theo.",
                 "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\nNguyễn Văn Hùng",
                 "Ông Trần Phước Hiền, Phó Chủ tịch Ủy ban nhân dân tỉnh, chủ trì cuộc họp."):
        assert restore(text).text == text
    # a garbled name keeps every one of its words (the restorer replaces words, it never drops one)
    out = restore("KT. GIAM DOC\nPHO GIAM DOC\nNguyén Van Hing").text
    assert _words(out.split("\n")[-1]) == ["Nguyễn", "Văn", "Hùng"]


def test_proposals_come_from_the_context_and_near_the_reading(key):
    model = load_model()
    ids = model.lm.ids
    likely = dict(successors(key, ids["ban"], ids["nhân"]))
    assert ids["dân"] in likely and likely[ids["dân"]] > -0.5
    found = proposals(key, "eng", "dén", ids["ban"], ids["nhân"], frozenset())
    assert [c.word for c in found] == ["dân"]
    # far from the reading: nothing proposed, however likely (`xyz` is no spelling of `dân`)
    assert proposals(key, "eng", "xyzq", ids["ban"], ids["nhân"], frozenset()) == ()
    # already a candidate: not proposed again
    assert proposals(key, "eng", "dén", ids["ban"], ids["nhân"], frozenset({ids["dân"]})) == ()


def test_only_numbers_of_look_alike_digits_are_open():
    assert LOOKALIKE_DIGITS.fullmatch("56") and LOOKALIKE_DIGITS.fullmatch("0")
    assert not LOOKALIKE_DIGITS.fullmatch("2025") and not LOOKALIKE_DIGITS.fullmatch("47")
