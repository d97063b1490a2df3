"""Restoration benchmark: syllable accuracy on held-out corpus text, speed, load time and model size.

    .venv/bin/python bench/restore.py [--paragraphs 300] [--pages 40]   # prints Markdown tables for the README

Test text: paragraphs of the documents the training never saw (every 50th document of each legal file of
/work/shared/data/vi-text, see nlp/restore/corpus.py), three ways:
(a) stripped of all marks (đ → d) and restored with `--mode strip` (and `auto`);
(b) rendered in a random font/size/degradation and read by Tesseract `eng` (garble like generic OCR), restored
    with `auto` and `garbled`;
(c) the same pages read by Tesseract `vie`, restored with `auto`; per page the syllable error must not grow.
Accuracy = 1 − syllable error (word-level edit distance over letter/digit tokens, case-insensitive, tone placement
normalised). Speed: syllables per second of CPU time (one core), after the model is loaded; for OCR pages once
with the token cache emptied before every page (so repeated garbled words across pages are not free) and once
as one process restoring all pages in turn.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.restore import load_model, restore  # noqa: E402
import nlp.restore.decode as decode_module  # noqa: E402
from nlp.restore.corpus import heldout_documents  # noqa: E402
from nlp.restore.metrics import syllable_errors, syllables  # noqa: E402
from nlp.restore.model import MODEL_DIR, model_files  # noqa: E402
from nlp.restore.vietnamese import fold, is_valid_syllable, nfc  # noqa: E402

_EDGE = "\"'“”‘’()[]{}<>,.;:!?…-–—/\\|*•·_«»"


def heldout_paragraphs(count: int, seed: int = 5) -> list[str]:
    pool = []
    for _name, _index, doc in heldout_documents():
        for line in doc.split("\n"):
            words = line.split()
            if not 10 <= len(words) <= 120:
                continue
            valid = sum(1 for w in words if is_valid_syllable(nfc(w.strip(_EDGE).lower())))
            if valid >= 0.7 * len(words):
                pool.append(line)
    rng = random.Random(seed)
    rng.shuffle(pool)
    return pool[:count]


def _rate(pairs: list[tuple[str, str]]) -> float:
    errors = total = 0
    for ref, hyp in pairs:
        e, n = syllable_errors(ref, hyp)
        errors += e
        total += n
    return errors / max(total, 1)


def _clear_caches() -> None:
    for fn in (decode_module._garbled_candidates, decode_module._good_candidates, decode_module._strip_candidates):
        fn.cache_clear()


def _timed(texts: list[str], mode: str, clear: bool) -> tuple[list[str], float, int]:
    out = []
    elapsed = 0.0
    n = 0
    for text in texts:
        if clear:
            _clear_caches()
        start = time.process_time()
        out.append(restore(text, mode=mode).text)
        elapsed += time.process_time() - start
        n += len(syllables(text))
    return out, n / elapsed, n


def load_time() -> float:
    code = ("import time; t=time.perf_counter(); from nlp.restore import load_model; load_model(); "
            "print(time.perf_counter()-t)")
    times = []
    for _ in range(3):
        res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        times.append(float(res.stdout.strip().splitlines()[-1]))
    return min(times)


def ocr_pages(paragraphs: list[str], pages: int, seed: int = 2024) -> list[tuple[str, str, str]]:
    """(source, eng reading, vie reading) of synthetic pages made from held-out paragraphs."""
    from nlp.restore.channel_train import LINES_PER_PAGE
    from nlp.restore.render import ocr, random_style, render, vietnamese_fonts, wrap

    rng = random.Random(seed)
    fonts = vietnamese_fonts()
    out = []
    for i in range(pages):
        style = random_style(rng, fonts, harsh=rng.random() < 0.6)
        lines: list[str] = []
        for k in range(3):
            lines.extend(wrap(paragraphs[(3 * i + k) % len(paragraphs)], rng.choice([55, 62, 70, 78])))
        lines = lines[:LINES_PER_PAGE]
        img = render(lines, style, seed + i)
        out.append(("\n".join(lines), ocr(img, "eng"), ocr(img, "vie")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--pages", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    load_model()
    restore("Chuyen doi so quoc gia", mode="strip")  # warm-up

    paragraphs = heldout_paragraphs(args.paragraphs)
    stripped = [fold(p) for p in paragraphs]
    strip_out, strip_speed, strip_n = _timed(stripped, "strip", clear=False)
    auto_out, _, _ = _timed(stripped, "auto", clear=False)
    rows = [("(a) stripped of marks", "strip", strip_n, _rate(list(zip(paragraphs, stripped))),
             _rate(list(zip(paragraphs, strip_out)))),
            ("(a) stripped of marks", "auto", strip_n, _rate(list(zip(paragraphs, stripped))),
             _rate(list(zip(paragraphs, auto_out))))]

    # clean text read as OCR'd (not typed): a right word changed is the restorer's worst error
    clean_out = [restore(p).text for p in paragraphs]
    clean_changed = sum(syllable_errors(p, r)[0] for p, r in zip(paragraphs, clean_out))
    clean_n = sum(len(syllables(p)) for p in paragraphs)

    pages = ocr_pages(paragraphs, args.pages)
    sources = [p[0] for p in pages]
    eng = [p[1] for p in pages]
    vie = [p[2] for p in pages]
    n_pages = sum(len(syllables(s)) for s in sources)
    eng_auto, eng_speed, _ = _timed(eng, "auto", clear=True)
    _clear_caches()
    _, eng_speed_batch, _ = _timed(eng, "auto", clear=False)
    eng_forced, _, _ = _timed(eng, "garbled", clear=True)
    vie_auto, vie_speed, _ = _timed(vie, "auto", clear=True)
    rows.append(("(b) Tesseract eng", "auto", n_pages, _rate(list(zip(sources, eng))),
                 _rate(list(zip(sources, eng_auto)))))
    rows.append(("(b) Tesseract eng", "garbled", n_pages, _rate(list(zip(sources, eng))),
                 _rate(list(zip(sources, eng_forced)))))
    rows.append(("(c) Tesseract vie", "auto", n_pages, _rate(list(zip(sources, vie))),
                 _rate(list(zip(sources, vie_auto)))))
    worse = sum(1 for s, v, r in zip(sources, vie, vie_auto) if syllable_errors(s, r)[0] > syllable_errors(s, v)[0])

    print(f"Held-out paragraphs: {len(paragraphs)} ({strip_n} syllables); synthetic pages: {len(pages)} "
          f"({n_pages} syllables)\n")
    print("| input | mode | syllables | accuracy before | accuracy after |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, mode, n, before, after in rows:
        print(f"| {name} | {mode} | {n} | {1 - before:.3f} | {1 - after:.3f} |")
    print(f"\n`vie` pages made worse: {worse} of {len(pages)}")
    print(f"\nClean held-out text read as OCR'd (auto): {clean_changed} of {clean_n} syllables changed "
          f"({clean_changed / max(clean_n, 1):.3%})")
    size = sum(p.stat().st_size for p in model_files(MODEL_DIR))
    largest = max(p.stat().st_size for p in model_files(MODEL_DIR))
    print("\n| figure | value |")
    print("| --- | ---: |")
    print(f"| syllables/s, stripped text (strip) | {strip_speed:,.0f} |")
    print(f"| syllables/s, eng OCR (auto, cold cache per page) | {eng_speed:,.0f} |")
    print(f"| syllables/s, eng OCR (auto, one process over all pages) | {eng_speed_batch:,.0f} |")
    print(f"| syllables/s, vie OCR (auto, cold cache per page) | {vie_speed:,.0f} |")
    print(f"| model load time | {load_time():.2f} s |")
    count = len(model_files(MODEL_DIR))
    print(f"| model size | {size / 1e6:.1f} MB in {count} files (largest {largest / 1e6:.1f} MB) |")
    print(f"\nMachine: {platform.machine()}, {platform.processor() or ''} Python {platform.python_version()}, "
          "one core")


if __name__ == "__main__":
    main()
