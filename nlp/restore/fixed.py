"""What the restorer knows without its language model: lines every document prints the same way, and the
digits of a written-out date.

- Fixed lines (`nlp/data/fixed_lines.tsv`: the national title, the motto, the Party's title): a run of words on one
  line with as many words as the phrase and close to it once folded (at most `MAX_DISTANCE` of its letters
  different, its first and last word near their own) is the phrase, word for word: in capitals or lower case when
  the whole run is, else as the phrase prints it; a word spelled with the other tone placement (`HOÀ`) stays as read.
- Date slots: `ngày 22 tháng II năm 2019` — between `ngày`/`tháng` and `tháng`/`năm` stand a day and a month; a
  one- or two-character token there made of digits and the glyphs Tesseract prints for `1` (`I`, `l`, `|`, `]`,
  `!`) or `0` (`O`, `o`) is that number when it is a valid day or month.

Both return edits as (start, end, new text) on the input; the restorer leaves these spans to them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import Levenshtein

from .vietnamese import canonical, case_pattern, fold, nfc

MAX_DISTANCE = 0.3  # of the phrase's letters, folded
_WORD = re.compile(r"[^\W\d_]+|\d+")


@lru_cache(maxsize=1)
def phrases() -> tuple[tuple[str, ...], ...]:
    rows = []
    for line in resources.files("nlp").joinpath("data", "fixed_lines.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(tuple(nfc(w) for w in _WORD.findall(line)))
    return tuple(rows)


@lru_cache(maxsize=200_000)
def _key(word: str) -> str:
    return fold(nfc(word).lower())


@lru_cache(maxsize=1)
def _targets() -> tuple[tuple[tuple[str, ...], tuple[str, ...], int], ...]:
    """Each phrase with its words folded and its letter count (folded once)."""
    out = []
    for phrase in phrases():
        keys = tuple(_key(w) for w in phrase)
        out.append((phrase, keys, sum(len(k) for k in keys)))
    return tuple(out)


@lru_cache(maxsize=200_000)
def _near(key: str, target: str) -> bool:
    """A word close enough to a phrase's first or last word (half its letters at most different)."""
    return Levenshtein.normalized_distance(key, target) <= 0.5


def _spelled(target: str, read: str, case: str) -> str:
    """The phrase's word in the run's case, or the OCR's own spelling when it is the same word."""
    if canonical(nfc(read).lower()) == canonical(target.lower()):
        return read
    return target.upper() if case == "upper" else target.lower() if case == "lower" else target


def _run_case(words: list[str]) -> str:
    """`upper` or `lower` when every word of the run is so; otherwise the phrase's own case (`mixed`)."""
    patterns = {case_pattern(w) if case_pattern(w) != "lower" or w.islower() else "mixed" for w in words}
    return patterns.pop() if len(patterns) == 1 and patterns <= {"upper", "lower"} else "mixed"


def fixed_line_edits(text: str, lines: set[int] | None = None) -> list[tuple[int, int, str]]:
    """Only where a fixed line can be: on the given lines (numbers from 0; None: every line), a run whose first
    and last words are near the phrase's is compared whole."""
    edits: list[tuple[int, int, str]] = []
    targets = _targets()
    shortest = min((len(keys) for _, keys, _ in targets), default=0)
    if lines is not None and not lines:
        return edits
    number = 0
    cursor = 0
    for line in re.finditer(r"[^\n]+", text):
        if lines is not None:
            number += text.count("\n", cursor, line.start())
            cursor = line.start()
            if number not in lines:
                continue
        words = None
        taken = -1
        for phrase, target, letters in targets:
            n = len(phrase)
            if words is None:
                words = [(m.start() + line.start(), m.end() + line.start(), m.group())
                         for m in _WORD.finditer(line.group())]
                if len(words) < shortest:
                    break
                keys = [_key(w) for _, _, w in words]
            for i in range(max(0, taken + 1), len(words) - n + 1):
                if i <= taken:
                    continue  # inside the run just snapped
                if not (_near(keys[i], target[0]) and _near(keys[i + n - 1], target[-1])):
                    continue
                got = keys[i : i + n]
                if any(not k.isalpha() for k in got):
                    continue
                distance = sum(Levenshtein.distance(a, b) for a, b in zip(got, target))
                if distance > MAX_DISTANCE * letters:
                    continue
                case = _run_case([w for _, _, w in words[i : i + n]])
                for (a, b, w), t in zip(words[i : i + n], phrase):
                    new = _spelled(t, w, case)
                    if new != w:
                        edits.append((a, b, new))
                taken = i + n - 1
    return edits


# ngày/tháng (day slot) or tháng/năm (month slot), with the token between them
_SLOT = re.compile(r"(?i)\b(ngày|ngay|tháng|thang)\s+(\S{1,2})(?=\s+(tháng|thang|năm|nam)\b)")
_ONE = "Il|]![J"
_ZERO = "Oo"


def date_slot_edits(text: str) -> list[tuple[int, int, str]]:
    edits = []
    for m in _SLOT.finditer(text):
        token = m.group(2)
        if token.isdigit() or not all(ch.isdigit() or ch in _ONE or ch in _ZERO for ch in token):
            continue
        if not any(ch.isdigit() or ch in _ONE for ch in token):
            continue  # `o`, `O` alone are words
        digits = "".join("1" if ch in _ONE else "0" if ch in _ZERO else ch for ch in token)
        value = int(digits)
        before, after = fold(m.group(1).lower()), fold(m.group(3).lower())
        if before == "ngay" and after == "thang" and 1 <= value <= 31 or \
                before == "thang" and after == "nam" and 1 <= value <= 12:
            start = m.start(2)
            edits.append((start, start + len(token), digits))
    return edits
