"""Real-scan benchmark: vanban on real archive files against hand labels (`bench/data/real/`).

    .venv/bin/python bench/real.py [--files PATTERN] [--no-raw] [--pages]

Reads the real files in `../shared/real-scans/` (or $VANBAN_REAL_SCANS) — they are never in this repository — and
the labels written for them by looking at the pages (`bench/data/real/labels/*.json`, transcriptions in
`bench/data/real/transcripts/`). When the folder is not there it says so and stops.

Figures:
- references: precision / recall / F1 of (symbol, date) pairs per file — a reference counts only when its symbol
  and its date are both exact (a date the text does not give must be absent); symbol-only figures beside them;
- the letter's own symbol and date (files whose label has them), also apart for the letters whose number and day
  are both written by hand; every file is read under a name that says nothing (`scan0007.pdf`, as users' archives
  name scans), and the own symbol is given again as read with the file's real name as a hint ("name given");
- every figure per source (a folder of real-scans/: one body's archive, one scanner): the development sources
  (the rules were written on them) apart from the unseen ones;
- CER of each transcribed page (whitespace runs count as one space): vanban's page text as `vanban ocr` prints it
  (corrected by the language model), before that correction, and raw Tesseract's;
- seconds per page: vanban's whole per-file processing (loading, OCR, restoration, extraction, the handwriting) and
  its OCR stage (loading, rendering, preprocessing, Tesseract, layout), against raw `tesseract PAGE.png - -l vie` on
  the same pages plus, for a PDF page, rendering it at 300 dpi (which Tesseract cannot do itself; the PNG file it
  reads is written outside the clock). One thread each (OMP_THREAD_LIMIT=1), one file at a time.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from pipeline.handwritten import filled_text  # noqa: E402

LABELS = ROOT / "bench" / "data" / "real" / "labels"
TRANSCRIPTS = ROOT / "bench" / "data" / "real" / "transcripts"


def real_scans() -> Path:
    return Path(os.environ.get("VANBAN_REAL_SCANS", ROOT.parent / "shared" / "real-scans"))


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(truth: str, text: str) -> float:
    t = norm(truth)
    return Levenshtein.distance(t, norm(text)) / max(1, len(t))


def issuer_key(name: str | None) -> str:
    """A body's name for comparison: letter case, punctuation and spacing aside (`Phòng Đào tạo, Trường …` is
    `Phòng Đào Tạo Trường …`)."""
    folded = unicodedata.normalize("NFC", name or "").casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def symbol_key(symbol: str | None) -> str | None:
    return "".join(unicodedata.normalize("NFC", symbol).split()) if symbol else None


@dataclass
class FileResult:
    name: str
    kind: str  # scan_pdf, born_digital_pdf, scan_image (real-scans/index.csv)
    pages: int
    truth: set[tuple[str, str | None]]
    got: set[tuple[str, str | None]]
    own_symbol: tuple[str | None, str | None]  # (label, vanban)
    own_date: tuple[str | None, str | None]
    seconds: float
    ocr_seconds: float
    raw_seconds: float | None
    page_cer: dict[int, tuple[float, float, float | None]] = field(default_factory=dict)  # page → (vanban, vanban
    # before correction, raw Tesseract)
    error: str | None = None
    handwritten: bool = False  # the label says the letter's number and day are both written by hand
    # laws cited by name: the labelled ones the law table knows (their symbols: the table's law of that name passed
    # on the labelled date, or in force on the letter's date when the label has none), and what vanban resolved
    named_truth: set[str] = field(default_factory=set)
    named_got: set[str] = field(default_factory=set)  # symbols of references resolved from a name
    all_got: set[str] = field(default_factory=set)  # symbols of every reference (a law named and numbered is one)
    source: str = ""  # the folder of real-scans/ it came from (one source: one body's archive, one scanner)
    own_symbol_named: str | None = None  # the letter's own symbol when the reader is given the file's real name
    own_date_named: str | None = None
    types: tuple[int, int] = (0, 0)  # (references found whose type is the label's, references found and labelled)
    own_issuer: tuple[str | None, str | None] = (None, None)  # (label, vanban)


def counts(truth: set, got: set) -> tuple[int, int, int]:
    return len(truth & got), len(got - truth), len(truth - got)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def page_images(path: Path, folder: Path) -> list[tuple[Path, float]]:
    """Each page as a 300 dpi PNG as a scanner or a PDF renderer would leave it, and the seconds it took."""
    out = []
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        pdf.init_forms()
        for k in range(len(pdf)):
            started = time.perf_counter()
            image = pdf[k].render(scale=300 / 72, may_draw_forms=True).to_pil()
            rendered = time.perf_counter() - started  # what any OCR of a PDF page costs first (not the PNG file)
            target = folder / f"page-{k + 1}.png"
            image.save(target)
            out.append((target, rendered))
        pdf.close()
    else:
        out.append((path, 0.0))
    return out


def raw_tesseract(image: Path) -> tuple[str, float]:
    started = time.perf_counter()
    text = subprocess.run(["tesseract", str(image), "-", "-l", "vie"], check=True, capture_output=True,
                          text=True).stdout
    return text, time.perf_counter() - started


def named_law_truth(label: dict) -> set[str]:
    """The symbols of the laws a label lists as cited by name (name and date as the page prints them), looked up
    by exact name in the law table; names the table does not hold are left out (they must stay unresolved)."""
    from nlp import laws
    from nlp.named_laws import LAW_KINDS, law_symbol

    out = set()
    citing = (label.get("document") or {}).get("date")
    for named in label.get("named") or []:
        if not named["name"].split()[0] in {kind.split()[0] for kind in LAW_KINDS}:
            continue
        versions = [law for law in laws.laws() if laws.match_key(law.name) == laws.match_key(named["name"])]
        if named.get("date"):
            versions = [law for law in versions if law.passed == named["date"]]
        elif citing:
            versions = sorted((law for law in versions if law.passed and law.passed <= citing), key=lambda law: law.passed)
            versions = versions[-1:]  # the latest passed before the letter: the one it means, unless replaced
        if len(versions) == 1:
            out.add(symbol_key(law_symbol(versions[0])))
    return out


DEVELOPMENT = ("quangngai_ocr_local_vbhc", "tuyendb_ocr_vbpl", "hoainv99_contract")  # the sources rules were written on


def source_of(label: dict) -> str:
    return label["file"].split("/", 1)[0]


def _load(process, hidden: Path, sha: str, cache: Path | None):
    """The file loaded (OCR'd) under its hidden name; with `cache`, kept there by content hash so that a rule of the
    extraction can be measured again in seconds (the figures of time are then not measured)."""
    import pickle

    stored = cache / f"{sha}.pickle" if cache and sha else None
    if stored and stored.exists():
        return pickle.loads(stored.read_bytes())
    loaded = process.load(hidden)
    if stored:
        cache.mkdir(parents=True, exist_ok=True)
        stored.write_bytes(pickle.dumps(loaded))
    return loaded


def run_file(label: dict, path: Path, raw: bool, kind: str, hidden_name: str, cache: Path | None = None) -> FileResult:
    """vanban on the file under a name that says nothing (`scan0007.pdf`, as users' archives name scans), and the
    letter's own symbol and date again with the file's real name given to the reader (the name-assisted figure)."""
    import shutil
    from dataclasses import replace

    from pipeline import process

    name = Path(label["file"]).name
    truth = {(symbol_key(r["symbol"]), r.get("date")) for r in label.get("references", [])}
    doc = label.get("document") or {}
    with tempfile.TemporaryDirectory() as hide:
        hidden = Path(hide) / hidden_name
        shutil.copyfile(path, hidden)
        started = time.perf_counter()
        error = None
        try:
            loaded = _load(process, hidden, label.get("sha256", ""), cache)
            ocr_seconds = time.perf_counter() - started
            analysis = process.analyse(loaded)
        except Exception as exc:  # noqa: BLE001 - one file's failure is a row, not the end of the benchmark
            error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - started
    if error:
        return FileResult(name, kind, label.get("pages", 1), truth, set(), (doc.get("symbol"), None),
                          (doc.get("date"), None), seconds, 0.0, None, error=error, source=source_of(label))
    named = process.analyse(replace(loaded, name=name)).extraction.header  # the real name as a hint
    extraction = analysis.extraction
    # numbered references only: laws resolved from their names are measured apart (named_truth / named_got)
    # (a law numbered in the text and also named takes its date from the law table: scored on the text's date)
    got = {(symbol_key(r.symbol), r.date if any(m.date and not m.resolved_from for m in r.mention_list) else None)
           for r in extraction.references if r.resolved_from != "name"}
    page_texts = loaded.text.split("\f") if loaded.text else []
    # the text vanban gives (`vanban ocr`, the sidecar, texts.jsonl): corrected, the blanks' handwriting in place
    corrected = filled_text(loaded.text or "", analysis.restored, analysis.restored_map, loaded.word_spans or (),
                            analysis.blanks).split("\f")
    result = FileResult(name, kind, len(page_texts) or 1, truth, got, (doc.get("symbol"), extraction.header.symbol),
                        (doc.get("date"), extraction.header.date), seconds, ocr_seconds, None, source=source_of(label))
    result.own_symbol_named = named.symbol
    result.own_date_named = named.date
    result.handwritten = bool(doc.get("number_handwritten") and doc.get("day_handwritten"))
    result.named_truth = named_law_truth(label)
    result.named_got = {symbol_key(r.symbol) for r in extraction.references if r.resolved_from == "name"}
    labelled_type = {symbol_key(r["symbol"]): r.get("type") for r in label.get("references", []) if r.get("type")}
    found_types = [(labelled_type[key], r.type) for r in extraction.references
                   if (key := symbol_key(r.symbol)) in labelled_type]
    result.types = (sum(a == b for a, b in found_types), len(found_types))
    result.own_issuer = (doc.get("issuer"), extraction.header.issuer)
    result.all_got = {symbol_key(r.symbol) for r in extraction.references}
    transcripts = {int(p.stem.rsplit("-p", 1)[1]): p for p in TRANSCRIPTS.glob(f"{Path(label['file']).stem}-p*.txt")}
    raw_texts: dict[int, str] = {}
    if raw or transcripts:
        with tempfile.TemporaryDirectory() as tmp:
            total = 0.0
            for k, (image, render_s) in enumerate(page_images(path, Path(tmp)), start=1):
                if not raw and k not in transcripts:
                    continue
                text, tess_s = raw_tesseract(image)
                raw_texts[k] = text
                total += render_s + tess_s
            result.raw_seconds = total if raw else None
    for page, transcript in transcripts.items():
        truth_text = transcript.read_text(encoding="utf-8")
        mine = page_texts[page - 1] if page <= len(page_texts) else ""
        fixed = corrected[page - 1] if page <= len(corrected) else mine
        result.page_cer[page] = (cer(truth_text, fixed), cer(truth_text, mine),
                                 cer(truth_text, raw_texts[page]) if page in raw_texts else None)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", default="*", help="only label files matching this pattern")
    parser.add_argument("--no-raw", action="store_true", help="do not time raw Tesseract")
    parser.add_argument("--pages", action="store_true", help="print every file's figures")
    parser.add_argument("--json", type=Path, help="write the per-file results here")
    parser.add_argument("--cache", type=Path, help="keep each file's OCR here and reuse it (extraction rules measured "
                                                   "again in seconds; times are then not measured)")
    args = parser.parse_args()
    base = real_scans()
    if not base.is_dir():
        print(f"bench/real.py: no real scans at {base} (set VANBAN_REAL_SCANS): nothing measured")
        return
    labels = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(LABELS.glob("*.json"))
              if fnmatch.fnmatch(p.name, args.files)]
    import csv

    with open(base / "index.csv", encoding="utf-8") as handle:
        kinds = {row["file"]: row["kind"] for row in csv.DictReader(handle)}
    results: list[FileResult] = []
    for index, label in enumerate(labels, start=1):
        path = base / label["file"]
        if not path.exists():
            print(f"missing: {path}")
            continue
        result = run_file(label, path, not args.no_raw, kinds.get(label["file"], "?"),
                          f"scan{index:04d}{path.suffix.lower()}", args.cache)
        results.append(result)
        if args.pages:
            tp, fp, fn = counts(result.truth, result.got)
            print(f"{result.source}/{result.name}: refs tp {tp} fp {fp} fn {fn}; own {result.own_symbol[1]!r} "
                  f"(label {result.own_symbol[0]!r}), date {result.own_date[1]} (label {result.own_date[0]}); "
                  f"{result.seconds:.1f} s" + (f" (raw {result.raw_seconds:.1f} s)" if result.raw_seconds else "")
                  + (f"; error {result.error}" if result.error else ""), flush=True)
            for sym, date in sorted(result.truth - result.got, key=str):
                print(f"    missed  {sym} {date}")
            for sym, date in sorted(result.got - result.truth, key=str):
                print(f"    extra   {sym} {date}")
            for sym in sorted(result.named_truth - result.all_got):
                print(f"    named law missed  {sym}")
            for sym in sorted(result.named_got - result.named_truth - {s for s, _ in result.truth}):
                print(f"    named law wrong   {sym}")
    report(results)
    if args.json:
        args.json.write_text(json.dumps([{**r.__dict__, "truth": sorted(map(list, r.truth), key=str),
                                          "got": sorted(map(list, r.got), key=str)} for r in results],
                                        ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def report(results: list[FileResult]) -> None:
    import pytesseract

    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"tesseract {pytesseract.get_tesseract_version()}; {len(results)} files, "
          f"{sum(r.pages for r in results)} pages, one thread\n")
    unseen = [r for r in results if r.source not in DEVELOPMENT]
    groups = {"unseen sources (file names hidden)": unseen,
              **{f"· {source}": [r for r in unseen if r.source == source]
                 for source in sorted({r.source for r in unseen})},
              "development sources": [r for r in results if r.source in DEVELOPMENT],
              **{f"· {source}": [r for r in results if r.source == source] for source in DEVELOPMENT},
              "all": results,
              "scanned PDFs": [r for r in results if r.kind == "scan_pdf"],
              "born-digital PDFs": [r for r in results if r.kind == "born_digital_pdf"],
              "scanned images": [r for r in results if r.kind == "scan_image"],
              "number and day handwritten": [r for r in results if r.handwritten]}
    print("File names hidden (each file read as scanNNNN.pdf); 'name given' is the own symbol when the reader is "
          "also given the file's real name. 'wrong' counts own symbols taken with a wrong number (a '?' is not wrong), and own dates taken wrong (none is not wrong).")
    print()
    print("| files | documents | references | P | R | F1 | symbol-only F1 | own symbol | wrong | name given | own date | "
          "wrong |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, rows in groups.items():
        if not rows:
            continue
        tp, fp, fn = (sum(x) for x in zip(*(counts(r.truth, r.got) for r in rows)))
        sym = [counts({s for s, _ in r.truth}, {s for s, _ in r.got}) for r in rows]
        stp, sfp, sfn = (sum(x) for x in zip(*sym))
        p, r_, f1 = prf(tp, fp, fn)
        own = [r for r in rows if r.own_symbol[0]]
        own_ok = sum(symbol_key(r.own_symbol[0]) == symbol_key(r.own_symbol[1]) for r in own)
        wrong = sum(bool(r.own_symbol[1]) and not r.own_symbol[1].startswith("?")
                    and symbol_key(r.own_symbol[0]) != symbol_key(r.own_symbol[1]) for r in own)
        named_ok = sum(symbol_key(r.own_symbol[0]) == symbol_key(r.own_symbol_named) for r in own)
        dated = [r for r in rows if r.own_date[0]]
        date_ok = sum(r.own_date[0] == r.own_date[1] for r in dated)
        date_wrong = sum(bool(r.own_date[1]) and r.own_date[0] != r.own_date[1] for r in dated)
        print(f"| {label} | {len(rows)} | {tp + fn} | {p:.3f} | {r_:.3f} | {f1:.3f} | {prf(stp, sfp, sfn)[2]:.3f} | "
              f"{own_ok} of {len(own)} | {wrong} | {named_ok} of {len(own)} | {date_ok} of {len(dated)} | {date_wrong} |")
    truth = sum(len(r.named_truth) for r in results)
    if truth:
        found = sum(len(r.named_truth & r.all_got) for r in results)
        given = sum(len(r.named_got) for r in results)
        right = sum(len(r.named_got & (r.named_truth | {s for s, _ in r.truth})) for r in results)
        print(f"\nlaws cited by name: {truth} labelled that the law table holds; {found} found with their number "
              f"(recall {found / truth:.3f}); {given} numbers given to names, {right} right "
              f"(precision {right / given if given else 1:.3f})")
    for label, rows in (("unseen", [r for r in results if r.source not in DEVELOPMENT]),
                        ("development", [r for r in results if r.source in DEVELOPMENT])):
        right, found = sum(r.types[0] for r in rows), sum(r.types[1] for r in rows)
        if found:
            print(f"reference types ({label}): {right} of {found} found references typed as labelled "
                  f"({right / found:.3f})")
        issued = [r for r in rows if r.own_issuer[0]]
        if issued:
            right = sum(issuer_key(r.own_issuer[0]) == issuer_key(r.own_issuer[1]) for r in issued)
            wrong = sum(bool(r.own_issuer[1]) and issuer_key(r.own_issuer[0]) != issuer_key(r.own_issuer[1])
                        for r in issued)
            print(f"own issuer ({label}): {right} of {len(issued)} as labelled, {wrong} other, "
                  f"{len(issued) - right - wrong} none (letter case, punctuation and spacing aside)")
    pages = [(r.name, page, c) for r in results for page, c in sorted(r.page_cer.items())]
    if pages:
        print("\n| transcribed page | vanban CER | vanban before correction | raw Tesseract CER |")
        print("| --- | ---: | ---: | ---: |")
        for name, page, (fixed, mine, raw) in pages:
            print(f"| {name} p.{page} | {fixed:.2%} | {mine:.2%} | " + (f"{raw:.2%} |" if raw is not None else "— |"))
    timed = [r for r in results if r.raw_seconds and r.kind != "born_digital_pdf"]
    if timed:
        total = sum(r.seconds for r in timed)
        ocr = sum(r.ocr_seconds for r in timed)
        raw = sum(r.raw_seconds or 0 for r in timed)
        n = sum(r.pages for r in timed)
        ratios = [r.seconds / r.raw_seconds for r in timed if r.raw_seconds]
        print(f"\ntime over {n} pages of {len(timed)} files: vanban {total / n:.2f} s/page (OCR stage "
              f"{ocr / n:.2f}), raw Tesseract {raw / n:.2f} s/page: {total / raw:.2f}× ({ocr / raw:.2f}× for the OCR "
              f"stage); per file median {statistics.median(ratios):.2f}×")


if __name__ == "__main__":
    main()
