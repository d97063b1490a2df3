"""OCR benchmark: character and syllable error, and seconds per page, on generated scans.

    .venv/bin/python bench/ocr.py [--quick] [--first-pages] [--engines raw,ocrmypdf,vanban] [--ablation] [--pages]

Pages come from corpus/scangen.py (letters of corpus/letters/ set in Liberation Serif 14 pt on A4) across
degradations: 300 dpi, skew ±1–6°, light and heavy noise + JPEG, 100, 150 and 200 dpi, blur, a red seal over the
signature and over body text, a digital-signature box, an incoming-document stamp, pages turned 90° and 180°, dark
scanner borders. Ground truth is the rendered text without the overlays.

Each page is written to a PNG file first, as a scanner would leave it; every engine starts from that file and the
time counts from there. Engines, each on one thread (OMP_THREAD_LIMIT=1):
- raw: `tesseract PAGE.png - -l vie`;
- ocrmypdf: `ocrmypdf --deskew --clean -l vie` on the page as a PDF (Debian's ocrmypdf; its sidecar text);
- vanban: `ocr.read(PAGE.png)` (loading, preprocessing, OCR, layout, overlays).
CER = Levenshtein distance / truth length with all runs of whitespace counted as one space; syllable error = the
same over whitespace-separated tokens.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "corpus"))

import pytesseract  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from ocr import read  # noqa: E402
from ocr.load import iter_pages  # noqa: E402
from ocr.tesseract import read_image  # noqa: E402
from scangen import Degradation, make_scan  # noqa: E402

LETTERS = ["058-KH-UBND-quangngai.txt", "961-VP-KGVX-quangngai.txt", "186-SNV-XDCQ-quangngai.txt",
           "2150-SKHCN-CDS-nghean.txt", "013-NQ-TU-quangngai.txt", "7845-STC-QLNS-quangngai.txt"]
DEGRADATIONS = [
    Degradation(dpi=300, seal=True, seed=1),
    Degradation(dpi=300, skew=3.0, seal=True, seed=2),
    Degradation(dpi=300, skew=-6.0, seed=3),
    Degradation(dpi=300, noise=14.0, jpeg=55, seal=True, seed=4),
    Degradation(dpi=150, seal=True, seed=5),
    Degradation(dpi=200, blur=1.2, skew=1.5, seed=6),
    Degradation(dpi=300, seal=True, seal_over_text=True, signature_box=True, stamp=True, seed=7),
    Degradation(dpi=200, noise=8.0, jpeg=70, skew=-2.0, seal=True, stamp=True, seed=8),
    Degradation(dpi=200, rotate=90, border=True, seal=True, seed=9),
    Degradation(dpi=300, rotate=180, skew=1.0, seed=10),
    Degradation(dpi=100, seal=True, seed=11),
    Degradation(dpi=300, noise=28.0, jpeg=60, skew=-1.0, seed=12),
]


@dataclass
class Sample:
    name: str
    path: Path  # the page as a PNG file
    truth: str
    dpi: int


def normalise(text: str) -> str:
    return " ".join(text.split())


def cer(truth: str, text: str) -> float:
    t = normalise(truth)
    return Levenshtein.distance(t, normalise(text)) / max(1, len(t))


def syllable_error(truth: str, text: str) -> float:
    t = truth.split()
    return Levenshtein.distance(t, text.split()) / max(1, len(t))


def samples(folder: Path, quick: bool, first_pages: bool = False) -> list[Sample]:
    out = []
    letters = LETTERS[:2] if quick else LETTERS
    degradations = DEGRADATIONS[:4] if quick else DEGRADATIONS
    for k, deg in enumerate(degradations):
        for j, letter in enumerate(letters):
            if (k + j) % 2 and not quick:  # every degradation on half of the letters: 24 letters, ~40 pages
                continue
            text = (ROOT / "corpus" / "letters" / letter).read_text(encoding="utf-8")
            pages = make_scan(text, Degradation(**{**deg.__dict__, "seed": deg.seed * 10 + j}))
            for p, page in enumerate(pages[:1] if first_pages else pages, start=1):
                name = f"{letter[:-4]}-p{p}-{deg.label()}"
                path = folder / f"{name}.png"
                page.image.convert("RGB").save(path, dpi=(deg.dpi, deg.dpi))
                out.append(Sample(name, path, page.truth, deg.dpi))
    return out


def run_raw(sample: Sample, workdir: Path) -> str:
    return subprocess.run(["tesseract", str(sample.path), "-", "-l", "vie"], check=True, capture_output=True,
                          text=True).stdout


def run_ocrmypdf(sample: Sample, workdir: Path) -> str:
    from PIL import Image

    src = workdir / "page.pdf"
    Image.open(sample.path).save(src, "PDF", resolution=sample.dpi)
    sidecar = workdir / "page.txt"
    subprocess.run(["ocrmypdf", "--deskew", "--clean", "-l", "vie", "--force-ocr", "--jobs", "1", "--sidecar",
                    str(sidecar), "--output-type", "pdf", "--quiet", str(src), str(workdir / "out.pdf")],
                   check=True, capture_output=True)
    return sidecar.read_text(encoding="utf-8")


def run_vanban(sample: Sample, workdir: Path, skip: frozenset[str] = frozenset()) -> str:
    if not skip:
        return "\n\n".join(page.text for page in read(sample.path).pages)
    return "\n\n".join(read_image(item.image, page=item.page, dpi=item.dpi, skip=skip).text
                         for item in iter_pages(sample.path))


ENGINES = {"raw": run_raw, "ocrmypdf": run_ocrmypdf, "vanban": run_vanban}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a few pages only")
    parser.add_argument("--engines", default="raw,ocrmypdf,vanban")
    parser.add_argument("--pages", action="store_true", help="print every page's figures")
    parser.add_argument("--first-pages", action="store_true", help="only the first page of each scan (36 pages)")
    parser.add_argument("--ablation", action="store_true",
                        help="also run vanban with each preprocessing step left out (does every step earn its place?)")
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    if "ocrmypdf" in engines and not shutil.which("ocrmypdf"):
        sys.exit("ocrmypdf is not installed (apt-get install ocrmypdf unpaper)")
    if args.ablation:
        from ocr.preprocess import STEPS

        for step in STEPS:
            ENGINES[f"vanban-no-{step}"] = (lambda skip: lambda sample, workdir: run_vanban(
                sample, workdir, frozenset([skip])))(step)
            engines.append(f"vanban-no-{step}")
    results: dict[str, list[tuple[float, float, float]]] = {e: [] for e in engines}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "pages").mkdir()
        pages = samples(workdir / "pages", args.quick, args.first_pages)
        for sample in pages:
            row = []
            for engine in engines:
                start = time.perf_counter()
                text = ENGINES[engine](sample, workdir)
                seconds = time.perf_counter() - start
                figures = (cer(sample.truth, text), syllable_error(sample.truth, text), seconds)
                results[engine].append(figures)
                row.append(f"{engine} {figures[0]:.2%} {figures[2]:.1f}s")
            if args.pages:
                print(f"{sample.name}: " + " | ".join(row), flush=True)
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"tesseract {pytesseract.get_tesseract_version()}; {len(pages)} pages, one thread per engine\n")
    print("| engine | mean CER | max CER | pages > 0.8% CER | mean syllable error | s/page |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for engine in engines:
        rows = results[engine]
        cers = [r[0] for r in rows]
        print(f"| {engine} | {statistics.mean(cers):.2%} | {max(cers):.2%} | {sum(c > 0.008 for c in cers)} | "
              f"{statistics.mean(r[1] for r in rows):.2%} | {statistics.mean(r[2] for r in rows):.2f} |")
    groups: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for engine in engines:
        for sample, (c, _s, t) in zip(pages, results[engine]):
            label = sample.name.split("-p", 1)[1].split("-", 1)[1]
            groups.setdefault(label, {}).setdefault(engine, []).append((c, t))
    print("\n| degradation | " + " | ".join(f"{e} CER" for e in engines) + " | "
          + " | ".join(f"{e} s/page" for e in engines) + " |")
    print("| --- |" + " ---: |" * (2 * len(engines)))
    for label, by_engine in groups.items():
        print(f"| {label} | " + " | ".join(f"{statistics.mean(c for c, _ in by_engine[e]):.2%}" for e in engines)
              + " | " + " | ".join(f"{statistics.mean(t for _, t in by_engine[e]):.2f}" for e in engines) + " |")
    if "raw" in engines and "vanban" in engines:
        ratios = [v[2] / r[2] for v, r in zip(results["vanban"], results["raw"])]
        total = sum(v[2] for v in results["vanban"]) / sum(r[2] for r in results["raw"])
        print(f"\nvanban time / raw Tesseract time: {total:.2f}× over all pages; per page median "
              f"{statistics.median(ratios):.2f}×, max {max(ratios):.2f}×, {sum(x > 1.15 for x in ratios)} of "
              f"{len(ratios)} pages above 1.15×")

if __name__ == "__main__":
    main()
