"""The blanks of a letter's header that are filled in by hand: the number before `/QĐ-UBND` and the day (sometimes
the month) of `ngày … tháng … năm`, and how a value read elsewhere (handwriting, a typed field, the citing letters)
completes the header.

Nghị định 30/2020 prints `Số:      /QĐ-UBND` and `Quảng Ngãi, ngày     tháng 02 năm 2025`; the signer's office
writes the number and the day in by pen. OCR leaves garble there (`Số: #4 /QĐĐ-UBND`, "ngày 0` tháng"). This
module finds where each blank is in the text — the span between the printed words around it — so that the caller
can read what is written there on the page image, and checks a reading against the dates the letter's overlays give
(a letter is dated on or before it was signed and published, usually the same day or a few days before).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from .dates import _NAM, _NGAY, THANG_T_LOST
from .header import Header
from .text import fold_lower


@dataclass(frozen=True)
class Blank:
    field: str  # "number", "day" or "month"
    span: tuple[int, int]  # where the value is written (what OCR read there, possibly nothing)
    before: tuple[int, int]  # the printed word before it: "Số:", "ngày", "tháng"
    after: tuple[int, int]  # the printed text after it: "/QĐ-UBND", "tháng", "năm"
    read: str  # the text OCR left in the blank


_CODE = r"[a-z][a-z0-9&]*(?:[ \t]*-[ \t]*[a-z][a-z0-9&]*)*"
_NUMBER_LABEL = r"(?P<before>(?<![a-z])s(?:[a-z]|[06])?[ \t]*[:.;]?)"
_NUMBER_CODES = (rf"(?P<after>[ \t]*(?:/[ \t]*(?:(?:19|20)\d\d[ \t]*/[ \t]*)?{_CODE}"
                 rf"|-[ \t]*[a-z]{{1,4}}[ \t]*/[ \t]*{_CODE}))")
_NUMBER_BLANK = re.compile(rf"{_NUMBER_LABEL}(?P<blank>[^\n]{{0,14}}?){_NUMBER_CODES}")
# `Số:⏎/BGDĐT-GDTrH`: OCR broke the line at the empty blank (the pen's digits unread, the label and the code one
# line on the page): the blank is the break between them
_NUMBER_BLANK_BROKEN = re.compile(rf"{_NUMBER_LABEL}(?P<blank>[ \t]*\n){_NUMBER_CODES}")
_DAY_BLANK = re.compile(rf"(?P<before>(?<![a-z]){_NGAY})(?P<blank>[^\n]{{0,8}}?)"
                        rf"(?P<after>[ \t]*{THANG_T_LOST})")
_MONTH_BLANK = re.compile(rf"(?P<before>{THANG_T_LOST})(?P<blank>[^\n]{{0,8}}?)"
                          rf"(?P<after>[ \t]*{_NAM}[ \t]*(?:19|20)\d\d)")
_HEADER_CHARS = 1500


def _lost_slash_blank(type_code: str) -> re.Pattern[str]:
    """The number blank whose slash the pen's digits covered: `Số: 4ĐTB-ĐHKTCN`, `Sốz1/%7TB-ĐHVH` — what stands
    between the label and the letter's type code (`tb`), that code glued to it."""
    return re.compile(rf"{_NUMBER_LABEL}(?P<blank>[^\n]{{1,14}}?)"
                      rf"(?<=[^\s:;.])(?P<after>{re.escape(type_code)}[ \t]*-[ \t]*{_CODE})")


def _blank(field: str, match: re.Match[str], text: str) -> Blank:
    start, end = match.start("blank"), match.end("blank")
    while start < end and text[start] in " \t\n":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    return Blank(field, (start, end), match.span("before"), match.span("after"), text[start:end])


def find_blanks(text: str, header: Header) -> list[Blank]:
    """The header's number blank (on the line of its `Số:`) and the day and month of its place-and-date line."""
    head = text[: min(len(text), _HEADER_CHARS)]
    folded = fold_lower(head)
    out: list[Blank] = []
    if header.symbol_span:
        at = header.symbol_span[0]
        while at < len(folded) and folded[at] in "\n \t*":  # the label's match may open with the line break
            at += 1
        line_start = folded.rfind("\n", 0, at) + 1
        line_end = folded.find("\n", at)
        line_end = line_end if line_end >= 0 else len(folded)
        match = _NUMBER_BLANK.search(folded, line_start, line_end)
        if match is None and header.type_code:  # the pen's digits ran over the slash: `Số: 4ĐTB-ĐHKTCN`
            match = _lost_slash_blank(fold_lower(header.type_code)).search(folded, line_start, line_end)
        if match is None:  # the label ends one line, the code opens the next
            before_start = folded.rfind("\n", 0, max(0, line_start - 1)) + 1
            after_end = folded.find("\n", line_end + 1)
            match = _NUMBER_BLANK_BROKEN.search(folded, before_start, after_end if after_end >= 0 else len(folded))
        if match:
            out.append(_blank("number", match, head))
    if header.date_span:
        start = folded.rfind("\n", 0, header.date_span[0]) + 1
        end = header.date_span[1]
        for field, pattern in (("day", _DAY_BLANK), ("month", _MONTH_BLANK)):
            match = pattern.search(folded, start, end + 1)
            if match:
                out.append(_blank(field, match, head))
    return out


def numeric(read: str) -> str | None:
    """The value OCR read in a blank when it is plainly a number (`84`, `05`), else None."""
    stripped = read.strip(" .,:;'`")
    return stripped if re.fullmatch(r"\d{1,5}[a-z]?", stripped) else None


def plausible_day(day: int, month: int | None, year: int | None, bounds: list[dt.date],
                  max_days_before: int = 45) -> bool:
    """Is `day` of the printed month and year a date on or before every overlay date (signature, publication),
    and not long before the earliest of them?"""
    if month is None or year is None:
        return False
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return False
    if not bounds:
        return True
    earliest = min(bounds)
    return date <= earliest and (earliest - date).days <= max_days_before


def with_number(header: Header, number: str, source: str, confidence: float) -> Header:
    """The header with its number filled in: `?/QĐ-UBND` (or a misread number) → `84/QĐ-UBND`."""
    symbol = header.symbol or "?"
    rest = re.sub(r"^[^/\-]*", "", symbol, count=1)
    if symbol.startswith("?") or not re.match(r"\d", symbol):
        rest = symbol[1:] if symbol.startswith("?") else rest
    return replace(header, symbol=f"{number}{rest}", number=number, number_source=source,
                   number_confidence=round(confidence, 3))


def with_day(header: Header, day: int, source: str, confidence: float) -> Header:
    """The header with its day filled in from the printed month and year."""
    partial = header.date_partial or (header.date[:7] if header.date else None)
    if not partial:
        return header
    year, month = int(partial[:4]), int(partial[5:7])
    return replace(header, date=dt.date(year, month, day).isoformat(), date_partial=partial, date_source=source,
                   date_confidence=round(confidence, 3))


# A line reader's reading of the number's whole line: `Số: 47 /QĐ-UBND`, `Số:154/CTPH-LĐLĐ`, `Số: 2442QĐ-ĐHAG`,
# `Số: 08 7CTUBND` (the slash read as a 7): the label, the digits, then the code (a capital, after at most a slash
# or a 7 or 1 standing for it; after a real slash in either case, `Số: 513 /syt-nvD`, or after a normative
# symbol's year, `Số: 3/2025/QĐ-UBND`). `s.6msmm` or `SỐ: UQ4/KH` give no number: what follows the label is not
# clean.
_LINE_NUMBER = re.compile(r"^\W{0,3}(?i:s[oóốồổỗộ0ô6]?)\W{0,2}?[ \t]*[:;.]?[ \t]*(\d{1,5}[a-z]?)[ \t]*"
                          r"(?:[/⁄∕|][ \t]*(?:(?:19|20)\d\d[ \t]*/[ \t]*)?[A-Za-zĐđ]|[71lI-]?[ \t]*[A-ZĐ])")


def line_number(reading: str) -> str | None:
    """The number a line reader read on the header's `Số: … /CODE` line, when the line reads cleanly, else None."""
    found = _LINE_NUMBER.match(reading.strip())
    return found.group(1) if found else None


# … and of the place-and-date line: `Kiên Giang, ngày 28 tháng 8 năm 2017`, `ngày20 tháng 12` (run together): the
# digits between `ngày` and `tháng`, nothing else there.
_LINE_DAY = re.compile(r"(?<![^\W\d_])(?i:ng[aàáả]y)[ \t]*(\d{1,2})[ \t.,]*(?i:th[aáàăắ]ng)")


# … read with OCR's look-alikes for digits (`ngày O9tháng`, `ngày I9 tháng`, `ngày lO tháng`): no clean day, but a
# day the line says all the same — evidence against another reading, never enough to take one
_LINE_DAY_LOOSE = re.compile(r"(?<![^\W\d_])(?i:ng[aàáả]y)[ \t]*([\dOoIl]{1,2})[ \t.,]*(?i:th[aáàăắ]ng)")


def line_day(reading: str, lookalikes: bool = False) -> int | None:
    """The day a line reader read on the place-and-date line, when it reads cleanly and is a day, else None; with
    `lookalikes`, also a day written with OCR's letters for digits (`O9` → 9, `I9` → 19) holding one real digit."""
    found = (_LINE_DAY_LOOSE if lookalikes else _LINE_DAY).search(reading)
    if not found or not re.search(r"\d", found.group(1)):
        return None
    day = int(found.group(1).translate(_DIGIT_LOOKALIKES))
    return day if 1 <= day <= 31 else None


_DIGIT_LOOKALIKES = str.maketrans("OoIl", "0011")

# … and the month: `tháng 08 năm 2017`, `tháng01 năm` (run together): the digits between `tháng` and `năm`
_LINE_MONTH = re.compile(r"(?<![^\W\d_])(?i:th[aáàăắ]ng)[ \t]*(\d{1,2})[ \t.,]*(?i:n[aăắ]m)(?![^\W\d_])")


def line_month(reading: str) -> int | None:
    """The month a line reader read on the place-and-date line (`Kiên Giang, ngày 03 tháng 08 năm 2017` → 8), when
    it reads cleanly and is a month, else None (`thánga/ năm`, `tháng 13 năm`)."""
    found = _LINE_MONTH.search(reading)
    month = int(found.group(1)) if found else 0
    return month if 1 <= month <= 12 else None
