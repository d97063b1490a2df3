"""`vanban pdf` and `vanban run --pdf`: a generated scan → a searchable PDF/A whose page images are the scan's, whose
text (as pdftotext extracts it) is vanban's corrected reading, the handwritten number included (issue 25)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pikepdf
import pytest
from pikepdf import PdfImage
from PIL import Image
from pipeline.exports.searchable_pdf import (corrected_words, filled_text, hocr, mirrored, PageWords, reading_of,
                                             written)

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "corpus" / "letters" / "058-KH-UBND-nghean.txt"


def scan(path: Path, *extra: str) -> Path:
    """A scan of the Nghệ An plan 58/KH-UBND at 200 dpi, its number and day written by hand in blue ink."""
    subprocess.run([sys.executable, str(ROOT / "corpus" / "scangen.py"), str(LETTER), "-o", str(path), "--dpi",
                    "200", "--handwritten", "blue", "--truth", str(path.with_suffix(".truth")), *extra],
                   check=True, capture_output=True, timeout=120)
    return path


def vanban(*args: str) -> subprocess.CompletedProcess:
    """The CLI in a process of its own (OCRmyPDF's threads must not live on in the test process: a worker forked
    after them by a later test would hang)."""
    done = subprocess.run([str(Path(sys.executable).parent / "vanban"), *args], capture_output=True, text=True,
                          timeout=300)
    done.output = done.stdout + done.stderr  # type: ignore[attr-defined]
    return done


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True,
                          timeout=60).stdout


def words(text: str) -> list[str]:
    return [w.strip(".,;:()“”\"") for w in text.split()]


def images(pdf: pikepdf.Pdf) -> list[list[np.ndarray]]:
    return [[np.asarray(PdfImage(image).as_pil_image().convert("RGB")) for image in page.get_images().values()]
            for page in pdf.pages]


@pytest.fixture(scope="module")
def png(tmp_path_factory) -> Path:
    return scan(tmp_path_factory.mktemp("scan") / "058.png")


def test_a_scan_becomes_a_searchable_pdfa_with_the_corrected_text(png, tmp_path):
    out = tmp_path / "058.pdf"
    result = vanban("pdf", str(png), str(out), "--sidecar", str(tmp_path / "058.txt"))
    assert result.returncode == 0, result.output
    assert "1 page, PDF/A-2b" in result.output
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 1
        [[image]] = images(pdf)  # the scan's own pixels, one image on the page, nothing redrawn
        assert np.array_equal(image, np.asarray(Image.open(png).convert("RGB")))
        with pdf.open_metadata() as xmp:
            assert (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")) == ("2", "B")
    text = pdftotext(out)
    truth = words(png.with_suffix(".truth").read_text(encoding="utf-8"))
    found = set(words(text))
    recall = sum(w in found for w in truth) / len(truth)
    assert recall >= 0.93, recall  # the words of the letter, with their tone marks
    assert "58/KH-UBND" in found  # the number written by hand, with the printed symbol after it
    assert "ngày 24 tháng 01 năm 2025" in " ".join(text.split())  # the day written by hand
    sidecar = (tmp_path / "058.txt").read_text(encoding="utf-8")
    assert "Tuyên truyền Nghị quyết số 57-NQ/TW" in " ".join(sidecar.split())
    # the sidecar and `vanban ocr` give the handwriting as the layer does
    assert "58/KH-UBND" in words(sidecar) and "ngày 24 tháng 01 năm 2025" in " ".join(sidecar.split())
    read = vanban("ocr", str(png))
    assert read.returncode == 0 and " ".join(read.stdout.split()) == " ".join(sidecar.split()), read.output


def test_a_pdf_scan_keeps_its_pages_and_images(tmp_path):
    source = scan(tmp_path / "058.pdf")
    out = tmp_path / "out" / "058.pdf"
    result = vanban("pdf", str(source), str(out))
    assert result.returncode == 0, result.output
    with pikepdf.open(source) as before, pikepdf.open(out) as after:
        assert len(before.pages) == len(after.pages) == 2
        for old, new in zip(images(before), images(after)):
            assert len(old) == len(new) == 1 and np.array_equal(old[0], new[0])
    assert "Bộ Chính trị" in pdftotext(out)


def test_a_born_digital_pdf_keeps_its_text_layer(tmp_path):
    from tests.scans import born_digital_pdf

    source = born_digital_pdf(tmp_path / "born.pdf", [(70, "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"),
                                                    (70, "Số: 77/UBND-KT"), (70, "V/v triển khai Kế hoạch số 58/KH-UBND")],
                              [])
    signed = source.read_bytes()
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:  # the same letter, not signed
        del pdf.Root.AcroForm
        pdf.save(tmp_path / "unsigned.pdf")
    before = pdftotext(source)
    result = vanban("pdf", str(tmp_path / "unsigned.pdf"), str(tmp_path / "out.pdf"))
    assert result.returncode == 0, result.output
    assert " ".join(pdftotext(tmp_path / "out.pdf").split()) == " ".join(before.split())
    assert "Kế hoạch số 58/KH-UBND" in before
    # signed: a new layer would invalidate its signature, so it is copied as it is, and the user is told
    result = vanban("pdf", str(source), str(tmp_path / "signed.pdf"))
    assert result.returncode == 0, result.output
    assert (tmp_path / "signed.pdf").read_bytes() == signed and "copied unchanged" in result.output


def test_run_pdf_mirrors_the_folders_and_writes_sidecars(png, tmp_path):
    folder = tmp_path / "scans" / "2025"
    folder.mkdir(parents=True)
    (folder / "058.png").write_bytes(png.read_bytes())
    (tmp_path / "scans" / "note.txt").write_text("Số: 5/UBND-VP\nV/v họp", encoding="utf-8")
    out = tmp_path / "archive"
    done = vanban("run", str(tmp_path / "scans"), "--out", str(out), "--pdf", "--sidecar")
    assert done.returncode == 0, done.output
    made = sorted(p.relative_to(out / "pdf").as_posix() for p in (out / "pdf").rglob("*") if p.is_file())
    assert made == ["scans/2025/058.pdf", "scans/2025/058.txt"]  # a text file gets no PDF
    assert "58/KH-UBND" in words(pdftotext(out / "pdf" / "scans" / "2025" / "058.pdf"))
    # the archive's texts.jsonl holds the same reading as the sidecar: the handwriting in the blanks included
    sidecar = (out / "pdf" / "scans" / "2025" / "058.txt").read_text(encoding="utf-8")
    texts = {row["source"]: row["text"] for row in map(json.loads, (out / "texts.jsonl").read_text(
        encoding="utf-8").splitlines())}
    scanned = next(text for source, text in texts.items() if source.endswith("058.png"))
    assert " ".join(scanned.split()) == " ".join(sidecar.split())
    assert "58/KH-UBND" in words(scanned) and "ngày 24 tháng 01 năm 2025" in " ".join(scanned.split())


def test_corrected_words_follow_the_restoration_onto_the_boxes():
    text = "Ke hoach so 58/KH-UBND"
    spans = ((0, 2, 1, (0, 0, 10, 10)), (3, 8, 1, (12, 0, 40, 10)), (9, 11, 1, (42, 0, 50, 10)),
             (12, 22, 1, (52, 0, 99, 10)))
    restored = "Kế hoạch số 58/KH-UBND"
    changes = ((0, 2, 0, 2), (3, 8, 3, 8), (9, 11, 9, 11))  # same lengths here; one longer below
    assert [w for _, _, w in corrected_words(text, restored, changes, spans)] == ["Kế", "hoạch", "số", "58/KH-UBND"]
    # a change that lengthens the text shifts what follows; one over two words goes to the first, never twice
    assert [w for _, _, w in corrected_words("a Hanoi x", "a Hà Nội x", ((2, 7, 2, 8),),
                                             ((0, 1, 1, (0,) * 4), (2, 7, 1, (1,) * 4), (8, 9, 1, (2,) * 4)))] == \
        ["a", "Hà Nội", "x"]
    assert [w for _, _, w in corrected_words("ab cd", "abcd", ((0, 5, 0, 4),),
                                             ((0, 2, 1, (0,) * 4), (3, 5, 1, (1,) * 4)))] == ["abcd"]


def test_what_was_written_by_hand_takes_the_place_of_the_ink_ocr_read():
    line = [((10, 10, 40, 30), "Số:"), ((45, 10, 160, 30), "S@8/KH-UBND")]
    written(line, (45, 8, 70, 32), "58", symbol=True)
    assert [w for _, w in line] == ["Số:", "58/KH-UBND"]
    empty: list = []
    written(empty, (45, 8, 70, 32), "24", symbol=False)
    assert empty == [((45, 8, 70, 32), "24")]


def test_the_layer_keeps_the_printed_letters_ocr_ran_into_the_ink():
    """The PDF's layer puts the reading where OCR read the ink (the evidence's span), as `vanban ocr`'s text does:
    `Só:‡#45/GM-UBND` becomes `Só: 745/GM-UBND` (the printed label kept, searchable); evidence without a span
    (an older vanban's) still goes by the blank's box and takes the whole word."""
    text = "UBND Só:‡#45/GM-UBND"
    page = SimpleNamespace(page=1, source="ocr", transform=None, input_size=(400, 100), width=400, height=100)
    loaded = SimpleNamespace(pages=[page], text=text, word_spans=((0, 4, 1, (10, 10, 60, 30)),
                                                                   (5, 20, 1, (70, 10, 260, 30))))
    ink = {"value": "745", "box": [110, 5, 150, 35], "source": "handwriting", "span": [8, 12]}
    words = [w for line in reading_of(loaded, None, (), {"number": ink}).pages[1].lines for _, w in line]
    assert words == ["UBND", "Só: 745/GM-UBND"]
    old = {key: value for key, value in ink.items() if key != "span"}
    words = [w for line in reading_of(loaded, None, (), {"number": old}).pages[1].lines for _, w in line]
    assert words == ["UBND", "745/GM-UBND"]


def test_the_text_has_what_was_written_by_hand_where_it_was_written():
    """`vanban ocr`'s text and the sidecar carry the blanks' handwriting as the layer does; a reading from print,
    or none, leaves the text as it was."""
    text = "Số: /QĐ-UBND Quảng Ngãi, ngày tháng 01 năm 2025"
    boxes = [(10, 10, 40, 30), (90, 10, 200, 30), (300, 10, 380, 30), (385, 10, 420, 30), (425, 10, 470, 30),
             (520, 10, 580, 30), (585, 10, 610, 30), (615, 10, 650, 30), (655, 10, 710, 30)]
    spans, at = [], 0
    for word, box in zip(text.split(" "), boxes):
        spans.append((at, at + len(word), 1, box))
        at += len(word) + 1
    number = {"value": "47", "box": [45, 5, 85, 35], "source": "handwriting", "page": 1}
    day = {"value": "24", "box": [475, 5, 515, 35], "source": "handwriting"}
    assert filled_text(text, None, (), tuple(spans), {"number": number, "day": day}) == \
        "Số: 47/QĐ-UBND Quảng Ngãi, ngày 24 tháng 01 năm 2025"
    # OCR made a word of the ink: the reading takes its place, the printed symbol kept
    garbled = "Số: S@8/KH-UBND"
    spans2 = ((0, 3, 1, (10, 10, 40, 30)), (4, 15, 1, (45, 10, 160, 30)))
    blank = {"value": "58", "box": [45, 8, 70, 32], "source": "handwriting"}
    assert filled_text(garbled, None, (), spans2, {"number": blank}) == "Số: 58/KH-UBND"
    # on the restored text, through the restoration's changes
    assert filled_text("So: S@8/KH-UBND", "Số: S@8/KH-UBND", ((0, 2, 0, 2),), spans2, {"number": blank}) == \
        "Số: 58/KH-UBND"
    # where OCR read the ink (the evidence's span): the printed words kept though OCR ran them into it
    run_together = "Số:‡#45/GM-UBND Kiên Giang, ngày.#4 tháng 12"
    found = {"number": {"value": "745", "box": [0, 0, 1, 1], "source": "handwriting", "span": [3, 7]},
             "day": {"value": "22", "box": [0, 0, 1, 1], "source": "handwriting", "span": [32, 35]}}
    assert filled_text(run_together, None, (), (), found) == "Số: 745/GM-UBND Kiên Giang, ngày 22 tháng 12"
    # look-alikes that must not change: a number read from print, a blank with no reading
    assert filled_text(text, None, (), tuple(spans), {"number": {**number, "source": "print"}}) == text
    assert filled_text(text, None, (), tuple(spans), {"day": {**day, "value": None}}) == text


def test_hocr_scales_the_boxes_to_the_image_ocrmypdf_rendered():
    page = PageWords((100, 200), ((((10, 20, 30, 40), "Kế"), ((35, 20, 60, 40), "<hoạch>")),))
    text = hocr(page, 200, 400)
    assert "title='bbox 20 40 60 80'" in text and "&lt;hoạch&gt;" in text and "bbox 0 0 200 400" in text


def test_mirrored_paths(tmp_path):
    (tmp_path / "scans" / "a").mkdir(parents=True)
    given = [str(tmp_path / "scans")]
    assert mirrored(str(tmp_path / "scans" / "a" / "x.jpg"), given, tmp_path / "pdf") == \
        tmp_path / "pdf" / "scans" / "a" / "x.pdf"
    assert mirrored(str(tmp_path / "y.png"), given, tmp_path / "pdf", ".txt") == tmp_path / "pdf" / "y.txt"


def test_an_image_that_does_not_say_its_resolution_gets_an_a4_pages(png, tmp_path):
    """A JPEG saved by a phone or a web page carries no DPI, and OCRmyPDF will not guess: vanban estimates an A4
    page's (the long side over 11.69 inches) instead of failing."""
    from pipeline.exports.searchable_pdf import _estimated_dpi

    bare = tmp_path / "058.jpg"
    image = Image.open(png).convert("RGB")
    image.save(bare, quality=92)  # no dpi in its header
    assert "dpi" not in Image.open(bare).info or Image.open(bare).info["dpi"][0] < 50
    assert _estimated_dpi(bare) == round(max(image.size) / 11.69)
    assert _estimated_dpi(png) is None  # the generator's PNG says 200 dpi
    out = tmp_path / "058.pdf"
    result = vanban("pdf", str(bare), str(out))
    assert result.returncode == 0, result.output
    assert "58/KH-UBND" in set(words(pdftotext(out)))
    with pikepdf.open(out) as pdf:
        width = float(pdf.pages[0].mediabox[2]) / 72  # inches
    assert abs(width - image.size[0] / _estimated_dpi(bare)) < 0.05


def test_redo_ocr_replaces_an_old_generic_text_layer(tmp_path):
    """An archive's PDF made searchable earlier by a generic OCR (Tesseract `eng`: `UY BAN NHAN DAN`): `--redo-ocr`
    takes that invisible layer out and puts vanban's reading in its place — the words once, with their marks —
    the page images untouched. With Debian 12's Ghostscript, OCRmyPDF refuses to do it, so vanban takes the old
    layer out itself (pipeline/exports/invisible_text.py)."""
    source = scan(tmp_path / "058.pdf")
    old = tmp_path / "old.pdf"
    done = subprocess.run([sys.executable, "-c", "import sys, ocrmypdf; ocrmypdf.ocr(sys.argv[1], sys.argv[2], "
                           "language=['eng'], output_type='pdf', progress_bar=False)", str(source), str(old)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "NHAN DAN" in pdftotext(old)
    result = vanban("pdf", str(old), str(tmp_path / "new.pdf"), "--redo-ocr")
    assert result.returncode == 0, result.output
    text = pdftotext(tmp_path / "new.pdf")
    assert "ỦY BAN NHÂN DÂN" in text and "NHAN DAN" not in text
    assert text.count("KẾ HOẠCH") == 1  # the title once: the old layer is not left under the new one
    with pikepdf.open(old) as before, pikepdf.open(tmp_path / "new.pdf") as after:
        for a, b in zip(images(before), images(after)):
            assert len(a) == len(b) == 1 and np.array_equal(a[0], b[0])


def test_taking_out_invisible_text_leaves_visible_text(tmp_path):
    from pipeline.exports.invisible_text import strip_invisible_text
    from tests.scans import born_digital_pdf

    source = born_digital_pdf(tmp_path / "born.pdf", [(70, "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"), (70, "Số: 77/UBND-KT")],
                              [])
    pages, visible = strip_invisible_text(source, tmp_path / "bare.pdf")
    assert (pages, visible) == (1, {1})
    assert " ".join(pdftotext(tmp_path / "bare.pdf").split()) == " ".join(pdftotext(source).split())


def test_a_broken_pdf_is_one_clear_line(tmp_path):
    bad = tmp_path / "hỏng.pdf"
    bad.write_bytes(b"%PDF-1.4\ngarbage\n")
    for extra in ((), ("--redo-ocr",)):
        result = vanban("pdf", str(bad), str(tmp_path / "out.pdf"), *extra)
        assert result.returncode == 1 and not (tmp_path / "out.pdf").exists()
        assert result.stderr.strip().splitlines() == [f"error: {bad}: not a PDF that can be read (unable to find "
                                                      "trailer dictionary while recovering damaged file)"]


def test_redo_ocr_on_an_image_reads_it_as_any_scan(png, tmp_path):
    """An image has no text layer to replace: `--redo-ocr` makes its PDF/A as without it (OCRmyPDF would refuse
    the option with this Ghostscript)."""
    result = vanban("pdf", str(png), str(tmp_path / "058.pdf"), "--redo-ocr")
    assert result.returncode == 0 and "1 page, PDF/A-2b" in result.output, result.output


def test_ocrmypdf_gets_a_blank_raster_only_where_the_page_stays_as_it_is(tmp_path):
    """The plugin gives OCRmyPDF a blank page image of Ghostscript's size where the raster is only read by the OCR
    engine (vanban reads the file itself); where the raster becomes the page (--force-ocr, --deskew), Ghostscript
    renders it."""
    from argparse import Namespace

    from ocrmypdf.helpers import Resolution
    from pipeline.exports import ocrmypdf_plugin as plugin

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(600, 842))
    pdf.pages[0].obj["/Rotate"] = 90
    pdf.save(tmp_path / "in.pdf")
    args = dict(input_file=tmp_path / "in.pdf", output_file=tmp_path / "page.png", raster_device="png16m",
                raster_dpi=Resolution(200, 200), pageno=1, page_dpi=None, rotation=0, filter_vector=False,
                stop_on_soft_error=False)
    plugin.check_options(Namespace(lossless_reconstruction=True))
    assert plugin.rasterize_pdf_page(**args) == tmp_path / "page.png"
    with Image.open(tmp_path / "page.png") as image:
        assert image.size == (2339, 1667) and round(image.info["dpi"][0]) == 200  # turned by the page's /Rotate
        assert image.getextrema() == (255, 255)
    plugin.check_options(Namespace(lossless_reconstruction=False))
    assert plugin.rasterize_pdf_page(**args) is None  # Ghostscript's turn


def test_force_ocr_pages_are_the_rendered_scan(tmp_path):
    source = scan(tmp_path / "058.pdf")
    out = tmp_path / "forced.pdf"
    result = vanban("pdf", "--force-ocr", str(source), str(out))
    assert result.returncode == 0, result.output
    with pikepdf.open(out) as pdf:
        first = images(pdf)[0]
    assert len(first) == 1 and first[0].mean() < 250  # the page as Ghostscript rendered it, not a blank raster
    assert "58/KH-UBND" in words(pdftotext(out))
