"""Searchable PDFs of real scans: what `pdftotext` reads from `vanban pdf`'s text layer, and what it costs.

    .venv/bin/python bench/pdf.py

For every page of `../shared/real-scans` transcribed by hand (`bench/data/real/transcripts/`), in fresh processes:
`vanban pdf FILE OUT.pdf` and `vanban ocr FILE` (vanban's own reading of the same file), timed; then `pdftotext
-raw` of the page of the PDF against the transcription (CER, whitespace runs as one space, as bench/real.py counts
it). A digitally signed PDF is copied unchanged (a new text layer would invalidate its signature): its page of the
sidecar text (`--sidecar`) is measured instead, and the row says so. The real files are never in this repository;
when the folder is not there it says so and stops.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from real import LABELS, TRANSCRIPTS, cer, real_scans, source_of  # noqa: E402

VANBAN = [sys.executable, "-c", "import sys; from pipeline.cli import main; sys.argv[0] = 'vanban'; main()"]


def timed(args: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - start, done


def main() -> None:
    folder = real_scans()
    if not folder.is_dir():
        raise SystemExit(f"{folder}: not there (set VANBAN_REAL_SCANS)")
    labels = {json.loads(p.read_text(encoding="utf-8"))["file"]: p for p in LABELS.glob("*.json")}
    rows = []
    for transcript in sorted(TRANSCRIPTS.glob("*-p*.txt")):
        stem, page = transcript.stem.rsplit("-p", 1)
        file = next((f for f in labels if Path(f).stem == stem), None)
        if file is None:
            continue
        path = folder / file
        with tempfile.TemporaryDirectory() as tmp:
            out, side = Path(tmp) / "out.pdf", Path(tmp) / "out.txt"
            pdf_s, made = timed([*VANBAN, "pdf", str(path), str(out), "--sidecar", str(side)])
            if made.returncode != 0:
                rows.append((file, page, None, pdf_s, None, made.stderr.decode()[-200:]))
                continue
            ocr_s, _ = timed([*VANBAN, "ocr", str(path)])
            signed = b"digitally signed" in made.stderr  # copied unchanged: its text is in the sidecar
            text = side.read_text(encoding="utf-8").split("\f")[int(page) - 1] if signed else subprocess.run(
                ["pdftotext", "-f", page, "-l", page, "-raw", str(out), "-"], capture_output=True, text=True,
                check=True).stdout
            pages = int(subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
                        .split("Pages:")[1].split()[0])
        rows.append((file, page, cer(transcript.read_text(encoding="utf-8"), text), pdf_s, ocr_s,
                     f"{pages} p." + (", signed: sidecar" if signed else "")))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; fresh "
          f"processes, one thread\n")
    print("| transcribed page (source) | pdftotext CER | `vanban pdf` s | `vanban ocr` s | × |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for file, page, rate, pdf_s, ocr_s, pages in rows:
        if rate is None:
            print(f"| {source_of({'file': file})} p.{page} | failed: {pages} | {pdf_s:.1f} | | |")
            continue
        print(f"| {source_of({'file': file})} p.{page} ({pages}) | {rate:.2%} | {pdf_s:.1f} | {ocr_s:.1f} | "
              f"{pdf_s / ocr_s:.2f} |")
    done = [r for r in rows if r[2] is not None]
    if done:
        print(f"\n{len(done)} pages: CER {min(r[2] for r in done):.2%}–{max(r[2] for r in done):.2%}; "
              f"time {sum(r[3] for r in done) / sum(r[4] for r in done):.2f}× vanban ocr over the same files")


if __name__ == "__main__":
    main()
