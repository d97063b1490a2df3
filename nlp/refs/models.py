"""What the reference grammar finds: mentions of numbered documents, documents cited by name only, and the
distinct documents the mentions are merged into."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..text import slug


@dataclass(frozen=True)
class Mention:
    """One occurrence of a numbered reference in a text."""

    symbol: str  # repaired số/ký hiệu: "57-NQ/TW", "58/KH-UBND", "13/2023/NĐ-CP"
    number: str
    year: int | None  # the year inside a normative symbol
    type: str  # Vietnamese type name
    type_code: str
    issuer_code: str | None
    issuer: str | None  # full name: from "của ..." when the text says it, else from the code table
    date: str | None  # ISO date of the cited document
    span: tuple[int, int]  # type name … date, into the text given
    symbol_span: tuple[int, int]
    text: str  # the text of `span` as it came
    sentence: str
    sentence_span: tuple[int, int]
    confidence: float
    relation: str = "cites"
    repairs: tuple[str, ...] = ()
    tail_end: int = 0  # end of the reference phrase (after "của ...")
    subject_start: int | None = None  # start of its "về ..." clause, when it has one
    page: int = 1
    scope: str | None = None  # place that qualifies a local issuer ("tỉnh Quảng Ngãi"), when the text says it
    issuer_in_text: bool = False  # the issuer name was read from "của ..." rather than taken from the code table
    resolved_from: str | None = None  # "name": a law cited by name, its symbol from the law table (nlp.laws)
    title: str | None = None  # the cited document's name, when known (a law's, from the table)
    note: str | None = None  # why a relation the words state was not kept (nlp.relation_checks)
    resolved_how: str | None = None  # a law cited by name: how its version was chosen ("in force on 2021-03-26 …")

    @property
    def id(self) -> str:
        return reference_id(self.type_code, self.symbol, self.date)


@dataclass(frozen=True)
class NamedMention:
    """A document cited by name only (`Đề án 06`, `Luật Tố tụng hành chính năm 2015`): never given a symbol."""

    type: str
    title: str
    text: str
    span: tuple[int, int]
    number: str | None = None
    year: int | None = None
    date: str | None = None  # ISO: the date the text gives for it ("Luật Đất đai ngày 18/01/2024")


@dataclass(frozen=True)
class Reference:
    """One distinct cited document, its mentions merged."""

    id: str
    symbol: str
    number: str
    type: str
    type_code: str
    issuer_code: str | None
    issuer: str | None
    date: str | None
    relation: str
    relations: tuple[str, ...]
    mentions: int
    spans: tuple[tuple[int, int], ...]
    text: str
    sentence: str
    confidence: float
    pages: tuple[int, ...] = ()
    scope: str | None = None
    mention_list: tuple[Mention, ...] = field(default=(), repr=False, compare=False)
    variants: tuple[str, ...] = ()  # other readings of the symbol in this text (OCR's variants), merged here
    resolved_from: str | None = None  # "name" when every mention named the law without its number
    title: str | None = None
    notes: tuple[str, ...] = ()  # why relations its mentions state were not kept
    resolved_how: str | None = None  # a law cited by name only: how its version was chosen


def reference_id(type_code: str, symbol: str, date: str | None) -> str:
    """`kh-58-kh-ubnd-2025-10-10`: type code, symbol, and the date when known."""
    parts = [slug(type_code), slug(symbol)]
    if date:
        parts.append(date)
    return "-".join(p for p in parts if p)


@dataclass(frozen=True)
class ParsedSymbol:
    """The symbol a match of the grammar spells, repaired (before its context is read)."""

    symbol: str
    number: str
    year: int | None
    system: str  # party, normative, nd30, congvan
    type_code: str | None  # None for công văn and for QH symbols (decided by the type name)
    issuer_code: str | None
    span: tuple[int, int]
    repairs: tuple[str, ...]
    known_issuer: bool


# The relations a letter asserts of a document it cites, strongest first: a document mentioned twice, once as
# replaced and once as cited, is a replaced one.
RELATION_STRENGTH = ("repeals", "replaces", "amends", "based_on", "responds_to", "implements", "attached_to", "cites")


def strongest(relations: set[str] | list[str] | tuple[str, ...]) -> str:
    for rel in RELATION_STRENGTH:
        if rel in relations:
            return rel
    return "cites"
