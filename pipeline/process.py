"""One file → one document record (text files now; scans and PDFs join through `ocr`)."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from nlp.extract import Extraction, extract
from nlp.text import normalize

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}


class VanbanError(Exception):
    """An error that stops one file: carries the stage it happened in and a one-line message."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(message)
        self.stage = stage
        self.message = " ".join(str(message).split())

    def __str__(self) -> str:
        return self.message


def decode_text(data: bytes, source: str = "<input>") -> str:
    """Bytes of a text file → str. UTF-8 (with or without BOM) and UTF-16 with BOM are read as they are."""
    if not data.strip():
        raise VanbanError("read", f"{source}: empty file")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VanbanError(
            "read", f"{source}: not UTF-8 text (byte {exc.start}: {data[exc.start:exc.start + 1]!r})"
        ) from None


def read_text_file(path: Path) -> str:
    try:
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
    return decode_text(data, str(path))


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
                "spans": [list(s) for s in r.spans],
                "pages": list(r.pages),
                "text": r.text,
                "sentence": r.sentence,
                "confidence": r.confidence,
            }
        )
    links = [
        {"source": link.source, "target": link.target, "relation": link.relation, "span": list(link.span),
         "sentence": link.sentence}
        for link in extraction.links
    ]
    named = [{**asdict(n), "span": list(n.span)} for n in extraction.named]
    return {"file": source, "document": document, "references": references, "links": links, "named": named}


def extract_file(path: Path) -> tuple[str, Extraction]:
    """A text file → (prepared text, extraction)."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        raise VanbanError("read", f"{path}: unsupported file type '{path.suffix}' (text files for now)")
    text = prepare(read_text_file(path))
    if not text.strip():
        raise VanbanError("read", f"{path}: no text")
    return text, extract(text)


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


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def process_path(path: Path, source: str | None = None) -> DocumentRecord:
    """One file → one record. Never raises for a bad file: the failure is in the record."""
    source = source or str(path)
    sha = size = None
    try:
        try:
            sha, size = file_digest(path)
        except OSError as exc:
            raise VanbanError("read", f"{path}: {exc.strerror or exc}") from None
        text, extraction = extract_file(path)
    except VanbanError as exc:
        return DocumentRecord(source, sha, size, None, 0, None, "failed", exc.stage, exc.message)
    except Exception as exc:  # noqa: BLE001 - one file's bug must not stop a batch
        return DocumentRecord(source, sha, size, None, 0, None, "failed", "extract",
                              " ".join(f"{type(exc).__name__}: {exc}".split()))
    return DocumentRecord(source, sha, size, text, text.count("\f") + 1, extraction, "ok")
