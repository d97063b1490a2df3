"""What a letter does with each document it cites, and what it says cited documents do to each other.

- The letter's relation to a reference comes from the phrase that opens its clause: `Căn cứ` → based_on,
  `Thực hiện` / `Triển khai` → implements, `Trả lời` / `Phúc đáp` → responds_to, `Kèm theo` → attached_to,
  `thay thế` → replaces, `sửa đổi, bổ sung` → amends, `bãi bỏ` → repeals, anything else → cites.
- A reference that stands inside another reference's own clause (`Kế hoạch số 38/KH-UBND ... về triển khai thực
  hiện Nghị quyết số 13-NQ/TU`, `Nghị định số 45/2024/NĐ-CP sửa đổi, bổ sung Nghị định số 30/2020/NĐ-CP`) is an
  assertion about the two cited documents: a Link 38 → 13 (implements), with the letter as its evidence.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .doctypes import fuzzy_pattern, relation_phrases
from .references import Mention
from .sentences import sentence_index
from .text import fold_lower


@dataclass(frozen=True)
class Link:
    """An edge between two cited documents that the letter asserts."""

    source: Mention
    target: Mention
    relation: str
    span: tuple[int, int]
    sentence: str


@lru_cache(maxsize=1)
def _triggers() -> re.Pattern[str]:
    parts = []
    for i, (relation, phrase) in enumerate(relation_phrases()):
        parts.append(rf"(?P<r{i}>{fuzzy_pattern(phrase)})")
    return re.compile(r"(?<![a-z])(?:" + "|".join(parts) + r")(?![a-z])")


def _relation_of(match: re.Match[str]) -> str:
    name = match.lastgroup or ""
    return relation_phrases()[int(name[1:])][0]


# Clause breaks: ";", a full stop, a blank line, a page break, a colon ending a line, and a line that opens a new
# clause or list item ("Căn cứ ...", "- ...", "2. ...", "a) ...").
_CLAUSE_BREAK = re.compile(
    r";|\.(?=\s)|\n[ \t]*\n|\f|:\s*\n|\n(?=[ \t]*(?:can c\w{1,2}\s|[-+•*]\s|\d{1,2}[.)]\s|[a-z]\)\s|[ivx]{1,4}\.\s))"
)
_COORDINATION = re.compile(r"(?:(?<![a-z])(?:va|hoac|cung nhu)|[,;])[ \t\n]*\Z")
_DIRECT = re.compile(r"[ \t\n]*,?[ \t\n]*(?:(?:da|duoc|dong thoi|cung)[ \t\n]+){0,2}\Z")


class _Clauses:
    """Clause breaks of one text, for O(log n) look-ups of the clause around a position."""

    def __init__(self, folded: str) -> None:
        self.size = len(folded)
        breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(folded)]
        self.starts = [b[0] for b in breaks]
        self.ends = [b[1] for b in breaks]

    def start_of(self, pos: int) -> int:
        """Start of the clause that contains `pos` (just after the last break that ends at or before it)."""
        i = bisect.bisect_right(self.ends, pos) - 1
        return self.ends[i] if i >= 0 else 0

    def end_of(self, pos: int) -> int:
        i = bisect.bisect_left(self.starts, pos)
        return self.starts[i] if i < len(self.starts) else self.size


def classify(text: str, mentions: list[Mention]) -> tuple[list[Mention], list[Link]]:
    """Mentions with their relation to the letter, and the links the letter asserts between cited documents."""
    folded = fold_lower(text)
    triggers = _triggers()
    clauses = _Clauses(folded)
    ordered = sorted(mentions, key=lambda m: m.span[0])
    starts = [m.span[0] for m in ordered]

    # Each mention's own clause: after "về ..." or a relation phrase that directly follows it, up to the end of
    # the clause or up to a sibling reference ("... và Kế hoạch số 58").
    own: list[tuple[int, int] | None] = []
    for i, m in enumerate(ordered):
        start = m.subject_start
        if start is None:
            direct = triggers.match(folded, _skip_direct(folded, m.tail_end))
            if direct and direct.start() - m.tail_end <= 12:
                start = direct.start()
        if start is None:
            own.append(None)
            continue
        end = clauses.end_of(start)
        for later in ordered[i + 1 :]:
            if later.span[0] >= end:
                break
            if _COORDINATION.search(folded, max(start, later.span[0] - 12), later.span[0]):
                end = later.span[0]
                break
        own.append((start, end))

    sentences = sentence_index(text)
    links: list[Link] = []
    out: list[Mention] = []
    for i, m in enumerate(ordered):
        enclosing = None
        for j in range(i - 1, -1, -1):
            clause = own[j]
            if clause and clause[0] <= m.span[0] < clause[1]:
                enclosing = j
                break
        if enclosing is not None:
            x = ordered[enclosing]
            clause = own[enclosing]
            assert clause is not None
            rel = _last_trigger(folded, clause[0], m.span[0], _blocked(ordered, own, starts, clause[0], m.span[0], skip={enclosing, i}))
            span = (x.span[0], m.span[1])
            links.append(Link(source=x, target=m, relation=rel, span=span, sentence=sentences.snippet(span)[1]))
            out.append(replace(m, relation="cites"))
            continue
        start = clauses.start_of(m.span[0])
        # A list of references separated by ";" shares the phrase that opened it:
        # "Căn cứ Kế hoạch số 121/KH-UBND ...; Kế hoạch số 58/KH-UBND ..." — both based_on.
        for _ in range(8):
            if start == 0 or folded[start - 1] != ";" or folded[start : m.span[0]].strip():
                break
            start = clauses.start_of(start - 1)
        rel = _last_trigger(folded, start, m.span[0], _blocked(ordered, own, starts, start, m.span[0], skip={i}))
        out.append(replace(m, relation=rel))
    return out, links


def _skip_direct(folded: str, pos: int) -> int:
    match = re.compile(r"[ \t\n]*,?[ \t\n]*(?:(?:da|duoc|dong thoi|cung)[ \t\n]+){0,2}").match(folded, pos)
    return match.end() if match else pos


def _blocked(
    ordered: list[Mention],
    own: list[tuple[int, int] | None],
    starts: list[int],
    lo: int,
    hi: int,
    skip: set[int],
) -> list[tuple[int, int]]:
    """Ranges in [lo, hi) whose relation phrases belong to other references (their text and their own clauses)."""
    ranges = []
    first = bisect.bisect_left(starts, lo - 3000)
    last = bisect.bisect_left(starts, hi)
    for k in range(first, last):
        m = ordered[k]
        if k in skip:
            continue
        ranges.append((m.span[0], m.tail_end))
        if own[k]:
            ranges.append(own[k])  # type: ignore[arg-type]
    return ranges


def _last_trigger(folded: str, start: int, end: int, blocked: list[tuple[int, int]]) -> str:
    found = "cites"
    for match in _triggers().finditer(folded, start, end):
        if any(a <= match.start() < b for a, b in blocked):
            continue
        found = _relation_of(match)
    return found
