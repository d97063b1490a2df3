"""A PDF's invisible text layer taken out, its pages and their visible content left as they are.

An earlier OCR's text layer is text drawn in render mode 3 (`3 Tr`: neither filled nor stroked) over the page image,
on the page itself or inside a form XObject (OCRmyPDF puts its layer in one). `vanban pdf --redo-ocr` replaces
such a layer with vanban's reading. OCRmyPDF does that itself only with a Ghostscript that keeps a PDF's own text
(≥ 10.02.1); with Debian 12's, vanban takes the old layer out here (pikepdf's content-stream parser) and gives
OCRmyPDF a PDF whose scanned pages have no text left, which it reads as any scan.

    pages, visible = strip_invisible_text(Path("old-ocr.pdf"), Path("/tmp/bare.pdf"))
    # visible: the 1-based pages that still show text of their own (a born-digital page keeps it)

Text-showing operators (`Tj`, `TJ`, `'`, `"`) drawn in mode 3 are dropped; every other operator stays, so the
graphics state, the images and any visible text are untouched. The render mode is followed through `q`/`Q`
(saved and restored with the graphics state) and into forms (which start from the state that draws them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_SHOW = {"Tj", "TJ", "'", '"'}
INVISIBLE = 3


def _filtered(instructions: list[Any], mode: int) -> tuple[list[Any], bool, bool]:
    """(the instructions without invisible text, whether any invisible text was dropped, whether visible text
    remains), starting in render mode `mode`."""
    import pikepdf

    kept: list[Any] = []
    stack: list[int] = []
    dropped = visible = False
    for instruction in instructions:
        operator = str(instruction.operator) if isinstance(instruction, pikepdf.ContentStreamInstruction) else ""
        if operator == "q":
            stack.append(mode)
        elif operator == "Q" and stack:
            mode = stack.pop()
        elif operator == "Tr" and instruction.operands:
            mode = int(instruction.operands[0])
        elif operator in _SHOW:
            if mode == INVISIBLE:
                dropped = True
                continue
            visible = True
        kept.append(instruction)
    return kept, dropped, visible


def _strip(pdf: Any, owner: Any, mode: int, seen: dict[tuple[int, int], tuple[bool, bool]]) -> tuple[bool, bool]:
    """Invisible text out of `owner`'s content (a page or a form XObject) and of the forms it draws; (dropped,
    visible) as `_filtered` says, over all of them. `seen`: what each form shared between pages gave."""
    import pikepdf

    instructions = list(pikepdf.parse_content_stream(owner))
    kept, dropped, visible = _filtered(instructions, mode)
    if dropped:
        data = pikepdf.unparse_content_stream(kept)
        if isinstance(owner, pikepdf.Page):
            owner.obj.Contents = pdf.make_stream(data)
        else:
            owner.write(data)
    resources = owner.obj.get("/Resources") if isinstance(owner, pikepdf.Page) else owner.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    for _name, xobject in (xobjects.items() if xobjects is not None else ()):
        if xobject.get("/Subtype") != "/Form":
            continue
        if xobject.objgen in seen:
            inner_dropped, inner_visible = seen[xobject.objgen]
        else:
            seen[xobject.objgen] = (False, False)  # (a form that draws itself is not followed again)
            inner_dropped, inner_visible = seen[xobject.objgen] = _strip(pdf, xobject, mode, seen)
        dropped, visible = dropped or inner_dropped, visible or inner_visible
    return dropped, visible


def strip_invisible_text(source: Path, target: Path) -> tuple[int, set[int]]:
    """`source` written to `target` without its invisible text; (its pages, the 1-based numbers of the pages that
    still show text)."""
    import pikepdf

    with pikepdf.open(source) as pdf:
        visible_pages = set()
        seen: dict[tuple[int, int], tuple[bool, bool]] = {}
        for number, page in enumerate(pdf.pages, start=1):
            _dropped, visible = _strip(pdf, page, 0, seen)
            if visible:
                visible_pages.add(number)
        target.parent.mkdir(parents=True, exist_ok=True)
        pdf.save(target)
        return len(pdf.pages), visible_pages
