"""Reading the corpus: every document that mentions a law, read for *sightings* of (symbol, name, date passed,
date in force) in the recurring shapes (the notes, a name before or after the number, a law's own header and
closing line, "thông qua ngày", "có hiệu lực từ") and for the repeal and amendment clauses between laws."""

from __future__ import annotations

import datetime as dt
import gzip
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..dates import date_at
from ..laws import is_amending, name_key, symbol_year
from ..text import fold_lower
from .names import KIND, SYMBOL, SYMBOL_RE, clean_name, kind_word, name_after, name_before

_SO_SYMBOL = re.compile(r"(?<![\w])số\s*:?\s*(?P<sym>" + SYMBOL + ")")
_DMY = r"\d{1,2}/\d{1,2}/\d{4}"
_FORCE = r"có hiệu lực(?: thi hành)?(?: kể)? từ(?: ngày)?\s+"

NOTE = re.compile(
    r"\((?:Điều|Khoản|Điểm|Mục|Chương)\s+\S+\s+(?:của\s+)?(?P<kind>" + KIND + r")\s+số\s+(?P<sym>" + SYMBOL + r")"
    r"(?P<rest>[^()\n]*?)(?:\s+ngày\s+(?P<date>" + _DMY + r")(?:\s+của\s+[^,()\n]{2,60}?)?)?"
    r",\s+" + _FORCE + r"(?P<force>" + _DMY + r")(?P<tail>[^()\n]*)\)"
)
_NOTE_AMENDERS = re.compile(r"(?:sửa đổi|bổ sung|bãi bỏ)[^()\n]*?\bbởi\b(?P<by>[^()\n]*)")
_NOTE_HEAD = re.compile(
    r"\((?:Điều|Khoản)\s+\S+\s+(?P<kind>Bộ luật|Bộ Luật|Luật|Pháp lệnh)\s+số\s+(?P<sym>" + SYMBOL + ")"
)
_HEADER = re.compile(
    r"^(?P<kind>" + KIND + r")\s+số\s*:\s*(?P<sym>" + SYMBOL + r")[^\n]*\n(?:[^\n]*\n){0,2}?"
    r"(?P<title>(?:LUẬT|BỘ LUẬT|PHÁP LỆNH)(?:\n?[ A-ZÀ-ỸĐ,]+){1,30})\n",
    re.M,
)
_CLOSING = re.compile(
    r"(?P<kind>Bộ luật|Luật|Pháp lệnh) này (?:đã )?được (?:Quốc hội|Ủy ban [Tt]hường vụ Quốc hội"
    r"|Uỷ ban [Tt]hường vụ Quốc hội)[^.\n]{0,160}? thông qua\s+(?=ngày\s)"
)
_PASSED_ON = re.compile(
    r"(?<![\w])[Nn]gày\s+(?P<date>\d{1,2}(?:/\d{1,2}/| tháng \d{1,2} năm )\d{4}),?\s+(?:Quốc hội|Ủy ban Thường vụ Quốc"
    r" hội)[^.;\n]{0,120}?(?:đã )?thông qua\s+(?P<what>[^.;\n]{3,300}?)\s*\(?(?:Luật |Bộ luật |Pháp lệnh )?số\s+"
    r"(?P<sym>" + SYMBOL + ")"
)
_PASSED_AFTER = re.compile(
    r"(?P<sym>" + SYMBOL + r")\)?,?\s+(?:đã\s+)?(?:được\s+)?(?:Quốc hội|Ủy ban Thường vụ Quốc hội)?[^.;\n]{0,100}?"
    r"(?<![\w])thông qua(?: vào)? ngày\s+(?P<date>\d{1,2}(?:/\d{1,2}/| tháng \d{1,2} năm )\d{4})"
)
# "Ngày 10/12/2025, Quốc hội đã thông qua Luật Viên chức 2025 (thay thế …)": a dated name.
_PASSED_NAME = re.compile(
    r"(?<![\w])[Nn]gày\s+(?P<date>\d{1,2}(?:/\d{1,2}/| tháng \d{1,2} năm )\d{4}),?\s+(?:[^.;\n]{0,60}?,\s+)?"
    r"(?:Quốc hội|Ủy ban Thường vụ Quốc hội)[^.;\n]{0,60}?(?<![\w])thông qua\s+(?P<kind>Bộ luật|Luật|Pháp lệnh)"
    r"(?P<rest>\s+[^,;.()\n]{2,150}?)(?=\s*(?:[,;.(\n]|$)|\s+(?:có hiệu lực|và|thay thế|với|tại|gồm)(?![\w]))"
)
# The pháp điển cross-references: "… của Luật 55/2014/QH13 Bảo vệ môi trường ban hành ngày 23/06/2014".
_CROSSREF = re.compile(
    r"(?<![\w])(?P<kind>Bộ luật|Luật|Pháp lệnh)\s+(?P<sym>" + SYMBOL + r")\s+(?P<rest>[^;()\n]{2,200}?)"
    r"\s+ban hành ngày\s+(?P<date>" + _DMY + ")"
)
_IN_FORCE = re.compile(
    r"(?P<sym>" + SYMBOL + r")\)?,?\s+(?:sẽ |chính thức )?" + _FORCE
    + r"(?P<date>\d{1,2}/\d{1,2}/\d{4}|\d{1,2} tháng \d{1,2} năm \d{4})"
)
_REPEALED = re.compile(
    r"(?P<what>[^\n.;:]{0,400}?)\s+(?:đều\s+)?hết hiệu lực(?: thi hành)?(?: kể)? từ ngày\s+"
    r"(?:Bộ luật|Luật|Pháp lệnh) này\s+có hiệu lực"
)
_AMENDED_BY = re.compile(
    r"(?P<kind>" + KIND + r")[^;\n()]{0,200}?\bsố\s+(?P<sym>" + SYMBOL + r")[,;]?\s+(?:đã\s+)?được\s+sửa đổi,?"
    r"(?:\s+bổ sung)?(?:\s+một số điều)?(?:\s+(?:theo|bởi|tại))?\s+(?P<by>(?:[^;\n()]{0,60}?(?:Bộ luật|Luật|Pháp lệnh)"
    r"\s+số\s+" + SYMBOL + r"[,;]?\s*(?:và\s+)?)+)"
)

_TRAILING_YEAR = re.compile(r"(?:\s+(?:năm|Năm))?\s+(?P<y>(?:19|20)\d\d)\s*[(,-]?\s*$")


@dataclass(frozen=True)
class Sighting:
    symbol: str
    kind: str | None
    name: str | None  # as printed (None for a title in capitals: it votes only through its key)
    key: str | None  # name_key(name)
    date: str | None  # ISO date passed
    in_force: str | None
    weight: float
    how: str  # note, header, before, after, amending, closing, passed, in force


def _iso(dmy: str | None) -> str | None:
    if not dmy:
        return None
    match = re.fullmatch(r"(\d{1,2})(?:/| tháng )(\d{1,2})(?:/| năm )(\d{4})", dmy.strip())
    if match is None:
        return None
    d, m, y = (int(x) for x in match.groups())
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _date_after(text: str, pos: int, max_gap: int = 3) -> tuple[str | None, int]:
    """The `ngày …` date that starts within `max_gap` characters of `pos` (ISO), and where it ends."""
    found = date_at(fold_lower(text[pos : pos + max_gap + 70]), 0, max_gap=max_gap)
    if found is None:
        return None, pos
    return found.iso, pos + found.span[1]


@dataclass
class Mined:
    sightings: list[Sighting] = field(default_factory=list)
    dated_names: Counter = field(default_factory=Counter)  # (kind, key, name, date) given with a date, no number
    replaced: Counter = field(default_factory=Counter)  # (new symbol, old symbol)
    replaced_names: Counter = field(default_factory=Counter)  # (new symbol, old key, old date)
    amended: Counter = field(default_factory=Counter)  # (amending symbol, amended symbol)
    documents: int = 0

    def see(self, symbol: str, kind: str | None, name: str | None, date: str | None, in_force: str | None,
            weight: float, how: str) -> None:
        self.sightings.append(Sighting(symbol, kind, name, name_key(name) if name else None, date, in_force, weight,
                                       how))


def documents(corpus: Path) -> Iterator[tuple[str, str, str]]:
    """(file name, text for matching, text as stored) of every document that mentions a law."""
    paths = sorted(corpus.glob("*.txt.gz"))
    if not paths:
        raise SystemExit(f"laws_build: no *.txt.gz in {corpus}")
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            text = fh.read()
        joined = path.name.startswith("legal-vanban")  # PDF line breaks fall inside names
        for doc in text.rstrip("\n").split("\n\n"):
            if "uật" in doc or "UẬT" in doc or "Pháp lệnh" in doc:
                yield path.name, (doc.replace("\n", " ") if joined else doc), doc


def mine(corpus: Path) -> Mined:
    out = Mined()
    for _name, doc, raw in documents(corpus):
        out.documents += 1
        notes = _mine_notes(doc, out)
        _mine_numbers(doc, out, notes)
        _mine_dated_names(doc, out)
        _mine_headers(raw, out)
        _mine_closing(doc, out)
        _mine_passed_on(doc, out)
        _mine_passed_after(doc, out)
        _mine_crossrefs(doc, out)
        _mine_in_force(doc, out)
        _mine_repeals(doc, out)
        _mine_amended_by(doc, out)
    return out


def _mine_notes(doc: str, out: Mined) -> list[tuple[int, int]]:
    spans = []
    for m in NOTE.finditer(doc):
        spans.append(m.span())
        kind, sym = kind_word(m.group("kind")), m.group("sym")
        rest = m.group("rest").strip(" ,")
        name = clean_name(kind, rest, repeat_ok=True) if rest else None
        out.see(sym, kind, name, _iso(m.group("date")), _iso(m.group("force")), 3.0 if name else 1.0, "note")
        tail = _NOTE_AMENDERS.search(m.group("tail"))
        if tail:
            for by in re.finditer(r"(Bộ luật|Bộ Luật|Luật|Pháp lệnh)\s+số\s+(" + SYMBOL + r")(?P<t>[^;]*)",
                                  tail.group("by")):
                if by.group(2) == sym:
                    continue
                out.amended[(by.group(2), sym)] += 1
                force = re.search(_FORCE + "(" + _DMY + ")", by.group("t"))
                out.see(by.group(2), kind_word(by.group(1)), None, None, _iso(force.group(1)) if force else None, 0.5,
                        "note")
    return spans


def _mine_numbers(doc: str, out: Mined, notes: list[tuple[int, int]]) -> None:
    for m in _SO_SYMBOL.finditer(doc):
        sym = m.group("sym")
        if any(a <= m.start() < b for a, b in notes):
            continue  # read by _mine_notes
        date, _ = _date_after(doc, m.end())
        before = doc[max(0, m.start() - 40) : m.start()]
        bare = re.search(r"(?<![\w])(" + KIND + r")\s*$", before)
        if not bare:
            for kind, name, weight in name_before(doc, m.start()):
                out.see(sym, kind, name, date, None, weight, "before" if weight == 1 else "amending")
            continue
        # "Luật số 47/2019/QH14 sửa đổi, …"
        kind = kind_word(bare.group(1))
        name, end = name_after(kind, doc, m.end())
        if name:
            if date is None:
                date, _ = _date_after(doc, end)
            out.see(sym, kind, name, date, None, 1.0, "after")
            continue
        # "Luật Quản lý thuế 2025 Luật số 108/2025/QH15", "Luật Tổ chức chính quyền địa phương 2025 (Luật số …)"
        head = m.start() - len(before) + bare.start()
        year = _TRAILING_YEAR.search(doc, max(0, head - 12), head)
        if year and int(year.group("y")) == symbol_year(sym):
            for kind2, name2, weight in name_before(doc, year.start()):
                if weight == 1 and kind2 == kind:
                    out.see(sym, kind2, name2, date, None, 1.0, "before")
        elif date:
            out.see(sym, kind, None, date, None, 0.5, "after")


_NGAY = re.compile(r"\s+ngày\s+(?=\d)")


def _mine_dated_names(doc: str, out: Mined) -> None:
    for m in _NGAY.finditer(doc):
        date, _ = _date_after(doc, m.start(), 2)
        if date is None:
            continue
        for kind, name, weight in name_before(doc, m.start()):
            if weight == 1:
                out.dated_names[(kind, name_key(name), name, date)] += 1


def _mine_headers(raw: str, out: Mined) -> None:
    for m in _HEADER.finditer(raw):
        title = " ".join(m.group("title").split())
        kind = kind_word(re.match(r"BỘ LUẬT|PHÁP LỆNH|LUẬT", title).group(0))
        if kind != kind_word(m.group("kind")):
            continue
        rest = title[len(kind) :].strip()
        out.sightings.append(Sighting(m.group("sym"), kind, None, name_key(f"{kind} {rest.lower()}"), None, None,
                                      3.0, "header"))


def _mine_closing(doc: str, out: Mined) -> None:
    """`Luật này đã được Quốc hội … thông qua ngày 17 tháng 6 năm 2010.` dates the law its note names."""
    for m in _CLOSING.finditer(doc):
        date, _ = _date_after(doc, m.end(), 0)
        heads = list(_NOTE_HEAD.finditer(doc, 0, m.start()))
        if date is None or not heads:
            continue
        head = heads[-1]
        if (kind_word(head.group("kind")) == "Pháp lệnh") != (m.group("kind") == "Pháp lệnh"):
            continue
        if symbol_year(head.group("sym")) == int(date[:4]):
            out.see(head.group("sym"), kind_word(head.group("kind")), None, date, None, 2.0, "closing")


def _mine_passed_on(doc: str, out: Mined) -> None:
    """`Ngày 10/12/2025, Quốc hội … đã thông qua Luật Quản lý thuế 2025 Luật số 108/2025/QH15`."""
    for m in _PASSED_ON.finditer(doc):
        date = _iso(m.group("date"))
        if date and symbol_year(m.group("sym")) == int(date[:4]):
            out.see(m.group("sym"), None, None, date, None, 1.0, "passed")


def _mine_crossrefs(doc: str, out: Mined) -> None:
    for m in _CROSSREF.finditer(doc):
        kind = kind_word(m.group("kind"))
        name = clean_name(kind, m.group("rest"), repeat_ok=True)
        date = _iso(m.group("date"))
        if name or date:
            out.see(m.group("sym"), kind, name, date, None, 2.0 if name else 1.0, "crossref")


def _mine_passed_after(doc: str, out: Mined) -> None:
    """`Luật Đường bộ số 35/2024/QH15 được Quốc hội khóa XV tại Kỳ họp thứ 7 thông qua ngày 27/06/2024`."""
    for m in _PASSED_AFTER.finditer(doc):
        date = _iso(m.group("date"))
        if date and symbol_year(m.group("sym")) == int(date[:4]):
            out.see(m.group("sym"), None, None, date, None, 2.0, "passed")
    for m in _PASSED_NAME.finditer(doc):
        date = _iso(m.group("date"))
        rest = re.sub(r"\s+\(?sửa đổi\)?$", "", m.group("rest").strip())
        year = _TRAILING_YEAR.search(rest)
        if date is None or (year and int(year.group("y")) != int(date[:4])):
            continue
        name = clean_name(m.group("kind"), rest)
        if name and not is_amending(name):
            out.dated_names[(m.group("kind"), name_key(name), name, date)] += 1


def _mine_in_force(doc: str, out: Mined) -> None:
    """`… (Luật số 108/2025/QH15) có hiệu lực thi hành kể từ ngày 01/7/2026`."""
    for m in _IN_FORCE.finditer(doc):
        if doc[max(0, m.start() - 30) : m.start()].rfind("(Điều") >= 0:
            continue  # a note: read by _mine_notes
        force = _iso(m.group("date"))
        if force:
            out.see(m.group("sym"), None, None, None, force, 0.5, "in force")


def _mine_repeals(doc: str, out: Mined) -> None:
    """`Luật Đất đai số 45/2013/QH13 … hết hiệu lực kể từ ngày Luật này có hiệu lực thi hành`, under the note of
    the law that says it."""
    if "hết hiệu lực" not in doc:
        return
    for m in _REPEALED.finditer(doc):
        heads = list(_NOTE_HEAD.finditer(doc, 0, m.start()))
        if not heads:
            continue
        new = heads[-1].group("sym")
        what = re.split(r"(?:được|đã được)\s+sửa đổi", m.group("what"))[0]
        syms = [s for s in SYMBOL_RE.findall(what) if s != new]
        for s in syms:
            out.replaced[(new, s)] += 1
        if syms:
            continue
        for dm in _NGAY.finditer(what):
            date, _ = _date_after(what, dm.start(), 2)
            for _kind_, name, weight in name_before(what, dm.start()):
                if weight == 1 and date:
                    out.replaced_names[(new, name_key(name), date)] += 1


def _mine_amended_by(doc: str, out: Mined) -> None:
    for m in _AMENDED_BY.finditer(doc):
        for by in SYMBOL_RE.findall(m.group("by")):
            if by != m.group("sym"):
                out.amended[(by, m.group("sym"))] += 1
