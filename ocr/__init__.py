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


def read(path: Path, *, force_ocr: bool = False, accept_layer=None) -> Document:
    """Every page of a scan or PDF as text: the PDF's text layer where it is good (`force_ocr`: never;
    `accept_layer(text)`: the caller's further judge of a layer), OCR elsewhere; what the PDF's annotations draw over
    a page (stamps, signature boxes, typed fields) read apart."""
    from .tesseract import read_image, read_text_layer

    pages: list[PageText] = []
    images = {}
    for item in iter_pages(path, force_ocr=force_ocr, accept_layer=accept_layer):
        if item.text is not None:
            pages.append(read_text_layer(item))
        else:
            assert item.image is not None
            pages.append(read_image(item.image, page=item.page, dpi=item.dpi, widgets=item.widgets))
            if not images and item.page <= 2:
                images[item.page] = item.image
    if not any(p.text.strip() for p in pages):
        raise NoTextError(f"{path}: no text found on {len(pages)} page(s)")
    signature = pdf_signature(path) if path.suffix.lower() in PDF_SUFFIXES else None
    return Document(source=str(path), pages=tuple(pages), pdf_signature=signature, images=images)


__all__ = ["read", "Document", "PageText", "Word", "Overlay", "LoadError", "NoTextError", "SCAN_SUFFIXES"]
