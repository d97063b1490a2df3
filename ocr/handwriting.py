"""Handwritten digits in a region of a page: the number and the day written by hand into a letter's printed blanks.

Tesseract's print models read a pen's `84` as `#4` and `05` as `0``; here the ink of the region is separated into
digits and each is read by `ocr.digits`, a classifier trained for handwriting. The region is given in the pixels of
the page as loaded (the caller knows where the blank is); blue and black ink are read alike (the darkest channel),
printed punctuation beside the blank (a colon, the slash of `/QĐ-UBND`) is left out by size and by the junk class.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import digits


@dataclass(frozen=True)
class DigitReading:
    text: str  # the digits read, left to right ("" when none)
    confidence: float  # the product of each digit's probability
    digits: tuple[tuple[str, float], ...]  # each digit and its probability
    alternatives: tuple[tuple[str, float], ...]  # other readings, most probable first (the evidence may choose)
    box: tuple[int, int, int, int] | None  # the ink read, in the page's pixels
    distributions: tuple[tuple[float, ...], ...] = ()  # each digit's probabilities of 0–9

    def probability(self, text: str) -> float:
        """How probable a reading of this many digits is, digit by digit."""
        if len(text) != len(self.distributions) or not text.isdigit():
            return 0.0
        p = 1.0
        for ch, dist in zip(text, self.distributions):
            p *= dist[int(ch)]
        return p


def characters(page: np.ndarray, box: tuple[int, int, int, int]) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Tesseract's characters of one word (`box` in the page's pixels) with their boxes, in the page's pixels:
    where OCR ran the printed words and the pen's digits into one word (`ngày16tháng`), the boxes of its printed
    letters say where the handwriting begins and ends."""
    import pytesseract

    from .tesseract import LANG

    h, w = page.shape[:2]
    x0, y0, x1, y1 = max(0, box[0]), max(0, box[1]), min(w, box[2]), min(h, box[3])
    if x1 - x0 < 4 or y1 - y0 < 4:
        return []
    crop = page[y0:y1, x0:x1]
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    pad = 20
    padded = cv2.copyMakeBorder(gray, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    out = []
    for line in pytesseract.image_to_boxes(padded, lang=LANG, config="--oem 1 --psm 7").splitlines():
        parts = line.split(" ")
        if len(parts) < 5:
            continue
        ch, left, bottom, right, top = parts[0], *(int(v) for v in parts[1:5])
        ph = padded.shape[0]
        out.append((ch, (x0 + left - pad, y0 + ph - top - pad, x0 + right - pad, y0 + ph - bottom - pad)))
    return out


def coloured_ink(crop: np.ndarray) -> np.ndarray | None:
    """The pen's strokes where they differ in colour from the print: saturated ink that is not a seal's red
    (blue and violet ballpoint, green), as a binary image; None for a gray crop."""
    if crop.ndim != 3:
        return None
    hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV)
    mask = cv2.inRange(hsv, (25, 60, 30), (160, 255, 235))  # hue past red and orange, before magenta-red
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))


def _ink(crop: np.ndarray) -> np.ndarray:
    """Darkness of the darkest channel (blue ballpoint is dark in red and green), binarised by Otsu."""
    darkest = crop if crop.ndim == 2 else cv2.min(cv2.min(crop[:, :, 0], crop[:, :, 1]), crop[:, :, 2])
    darkness = 255 - darkest
    if int(darkness.max()) < 60:
        return np.zeros(darkness.shape, np.uint8)
    threshold, binary = cv2.threshold(darkness, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    if threshold < 50:  # a nearly empty crop: Otsu splits the paper's grain
        _, binary = cv2.threshold(darkness, 90, 255, cv2.THRESH_BINARY)
    return binary


def _without_rules(binary: np.ndarray, line_height: float) -> np.ndarray:
    """The ink less long thin horizontal strokes: the rule under the letterhead, a dotted blank, an underline."""
    length = max(8, int(1.8 * line_height))  # longer than the flag of a handwritten 5 or 7
    thick = cv2.dilate(binary, np.ones((3, 1), np.uint8))  # a rule scanned slightly askew is still one run
    rules = cv2.morphologyEx(thick, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    if not rules.any():
        return binary
    rules = cv2.dilate(rules, np.ones((3, 1), np.uint8))
    return cv2.bitwise_and(binary, cv2.bitwise_not(rules))


def _groups(binary: np.ndarray, line_height: float) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of the marks that may be digits: connected strokes, the pieces of one digit joined
    (a 5's flag, a 4 in two strokes), marks too small for a handwritten digit dropped."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    width = binary.shape[1]
    boxes = []
    for k in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[k])
        if area < 0.01 * line_height ** 2 or max(w, h) < 0.18 * line_height:
            continue
        if x + w >= width and w < 0.35 * line_height or x == 0 and w < 0.35 * line_height and h < 0.6 * line_height:
            continue  # a printed letter cut by the region's edge ("ngày", "tháng", the slash of "/QĐ")
        boxes.append([x, y, x + w, y + h])
    boxes.sort()
    merged: list[list[int]] = []
    for box in boxes:
        if merged:
            last = merged[-1]
            overlap = min(last[2], box[2]) - max(last[0], box[0])
            narrower = min(last[2] - last[0], box[2] - box[0])
            heights = sorted((last[3] - last[1], box[3] - box[1]))
            # a piece of the same digit (a 5's flag, a 4's other stroke) lies over it and is the shorter one; two
            # marks of full height side by side are two digits, however slanted (a 1 leaning over the next 6)
            if overlap > 0.5 * narrower and heights[0] < 0.75 * heights[1]:
                merged[-1] = [min(last[0], box[0]), min(last[1], box[1]), max(last[2], box[2]), max(last[3], box[3])]
                continue
        merged.append(box)
    tall = [b for b in merged if b[3] - b[1] >= 0.45 * line_height]
    if tall:  # the digits of one number are written alike: a much smaller mark is the printed text's or a speck
        tallest = max(b[3] - b[1] for b in tall)
        tall = [b for b in tall if b[3] - b[1] >= 0.55 * tallest]
    return [tuple(b) for b in tall]  # type: ignore[misc]


def _split_wide(binary: np.ndarray, box: tuple[int, int, int, int], line_height: float,
                ) -> list[tuple[int, int, int, int]]:
    """Digits written touching each other: a mark much wider than a digit is cut at its thinnest columns."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    parts = int(round(width / max(1.0, 0.72 * height)))
    if parts < 2 or width < 1.15 * height:
        return [box]
    profile = (binary[y0:y1, x0:x1] > 0).sum(axis=0)
    cuts = []
    for k in range(1, parts):
        centre = int(k * width / parts)
        lo, hi = max(1, centre - width // (3 * parts)), min(width - 1, centre + width // (3 * parts))
        cuts.append(lo + int(np.argmin(profile[lo:hi])) if hi > lo else centre)
    edges = [0, *cuts, width]
    return [(x0 + a, y0, x0 + b, y1) for a, b in zip(edges, edges[1:]) if b - a > 2]


def _colour_in_blank(pen: np.ndarray, dark: np.ndarray, blank: tuple[int, int]) -> bool:
    """Within the wide crop, is the share of dark pixels that are coloured at least twice as high between the
    blank's columns as outside them (where the printed words are)?"""
    a, b = max(0, blank[0]), min(pen.shape[1], blank[1])
    if b <= a:
        return True
    inside = cv2.countNonZero(pen[:, a:b]) / max(1, cv2.countNonZero(dark[:, a:b]))
    out_pen = cv2.countNonZero(pen) - cv2.countNonZero(pen[:, a:b])
    out_dark = cv2.countNonZero(dark) - cv2.countNonZero(dark[:, a:b])
    outside = out_pen / out_dark if out_dark > 0.05 * max(1, cv2.countNonZero(dark)) else 0.0
    return inside >= 2 * outside


def read_digits(page: np.ndarray, region: tuple[int, int, int, int], line_height: float,
                wide: tuple[int, int, int, int] | None = None) -> DigitReading:
    """The handwritten digits inside `region` (x0, y0, x1, y1 in the pixels of `page`, BGR or gray);
    `line_height`: the height of the printed letters around it (capitals), which scales every judgement.

    When the pen's ink has a colour of its own (blue ballpoint on black print), the strokes are taken by colour
    alone, from the `wide` region if one is given (the pen often overlaps the printed words beside the blank);
    otherwise every dark stroke of `region` counts."""
    h, w = page.shape[:2]
    empty = DigitReading("", 0.0, (), (), None)
    binary = None
    if wide is not None:
        x0, y0, x1, y1 = max(0, wide[0]), max(0, wide[1]), min(w, wide[2]), min(h, wide[3])
        crop = page[y0:y1, x0:x1]
        colour = coloured_ink(crop) if x1 - x0 >= 4 and y1 - y0 >= 4 else None
        if colour is not None:
            dark = _ink(crop)
            pen = cv2.bitwise_and(colour, dark)
            strokes = cv2.countNonZero(pen)
            # the pen's own colour, not the colour fringes a JPEG or a scanner's colour cast leaves round black
            # strokes: a good share of the region's dark pixels, enough of them for a digit, and far more of the
            # blank's own dark pixels coloured than of the printed words' beside it
            if strokes >= 0.15 * cv2.countNonZero(dark) and strokes >= 0.12 * line_height ** 2 and \
                    _colour_in_blank(pen, dark, (region[0] - x0, region[2] - x0)):
                binary = pen
    if binary is None:
        x0, y0, x1, y1 = max(0, region[0]), max(0, region[1]), min(w, region[2]), min(h, region[3])
        if x1 - x0 < 4 or y1 - y0 < 4:
            return empty
        binary = _ink(page[y0:y1, x0:x1])
    binary = _without_rules(binary, line_height)
    boxes = [part for box in _groups(binary, line_height) for part in _split_wide(binary, box, line_height)]
    if not boxes:
        return empty
    probabilities = digits.model().read([binary[b[1] : b[3], b[0] : b[2]] for b in boxes])
    read: list[tuple[str, float, np.ndarray]] = []
    kept: list[tuple[int, int, int, int]] = []
    for box, p in zip(boxes, probabilities):
        if int(np.argmax(p)) == digits.JUNK:
            continue
        best = int(np.argmax(p[: digits.JUNK]))
        read.append((digits.LABELS[best], float(p[best]), p[: digits.JUNK]))
        kept.append(box)
    if not read:
        return empty
    text = "".join(d for d, _, _ in read)
    confidence = float(np.prod([c for _, c, _ in read]))
    alternatives = []
    for k, (_, c, p) in enumerate(read):  # one digit changed: the runner-up where it is close
        order = np.argsort(p)[::-1]
        second = int(order[1])
        alt = text[:k] + digits.LABELS[second] + text[k + 1 :]
        alternatives.append((alt, confidence / max(c, 1e-9) * float(p[second])))
    alternatives.sort(key=lambda a: -a[1])
    box = (x0 + min(b[0] for b in kept), y0 + min(b[1] for b in kept), x0 + max(b[2] for b in kept),
           y0 + max(b[3] for b in kept))
    distributions = tuple(tuple(float(v) / max(float(p.sum()), 1e-9) for v in p) for _, _, p in read)
    return DigitReading(text, round(confidence, 4), tuple((d, round(c, 4)) for d, c, _ in read),
                        tuple((a, round(c, 4)) for a, c in alternatives[:3]), box, distributions)
