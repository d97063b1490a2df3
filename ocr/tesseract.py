"""Tesseract (`vie`) through pytesseract: words with confidences and boxes, arranged in reading order, with
overlays (digital-signature boxes, incoming-document stamps) read apart from the body text."""

from __future__ import annotations

import os
import re
import tempfile
import time

import cv2
import numpy as np
import pytesseract

from .layout import RawWord, arrange
from .models import Overlay, PageText, Word
from .preprocess import prepare, turn

LANG = "vie"
CONFIG = "--oem 1 --psm 3"

# Lines that belong to an overlay, not to the letter (matched without diacritics, case-insensitive).
_SIGNATURE_LINE = re.compile(r"\b(ky boi|thoi gian ky|ngay ky|signed by|signature valid)\b|^\s*(co quan|email)\s*:",
                             re.IGNORECASE)
_INCOMING_LINE = re.compile(r"\b(cv|cong van)\s*den\b|^\s*den\s*$|^\s*so\s*:?\s*\d{1,6}\s*$|"
                            r"^\s*ngay\s*:?\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\s*$|^\s*chuyen\s*:", re.IGNORECASE)


def _strip_marks(text: str) -> str:
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def ocr_words(gray: np.ndarray, *, lang: str = LANG, config: str = CONFIG) -> list[RawWord]:
    # handed to Tesseract as an uncompressed PGM file: pytesseract would otherwise PNG-compress the page first
    with tempfile.TemporaryDirectory(prefix="vanban-ocr-") as folder:
        path = os.path.join(folder, "page.pgm")
        cv2.imwrite(path, gray)
        data = pytesseract.image_to_data(path, lang=lang, config=config, output_type=pytesseract.Output.DICT)
    words = []
    for i, text in enumerate(data["text"]):
        if not text or not text.strip():
            continue
        conf = float(data["conf"][i])
        words.append(
            RawWord(
                text=text.strip(),
                conf=conf,
                left=int(data["left"][i]),
                top=int(data["top"][i]),
                width=int(data["width"][i]),
                height=int(data["height"][i]),
                key=(int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])),
            )
        )
    return words


def _compose(lines: list[list[RawWord]]) -> tuple[str, list[Word], list[tuple[int, int]], list[Overlay]]:
    """Text of the arranged lines (overlay lines set aside), its words and their offsets in the text."""
    parts: list[str] = []
    words: list[Word] = []
    offsets: list[tuple[int, int]] = []
    overlays: list[Overlay] = []
    pos = 0
    kinds = [_overlay_kind(" ".join(w.text for w in line)) for line in lines]
    # a stamp's lines come together: a lone "Số: 12" is only a stamp line next to "CV ĐẾN"
    for k, kind in enumerate(kinds):
        if kind == "incoming?":
            near = kinds[max(0, k - 2) : k + 3]
            kinds[k] = "incoming" if "incoming" in near else None
    prev_block = None
    for line, kind in zip(lines, kinds):
        line_text = " ".join(w.text for w in line)
        if not any(ch.isalnum() for ch in line_text):
            continue  # specks read as punctuation (a seal's remains, dust): not text
        if kind:
            box = (min(w.left for w in line), min(w.top for w in line), max(w.right for w in line),
                   max(w.top + w.height for w in line))
            overlays.append(Overlay(kind=kind, text=line_text, bbox=box))
            continue
        if parts:
            sep = "\n\n" if prev_block is not None and line[0].key[0] != prev_block else "\n"
            parts.append(sep)
            pos += len(sep)
        prev_block = line[0].key[0]
        for j, w in enumerate(line):
            if j:
                parts.append(" ")
                pos += 1
            parts.append(w.text)
            words.append(Word(text=w.text, conf=w.conf, bbox=(w.left, w.top, w.right, w.top + w.height),
                              block=w.key[0], line=len(offsets)))
            offsets.append((pos, pos + len(w.text)))
            pos += len(w.text)
    return "".join(parts), words, offsets, _merge_overlays(overlays)


def _overlay_kind(line: str) -> str | None:
    plain = _strip_marks(line)
    if _SIGNATURE_LINE.search(plain):
        return "signature"
    if re.search(r"\b(cv|cong van)\s*den\b", plain, re.IGNORECASE):
        return "incoming"
    if _INCOMING_LINE.search(plain):
        return "incoming?"
    return None


def _merge_overlays(lines: list[Overlay]) -> list[Overlay]:
    merged: dict[str, list[Overlay]] = {}
    for o in lines:
        merged.setdefault(o.kind, []).append(o)
    out = []
    for kind, items in merged.items():
        xs0, ys0, xs1, ys1 = zip(*(o.bbox for o in items if o.bbox))
        out.append(Overlay(kind=kind, text="\n".join(o.text for o in items),
                           bbox=(int(min(xs0)), int(min(ys0)), int(max(xs1)), int(max(ys1)))))
    return out


def _ink_overlays(ink: np.ndarray) -> list[Overlay]:
    """Read the coloured-ink layer (stamps, signature boxes) region by region; keep what reads as an overlay."""
    _, binary = cv2.threshold(ink, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    binary = cv2.dilate(binary, np.ones((25, 25), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary)
    overlays: list[Overlay] = []
    for k in range(1, count):
        x, y, w, h, area = stats[k]
        if w < 80 or h < 30 or area < 3000:
            continue
        if 0.8 < w / h < 1.25 and min(w, h) > 0.2 * max(ink.shape):
            continue  # a round seal, not a box of text: not worth an OCR pass
        crop = ink[y : y + h, x : x + w]
        words = ocr_words(crop, config="--oem 1 --psm 6")
        lines = arrange(words, crop.shape[1])
        for line in lines:
            text = " ".join(w.text for w in line)
            kind = _overlay_kind(text)
            if kind:
                overlays.append(Overlay(kind="incoming" if kind == "incoming?" else kind, text=text,
                                        bbox=(int(x), int(y), int(x + w), int(y + h))))
    return _merge_overlays(overlays)


def read_image(image: np.ndarray, page: int = 1, dpi: int = 300, skip: frozenset[str] = frozenset()) -> PageText:
    """OCR one page image (BGR or gray) into a PageText. `skip`: preprocessing steps to leave out (benchmark)."""
    started = time.perf_counter()
    prepared = prepare(image, dpi, skip)
    gray = prepared.gray
    words = ocr_words(gray)
    rotation = prepared.rotation
    confidence = _mean_conf(words)
    if confidence is not None and confidence < 60:
        # upside down (or on its side the other way): a half turn reads better
        turned = turn(gray, 2)
        other = ocr_words(turned)
        other_conf = _mean_conf(other)
        if other_conf is not None and other_conf > confidence + 10:
            gray, words, confidence = turned, other, other_conf
            rotation = (rotation + 180) % 360
    lines = arrange(words, gray.shape[1])
    text, page_words, offsets, overlays = _compose(lines)
    if prepared.colour_ink is not None:
        ink = prepared.colour_ink if rotation == prepared.rotation else turn(prepared.colour_ink, 2)
        found = {o.kind for o in overlays}
        overlays += [o for o in _ink_overlays(ink) if o.kind not in found]
    return PageText(
        page=page,
        text=text,
        mean_confidence=confidence,
        words=tuple(page_words),
        word_offsets=tuple(offsets),
        source="ocr",
        width=gray.shape[1],
        height=gray.shape[0],
        dpi=round(dpi * prepared.scale),
        rotation=rotation,
        skew=prepared.skew,
        overlays=tuple(overlays),
        seconds=round(time.perf_counter() - started, 3),
    )


def _mean_conf(words: list[RawWord]) -> float | None:
    confs = [w.conf for w in words if w.conf >= 0]
    return round(sum(confs) / len(confs), 1) if confs else None


def raw_text(image: np.ndarray, lang: str = LANG) -> str:
    """Plain `tesseract -l vie` on the image as it is (the baseline of bench/ocr.py)."""
    return pytesseract.image_to_string(image, lang=lang)
