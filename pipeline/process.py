"""One file → one document record: text files read as they are, scans and PDFs through `ocr`, then `nlp`.

Every span the extraction reports indexes the prepared text; for scans, `Loaded.evidence` maps a span back to its
page and the boxes of the words it covers.
"""

from __future__ import annotations

import codecs
import hashlib
import threading
from dataclasses import asdict, dataclass, field
from dataclasses import replace as dc_replace
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from nlp.extract import Extraction, extract, with_header
from nlp.header import incoming_stamp, stamp_time, with_overlays
from nlp.references import reference_id
from nlp.text import fold_lower, normalize

from .handwritten import filled_text
from .stages import stage
from .stages import take as take_stages

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
SCAN_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES - {""} | SCAN_SUFFIXES


class VanbanError(Exception):
    """An error that stops one file: carries the stage it happened in, a one-line message for people, and for an
    unexpected failure the exception's own class and text (`detail`: errors.csv and --debug, never the message)."""

    def __init__(self, stage: str, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.stage = stage
        self.message = " ".join(str(message).split())
        self.detail = " ".join(detail.split()) if detail else None

    def __str__(self) -> str:
        return self.message


_DOING = {"read": "reading the file", "ocr": "reading the scan", "extract": "reading the document's text"}


def internal(stage: str, source: object, exc: BaseException) -> VanbanError:
    """An unexpected exception as one line a person can act on; its class and text kept as the detail."""
    if isinstance(exc, MemoryError):
        return VanbanError(stage, f"{source}: not enough memory for {_DOING.get(stage, stage)}", "MemoryError")
    text = " ".join(str(exc).split())[:160]
    return VanbanError(stage, f"{source}: internal error while {_DOING.get(stage, stage)}" + (f" ({text})" if text
                                                                                              else ""),
                       f"{type(exc).__name__}: {exc}")


def decode_text(data: bytes, source: str = "<input>") -> str:
    """Bytes of a text file → str: UTF-8 (with or without BOM), UTF-16 with BOM, or a legacy Vietnamese encoding
    (Windows-1258, TCVN3, VNI) recognised by which reading gives Vietnamese words. UTF-8 text that is really
    TCVN3/VNI font mojibake ("Qu¶ng Ng·i") is converted too."""
    return decode_text_with_encoding(data, source)[0]


def decode_text_with_encoding(data: bytes, source: str = "<input>") -> tuple[str, str]:
    from nlp.legacy import decode

    if not data.strip():
        raise VanbanError("read", f"{source}: empty file")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    decoded = decode(data)
    if decoded.encoding not in {"utf-8"} and decoded.score < 0.5:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise VanbanError(
                "read", f"{source}: not UTF-8 text nor a Vietnamese legacy encoding (byte {exc.start}: "
                f"{data[exc.start:exc.start + 1]!r})"
            ) from None
    return decoded.text, decoded.encoding


def read_text_file(path: Path) -> str:
    return read_text_with_encoding(path)[0]


def read_text_with_encoding(path: Path) -> tuple[str, str]:
    """(text, the encoding it was in). A file over the run's limit of bytes per text file is refused unread."""
    from .limits import current

    limit = current().text_bytes
    try:
        size = path.stat().st_size
        if limit and size > limit:
            raise VanbanError("read", f"{path}: {size:,} bytes, more than the limit of {limit:,} bytes per text file "
                                      "(--max-text-mb)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise VanbanError("read", f"{path}: no such file") from None
    except IsADirectoryError:
        raise VanbanError("read", f"{path}: is a directory") from None
    except PermissionError:
        raise VanbanError("read", f"{path}: permission denied") from None
    except OSError as exc:
        raise VanbanError("read", f"{path}: {exc.strerror or exc}") from None
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise VanbanError("read", f"{path}: binary file, not text (scans and PDFs need the OCR stage)")
    return decode_text_with_encoding(data, str(path))


def prepare(text: str) -> str:
    """The text that every later stage and every span refers to: NFC, tone marks placed, zero-widths gone."""
    return normalize(text)


def extraction_to_dict(extraction: Extraction, source: str | None) -> dict[str, Any]:
    """The contract's `vanban extract --json` shape (with a few extra fields)."""
    h = extraction.header
    document = {
        "symbol": h.symbol,
        "number": h.number,
        "type": h.type,
        "type_code": h.type_code,
        "date": h.date,
        "date_partial": h.date_partial,
        "date_source": h.date_source,
        "date_confidence": h.date_confidence,
        "number_source": h.number_source,
        "number_confidence": h.number_confidence,
        "signed_at": h.signed_at,
        "published_at": h.published_at,
        "issuer": h.issuer,
        "issuer_parent": h.issuer_parent,
        "issuer_code": h.issuer_code,
        "place": h.place,
        "subject": h.subject,
        "recipients": list(h.recipients),
        "signer": {"authority": h.signer_authority, "title": h.signer_title, "name": h.signer_name},
        "self_mentions": len(extraction.self_mentions),
    }
    references = []
    for r in extraction.references:
        references.append(
            {
                "id": r.id,
                "symbol": r.symbol,
                "number": r.number,
                "type": r.type,
                "type_code": r.type_code,
                "issuer_code": r.issuer_code,
                "issuer": r.issuer,
                "scope": r.scope,
                "date": r.date,
                "relation": r.relation,
                "relations": list(r.relations),
                "mentions": r.mentions,
                "variants": list(r.variants),
                "spans": [list(s) for s in r.spans],
                "pages": list(r.pages),
                "text": r.text,
                "sentence": r.sentence,
                "confidence": r.confidence,
                **({"resolved_from": r.resolved_from} if r.resolved_from else {}),
                **({"resolved_how": r.resolved_how} if r.resolved_how else {}),
                **({"notes": list(r.notes)} if r.notes else {}),  # relations stated but failing the checks
                **({"title": r.title} if r.title else {}),
            }
        )
    links = [
        {"source": link.source, "target": link.target, "relation": link.relation, "span": list(link.span),
         "sentence": link.sentence, **({"note": link.note} if link.note else {})}
        for link in extraction.links
    ]
    named = [{**asdict(n), "span": list(n.span)} for n in extraction.named]
    return {"file": source, "document": document, "references": references, "links": links, "named": named}


@dataclass(frozen=True)
class Loaded:
    """A file's prepared text, and for scans its pages (words, boxes, overlays) to trace spans back to."""

    text: str
    kind: str  # "text", "pdf-text" (a PDF's text layer), "scan" (OCR'd, at least in part)
    pages: tuple[Any, ...] = ()  # ocr.models.PageText
    word_spans: tuple[tuple[int, int, int, tuple[int, int, int, int]], ...] = ()  # (start, end, page, bbox)
    word_confs: tuple[float, ...] = ()  # Tesseract's confidence (0–100) of each of those words
    overlays: tuple[Any, ...] = ()  # ocr.models.Overlay
    pdf_signature: dict[str, str] | None = None
    encoding: str | None = None  # of a text file: utf-8, windows-1258, tcvn3, vni ...
    images: dict[int, Any] = field(default_factory=dict, compare=False, repr=False)  # page images kept for reading
    # handwriting (the first OCR'd page); dropped once the file is processed
    blanks: dict[str, Any] = field(default_factory=dict)  # what was read in the header's handwritten blanks
    name: str | None = None  # the file's name (archives often name a scan by its number: `11CT.pdf`)

    def evidence(self, span: tuple[int, int]) -> tuple[int, list[list[int]]]:
        """(page, word boxes) of a span of the text: where on the scan a reference was read."""
        page = self.text.count("\f", 0, span[0]) + 1
        boxes = [list(bbox) for start, end, p, bbox in self.word_spans if start < span[1] and end > span[0]]
        return page, boxes

    def meta(self) -> dict[str, Any]:
        pages = [{"page": p.page, "source": p.source, "mean_confidence": p.mean_confidence, "rotation": p.rotation,
                  "skew": p.skew, "dpi": p.dpi, "width": p.width, "height": p.height} for p in self.pages]
        pages = [{**entry, "transform": list(p.transform), "input_size": list(p.input_size)}
                 for entry, p in zip(pages, self.pages)]
        overlays = [{"kind": o.kind, "text": o.text, "bbox": list(o.bbox) if o.bbox else None} for o in self.overlays]
        return {"kind": self.kind, "encoding": self.encoding, "pages": pages, "overlays": overlays,
                "pdf_signature": self.pdf_signature, "blanks": self.blanks}


def load_models_meanwhile(path: Path) -> threading.Thread:
    """Load the models a file's reading will need — the restorer's, and for a scan the line reader's — on a thread,
    while the reading that comes first (Tesseract, in a process of its own) goes on: a one-file command
    (`vanban ocr`, `pdf`, `extract`) then finds them loaded (a real one-page letter: 3.9 → 3.6 s). A batch's workers have them from their
    fork server instead (`pipeline.workers.warmup`). The thread is no daemon: a command that fails at once (a file
    that cannot be read) waits for it (under a second) rather than end while ONNX Runtime builds its session on
    it, which aborts the process (`terminate called without an active exception`)."""

    def work() -> None:
        try:
            from nlp.restore import load_model

            load_model()
            if path.suffix.lower() in SCAN_SUFFIXES:
                from ocr.line_reader import available

                available()
        except Exception:  # noqa: BLE001 - the reading loads them itself, and says what fails
            pass

    thread = threading.Thread(target=work, name="vanban-models")  # not a daemon: see the docstring
    thread.start()
    return thread


def load(path: Path, *, force_ocr: bool = False) -> Loaded:
    """Any supported file → its prepared text (scans OCR'd; `force_ocr`: PDF text layers too)."""
    suffix = path.suffix.lower()
    if suffix in SCAN_SUFFIXES:
        return load_scan(path, force_ocr=force_ocr)
    if suffix not in TEXT_SUFFIXES:
        raise VanbanError("read", f"{path}: unsupported file type '{path.suffix}'")
    raw, encoding = read_text_with_encoding(path)
    text = prepare(raw)
    if not text.strip():
        raise VanbanError("read", f"{path}: no text")
    return Loaded(text=text, kind="text", encoding=encoding)


def load_scan(path: Path, *, force_ocr: bool = False) -> Loaded:
    """A scan or PDF read by `ocr`: a text layer is taken only where it reads as Vietnamese (a scanner's own OCR
    layer often does not: `Nghị quyf3t`), other pages are OCR'd."""
    import ocr
    from nlp.readable import reads_as_vietnamese

    from .limits import to_page_loader

    to_page_loader()
    try:
        document = ocr.read(path, force_ocr=force_ocr, accept_layer=lambda text: reads_as_vietnamese(prepare(text)))
    except ocr.NoTextError as exc:
        raise VanbanError("ocr", str(exc)) from None
    except ocr.LoadError as exc:
        raise VanbanError("read", str(exc)) from None
    except FileNotFoundError:
        raise VanbanError("read", f"{path}: no such file") from None
    except PermissionError:
        raise VanbanError("read", f"{path}: permission denied") from None
    parts: list[str] = []
    spans: list[tuple[int, int, int, tuple[int, int, int, int]]] = []
    confs: list[float] = []
    pos = 0
    for k, page in enumerate(document.pages):
        if k:
            parts.append("\f")
            pos += 1
        text = prepare(page.text)
        if len(text) == len(page.text):  # normalisation kept every offset (the usual case)
            spans += [(pos + a, pos + b, page.page, w.bbox) for (a, b), w in zip(page.word_offsets, page.words)]
            confs += [w.conf for w in page.words]
        else:  # find each (normalised) word again, in order
            cursor = 0
            for w in page.words:
                found = text.find(prepare(w.text), cursor)
                if found >= 0:
                    spans.append((pos + found, pos + found + len(prepare(w.text)), page.page, w.bbox))
                    confs.append(w.conf)
                    cursor = found + len(prepare(w.text))
        parts.append(text)
        pos += len(text)
    kind = "pdf-text" if all(p.source == "text-layer" for p in document.pages) else "scan"
    overlays = tuple(o for p in document.pages for o in p.overlays)
    return Loaded(text="".join(parts), kind=kind, pages=document.pages, word_spans=tuple(spans),
                  word_confs=tuple(confs), overlays=overlays, pdf_signature=document.pdf_signature,
                  images=dict(document.images), name=path.name)


def extract_loaded(loaded: Loaded, *, restore: bool = True) -> Extraction:
    """Extraction of a loaded file: restoration where the text is garbled, the header completed from the
    overlays (signature time) when needed. `restore=False` reads the text only as it came."""
    return analyse(loaded, restore=restore).extraction


def overlay_texts(loaded: Loaded) -> tuple[str, str]:
    """(the digital-signature box's text, the Công báo stamp's text); a PDF's signature dictionary stands in for a
    box that the page does not draw."""
    signature = "\n".join(o.text for o in loaded.overlays if o.kind == "signature")
    if loaded.pdf_signature and loaded.pdf_signature.get("time"):
        stamp = loaded.pdf_signature["time"]  # "D:20250203104725+07'00'"
        digits = stamp[2:16] if stamp.startswith("D:") else ""
        if digits.isdigit() and len(digits) == 14 and stamp_time(signature) is None:
            signature += (f"\nThời gian ký: {digits[6:8]}/{digits[4:6]}/{digits[0:4]} "
                          f"{digits[8:10]}:{digits[10:12]}:{digits[12:14]}")
    publication = "\n".join(o.text for o in loaded.overlays if o.kind == "publication")
    return signature, publication


@dataclass(frozen=True)
class Analysis:
    extraction: Extraction
    restored: str | None  # the text restored, None when restoration changed nothing
    restored_map: tuple[tuple[int, int, int, int], ...]  # the restoration's changes: (start, end, new start, new end)
    blanks: dict[str, Any]  # what was read in the header's handwritten blanks


def analyse(loaded: Loaded, *, restore: bool = True) -> Analysis:
    """The extraction, the restored text (and how its offsets map to the text as it came), and the handwriting
    read in the header's blanks."""
    with stage("restore"):
        restored = restore_text(loaded) if restore else None
    with stage("extract"):
        doubtful = ()
        if loaded.word_spans:
            from ocr.lost_digits import wide_numbers

            doubtful = wide_numbers(loaded.text, loaded.word_spans)
        extraction = extract_restored(loaded.text, restored, doubtful)
        signature, publication = overlay_texts(loaded)
        header = with_overlays(extraction.header, signature or None, publication or None, fallback=False)
        blanks: dict[str, Any] = {}
        if loaded.images:
            from .handwritten import fill_blanks

            header, blanks = fill_blanks(loaded, header, extraction.references)
        header = with_overlays(header, signature or None, publication or None)
        if header != extraction.header:
            extraction = with_header(extraction, header)
    mapping = tuple((c.start, c.end, c.new_start, c.new_end) for c in restored.changes) if restored else ()
    return Analysis(extraction, restored.text if restored is not None else None, mapping, blanks)


def restore_text(loaded: Loaded) -> Any:
    """nlp.restore over the loaded text (OCR word confidences guide it on scans); None when it changes nothing."""
    from nlp.restore import restore

    confidences = None
    if loaded.word_spans and loaded.pages:
        confs = [w.conf for page in loaded.pages for w in page.words]
        if len(confs) == len(loaded.text.split()):
            confidences = [max(0.0, c) for c in confs]
    # a text file or a PDF's own text layer is written, not read: only its lines that are not good Vietnamese are
    # restored (a clean document passes as it is, undecoded)
    restored = restore(loaded.text, mode="auto", confidences=confidences, typed=loaded.kind in ("text", "pdf-text"))
    return restored if restored.changes else None


_HEADER_TEXT_FIELDS = ("subject", "recipients", "signer_authority", "signer_title", "signer_name")


def extract_restored(text: str, restored: Any | None, doubtful: tuple[tuple[int, int], ...] = ()) -> Extraction:
    """References read from the text as it came (the grammar repairs garbled symbols itself, and every span stays
    an offset of that text), plus any that only the restored text shows (mapped back); the header's prose fields
    and every snippet taken from the restored text, which people can read. `doubtful`: numbers of the text OCR
    read with a digit lost (`ocr.lost_digits`)."""
    original = extract(text, doubtful)
    if restored is None:
        return original
    better = extract(restored.text, tuple((restored.to_restored(a), restored.to_restored(b)) for a, b in doubtful))
    header = original.header
    fields = {f: getattr(better.header, f) for f in _HEADER_TEXT_FIELDS if getattr(better.header, f)}
    for name in ("place", "issuer", "issuer_parent", "province", "type", "date", "date_partial"):
        if getattr(header, name) is None and getattr(better.header, name) is not None:
            fields[name] = getattr(better.header, name)
    for name in ("issuer", "issuer_parent"):  # a body named as its letterhead prints it, its marks restored
        said, fixed = getattr(header, name), getattr(better.header, name)  # (`… Càn Thơ` → `… Cần Thơ`)
        if said and fixed and said != fixed and fuzz.ratio(fold_lower(said), fold_lower(fixed)) >= 90:
            fields[name] = fixed
    header = dc_replace(header, **fields)

    def readable(mention):  # the same sentence, restored
        start, end = mention.sentence_span
        sentence = " ".join(restored.text[restored.to_restored(start) : restored.to_restored(end)].split())
        return dc_replace(mention, sentence=sentence or mention.sentence)

    references = [dc_replace(r, sentence=readable(r.mention_list[0]).sentence,
                             mention_list=tuple(readable(m) for m in r.mention_list)) for r in original.references]
    references = _dated_as_restored(references, better.references)
    known = {r.symbol for r in references} | {m.symbol for m in original.self_mentions}
    for ref in better.references:
        if ref.symbol in known:
            continue
        back = tuple(dc_replace(m, span=(restored.to_original(m.span[0]), restored.to_original(m.span[1])),
                                symbol_span=(restored.to_original(m.symbol_span[0]),
                                             restored.to_original(m.symbol_span[1])),
                                text=text[restored.to_original(m.span[0]) : restored.to_original(m.span[1])])
                     for m in ref.mention_list)
        references.append(dc_replace(ref, spans=tuple(m.span for m in back), text=back[0].text, mention_list=back))
    references.sort(key=lambda r: r.spans[0][0])
    named = tuple(dc_replace(n, span=(restored.to_original(n.span[0]), restored.to_original(n.span[1])))
                  for n in better.named)  # titles as restored, spans into the text as it came
    return dc_replace(original, header=header, references=tuple(references), named=named)


def _dated_as_restored(references: list, restored: tuple) -> list:
    """A reference the text as it came gives no date, whose one date the restored text shows (`ngày 22 tháng II năm
    2019` restored to 11): that date, when the symbol has no dated reading of its own."""
    dates: dict[str, set[str]] = {}
    for ref in restored:
        if ref.date:
            dates.setdefault(ref.symbol, set()).add(ref.date)
    dated = {r.symbol for r in references if r.date}
    out = []
    for ref in references:
        found = dates.get(ref.symbol, set())
        if ref.date is None and len(found) == 1 and ref.symbol not in dated:
            (date,) = found
            ref = dc_replace(ref, date=date, id=reference_id(ref.type_code, ref.symbol, date))
        out.append(ref)
    return out


def registration(loaded: Loaded) -> tuple[str | None, str | None]:
    """The incoming-document stamp (`CV ĐẾN Số: 2352 Ngày: 21.3.18`): the archive's registration number and date."""
    stamp = "\n".join(o.text for o in loaded.overlays if o.kind == "incoming")
    return incoming_stamp(stamp) if stamp else (None, None)


@dataclass(frozen=True)
class DocumentRecord:
    """What one file gave: its text and extraction, or the stage and one-line error where it failed."""

    source: str
    sha256: str | None
    size: int | None
    text: str | None
    pages: int
    extraction: Extraction | None
    status: str  # "ok" / "failed"
    stage: str | None = None
    error: str | None = None
    loaded: Loaded | None = None
    restored: str | None = None  # the text with diacritics restored and garble repaired, when that changed it
    detail: str | None = None  # an unexpected failure's exception (class and text), for errors.csv
    restored_map: tuple[tuple[int, int, int, int], ...] = ()  # how offsets of `text` map into `restored`
    path: str | None = None  # the file's absolute path when it was read (the web page renders and serves it)
    stages: tuple[tuple[str, float, float], ...] = ()  # (stage, seconds, peak MB) of reading it: `run --profile`
    corrected: str | None = None  # `restored` (or `text`) with the blanks' handwriting put in, when that changed it


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def process_path(path: Path, source: str | None = None, *, force_ocr: bool = False) -> DocumentRecord:
    """One file → one record. Never raises for a bad file: the failure is in the record."""
    source = source or str(path)
    sha = size = None
    take_stages()  # what this process measured before (outside a run) is not this file's
    try:
        try:
            sha, size = file_digest(path)
        except OSError as exc:
            raise VanbanError("read", f"{path}: {exc.strerror or exc}") from None
        try:
            with stage("ocr" if path.suffix.lower() in SCAN_SUFFIXES else "read"):
                loaded = load(path, force_ocr=force_ocr)
        except VanbanError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise internal("ocr" if path.suffix.lower() in SCAN_SUFFIXES else "read", path, exc) from None
        try:
            analysis = analyse(loaded)
        except Exception as exc:  # noqa: BLE001
            raise internal("extract", path, exc) from None
        loaded = dc_replace(loaded, images={}, blanks=analysis.blanks)  # page images are not kept in the record
    except VanbanError as exc:
        return DocumentRecord(source, sha, size, None, 0, None, "failed", exc.stage, exc.message, detail=exc.detail,
                              stages=take_stages())
    except Exception as exc:  # noqa: BLE001 - one file's bug must not stop a batch
        error = internal("extract", path, exc)
        return DocumentRecord(source, sha, size, None, 0, None, "failed", error.stage, error.message,
                              detail=error.detail, stages=take_stages())
    corrected = filled_text(loaded.text, analysis.restored, analysis.restored_map, loaded.word_spans,
                            analysis.blanks)
    if corrected == (analysis.restored if analysis.restored is not None else loaded.text):
        corrected = None
    return DocumentRecord(source, sha, size, loaded.text, loaded.text.count("\f") + 1, analysis.extraction, "ok",
                          loaded=loaded, restored=analysis.restored, restored_map=analysis.restored_map,
                          path=str(path.resolve()), stages=take_stages(), corrected=corrected)
