"""Rows read from uncertain OCR: an answer row whose evidence a person should check on the page before relying on it.

    a mention read with low confidence        edges.confidence < 0.8 (a garbled symbol matched to a known one)
    a citing letter whose number is handwritten and read with confidence < 0.8 (documents.number_source =
    'handwriting'): the row's letter may be another letter

Each answer row gets `uncertain`: [{`source`, `why`: `mention` | `handwritten_number`, `confidence`}], empty when
every file that carries it was read with confidence.
"""

from __future__ import annotations

import sqlite3
from typing import Any

LOW = 0.8  # below this a reading is marked

_SQL = ("SELECT d.source, MIN(e.confidence) AS mention, d.number_source, d.number_confidence FROM edges e "
        "JOIN documents d ON d.id = e.document_id WHERE e.source_id = ? AND e.target_id = ? AND e.kind = 'direct' "
        "GROUP BY d.id ORDER BY d.source")


def reasons(found: sqlite3.Row | dict[str, Any]) -> list[dict[str, Any]]:
    """Why one file's reading of a citation is uncertain (empty when it is not)."""
    out = []
    if found["mention"] is not None and found["mention"] < LOW:
        out.append({"source": found["source"], "why": "mention", "confidence": round(found["mention"], 2)})
    if found["number_source"] == "handwriting" and (found["number_confidence"] or 0) < LOW:
        out.append({"source": found["source"], "why": "handwritten_number",
                    "confidence": round(found["number_confidence"] or 0, 2)})
    return out


def annotate(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    """Adds `uncertain` to each answer row (the citing document cites the cited one in those files)."""
    for row in rows:
        citing, cited = (row["id"], row["via"]) if row["direction"] == "cited_by" else (row["via"], row["id"])
        row["uncertain"] = [r for found in conn.execute(_SQL, (citing, cited)) for r in reasons(found)]
