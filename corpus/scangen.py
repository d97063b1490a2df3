"""Synthetic scans of Vietnamese official letters, for tests and benchmarks.

    python corpus/scangen.py corpus/letters/058-KH-UBND-quangngai.txt -o /tmp/058.pdf --dpi 200 --skew 2 --seal

A letter in the Nghị định 30/2020 layout (the plain-text form of corpus/letters/: issuing-body lines and "Số:",
then the national motto and "<place>, ngày ..." — the two header columns — then the title or "V/v", body, "Nơi nhận"
and the signature block) is set on A4 in a Times-like serif that has every Vietnamese glyph (Liberation Serif 2.x or
Tinos; each glyph of the text is checked against the font), 14 pt by default, with ND 30 margins. Degradations: red
seal over the signature (and optionally over body text), a digital-signature box, an incoming-document stamp (or
the Government portal's, in black), colour fringes, skew, noise, blur, JPEG, the scan resolution (150–300
dpi), or a hand-held phone photo instead of a scan (`phone_photo`). The ground truth of each page is the text as
rendered, block by block (left header column, right header column, body...), without overlays and stamps.
"""

from __future__ import annotations

import argparse
import io
import math
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from fontTools.ttLib import TTFont

FONT_CANDIDATES = [  # Times New Roman's metric twins, with every Vietnamese glyph
    ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
     "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"),
    ("/usr/share/fonts/truetype/croscore/Tinos-Regular.ttf", "/usr/share/fonts/truetype/croscore/Tinos-Bold.ttf"),
]
ITALIC_CANDIDATES = ["/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf",
                     "/usr/share/fonts/truetype/croscore/Tinos-Italic.ttf"]
# Handwritten digits for the blanks: Humor Sans (fonts-humor-sans) is held out of the digit classifier's training
# (ocr/digits_train.py), so a test written in it measures hands the classifier never saw.
HAND_CANDIDATES = ["/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf"]
_NUMBER_LINE = re.compile(r"^(Số:?\s*)(\d{1,5})(\s*[/-].*)$")
_DAY_LINE = re.compile(r"^(.*ngày\s+)(\d{1,2})(\s+tháng.*)$")
A4_MM = (210.0, 297.0)
MARGINS_MM = {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 15.0}  # Nghị định 30/2020, Phụ lục I


@dataclass
class Degradation:
    dpi: int = 300
    skew: float = 0.0  # degrees
    noise: float = 0.0  # std of gaussian noise, 0–255
    blur: float = 0.0  # gaussian radius in pixels at 300 dpi
    jpeg: int | None = None  # JPEG quality
    seal: bool = False  # red seal over the signature block
    seal_over_text: bool = False  # a second seal over body lines
    signature_box: bool = False  # "Ký bởi / Thời gian ký" overlay
    stamp: bool = False  # "CV ĐẾN Số ... Ngày ..." stamp in the margin
    rotate: int = 0  # 0, 90, 180, 270: a page scanned the wrong way round
    border: bool = False  # dark bands along the edges, as a copier or scanner lid leaves
    handwritten: str | None = None  # "blue" or "black": the number and the day written by hand into the blanks
    hand_touching: bool = False  # … written hard against the printed word before the blank ("ngày15")
    italic_preamble: bool = False  # the "Căn cứ ..." paragraphs set in italic, as decisions print them
    publication_stamp: bool = False  # the provincial Công báo centre's stamp at the top of the first page
    portal_stamp: bool = False  # the Government portal's black incoming stamp between the header and the title
    colour_fringes: bool = False  # a colour scanner's fringes: every dark stroke tinted unevenly, print and pen alike
    phone_photo: bool = False  # a hand-held phone photo: the page in perspective on a darker textured table, a thumb
    # at its edge, light falling off across it, a little blur, JPEG
    photo_cut: bool = False  # … taken so close that the page's bottom edge lies outside the frame
    signed: str = "03/02/2025 10:47:25"  # the time the signature box and the Công báo stamp print
    seed: int = 0

    def label(self) -> str:
        parts = [f"{self.dpi}dpi"]
        for name in ("skew", "noise", "blur"):
            if getattr(self, name):
                parts.append(f"{name}{getattr(self, name):g}")
        if self.jpeg:
            parts.append(f"jpeg{self.jpeg}")
        for name in ("seal", "seal_over_text", "signature_box", "stamp", "border", "italic_preamble",
                     "publication_stamp", "portal_stamp", "colour_fringes", "phone_photo", "photo_cut"):
            if getattr(self, name):
                parts.append(name)
        if self.handwritten:
            parts.append(f"hand-{self.handwritten}")
        if self.rotate:
            parts.append(f"rot{self.rotate}")
        return "-".join(parts)


@dataclass
class Page:
    image: Image.Image
    truth: str  # the page's text, blocks separated by blank lines
    overlays: list[str] = field(default_factory=list)  # text of stamps and signature boxes on the page


@dataclass
class Layout:
    left: list[str]  # issuing body and "Số:" (and "V/v ...")
    right: list[str]  # motto and place/date
    title: list[str]  # centred type name and title
    body: list[str]  # paragraphs (or lines, for plain text)
    closing_left: list[str]  # "Nơi nhận:" list
    closing_right: list[str]  # signature block
    plain: bool = False  # no header to lay out: lines as they are


_MOTTO = re.compile(r"CỘNG HÒA XÃ HỘI|Độc lập - Tự do|ĐẢNG CỘNG SẢN VIỆT NAM", re.IGNORECASE)
_DATE_LINE = re.compile(r"^[^\n,]{2,40}, ngày .*năm \d{4}$")


def parse_letter(text: str) -> Layout:
    """Split a letter in the plain-text ND 30 form into the blocks of its layout."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    if not any(_MOTTO.search(line) for line in lines[:12]):
        return Layout([], [], [], [l for l in lines], [], [], plain=True)
    left, right, title, body, closing_left, closing_right = [], [], [], [], [], []
    i = 0
    party = lines[0].strip().upper().startswith("ĐẢNG CỘNG SẢN")
    while i < len(lines) and not _MOTTO.search(lines[i]) or (party and i == 0):
        if party and i == 0:
            right.append(lines[i])
        else:
            left.append(lines[i])
        i += 1
    while i < len(lines) and (_MOTTO.search(lines[i]) or _DATE_LINE.match(lines[i].strip())):
        right.append(lines[i])
        i += 1
        if right and _DATE_LINE.match(right[-1].strip()):
            break
    # "V/v ..." lines belong under the left column; a type heading in capitals starts the title
    if i < len(lines) and lines[i].strip().lower().startswith(("v/v", "về việc")):
        while i < len(lines) and lines[i].strip() and not lines[i].strip().startswith("Kính gửi"):
            left.append(lines[i])
            i += 1
    while i < len(lines) and lines[i].strip() and lines[i].strip().upper() == lines[i].strip() and len(title) < 4:
        title.append(lines[i])
        i += 1
    if title:
        while i < len(lines) and lines[i].strip() and not lines[i].startswith(("Căn cứ", "Kính gửi")) \
                and len(title) < 6 and len(lines[i]) < 90:
            title.append(lines[i])
            i += 1
    rest = lines[i:]
    cut = next((k for k, line in enumerate(rest) if line.strip().startswith("Nơi nhận")), len(rest))
    body = [line for line in rest[:cut]]
    tail = rest[cut:]
    sign = next((k for k, line in enumerate(tail) if re.match(r"^(KT|TM|TL|TUQ|Q)\.", line.strip())
                 or line.strip() in {"CHỦ TỊCH", "GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "BÍ THƯ"}), len(tail))
    closing_left = tail[:sign]
    closing_right = tail[sign:]
    return Layout(left, right, title, body, closing_left, closing_right)


def _font_paths() -> tuple[str, str]:
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).exists() and Path(bold).exists():
            return regular, bold
    raise FileNotFoundError("no serif font with Vietnamese glyphs: install fonts-croscore or fonts-liberation2")


def check_glyphs(text: str, font_path: str) -> set[str]:
    """Characters of `text` that the font has no glyph for (a font without them would draw boxes)."""
    cmap = TTFont(font_path, lazy=True).getBestCmap()
    return {ch for ch in set(text) if not ch.isspace() and ord(ch) not in cmap}


class Renderer:
    def __init__(self, dpi: int = 300, size_pt: float = 14.0) -> None:
        self.dpi = dpi
        regular, bold = _font_paths()
        self.font_paths = (regular, bold)
        px = round(size_pt * dpi / 72)
        self.font = ImageFont.truetype(regular, px)
        self.bold = ImageFont.truetype(bold, px)
        self.small = ImageFont.truetype(regular, round(12.5 * dpi / 72))
        self.small_bold = ImageFont.truetype(bold, round(12 * dpi / 72))
        self.tiny = ImageFont.truetype(regular, round(9.5 * dpi / 72))
        italic = next((p for p in ITALIC_CANDIDATES if Path(p).exists()), regular)
        self.italic = ImageFont.truetype(italic, px)
        hand = next((p for p in HAND_CANDIDATES if Path(p).exists()), None)
        self.hand = ImageFont.truetype(hand, round(px * 1.25)) if hand else None
        self.px = px
        self.line_height = round(px * 1.35)
        self.width = round(A4_MM[0] / 25.4 * dpi)
        self.height = round(A4_MM[1] / 25.4 * dpi)
        mm = dpi / 25.4
        self.left = round(MARGINS_MM["left"] * mm)
        self.right = self.width - round(MARGINS_MM["right"] * mm)
        self.top = round(MARGINS_MM["top"] * mm)
        self.bottom = self.height - round(MARGINS_MM["bottom"] * mm)

    def _wrap(self, text: str, font: ImageFont.FreeTypeFont, width: int, indent: int = 0) -> list[str]:
        words, lines, current = text.split(), [], ""
        for word in words:
            trial = f"{current} {word}".strip()
            limit = width - (indent if not lines else 0)
            if font.getlength(trial) <= limit or not current:
                current = trial
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        return lines

    def _blanked(self, draw: ImageDraw.ImageDraw, x: float, y: float, line: str, font: ImageFont.FreeTypeFont,
                 pattern: re.Pattern[str], info: dict, key: str) -> bool:
        """Draw `line` with its number left blank (its place noted in `info[key]`, for the hand to fill in)."""
        match = pattern.match(line)
        if not match:
            return False
        head, value, tail = match.groups()
        gap = font.getlength("0" * max(3, len(value))) * 1.1
        draw.text((x, y), head, font=font, fill=0)
        draw.text((x + font.getlength(head) + gap, y), tail.lstrip(), font=font, fill=0)
        info.setdefault("blanks", []).append((key, value, (x + font.getlength(head), y, gap)))
        return True

    def render(self, layout: Layout, handwritten: bool = False, italic_preamble: bool = False,
               ) -> list[tuple[Image.Image, list[str], dict]]:
        """Pages as (image, blocks of text, positions of the signature block, body lines and blanks)."""
        missing = check_glyphs("\n".join(layout.left + layout.right + layout.title + layout.body
                                         + layout.closing_left + layout.closing_right), self.font_paths[0])
        if missing:
            raise ValueError(f"font lacks glyphs for: {''.join(sorted(missing))}")
        pages: list[tuple[Image.Image, list[str], dict]] = []
        image, draw, blocks, info = self._new_page()
        y = self.top
        column = (self.right - self.left)
        if not layout.plain:
            left_w = round(column * 0.40)
            gap = round(self.dpi * 6 / 25.4)  # the two header columns stand about 6 mm apart
            y_left = y
            left_lines: list[str] = []
            vv = False
            for line in layout.left:
                vv = vv or line.lower().startswith("v/v")
                if vv:  # the trích yếu of a công văn, 12–13 pt, wrapped to the column (ND 30)
                    left_lines += [("small", part) for part in self._wrap(line, self.small, left_w)]
                else:
                    left_lines.append(("bold" if line.isupper() and not line.startswith("Số") else "font", line))
            for style, line in left_lines:
                font = {"small": self.small, "bold": self.bold, "font": self.font}[style]
                x = self.left + (left_w - font.getlength(line)) / 2
                if not (handwritten and self._blanked(draw, x, y_left, line, font, _NUMBER_LINE, info, "number")):
                    draw.text((x, y_left), line, font=font, fill=0)
                y_left += self.line_height if style != "small" else round(self.line_height * 0.9)
            layout = Layout([line for _, line in left_lines], layout.right, layout.title, layout.body,
                            layout.closing_left, layout.closing_right, layout.plain)
            y_right = y
            for line in layout.right:
                font = self.bold if _MOTTO.search(line) else self.font
                x0 = self.left + left_w + gap
                x = x0 + (self.right - x0 - font.getlength(line)) / 2
                if not (handwritten and self._blanked(draw, x, y_right, line, font, _DAY_LINE, info, "day")):
                    draw.text((x, y_right), line, font=font, fill=0)
                y_right += self.line_height
            blocks += ["\n".join(layout.left), "\n".join(layout.right)]
            y = max(y_left, y_right) + self.line_height
            if layout.title:
                for line in layout.title:
                    font = self.bold if line.isupper() else self.font
                    draw.text(((self.left + self.right - font.getlength(line)) / 2, y), line, font=font, fill=0)
                    y += self.line_height
                blocks.append("\n".join(layout.title))
                y += self.line_height // 2
        body_lines: list[str] = []
        info.setdefault("body_boxes", [])
        paragraphs = layout.body if layout.plain else _paragraphs(layout.body)
        for para in paragraphs:
            font = self.italic if italic_preamble and para.startswith("Căn cứ") else self.font
            if layout.plain:
                wrapped = [para] if font.getlength(para) <= column else self._wrap(para, font, column)
                indent = 0
            else:
                indent = round(self.dpi * 0.5)
                wrapped = self._wrap(para, font, column, indent) if para.strip() else [""]
            for k, line in enumerate(wrapped):
                if y + self.line_height > self.bottom:
                    blocks.append("\n".join(body_lines))
                    pages.append((image, [b for b in blocks if b.strip()], info))
                    image, draw, blocks, info = self._new_page()
                    info["body_boxes"] = []
                    body_lines = []
                    y = self.top
                x = self.left + (indent if k == 0 else 0)
                draw.text((x, y), line, font=font, fill=0)
                info["body_boxes"].append((x, y, x + font.getlength(line), y + self.line_height))
                body_lines.append(line)
                y += self.line_height
        if body_lines:
            blocks.append("\n".join(body_lines))
        if layout.closing_left or layout.closing_right:
            needed = (max(len(layout.closing_left), len(layout.closing_right)) + 1) * self.line_height
            if y + needed > self.bottom:
                pages.append((image, [b for b in blocks if b.strip()], info))
                image, draw, blocks, info = self._new_page()
                y = self.top
            y += self.line_height // 2
            y0 = y
            closing_left: list[str] = []
            for line in layout.closing_left:  # the "Nơi nhận" list stays in the left half (wrapped there)
                font = self.small_bold if line.startswith("Nơi nhận") else self.small
                for part in self._wrap(line, font, round(column * 0.46)):
                    draw.text((self.left, y), part, font=font, fill=0)
                    closing_left.append(part)
                    y += round(self.line_height * 0.85)
            layout = Layout(layout.left, layout.right, layout.title, layout.body, closing_left,
                            layout.closing_right, layout.plain)
            x0 = self.left + round(column * 0.5)
            yr = y0
            for line in layout.closing_right:
                font = self.bold if line.isupper() else self.font
                x = x0 + (self.right - x0 - font.getlength(line)) / 2
                draw.text((x, yr), line, font=font, fill=0)
                yr += self.line_height
            info["signature"] = (x0, y0, self.right, max(yr, y0 + 4 * self.line_height))
            blocks += ["\n".join(layout.closing_left), "\n".join(l for l in layout.closing_right if l.strip())]
        pages.append((image, [b for b in blocks if b.strip()], info))
        return pages

    def _new_page(self):
        image = Image.new("L", (self.width, self.height), 255)
        return image, ImageDraw.Draw(image), [], {}


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines of a text-layer letter → paragraphs (a line that starts a clause or list item starts a paragraph)."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        starts = re.match(r"^([-+•]|\d{1,2}\.|[a-zđ]\)|[IVX]+\.|Căn cứ|Kính gửi|Nơi nhận)", stripped)
        if not out or starts or out[-1].endswith((".", ":", ";")):
            out.append(stripped)
        else:
            out[-1] += " " + stripped
    return out


# -----------------------------------------------------------------------------------------------------------------
# Overlays and degradations


def _red_seal(size: int, rng: random.Random) -> Image.Image:
    """An RGBA red seal: two rings, a star, ring text-like strokes."""
    seal = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(seal)
    red = (200 + rng.randint(0, 40), 20, 30, 190)
    c = size / 2
    for r, w in ((c - 4, max(3, size // 60)), (c * 0.72, max(2, size // 90))):
        d.ellipse((c - r, c - r, c + r, c + r), outline=red, width=w)
    pts = []
    for k in range(10):
        ang = math.pi / 2 + k * math.pi / 5
        rad = c * (0.28 if k % 2 == 0 else 0.11)
        pts.append((c + rad * math.cos(ang), c - rad * math.sin(ang)))
    d.polygon(pts, fill=red)
    for k in range(28):  # the ring lettering, as short strokes
        ang = 2 * math.pi * k / 28
        r1, r2 = c * 0.78, c * 0.9
        d.line((c + r1 * math.cos(ang), c + r1 * math.sin(ang), c + r2 * math.cos(ang + 0.05),
                c + r2 * math.sin(ang + 0.05)), fill=red, width=max(2, size // 100))
    return seal


def _overlay_text_box(lines: list[str], font: ImageFont.FreeTypeFont, color: tuple[int, int, int]) -> Image.Image:
    width = int(max(font.getlength(line) for line in lines)) + 40
    height = len(lines) * int(font.size * 1.3) + 30
    box = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    d = ImageDraw.Draw(box)
    d.rectangle((2, 2, width - 3, height - 3), outline=color + (230,), width=3)
    y = 15
    for line in lines:
        d.text((20, y), line, font=font, fill=color + (255,))
        y += int(font.size * 1.3)
    return box


def degrade(image: Image.Image, info: dict, deg: Degradation, renderer: Renderer) -> tuple[Image.Image, list[str]]:
    rng = random.Random(deg.seed)
    page = image.convert("RGB")
    overlays: list[str] = []
    if deg.seal and "signature" in info:
        x0, y0, x1, y1 = info["signature"]
        size = round(renderer.dpi * 1.45)
        seal = _red_seal(size, rng)
        cx = int((x0 + x1) / 2 - size * 0.75 + rng.randint(-20, 20))
        cy = int(y0 + renderer.line_height * 0.5 + rng.randint(-10, 10))
        page = _multiply(page, seal, (cx, cy))
    if deg.seal_over_text and info.get("body_boxes"):
        box = info["body_boxes"][min(len(info["body_boxes"]) - 1, rng.randint(2, 8))]
        size = round(renderer.dpi * 1.3)
        page = _multiply(page, _red_seal(size, rng), (int(box[0] + rng.randint(100, 600)), int(box[1] - size / 3)))
    if deg.handwritten and renderer.hand is not None:
        ink = (35, 55, 175) if deg.handwritten == "blue" else (25, 25, 30)
        for _key, value, (x, y, gap) in info.get("blanks", []):
            word = Image.new("RGBA", (int(gap * 2) + 60, renderer.px * 3), (255, 255, 255, 0))
            ImageDraw.Draw(word).text((20, renderer.px // 2), value, font=renderer.hand, fill=ink + (255,))
            word = word.rotate(rng.uniform(-6, 6), resample=Image.BICUBIC, expand=False)
            shift = -renderer.px * 0.35 if deg.hand_touching else rng.uniform(-6, gap * 0.2)
            page = _multiply(page, word, (int(x + shift - 20),
                                          int(y - renderer.px // 2 - rng.uniform(0, renderer.px * 0.25))))
    if deg.publication_stamp:
        lines = ["TRUNG TÂM CÔNG", "BÁO VÀ TIN HỌC", "ttcbth@quangngai.gov.vn",
                 deg.signed.replace("/", ".") + " +07:00"]
        seal = _red_seal(round(renderer.dpi * 0.55), rng)
        step = int(renderer.small.size * 1.1)
        box = Image.new("RGBA", (seal.width + int(renderer.small.getlength(lines[2])) + 40,
                                 max(seal.height, len(lines) * step) + 20), (255, 255, 255, 0))
        box.paste(seal, (0, 10), seal)
        d = ImageDraw.Draw(box)
        for k, line in enumerate(lines):
            d.text((seal.width + 20, 10 + k * step), line, font=renderer.small,
                   fill=(20, 20, 20, 255))
        page = _multiply(page, box, (renderer.left + round(renderer.width * 0.2), 4))  # in the top margin
        overlays.append("\n".join(lines))
    if deg.signature_box:
        lines = ["Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi", "Cơ quan: Tỉnh Quảng Ngãi", f"Thời gian ký: {deg.signed}"]
        box = _overlay_text_box(lines, renderer.tiny, (30, 60, 160))  # small print, in the top margin
        page = _multiply(page, box, (renderer.right - box.width, renderer.top // 8))
        overlays.append("\n".join(lines))
    if deg.stamp:
        lines = ["CV ĐẾN", "Số: 2352", "Ngày: 21.3.18"]
        box = _overlay_text_box(lines, renderer.small_bold, (170, 20, 30))
        page = _multiply(page, box.rotate(rng.uniform(-4, 4), expand=True, fillcolor=(255, 255, 255, 0)),
                         (renderer.left // 6, renderer.height // 3))
        overlays.append("\n".join(lines))
    if deg.portal_stamp and info.get("body_boxes"):
        lines = ["CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", "ĐẾN Giờ: ......", "Ngày: 29/3/21"]
        box = _overlay_text_box(lines, renderer.tiny, (25, 25, 25))  # black, as dark as the print
        top = info["body_boxes"][0][1]  # half in the left margin, beside the title, above its subject line
        page = _multiply(page, box, (renderer.left // 4, max(0, int(top - box.height - renderer.line_height * 1.3))))
        overlays.append("\n".join(lines))
    if deg.colour_fringes:  # the channels of dark pixels drift apart (chroma noise of a colour sensor)
        arr = np.asarray(page).astype(np.float32)
        darkness = 1 - arr.mean(axis=2, keepdims=True) / 255
        drift = np.random.default_rng(deg.seed + 7).normal(0, 50, arr.shape[:2] + (3,)) * darkness
        page = Image.fromarray(np.clip(arr + drift, 0, 255).astype(np.uint8))
    if deg.blur:
        page = page.filter(ImageFilter.GaussianBlur(deg.blur))
    if deg.skew:
        page = page.rotate(deg.skew, resample=Image.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    if deg.dpi != renderer.dpi:
        scale = deg.dpi / renderer.dpi
        page = page.resize((round(page.width * scale), round(page.height * scale)), Image.LANCZOS)
    if deg.noise:
        arr = np.asarray(page).astype(np.float32)
        arr += np.random.default_rng(deg.seed).normal(0, deg.noise, arr.shape)
        page = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if deg.border:
        arr = np.asarray(page).copy()
        h, w = arr.shape[:2]
        arr[:, : max(8, w // 60)] = 25
        arr[:, w - max(6, w // 80) :] = 35
        arr[h - max(6, h // 90) :, :] = 30
        page = Image.fromarray(arr)
    if deg.rotate:
        page = page.rotate(deg.rotate, expand=True)
    if deg.phone_photo:
        page = phone_photo(page, random.Random(deg.seed + 11), cut=deg.photo_cut)
    if deg.jpeg or deg.phone_photo:
        buffer = io.BytesIO()
        page.save(buffer, "JPEG", quality=deg.jpeg or 80)
        page = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    page.info["dpi"] = (deg.dpi, deg.dpi)
    return page, overlays


def phone_photo(page: Image.Image, rng: random.Random, cut: bool = False) -> Image.Image:
    """The page as a phone photographs it on a desk and a messaging app passes it on: warped by a random
    perspective (each corner moved by up to ~5% of the frame) onto a darker wood-like texture, a thumb (a shaded
    skin-coloured blob) over its left margin, light falling off across it to under half and the phone's shadow,
    blur and sensor noise, in a frame of ~2000 px on its long side (the page at ~150 dpi). `cut`: the page's bottom
    edge lies below the frame."""
    import cv2

    scale = 2000 / max(page.size)
    src = np.asarray(page.convert("RGB").resize((round(page.width * scale), round(page.height * scale)),
                                                Image.LANCZOS)).astype(np.float32)
    h, w = src.shape[:2]
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    # the table: a brown or grey base, grain along one direction, blotches
    base = np.array(rng.choice([(96, 72, 52), (70, 64, 58), (120, 92, 64), (58, 52, 60)]), dtype=np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    grain = np.sin(xx / rng.uniform(5, 12) + np.sin(yy / rng.uniform(50, 100)) * 3) * 10
    blotch = cv2.resize(nrng.normal(0, 14, (12, 9)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    frame = np.clip(base[None, None, :] + (grain + blotch)[..., None], 0, 255)

    def corner(x: float, y: float) -> tuple[float, float]:  # a hand never holds the phone square
        return x + rng.uniform(-0.05, 0.05) * w, y + rng.uniform(-0.04, 0.04) * h

    # the page keeps its shape: 79% of the frame's width, centred, or low enough that its foot is out of the frame
    top = (0.255 if cut else 0.105) * h
    left, right, bottom = 0.105 * w, 0.895 * w, top + 0.79 * h
    dst = np.float32([corner(left, top), corner(right, top), corner(right, bottom), corner(left, bottom)])
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), dst)
    tint = np.array([rng.uniform(0.9, 0.97), rng.uniform(0.9, 0.96), rng.uniform(0.86, 0.93)], dtype=np.float32)
    warped = cv2.warpPerspective(src * tint, matrix, (w, h), flags=cv2.INTER_AREA)
    inside = cv2.warpPerspective(np.ones((h, w), np.float32), matrix, (w, h), flags=cv2.INTER_LINEAR)[..., None]
    photo = warped * inside + frame * (1 - inside)
    # a thumb from the frame's left edge over the page's left margin, at a random height
    cy = rng.uniform(0.35, 0.75) * h
    edge_x = float(np.interp(cy, dst[[0, 3], 1], dst[[0, 3], 0]))
    d = (xx / (edge_x + 0.03 * w)) ** 2 + ((yy - cy) / (0.07 * h)) ** 2
    thumb = np.clip((1.0 - d) * 6, 0, 1)[..., None]
    shade = (0.75 + 0.25 * np.clip(1 - d, 0, 1))[..., None]
    skin = np.array([rng.uniform(200, 225), rng.uniform(150, 170), rng.uniform(120, 140)], dtype=np.float32)
    photo = photo * (1 - thumb) + skin * shade * thumb
    # light falling off across the frame from a side chosen at random, and the phone's soft shadow
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (xx / w - 0.5) * math.cos(angle) + (yy / h - 0.5) * math.sin(angle)
    light = (0.75 + 0.55 * ramp).clip(0.45, 1.0)
    sx, sy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
    light *= 1 - 0.25 * np.exp(-(((xx - sx) / (0.25 * w)) ** 2 + ((yy - sy) / (0.2 * h)) ** 2))
    photo *= light[..., None]
    photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(1.0, 1.4))
    photo += nrng.normal(0, 4.0, photo.shape).astype(np.float32)
    return Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8))


def _multiply(page: Image.Image, overlay: Image.Image, at: tuple[int, int]) -> Image.Image:
    """Ink over ink: the overlay darkens what is under it (as a stamp does), never whitens the text."""
    layer = Image.new("RGBA", page.size, (255, 255, 255, 0))
    layer.paste(overlay, at, overlay)
    base = np.asarray(page).astype(np.float32) / 255
    top = np.asarray(layer).astype(np.float32) / 255
    alpha = top[..., 3:4]
    ink = top[..., :3] * alpha + (1 - alpha)
    return Image.fromarray((base * ink * 255).astype(np.uint8))


def make_scan(text: str, deg: Degradation, size_pt: float = 14.0) -> list[Page]:
    renderer = Renderer(dpi=300, size_pt=size_pt)
    out = []
    pages = renderer.render(parse_letter(text), handwritten=bool(deg.handwritten), italic_preamble=deg.italic_preamble)
    for k, (image, blocks, info) in enumerate(pages):
        page_deg = Degradation(**{**deg.__dict__, "seed": deg.seed * 100 + k})
        if k > 0:
            page_deg.signature_box = page_deg.stamp = page_deg.publication_stamp = page_deg.portal_stamp = False
        degraded, overlays = degrade(image, info, page_deg, renderer)
        out.append(Page(degraded, "\n\n".join(blocks), overlays))
    return out


def save_pdf(pages: list[Page], path: Path, dpi: int) -> None:
    images = [p.image.convert("RGB") for p in pages]
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=dpi)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("letter", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True, help=".pdf, .png, .jpg or .tif")
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--skew", type=float, default=0.0)
    parser.add_argument("--noise", type=float, default=0.0)
    parser.add_argument("--blur", type=float, default=0.0)
    parser.add_argument("--jpeg", type=int, default=None)
    parser.add_argument("--seal", action="store_true")
    parser.add_argument("--seal-over-text", action="store_true")
    parser.add_argument("--signature-box", action="store_true")
    parser.add_argument("--stamp", action="store_true")
    parser.add_argument("--handwritten", choices=["blue", "black"], help="the number and day written by hand")
    parser.add_argument("--italic-preamble", action="store_true")
    parser.add_argument("--publication-stamp", action="store_true")
    parser.add_argument("--portal-stamp", action="store_true")
    parser.add_argument("--phone-photo", action="store_true", help="a hand-held phone photo of the page")
    parser.add_argument("--truth", type=Path, help="write the ground truth here (pages separated by form feeds)")
    args = parser.parse_args()
    deg = Degradation(dpi=args.dpi, skew=args.skew, noise=args.noise, blur=args.blur, jpeg=args.jpeg, seal=args.seal,
                      seal_over_text=args.seal_over_text, signature_box=args.signature_box, stamp=args.stamp,
                      handwritten=args.handwritten, italic_preamble=args.italic_preamble,
                      publication_stamp=args.publication_stamp, portal_stamp=args.portal_stamp,
                      phone_photo=args.phone_photo)
    pages = make_scan(args.letter.read_text(encoding="utf-8"), deg)
    suffix = args.output.suffix.lower()
    if suffix == ".pdf":
        save_pdf(pages, args.output, args.dpi)
    elif suffix in {".tif", ".tiff"}:
        pages[0].image.save(args.output, save_all=True, append_images=[p.image for p in pages[1:]],
                            dpi=(args.dpi, args.dpi), compression="tiff_deflate")
    else:
        pages[0].image.save(args.output, dpi=(args.dpi, args.dpi), quality=90)
    if args.truth:
        args.truth.write_text("\f".join(p.truth for p in pages), encoding="utf-8")


if __name__ == "__main__":
    main()
