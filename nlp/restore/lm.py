"""A syllable trigram language model with interpolated modified Kneser–Ney smoothing, stored as compact numpy arrays.

Storage (in `nlp/restore/model/`): the vocabulary (`vocab.txt`, one word and its count per line; the line number is
the id, at most 65,535 ids) and, per order, the kept n-grams as sorted 32-bit suffix keys bucketed by their first
word (`*_offsets.npy`, `*_keys.npy`) with 8-bit quantised natural-log probabilities and back-off weights (the
256 centroids in `quant.npy`). At load time the buckets are expanded to sorted 64-bit keys, so every lookup of a
whole lattice is one `numpy.searchsorted` per order.

Lookup is the usual back-off form of an interpolated model: log P(w | u v) is the stored trigram value when
(u, v, w) was kept, else bow(u v) + log P(w | v), and the same one order down.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BOS, EOS, UNK, NUM, COMMA = "<s>", "</s>", "<unk>", "<num>", "<,>"
SPECIALS = (BOS, EOS, UNK, NUM, COMMA)
BOS_ID, EOS_ID, UNK_ID, NUM_ID, COMMA_ID = range(5)
MAX_VOCAB = 65535


def _key2(v: np.ndarray, w: np.ndarray) -> np.ndarray:
    return (v.astype(np.uint64) << np.uint64(16)) | w.astype(np.uint64)


def _key3(u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    return (u.astype(np.uint64) << np.uint64(32)) | (v.astype(np.uint64) << np.uint64(16)) | w.astype(np.uint64)


class NgramLM:
    """Read-only trigram model; `logprob(u, v, w)` works on numpy arrays of ids (natural log)."""

    def __init__(self, folder: Path) -> None:
        folder = Path(folder)
        words, counts = [], []
        with open(folder / "vocab.txt", encoding="utf-8") as fh:
            for line in fh:
                word, _, count = line.rstrip("\n").partition("\t")
                words.append(word)
                counts.append(int(count or 0))
        self.words: list[str] = words
        self.counts = np.asarray(counts, dtype=np.int64)
        self.ids: dict[str, int] = {w: i for i, w in enumerate(words)}
        self.folder = folder
        self._loading = threading.Lock()

    _ARRAYS = frozenset({"uni_p", "uni_bow", "bi_keys", "bi_p", "bi_bow", "tri_keys", "tri_p", "bos_bow",
                         "bi_has_tri"})

    def __getattr__(self, name: str):
        """The probability arrays, read when first asked for (the vocabulary alone judges whether a written line
        needs decoding; most never does)."""
        if name not in NgramLM._ARRAYS:
            raise AttributeError(name)
        with self.__dict__["_loading"]:
            if name not in self.__dict__:
                self._load_arrays(self.__dict__["folder"])
        return self.__dict__[name]

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_loading"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _loading=threading.Lock())

    def _load_arrays(self, folder: Path) -> None:
        quant = np.load(folder / "quant.npy")  # rows: uni-free tables for bi_p, bi_bow, tri_p
        self.uni_p = np.load(folder / "uni_p.npy").astype(np.float64)
        self.uni_bow = np.load(folder / "uni_bow.npy").astype(np.float64)
        self.bi_keys = self._expand(np.load(folder / "bi_offsets.npy"), np.load(folder / "bi_keys.npy"), 16)
        self.bi_p = quant[0][np.load(folder / "bi_p.npy")]
        self.bi_bow = quant[1][np.load(folder / "bi_bow.npy")]
        self.tri_keys = self._expand(np.load(folder / "tri_offsets.npy"), np.load(folder / "tri_keys.npy"), 32)
        self.tri_p = quant[2][np.load(folder / "tri_p.npy")]
        self.bos_bow = float(np.load(folder / "extra.npy")[0])  # back-off weight of the context (<s>, <s>)
        # which bigrams open at least one kept trigram (so most impossible contexts skip the trigram search)
        self.bi_has_tri = np.unpackbits(np.load(folder / "bi_tri.npy"))[: len(self.bi_keys)].astype(bool)

    @staticmethod
    def _expand(offsets: np.ndarray, suffix: np.ndarray, shift: int) -> np.ndarray:
        first = np.repeat(np.arange(len(offsets) - 1, dtype=np.uint64), np.diff(offsets.astype(np.int64)))
        return (first << np.uint64(shift)) | suffix.astype(np.uint64)

    @staticmethod
    def _find(keys: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pos = np.searchsorted(keys, query)
        pos = np.minimum(pos, len(keys) - 1)
        return pos, keys[pos] == query

    def logprob(self, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """log P(w | u v) for arrays of ids."""
        u = np.asarray(u, dtype=np.int64)
        v = np.asarray(v, dtype=np.int64)
        w = np.asarray(w, dtype=np.int64)
        pos3, hit3 = self._find(self.tri_keys, _key3(u, v, w))
        pos_uv, hit_uv = self._find(self.bi_keys, _key2(u, v))
        pos_vw, hit_vw = self._find(self.bi_keys, _key2(v, w))
        low = np.where(hit_vw, self.bi_p[pos_vw], self.uni_bow[v] + self.uni_p[w])
        bow = np.where(hit_uv, self.bi_bow[pos_uv], np.where((u == BOS_ID) & (v == BOS_ID), self.bos_bow, 0.0))
        backed = bow + low
        return np.where(hit3, self.tri_p[pos3], backed)

    def context_weights(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For contexts (u, v): the back-off weight into P(· | v), and whether any trigram continues them."""
        pos, hit = self._find(self.bi_keys, _key2(u, v))
        bos = (u == BOS_ID) & (v == BOS_ID)
        bow = np.where(hit, self.bi_bow[pos], np.where(bos, self.bos_bow, 0.0))
        return bow, (hit & self.bi_has_tri[pos]) | bos

    def trigram_or(self, u: np.ndarray, v: np.ndarray, w: np.ndarray, default: np.ndarray) -> np.ndarray:
        """The stored trigram value where (u, v, w) was kept, else `default`."""
        pos, hit = self._find(self.tri_keys, _key3(u, v, w))
        return np.where(hit, self.tri_p[pos], default)

    def block(self, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        """log P(c_k | a_i b_j) for every combination: an array of shape (len(a), len(b), len(c))."""
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        c = np.asarray(c, dtype=np.int64)
        ab = _key2(np.repeat(a, len(b)), np.tile(b, len(a)))
        pos_ab, hit_ab = self._find(self.bi_keys, ab)
        bos = (np.repeat(a, len(b)) == BOS_ID) & (np.tile(b, len(a)) == BOS_ID)
        bow = np.where(hit_ab, self.bi_bow[pos_ab], np.where(bos, self.bos_bow, 0.0))
        bc = _key2(np.repeat(b, len(c)), np.tile(c, len(b)))
        pos_bc, hit_bc = self._find(self.bi_keys, bc)
        low = np.where(hit_bc, self.bi_p[pos_bc], self.uni_bow[np.repeat(b, len(c))] + self.uni_p[np.tile(c, len(b))])
        out = bow.reshape(len(a), len(b), 1) + low.reshape(1, len(b), len(c))
        open_ctx = np.flatnonzero((hit_ab & self.bi_has_tri[pos_ab]) | bos)
        if len(open_ctx):
            ia, ib = np.divmod(open_ctx, len(b))
            keys = _key3(np.repeat(a[ia], len(c)), np.repeat(b[ib], len(c)), np.tile(c, len(open_ctx)))
            pos3, hit3 = self._find(self.tri_keys, keys)
            if hit3.any():
                rows = np.repeat(open_ctx, len(c))[hit3]
                cols = np.tile(np.arange(len(c)), len(open_ctx))[hit3]
                flat = out.reshape(len(a) * len(b), len(c))
                flat[rows, cols] = self.tri_p[pos3[hit3]]
        return out

    def logprob2(self, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """log P(w | v)."""
        v = np.asarray(v, dtype=np.int64)
        w = np.asarray(w, dtype=np.int64)
        pos_vw, hit_vw = self._find(self.bi_keys, _key2(v, w))
        return np.where(hit_vw, self.bi_p[pos_vw], self.uni_bow[v] + self.uni_p[w])

    def sentence_logprob(self, ids: list[int]) -> float:
        seq = [BOS_ID, BOS_ID, *ids, EOS_ID]
        arr = np.asarray(seq)
        return float(self.logprob(arr[:-2], arr[1:-1], arr[2:]).sum())


# ---------------------------------------------------------------------------------------------------------------
# Estimation (training time)


def _discounts(adjusted: np.ndarray) -> np.ndarray:
    """Modified Kneser–Ney discounts D1, D2, D3+ (Chen & Goodman) from the count-of-counts of adjusted counts."""
    n = [int(np.count_nonzero(adjusted == k)) for k in (1, 2, 3, 4)]
    if min(n) == 0:
        return np.array([0.5, 1.0, 1.5])
    y = n[0] / (n[0] + 2 * n[1])
    d = np.array([1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]])
    return np.clip(d, 0.05, [0.99, 1.99, 2.99])


def _discount_of(adjusted: np.ndarray, d: np.ndarray) -> np.ndarray:
    return np.where(adjusted >= 3, d[2], np.where(adjusted == 2, d[1], np.where(adjusted == 1, d[0], 0.0)))


def _group_sums(group: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(group, weights=values, minlength=size)


def quantize(values: np.ndarray, levels: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Equal-population bins with their means as centroids: (codes uint8, centroids float32[levels])."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return np.zeros(0, np.uint8), np.zeros(levels, np.float32)
    edges = np.unique(np.quantile(values, np.linspace(0, 1, levels + 1)[1:-1]))
    codes = np.searchsorted(edges, values, side="right")
    sums = np.bincount(codes, weights=values, minlength=levels)
    counts = np.bincount(codes, minlength=levels)
    centroids = np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)
    return codes.astype(np.uint8), centroids[:levels].astype(np.float32)


@dataclass(frozen=True)
class BuildStats:
    vocab: int
    trigrams_seen: int
    bigrams_seen: int
    trigrams_kept: int
    bigrams_kept: int
    discounts: dict


def build(tri_keys: np.ndarray, tri_counts: np.ndarray, words: list[str], word_counts: np.ndarray, out: Path,
          tri_cutoff: int = 3, bi_cutoff: int = 2, max_trigrams: int = 4_000_000,
          raw_counts: np.ndarray | None = None) -> BuildStats:
    """Estimate the model from unique sorted trigram keys (u<<32 | v<<16 | w) with their (weighted) counts.

    Sentences must have been padded `<s> <s> w1 … wn </s>`. `raw_counts` (unweighted) are used to estimate the
    trigram discounts when the counts were weighted by register.
    """
    V = len(words)
    mask16 = np.uint64(0xFFFF)
    u3 = (tri_keys >> np.uint64(32)).astype(np.int64)
    v3 = ((tri_keys >> np.uint64(16)) & mask16).astype(np.int64)
    w3 = (tri_keys & mask16).astype(np.int64)
    c3 = tri_counts.astype(np.float64)

    # --- bigrams: continuation counts N1+(• v w), raw counts for bigrams that start a sentence
    vw = _key2(v3, w3)
    bi_keys, bi_inverse = np.unique(vw, return_inverse=True)
    nb = len(bi_keys)
    bi_cont = np.bincount(bi_inverse, minlength=nb).astype(np.float64)
    bi_raw = _group_sums(bi_inverse, c3, nb)
    v2 = (bi_keys >> np.uint64(16)).astype(np.int64)
    w2 = (bi_keys & mask16).astype(np.int64)
    a2 = np.where(v2 == BOS_ID, bi_raw, bi_cont)

    # --- unigrams: N1+(• w)
    a1 = np.bincount(w2, minlength=V).astype(np.float64)
    a1[BOS_ID] = 0.0
    d1 = _discounts(a1[a1 > 0])
    total1 = a1.sum()
    gamma1 = (d1[0] * np.count_nonzero(a1 == 1) + d1[1] * np.count_nonzero(a1 == 2)
              + d1[2] * np.count_nonzero(a1 >= 3)) / total1
    p1 = np.maximum(a1 - _discount_of(a1, d1), 0) / total1 + gamma1 / (V - 1)
    p1[BOS_ID] = 1e-12
    log_p1 = np.log(p1)

    # --- bigram probabilities with pruning
    d2 = _discounts(a2)
    disc2 = np.maximum(a2 - _discount_of(a2, d2), 0.0)
    ctx2_total = _group_sums(v2, a2, V)
    # contexts of trigrams we keep must stay as bigrams (their back-off weight lives there)
    keep3 = c3 >= tri_cutoff
    if keep3.sum() > max_trigrams:
        threshold = np.sort(c3[keep3])[-max_trigrams]
        keep3 &= c3 >= threshold
    uv_needed = np.unique(_key2(u3[keep3], v3[keep3]))
    keep2 = (a2 >= bi_cutoff) | np.isin(bi_keys, uv_needed, assume_unique=True)
    kept_mass2 = _group_sums(v2[keep2], disc2[keep2], V)
    gamma2 = np.where(ctx2_total > 0, 1.0 - kept_mass2 / np.maximum(ctx2_total, 1e-12), 1.0)
    gamma2 = np.clip(gamma2, 1e-6, 1.0)
    log_gamma2 = np.log(gamma2)  # unigram back-off weight of context v
    p2 = disc2 / np.maximum(ctx2_total[v2], 1e-12) + gamma2[v2] * p1[w2]
    log_p2_all = np.log(p2)

    # --- trigram probabilities for kept trigrams
    d3 = _discounts(raw_counts if raw_counts is not None else c3)
    disc3 = np.maximum(c3 - _discount_of(c3, d3), 0.0)
    uv = _key2(u3, v3)
    ctx_keys, ctx_inverse = np.unique(uv, return_inverse=True)
    ctx_total = _group_sums(ctx_inverse, c3, len(ctx_keys))
    ctx_kept = _group_sums(ctx_inverse[keep3], disc3[keep3], len(ctx_keys))
    gamma3 = np.clip(1.0 - ctx_kept / ctx_total, 1e-6, 1.0)
    # lower-order probability as the pruned model will compute it
    low = np.where(keep2[bi_inverse], log_p2_all[bi_inverse], log_gamma2[v3] + log_p1[w3])
    p3 = disc3 / ctx_total[ctx_inverse] + gamma3[ctx_inverse] * np.exp(low)
    log_p3 = np.log(p3[keep3])

    # back-off weight of each kept bigram as a trigram context
    bow2 = np.zeros(nb)
    pos = np.searchsorted(bi_keys, ctx_keys)
    found = bi_keys[np.minimum(pos, nb - 1)] == ctx_keys
    bow2[pos[found]] = np.log(gamma3[found])
    bos_ctx = np.searchsorted(ctx_keys, _key2(np.array([BOS_ID]), np.array([BOS_ID])))[0]
    bos_bow = float(np.log(gamma3[bos_ctx])) if bos_ctx < len(ctx_keys) else 0.0

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "vocab.txt", "w", encoding="utf-8") as fh:
        for word, count in zip(words, word_counts):
            fh.write(f"{word}\t{int(count)}\n")
    np.save(out / "uni_p.npy", log_p1.astype(np.float32))
    np.save(out / "uni_bow.npy", log_gamma2.astype(np.float32))
    bk = bi_keys[keep2]
    q_bp, c_bp = quantize(log_p2_all[keep2])
    q_bb, c_bb = quantize(bow2[keep2])
    np.save(out / "bi_offsets.npy", np.searchsorted(bk >> np.uint64(16), np.arange(V + 1, dtype=np.uint64))
            .astype(np.uint32))
    np.save(out / "bi_keys.npy", (bk & mask16).astype(np.uint16))
    np.save(out / "bi_p.npy", q_bp)
    np.save(out / "bi_bow.npy", q_bb)
    tk = tri_keys[keep3]
    q_tp, c_tp = quantize(log_p3)
    np.save(out / "tri_offsets.npy", np.searchsorted(tk >> np.uint64(32), np.arange(V + 1, dtype=np.uint64))
            .astype(np.uint32))
    np.save(out / "tri_keys.npy", (tk & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    np.save(out / "tri_p.npy", q_tp)
    np.save(out / "bi_tri.npy", np.packbits(np.isin(bk, np.unique(tk >> np.uint64(16)), assume_unique=True)))
    np.save(out / "quant.npy", np.stack([c_bp, c_bb, c_tp]))
    np.save(out / "extra.npy", np.array([bos_bow], dtype=np.float64))
    return BuildStats(V, len(tri_keys), nb, int(keep3.sum()), int(keep2.sum()),
                      {"d1": d1.tolist(), "d2": d2.tolist(), "d3": d3.tolist()})
