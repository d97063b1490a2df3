"""The parts of a question besides the document it names: the relation asked for, a date or a range, the type and
the issuer of the documents wanted, and the words not understood (said, never silently dropped).

    văn bản nào sửa đổi Kế hoạch 58          → relation amends        what replaces 58/KH-UBND  → replaces
    văn bản nào căn cứ NQ 57 năm 2025        → based_on, 2025          since 2026 / từ 01/2025   → from
    công văn nào trích dẫn KH 58             → type Công văn           trước 06/2025 / before 2026 → to
    văn bản của Sở Tư pháp trích dẫn NQ 57   → issuer Sở Tư pháp       issued by …               → issuer

Everything is matched on the folded question (no diacritics, lower case; same offsets), so `van ban nao sua doi`
reads as `văn bản nào sửa đổi`. Each recognised part is blanked out of the question, so that the document part is
read from what is left and what is left after that is the words not understood.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from functools import lru_cache

from nlp import doctypes
from nlp.text import fold_lower

# Relation words, as a question says them (folded); "cites" (trích dẫn, cite, refer to) asks for every relation.
_RELATION_WORDS = (
    ("based_on", r"can cu(?: vao)?|(?:is |are |was |were )?based on|rel(?:y|ies|ied|ying) on"),
    ("implements", r"thuc hien|trien khai|thi hanh|implement(?:s|ed|ing)?"),
    ("amends", r"sua doi(?:,? bo sung)?|bo sung|amend(?:s|ed|ing)?"),
    ("replaces", r"thay the|replac(?:e|es|ed|ing)"),
    ("repeals", r"bai bo|het hieu luc|repeal(?:s|ed|ing)?|abolish(?:es|ed|ing)?"),
    ("responds_to", r"tra loi|phuc dap|respon(?:d|ds|ded|ding) to|repl(?:y|ies|ied|ying) to"),
    ("attached_to", r"kem theo|attached to|attache?s?"),
)
_CITE_WORDS = (r"trich dan|dan chieu|vien dan|nhac den|de cap(?: den)?|cit(?:e|es|ed|ing)|refer(?:s|red|ring)? to|"
               r"mention(?:s|ed|ing)?|quot(?:e|es|ed|ing)")
# Words that only carry the question: asked, not filtered on
_FILLER = frozenset("""
what which who whom whose where when how is are was were be been being does do did the a an of that this these those
to me show list all any find documents document docs doc letters letter texts text papers by in on and or with for
van ban vb nao nhung cac gi la co duoc boi da hay cho toi liet ke tim kiem nhu the sao ve va hoac moi tat ca
there it its their them has have had please can could would give get
""".split())
_PASSIVE = re.compile(r"(?<![a-z])(?:duoc|bi|is|are|was|were|been|being)(?:\s+(?:da|duoc))?\s*$")

# a day, a month or a year: "01/02/2025", "01/2025", "tháng 1/2025", "năm 2025", "2025"
_WHEN = r"(?:(?:thang\s+)?\d{1,2}\s*[/.-]\s*(?:\d{1,2}\s*[/.-]\s*)?|(?:nam|year)\s+)?(?:19|20)\d\d"
_FROM = r"tu|ke tu|since|from|after|sau|starting"
_TO = r"den|toi|until|till|to|before|truoc|by"


@dataclass(frozen=True)
class Filters:
    """What the question asks of the documents listed, besides the document it names."""

    relation: str | None = None  # relation code; None: every relation ("trích dẫn", "cite")
    date_from: str | None = None  # ISO, inclusive
    date_to: str | None = None
    type_code: str | None = None
    issuer: str | None = None  # words of the issuer's name, as asked ("sở tư pháp")
    unknown: tuple[str, ...] = ()  # words not understood
    said: tuple[str, ...] = field(default=())  # the parts understood, as the question printed them

    def to_dict(self) -> dict[str, object]:
        return {"relation": self.relation, "from": self.date_from, "to": self.date_to, "type": self.type_code,
                "issuer": self.issuer, "not_understood": list(self.unknown)}

    def keeps(self, row: dict) -> bool:
        if self.relation and self.relation not in {m["relation"] for m in row.get("mentions") or [row]}:
            return False
        day = row.get("date") or ""
        if self.date_from and (not day or day < self.date_from):
            return False
        if self.date_to and (not day or day > self.date_to):
            return False
        if self.type_code and (row.get("type_code") or _code_of(row.get("type"))) != self.type_code:
            return False
        if self.issuer and not issuer_fits(self.issuer, row.get("issuer"), row.get("province")):
            return False
        return True


def _code_of(type_name: str | None) -> str | None:
    found = doctypes.type_by_name(type_name) if type_name else None
    return found.code if found else None


def issuer_fits(asked: str, issuer: str | None, province: str | None) -> bool:
    have = fold_lower(" ".join(p for p in (issuer, province) if p))
    have = have.replace("uy ban nhan dan", "ubnd").replace("hoi dong nhan dan", "hdnd")
    words = asked.replace("uy ban nhan dan", "ubnd").replace("hoi dong nhan dan", "hdnd").split()
    return bool(words) and all(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", have) for w in words)


@lru_cache(maxsize=1)
def _relation_pattern() -> re.Pattern[str]:
    parts = [f"(?P<r{i}>{words})" for i, (_, words) in enumerate(_RELATION_WORDS)]
    return re.compile(r"(?<![a-z])(?:" + "|".join(parts) + rf"|(?P<cite>{_CITE_WORDS}))(?![a-z])")


@lru_cache(maxsize=1)
def _filter_types() -> re.Pattern[str]:
    """Type names a question uses for the documents it wants (`công văn nào`, `which decisions`)."""
    words: dict[str, str] = {}
    for t in doctypes.doc_types():
        for name in (t.name, *t.names):
            words.setdefault(fold_lower(name), t.code)
        for alias in t.english:
            if alias not in {"letter", "document", "official letter"}:
                words.setdefault(alias, t.code)
                words.setdefault(alias + "s", t.code)
    words.pop("van ban", None)
    _filter_codes.update(words)
    alts = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![a-z])(?P<type>{alts})(?![a-z0-9])(?!\s*(?:so\s*)?\d)")


_filter_codes: dict[str, str] = {}
_ISSUER = re.compile(r"(?<![a-z])(?:cua|do|issued by|from)\s+(?P<who>(?:(?!trich dan|can cu|thuc hien|sua doi|thay the|"
                     r"bai bo|cite|implement|amend|replac|repeal|nam |in |since|(?:tu|den|truoc|sau) +\d|"
                     r"(?:ke hoach|nghi quyet|quyet dinh|cong van|kh|nq|qd|cv) +\d)[^?,.;])+)")


def blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]


def parse_dates(folded: str) -> tuple[str | None, str | None, list[tuple[int, int]]]:
    """(from, to, spans used): `năm 2025` → the year; `từ 01/2025` → from its first day; `trước 2026` → to the day
    before; `từ 2024 đến 2025`, `between 2024 and 2025`, `2024-2025` → both."""
    spans: list[tuple[int, int]] = []
    lo = hi = None
    between = re.search(rf"(?<![a-z0-9/])(?:(?:tu|from|between)\s+)?(?P<a>{_WHEN})\s*(?:-|den|toi|to|and|until)\s*"
                        rf"(?P<b>{_WHEN})(?![0-9/])", folded)
    if between:
        spans.append(between.span())
        return _when(between.group("a"))[0], _when(between.group("b"))[1], spans
    for match in re.finditer(rf"(?<![a-z0-9/])(?:(?P<op>{_FROM}|{_TO}|in|trong|during)\s+)?(?P<when>{_WHEN})"
                             r"(?![0-9/])", folded):
        op = match.group("op") or ""
        first, last = _when(match.group("when"))
        year_only = re.fullmatch(r"(?:(?:nam|year)\s+)?(?:19|20)\d\d", match.group("when"))
        if not op and year_only and not _alone(folded, match):
            continue  # "Luật Đất đai (năm) 2024", "NQ 57 năm 2024": the named document's year, not a date filter
        if op and re.fullmatch(_FROM, op):
            lo = first if op not in {"after", "sau"} else _next_day(last)
        elif op and re.fullmatch(_TO, op):
            hi = last if op not in {"before", "truoc"} else _previous_day(first)
        else:
            lo, hi = first, last
        spans.append(match.span())
    return lo, hi, spans


def _alone(folded: str, match: re.Match[str]) -> bool:
    """The year stands on its own: at the start, or after a word that only carries the question or a relation word
    (`văn bản nào năm 2025 …`), not after a name or a number."""
    before = re.search(r"([a-z0-9]+)\s*$", folded[: match.start()])
    if before is None:
        return True
    word = before.group(1)
    return word in _FILLER or bool(_relation_pattern().fullmatch(folded, before.start(1), before.end(1)))


def _when(text: str) -> tuple[str, str]:
    """First and last day of a day, month or year as the question wrote it."""
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    year = numbers[-1]
    if len(numbers) == 3:
        day = f"{year:04d}-{numbers[1]:02d}-{numbers[0]:02d}"
        return day, day
    if len(numbers) == 2 and 1 <= numbers[0] <= 12:
        month = numbers[0]
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def _next_day(iso: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()


def _previous_day(iso: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


@dataclass(frozen=True)
class Reading:
    """A question read for its filters: the filters, the question with dates and issuer blanked (same length, for
    the document part), and where the type and issuer words stood (a type word inside the document's own name is
    the document's, an issuer after it qualifies the document asked about)."""

    filters: Filters
    rest: str
    type_span: tuple[int, int] | None
    issuer_span: tuple[int, int] | None


def read(query: str) -> Reading:
    """The filters a question states (see the module's docstring)."""
    folded = fold_lower(query)
    if len(folded) != len(query):
        folded = query.lower()
    lo, hi, spans = parse_dates(folded)
    for span in spans:
        folded = blank(folded, span)
    relation = None
    for match in _relation_pattern().finditer(folded):
        if match.lastgroup and match.lastgroup.startswith("r"):
            relation = _RELATION_WORDS[int(match.lastgroup[1:])][0]
            break
    issuer = issuer_span = None
    who = _ISSUER.search(folded)
    if who:
        issuer = " ".join(w for w in who.group("who").split() if w not in _FILLER) or None
        issuer_span = who.span() if issuer else None
    type_code = type_span = None
    for match in _filter_types().finditer(folded):
        if issuer_span and issuer_span[0] <= match.start() < issuer_span[1]:
            continue
        type_code, type_span = _filter_codes.get(" ".join(match.group("type").split())), match.span()
        break
    rest = blank(folded, issuer_span) if issuer_span else folded
    filters = Filters(relation=relation, date_from=lo, date_to=hi, type_code=type_code, issuer=issuer)
    return Reading(filters, rest, type_span, issuer_span)


def with_unknown(filters: Filters, rest: str, used: list[tuple[int, int]]) -> Filters:
    """The words of the question that nothing read: not the document, a relation, a date, a type, an issuer, nor a
    word that only carries the question."""
    for span in used:
        rest = blank(rest, span)
    rest = _relation_pattern().sub(lambda m: " " * len(m.group(0)), rest)
    rest = _filter_types().sub(lambda m: " " * len(m.group(0)), rest)
    words = [w for w in re.findall(r"[a-z0-9]+(?:[/&-][a-z0-9]+)*", rest) if w not in _FILLER]
    return Filters(**{**filters.__dict__, "unknown": tuple(dict.fromkeys(words))})


def relation_verb(folded: str) -> re.Match[str] | None:
    """The first relation word (`sửa đổi`, `replaces`, …) in a folded piece of a question."""
    for match in _relation_pattern().finditer(folded):
        if match.lastgroup and match.lastgroup.startswith("r"):
            return match
    return None


def is_passive(folded_before_verb: str) -> bool:
    return bool(_PASSIVE.search(folded_before_verb))
