"""Scans and PDFs → page images or text-layer text, one page at a time (memory stays bounded).

PNG, JPEG, TIFF (every frame of a multi-page TIFF) through Pillow; PDF through pypdfium2: a page whose text layer is
good (real Unicode Vietnamese text, not a legacy-font mojibake) is taken as it is, any other page is rendered at
300 dpi for OCR. A phone photo of a page comes out as the page alone, straightened (ocr/photo.py).
"""

from __future__ import annotations

import ctypes
import math
import re
import threading
import unicodedata
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

import cv2
import numpy as np
from PIL import Image, ImageSequence

from .photo import flatten
from .widgets import Widget

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
PDF_SUFFIXES = {".pdf"}
# PDFium is not thread-safe, not even across documents (pypdfium2's documentation: concurrent calls crash or corrupt
# the process): every call into it holds this lock, so that a process with threads — the web server renders pages
# on its thread pool — makes one at a time (eight threads rendering pages of one PDF crashed it, seen as a server
# killed by "malloc(): unaligned tcache chunk detected")
PDFIUM = threading.RLock()
RENDER_DPI = 300
MAX_RENDER_PIXELS = 60_000_000
Image.MAX_IMAGE_PIXELS = 400_000_000  # larger is refused (decompression bomb); large pages are scaled down later
# What one file may hold (the caller sets them: `set_limits`); None is no limit. A page image over the pixel limit is
# refused before it is decoded (its size is in its header), so memory stays bounded whatever the file claims.
_LIMITS = {"pages": 500, "pixels": 150_000_000}


def set_limits(*, pages: int | None, pixels: int | None) -> None:
    """Pages per file and pixels per page image (None: no limit)."""
    _LIMITS.update(pages=pages, pixels=pixels)


class LoadError(Exception):
    """A file that cannot be read as a scan or a PDF (one clear line)."""


@dataclass(frozen=True)
class PageInput:
    page: int  # 1-based
    image: np.ndarray | None  # BGR, when the page must be OCR'd
    text: str | None  # the text layer, when it is good
    dpi: int
    widgets: tuple[Widget, ...] = ()  # what the PDF's annotations draw over the page (stamps, signatures, fields)
    chars: tuple[tuple[str, tuple[float, float, float, float]], ...] = ()  # the text layer's characters and their
    # boxes in the pixels of a 300 dpi rendering, index for index with the layer as pdfium gives it
    size: tuple[int, ...] = ()  # (width, height) of the page in the pixels its image has (or would have at 300 dpi)


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


def iter_pages(path: Path, force_ocr: bool = False, accept_layer: Callable[[str], bool] | None = None,
               ) -> Iterator[PageInput]:
    """The pages of a scan or PDF, one at a time. `force_ocr`: every PDF page is rendered, its text layer unused;
    `accept_layer`: a further judge of a text layer (the caller's language check), a page it refuses is rendered."""
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        pages = _pdf_pages(path, force_ocr, accept_layer)
    elif suffix in IMAGE_SUFFIXES:
        pages = _image_pages(path)
    else:
        raise LoadError(f"{path}: not a scan or PDF (suffix '{suffix}')")
    for item in pages:
        yield _page_of_photo(item)


def _page_of_photo(item: PageInput) -> PageInput:
    """A phone photo's page cut out, straightened and evenly lit (ocr/photo.py); a scan's page as it is (the same
    array). A PDF page with annotations drawn over it is a produced document in its own coordinates: left as it is."""
    if item.image is None or item.widgets:
        return item
    flat = flatten(item.image)
    if not flat.finding.photo:
        return item
    return replace(item, image=flat.image, dpi=flat.dpi or item.dpi)


def _image_pages(path: Path) -> Iterator[PageInput]:
    try:
        with warnings.catch_warnings():  # a huge page is refused below in one line, not warned about
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        _check_pages(path, getattr(image, "n_frames", 1))
        _check_pixels(path, 1, image.width, image.height)
        image.load()
    except Image.DecompressionBombError:
        raise LoadError(f"{path}: image too large to read safely") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise LoadError(f"{path}: not a readable image ({_first_line(exc)})") from None
    for k, frame in enumerate(ImageSequence.Iterator(image), start=1):
        _check_pixels(path, k, frame.width, frame.height)
        dpi = frame.info.get("dpi", (0, 0))[0] or 0
        pixels = frame.width * frame.height
        if pixels > MAX_RENDER_PIXELS:  # a huge page: reduced before it is copied around (memory stays bounded)
            factor = math.ceil((pixels / MAX_RENDER_PIXELS) ** 0.5)
            frame = frame.reduce(factor)
            dpi = dpi / factor if dpi else 0
        yield PageInput(page=k, image=_pixels(frame), text=None, dpi=int(round(dpi)) or RENDER_DPI)


def _check_pages(path: Path, count: int) -> None:
    limit = _LIMITS["pages"]
    if limit and count > limit:
        raise LoadError(f"{path}: {count} pages, more than the limit of {limit} pages per file (--max-pages)")


def _check_pixels(path: Path, page: int, width: int, height: int) -> None:
    limit = _LIMITS["pixels"]
    if limit and width * height > limit:
        raise LoadError(f"{path}: page {page} is {width} × {height} pixels ({width * height / 1e6:.0f} Mpx), more "
                        f"than the limit of {limit / 1e6:g} Mpx per page (--max-megapixels)")


def _pixels(frame: Image.Image) -> np.ndarray:
    """A gray page stays one channel (no colour to lift); anything else becomes BGR, converted by OpenCV
    (numpy's reversed-axis copy costs four times as much on a 300 dpi page)."""
    if frame.mode in ("1", "L", "LA", "I", "I;16", "F"):
        return np.asarray(frame.convert("L"))
    rgb = frame if frame.mode == "RGB" else frame.convert("RGB")
    return cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR)


def _pdf_pages(path: Path, force_ocr: bool = False, accept_layer: Callable[[str], bool] | None = None,
               ) -> Iterator[PageInput]:
    import pypdfium2 as pdfium

    try:
        with PDFIUM:
            pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise LoadError(f"{path}: encrypted PDF (password required)") from None
        raise LoadError(f"{path}: not a readable PDF ({_first_line(exc)})") from None
    try:
        with PDFIUM:
            count = len(pdf)
            if count == 0:
                raise LoadError(f"{path}: PDF has no pages")
            _check_pages(path, count)
            try:
                pdf.init_forms()  # so that the annotations' appearances can be drawn (stamps, signature boxes, fields)
            except pdfium.PdfiumError:
                pass
        for index in range(count):
            with PDFIUM:  # a page read under the lock, handed on outside it
                item = _pdf_page(pdf, index, force_ocr, accept_layer)
            yield item
    finally:
        with PDFIUM:
            pdf.close()


def _pdf_page(pdf, index: int, force_ocr: bool, accept_layer: Callable[[str], bool] | None) -> PageInput:
    """One page of an open PDF: its text layer when it is good, else its image (`_pdf_pages`, under PDFIUM)."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        scale = RENDER_DPI / 72
        if width * height * scale * scale > MAX_RENDER_PIXELS:
            scale = (MAX_RENDER_PIXELS / (width * height)) ** 0.5
        widgets = tuple(_widgets(page, scale))
        textpage = page.get_textpage()
        text = _layer_text(textpage)
        layer = None if force_ocr else text
        if layer is not None and good_text_layer(layer) and (accept_layer is None or accept_layer(layer)):
            chars = tuple(_char_boxes(textpage, text, height, RENDER_DPI / 72)) if widgets else ()
            textpage.close()
            return PageInput(page=index + 1, image=None, text=layer, dpi=RENDER_DPI, widgets=widgets,
                             chars=chars, size=(round(width * RENDER_DPI / 72), round(height * RENDER_DPI / 72)))
        textpage.close()
        bitmap = page.render(scale=scale, grayscale=False, may_draw_forms=False)
        array = _pixels(bitmap.to_pil())
        bitmap.close()
        return PageInput(page=index + 1, image=array, text=None, dpi=round(scale * 72), widgets=widgets)
    finally:
        page.close()


def _widgets(page, scale: float) -> Iterator[Widget]:
    """Each widget annotation drawn alone (the others hidden for the while), less the page under it."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    count = raw.FPDFPage_GetAnnotCount(page.raw)
    found: list[tuple[int, tuple[float, float, float, float]]] = []
    flags: dict[int, int] = {}
    for k in range(count):
        annot = raw.FPDFPage_GetAnnot(page.raw, k)
        try:
            flags[k] = raw.FPDFAnnot_GetFlags(annot)
            rect = raw.FS_RECTF()
            if raw.FPDFAnnot_GetSubtype(annot) == raw.FPDF_ANNOT_WIDGET and raw.FPDFAnnot_GetRect(annot, rect):
                left, right = sorted((max(0.0, rect.left), min(width, rect.right)))
                bottom, top = sorted((max(0.0, rect.bottom), min(height, rect.top)))
                if right - left >= 4 and top - bottom >= 4 and not flags[k] & raw.FPDF_ANNOT_FLAG_HIDDEN:
                    found.append((k, (left, bottom, right, top)))
        finally:
            raw.FPDFPage_CloseAnnot(annot)

    def set_flags(shown: int | None) -> None:
        for k, value in flags.items():
            annot = raw.FPDFPage_GetAnnot(page.raw, k)
            raw.FPDFAnnot_SetFlags(annot, value if shown is None or k == shown else value | raw.FPDF_ANNOT_FLAG_HIDDEN)
            raw.FPDFPage_CloseAnnot(annot)

    def gray(crop: tuple[float, ...], forms: bool) -> np.ndarray:
        bitmap = page.render(scale=scale, crop=crop, grayscale=True, may_draw_forms=forms)
        array = np.asarray(bitmap.to_numpy(), dtype=np.uint8)
        bitmap.close()
        return array.reshape(array.shape[0], array.shape[1], -1)[:, :, 0]

    try:
        for k, (left, bottom, right, top) in found:
            crop = (left, bottom, width - right, height - top)
            if len(found) > 1:
                set_flags(k)
            with_forms, without = gray(crop, True), gray(crop, False)
            if with_forms.shape != without.shape:
                continue
            changed = cv2.absdiff(with_forms, without) > 24
            if cv2.countNonZero(changed.astype(np.uint8)) < 12:
                continue  # an empty appearance (a signature field that draws nothing)
            image = np.where(changed, with_forms, 255).astype(np.uint8)
            x0, y0 = int(round(left * scale)), int(round((height - top) * scale))
            yield Widget(bbox=(x0, y0, x0 + image.shape[1], y0 + image.shape[0]), image=image)
    finally:
        if len(found) > 1:
            set_flags(None)


def _layer_text(textpage) -> str:
    """The text layer character by character, as pdfium indexes it (so that character boxes line up), each
    character's code as the font maps it: a font's hyphen may come out as \x02 or U+FFFE (both kept here; they are
    mapped where text enters nlp), which pdfium's range and bounded readings drop or keep inconsistently."""
    import pypdfium2.raw as raw

    count = textpage.count_chars()
    codes = [raw.FPDFText_GetUnicode(textpage.raw, i) for i in range(max(0, count))]
    return "".join(chr(c) if 0 < c < 0x110000 and not 0xD800 <= c < 0xE000 else "" if c == 0 else "\ufffd"
                   for c in codes)


def _char_boxes(textpage, text: str, page_height: float, scale: float,
                ) -> Iterator[tuple[str, tuple[float, float, float, float]]]:
    for index, ch in enumerate(text):
        try:
            left, bottom, right, top = textpage.get_charbox(index)
        except Exception:  # noqa: BLE001 - a character pdfium cannot place: no box
            left = bottom = right = top = 0.0
        yield ch, (left * scale, (page_height - top) * scale, right * scale, (page_height - bottom) * scale)


def pdf_signature(path: Path) -> dict[str, str] | None:
    """The first digital signature of a PDF (signing time and reason), from its signature dictionary."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    with PDFIUM:
        return _signature(pdfium, raw, path)


def _signature(pdfium, raw, path: Path) -> dict[str, str] | None:
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
