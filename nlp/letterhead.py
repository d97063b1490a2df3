"""The issuing body and its parent from a letter's letterhead: the capitalised lines above its `Số:` line.

The lowest body named is the issuer, the one above it its parent; a line of a level and a place qualifies the body
above it, and a line that goes on with a body's name (a long name printed on two lines) belongs to it:

    ỦY BAN NHÂN DÂN / TỈNH PHÚ THỌ                      → Ủy ban nhân dân tỉnh Phú Thọ
    UBND TỈNH QUẢNG NGÃI / SỞ NỘI VỤ                    → Sở Nội vụ tỉnh Quảng Ngãi (parent: the Ủy ban)
    UBND TỈNH AN GIANG / TRƯỜNG ĐẠI HỌC AN GIANG        → Trường Đại học An Giang (parent: the Ủy ban)
    BỘ CÔNG THƯƠNG / TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG / THÀNH PHỐ HỒ CHÍ MINH
                                                        → Trường Đại học Công Thương thành phố Hồ Chí Minh
    TRƯỜNG ĐẠI HỌC CÔNG NGHỆ THÔNG TIN / VÀ TRUYỀN THÔNG VIỆT - HÀN / PHÒNG ĐÀO TẠO
                                                        → Phòng Đào tạo Trường Đại học Công Nghệ Thông Tin và …

Bodies the issuer table knows are named as it names them (garble forgiven); a body it does not know — a school,
a hospital, a company, an association, a unit of a ministry — is named as the letterhead prints it, when the line
opens with the word of its kind (`TRƯỜNG`, `BỆNH VIỆN`, `CÔNG TY`, `HỘI`, `PHÒNG` …): the text gives it, so it is
given; nothing else is guessed.
"""

from __future__ import annotations

import re

from .references import match_province, resolve_issuer
from .refs.context import issuer_words
from .text import fold_lower

MOTTO = re.compile(
    r"cong\s+h[o0]a\s+xa\s+h[o0]i\s+chu\s+ngh[i1]a\s+viet\s+nam|d[o0]c\s+lap\s*-\s*tu\s+do\s*-\s*hanh\s+phuc"
    r"|dang\s+cong\s+san\s+viet\s+nam"
)
_LEVEL_LINE = re.compile(r"[ \t]*(?:tinh|thanh pho|tp\.?|huyen|quan|thi xa|xa|phuong|dac khu|thi tran)\s+\S")
_LEVEL_WORDS = {"tinh": "tỉnh", "thanh pho": "thành phố", "huyen": "huyện", "quan": "quận", "thi xa": "thị xã",
                "xa": "xã", "phuong": "phường", "dac khu": "đặc khu", "thi tran": "thị trấn"}
# The words a body's name opens with (folded) → as they are written in running text. Those of PRINTED_FIRST name a
# body the issuer table cannot hold (there are thousands of schools and hospitals) and whose words a fuzzy match
# would take for another's (`TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG` is no Bộ Công Thương); the others are looked up first.
KINDS = {
    "truong dai hoc": "Trường Đại học", "truong dh": "Trường Đại học", "truong cao dang": "Trường Cao đẳng",
    "truong trung cap": "Trường Trung cấp", "truong trung hoc pho thong": "Trường Trung học phổ thông",
    "truong trung hoc co so": "Trường Trung học cơ sở", "truong tieu hoc": "Trường Tiểu học",
    "truong mam non": "Trường Mầm non", "truong": "Trường", "dai hoc": "Đại học", "hoc vien": "Học viện",
    "benh vien": "Bệnh viện", "trung tam": "Trung tâm", "tong cong ty": "Tổng công ty", "cong ty": "Công ty",
    "ngan hang": "Ngân hàng", "tap doan": "Tập đoàn", "hop tac xa": "Hợp tác xã",
    "lien doan lao dong": "Liên đoàn Lao động", "cong doan": "Công đoàn",
    "hoi": "Hội", "vien": "Viện", "phong": "Phòng", "khoa": "Khoa",
    "cuc": "Cục", "chi cuc": "Chi cục", "tong cuc": "Tổng cục", "vu": "Vụ", "ban": "Ban", "doan": "Đoàn",
}
PRINTED_FIRST = set(KINDS) - {"cuc", "chi cuc", "tong cuc", "vu", "ban", "doan", "lien doan lao dong", "cong doan"}
# a dash between two bodies' names: a joint letter (`LIÊN ĐOÀN LAO ĐỘNG - / SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH`)
_DASH = re.compile(r"\s*[-–]\s*")
_VOWEL = re.compile(r"[aeiouy]")
_GLUED_UBND = re.compile(r"^UBND(?=(?:TỈNH|THÀNH|HUYỆN|QUẬN|XÃ|PHƯỜNG|THỊ)\b)")
_SMALL = {"và", "của", "về", "các", "cho", "với", "thuộc", "trực"}
# units named after their parent: `Văn phòng Ủy ban nhân dân tỉnh …`, `Phòng Đào tạo Trường Đại học …`
_UNIT_OF_PARENT = ("van phong", "thanh tra", "phong ", "khoa ")
# a Party committee's boards are named after it: `Ban Tuyên giáo Tỉnh ủy Quảng Ngãi`, `Ủy ban Kiểm tra Huyện ủy …`
_UNIT_OF_PARTY = ("ban ", "uy ban kiem tra")
_PARTY_COMMITTEE = re.compile(r"(?:tinh|thanh|huyen|quan|thi|dang) uy\b|ban chap hanh")


def letterhead(head: str, symbol_span: tuple[int, int] | None) -> tuple[str | None, str | None]:
    """(issuer, parent body) from the capitalised lines above the số/ký hiệu line of `head` (see the module)."""
    stop = symbol_span[0] if symbol_span else min(len(head), 400)
    lines: list[str] = []
    dashed: set[int] = set()  # lines that end with a dash: the next body's name may be joined to theirs
    for raw in head[:stop].splitlines():
        line = _GLUED_UBND.sub("UBND ", raw.strip(" \t*-_."))  # `UBNDTỈNH PHÚ THỌ`: OCR ran the two together
        motto = MOTTO.search(fold_lower(line))
        if motto:  # the right column read on the same line: keep what is left of it
            line = line[: motto.start()].strip(" \t*-_.")
        if not line or not any(ch.isalpha() for ch in line):
            continue
        letters = [ch for ch in line if ch.isalpha()]
        if sum(ch.isupper() for ch in letters) < 0.8 * len(letters):
            continue
        for k, part in enumerate(parts := _joint_parts(line)):
            if k < len(parts) - 1 or (not motto and raw.rstrip(" \t*_.").endswith(("-", "–"))):
                dashed.add(len(lines))
            lines.append(part)
    bodies: list[str] = []
    scopes: list[str | None] = []
    joined: list[bool] = []  # the body is named jointly with the one before it (a joint letter)
    placed: list[bool] = []  # the body was named as printed by its kind's word: its name says where it is itself
    printed = False  # the last body was named as printed (a following line may go on with its name)

    def add(name: str, scope: str | None, joint: bool, by_kind: bool = False) -> None:
        bodies.append(name)
        scopes.append(scope)
        joined.append(joint)
        placed.append(by_kind)

    for i, line in enumerate(lines):
        folded = fold_lower(line)
        kind = _kind(folded)
        joint = bool(bodies) and i - 1 in dashed and (kind is not None or resolve_issuer(line)[0] is not None)
        if bodies and not joint and _LEVEL_LINE.match(folded):
            # "ỦY BAN NHÂN DÂN" / "PHƯỜNG CẨM THÀNH": the line qualifies the body above it (never a body itself:
            # `TỈNH PHÚ THỌ` is no `Chính phủ`)
            merged, merged_scope = (None, None) if printed else resolve_issuer(f"{lines[i - 1]} {line}")
            if merged and merged != bodies[-1]:
                bodies[-1], scopes[-1] = merged, merged_scope
            else:
                bodies[-1] = f"{bodies[-1]} {_level_phrase(line)}"
            continue
        resolved, scope, left = (None, None, []) if kind in PRINTED_FIRST else issuer_words(line)
        left = _own_column(left)
        if resolved and any(sum(ch.isalpha() for ch in word) >= 2 for word in left):
            # the table knows the body's kind, the rest of the line names it (`HUYỆN ỦY SƠN TỊNH`, `ĐẢNG ỦY CÔNG AN
            # TỈNH`, `BAN QUẢN LÝ DỰ ÁN`; a following line may go on with its name); after a body complete with its
            # place, a body of its own is that body (`ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI SỞ NỘI VỤ`)
            rest = " ".join(left)
            if scope and (_kind(fold_lower(rest)) is not None or resolve_issuer(rest)[0] is not None):
                add(resolved, scope, joint)
                line, kind, joint = rest, _kind(fold_lower(rest)), False
                resolved, scope = (None, None) if kind in PRINTED_FIRST else resolve_issuer(rest)
            else:
                add(f"{resolved} {_as_printed(rest, None)}", scope, joint)
                printed = True
                continue
        if resolved:
            add(resolved, scope, joint)
            printed = False
        elif kind is not None:
            add(_as_printed(line, kind), None, joint, by_kind=True)
            printed = True
        elif printed and bodies:  # a long name's second line: `VÀ TRUYỀN THÔNG VIỆT - HÀN`
            bodies[-1] = f"{bodies[-1]} {_as_printed(line, None)}"
    if not bodies:
        return None, None
    if joined[-1]:  # a joint letter: both bodies are its issuer, and the body above them its parent
        scope = scopes[-1] or next((s for s in reversed(scopes[:-2]) if s), None)
        issuer = f"{bodies[-2]} - {bodies[-1]}"
        if scope and not issuer.endswith(scope):
            issuer = f"{issuer} {scope}"
        return issuer, (bodies[-3] if len(bodies) > 2 else None)
    issuer, parent = bodies[-1], (bodies[-2] if len(bodies) > 1 else None)
    if parent:
        # "UBND TỈNH QUẢNG NGÃI" / "SỞ NỘI VỤ" → "Sở Nội vụ tỉnh Quảng Ngãi"; "VĂN PHÒNG" → "Văn phòng Ủy ban ..."
        parent_scope = scopes[-2]
        unit = fold_lower(issuer)
        if unit == "ban quan ly" or unit.startswith(_UNIT_OF_PARENT) or \
                (unit.startswith(_UNIT_OF_PARTY) and _PARTY_COMMITTEE.match(fold_lower(parent))):
            issuer = f"{issuer} {parent}"
        elif parent_scope and not placed[-1] and parent_scope not in issuer:
            # (a body named as printed says where it is itself); `Công an tỉnh` of tỉnh Quảng Ngãi: the level once
            level = parent_scope.split()[0]
            issuer = f"{issuer.removesuffix(' ' + level)} {parent_scope}"
    return issuer, parent


def _own_column(words: list[str]) -> list[str]:
    """The words of a letterhead's line before the other column's (`BỘ THÔNG TIN VÀ TRUYỀN THÔNG _ CỘNG HÒA XÃ
    HỌICHỦ NGHĨA …`, a motto too garbled for MOTTO): up to a bar or an underscore OCR read between the columns, and
    none when what is left opens the motto."""
    kept = []
    for word in words:
        if not word.strip("_|"):
            break
        kept.append(word)
    return [] if fold_lower("".join(kept)).startswith(("conghoa", "doclap")) else kept


def _joint_parts(line: str) -> list[str]:
    """A letterhead line cut where a dash joins two bodies' names (`SỞ Y TẾ -CÔNG ĐOÀN NGÀNH`): the name after the
    dash opens with a body's kind word and the one before names a body too. A dash inside one name stays
    (`KỸ THUẬT - CÔNG NGHỆ CẦN THƠ`, `VIỆT - HÀN`)."""
    for dash in _DASH.finditer(line):
        before, after = line[: dash.start()], line[dash.end() :]
        if before and after and _kind(fold_lower(after)) is not None and \
                (_kind(fold_lower(before)) is not None or resolve_issuer(before)[0] is not None):
            return [before, *_joint_parts(after)]
    return [line]


def _kind(folded: str) -> str | None:
    """The kind word a line opens with (the longest that fits), or None."""
    words = folded.split()
    for kind in sorted(KINDS, key=lambda k: -len(k)):
        n = len(kind.split())
        if words[:n] == kind.split() and (len(words) > n or n > 1):  # `TRƯỜNG ĐẠI HỌC` alone: its name follows
            return kind
    return None


def _as_printed(line: str, kind: str | None) -> str:
    """A body's name in running text: its kind word as written (`Trường Đại học`), the rest of its words with a
    capital (`Công Nghệ Thông Tin`), small words small (`và`, `của`)."""
    words = line.split()
    head: list[str] = []
    if kind is not None:
        n = len(kind.split())
        head, words = [KINDS[kind]], words[n:]
    rest = [w.lower() if w.lower() in _SMALL else w if not _VOWEL.search(fold_lower(w)) else _capitalised(w)
            for w in words]  # (a word with no vowel is an acronym: `TNCS`)
    folded = [fold_lower(w) for w in words]
    for n in (4, 3, 2):  # a province's name at the end, spelt as the province table spells it (`CÀN THƠ`)
        province = match_province(folded[-n:]) if len(words) > n else None
        if province and province[1] == n:
            rest[-n:] = [province[0]]
            break
    return " ".join(head + rest)


def _capitalised(word: str) -> str:
    """`CÔNG` → `Công`, `-CÔNG` → `-Công` (a dash OCR ran into the word keeps the capital on its first letter)."""
    lead = len(word) - len(word.lstrip("-–(\"'“"))
    return word[:lead] + word[lead : lead + 1].upper() + word[lead + 1 :].lower()


def _level_phrase(line: str) -> str:
    """`PHƯỜNG CẨM THÀNH` → `phường Cẩm Thành` (level word lower-cased, the name in title case); a province's
    name as the province table spells it (`THÀNH PHÓ HỎ CHÍ MINH` → `thành phố Hồ Chí Minh`)."""
    words = line.split()
    folded = fold_lower(line).split()
    for level, printed in sorted(_LEVEL_WORDS.items(), key=lambda kv: -len(kv[0])):
        n = len(level.split())
        if folded[:n] == level.split():
            province = match_province(folded[n:]) if printed in {"tỉnh", "thành phố"} else None
            if province and province[1] == len(folded) - n:  # spelt as the province table spells it
                return f"{printed} {province[0]}"
            name = " ".join(w[:1].upper() + w[1:].lower() for w in words[n:])
            return f"{printed} {name}".strip()
    return " ".join(w[:1].upper() + w[1:].lower() for w in words)
