"""Does a text read as Vietnamese? The share of its words that are valid Vietnamese syllables.

A PDF's text layer is worth more than OCR only when it is real Vietnamese: layers that a scanner's or another
tool's OCR left behind can be wrong for Vietnamese (`Nghị quyf3t`, `thrc chín`). Real letters' text layers and
vanban's own OCR of real scans score 0.96–1.00 (acronyms and codes aside); a generic OCR's garble scores 0.6–0.86.
"""

from __future__ import annotations

import re

from .restore.vietnamese import is_valid_syllable, nfc

_WORD = re.compile(r"[^\W\d_]+")
THRESHOLD = 0.9  # below this share of valid syllables a text layer is not taken
MIN_WORDS = 20  # fewer words than this are too few to judge: the layer is taken


def syllable_rate(text: str) -> tuple[float, int]:
    """(share of valid syllables, words counted) over the words of two letters or more; words in capitals of up to
    eight letters (acronyms, codes: UBND, KGVX) are not counted."""
    valid = counted = 0
    for word in _WORD.findall(text):
        if len(word) < 2 or (word.isupper() and len(word) <= 8):
            continue
        counted += 1
        valid += is_valid_syllable(nfc(word.lower()))
    return (valid / counted if counted else 1.0), counted


def reads_as_vietnamese(text: str, threshold: float = THRESHOLD, min_words: int = MIN_WORDS) -> bool:
    rate, counted = syllable_rate(text)
    return counted < min_words or rate >= threshold
