"""The reference grammar: every numbered document a text cites, read through OCR garble.

How it reads (eyecite's shape: find, then resolve against tables):

1. *Symbols first.* The số/ký hiệu is the most distinctive part of a reference. Three shapes, from the tables:
   Party `57-NQ/TW` (Hướng dẫn 36-HD/VPTW), normative `13/2023/NĐ-CP`, `20/2023/QH15`, and administrative
   `58/KH-UBND`, `1588/QĐ-TTg` or công văn `961/VP-KGVX` (Nghị định 30/2020/NĐ-CP). Separators may carry OCR
   noise (`57- -NQ/TW`, `38/ KH-UBND`, a line break after a hyphen); each segment is checked against the code
   tables and repaired only towards a known code (`QP` → `QĐ`, `CDS` → `CĐS`).
2. *Then the context, on the folded text* (same offsets, no diacritics): the type name and `số` before the symbol
   (`Ké hoach s6`), the `ngày ...` date after it, `của <issuer>` and the `về ...` clause. Keywords are matched
   with patterns built from the OCR confusion table.

Numbers without a symbol are never turned into references: `Đề án 06`, `Luật Đất đai năm 2024` are *named
mentions*; `Điều 5`, phone numbers, money and stamps have no symbol and so never match.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import fuzz

from . import doctypes
from .dates import DATE_AFTER_NGAY, date_at, date_opening
from .doctypes import canonical_code, fuzzy_pattern, issuer_name, type_for_code
from .laws import LEGISLATURES
from .sentences import sentence_index
from .symbols import code_distance, codes, same_symbol
from .text import fold_lower, slug


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


def reference_id(type_code: str, symbol: str, date: str | None) -> str:
    """`kh-58-kh-ubnd-2025-10-10`: type code, symbol, and the date when known."""
    parts = [slug(type_code), slug(symbol)]
    if date:
        parts.append(date)
    return "-".join(p for p in parts if p)


# ---------------------------------------------------------------------------------------------------------------
# Symbol grammar (on the text as it came)

_UP = "A-ZĐÐƉ"
# a code segment; OCR sometimes puts a speck after the "&" of a joint unit ("BCVT&(CĐS"): read through it
# inside a code OCR may print an accented capital for a letter ("STNMĨT"): kept, and repaired against the tables
# "BCVT &CĐS": a space by the "&"; "BCĐ38§9QNg": a speck OCR read as "§" inside a code, dropped
_SEG = rf"[{_UP}](?:[{_UP}a-zđ0-9À-ÝĂĨŨƠƯẠ-ỹ]|§(?=[{_UP}a-zđ0-9])|[ ]?&[(€]?(?=[{_UP}(€])){{0,15}}"
_WS = r"[ \t]{0,2}(?:\n[ \t]{0,2})?"
_HY = rf"{_WS}[-–—‐]{_WS}"
# OCR prints a fraction slash (U+2044) or a division slash for "/" in italics, or both
_SL = rf"[ \t]?[/⁄∕]{{1,2}}{_WS}"
# a code may end in a unit's code in brackets, printed against it: `484/TTr-CAT-TM(CSKT)`
_BRACKET = rf"(?:\([{_UP}][{_UP}0-9]{{1,5}}\))?"
# The number may carry OCR's l/I for 1 and O for 0 ("l08/KH-UBND"), as long as it holds a real digit.
_NUM = r"(?P<num>\d{1,5}[a-z]?(?![\w])|\d{1,5}|(?=[\dlIO]{2,5}(?![\w]))[\dlIO]*\d[\dlIO]*)"
SYMBOL = re.compile(
    rf"(?<![\w/⁄.,:\-]){_NUM}"
    rf"(?:(?:{_HY})+(?P<ptype>{_SEG}){_SL}(?P<piss>{_SEG}(?:{_HY}{_SEG})*)"
    rf"|{_SL}(?:(?P<year>(?:19|20)\d\d)%?(?P<yslash>{_SL}|(?=[{_UP}]))"
    rf"(?P<yrest>(?:UBTVQH|QH) [\dIl]{{1,2}}(?![\w/])|{_SEG}(?:{_HY}{_SEG})*)"
    # "1420/T Tr-BQL": OCR put a space inside the type code (TTr); taken only when the two pieces make one
    rf"|(?P<tsplit>[{_UP}]{{1,2}} (?=[{_UP}][a-zđ]?{_HY}))?(?P<rest>{_SEG}(?:{_HY}{_SEG})*{_BRACKET})))"
)
_SPLIT = re.compile(rf"{_HY}")
_QH = re.compile(r"(UBTVQH|QH)(\d{1,2})")
_QH_READ = re.compile(r"(UBTVQH|QH) ?([\dIl]{1,2})")  # "QH 13", "QH I1": a space, a letter for 1


def _plausible_segment(seg: str) -> bool:
    """Codes are capitals with at most a couple of lower-case letters (`TTg`, `QĐi`, `GDTrH`), never a word."""
    lower = sum(1 for ch in seg if ch.islower())
    return lower <= 2 and not re.search(r"[a-zđ]{2}", seg) and not seg.isdigit()


def _after_ampersand(seg: str) -> str:
    """`BCVT&(CĐS` → `BCVT&CĐS` (a speck after the "&"); `BCVT&€ĐS` → `BCVT&CĐS` when C makes a known code of it
    (OCR prints € for C), else the mark is dropped."""
    def fix(match: re.Match[str]) -> str:
        rest = match.group(2)
        if match.group(1) == "€" and ("C" + rest).upper() in {c.upper() for c in _issuer_and_unit_codes()}:
            return "&C" + rest
        return "&" + rest

    return re.sub(r"&([(€])([A-ZĐa-zđ0-9]*)", fix, seg.replace(" &", "&"))


def _segments(raw: str) -> list[str]:
    segs = [_after_ampersand(seg) if "&" in seg else seg for seg in _SPLIT.split(raw.replace("§", ""))]
    out = []
    for seg in segs:
        if not _plausible_segment(seg):
            break
        out.append(seg)
    return out


@lru_cache(maxsize=1)
def _symbol_type_codes() -> frozenset[str]:
    """Type codes that are printed inside symbols (the pseudo-codes of Luật, Bộ luật ... are not)."""
    printed = {"NĐ", "TT", "TTLT", "NQLT"}
    return frozenset(t.code for t in doctypes.doc_types() if t.systems & {"nd30", "party"} or t.code in printed)


@lru_cache(maxsize=1)
def _issuer_and_unit_codes() -> frozenset[str]:
    return doctypes.issuer_codes()


def _canon_issuer_segs(segs: list[str]) -> tuple[list[str], list[str]]:
    out, repairs = [], []
    for seg in segs:
        parts = seg.split("&")
        fixed_parts = []
        for part in parts:
            code, repaired = canonical_code(part, _issuer_and_unit_codes()) if part else (part, False)
            if code is None:
                code = part
            elif repaired:
                repairs.append(f"{part}→{code}")
            fixed_parts.append(code)
        out.append("&".join(fixed_parts))
    return out, repairs


@dataclass(frozen=True)
class _Symbol:
    symbol: str
    number: str
    year: int | None
    system: str  # party, normative, nd30, congvan
    type_code: str | None  # None for công văn and for QH symbols (decided by the type name)
    issuer_code: str | None
    span: tuple[int, int]
    repairs: tuple[str, ...]
    known_issuer: bool


_DIGIT_LOOKALIKES = str.maketrans("lIO", "110")


def _parse_symbol(match: re.Match[str], lone: bool = False) -> _Symbol | None:
    """The symbol a match spells, repaired; None when it is none. `lone`: also N/CODE with one code the tables do
    not know (`158/UB`), for a match that a type name and "số" introduce."""
    num = match.group("num")
    g = match.groupdict()
    repairs: list[str] = []
    if not num.isdigit():
        repairs.append(f"{num}→{num.translate(_DIGIT_LOOKALIKES)}")
        num = num.translate(_DIGIT_LOOKALIKES)
    if g["ptype"] is not None:
        ptype, repaired = canonical_code(g["ptype"], doctypes.type_codes("party"))
        if ptype is None:
            return None
        if repaired:
            repairs.append(f"{g['ptype']}→{ptype}")
        segs = _segments(g["piss"])
        if not segs:
            return None
        segs, more = _canon_issuer_segs(segs)
        repairs += more
        issuer = "-".join(segs)
        end = match.start("piss") + _raw_length(g["piss"], len(segs))
        raw = match.group(0)
        if re.search(r"-\s*-|\s", raw[: raw.find("/")]):
            repairs.append("separator")
        return _Symbol(
            symbol=f"{num}-{ptype}/{issuer}",
            number=num,
            year=None,
            system="party",
            type_code=ptype,
            issuer_code=segs[0],
            span=(match.start(), end),
            repairs=tuple(repairs),
            known_issuer=segs[0] in _issuer_and_unit_codes(),
        )
    if g["year"] is not None:
        segs = _segments(g["yrest"])
        if not segs:
            return None
        if not g["yslash"]:
            repairs.append("slash")  # "01/2024NĐ-CP"
        end = match.start("yrest") + _raw_length(g["yrest"], len(segs))
        year = int(g["year"])
        qh = _QH.fullmatch(segs[0].upper())
        read = _QH_READ.fullmatch(segs[0]) if qh is None else None
        if read and len(segs) == 1:  # repaired only towards a legislature that sat in the symbol's year
            term = int(read.group(2).translate(_DIGIT_LOOKALIKES))
            first, last = LEGISLATURES.get(term, ("9999", "0000"))
            if not int(first[:4]) <= year <= int(last[:4]):
                return None
            qh = _QH.fullmatch(f"{read.group(1)}{term}")
            repairs.append(f"{segs[0]}→{qh.group(0)}")
        if qh and len(segs) == 1:
            code = f"{qh.group(1)}{qh.group(2)}"
            return _Symbol(
                symbol=f"{num}/{year}/{code}",
                number=num,
                year=year,
                system="normative",
                type_code=None,
                issuer_code=qh.group(1),
                span=(match.start(), end),
                repairs=tuple(repairs),
                known_issuer=True,
            )
        tcode, repaired = canonical_code(segs[0], _symbol_type_codes())
        if tcode is None or len(segs) < 2:
            return None
        if repaired:
            repairs.append(f"{segs[0]}→{tcode}")
        issuers, more = _canon_issuer_segs(segs[1:])
        repairs += more
        return _Symbol(
            symbol=f"{num}/{year}/{tcode}-{'-'.join(issuers)}",
            number=num,
            year=year,
            system="normative",
            type_code=tcode,
            issuer_code=issuers[0],
            span=(match.start(), end),
            repairs=tuple(repairs),
            known_issuer=issuers[0] in _issuer_and_unit_codes(),
        )
    rest = g["rest"]
    bracket = re.search(r"\([^()]+\)\Z", rest)
    if bracket:
        rest = rest[: bracket.start()]
    base, split = match.start("rest"), g["tsplit"] or ""
    if split:
        rest, base = split[:-1] + rest, base - len(split)
    segs = _segments(rest)
    if not segs:
        return None
    if split and canonical_code(segs[0], _symbol_type_codes()) != (segs[0], False):
        return None  # "T Tr" is TTr; pieces that make no type code are no symbol
    end = base + len(split[-1:]) + _raw_length(rest, len(segs))
    unit = ""
    if bracket and end == match.start("rest") + len(g["rest"]) - len(bracket.group(0)):  # the bracket ends the code
        unit, end = bracket.group(0), match.end("rest")
    if split:
        repairs.append("separator")
    tcode, repaired = canonical_code(segs[0], _symbol_type_codes())
    if repaired and tcode is not None and len(tcode) != len(segs[0]) and segs[0] in _issuer_and_unit_codes():
        tcode = None  # a body's own code ("1488/TTT-VP", Thanh tra tỉnh) is no type code with a letter too many
    if tcode is not None and len(segs) >= 2 and tcode != "CV":
        if repaired:
            repairs.append(f"{segs[0]}→{tcode}")
        issuers, more = _canon_issuer_segs(segs[1:])
        repairs += more
        return _Symbol(
            symbol=f"{num}/{tcode}-{'-'.join(issuers)}{unit}",
            number=num,
            year=None,
            system="nd30",
            type_code=tcode,
            issuer_code=issuers[0],
            span=(match.start(), end),
            repairs=tuple(repairs),
            known_issuer=issuers[0] in _issuer_and_unit_codes(),
        )
    # Công văn numbering: N/ISSUER-UNIT (or N/ISSUER when the issuer is a known body).
    issuers, more = _canon_issuer_segs(segs)
    known = issuers[0] in _issuer_and_unit_codes()
    if len(issuers[0]) < 2 or (len(issuers) < 2 and not known and not lone):
        return None
    return _Symbol(
        symbol=f"{num}/{'-'.join(issuers)}{unit}",
        number=num,
        year=None,
        system="congvan",
        type_code=None,
        issuer_code=issuers[0],
        span=(match.start(), end),
        repairs=tuple(more),
        known_issuer=known,
    )


def _raw_length(raw: str, kept: int) -> int:
    """Length of the first `kept` hyphen-separated segments of `raw`, separators included."""
    for count, match in enumerate(_SPLIT.finditer(raw), start=1):
        if count == kept:
            return match.start()
    return len(raw)


# ---------------------------------------------------------------------------------------------------------------
# Context patterns (on folded, lower-cased text)


@lru_cache(maxsize=1)
def _name_alternation() -> str:
    return "|".join(f"(?:{fuzzy_pattern(name)})" for name in doctypes.type_names())


_SO = r"[s5$][a-z0-9]?"


@lru_cache(maxsize=1)
def _left_pattern() -> re.Pattern[str]:
    """`Kế hoạch số ` / `Kế hoạch ` / `số ` / `Số: ` immediately before a symbol (anchored at the end)."""
    return re.compile(
        rf"(?:(?<![a-z])(?P<name>{_name_alternation()})[ \t\n]+)?"
        rf"(?:(?<![a-z0-9])(?P<so>{_SO})[ \t\n]*[:.]?[ \t\n]*)?\Z"
    )


@lru_cache(maxsize=1)
def _any_name_pattern() -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z])(?:{_name_alternation()})(?![a-z])")


_CUA = fuzzy_pattern("của")
_STOP_WORDS = r"ve|v/v|ngay|tai|ban hanh|phe duyet|quy dinh|huong dan|trien khai|thuc hien|theo|va|nam|dinh huong"
_ISSUER_PHRASE = re.compile(
    rf"[ \t\n]*,?[ \t\n]*(?:{_CUA})[ \t\n]+(?P<phrase>(?:(?!\n\n)[^,;.()“”\"'])+?)"
    rf"(?=[ \t\n]*(?:[,;.()“”\"']|(?<![a-z])(?:{_STOP_WORDS})(?![a-z])|\n\n|\Z))"
)
_VE = re.compile(r"[ \t\n]*,?[ \t\n]*(?:v[eé]|v/v)(?![a-z0-9])")
_MAU = re.compile(r"(?:mau|bieu|phu luc)[ \t]*(?:so)?[ \t:]*\Z")


@lru_cache(maxsize=1)
def _issuer_names() -> tuple[tuple[str, str, int], ...]:
    """(folded name, name, word count) of every body in the issuer table, longest first."""
    names = {}
    for issuer in doctypes.issuers():
        if issuer.kind != "unit":
            names[fold_lower(issuer.name)] = issuer.name
    return tuple(sorted(((k, v, len(k.split())) for k, v in names.items()), key=lambda t: -t[2]))


_LEVELS = {
    "tinh": "tỉnh",
    "thanh pho": "thành phố",
    "tp": "thành phố",
    "huyen": "huyện",
    "thi xa": "thị xã",
    "quan": "quận",
    "xa": "xã",
    "phuong": "phường",
    "thi tran": "thị trấn",
}


@lru_cache(maxsize=1)
def _province_keys() -> tuple[tuple[str, str, int], ...]:
    out = []
    for name, _kind in doctypes.provinces():
        key = fold_lower(name).replace(" - ", " ").split()
        out.append((name, " ".join(key), len(key)))
    return tuple(out)


def match_province(words: list[str]) -> tuple[str, int] | None:
    """Fuzzy province name at the start of folded words (`quang ngdi` → Quảng Ngãi); (name, words used)."""
    return _match_province(tuple(words[:4]))


@lru_cache(maxsize=4096)
def _match_province(words: tuple[str, ...]) -> tuple[str, int] | None:
    best: tuple[float, str, int] | None = None
    for name, key, n in _province_keys():
        if len(words) < n:
            continue
        score = fuzz.ratio(" ".join(words[:n]), key)
        if score >= 80 and (best is None or score > best[0]):
            best = (score, name, n)
    return (best[1], best[2]) if best else None


_LOCAL_STOP = {"ve", "v/v", "ngay", "tai", "theo", "va", "nam", "so", "da", "duoc", "khoa", "nhiem", "cua", "kinh",
               "noi", "can", "thuc", "trien"}


def resolve_issuer(phrase: str) -> tuple[str | None, str | None]:
    return _resolve_issuer(" ".join(phrase.split()))


@lru_cache(maxsize=8192)
def _resolve_issuer(phrase: str) -> tuple[str | None, str | None]:
    """`Uy ban nhan dén tinh Quang Ngii` → (`Ủy ban nhân dân tỉnh Quảng Ngãi`, `tỉnh Quảng Ngãi`).

    The phrase is matched word-wise against the issuer table with a similarity threshold, so that OCR garble in
    the words does not stop it; a level word (tỉnh, thành phố, huyện ...) and a province name that follow qualify
    it. Returns (None, None) when nothing in the table is close enough.
    """
    raw_words = phrase.split()
    words = fold_lower(phrase).split()
    if not words:
        return None, None
    name, used = None, 0
    first = raw_words[0].strip()
    if doctypes.known_code(first) and first.upper() == first and issuer_name(first.upper()):
        code, _ = canonical_code(first, doctypes.issuer_codes())
        name, used = issuer_name(code or first), 1
    else:
        best: tuple[float, str, int] | None = None
        for key, full, n in _issuer_names():
            for k in {n - 1, n, n + 1}:
                if k <= 0 or k > len(words):
                    continue
                score = fuzz.ratio(" ".join(words[:k]), key)
                if score >= 82 and (best is None or score > best[0] + 0.5 or (score == best[0] and n > best[2])):
                    best = (score, full, k)
        if best:
            name, used = best[1], best[2]
    if name is None:
        return None, None
    rest = words[used:]
    if len(rest) >= 2 and rest[:2] != ["thanh", "pho"] and fuzz.ratio(" ".join(rest[:2]), "thanh pho") >= 85:
        rest = ["thanh", "pho", *rest[2:]]  # "thanh phé" as OCR prints thành phố
    scope = None
    for level, printed in sorted(_LEVELS.items(), key=lambda kv: -len(kv[0])):
        lw = level.split()
        if rest[: len(lw)] == lw:
            province = match_province(rest[len(lw) :]) if printed in {"tỉnh", "thành phố"} else None
            if province:
                scope = f"{printed} {province[0]}"
            else:
                # a commune, ward or district: its name as printed ("phường Cẩm Thành")
                local = []
                for raw, word in zip(raw_words[used + len(lw) :], rest[len(lw) :]):
                    if word.rstrip(":") in _LOCAL_STOP or len(local) == 4 or not raw[:1].isalpha():
                        break
                    local.append(raw[:1].upper() + raw[1:].lower().rstrip(":"))
                    if raw.endswith(":"):
                        break
                scope = f"{printed} {' '.join(local)}".strip()
            break
    else:
        province = match_province(rest)
        if province:
            scope = province[0]
    full = f"{name} {scope}" if scope else name
    # "Ủy ban nhân dân tỉnh": the place, when printed, qualifies the body; a bare level word is kept in the name.
    return full, scope if scope and scope not in _LEVELS.values() else None


# ---------------------------------------------------------------------------------------------------------------
# The finder


def _agree_with_name(sym: _Symbol, name: str | None) -> _Symbol:
    """`Đề án số 04/DA-UBND`: a code that differs from the printed type name's code only by Đ/D is OCR's doing."""
    named = doctypes.type_by_name(name) if name else None
    if not named or not sym.type_code or named.code == sym.type_code:
        return sym
    if fold_lower(named.code) != fold_lower(sym.type_code):
        return sym
    fixed = sym.symbol.replace(sym.type_code, named.code, 1)
    return replace(sym, symbol=fixed, type_code=named.code, repairs=sym.repairs + (f"{sym.type_code}→{named.code}",))


def _system_type(sym: _Symbol, name: str | None) -> tuple[str, str]:
    """(type name, type code) of a symbol, using the type name printed before it where the symbol leaves it open."""
    named = doctypes.type_by_name(name) if name else None
    if sym.type_code is not None:
        system = "party" if sym.system == "party" else ("normative" if sym.system == "normative" else "nd30")
        t = type_for_code(sym.type_code, system)
        if t and named and t.code == named.code:
            return named.name, t.code
        return (t.name if t else sym.type_code), sym.type_code
    if sym.system == "normative":  # QH / UBTVQH symbols: Luật, Bộ luật, Pháp lệnh or Nghị quyết
        allowed = {"L", "BL", "PL", "NQ", "HP"}
        if named and named.code in allowed:
            return named.name, named.code
        default = "NQ" if sym.issuer_code == "UBTVQH" else "L"
        t = type_for_code(default, "normative")
        assert t is not None
        return t.name, t.code
    # công văn numbering: a type name printed before it wins ("Hướng dẫn số 12/SYT-NVY"), else Công văn
    if named and named.code not in {"L", "BL", "PL", "NĐ", "TT", "TTLT"}:
        return named.name, named.code
    return "Công văn", "CV"


def page_starts(text: str) -> list[int]:
    return [m.end() for m in re.finditer("\f", text)]


def page_of(page_starts: list[int], pos: int) -> int:
    """1-based page of a position, pages being separated by form feeds."""
    return bisect.bisect_right(page_starts, pos) + 1


_NUMBERISH = re.compile(r"(?<![a-z])[\dlo]*\d[\dlo]*\d[\dlo]*(?![a-z])|(?<![a-z])[lo]\d{2,}(?![a-z])")


def fold_for_matching(text: str) -> str:
    """`fold_lower`, and OCR's l/o inside numbers read as 1/0 (`2o23` → `2023`): still the same length."""
    folded = fold_lower(text)
    return _NUMBERISH.sub(lambda m: m.group(0).replace("l", "1").replace("o", "0"), folded)


def find_mentions(text: str) -> list[Mention]:
    """Every numbered reference in `text`, in order. Spans index `text` as given."""
    folded = fold_for_matching(text)
    sentences = sentence_index(text)
    mentions: list[Mention] = []
    left = _left_pattern()
    prev_type: tuple[str, str] | None = None
    prev_end = 0
    pages = page_starts(text)
    for match in SYMBOL.finditer(text):
        sym = _parse_symbol(match)
        lone = sym is None
        if lone and (sym := _parse_symbol(match, lone=True)) is None:
            continue
        sym = _joined_number(sym, folded)
        start, end = sym.span
        window_start = max(0, start - 60)
        window = folded[window_start:start]
        if _MAU.search(window):
            continue
        ctx = left.search(window)
        name = so = None
        span_start = start
        if ctx is not None:
            if ctx.group("name"):
                name_folded = ctx.group("name")
                name = _canonical_name(name_folded)
                span_start = window_start + ctx.start("name")
            if ctx.group("so"):
                so = ctx.group("so")
                span_start = min(span_start, window_start + ctx.start("so"))
        if lone and not (name and so):
            continue  # "Công văn số 158/UB": an unknown one-code symbol only with its type name and "số"
        if name is None and sym.system == "normative" and sym.type_code is None:
            name = _nearest_name(folded, max(prev_end, start - 120), start)
        if name is None and so is not None and sym.system == "congvan" and prev_type and start - prev_end < 40:
            name = prev_type[0]  # "Công văn số 12/UBND-KT, số 15/UBND-KT"
        sym = _agree_with_name(sym, name)
        type_name, type_code = _system_type(sym, name)
        # Context: date, issuer, "về" clause
        date = date_at(folded, end, max_gap=4, text=text)
        cursor = date.span[1] if date else end
        issuer, scope = (issuer_name(sym.issuer_code) if sym.issuer_code else None), None
        issuer_match = _ISSUER_PHRASE.match(folded, cursor)
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
        subject = _VE.match(folded, cursor)
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
    return _amended_laws_undated(_opening_dates(_shared_dates(mentions, folded), folded), folded)


# "Ngày 22/11/2023, Thủ tướng Chính phủ phê duyệt Quy hoạch … tại Quyết định số 1456/QĐ-TTg": a sentence that opens
# with a date and tells of a document's making dates the first document it then cites
_MAKING = re.compile(r"(?<![a-z])(?:ban[ \t\n]+hanh|phe[ \t\n]+duyet|ky|thong[ \t\n]+qua|co)(?![a-z])")
# … unless the document comes in as what the act was based on ("ký hợp đồng … theo Quyết định số …"): older
_BASIS = re.compile(r"(?<![a-z])(?:theo|can[ \t\n]+cu|thuc[ \t\n]+hien|trien[ \t\n]+khai|tren[ \t\n]+co[ \t\n]+so)"
                    r"(?![a-z])")


def _opening_dates(mentions: list[Mention], folded: str) -> list[Mention]:
    out = list(mentions)
    for k, m in enumerate(out):
        start = m.sentence_span[0]
        if m.date or (k and out[k - 1].span[1] > start):
            continue  # dated, or not the sentence's first citation
        date = date_opening(folded, start)
        if date is None or date.span[1] > m.span[0]:
            continue
        between = folded[date.span[1] : m.span[0]]
        making = list(_MAKING.finditer(between))
        if between.lstrip(" \t\n").startswith(",") and making and not DATE_AFTER_NGAY.search(between) and \
                not _BASIS.search(between, making[-1].end()):
            out[k] = replace(m, date=date.iso)
    return out


# "số 1 2/2021/QĐ-TTg": OCR split a number's digits with a space; after "số" the digits before belong to it
_SPLIT_NUMBER = re.compile(r"(?<![a-z0-9])so[ \t]*[:.]?[ \t]+(\d{1,2}) \Z")  # "so" itself: "s6" is số in garble


def _joined_number(sym: _Symbol, folded: str) -> _Symbol:
    start = sym.span[0]
    split = _SPLIT_NUMBER.search(folded, max(0, start - 12), start)
    if not split or len(sym.number) > 3:
        return sym
    number = split.group(1) + sym.number
    return replace(sym, symbol=number + sym.symbol[len(sym.number):], number=number, span=(split.start(1), sym.span[1]),
                   repairs=sym.repairs + ("split digits",))


_LIST_GAP = re.compile(r"[ \t\n]*(?:,|;|va|hoac)?[ \t\n]*\Z")


def _shared_dates(mentions: list[Mention], folded: str) -> list[Mention]:
    """`Quyết định số 406/QĐ-UBND và số 407/QĐ-UBND cùng ngày 13/12/2024`: the date said once for a list (`cùng
    ngày`, "the same day") is the date of every document of the list."""
    out = list(mentions)
    for k in range(len(out) - 1, 0, -1):
        m = out[k]
        if not m.date or "cung" not in folded[m.symbol_span[1] : m.span[1]]:
            continue
        j = k - 1
        while j >= 0 and out[j].date is None and _LIST_GAP.match(_gap(folded, out[j], out[j + 1])):
            out[j] = replace(out[j], date=m.date)
            j -= 1
    return out


def _gap(folded: str, first: Mention, second: Mention) -> str:
    """The words between two mentions, less the type name and "số" that open the second one."""
    gap = folded[first.span[1] : second.span[0]]
    return gap + ("" if gap.endswith((" ", "\n", ",")) else " ")


# "Luật sửa đổi, bổ sung một số điều của Luật Đất đai số 31/2024/QH15, … và Luật Các tổ chức tín dụng số
# 32/2024/QH15 ngày 29/6/2024": the laws listed after "của", each with its number, are what the amending law
# changes; the date at the end is the amending law's own, not the last listed law's. (With one number only —
# "… của Luật Phòng, chống thiên tai và Luật Đê điều số 60/2020/QH14 ngày 17/6/2020" — number and date are both the
# amending law's.)
_AMENDING = re.compile(r"(?<![a-z])luat[ \t\n]+sua[ \t\n]+doi[^;]{0,60}?[ \t\n]+cua[ \t\n]+luat(?![a-z])")


def _amended_laws_undated(mentions: list[Mention], folded: str) -> list[Mention]:
    out = list(mentions)
    for k, m in enumerate(out):
        if not m.date or m.issuer_code not in {"QH", "UBTVQH"}:
            continue
        clause_start = max(folded.rfind(";", 0, m.span[0]), folded.rfind("\n\n", 0, m.span[0]), 0)
        head = _AMENDING.search(folded, clause_start, m.span[0])
        listed = [o for o in out[:k] if head and o.span[0] > head.end() and o.issuer_code in {"QH", "UBTVQH"}]
        if head and listed and not re.search(r"\d", folded[head.start() : head.end()]):
            out[k] = replace(m, date=None, span=(m.span[0], m.symbol_span[1]), text=m.text[: m.symbol_span[1] -
                                                                                             m.span[0]])
    return out


@lru_cache(maxsize=4096)
def _canonical_name(name_folded: str) -> str | None:
    """The table's type name for a (possibly garbled) folded match of it."""
    squashed = " ".join(name_folded.split())
    for name in doctypes.type_names():
        if re.fullmatch(fuzzy_pattern(name), squashed):
            return name
    return None


def _nearest_name(folded: str, start: int, end: int) -> str | None:
    clause_start = max(folded.rfind(";", start, end), folded.rfind(". ", start, end), start)
    found = None
    for match in _any_name_pattern().finditer(folded, clause_start, end):
        found = match.group(0)
    return _canonical_name(found) if found else None


# ---------------------------------------------------------------------------------------------------------------
# Merging mentions into documents

RELATION_STRENGTH = ("repeals", "replaces", "amends", "based_on", "responds_to", "implements", "attached_to", "cites")


def strongest(relations: set[str] | list[str] | tuple[str, ...]) -> str:
    for rel in RELATION_STRENGTH:
        if rel in relations:
            return rel
    return "cites"


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
                       or same_day and _letter_off(reading, other) for other in cluster):
                    cluster.append(reading)
                    break
            else:
                clusters.append([reading])
        for cluster in clusters:
            best = max(cluster, key=lambda r: (_known_codes(r) == len([p for p in re.split(r"[-/&]", codes(r)) if p]),
                                               counts[r], issuers[issuer_of[r]], len(r), r))
            out.update({r: best for r in cluster if r != best})
    return out


def _letter_off(a: str, b: str) -> bool:
    """Two long codes (six characters or more) one letter apart."""
    return min(len(codes(a)), len(codes(b))) >= 6 and code_distance(codes(a), codes(b)) <= 1.0


def _cut_short(a: str, b: str) -> bool:
    """One reading is the other cut at a line end (`496-TB/T` of `496-TB/TU`), by one or two letters."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and 0 < len(long) - len(short) <= 2 and codes(short).strip("-/")


def merge(mentions: list[Mention]) -> list[Reference]:
    """One Reference per distinct document: same symbol (or an OCR variant of it), dates not contradicting. Order
    of first mention."""
    canonical = _readings(mentions)
    read_as = {m.span: m.symbol for m in mentions}
    if canonical:
        mentions = [replace(m, symbol=canonical[m.symbol]) if m.symbol in canonical else m for m in mentions]
    groups: dict[tuple[str, str | None], list[Mention]] = {}
    dated: dict[str, list[str]] = {}
    for m in mentions:
        if m.date:
            dated.setdefault(m.symbol, [])
            if m.date not in dated[m.symbol]:
                dated[m.symbol].append(m.date)
    for m in mentions:
        date = m.date
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
            )
        )
    out.sort(key=lambda r: r.spans[0][0])
    return out

