"""Images and PDFs → pages of words with boxes and confidences. Knows nothing about Vietnamese grammar or law.

    from ocr import read
    document = read(Path("scan.pdf"))      # ocr.models.Document: pages of text, words, boxes, overlays
"""

from __future__ import annotations

from pathlib import Path

from .load import IMAGE_SUFFIXES, PDF_SUFFIXES, LoadError, iter_pages, pdf_signature
from .models import Document, Overlay, PageText, Word

SCAN_SUFFIXES = IMAGE_SUFFIXES | PDF_SUFFIXES


class NoTextError(LoadError):
    """A scan in which no text could be read."""


def read(path: Path) -> Document:
    """Every page of a scan or PDF as text: the PDF's text layer where it is good, OCR elsewhere."""
    from .tesseract import read_image

    pages: list[PageText] = []
    for item in iter_pages(path):
        if item.text is not None:
            pages.append(PageText(page=item.page, text=item.text, mean_confidence=None, source="text-layer"))
        else:
            assert item.image is not None
            pages.append(read_image(item.image, page=item.page, dpi=item.dpi))
    if not any(p.text.strip() for p in pages):
        raise NoTextError(f"{path}: no text found on {len(pages)} page(s)")
    signature = pdf_signature(path) if path.suffix.lower() in PDF_SUFFIXES else None
    return Document(source=str(path), pages=tuple(pages), pdf_signature=signature)


__all__ = ["read", "Document", "PageText", "Word", "Overlay", "LoadError", "NoTextError", "SCAN_SUFFIXES"]
