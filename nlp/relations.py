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
    note: str | None = None  # why the relation the words state was not kept (nlp.relation_checks)


@lru_cache(maxsize=1)
def _triggers() -> re.Pattern[str]:
    parts = []
    for i, (relation, phrase) in enumerate(relation_phrases()):
        parts.append(rf"(?P<r{i}>{fuzzy_pattern(phrase)})")
    return re.compile(r"(?<![a-z])(?:" + "|".join(parts) + r")(?![a-z])")


@lru_cache(maxsize=1)
def _bare_trigger() -> re.Pattern[str]:
    return re.compile(r"[ \t\n]*(?:" + _triggers().pattern + r")(?:[ \t\n]+(?:phap ly|vao))?[ \t\n]*:?[ \t\n]*")


class _BareTrigger:
    """A clause that is only a relation phrase, the header of a list ("Căn cứ:")."""

    @staticmethod
    def fullmatch(folded: str, lo: int, hi: int) -> re.Match[str] | None:
        return _bare_trigger().fullmatch(folded, lo, hi)


_BARE_TRIGGER = _BareTrigger()


def _relation_of(match: re.Match[str]) -> str:
    name = match.lastgroup or ""
    return relation_phrases()[int(name[1:])][0]


# Clause breaks: ";", a full stop, a blank line, a page break, a colon ending a line, and a line that opens a new
# clause or list item ("Căn cứ ...", "- ...", "2. ...", "a) ...").
_CLAUSE_BREAK = re.compile(
    r";|\.(?=\s)|\n[ \t]*\n|\f|:\s*\n|\n(?=[ \t]*(?:can c\w{1,2}[\s:]|[-+•*]\s|\d{1,2}[.)]\s|[a-z]\)\s|[ivx]{1,4}\.\s))"
)
_COORDINATION = re.compile(r"(?:(?<![a-z])(?:va|hoac|cung nhu)|[,;])[ \t\n]*\Z")
_DIRECT = re.compile(r"[ \t\n]*,?[ \t\n]*(?:(?:da|duoc|dong thoi|cung)[ \t\n]+){0,2}\Z")


# "được sửa đổi, bổ sung (một số điều) bởi …", "đã được thay thế tại …": the references that follow act on this one
_PASSIVE = re.compile(r"[ \t\n]*,?[ \t\n]*\(?[ \t\n]*(?:da[ \t\n]+)?duoc[ \t\n]+(?:sua doi|bo sung|thay the|bai bo)")
# "… được sửa đổi, bổ sung (một số điều) bởi" right before a reference: it amends what the clause names
_PASSIVE_BEFORE = re.compile(r"(?<![a-z])duoc[ \t\n]+(?:sua doi|bo sung|thay the)[ \t\n,a-z]{0,40}?"
                             r"(?<![a-z])(?:boi|theo|tai)[ \t\n]+(?:cac[ \t\n]+)?\Z")
# A relation phrase that follows a type name is the name of a document, not the letter's act: "Luật sửa đổi, bổ
# sung một số điều của Luật Tổ chức Chính phủ …", "Nghị định thay thế …"
_NAMED_ACT = re.compile(r"(?<![a-z])(?:luat|bo luat|phap lenh|nghi dinh|thong tu|nghi quyet|quyet dinh)"
                        r"[ \t\n]*(?:so[ \t\n]*[\w/.-]*[ \t\n]*)?(?:sua doi[ \t\n]*,?[ \t\n]*(?:va[ \t\n]+)?)?\Z")
_ACTS = frozenset({"amends", "replaces", "repeals"})
_NAME_OPENER = re.compile(r"(?<![a-z])(?:quy dinh(?:[ \t\n]+chi tiet)?(?:[ \t\n]+va)?|huong dan)[ \t\n]*\Z")
_ISSUED_WITH = re.compile(r"(?<![a-z])ban hanh[ \t\n]*\Z")


# Words that open a cited document's own name right after its number (its triggers are not the letter's)
_NAME_VERB = re.compile(r"[ \t\n]*,?[ \t\n]*(?P<verb>quy dinh|huong dan|ban hanh|phe duyet)(?![a-z])")
# A type name that can open a document's name printed before its number
_TYPE_WORD = re.compile(r"(?<![a-z])(?:bo luat|luat|phap lenh|nghi dinh|thong tu|nghi quyet|quyet dinh|chi thi)"
                        r"(?![a-z])")
_LIST_ITEM = re.compile(r"[ \t\n]*(?:[-+•*]|\d{1,2}[.)]|[a-z]\))\s")


_NEW_CLAUSE_LINE = re.compile(r"\n(?=[ \t]*(?:Thực hiện|THỰC HIỆN|Thuc hien)\s)")


class _Clauses:
    """Clause breaks of one text, for O(log n) look-ups of the clause around a position."""

    def __init__(self, folded: str, text: str | None = None) -> None:
        self.size = len(folded)
        breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(folded)]
        if text is not None:  # a line that opens with a capital `Thực hiện`: a new clause after a title block that
            # ends with no full stop ("… trên địa bàn tỉnh Quảng Ngãi⏎Thực hiện Công văn số 6138/UBND-KGVX …"); a
            # line wrapped before a lower-case `thực hiện` goes on with its sentence
            breaks = sorted(breaks + [(m.start(), m.start() + 1) for m in _NEW_CLAUSE_LINE.finditer(text)])
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
    clauses = _Clauses(folded, text)
    ordered = sorted(mentions, key=lambda m: m.span[0])
    starts = [m.span[0] for m in ordered]

    # Each mention's own clause: after "về ..." or a relation phrase that directly follows it, up to the end of
    # the clause or up to a sibling reference ("... và Kế hoạch số 58").
    # a reference's "của <issuer>" read past a line that opens the next clause ends there
    ordered = [replace(m, tail_end=min(m.tail_end, clauses.end_of(m.span[1]))) if m.tail_end > m.span[1] else m
               for m in ordered]
    names = [_own_name(folded, clauses.start_of(m.span[0]), m.span[0], starts) for m in ordered]
    own: list[tuple[int, int] | None] = []
    passive: set[int] = set()
    for i, m in enumerate(ordered):
        start = m.subject_start
        if start is None:
            direct = triggers.match(folded, _skip_direct(folded, m.tail_end))
            # a phrase on the next clause ("…Luật Đất đai\nCăn cứ Luật …") is not this reference's own
            if direct and direct.start() - m.tail_end <= 12 and clauses.start_of(direct.start()) <= m.tail_end:
                start = direct.start()
                if _PASSIVE.match(folded, m.tail_end):
                    passive.add(i)
            else:
                # its name: "Nghị định số 78/2025/NĐ-CP quy định chi tiết … thi hành Luật …"
                named = _NAME_VERB.match(folded, m.tail_end)
                if named:
                    start = named.start("verb")
        if start is None:
            own.append(None)
            continue
        end = clauses.end_of(start)
        for later in ordered[i + 1 :]:
            if later.span[0] >= end:
                break
            # an amended law's list of amending laws goes on past its commas
            if i not in passive and _COORDINATION.search(folded, max(start, later.span[0] - 12), later.span[0]):
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
            rel = _last_trigger(folded, clause[0], m.span[0],
                                _blocked(ordered, own, starts, clause[0], m.span[0], skip={enclosing, i}, names=names))
            span = (x.span[0], m.span[1])
            sentence = sentences.snippet(span)[1]
            if enclosing not in passive and not _PASSIVE_BEFORE.search(folded, max(0, m.span[0] - 90), m.span[0]):
                links.append(Link(source=x, target=m, relation=rel, span=span, sentence=sentence))
                out.append(replace(m, relation="cites"))
                continue
            # "Luật … số 15/2012/QH13 được sửa đổi, bổ sung bởi Luật số 67/2020/QH14": the later law amends the
            # earlier, and the letter stands on both
            links.append(Link(source=m, target=x, relation=rel, span=span, sentence=sentence))
        start = clauses.start_of(m.span[0])
        # A list of references separated by ";" shares the phrase that opened it:
        # "Căn cứ Kế hoạch số 121/KH-UBND ...; Kế hoạch số 58/KH-UBND ..." — both based_on.
        for _ in range(8):
            if start == 0 or folded[start - 1] != ";" or folded[start : m.span[0]].strip():
                break
            start = clauses.start_of(start - 1)
        blocked = _blocked(ordered, own, starts, start, m.span[0], skip={i}, names=names)
        rel = _last_trigger(folded, start, m.span[0], blocked)
        if rel == "cites":
            rel = _list_header(folded, clauses, start) or rel
        out.append(replace(m, relation=rel))
    return out, links


def _own_name(folded: str, start: int, pos: int, starts: list[int]) -> int | None:
    """Where the cited document's name begins when it is printed before its number: `Luật Thi hành án dân sự số
    106/2025/QH15` — its words ("thi hành") are not the letter's act. None when another reference stands between."""
    if _TYPE_WORD.match(folded, pos):
        return None  # the reference opens with its type name: "Quyết định số …"
    found = None
    for match in _TYPE_WORD.finditer(folded, max(start, pos - 160), pos):
        found = match.start()
    if found is None or found == pos:
        return None
    k = bisect.bisect_left(starts, found)
    return found if k >= len(starts) or starts[k] >= pos else None


def _list_header(folded: str, clauses: _Clauses, start: int) -> str | None:
    """The relation of a list's header for one of its items: "Căn cứ:" then "- Luật …", "- Nghị định …"."""
    for _ in range(60):
        if not _LIST_ITEM.match(folded, start) or start == 0:
            return None
        i = bisect.bisect_right(clauses.ends, start) - 1
        if i < 0:
            return None
        before = clauses.start_of(clauses.starts[i])
        header = _BARE_TRIGGER.fullmatch(folded, before, clauses.starts[i])
        if header:
            return _relation_of(header)
        start = before
    return None


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
    names: list[int | None],
) -> list[tuple[int, int]]:
    """Ranges in [lo, hi) whose relation phrases belong to references (their names, text and own clauses)."""
    ranges = []
    first = bisect.bisect_left(starts, lo - 3000)
    last = bisect.bisect_left(starts, hi + 1)
    for k in range(first, last):
        m = ordered[k]
        if names[k] is not None:
            ranges.append((names[k], m.span[0]))  # type: ignore[arg-type]
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
        relation = _relation_of(match)
        if relation in _ACTS and _NAMED_ACT.search(folded, max(0, match.start() - 30), match.start()):
            continue
        if _NAME_OPENER.search(folded, max(0, match.start() - 25), match.start()):
            continue  # "… quy định chi tiết thi hành …", "hướng dẫn thực hiện …": a document's name
        if relation == "attached_to" and _ISSUED_WITH.search(folded, max(0, match.start() - 20), match.start()):
            continue  # "Quy chế … ban hành kèm theo Quyết định số …": what the cited document carries
        found = relation
    return found
