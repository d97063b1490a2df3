"""A searchable PDF/A of a scan whose invisible text is vanban's corrected reading (`vanban pdf IN OUT`, `vanban run
--pdf`), made by OCRmyPDF with vanban as its OCR engine.

OCRmyPDF does what the archive team knows it for: the page images untouched (an image file is wrapped by img2pdf, a
PDF's own images are kept), a text-only layer rendered from hOCR and grafted on each page, PDF/A-2b by Ghostscript,
a born-digital page's text kept (`--redo-ocr` replaces a bad layer, `--force-ocr` rasterises every page). This
module drives it with vanban as its OCR engine (`ocrmypdf_plugin`, which `ocrmypdf --plugin
pipeline.exports.ocrmypdf_plugin in.pdf out.pdf` uses too): vanban reads the whole file once (OCR, restoration of the Vietnamese, the handwritten number), and each page's hOCR
puts the restored text on Tesseract's word boxes, scaled to the page image OCRmyPDF rendered:

    Tesseract read   `Ke hoach so 58/KH-UBND`  on boxes  [120,80,160,100] [170,80,230,100] …
    vanban restored  `Kế hoạch số 58/KH-UBND`  → the hOCR words `Kế` `hoạch` `số` `58/KH-UBND` on the same boxes
"""

from __future__ import annotations

import threading
import time
from argparse import Namespace
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Any

from ..handwritten import filled_text, in_place, ink_span, restored_offset as _to_new

PLUGIN = "pipeline.exports.ocrmypdf_plugin"
# a run's readings, per (input file, OCR forced): OCRmyPDF asks for pages one by one, vanban reads the file once
_READINGS: dict[tuple[str, bool], "Reading"] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class PageWords:
    """One page's words as vanban corrected them: (x0, y0, x1, y1) in the pixels of the page as loaded (`size`),
    grouped in lines."""

    size: tuple[int, int]
    lines: tuple[tuple[tuple[tuple[int, int, int, int], str], ...], ...]


@dataclass(frozen=True)
class Reading:
    pages: dict[int, PageWords]
    text: str  # the corrected text of the file, pages separated by form feeds


def corrected_words(text: str, restored: str | None, changes: tuple[tuple[int, int, int, int], ...],
                    spans: tuple[tuple[int, int, int, tuple[int, int, int, int]], ...]
                    ) -> list[tuple[int, tuple[int, int, int, int], str]]:
    """(page, box, corrected word) for every word OCR placed: the restored text between the mapped ends of each
    word's span; a change over several words goes to the first of them (never twice)."""
    base = restored if restored is not None else text
    return [(page, box, " ".join(base[start:end].split())) for page, box, start, end in
            _corrected_spans(text, restored, changes, spans)]


def _corrected_spans(text: str, restored: str | None, changes: tuple[tuple[int, int, int, int], ...],
                     spans: tuple[tuple[int, int, int, tuple[int, int, int, int]], ...]
                     ) -> list[tuple[int, tuple[int, int, int, int], int, int]]:
    """(page, box, start, end) of every word OCR placed, as offsets of the corrected text (`corrected_words`)."""
    if restored is None:
        return [(page, box, a, b) for a, b, page, box in spans]
    out, reached = [], 0
    for a, b, page, box in spans:
        start = max(_to_new(changes, a, True), reached)
        end = max(_to_new(changes, b, False), start)
        reached = end
        while start < end and restored[start].isspace():
            start += 1
        while end > start and restored[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((page, box, start, end))
    return out


def _ink_in_word(base: str, placed: list[tuple[int, tuple[int, int, int, int], int, int]],
                 span: tuple[int, int], value: str) -> tuple[int, str] | None:
    """Where OCR read the pen's ink inside a word (`span`, an offset range of the corrected text): that word's index
    among `placed` and its text with the reading in place of the ink, the printed letters OCR ran into it kept
    (`Só:‡#45/GM-UBND` → `Só: 745/GM-UBND`, not `745/GM-UBND`); None when the ink is no part of a word (OCR read
    nothing there)."""
    start, end = span
    if end <= start:
        return None
    for k, (_page, _box, a, b) in enumerate(placed):
        if a <= start and end <= b:
            return k, base[a:start] + in_place(base, start, end, value) + base[end:b]
    return None


def read_file(path: Path, force_ocr: bool = False) -> Reading:
    """vanban's reading of a scan: words on their boxes (mapped back to each page as loaded), with the restored
    text and the handwritten number read in the header's blank."""
    from ..process import analyse, load

    loaded = load(path, force_ocr=force_ocr)
    analysis = analyse(loaded)
    return reading_of(loaded, analysis.restored, analysis.restored_map, analysis.blanks)


def reading_of(loaded: Any, restored: str | None, changes: tuple[tuple[int, int, int, int], ...],
               blanks: dict[str, Any]) -> Reading:
    """The reading of a file vanban has read already (a run's record: `loaded`, its restored text and changes,
    the handwriting in its blanks)."""
    from ocr.preprocess import map_box

    pages = {p.page: p for p in loaded.pages}
    base = restored if restored is not None else loaded.text
    placed = _corrected_spans(loaded.text, restored, changes, loaded.word_spans)
    words_of = [" ".join(base[a:b].split()) for _page, _box, a, b in placed]
    late: list[tuple[str, dict[str, Any]]] = []
    for field, evidence in (blanks or {}).items():
        if not (evidence.get("value") and evidence.get("box") and evidence.get("source") == "handwriting"):
            continue
        inside = None
        if evidence.get("span"):  # where OCR read the ink: the reading takes its place within the word
            inside = _ink_in_word(base, placed, ink_span(evidence, restored, changes), str(evidence["value"]))
        if inside is not None:
            words_of[inside[0]] = inside[1]
        else:
            late.append((field, evidence))
    by_page: dict[int, list[tuple[tuple[int, int, int, int], str]]] = {}
    for (page, box, _a, _b), word in zip(placed, words_of):
        by_page.setdefault(page, []).append((box, word))
    first = next((p.page for p in loaded.pages if p.source != "text-layer"), 1)
    for field, evidence in late:  # no span, or OCR read nothing there: by the blank's box
        words = by_page.setdefault(int(evidence.get("page") or first), [])
        written(words, tuple(int(v) for v in evidence["box"]), str(evidence["value"]), field == "number")
    out = {}
    for number_, page in pages.items():
        if page.source == "text-layer":
            continue
        words = [(map_box(page.transform, tuple(float(v) for v in box), inverse=True) if page.transform else box,
                  word) for box, word in by_page.get(number_, [])]
        size = tuple(page.input_size) if page.input_size else (page.width, page.height)
        out[number_] = PageWords((int(size[0]), int(size[1])), _lines(words))
    return Reading(out, filled_text(loaded.text, restored, changes, loaded.word_spans, blanks))


def written(words: list[tuple[tuple[int, int, int, int], str]], box: tuple[int, int, int, int], value: str,
            symbol: bool) -> None:
    """What was written by hand in a blank, in place of what OCR made of the ink there: the first word over the
    blank takes the reading (`S@8/KH-UBND` → `58/KH-UBND`, a number keeping the printed symbol after it; `2t` →
    `24`); with no word there, the reading is a word of its own on the blank."""
    for k, (word_box, word) in enumerate(words):
        overlap = min(word_box[2], box[2]) - max(word_box[0], box[0])
        vertical = min(word_box[3], box[3]) - max(word_box[1], box[1])
        if overlap > 0.5 * (box[2] - box[0]) and vertical > 0:
            rest = word[word.index("/"):] if symbol and "/" in word else ""
            words[k] = (word_box, value + rest)
            return
    words.append((box, value))


def _lines(words: list[tuple[Any, str]]) -> tuple[tuple[tuple[tuple[int, int, int, int], str], ...], ...]:
    """Words in reading order grouped into lines: a word starts a new line when it does not overlap the line's
    height or lies left of the previous word."""
    lines: list[list[tuple[tuple[int, int, int, int], str]]] = []
    for box, word in words:
        box = tuple(int(round(v)) for v in box)
        if lines:
            last = lines[-1][-1][0]
            overlap = min(last[3], box[3]) - max(last[1], box[1])
            if overlap > 0.4 * min(last[3] - last[1], box[3] - box[1]) and box[0] >= last[0]:
                lines[-1].append((box, word))
                continue
        lines.append([(box, word)])
    return tuple(tuple(line) for line in lines)


def hocr(page: PageWords | None, width: int, height: int) -> str:
    """The hOCR OCRmyPDF renders for a page image of width × height pixels (vanban's boxes scaled to it)."""
    sx, sy = (width / page.size[0], height / page.size[1]) if page and page.size[0] and page.size[1] else (1, 1)

    def bbox(box: tuple[int, int, int, int]) -> str:
        x0, y0, x1, y1 = (int(round(v)) for v in (box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy))
        x0, x1 = sorted((max(0, min(width, x0)), max(0, min(width, x1))))
        y0, y1 = sorted((max(0, min(height, y0)), max(0, min(height, y1))))
        return f"bbox {x0} {y0} {max(x1, x0 + 1)} {max(y1, y0 + 1)}"

    body = []
    for k, line in enumerate(page.lines if page else ()):
        x0, y0 = min(b[0] for b, _ in line), min(b[1] for b, _ in line)
        x1, y1 = max(b[2] for b, _ in line), max(b[3] for b, _ in line)
        words = "".join(f"<span class='ocrx_word' id='word_{k}_{j}' title='{bbox(b)}'>{escape(w)}</span> "
                        for j, (b, w) in enumerate(line))
        body.append(f"<span class='ocr_line' id='line_{k}' title='{bbox((x0, y0, x1, y1))}; baseline 0 0'>"
                    f"{words}</span>\n")
    return ("<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0 Transitional//EN' "
            "'http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd'>\n"
            "<html xmlns='http://www.w3.org/1999/xhtml' xml:lang='vi' lang='vi'><head><title></title>"
            "<meta http-equiv='Content-Type' content='text/html;charset=utf-8'/>"
            "<meta name='ocr-system' content='vanban'/></head><body>\n"
            f"<div class='ocr_page' id='page_1' title='bbox 0 0 {width} {height}'>\n"
            f"<div class='ocr_carea' id='block_1' title='bbox 0 0 {width} {height}'><p class='ocr_par' id='par_1'>\n"
            + "".join(body) + "</p></div></div>\n</body></html>\n")


def reading_for(options: Namespace) -> Reading:
    """The reading of the file OCRmyPDF was given, made once per run (pages come from worker threads)."""
    force = bool(getattr(options, "force_ocr", False) or getattr(options, "redo_ocr", False))
    key = (str(Path(str(options.input_file)).resolve()), force)
    with _LOCK:
        if key not in _READINGS:
            _READINGS[key] = read_file(Path(key[0]), force_ocr=force)
        return _READINGS[key]


@dataclass(frozen=True)
class PdfResult:
    output: Path
    pages: int
    seconds: float
    text: str  # the corrected text (for --sidecar)
    pdfa: bool  # PDF/A-2b (False only where Ghostscript cannot be trusted with the file's own text)
    note: str = ""


def _prefetch(source: Path, force_ocr: bool, redo_ocr: bool) -> None:
    """The reading made ahead of OCRmyPDF's first page; a failure here is left for the plugin to meet and report."""
    try:
        reading_for(Namespace(input_file=source, force_ocr=force_ocr, redo_ocr=redo_ocr))
    except Exception:  # noqa: BLE001
        pass


def start_reading(source: Path, force_ocr: bool = False, redo_ocr: bool = False) -> threading.Thread:
    """vanban's reading of `source` begun on a thread (for `make_pdf`'s `prefetch`), so that it goes on while
    OCRmyPDF is imported, checks its tools and prepares the pages."""
    from ..process import load_models_meanwhile

    load_models_meanwhile(source)
    thread = threading.Thread(target=_prefetch, args=(source, force_ocr, redo_ocr), daemon=True)
    thread.start()
    return thread


def _ocrmypdf(*args: Any, **options: Any) -> Any:
    """ocrmypdf.ocr with sys.stderr set aside: its last check (pikepdf's check_linearization) closes the
    sys.stderr it finds, which would cost the caller its error stream."""
    import contextlib
    import io

    import ocrmypdf

    with contextlib.redirect_stderr(io.StringIO()):
        return ocrmypdf.ocr(*args, **options)


def _pages_with_text(source: Path) -> tuple[int, set[int]]:
    """(pages, the 1-based numbers of those with a text layer) of a PDF; (0, ∅) for an image file."""
    if source.suffix.lower() != ".pdf":
        return 0, set()
    import pypdfium2 as pdfium

    from ocr.load import PDFIUM

    with PDFIUM:
        document = pdfium.PdfDocument(str(source))
        try:
            found = {k + 1 for k in range(len(document)) if document[k].get_textpage().get_text_range().strip()}
            return len(document), found
        finally:
            document.close()


def _ghostscript_keeps_text() -> bool:
    """Ghostscript 10.0.0–10.02.0 (Debian 12's) corrupts a PDF's existing text (OCRmyPDF refuses it then)."""
    from ocrmypdf._exec import ghostscript
    from packaging.version import Version

    return not (Version("10.0.0") <= ghostscript.version() < Version("10.02.1"))


def _estimated_dpi(source: Path) -> int | None:
    """The resolution of an image that does not say it (a phone's or a web page's JPEG), estimated as an A4 page's:
    its long side over 11.69 inches, between 72 and 600 (OCRmyPDF will not guess it); None for a PDF or an image
    that says it."""
    if source.suffix.lower() == ".pdf":
        return None
    from PIL import Image

    try:
        with Image.open(source) as image:
            said = image.info.get("dpi")
            if said and min(float(said[0]), float(said[1])) >= 50:
                return None
            return int(min(600, max(72, round(max(image.size) / 11.69))))
    except (OSError, ValueError):
        return None  # not an image Pillow reads: OCRmyPDF says what it is


def make_pdf(source: Path, output: Path, *, redo_ocr: bool = False, force_ocr: bool = False,
             sidecar: Path | None = None, jobs: int | None = None, reading: Reading | None = None,
             prefetch: threading.Thread | None = None) -> PdfResult:
    """`source` (a scan: PDF, PNG, JPEG, TIFF) → `output`, a PDF/A-2b with vanban's reading as its text layer.

    A page with a text layer keeps it (only the others are read; a PDF whose every page has text is copied as it
    is, and so is a digitally signed one, which a new layer would invalidate) unless `redo_ocr` (the invisible
    text replaced, the page kept; with a Ghostscript older than 10.02.1, which OCRmyPDF refuses it with, vanban takes
    the old layer out itself) or `force_ocr` (every page
    rasterised and read). Where Ghostscript cannot be trusted with a PDF's own text, a file that keeps some is
    written as a plain PDF, and the result says so. `reading`: vanban's reading of the file when a run has made it
    already (not read again); `prefetch`: the reading begun by `start_reading` (without `redo_ocr`)."""
    started = time.perf_counter()
    redo_ocr = redo_ocr and source.suffix.lower() == ".pdf"  # an image has no text layer to replace
    if prefetch is None and reading is None and not redo_ocr:  # begun before OCRmyPDF's imports and checks
        prefetch = start_reading(source, force_ocr)
    import logging
    import os
    import shutil

    import pikepdf
    from ocrmypdf.exceptions import DigitalSignatureError, MissingDependencyError

    if redo_ocr and not force_ocr and not _ghostscript_keeps_text():
        return _redo_without_ghostscript(source, output, sidecar=sidecar, jobs=jobs, reading=reading,
                                         started=started)
    jobs = jobs or min(4, os.cpu_count() or 1)  # the other pages rasterised while vanban reads the file
    output.parent.mkdir(parents=True, exist_ok=True)
    for name in ("ocrmypdf", "pdfminer", "PIL", "pikepdf"):  # OCRmyPDF's own progress and notes: not for a run
        logging.getLogger(name).setLevel(logging.CRITICAL)
    options: dict[str, Any] = dict(
        language=["vie"], pdf_renderer="hocr", plugins=[PLUGIN], progress_bar=False, jobs=jobs, use_threads=True,
        optimize=0, rotate_pages=False, deskew=False, clean=False,
        pdfa_image_compression="lossless", output_type="pdfa-2")  # Ghostscript passes JPEGs through, deflates the rest
    dpi = _estimated_dpi(source)
    if dpi is not None:
        options["image_dpi"] = dpi
    force = force_ocr or redo_ocr
    key = (str(source.resolve()), force)
    if reading is not None:
        with _LOCK:
            _READINGS[key] = reading
    pdfa, note, copy = True, "", False
    count, text_pages = (0, set()) if force else _pages_with_text(source)
    if force_ocr:
        options["force_ocr"] = True
    elif redo_ocr:
        options["redo_ocr"] = True
    elif text_pages and len(text_pages) == count:
        copy, note = True, "every page has its text layer already: copied unchanged"
    elif text_pages:
        options["pages"] = ",".join(str(k) for k in range(1, count + 1) if k not in text_pages)
        if not _ghostscript_keeps_text():
            options["output_type"] = "pdf"
            note = "a plain PDF, not PDF/A: this Ghostscript corrupts the text layer the file's other pages keep"
    if not copy:
        if reading is None and prefetch is None:  # vanban reads the file while OCRmyPDF prepares its pages
            prefetch = start_reading(source, force_ocr, redo_ocr)
        try:
            code = _ocrmypdf(source, output, **options)
            if int(code) != 0:
                raise RuntimeError(f"{source}: OCRmyPDF ended with {code!r}")
        except DigitalSignatureError:
            copy, note = True, "digitally signed: copied unchanged (a new layer would invalidate the signature)"
        except MissingDependencyError as exc:
            raise RuntimeError(" ".join(str(exc).split()[:24]) + " …") from None
        finally:
            if prefetch is not None:
                prefetch.join()
    elif prefetch is not None:
        prefetch.join()
    if copy:
        shutil.copyfile(source, output)
        pdfa = False
    with _LOCK:
        reading = _READINGS.pop(key, None)
    text = reading.text if reading is not None else read_file(source, force_ocr=force).text
    if sidecar is not None:
        sidecar.parent.mkdir(parents=True, exist_ok=True)
        sidecar.write_text(text.replace("\f", "\n\f\n") + "\n", encoding="utf-8")
    with pikepdf.open(output) as pdf:
        pages = len(pdf.pages)
    return PdfResult(output, pages, round(time.perf_counter() - started, 3), text, pdfa and options["output_type"]
                     == "pdfa-2", note)

def _redo_without_ghostscript(source: Path, output: Path, *, sidecar: Path | None, jobs: int | None,
                              reading: Reading | None, started: float) -> PdfResult:
    """`--redo-ocr` where OCRmyPDF refuses it (this Ghostscript corrupts a PDF's own text): the old invisible layer
    taken out first (`invisible_text`), then the bare pages made as any scan's. A digitally signed PDF is copied
    unchanged, as without `--redo-ocr`."""
    import shutil
    import tempfile
    import time

    from .invisible_text import strip_invisible_text

    with tempfile.TemporaryDirectory(prefix="vanban-redo-") as folder:
        bare = Path(folder) / source.name
        strip_invisible_text(source, bare)
        made = make_pdf(bare, output, sidecar=sidecar, jobs=jobs, reading=reading)
    if made.note.startswith("digitally signed"):
        shutil.copyfile(source, output)  # the signer's file, not the copy without its layer
    return replace(made, seconds=round(time.perf_counter() - started, 3))


def mirrored(source: str, given: list[str], root: Path, suffix: str = ".pdf") -> Path:
    """Where a run puts the PDF (or sidecar text) of `source`: under `root`, mirroring the folder given on the
    command line (`scans/2025/a.jpg` of the folder `scans` → `root/scans/2025/a.pdf`); a file given by itself
    goes to `root/<its name>`."""
    path = Path(source).absolute()
    for folder in given:
        base = Path(folder).absolute()
        if base.is_dir() and path.is_relative_to(base):
            return (root / base.name / path.relative_to(base)).with_suffix(suffix)
    return (root / path.name).with_suffix(suffix)


def record_pdf(reading: Reading | None, source: str, given: list[str], out: Path, *,
               sidecar: bool = False) -> PdfResult | None:
    """A run's searchable PDF of one scan into `out/pdf/`, from the run's own reading (None: a born-digital PDF,
    or a file the run did not read again, which is read now unless its PDF is there)."""
    target = mirrored(source, given, out / "pdf")
    if reading is None and target.exists():
        return None
    return make_pdf(Path(source), target, reading=reading,
                    sidecar=target.with_suffix(".txt") if sidecar else None)


@dataclass
class RunPdfs:
    """`vanban run --pdf`: the run's readings of its scans kept as it finishes each file (a Reading is the words'
    boxes and text, not the images), the PDFs made once the run is over (OCRmyPDF's threads in the parent process
    would make a worker forked after them hang); what could not be made is a note, never the run's failure."""

    given: list[str]
    out: Path
    sidecar: bool = False

    def __post_init__(self) -> None:
        self.todo: list[tuple[str, Reading | None]] = []

    def __call__(self, record: Any, source: str) -> None:
        from ..process import SCAN_SUFFIXES

        if Path(source).suffix.lower() not in SCAN_SUFFIXES or (record is not None and record.status != "ok"):
            return  # a text file, or a file that could not be read
        reading = None
        if record is not None and record.loaded is not None and record.loaded.kind == "scan":
            reading = reading_of(record.loaded, record.restored, record.restored_map, record.loaded.blanks)
        self.todo.append((source, reading))

    def finish(self) -> list[str]:
        """Make the PDFs; the notes to show (a PDF that is not PDF/A, one that could not be made)."""
        notes = []
        for source, reading in self.todo:
            try:
                made = record_pdf(reading, source, self.given, self.out, sidecar=self.sidecar)
            except Exception as exc:  # noqa: BLE001 - a PDF that cannot be made costs only itself
                notes.append(f"{source}: no PDF ({' '.join(str(exc).split())[:160]})")
                continue
            if made is not None and made.note:
                notes.append(f"{made.output}: {made.note}")
        self.todo.clear()
        return notes


def pdf_cli(source: Path, output: Path, redo_ocr: bool, force_ocr: bool, sidecar: Path | None) -> PdfResult:
    """`vanban pdf`: the PDF made and one line about it (a warning line first where it is not PDF/A)."""
    import sys

    from ..process import VanbanError

    if not source.is_file():
        raise VanbanError("read", f"{source}: no such file")
    if source.suffix.lower() == ".pdf":
        import pikepdf

        try:
            pikepdf.open(source).close()
        except pikepdf.PdfError as exc:
            why = " ".join(str(exc).split()).removeprefix(f"{source}: ")[:120]
            raise VanbanError("read", f"{source}: not a PDF that can be read ({why})") from None
    made = make_pdf(source, output, redo_ocr=redo_ocr, force_ocr=force_ocr, sidecar=sidecar)  # (reads it at once)
    if made.note:
        sys.stderr.write(f"warning: {made.note}\n")
    sys.stdout.write(f"{made.output}: {made.pages} page{'s' if made.pages != 1 else ''}, "
                     f"{'PDF/A-2b' if made.pdfa else 'PDF'}, in {made.seconds:.1f} s\n")
    return made
