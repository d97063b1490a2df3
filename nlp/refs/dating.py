"""The dates a mention's own words leave out or get wrong, read from the sentence around it: a date said once for
a list, a sentence that opens with the date of the making it tells of, and an amending law's date that is not the
date of the laws it lists."""

from __future__ import annotations

import re
from dataclasses import replace

from ..dates import DATE_AFTER_NGAY, DateMatch, _from_match, date_opening
from .models import Mention

# "Ngày 22/11/2023, Thủ tướng Chính phủ phê duyệt Quy hoạch … tại Quyết định số 1456/QĐ-TTg": a sentence that opens
# with a date and tells of a document's making dates the first document it then cites
_MAKING = re.compile(r"(?<![a-z])(?:ban[ \t\n]+hanh|phe[ \t\n]+duyet|ky|thong[ \t\n]+qua|co)(?![a-z])")
# … unless the document comes in as what the act was based on ("ký hợp đồng … theo Quyết định số …"): older
_BASIS = re.compile(r"(?<![a-z])(?:theo|can[ \t\n]+cu|thuc[ \t\n]+hien|trien[ \t\n]+khai|tren[ \t\n]+co[ \t\n]+so)"
                    r"(?![a-z])")


def opening_dates(mentions: list[Mention], folded: str) -> list[Mention]:
    """An undated citation that a date and a making come right before takes that date: a sentence that opens with
    them (`Ngày 22/11/2023, Thủ tướng Chính phủ phê duyệt … tại Quyết định số 1456/QĐ-TTg`, `Ngày 18/10/2017 Sở Y tế
    ban hành Công văn số 1945/SYT-NVY`), or a clause inside the sentence (`Thực hiện …, ngày 01/7/2025, Bộ Tư pháp đã
    có Công văn số 3917/BTP-BTTP`). Not a date that the
    document came in on as a basis (`ký hợp đồng … theo Quyết định số …`), nor across another citation."""
    out = list(mentions)
    for k, m in enumerate(out):
        start = m.sentence_span[0]
        if m.date:
            continue
        after_previous = max(start, out[k - 1].span[1]) if k else start
        date = date_opening(folded, start) if after_previous == start else None
        if date is None:
            date = _clause_date(folded, after_previous, m.span[0])
        if date is None or date.span[1] > m.span[0] or date.span[0] < after_previous:
            continue
        between = folded[date.span[1] : m.span[0]]
        making = list(_MAKING.finditer(between))
        # the date, a comma, who made it and the making (`ngày 01/7/2025, Bộ Tư pháp đã có Công văn số`); the comma
        # may be left out when the maker follows at once (`Ngày 18/10/2017 Sở Y tế ban hành Công văn số 1945`)
        said = between.lstrip(" \t\n").startswith(",") or (len(between) <= 60 and bool(making))
        if said and making and not DATE_AFTER_NGAY.search(between) and \
                not _BASIS.search(between, making[-1].end()):
            out[k] = replace(m, date=date.iso)
    return out


def _clause_date(folded: str, start: int, end: int) -> DateMatch | None:
    """The last complete `ngày …` date between `start` and `end` that a comma follows (a clause's date), or that
    `end` follows closely (the maker and the making only between them), or None."""
    found = None
    for match in DATE_AFTER_NGAY.finditer(folded, start, end):
        date = _from_match(match)
        if date and date.date and (folded[date.span[1] : date.span[1] + 2].lstrip(" ").startswith(",")
                                   or end - date.span[1] <= 60):
            found = date
    return found


_LIST_GAP = re.compile(r"[ \t\n]*(?:,|;|va|hoac)?[ \t\n]*\Z")


def shared_dates(mentions: list[Mention], folded: str) -> list[Mention]:
    """A date said once for a list is the date of every document of the list:
    - `Quyết định số 406/QĐ-UBND và số 407/QĐ-UBND cùng ngày 13/12/2024` (`cùng ngày`, "the same day");
    - `các Quyết định số: 1743/QĐ-BGTVT, 1744/QĐ-BGTVT ngày 31/12/2024`: bare symbols of one type, only commas or
      `và` between them, the date after the last — but not a symbol whose own year is another
      (`15/2020/NĐ-CP, 14/2022/NĐ-CP ngày 27/01/2022`), nor across a type name said again (`Nghị định số 15/…,
      Nghị định số 14/… ngày …`: each its own)."""
    out = list(mentions)
    for k in range(len(out) - 1, 0, -1):
        m = out[k]
        if not m.date:
            continue
        same_day = "cung" in folded[m.symbol_span[1] : m.span[1]]
        j = k - 1
        while j >= 0 and out[j].date is None and _LIST_GAP.match(_gap(folded, out[j], out[j + 1])):
            if not same_day and not _bare_list_item(out[j], out[j + 1], folded, m.date):
                break
            out[j] = replace(out[j], date=m.date)
            j -= 1
    return out


def _bare_list_item(item: Mention, following: Mention, folded: str, date: str) -> bool:
    """`item` is one of a list that shares the date of its last member: the same type, the following member printed
    bare (no type name of its own, at most `số`), and no year of its own that is not the date's."""
    said = folded[following.span[0] : following.symbol_span[0]].strip(" \t\n:")
    return (item.type_code == following.type_code and said in {"", "so"}
            and (item.year is None or str(item.year) == date[:4]))


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


def amended_laws_undated(mentions: list[Mention], folded: str) -> list[Mention]:
    """The last law listed after `Luật sửa đổi … của` loses the date that follows it: the amending law's own."""
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
