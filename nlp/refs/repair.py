"""The OCR repairs of the reference grammar: one small function per garble, the forms it reads in its docstring.

A repair goes only towards what the tables know (a code of `nlp/data`, a legislature that sat in the symbol's
year), so that a clean symbol is never changed; each repair a symbol needed is listed in its `repairs` and costs
it confidence. The grammar (`grammar`) and the finder (`find`) call them in their order.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from rapidfuzz import fuzz

from .. import doctypes
from ..doctypes import canonical_code
from ..laws import LEGISLATURES
from ..text import fold_lower
from .models import ParsedSymbol

# ---------------------------------------------------------------------------------------------------------------
# The codes a repair may aim at


@lru_cache(maxsize=1)
def symbol_type_codes() -> frozenset[str]:
    """Type codes that are printed inside symbols (the pseudo-codes of Luật, Bộ luật ... are not)."""
    printed = {"NĐ", "TT", "TTLT", "NQLT"}
    return frozenset(t.code for t in doctypes.doc_types() if t.systems & {"nd30", "party"} or t.code in printed)


@lru_cache(maxsize=1)
def issuer_and_unit_codes() -> frozenset[str]:
    return doctypes.issuer_codes()


# ---------------------------------------------------------------------------------------------------------------
# The text and the number


_NUMBERISH = re.compile(r"(?<![a-z])[\dlo]*\d[\dlo]*\d[\dlo]*(?![a-z])|(?<![a-z])[lo]\d{2,}(?![a-z])")


_LETTER_BY_DIGIT = re.compile(r"\d[lo]|[lo]\d")  # what `_NUMBERISH` can change: most texts hold none


def fold_for_matching(text: str) -> str:
    """`fold_lower`, and OCR's l/o inside numbers read as 1/0 (`2o23` → `2023`): still the same length."""
    folded = fold_lower(text)
    if not _LETTER_BY_DIGIT.search(folded):
        return folded
    return _NUMBERISH.sub(lambda m: m.group(0).replace("l", "1").replace("o", "0"), folded)


_DIGIT_LOOKALIKES = str.maketrans("lIO", "110")


def number_digits(number: str) -> tuple[str, tuple[str, ...]]:
    """The number of a symbol, OCR's letters for digits read back, and the repair if one was needed.

    `l08/KH-UBND` → 108/KH-UBND, `2O/KH-UBND` → 20/KH-UBND (l and I for 1, O for 0; the grammar takes such a number
    only when it holds a real digit), `658§2/VPCP-KSTT` → 6582/VPCP-KSTT (a speck between the digits). A number
    with a letter after it (`12a/KH-UBND`) has no look-alike to read
    back; it is listed all the same (`12a→12a`), as a number that is not all digits.
    """
    if number.isdigit():
        return number, ()
    digits = number.replace("§", "").translate(_DIGIT_LOOKALIKES)
    return digits, (f"{number}→{digits}",)


# "số 1 2/2021/QĐ-TTg": OCR split a number's digits with a space; after "số" the digits before belong to it (one of
# them perhaps read as a letter that looks like 1: "số 2l 05/UBND-NC")
_SPLIT_NUMBER = re.compile(r"(?<![a-z0-9])so[ \t]*[:.]?[ \t]+(\d[\dli|]?|[li|]\d) \Z")  # "so" itself: "s6" is số
_ONE_LOOKALIKES = str.maketrans("li|", "111")


def joined_number(sym: ParsedSymbol, folded: str) -> ParsedSymbol:
    """`Quyết định số 1 2/2021/QĐ-TTg` → 12/2021/QĐ-TTg, `Công văn số 2l 05/UBND-NC` → 2105/UBND-NC: OCR split the
    number's digits with a space; after "số", one or two digits before the symbol's own (three at most) belong to
    it (an l, I or | among them read as the 1 it looks like). `số 2 lần` is no number: a digit must follow."""
    start = sym.span[0]
    split = _SPLIT_NUMBER.search(folded, max(0, start - 12), start)
    if not split or len(sym.number) > 3:
        return sym
    number = split.group(1).translate(_ONE_LOOKALIKES) + sym.number
    return replace(sym, symbol=number + sym.symbol[len(sym.number):], number=number, span=(split.start(1), sym.span[1]),
                   repairs=sym.repairs + ("split digits",))


# ---------------------------------------------------------------------------------------------------------------
# Separators and specks


def noisy_separator(number_and_type: str) -> bool:
    """`57- -NQ/TW`, `57 -NQ/TW`, `57-⏎NQ/TW` → 57-NQ/TW: a Party symbol whose number and type code OCR (or a line
    break) kept apart with a doubled hyphen or a space; the grammar reads through it, and this says it did (the
    repair `separator`). `number_and_type`: the symbol as printed, up to its "/"."""
    return bool(re.search(r"-\s*-|\s", number_and_type))


def split_type_code(split: str, rest: str) -> str:
    """`1420/T Tr-BQL` → 1420/TTr-BQL: OCR put a space inside the type code (TTr); `split` is the piece before the
    space, with it ("T "). The grammar keeps the joined code only when it is a type code as printed, and lists the
    repair `separator`."""
    return split[:-1] + rest


def drop_specks(raw: str) -> str:
    """`01/KH-BCĐ38§9QNg` → 01/KH-BCĐ389QNg, `34/BC-CAT-PH]10` → 34/BC-CAT-PH10: a speck inside a code that OCR read
    as "§", a bracket or a bar, dropped (the grammar takes one only between a code's letters and digits); and
    `1189/SNV-I,ĐVL&TN` → 1189/SNV-LĐVL&TN: an L whose foot OCR read as a comma, inside a code of capitals."""
    return re.sub(r"[§\]|]", "", raw).replace("I,", "L")


def after_ampersand(seg: str) -> str:
    """`BCVT&(CĐS` → `BCVT&CĐS` (a speck after the "&"); `BCVT &CĐS` → `BCVT&CĐS` (a space before it);
    `BCVT&€ĐS` → `BCVT&CĐS` when C makes a known code of it (OCR prints € for C), else the mark is dropped."""
    def fix(match: re.Match[str]) -> str:
        rest = match.group(2)
        if match.group(1) == "€" and ("C" + rest).upper() in {c.upper() for c in issuer_and_unit_codes()}:
            return "&C" + rest
        return "&" + rest

    return re.sub(r"&([(€])([A-ZĐa-zđ0-9]*)", fix, seg.replace(" &", "&"))


# ---------------------------------------------------------------------------------------------------------------
# Codes towards the tables


def known_code(seg: str, table: frozenset[str]) -> tuple[str | None, tuple[str, ...]]:
    """A code segment read towards a table of codes, and the repair if one was needed; (None, ()) when the table
    has no code it could be.

    `1588/QP- TTg` → 1588/QĐ-TTg (type code: Đ read as P), `55/BC-BGTYVT` → BGTVT (issuer: a stroke read as a
    letter too many), `QĐĐ` → QĐ (a letter printed twice): OCR's look-alikes are undone only when the result is a
    known code and the segment as read is not (`nlp.doctypes.canonical_code`).
    """
    code, repaired = canonical_code(seg, table)
    return code, ((f"{seg}→{code}",) if repaired else ())


def issuer_codes(segs: list[str]) -> tuple[list[str], list[str]]:
    """The issuer and unit segments of a symbol, each part of a joint code (`BCVT&CĐS`) read towards the issuer
    table: `58/KH-STNMĨT` → STNMT (an accented capital for a letter), `KH-BCVT&CDS` → BCVT&CĐS (D for Đ).
    A part the table does not know is kept as printed (`KGVX` of `961/VP-KGVX`). Returns (codes, repairs)."""
    out, repairs = [], []
    for seg in segs:
        parts = seg.split("&")
        fixed_parts = []
        for part in parts:
            code, repaired = canonical_code(part, issuer_and_unit_codes()) if part else (part, False)
            if code is None:
                code = _one_d(part)
                if code != part:
                    repairs.append(f"{part}→{code}")
            elif repaired:
                repairs.append(f"{part}→{code}")
            fixed_parts.append(code)
        out.append("&".join(fixed_parts))
    return out, repairs


def _one_d(part: str) -> str:
    """`ĐÐBCLGD` → ĐBCLGD: a Đ beside the eth OCR prints for Đ (U+00D0) is one Đ printed twice, in a code no table
    knows (a known `ĐĐ`, Đảng đoàn, is read through the table before this)."""
    return re.sub("Đ\u00d0|\u00d0Đ", "Đ", part)


def body_code_not_type(seg: str, code: str | None, repaired: bool) -> str | None:
    """`1488/TTT-VP` (Thanh tra tỉnh) stays a công văn of TTT: a body's own code is no type code with a letter too
    many (the type table would read TTT as TT). `code, repaired`: the type table's reading of `seg`; returns the
    type code, or None where the segment is a body's code."""
    if repaired and code is not None and len(code) != len(seg) and seg in issuer_and_unit_codes():
        return None
    return code


# "QH 13", "QH I1": a space, a letter for 1
LEGISLATURE_READ = re.compile(r"(UBTVQH|QH) ?([\dIl] ?[\dIl]?)")  # "QH 13", "QH I1", "QH1 5"


def read_legislature(seg: str, year: int) -> str | None:
    """`20/2023/QH 15` → 20/2023/QH15, `20/2023/QH I5` → QH15 (a space inside the code, OCR's I or l for 1): the
    code of the legislature a segment matching `LEGISLATURE_READ` names, only when that legislature sat in the
    symbol's year; None when it did not (`20/2013/QH 15` is no symbol)."""
    read = LEGISLATURE_READ.fullmatch(seg)
    assert read is not None
    term = int(read.group(2).replace(" ", "").translate(_DIGIT_LOOKALIKES))
    first, last = LEGISLATURES.get(term, ("9999", "0000"))
    if not int(first[:4]) <= year <= int(last[:4]):
        return None
    return f"{read.group(1)}{term}"


def type_code_from_name(sym: ParsedSymbol, name: str | None) -> ParsedSymbol:
    """`Đề án số 04/DA-UBND` → 04/ĐA-UBND: a code that differs from the printed type name's code only by Đ/D is
    OCR's doing (the name was printed before it)."""
    named = doctypes.type_by_name(name) if name else None
    if not named or not sym.type_code or named.code == sym.type_code:
        return sym
    if fold_lower(named.code) != fold_lower(sym.type_code):
        return sym
    fixed = sym.symbol.replace(sym.type_code, named.code, 1)
    return replace(sym, symbol=fixed, type_code=named.code, repairs=sym.repairs + (f"{sym.type_code}→{named.code}",))


# ---------------------------------------------------------------------------------------------------------------
# Words around the symbol


def city_words(words: list[str]) -> list[str]:
    """`Ủy ban nhân dân thanh phé Hà Nội` → … thành phố Hà Nội: the level word "thành phố" as OCR prints it
    (`thanh phé`, `thanh phô`), on the folded words after an issuer's name."""
    if len(words) >= 2 and words[:2] != ["thanh", "pho"] and fuzz.ratio(" ".join(words[:2]), "thanh pho") >= 85:
        return ["thanh", "pho", *words[2:]]
    return words


# ---------------------------------------------------------------------------------------------------------------
# Codes towards the letter's own


def own_codes(own_symbol: str | None) -> str:
    """The letter's own symbol without its number: `?/BGDĐT-GDTrH` → `BGDĐT-GDTrH` ("" when it has none)."""
    return re.sub(r"^[^/\-]*[/\-]", "", own_symbol or "")


def letter_codes(own_symbol: str | None) -> frozenset[str]:
    """The code segments of the letter's own symbol (`?/TB-ĐHKTCN` → {TB, ĐHKTCN}), the context a cited symbol's
    unknown code is read towards: a body cites its own documents most (a university's plans, a department's
    letters) and prints its code cleanly in its header."""
    return frozenset(seg for seg in re.split(r"[-/&,]", own_codes(own_symbol)) if len(seg) >= 2)


def towards_letter_codes(symbol: str, number: str, letter: frozenset[str]) -> tuple[str, tuple[str, ...]]:
    """A cited symbol whose code segment neither the tables nor the letter know as printed, read towards a code of
    the letter's own header when it is one of OCR's look-alike readings of it (`nlp.doctypes.canonical_code`):
    `636/KH-ĐÐHKTCN` → 636/KH-ĐHKTCN and `1419/KH-DHVH` → 1419/KH-ĐHVH in letters numbered `…/TB-ĐHKTCN` and
    `…/KH-ĐHVH` (Đ printed twice, D for Đ). A code the tables know (`ĐĐ`, Đảng đoàn) is never changed.
    Returns (symbol, repairs)."""
    if not letter or not symbol.startswith(number):
        return symbol, ()
    out, repairs = [], []
    for piece in re.split(r"([-/&,])", symbol[len(number):]):
        if len(piece) >= 2 and piece not in letter and not doctypes.known_code(piece):
            code, repaired = canonical_code(piece, letter)
            if code is not None and repaired:
                repairs.append(f"{piece}→{code}")
                piece = code
        out.append(piece)
    return number + "".join(out), tuple(repairs)


# ---------------------------------------------------------------------------------------------------------------
# Codes towards the names printed around them


def _one_letter_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a.upper(), b.upper())) == 1


def retyped(symbol: str, number: str, name: str | None) -> str | None:
    """`Tờ trình số 01/TTY-SCT` → 01/TTr-SCT: the type code right after the number one letter off the code of the
    type name printed before it (and no type code as read): the printed name's code. None when no such repair."""
    named = doctypes.type_by_name(name) if name else None
    if not named or not symbol.startswith(number + "/"):
        return None
    first = re.match(r"[^-/]+", symbol[len(number) + 1 :])
    if not first or first.group(0) in symbol_type_codes() | issuer_and_unit_codes() or \
            not _one_letter_apart(first.group(0), named.code):
        return None
    return f"{number}/{named.code}{symbol[len(number) + 1 + len(first.group(0)):]}"


def issuer_named_nearby(code: str | None, folded_context: str) -> str | None:
    """`Bộ trưởng Bộ Giao thông vận tải tại Tờ trình số 9628/TTr-BGTTT` → BGTVT: an issuer code no table knows, one
    letter off a known code whose body's name the words around it print (`folded_context`, folded). None else, or
    when two known codes would fit."""
    if not code or len(code) < 3 or code in issuer_and_unit_codes():
        return None
    fits = {known for known in issuer_and_unit_codes() if _one_letter_apart(code, known)
            and (name := doctypes.issuer_name(known)) and fold_lower(name) in folded_context}
    return fits.pop() if len(fits) == 1 else None


def codes_named_nearby(code: str | None, folded_context: str) -> tuple[str, ...]:
    """The known issuer codes longer than `code` that begin with it, whose body's name the words around it print
    (`folded_context`, folded): `QĐ- TT ng … của Thủ tướng Chính phủ` → (TTg,), the code OCR cut short."""
    if not code:
        return ()
    start = fold_lower(code)
    return tuple(sorted(known for known in issuer_and_unit_codes()
                        if len(known) > len(code) and fold_lower(known).startswith(start)
                        and (name := doctypes.issuer_name(known)) and fold_lower(name) in folded_context))


def cut_towards_letter(symbol: str, number: str, following: str, own_codes: str) -> tuple[str, int] | None:
    """`Công văn số 4612/BGD 3T-GL TrH ngày 03/10/2017` in a letter numbered `…/BGDĐT-GDTrH` → (4612/BGDĐT-GDTrH,
    the characters of `following` it took): a cited code that OCR's garble cut short (Đ read as ` 3`, a space in
    `TrH`), which the letter's own code begins with and the words after it spell again, four characters in five
    (the letter cites its own body's documents most). `following`: the text right after the symbol as read;
    `own_codes`: the letter's symbol without its number. None when the words after it do not spell it."""
    codes = symbol[len(number) + 1 :] if symbol.startswith(number + "/") else ""
    target = fold_lower(own_codes)
    if not codes or len(own_codes) < 6 or not target.startswith(fold_lower(codes)) or len(codes) >= len(own_codes):
        return None
    best: tuple[float, int] | None = None
    for end in (m.start() for m in re.finditer(r"(?=\s|[,;(]|\Z)", following[: len(own_codes) + 6])):
        said = fold_lower(codes + following[:end]).replace(" ", "")
        if sum(ch.isalnum() for ch in following[:end]) < 2 or "\n" in following[:end].rstrip():
            continue  # nothing after it spells the rest (`304/QĐ-UB ngày …`: an old code, whole)
        score = fuzz.ratio(said, target)
        if score >= 80 and (best is None or score > best[0]):
            best = (score, end)
    return (f"{number}/{own_codes}", best[1]) if best else None
