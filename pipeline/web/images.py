"""The pages of an archived scan as images, and where on them each piece of evidence was read.

A page is rendered on demand from the file the archive read (pypdfium2 for a PDF, Pillow for an image) at a
resolution a screen needs, and kept in a cache folder beside the store, bounded in size (the least recently used
pages go first). The boxes the store keeps are in the coordinates of the page as OCR read it (turned, deskewed,
enlarged): they are mapped back through the page's transform to the page as it was loaded, which is the page
rendered here. A file that moved or changed since it was archived (its content hash) is not rendered: the page says
so, and the text view still works.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

from ocr.load import PDFIUM
from ocr.preprocess import map_box

CACHE = "page-cache"
CACHE_LIMIT = 400 * 1024 * 1024  # bytes of cached page images per archive
WIDTH = 1400  # pixels: a page as wide as a large screen shows it
MAX_PIXELS = 6_000_000  # pixels of one page image: a page of any shape (a 60 × 14,400 pt strip) is scaled to fit
MAX_SOURCE_PIXELS = 150_000_000  # a page image larger than this in the file is not decoded at all
_HASHES: dict[tuple[str, int, int], str] = {}
_LOCK = threading.Lock()


def file_state(row: sqlite3.Row) -> str:
    """`ok` when the archived file is where it was and unchanged; else `missing` or `changed`."""
    path = row["path"] if "path" in row.keys() else None
    if not path or not os.path.isfile(path):
        return "missing"
    stat = os.stat(path)
    key = (path, stat.st_size, stat.st_mtime_ns)
    with _LOCK:
        digest = _HASHES.get(key)
    if digest is None:
        sha = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
        digest = sha.hexdigest()
        with _LOCK:
            _HASHES[key] = digest
    return "ok" if digest == row["sha256"] else "changed"


def page_sizes(row: sqlite3.Row) -> dict[int, tuple[tuple[float, ...], tuple[int, int]]]:
    """Per page number: (transform, loaded size) from the document's metadata (pages OCR read)."""
    meta = json.loads(row["meta"] or "{}") if row["meta"] else {}
    out = {}
    for page in meta.get("pages", []):
        size = page.get("input_size") or []
        if len(size) == 2 and size[0] and size[1]:
            out[int(page["page"])] = (tuple(page.get("transform") or ()), (int(size[0]), int(size[1])))
    return out


def to_page(box: list[int] | tuple[int, ...], transform: tuple[float, ...]) -> tuple[int, int, int, int]:
    """A box OCR read (in the prepared page's pixels) → the page as loaded."""
    if not transform:
        return tuple(int(v) for v in box)  # type: ignore[return-value]
    return map_box(transform, tuple(float(v) for v in box), inverse=True)


def render(archive_dir: Path, row: sqlite3.Row, number: int) -> bytes:
    """The PNG of page `number` of a document's file, rendered now or from the cache. Raises LookupError when the
    file is not there as archived, has no such page or cannot be rendered. A cache that cannot be written (a
    read-only archive) only costs the rendering next time."""
    if file_state(row) != "ok":
        raise LookupError("the archived file has moved or changed")
    folder = archive_dir / CACHE
    target = folder / f"{row['sha256'][:20]}-{number}.png"
    try:
        data = target.read_bytes()
        os.utime(target)  # recently used
        return data
    except OSError:
        pass
    try:
        image = _page_image(Path(row["path"]), number)
    except LookupError:
        raise
    except Exception as exc:  # a file the archive read once but a renderer refuses now
        raise LookupError(f"the page cannot be rendered ({type(exc).__name__})") from exc
    width, height = fitted(image.width, image.height)
    if (width, height) != (image.width, image.height):
        image = image.resize((width, height))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False, compress_level=3)
    data = buffer.getvalue()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        _bound(folder)
    except OSError:
        pass
    return data


def fitted(width: float, height: float) -> tuple[int, int]:
    """The size a page is shown at: at most WIDTH wide and MAX_PIXELS in all, its shape kept."""
    scale = min(1.0, WIDTH / width, (MAX_PIXELS / (width * height)) ** 0.5)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _page_image(path: Path, number: int) -> Any:
    from PIL import Image, ImageSequence

    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        with PDFIUM:  # the server renders on its thread pool: one PDFium call at a time (ocr.load.PDFIUM)
            pdf = pdfium.PdfDocument(str(path))
            try:
                if not 1 <= number <= len(pdf):
                    raise LookupError(f"no page {number}")
                pdf.init_forms()
                page = pdf[number - 1]
                width, height = page.get_size()
                scale = fitted(width * 4, height * 4)[0] / width  # rendered at the size shown, never larger
                return page.render(scale=scale, may_draw_forms=True).to_pil().convert("RGB")
            finally:
                pdf.close()
    with Image.open(path) as image:
        for k, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if k == number:
                if frame.width * frame.height > MAX_SOURCE_PIXELS:
                    raise LookupError(f"the page is too large to show ({frame.width} × {frame.height} pixels)")
                if frame.format == "JPEG":
                    frame.draft("RGB", fitted(frame.width, frame.height))  # decoded at a reduced size
                factor = max(1, int(frame.width / fitted(frame.width, frame.height)[0]))
                return (frame.reduce(factor) if factor > 1 else frame).convert("RGB")
    raise LookupError(f"no page {number}")


_ID = re.compile(r"[1-9][0-9]{0,17}")  # ASCII digits, no sign, no leading zero, within SQLite's integers


def strict_id(text: str) -> int | None:
    """A document or page number as the site writes it (`17`), or None: `+1`, `01`, `０１`, `١` and numbers
    too large for the store name no document (int() would read most of them as 1, or overflow)."""
    return int(text) if _ID.fullmatch(text) else None


def _bound(folder: Path) -> None:
    files = sorted(folder.glob("*.png"), key=lambda p: p.stat().st_mtime)
    total = sum(p.stat().st_size for p in files)
    while files and total > CACHE_LIMIT:
        oldest = files.pop(0)
        total -= oldest.stat().st_size
        oldest.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------------------------
# The routes: /page/{id}/{n}.png (a scan's page image) and /file/{id} (the archived file itself)


def routes(archive: Any) -> list[Any]:
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
    from starlette.responses import FileResponse, Response
    from starlette.routing import Route

    from .headers import secure

    def _document_row(request: Request) -> sqlite3.Row:
        doc_id = strict_id(request.path_params["doc_id"])
        if doc_id is None:
            raise HTTPException(404, "No such document.")
        with archive.connect() as conn:
            row = conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise HTTPException(404, "No such document.")
        return row

    def page_image(request: Request) -> Response:
        row = _document_row(request)
        try:
            number = strict_id(request.path_params["number"])
            if number is None:
                raise LookupError("no such page")
            image = render(archive.path.parent, row, number)
        except LookupError as exc:
            raise HTTPException(404, f"No image of this page: {exc}") from None
        return secure(Response(image, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"}))

    def file_download(request: Request) -> Response:
        row = _document_row(request)
        if file_state(row) != "ok":
            raise HTTPException(404, "The archived file has moved or changed since it was read.")
        name = Path(row["path"]).name
        return secure(FileResponse(row["path"], filename=name,
                                    content_disposition_type="attachment"))

    return [Route("/page/{doc_id}/{number}.png", page_image), Route("/file/{doc_id}", file_download)]
