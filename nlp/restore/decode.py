"""Candidate lattices and second-order Viterbi decoding under the trigram model and the OCR channel.

Each position of a sentence holds candidates (model word id, spelling to write or None to keep the token as it
is, channel cost in nats). The best path maximises  lm_weight · log P_LM − channel cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .lexicon import lm_word
from .lm import BOS_ID, EOS_ID, UNK_ID
from .model import Model
from .vietnamese import canonical, fold, has_marks, is_valid_syllable, nfc

DEFAULTS = {
    "lm_weight": 1.0,
    "strip_max": 8,  # candidates per undiacritised word
    "garbled_max": 30,  # candidates searched per garbled token …
    "garbled_spread": 9.0,  # … within this much of the cheapest one …
    "garbled_keep_top": 20,  # … at most this many, by channel cost and unigram probability
    "lattice_max": 8,  # … and kept after pruning with bigram context
    "garbled_cost": 13.0,  # largest channel cost searched for a garbled token
    "search_steps": 3000,  # states a search may expand
    "garbled_keep": 9.0,  # cost of leaving a garbled non-word as it is
    "garbled_keep_known": 3.0,  # … a non-syllable word the model knows (internet, video)
    "good_cost": 7.0,  # largest channel cost searched around a word of good OCR
    # extra cost of any change in good text. 0.5 took the six transcribed real pages from 1.12% to 1.04% mean CER
    # and held-out `vie` pages from 1.85% to 1.82% (none worse), but turned the demo scan's right `Tổ truyền thông`
    # into `truyền thống` (1.0 too): a right word changed is worse than a wrong one kept, so 2.0 stays
    "good_margin": 2.0,
    # good text: a word is reconsidered when its context fit (two log P) is below this. On real scans Tesseract
    # `vie` drops and swaps tone marks in italics with high confidence (`quyên` for `quyền`, `bỗ` for `bổ`); with
    # the channel's tone confusions (model.VIE_TONE_COST) and this threshold, the transcribed real pages went from
    # 2.45% to 1.89% CER and the synthetic pages from 0.18% to 0.13% (bench/real.py, bench/ocr.py)
    "good_suspect": -7.0,
    # OCR word confidences: a known syllable read with at least `good_lock` (0–1) is kept as read, a word below
    # `garbled_below` is taken for garble. Both off: on real pages Tesseract is as sure of its italic misreadings
    # as of its right readings (with them: 2.19% CER instead of 1.89%)
    "good_lock": 1.01,
    "garbled_below": 0.0,
}


@dataclass(frozen=True)
class Cand:
    wid: int
    word: str | None  # model spelling to write; None keeps the token's own text
    cost: float


def _param(model: Model, name: str) -> float:
    return float(model.params.get(name, DEFAULTS[name]))


@lru_cache(maxsize=200_000)
def _strip_candidates(model_key: int, lower: str) -> tuple[Cand, ...]:
    model = _MODELS[model_key]
    folded = fold(lower)
    words = model.by_fold.get(folded, [])
    limit = int(_param(model, "strip_max"))
    if not words:
        return (Cand(model.word_id(lower), None, 0.0),)
    out = [Cand(model.word_id(w), w, 0.0) for w in words[:limit]]
    return tuple(out)


def _cached_search(model: Model, channel_name: str, lower: str) -> list[tuple[str, float]] | None:
    """The precomputed search result for a common OCR reading, when it was made with the current parameters."""
    cache = model.search_cache
    if not cache or channel_name not in cache:
        return None
    if any(float(v) != _param(model, k) for k, v in cache.get("params", {}).items()):
        return None
    hit = cache[channel_name].get(lower)
    return None if hit is None else [(w, float(c)) for w, c in hit]


@lru_cache(maxsize=200_000)
def _garbled_candidates(model_key: int, lower: str, channel_name: str) -> tuple[Cand, ...]:
    model = _MODELS[model_key]
    channel = model.channels[channel_name]
    found = _cached_search(model, channel_name, lower)
    if found is None and len(lower) > 12:
        found = []  # no syllable is that long, and OCR does not stretch one that far
    if found is None:
        found = model.index.search(channel, lower, _param(model, "garbled_cost"),
                                   limit=int(_param(model, "garbled_max")),
                                   max_steps=int(_param(model, "search_steps")))
    ids = model.lm.ids
    scored = []
    if found:
        ceiling = found[0][1] + _param(model, "garbled_spread")
        scored = [(w, c, ids.get(w, UNK_ID)) for w, c in found if c <= ceiling]
        keep = int(_param(model, "garbled_keep_top"))
        if len(scored) > keep:  # the likeliest by channel cost and word frequency
            uni = model.lm.uni_p
            scored = sorted(scored, key=lambda x: x[1] - 0.5 * uni[x[2]])[:keep]
    out = [Cand(wid, w, c) for w, c, wid in scored]
    if is_valid_syllable(lower) and canonical(lower) in model.lm.ids:
        own = canonical(lower)
        if all(w != own for w, _, _ in scored):
            out.append(Cand(model.word_id(own), None, channel.align(lower, lower)[0]))
    else:  # leaving a non-word as it is: cheap for words the model knows (internet, video), dear for garble
        known = lower in model.lm.ids
        keep_cost = _param(model, "garbled_keep_known") if known else _param(model, "garbled_keep")
        out.append(Cand(model.word_id(lower) if known else UNK_ID, None, keep_cost))
    return tuple(out)


@lru_cache(maxsize=200_000)
def _good_candidates(model_key: int, lower: str) -> tuple[Cand, ...]:
    """Good OCR: the word itself, and what the `vie` channel says it may have been."""
    model = _MODELS[model_key]
    channel = model.channels["vie"]
    valid = is_valid_syllable(lower) and canonical(lower) in model.lm.ids
    if not valid:
        return _garbled_candidates(model_key, lower, "vie")
    own = canonical(lower)
    base = channel.align(lower, lower)[0]
    out = [Cand(model.word_id(own), None, 0.0)]
    margin = _param(model, "good_margin")
    for w, c in model.index.search(channel, lower, base + _param(model, "good_cost"), limit=8):
        if w != own:
            out.append(Cand(model.word_id(w), w, c - base + margin))
    return tuple(out)


_MODELS: dict[int, Model] = {}


def register(model: Model) -> int:
    key = id(model)
    _MODELS[key] = model
    return key


def good_identity(model: Model, token_text: str) -> tuple[Cand, ...] | None:
    """The word as written, when it is a syllable the model knows (good text: checked in context first)."""
    lower = nfc(token_text.lower())
    if lower.isalpha() and is_valid_syllable(lower):
        own = canonical(lower)
        if own in model.lm.ids:
            return (Cand(model.word_id(own), None, 0.0),)
    return None


def context_fit(model: Model, lattices: list[list[tuple[Cand, ...]]], checks: list[tuple[int, int]]) -> list[float]:
    """For each (sentence, position) to check: how well its first candidate fits its context, log P of the word
    after its two predecessors plus log P of the next word after it (one batch of lookups for the whole text)."""
    if not checks:
        return []
    wanted = {}
    for k, (si, pi) in enumerate(checks):
        wanted.setdefault(si, []).append((pi, k))
    us, vs, ws, base = [], [], [], {}
    for si, items in wanted.items():
        ids = [BOS_ID, BOS_ID, *(c[0].wid for c in lattices[si]), EOS_ID]
        base[si] = len(us)
        us.extend(ids[:-2])
        vs.extend(ids[1:-1])
        ws.extend(ids[2:])
    lp = model.lm.logprob(np.asarray(us), np.asarray(vs), np.asarray(ws))
    out = [0.0] * len(checks)
    for si, items in wanted.items():
        b = base[si]
        for pi, k in items:
            out[k] = float(lp[b + pi] + lp[b + pi + 1])
    return out


def unlikely(model: Model, lattices: list[list[tuple[Cand, ...]]], checks: list[tuple[int, int]]
             ) -> list[tuple[int, int]]:
    """Of the (sentence, position) pairs to check, those whose first candidate fits its context badly
    (`context_fit` below `good_suspect`)."""
    threshold = _param(model, "good_suspect")
    return [c for c, fit in zip(checks, context_fit(model, lattices, checks)) if fit < threshold]


def candidates(model: Model, token_text: str, mode: str) -> tuple[Cand, ...]:
    """The lattice entries of one word token under a line mode (`strip`, `good` or `garbled`); cached."""
    key = register(model) if id(model) not in _MODELS else id(model)
    lower = nfc(token_text.lower())
    if mode == "strip":
        if has_marks(lower):  # marks where none were expected: keep the word as written
            return (Cand(model.word_id(lm_word(lower)), None, 0.0),)
        return _strip_candidates(key, lower)
    if mode == "good":
        return _good_candidates(key, lower)
    return _garbled_candidates(key, lower, "eng")


def _pairs(sa: np.ndarray, ka: np.ndarray, sb: np.ndarray, kb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (left, right) flat indices of ragged pair grids, slot by slot, left-major."""
    n = ka * kb
    total = int(n.sum())
    slot = np.repeat(np.arange(len(n)), n)
    r = np.arange(total) - np.repeat(np.cumsum(n) - n, n)
    i, j = np.divmod(r, kb[slot])
    return sa[slot] + i, sb[slot] + j


def _flatten(lattices: list[list[tuple[Cand, ...]]], pad_left: int) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                                                list[int]]:
    """Candidate word ids and costs of every position of every sentence (padded with <s> … </s>), flat; the
    start and size of each position; and where each sentence's positions begin."""
    wids: list[int] = []
    costs: list[float] = []
    sizes: list[int] = []
    firsts: list[int] = []
    for lattice in lattices:
        firsts.append(len(sizes))
        for _ in range(pad_left):
            wids.append(BOS_ID)
            costs.append(0.0)
            sizes.append(1)
        for cands in lattice:
            for c in cands:
                wids.append(c.wid)
                costs.append(c.cost)
            sizes.append(len(cands))
        wids.append(EOS_ID)
        costs.append(0.0)
        sizes.append(1)
    k = np.asarray(sizes, dtype=np.int64)
    return np.asarray(wids, dtype=np.int64), np.asarray(costs), np.stack([np.cumsum(k) - k, k]), firsts


def prune_all(model: Model, lattices: list[list[tuple[Cand, ...]]]) -> list[list[tuple[Cand, ...]]]:
    """Keep, per position, the `lattice_max` candidates with the best channel cost plus best bigram with each
    neighbour's candidates (the rest cannot win in practice and would make the trigram search slow)."""
    limit = int(_param(model, "lattice_max"))
    if all(len(c) <= limit for lattice in lattices for c in lattice):
        return lattices
    lmw = _param(model, "lm_weight")
    wid, cost, (start, size), firsts = _flatten(lattices, 1)
    n_pos = len(size)
    # adjacent positions inside a sentence: every position but each sentence's first has a left neighbour
    is_first = np.zeros(n_pos, dtype=bool)
    is_first[firsts] = True
    right_pos = np.flatnonzero(~is_first)
    left_pos = right_pos - 1
    li, ri = _pairs(start[left_pos], size[left_pos], start[right_pos], size[right_pos])
    score = model.lm.logprob2(wid[li], wid[ri]) * lmw
    best_left = np.full(len(wid), -np.inf)
    np.maximum.at(best_left, ri, score)
    best_right = np.full(len(wid), -np.inf)
    np.maximum.at(best_right, li, score)
    value = best_left + best_right - cost
    out: list[list[tuple[Cand, ...]]] = []
    for lattice, first in zip(lattices, firsts):
        kept = []
        for offset, cands in enumerate(lattice):
            if len(cands) <= limit:
                kept.append(cands)
                continue
            p = first + 1 + offset
            v = value[start[p]: start[p] + size[p]]
            top = np.sort(np.argpartition(-v, limit)[:limit])
            kept.append(tuple(cands[j] for j in top.tolist()))
        out.append(kept)
    return out


def viterbi_all(model: Model, lattices: list[list[tuple[Cand, ...]]]
                ) -> tuple[list[list[int]], list[list[float]]]:
    """Second-order Viterbi over each sentence (wrapped in <s> <s> … </s>); all trigram scores of the document
    are computed in one batch. Also each chosen candidate's share of the max-marginals at its position (the best
    complete path through it, against the best through each rival): a confidence in [0, 1]."""
    paths: list[list[int]] = [[0] * len(lat) for lat in lattices]
    shares: list[list[float]] = [[1.0] * len(lat) for lat in lattices]
    todo = [i for i, lat in enumerate(lattices) if any(len(c) > 1 for c in lat)]
    if not todo:
        return paths, shares
    lmw = _param(model, "lm_weight")
    chosen = [lattices[i] for i in todo]
    wid, cost, (start, size), firsts = _flatten(chosen, 2)
    n_pos = len(size)
    is_head = np.zeros(n_pos, dtype=bool)
    heads = np.asarray(firsts)
    is_head[heads] = True
    is_head[heads + 1] = True
    third = np.flatnonzero(~is_head)  # positions with two predecessors in their sentence
    ka, kb, kc = size[third - 2], size[third - 1], size[third]
    lm = model.lm
    # contexts (a, b) and bigrams (b, c) of every slot, then trigrams only where the context opens some
    ab_l, ab_r = _pairs(start[third - 2], ka, start[third - 1], kb)
    bow, open_ctx = lm.context_weights(wid[ab_l], wid[ab_r])
    bc_l, bc_r = _pairs(start[third - 1], kb, start[third], kc)
    low = lm.logprob2(wid[bc_l], wid[bc_r])
    n = ka * kb * kc
    slot = np.repeat(np.arange(len(third)), n)
    r = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    i, rem = np.divmod(r, (kb * kc)[slot])
    j, k = np.divmod(rem, kc[slot])
    ab_index = np.repeat(np.cumsum(ka * kb) - ka * kb, n) + i * kb[slot] + j
    bc_index = np.repeat(np.cumsum(kb * kc) - kb * kc, n) + j * kc[slot] + k
    scores = bow[ab_index] + low[bc_index]
    tri = np.flatnonzero(open_ctx[ab_index])
    if len(tri):
        scores[tri] = lm.trigram_or(wid[ab_l[ab_index[tri]]], wid[ab_r[ab_index[tri]]], wid[bc_r[bc_index[tri]]],
                                    scores[tri])
    scores = scores * lmw - cost[start[third][slot] + k]
    bounds = np.concatenate([[0], np.cumsum(n)]).tolist()
    slot_of = {int(p): s for s, p in enumerate(third.tolist())}
    for sent_index, (lattice, first) in zip(todo, zip(chosen, firsts)):
        length = len(lattice)
        blocks = []
        for p in range(first + 2, first + 2 + length + 1):
            s_ = slot_of[p]
            blocks.append(scores[bounds[s_]: bounds[s_ + 1]].reshape(int(ka[s_]), int(kb[s_]), int(kc[s_])))
        # forward (best prefix ending in each pair) and backward (best suffix after each pair)
        deltas = []
        backs = []
        delta = np.zeros((1, 1))
        for block in blocks:
            total = delta[:, :, None] + block
            if total.shape[0] == 1:
                back = np.zeros(total.shape[1:], dtype=np.intp)
                delta = total[0]
            else:
                back = total.argmax(axis=0)
                delta = total.max(axis=0)
            deltas.append(delta)
            backs.append(back)
        betas = [np.zeros(0)] * len(blocks)
        beta = np.zeros(blocks[-1].shape[1:])
        betas[-1] = beta
        for q in range(len(blocks) - 1, 0, -1):
            beta = (blocks[q] + beta[None, :, :]).max(axis=2)
            betas[q - 1] = beta
        b_, c_ = np.unravel_index(int(delta.argmax()), delta.shape)
        path = [int(c_), int(b_)]
        for back in reversed(backs[1:]):
            path.append(int(back[path[-1], path[-2]]))
        path.reverse()
        path = path[1:length + 1]
        paths[sent_index] = path
        share = [1.0] * length
        for i in range(length):
            if len(lattice[i]) > 1:
                marginal = (deltas[i] + betas[i]).max(axis=0)  # best whole path through each candidate
                share[i] = float(1.0 / np.exp(marginal - marginal[path[i]]).sum())
        shares[sent_index] = share
    return paths, shares


def decode_all(model: Model, lattices: list[list[tuple[Cand, ...]]]
               ) -> tuple[list[list[tuple[Cand, ...]]], list[list[int]], list[list[float]]]:
    """Bigram pruning, then trigram Viterbi, for every sentence of a text at once: (pruned lattices, chosen
    candidate per position, its confidence)."""
    pruned = prune_all(model, lattices)
    paths, shares = viterbi_all(model, pruned)
    return pruned, paths, shares
