"""Vietnamese letters and syllables: tone and vowel-mark decomposition, folding, phonotactics, letter case.

Everything here works on single syllables (one written word without spaces); it knows nothing of models.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining marks: the five tones and the three vowel modifiers.
TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, huyền, sắc, hỏi, ngã, nặng
_TONE_INDEX = {mark: i for i, mark in enumerate(TONE_MARKS) if mark}
_MODIFIERS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)

VOWELS = "aăâeêioôơuưy"
_BASE_VOWELS = set(VOWELS)
LOWER_LETTERS = "abcdđefghijklmnopqrstuvwxyz" + "ăâêôơư"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=4096)
def split_char(ch: str) -> tuple[str, int]:
    """`ế` → (`ê`, 2): the letter with its vowel modifier, and the tone index (0 = no tone)."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = 0
    rest = []
    for c in decomposed:
        if c in _TONE_INDEX:
            tone = _TONE_INDEX[c]
        else:
            rest.append(c)
    return nfc("".join(rest)), tone


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character → its bare Latin letter (`ế` → `e`, `đ` → `d`, `Ư` → `U`); other characters unchanged."""
    if ch in "đĐ":
        return "d" if ch == "đ" else "D"
    if ord(ch) < 128:
        return ch
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0]
    if ord(base) < 128 and base.isalpha() and all(unicodedata.combining(c) for c in decomposed[1:]):
        return base
    return ch


def fold(text: str) -> str:
    """Marks removed, đ → d; keeps length for NFC text (`Quảng Ngãi` → `Quang Ngai`)."""
    if text.isascii():
        return text
    return "".join(fold_char(ch) for ch in text)


def has_marks(text: str) -> bool:
    return any(ord(ch) >= 128 and fold_char(ch) != ch for ch in text)


def strip_tone(syllable: str) -> tuple[str, int]:
    """`quyết` → (`quyêt`, 2). The tone of a syllable is the (single) tone mark found on any of its letters."""
    tone = 0
    out = []
    for ch in syllable:
        base, t = split_char(ch)
        if t:
            tone = t
        out.append(base)
    return "".join(out), tone


# ---------------------------------------------------------------------------------------------------------------
# Phonotactics

_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")

_RHYMES = frozenset("""
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e ec em en eng eo ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong op ot oong ooc
oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăp oăt oe oen oeo oet
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua uc ui um un ung up ut uôc uôi uôm uôn uông uôt
uy uya uych uyn uynh uyp uyt uyu uyên uyêt uân uâng uât uây uê uêch uênh uơ
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêt yêu
""".split())
# the onsets a word can open with, by its first letter (the empty onset last): a word tries two or three, not 28
_ONSETS_BY_FIRST = {first: tuple(o for o in _ONSETS if o[:1] == first) + ("",) for first in {o[:1] for o in _ONSETS}}
_STOP_CODAS = ("c", "ch", "p", "t")
_FRONT = ("e", "ê", "i", "y")


def _onset_ok(onset: str, rhyme: str) -> bool:
    first = rhyme[:1]
    front = first in _FRONT
    if onset == "k":
        return front
    if onset == "c":
        return not front
    if onset in ("gh", "ngh"):
        return first in ("e", "ê", "i")
    if onset in ("g", "ng"):
        return first not in ("e", "ê") and not (first == "i" and onset == "ng")
    if onset == "qu":
        return first not in ("o", "u", "ư")
    if onset == "":
        return True
    if first == "y":  # y-initial rhymes after a consonant: only `quy`-type and `ty`, `ly`, `my`, `kỹ` … (y = i)
        return rhyme == "y"
    return True


@lru_cache(maxsize=65536)
def is_valid_syllable(syllable: str) -> bool:
    """Whether a lower-case NFC word is a well-formed Vietnamese syllable (onset + rhyme + a tone that fits)."""
    if not syllable or not syllable.isalpha() or len(syllable) > 7:
        return False
    bare, tone = strip_tone(syllable)
    if any(ch not in LOWER_LETTERS for ch in bare):
        return False
    for onset in _ONSETS_BY_FIRST.get(bare[:1], ("",)):
        if not bare.startswith(onset):
            continue
        rhyme = bare[len(onset):]
        if onset == "gi" and rhyme == "":
            rhyme = ""
            ok = True  # gì
        elif onset == "gi" and rhyme[:1] in ("i", "ê"):
            continue  # giêng is g + iêng
        else:
            ok = rhyme in _RHYMES and _onset_ok(onset, rhyme)
        if not ok:
            continue
        if rhyme.endswith(_STOP_CODAS) and tone not in (2, 5):
            continue
        return True
    return False


# ---------------------------------------------------------------------------------------------------------------
# Letter case

def case_pattern(token: str) -> str:
    """`upper` (all letters capital, at least two), `title` (first letter capital), or `lower`."""
    letters = [ch for ch in token if ch.isalpha()]
    if not letters:
        return "lower"
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return "upper"
    first = token[0]
    if first.isalpha() and first.isupper():
        return "title"
    if letters[0].isupper() and not first.isalpha():
        return "title"
    return "lower"


def copy_case(word: str, original: str) -> str:
    """Letter case copied position by position from a word of the same length (`HoAch` → `HoẠch`)."""
    if len(word) != len(original):
        return apply_case(word, case_pattern(original))
    return "".join(ch.upper() if o.isupper() else ch for ch, o in zip(word, original))


def apply_case(word: str, pattern: str) -> str:
    if pattern == "upper":
        return word.upper()
    if pattern == "title":
        return word[:1].upper() + word[1:]
    return word


# ---------------------------------------------------------------------------------------------------------------
# Tone placement: one canonical spelling per syllable (the "old" style the rest of vanban uses: hòa, thúy, quý)

_TONE_RE = re.compile("[" + "".join(TONE_MARKS[1:]) + "]")


@lru_cache(maxsize=65536)
def canonical(syllable: str) -> str:
    """A lower-case syllable with its tone mark on the vowel the classic rule chooses (`hoà` → `hòa`)."""
    bare, tone = strip_tone(syllable)
    if tone == 0:
        return bare
    # the vowel cluster (after qu / gi onsets)
    start = 0
    if bare.startswith("qu"):
        start = 2
    elif bare.startswith("gi") and len(bare) > 2 and bare[2] in _BASE_VOWELS:
        start = 2
    i = start
    while i < len(bare) and bare[i] not in _BASE_VOWELS:
        i += 1
    j = i
    while j < len(bare) and bare[j] in _BASE_VOWELS:
        j += 1
    if i == j:
        if start == 2 and bare.startswith("gi"):  # gì, gìn
            i, j = 1, 2
        elif start == 2 and bare.startswith("qu"):
            i, j = 1, 2
        else:
            return syllable
    cluster = bare[i:j]
    has_coda = j < len(bare)
    pos = None
    for k, ch in enumerate(cluster):  # a vowel with a modifier takes the tone (ươ: the ơ)
        if ch in "ăâêôơư":
            pos = k
    if pos is None:
        if len(cluster) == 1:
            pos = 0
        elif len(cluster) == 3:
            pos = 1
        elif has_coda:
            pos = 1
        else:
            pos = 0
    k = i + pos
    marked = nfc(unicodedata.normalize("NFD", bare[k]) + TONE_MARKS[tone])
    return bare[:k] + marked + bare[k + 1:]
