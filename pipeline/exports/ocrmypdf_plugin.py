"""vanban as OCRmyPDF's OCR engine: each page's hOCR is vanban's corrected reading on Tesseract's word boxes
(`searchable_pdf` reads the file once and scales the boxes to the page image OCRmyPDF rendered). `vanban pdf` uses
it; so can OCRmyPDF itself: `ocrmypdf --plugin pipeline.exports.ocrmypdf_plugin --pdf-renderer hocr -l vie in out`.
"""

from __future__ import annotations

import re
from argparse import Namespace
from pathlib import Path

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
