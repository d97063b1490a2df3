import cv2
import numpy as np
import pytest

from ocr.preprocess import estimate_skew, lines_vertical, noise_level, prepare, split_colour, text_height, turn

from .scans import bgr, pages


@pytest.fixture(scope="module")
def clean():
    return bgr(pages("058-KH-UBND-quangngai.txt", dpi=300)[0])


@pytest.mark.parametrize("angle", [-6.0, -2.5, 3.0, 8.0])
def test_skew_is_measured(angle):
    page = bgr(pages("058-KH-UBND-quangngai.txt", dpi=200, skew=angle)[0])
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    assert estimate_skew(gray) == pytest.approx(-angle, abs=0.3)


def test_straight_page_is_left_alone(clean):
    assert abs(estimate_skew(cv2.cvtColor(clean, cv2.COLOR_BGR2GRAY))) < 0.1
    assert prepare(clean).notes == ()


def test_page_on_its_side_is_detected(clean):
    gray = cv2.cvtColor(clean, cv2.COLOR_BGR2GRAY)
    assert lines_vertical(turn(gray, 1)) and not lines_vertical(gray)


def test_red_seal_is_lifted_but_the_text_under_it_stays():
    plain = bgr(pages("058-KH-UBND-quangngai.txt", dpi=300)[-1])
    sealed = bgr(pages("058-KH-UBND-quangngai.txt", dpi=300, seal=True, seal_over_text=True)[-1])
    gray, ink, fraction = split_colour(sealed)
    assert ink is not None and fraction > 0.001
    reference = cv2.cvtColor(plain, cv2.COLOR_BGR2GRAY)
    text_pixels = reference < 128
    # every dark text pixel of the clean page is still dark after the seal is lifted
    assert (gray[text_pixels] < 160).mean() > 0.98
    # and what is left that is dark is (almost) only text
    assert ((gray < 128) & ~cv2.dilate(text_pixels.astype(np.uint8), np.ones((5, 5))).astype(bool)).sum() < 300


def test_low_resolution_is_upscaled_and_noise_measured():
    low = bgr(pages("058-KH-UBND-quangngai.txt", dpi=150)[0])
    gray = cv2.cvtColor(low, cv2.COLOR_BGR2GRAY)
    assert text_height(gray) < 22
    assert prepare(low).scale > 1.5
    noisy = bgr(pages("058-KH-UBND-quangngai.txt", dpi=300, noise=15.0)[0])
    assert noise_level(cv2.cvtColor(noisy, cv2.COLOR_BGR2GRAY)) > 6
    assert any("denoised" in n for n in prepare(noisy).notes)
