"""Synthetic OCR: render Vietnamese lines in a real font, degrade the image like a scan, read it with Tesseract.

Used at training time (to learn what OCR makes of each letter) and by the benchmark; never when restoring.
Needs Pillow, pytesseract, the tesseract-ocr packages (eng, vie) and fonts with full Vietnamese glyphs
(fonts-liberation2, fonts-dejavu-core, fonts-freefont-ttf, fonts-noto-core).
"""

from __future__ import annotations

import os
import random
import re
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from .vietnamese import LOWER_LETTERS, nfc

FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts/opentype"))
FONT_FILES = (
    "liberation2/LiberationSerif-Regular.ttf", "liberation2/LiberationSerif-Bold.ttf",
    "liberation2/LiberationSerif-Italic.ttf", "liberation2/LiberationSans-Regular.ttf",
    "freefont/FreeSerif.ttf", "freefont/FreeSerifBold.ttf", "freefont/FreeSans.ttf",
    "noto/NotoSerif-Regular.ttf", "noto/NotoSerif-Bold.ttf", "noto/NotoSans-Regular.ttf",
    "dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSans.ttf", "dejavu/DejaVuSerifCondensed.ttf",
)
_VIETNAMESE = "".join(sorted(set(
    LOWER_LETTERS + "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
))) + "“”‘’–…"


@lru_cache(maxsize=None)
def _covers_vietnamese(path: str) -> bool:
    """Whether the font has a glyph for every Vietnamese letter (both cases)."""
    try:
        from fontTools.ttLib import TTFont

        cmap = TTFont(path, lazy=True).getBestCmap()
    except Exception:  # noqa: BLE001 - no fontTools or unreadable font: not usable
        return False
    chars = set(_VIETNAMESE) | set(_VIETNAMESE.upper())
    return all(ord(ch) in cmap for ch in chars)


def vietnamese_fonts() -> list[str]:
    """Installed fonts (from FONT_FILES) that cover Vietnamese."""
    out = []
    for rel in FONT_FILES:
        for base in FONT_DIRS:
            path = base / rel
            if path.is_file() and _covers_vietnamese(str(path)):
                out.append(str(path))
                break
    return out


@dataclass(frozen=True)
class Style:
    font: str
    size: int  # pixel height of the font
    blur: float  # Gaussian radius
    scale: float  # down-sampling factor before up-sampling back (1 = none)
    noise: float  # fraction of speckled pixels
    threshold: bool  # binarise like a fax/scan


def random_style(rng: random.Random, fonts: list[str], harsh: bool) -> Style:
    if harsh:
        return Style(rng.choice(fonts), rng.choice([20, 22, 24, 26, 28, 32]), rng.choice([0.0, 0.4, 0.7, 1.0]),
                     rng.choice([1.0, 0.75, 0.6, 0.5]), rng.choice([0.0, 0.002, 0.006]), rng.random() < 0.5)
    return Style(rng.choice(fonts), rng.choice([26, 30, 34, 40, 46]), rng.choice([0.0, 0.0, 0.3, 0.6]),
                 rng.choice([1.0, 1.0, 0.8, 0.7]), rng.choice([0.0, 0.0, 0.002]), rng.random() < 0.3)


def render(lines: list[str], style: Style, seed: int = 0):
    """The lines as a grey-scale page image."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(style.font, style.size)
    spacing = int(style.size * 1.55)
    width = int(max((font.getlength(line) for line in lines), default=100)) + 2 * style.size
    height = spacing * len(lines) + 2 * style.size
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((style.size, style.size + i * spacing), line, font=font, fill=0)
    if style.blur:
        img = img.filter(ImageFilter.GaussianBlur(style.blur))
    if style.scale < 1:
        small = img.resize((max(1, int(width * style.scale)), max(1, int(height * style.scale))), Image.BILINEAR)
        img = small.resize((width, height), Image.BILINEAR)
    if style.noise:
        rng = random.Random(seed)
        px = img.load()
        for _ in range(int(width * height * style.noise)):
            x, y = rng.randrange(width), rng.randrange(height)
            px[x, y] = 0 if rng.random() < 0.5 else 255
    if style.threshold:
        img = img.point(lambda v: 0 if v < 150 else 255)
    return img


def ocr(img, lang: str) -> str:
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    return nfc(pytesseract.image_to_string(img, lang=lang, config="--psm 6"))


def wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), width=width, break_long_words=False, break_on_hyphens=False)


_WORD = re.compile(r"\S+")


def align_words(source: str, output: str) -> list[tuple[str, str | None]]:
    """For each whitespace-separated word of `source`, the text OCR put in its place (None where the reading
    crosses a word boundary: a split or a merge). Character alignment with Levenshtein edit operations."""
    src = " ".join(source.split())
    out = " ".join(output.split())
    # map every source character to an output position range
    ops = Levenshtein.opcodes(src, out)
    src_to_out_start = [0] * (len(src) + 1)
    src_to_out_end = [0] * (len(src) + 1)
    for tag, i1, i2, j1, j2 in ops:
        if tag in ("equal", "replace") and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                src_to_out_start[i1 + k] = j1 + k
                src_to_out_end[i1 + k] = j1 + k + 1
        else:
            for k in range(i1, i2):
                src_to_out_start[k] = j1
                src_to_out_end[k] = j2
    # insertions attach to the preceding source character
    for tag, i1, i2, j1, j2 in ops:
        if tag == "insert" and i1 > 0:
            src_to_out_end[i1 - 1] = max(src_to_out_end[i1 - 1], j2)
    pairs: list[tuple[str, str | None]] = []
    for m in _WORD.finditer(src):
        a, b = m.start(), m.end()
        start = src_to_out_start[a]
        end = max(src_to_out_end[k] for k in range(a, b))
        piece = out[start:end]
        # the previous char (space) may have attracted an insertion that belongs to this word
        pairs.append((m.group(), None if " " in piece.strip() else piece.strip()))
    return pairs
