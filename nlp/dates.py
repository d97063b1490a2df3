"""Dates as Vietnamese letters print them: `ngày 22/12/2024`, `ngày 22 tháng 12 năm 2024`, `ngày 03-4-2025`,
`21.3.18` (stamps), and the same through OCR garble (`ngay 04thang 3 nam 2026`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .doctypes import fuzzy_pattern
from .text import fold_lower


@dataclass(frozen=True)
class DateMatch:
    date: dt.date | None  # None when day or month is missing (handwritten blanks)
    year: int | None
    month: int | None
    span: tuple[int, int]  # into the text given

    @property
    def iso(self) -> str | None:
        return self.date.isoformat() if self.date else None

    @property
    def partial(self) -> str | None:
        """`2025-02` when only month and year were printed; `2025` for the year alone."""
        if self.year and self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}" if self.year else None


# "ngày" as OCR prints it (ngay, ngdy, ngéy, ngiy, nga y): a date must follow, which keeps this loose form safe.
_NGAY = r"(?:" + fuzzy_pattern("ngày") + r"|ng[a-z@]{0,2}y|ng[a-z@]?(?=\s*\d{1,2}\s*[/.-]))"
_THANG = r"(?:" + fuzzy_pattern("tháng") + r"|th\w{2,3}g)"
# "tháng" whose t the pen's digits ran into (`ngàyO(hángQ1 năm 2022`: the t read as a bracket): only between a
# "ngày" and a "năm YYYY" a few characters away, in the header's place-and-date line and its blanks
THANG_T_LOST = r"(?:" + _THANG + r"|(?<![a-z])hang)"
_NAM = r"(?:" + fuzzy_pattern("năm") + r"|n\w{1,2}m)"
# a day or a month: one or two digits, or a digit beside the I or l OCR prints for 1 ("ngày I8 tháng 9")
_DM = r"(?:[il]\d|\d[il](?![a-z])|\d{1,2})"
_NUMERIC = rf"(?P<d>{_DM})\s*(?P<sep>[/.\-])\s*(?P<m>{_DM})\s*(?P=sep)\s*(?P<y>(?:19|20)\d{{2}})(?!\d)"
_WORDS = (
    rf"(?P<wd>{_DM})?\s*" + _THANG + rf"\s*(?P<wm>{_DM})?\s*" + _NAM + r"\s*(?P<wy>(?:19|20)\d{2})(?!\d)"
)
_ONES = str.maketrans("il", "11")

# "ngày 166/2022": OCR lost the separator between day and month (16/6/2022); read only when a single split gives
# a valid day and month.
_SQUASHED = r"(?P<dm>\d{3,4})\s*[/.\-]\s*(?P<sy>(?:19|20)\d{2})(?!\d)"
# "ngày 22/12/2024" / "ngày 22 tháng 12 năm 2024": the word "ngày" is required before a numeric date, so that
# a bare "10/10/2025" inside a table or a symbol is not taken for the date of a reference.
DATE_AFTER_NGAY = re.compile(r"(?<![a-z])" + _NGAY + r"\s*[:.,]?\s*(?:" + _NUMERIC + "|" + _WORDS + "|" + _SQUASHED
                             + ")")
# Stand-alone date (in a header line "Quảng Ngãi, ngày ...", or a stamp "Ngày: 21.3.18").
ANY_DATE = re.compile(r"(?<![\d/])(?:" + _NUMERIC + "|" + _WORDS + ")")


def _make(y: int | None, m: int | None, d: int | None, span: tuple[int, int]) -> DateMatch | None:
    if y is None or not 1900 <= y <= 2100:
        return None
    if m is not None and not 1 <= m <= 12:
        return None
    date = None
    if m is not None and d is not None:
        try:
            date = dt.date(y, m, d)
        except ValueError:
            return None
    return DateMatch(date=date, year=y, month=m, span=span)


def _from_match(match: re.Match[str], offset: int = 0) -> DateMatch | None:
    span = (match.start() + offset, match.end() + offset)
    g = match.groupdict()
    if g.get("dm"):
        digits, year = g["dm"], int(g["sy"])
        splits = [(int(digits[:k]), int(digits[k:])) for k in (1, 2) if len(digits) - k in (1, 2)]
        valid = [found for d, m in splits if (found := _make(year, m, d, span)) is not None and found.date]
        return valid[0] if len(valid) == 1 else None
    if g.get("y"):
        return _make(int(g["y"]), _int(g["m"]), _int(g["d"]), span)
    return _make(int(g["wy"]), _int(g.get("wm")), _int(g.get("wd")), span)


def _int(digits: str | None) -> int | None:
    return int(digits.translate(_ONES)) if digits else None


_CUNG = re.compile(r"[ \t\n,;:(]*(?:c\w{1,3}g[ \t\n]+)?\Z")  # "406/QĐ-UBND và số 407/QĐ-UBND cùng ngày 13/12/2024"


# Between a document's number and its date, the verb of its making: "lập ngày", "ký ngày", "được ban hành ngày".
_SIGNED = re.compile(r"[ \t\n,;:(]*(?:duoc[ \t\n]+)?(?:lap|ky|ban[ \t\n]+hanh|phe[ \t\n]+duyet|thong[ \t\n]+qua)"
                     r"[ \t\n]+")


# "Biên bản số 09/BB-VPHC do ông …, Cán bộ Phòng …, Công an tỉnh … lập ngày 22/01/2025": who made it, then the
# verb of its making and the date; the clause stays inside the sentence (no ";", no other symbol)
_MADE_BY = re.compile(r"[ \t\n,]*do[ \t\n]+[^;:./()]{3,200}?[ \t\n](?:lap|ky|ban[ \t\n]+hanh)[ \t\n]+(?=ng)")


def date_at(folded: str, pos: int, *, max_gap: int = 6, text: str | None = None) -> DateMatch | None:
    """The `ngày ...` (or `cùng ngày ...`) date that starts within `max_gap` characters of `pos` in folded
    lower-case text, or after the clause of who made the document (`do … lập ngày`). With the text itself
    (`text`, the same length): also after a full stop OCR read for a comma, when `ngày` goes on in lower case."""
    made = _MADE_BY.match(folded, pos)
    if made:
        found = DATE_AFTER_NGAY.match(folded, made.end())
        if found and (date := _from_match(found)) and date.date:
            return date
    window = folded[pos : pos + max_gap + 86]
    match = DATE_AFTER_NGAY.search(window)
    if match is None:
        return None
    gap = window[: match.start()]
    if text is not None and gap.strip(" \t\n") == "." and text[pos + match.start()].islower():
        gap = gap.replace(".", ",")  # "60/CP. ngày 05/7/1994": no sentence ends before a lower-case word
    signed = _SIGNED.fullmatch(gap) is not None  # "số 01/2019/GUQ-SAVN lập ngày 01 tháng 05 năm 2019"
    if match.start() > max_gap + 5 and not signed:
        return None
    # a stray quote mark between them is OCR's speck (`71/2023/NĐ-CP "ngày 20 tháng 9 năm 2023`)
    if gap.strip(" \t\n,;:(\"“”") != "" and not (_CUNG.fullmatch(gap) and "c" in gap) and not signed:
        return None
    if gap.strip(" \t\n,;:(\"“”") == "" and match.start() > max_gap:
        return None
    found = _from_match(match, pos)
    return found if found and found.date else None


_LEAD = re.compile(r"[ \t\n\-+•*]*")  # a list's dash or bullet before a sentence


def date_opening(folded: str, pos: int) -> DateMatch | None:
    """The complete `ngày ...` date that folded text opens with at `pos` (after a list's dash or bullet)."""
    found = DATE_AFTER_NGAY.match(folded, _LEAD.match(folded, pos).end())
    date = _from_match(found) if found else None
    return date if date and date.date else None


def find_dates(text: str) -> list[DateMatch]:
    """Every `ngày ...` date in a text (complete or partial), in order."""
    folded = fold_lower(text)
    out = []
    for match in DATE_AFTER_NGAY.finditer(folded):
        found = _from_match(match)
        if found:
            out.append(found)
    return out


def parse_date(text: str) -> DateMatch | None:
    """The first date in a short string, with or without `ngày` (`22/12/2024`, `ngày 4 tháng 3 năm 2026`)."""
    folded = fold_lower(text)
    match = DATE_AFTER_NGAY.search(folded) or ANY_DATE.search(folded)
    return _from_match(match) if match else None
