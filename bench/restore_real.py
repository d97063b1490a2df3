"""Restoration on real letters garbled by a generic OCR: the pages of ../shared/real-scans transcribed by hand
(`bench/data/real/transcripts/`), read by Tesseract `eng` — what a generic OCR leaves of Vietnamese (`UY BAN NHAN
DAN`, `Ké hoach s6`) — and restored by vanban; syllable error against the transcription before and after, beside
Tesseract `vie`'s own reading of the page (its reading order and the page's stamps and handwriting weigh on both).

    .venv/bin/python bench/restore_real.py            # a Markdown table, one row a page, file names hidden

The pages are rendered at 300 dpi as bench/real.py does. Syllable error = word-level edit distance over
letter/digit tokens, case-insensitive, tone placement normalised (nlp.restore.metrics, as bench/restore.py). The
transcriptions hold the whole page (stamps, signatures' names), so a page's floor is not 0.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.real import LABELS, TRANSCRIPTS, page_images, real_scans  # noqa: E402
from nlp.restore import restore  # noqa: E402
from nlp.restore.metrics import syllable_errors  # noqa: E402


def tesseract(image: Path, language: str) -> str:
    return subprocess.run(["tesseract", str(image), "-", "-l", language], check=True, capture_output=True,
                          text=True, timeout=300).stdout


def main() -> None:
    base = real_scans()
    if not base.is_dir() or not TRANSCRIPTS.is_dir():
        print(f"bench/restore_real.py: no real scans at {base} or no transcriptions: nothing measured")
        return
    labels = {Path(label["file"]).stem: label for label in
              (json.loads(p.read_text(encoding="utf-8")) for p in LABELS.glob("*.json"))}
    rows = []
    seconds = 0.0
    for k, transcript in enumerate(sorted(TRANSCRIPTS.glob("*-p*.txt")), start=1):
        stem, page = transcript.stem.rsplit("-p", 1)
        label = labels.get(stem)
        if label is None or not (base / label["file"]).exists():
            continue
        truth = transcript.read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory() as tmp:
            images = page_images(base / label["file"], Path(tmp))
            garbled = tesseract(images[int(page) - 1][0], "eng")
            vie = tesseract(images[int(page) - 1][0], "vie")
        started = time.process_time()
        restored = restore(garbled).text
        seconds += time.process_time() - started
        before, total = syllable_errors(truth, garbled)
        after, _ = syllable_errors(truth, restored)
        floor, _ = syllable_errors(truth, vie)
        rows.append((f"page {k} ({label['file'].split('/')[0]})", total, before, after, floor))
    print(f"machine: {platform.machine()}, Python {platform.python_version()}; Tesseract `eng`, 300 dpi; "
          f"restore mode auto, {seconds:.1f} s of CPU for all pages\n")
    print("| real page (source) | syllables | error, `eng` OCR | error, restored | `vie` OCR, for comparison |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, total, before, after, floor in rows:
        print(f"| {name} | {total} | {before / total:.1%} | {after / total:.1%} | {floor / total:.1%} |")
    total = sum(r[1] for r in rows)
    print(f"| all ({len(rows)} pages) | {total} | {sum(r[2] for r in rows) / total:.1%} | "
          f"{sum(r[3] for r in rows) / total:.1%} | {sum(r[4] for r in rows) / total:.1%} |")
    print(f"\nmean of the pages' errors, restored: {sum(r[3] / r[1] for r in rows) / len(rows):.2%}")


if __name__ == "__main__":
    main()
