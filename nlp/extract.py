"""Text → the letter's own metadata and everything it cites: the composition of header, references, relations."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .header import Header, parse_header
from .named import find_named
from .named_laws import latest_cited, resolve_named, with_law_names
from .references import Mention, NamedMention, Reference, find_mentions, merge
from .dates import date_at
from .doctypes import issuer_name
from .refs.repair import (
    codes_named_nearby,
    cut_towards_letter,
    fold_for_matching,
    letter_codes,
    own_codes,
    towards_letter_codes,
)
from .relation_checks import check_mentions, why_not
from .relations import classify
from .text import fold_lower, slug


@dataclass(frozen=True)
class DocLink:
    """An edge between two cited documents asserted by the letter (by reference id)."""

    source: str
    target: str
    relation: str
    span: tuple[int, int]
    sentence: str
    note: str | None = None  # why the relation the words state was not kept (nlp.relation_checks)


@dataclass(frozen=True)
class Extraction:
    header: Header
    references: tuple[Reference, ...]
    links: tuple[DocLink, ...]
    named: tuple[NamedMention, ...]
    self_mentions: tuple[Mention, ...]  # the letter naming itself ("Kèm theo Công văn số 819/...")


def _own_key(own: str | None) -> str | None:
    # number unknown ("?/QĐ-UBND"): never claim a match on the rest alone
    return None if not own or own.startswith("?") else slug(own)


def _is_own(mention: Mention, header: Header) -> bool:
    """The letter naming itself: its own symbol, or a mention inside its own `Số: …` line (OCR's reading of a
    handwritten number there, `#4 /QĐĐ-UBND` → `4/QĐ-UBND`, is no reference)."""
    own_key = _own_key(header.symbol)
    if own_key and slug(mention.symbol) == own_key:
        return True
    if own_key and _annex_title_misread(mention, header):
        return True
    span = header.symbol_span
    return bool(span and mention.symbol_span[0] < span[1] and mention.symbol_span[1] > span[0])


_KEM_THEO = re.compile(r"(?<![a-z])kem[ \t\n]+theo[^;\n]{0,40}\Z")


def _annex_title_misread(mention: Mention, header: Header) -> bool:
    """The letter's own symbol in the title of its annex, OCR having misread a digit of its handwritten number
    there: `(Ban hành kèm theo Quyết định số 4442/QĐ-ĐHAG ngày 28/11/2016 …)` in 2442/QĐ-ĐHAG — the same codes and
    type, the number one digit apart, right after `kèm theo`, undated or dated in the letter's month. A document the
    letter cites (`Căn cứ Quyết định số 2441/QĐ-ĐHAG`) is never taken for it."""
    own = header.symbol or ""
    number, rest = own.split("/", 1)[0], own[len(own.split("/", 1)[0]):]
    mine = mention.symbol[len(mention.number):] if mention.symbol.startswith(mention.number) else None
    if mine != rest or len(mention.number) != len(number) or \
            sum(a != b for a, b in zip(mention.number, number)) != 1:
        return False
    if mention.date and not (header.date and mention.date[:7] == header.date[:7]):
        return False
    before = fold_lower(mention.sentence[: max(0, mention.span[0] - mention.sentence_span[0])])
    return bool(_KEM_THEO.search(before)) and not fold_lower(mention.sentence).lstrip().startswith("can cu")


def _cut_towards_own(mentions: list[Mention], header: Header, text: str) -> list[Mention]:
    """Cited symbols that OCR's garble cut short, read as the letter's own code when the words after them spell it
    (`nlp.refs.repair.cut_towards_letter`), and dated by what follows them then."""
    own = own_codes(header.symbol)
    if not own:
        return mentions
    folded = None
    out = []
    for m in mentions:
        end = m.symbol_span[1]
        found = cut_towards_letter(m.symbol, m.number, text[end : end + len(own) + 6], own)
        if found is None:
            out.append(m)
            continue
        folded = folded if folded is not None else fold_for_matching(text)
        code = own.split("-")[0]
        out.append(_read_on(m, *found, text, folded, issuer_code=code, issuer=issuer_name(code) or m.issuer))
    return out


def _read_on(m: Mention, symbol: str, used: int, text: str, folded: str, **fields: object) -> Mention:
    """The mention with the symbol a repair read on into the `used` characters after it (`cut_towards_letter`),
    dated by what follows it then when it had no date."""
    end = m.symbol_span[1] + used
    date = None if m.date else date_at(folded, end, max_gap=4, text=text)
    return replace(m, symbol=symbol, symbol_span=(m.symbol_span[0], end), date=date.iso if date else m.date,
                   span=(m.span[0], max(m.span[1], date.span[1] if date else end)),
                   repairs=m.repairs + (f"{m.symbol}…→{symbol}",), **fields)


def _cut_towards_named(mentions: list[Mention], text: str) -> list[Mention]:
    """Cited symbols whose last code OCR cut short, read as the code of the body the words around them name when
    the words right after them spell its rest (`Quyết định số 70/2014/QĐ- TT ng ngày 10/12/2014 của Thủ tướng
    Chính phủ` → 70/2014/QĐ-TTg, dated 2014-12-10), as `_cut_towards_own` does with the letter's own code. A code
    the words after it do not spell stays (`Quyết định số 12/QĐ-UB ngày … của UBND tỉnh`: an old code, whole)."""
    folded = None
    out = []
    for m in mentions:
        if m.date or not re.search(r"[-/]", m.symbol[len(m.number):]):
            out.append(m)
            continue
        end = m.symbol_span[1]
        last = re.split(r"[-/]", m.symbol)[-1]
        head = m.symbol[len(m.number) + 1 : len(m.symbol) - len(last)]
        folded = folded if folded is not None else fold_for_matching(text)
        found = next((cut for code in codes_named_nearby(last, folded[max(0, m.symbol_span[0] - 150) : end + 150])
                      if (cut := cut_towards_letter(m.symbol, m.number, text[end : end + len(head + code) + 6],
                                                    head + code))), None)
        out.append(m if found is None else _read_on(m, *found, text, folded))
    return out


def _towards_own_codes(mention: Mention, header: Header) -> Mention:
    """A cited symbol's garbled code read towards the letter's own (`nlp.refs.repair.towards_letter_codes`)."""
    symbol, repairs = towards_letter_codes(mention.symbol, mention.number, letter_codes(header.symbol))
    if not repairs:
        return mention
    issuer = mention.issuer_code
    for repair in repairs:
        before, after = repair.split("→")
        issuer = after if issuer == before else issuer
    return replace(mention, symbol=symbol, issuer_code=issuer, repairs=mention.repairs + repairs)


def _dated_after_what_it_cites(header: Header, references: list[Reference]) -> Header:
    """A letter is dated after every document it cites: a header date more than a year before one of them is a
    misreading (a garbled text layer's `ngày 11 tháng 10 năm 1951` on a decision citing documents of 2017), and the
    letter stays undated rather than wrongly dated. (A year's margin: a cited date misread by a digit is no proof.)"""
    if not header.date or header.date_source not in (None, "header"):
        return header
    latest = max((r.date for r in references if r.date), default=None)
    if latest is None or _days_between(header.date, latest) <= 366:
        return header
    return replace(header, date=None, date_partial=None, date_source=None, date_span=None)


def _days_between(a: str, b: str) -> int:
    import datetime as dt

    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def _citing_date(header: Header) -> str | None:
    """The letter's date for choosing the version of a law it names: its date, else the middle of the month it
    printed (the day is often written by hand and not read; laws change version far less often)."""
    if header.date:
        return header.date
    partial = header.date_partial or ""
    return f"{partial}-15" if len(partial) == 7 else None


def _undated_where_doubtful(mention: Mention, doubtful: tuple[tuple[int, int], ...]) -> Mention:
    """A mention whose date holds a number OCR read with a digit lost (`Tờ trình số 503/TTr-BNV ngày 2⏎tháng 9 năm
    2024`, the `2` in a box two digits wide: the page prints 25) is left undated: a wrong date is worse than none."""
    if mention.date and any(mention.symbol_span[1] <= a and b <= mention.span[1] for a, b in doubtful):
        return replace(mention, date=None)
    return mention


def extract(text: str, doubtful: tuple[tuple[int, int], ...] = ()) -> Extraction:
    """Everything vanban reads from one document's text (spans index `text` as given). `doubtful`: spans of
    numbers OCR read with a digit lost (`ocr.lost_digits`): a date that holds one is not taken."""
    header = parse_header(text)
    numbered = with_law_names(find_mentions(text))
    if doubtful:
        numbered = [_undated_where_doubtful(m, doubtful) for m in numbered]
    # laws cited by name: those the law table resolves are references like the numbered ones
    by_name, named = resolve_named(text, find_named(text, numbered), _citing_date(header),
                                   latest_cited([m for m in numbered if not _is_own(m, header)]))
    mentions, links = classify(text, numbered + by_name)
    own = [m for m in mentions if _is_own(m, header)]
    cited = check_mentions([m for m in mentions if not _is_own(m, header)], header.type_code, header.issuer_code,
                           header.date)
    cited = _cut_towards_named(_cut_towards_own(cited, header, text), text)
    references = merge([_towards_own_codes(m, header) for m in cited])
    header = _dated_after_what_it_cites(header, references)
    id_of = {}
    for ref in references:
        for m in ref.mention_list:
            id_of[m.span] = ref.id
    doc_links = []
    seen = set()
    for link in links:
        source, target = id_of.get(link.source.span), id_of.get(link.target.span)
        if not source or not target or source == target:
            continue
        relation = link.relation
        note = why_not(relation, (link.source.type_code, link.source.issuer_code, link.source.date),
                       (link.target.type_code, link.target.issuer_code, link.target.date))
        if note:
            relation, note = "cites", f"{relation}? {note}"
        key = (source, target, relation)
        if key in seen:
            continue
        seen.add(key)
        doc_links.append(DocLink(source, target, relation, link.span, link.sentence, note))
    return Extraction(
        header=header,
        references=tuple(references),
        links=tuple(doc_links),
        named=tuple(named),
        self_mentions=tuple(own),
    )


def with_header(extraction: Extraction, header: Header) -> Extraction:
    """The extraction with a header completed from elsewhere (a number read in handwriting): a reference that is
    now known to be the letter itself moves to its self-mentions (also its annex title read with a digit off, as
    `_annex_title_misread` says: the handwritten 2442 OCR read 242 in the header, 4442 in the annex)."""
    own_key = _own_key(header.symbol)
    moved = [r for r in extraction.references if own_key and (slug(r.symbol) == own_key or all(
        _annex_title_misread(m, header) for m in r.mention_list))]
    if not moved:
        return replace(extraction, header=header)
    ids = {r.id for r in moved}
    return replace(extraction, header=header,
                   references=tuple(r for r in extraction.references if r.id not in ids),
                   links=tuple(link for link in extraction.links if link.source not in ids and link.target not in ids),
                   self_mentions=extraction.self_mentions + tuple(m for r in moved for m in r.mention_list))
