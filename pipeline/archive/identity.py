"""One node per real document: the identity of a cited document and of an archive document (what a mention is;
`resolve` writes it into the store).

A node is (type code, number, symbol, issuing body, date). Two mentions are the same node when their symbols match
and neither the date nor the issuer contradicts. Local symbols (`58/KH-UBND`, `13-NQ/TU`, công văn numbers) are
qualified by the province — from "của UBND tỉnh Nghệ An" when the text says it, else from the citing letter's own
province — and by the commune/ward when known, so that Quảng Ngãi's 58/KH-UBND and Nghệ An's never merge. A mention
that fits several existing nodes is kept on an *ambiguous* node that lists its candidates: never guessed.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from nlp import doctypes
from nlp.header import Header, province_in
from nlp.references import Reference
from nlp.text import slug

_LOCALITY = re.compile(r"\b(phường|xã|huyện|quận|thị xã|thị trấn|đặc khu)\s+(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    symbol: str
    number: str | None
    type: str | None
    type_code: str | None
    issuer_code: str | None
    issuer: str | None
    local: bool
    province: str | None
    locality: str | None
    date: str | None
    year: int | None
    title: str | None = None

    @property
    def symbol_key(self) -> str:
        return slug(self.symbol)

    def node_id(self) -> str:
        parts = [slug(self.type_code or ""), slug(self.symbol)]
        if self.local:
            parts += [slug(self.province or ""), slug(self.locality or "")]
        parts.append(self.date or (str(self.year) if self.year else ""))
        return "-".join(p for p in parts if p)


def is_local(issuer_code: str | None) -> bool:
    """Numbers of local bodies restart in every province (and every commune): they need a scope to be unique."""
    if not issuer_code:
        return True
    code = re.sub(r"\d+$", "", issuer_code)
    if code.endswith("TW") or code in {"TW", "BBT"}:
        return False
    kind = doctypes.issuer_kind(code)
    return kind not in {"national", "ministry"}


def _locality(issuer: str | None) -> str | None:
    if not issuer:
        return None
    match = _LOCALITY.search(issuer)
    if not match:
        return None
    return f"{match.group(1).lower()} {match.group(2)}"


def _year(date: str | None, symbol: str) -> int | None:
    if date:
        return int(date[:4])
    match = re.search(r"/((?:19|20)\d\d)/", symbol)
    return int(match.group(1)) if match else None


def reference_identity(ref: Reference, citing: Header) -> Identity:
    local = is_local(ref.issuer_code)
    province = locality = None
    if local:
        scope = ref.scope or ""
        province = province_in(scope) if scope else None
        locality = _locality(scope) if scope else None
        if province is None and is_local(citing.issuer_code):
            # "của UBND tỉnh" in a letter of a province's body means that province; a ministry's letter gives
            # no such context (its Hà Nội address says nothing about whose plan it cites)
            province = citing.province
    return Identity(
        symbol=ref.symbol,
        number=ref.number,
        type=ref.type,
        type_code=ref.type_code,
        issuer_code=ref.issuer_code,
        issuer=ref.issuer,
        local=local,
        province=province,
        locality=locality,
        date=ref.date,
        year=_year(ref.date, ref.symbol),
        title=ref.title,  # a law's name from the law table: the law is found by it
    )


def own_identity(header: Header) -> Identity | None:
    """The identity of an archive document, or None when its number could not be read (it then gets a node of
    its own that nothing can be matched to)."""
    if not header.symbol or header.number is None:
        return None
    local = is_local(header.issuer_code)
    return Identity(
        symbol=header.symbol,
        number=header.number,
        type=header.type,
        type_code=header.type_code,
        issuer_code=header.issuer_code,
        issuer=header.issuer,
        local=local,
        province=header.province if local else None,
        locality=_locality(header.issuer) if local else None,
        date=header.date,
        year=_year(header.date, header.symbol) or (int(header.date_partial[:4]) if header.date_partial else None),
        title=header.subject,
    )


def compatible(ident: Identity, row: sqlite3.Row) -> bool:
    if ident.date and row["date"] and ident.date != row["date"]:
        return False
    if ident.year and row["year"] and ident.year != row["year"]:
        return False
    if ident.local or row["local"]:
        if ident.province and row["province"] and ident.province != row["province"]:
            return False
        if ident.locality and row["locality"] and ident.locality != row["locality"]:
            return False
    return not row["ambiguous"]


def exactness(ident: Identity, row: sqlite3.Row) -> int:
    return sum(
        [
            bool(ident.date and ident.date == row["date"]),
            bool(ident.province and ident.province == row["province"]),
            bool(ident.locality and ident.locality == row["locality"]),
        ]
    )
