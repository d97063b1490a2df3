"""Handwritten digits read in a region of a page (ocr.handwriting, ocr.digits), in a hand the classifier never saw."""

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr import digits
from ocr.handwriting import coloured_ink, read_digits

HAND = Path("/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf")  # held out of the classifier's training
PRINT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
pytestmark = pytest.mark.skipif(not HAND.exists(), reason="fonts-humor-sans is installed by `make install`")


def blank(digits_text: str, ink=(35, 55, 175), angle: float = 0.0, printed: bool = True) -> tuple[np.ndarray, tuple]:
    """A header line at 300 dpi: `Số:` printed, the digits written in the blank (ink in RGB), `/QĐ-UBND` printed;
    returned as BGR, as OpenCV loads a page."""
    page = Image.new("RGB", (900, 200), "white")
    draw = ImageDraw.Draw(page)
    serif = ImageFont.truetype(str(PRINT), 58)
    if printed:
        draw.text((20, 70), "Số:", font=serif, fill=(0, 0, 0))
        draw.text((420, 70), "/QĐ-UBND", font=serif, fill=(0, 0, 0))
    hand = Image.new("RGBA", (300, 160), (255, 255, 255, 0))
    ImageDraw.Draw(hand).text((10, 10), digits_text, font=ImageFont.truetype(str(HAND), 88), fill=ink + (255,))
    hand = hand.rotate(angle, resample=Image.BICUBIC)
    page.paste(hand, (150, 25), hand)
    bgr = cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)
    return bgr, (120, 20, 425, 190)  # the region between "Số:" and "/QĐ-UBND"


@pytest.mark.parametrize("number", ["84", "1588", "27", "305", "96"])
@pytest.mark.parametrize("colour", ["blue", "black"])
def test_a_written_number_is_read(number, colour):
    page, region = blank(number, ink=(35, 55, 175) if colour == "blue" else (25, 25, 25), angle=4.0)
    reading = read_digits(page, region, line_height=52)
    assert reading.text == number, reading
    assert reading.confidence > 0.5 and reading.box is not None
    assert len(reading.digits) == len(number)


def test_printed_colon_and_slash_beside_the_blank_are_not_digits():
    page, _ = blank("5")
    # a region reaching back over the colon of "Số:" and cutting into the slash of "/QĐ" (the slash, cut by the
    # region's edge, and the colon's dots are no digits)
    for region in ((90, 20, 432, 190), (110, 20, 428, 190)):
        assert read_digits(page, region, line_height=52).text == "5", region


def test_an_empty_blank_reads_nothing():
    page, region = blank("", printed=True)
    reading = read_digits(page, region, line_height=52)
    assert reading.text == "" and reading.confidence == 0.0 and reading.box is None
    assert read_digits(page, (5, 5, 7, 7), line_height=52).text == ""  # a region too small to hold anything


def test_blue_ink_is_told_from_black_print():
    page, region = blank("61")
    colour = coloured_ink(page)
    assert colour is not None and colour[:, 150:400].any()  # the pen's strokes
    assert not colour[:, :120].any()  # the black print of "Số:"
    assert coloured_ink(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)) is None
    # taken by colour from a wide region that also holds printed letters, the digits alone are read
    reading = read_digits(page, region, line_height=52, wide=(0, 0, 900, 200))
    assert reading.text == "61"


def test_the_classifier_reads_held_out_font_digits():
    masks, labels = [], []
    font = ImageFont.truetype(str(HAND), 84)
    for d in range(10):
        image = Image.new("L", (160, 160), 0)
        ImageDraw.Draw(image).text((30, 20), str(d), font=font, fill=255)
        masks.append((np.asarray(image) > 128).astype(np.uint8))
        labels.append(d)
    model = digits.model()
    assert len(model.networks) == 2  # the digit as written and its strokes thinned
    predicted = model.read(masks).argmax(1)
    assert (predicted == np.asarray(labels)).mean() >= 0.9
    assert digits.normalise(np.zeros((10, 10), np.uint8)).sum() == 0
    assert digits.normalise(np.ones((30, 8), np.uint8), thin=True).max() > 0
