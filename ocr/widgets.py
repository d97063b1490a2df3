"""What a PDF draws over its pages in annotations: stamps, signature boxes, and the fields an e-office system types in.

Signed PDFs of Vietnamese administrations carry signature *widgets* whose appearance is part of what a person sees:
the publication centre's stamp (its name, e-mail and time), the digital-signature box (who signed, when), the
issuing body's seal, and — on born-digital letters — the number and the day that the e-office system typed into the
printed blanks `Số:   /TB-UBND` and `ngày   tháng`. None of it is in the page's text layer or in the scanned image.

Each widget is rendered alone (the page with forms drawn, less the page without them) and read apart: a stamp or a
signature box becomes an overlay, metadata kept out of the body text; a short typed field is put back into the text
where it sits on the page (after the printed `Số:`, before `/TB-UBND`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Widget:
    """One annotation's own drawing, in the pixels of the page image as rendered (before any preprocessing)."""

    bbox: tuple[int, int, int, int]  # x0, y0, x1, y1 of `image` on the page
    image: np.ndarray  # gray: the widget's ink on white

    @property
    def ink_box(self) -> tuple[int, int, int, int]:
        """The box of what the widget draws (its rectangle is often much wider), on the page."""
        ys, xs = np.nonzero(self.image < 160)
        if not len(xs):
            return self.bbox
        x, y = self.bbox[:2]
        return (x + int(xs.min()), y + int(ys.min()), x + int(xs.max()) + 1, y + int(ys.max()) + 1)

    def padded(self, margin: int = 24) -> np.ndarray:
        """The drawing to read, on a white margin (Tesseract reads a tight crop badly), its round seal left out:
        beside a seal, Tesseract's page segmentation takes the whole stamp for a picture and reads none of it."""
        return np.pad(without_seals(self.image), margin, constant_values=255)


def without_seals(image: np.ndarray) -> np.ndarray:
    """A widget's drawing with its round seal (a circle nearly as tall as the drawing) whitened."""
    import cv2

    h, w = image.shape[:2]
    if min(h, w) < 60:
        return image
    blurred = cv2.GaussianBlur(image, (5, 5), 1.5)
    circles = cv2.HoughCircles(blurred, cv2.HOUGH_GRADIENT, dp=1.5, minDist=h, param1=120, param2=60,
                               minRadius=int(0.3 * h), maxRadius=int(0.6 * h))
    if circles is None:
        return image
    from .preprocess import is_round_seal

    _, binary = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    out = image
    for cx, cy, r in circles[0]:
        x0, y0 = max(0, int(cx - r * 1.08)), max(0, int(cy - r * 1.08))
        x1, y1 = int(cx + r * 1.08) + 1, int(cy + r * 1.08) + 1
        if not is_round_seal(binary[y0:y1, x0:x1]):  # a circle Hough found in text: ink in the corners too
            continue
        if out is image:
            out = image.copy()
        out[y0:y1, x0:x1] = 255
    return out


def plain(text: str) -> str:
    """Lower case without diacritics (đ → d): what the overlay patterns are written against."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)).lower()


_SIGNATURE = re.compile(r"\b(ky boi|thoi gian ky|ngay ky\s*:|signed by|signature valid|nguoi ky)\b")
_PUBLICATION = re.compile(r"cong\s*bao|tin\s*hoc|@[\w.-]+\.gov\.vn|\b\d{1,2}\.\d{1,2}\.\d{4}\s+\d{1,2}:\d{2}(:\d{2})?")
_FIELD = re.compile(r"[\w/.\-]{1,12}")


def kind_of(lines: list[str], ink_fraction: float) -> str:
    """`signature` (a digital-signature box), `publication` (the Công báo centre's stamp), `field` (a short typed
    value: a number, a day), `stamp` (other text) or `seal` (a drawing without text)."""
    text = "\n".join(line.strip() for line in lines if line.strip())
    folded = plain(text)
    if _SIGNATURE.search(folded):
        return "signature"
    if _PUBLICATION.search(folded):
        return "publication"
    if not text:
        return "seal"
    words = text.split()
    if len(words) <= 2 and all(_FIELD.fullmatch(w) for w in words) and any(ch.isdigit() for ch in text):
        return "field"
    return "stamp" if ink_fraction < 0.2 else "seal"


def insertion_point(chars: list[tuple[str, tuple[float, float, float, float]]], box: tuple[float, float, float, float],
                    ) -> int | None:
    """Where a typed field drawn at `box` belongs in a text layer whose characters have these boxes (same pixels):
    before the first character of its line that lies right of the field's middle. None when no line of the layer
    shares its height."""
    x0, y0, x1, y1 = box
    middle, height = (x0 + x1) / 2, max(1.0, y1 - y0)
    best: int | None = None
    line_end: int | None = None
    for index, (ch, (cx0, cy0, cx1, cy1)) in enumerate(chars):
        if ch in "\r\n" or cy1 <= cy0:
            continue
        overlap = min(y1, cy1) - max(y0, cy0)
        if overlap < 0.4 * min(height, cy1 - cy0):
            continue
        if cx0 >= middle and (best is None or cx0 < chars[best][1][0]):
            best = index
        if cx1 <= middle:
            line_end = index + 1
    return best if best is not None else line_end


def merge_fields(text: str, chars: list[tuple[str, tuple[float, float, float, float]]],
                 fields: list[tuple[str, tuple[float, float, float, float]]]) -> str:
    """The text layer with each typed field's text put where the field sits (`Số: /TB-UBND` → `Số: 11 /TB-UBND`).
    `chars` are the layer's characters with their boxes, index for index with `text`."""
    inserts = []
    for value, box in fields:
        at = insertion_point(chars, box)
        if at is not None:
            inserts.append((at, value))
    for at, value in sorted(inserts, reverse=True):
        before, after = text[:at], text[at:]
        text = before.rstrip(" ") + " " + value + " " + after.lstrip(" ")
    return text
