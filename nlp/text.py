"""Text normalisation: Unicode NFC, tone-mark placement, and a same-length *folded* view used for matching.

`fold` maps every character to exactly one character (diacritics removed, đ→d, a few OCR look-alikes such as ¢→e),
so that an offset in the folded text is the same offset in the original: patterns run on the folded text and the
spans they find index the original without any mapping table.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from . import underthesea_parts

# OCR look-alikes that the fold maps onto letters. Kept tiny: only characters that never carry meaning in
# Vietnamese prose and that generic OCR prints for accented vowels or for Đ.
_FOLD_EXTRA = {
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "Ɖ": "D", "ɗ": "d",
    "¢": "e", "€": "e", "ø": "o", "Ø": "O", "ß": "B", "§": "s",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
}


def _fold_char(ch: str) -> str:
    if ch in _FOLD_EXTRA:
        return _FOLD_EXTRA[ch]
    if ord(ch) < 128:
        return ch
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0]
    if len(base) == 1 and ord(base) < 128 and base.isalpha():
        return base
    if unicodedata.combining(ch):
        # A stray combining mark (text that was not NFC): keep the length, make it inert.
        return "\u0300"
    return ch


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    ranges = [(0x80, 0x250), (0x1E00, 0x1F00), (0x2000, 0x2070), (0x0300, 0x0370)]
    for lo, hi in ranges:
        for cp in range(lo, hi):
            ch = chr(cp)
            folded = _fold_char(ch)
            if folded != ch:
                table[cp] = folded
    for ch, folded in _FOLD_EXTRA.items():
        table[ord(ch)] = folded
    return table


def fold(text: str) -> str:
    """Same-length view of `text` without diacritics (case kept): `Kế hoạch số` → `Ke hoach so`."""
    if text.isascii():
        return text
    if len(text) >= _LONG:
        return _fold_long(text)
    return text.translate(_fold_table())


_LONG = 2000  # characters from which a whole text is folded as an array (str.translate looks each one up)


@lru_cache(maxsize=1)
def _fold_codes() -> Any:
    """`_fold_table` as an array: code point → folded code point, for every code point up to the table's last."""
    import numpy as np

    table = _fold_table()
    codes = np.arange(max(table) + 1, dtype=np.uint32)
    for code, folded in table.items():
        codes[code] = ord(folded)
    return codes


def _fold_long(text: str) -> str:
    """`fold` of a long text through numpy (a document: eight times faster than translate); the same result."""
    import numpy as np

    try:
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate (bytes decoded with surrogateescape): the slow way
        return text.translate(_fold_table())
    codes = _fold_codes()
    mapped = np.where(points < len(codes), codes[np.minimum(points, len(codes) - 1)], points)
    return mapped.astype(np.uint32).tobytes().decode("utf-32-le")


@lru_cache(maxsize=32)
def fold_lower(text: str) -> str:
    """`fold` and lower-case; still the same length (lower() of folded ASCII letters is 1:1).

    Cached: the header, reference and relation passes all fold the same document text.
    """
    folded = fold(text).lower()
    if len(folded) != len(text):  # a character whose lower case is longer (e.g. U+0130): keep it as it is
        folded = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in fold(text))
    return folded


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_WORD = re.compile(r"[^\W\d_]+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Control characters as they arrive from PDF text layers, OCR and old text files. A text layer's \x02 (and pdfium's
# U+FFFE for the same character) is the hyphen its font encodes at a line end (`6138/UBND\x02KGVX`); \x0b is a manual
# line break (word processors); the rest carry nothing and are dropped. Tab, line feed and form feed (the page
# break) are kept.
_CONTROL_MAP = {0x02: "-", 0xFFFE: "-", 0x0B: "\n", 0x0D: "\n", 0x85: "\n", 0x2028: "\n", 0x2029: "\n"}
_CONTROL_MAP.update({cp: None for cp in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)]
                     if cp not in _CONTROL_MAP})
_CONTROL_MAP.update({0xFFFF: None})
_CONTROLS = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_CONTROL_MAP)) + "]")
_NONCHARACTER = re.compile("[\ud800-\udfff]")  # lone surrogates (bytes decoded with surrogateescape)


def clean_controls(text: str) -> str:
    """Text with its control characters mapped or removed, once, where it enters: `\\r\\n` → `\\n`, a text layer's
    `\\x02` (U+FFFE) → `-`, `\\x0b` → `\\n`, the rest of C0/C1 (but tab, line feed, form feed) and lone surrogates
    dropped."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    if _CONTROLS.search(text):  # (most text has none: translate is a dictionary lookup per character)
        text = text.translate(_CONTROL_MAP)
    return _NONCHARACTER.sub("", text) if not text.isascii() else text


@lru_cache(maxsize=1)
def _token_normalize():
    try:
        return underthesea_parts.token_normalize()
    except Exception:  # pragma: no cover - underthesea is a hard dependency; stay usable without it
        return None


def normalize(text: str) -> str:
    """Control characters cleaned (`clean_controls`), NFC, zero-width characters removed, tone marks placed the modern way (`hoà` → `hòa`, `thuý` → `thúy`).

    Tone-mark placement uses underthesea's token normaliser word by word, so that whitespace, line breaks,
    punctuation, numbers and document symbols are left exactly as they are.
    """
    text = _ZERO_WIDTH.sub("", nfc(clean_controls(text)))
    if _token_normalize() is None:
        return text
    # each distinct word once; the text is rewritten only where a word changes (clean text: nowhere)
    changed = {word: modern for word in set(_WORD.findall(text)) if (modern := _modern_tone(word)) != word}
    if not changed:
        return text
    # those words alone, each where it stands whole (no letter either side, as `_WORD` takes words)
    alternatives = "|".join(map(re.escape, sorted(changed, key=len, reverse=True)))
    return re.sub(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])", lambda match: changed[match.group(0)], text)


@lru_cache(maxsize=65536)
def _modern_tone(word: str) -> str:
    """One word's tone mark placed the modern way (underthesea's token normaliser); remembered, since a letter
    repeats its words (a third of the time of reading a text went to normalising the same words again)."""
    return word if word.isascii() else nfc(_token_normalize()(word))


def strip_diacritics(text: str) -> str:
    """Diacritics removed, đ→d (for search keys and ids)."""
    return fold(nfc(text))


_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """`58/KH-UBND` → `58-kh-ubnd`; `1588/QĐ-TTg` → `1588-qd-ttg`."""
    return _SLUG_JUNK.sub("-", strip_diacritics(text).lower()).strip("-")
