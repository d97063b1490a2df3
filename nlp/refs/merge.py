"""Merging mentions into documents: one Reference per distinct cited document, OCR's variant readings of its
symbol taken for one."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from .. import doctypes, laws
from ..symbols import code_distance, codes, same_symbol
from .models import RELATION_STRENGTH, Mention, Reference, reference_id, strongest


def _known_codes(symbol: str) -> int:
    """How many of a symbol's code segments the tables know (a reading that knows them all is the better one)."""
    return sum(doctypes.known_code(part) for part in re.split(r"[-/&]", codes(symbol)) if part)


def _readings(mentions: list[Mention]) -> dict[str, str]:
    """Reading → the reading it is taken for, within one letter: OCR varies a symbol from mention to mention
    (`496-TB/TIJ`, `496-TB/TU`, `496-TB/T` at a line end); readings with the same number and type whose codes differ
    only by OCR's confusions, or one cut short of the other, are one document unless their dates differ; with the
    same date, also a long code one letter apart (`01/KH-BCĐ389QNE`, `01/KH-BCĐ389QNg`). The canonical reading is
    the one whose codes the tables know best, then the most frequent, then the one whose issuer code the letter
    prints most, then the longest."""
    by_key: dict[tuple[str, str], list[str]] = {}
    counts = Counter(m.symbol for m in mentions)
    issuers = Counter(m.issuer_code for m in mentions)  # a code the letter prints for other documents too
    issuer_of = {m.symbol: m.issuer_code for m in mentions}
    dates: dict[str, set[str]] = {}
    for m in mentions:
        by_key.setdefault((m.number, m.type_code), [])
        if m.symbol not in by_key[(m.number, m.type_code)]:
            by_key[(m.number, m.type_code)].append(m.symbol)
        if m.date:
            dates.setdefault(m.symbol, set()).add(m.date)
    out: dict[str, str] = {}
    for readings in by_key.values():
        if len(readings) < 2:
            continue
        clusters: list[list[str]] = []
        for reading in readings:
            for cluster in clusters:
                cluster_dates = set().union(*(dates.get(r, set()) for r in cluster))
                own = dates.get(reading, set())
                if own and cluster_dates and not own & cluster_dates:
                    continue
                same_day = bool(own & cluster_dates)
                if any(same_symbol(reading, other) or _cut_short(reading, other)
                       or same_day and _letter_off(reading, other) or _year_left_out(reading, other, dates)
                       for other in cluster):
                    cluster.append(reading)
                    break
            else:
                clusters.append([reading])
        for cluster in clusters:
            best = max(cluster, key=lambda r: (bool(_YEAR.search(r)),  # a normative number with its year
                                               _known_codes(r) == len([p for p in re.split(r"[-/&]", codes(r)) if p]),
                                               counts[r], issuers[issuer_of[r]], len(r), r))
            out.update({r: best for r in cluster if r != best})
    return out


_YEAR = re.compile(r"/((?:19|20)\d\d)/")


def _year_left_out(a: str, b: str, dates: dict[str, set[str]]) -> bool:
    """A normative symbol cited once without its year (`Nghị định 63/NĐ-CP ngày 26/06/2014`) and once with it
    (`63/2014/NĐ-CP`): one decree when the yearless one is dated in that year."""
    for short, long in ((a, b), (b, a)):
        year = _YEAR.search(long)
        if year and not _YEAR.search(short) and _YEAR.sub("/", long, count=1) == short and \
                any(d.startswith(year.group(1)) for d in dates.get(short, ())):
            return True
    return False


def _letter_off(a: str, b: str) -> bool:
    """Two long codes (six characters or more) one letter apart."""
    return min(len(codes(a)), len(codes(b))) >= 6 and code_distance(codes(a), codes(b)) <= 1.0


def _cut_short(a: str, b: str) -> bool:
    """One reading is the other cut at a line end (`496-TB/T` of `496-TB/TU`), by one or two letters."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and 0 < len(long) - len(short) <= 2 and codes(short).strip("-/")


def _misread_dates(mentions: list[Mention]) -> dict[tuple[str, str], str]:
    """(symbol, date) → the date it is taken for: one symbol read with two dates of one year that differ in one
    character (`19/02/2021` and a misread `12/02/2021`) is one document — a body numbers a type's documents through
    the year, so one symbol cannot be two documents of one year — dated as most of its mentions say (the first said
    on a tie). Not when the letter places them in different provinces (`58/KH-UBND … tỉnh Nghệ An`), nor across
    years (a plan numbered 58 every year)."""
    by_symbol: dict[str, Counter[str]] = {}
    scopes: dict[tuple[str, str], set[str]] = {}
    order: dict[tuple[str, str], int] = {}
    for k, m in enumerate(mentions):
        if m.date:
            by_symbol.setdefault(m.symbol, Counter())[m.date] += 1
            order.setdefault((m.symbol, m.date), k)
            if m.scope:
                scopes.setdefault((m.symbol, m.date), set()).add(m.scope)
    out: dict[tuple[str, str], str] = {}
    for symbol, counts in by_symbol.items():
        if len(counts) < 2:
            continue
        ranked = sorted(counts, key=lambda d: (-counts[d], order[(symbol, d)]))
        for date in ranked[1:]:
            for better in ranked:
                if better == date or out.get((symbol, better)):
                    continue
                a, b = scopes.get((symbol, date), set()), scopes.get((symbol, better), set())
                if date[:4] == better[:4] and sum(x != y for x, y in zip(date, better)) == 1 and not (a and b and
                                                                                                      not a & b):
                    out[(symbol, date)] = better
                    break
    return out


def _number_misread(mentions: list[Mention]) -> dict[str, str]:
    """Reading → the reading it is taken for: one document read twice in a letter with a digit lost or added
    (`Quyết định số 1 7I-QĐ/UBKTTW ngày 17 tháng 9 năm 2024` repaired to 171, then `1711-QĐ/UBKTTW ngày 17 tháng 9
    năm 2024`): same type, same codes, the same date, numbers one digit apart in length and otherwise equal. A body
    numbers one type's documents in order, so on one day it cannot sign both a 171 and a 1711 — whereas 86 and 87
    of one day are two documents (one digit changed, never merged). The reading read with fewer repairs (the higher
    confidence) stands, then the one mentioned more."""
    seen: dict[tuple[str, str, str], dict[str, list[Mention]]] = {}
    for m in mentions:
        if m.date and m.number and m.symbol.startswith(m.number):
            key = (m.type_code, m.symbol[len(m.number) :], m.date)
            seen.setdefault(key, {}).setdefault(m.number, []).append(m)
    out: dict[str, str] = {}
    for (_type, rest, _date), numbers in seen.items():
        for number, ms in numbers.items():
            for other, others in numbers.items():
                if len(other) != len(number) + 1 or not any(other[:k] + other[k + 1 :] == number
                                                            for k in range(len(other))):
                    continue
                rank = [(max(x.confidence for x in group), len(group), n) for n, group in ((number, ms),
                                                                                          (other, others))]
                worse, better = (number, other) if rank[0] < rank[1] else (other, number)
                out[worse + rest] = better + rest
    return out


_LAW_NAME = re.compile(r"((?:Bộ[ \t]+)?[Ll]uật(?:[ \t]+(?![Ll]uật)[^\s;:.]+){1,12}?)[ \t,]+s[ốôo][ \t:]*$")


def _law_misread(mentions: list[Mention]) -> dict[str, str]:
    """Reading → the reading it is taken for: one law printed twice in a letter under its name, its number read
    two ways one digit apart (`Luật Cán bộ, công chức số 82/2025/QH15` and `… số 89/2025/QH15`). A name names
    one law of a year (an amending law, `Luật sửa đổi, bổ sung …`, is not named so); which reading stands: the one
    the law table gives that name, else the one the table holds at all, else the one mentioned more, then first."""
    groups: dict[tuple[str, str], list[Mention]] = {}
    for m in mentions:
        if not (m.year and m.number and m.symbol.startswith(m.number)):
            continue
        before = m.sentence[: max(0, m.span[0] - m.sentence_span[0])] + m.text[: max(0, m.symbol_span[0] - m.span[0])]
        named = _LAW_NAME.search(" ".join(before.split()))
        if named and not laws.is_amending(named.group(1)):
            groups.setdefault((laws.name_key(named.group(1)), m.symbol[len(m.number) :]), []).append(m)
    out: dict[str, str] = {}
    for (key, _rest), group in groups.items():
        readings = list(dict.fromkeys(m.symbol for m in group))
        if len(readings) < 2:
            continue

        def rank(symbol: str) -> tuple[bool, bool, int, int]:
            law = laws.by_symbol(symbol)
            return (law is not None and laws.name_key(law.name) == key, law is not None,
                    sum(m.symbol == symbol for m in group), -readings.index(symbol))

        best = max(readings, key=rank)
        for other in readings:
            number, best_number = other.split("/", 1)[0], best.split("/", 1)[0]
            if other != best and len(number) == len(best_number) and \
                    sum(a != b for a, b in zip(number, best_number)) == 1:
                out[other] = best
    return out


def _renumbered(mention: Mention, symbol: str) -> Mention:
    rest = mention.symbol[len(mention.number) :]
    return replace(mention, symbol=symbol, number=symbol[: len(symbol) - len(rest)])


def merge(mentions: list[Mention]) -> list[Reference]:
    """One Reference per distinct document: same symbol (or an OCR variant of it), dates not contradicting. Order
    of first mention."""
    read_as = {m.span: m.symbol for m in mentions}
    misread = _number_misread(mentions) | _law_misread(mentions)
    if misread:
        mentions = [_renumbered(m, misread[m.symbol]) if m.symbol in misread else m for m in mentions]
    canonical = _readings(mentions)
    if canonical:
        mentions = [replace(m, symbol=canonical[m.symbol]) if m.symbol in canonical else m for m in mentions]
    groups: dict[tuple[str, str | None], list[Mention]] = {}
    dated: dict[str, list[str]] = {}
    for m in mentions:
        if m.date:
            dated.setdefault(m.symbol, [])
            if m.date not in dated[m.symbol]:
                dated[m.symbol].append(m.date)
    misread = _misread_dates(mentions)
    for symbol, dates in dated.items():
        dated[symbol] = list(dict.fromkeys(misread.get((symbol, d), d) for d in dates))
    for m in mentions:
        date = misread.get((m.symbol, m.date), m.date)
        if date is None and len(dated.get(m.symbol, [])) == 1:
            date = dated[m.symbol][0]
        groups.setdefault((m.symbol, date), []).append(m)
    out = []
    for (symbol, date), ms in groups.items():
        first = min(ms, key=lambda m: m.span[0])
        best = max(ms, key=lambda m: (m.date is not None, m.confidence))
        said = Counter(m.issuer for m in ms if m.issuer_in_text)
        scoped = [m.issuer for m in ms if m.issuer_in_text and m.scope]
        issuer = scoped[0] if scoped else (said.most_common(1)[0][0] if said else best.issuer)
        scope = next((m.scope for m in ms if m.scope), None)
        rels = tuple(sorted({m.relation for m in ms}, key=RELATION_STRENGTH.index))
        type_code = best.type_code
        out.append(
            Reference(
                id=reference_id(type_code, symbol, date),
                symbol=symbol,
                number=first.number,
                type=best.type,
                type_code=type_code,
                issuer_code=first.issuer_code,
                issuer=issuer,
                date=date,
                relation=strongest(rels),
                relations=rels,
                mentions=len(ms),
                spans=tuple(sorted(m.span for m in ms)),
                text=first.text,
                sentence=first.sentence,
                confidence=max(m.confidence for m in ms),
                pages=tuple(sorted({m.page for m in ms})),
                scope=scope,
                mention_list=tuple(ms),
                variants=tuple(sorted({read_as[m.span] for m in ms if not m.resolved_from} - {symbol})),
                resolved_from="name" if all(m.resolved_from == "name" for m in ms) else None,
                title=next((m.title for m in ms if m.title), None),
                notes=tuple(dict.fromkeys(m.note for m in ms if m.note)),
                resolved_how=next((m.resolved_how for m in ms if m.resolved_how), None)
                if all(m.resolved_from == "name" for m in ms) else None,
            )
        )
    out.sort(key=lambda r: r.spans[0][0])
    return out
