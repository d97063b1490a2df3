"""Scans and PDFs → page images or text-layer text, one page at a time (memory stays bounded).

PNG, JPEG, TIFF (every frame of a multi-page TIFF) through Pillow; PDF through pypdfium2: a page whose text layer is
good (real Unicode Vietnamese text, not a legacy-font mojibake) is taken as it is, any other page is rendered at
300 dpi for OCR.
"""

from __future__ import annotations

import ctypes
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np
from PIL import Image, ImageSequence

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
PDF_SUFFIXES = {".pdf"}
RENDER_DPI = 300
MAX_RENDER_PIXELS = 60_000_000
Image.MAX_IMAGE_PIXELS = 400_000_000  # larger is refused (decompression bomb); large pages are scaled down later


class LoadError(Exception):
    """A file that cannot be read as a scan or a PDF (one clear line)."""


@dataclass(frozen=True)
class PageInput:
    page: int  # 1-based
    image: np.ndarray | None  # BGR, when the page must be OCR'd
    text: str | None  # the text layer, when it is good
    dpi: int


# Characters that Vietnamese text in the legacy TCVN3 (ABC) or VNI fonts turns into when a PDF maps them to Latin-1
_LEGACY_MARKS = set("¸µ¶·¹¨¾»¼½ÆÇ©ª«¬®ÊËÌÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßãåæçèéêëìíîïðñòóôõöøùúûüýþÿ") - set("éèêìíòóôõùúýàáâã")
_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def good_text_layer(text: str) -> bool:
    """Is this a real Unicode text layer worth more than OCR? Enough letters, Vietnamese letters where a
    Vietnamese page would have them, and not the mojibake of legacy fonts."""
    text = unicodedata.normalize("NFC", text or "")
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 40:
        return False
    if "\ufffd" in text:
        return False
    legacy = sum(1 for ch in text if ch in _LEGACY_MARKS)
    vietnamese = len(_VIETNAMESE.findall(text))
    if legacy > 0.02 * len(letters) and legacy > vietnamese:
        return False
    return vietnamese >= 0.02 * len(letters) or legacy == 0


def iter_pages(path: Path) -> Iterator[PageInput]:
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        yield from _pdf_pages(path)
    elif suffix in IMAGE_SUFFIXES:
        yield from _image_pages(path)
    else:
        raise LoadError(f"{path}: not a scan or PDF (suffix '{suffix}')")


def _image_pages(path: Path) -> Iterator[PageInput]:
    try:
        image = Image.open(path)
        image.load()
    except Image.DecompressionBombError:
        raise LoadError(f"{path}: image too large to read safely") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise LoadError(f"{path}: not a readable image ({_first_line(exc)})") from None
    for k, frame in enumerate(ImageSequence.Iterator(image), start=1):
        dpi = frame.info.get("dpi", (0, 0))[0] or 0
        pixels = frame.width * frame.height
        if pixels > MAX_RENDER_PIXELS:  # a huge page: reduced before it is copied around (memory stays bounded)
            factor = math.ceil((pixels / MAX_RENDER_PIXELS) ** 0.5)
            frame = frame.reduce(factor)
            dpi = dpi / factor if dpi else 0
        yield PageInput(page=k, image=_pixels(frame), text=None, dpi=int(round(dpi)) or RENDER_DPI)


def _pixels(frame: Image.Image) -> np.ndarray:
    """A gray page stays one channel (no colour to lift); anything else becomes BGR, converted by OpenCV
    (numpy's reversed-axis copy costs four times as much on a 300 dpi page)."""
    if frame.mode in ("1", "L", "LA", "I", "I;16", "F"):
        return np.asarray(frame.convert("L"))
    rgb = frame if frame.mode == "RGB" else frame.convert("RGB")
    return cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR)


def _pdf_pages(path: Path) -> Iterator[PageInput]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise LoadError(f"{path}: encrypted PDF (password required)") from None
        raise LoadError(f"{path}: not a readable PDF ({_first_line(exc)})") from None
    try:
        if len(pdf) == 0:
            raise LoadError(f"{path}: PDF has no pages")
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_bounded() or ""
            textpage.close()
            if good_text_layer(text):
                yield PageInput(page=index + 1, image=None, text=_tidy_layer(text), dpi=0)
            else:
                width, height = page.get_size()
                scale = RENDER_DPI / 72
                if width * height * scale * scale > MAX_RENDER_PIXELS:
                    scale = (MAX_RENDER_PIXELS / (width * height)) ** 0.5
                bitmap = page.render(scale=scale, grayscale=False)
                array = _pixels(bitmap.to_pil())
                bitmap.close()
                yield PageInput(page=index + 1, image=array, text=None, dpi=round(scale * 72))
            page.close()
    finally:
        pdf.close()


def _tidy_layer(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return re.sub(r"[ \t]+\n", "\n", text).strip("\n")


def pdf_signature(path: Path) -> dict[str, str] | None:
    """The first digital signature of a PDF (signing time and reason), from its signature dictionary."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return None
    try:
        if raw.FPDF_GetSignatureCount(pdf.raw) < 1:
            return None
        sig = raw.FPDF_GetSignatureObject(pdf.raw, 0)
        out: dict[str, str] = {}
        size = raw.FPDFSignatureObj_GetTime(sig, None, 0)
        if size:
            buffer = ctypes.create_string_buffer(size)
            raw.FPDFSignatureObj_GetTime(sig, buffer, size)
            out["time"] = buffer.value.decode("ascii", "replace")  # "D:20250203104725+07'00'"
        size = raw.FPDFSignatureObj_GetReason(sig, None, 0)
        if size:
            buffer = ctypes.create_string_buffer(size)
            raw.FPDFSignatureObj_GetReason(sig, buffer, size)
            out["reason"] = buffer.raw.decode("utf-16-le", "replace").rstrip("\x00")
        return out or None
    finally:
        pdf.close()


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__
