"""Linking a mention to the document it names when OCR read the symbol differently: one real document, one node.

Exact symbol matches are `identity.resolve`'s; this module finds the others. Candidates are blocked on what OCR
rarely gets wrong and a citation must agree on — the number, the type, the year — and then compared field by field:
the date (two dates that differ are two documents), the province and commune of a local issuer, the issuing body's
own code, and the symbol's codes with an OCR-confusion-aware distance (`nlp.symbols`: Đ/D/P, €/C, &/E, N/M …).
A mention joins a node only when exactly one candidate agrees and nothing contradicts; when two do, the caller keeps
it ambiguous. Every link is recorded as a *variant* of the node (the reading, the letter and page it was read in,
why, how sure): auditable, reversible (the variant rows of a document go with it), exported as merges.csv.

Record linkage libraries (splink, recordlinkage) were weighed against this: they learn weights for many fuzzy fields
over large tables of pairs; here there are few fields, most are exact-or-contradicting (number, date, province), the
one fuzzy comparison needs OCR's own confusion costs, and every decision must say why in words an officer can check.
A small explicit scorer does that in a few lines; the libraries would add a dependency and hide the reasons.
"""

from __future__ import annotations

import re

import sqlite3
from dataclasses import dataclass

from nlp.symbols import code_distance, codes

from .identity import Identity, compatible

LIMIT = 0.6  # code distance a mention may differ by from a node's symbol, when nothing else is known to agree
LIMIT_SAME_DAY = 1.2  # … when both give the same date (a letter lost: `819/SKHCN-BCVT&ĐS` of the same day)


@dataclass(frozen=True)
class Match:
    row: sqlite3.Row
    cost: float  # code distance of the two readings
    evidence: str  # why, in words
    confidence: float


def candidates(conn: sqlite3.Connection, ident: Identity) -> list[Match]:
    """Nodes another reading of whose symbol this mention may be: same number and type, nothing contradicting,
    codes close enough (closer when no date vouches for them)."""
    if not ident.number:
        return []
    rows = conn.execute("SELECT * FROM nodes WHERE type_code IS ? AND number = ? AND symbol_key != ?",
                        (ident.type_code, ident.number, ident.symbol_key)).fetchall()
    out = []
    mine = codes(ident.symbol)
    for row in rows:
        if (row["type_code"] or "") != (ident.type_code or "") or not compatible(ident, row):
            continue
        same_day = bool(ident.date and row["date"] == ident.date)
        cost = code_distance(mine, codes(row["symbol"] or ""))
        if cost > (LIMIT_SAME_DAY if same_day else LIMIT):
            continue
        body_a, body_b = ident.issuer_code or "", row["issuer_code"] or ""
        if body_a != body_b and code_distance(body_a, body_b) > 0.45:
            continue  # another body's document (819/SYT-… is never 819/SKHCN-…)
        agree = [f"number {ident.number}", f"type {ident.type_code or 'công văn'}"]
        if same_day:
            agree.append(f"date {ident.date}")
        if ident.province and ident.province == row["province"]:
            agree.append(ident.province)
        evidence = (f"{ident.symbol} read for {row['symbol']}: same {', '.join(agree)}; symbols differ by "
                    f"{cost:.2f} (OCR's confusions)")
        confidence = round(max(0.5, 0.97 - 0.25 * cost - (0.0 if same_day else 0.1)), 2)
        out.append(Match(row, cost, evidence, confidence))
    out.sort(key=lambda m: (m.cost, m.row["id"]))
    return out


def decide(matches: list[Match]) -> Match | None | str:
    """The one node to join, None when there is none, or "ambiguous" when two fit about as well."""
    if not matches:
        return None
    if len(matches) == 1 or matches[1].cost - matches[0].cost >= 0.5:
        return matches[0]
    return "ambiguous"


def record_variant(conn: sqlite3.Connection, node_id: str, variant: str, document_id: int | None, page: int | None,
                   evidence: str, confidence: float) -> None:
    from nlp.text import slug

    conn.execute(
        "INSERT INTO variants(node_id, variant, variant_key, document_id, page, evidence, confidence) "
        "VALUES(?,?,?,?,?,?,?) ON CONFLICT(node_id, variant, document_id) DO NOTHING",
        (node_id, variant, slug(variant), document_id, page, evidence, confidence))


_NORMATIVE = re.compile(r"/(?:19|20)\d\d/")  # a normative symbol carries its year: N/YYYY/NĐ-CP


def unnumbered_match(conn: sqlite3.Connection, symbol: str, type_code: str | None, date: str | None,
                     province: str | None, *, documents: bool) -> list[sqlite3.Row]:
    """Nodes of the same type, codes and date (and province) as a symbol whose number is missing on one side:
    `?/QĐ-UBND` of 2025-02-03 and the `84/QĐ-UBND` of that day that other letters cite. `documents`: look among
    the archive's unnumbered documents (for a citation); else among numbered stubs (for an unnumbered document)."""
    if not date or _NORMATIVE.search(symbol):
        # a decree or circular (`?/2020/NĐ-CP`): the Government signs several on one day (154 and 155/2020/NĐ-CP,
        # both of 31/12/2020), so a date is no evidence of which one; its number stays unread
        return []
    rest = codes(symbol)
    if documents:
        rows = conn.execute("SELECT * FROM nodes WHERE number IS NULL AND is_stub = 0 AND date = ?", (date,))
    else:
        rows = conn.execute("SELECT * FROM nodes WHERE number IS NOT NULL AND is_stub = 1 AND date = ?", (date,))
    out = []
    for row in rows:
        if (row["type_code"] or "") != (type_code or "") or row["ambiguous"]:
            continue
        if province and row["province"] and province != row["province"]:
            continue
        if code_distance(rest, codes(row["symbol"] or "")) <= LIMIT:
            out.append(row)
    return out
