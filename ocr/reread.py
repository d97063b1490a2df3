"""Digits OCR dropped, read again: a word of digits whose box is far wider than what was read is read once more,
alone, as one word of digits.

Tesseract sometimes keeps the box of what it saw and drops a character it could not read: an italic `ngày 25` at a
line's end comes out `ngày 2`, its box two digits wide (`ocr.lost_digits` finds such words). Read alone — the word's
crop scaled to two sizes on a white margin, each read as a line of digits (`--psm 7`, digits only) — the same
ink reads `25` at both. The new reading replaces the old only when it explains the box and keeps what was read:

    `2`   in a box two digits wide, read again `25`   → `25`   (the lost digit at an end)
    `2`   in a box two digits wide, read again `75`   → `2`    (not what was read: no evidence, the date stays unread)
    `2`   in a box two digits wide, read again `2555` → `2`    (now too narrow a digit: specks read as digits)

A word that is not too wide is never read again (one more Tesseract run per such word: they are rare).
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytesseract

from .layout import RawWord
from .lost_digits import WIDER, usual_width

CONFIG = "--oem 1 --psm 7 -c tessedit_char_whitelist=0123456789"
HEIGHTS = (40, 56)  # the word's box scaled to these heights (px) and read at each: both readings must agree
NARROWER = 0.6  # a reading whose digits are narrower than this share of the page's usual digit read specks too


def read_again(gray: np.ndarray, words: list[RawWord], lang: str = "vie") -> list[RawWord]:
    """The page's words (in the coordinates of `gray`), those of digits too wide for what was read replaced by
    their reading alone where it holds the digits read and one or two more that fit the box."""
    usual = usual_width([(w.text, w.width) for w in words])
    if usual is None:
        return words
    out = list(words)
    for k, word in enumerate(words):
        if not word.text.isdigit() or word.width / len(word.text) <= WIDER * usual:
            continue
        again = _read_alone(gray, word, lang)
        if again is None or not (len(word.text) < len(again) <= len(word.text) + 2):
            continue
        if not (again.startswith(word.text) or again.endswith(word.text)):
            continue
        if not NARROWER * usual <= word.width / len(again) <= WIDER * usual:
            continue
        out[k] = replace(word, text=again)
    return out


def _read_alone(gray: np.ndarray, word: RawWord, lang: str) -> str | None:
    """The digits Tesseract reads in the word's box alone (a margin of a quarter of its height round it), the
    same at both HEIGHTS; else None. (One size alone misleads: the real italic `25` above read `24` at 24 px.)"""
    margin = max(2, word.height // 4)
    h, w = gray.shape[:2]
    crop = gray[max(0, word.top - margin) : min(h, word.top + word.height + margin),
                max(0, word.left - margin) : min(w, word.right + margin)]
    if crop.size == 0:
        return None
    readings = set()
    for height in HEIGHTS:
        scale = height / max(1, word.height)
        sized = cv2.resize(crop, None, fx=scale, fy=scale,
                           interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
        sized = cv2.copyMakeBorder(sized, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255)
        readings.add(pytesseract.image_to_string(sized, lang=lang, config=CONFIG).strip())
    (text,) = readings if len(readings) == 1 else ("",)
    return text if text.isdigit() else None

