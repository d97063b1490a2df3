"""The relations read from the words, checked against the legal hierarchy and the dates; what fails keeps `cites`
and says why.

- A document never amends, replaces or repeals one above it (`nlp/data/hierarchy.tsv`): a Nghị định that writes
  `… sửa đổi, bổ sung Luật …` is citing the law's name, not amending it.
- A document never stands on, implements, answers or acts on one issued after it: a letter of 2019 is not based on
  a law of 2020 (a `Căn cứ` line read into the next one).
The same holds between two cited documents (a relation the letter asserts): `Nghị định 187/2025 amends Luật 64/2025`
is no amendment.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from .references import Mention

_ACTS = frozenset({"amends", "replaces", "repeals"})


@lru_cache(maxsize=1)
def _ranks() -> dict[tuple[str, str], int]:
    path = Path(__file__).parent / "data" / "hierarchy.tsv"
    out = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader((line for line in handle if line.strip() and not line.startswith("#")),
                              delimiter="\t"):
            out[(row[0], row[1])] = int(row[2])
    return out


def rank(type_code: str | None, issuer_code: str | None) -> int | None:
    """The document's rank in the legal hierarchy (1 highest), None for documents outside it."""
    if not type_code:
        return None
    ranks = _ranks()
    return ranks.get((type_code, issuer_code or "")) or ranks.get((type_code, "*"))


def why_not(relation: str, source: tuple[str | None, str | None, str | None],
            target: tuple[str | None, str | None, str | None]) -> str | None:
    """Why `source` cannot have `relation` to `target` (each: type code, issuer code, ISO date); None when it can."""
    if relation == "cites":
        return None
    src_rank, dst_rank = rank(source[0], source[1]), rank(target[0], target[1])
    if relation in _ACTS and src_rank and dst_rank and src_rank > dst_rank:
        return f"a document of rank {src_rank} does not {relation[:-1]} one of rank {dst_rank}"
    if source[2] and target[2] and target[2] > source[2]:
        return f"the cited document ({target[2]}) is later than the citing one ({source[2]})"
    return None


def check_mentions(mentions: list[Mention], type_code: str | None, issuer_code: str | None,
                   date: str | None) -> list[Mention]:
    """Mentions whose relation to the letter (its type, issuer and date) fails the checks, made `cites` with a
    note."""
    out = []
    for m in mentions:
        note = why_not(m.relation, (type_code, issuer_code, date), (m.type_code, m.issuer_code, m.date))
        out.append(replace(m, relation="cites", note=f"{m.relation}? {note}") if note else m)
    return out
