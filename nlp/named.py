"""Documents cited by name only: `Đề án 06`, `Luật Tố tụng hành chính năm 2015`, `Chương trình Chuyển đổi số quốc
gia`, `Phong trào “Bình dân học vụ số”`. They are kept as named mentions with their title (and the bare number,
year or date the text gives), never turned into a symbol.

A law's name may hold words that end other names (`Luật Phòng, chống tham nhũng`, `Luật Xuất cảnh, nhập cảnh của
công dân Việt Nam`, `Luật Tương trợ tư pháp về dân sự`): a title is read past them only as far as the table of
laws (`nlp/data/laws.tsv`) has a name that long. An amending law is one title however many laws it lists (`Luật sửa
đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương`). The date that follows
(`ngày 19 tháng 6 năm 2015`, `ngày 18/01/2024`) is the law's date; `nlp.laws.resolve` turns title and date into
the law's number."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from .dates import date_at
from .doctypes import fuzzy_first_letters, fuzzy_pattern
from .laws import laws, match_key
from .references import Mention, NamedMention
from .text import fold_lower

_KINDS = ("Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh", "Đề án", "Chương trình", "Dự án", "Phong trào", "Nghị quyết", "Kế hoạch",
          "Chỉ thị", "Quyết định", "Kết luận")
_TITLED = {"Bộ luật", "Luật", "Pháp lệnh", "Chương trình", "Đề án", "Dự án", "Phong trào"}
_LAWS = ("Bộ luật", "Luật", "Pháp lệnh", "Hiến pháp")
_STOP = re.compile(
    r"(?<![a-z])(?:(?:nam|so|ngay)(?=[ \t]*\d)|cua|va|da|duoc|quy dinh|theo|tai|tren|trong|den|thi|la|co|nay|ve"
    r"|ban hanh|phe duyet|huong dan|sua doi)(?![a-z])|[,;.:()\n“”\"]"
)
# Where a law's title can never run on, however long the table's names: punctuation that ends a clause.
_HARD_STOP = re.compile(r"[;.:()“”\"]|\n[ \t]*\n|(?<![a-z])(?:(?:nam|so|ngay)(?=[ \t]*\d))")


# Between the words of a name: spaces, or the end of a line (a scan breaks "Luật" / "sửa đổi, bổ sung ..." there).
_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    alts = "|".join(f"(?P<k{i}>{fuzzy_pattern(k)})" for i, k in enumerate(_KINDS))
    # (the look-ahead for a first letter lets `re` skip the other positions fast: a third of this scan's time)
    return re.compile(rf"(?={fuzzy_first_letters(_KINDS)})(?<![a-z])(?:{alts}){_GAP}")


@lru_cache(maxsize=1)
def _law_kind() -> re.Pattern[str]:
    """A law's kind word opening a name in a list (`…, Luật Đầu tư và Luật Đấu thầu`)."""
    alts = "|".join(f"(?P<k{i}>{fuzzy_pattern(k)})" for i, k in enumerate(_LAWS))
    return re.compile(rf"(?:{alts}){_GAP}")


_OCR_T = re.compile(r"1(?=[^\W\d_]{1,3}[ \t])")
_QUOTED = re.compile(r"[“\"]([^”\"\n]{3,200})[”\"]")
_NUMBER = re.compile(r"(\d{1,3})(?![\d/.,-])(?![ \t]*[-/])")
_YEAR = re.compile(r"[ \t]*(?:nam|n\w{1,2}m)[ \t]+((?:19|20)\d\d)(?!\d)")
_LAW_YEAR = re.compile(r"(?<![\w/.-])(?:19|20)\d\d(?![\w/.-])")
_BARE_YEAR = re.compile(r"[ \t]+((?:19|20)\d\d)$")  # "Bộ luật Hình sự 2015"
_AMENDING = re.compile(
    "(?:" + fuzzy_pattern("sửa đổi") + r")(?:[ \t]*,?[ \t]*(?:" + fuzzy_pattern("bổ sung") + "))?"
    rf"(?:{_GAP}(?:" + fuzzy_pattern("một số điều") + "|" + fuzzy_pattern("một số nội dung") + "))?"
    rf"(?:{_GAP}(?:" + fuzzy_pattern("của") + f")){_GAP}"
)
_SEVERAL_LAWS = re.compile(r"(?:\d{1,3}|cac)[ \t]+(?:luat|bo luat|phap lenh)(?![a-z])")
_LIST_GLUE = re.compile(r"[ \t]*(?:,[ \t]*|[ \t]+va[ \t]+)")
_CONSTITUTION = re.compile(
    r"nu\w{1,2}c[ \t\n]+c\w{2,3}[ \t\n]+h\w{1,2}a[ \t\n]+x\w[ \t\n]+h\w{1,2}i[ \t\n]+ch\w{1,2}[ \t\n]+"
    r"ngh\w{1,2}a[ \t\n]+vi\w{1,2}t[ \t\n]+nam|nuoc[ \t]+chxhcn[ \t]+viet[ \t]+nam"
)


@lru_cache(maxsize=1)
def _law_names() -> tuple[frozenset[str], frozenset[str]]:
    """(match keys of the table's names, every word-prefix of them)."""
    names = set()
    prefixes = set()
    for law in laws():
        for key in {match_key(law.name), match_key(re.sub(r"\s+số\s+\S+", "", law.name))}:
            names.add(key)
            words = key.split()
            prefixes.update(" ".join(words[:i]) for i in range(1, len(words) + 1))
    return frozenset(names), frozenset(prefixes)


def _run_on(text: str, folded: str, start: int, end: int) -> int:
    """The end of the longest name in the table of laws that `text[start:end]` opens (`Luật Phòng` → `Luật Phòng,
    chống tham nhũng`); `end` when there is none."""
    names, prefixes = _law_names()
    best, pos = end, end
    for _ in range(12):
        if pos >= len(text) or _HARD_STOP.match(folded, pos):
            break
        stop = _STOP.search(folded, pos + 1)
        nxt = stop.start() if stop else len(text)
        hard = _HARD_STOP.search(folded, pos, nxt)
        if hard:
            nxt = hard.start()
        if nxt <= pos:
            break
        candidate = start + len(text[start:nxt].rstrip(" \t\n,"))
        key = match_key(text[start:candidate])
        if key in names:
            best = max(best, candidate)
        if key not in prefixes:
            break
        pos = nxt
    return best


# Words that fold like a stop word but, spelt with their own diacritics, are words of a name: "đô thị" is not "thì",
# "bảo vệ" not "về", "tài sản" not "tại", "cơ sở" not "có", "thuốc lá" not "là", "cây trồng" not "trong".
_NOT_STOPS = {"thị", "thí", "vệ", "vẽ", "vé", "cơ", "cổ", "cỏ", "cờ", "lá", "lạ", "tài", "tải", "tái", "trồng", "trọng",
              "đền", "đèn", "đa", "đá", "dạ"}


def _first_stop(text: str, folded: str, pos: int) -> int | None:
    """Where the first stop word or mark at or after `pos` begins (`_STOP`, but for `_NOT_STOPS`)."""
    for stop in _STOP.finditer(folded, pos):
        if text[stop.start() : stop.end()].lower() not in _NOT_STOPS:
            return stop.start()
    return None


def _plain_title_end(text: str, folded: str, pos: int, cap: int = 10, law: bool = False) -> int | None:
    """End of a title that opens at `pos` (after the kind word): up to the first stop word, at most `cap` words; a
    law's title ends at a year (`Luật Doanh nghiệp 2014 quy định` → `Luật Doanh nghiệp 2014`)."""
    stop = _first_stop(text, folded, pos + 1)
    end = stop if stop is not None else len(text)
    if law:
        year = _LAW_YEAR.search(folded, pos, end)
        if year:
            end = year.end()
    words = text[pos:end].split()[:cap]
    if not words:
        return None
    return pos + len(" ".join(text[pos:end].split()[: len(words)]))


def _amending_title_end(text: str, folded: str, title_start: int, pos: int, taken: list[tuple[int, int]],
                        taken_starts: list[int]) -> int | None:
    """End of `sửa đổi, bổ sung một số điều của Luật A, Luật B và Luật C` opening at `pos`; None if no law follows."""
    opening = _AMENDING.match(folded, pos)
    if opening is None:
        return None
    pos, end = opening.end(), None
    several = _SEVERAL_LAWS.match(folded, pos)
    if several:  # "… của 37 luật có liên quan đến quy hoạch": as long as the table has such a name
        run_on = _run_on(text, folded, title_start, several.end())
        return run_on if run_on > several.end() else None
    while True:
        kind = _law_kind().match(folded, pos)
        if kind is None or not text[pos : pos + 1].isupper():
            break
        if _inside(pos, taken, taken_starts):  # a numbered law of the list, its name read with its number
            end = taken[bisect.bisect_right(taken_starts, pos) - 1][1]
            glue = _LIST_GLUE.match(folded, end)
            if glue is None or _law_kind().match(folded, glue.end()) is None:
                break
            pos = glue.end()
            continue
        name_end = _plain_title_end(text, folded, kind.end(), cap=16, law=True)
        if name_end is None:
            break
        name_end = _run_on(text, folded, pos, name_end)
        end = name_end
        number = _number_after(folded, name_end, taken, taken_starts)
        if number is not None:  # "của Luật Đất đai số 31/2024/QH15, Luật Nhà ở số 27/2023/QH15 và ...": read over it
            end = number
        elif _inside(end - 1, taken, taken_starts):  # the name ran on into its own number ("... số\n32/2024/QH15")
            end = taken[bisect.bisect_right(taken_starts, end - 1) - 1][1]
        glue = _LIST_GLUE.match(folded, end)
        if glue is None or _law_kind().match(folded, glue.end()) is None:
            break
        pos = glue.end()
    return end


def _number_after(folded: str, pos: int, taken: list[tuple[int, int]], taken_starts: list[int]) -> int | None:
    """The end of the numbered reference right after a law's name (`số 31/2024/QH15`), if one follows."""
    j = bisect.bisect_left(taken_starts, pos)
    if j < len(taken) and re.fullmatch(r"[ \t\n]*(?:s\w{0,2}[ \t\n]*)?", folded[pos : taken[j][0]]):
        return taken[j][1]
    return None


def _without_numbers(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> str:
    """text[start:end] without the numbered references inside it (and the `số` before each): a list's names."""
    pieces, cursor = [], start
    for a, b in taken:
        if b <= start or a >= end:
            continue
        pieces.append(re.sub(r"[ \t\n]+s\w{0,2}[ \t\n]*$", "", text[cursor:a]))
        cursor = b
    pieces.append(text[cursor:end])
    return " ".join("".join(pieces).split())


def _inside(pos: int, taken: list[tuple[int, int]], taken_starts: list[int]) -> bool:
    i = bisect.bisect_right(taken_starts, pos) - 1
    return i >= 0 and taken[i][0] <= pos < taken[i][1]


def find_named(text: str, mentions: list[Mention]) -> list[NamedMention]:
    folded = fold_lower(text)
    taken = sorted((m.span[0], m.symbol_span[1]) for m in mentions)
    taken_starts = [a for a, _ in taken]
    numbers = sorted(m.symbol_span for m in mentions)  # the số/ký hiệu alone, to leave out of a list's title
    out: list[NamedMention] = []
    consumed = 0  # the end of the last law's title: the laws an amending law lists are part of its title
    for match in _pattern().finditer(folded):
        kind = _KINDS[int((match.lastgroup or "k0")[1:])]
        start, pos = match.start(), match.end()
        if start < consumed or _inside(start, taken, taken_starts):
            continue
        title = number = None
        year = None
        end = pos
        quoted = _QUOTED.match(text, pos)
        law = kind in _LAWS and text[start : start + 1].isupper()
        ocr_t = law and _OCR_T.match(text, pos) is not None  # "Luật 1ô chức": OCR's 1 for T
        number_match = None if ocr_t else _NUMBER.match(folded, pos)
        if quoted:
            title, end = " ".join(quoted.group(1).split()), quoted.end()
        elif number_match:
            number, end = number_match.group(1), number_match.end()
            title = f"{kind} {number}"
        elif _YEAR.match(folded, pos - 1):  # "Hiến pháp năm 2013", "Luật Đất đai năm 2024" handled below
            title, end = kind, pos - 1
        elif kind == "Hiến pháp" and law and _CONSTITUTION.match(folded, pos):
            end = _CONSTITUTION.match(folded, pos).end()
            title = f"{kind} {' '.join(text[pos:end].split())}"
        elif law and (amending_end := _amending_title_end(text, folded, start, pos, taken, taken_starts)):
            # "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương"
            end = amending_end
            title = f"{kind} {_without_numbers(text, pos, end, numbers)}"
        elif kind in _TITLED and (text[pos : pos + 1].isupper() or ocr_t) and text[start : start + 1].isupper():
            # "Luật Đất đai" names a law; "pháp luật Khoa học" does not
            end = _plain_title_end(text, folded, pos, law=kind in _LAWS)
            if end is None:
                continue
            if kind in _LAWS:
                end = _run_on(text, folded, start, end)
            j = bisect.bisect_right(taken_starts, pos)
            if j < len(taken) and taken[j][0] < end:
                continue  # "Luật Các tổ chức tín dụng số 32/2024/QH15": the name of a numbered reference
            title = f"{kind} {' '.join(text[pos:end].split())}"
        else:
            continue
        year_match = _YEAR.match(folded, end)
        bare_year = _BARE_YEAR.search(title) if law and not year_match else None
        if year_match:
            year, end = int(year_match.group(1)), year_match.end()
        elif bare_year and bare_year.end() == len(title):  # "Bộ luật Hình sự 2015": the year is not the name
            year, title = int(bare_year.group(1)), title[: bare_year.start()]
        # "Luật Đất đai số 31/2024/QH15": the numbered reference that follows is the citation, not a name.
        if _number_after(folded, end, taken, taken_starts) is not None:
            continue
        date = None
        if kind in _LAWS:
            found = date_at(folded, end, max_gap=3)
            if found is not None:
                date, end = found.iso, found.span[1]
            consumed = end
        out.append(NamedMention(type=kind, title=title, text=text[start:end], span=(start, end), number=number,
                                year=year, date=date))
    return _dedupe(out)


def _dedupe(named: list[NamedMention]) -> list[NamedMention]:
    """One entry per name (the first mention), however often the letter repeats it; but a law cited again with
    another date or year is another law (`Luật Đất đai năm 2013` and `Luật Đất đai ngày 18/01/2024`)."""
    seen: dict[str, set[tuple[str | None, int | None]]] = {}
    out = []
    for n in named:
        key = fold_lower(" ".join(n.title.split()))
        when = (n.date, n.year)
        if key in seen and (when == (None, None) or when in seen[key]):
            continue
        seen.setdefault(key, set()).add(when)
        out.append(n)
    return out
