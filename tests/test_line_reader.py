"""The second reader of a handwritten number (issue 21): AsterOCR's line recogniser on the whole `Số: … /CODE` line
(`ocr.line_reader`), what a line reading says the number is (`nlp.blanks.line_number`), and how the two readers
decide together (`pipeline.handwritten._agreed_number`): a number is taken when they agree, never when two clean
readings differ."""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from nlp.blanks import line_month, line_number
from ocr.handwriting import DigitReading
from ocr.line_reader import read_line, read_views
from pipeline.handwritten import _agreed_number

from .scans import SERIF


def line_image(text: str, size: int = 40) -> np.ndarray:
    font = ImageFont.truetype(SERIF, size)
    width = int(font.getlength(text)) + 40
    image = Image.new("RGB", (width, size + 24), "white")
    ImageDraw.Draw(image).text((20, 10), text, font=font, fill="black")
    return np.asarray(image)[:, :, ::-1].copy()  # BGR, as the pipeline's pages are


def test_the_line_reader_reads_a_printed_number_line():
    reading = read_line(line_image("Số: 47/QĐ-UBND"))
    assert reading is not None and line_number(reading.text) == "47"
    assert len(reading.probabilities) == len(reading.text) and all(0 < p <= 1 for p in reading.probabilities)


def test_the_line_reader_says_nothing_of_an_empty_crop():
    assert read_line(np.zeros((2, 2, 3), np.uint8)) is None
    assert read_views(np.zeros((2, 2, 3), np.uint8)) == ()


def test_three_views_of_a_line_each_read():
    readings = read_views(line_image("Số: 47/QĐ-UBND"))
    assert len(readings) == 3 and [line_number(r.text) for r in readings].count("47") >= 2


def _views(monkeypatch, texts):
    from types import SimpleNamespace

    from pipeline import handwritten

    def reading(text):
        return SimpleNamespace(text=text, span_probability=lambda a, b: 0.9 if b > a else 0.0)

    monkeypatch.setattr(handwritten, "_line_readings", lambda loaded, blank, whole_line=False:
                        tuple(reading(t) for t in texts))
    return handwritten


@pytest.mark.parametrize("texts, number", [
    (("Số: 47/QĐ-UBND", "Số: 41/QĐ-UBND", "Số: 47 /QĐ-UBND"), ("47", 0.9)),  # two of three views
    (("Số: 47/QĐ-UBND", "Số: 41/QĐ-UBND", "số: A/qđ"), (None, 0.0)),  # one view each: no number
    (("Số: 47/QĐ-UBND",), (None, 0.0)),  # one view read at all
    ((), None),  # no reader
])
def test_the_line_number_is_what_two_views_read(monkeypatch, texts, number):
    assert _views(monkeypatch, texts)._line_number(None, None) == number


@pytest.mark.parametrize("texts, day_text", [
    (("ngày 9 tháng 3", "ngày O9 tháng 3", "ngày 9 tháng 3"), "ngày 9 tháng 3"),  # the day most views read
    (("ngàyA tháng 3", "ngày 22 tháng 3", "ngày X tháng 3"), "ngày 22 tháng 3"),  # the one view that reads a day
    (("ngày 19 tháng 3", "ngày 9 tháng 3", "ngàyA tháng 3"), ""),  # two days as often: no evidence
    (("ngàyA tháng 3", "ngày O9tháng 3", "ngày X tháng 3"), "ngày O9tháng 3"),  # look-alikes kept for the check
])
def test_the_date_line_is_read_as_most_views_read_its_day(monkeypatch, texts, day_text):
    assert _views(monkeypatch, texts)._line_day_text(None, None) == day_text


@pytest.mark.parametrize("reading, number", [
    ("Số: 47 /QĐ-UBND", "47"), ("Số:154/CTPH-LĐLĐ", "154"), ("Số: 2442QĐ-ĐHAG", "2442"),
    ("Số: 08 7CTUBND", "08"),  # the slash read as a 7
    ("Số: 2760b/QĐ-ĐHSPHN", "2760b"),
    ("Số: 513 /syt-nvD", "513"),  # after a real slash the code may be read in small letters
    ("Số: 3/2025/QĐ-UBND", "3"),  # a normative symbol: the year after the slash
    ("số: A/kh-dct", None),
    # look-alikes: what follows the label is not a clean number then a code
    ("s.6msmm", None), ("SỐ: UQ4/KH-SYTCĐN", None), ("só:09khTnm", None), ("Số: 87/1BdhkTcn", None), ("", None),
])
def test_the_number_a_line_reading_gives(reading, number):
    assert line_number(reading) == number


def digits(text: str, probs: list[float]) -> DigitReading:
    """A digit reading whose i-th digit has probability probs[i], the rest spread over the other digits."""
    dists = []
    for ch, p in zip(text, probs):
        dist = [(1 - p) / 9] * 10
        dist[int(ch)] = p
        dists.append(tuple(dist))
    return DigitReading(text, float(np.prod(probs)), tuple(zip(text, probs)), (), (0, 0, 1, 1), tuple(dists))


def test_two_readers_that_agree_are_taken_however_unsure_each_is():
    number, confidence, agrees = _agreed_number(digits("24", [0.9, 0.57]), ("24", 0.82))
    assert (number, agrees) == ("24", True) and confidence > 0.9


def test_two_clean_readings_that_differ_give_no_number():
    assert _agreed_number(digits("16636", [0.999, 0.999, 0.999, 0.93, 0.999]), ("169", 0.9)) is None
    assert _agreed_number(digits("224", [1.0, 1.0, 0.99]), ("221", 0.58)) is None


def test_the_digit_reader_alone_when_there_is_no_second_reader():
    assert _agreed_number(digits("666", [0.98, 0.98, 0.96]), None)[0] == "666"
    assert _agreed_number(digits("813", [1.0, 0.5, 1.0]), None) is None  # unsure and alone: unread


def test_a_line_read_without_a_clean_number_leaves_even_a_sure_digit_reader_alone_and_unread():
    # `83` at 0.99 where the pen wrote 753 and the line reader saw `số: A/kh-dct`: nothing agrees, no number
    assert _agreed_number(digits("83", [0.995, 0.995]), (None, 0.0)) is None


def test_an_unsure_digit_reader_takes_the_line_number_it_finds_likely():
    # `254` at 0.6 where the first digit could be a 1: the line's `154` is taken
    reading = digits("254", [0.62, 0.99, 0.99])
    dist = list(reading.distributions[0])
    dist[1], dist[2] = 0.35, 0.62
    reading = DigitReading(reading.text, reading.confidence, reading.digits, (), reading.box,
                           (tuple(dist),) + reading.distributions[1:])
    assert _agreed_number(reading, ("154", 0.9))[0] == "154"
    assert _agreed_number(reading, ("754", 0.9)) is None  # a number the ink does not support


def _read_in_child(queue, image):
    reading = read_line(image)
    queue.put(reading.text if reading else None)


def test_a_worker_forked_after_the_parent_read_a_line_reads_too():
    """A batch's workers are forked: a child must not use (and hang on) the session its parent loaded."""
    import multiprocessing

    image = line_image("Số: 47/QĐ-UBND")
    assert read_line(image) is not None  # the parent loads its session
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_read_in_child, args=(queue, image))
    child.start()
    child.join(60)
    hung = child.is_alive()
    if hung:
        child.kill()
    assert not hung and line_number(queue.get(timeout=5)) == "47"


@pytest.mark.parametrize("reading, day", [
    ("Kiên Giang, ngày 28 tháng 8 năm 2017", 28), ("Quảng Ngãi, ngày20 tháng 12 năm 2024", 20),
    ("Đà Nẵng, ngày 24 thángai năm 2022", 24),
    # look-alikes: letters where the digits should be, no day at all
    ("Kiên Giang ngày lO tháng 10", None), ("Quảng Ngãi, ngày47tháng 01 năm 2025", None), ("ngàyA háng", None),
])
def test_the_day_a_line_reading_gives(reading, day):
    from nlp.blanks import line_day

    assert line_day(reading) == day


@pytest.mark.parametrize("reading, month", [
    ("Kiên Giang, ngày 03 tháng 08 năm 2017", 8), ("Quảng Ngãi, ngày 04 tháng01 năm 2021", 1),
    ("Hà Nội, ngày 19 tháng 9 năm 2024", 9), ("Đà Nẵng, ngày 24 tháng 12, năm 2022", 12),
    # look-alikes that give no month: garbled, out of range, a day's digits, a year
    ("Đà Nẵng, ngày 24 thánga/ năm 2022", None), ("ngày 24 tháng 13 năm 2022", None),
    ("ngày 24 tháng năm 2022", None), ("ngày 24 tháng 8/2022", None), ("nhiều tháng 08 nămm", None),
])
def test_the_month_a_line_reader_read(reading, month):
    assert line_month(reading) == month


@pytest.mark.parametrize("texts, partial", [
    (("ngày 03 tháng 08 năm 2017",) * 3, "2017-08"),  # the three views agree
    (("ngày 03 tháng 08 năm 2017", "ngày 03 tháng 06 năm 2017", "ngày 03 tháng 08 năm 2017"), "2017"),  # two
    (("ngày 03 tháng 08 năm 2017",) * 2, "2017"),  # two views only
    (("ngày 03 tháng 12 năm 2017",) * 3, "2017"),  # after the signature (10/2017): not taken
])
def test_a_handwritten_month_is_what_all_three_views_read(monkeypatch, texts, partial):
    from dataclasses import replace

    from nlp.blanks import Blank
    from nlp.header import parse_header

    handwritten = _views(monkeypatch, texts)
    monkeypatch.setattr(handwritten, "_read", lambda loaded, blank: None)  # the digit reader reads nothing
    header = replace(parse_header("SỞ Y TẾ\nSố: 11/SYT-GAVI\nKiên Giang, ngày   tháng   năm 2017\n"),
                     date=None, date_partial="2017", signed_at="2017-10-02T09:00:00")
    blank = Blank("month", (0, 0), (0, 0), (0, 0), "")
    assert handwritten._month_from_handwriting(None, header, blank, {}).date_partial == partial


@pytest.mark.parametrize("texts, day", [
    (("Kiên Giang, ngày 03 tháng 08 năm 2017",) * 3, 3),  # the three views agree
    (("ngày 03 tháng 08 năm 2017", "ngày 08 tháng 08 năm 2017", "ngày 03 tháng 08 năm 2017"), None),  # two
    (("ngày 03 tháng 08 năm 2017",) * 2, None),  # two views only
    (("ngày 30 tháng 08 năm 2017",) * 3, None),  # after the signature (2017-08-10): not taken
    (("ngày O3 tháng 08 năm 2017",) * 3, None),  # look-alikes are no clean day
])
def test_a_handwritten_day_all_three_views_read(monkeypatch, texts, day):
    import datetime as dt

    handwritten = _views(monkeypatch, texts)
    assert handwritten._unanimous_day(None, None, 8, 2017, [dt.date(2017, 8, 10)], "633") == day
    if day is not None:  # one digit where the digit reader saw two: a digit lost (`ngày5` for 15), not taken
        assert handwritten._unanimous_day(None, None, 8, 2017, [dt.date(2017, 8, 10)], "13") is None
        assert handwritten._unanimous_day(None, None, 8, 2017, [dt.date(2017, 8, 10)], "03") == day
