"""Words as the language model sees them: lower case, canonical tone placement; numbers and commas as classes."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .. import underthesea_parts
from .lm import COMMA, NUM
from .vietnamese import canonical, is_valid_syllable, nfc

# Training-time tokeniser: words (letters and digits), sentence ends, and comma-like separators.
TRAIN_TOKEN = re.compile(r"[^\W_]+|[.!?](?=\s|$)|[,;:]")
SENTENCE_END = {".", "!", "?"}
COMMAS = {",", ";", ":"}


@lru_cache(maxsize=200_000)
def lm_word(token: str) -> str:
    """The model's spelling of a word token: `Hoà` → `hòa`, `2025` → `<num>`, `,` → `<,>`."""
    if token in COMMAS:
        return COMMA
    if any(ch.isdigit() for ch in token):
        return NUM
    word = nfc(token.lower())
    return canonical(word) if is_valid_syllable(word) else word


def viet74k_path() -> Path | None:
    return underthesea_parts.data_file("corpus", "data", "Viet74K.txt")


def viet74k_syllables() -> set[str]:
    """Syllables of underthesea's Viet74K word list that are well-formed Vietnamese (canonical spelling)."""
    path = viet74k_path()
    out: set[str] = set()
    if path is None:
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if "-" in line:
            continue  # hyphenated loanwords (a-xít): not native syllables
        for syl in line.split():
            word = nfc(syl.lower())
            if is_valid_syllable(word):
                out.add(canonical(word))
    return out
