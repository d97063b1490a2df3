"""Helpers for tests that need scans: pages rendered by corpus/scangen.py, cached per session."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "corpus"))

import scangen  # noqa: E402


@lru_cache(maxsize=16)
def pages(letter: str, **degradation) -> list:
    text = (ROOT / "corpus" / "letters" / letter).read_text(encoding="utf-8") if not letter.startswith("/") \
        else Path(letter).read_text(encoding="utf-8")
    return scangen.make_scan(text, scangen.Degradation(**degradation))


def bgr(page) -> np.ndarray:
    return np.asarray(page.image.convert("RGB"))[:, :, ::-1].copy()


def cer(truth: str, text: str) -> float:
    from rapidfuzz.distance import Levenshtein

    t, o = " ".join(truth.split()), " ".join(text.split())
    return Levenshtein.distance(t, o) / max(1, len(t))


SERIF = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"


def born_digital_pdf(path: Path, lines: list[tuple[float, str]], widgets: list[tuple[tuple[float, ...], str, int]],
                     raw_text: bytes | None = None) -> Path:
    """A born-digital A4 PDF as e-office systems leave them: a text layer (`lines`: (x, text) from the top, in
    points) and signature *widgets* whose appearances draw over the page — a typed number or day, a Công báo
    stamp — each (rect in PDF points (x0, y0, x1, y1), text, font size). `raw_text`: a content stream line shown
    in Helvetica as it is (to put a font's control character in the text layer)."""
    import pikepdf
    from fpdf import FPDF

    doc = FPDF(format="A4", unit="pt")
    doc.add_page()
    doc.add_font("serif", "", SERIF)
    doc.set_font("serif", size=13)
    y = 80.0
    for x, text in lines:
        doc.text(x, y, text)
        y += 20
    doc.output(str(path))
    pdf = pikepdf.open(path, allow_overwriting_input=True)
    page = pdf.pages[0]
    helvetica = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                     BaseFont=pikepdf.Name.Helvetica))
    if raw_text is not None:
        page.Resources.Font.Helv = helvetica
        page.contents_add(pdf.make_stream(b"BT /Helv 12 Tf 70 %d Td (%s) Tj ET" % (842 - int(y), raw_text)))
    fields = []
    for k, ((x0, y0, x1, y1), text, size) in enumerate(widgets):
        ops = b"".join(b"BT /Helv %d Tf 2 %d Td (%s) Tj ET " % (size, int((y1 - y0) - (i + 1) * (size + 2)),
                                                                line.encode("latin-1"))
                       for i, line in enumerate(text.split("\n")))
        appearance = pdf.make_stream(ops, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                                     BBox=[0, 0, x1 - x0, y1 - y0],
                                     Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helvetica)))
        fields.append(pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Sig, T=pikepdf.String(f"Sig{k}"),
            Rect=[x0, y0, x1, y1], F=4, AP=pikepdf.Dictionary(N=appearance), P=page.obj)))
    page.obj.Annots = pdf.make_indirect(pikepdf.Array(fields))
    pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array(fields), SigFlags=3))
    pdf.save(path)
    return path
