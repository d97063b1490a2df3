"""Laws cited by name, as references: a named mention the law table resolves (`Luật Tổ chức chính quyền địa phương
ngày 19 tháng 6 năm 2015` → 77/2015/QH13) becomes a Mention like a numbered one, with its evidence (span, sentence)
and `resolved_from="name"`; the others stay named mentions, without a number.

Numbered references to laws get the law's name from the table too (`title`), so that a law is found by its name
whichever way the letters cite it.
"""

from __future__ import annotations

from dataclasses import replace

from . import doctypes, laws
from .references import Mention, NamedMention, page_of, page_starts
from .sentences import sentence_index

LAW_KINDS = frozenset(laws.KINDS) - {"Nghị quyết"}  # a resolution named without its number is too vague

# The National Assembly's bodies, by the code a law's symbol carries.
_ISSUERS = {"QH": "Quốc hội", "UBTVQH": "Ủy ban Thường vụ Quốc hội"}


def _issuer_code(law: laws.Law) -> str:
    return "UBTVQH" if "UBTVQH" in law.symbol or law.kind == "Pháp lệnh" else "QH"


def law_symbol(law: laws.Law) -> str:
    """The law's số/ký hiệu; a Constitution has none and is known by its year (`Hiến pháp 2013`)."""
    if law.symbol:
        return law.symbol
    year = (law.passed or "")[:4]
    return f"{law.kind} {year}".strip()


def resolve_named(text: str, named: list[NamedMention], citing_date: str | None,
                  not_before: str | None = None) -> tuple[list[Mention], list[NamedMention]]:
    """The named mentions the law table resolves, as mentions (in text order), and the others as they were.
    `not_before`: for an undated citing document, the date it cannot be older than (`latest_cited`)."""
    resolved: list[Mention] = []
    left: list[NamedMention] = []
    sentences = sentence_index(text)
    pages = page_starts(text)
    for mention in named:
        found = (laws.resolve(mention.title, date=mention.date, year=mention.year, citing_date=citing_date,
                              not_before=None if citing_date else not_before)
                 if mention.type in LAW_KINDS else None)
        if found is None:
            left.append(mention)
            continue
        law = found.law
        kind = doctypes.type_by_name(law.kind)
        code = _issuer_code(law)
        sent_span, sentence = sentences.snippet(mention.span)
        symbol = law_symbol(law)
        resolved.append(Mention(
            symbol=symbol,
            number=symbol.split("/", 1)[0] if law.symbol else "",
            year=laws.symbol_year(law.symbol) if law.symbol else (int(law.passed[:4]) if law.passed else None),
            type=law.kind,
            type_code=kind.code if kind else "L",
            issuer_code=code,
            issuer=_ISSUERS[code],
            date=law.passed,
            span=mention.span,
            symbol_span=mention.span,
            text=mention.text,
            sentence=sentence,
            sentence_span=sent_span,
            confidence=found.confidence,
            tail_end=mention.span[1],
            page=page_of(pages, mention.span[0]),
            issuer_in_text=False,
            resolved_from="name",
            title=law.name,
            resolved_how=_how(found.how, citing_date or not_before),
        ))
    return resolved, left


def _how(how: str, citing_date: str | None) -> str:
    """How the version was chosen, said: a law named without a date is the version in force on the citing
    document's date (`Luật Đầu tư công` in a letter of 2021 → 39/2019/QH14, not the law of 2024)."""
    if how.startswith("in force since") and citing_date:
        return (f"the version in force since {citing_date}, the latest document the undated citing one cites, "
                "and not replaced since")
    if how.startswith("in force") and citing_date:
        return f"the version {how} on {citing_date}, the citing document's date"
    return {"date": "the version passed on the date the text gives", "year": "the version of the year the text "
            "gives", "name": "the only law of this name"}.get(how.split(",")[0], how)


def latest_cited(mentions: list[Mention]) -> str | None:
    """The latest date among the numbered documents a text cites (a normative number's year counts from its first
    day: `72/2025/QH15` → 2025-01-01): a document is no older than what it cites."""
    dates = [m.date for m in mentions if m.date] + [f"{m.year:04d}-01-01" for m in mentions if m.year]
    return max(dates, default=None)


def with_law_names(mentions: list[Mention]) -> list[Mention]:
    """Numbered mentions of laws the table holds, with the law's name as their title."""
    out = []
    for mention in mentions:
        law = laws.by_symbol(mention.symbol) if mention.title is None and mention.year else None
        out.append(replace(mention, title=law.name) if law else mention)
    return out
