"""`python -m nlp.restore.train`: train the restorer's language model and OCR channel model into nlp/restore/model/.

Reads the corpus (default /work/shared/data/vi-text, or --corpus / $VANBAN_VI_TEXT) at training time only. Every
50th document of each legal file is held out (the benchmark's test set) and never seen here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from . import lm as lm_mod
from .corpus import DEFAULT_CORPUS, corpus_files, is_legal, training_documents
from .lexicon import SENTENCE_END, TRAIN_TOKEN, lm_word, viet74k_syllables
from .vietnamese import fold, is_valid_syllable

MODEL_DIR = Path(__file__).with_name("model")
LEGAL_WEIGHT = 2  # legal/administrative n-grams count twice
_BOUNDARY = 0
TRI_CUTOFF = 3  # weighted count: a legal trigram seen twice, a general one three times


def _tokenize_file(path: str) -> tuple[str, list[str], np.ndarray]:
    """A file's training documents → (its word list, the stream of local word ids; 0 marks a sentence end)."""
    local: dict[str, int] = {"<b>": _BOUNDARY}
    stream: list[int] = []
    append = stream.append
    for doc in training_documents(Path(path)):
        for line in doc.split("\n"):
            for tok in TRAIN_TOKEN.findall(line):
                if tok in SENTENCE_END:
                    append(_BOUNDARY)
                    continue
                i = local.get(tok)
                if i is None:
                    i = local[tok] = len(local)
                append(i)
            append(_BOUNDARY)
    return path, list(local), np.asarray(stream, dtype=np.int32)


def _pad_sentences(stream: np.ndarray, boundary: int) -> np.ndarray:
    """Stream with boundary ids → `<s> <s> w1 … wn </s> <s> <s> …` (empty sentences dropped)."""
    isb = stream == boundary
    prev_b = np.concatenate([[True], isb[:-1]])
    s = stream[~(isb & prev_b)]
    if len(s) == 0:
        return np.zeros(0, np.int64)
    if s[-1] != boundary:
        s = np.concatenate([s, [boundary]])
    isb = s == boundary
    reps = np.where(isb, 3, 1)
    out = np.repeat(s.astype(np.int64), reps)
    idx = np.flatnonzero(np.repeat(isb, reps))
    out[idx[0::3]] = lm_mod.EOS_ID
    out[idx[1::3]] = lm_mod.BOS_ID
    out[idx[2::3]] = lm_mod.BOS_ID
    return np.concatenate([[lm_mod.BOS_ID, lm_mod.BOS_ID], out[:-2]])


def _trigram_counts(seq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.flatnonzero(seq != lm_mod.BOS_ID)
    p = p[p >= 2]
    keys = lm_mod._key3(seq[p - 2], seq[p - 1], seq[p])
    return np.unique(keys, return_counts=True)


def train_lm(root: Path, out: Path, workers: int = 2, log=print) -> dict:
    t0 = time.perf_counter()
    files = corpus_files(root)
    with Pool(workers) as pool:
        results = pool.map(_tokenize_file, [str(f) for f in files], chunksize=1)
    log(f"tokenised {len(files)} files in {time.perf_counter() - t0:.0f} s")

    # word counts by model spelling (weighted)
    counts: Counter[str] = Counter()
    per_file_words = []
    for path, words, stream in results:
        weight = LEGAL_WEIGHT if is_legal(Path(path)) else 1
        local_counts = np.bincount(stream, minlength=len(words))
        spelled = [lm_word(w) if i else "<b>" for i, w in enumerate(words)]
        per_file_words.append(spelled)
        for word, c in zip(spelled, local_counts.tolist()):
            if c:
                counts[word] += c * weight
    lexicon = viet74k_syllables()
    syllables = {w for w, c in counts.items() if is_valid_syllable(w) and (c >= 3 or w in lexicon)}
    syllables |= {w for w in lexicon if counts.get(w, 0) > 0}
    folded = {fold(w) for w in syllables}  # `mot`, `doc`: undiacritised syllables are not words of their own
    others = sorted((w for w, c in counts.items() if c >= 200 and w not in syllables and w.isalpha()
                     and not w.startswith("<") and fold(w) not in folded), key=lambda w: (-counts[w], w))
    room = lm_mod.MAX_VOCAB - len(lm_mod.SPECIALS) - len(syllables)
    vocab = list(lm_mod.SPECIALS) + sorted(syllables, key=lambda w: (-counts[w], w)) + others[: max(0, room)]
    ids = {w: i for i, w in enumerate(vocab)}
    word_counts = np.array([counts.get(w, 0) for w in vocab], dtype=np.int64)
    log(f"vocabulary: {len(syllables)} syllables + {min(len(others), room)} other words")

    groups: dict[bool, list[np.ndarray]] = {True: [], False: []}
    for (path, words, stream), spelled in zip(results, per_file_words):
        mapping = np.array([_BOUNDARY + 10**9 if w == "<b>" else ids.get(w, lm_mod.UNK_ID) for w in spelled],
                           dtype=np.int64)
        mapped = mapping[stream]
        mapped[mapped == _BOUNDARY + 10**9] = -1
        groups[is_legal(Path(path))].append(_pad_sentences(mapped, -1))
    del results
    keys_all, counts_all, raw_all = [], [], []
    for legal, seqs in groups.items():
        if not seqs:
            continue
        k, c = _trigram_counts(np.concatenate(seqs))
        keys_all.append(k)
        counts_all.append(c.astype(np.int64) * (LEGAL_WEIGHT if legal else 1))
        raw_all.append(c.astype(np.int64))
    keys = np.concatenate(keys_all)
    cnts = np.concatenate(counts_all)
    tri_keys, inverse = np.unique(keys, return_inverse=True)
    tri_counts = np.bincount(inverse, weights=cnts).astype(np.int64)
    raw_counts = np.bincount(inverse, weights=np.concatenate(raw_all)).astype(np.int64)
    log(f"{len(tri_keys):,} distinct trigrams, {int(tri_counts.sum()):,} weighted tokens "
        f"({time.perf_counter() - t0:.0f} s)")
    stats = lm_mod.build(tri_keys, tri_counts, vocab, word_counts, out, tri_cutoff=TRI_CUTOFF,
                         raw_counts=raw_counts)
    log(f"language model: {stats} ({time.perf_counter() - t0:.0f} s)")
    return {"vocab": stats.vocab, "syllables": len(syllables), "trigrams_kept": stats.trigrams_kept,
            "bigrams_kept": stats.bigrams_kept, "discounts": stats.discounts}


def build_search_cache(out: Path, readings: list[str]) -> int:
    """Precompute the garbled-token search for the commonest OCR readings: every syllable without its marks (what
    a generic engine prints most) and the readings seen at least twice in the synthetic OCR. A pure cache: the
    restorer gives the same result with or without it, only faster."""
    from .decode import DEFAULTS
    from .model import load

    model = load(out)
    channel = model.channels["eng"]
    tokens = sorted(set(model.by_fold) | {r for r in readings if r.isalpha() or any(c.isalpha() for c in r)})
    params = {k: DEFAULTS[k] for k in ("garbled_cost", "garbled_max")}
    entries = {}
    for token in tokens:
        found = model.index.search(channel, token, params["garbled_cost"], limit=int(params["garbled_max"]))
        entries[token] = [[w, round(c, 3)] for w, c in found]
    data = {"params": params, "eng": entries}
    (Path(out) / "search_cache.json").write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"),
                                                            sort_keys=True), encoding="utf-8")
    return len(entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlp.restore.train", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--skip-lm", action="store_true", help="keep the language model, retrain the channel")
    parser.add_argument("--skip-channel", action="store_true", help="keep the channel model, retrain the LM")
    parser.add_argument("--ocr-cache", type=Path, default=None,
                        help="JSON file keeping the synthetic OCR pages (read if it exists, else written)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    info: dict = {}
    if not args.skip_lm:
        info["lm"] = train_lm(args.corpus, args.out, workers=args.workers)
    if not args.skip_channel:
        from .channel_train import train_channel

        info["channel"] = train_channel(args.corpus, args.out, workers=args.workers, cache=args.ocr_cache)
        readings = info["channel"].pop("frequent_readings", [])
        info["search_cache"] = build_search_cache(args.out, readings)
    info["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(info, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
