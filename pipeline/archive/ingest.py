"""A document record → the archive, in one transaction: the document, its node, its mentions and edges."""

from __future__ import annotations

import json
import sqlite3

from nlp.references import RELATION_STRENGTH
from nlp.text import slug

from . import store
from .identity import own_identity, reference_identity
from .linkage import record_variant
from .resolve import resolve, unnumbered_node
from ..process import DocumentRecord, registration


def store_record(conn: sqlite3.Connection, record: DocumentRecord, document_id: int | None = None) -> int:
    """Store (or replace) one file's record (or document `document_id`'s, whatever path shows it); returns the
    document id. One transaction: all or nothing."""
    with store.transaction(conn):
        fields: dict[str, object] = {
            "source": record.source,
            "sha256": record.sha256,
            "size": record.size,
            "status": record.status,
            "stage": record.stage,
            "error": record.error,
            "error_detail": record.detail,
            "pages": record.pages,
            "text": record.text,
            "restored_text": record.restored,
            "restored_map": [list(c) for c in record.restored_map] if record.restored_map else None,
            "corrected_text": record.corrected,
            "path": record.path,
            "processed_at": store.now(),
        }
        if record.loaded is not None:
            number, date = registration(record.loaded)
            fields.update(kind=record.loaded.kind, meta=record.loaded.meta(), registration_number=number,
                          registration_date=date)
        if record.extraction is not None:
            h = record.extraction.header
            fields.update(
                symbol=h.symbol, number=h.number, type=h.type, type_code=h.type_code, date=h.date,
                date_partial=h.date_partial, date_source=h.date_source, date_confidence=h.date_confidence,
                number_source=h.number_source, number_confidence=h.number_confidence, signed_at=h.signed_at,
                published_at=h.published_at, issuer=h.issuer,
                issuer_parent=h.issuer_parent, issuer_code=h.issuer_code, place=h.place, province=h.province,
                subject=h.subject, recipients=list(h.recipients),
                signer={"authority": h.signer_authority, "title": h.signer_title, "name": h.signer_name},
            )
        doc_id = store.upsert_document(conn, fields, document_id)
        touched = store.clear_evidence(conn, doc_id)
        if record.extraction is not None:
            _store_graph(conn, doc_id, record)
        store.drop_orphan_stubs(conn, touched)
    return doc_id


def _store_graph(conn: sqlite3.Connection, doc_id: int, record: DocumentRecord) -> None:
    extraction = record.extraction
    assert extraction is not None
    header = extraction.header
    own = own_identity(header)
    if own is None:
        cited = frozenset(slug(ref.symbol) for ref in extraction.references)
        node_id = unnumbered_node(conn, header, doc_id, record.sha256 or str(doc_id), cited)
    else:
        node_id = resolve(conn, own, document_id=doc_id)
    conn.execute("UPDATE documents SET node_id = ? WHERE id = ?", (node_id, doc_id))

    ref_nodes: dict[str, str] = {}
    for ref in extraction.references:
        first_page = ref.mention_list[0].page if ref.mention_list else None
        target = resolve(conn, reference_identity(ref, header), cited_in=doc_id, page=first_page)
        if target == node_id:  # the archive knows this is the letter itself
            continue
        ref_nodes[ref.id] = target
        for variant in ref.variants:  # the letter itself read the symbol in more than one way
            record_variant(conn, target, variant, doc_id, first_page,
                           f"{variant} read for {ref.symbol} in the same letter: same number, type and date",
                           0.9)
        by_relation: dict[str, list] = {}
        for m in ref.mention_list:
            boxes = None
            if record.loaded is not None and record.loaded.word_spans:
                _page, found = record.loaded.evidence(m.span)
                boxes = json.dumps(found) if found else None
            conn.execute(
                "INSERT INTO mentions(document_id, node_id, start, end, page, text, sentence, relation, confidence,"
                " boxes, resolved_from) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, target, m.span[0], m.span[1], m.page, m.text, m.sentence, m.relation, m.confidence, boxes,
                 m.resolved_from),
            )
            by_relation.setdefault(m.relation, []).append(m)
        for relation, ms in sorted(by_relation.items(), key=lambda kv: RELATION_STRENGTH.index(kv[0])):
            first = min(ms, key=lambda m: m.span[0])
            conn.execute(
                "INSERT INTO edges(source_id, target_id, relation, kind, document_id, mentions, confidence, snippet,"
                " page, span_start, span_end, resolved_from) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(source_id, target_id, relation, document_id) DO UPDATE SET"
                " mentions = mentions + excluded.mentions,"
                " resolved_from = CASE WHEN resolved_from = excluded.resolved_from THEN resolved_from END",
                (node_id, target, relation, "direct", doc_id, len(ms), max(m.confidence for m in ms), first.sentence,
                 first.page, first.span[0], first.span[1],
                 "name" if all(m.resolved_from == "name" for m in ms) else None),
            )
    for link in extraction.links:
        source, target = ref_nodes.get(link.source), ref_nodes.get(link.target)
        if not source or not target or source == target:
            continue
        conn.execute(
            "INSERT INTO edges(source_id, target_id, relation, kind, document_id, mentions, confidence, snippet,"
            " page, span_start, span_end) VALUES(?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(source_id, target_id, relation, document_id) DO UPDATE SET mentions = mentions + 1",
            (source, target, link.relation, "asserted", doc_id, 1, 0.8, link.sentence, None, link.span[0],
             link.span[1]),
        )
