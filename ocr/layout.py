"""Reading order of OCR'd words, with the two-column blocks of the Nghị định 30/2020 layout kept apart.

Tesseract's page segmentation often reads the header's two columns ("ỦY BAN NHÂN DÂN" | "CỘNG HÒA XÃ HỘI CHỦ
NGHĨA VIỆT NAM") as one line, and orders the blocks of the signature area in its own way. Here every engine line is
first cut at its wide gaps into segments; segments are gathered into rows by height on the page; a run of rows
that are each split by a wide gap into a left and a right part is read column by column — left column top to
bottom, then the right one — and so is the signature block ("Nơi nhận:" | "KT. CHỦ TỊCH"). Column texts are
centred, so their edges need not line up; rows with text on one side only ("V/v ..." under the left column, the
signer's name) belong to the run when they sit close under it.
"""

from __future__ import annotations

import statistics
import unicodedata
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


class _Extent:
    """The box around a group of words: a segment of a line, or a row of segments."""

    def _words(self) -> list[RawWord]:
        raise NotImplementedError

    @property
    def left(self) -> int:
        return min(w.left for w in self._words())

    @property
    def right(self) -> int:
        return max(w.right for w in self._words())

    @property
    def top(self) -> int:
        return min(w.top for w in self._words())

    @property
    def bottom(self) -> int:
        return max(w.top + w.height for w in self._words())

    @property
    def height(self) -> int:
        return max(w.height for w in self._words())

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _Segment(_Extent):
    words: list[RawWord]

    def _words(self) -> list[RawWord]:
        return self.words


@dataclass
class _Row(_Extent):
    segments: list[_Segment]

    def _words(self) -> list[RawWord]:
        return [w for s in self.segments for w in s.words]

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


def _widest_gap(row: _Row, small: float) -> tuple[int, int] | None:
    """The row's column gap: wider than `small` (itself at least 2.5% of the page width) and than 3.5 ordinary
    spaces of the row (a noisy scan can widen one space of a body line; a column gap is wider still)."""
    spaces = [b.left - a.right for s in row.segments for a, b in zip(s.words, s.words[1:]) if a.text and b.text]
    ordinary = statistics.median(spaces) if spaces else 0.0
    gaps = [g for g in row.gaps() if g[1] - g[0] > max(small, 3.5 * ordinary)]
    return max(gaps, key=lambda g: g[1] - g[0]) if gaps else None


def _halves(row: _Row, gap: tuple[int, int]) -> tuple[list[RawWord], list[RawWord]]:
    words = [w for s in row.segments for w in s.words]
    return [w for w in words if w.right <= gap[0]], [w for w in words if w.left >= gap[1]]


def _weak_split(row: _Row, right_edge_of_left: float, left_edge_of_right: float
                ) -> tuple[list[RawWord], list[RawWord]] | None:
    """A one-segment row above a run, whose two column texts the engine read as one line with a narrow gap: its
    widest space, between the columns' edges, is clearly wider than its ordinary spaces."""
    words = [w for s in row.segments for w in s.words if w.text]
    if len(words) < 3:
        return None
    gaps = [(b.left - a.right, k) for k, (a, b) in enumerate(zip(words, words[1:]))]
    ordinary = statistics.median(g for g, _ in gaps)
    width, k = max(gaps)
    centre = (words[k].right + words[k + 1].left) / 2
    low, high = sorted((right_edge_of_left, left_edge_of_right))
    if width > max(1.5 * ordinary, ordinary + 8) and low - 0.08 * (row.right - row.left) < centre < high + \
            0.08 * (row.right - row.left):
        return words[: k + 1], words[k + 1 :]
    return None


def _as_space(word: RawWord) -> RawWord | None:
    """A speck becomes an empty stand-in that keeps its line's spacing (dropped when the text is composed)."""
    return RawWord("", word.conf, word.left, word.top, word.width, 0, word.key)


def _aligned(row: _Row, sides: list[tuple[list[RawWord], list[RawWord]]], small: float) -> bool:
    """Does the row start where the run's left column lines start (a list under "Nơi nhận:")?"""
    starts = [left[0].left for left, _ in sides if left]
    return bool(starts) and abs(row.left - starts[-1]) < small


def _reach(row: _Row, sides: list[tuple[list[RawWord], list[RawWord]]], left_edge_of_right: float,
           small: float) -> float:
    """How far below the run's last row (in line heights, top to top) a row with text on one side only still
    belongs to the run: a list under "Nơi nhận:" starting where its lines start, 2.5; a row under the left column
    only, 2.2 — the trích yếu under the number often sits a blank line lower than the number's row (the pen's
    number written large above it: `Số: 275 /STTTT-CNTT` ⏎⏎ `V/v đăng ký danh sách …`); anything else, 1.8."""
    if _aligned(row, sides, small):
        return 2.5
    return 2.2 if row.right <= left_edge_of_right + small / 3 else 1.8


def _one_sided_run(rows: list[_Row], i: int, page_width: int, column: float, typical: float) -> int:
    """The end of a run of rows from `i` that each hold text on one side of the page's middle only, close under
    one another, where a right-hand row comes above a left-hand one — a signature area whose columns share no
    row, which the two-column runs above do not see:

        KT. GIÁM ĐỐC             (right)
        PHÓ GIÁM ĐỐC             (right)
    Nơi nhận:                    (left)
    - Như trên; …                (left)
        Nguyễn Hữu Việt          (right)

    read as a human reads it: the left column, then the right (the signer's title beside its name). `i` itself
    when there is no such run (rows above one another on one side are already in order)."""
    middle = page_width / 2

    def side(row: _Row) -> str | None:
        if _widest_gap(row, column) is not None:
            return None
        if row.right < middle - column / 2:
            return "left"
        if row.left > middle + column / 2:
            return "right"
        return None

    sides, end = [side(rows[i])], i + 1
    while end < len(rows) and sides[0] is not None:
        step = rows[end].top - rows[end - 1].top
        found = side(rows[end])
        if found is None or step > 4 * max(typical, rows[end - 1].height):
            break
        sides.append(found)
        end += 1
    first_right = sides.index("right") if "right" in sides else len(sides)
    return end if "left" in sides[first_right:] else i


def _has_text(token: str) -> bool:
    """A real letter or digit (modifier letters such as ˆ, which OCR makes of specks, do not count)."""
    return any(unicodedata.category(ch) in {"Lu", "Ll", "Lt", "Lo", "Nd"} for ch in token)


_SMALL_MARKS = set("-–.,;:+*•=_")  # small glyphs that are text (list dashes, dots), unlike specks
_PUNCTUATION = set("()[]“”\"'/!?%&…§")  # a word of these alone is still text; ˆ ` ~ ^ | alone are specks


def arrange(words: list[RawWord], page_width: int) -> list[list[RawWord]]:
    """Output lines (lists of words, left to right) in reading order."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return []
    # specks (a seal's remains, dust) read as tiny low-confidence "words" would break the rows they sit between
    typical = statistics.median(w.height for w in words)
    # Specks (dust, a seal's remains) read as tiny or symbol-only "words" are kept out of the rows; a small mark is
    # text only next to a word of its own line (a list dash "- Như trên", a full stop), not standing alone.
    by_line: dict[tuple[int, int, int], list[RawWord]] = {}
    for w in words:
        by_line.setdefault(w.key, []).append(w)

    def next_to_text(w: RawWord) -> bool:
        return any(o is not w and o.height >= 0.4 * typical and _has_text(o.text)
                   and -typical < max(o.left - w.right, w.left - o.right) < 1.5 * typical for o in by_line[w.key])

    def speck(w: RawWord) -> bool:
        if w.height >= 0.4 * typical:
            return not (_has_text(w.text) or set(w.text) <= _SMALL_MARKS | _PUNCTUATION)
        return not (set(w.text) <= _SMALL_MARKS and w.conf >= 60 and next_to_text(w))

    specks = {id(w) for w in words if speck(w)}
    if len(specks) < len(words):
        words = [w if id(w) not in specks else _as_space(w) for w in words]
        words = [w for w in words if w is not None]
    char = _char_width(words, page_width)
    small = max(1.5 * char, 0.012 * page_width)  # wider than any word space: cuts segments
    column = max(small, 0.025 * page_width)  # a column gap is at least this wide
    big = max(4.0 * char, 0.03 * page_width)  # a column gap on its own
    segments = []
    for segment in _segments(words, small):
        real = [k for k, w in enumerate(segment.words) if w.text]
        if real:  # stand-ins for specks keep spacing inside a segment, never at its ends nor alone
            segments.append(_Segment(segment.words[real[0] : real[-1] + 1]))
    rows = _rows(segments)
    out: list[list[RawWord]] = []
    i = 0
    while i < len(rows):
        split = _widest_gap(rows[i], column)
        if split is None:
            end = _one_sided_run(rows, i, page_width, column, typical)
            if end > i + 1:  # the signature area laid out without a shared row: its left column first
                run = [[w for s in row.segments for w in s.words] for row in rows[i:end]]
                out.extend(line for line, row in zip(run, rows[i:end]) if row.right < page_width / 2)
                out.extend(line for line, row in zip(run, rows[i:end]) if row.right >= page_width / 2)
                i = end
                continue
            out.append([w for s in rows[i].segments for w in s.words])
            i += 1
            continue
        # a run of two-column rows: each split at its widest gap; the columns' texts are centred, so their edges
        # need not line up from row to row — only their sides do
        sides: list[tuple[list[RawWord], list[RawWord]]] = [_halves(rows[i], split)]
        left_edge_of_right = split[1]  # the leftmost start of right-column text so far
        right_edge_of_left = split[0]  # the rightmost end of left-column text so far
        split_rows, widest, j = 1, split[1] - split[0], i + 1
        while j < len(rows):
            row, above = rows[j], rows[j - 1]
            step = row.top - above.top
            gap = _widest_gap(row, column)
            if gap is not None and step < 4 * max(typical, above.height) and \
                    gap[0] < left_edge_of_right + 4 * small and gap[1] > right_edge_of_left - 4 * small:
                sides.append(_halves(row, gap))
                left_edge_of_right = min(left_edge_of_right, gap[1])
                right_edge_of_left = max(right_edge_of_left, gap[0])
                split_rows += 1
                widest = max(widest, gap[1] - gap[0])
            elif gap is None and step < _reach(row, sides, left_edge_of_right, small) * max(typical, above.height):
                words_of_row = [w for s in row.segments for w in s.words]
                if row.right <= left_edge_of_right + small / 3:
                    sides.append((words_of_row, []))  # under the left column ("V/v ...")
                elif row.left >= right_edge_of_left - small / 3:
                    sides.append(([], words_of_row))  # under the right column (the signer's name)
                else:
                    break
            else:
                break
            j += 1
        if split_rows < 2 and widest <= big:
            out.append([w for s in rows[i].segments for w in s.words])
            i += 1
            continue
        if out and i > 0 and rows[i].top - rows[i - 1].top < 1.8 * max(typical, rows[i - 1].height):
            weak = _weak_split(rows[i - 1], right_edge_of_left, left_edge_of_right)
            if weak is not None:
                out.pop()
                sides.insert(0, weak)
        out.extend(left for left, _ in sides if left)
        out.extend(right for _, right in sides if right)
        i = j
    return [line for line in ([w for w in line if w.text] for line in out) if line]
