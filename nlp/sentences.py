"""Sentence bounds with offsets, for snippets: paragraphs found from the layout, sentences by underthesea."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

# A line break ends a paragraph when the line before ends a sentence or clause, or the next line opens a list item
# or a new clause ("- ", "1.", "a)", "Căn cứ").
_PARA_BREAK = re.compile(
    r"\n[ \t]*\n|\f|(?<=[.;:!?])[ \t]*\n|\n(?=[ \t]*(?:[-+•*]\s|\d{1,2}[.)]\s|[a-zđ]\)\s|[IVX]{1,4}\.\s|Căn cứ|Can cu))"
)
_MAX_SNIPPET = 420


@lru_cache(maxsize=1)
def _sent_tokenize():
    try:
        from underthesea import sent_tokenize
    except Exception:  # pragma: no cover - underthesea is a hard dependency
        return None
    return sent_tokenize


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
        """The sentence around a span (clipped to a readable length around the span), with its bounds."""
        start, end = self.bounds(span[0])
        end = max(end, span[1])
        if end - start > _MAX_SNIPPET:
            start = max(start, span[0] - _MAX_SNIPPET // 2)
            end = min(end, max(span[1], start + _MAX_SNIPPET))
        return (start, end), " ".join(self.text[start:end].split())


@lru_cache(maxsize=8)
def sentence_index(text: str) -> SentenceIndex:
    """The (shared, lazily filled) sentence index of a text: the reference and relation passes use the same one."""
    return SentenceIndex(text)
