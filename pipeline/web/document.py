"""A document's page: its text with every reference highlighted and linked, its scan pages with the references
and handwritten fields boxed, its header facts with where each came from, what it cites and what cites it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..archive.query import neighbours
from .search import DIRECTION_LABELS, doc_href, node_view, section


def _mapping(document: sqlite3.Row) -> Any:
    """The restoration's offset mapping of a document (text as it came → restored text), or None. An archive
    written before the map was stored gets one from an alignment of the two texts."""
    from nlp.restore import Change, Restored

    if not document["restored_text"] or document["text"] is None:
        return None
    raw = document["restored_map"] if "restored_map" in document.keys() else None
    if raw:
        spans = [tuple(c) for c in json.loads(raw)]
    else:
        from rapidfuzz.distance import Levenshtein

        spans = [(op.src_start, op.src_end, op.dest_start, op.dest_end)
                 for op in Levenshtein.opcodes(document["text"], document["restored_text"]) if op.tag != "equal"]
    changes = tuple(Change(a, b, c, d, "", "", 1.0) for a, b, c, d in spans)
    return Restored(document["restored_text"], changes)


def line_boxes(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Word boxes joined into one box per line of print (a reference that wraps is two boxes, not one block)."""
    lines: list[list[int]] = []
    for x0, y0, x1, y1 in sorted(boxes, key=lambda b: ((b[1] + b[3]) / 2, b[0])):
        for line in lines:
            overlap = min(y1, line[3]) - max(y0, line[1])
            if overlap > 0.5 * min(y1 - y0, line[3] - line[1]):
                line[:] = [min(x0, line[0]), min(y0, line[1]), max(x1, line[2]), max(y1, line[3])]
                break
        else:
            lines.append([x0, y0, x1, y1])
    return [tuple(line) for line in lines]  # type: ignore[misc]


def page_views(conn: sqlite3.Connection, document: sqlite3.Row, view: str = "restored",
               image_ok: bool = False) -> list[dict[str, Any]]:
    """The document's pages: its text (restored, or as read) cut into plain pieces and linked references, and for a
    scan the page image with a box where each reference (and each handwritten or stamped header field) was read."""
    from . import images as page_images

    mapping = _mapping(document) if view == "restored" else None
    text = mapping.text if mapping is not None else (document["text"] or "")
    rows = conn.execute(
        "SELECT m.id, m.node_id, m.start, m.end, m.page, m.relation, m.boxes, m.resolved_from, n.symbol, n.type "
        "FROM mentions m "
        "LEFT JOIN nodes n ON n.id = m.node_id WHERE m.document_id = ? ORDER BY m.start, m.end DESC",
        (document["id"],)).fetchall()
    mentions = []
    for row in rows:
        item = dict(row)
        if mapping is not None and row["start"] is not None and row["end"] is not None:
            item["start"], item["end"] = mapping.to_restored(row["start"]), mapping.to_restored(row["end"])
        mentions.append(item)
    sizes = page_images.page_sizes(document)
    fields = _field_boxes(document)
    pages, start = [], 0
    for number, body in enumerate(text.split("\f"), start=1):
        end = start + len(body)
        page: dict[str, Any] = {"number": number, "segments": _segments(text, start, end, mentions),
                                "image": None}
        if number in sizes and image_ok:
            transform, size = sizes[number]
            boxes = []
            for m in mentions:
                if m["page"] == number and m["boxes"]:
                    words = [page_images.to_page(b, transform) for b in json.loads(m["boxes"])]
                    boxes.append({"id": m["id"], "href": doc_href(m["node_id"]), "title": _mention_title(m),
                                  "rects": [{"x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0}
                                            for x0, y0, x1, y1 in line_boxes(words)]})
            page["image"] = {"src": f"/page/{document['id']}/{number}.png", "width": size[0], "height": size[1],
                             "boxes": boxes, "fields": [f for f in fields if f["page"] == number]}
            for piece in page["segments"]:  # on a scan, a reference in the text shows where it is on the page
                if piece.get("id") is not None and any(b["id"] == piece["id"] for b in boxes):
                    piece["box"] = f"#box-m{piece['id']}"
        pages.append(page)
        start = end + 1
    return pages


_FIELD_LABELS = {"number": "Số (viết tay)", "day": "Ngày (viết tay)", "month": "Tháng (viết tay)",
                 "signature": "Chữ ký số", "publication": "Dấu Công báo", "incoming": "Dấu công văn đến"}


def _field_boxes(document: sqlite3.Row) -> list[dict[str, Any]]:
    """Boxes of the header fields read from handwriting and of the overlays, on page 1 (page as loaded)."""
    meta = json.loads(document["meta"] or "{}") if document["meta"] else {}
    out = []
    for field, reading in (meta.get("blanks") or {}).items():
        if reading.get("box"):
            x0, y0, x1, y1 = reading["box"]
            value = reading.get("value")
            out.append({"id": field, "page": 1, "x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0,
                        "title": f"{_FIELD_LABELS.get(field, field)}: {value if value is not None else 'not read'}"
                                 f" ({reading.get('source')}, {reading.get('confidence') or 0:.2f})"})
    for k, overlay in enumerate(meta.get("overlays") or []):
        if overlay.get("bbox") and overlay.get("kind") in _FIELD_LABELS:
            x0, y0, x1, y1 = overlay["bbox"]
            out.append({"id": f"overlay-{k}", "page": 1, "x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0,
                        "title": f"{_FIELD_LABELS[overlay['kind']]}: {' '.join(overlay.get('text', '').split())}"})
    return out


def _mention_title(m: dict[str, Any]) -> str:
    label = f"{m['type'] or ''} {m['symbol'] or m['node_id']}".strip()
    by_name = " (cited by name; its number is from the law table)" if m["resolved_from"] == "name" else ""
    return f"{m['relation'] or 'cites'} → {label}{by_name}"


def _segments(text: str, start: int, end: int, mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pieces: list[dict[str, Any]] = []
    cursor = start
    for m in mentions:
        if m["start"] is None or m["end"] is None or m["start"] < cursor or m["end"] > end or m["end"] <= m["start"]:
            continue  # outside this page, overlapping the previous reference, or not a span
        if m["start"] > cursor:
            pieces.append({"text": text[cursor:m["start"]]})
        pieces.append({"text": text[m["start"]:m["end"]], "href": doc_href(m["node_id"]), "id": m["id"],
                       "relation": m["relation"] or "cites", "title": _mention_title(m),
                       "by_name": m["resolved_from"] == "name"})
        cursor = m["end"]
    if cursor < end:
        pieces.append({"text": text[cursor:end]})
    return pieces


def document_view(conn: sqlite3.Connection, node_id: str, view: str = "restored") -> dict[str, Any] | None:
    from . import images as page_images
    from ..archive.query import variants

    node = conn.execute("SELECT * FROM nodes WHERE id = ?", (node_id,)).fetchone()
    if node is None:
        return None
    document = None
    if node["document_id"]:
        document = conn.execute("SELECT * FROM documents WHERE id = ?", (node["document_id"],)).fetchone()
    candidates = []
    for other in json.loads(node["candidates"] or "[]"):
        row = conn.execute("SELECT * FROM nodes WHERE id = ?", (other,)).fetchone()
        candidates.append(node_view(row) if row else {"id": other, "href": doc_href(other), "symbol": other})
    symbol = node["symbol"]
    state = page_images.file_state(document) if document is not None else None
    restored = bool(document is not None and document["restored_text"])
    view = "raw" if view == "raw" or not restored else "restored"
    return {
        "node": node_view(node), "document": document, "candidates": candidates, "view": view, "restored": restored,
        "file_state": state, "variants": _variants(variants(conn, node_id)),
        "pages": page_views(conn, document, view, image_ok=state == "ok") if document else [],
        "facts": _facts(node, document),
        "sections": [section(DIRECTION_LABELS["cites"], neighbours(conn, node_id, "cites"), lambda r: r["symbol"],
                              conn),
                     section(DIRECTION_LABELS["cited_by"], neighbours(conn, node_id, "cited_by"),
                              lambda r: symbol, conn)],
    }


def _variants(rows: list[dict[str, Any]], shown: int = 3) -> list[dict[str, Any]]:
    """The other readings of a node's symbol, one line each: how often, why linked, the first files."""
    grouped: dict[str, dict[str, Any]] = {}
    for row in rows:
        item = grouped.setdefault(row["variant"], {"variant": row["variant"], "evidence": row["evidence"],
                                                   "count": 0, "sources": []})
        item["count"] += 1
        if row["source"] and len(item["sources"]) < shown:
            item["sources"].append(f"{row['source']}" + (f" p.{row['page']}" if row["page"] else ""))
    return list(grouped.values())


def _facts(node: sqlite3.Row, document: sqlite3.Row | None) -> list[tuple[str, Any]]:
    doc = dict(document) if document else {}
    facts = [("Số/ký hiệu", node["symbol"]), ("Số đọc từ", _source(doc.get("number_source"),
                                                                   doc.get("number_confidence"))),
             ("Loại", node["type"]), ("Ngày", node["date"] or doc.get("date_partial")),
             ("Ngày đọc từ", _source(doc.get("date_source"), doc.get("date_confidence"))),
             ("Cơ quan ban hành", node["issuer"]), ("Tỉnh, thành", node["province"]), ("Xã, phường", node["locality"]),
             ("Trích yếu", node["title"] or doc.get("subject")), ("Người ký", _signer(doc.get("signer"))),
             ("Ký số lúc", doc.get("signed_at")), ("Công báo lúc", doc.get("published_at")),
             ("Tệp", doc.get("source")), ("Số trang", doc.get("pages"))]
    return [(label, value) for label, value in facts if value not in (None, "")]


_SOURCES = {"print": "in", "handwriting": "viết tay", "signature": "chữ ký số", "header": "in", "inferred":
            "suy ra từ văn bản trích dẫn", "field": "trường nhập"}


def _source(source: str | None, confidence: float | None) -> str | None:
    """Where a field was read, in words, with how sure the reading is."""
    if not source:
        return None
    words = f"{_SOURCES.get(source, source)} · {source}"
    return f"{words} ({confidence:.2f})" if confidence is not None and source != "print" else words


def _signer(value: str | None) -> str | None:
    """The signer is stored as JSON ({"authority", "title", "name"}); shown as its parts that were read."""
    try:
        data = json.loads(value) if value else None
    except ValueError:
        return value
    if isinstance(data, dict):
        return " · ".join(str(v) for v in data.values() if v) or None
    return value
