"""Tesseract (`vie`) through pytesseract: words with confidences and boxes, arranged in reading order, with
overlays (digital-signature boxes, incoming-document stamps) read apart from the body text."""

from __future__ import annotations

import os
import re
import tempfile
import time
import unicodedata
from dataclasses import replace

import cv2
import numpy as np
import pytesseract

from .layout import RawWord, arrange
from .models import Overlay, PageText, Word
from .reread import read_again
from .preprocess import Region, ink_regions, map_box, prepare, turn, turn_matrix
from .widgets import Widget, kind_of, merge_fields

# Tesseract's OpenMP threads fight each other on a small machine (a page took 9 s instead of 1.3 s on two cores);
# parallelism comes from pages and worker processes instead. A limit set by the user is kept.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

LANG = "vie"
CONFIG = "--oem 1 --psm 3"

# Lines that belong to an overlay, not to the letter (matched without diacritics, case-insensitive).
# (not "ngày ký" alone: "có hiệu lực kể từ ngày ký" closes every decision's text)
_SIGNATURE_LINE = re.compile(r"\b(ky boi|thoi gian ky|ngay ky\s*:|signed by|signature valid)\b|^\s*(co quan|email)\s*:",
                             re.IGNORECASE)
_INCOMING_LINE = re.compile(r"\b(cv|cong van)\s*den\b|^\s*den\s*$|^\s*so\s*:?\s*\d{1,6}\s*$|"
                            r"^\s*ngay\s*:?\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\s*$|^\s*chuyen\s*:|"
                            r"^\W*(den\s+)?(gio|ngay)\s*:[\s.,:/\d]*$", re.IGNORECASE)
# The title of a portal's incoming stamp (`CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ` over `ĐẾN Giờ: … Ngày: …`): in capitals,
# alone on its line; a stamp only beside one of the stamp's own lines (a portal's letterhead prints it too)
_PORTAL_TITLE = re.compile(r"^\W*(cong|c0ng)\s+thong\s+tin\s+dien\s+tu\b[\w\s]{0,30}$", re.IGNORECASE)
_RULE = re.compile(r"[-—–_=~.]{3,}")


def _strip_marks(text: str) -> str:
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def ocr_images(images: list[np.ndarray], *, lang: str = LANG, config: str = CONFIG) -> list[list[RawWord]]:
    """The words of each image, from one Tesseract run: each run pays ~0.15 s of loading the `vie` model before it
    reads a word, so a page and its stamps are read together (Tesseract takes a list of image files as its input,
    and thresholds each image on its own). Images go as uncompressed PGM files: pytesseract would otherwise
    PNG-compress them first."""
    with tempfile.TemporaryDirectory(prefix="vanban-ocr-") as folder:
        paths = []
        for k, image in enumerate(images, start=1):
            paths.append(os.path.join(folder, f"image-{k}.pgm"))
            cv2.imwrite(paths[-1], image)
        source = paths[0]
        if len(paths) > 1:
            source = os.path.join(folder, "images.txt")
            with open(source, "w", encoding="utf-8") as listing:
                listing.write("\n".join(paths) + "\n")
        data = pytesseract.image_to_data(source, lang=lang, config=config, output_type=pytesseract.Output.DICT)
    out: list[list[RawWord]] = [[] for _ in images]
    for i, text in enumerate(data["text"]):
        if not text or not text.strip():
            continue
        out[int(data["page_num"][i]) - 1].append(
            RawWord(
                text=text.strip(),
                conf=float(data["conf"][i]),
                left=int(data["left"][i]),
                top=int(data["top"][i]),
                width=int(data["width"][i]),
                height=int(data["height"][i]),
                key=(int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])),
            )
        )
    return out


def _compose(lines: list[list[RawWord]]) -> tuple[str, list[Word], list[tuple[int, int]], list[Overlay]]:
    """Text of the arranged lines (overlay lines set aside), its words and their offsets in the text."""
    parts: list[str] = []
    words: list[Word] = []
    offsets: list[tuple[int, int]] = []
    overlays: list[Overlay] = []
    pos = 0
    kinds = [_overlay_kind(" ".join(w.text for w in line)) for line in lines]
    # a stamp's lines come together: a lone "Số: 12" is only a stamp line next to "CV ĐẾN", a portal's title only
    # over the stamp's "Ngày:" line
    tentative = list(kinds)
    for k, kind in enumerate(tentative):
        if kind in {"incoming?", "publication?", "portal?"}:
            near = tentative[max(0, k - 2) : k] + tentative[k + 1 : k + 3]
            kinds[k] = _confirmed(kind, near)
    prev_block = None
    for line, kind in zip(lines, kinds):
        line_text = " ".join(w.text for w in line)
        if sum(ch.isalnum() for ch in line_text) <= (1 if _RULE.search(line_text) else 0):
            continue  # specks read as punctuation (a seal's remains, dust), a rule under a heading: not text
        if kind:
            box = (min(w.left for w in line), min(w.top for w in line), max(w.right for w in line),
                   max(w.top + w.height for w in line))
            overlays.append(Overlay(kind=kind, text=line_text, bbox=box))
            continue
        if parts:
            sep = "\n\n" if prev_block is not None and line[0].key[0] != prev_block else "\n"
            parts.append(sep)
            pos += len(sep)
        prev_block = line[0].key[0]
        for j, w in enumerate(line):
            if j:
                parts.append(" ")
                pos += 1
            parts.append(w.text)
            words.append(Word(text=w.text, conf=w.conf, bbox=(w.left, w.top, w.right, w.top + w.height),
                              block=w.key[0], line=len(offsets)))
            offsets.append((pos, pos + len(w.text)))
            pos += len(w.text)
    return "".join(parts), words, offsets, _merge_overlays(overlays)


# The provincial Công báo centre's stamp: "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC", its e-mail, "07.01.2025 10:44:25 +07:00"
_PUBLICATION_LINE = re.compile(r"\bcong\s*bao\b.*\b(tin\s*hoc|trung\s*tam)\b|\btrung\s*tam\s*cong\s*bao\b"
                               r"|^\W*trung\s*tam\s*cong\W*$|^\W*(bao\s+)?(va\s+)?tin\s*hoc\W*$|\b\d{1,2}\.\d{1,2}\.\d{4}\s+\d{1,2}:\d{2}:\d{2}\b|^\s*\+0?7:?00\s*$",
                               re.IGNORECASE)
_EMAIL_LINE = re.compile(r"^\W*\S+@\S+\.(gov|edu|org)\.vn\W*$|^\W*\S*\.\S{2,4}\.vn\W*$", re.IGNORECASE)


def _confirmed(kind: str, near: list[str | None]) -> str | None:
    """A tentative overlay line's kind, when the lines around it confirm it."""
    if kind == "portal?":
        return "incoming" if "incoming" in near or "incoming?" in near else None
    sure = kind[:-1]
    return sure if sure in near or kind == "incoming?" and "portal?" in near else None


def _overlay_kind(line: str) -> str | None:
    plain = _strip_marks(line)
    if _SIGNATURE_LINE.search(plain):
        return "signature"
    if _PUBLICATION_LINE.search(plain):
        return "publication"
    if _EMAIL_LINE.search(plain):
        return "publication?"
    if re.search(r"\b(cv|cong van)\s*den\b", plain, re.IGNORECASE):
        return "incoming"
    if _INCOMING_LINE.search(plain):
        return "incoming?"
    if _PORTAL_TITLE.search(plain) and line.upper() == line:
        return "portal?"
    return None


def _merge_overlays(lines: list[Overlay]) -> list[Overlay]:
    merged: dict[str, list[Overlay]] = {}
    for o in lines:
        merged.setdefault(o.kind, []).append(o)
    out = []
    for kind, items in merged.items():
        xs0, ys0, xs1, ys1 = zip(*(o.bbox for o in items if o.bbox))
        out.append(Overlay(kind=kind, text="\n".join(o.text for o in items),
                           bbox=(int(min(xs0)), int(min(ys0)), int(max(xs1)), int(max(ys1)))))
    return out


def _ocr_page(gray: np.ndarray, ink: np.ndarray | None, widgets: tuple[Widget, ...] = (),
              ) -> tuple[list[RawWord], list[Overlay], list[tuple[Widget, list[RawWord]]]]:
    """The page's words, the overlays read from its coloured ink (stamps, signature boxes), and the words of each
    widget a PDF draws over it — all in one Tesseract run."""
    regions: list[Region] = []
    if ink is not None:
        _, binary = cv2.threshold(ink, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
        regions = ink_regions(binary)
    crops = [ink[y : y + h, x : x + w] for x, y, w, h in regions] if ink is not None else []
    page_words, *rest = ocr_images([gray, *crops, *(w.padded(PAD) for w in widgets)])
    crop_words, widget_words = rest[: len(crops)], rest[len(crops) :]
    overlays: list[Overlay] = []
    for (x, y, w, h), words in zip(regions, crop_words):
        for line in arrange(words, w):
            text = " ".join(v.text for v in line)
            kind = _overlay_kind(text)
            if kind:
                overlays.append(Overlay(kind="incoming" if kind == "incoming?" else kind, text=text,
                                        bbox=(x, y, x + w, y + h)))
    return page_words, _merge_overlays(overlays), list(zip(widgets, widget_words))


PAD = 24  # the white margin round a widget's drawing when it is read


def _widget_reading(widget: Widget, words: list[RawWord]) -> tuple[str, str, list[RawWord]]:
    """(kind, text, words) of one widget as read."""
    lines = [" ".join(v.text for v in line) for line in arrange(words, widget.image.shape[1])]
    ink = float((widget.image < 128).mean()) if widget.image.size else 0.0
    return kind_of(lines, ink), "\n".join(lines), words


DIGITS_CONFIG = "--oem 1 --psm 7 -c tessedit_char_whitelist=0123456789/.-"


def _widget_readings(widgets: tuple[Widget, ...] | list[Widget], found: list[list[RawWord]],
                     ) -> list[tuple[str, str, list[RawWord]]]:
    """(kind, text, words) of each widget. A drawing the size of a few characters on one line is a typed field —
    a number or a day: `vie` reads such short digit strings badly (`11` → `II`, `08` → `5`), so these are read
    again with Tesseract's `eng` model restricted to digits, in one more run for all of them."""
    readings = [_widget_reading(w, words) for w, words in zip(widgets, found)]
    short = [k for k, w in enumerate(widgets) if _line_sized(w) and readings[k][0] in {"field", "stamp", "seal"}
             and len(readings[k][1].split()) <= 2]
    if short:
        again = ocr_images([widgets[k].padded(PAD) for k in short], lang="eng", config=DIGITS_CONFIG)
        for k, words in zip(short, again):
            text = " ".join(w.text for w in words)
            if any(ch.isdigit() for ch in text):
                readings[k] = ("field", text, words)
    return readings


def _line_sized(widget: Widget) -> bool:
    x0, y0, x1, y1 = widget.ink_box
    return 8 <= y1 - y0 <= 90 and x1 - x0 <= 450


def _widget_overlay(widget: Widget, kind: str, text: str) -> Overlay:
    return Overlay(kind=kind, text=text, bbox=widget.bbox)


def read_text_layer(item) -> PageText:
    """A page whose text layer is good: its text, with the fields typed into it by annotations put in their places
    and its stamps and signature boxes as overlays."""
    text = item.text or ""
    overlays: list[Overlay] = []
    if item.widgets:
        readings = _widget_readings(item.widgets, ocr_images([w.padded(PAD) for w in item.widgets]))
        fields = []
        for widget, (kind, value, _words) in zip(item.widgets, readings):
            if kind == "field":
                fields.append((value.replace("\n", " "), widget.ink_box))
            else:
                overlays.append(_widget_overlay(widget, kind, value))
        if fields and item.chars and len(item.chars) == len(text):
            text = merge_fields(text, list(item.chars), fields)
    return PageText(page=item.page, text=_tidy_layer(text), mean_confidence=None, source="text-layer",
                    overlays=tuple(overlays), input_size=item.size)


def _tidy_layer(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return re.sub(r"[ \t]+\n", "\n", text).strip("\n")


def read_image(image: np.ndarray, page: int = 1, dpi: int = 300, skip: frozenset[str] = frozenset(),
               widgets: tuple[Widget, ...] = ()) -> PageText:
    """OCR one page image (BGR or gray) into a PageText. `skip`: preprocessing steps to leave out (benchmark).
    `widgets`: what a PDF draws over the page, read apart (in the coordinates of `image`)."""
    started = time.perf_counter()
    prepared = prepare(image, dpi, skip)
    gray, ink = prepared.gray, prepared.colour_ink
    matrix = prepared.matrix
    if not widgets and blank(gray) and (ink is None or blank(ink)):  # a blank sheet: nothing for Tesseract
        return PageText(page=page, text="", mean_confidence=None, source="ocr", width=gray.shape[1],
                        height=gray.shape[0], dpi=round(dpi * prepared.scale), skew=prepared.skew,
                        seconds=round(time.perf_counter() - started, 3),
                        transform=tuple(float(v) for v in matrix[:2].ravel()),
                        input_size=(int(image.shape[1]), int(image.shape[0])))
    words, ink_overlays, widget_words = _ocr_page(gray, ink, widgets)
    rotation = prepared.rotation
    confidence = _mean_conf(words)
    if confidence is not None and confidence < 60:
        # still upside down (or on its side the other way) after preprocessing: a half turn may read better
        turned = turn(gray, 2)
        other, other_overlays, other_widgets = _ocr_page(turned, turn(ink, 2) if ink is not None else None, widgets)
        other_conf = _mean_conf(other)
        if other_conf is not None and other_conf > confidence + 10:
            matrix = turn_matrix(gray.shape, 2) @ matrix
            gray, words, confidence, ink_overlays, widget_words = turned, other, other_conf, other_overlays, \
                other_widgets
            rotation = (rotation + 180) % 360
    words = read_again(gray, words)  # a digit Tesseract dropped (`ngày 2` in a box two digits wide)
    widget_overlays = []
    readings = _widget_readings([w for w, _ in widget_words], [found for _, found in widget_words])
    for (widget, _), (kind, value, raw_words) in zip(widget_words, readings):
        if kind != "field":
            widget_overlays.append(_widget_overlay(widget, kind, value))
            continue
        x, y = widget.bbox[0] - PAD, widget.bbox[1] - PAD  # a typed field is text of the page, where it is drawn
        for w in raw_words:
            x0, y0, x1, y1 = map_box(matrix, (x + w.left, y + w.top, x + w.right, y + w.top + w.height))
            words.append(RawWord(text=w.text, conf=w.conf, left=x0, top=y0, width=x1 - x0, height=y1 - y0,
                                 key=(10_000 + len(words), 0, 0)))
    lines = arrange(words, gray.shape[1])
    text, page_words, offsets, overlays = _compose(lines)
    found_kinds = {o.kind for o in overlays}
    overlays += [o for o in ink_overlays if o.kind not in found_kinds]
    # every overlay's box in the pixels of the page as loaded (the widgets' already are)
    overlays = [replace(o, bbox=map_box(matrix, o.bbox, inverse=True)) if o.bbox else o for o in overlays]
    overlays += widget_overlays
    return PageText(
        page=page,
        text=text,
        mean_confidence=confidence,
        words=tuple(page_words),
        word_offsets=tuple(offsets),
        source="ocr",
        width=gray.shape[1],
        height=gray.shape[0],
        dpi=round(dpi * prepared.scale),
        rotation=rotation,
        skew=prepared.skew,
        overlays=tuple(overlays),
        seconds=round(time.perf_counter() - started, 3),
        transform=tuple(float(v) for v in matrix[:2].ravel()),
        input_size=(int(image.shape[1]), int(image.shape[0])),
    )


BLANK_INK = 2e-4  # below this share of dark pixels a prepared page holds specks at most (a 12 pt word is ~5e-4)


def blank(gray: np.ndarray) -> bool:
    """Whether a prepared page has no ink worth reading."""
    return bool(np.count_nonzero(gray < 128) < BLANK_INK * gray.size)


def _mean_conf(words: list[RawWord]) -> float | None:
    confs = [w.conf for w in words if w.conf >= 0]
    return round(sum(confs) / len(confs), 1) if confs else None


def raw_text(image: np.ndarray, lang: str = LANG) -> str:
    """Plain `tesseract -l vie` on the image as it is (the baseline of bench/ocr.py)."""
    return pytesseract.image_to_string(image, lang=lang)
