"""The OCR channel: how likely an OCR engine prints the string s for the true letter t, and the search for the
syllables a garbled token could be a reading of.

A syllable T is read as O when each letter of T is printed as a (possibly empty) piece of O, pieces of up to three
characters (`ủ` → `ti`, `ư` → `tr`, `ổ` → `b`, `ấ` → `4`, `ệ` → `¢`). P(s | t) is learned by aligning synthetic
OCR output with its source (`channel_train.py`), smoothed towards the letter without its tone, then the bare
letter, then a small hand-written prior (`nlp/data/confusions.tsv`). The channel file holds, per OCR engine, the
cost −log P(s | t) of every pair with evidence.
"""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass, field
from pathlib import Path

MAX_PIECE = 3
UNSEEN_COST = 14.0
TIE = 0.05  # costs closer than this are ties  # a pair never seen in training: allowed in alignment scoring, never searched
END = "\0"


def with_tone_confusions(costs: dict[str, dict[str, float]], cost: float) -> dict[str, dict[str, float]]:
    """The channel with every tone of a vowel readable as any other tone of it (`ề` as `ê`, `ổ` as `ỗ` or `ố`) at
    `cost` at most: Tesseract's `vie` misplaces and drops tone marks on italic and small print (`quyền` → `quyên`,
    `bổ` → `bỗ`, `tổng` → `tống`), which the synthetic pages it was trained on rarely showed."""
    from .vietnamese import TONE_MARKS, VOWELS, nfc

    out = {t: dict(row) for t, row in costs.items()}
    for base in VOWELS:
        variants = [nfc(base + mark) for mark in TONE_MARKS]
        for true in variants:
            row = out.setdefault(true, {true: 0.0})
            for seen in variants:
                if seen != true and row.get(seen, UNSEEN_COST) > cost:
                    row[seen] = cost
    return out


@dataclass
class Channel:
    costs: dict[str, dict[str, float]]  # true letter → OCR piece → cost (nats)
    inverse: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # OCR piece → [(letter, cost)]
    deletions: list[tuple[str, float]] = field(default_factory=list)  # letters OCR may drop, with cost
    deletion_cost: dict[str, float] = field(default_factory=dict)
    by_piece: dict[str, dict[str, float]] = field(default_factory=dict)  # OCR piece → {letter: cost}

    @classmethod
    def from_dict(cls, data: dict[str, dict[str, float]], max_cost: float = 10.0, max_deletion: float = 7.0
                  ) -> Channel:
        inverse: dict[str, list[tuple[str, float]]] = {}
        deletions = []
        for t, row in data.items():
            for s, c in row.items():
                if c > max_cost:
                    continue
                if s == "":
                    if c <= max_deletion:
                        deletions.append((t, c))
                else:
                    inverse.setdefault(s, []).append((t, c))
        for lst in inverse.values():
            lst.sort(key=lambda x: x[1])
        deletions.sort(key=lambda x: x[1])
        by_piece = {piece: dict(pairs) for piece, pairs in inverse.items()}
        return cls(costs=data, inverse=inverse, deletions=deletions, deletion_cost=dict(deletions), by_piece=by_piece)

    def cost(self, t: str, s: str) -> float:
        row = self.costs.get(t)
        if row is None:
            return 0.0 if s == t else UNSEEN_COST + 2 * len(s)
        return row.get(s, UNSEEN_COST + 2 * len(s))

    def align(self, true: str, seen: str) -> tuple[float, list[tuple[str, str]]]:
        """Best alignment of a true word with an OCR reading: (cost, [(letter, piece), …])."""
        n, m = len(true), len(seen)
        inf = float("inf")
        dist = [[inf] * (m + 1) for _ in range(n + 1)]
        back: list[list[int]] = [[0] * (m + 1) for _ in range(n + 1)]
        dist[0][0] = 0.0
        for i in range(1, n + 1):
            t = true[i - 1]
            row_prev = dist[i - 1]
            row = dist[i]
            for j in range(m + 1):
                best, arg = inf, 0
                for k in range(min(MAX_PIECE, j) + 1):
                    prev = row_prev[j - k]
                    if prev == inf:
                        continue
                    c = prev + self.cost(t, seen[j - k:j])
                    if c < best:
                        best, arg = c, k
                row[j] = best
                back[i][j] = arg
        if dist[n][m] == inf:
            return inf, []
        pairs = []
        j = m
        for i in range(n, 0, -1):
            k = back[i][j]
            pairs.append((true[i - 1], seen[j - k:j]))
            j -= k
        pairs.reverse()
        return dist[n][m], pairs


class SyllableIndex:
    """A trie of the syllables the restorer may write, searched through the channel for one OCR token."""

    def __init__(self, syllables: list[str]) -> None:
        root: dict = {}
        for word in syllables:
            node = root
            for ch in word:
                node = node.setdefault(ch, {})
            node[END] = word
        # flatten: node id → word ending there (or None), and its children as (letter, child id)
        self.words: list[str | None] = []
        self.children: list[list[tuple[str, int]]] = []

        def walk(node: dict) -> int:
            nid = len(self.words)
            self.words.append(node.get(END))
            self.children.append([])
            kids = [(t, walk(child)) for t, child in sorted(node.items()) if t != END]
            self.children[nid] = kids
            return nid

        walk(root)

    def search(self, channel: Channel, seen: str, max_cost: float, limit: int = 12, max_deletions: int = 1,
               max_steps: int = 3000) -> list[tuple[str, float]]:
        """Syllables T with cost(seen | T) ≤ max_cost, cheapest first (at most `limit`): an A* search over
        (trie node, characters of `seen` read, letters dropped), the heuristic being the cheapest reading of the
        characters still unread."""
        table = channel.by_piece
        m = len(seen)
        # per position of `seen`: the pieces that start there, as (letter → cost table, characters read)
        starts = [[(table[seen[j:j + k]], k) for k in range(1, MAX_PIECE + 1)
                   if j + k <= m and seen[j:j + k] in table] for j in range(m)]
        # A* heuristic: the least any reading of seen[j:] can cost (consistent, so found words come cheapest first)
        inf = float("inf")
        rest = [0.0] * (m + 1)
        for j in range(m - 1, -1, -1):
            rest[j] = min((min(costs.values()) + rest[j + k] for costs, k in starts[j] if costs), default=inf)
        if rest[0] > max_cost:
            return []
        drop = channel.deletion_cost
        words = self.words
        children = self.children
        found: dict[str, float] = {}
        best: dict[int, float] = {}
        heap: list[tuple[float, float, int, int, int]] = [(rest[0], 0.0, 0, 0, 0)]
        push = heapq.heappush
        pop = heapq.heappop
        steps = 0
        stride = 2 * (m + 1)
        tie_bound = inf
        while heap and steps < max_steps:
            f_cost, cost, nid, j, dels = pop(heap)
            if f_cost > tie_bound:
                break
            steps += 1
            if j == m:
                word = words[nid]
                if word is not None and word not in found:
                    found[word] = cost
                    if len(found) >= limit:
                        # go on only through words as cheap as the last one (a hand-written prior gives many
                        # letters the same cost): the caller chooses among ties by word frequency
                        tie_bound = min(tie_bound, cost + TIE)
                        if len(found) >= 4 * limit:
                            break
            pieces = starts[j] if j < m else ()
            can_drop = dels < max_deletions
            for t, child in children[nid]:
                for costs, k in pieces:
                    c = costs.get(t)
                    if c is None:
                        continue
                    nc = cost + c
                    f = nc + rest[j + k]
                    if f > max_cost:
                        continue
                    key = child * stride + (j + k) * 2 + dels
                    if best.get(key, 1e9) <= nc:
                        continue
                    best[key] = nc
                    push(heap, (f, nc, child, j + k, dels))
                if can_drop:
                    c = drop.get(t)
                    if c is None:
                        continue
                    nc = cost + c
                    f = nc + rest[j]
                    if f > max_cost:
                        continue
                    key = child * stride + j * 2 + 1
                    if best.get(key, 1e9) <= nc:
                        continue
                    best[key] = nc
                    push(heap, (f, nc, child, j, 1))
        return sorted(found.items(), key=lambda x: x[1])


def load_channels(path: Path) -> dict[str, Channel]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {name: Channel.from_dict(table) for name, table in data["channels"].items()}
