"""Candidates the context proposes: a word the two words before it make likely, which the OCR reading's own
search did not reach.

The channel search of a garbled token keeps its cheapest spellings (`dén` → đến, đền, đèn, …: a dropped hook
costs little), so a word that the reading fits less well but its context asks for is never weighed:

    Ủy ban nhân dén tỉnh     `dân` (channel 5.3 nats) is not among `dén`'s 20 cheapest spellings, while
                              P(dân | ban nhân) is nearly 1: it is proposed, and the decoder takes it
    (Mot 56 ni dung …        a number of look-alike digits (5 ~ s, 6 ~ ố) in a garbled line, where
                              P(số | <s> một) is high: `số` is proposed beside the number kept as it is
    Ủy ban nhân dân tỉnh     look-alike: a good line with a likely word is not touched (nothing is open there)
    có 56 xã                 look-alike: the number stays — no word is likely enough after `có` and near `56`

Only the trigram's (or, without one, the bigram's) likeliest continuations are proposed — each at least
`context_floor` likely — and only when the OCR reading is within `context_cost` of them through the channel, plus
`context_margin`: the decoder still weighs them against every other spelling with the whole sentence.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from .decode import _MODELS, Cand, _param
from .lm import _key2, _key3
from .vietnamese import is_valid_syllable

PARAMS = {
    "context_floor": 0.1,  # the least probability of a proposed word after its two predecessors
    "context_cost": 11.0,  # the most channel cost (nats) between the proposed word and the OCR reading
    "context_margin": 1.0,  # added to a proposal's channel cost: the reading's own spellings go first
    "context_limit": 4,  # proposals per position
}

# digits generic OCR reads in place of letters: a number made only of these may be a garbled word (`56` for `số`)
LOOKALIKE_DIGITS = re.compile(r"[015689]{1,3}")


def param(model, name: str) -> float:
    return float(model.params.get(name, PARAMS[name]))


@lru_cache(maxsize=100_000)
def successors(model_key: int, u: int, v: int) -> tuple[tuple[int, float], ...]:
    """The words likely after (u, v), likeliest first, each at least `context_floor` likely: from the trigrams
    stored for the context, else from the bigrams of v."""
    model = _MODELS[model_key]
    lm = model.lm
    floor = math.log(param(model, "context_floor"))
    lo, hi = np.searchsorted(lm.tri_keys, [_key3(np.asarray(u), np.asarray(v), np.asarray(0)),
                                           _key3(np.asarray(u), np.asarray(v), np.asarray(0xFFFF)) + np.uint64(1)])
    if hi > lo:
        words, logp = lm.tri_keys[lo:hi] & np.uint64(0xFFFF), lm.tri_p[lo:hi]
    else:
        lo, hi = np.searchsorted(lm.bi_keys, [_key2(np.asarray(v), np.asarray(0)),
                                              _key2(np.asarray(v), np.asarray(0xFFFF)) + np.uint64(1)])
        words, logp = lm.bi_keys[lo:hi] & np.uint64(0xFFFF), lm.bi_p[lo:hi]
    keep = np.flatnonzero(logp >= floor)
    order = keep[np.argsort(-logp[keep], kind="stable")][: int(param(model, "context_limit"))]
    return tuple((int(words[i]), float(logp[i])) for i in order)


@lru_cache(maxsize=100_000)
def _proposal(model_key: int, channel_name: str, reading: str, wid: int) -> Cand | None:
    model = _MODELS[model_key]
    word = model.lm.words[wid]
    if not (word.isalpha() and is_valid_syllable(word)):
        return None
    cost = model.channels[channel_name].align(word, reading)[0]
    if cost > param(model, "context_cost"):
        return None
    return Cand(wid, word, cost + param(model, "context_margin"))


def proposals(model_key: int, channel_name: str, reading: str, u: int, v: int, have: frozenset[int]
              ) -> tuple[Cand, ...]:
    """The words the context (u, v) makes likely that `reading` (the OCR token, lower case) may have been, and
    that are not among its candidates yet (`have`: their word ids)."""
    out = []
    for wid, _logp in successors(model_key, u, v):
        if wid in have:
            continue
        cand = _proposal(model_key, channel_name, reading, wid)
        if cand is not None:
            out.append(cand)
    return tuple(out)
