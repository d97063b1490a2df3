"""Syllable error rate: word-level edit distance between a reference and a hypothesis, over letter/digit tokens,
case-insensitive, tone placement normalised (`hoà` = `hòa`)."""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from .vietnamese import canonical, is_valid_syllable, nfc

_TOKEN = re.compile(r"[^\W_]+")


def syllables(text: str) -> list[str]:
    out = []
    for tok in _TOKEN.findall(nfc(text).lower()):
        out.append(canonical(tok) if is_valid_syllable(tok) else tok)
    return out


def syllable_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit operations, reference syllables)."""
    ref = syllables(reference)
    hyp = syllables(hypothesis)
    return Levenshtein.distance(ref, hyp), len(ref)


def syllable_error_rate(reference: str, hypothesis: str) -> float:
    errors, total = syllable_errors(reference, hypothesis)
    return errors / max(total, 1)
