"""Build `nlp/data/laws.tsv`, the table of laws, codes, ordinances and Constitutions, from the Vietnamese corpus.

    python -m nlp.laws_build [--corpus DIR] [--out FILE]

The corpus (`vi-text/*.txt.gz`, see its MANIFEST.md) mentions laws with their numbers and dates in a few recurring
shapes; each is read as a *sighting* of (symbol, name, date passed, date in force):

- the pháp điển source notes: `(Điều 1 Luật số 24/2018/QH14 An ninh mạng ngày 12/06/2018 của Quốc hội, có hiệu lực
  thi hành kể từ ngày 01/01/2019, có nội dung được sửa đổi … bởi Điều 1 Luật số 35/2018/QH14 …)`;
- a name before the number: `Luật Đất đai số 31/2024/QH15 ngày 18 tháng 01 năm 2024`, `Luật Quản lý thuế 2025
  (Luật số 108/2025/QH15)`;
- a name after it: `Luật số 47/2019/QH14 sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và …`;
- the header of a law's own text: `Luật số: 51/2024/QH15` followed by its title in capitals;
- the closing line of a law (`Luật này đã được Quốc hội … thông qua ngày 17 tháng 6 năm 2010.`) under a note that
  names the law, and `Ngày 10/12/2025, Quốc hội … đã thông qua Luật … số 108/2025/QH15`;
- a name with a date and no number (`Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015`), which dates a
  numbered sighting of the same name and year.

Sightings are grouped by symbol; the majority name and date win. Misread symbols are dropped by consistency: the
legislature suffix must fit the symbol's year, one symbol per name and year, one per name and date, and numbers
of a legislature grow with the date. The table is then checked (`nlp.laws.check_report`, printed) before it is written.
Which law replaced which comes from the closing articles (`Luật … số 45/2013/QH13 hết hiệu lực kể từ ngày Luật
này có hiệu lực`) and from the succession of laws of one name; which law amends which from the notes (`có nội
dung được sửa đổi … bởi …`), from `… số A đã được sửa đổi, bổ sung theo Luật số B`, and from the amending law's
own name. `nlp/data/laws-extra.tsv` (hand-entered) adds the few rows the corpus lacks (the Constitutions and the
resolutions that amended them) and the English names.

The corpus is needed only here; `nlp.laws` reads the committed table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .dates import date_at
from .laws import (
    LEGISLATURES,
    Law,
    check_report,
    is_amending,
    kind_of_symbol,
    name_key,
    numbering_problems,
    read_table,
    symbol_term,
    symbol_year,
    table_path,
    write_table,
)
from .text import fold_lower

DEFAULT_CORPUS = Path(os.environ.get("VANBAN_VI_TEXT", "/work/shared/data/vi-text"))

# --- the grammar of a sighting ------------------------------------------------------------------------------------

KIND_WORDS = {"hiến pháp": "Hiến pháp", "bộ luật": "Bộ luật", "pháp lệnh": "Pháp lệnh", "luật": "Luật",
              "nghị quyết": "Nghị quyết"}
# A kind word that may open a name: capitalised ("Luật", "Bộ luật", "Bộ Luật") or in capitals ("LUẬT"); never the
# noun "luật sư" (lawyer: "Luật Luật sư").
_KIND = r"(?:Hiến pháp|HIẾN PHÁP|Bộ [Ll]uật|BỘ LUẬT|Pháp lệnh|PHÁP LỆNH|Luật(?!\s+sư(?!\w))|LUẬT|Nghị quyết|NGHỊ QUYẾT)"
_KIND_AT = re.compile(r"(?<![\w])" + _KIND + r"(?![\w])")
_INNER_KIND = re.compile(r"(?<![\w])(?:Hiến pháp|Bộ [Ll]uật|Pháp lệnh|Luật(?!\s+sư(?!\w)))(?![\w])")
_LIST_SPLIT = re.compile(r"(?:,\s*|\s+và\s+)(?=(?:Hiến pháp|Bộ [Ll]uật|Pháp lệnh|Luật)\s)")
_NEW_SYMBOL = r"\d{1,3}/(?:19|20)\d\d/(?:PL-)?(?:UBTVQH|QH)\d{1,2}"
_OLD_SYMBOL = r"\d{1,3}-?L(?:CT)?/(?:CTN|H[ĐD]NN\d{1,2})"
SYMBOL = r"(?:" + _NEW_SYMBOL + "|" + _OLD_SYMBOL + r")(?![\w/-])"
_SYMBOL_RE = re.compile(SYMBOL)
_SO_SYMBOL = re.compile(r"(?<![\w])số\s*:?\s*(?P<sym>" + SYMBOL + ")")
_DMY = r"\d{1,2}/\d{1,2}/\d{4}"
_FORCE = r"có hiệu lực(?: thi hành)?(?: kể)? từ(?: ngày)?\s+"

NOTE = re.compile(
    r"\((?:Điều|Khoản|Điểm|Mục|Chương)\s+\S+\s+(?:của\s+)?(?P<kind>" + _KIND + r")\s+số\s+(?P<sym>" + SYMBOL + r")"
    r"(?P<rest>[^()\n]*?)(?:\s+ngày\s+(?P<date>" + _DMY + r")(?:\s+của\s+[^,()\n]{2,60}?)?)?"
    r",\s+" + _FORCE + r"(?P<force>" + _DMY + r")(?P<tail>[^()\n]*)\)"
)
_NOTE_AMENDERS = re.compile(r"(?:sửa đổi|bổ sung|bãi bỏ)[^()\n]*?\bbởi\b(?P<by>[^()\n]*)")
_NOTE_HEAD = re.compile(
    r"\((?:Điều|Khoản)\s+\S+\s+(?P<kind>Bộ luật|Bộ Luật|Luật|Pháp lệnh)\s+số\s+(?P<sym>" + SYMBOL + ")"
)
_HEADER = re.compile(
    r"^(?P<kind>" + _KIND + r")\s+số\s*:\s*(?P<sym>" + SYMBOL + r")[^\n]*\n(?:[^\n]*\n){0,2}?"
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
    r"(?P<kind>" + _KIND + r")[^;\n()]{0,200}?\bsố\s+(?P<sym>" + SYMBOL + r")[,;]?\s+(?:đã\s+)?được\s+sửa đổi,?"
    r"(?:\s+bổ sung)?(?:\s+một số điều)?(?:\s+(?:theo|bởi|tại))?\s+(?P<by>(?:[^;\n()]{0,60}?(?:Bộ luật|Luật|Pháp lệnh)"
    r"\s+số\s+" + SYMBOL + r"[,;]?\s*(?:và\s+)?)+)"
)

# Words that a name never contains: where one appears, what precedes it is not (all of) a name.
_NAME_STOP = re.compile(
    r"(?<![\w])(?:này|được|đã|đang|thì|là|quy định|hướng dẫn|khoản|điểm|Điều|chương|mục|bởi|trong|nêu|trên"
    r"|hiện hành|có hiệu lực|hết hiệu lực|hoặc|mới|cũ|gồm|sau đây|thay thế|áp dụng|ban hành|thông qua|về việc"
    r"|kể từ|đến|cho|nhưng|nếu|khi|như|sửa đổi|bổ sung|tại (?:khoản|điều|điểm|chương)"
    r"|số(?=\s*\d)|năm(?=\s*\d)|ngày(?=\s*\d))"
    r"(?![\w])|[;:.!?“”\"\[\]]|\d"
)
_AMEND_OPEN = re.compile(
    r"(?:[Ss]ửa đổi,? bổ sung|[Ss]ửa đổi|[Bb]ổ sung)(?: một số điều| một số nội dung)?(?: của)?\s+"
)
_AMEND_NUMBERED = re.compile(r"\s+số\s+" + SYMBOL)
_PAREN_OK = re.compile(r"\s*\([A-Z/]{2,12}\)")  # "(HIV/AIDS)"
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


def _kind(word: str) -> str:
    return KIND_WORDS[" ".join(word.lower().split())]


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


def clean_name(kind: str, rest: str, *, repeat_ok: bool = False) -> str | None:
    """`Luật` + ` đất đai năm 2013` → `Luật Đất đai`; None when `rest` does not read as a name.

    `repeat_ok`: the rest may open with the kind word again (the notes' `Luật số 19/2023/QH15 Luật Bảo vệ …`)."""
    rest = unicodedata.normalize("NFC", " ".join(rest.split())).strip(" ,")
    rest = re.sub(r"\s+(?:năm|Năm)\s+(?:19|20)\d\d$", "", rest)
    rest = re.sub(r"\s+(?:19|20)\d\d$", "", rest)
    rest = re.sub(r"\s+(?:của|do)\s+Quốc hội(?:\s+khóa\s+\w+)?$", "", rest)
    rest = re.sub(r"\s+\((?:sửa đổi|sửa đổi, bổ sung)\)$", "", rest)
    if not rest or rest.isupper():
        return None  # a title in capitals has lost its case
    if repeat_ok:
        repeat = re.match(r"(?:Hiến pháp|Bộ [Ll]uật|Pháp lệnh|Luật|Luât|Nghị quyết)\s+", rest)
        if repeat and not rest[repeat.end() :].startswith("sư "):
            rest = rest[repeat.end() :]
    amending = _AMEND_OPEN.match(rest)
    if amending:
        inner = _amended_list(rest[amending.end() :])
        if inner is None:
            return None
        opening = amending.group(0)
        return f"{kind} {opening[0].lower()}{opening[1:]}{inner}"
    core = _plain_name(rest)
    return f"{kind} {core}" if core else None


def _plain_name(rest: str) -> str | None:
    """The name after the kind word of a law that amends none (`Đất đai`, `Phòng, chống tham nhũng`)."""
    probe = _PAREN_OK.sub(" X", rest)
    if _NAME_STOP.search(probe) or "(" in probe or ")" in probe or _INNER_KIND.search(probe):
        return None
    words = rest.split()
    if not 1 <= len(words) <= 16 or not words[0][:1].isalpha() or (len(words) == 1 and len(words[0]) < 2):
        return None
    if words[0] in ("các", "những", "mọi", "và", "của", "về", "sửa", "bổ", "khác", "chung", "riêng", "này"):
        return None  # "luật các nước", "luật khác", "luật chung": not a name ("Luật Các tổ chức tín dụng" is)
    return words[0][:1].upper() + rest[1:]


def _amended_list(body: str) -> str | None:
    """`Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương` (each law name checked); None otherwise."""
    body = body.strip(" ,")
    if re.match(r"(?:các|\d+)\s+(?:luật|bộ luật|pháp lệnh)\b", body, re.I):
        # "… của 37 luật có liên quan đến quy hoạch", "… của các luật về thuế"
        probe = re.sub(r"^\d+\s+", "", _AMEND_NUMBERED.sub("", body))
        if len(probe.split()) > 16 or re.search(r"[;:.!?“”\"()\d]", probe) or re.search(
                r"(?<![\w])(?:được|đã|này|theo|thì|là|quy định|tại|năm|ngày|số|Nghị định|Thông tư|Quyết định|Nghị quyết"
                r"|Căn cứ|Điều)(?![\w])", probe):
            return None
        return body[0].lower() + body[1:] if not body[0].isdigit() else body
    out = []
    for part in _LIST_SPLIT.split(body):
        head = re.match(r"(Hiến pháp|Bộ [Ll]uật|Pháp lệnh|Luật)\s+", part)
        if head is None:
            return None
        number = ""
        numbered = _AMEND_NUMBERED.search(part)
        if numbered and numbered.end() == len(part.rstrip(" ,")):
            number, part = numbered.group(0), part[: numbered.start()]
        core = _plain_name(part[head.end() :].strip(" ,"))
        if core is None:
            return None
        out.append(f"{_kind(head.group(1))} {core}{number}")
    if not out or len(out) > 12:
        return None
    return ", ".join(out[:-1]) + (" và " if len(out) > 1 else "") + out[-1]


def _inner_of(name: str) -> tuple[str, str] | None:
    """(kind, name) of the single law an amending name closes on (`… của Bộ luật Hình sự` → Bộ luật Hình sự)."""
    if len(_LIST_SPLIT.split(name)) != 1:
        return None
    last = re.search(r"\bcủa\s+((Hiến pháp|Bộ luật|Pháp lệnh|Luật)\s+[^,]+)$", name)
    return (last.group(2), last.group(1)) if last else None


def _name_before(text: str, end: int) -> list[tuple[str, str, float]]:
    """Readings (kind, name, weight) of the name that ends at `end` (just before `số …` or `ngày …`).

    The earliest kind word from which the rest reads as a name wins. An amending name that closes on a single law
    (`Luật sửa đổi, bổ sung một số điều của Bộ luật Hình sự số 100/2015/QH13`) is ambiguous: the number may be the
    amending law's or the amended one's, so both readings are returned at half weight."""
    start = max(0, end - 400)
    window = text[start:end]
    cut = max(window.rfind(ch) for ch in ";\n:()“”\"")
    if cut >= 0:
        window = window[cut + 1 :]
    for match in _KIND_AT.finditer(window):
        kind = _kind(match.group(0))
        rest = window[match.end() :]
        if not rest.strip():
            return []
        if not rest[:1].isspace():
            continue
        name = clean_name(kind, rest)
        if name is None:
            continue
        if is_amending(name):
            inner = _inner_of(name)
            if inner:
                return [(kind, name, 0.5), (inner[0], inner[1], 0.5)]
        return [(kind, name, 1.0)]
    return []


_AFTER_STOP = re.compile(
    r"\s+ngày\s+\d|\s*\(|\s*[;:\n]|\s*\.(?:\s|$)|,\s*(?:có hiệu lực|được|đã|quy định|thì|và\s+(?!Luật|Bộ))"
    r"|\s+(?:có hiệu lực|được|đã|quy định|thì|hướng dẫn|của Quốc hội|do Quốc hội)(?![\w])"
)


def _name_after(kind: str, text: str, pos: int) -> tuple[str | None, int]:
    """The name that follows `Luật số 47/2019/QH14 `: an amending clause (`sửa đổi, bổ sung … của Luật …`) or, in
    the notes, the bare name (`An ninh mạng`) up to `ngày`/`,`."""
    window = text[pos : pos + 400]
    stop = _AFTER_STOP.search(window)
    if stop is None:
        return None, pos
    rest = window[: stop.start()]
    if not rest.strip() or not rest[:1].isspace():
        return None, pos
    rest = rest.strip()
    if _AMEND_OPEN.match(rest) or rest[:1].isupper():
        name = clean_name(kind, rest, repeat_ok=True)
        if name:
            return name, pos + stop.start()
    return None, pos


# --- reading the corpus -------------------------------------------------------------------------------------------


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
        kind, sym = _kind(m.group("kind")), m.group("sym")
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
                out.see(by.group(2), _kind(by.group(1)), None, None, _iso(force.group(1)) if force else None, 0.5,
                        "note")
    return spans


def _mine_numbers(doc: str, out: Mined, notes: list[tuple[int, int]]) -> None:
    for m in _SO_SYMBOL.finditer(doc):
        sym = m.group("sym")
        if any(a <= m.start() < b for a, b in notes):
            continue  # read by _mine_notes
        date, _ = _date_after(doc, m.end())
        before = doc[max(0, m.start() - 40) : m.start()]
        bare = re.search(r"(?<![\w])(" + _KIND + r")\s*$", before)
        if not bare:
            for kind, name, weight in _name_before(doc, m.start()):
                out.see(sym, kind, name, date, None, weight, "before" if weight == 1 else "amending")
            continue
        # "Luật số 47/2019/QH14 sửa đổi, …"
        kind = _kind(bare.group(1))
        name, end = _name_after(kind, doc, m.end())
        if name:
            if date is None:
                date, _ = _date_after(doc, end)
            out.see(sym, kind, name, date, None, 1.0, "after")
            continue
        # "Luật Quản lý thuế 2025 Luật số 108/2025/QH15", "Luật Tổ chức chính quyền địa phương 2025 (Luật số …)"
        head = m.start() - len(before) + bare.start()
        year = _TRAILING_YEAR.search(doc, max(0, head - 12), head)
        if year and int(year.group("y")) == symbol_year(sym):
            for kind2, name2, weight in _name_before(doc, year.start()):
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
        for kind, name, weight in _name_before(doc, m.start()):
            if weight == 1:
                out.dated_names[(kind, name_key(name), name, date)] += 1


def _mine_headers(raw: str, out: Mined) -> None:
    for m in _HEADER.finditer(raw):
        title = " ".join(m.group("title").split())
        kind = _kind(re.match(r"BỘ LUẬT|PHÁP LỆNH|LUẬT", title).group(0))
        if kind != _kind(m.group("kind")):
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
        if (_kind(head.group("kind")) == "Pháp lệnh") != (m.group("kind") == "Pháp lệnh"):
            continue
        if symbol_year(head.group("sym")) == int(date[:4]):
            out.see(head.group("sym"), _kind(head.group("kind")), None, date, None, 2.0, "closing")


def _mine_passed_on(doc: str, out: Mined) -> None:
    """`Ngày 10/12/2025, Quốc hội … đã thông qua Luật Quản lý thuế 2025 Luật số 108/2025/QH15`."""
    for m in _PASSED_ON.finditer(doc):
        date = _iso(m.group("date"))
        if date and symbol_year(m.group("sym")) == int(date[:4]):
            out.see(m.group("sym"), None, None, date, None, 1.0, "passed")


def _mine_crossrefs(doc: str, out: Mined) -> None:
    for m in _CROSSREF.finditer(doc):
        kind = _kind(m.group("kind"))
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
        syms = [s for s in _SYMBOL_RE.findall(what) if s != new]
        for s in syms:
            out.replaced[(new, s)] += 1
        if syms:
            continue
        for dm in _NGAY.finditer(what):
            date, _ = _date_after(what, dm.start(), 2)
            for _kind_, name, weight in _name_before(what, dm.start()):
                if weight == 1 and date:
                    out.replaced_names[(new, name_key(name), date)] += 1


def _mine_amended_by(doc: str, out: Mined) -> None:
    for m in _AMENDED_BY.finditer(doc):
        for by in _SYMBOL_RE.findall(m.group("by")):
            if by != m.group("sym"):
                out.amended[(by, m.group("sym"))] += 1


# --- from sightings to rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    symbol: str
    kind: str
    name: str
    key: str
    passed: str | None
    in_force: str | None
    support: float  # total weight of the sightings that agree with the chosen name
    sightings: int
    dated_by: str  # "number" (a date the corpus prints with the number), "name+year", "amended laws", "hand", ""


def _best(votes: Counter):
    return max(votes.items(), key=lambda kv: (kv[1], str(kv[0])))[0] if votes else None


def _display(names: Counter) -> str:
    """The most frequent spelling; on a tie the one with more capitals (proper nouns kept)."""
    return max(names.items(), key=lambda kv: (kv[1], sum(ch.isupper() for ch in kv[0]), kv[0]))[0]


def _term_fits_year(symbol: str) -> bool:
    year, term = symbol_year(symbol), symbol_term(symbol)
    if year is None or term is None:
        return True
    span = LEGISLATURES.get(term)
    return span is not None and int(span[0][:4]) <= year <= int(span[1][:4])


def candidates(mined: Mined, log) -> list[Candidate]:
    by_symbol: dict[str, list[Sighting]] = defaultdict(list)
    for s in mined.sightings:
        by_symbol[s.symbol].append(s)
    dated: dict[tuple[str, int], Counter] = defaultdict(Counter)  # (key, year) -> dates
    for (_kind_, key, _name_, date), n in mined.dated_names.items():
        dated[(key, int(date[:4]))][date] += n
    readings: dict[str, Counter] = {}
    kinds: dict[str, str] = {}
    for sym, sights in by_symbol.items():
        kind = kind_of_symbol(sym, _best(Counter(s.kind for s in sights if s.kind)))
        if kind is None or kind == "Nghị quyết" or not _term_fits_year(sym):
            continue
        keys: Counter = Counter()
        for s in sights:
            if s.key and s.key.startswith(name_key(kind)):
                keys[s.key] += s.weight
        if keys:
            readings[sym], kinds[sym] = keys, kind
    chosen = {sym: _best(keys) for sym, keys in readings.items()}
    # A law that the corpus says amends another of the same name is an amending law that the text cited by the
    # name of what it amends ("Luật Xây dựng số 62/2020/QH14"): take its amending reading, or drop it.
    targets: dict[str, set[str]] = defaultdict(set)
    for (by, target), _n in mined.amended.items():
        targets[by].add(target)
    for sym, key in list(chosen.items()):
        if is_amending(key) or not any(chosen.get(t) == key for t in targets[sym]):
            continue
        amending = Counter({k: w for k, w in readings[sym].items() if is_amending(k)})
        if amending:
            chosen[sym] = _best(amending)
            log(f"  {sym}: amends a law of its cited name; named {chosen[sym]!r}")
        else:
            del chosen[sym]
            log(f"  dropped {sym} ({key}): amends a law of that name, and the corpus never gives its own name")
    out = []
    for sym, key in chosen.items():
        sights, kind, year = by_symbol[sym], kinds[sym], symbol_year(sym)
        names = Counter(s.name for s in sights if s.key == key and s.name)
        if not names:
            continue
        dates: Counter = Counter()
        for s in sights:
            if s.date and (year is None or int(s.date[:4]) == year) and s.key in (None, key):
                dates[s.date] += s.weight
        dated_by = "number" if dates else ""
        if not dates and year is not None and dated.get((key, year)):
            dates, dated_by = dated[(key, year)], "name+year"
        passed = _best(dates)
        forces = Counter(s.in_force for s in sights if s.in_force and (passed is None or s.in_force >= passed))
        out.append(Candidate(sym, kind, _display(names), key, passed, _best(forces), readings[sym][key], len(sights),
                             dated_by))
    return out + _name_amenders(mined, by_symbol, out, targets, log)


def _name_amenders(mined: Mined, by_symbol: dict[str, list[Sighting]], named: list[Candidate],
                   targets: dict[str, set[str]], log) -> list[Candidate]:
    """Amending laws the corpus cites only by number (`… đã được sửa đổi, bổ sung theo Luật số 47/2019/QH14`)
    and elsewhere only by name and date (`Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ
    chức chính quyền địa phương ngày 22 tháng 11 năm 2019`): the number and the name are one law when the year
    agrees and the laws the name lists (each the version in force on that date) are exactly the laws the number
    is said to amend."""
    known = {c.symbol: c for c in named}
    by_key: dict[str, list[Candidate]] = defaultdict(list)
    for c in named:
        by_key[c.key].append(c)
    dated_names: dict[tuple[str, str], tuple[str, str]] = {}
    for (kind, key, name, date), _n in mined.dated_names.items():
        if is_amending(key) and (key, date) not in dated_names:
            dated_names[(key, date)] = (kind, name)
    claimed = {(c.key, c.passed) for c in named}
    matches: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for sym, amended in targets.items():
        year = symbol_year(sym)
        amended = {t for t in amended if t in known}
        if sym in known or year is None or not amended or kind_of_symbol(sym, "Luật") is None:
            continue
        for (key, date), (kind, name) in dated_names.items():
            if int(date[:4]) != year or (key, date) in claimed:
                continue
            listed = _listed_versions(name, date, by_key)
            if listed is not None and listed == amended:
                matches[sym].append((kind, name, key, date))
    out = []
    for sym, found in matches.items():
        if len(found) != 1:
            continue
        kind, name, key, date = found[0]
        forces = Counter(s.in_force for s in by_symbol[sym] if s.in_force and s.in_force >= date)
        out.append(Candidate(sym, kind, name, key, date, _best(forces), 1.0, len(by_symbol[sym]), "amended laws"))
        log(f"  {sym}: named {name!r} ({date}): the laws it amends are the laws that name lists")
    return out


def _listed_versions(name: str, date: str, by_key: dict[str, list[Candidate]]) -> set[str] | None:
    """The symbols of the laws an amending name lists, each the latest passed before `date`; None when one is
    unknown."""
    match = re.search(r"\bcủa\s+(.*)$", name)
    if match is None:
        return None
    out = set()
    for part in _LIST_SPLIT.split(match.group(1)):
        numbered = _SYMBOL_RE.search(part)
        if numbered:
            out.add(numbered.group(0))
            continue
        versions = [c for c in by_key.get(name_key(part), []) if c.passed and c.passed < date]
        if not versions:
            return None
        out.add(max(versions, key=lambda c: c.passed).symbol)
    return out


def _strength(c: Candidate) -> tuple:
    return (c.support, c.passed is not None, c.in_force is not None, c.sightings, c.symbol)


def _number(symbol: str) -> str:
    return symbol.split("/")[0].lstrip("0")


def prune(cands: list[Candidate], log) -> list[Candidate]:
    """Drop the misread symbols: for one name, one symbol per year, one per date and one per number (the best
    supported stays); within a legislature, numbers that break the order of dates."""
    keep = list(cands)
    rules = (
        ("same name and year", lambda c: (c.key, symbol_year(c.symbol))),
        ("same name and date", lambda c: (c.key, c.passed)),
        ("same name and number", lambda c: (c.key, _number(c.symbol)) if symbol_year(c.symbol) else (c.key, None)),
    )
    for label, group_of in rules:
        groups: dict[object, list[Candidate]] = defaultdict(list)
        for c in keep:
            g = group_of(c)
            if g[1] is not None:
                groups[g].append(c)
        dropped = set()
        for group in groups.values():
            if len(group) > 1:
                group.sort(key=_strength, reverse=True)
                for c in group[1:]:
                    dropped.add(c.symbol)
                    log(f"  dropped {c.symbol} ({c.name}, support {c.support:g}): {label} as {group[0].symbol}")
        keep = [c for c in keep if c.symbol not in dropped]
    while True:
        bad = numbering_problems([Law(c.symbol, c.kind, c.name, c.passed, c.in_force, (), (), ()) for c in keep])
        if not bad:
            break
        weakest = min((c for c in keep if c.symbol in bad), key=_strength)
        log(f"  dropped {weakest.symbol} ({weakest.name}, {weakest.passed or 'undated'}, support "
            f"{weakest.support:g}): {bad[weakest.symbol]}")
        keep = [c for c in keep if c.symbol != weakest.symbol]
    return keep


def relations(rows: list[Candidate], mined: Mined, log) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(replaces, amends) by symbol, among the rows kept (and older symbols the corpus names)."""
    rows = [c for c in rows if c.symbol]  # a law without a number (a Constitution) is linked by hand
    by_sym = {c.symbol: c for c in rows}
    replaces: dict[str, set[str]] = defaultdict(set)
    amends: dict[str, set[str]] = defaultdict(set)

    def older(a: str, b: str) -> bool:  # b was passed before a
        pa, pb = by_sym[a].passed if a in by_sym else None, by_sym[b].passed if b in by_sym else None
        ya, yb = symbol_year(a), symbol_year(b)
        if pa and pb:
            return pb < pa
        return ya is not None and yb is not None and yb <= ya

    explicit = 0
    for (new, old), _n in mined.replaced.items():
        if new in by_sym and old != new and older(new, old) and not by_sym[new].name.startswith("Luật sửa đổi"):
            replaces[new].add(old)
            explicit += 1
    by_key_date = {(c.key, c.passed): c.symbol for c in rows if c.passed}
    for (new, key, date), _n in mined.replaced_names.items():
        old = by_key_date.get((key, date))
        if new in by_sym and old and old != new and older(new, old):
            replaces[new].add(old)
            explicit += 1
    # A law of the same name, passed later, replaces the earlier one (amending laws excepted).
    succession = 0
    by_key: dict[str, list[Candidate]] = defaultdict(list)
    for c in rows:
        if not is_amending(c.name):
            by_key[c.key].append(c)
    for group in by_key.values():
        group.sort(key=lambda c: (c.passed or f"{symbol_year(c.symbol) or 0}-99", c.symbol))
        for prev, nxt in zip(group, group[1:]):
            if prev.symbol not in replaces[nxt.symbol] and not any(prev.symbol in replaces[o.symbol] for o in group):
                replaces[nxt.symbol].add(prev.symbol)
                succession += 1
    log(f"replaces: {explicit} links read from closing articles, {succession} from the succession of one name")
    # Amendments: the notes and "đã được sửa đổi, bổ sung theo Luật số …" (the amending law must call itself one),
    # then the amending law's own name.
    read = 0
    for (by, target), _n in mined.amended.items():
        if by in by_sym and by != target and is_amending(by_sym[by].name) and older(by, target):
            amends[by].add(target)
            read += 1
    named = 0
    for c in rows:
        if not is_amending(c.name) or amends[c.symbol]:
            continue
        for target in _amended_by_name(c, rows):
            amends[c.symbol].add(target)
            named += 1
    log(f"amends: {read} links read from the notes and amendment lists, {named} from the amending law's name")
    misread = 0
    for links in (replaces, amends):
        for sym in links:
            kept = {t for t in links[sym] if not _misread_target(t, by_sym)}
            misread += len(links[sym]) - len(kept)
            links[sym] = kept
    log(f"  {misread} links to misread symbols dropped")
    return replaces, amends


def _misread_target(symbol: str, rows: dict[str, Candidate]) -> bool:
    """A replaced or amended symbol that is not in the table and reads as a misprint of one that is (`50/2014/QH1`
    for 50/2014/QH13, `64/2023/QH15` for 64/2025/QH15), or whose legislature cannot have sat in its year."""
    if symbol in rows:
        return False
    if not _term_fits_year(symbol):
        return True
    year = symbol_year(symbol)
    if year is None:
        return False
    number, suffix = _number(symbol), symbol.split("/")[-1]
    for other in rows:
        if symbol_year(other) is None or _number(other) != number:
            continue
        if (symbol_year(other) == year) != (other.split("/")[-1] == suffix):
            return True
    return False


def _amended_by_name(law: Candidate, rows: list[Candidate]) -> list[str]:
    """The laws an amending law's name lists, each the version in force when it was passed (or by number)."""
    match = re.search(r"\bcủa\s+(.*)$", law.name)
    if match is None or law.passed is None:
        return []
    out = []
    for part in _LIST_SPLIT.split(match.group(1)):
        numbered = _SYMBOL_RE.search(part)
        if numbered:
            out.append(numbered.group(0))
            continue
        key = name_key(part)
        versions = [c for c in rows if c.key == key and c.passed and c.passed < law.passed and c.symbol != law.symbol]
        if versions:
            out.append(max(versions, key=lambda c: c.passed).symbol)
    return out


# --- the table ----------------------------------------------------------------------------------------------------

HEADER = """Laws, codes, ordinances and Constitutions: the table nlp.laws resolves named citations with.
Generated by `python -m nlp.laws_build` from the vi-text corpus (do not edit by hand: edit laws-extra.tsv and rebuild).
source = corpus (mined: name, number and dates as the corpus prints them, majority reading), corpus+hand (mined,
with a date the corpus does not print taken from laws-extra.tsv) or hand (a row of laws-extra.tsv).
replaces / amends / english: comma separated. Dates are ISO; passed = the day the National Assembly (or its
Standing Committee) passed it; in_force = the day the corpus says it took effect."""


def build(corpus: Path, log=print, extra_path: Path | None = None) -> list[tuple[Law, str]]:
    mined = mine(corpus)
    log(f"read {mined.documents} documents: {len(mined.sightings)} sightings of numbered laws, "
        f"{len(mined.dated_names)} dated names, {len(mined.replaced) + len(mined.replaced_names)} repeal clauses, "
        f"{len(mined.amended)} amendment links")
    log("choosing names:")
    cands = candidates(mined, log)
    log(f"{len(cands)} candidate laws; pruning misread symbols:")
    rows = prune(cands, log)
    mined_symbols = {c.symbol for c in rows}
    extra = read_table(extra_path or table_path("laws-extra.tsv"))
    rows = add_extra(rows, extra, log)
    replaces, amends = relations(rows, mined, log)
    hand = {(law.symbol or law.key, law.passed if not law.symbol else None): law for law, _ in extra}
    english = _english_by_key(rows, hand)
    table = []
    for c in sorted(rows, key=lambda c: (c.passed or f"{symbol_year(c.symbol) or 0}-99", c.symbol, c.name)):
        entered = hand.get((c.symbol or c.key, c.passed if not c.symbol else None))
        rep, amd = set(replaces[c.symbol]) if c.symbol else set(), set(amends[c.symbol]) if c.symbol else set()
        if entered:
            rep |= set(entered.replaces)
            amd |= set(entered.amends)
        names = english.get(c.key, ()) if not is_amending(c.name) else (entered.english if entered else ())
        source = "hand" if c.symbol not in mined_symbols else "corpus+hand" if c.dated_by == "hand" else "corpus"
        table.append((Law(c.symbol, c.kind, c.name, c.passed, c.in_force, tuple(sorted(rep)), tuple(sorted(amd)),
                          tuple(names)), source))
    return table


def add_extra(rows: list[Candidate], extra: list[tuple[Law, str]], log) -> list[Candidate]:
    """The hand-entered rows of laws-extra.tsv: a law the corpus lacks is added; for one it has, only the dates it
    left empty are filled (a name that disagrees with the corpus's is reported, the corpus's kept)."""
    index = {c.symbol: i for i, c in enumerate(rows)}
    out = list(rows)
    added = filled = 0
    for law, _ in extra:
        i = index.get(law.symbol) if law.symbol else None
        if i is None:
            out.append(Candidate(law.symbol, law.kind, law.name, law.key, law.passed, law.in_force, 0.0, 0, "hand"))
            added += 1
            continue
        c = out[i]
        if c.key != law.key:
            log(f"  laws-extra.tsv: {law.symbol} is {law.name!r} there but {c.name!r} in the corpus (corpus kept)")
        if (c.passed is None and law.passed) or (c.in_force is None and law.in_force):
            out[i] = replace(c, passed=c.passed or law.passed, in_force=c.in_force or law.in_force,
                             dated_by=c.dated_by or "hand")
            filled += 1
    log(f"laws-extra.tsv: {added} hand-entered rows added, {filled} mined rows given a missing date")
    return out


def _english_by_key(rows: list[Candidate], hand: dict) -> dict[str, tuple[str, ...]]:
    """English names are names of a title, shared by every version of it (the Land Law of 2013 and of 2024)."""
    out: dict[str, list[str]] = defaultdict(list)
    for law in hand.values():
        if law.english and not is_amending(law.name):
            for name in law.english:
                if name not in out[law.key]:
                    out[law.key].append(name)
    return {key: tuple(names) for key, names in out.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlp.laws_build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=table_path())
    args = parser.parse_args(argv)
    table = build(args.corpus)
    report = check_report([law for law, _ in table])
    problems = [line for lines in report.values() for line in lines]
    corpus_rows = sum(1 for _, source in table if source.startswith("corpus"))
    dated_by_hand = sum(1 for _, source in table if source == "corpus+hand")
    print(f"{len(table)} rows: {corpus_rows} from the corpus ({dated_by_hand} of them dated by hand), "
          f"{len(table) - corpus_rows} hand-entered; "
          f"{sum(1 for law, _ in table if law.passed)} with the date passed, "
          f"{sum(1 for law, _ in table if law.in_force)} with the date in force")
    print("consistency checks:")
    for check, lines in report.items():
        print(f"  {check}: " + ("ok" if not lines else f"{len(lines)} problems"))
        for line in lines:
            print("    " + line)
    if problems:
        print("laws_build: the table was not written", file=sys.stderr)
        return 1
    write_table(args.out, table, HEADER)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
