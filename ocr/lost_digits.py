"""Numbers OCR read with a digit lost: a word of digits whose box is far wider than its digits.

Tesseract sometimes keeps the box of what it saw and drops a character it could not read: a date's day printed
`ngày 25` at a line's end comes out `ngày 2`, its box still two digits wide. A wrong date is worse than none, so the
caller leaves such a date unread (`nlp.extract(..., doubtful=...)`).

    wide_numbers(text, word_spans)   # [(start, end)] of the words of digits too wide for what was read

A word of digits is too wide when its width per digit is more than WIDER times the page's usual width per digit,
taken over the page's other words of two or more digits (the years, the numbers); a page with fewer than
MIN_SAMPLES such words says nothing. A narrow `1` is never too wide; a bold or italic digit is a little wider, not
twice as wide.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

WIDER = 1.7
MIN_SAMPLES = 3

Box = tuple[int, int, int, int]


def usual_width(words: Sequence[tuple[str, float]]) -> float | None:
    """The page's usual width per digit, over its words (text, box width) of two or more digits; None when it has
    fewer than MIN_SAMPLES of them."""
    usual = [width / len(text) for text, width in words if text.isdigit() and len(text) >= 2 and width > 0]
    return statistics.median(usual) if len(usual) >= MIN_SAMPLES else None


def wide_numbers(text: str, word_spans: Sequence[tuple[int, int, int, Box]]) -> tuple[tuple[int, int], ...]:
    """The spans (offsets of `text`) of the words of digits whose box is too wide for the digits read."""
    digits: dict[int, list[tuple[int, int, float]]] = {}
    for start, end, page, box in word_spans:
        word = text[start:end]
        if word.isdigit() and box[2] > box[0]:
            digits.setdefault(page, []).append((start, end, (box[2] - box[0]) / len(word)))
    out = []
    for words in digits.values():
        typical = usual_width([(text[start:end], width * (end - start)) for start, end, width in words])
        if typical is None:
            continue
        out.extend((start, end) for start, end, width in words if width > WIDER * typical)
    return tuple(sorted(out))
