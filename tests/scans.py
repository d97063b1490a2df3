"""Helpers for tests that need scans: pages rendered by corpus/scangen.py, cached per session."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "corpus"))

import scangen  # noqa: E402


@lru_cache(maxsize=16)
def pages(letter: str, **degradation) -> list:
    text = (ROOT / "corpus" / "letters" / letter).read_text(encoding="utf-8") if not letter.startswith("/") \
        else Path(letter).read_text(encoding="utf-8")
    return scangen.make_scan(text, scangen.Degradation(**degradation))


def bgr(page) -> np.ndarray:
    return np.asarray(page.image.convert("RGB"))[:, :, ::-1].copy()


def cer(truth: str, text: str) -> float:
    from rapidfuzz.distance import Levenshtein

    t, o = " ".join(truth.split()), " ".join(text.split())
    return Levenshtein.distance(t, o) / max(1, len(t))
