"""The small frozen records the OCR layer returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Word:
    text: str
    conf: float  # 0–100; -1 for words from a text layer
    bbox: tuple[int, int, int, int]  # x0, y0, x1, y1 in the page image as OCR'd (after deskew)
    block: int = 0
    line: int = 0  # index of the output line this word was placed on


@dataclass(frozen=True)
class Overlay:
    """Something stamped or drawn over the page: kept out of the body text, read as metadata."""

    kind: str  # "signature" (digital-signature box), "publication" (Công báo stamp), "incoming" (CV ĐẾN stamp),
    # "stamp" (other stamped text), "seal"
    text: str
    bbox: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class PageText:
    page: int  # 1-based
    text: str
    mean_confidence: float | None  # None for a text layer
    words: tuple[Word, ...] = ()
    word_offsets: tuple[tuple[int, int], ...] = ()  # span of each word in `text`
    source: str = "ocr"  # "ocr" or "text-layer"
    width: int = 0
    height: int = 0
    dpi: int = 0
    rotation: int = 0  # degrees the page was turned before OCR
    skew: float = 0.0  # degrees corrected
    overlays: tuple[Overlay, ...] = ()
    seconds: float = 0.0
    transform: tuple[float, ...] = ()  # 2×3 affine: pixel of the page as loaded or rendered → pixel of the boxes
    input_size: tuple[int, ...] = ()  # (width, height) of the page as loaded or rendered, in pixels


@dataclass(frozen=True)
class Document:
    source: str
    pages: tuple[PageText, ...] = field(default_factory=tuple)
    pdf_signature: dict[str, str] | None = None  # signer and time from a PDF's signature dictionary
    # the first OCR'd page as loaded (BGR or gray), for reading what was written by hand in its header's blanks
    images: dict[int, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def text(self) -> str:
        """All pages, separated by form feeds (the offsets of a page's text are shifted by its start)."""
        return "\f".join(p.text for p in self.pages)

    def page_starts(self) -> list[int]:
        starts, pos = [], 0
        for p in self.pages:
            starts.append(pos)
            pos += len(p.text) + 1
        return starts
