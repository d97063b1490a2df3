"""Finding symbols: the SYMBOL pattern, built for the three numbering systems, and the parse of a match against the
code tables.

Party `57-NQ/TW` (Hướng dẫn 36-HD/VPTW), normative `13/2023/NĐ-CP`, `20/2023/QH15`, and administrative
`58/KH-UBND`, `1588/QĐ-TTg` or công văn `961/VP-KGVX` (Nghị định 30/2020/NĐ-CP). Separators may carry OCR noise
(`57- -NQ/TW`, `38/ KH-UBND`, a line break after a hyphen); each segment is checked against the code tables and
repaired only towards a known code (`repair`).
"""

from __future__ import annotations

import re

from .. import doctypes
from .models import ParsedSymbol
from .repair import (
    LEGISLATURE_READ,
    after_ampersand,
    body_code_not_type,
    drop_specks,
    issuer_and_unit_codes,
    issuer_codes,
    known_code,
    noisy_separator,
    number_digits,
    read_legislature,
    split_type_code,
    symbol_type_codes,
)

_UP = "A-ZĐÐƉ"
# a code segment; OCR sometimes puts a speck after the "&" of a joint unit ("BCVT&(CĐS"): read through it
# inside a code OCR may print an accented capital for a letter ("STNMĨT"): kept, and repaired against the tables
# "BCVT &CĐS": a space by the "&"; "BCĐ38§9QNg": a speck OCR read as "§" inside a code, dropped
# "PH]10", "PH|10": a speck read as a bracket or a bar between a unit's letters and digits, dropped (`repair`)
# "SNV-I,ĐVL&TN": an L whose foot OCR read as a comma (`I,`), between capitals: read as the L (`repair`)
_SEG = (rf"(?:I,(?=(?!I)[{_UP}])|[{_UP}])(?:I,(?=(?!I)[{_UP}]{{2}})|[{_UP}a-zđ0-9À-ÝĂĨŨƠƯẠ-ỹ]|[§\]|](?=[{_UP}a-zđ0-9])"
        rf"|[ ]?&[(€]?(?=[{_UP}(€])){{0,15}}")
_WS = r"[ \t]{0,2}(?:\n[ \t]{0,2})?"
_HY = rf"{_WS}[-–—‐]{_WS}"
# OCR prints a fraction slash (U+2044) or a division slash for "/" in italics, or both
_SL = rf"[ \t]?[/⁄∕]{{1,2}}{_WS}"
# a code may end in a unit's code in brackets, printed against it: `484/TTr-CAT-TM(CSKT)`
_BRACKET = rf"(?:\([{_UP}][{_UP}0-9]{{1,5}}\))?"
# The number may carry OCR's l/I for 1 and O for 0 ("l08/KH-UBND"), as long as it holds a real digit, and a speck
# read as "§" between its digits ("658§2/VPCP-KSTT": 6582, never 2/VPCP-KSTT).
_NUM = (r"(?P<num>\d{1,5}[a-z]?(?![\w§])|\d{1,5}(?!§)|(?=[\dlIO]{2,5}(?![\w]))[\dlIO]*\d[\dlIO]*"
        r"|\d{1,4}§\d{1,4}(?![\w§]))")
SYMBOL = re.compile(
    rf"(?<![\w/⁄.,:\-§]){_NUM}"
    rf"(?:(?:{_HY})+(?P<ptype>{_SEG}){_SL}(?P<piss>{_SEG}(?:{_HY}{_SEG})*)"
    rf"|{_SL}(?:(?P<year>(?:19|20)\d\d)%?(?P<yslash>{_SL}|(?=[{_UP}]))"
    rf"(?P<yrest>(?:UBTVQH|QH) [\dIl]{{1,2}}(?![\w/])|(?:UBTVQH|QH)[\dIl] [\dIl](?![\w/])|{_SEG}(?:{_HY}{_SEG})*)"
    # "1420/T Tr-BQL": OCR put a space inside the type code (TTr); taken only when the two pieces make one
    rf"|(?P<tsplit>[{_UP}]{{1,2}} (?=[{_UP}][a-zđ]?{_HY}))?(?P<rest>{_SEG}(?:{_HY}{_SEG})*{_BRACKET})))"
)
_SPLIT = re.compile(rf"{_HY}")
_QH = re.compile(r"(UBTVQH|QH)(\d{1,2})")


def _plausible_segment(seg: str) -> bool:
    """Codes are capitals with at most a couple of lower-case letters (`TTg`, `QĐi`, `GDTrH`; a unit's `TTra`,
    Thanh tra, after two capitals at least), never a word (`Thanh`, `Về`)."""
    lower = sum(1 for ch in seg if ch.islower())
    return lower <= 2 and not seg.isdigit() and (not re.search(r"[a-zđ]{2}", seg) or
                                                 re.fullmatch(r"[A-ZĐ]{2,}[a-zđ]{2}", seg) is not None)


def _segments(raw: str) -> list[str]:
    segs = [after_ampersand(seg) if "&" in seg else seg for seg in _SPLIT.split(drop_specks(raw))]
    out = []
    for seg in segs:
        if not _plausible_segment(seg):
            break
        out.append(seg)
    return out


def _raw_length(raw: str, kept: int) -> int:
    """Length of the first `kept` hyphen-separated segments of `raw`, separators included."""
    for count, match in enumerate(_SPLIT.finditer(raw), start=1):
        if count == kept:
            return match.start()
    return len(raw)


def parse_symbol(match: re.Match[str], lone: bool = False) -> ParsedSymbol | None:
    """The symbol a match spells, repaired; None when it is none. `lone`: also N/CODE with one code the tables do
    not know (`158/UB`), for a match that a type name and "số" introduce."""
    num, repairs = number_digits(match.group("num"))
    if match.group("ptype") is not None:
        return _party(match, num, list(repairs))
    if match.group("year") is not None:
        return _normative(match, num, list(repairs))
    return _administrative(match, num, list(repairs), lone)


def _party(match: re.Match[str], num: str, repairs: list[str]) -> ParsedSymbol | None:
    """`57-NQ/TW`, `36-HD/VPTW`: number, Party type code, issuer (HD 36)."""
    g = match.groupdict()
    ptype, fixed = known_code(g["ptype"], doctypes.type_codes("party"))
    if ptype is None:
        return None
    repairs += fixed
    segs = _segments(g["piss"])
    if not segs:
        return None
    segs, more = issuer_codes(segs)
    repairs += more
    issuer = "-".join(segs)
    end = match.start("piss") + _raw_length(g["piss"], len(segs))
    raw = match.group(0)
    if noisy_separator(raw[: raw.find("/")]):
        repairs.append("separator")
    return ParsedSymbol(
        symbol=f"{num}-{ptype}/{issuer}",
        number=num,
        year=None,
        system="party",
        type_code=ptype,
        issuer_code=segs[0],
        span=(match.start(), end),
        repairs=tuple(repairs),
        known_issuer=segs[0] in issuer_and_unit_codes(),
    )


def _normative(match: re.Match[str], num: str, repairs: list[str]) -> ParsedSymbol | None:
    """`13/2023/NĐ-CP`, `20/2023/QH15`: number, year, type code and issuer, or a legislature's code."""
    g = match.groupdict()
    segs = _segments(g["yrest"])
    if not segs:
        return None
    if not g["yslash"]:
        repairs.append("slash")  # "01/2024NĐ-CP"
    end = match.start("yrest") + _raw_length(g["yrest"], len(segs))
    year = int(g["year"])
    qh = _QH.fullmatch(segs[0].upper())
    if qh is None and len(segs) == 1 and LEGISLATURE_READ.fullmatch(segs[0]):
        code = read_legislature(segs[0], year)
        if code is None:
            return None
        qh = _QH.fullmatch(code)
        repairs.append(f"{segs[0]}→{code}")
    if qh and len(segs) == 1:
        code = f"{qh.group(1)}{qh.group(2)}"
        return ParsedSymbol(
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
    tcode, fixed = known_code(segs[0], symbol_type_codes())
    if tcode is None or len(segs) < 2:
        return None
    repairs += fixed
    issuers, more = issuer_codes(segs[1:])
    repairs += more
    return ParsedSymbol(
        symbol=f"{num}/{year}/{tcode}-{'-'.join(issuers)}",
        number=num,
        year=year,
        system="normative",
        type_code=tcode,
        issuer_code=issuers[0],
        span=(match.start(), end),
        repairs=tuple(repairs),
        known_issuer=issuers[0] in issuer_and_unit_codes(),
    )


def _administrative(match: re.Match[str], num: str, repairs: list[str], lone: bool) -> ParsedSymbol | None:
    """`58/KH-UBND`, `1588/QĐ-TTg` (number, type code, issuer: NĐ 30/2020), else công văn numbering `961/VP-KGVX`
    (number, issuer and unit), with a unit in brackets at the end (`484/TTr-CAT-TM(CSKT)`)."""
    g = match.groupdict()
    rest = g["rest"]
    bracket = re.search(r"\([^()]+\)\Z", rest)
    if bracket:
        rest = rest[: bracket.start()]
    base, split = match.start("rest"), g["tsplit"] or ""
    if split:
        rest, base = split_type_code(split, rest), base - len(split)
    segs = _segments(rest)
    if not segs:
        return None
    if split and known_code(segs[0], symbol_type_codes()) != (segs[0], ()):
        return None  # "T Tr" is TTr; pieces that make no type code are no symbol
    end = base + len(split[-1:]) + _raw_length(rest, len(segs))
    unit = ""
    if bracket and end == match.start("rest") + len(g["rest"]) - len(bracket.group(0)):  # the bracket ends the code
        unit, end = bracket.group(0), match.end("rest")
    if split:
        repairs.append("separator")
    tcode, fixed = known_code(segs[0], symbol_type_codes())
    tcode = body_code_not_type(segs[0], tcode, bool(fixed))
    if tcode is not None and len(segs) >= 2 and tcode != "CV":
        repairs += fixed
        issuers, more = issuer_codes(segs[1:])
        repairs += more
        return ParsedSymbol(
            symbol=f"{num}/{tcode}-{'-'.join(issuers)}{unit}",
            number=num,
            year=None,
            system="nd30",
            type_code=tcode,
            issuer_code=issuers[0],
            span=(match.start(), end),
            repairs=tuple(repairs),
            known_issuer=issuers[0] in issuer_and_unit_codes(),
        )
    if lone and len(segs) == 1 and tcode is not None and tcode != "CV" and not fixed and rest.strip() == segs[0]:
        # the old numbering of a type alone, `Nghị định số 276/NĐ` (1951): taken only after that type's name and
        # "số" (the finder checks them)
        return ParsedSymbol(symbol=f"{num}/{tcode}{unit}", number=num, year=None, system="nd30", type_code=tcode,
                            issuer_code=None, span=(match.start(), end), repairs=tuple(repairs), known_issuer=False)
    # Công văn numbering: N/ISSUER-UNIT (or N/ISSUER when the issuer is a known body). Its repairs list only the
    # issuer codes' (not the number's, nor a separator's).
    issuers, more = issuer_codes(segs)
    known = issuers[0] in issuer_and_unit_codes()
    if len(issuers[0]) < 2 or (len(issuers) < 2 and not known and (not lone or tcode is not None)):
        return None  # (`09/KH-Thanh tra`: a type code whose issuer was no code is no công văn of a body `KH`)
    return ParsedSymbol(
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
