"""Splitting a text into what the restorer may rewrite (word tokens) and what it must never touch.

Never touched: document symbols (`57-NQ/TW`, `819/SKHCN-BCVT&CĐS`, `1588/QP-` + `TTg`), numbers and dates, codes,
e-mail addresses and URLs, acronyms (`UBND`, `CCCD`, `VNeID`, `ICT`), Roman numerals, list markers (`a)`),
whitespace and punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .vietnamese import fold, has_marks, is_valid_syllable, nfc

# Characters generic OCR prints inside Vietnamese words in place of accented letters (`ngh¢`, `k§`, `k¥`).
JUNK_LETTERS = "¢€§¥£øØßð"
_WORD = re.compile(rf"(?:[^\W_]|[{JUNK_LETTERS}\u0300-\u036f])+&?")
_URL = re.compile(r"(?i)\b(?:https?://|ftp://|www\.)\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A chunk where a digit touches a separator (dates, numbers, symbols, times), or a code with a slash/ampersand.
_CODE = re.compile(r"\S*\d[/.\-:,]\w\S*|\S*\w[/.\-:,]\d\S*|\S*[A-ZĐ0-9]{2}[/&_#]\S*|\S*[/&_#][A-ZĐ0-9]{2}\S*")
_ROMAN = re.compile(r"(?m)(?:^|(?<=\s))[IVXLC]{1,6}(?=[.)]\s|[.)]$)")
_DIGITS = "0123456789"
_LIST_MARK = re.compile(r"(?m)(?:^|(?<=[\s(]))[a-zđA-ZĐ](?=\))")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    kind: str  # "word" (may be rewritten), "fixed" (a word kept as it is), "number"
    line: int


@lru_cache(maxsize=1)
def _symbol_regex():
    try:
        from nlp.references import SYMBOL
    except Exception:  # pragma: no cover - the reference grammar is part of nlp
        return None
    return SYMBOL


def protected_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    symbol = _symbol_regex()
    if symbol is not None:
        spans.extend(m.span() for m in symbol.finditer(text))
    for regex in (_URL, _CODE):
        spans.extend(m.span() for m in regex.finditer(text))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _all_caps(word: str) -> bool:
    return word.isupper() and sum(ch.isalpha() for ch in word) >= 2


def _is_acronym(word: str, caps_line: bool, caps_neighbour: bool, knows: Knowledge) -> bool:
    if word.islower() or word[1:].islower() or len(word) < 2:
        return False  # lower case or Title case: the common cases, decided at once
    letters = [ch for ch in word if ch.isalpha()]
    if len(letters) < 2:
        return False
    if all(ch.isupper() for ch in letters):
        lower = nfc(word.lower().rstrip("&"))
        if lower in knows.other_words:  # ubnd, ict, stem: words of the model that are not syllables
            return True
        if caps_line:  # a heading: its words are words, even garbled ones
            return False
        return not (caps_neighbour and knows.looks_vietnamese(lower))
    uppers = [ch for ch in word[1:] if ch.isalpha() and ch.isupper()]
    if not uppers:
        return False
    # OCR's stray capital inside a lower-case word (`sO`, `vOi`) versus a code (TTg, VNeID, QĐi, eKYC)
    return not (word[0].islower() and len(uppers) == 1 and uppers[0] in "OIL")


@dataclass(frozen=True)
class Knowledge:
    """What the tokeniser needs from the model: folded spellings of its syllables, its non-syllable words."""

    folded: frozenset[str] = frozenset()
    other_words: frozenset[str] = frozenset()

    def looks_vietnamese(self, lower: str) -> bool:
        return is_valid_syllable(lower) or fold(lower) in self.folded


def _garbled_letters(word: str) -> bool:
    return any(ch.isdigit() or ch in JUNK_LETTERS for ch in word) and any(ch.isalpha() for ch in word)


def tokenize(text: str, knows: Knowledge | None = None) -> list[Token]:
    """Word, fixed and number tokens of `text`, in order (what lies between them is never changed)."""
    knows = knows or Knowledge()
    protected = protected_spans(text)
    blocked = set()
    for m in _ROMAN.finditer(text):
        blocked.add(m.start())
    for m in _LIST_MARK.finditer(text):
        blocked.add(m.start())
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    caps_lines: dict[int, bool] = {}  # a line's heading test, made only for a word in capitals on it
    tokens: list[Token] = []
    p_index = 0
    line = 0
    n_lines = len(line_starts)
    next_line = line_starts[1] if n_lines > 1 else len(text) + 1
    matches = list(_WORD.finditer(text))
    for index, m in enumerate(matches):
        a, b = m.span()
        word = m.group()
        if a >= next_line:
            while line + 1 < n_lines and line_starts[line + 1] <= a:
                line += 1
            next_line = line_starts[line + 1] if line + 1 < n_lines else len(text) + 1
        while p_index < len(protected) and protected[p_index][1] <= a:
            p_index += 1
        if p_index < len(protected) and protected[p_index][0] < b:
            tokens.append(Token(a, b, word, "number" if any(c.isdigit() for c in word) else "fixed", line))
            continue
        if word.isdigit():
            tokens.append(Token(a, b, word, "number", line))
            continue
        if word[0] in _DIGITS and len(word) > 1 and word[1] in _DIGITS:  # `04thang`: a number glued to a word
            lead = len(word) - len(word.lstrip("0123456789"))
            tokens.append(Token(a, a + lead, word[:lead], "number", line))
            a, word = a + lead, word[lead:]
        if a in blocked:
            tokens.append(Token(a, b, word, "fixed", line))
            continue
        if not (word.islower() or word[1:].islower() or len(word) < 2):  # lower and Title case are never acronyms
            if line not in caps_lines:
                caps_lines[line] = _caps_line(text, line_starts, line)
            neighbour = (index > 0 and _all_caps(matches[index - 1].group())
                         and "\n" not in text[matches[index - 1].end():a]) or (
                index + 1 < len(matches) and _all_caps(matches[index + 1].group())
                and "\n" not in text[b:matches[index + 1].start()])
            if _is_acronym(word, caps_lines[line], neighbour, knows):
                tokens.append(Token(a, b, word, "fixed", line))
                continue
        if not word.isalpha() and not any(ch.isalpha() for ch in word):
            tokens.append(Token(a, b, word, "number", line))
            continue
        tokens.append(Token(a, b, word, "word", line))
    return tokens


def _caps_line(text: str, line_starts: list[int], i: int) -> bool:
    end = line_starts[i + 1] if i + 1 < len(line_starts) else len(text)
    return _caps_lines(text[line_starts[i]:end], [0])[0]


def _caps_lines(text: str, line_starts: list[int]) -> list[bool]:
    """Lines where most words are written in capitals (headings): their capitals are words, not acronyms."""
    out = []
    for i, start in enumerate(line_starts):
        end = line_starts[i + 1] if i + 1 < len(line_starts) else len(text)
        words = [w for w in _WORD.findall(text[start:end]) if sum(ch.isalpha() for ch in w) >= 2]
        caps = [w for w in words if all(ch.isupper() for ch in w if ch.isalpha())]
        out.append(len(words) >= 2 and len(caps) >= 0.6 * len(words))
    return out


def is_junky(word: str) -> bool:
    """A word with digits or OCR symbols among its letters (`s6`, `B4o`, `ngh¢`)."""
    return _garbled_letters(word)


def marked(word: str) -> bool:
    return has_marks(word)
