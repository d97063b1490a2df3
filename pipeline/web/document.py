"""A document's page: its text with every reference highlighted and linked, its scan pages with the references
and handwritten fields boxed, its header facts with where each came from, what it cites and what cites it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any
from urllib.parse import urlencode

from ..archive.query import neighbours
from .i18n import ORDER
from .search import doc_href, edge_view, ended_on, evidence_href, node_view

GROUP_ROWS = 50  # rows per page of a group (`per` asks for 5 to 500)
PAGING = ("group", "page", "all")  # the paging parameters; the others are filters kept from page to page


def N_(message: str) -> str:
    """A message for the catalogue (pipeline/web/locale): the template translates it."""
    return message


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
                    boxes.append({"id": m["id"], "href": doc_href(m["node_id"]), **_mention_title(m),
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


_FIELD_LABELS = {"number": N_("Number (handwritten)"), "day": N_("Day (handwritten)"),
                 "month": N_("Month (handwritten)"), "signature": N_("Digital signature"),
                 "publication": N_("Official Gazette stamp"), "incoming": N_("Incoming letter stamp")}


def _field_boxes(document: sqlite3.Row) -> list[dict[str, Any]]:
    """Boxes of the header fields read from handwriting and of the overlays, on page 1 (page as loaded)."""
    meta = json.loads(document["meta"] or "{}") if document["meta"] else {}
    out = []
    for field, reading in (meta.get("blanks") or {}).items():
        if reading.get("box"):
            x0, y0, x1, y1 = reading["box"]
            value = reading.get("value")
            out.append({"id": field, "page": 1, "x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0,
                        "label": _FIELD_LABELS.get(field, field), "value": value,
                        "source": _SOURCES.get(reading.get("source") or "", reading.get("source")),
                        "confidence": reading.get("confidence") or 0})
    for k, overlay in enumerate(meta.get("overlays") or []):
        if overlay.get("bbox") and overlay.get("kind") in _FIELD_LABELS:
            x0, y0, x1, y1 = overlay["bbox"]
            out.append({"id": f"overlay-{k}", "page": 1, "x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0,
                        "label": _FIELD_LABELS[overlay["kind"]], "value": " ".join(overlay.get("text", "").split()),
                        "source": None, "confidence": None})
    return out


def _mention_title(m: dict[str, Any]) -> dict[str, Any]:
    """What a reference's tooltip says (the template words it): its relation, the cited document, cited by name."""
    return {"relation": m["relation"] or "cites", "label": f"{m['type'] or ''} {m['symbol'] or m['node_id']}".strip(),
            "by_name": m["resolved_from"] == "name"}


def _segments(text: str, start: int, end: int, mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pieces: list[dict[str, Any]] = []
    cursor = start
    for m in mentions:
        if m["start"] is None or m["end"] is None or m["start"] < cursor or m["end"] > end or m["end"] <= m["start"]:
            continue  # outside this page, overlapping the previous reference, or not a span
        if m["start"] > cursor:
            pieces.append({"text": text[cursor:m["start"]]})
        pieces.append({"text": text[m["start"]:m["end"]], "href": doc_href(m["node_id"]), "id": m["id"],
                       **_mention_title(m)})
        cursor = m["end"]
    if cursor < end:
        pieces.append({"text": text[cursor:end]})
    return pieces


def document_view(conn: sqlite3.Connection, node_id: str, view: str = "restored", status: Any = None,
                  filters: dict[str, str] | None = None) -> dict[str, Any] | None:
    """Everything the document's page shows; `status` (symbol, day) → nlp.validity.Status or None gives validity,
    `filters` (relation, type, from, to, all) narrow and page its relations."""
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
    state = page_images.file_state(document) if document is not None else None
    restored = bool(document is not None and document["restored_text"])
    view = "raw" if view == "raw" or not restored else "restored"
    filters = filters or {}
    groups, types, issuers = relation_groups(conn, node, status, filters, view if restored else "restored")
    return {
        "node": node_view(node), "document": document, "candidates": candidates, "view": view, "restored": restored,
        "file_state": state, "variants": _variants(variants(conn, node_id)),
        "pages": page_views(conn, document, view, image_ok=state == "ok") if document else [],
        "facts": _facts(node, document), "validity": _validity(node, status),
        "groups": groups, "types": types, "issuers": issuers, "filters": filters,
        "stale": [row for g in groups if g["direction"] == "cites" and g["relation"] == "based_on"
                  for row in g["rows"] if row["ended"]],
    }


def _validity(node: sqlite3.Row, status: Any) -> dict[str, Any] | None:
    """The document's status today as the validity table knows it (None when the table does not know it)."""
    state = status(node["symbol"]) if status is not None and node["symbol"] else None
    if state is None:
        return None
    return {"in_force": state.in_force,
            "ended": ended_on(status, node["symbol"], "9999-12-31") if not state.in_force else None,
            "amended": [{"by": e.by, "start": e.start} for e in state.amended_by]}


def _one_per_document(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per other document: a letter read from two files, or citing directly and by assertion, once (its
    other files kept as `also`)."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        first = out.get(row["id"])
        if first is None:
            out[row["id"]] = {**row, "also": []}
        elif row["source"] and row["source"] != first["source"] and row["source"] not in first["also"]:
            first["also"].append(row["source"])
    return list(out.values())


def _number(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value))) if value else default
    except ValueError:
        return default


def _href(filters: dict[str, str], view: str, key: str, **paging: Any) -> str:
    """The page with the same filters (and text view), another page of group `key`."""
    kept = [(k, v) for k, v in filters.items() if k not in PAGING and v]
    if view == "raw":
        kept.insert(0, ("view", "raw"))
    return "?" + urlencode([*kept, *[(k, v) for k, v in paging.items()]]) + f"#group-{key}"


def paged(found: list[dict[str, Any]], filters: dict[str, str], key: str, view: str = "restored") -> dict[str, Any]:
    """One page of a group's rows: `page` of the group named `group` (the first page of the others), `per` rows
    a page, every row with `all`; with the links to the pages before and after and to all of them."""
    per = _number(filters.get("per"), GROUP_ROWS, 5, 500)
    pages = max(1, -(-len(found) // per))
    if filters.get("all") and filters.get("group", key) == key:
        return {"rows": found, "page": 1, "pages": 1, "first": 1, "prev_href": None, "next_href": None,
                "all_href": None}
    page = _number(filters.get("page"), 1, 1, pages) if filters.get("group") == key else 1
    start = (page - 1) * per
    return {"rows": found[start : start + per], "page": page, "pages": pages, "first": start + 1,
            "prev_href": _href(filters, view, key, group=key, page=page - 1) if page > 1 else None,
            "next_href": _href(filters, view, key, group=key, page=page + 1) if page < pages else None,
            "all_href": _href(filters, view, key, group=key, all=1) if pages > 1 else None}


def relation_groups(conn: sqlite3.Connection, node: sqlite3.Row, status: Any, filters: dict[str, str],
                    view: str = "restored") -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """The document's relations both ways, grouped as a legal portal groups them (văn bản căn cứ, văn bản được
    căn cứ, thực hiện, …), newest first, filtered by relation, type, issuer and date, each group paged; and the
    types and issuers present (the filters' choices)."""
    groups, types, issuers = [], set(), set()
    for direction in ("cites", "cited_by"):
        rows = _one_per_document(neighbours(conn, node["id"], direction))
        types.update(r["type"] for r in rows if r["type"])
        issuers.update(r["issuer"] for r in rows if r.get("issuer"))
        rows = [r for r in rows if _kept(r, filters)]
        by_relation: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_relation.setdefault(row["relation"] or "cites", []).append(row)
        for relation in [*ORDER, *sorted(set(by_relation) - set(ORDER))]:
            found = sorted(by_relation.get(relation, []), key=lambda r: (r["date"] or "", r["id"]), reverse=True)
            if not found:
                continue
            key = f"{direction}-{relation}"
            page = paged(found, filters, key, view)
            if direction == "cites":  # each cited document on this document's date
                ended = lambda r: ended_on(status, r["symbol"], node["date"])  # noqa: E731
            else:  # this document on each citing letter's date
                ended = lambda r: ended_on(status, node["symbol"], r["date"])  # noqa: E731
            marked = (lambda r: r["symbol"]) if direction == "cites" else (lambda r: node["symbol"])
            groups.append({**page, "direction": direction, "relation": relation, "key": key, "total": len(found),
                           "rows": [{**edge_view(r, marked(r), evidence_href(conn, r), ended(r)), "also": r["also"]}
                                    for r in page["rows"]]})
    return groups, sorted(types), sorted(issuers)


def _kept(row: dict[str, Any], filters: dict[str, str]) -> bool:
    if filters.get("relation") and (row["relation"] or "cites") != filters["relation"]:
        return False
    if filters.get("type") and row["type"] != filters["type"]:
        return False
    if filters.get("issuer") and row.get("issuer") != filters["issuer"]:
        return False
    day = row["date"] or ""
    if filters.get("from") and (not day or day < filters["from"]):
        return False
    return not (filters.get("to") and (not day or day[:len(filters["to"])] > filters["to"]))


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


def _facts(node: sqlite3.Row, document: sqlite3.Row | None) -> list[dict[str, Any]]:
    """The header fields, each with its kind of value (text, day, time, source: where a field was read) and, for
    the number and the day, where it was read; labels are msgids the template translates."""
    doc = dict(document) if document else {}
    number_from = _source(doc.get("number_source"), doc.get("number_confidence"))
    date_from = _source(doc.get("date_source"), doc.get("date_confidence"))
    facts = [(N_("Number and symbol"), node["symbol"], "text", number_from), (N_("Type"), node["type"], "text", None),
             (N_("Date"), node["date"] or doc.get("date_partial"), "day", date_from),
             (N_("Issued by"), node["issuer"], "text", None), (N_("Province"), node["province"], "text", None),
             (N_("Commune, ward"), node["locality"], "text", None),
             (N_("Subject"), node["title"] or doc.get("subject"), "text", None),
             (N_("Signed by"), _signer(doc.get("signer")), "text", None),
             (N_("Digitally signed at"), doc.get("signed_at"), "time", None),
             (N_("Published in the Official Gazette at"), doc.get("published_at"), "time", None),
             (N_("File"), doc.get("source"), "text", None), (N_("Pages"), doc.get("pages"), "text", None)]
    return [{"label": label, "value": value, "kind": kind, "read_from": read_from}
            for label, value, kind, read_from in facts if value not in (None, "")]


_SOURCES = {"print": N_("print"), "handwriting": N_("handwriting"), "signature": N_("digital signature"),
            "header": N_("print"), "inferred": N_("inferred from the documents it cites"), "field": N_("entry field")}


def _source(source: str | None, confidence: float | None) -> dict[str, Any] | None:
    """Where a field was read (a msgid), with how sure the reading is."""
    if not source:
        return None
    return {"words": _SOURCES.get(source, source),
            "confidence": confidence if confidence is not None and source != "print" else None}


def _signer(value: str | None) -> str | None:
    """The signer is stored as JSON ({"authority", "title", "name"}); shown as its parts that were read."""
    try:
        data = json.loads(value) if value else None
    except ValueError:
        return value
    if isinstance(data, dict):
        return " · ".join(str(v) for v in data.values() if v) or None
    return value
