"""What one file may cost `vanban run`: pages, pixels per page, bytes of text, seconds and memory.

A file over a limit is recorded as failed with one line that names the limit and its option, and the batch goes on.
The defaults fit a province's archive (letters of a few pages, decrees with annexes of a few hundred, A3 scans at
600 dpi) with room to spare; each is set per run (`vanban run --max-pages 2000 ...`), 0 meaning no limit.

    pages        pages of one PDF or TIFF                         500            --max-pages
    megapixels   pixels of one page image (a PNG, JPEG, TIFF      150 (an A0     --max-megapixels
                 frame); PDF pages are rendered at a bounded      page at 300
                 size and never refused for it)                   dpi is 140)
    text_mb      megabytes of one text file                       2              --max-text-mb
    seconds      seconds to read one file                         1200           --max-seconds
    memory_mb    memory of one worker process                     4096           --max-memory-mb
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    pages: int = 500
    megapixels: float = 150.0
    text_mb: float = 2.0
    seconds: float = 1200.0
    memory_mb: float = 4096.0

    @property
    def text_bytes(self) -> int | None:
        return int(self.text_mb * 1_000_000) if self.text_mb else None


DEFAULT = Limits()
_current = [DEFAULT]


def current() -> Limits:
    """The limits of this process (set by `apply` before the workers start; they inherit them)."""
    return _current[0]


def apply(limits: Limits) -> None:
    """Make `limits` those of this process and of the page loader (told now if it is loaded, else by
    `to_page_loader` before the first scan: a worker that reads only text never imports OpenCV)."""
    _current[0] = limits
    if "ocr.load" in sys.modules:
        to_page_loader()


def to_page_loader() -> None:
    """This process's limits of pages and pixels, given to `ocr.load` (before a scan or PDF is read)."""
    from ocr import load

    limits = current()
    load.set_limits(pages=limits.pages or None,
                    pixels=int(limits.megapixels * 1_000_000) if limits.megapixels else None)
