"""Phone photos of a page (ocr/photo.py): the page found, straightened and evenly lit before the usual pipeline;
a scan passes through untouched. Photos are made by corpus/scangen.py's `phone_photo` degradation."""

import json
import subprocess
import sys
import time

import cv2
import numpy as np
import pytest

from ocr.load import iter_pages
from ocr.photo import find_page, flatten

from .scans import bgr, pages

VANBAN = [sys.executable, "-m", "pipeline.cli"]
LETTER = "961-VP-KGVX-quangngai.txt"  # Số: 961/VP-KGVX, citing Kế hoạch số 58/KH-UBND ngày 10/10/2025 (1 page)


def _extract(path) -> dict:
    result = subprocess.run([*VANBAN, "extract", str(path), "--json"], capture_output=True, timeout=180)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def _photo(tmp_path, name: str, **degradation):
    (page,) = pages(LETTER, phone_photo=True, **degradation)
    path = tmp_path / name
    page.image.save(path, quality=90)
    return path


@pytest.mark.parametrize("cut", [False, True], ids=["whole-page", "bottom-edge-out-of-frame"])
def test_a_phone_photo_of_a_letter_is_read(tmp_path, cut):
    path = _photo(tmp_path, "photo.jpg", photo_cut=cut, seed=4 if cut else 1)  # raw, neither read: no 58/KH-UBND
    finding = find_page(cv2.imread(str(path)))
    assert finding.photo, finding.reason
    data = _extract(path)
    assert data["document"]["symbol"] == "961/VP-KGVX"
    cited = {(r["symbol"], r["date"]) for r in data["references"]}
    assert ("58/KH-UBND", "2025-10-10") in cited


def test_the_page_is_straightened_and_the_thumb_whitened(tmp_path):
    path = _photo(tmp_path, "photo.jpg", seed=3)
    photo = cv2.imread(str(path))
    flat = flatten(photo)
    h, w = flat.image.shape[:2]
    assert 1.25 < h / w < 1.6  # A4 (1.41), not the frame
    assert flat.dpi and 180 <= flat.dpi <= 320
    # the frame's dark table is gone: the page's rim is paper, and no skin is left on it
    rim = np.concatenate([flat.image[:, : w // 12].reshape(-1, 3), flat.image[:, -w // 30 :].reshape(-1, 3)])
    assert np.median(cv2.cvtColor(rim[None], cv2.COLOR_BGR2GRAY)) > 200
    hsv = cv2.cvtColor(flat.image[:, : w // 8], cv2.COLOR_BGR2HSV)
    skin = cv2.inRange(hsv, (0, 60, 60), (30, 255, 255))
    assert cv2.countNonZero(skin) < 0.002 * skin.size
    # light evened out: the paper is as white at the top as at the bottom, left as right
    gray = cv2.cvtColor(flat.image, cv2.COLOR_BGR2GRAY)
    quarters = [np.percentile(q, 90) for q in (gray[: h // 4], gray[-h // 4 :], gray[:, : w // 4], gray[:, -w // 4 :])]
    assert max(quarters) - min(quarters) < 20


def test_the_corners_are_found_on_a_plain_quadrilateral():
    """A white sheet with a text-like texture warped onto a dark desk: the corners found lie within 1.5% of the
    frame from where the sheet was put."""
    rng = np.random.default_rng(5)
    sheet = np.full((1400, 1000), 245, np.uint8)
    for y in range(150, 1250, 40):  # lines of "text"
        sheet[y : y + 14, 120 : 120 + int(rng.integers(500, 760))] = 60
    frame_size = (1600, 2200)
    corners = np.float32([[230, 180], [1400, 260], [1330, 1990], [160, 1900]])
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [1000, 0], [1000, 1400], [0, 1400]]), corners)
    frame = cv2.warpPerspective(sheet, matrix, frame_size, borderValue=70)
    finding = find_page(frame)
    assert finding.photo, finding.reason
    assert np.abs(np.float32(finding.quad) - corners).max() < 0.015 * max(frame_size)


@pytest.mark.parametrize("degradation", [
    dict(dpi=300, seal=True, signature_box=True, stamp=True),
    dict(dpi=200, skew=2.5, noise=6, jpeg=75, border=True),
    dict(dpi=150, blur=1.2, handwritten="blue", colour_fringes=True),
    dict(dpi=200, rotate=90, publication_stamp=True, portal_stamp=True),
], ids=["300dpi-seal-stamps", "200dpi-skew-noise-borders", "150dpi-blur-hand", "200dpi-on-its-side"])
def test_a_scan_passes_through_untouched(degradation):
    (page, *_) = pages(LETTER, **degradation)
    image = bgr(page)
    flat = flatten(image)
    assert not flat.finding.photo and flat.finding.reason.startswith("not a photo"), flat.finding.reason
    assert flat.image is image
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    assert flatten(gray).image is gray


def test_a_loaded_scan_is_byte_identical(tmp_path):
    (page, *_) = pages(LETTER, dpi=200, seal=True, border=True)
    path = tmp_path / "scan.png"
    page.image.save(path, dpi=(200, 200))
    (item,) = list(iter_pages(path))
    assert np.array_equal(item.image, bgr(page)) and item.dpi == 200


def test_the_judgement_on_a_scan_is_cheap():
    (page, *_) = pages(LETTER, dpi=300, seal=True)
    image = bgr(page)
    find_page(image)
    spent = []
    for _ in range(5):
        started = time.perf_counter()
        find_page(image)
        spent.append(time.perf_counter() - started)
    assert min(spent) < 0.05  # ~5–15 ms on a 300 dpi page; Tesseract then spends seconds on it
