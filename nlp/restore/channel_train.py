"""Learning the OCR channel: render training sentences in several fonts and sizes, degrade them like scans, read
them with Tesseract `eng` and `vie`, align each source syllable with its reading, and count (EM over alignments).
"""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter, defaultdict
from importlib import resources
from multiprocessing import Pool
from pathlib import Path

from .channel import MAX_PIECE, Channel
from .corpus import corpus_files, training_documents
from .render import align_words, ocr, random_style, render, vietnamese_fonts, wrap
from .vietnamese import fold, is_valid_syllable, nfc, split_char

LANGS = ("eng", "vie")
PAGES = 360
LINES_PER_PAGE = 10
_EDGE = "\"'“”‘’()[]{}<>,.;:!?…-–—/\\|*•·_«»"


def sample_paragraphs(root: Path, count: int, seed: int = 7) -> list[str]:
    """Paragraphs of running Vietnamese prose from the training documents, spread over all files."""
    rng = random.Random(seed)
    files = corpus_files(root)
    per_file = math.ceil(count / len(files))
    out: list[str] = []
    for path in files:
        pool = []
        for doc in training_documents(path):
            for line in doc.split("\n"):
                words = line.split()
                if len(words) < 12 or len(line) > 600:
                    continue
                valid = sum(1 for w in words if is_valid_syllable(nfc(w.strip(_EDGE).lower())))
                if valid >= 0.8 * len(words):
                    pool.append(line)
            if len(pool) > 40 * per_file:
                break
        rng.shuffle(pool)
        out.extend(pool[:per_file])
    rng.shuffle(out)
    return out


def _page_job(job: tuple[int, list[str], bool]) -> tuple[str, dict[str, str]]:
    seed, paragraphs, harsh = job
    rng = random.Random(seed)
    fonts = vietnamese_fonts()
    style = random_style(rng, fonts, harsh)
    lines: list[str] = []
    width = rng.choice([55, 62, 70, 78])
    for para in paragraphs:
        lines.extend(wrap(para, width))
    lines = lines[:LINES_PER_PAGE]
    img = render(lines, style, seed)
    return "\n".join(lines), {lang: ocr(img, lang) for lang in LANGS}


def synthetic_pages(paragraphs: list[str], pages: int, seed: int, workers: int) -> list[tuple[str, dict[str, str]]]:
    rng = random.Random(seed)
    jobs = []
    for i in range(pages):
        chunk = [paragraphs[(3 * i + k) % len(paragraphs)] for k in range(3)]
        jobs.append((seed * 100_000 + i, chunk, rng.random() < 0.6))
    with Pool(workers) as pool:
        return pool.map(_page_job, jobs, chunksize=4)


def word_pairs(source: str, output: str) -> list[tuple[str, str]]:
    """(true syllable, OCR reading) pairs, lower case, edge punctuation removed."""
    pairs = []
    for src, seen in align_words(source, output):
        if seen is None:
            continue
        core = src.strip(_EDGE).lower()
        if not is_valid_syllable(core):
            continue
        seen = seen.strip(_EDGE).lower()
        if not seen or len(seen) > 3 * len(core) or " " in seen:
            continue
        pairs.append((core, seen))
    return pairs


# ---------------------------------------------------------------------------------------------------------------
# Estimation


def _prior() -> dict[str, dict[str, float]]:
    """Hand-written prior from nlp/data/confusions.tsv: bare letter → pieces OCR prints for it (pseudo-counts)."""
    text = resources.files("nlp").joinpath("data", "confusions.tsv").read_text(encoding="utf-8")
    prior: dict[str, dict[str, float]] = defaultdict(dict)
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        letter = cells[0].strip()
        singles = cells[1].strip() if len(cells) > 1 else ""
        multi = [m.strip() for m in cells[2].split(",")] if len(cells) > 2 else []
        for piece in list(singles) + [m for m in multi if m]:
            prior[letter][fold(piece).lower() if len(piece) > 1 else piece.lower()] = 1.0
    return prior


def _smooth(counts: dict[str, Counter], letters: set[str], prior: dict[str, dict[str, float]]
            ) -> dict[str, dict[str, float]]:
    """Hierarchical smoothing: letter ← letter without tone ← bare letter ← prior; returns costs (−log P)."""
    by_mod: dict[str, Counter] = defaultdict(Counter)
    by_base: dict[str, Counter] = defaultdict(Counter)
    for t, row in counts.items():
        mod = split_char(t)[0]
        by_mod[mod].update(row)
        by_base[fold(t)].update(row)

    def dist(row: Counter, parent: dict[str, float], beta: float) -> dict[str, float]:
        total = sum(row.values())
        keys = set(row) | set(parent)
        return {s: (row.get(s, 0) + beta * parent.get(s, 0.0)) / (total + beta) for s in keys}

    base_dist: dict[str, dict[str, float]] = {}
    for b in {fold(t) for t in letters}:
        p0: dict[str, float] = {b: 0.7}
        extra = prior.get(b, {})
        for s in extra:
            p0[s] = p0.get(s, 0.0) + 0.25 / len(extra)
        base_dist[b] = dist(by_base.get(b, Counter()), p0, 20.0)
    mods = {split_char(t)[0] for t in letters}
    mod_dist = {m: dist(by_mod.get(m, Counter()), base_dist[fold(m)], 10.0) for m in mods}
    out: dict[str, dict[str, float]] = {}
    for t in sorted(letters):
        p = dist(counts.get(t, Counter()), mod_dist[split_char(t)[0]], 4.0)
        prior_t = _prior_dist(t, prior)
        mixed = {s: (1 - PRIOR_WEIGHT) * p.get(s, 0.0) + PRIOR_WEIGHT * prior_t.get(s, 0.0)
                 for s in set(p) | set(prior_t)}
        out[t] = {s: round(-math.log(v), 3) for s, v in mixed.items() if v > 1e-6}
    return out


PRIOR_WEIGHT = 0.03
# What a generic OCR engine may print for any Vietnamese vowel: another vowel, with or without a Latin-1 accent,
# or a digit that looks like one (the scans it reads are worse than our renders).
_GENERIC_VOWEL = list("aeiouy" + "àáâãäèéêëìíîïòóôõöùúûüý" + "0146" + "¢€§¥£@&")


def _prior_dist(t: str, prior: dict[str, dict[str, float]]) -> dict[str, float]:
    """The hand-written prior P(s | t): confusions.tsv for the bare letter (half), and for vowels the generic
    confusions: another vowel or look-alike (a quarter), or the bare vowel with a stray mark before or after it
    (`o6`, `éa`, `eé`: a quarter)."""
    b = fold(t)
    listed = [s for s in prior.get(b, {}) if s != t]
    generic: list[str] = []
    doubled: list[str] = []
    if b in "aeiouy":
        generic = [s for s in _GENERIC_VOWEL if s != t]
        doubled = sorted({b + x for x in _GENERIC_VOWEL} | {x + b for x in _GENERIC_VOWEL})
    out: dict[str, float] = {}
    parts = [(listed, 0.5), (generic, 0.25), (doubled, 0.25)]
    total = sum(w for pieces, w in parts if pieces)
    for pieces, weight in parts:
        for s in pieces:
            out[s] = out.get(s, 0.0) + weight / total / len(pieces)
    return out


def estimate(pairs: Counter, letters: set[str], prior: dict[str, dict[str, float]], iterations: int = 3
             ) -> dict[str, dict[str, float]]:
    """Viterbi EM: align every (true, seen) pair under the current costs, count letter → piece, re-estimate."""
    table: dict[str, dict[str, float]] = {}
    for t in letters:  # start: identity cheap, the bare letter next, anything else by length
        b = fold(t)
        table[t] = {t: 0.1, b: 1.0}
    channel = Channel(table)
    for _ in range(iterations):
        counts: dict[str, Counter] = defaultdict(Counter)
        for (true, seen), n in pairs.items():
            cost, aligned = channel.align(true, seen)
            if not aligned or cost > 40:
                continue
            for t, s in aligned:
                counts[t][s] += n
        table = _smooth(counts, letters, prior)
        channel = Channel(table)
    return table


def train_channel(root: Path, out: Path, workers: int = 2, pages: int = PAGES, seed: int = 11, log=print,
                  cache: Path | None = None) -> dict:
    """Render, read and count; `cache` keeps the OCR'd pages (JSON) so that re-estimation skips the OCR."""
    t0 = time.perf_counter()
    fonts = vietnamese_fonts()
    if cache is not None and Path(cache).is_file():
        rendered = [(src, outs) for src, outs in json.loads(Path(cache).read_text(encoding="utf-8"))]
        log(f"{len(rendered)} OCR'd pages from {cache}")
    else:
        if len(fonts) < 3:
            raise RuntimeError("fonts with Vietnamese glyphs are missing (apt: fonts-liberation2 "
                               "fonts-dejavu-core fonts-freefont-ttf fonts-noto-core)")
        paragraphs = sample_paragraphs(root, 3 * pages)
        log(f"{len(paragraphs)} paragraphs, {len(fonts)} fonts ({time.perf_counter() - t0:.0f} s)")
        rendered = synthetic_pages(paragraphs, pages, seed, workers)
        log(f"rendered and read {pages} pages with {', '.join(LANGS)} ({time.perf_counter() - t0:.0f} s)")
        if cache is not None:
            Path(cache).write_text(json.dumps(rendered, ensure_ascii=False), encoding="utf-8")
    letters = set()
    for true_text, _ in rendered:
        for ch in true_text.lower():
            if ch.isalpha():
                letters.add(ch)
    letters = {ch for ch in letters if fold(ch).isascii() and fold(ch).isalpha()}
    prior = _prior()
    channels, stats = {}, {}
    readings: Counter = Counter()  # what the generic engine printed, for the search cache
    for lang in LANGS:
        pairs: Counter = Counter()
        for true_text, outputs in rendered:
            pairs.update(word_pairs(true_text, outputs[lang]))
        if lang == "eng":
            for (_, seen), n in pairs.items():
                readings[seen] += n
        total = sum(pairs.values())
        same = sum(n for (t, s), n in pairs.items() if t == s)
        channels[lang] = estimate(pairs, letters, prior)
        stats[lang] = {"pairs": total, "distinct": len(pairs), "read_right": round(same / max(total, 1), 4)}
        log(f"{lang}: {total} syllables ({same / max(total, 1):.1%} read right) ({time.perf_counter() - t0:.0f} s)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    meta = {"pages": pages, "fonts": [Path(f).name for f in fonts], "max_piece": MAX_PIECE, "stats": stats}
    (out / "channel.json").write_text(json.dumps({"meta": meta, "channels": channels}, ensure_ascii=False,
                                                 separators=(",", ":"), sort_keys=True), encoding="utf-8")
    stats["frequent_readings"] = sorted(r for r, n in readings.items() if n >= 2)
    return stats
