"""Reading a law's name where the corpus prints it: the kind words, the law symbols, and the name before or after a
number (`Luật Đất đai số 31/2024/QH15`, `Luật số 47/2019/QH14 sửa đổi, bổ sung một số điều của Luật …`), cleaned
(`Luật` + ` đất đai năm 2013` → `Luật Đất đai`)."""

from __future__ import annotations

import re
import unicodedata

from ..laws import is_amending

KIND_WORDS = {"hiến pháp": "Hiến pháp", "bộ luật": "Bộ luật", "pháp lệnh": "Pháp lệnh", "luật": "Luật",
              "nghị quyết": "Nghị quyết"}
# A kind word that may open a name: capitalised ("Luật", "Bộ luật", "Bộ Luật") or in capitals ("LUẬT"); never the
# noun "luật sư" (lawyer: "Luật Luật sư").
KIND = r"(?:Hiến pháp|HIẾN PHÁP|Bộ [Ll]uật|BỘ LUẬT|Pháp lệnh|PHÁP LỆNH|Luật(?!\s+sư(?!\w))|LUẬT|Nghị quyết|NGHỊ QUYẾT)"
_KIND_AT = re.compile(r"(?<![\w])" + KIND + r"(?![\w])")
_INNER_KIND = re.compile(r"(?<![\w])(?:Hiến pháp|Bộ [Ll]uật|Pháp lệnh|Luật(?!\s+sư(?!\w)))(?![\w])")
LIST_SPLIT = re.compile(r"(?:,\s*|\s+và\s+)(?=(?:Hiến pháp|Bộ [Ll]uật|Pháp lệnh|Luật)\s)")
_NEW_SYMBOL = r"\d{1,3}/(?:19|20)\d\d/(?:PL-)?(?:UBTVQH|QH)\d{1,2}"
_OLD_SYMBOL = r"\d{1,3}-?L(?:CT)?/(?:CTN|H[ĐD]NN\d{1,2})"
SYMBOL = r"(?:" + _NEW_SYMBOL + "|" + _OLD_SYMBOL + r")(?![\w/-])"
SYMBOL_RE = re.compile(SYMBOL)

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


def kind_word(word: str) -> str:
    """The kind a kind word names, as the table spells it: `Bộ Luật` → Bộ luật, `LUẬT` → Luật."""
    return KIND_WORDS[" ".join(word.lower().split())]


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
    for part in LIST_SPLIT.split(body):
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
        out.append(f"{kind_word(head.group(1))} {core}{number}")
    if not out or len(out) > 12:
        return None
    return ", ".join(out[:-1]) + (" và " if len(out) > 1 else "") + out[-1]


def _inner_of(name: str) -> tuple[str, str] | None:
    """(kind, name) of the single law an amending name closes on (`… của Bộ luật Hình sự` → Bộ luật Hình sự)."""
    if len(LIST_SPLIT.split(name)) != 1:
        return None
    last = re.search(r"\bcủa\s+((Hiến pháp|Bộ luật|Pháp lệnh|Luật)\s+[^,]+)$", name)
    return (last.group(2), last.group(1)) if last else None


def name_before(text: str, end: int) -> list[tuple[str, str, float]]:
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
        kind = kind_word(match.group(0))
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


def name_after(kind: str, text: str, pos: int) -> tuple[str | None, int]:
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
