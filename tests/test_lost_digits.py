"""A number OCR read with a digit lost (issue 21): `ngày 2` in a box two digits wide, where the page prints 25. The
word is found by its box (`ocr.lost_digits`), and a reference's date that holds it is left unread rather than
taken wrong (`nlp.extract`); the same date read in a box of its width stays."""

from nlp.extract import extract
from ocr.lost_digits import wide_numbers

HEAD = "BỘ NỘI VỤ\nSố: 12/QĐ-BNV\nHà Nội, ngày 07 tháng 10 năm 2024\nQUYẾT ĐỊNH\n"
BODY = "Xét đề nghị tại Tờ trình số 503/TTr-BNV ngày 2\ntháng 9 năm 2024 của Bộ Nội vụ."


def boxes(text: str, widths: dict[str, int]) -> list[tuple[int, int, int, tuple[int, int, int, int]]]:
    """Word spans of `text` on one page, each word 28 pixels a character wide unless `widths` says otherwise."""
    out, x, at = [], 0, 0
    for word in text.split():
        start = text.index(word, at)
        at = start + len(word)
        width = widths.get(word, 28 * len(word))
        out.append((start, at, 1, (x, 0, x + width, 40)))
        x += width + 12
    return out


def test_a_digit_in_a_box_two_digits_wide_is_doubtful():
    text = HEAD + BODY
    spans = boxes(text, {"2": 59})
    assert [text[a:b] for a, b in wide_numbers(text, spans)] == ["2"]
    assert wide_numbers(text, boxes(text, {})) == ()  # the same words in boxes of their width
    assert wide_numbers(text, boxes(text, {"1": 10})) == ()  # a narrow 1 is never too wide


def test_a_page_with_too_few_numbers_says_nothing():
    text = "ngày 2 tháng 9"
    assert wide_numbers(text, boxes(text, {"2": 90})) == ()


def test_a_date_holding_a_doubtful_number_is_not_taken():
    text = HEAD + BODY
    doubtful = wide_numbers(text, boxes(text, {"2": 59}))
    (ref,) = extract(text, doubtful).references
    assert (ref.symbol, ref.date) == ("503/TTr-BNV", None)
    (ref,) = extract(text).references  # without the boxes' word, the date as read
    assert ref.date == "2024-09-02"


def test_a_doubtful_number_elsewhere_leaves_the_date():
    text = HEAD + BODY + "\nTổng cộng 7 đơn vị."
    doubtful = wide_numbers(text, boxes(text, {"7": 70}))
    assert [text[a:b] for a, b in doubtful] == ["7"]
    (ref,) = extract(text, doubtful).references
    assert ref.date == "2024-09-02"
