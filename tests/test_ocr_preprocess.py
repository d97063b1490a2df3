import cv2
import numpy as np
import pytest

from ocr.preprocess import (
    estimate_skew,
    ink_regions,
    lines_vertical,
    noise_level,
    prepare,
    split_colour,
    text_height,
    turn,
    upside_down,
)

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


@pytest.mark.parametrize("letter", ["058-KH-UBND-quangngai.txt", "2150-SKHCN-CDS-nghean.txt"])
def test_upside_down_page_is_detected_before_ocr(letter):
    gray = cv2.cvtColor(bgr(pages(letter, dpi=200)[0]), cv2.COLOR_BGR2GRAY)
    assert upside_down(turn(gray, 2)) and not upside_down(gray)
    assert prepare(turn(gray, 2)).rotation == 180 and prepare(gray).rotation == 0


def test_blank_page_is_not_judged_upside_down():
    assert not upside_down(np.full((1200, 900), 255, np.uint8))


def test_stamps_are_ink_regions_round_seals_are_not():
    stamped = bgr(pages("058-KH-UBND-quangngai.txt", dpi=300, seal=True, stamp=True, signature_box=True)[0])
    _, ink, _ = split_colour(stamped)
    assert ink is not None
    _, binary = cv2.threshold(ink, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    regions = ink_regions(binary)
    assert regions and all(not 0.8 < w / h < 1.25 for _, _, w, h in regions)  # boxes, not the seal
    seal_only = bgr(pages("058-KH-UBND-quangngai.txt", dpi=300, seal=True)[-1])
    assert split_colour(seal_only)[1] is None


def test_page_on_its_side_is_detected(clean):
    gray = cv2.cvtColor(clean, cv2.COLOR_BGR2GRAY)
    assert lines_vertical(turn(gray, 1)) and not lines_vertical(gray)


def test_red_seal_is_lifted_but_the_text_under_it_stays():
    plain = bgr(pages("058-KH-UBND-quangngai.txt", dpi=300)[-1])
    sealed = bgr(pages("058-KH-UBND-quangngai.txt", dpi=300, seal=True, seal_over_text=True)[-1])
    gray, ink, fraction = split_colour(sealed)
    assert fraction > 0.001
    assert ink is None  # a round seal alone: lifted, and no ink layer to read
    reference = cv2.cvtColor(plain, cv2.COLOR_BGR2GRAY)
    text_pixels = reference < 128
    # every dark text pixel of the clean page is still dark after the seal is lifted
    assert (gray[text_pixels] < 160).mean() > 0.98
    # and what is left that is dark is (almost) only text
    assert ((gray < 128) & ~cv2.dilate(text_pixels.astype(np.uint8), np.ones((5, 5))).astype(bool)).sum() < 300


def test_low_resolution_is_upscaled_and_noise_measured():
    low = bgr(pages("058-KH-UBND-quangngai.txt", dpi=100)[0])
    gray = cv2.cvtColor(low, cv2.COLOR_BGR2GRAY)
    assert text_height(gray) < 14
    assert prepare(low).scale > 1.5
    # 150 dpi letters (~15 px) read as well without enlargement, which would cost OCR time
    assert prepare(bgr(pages("058-KH-UBND-quangngai.txt", dpi=150)[0])).scale == 1.0
    grainy = bgr(pages("058-KH-UBND-quangngai.txt", dpi=300, noise=15.0)[0])
    assert 4 < noise_level(cv2.cvtColor(grainy, cv2.COLOR_BGR2GRAY)) < 11
    assert not any("denoised" in n for n in prepare(grainy).notes)  # light grain: the median filter would cost more
    noisy = bgr(pages("058-KH-UBND-quangngai.txt", dpi=300, noise=30.0)[0])
    assert noise_level(cv2.cvtColor(noisy, cv2.COLOR_BGR2GRAY)) > 11
    assert any("denoised" in n for n in prepare(noisy).notes)
