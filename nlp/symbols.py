"""Confusion-aware comparison of two readings of a document symbol: is `819/SKHCN-BCVT&€ĐS` a reading of
`819/SKHCN-BCVT&CĐS`, `58/KH-UBMD` of `58/KH-UBND`?

The cost is an edit distance over the characters of the symbol's codes (the part after its number) where OCR's usual
confusions (`nlp/data/symbol_confusions.tsv`: Đ/D/P, €/C, &/E, T/1, N/M, U/IJ …) cost little, a separator or a
space read or lost costs less still, and any other letter costs 1. The number is never compared this way: two
numbers are equal or the documents differ.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

SEPARATOR_COST = 0.1  # a hyphen, slash, space or "&" read or lost
LETTER_COST = 1.0  # a letter changed, added or dropped, beyond the known confusions
SPECK_COST = 0.3  # a mark that is no letter (OCR's speck: "(", "€" alone, "'")


@lru_cache(maxsize=1)
def _confusions() -> dict[tuple[str, str], float]:
    text = resources.files("nlp").joinpath("data", "symbol_confusions.tsv").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    out: dict[tuple[str, str], float] = {}
    for read, meant, cost in csv.reader(rows, delimiter="\t"):
        out[(read, meant)] = out[(meant, read)] = float(cost)
    return out


_NUMBER = re.compile(r"^\s*[0-9?]+[a-z]?\s*[-/]?")


def codes(symbol: str) -> str:
    """The symbol without its number and the separator after it: `819/SKHCN-BCVT&CĐS` → `SKHCN-BCVT&CĐS`."""
    return unicodedata.normalize("NFC", _NUMBER.sub("", symbol, count=1))


def _unit_cost(ch: str) -> float:
    if ch in "-/&. \t":
        return SEPARATOR_COST
    return LETTER_COST if ch.isalnum() else SPECK_COST


@lru_cache(maxsize=65536)
def code_distance(a: str, b: str) -> float:
    """Weighted edit distance between two codes (pieces of one or two characters may stand for each other)."""
    confusions = _confusions()
    n, m = len(a), len(b)
    dist = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        dist[i][0] = dist[i - 1][0] + _unit_cost(a[i - 1])
    for j in range(1, m + 1):
        dist[0][j] = dist[0][j - 1] + _unit_cost(b[j - 1])
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            same = a[i - 1] == b[j - 1]
            best = dist[i - 1][j - 1] + (0.0 if same else confusions.get((a[i - 1], b[j - 1]), LETTER_COST))
            best = min(best, dist[i - 1][j] + _unit_cost(a[i - 1]), dist[i][j - 1] + _unit_cost(b[j - 1]))
            for di, dj in ((2, 1), (1, 2)):  # "IJ" read for "U", "RN" for "M"
                if i >= di and j >= dj:
                    key = (a[i - di : i], b[j - dj : j])
                    if key in confusions:
                        best = min(best, dist[i - di][j - dj] + confusions[key])
            dist[i][j] = best
    return round(dist[n][m], 4)


def same_symbol(a: str, b: str, limit: float = 0.6) -> bool:
    """Could `a` and `b` be two readings of one symbol? Same number, and codes within `limit` of each other."""
    number_a, number_b = _NUMBER.match(a), _NUMBER.match(b)
    if not number_a or not number_b or number_a.group(0).strip("-/ ") != number_b.group(0).strip("-/ "):
        return False
    return code_distance(codes(a), codes(b)) <= limit
