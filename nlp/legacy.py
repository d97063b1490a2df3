"""Vietnamese text in the encodings that came before Unicode: Windows-1258 (tone marks as combining characters),
TCVN3 (ABC, one byte per letter for the .Vn fonts) and VNI-Windows (a letter followed by mark bytes).

Old archives hold many such files, and Word documents typed in .VnTime or VNI-Times fonts often reach us as
"Unicode" text that is really the legacy bytes read as Windows-1252 ("Qu¶ng Ng·i" for Quảng Ngãi). `decode` tries
each reading and keeps the one whose words are Vietnamese syllables; `repair` converts such mojibake in a str.
The byte tables are data: `nlp/data/tcvn3.tsv` and `nlp/data/vni.tsv`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .restore.vietnamese import is_valid_syllable


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "windows-1258", "tcvn3", "vni", ...
    score: float  # share of the words that are Vietnamese syllables


def _table(name: str) -> list[tuple[str, str]]:
    text = resources.files("nlp").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        legacy, unicode = line.split("\t")[:2]
        rows.append((legacy, unicode))
    return rows


@lru_cache(maxsize=1)
def _tcvn3() -> dict[int, str]:
    return {ord(legacy): unicode for legacy, unicode in _table("tcvn3.tsv")}


@lru_cache(maxsize=1)
def _vni() -> tuple[re.Pattern[str], dict[str, str]]:
    pairs = dict(_table("vni.tsv"))
    keys = sorted(pairs, key=len, reverse=True)  # two-character sequences before single characters
    return re.compile("|".join(map(re.escape, keys))), pairs


_WORD = re.compile(r"[^\W\d_]+")


def vietnamese_score(text: str) -> float:
    """Share of the marked words (those with a non-ASCII letter) that are well-formed Vietnamese syllables (an
    onset, a rhyme and a tone that fits it); 0 without any. Mojibake never is one: `Qu¶ng`, `®Þnh`, `Vieät`."""
    marked = {w: n for w, n in Counter(_WORD.findall(unicodedata.normalize("NFC", text))).items() if not w.isascii()}
    if not marked:
        return 0.0
    return sum(n for w, n in marked.items() if is_valid_syllable(w.lower())) / sum(marked.values())


def from_tcvn3(text: str) -> str:
    return unicodedata.normalize("NFC", text.translate(_tcvn3()))


def from_vni(text: str) -> str:
    pattern, pairs = _vni()
    return unicodedata.normalize("NFC", pattern.sub(lambda m: pairs[m.group(0)], text))


def decode(data: bytes) -> Decoded:
    """The most Vietnamese reading of some bytes: UTF-8 when it is valid, else the legacy encodings."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return repair(text)
    latin = data.decode("cp1252", errors="replace")
    candidates = [
        Decoded(unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")), "windows-1258", 0.0),
        Decoded(from_tcvn3(data.decode("latin-1")), "tcvn3", 0.0),
        Decoded(from_vni(latin), "vni", 0.0),
    ]
    scored = [Decoded(c.text, c.encoding, vietnamese_score(c.text)) for c in candidates]
    return max(scored, key=lambda d: (d.score, -d.text.count("\ufffd")))


def repair(text: str) -> Decoded:
    """A str that may be legacy-font mojibake (TCVN3 or VNI bytes read as Windows-1252): converted when that makes
    it clearly more Vietnamese; else returned as it is."""
    text = unicodedata.normalize("NFC", text)
    base = vietnamese_score(text)
    if base >= 0.9 or not any(not ch.isascii() for ch in text[:20000]):
        return Decoded(text, "utf-8", base)
    best = Decoded(text, "utf-8", base)
    for encoding, convert in (("tcvn3", from_tcvn3), ("vni", from_vni)):
        converted = convert(text)
        score = vietnamese_score(converted)
        if score > best.score + 0.2:
            best = Decoded(converted, encoding, score)
    return best


def encode_windows_1258(text: str) -> bytes:
    """Unicode → Windows-1258 as Vietnamese software wrote it: base letters (with circumflex, breve, horn, đ) as
    single bytes, the tone mark as a combining byte after them."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        tones = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
        others = "".join(m for m in marks if m not in tones)
        out += unicodedata.normalize("NFC", base + others).encode("cp1258")
        for tone in tones:
            out += tone.encode("cp1258")
    return bytes(out)
