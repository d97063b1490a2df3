"""A word of digits Tesseract read with a digit lost (its box wider than its digits) is read again alone
(`ocr.reread`): the new reading replaces it only when it keeps what was read and fits the box."""

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.layout import RawWord
from ocr.reread import read_again

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf"  # fonts-liberation2 (make system-deps)


def _page(tokens: list[tuple[str, str]]) -> tuple[np.ndarray, list[RawWord]]:
    """A line of printed numbers; each token is (ink drawn, what OCR is said to have read), its box the ink's."""
    font = ImageFont.truetype(FONT, 40)
    image = Image.new("L", (1400, 120), 255)
    draw = ImageDraw.Draw(image)
    words, x = [], 40
    for k, (ink, read) in enumerate(tokens):
        draw.text((x, 30), ink, font=font, fill=0)
        left, top, right, bottom = draw.textbbox((x, 30), ink, font=font)
        words.append(RawWord(read, 90.0, left, top, right - left, bottom - top, (1, 1, 1)))
        x = right + 40
    return np.asarray(image), words


def test_a_lost_digit_is_read_again_where_the_box_holds_it():
    gray, words = _page([("2024", "2024"), ("18", "18"), ("503", "503"), ("25", "2"), ("2025", "2025")])
    assert [w.text for w in read_again(gray, words)] == ["2024", "18", "503", "25", "2025"]


def test_a_reading_that_drops_what_was_read_or_a_box_that_fits_is_left_alone():
    # the box two digits wide, but the ink reads 75: the 2 that was read is not in it — no evidence either way
    gray, words = _page([("2024", "2024"), ("18", "18"), ("503", "503"), ("75", "2"), ("2025", "2025")])
    assert [w.text for w in read_again(gray, words)][3] == "2"
    # a single digit in a box one digit wide is never read again
    gray, words = _page([("2024", "2024"), ("18", "18"), ("503", "503"), ("7", "7"), ("2025", "2025")])
    assert [w.text for w in read_again(gray, words)] == ["2024", "18", "503", "7", "2025"]


def test_a_page_with_too_few_numbers_says_nothing():
    gray = np.full((60, 300), 255, np.uint8)
    words = [RawWord("2", 90.0, 10, 10, 80, 40, (1, 1, 1)), RawWord("2024", 90.0, 120, 10, 80, 40, (1, 1, 1))]
    assert read_again(gray, words) == words
