"""Text → the letter's own metadata and everything it cites: the composition of header, references, relations."""

from __future__ import annotations

from dataclasses import dataclass

from .header import Header, parse_header
from .named import find_named
from .references import Mention, NamedMention, Reference, find_mentions, merge
from .relations import classify
from .text import slug


@dataclass(frozen=True)
class DocLink:
    """An edge between two cited documents asserted by the letter (by reference id)."""

    source: str
    target: str
    relation: str
    span: tuple[int, int]
    sentence: str


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


def extract(text: str) -> Extraction:
    """Everything vanban reads from one document's text (spans index `text` as given)."""
    header = parse_header(text)
    mentions, links = classify(text, find_mentions(text))
    own_key = _own_key(header.symbol)
    own = [m for m in mentions if own_key and slug(m.symbol) == own_key]
    cited = [m for m in mentions if not (own_key and slug(m.symbol) == own_key)]
    references = merge(cited)
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
        key = (source, target, link.relation)
        if key in seen:
            continue
        seen.add(key)
        doc_links.append(DocLink(source, target, link.relation, link.span, link.sentence))
    return Extraction(
        header=header,
        references=tuple(references),
        links=tuple(doc_links),
        named=tuple(find_named(text, mentions)),
        self_mentions=tuple(own),
    )
