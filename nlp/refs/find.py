"""The finder: every numbered reference in a text — the symbols the grammar finds, each read with its context,
repaired, dated and given a confidence."""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from .. import doctypes
from ..dates import date_at
from ..doctypes import issuer_name
from ..sentences import sentence_index
from .context import (
    FORM_NUMBER,
    ISSUER_PHRASE,
    SUBJECT,
    canonical_name,
    left_pattern,
    nearest_name,
    resolve_issuer,
    system_type,
)
from .dating import amended_laws_undated, opening_dates, shared_dates
from .grammar import SYMBOL, parse_symbol
from .models import Mention, ParsedSymbol
from .repair import fold_for_matching, issuer_named_nearby, joined_number, retyped, type_code_from_name


def page_starts(text: str) -> list[int]:
    return [m.end() for m in re.finditer("\f", text)]


def page_of(page_starts: list[int], pos: int) -> int:
    """1-based page of a position, pages being separated by form feeds."""
    return bisect.bisect_right(page_starts, pos) + 1


_LEGISLATURE_CODES = frozenset({"QH", "UBTVQH"})
# Cyrillic capitals that look like Latin ones (`66/NQ-СР`, a text layer or OCR engine that mixed the alphabets):
# read as the Latin letters for the grammar, one character for one, so every span stays the text's.
_CYRILLIC = str.maketrans("АВСЕНКМОРТХ", "ABCEHKMOPTX")
_HAS_CYRILLIC = re.compile("[АВСЕНКМОРТХ]")


def _named_around(sym: ParsedSymbol, name: str | None, folded: str, text: str) -> ParsedSymbol:
    """The symbol with a code one letter off the type name printed before it, or off the issuer named around it,
    read as that name's code (`repair.retyped`, `repair.issuer_named_nearby`), parsed again."""
    start, end = sym.span
    fixed = retyped(sym.symbol, sym.number, name)
    if fixed is None:
        issuer = issuer_named_nearby(sym.issuer_code, folded[max(0, start - 150) : end + 150])
        fixed = re.sub(rf"(?<=[-/]){re.escape(sym.issuer_code)}(?![\w])", issuer, sym.symbol, count=1) if issuer \
            else None
    if fixed is None:
        return sym
    match = SYMBOL.fullmatch(fixed)
    again = parse_symbol(match) if match else None
    if again is None:
        return sym
    return replace(again, span=sym.span, repairs=sym.repairs + again.repairs + (f"{sym.symbol}→{fixed}",))


def find_mentions(text: str) -> list[Mention]:
    """Every numbered reference in `text`, in order. Spans index `text` as given."""
    folded = fold_for_matching(text)
    sentences = sentence_index(text)
    mentions: list[Mention] = []
    left = left_pattern()
    prev_type: tuple[str, str] | None = None
    prev_end = 0
    pages = page_starts(text)
    for match in SYMBOL.finditer(text.translate(_CYRILLIC) if _HAS_CYRILLIC.search(text) else text):
        sym = parse_symbol(match)
        lone = sym is None
        if lone and (sym := parse_symbol(match, lone=True)) is None:
            continue
        sym = joined_number(sym, folded)
        start, end = sym.span
        window_start = max(0, start - 60)
        window = folded[window_start:start]
        if FORM_NUMBER.search(window):
            continue
        ctx = left.search(window)
        name = so = None
        span_start = start
        if ctx is not None:
            if ctx.group("name"):
                name_folded = ctx.group("name")
                name = canonical_name(name_folded)
                span_start = window_start + ctx.start("name")
            if ctx.group("so"):
                so = ctx.group("so")
                span_start = min(span_start, window_start + ctx.start("so"))
        if lone and not (name and so):
            continue  # "Công văn số 158/UB": an unknown one-code symbol only with its type name and "số"
        if lone and sym.issuer_code is None and getattr(doctypes.type_by_name(name), "code", None) != sym.type_code:
            continue  # "Nghị định số 276/NĐ": a type's code alone only after that type's name
        if name is None and sym.system == "normative" and sym.type_code is None:
            name = nearest_name(folded, max(prev_end, start - 120), start)
        if name is None and so is not None and sym.system == "congvan" and prev_type and start - prev_end < 40:
            name = prev_type[0]  # "Công văn số 12/UBND-KT, số 15/UBND-KT"
        if name is None and sym.system == "congvan" and sym.issuer_code == "CP":
            # a decree of the old numbering, its type words apart: "các Nghị định của Chính phủ số: 88/CP, 60/CP"
            name = nearest_name(folded, max(prev_end, start - 120), start, text)
            if name is None and prev_type and start - prev_end < 40:
                name = prev_type[0]
        sym = type_code_from_name(sym, name)
        sym = _named_around(sym, name, folded, text)
        type_name, type_code = system_type(sym, name)
        # Context: date, issuer, "về" clause
        date = date_at(folded, end, max_gap=4, text=text)
        cursor = date.span[1] if date else end
        issuer, scope = (issuer_name(sym.issuer_code) if sym.issuer_code else None), None
        if sym.issuer_code in _LEGISLATURE_CODES and sym.system != "normative":
            issuer = None  # `Mặt bằng số 26/QH-NĐ-UB` (quy hoạch): the Quốc hội numbers laws and resolutions only
        issuer_match = ISSUER_PHRASE.match(folded, cursor)
        issuer_from_text = False
        if issuer_match:
            resolved, scope = resolve_issuer(text[issuer_match.start("phrase") : issuer_match.end("phrase")])
            if resolved:
                issuer, issuer_from_text = resolved, True
                cursor = issuer_match.end("phrase")
                if date is None:
                    date = date_at(folded, cursor, max_gap=4)
                    if date:
                        cursor = date.span[1]
        span_end = date.span[1] if date else end
        subject = SUBJECT.match(folded, cursor)
        # Confidence: how much of a full citation is there, less what had to be repaired.
        confidence = 0.6
        confidence += 0.2 if (name or so) else 0.0
        confidence += 0.1 if sym.known_issuer else 0.0
        confidence += 0.1 if date else 0.0
        confidence -= 0.04 * len(sym.repairs)
        if name and doctypes.type_by_name(name) and sym.type_code and doctypes.type_by_name(name).code != type_code:
            confidence -= 0.1  # the printed type name disagrees with the symbol's code
        if sym.system == "congvan" and not (name or so):
            confidence -= 0.15
        sent_span, sentence = sentences.snippet((span_start, span_end))
        mentions.append(
            Mention(
                symbol=sym.symbol,
                number=sym.number,
                year=sym.year,
                type=type_name,
                type_code=type_code,
                issuer_code=sym.issuer_code,
                issuer=issuer,
                date=date.iso if date else None,
                span=(span_start, span_end),
                symbol_span=(start, end),
                text=text[span_start:span_end],
                sentence=sentence,
                sentence_span=sent_span,
                confidence=round(max(0.3, min(0.99, confidence)), 2),
                repairs=sym.repairs,
                tail_end=cursor,
                subject_start=subject.end() if subject else None,
                page=page_of(pages, start),
                scope=scope,
                issuer_in_text=issuer_from_text,
            )
        )
        prev_type = (type_name, type_code)
        prev_end = span_end
    return amended_laws_undated(opening_dates(shared_dates(mentions, folded), folded), folded)
