"""The reference grammar: every numbered document a text cites, read through OCR garble.

How it reads (eyecite's shape: find, then resolve against tables); the parts are modules of `nlp.refs`, and this
module is their entry point (`find_mentions`, `merge` and the names other modules use):

1. *Symbols first* (`refs.grammar`). The số/ký hiệu is the most distinctive part of a reference. Three shapes, from
   the tables: Party `57-NQ/TW` (Hướng dẫn 36-HD/VPTW), normative `13/2023/NĐ-CP`, `20/2023/QH15`, and
   administrative `58/KH-UBND`, `1588/QĐ-TTg` or công văn `961/VP-KGVX` (Nghị định 30/2020/NĐ-CP). Separators may
   carry OCR noise (`57- -NQ/TW`, `38/ KH-UBND`, a line break after a hyphen); each segment is checked against the
   code tables and repaired only towards a known code (`QP` → `QĐ`, `CDS` → `CĐS`): the repairs are `refs.repair`,
   one function per garble with the forms it reads.
2. *Then the context, on the folded text* (`refs.context`; same offsets, no diacritics): the type name and `số`
   before the symbol (`Ké hoach s6`), the `ngày ...` date after it, `của <issuer>` and the `về ...` clause.
   Keywords are matched with patterns built from the OCR confusion table. Dates the mention's own words leave out
   (a list's `cùng ngày`, a sentence's opening date) are `refs.dating`.
3. *Then the documents* (`refs.merge`): mentions merged, OCR's variant readings of one symbol taken for one.

Numbers without a symbol are never turned into references: `Đề án 06`, `Luật Đất đai năm 2024` are *named
mentions*; `Điều 5`, phone numbers, money and stamps have no symbol and so never match.
"""

from __future__ import annotations

from .refs.context import match_province, resolve_issuer, system_type
from .refs.find import find_mentions, page_of, page_starts
from .refs.grammar import SYMBOL, parse_symbol
from .refs.merge import merge
from .refs.models import (
    RELATION_STRENGTH,
    Mention,
    NamedMention,
    ParsedSymbol,
    Reference,
    reference_id,
    strongest,
)
from .refs.repair import fold_for_matching

# The names other modules import from here under their former, private spelling (nlp.header, pipeline.query).
_Symbol = ParsedSymbol
_parse_symbol = parse_symbol
_system_type = system_type

__all__ = [
    "RELATION_STRENGTH",
    "SYMBOL",
    "Mention",
    "NamedMention",
    "ParsedSymbol",
    "Reference",
    "find_mentions",
    "fold_for_matching",
    "match_province",
    "merge",
    "page_of",
    "page_starts",
    "parse_symbol",
    "reference_id",
    "resolve_issuer",
    "strongest",
    "system_type",
]
