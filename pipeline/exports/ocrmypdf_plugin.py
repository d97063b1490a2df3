"""vanban as OCRmyPDF's OCR engine: each page's hOCR is vanban's corrected reading on Tesseract's word boxes
(`searchable_pdf` reads the file once and scales the boxes to the page image OCRmyPDF rendered). `vanban pdf` uses
it; so can OCRmyPDF itself: `ocrmypdf --plugin pipeline.exports.ocrmypdf_plugin --pdf-renderer hocr -l vie in out`.
"""

from __future__ import annotations

import re
from argparse import Namespace
from pathlib import Path
from typing import Any

from ocrmypdf import OcrEngine, OrientationConfidence, hookimpl

from .searchable_pdf import hocr, reading_for

_PAGE_PREFIX = re.compile(r"^(\d{6})_")  # OCRmyPDF names each page's files `000003_ocr.png`


class VanbanEngine(OcrEngine):
    """OCRmyPDF's OCR engine interface over vanban's reading."""

    @staticmethod
    def version() -> str:
        from importlib.metadata import version

        return version("vanban")

    @staticmethod
    def creator_tag(options: Namespace) -> str:
        return f"vanban {VanbanEngine.version()}"

    def __str__(self) -> str:
        return f"vanban {self.version()}"

    @staticmethod
    def languages(options: Namespace) -> set[str]:
        return {"vie", "eng"}

    @staticmethod
    def get_orientation(input_file: Path, options: Namespace) -> OrientationConfidence:
        return OrientationConfidence(angle=0, confidence=0.0)  # vanban turns pages itself

    @staticmethod
    def get_deskew(input_file: Path, options: Namespace) -> float:
        return 0.0

    @staticmethod
    def generate_hocr(input_file: Path, output_hocr: Path, output_text: Path, options: Namespace) -> None:
        from PIL import Image

        found = _PAGE_PREFIX.match(Path(input_file).name)
        number = int(found.group(1)) if found else 1
        page = reading_for(options).pages.get(number)
        with Image.open(input_file) as image:
            width, height = image.size
        Path(output_hocr).write_text(hocr(page, width, height), encoding="utf-8")
        words = "\n".join(" ".join(w for _, w in line) for line in (page.lines if page else ()))
        Path(output_text).write_text(words + "\n", encoding="utf-8")

    @staticmethod
    def generate_pdf(input_file: Path, output_pdf: Path, output_text: Path, options: Namespace) -> None:
        raise NotImplementedError("vanban gives hOCR: use --pdf-renderer hocr")


@hookimpl
def get_ocr_engine() -> OcrEngine:
    return VanbanEngine()


# Whether OCRmyPDF's page rasters become the visible pages of this run (--force-ocr, --deskew, …: its "lossless
# reconstruction" is off); set by `check_options`, at the start of every run.
_RASTERS_SHOWN = {"shown": True}


@hookimpl
def check_options(options: Namespace) -> None:
    _RASTERS_SHOWN["shown"] = not getattr(options, "lossless_reconstruction", False)


@hookimpl
def rasterize_pdf_page(input_file: Path, output_file: Path, raster_device: str, raster_dpi: Any, pageno: int,
                       page_dpi: Any, rotation: int | None, filter_vector: bool, stop_on_soft_error: bool
                       ) -> Path | None:
    """A blank page image of the size Ghostscript would render, where the raster is only the OCR engine's input:
    vanban reads the file itself, so its engine takes from the image its size alone (to scale the words' boxes),
    and Ghostscript's rendering of the page (0.3–0.5 s a page, beside vanban's own reading) would be thrown away.
    Where the raster becomes the visible page (lossless reconstruction off), None: Ghostscript renders it."""
    if _RASTERS_SHOWN["shown"]:
        return None
    import pikepdf
    from PIL import Image

    with pikepdf.open(input_file) as pdf:
        page = pdf.pages[pageno - 1]
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        turned = int(page.obj.get("/Rotate", 0)) % 180 == 90
    width, height = abs(x1 - x0), abs(y1 - y0)
    if turned:
        width, height = height, width
    size = (max(1, round(width * float(raster_dpi.x) / 72)), max(1, round(height * float(raster_dpi.y) / 72)))
    dpi = page_dpi or raster_dpi
    if rotation is not None and rotation % 180 == 90:
        size, dpi = (size[1], size[0]), dpi.flip_axis()
    Image.new("L", size, 255).save(output_file, format="PNG", dpi=(float(dpi.x), float(dpi.y)))
    return Path(output_file)
