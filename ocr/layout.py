"""Reading order of OCR'd words, with the two-column blocks of the Nghị định 30/2020 layout kept apart.

Tesseract's page segmentation often reads the header's two columns ("ỦY BAN NHÂN DÂN" | "CỘNG HÒA XÃ HỘI CHỦ
NGHĨA VIỆT NAM") as one line, and orders the blocks of the signature area in its own way. Here every engine line is
first cut at its wide gaps into segments; segments are gathered into rows by height on the page; a run of rows
that keep an empty vertical band at the same place (the column gap) is read column by column — left column top to
bottom, then the right one — and so is the signature block ("Nơi nhận:" | "KT. CHỦ TỊCH"). Rows with a single
segment on one side of the band ("V/v ..." under the left column, the signer's name) belong to the run.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class RawWord:
    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    key: tuple[int, int, int]  # (block, paragraph, line) from the engine

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def center(self) -> float:
        return self.left + self.width / 2


@dataclass
class _Segment:
    words: list[RawWord]

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.right for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.top + w.height for w in self.words)

    @property
    def height(self) -> int:
        return max(w.height for w in self.words)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _Row:
    segments: list[_Segment]

    @property
    def left(self) -> int:
        return min(s.left for s in self.segments)

    @property
    def right(self) -> int:
        return max(s.right for s in self.segments)

    @property
    def top(self) -> int:
        return min(s.top for s in self.segments)

    @property
    def height(self) -> int:
        return max(s.height for s in self.segments)

    def gaps(self) -> list[tuple[int, int]]:
        return [(a.right, b.left) for a, b in zip(self.segments, self.segments[1:])]


def _char_width(words: list[RawWord], page_width: int) -> float:
    widths = [w.width / max(1, len(w.text)) for w in words if len(w.text) >= 2]
    return statistics.median(widths) if widths else page_width / 80


def _segments(words: list[RawWord], threshold: float) -> list[_Segment]:
    groups: dict[tuple[int, int, int], list[RawWord]] = {}
    for w in words:
        groups.setdefault(w.key, []).append(w)
    out = []
    for ws in groups.values():
        ws.sort(key=lambda w: w.left)
        current = [ws[0]]
        for a, b in zip(ws, ws[1:]):
            if b.left - a.right > threshold:
                out.append(_Segment(current))
                current = []
            current.append(b)
        out.append(_Segment(current))
    return out


def _rows(segments: list[_Segment]) -> list[_Row]:
    rows: list[_Row] = []
    for seg in sorted(segments, key=lambda s: (s.middle, s.left)):
        if rows:
            row = rows[-1]
            anchor = row.segments[0]
            if abs(seg.middle - anchor.middle) < 0.5 * min(seg.height, anchor.height) and not any(
                seg.left < s.right and seg.right > s.left for s in row.segments
            ):
                row.segments.append(seg)
                row.segments.sort(key=lambda s: s.left)
                continue
        rows.append(_Row([seg]))
    return rows


def _weak_gap(row: _Row, boundary: float) -> bool:
    """A one-segment row whose widest space near `boundary` is clearly wider than its ordinary spaces (two
    column texts that the engine read as one line with a narrow gap)."""
    if len(row.segments) != 1 or len(row.segments[0].words) < 2:
        return False
    words = row.segments[0].words
    gaps = [(b.left - a.right, (a.right + b.left) / 2) for a, b in zip(words, words[1:])]
    ordinary = statistics.median(g for g, _ in gaps)
    width, centre = min(gaps, key=lambda g: abs(g[1] - boundary))
    return abs(centre - boundary) < 0.08 * (row.right - row.left) and width > max(1.5 * ordinary, ordinary + 8)


def _split_row(row: _Row, boundary: float) -> tuple[list[RawWord], list[RawWord]]:
    words = [w for s in row.segments for w in s.words]
    return [w for w in words if w.center < boundary], [w for w in words if w.center >= boundary]


def arrange(words: list[RawWord], page_width: int) -> list[list[RawWord]]:
    """Output lines (lists of words, left to right) in reading order."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return []
    char = _char_width(words, page_width)
    small = max(1.5 * char, 0.012 * page_width)  # wider than any word space
    big = max(4.0 * char, 0.03 * page_width)  # a column gap on its own
    rows = _rows(_segments(words, small))
    out: list[list[RawWord]] = []
    i = 0
    while i < len(rows):
        gaps = [g for g in rows[i].gaps() if g[1] - g[0] > small]
        if not gaps:
            out.append([w for s in rows[i].segments for w in s.words])
            i += 1
            continue
        # the column gap: the x range that stays empty in every row of the run
        lo, hi = max(gaps, key=lambda g: g[1] - g[0])
        split_rows, widest, j = 1, hi - lo, i + 1
        while j < len(rows) and rows[j].top - rows[j - 1].top < 4 * rows[j - 1].height:
            row = rows[j]
            overlapping = [g for g in row.gaps() if g[0] < hi and g[1] > lo]
            if overlapping:
                g = max(overlapping, key=lambda g: min(hi, g[1]) - max(lo, g[0]))
                lo, hi = max(lo, g[0]), min(hi, g[1])
                split_rows += 1
                widest = max(widest, g[1] - g[0])
            elif len(row.segments) == 1 and (row.right <= hi + small / 3 or row.left >= lo - small / 3) and \
                    row.top - rows[j - 1].top < 1.8 * rows[j - 1].height:
                pass  # one side of the gap only, closely under the row above
            else:
                break
            if hi - lo < small / 3:
                break
            j += 1
        boundary = (lo + hi) / 2
        if split_rows < 2 and widest <= big:
            out.append([w for s in rows[i].segments for w in s.words])
            i += 1
            continue
        start = i
        if out and i > 0 and rows[i].top - rows[i - 1].top < 1.8 * rows[i - 1].height and _weak_gap(rows[i - 1],
                                                                                                      boundary):
            out.pop()
            start = i - 1
        left_col: list[list[RawWord]] = []
        right_col: list[list[RawWord]] = []
        for row in rows[start:j]:
            left, right = _split_row(row, boundary)
            if left:
                left_col.append(left)
            if right:
                right_col.append(right)
        out.extend(left_col)
        out.extend(right_col)
        i = j
    return out
