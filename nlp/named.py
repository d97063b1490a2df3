"""Documents cited by name only: `Đề án 06`, `Luật Tố tụng hành chính năm 2015`, `Chương trình Chuyển đổi số quốc
gia`, `Phong trào “Bình dân học vụ số”`. They are kept as named mentions with their title (and the bare number or
year the text gives), never turned into a symbol."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from .doctypes import fuzzy_pattern
from .references import Mention, NamedMention
from .text import fold_lower

_KINDS = ("Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh", "Đề án", "Chương trình", "Dự án", "Phong trào", "Nghị quyết", "Kế hoạch",
          "Chỉ thị", "Quyết định", "Kết luận")
_TITLED = {"Bộ luật", "Luật", "Pháp lệnh", "Chương trình", "Đề án", "Dự án", "Phong trào"}
_STOP = re.compile(
    r"(?<![a-z])(?:(?:nam|so|ngay)(?=[ \t]*\d)|cua|va|da|duoc|quy dinh|theo|tai|tren|trong|den|thi|la|co|nay|ve"
    r"|ban hanh|phe duyet|huong dan|sua doi)(?![a-z])|[,;.:()\n“”\"]"
)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    alts = "|".join(f"(?P<k{i}>{fuzzy_pattern(k)})" for i, k in enumerate(_KINDS))
    return re.compile(rf"(?<![a-z])(?:{alts})[ \t]+")


_QUOTED = re.compile(r"[“\"]([^”\"\n]{3,200})[”\"]")
_NUMBER = re.compile(r"(\d{1,3})(?![\d/.,-])(?![ \t]*[-/])")
_YEAR = re.compile(r"[ \t]*(?:nam|n\w{1,2}m)[ \t]+((?:19|20)\d\d)(?!\d)")


def find_named(text: str, mentions: list[Mention]) -> list[NamedMention]:
    folded = fold_lower(text)
    taken = sorted((m.span[0], m.symbol_span[1]) for m in mentions)
    taken_starts = [a for a, _ in taken]
    out: list[NamedMention] = []
    for match in _pattern().finditer(folded):
        kind = _KINDS[int((match.lastgroup or "k0")[1:])]
        start, pos = match.start(), match.end()
        i = bisect.bisect_right(taken_starts, start) - 1
        if i >= 0 and taken[i][0] <= start < taken[i][1]:
            continue
        title = number = None
        year = None
        end = pos
        quoted = _QUOTED.match(text, pos)
        number_match = _NUMBER.match(folded, pos)
        if quoted:
            title, end = " ".join(quoted.group(1).split()), quoted.end()
        elif number_match:
            number, end = number_match.group(1), number_match.end()
            title = f"{kind} {number}"
        elif _YEAR.match(folded, pos - 1):  # "Hiến pháp năm 2013", "Luật Đất đai năm 2024" handled below
            title, end = kind, pos - 1
        elif kind in _TITLED and text[pos : pos + 1].isupper() and text[start : start + 1].isupper():
            # "Luật Đất đai" names a law; "pháp luật Khoa học" does not
            stop = _STOP.search(folded, pos + 1)
            end = stop.start() if stop else len(text)
            words = text[pos:end].split()[:10]
            if not words:
                continue
            end = pos + len(" ".join(text[pos:end].split()[: len(words)]))
            title = f"{kind} {' '.join(words)}"
        else:
            continue
        year_match = _YEAR.match(folded, end)
        if year_match:
            year, end = int(year_match.group(1)), year_match.end()
        # "Luật Đất đai số 31/2024/QH15": the numbered reference that follows is the citation, not a name.
        j = bisect.bisect_left(taken_starts, end)
        if j < len(taken) and re.fullmatch(r"[ \t\n]*(?:s\w{0,2}[ \t]*)?", folded[end : taken[j][0]]):
            continue
        out.append(NamedMention(type=kind, title=title, text=text[start:end], span=(start, end), number=number,
                                year=year))
    return _dedupe(out)


def _dedupe(named: list[NamedMention]) -> list[NamedMention]:
    """One entry per name (the first mention), however often the letter repeats it."""
    seen: set[str] = set()
    out = []
    for n in named:
        key = fold_lower(" ".join(n.title.split()))
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out
