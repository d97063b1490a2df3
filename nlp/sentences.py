"""Sentence bounds with offsets, for snippets: paragraphs found from the layout, sentences by underthesea."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from . import underthesea_parts

# A line break ends a paragraph when the line before ends a sentence or clause, or the next line opens a list item
# or a new clause ("- ", "1.", "a)", "Căn cứ", "Thực hiện" — after a title block that ends with no full stop:
# "… trên địa bàn tỉnh Quảng Ngãi⏎Thực hiện Công văn số 6138/UBND-KGVX …").
_PARA_BREAK = re.compile(
    r"\n[ \t]*\n|\f|(?<=[.;:!?])[ \t]*\n|\n(?=[ \t]*(?:[-+•*]\s|\d{1,2}[.)]\s|[a-zđ]\)\s|[IVX]{1,4}\.\s|Căn cứ|Can cu|"
    r"Thực hiện|Thuc hien))"
)
_MAX_SNIPPET = 420


@lru_cache(maxsize=1)
def _sent_tokenize():
    try:
        return underthesea_parts.sent_tokenize()
    except Exception:  # pragma: no cover - underthesea is a hard dependency
        return None


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for match in _PARA_BREAK.finditer(text):
        if match.start() > start:
            out.append((start, match.start()))
        start = match.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _split_paragraph(text: str, start: int, end: int) -> list[tuple[int, int]]:
    para = text[start:end].replace("\n", " ")
    tokenize = _sent_tokenize()
    pieces = tokenize(para) if tokenize and para.strip() else [para]
    out, cursor = [], 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        found = para.find(piece, cursor)
        if found < 0:  # the tokenizer changed the text: fall back to the paragraph
            return [(start, end)]
        if out and piece[0].islower():  # no sentence opens in small letters: a speck read as a full stop
            out[-1] = (out[-1][0], start + found + len(piece))  # (`ban hành Quyết. định số 736/QĐ-BGDĐT`)
        else:
            out.append((start + found, start + found + len(piece)))
        cursor = found + len(piece)
    return out or [(start, end)]


class SentenceIndex:
    """Sentence bounds of one text, computed lazily, paragraph by paragraph."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._paras = paragraphs(text)
        self._starts = [p[0] for p in self._paras]
        self._cache: dict[int, list[tuple[int, int]]] = {}

    def bounds(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0 or not self._paras[i][0] <= pos < self._paras[i][1]:
            return pos, pos
        start, end = self._paras[i]
        if i not in self._cache:
            self._cache[i] = _split_paragraph(self.text, start, end)
        for s, e in self._cache[i]:
            if s <= pos < e:
                return s, e
        return start, end

    def snippet(self, span: tuple[int, int]) -> tuple[tuple[int, int], str]:
        """The sentence around a span, with its bounds: a letterhead is no sentence (its line is taken, and the
        lines that carry it on); a long sentence is clipped around the span at word boundaries, `…` where cut."""
        start, end = self.bounds(span[0])
        start, end = _letterhead_line(self.text, start, end, span[0])
        end = max(end, span[1])
        head = tail = ""
        if end - start > _MAX_SNIPPET:
            lo = max(start, span[0] - _MAX_SNIPPET // 2)
            hi = min(end, max(span[1], lo + _MAX_SNIPPET))
            if lo > start:
                lo, head = _word_start(self.text, lo, span[0]), "… "
            if hi < end:
                hi, tail = _word_end(self.text, hi, span[1]), " …"
            start, end = lo, hi
        return (start, end), head + " ".join(self.text[start:end].split()) + tail


def _word_start(text: str, pos: int, limit: int) -> int:
    """`pos` moved forward to the start of a word (never past `limit`): a snippet does not begin mid-word."""
    while pos < limit and pos > 0 and not text[pos - 1].isspace():
        pos += 1
    while pos < limit and text[pos].isspace():
        pos += 1
    return pos


def _word_end(text: str, pos: int, limit: int) -> int:
    """`pos` moved back to the end of a word (never before `limit`)."""
    while pos > limit and pos < len(text) and not text[pos].isspace():
        pos -= 1
    return pos


_SENTENCE_END = re.compile(r"[.!?;][ \t]")


def _letterhead_line(text: str, start: int, end: int, pos: int) -> tuple[int, int]:
    """In a block of three lines or more that holds no sentence (a letterhead read as one paragraph: body,
    number, motto, place and date), the line around `pos` with the lines it carries on and that carry it on (a
    line that starts in lower case or with a digit)."""
    block = text[start:end]
    if block.count("\n") < 2 or _SENTENCE_END.search(block):
        return start, end
    lo = max(text.rfind("\n", start, pos) + 1, start)
    while lo > start and _carries_on(text[lo : lo + 1]):  # this line carries the one before it on
        lo = max(text.rfind("\n", start, lo - 1) + 1, start)
    hi = text.find("\n", pos, end)
    hi = end if hi < 0 else hi
    while hi < end and _carries_on(text[hi + 1 : hi + 2]):
        nxt = text.find("\n", hi + 1, end)
        hi = end if nxt < 0 else nxt
    return lo, hi


def _carries_on(first: str) -> bool:
    return first.islower() or first.isdigit()


def window(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end] as a snippet (see `SentenceIndex.snippet`)."""
    return sentence_index(text).snippet((start, end))[1]


@lru_cache(maxsize=8)
def sentence_index(text: str) -> SentenceIndex:
    """The (shared, lazily filled) sentence index of a text: the reference and relation passes use the same one."""
    return SentenceIndex(text)
