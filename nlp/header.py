"""The letter's own identity, read from the Nghị định 30/2020 layout (and the Party layout of Hướng dẫn 36):

issuing body (letterhead), `Số: 819/SKHCN-BCVT&CĐS`, `Quảng Ngãi, ngày 04 tháng 3 năm 2026`, the type heading
(`KẾ HOẠCH`) or `V/v ...` subject, `Kính gửi: ...`, and the signature block (`KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC / name`).

Handwritten numbers and days are often lost by OCR (`Số:   /QĐ-UBND`, `ngày   tháng 02 năm 2025`): the number is
then unknown (`?/QĐ-UBND`) and the date partial (`2025-02`), never guessed. A digital-signature time
(`Thời gian ký: 03/02/2025 10:47:25`) is better evidence of the date than a partial header date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from . import doctypes
from .dates import (_NAM, _NGAY, _THANG, DATE_AFTER_NGAY, THANG_T_LOST, DateMatch, _from_match, _make,
                    parse_date)
from .doctypes import fuzzy_pattern
from .letterhead import letterhead
from .symbols import codes
from .references import SYMBOL, _parse_symbol, _Symbol, _system_type, match_province, resolve_issuer
from .text import fold_lower


@dataclass(frozen=True)
class Header:
    symbol: str | None  # "819/SKHCN-BCVT&CĐS"; "?/QĐ-UBND" when the number could not be read
    number: str | None
    type: str | None
    type_code: str | None
    date: str | None  # ISO, or None when the day or month is missing
    date_partial: str | None  # "2025-02" from what was printed
    date_source: str | None  # "header", "signature"
    issuer: str | None  # the body that issued it: "Sở Khoa học và Công nghệ"
    issuer_parent: str | None  # the body above it in the letterhead: "Ủy ban nhân dân tỉnh Quảng Ngãi"
    issuer_code: str | None
    place: str | None
    province: str | None  # the province the letter belongs to (place, letterhead, or the province it names most)
    subject: str | None
    recipients: tuple[str, ...]
    signer_authority: str | None  # "KT. GIÁM ĐỐC"
    signer_title: str | None  # "PHÓ GIÁM ĐỐC"
    signer_name: str | None
    symbol_span: tuple[int, int] | None
    date_span: tuple[int, int] | None
    number_source: str | None = None  # where the number was read: print, handwriting, field, inferred
    number_confidence: float | None = None
    date_confidence: float | None = None
    signed_at: str | None = None  # the digital signature's time, ISO ("2025-02-06T16:02:02")
    published_at: str | None = None  # the Công báo centre's stamp time, ISO with its offset


_HEADER_CHARS = 3000
# "Số: 819/SKHCN-BCVT&CĐS" (state) or "Số 368-KH/TU" (Party) opening a line of the header — or after a run of
# spaces where the two header columns were read onto one line. A "số" inside a sentence is a reference, not this.
_JUNK = r"(?![^\n/]{0,8}?[a-zà-ỹđ]{3})[^\n/]{0,8}?"
# A law or a National Assembly resolution labels its number with its kind: "Luật số: 51/2024/QH15", "Bộ luật số:",
# "Pháp lệnh số:", "Nghị quyết số:", "Lệnh số:" — with the colon, which a citation in the body has not.
_KIND_LABEL = r"(?:(?:B[ộo][ \t]+)?[Ll]u[ậa]t|Ph[áa]p[ \t]+l[ệe]nh|Ngh[ịi][ \t]+quy[ếe]t|L[ệe]nh)[ \t]+"
_SO_LABEL = re.compile(rf"(?:^|\n|[ \t]{{3,}})[ \t*]*(?:{_KIND_LABEL}[sS](?:[^\W\d_]|[06])?[ \t]*:|S(?:[^\W\d_]|[06])?"
                       rf"|5[oO06]?|s[ốôo](?=[ \t]*:))[ \t]*(?:[:.;][ \t]*\n?)?[ \t]*"
                       rf"(?=\d|[ \t]*{_JUNK}[ \t]*/|[^\n]{{1,10}}?[A-ZĐ]{{1,4}}[ \t]*-)")
# A code segment may join several bodies' codes with commas, no space: `154/CTPH-LĐLĐ-SVH,TT,DL` (Sở Văn hóa, Thể
# thao và Du lịch).
_SEGMENT = r"[A-ZĐÐ][A-Za-zĐđ0-9&]*(?:,[A-ZĐÐ][A-Za-zĐđ0-9&]*)*"
_CODES = rf"{_SEGMENT}(?:[ \t]*-[ \t]*{_SEGMENT})*"
_BLANK_NUMBER = re.compile(rf"[ \t]*{_JUNK}[ \t]*(?:/[ \t]*(?P<year>(?:19|20)\d\d)[ \t]*/[ \t]*(?P<nrest>{_CODES})"
                           rf"|/[ \t]*(?P<rest>{_CODES})"
                           rf"|-[ \t]*(?P<ptype>[A-ZĐ][A-Za-zĐ]{{0,3}})[ \t]*/[ \t]*(?P<party>{_CODES})"
                           # the pen's digits ran over the slash: "Số: 4ĐTB-ĐHKTCN" (430/TB-ĐHKTCN)
                           rf"|(?<=[^\s:;.])(?P<lost>[A-ZĐ]{{1,4}}[ \t]*-[ \t]*{_CODES}))")
# The pen's digits read by OCR as junk that holds a slash or runs into the code, the line ending after the code:
# `Số: /#⁄2/UBND- KSTTHC` (4532/UBND-KSTTHC), `Sốz1/%7TB-ĐHVH` (1675/TB-ĐHVH), a photo's `số: (QD-BTTTT`
# (823/QĐ-BTTTT). Tried only when the forms above do not read: the junk holds no run of three small letters.
_GARBLED_NUMBER = re.compile(rf"[ \t]*(?![^\n]{{0,10}}?[a-zà-ỹđ]{{3}})(?P<junk>[^\n]{{0,10}}?)"
                             rf"(?:/[ \t]*(?P<rest>{_CODES})|(?<=[^\s:;.])(?P<lost>[A-ZĐ]{{1,4}}[ \t]*-[ \t]*{_CODES}))"
                             rf"(?=[ \t]*(?:\n|\Z|[ \t]{{3,}}))")
_KINH_GUI = re.compile(r"(?<![a-z])k\w{1,3}h[ \t]+g\w{1,3}[ \t]*:")
_VV = re.compile(r"(?<![a-z])v[ \t]*[/.][ \t]*v(?![a-z])")
# Opening a line of the header (before `Kính gửi`), a word after it: `Vv` printed without its slash, or the slash
# lost to OCR (`Vy phúc khảo …`); an older letter's `Về việc …` printed in full
_VV_LOOSE = re.compile(r"(?:^|\n)[ \t]*v[vy](?=[ \t]+[a-z])")
_VE_VIEC_LINE = re.compile(r"(?:^|\n)[ \t]*(?=ve[ \t]+viec[ \t]+[a-z])")
_SIGN_AUTH = re.compile(r"(?<![A-Za-z])(KT|TM|TL|TUQ|Q)\.[ \t]*([A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ \t]{2,60})")
_SIGNATURE_TIME = re.compile(
    r"th[o0]i\s+gian\s+k[yi]\s*:?\s*(\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2})", re.IGNORECASE
)


_INCOMING = re.compile(r"(?:cv|cong van)\s*den.*?so\s*:?\s*(\d{1,6}).*?ngay\s*:?\s*(\d{1,2}[./-]\d{1,2}[./-]\d{2,4})",
                       re.IGNORECASE | re.DOTALL)


# The place-and-date line with garble where a day or month was written by hand: the year must be printed.
_LOOSE_DATE = re.compile(rf"(?<![a-z]){_NGAY}(?P<d>[^\n]{{0,8}}?){THANG_T_LOST}(?P<m>[^\n]{{0,8}}?){_NAM}[ \t]*"
                         r"(?P<y>(?:19|20)\d{2})(?!\d)")


def _loose_date(match: re.Match[str]) -> DateMatch | None:
    def number(text: str) -> int | None:
        text = text.strip(" \t.,:")
        return int(text) if text.isdigit() and len(text) <= 2 else None

    day, month = number(match.group("d")), number(match.group("m"))
    speck = re.fullmatch(r"[ \t]*([2-9])[^\w\s]?[a-z]?[ \t]*", match.group("m"))
    if month is None and speck and day is not None:  # `ngày 18 tháng 5Š năm`: a digit 2–9 and a speck is that
        # month (no month is 20–99) when the day was printed clean beside it; `tháng 0Š` or `1Š` (08? 10–12?) stays
        # unknown, and so does `ngày ^3⁄4 tháng4{` (the pen's 01, both written by hand)
        month = int(speck.group(1))
    found = _make(int(match.group("y")), month, day, match.span())
    if found is None and day is not None:  # a "day" that is no day of that month: the month alone
        found = _make(int(match.group("y")), month, None, match.span())
    return found


def signature_date(text: str) -> str | None:
    """`Thời gian ký: 03/02/2025 10:47:25` in a digital-signature box → `2025-02-03`."""
    signed = _SIGNATURE_TIME.search(fold_lower(text))
    if not signed:
        return None
    found = parse_date(signed.group(1))
    return found.iso if found and found.date else None


def incoming_stamp(text: str) -> tuple[str | None, str | None]:
    """`CV ĐẾN Số: 2352 Ngày: 21.3.18` → (`2352`, `2018-03-21`): the archive's own registration of a letter."""
    match = _INCOMING.search(fold_lower(text))
    if not match:
        return None, None
    day, month, year = re.split(r"[./-]", match.group(2))
    if len(year) == 2:
        year = "20" + year
    try:
        import datetime as _dt

        date = _dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        date = None
    return match.group(1), date


_STAMP_TIME = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-]((?:19|20)\d{2})[ \t]+(\d{1,2}):(\d{2})(?::(\d{2}))?"
                         r"(?:[ \t\n]*([+-])[ \t]*(\d{1,2}):?(\d{2}))?")


def stamp_time(text: str) -> str | None:
    """The first `06.02.2025 16:43:37 +07:00` / `06/02/2025 16:02:02` of a stamp or signature box, as ISO."""
    for match in _STAMP_TIME.finditer(text or ""):
        day, month, year, hour, minute, second, sign, off_h, off_m = match.groups()
        try:
            import datetime as _dt

            moment = _dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
        except ValueError:
            continue
        iso = moment.isoformat()
        return iso + (f"{sign}{int(off_h):02d}:{off_m}" if sign else "")
    return None


def with_overlays(header: Header, signature_text: str | None, publication_text: str | None,
                  fallback: bool = True) -> Header:
    """The header with the times of its digital signature and of the Công báo stamp, and (`fallback`) its date
    completed by the signature's day when the printed date is missing or partial (date_source `signature`)."""
    signed = stamp_time(signature_text or "")
    if signed is None and signature_text:
        day = signature_date(signature_text)
        signed = day if day else None
    published = stamp_time(publication_text or "")
    if signed or published:
        header = replace(header, signed_at=signed or header.signed_at, published_at=published or header.published_at)
    if header.date or not signature_text or not fallback:
        return header
    date = signature_date(signature_text)
    if not date:
        return header
    return replace(header, date=date, date_source="signature")


def with_signature(header: Header, signature_text: str | None) -> Header:
    """The header completed by the digital signature's time when the printed date is missing or partial."""
    return with_overlays(header, signature_text, None)


def _slash_lost(codes: str) -> re.Match[str] | None:
    """`ĐTB-ĐHKTCN` after the pen's digits, the slash under them: the type code the first segment ends with
    (`TB`), then the issuer, as a symbol with an unknown number; None when no type code ends it."""
    first, _, rest = re.sub(r"\s+", "", codes).partition("-")
    for k in range(len(first)):
        for code in dict.fromkeys((first[k:], first[k:].replace("D", "Đ"))):  # a photo's `QD` without its bar
            if code in doctypes.type_codes("nd30"):
                return SYMBOL.match(f"0/{code}-{rest}")
    return None


def _comma_tail(rest: str) -> str:
    """`,TT,DL` of `154/CTPH-LĐLĐ-SVH,TT,DL`: the codes joined by commas (no space) after a symbol the grammar
    ended at the first comma, and `/GA/24` of a contract's `Số: 2020/SAVN-LAB/GA/24` (more segments after a slash),
    when nothing but a space or the line's end follows them; else ""."""
    tail = re.match(r"(?:,[A-ZĐÐ][A-Za-zĐđ0-9&]*|/[A-ZĐ0-9][A-Za-zĐđ0-9&]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9&]*)*)+(?=\s|\Z)",
                    rest)
    return tail.group(0) if tail else ""


def parse_header(text: str) -> Header:
    head = text[:_HEADER_CHARS]
    folded = fold_lower(head)

    symbol = number = type_code = issuer_code = None
    type_name = None
    symbol_span = None
    system = None
    for label in _SO_LABEL.finditer(head):
        if label.start() > 1500:
            break
        pos = label.end()
        match = SYMBOL.match(head, pos)
        if match:
            sym = _parse_symbol(match, lone=True)  # after its label, one code is a symbol too: `Số: 38/ĐHNN`
            if sym:
                sym = replace(sym, symbol=sym.symbol + _comma_tail(head[sym.span[1] :]))
                symbol, number, issuer_code = sym.symbol, sym.number, sym.issuer_code
                type_code, system = sym.type_code, sym.system
                symbol_span = sym.span
                break
        blank = _BLANK_NUMBER.match(head, pos) or _GARBLED_NUMBER.match(head, pos)
        if blank:
            part = blank.groupdict()
            if part.get("year"):  # a normative number: "Số:   /2020/NĐ-CP"
                fake = SYMBOL.match(f"0/{part['year']}/" + re.sub(r"\s+", "", part["nrest"]))
            elif part.get("rest"):
                fake = SYMBOL.match("0/" + re.sub(r"\s+", "", part["rest"]))
            elif part.get("lost"):
                fake = _slash_lost(part["lost"])
            else:  # a Party number: "Số    -TB/TU"
                fake = SYMBOL.match(f"0-{part['ptype']}/" + re.sub(r"\s+", "", part["party"]))
            sym = _parse_symbol(fake, lone=True) if fake else None  # `Số: 3Ÿ_ /ĐHNN`: one code is a symbol too
            if sym and part.get("lost") and sym.system != "nd30":
                sym = None
            if sym:
                printed = re.sub(r"\s+", "", part.get("nrest") or part.get("rest") or "")
                tail = printed[len(codes(sym.symbol)) :] if printed.startswith(codes(sym.symbol)) else ""
                symbol = "?" + sym.symbol[1:] + _comma_tail(tail)
                issuer_code, type_code, system = sym.issuer_code, sym.type_code, sym.system
                symbol_span = (label.start(), blank.end())
                break

    # Place and date: "Quảng Ngãi, ngày 04 tháng 3 năm 2026" (day and month may be blank, or hold OCR's reading of
    # a handwritten day: "ngày 0` tháng 02 năm 2025")
    date = place = None
    date_span = None
    for match in [*DATE_AFTER_NGAY.finditer(folded), *_LOOSE_DATE.finditer(folded)]:
        before = folded[max(0, match.start() - 50) : match.start()]
        comma = re.search(r"([^\n,;:]{2,45}),[ \t]*\n?[ \t]*\Z", before)  # "Vĩnh Long,\nngày 20 …": PDF line
        if not comma:  # "Hà Nội ngày 14 tháng 12 năm 2021": no comma, the line opening with a province's name
            comma = re.search(r"(?:\A|\n)[ \t]*([^\n,;:]{2,45}?)[ \t]+\Z", before)
            words = comma.group(1).split() if comma else []
            if not words or (match_province(words) or (None, 0))[1] != len(words):
                comma = None
        if not comma or re.search(r"[\d/]\S*\Z", comma.group(1).rstrip()):  # a citation's date: its symbol
            # before the comma (`số 596/QĐ-UBND, ngày …`), not a place (which may follow a symbol on its line)
            continue
        found = _from_match(match) if match.re is DATE_AFTER_NGAY else _loose_date(match)
        if found is None:
            continue
        raw_place = head[match.start() - len(comma.group(0)) : match.start()].rstrip(", \t\n")
        # "Hôm nay, ngày 12 tháng 3 năm 2020, tại …": a contract's or minutes' opening gives the date, no place
        said = None if re.search(r"(?<![a-z])hom nay[ \t]*\Z", comma.group(1)) else _place(raw_place, symbol_span)
        if date is None:
            date, date_span, place = found, found.span, said
        if _ends_in_province(raw_place):  # the place-and-date line; the first dated line otherwise (a body's
            date, date_span, place = found, found.span, said  # `Thông tư 08/2017/TT- BGDĐT,\nngày 04/04/2017`
            break  # is no place)

    heading_type = _heading_type(folded, head)
    sig_type = None
    if symbol is not None and system is not None:
        sig_type = _system_type(
            _Symbol(symbol, number or "", None, system, type_code, issuer_code, (0, 0), (), True), heading_type
        )
    if sig_type:
        type_name, type_code = sig_type
    elif heading_type:
        t = doctypes.type_by_name(heading_type)
        type_name, type_code = (t.name, t.code) if t else (heading_type, None)
    elif _VV.search(folded):
        type_name, type_code = "Công văn", "CV"

    issuer, parent = letterhead(head, symbol_span)
    if issuer is None and issuer_code and doctypes.issuer_kind(issuer_code) != "unit":
        issuer = doctypes.issuer_name(issuer_code)  # (a unit's code, `…/TB-ĐT`, names a department of some body)

    date_iso = date.iso if date else None
    date_partial = date.partial if date and not date.date else None
    date_source = "header" if date_iso else None
    if not date_iso:
        signed = signature_date(text)
        if signed:
            date_iso, date_source = signed, "signature"

    authority, title, name = _signature(text)
    return Header(
        symbol=symbol,
        number=number,
        type=type_name,
        type_code=type_code,
        date=date_iso,
        date_partial=date_partial,
        date_source=date_source,
        issuer=issuer,
        issuer_parent=parent,
        issuer_code=issuer_code,
        place=place,
        province=_province(text, place, issuer, parent),
        subject=_law_title(heading_type, _subject(head, folded)),
        recipients=_recipients(head, folded),
        signer_authority=authority,
        signer_title=title,
        signer_name=name,
        symbol_span=symbol_span,
        date_span=date_span,
        number_source="print" if number else None,
    )


_PROVINCE_MENTION = re.compile(r"(?<![a-z])(?:tinh|thanh pho|tp\.?)[ \t]+([a-z]+(?:[ \t]+[a-z]+){0,3})")


def province_in(phrase: str) -> str | None:
    """A province named in a short phrase (`Ủy ban nhân dân tỉnh Quảng Ngãi` → Quảng Ngãi): right after a level
    word (tỉnh, thành phố) a close match is enough; elsewhere the name must be nearly exact (so that "dân tỉnh" is
    never taken for Hà Tĩnh, nor "ủy Quảng" for Tuyên Quang). The best-scoring name wins."""
    from rapidfuzz import fuzz

    words = fold_lower(phrase).replace(" - ", " ").split()
    best: tuple[float, str] | None = None
    for k in range(len(words)):
        found = match_province(words[k:])
        if not found:
            continue
        score = fuzz.ratio(" ".join(words[k : k + found[1]]), fold_lower(found[0]).replace(" - ", " "))
        after_level = k > 0 and words[k - 1] in {"tinh", "pho", "tp", "tp."} and words[k] != "uy"
        if (score >= 92 or after_level) and (best is None or score > best[0]):
            best = (score, found[0])
    return best[1] if best else None


def _province(text: str, place: str | None, issuer: str | None, parent: str | None) -> str | None:
    for candidate in (place, parent, issuer):
        if candidate:
            found = province_in(candidate)
            if found:
                return found
    counts: dict[str, int] = {}
    for match in _PROVINCE_MENTION.finditer(fold_lower(text[:20000])):
        found = match_province(match.group(1).split())
        if found:
            counts[found[0]] = counts.get(found[0], 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


def _ends_in_province(raw: str) -> bool:
    """Does `raw` (the words before a header's `ngày`) end with a province's or city's name (`Hà Nội`)?"""
    words = fold_lower(raw).split()
    return any((match_province(words[k:]) or (None, 0))[1] == len(words) - k for k in range(max(0, len(words) - 6),
                                                                                           len(words)))


def _place(raw: str, symbol_span: tuple[int, int] | None) -> str | None:
    # On a line where the two header columns were read side by side, the place follows the symbol.
    raw = re.split(r"[A-ZĐ]{2,}[A-Za-zĐđ&]*(?:-[A-ZĐ][A-Za-zĐđ&]*)+\s", raw)[-1]
    raw = raw.strip(" \t-*")
    words = fold_lower(raw).split()
    for k in range(len(words)):
        province = match_province(words[k:])
        if province and province[1] == len(words) - k:
            return province[0]
    return raw or None


@lru_cache(maxsize=1)
def _heading_pattern() -> re.Pattern[str]:
    names = "|".join(f"(?P<h{i}>{fuzzy_pattern(n)})" for i, n in enumerate(doctypes.type_names()))
    return re.compile(r"^[ \t]*(?:" + names + r")[ \t]*$", re.MULTILINE)


def _heading_type(folded: str, head: str = "") -> str | None:
    """A line that is only a type name (`KẾ HOẠCH`, `QUYẾT ĐỊNH`) names the document's type; else an upper-case
    line that opens with one (`HỢP ĐỒNG MUA BÁN`, `BIÊN BẢN HỌP`): a contract or minutes keep their kind."""
    match = _heading_pattern().search(folded)
    if match and match.lastgroup:
        return doctypes.type_names()[int(match.lastgroup[1:])]
    for match in _titled_heading().finditer(folded):
        line_end = folded.find("\n", match.start())
        line = head[match.start() : line_end if line_end >= 0 else len(head)] if head else ""
        if line and _all_upper(line) and match.lastgroup:
            return doctypes.type_names()[int(match.lastgroup[1:])]
    return None


@lru_cache(maxsize=1)
def _titled_heading() -> re.Pattern[str]:
    names = "|".join(f"(?P<h{i}>{fuzzy_pattern(n)})" for i, n in enumerate(doctypes.type_names()))
    return re.compile(r"^[ \t]*(?:" + names + r")[ \t]+[a-z][a-z ]{1,40}$", re.MULTILINE)


def _subject(head: str, folded: str) -> str | None:
    """`V/v ...` up to the blank line or `Kính gửi`; else the title lines under the type heading (its opening `Về`
    mended where OCR garbled it: `_opening`)."""
    found = _subject_text(head, folded)
    if found and "|" in found:
        # a bar is never a title's: OCR ran another column into it (a stamp's `Ngày: 01/01/2024` read
        # `Ngự Ot1O112024.| Quy định chi tiết …`); the title is the longest piece between bars
        found = max((_clean(piece) for piece in found.split("|")), key=len) or None
    if found and not _WORDLIKE.search(fold_lower(found)):
        return None  # OCR's noise where the title could not be read (`À .^A r`): no word of two letters
    return _opening(found) if found else found


# two letters together (of folded text: Vietnamese letters, not the marks OCR reads as modifier letters, `ˆA`):
# what every subject, however short, holds
_WORDLIKE = re.compile(r"[a-z]{2}")


# A subject's first word where `Về` was printed (`Về việc …`, `Về công tác …`), as OCR and the restorer leave it:
# `và việc`, `'Và công tác`, `,Vêviệc`, `è việc` — no subject opens with `và`, nor with `vê`, `vẻ` or a lone vowel
# (before `việc`; before another word only `và`, since `Vê sinh` is a garbled `Vệ sinh` and `Vẽ` a word)
_GARBLED_VE = re.compile(r"^[\W_]*(?:(?:[Vv](?:à|ê|ẻ|è|ế|e)|[èẻềê])[ \t]*(?=việc)|[Vv]à(?=[ \t]))")


def _opening(subject: str) -> str:
    """`và việc ban hành …` → `Về việc ban hành …`; `,Vêviệc triển khai` → `Về việc triển khai`."""
    match = _GARBLED_VE.match(subject)
    if match:
        return f"Về {subject[match.end():].lstrip()}"
    return "Về " + subject[3:] if subject.startswith("VỀ việc") else subject  # (a capital's diacritic read)


def _subject_text(head: str, folded: str) -> str | None:
    header_lines = folded[: max(0, folded.find("kinh gui")) or 1500]  # (where a subject line may open)
    vv = _VV.search(folded) or _VV_LOOSE.search(header_lines)
    if vv and vv.start() < 1500:
        end = _block_end(folded, vv.end(), columns=len(_COLUMNS))
        return _clean(head[vv.end() : end]) or None
    heading = _heading_pattern().search(folded)
    if heading:
        return _title_block(head, folded, heading.end())
    # no V/v and no type heading: a letterhead's line that opens `Về việc …` (older letters print it in full)
    ve_viec = _VE_VIEC_LINE.search(header_lines)
    if ve_viec:
        end = _block_end(folded, ve_viec.end(), columns=len(_COLUMNS))
        return _clean(head[ve_viec.end() : end]) or None
    return None


# Lines of the letterhead that a PDF's text may repeat under the heading: the motto, "Số: …", "Hà Nội, ngày …"
_HEADER_LINE = re.compile(r"[ \t]*(?:doc lap|cong hoa xa hoi|so[ \t]*:|[^\n,]{2,40},[ \t]*ngay[ \t]+\d)")
# A line that opens the body, not the title: "Căn cứ", "Điều 1.", "Chương I", "Theo đề nghị", "Kính gửi"
_BODY_LINE = re.compile(r"[ \t_*(\-+•]*(?:can cu|dieu[ \t]+\d|chuong[ \t]+[ivxl\d]|theo de nghi|xet de nghi|kinh gui|"
                        r"noi nhan|phan[ \t]+(?:i|thu|\d)|[ivx]{1,4}\.[ \t]|\d{1,2}\.[ \t]|van ban[ \t]*$)")
# A title line that ends on a word that cannot end it: the next line carries on
_DANGLING = re.compile(r"(?:,|-|–|(?<![a-z])(?:cua|va|ve|cho|tai|trong|doi voi|voi|theo|cac|nhung|tren|thuoc|de|"
                       r"nam|so|ngay|thang|giai doan|linh vuc|dia ban))[ \t]*$")
# "… ban hành Thông tư quy định về …": a promulgation sentence that names the document when no title is printed
_PROMULGATES = re.compile(r"ban hanh (?:thong tu|nghi dinh|quyet dinh|nghi quyet)(?: so [^ ]+)? "
                          r"(?=quy dinh|huong dan|ve |sua doi)")


def _title_block(head: str, folded: str, start: int) -> str | None:
    """The title under the type heading, ending where the title ends: its first line, and the lines that carry
    it on (a line that starts in lower case, one after a line ending on `của`, `và`, a comma, or an upper-case
    title's upper-case lines) — never a `Căn cứ`, an `Điều 1.`, a body sentence or the letterhead repeated. Lines of
    OCR's noise (no two letters together: a seal's marks read as `À .^A r`) are passed over."""
    end = _block_end(folded, start + 1)
    lines = head[start:end].split("\n")
    kept: list[str] = []
    for line in lines:
        text = line.strip(" \t_*")
        if not text:
            if kept:
                break
            continue
        low = fold_lower(text)
        if _BODY_LINE.match(low):
            break
        if not _WORDLIKE.search(low):
            continue  # OCR's noise around the title (a seal's or a signature's marks: `À .^A r`): passed over
        if not kept:
            if _HEADER_LINE.match(low) or _is_letterhead(text):
                continue
            kept.append(text)
            continue
        prev = kept[-1]
        upper_title = _all_upper(prev) and _all_upper(text) and not _AUTHORITY.match(low)
        if text[:1].islower() or text[:1].isdigit() or _DANGLING.search(fold_lower(prev)) or upper_title:
            kept.append(text)
            continue
        break
    title = _clean("\n".join(kept))
    # no title printed, a promulgation sentence instead: its own words name the document ("… ban hành Thông tư
    # quy định về …"); a title never holds one
    found = _PROMULGATES.search(fold_lower(title), 0, 160)
    if found:
        rest = title[found.end():]
        return (rest[:1].upper() + rest[1:]) or None
    return title or None


_AUTHORITY = re.compile(r"(?:chu tich|bo truong|thu tuong|thong doc|tong kiem toan|chanh an|vien truong|"
                        r"hoi dong nhan dan|uy ban nhan dan|chinh phu|quoc hoi|quyet dinh|quyet nghi|ban hanh)")


def _all_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) > 3 and all(ch.isupper() for ch in letters)


def _is_letterhead(text: str) -> bool:
    """An issuing body's name in capitals, repeated under the heading by a PDF's text (`NGÂN HÀNG NHÀ NƯỚC VIỆT
    NAM`)."""
    low = fold_lower(text)
    return _all_upper(text) and bool(re.match(r"(?:bo |ngan hang nha nuoc|chinh phu|uy ban|hoi dong|quoc hoi|"
                                              r"thu tuong|so |tinh uy|thanh uy|van phong)", low)) and len(text) < 60


def _law_title(heading: str | None, subject: str | None) -> str | None:
    """A law's name as it is cited: `BỘ LUẬT` over `LAO ĐỘNG` → `Bộ luật Lao động`."""
    if heading not in {"Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp"} or not subject or subject != subject.upper():
        return subject
    words = subject.split()
    return f"{heading} " + " ".join([words[0][:1] + words[0][1:].lower(), *(w.lower() for w in words[1:])])


# a scan's other column read after the V/v lines: the motto, the place and date
_COLUMNS = (r"\n[ \t]*(?:cong hoa xa hoi|doc lap[ \t]*-)", r"\n[^\n,]{2,30},[ \t]*ngay[ \t]+\d")


def _block_end(folded: str, start: int, columns: int = 0) -> int:
    ends = [len(folded)]
    for pattern in (r"\n[ \t]*\n", r"\n[ \t]*(?:can cu|kinh g)", r"\n[ \t]*[ivx]+\.\s", r"\n[ \t]*\d\.\s",
                    r"\n[ \t_*\-]*(?:dieu[ \t]+1\.|chuong[ \t]+i\b)", *_COLUMNS[:columns]):
        match = re.compile(pattern).search(folded, start)
        if match:
            ends.append(match.start())
    return min(ends)


def _clean(text: str) -> str:
    return " ".join(text.strip(" \t\n:.-").split())


def _recipients(head: str, folded: str) -> tuple[str, ...]:
    match = _KINH_GUI.search(folded)
    if not match:
        return ()
    out = []
    first = head[match.end() : folded.find("\n", match.end()) if "\n" in folded[match.end() :] else len(head)]
    if first.strip():
        out.append(first.strip(" \t-;.,"))
    pos = match.end() + len(first)
    for line in head[pos:].split("\n")[1:]:
        stripped = line.strip()
        if not stripped.startswith(("-", "+", "•")):
            if stripped and out:
                break
            if not stripped and out:
                break
            continue
        out.append(stripped.strip(" \t-+•;.,"))
    return tuple(r for r in out if r)


def _signature(text: str) -> tuple[str | None, str | None, str | None]:
    """(`KT. GIÁM ĐỐC`, `PHÓ GIÁM ĐỐC`, name) from the last signature block."""
    matches = list(_SIGN_AUTH.finditer(text))
    if not matches:
        return None, None, None
    match = matches[-1]
    authority = f"{match.group(1)}. {' '.join(match.group(2).split())}"
    authority = re.split(r"\s{2,}|\n", authority)[0].strip()
    title = name = None
    lines = re.split(r"[\n\f]", text[match.end() :])[1:12]  # (a page's end ends a line: `Ngô Thị Minh⏎2`)
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith(("-", "+")):
            continue
        letters = [ch for ch in stripped if ch.isalpha()]
        if title is None and letters and all(ch.isupper() for ch in letters) and len(stripped.split()) <= 6:
            title = stripped
            continue
        name = signer_name(stripped)
        if name:
            break
    return authority, title, name


# an academic or professional title before a signer's name: `TS.`, `ThS.`, `PGS.TS.`, `BS.CKII.`
_NAME_TITLE = re.compile(r"(?:[A-ZĐ][A-Za-zĐđ]{0,5}\.)+")


def signer_name(line: str) -> str | None:
    """A signer's name as printed under the signature — `Nguyễn Văn Hùng`, `PGS.TS. Đặng Xuân Thư` — or None: two to
    five words of letters, each with a capital and then small letters, after an optional title; a digit or a mark
    OCR glued to the name's end, or a speck of one to three digits and marks before it, is left out (`Ngô Thị
    Minh2`, `3. Huỳnh Ngọc Thọ`). A line with anything else is no name (`Số: 6J[) /VP-KSTTHC`, `———t LauL———`,
    `Nơi nhận:`)."""
    words = line.split()
    if len(words) > 2 and len(words[0]) <= 3 and not any(ch.isalpha() for ch in words[0]):
        words = words[1:]
    title = words[0] if words and _NAME_TITLE.fullmatch(words[0]) else None
    words = words[1:] if title else words
    if words:
        words[-1] = re.sub(r"[\d\W_]+$", "", words[-1])
    if not 2 <= len(words) <= 5 or not all(w.replace("'", "").isalpha() and w[:1].isupper() and
                                            (len(w) == 1 or w[1:].replace("'", "").islower()) for w in words):
        return None
    return " ".join(([title] if title else []) + words)
