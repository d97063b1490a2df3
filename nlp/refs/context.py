"""Reading a symbol's context, on the folded text (same offsets, no diacritics): the type name and "số" before it
(`Ké hoach s6`), "của <issuer>" and the "về ..." clause after it, the issuer and the place it is of. Keywords are
matched with patterns built from the OCR confusion table (`nlp.doctypes.fuzzy_pattern`)."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from .. import doctypes
from ..doctypes import canonical_code, fuzzy_pattern, issuer_name, type_for_code
from ..text import fold_lower
from .models import ParsedSymbol
from .repair import city_words

# ---------------------------------------------------------------------------------------------------------------
# Before the symbol: the type name and "số"


@lru_cache(maxsize=1)
def _name_alternation() -> str:
    return "|".join(f"(?:{fuzzy_pattern(name)})" for name in doctypes.type_names())


# "số" (folded "so"), and as OCR prints it: "s6", "5o", "$6"
_SO = r"[s5$][a-z0-9]?"


@lru_cache(maxsize=1)
def left_pattern() -> re.Pattern[str]:
    """`Kế hoạch số ` / `Kế hoạch ` / `số ` / `Số: ` immediately before a symbol (anchored at the end); garbled
    too: `Ké hoach s6 58/KH-UBND` → Kế hoạch số."""
    return re.compile(
        rf"(?:(?<![a-z])(?P<name>{_name_alternation()})[ \t\n]+)?"
        rf"(?:(?<![a-z0-9])(?P<so>{_SO})[ \t\n]*[:.]?[ \t\n]*)?\Z"
    )


@lru_cache(maxsize=1)
def _any_name_pattern() -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z])(?:{_name_alternation()})(?![a-z])")


# "Mẫu số 01/…", "Biểu số", "Phụ lục số": a form's number, no reference
FORM_NUMBER = re.compile(r"(?:mau|bieu|phu luc)[ \t]*(?:so)?[ \t:]*\Z")


@lru_cache(maxsize=4096)
def canonical_name(name_folded: str) -> str | None:
    """The table's type name for a (possibly garbled) folded match of it."""
    squashed = " ".join(name_folded.split())
    for name in doctypes.type_names():
        if re.fullmatch(fuzzy_pattern(name), squashed):
            return name
    return None


def nearest_name(folded: str, start: int, end: int, text: str | None = None) -> str | None:
    """The last type name in the clause before a symbol, with words between (`Luật Đất đai số 31/2024/QH15` →
    Luật). With the text itself (`text`, the same length): a type name as a document's is printed, with its
    capital — `các Nghị định dưới luật của Hội đồng Chính phủ số 88/CP` is a Nghị định, not a `luật`."""
    clause_start = max(folded.rfind(";", start, end), folded.rfind(". ", start, end), start)
    found = None
    for match in _any_name_pattern().finditer(folded, clause_start, end):
        if text is None or text[match.start()].isupper():
            found = match.group(0)
    return canonical_name(found) if found else None


def _longer_code_of_name(name: str | None, code: str, system: str) -> bool:
    """Is the type `name` names in `system` one whose code is `code` and more (`Quy định`, QĐi, over QĐ)?"""
    key = fold_lower(name or "")
    return any(t.code != code and t.code.startswith(code) and system in t.systems and
               (fold_lower(t.name) == key or any(fold_lower(n) == key for n in t.names)) for t in doctypes.doc_types())


def system_type(sym: ParsedSymbol, name: str | None) -> tuple[str, str]:
    """(type name, type code) of a symbol, using the type name printed before it where the symbol leaves it open."""
    named = doctypes.type_by_name(name) if name else None
    if sym.type_code is not None:
        system = "party" if sym.system == "party" else ("normative" if sym.system == "normative" else "nd30")
        t = type_for_code(sym.type_code, system)
        if t and named and t.code == named.code:
            return named.name, t.code
        if t and named and t.code != named.code and _longer_code_of_name(name, sym.type_code, system):
            # `Quy định số 08-QĐ/TW`: the Party's Quy định (QĐi) printed with Quyết định's code — the words say it
            return named.name, sym.type_code
        return (t.name if t else sym.type_code), sym.type_code
    if sym.system == "normative":  # QH / UBTVQH symbols: Luật, Bộ luật, Pháp lệnh or Nghị quyết
        allowed = {"L", "BL", "PL", "NQ", "HP"}
        if named and named.code in allowed:
            return named.name, named.code
        default = "NQ" if sym.issuer_code == "UBTVQH" else "L"
        t = type_for_code(default, "normative")
        assert t is not None
        return t.name, t.code
    # công văn numbering: a type name printed before it wins ("Hướng dẫn số 12/SYT-NVY"), else Công văn; the
    # Government's decrees were numbered so before 1997 ("các Nghị định số: 88/CP, 60/CP")
    if named and named.code not in {"L", "BL", "PL", "NĐ", "TT", "TTLT"}:
        return named.name, named.code
    if named and named.code == "NĐ" and sym.issuer_code == "CP" and sym.number.isdigit():
        return named.name, named.code
    return "Công văn", "CV"


# ---------------------------------------------------------------------------------------------------------------
# After the symbol: "của <issuer>" and "về ..."

_CUA = fuzzy_pattern("của")
_STOP_WORDS = r"ve|v/v|ngay|tai|ban hanh|phe duyet|quy dinh|huong dan|trien khai|thuc hien|theo|va|nam|dinh huong"
ISSUER_PHRASE = re.compile(
    rf"[ \t\n]*,?[ \t\n]*(?:{_CUA})[ \t\n]+(?P<phrase>(?:(?!\n\n)[^,;.()“”\"'])+?)"
    rf"(?=[ \t\n]*(?:[,;.()“”\"']|(?<![a-z])(?:{_STOP_WORDS})(?![a-z])|\n\n|\Z))"
)
SUBJECT = re.compile(r"[ \t\n]*,?[ \t\n]*(?:v[eé]|v/v)(?![a-z0-9])")


@lru_cache(maxsize=1)
def _issuer_names() -> tuple[tuple[str, str, int], ...]:
    """(folded name, name, word count) of every body in the issuer table, longest first."""
    names = {}
    for issuer in doctypes.issuers():
        if issuer.kind != "unit":
            names[fold_lower(issuer.name)] = issuer.name
    return tuple(sorted(((k, v, len(k.split())) for k, v in names.items()), key=lambda t: -t[2]))


_LEVELS = {
    "tinh": "tỉnh",
    "thanh pho": "thành phố",
    "tp": "thành phố",
    "huyen": "huyện",
    "thi xa": "thị xã",
    "quan": "quận",
    "xa": "xã",
    "phuong": "phường",
    "thi tran": "thị trấn",
}


@lru_cache(maxsize=1)
def _province_keys() -> tuple[tuple[str, str, int], ...]:
    out = []
    for name, _kind in doctypes.provinces():
        key = fold_lower(name).replace(" - ", " ").split()
        out.append((name, " ".join(key), len(key)))
    return tuple(out)


def _province_kind(name: str) -> str:
    """`tỉnh` or `thành phố` (a centrally-run city), as the province table says."""
    return next((kind for province, kind in doctypes.provinces() if province == name), "tỉnh")


def _has_level(name: str) -> bool:
    """Whether a body's name already says its level (`Ủy ban nhân dân tỉnh`, `Công an thành phố`, `Tỉnh ủy`,
    `Thành ủy`)."""
    return bool(re.search(r"(?<![a-z])(tinh|thanh|huyen|quan|xa|phuong)(?![a-z])", fold_lower(name)))


def match_province(words: list[str]) -> tuple[str, int] | None:
    """Fuzzy province name at the start of folded words (`quang ngdi` → Quảng Ngãi); (name, words used). A name of
    two or more words that OCR ran together is one word (`vinhlong` → Vĩnh Long, `TỈNH VĨNHLONG`)."""
    return _match_province(tuple(words[:4]))


def _same_first_letter(word: str, key: str) -> bool:
    """A province's name as OCR garbles it keeps its first letter (an Đ may read P): `cong an` is no `long an`."""
    first, wanted = word[:1], key[:1]
    return first == wanted or {first, wanted} == {"d", "p"}


@lru_cache(maxsize=4096)
def _match_province(words: tuple[str, ...]) -> tuple[str, int] | None:
    best: tuple[float, str, int] | None = None
    for name, key, n in _province_keys():
        if len(words) < n or not _same_first_letter(words[0], key):
            continue
        score = fuzz.ratio(" ".join(words[:n]), key)
        if score >= 80 and (best is None or score > best[0]):
            best = (score, name, n)
    if best is None and words and len(words[0]) >= 5:
        for name, key, n in _province_keys():
            if n > 1 and fuzz.ratio(words[0], key.replace(" ", "")) >= 90:
                return name, 1
    return (best[1], best[2]) if best else None


_LOCAL_STOP = {"ve", "v/v", "ngay", "tai", "theo", "va", "nam", "so", "da", "duoc", "khoa", "nhiem", "cua", "kinh",
               "noi", "can", "thuc", "trien"}


def resolve_issuer(phrase: str) -> tuple[str | None, str | None]:
    return _resolve_issuer(" ".join(phrase.split()))[:2]


def issuer_words(phrase: str) -> tuple[str | None, str | None, list[str]]:
    """`resolve_issuer`, and the words of the phrase its name and place leave over (`HUYỆN ỦY SƠN TỊNH` → Huyện
    ủy, [`SƠN`, `TỊNH`]): in a letterhead's line, where the whole line names the body, the rest of its name. None
    are left over where the table's name was matched only loosely (`QUẢN LÝ NHÀ NƯỚC` is no `Quận ủy`)."""
    full, scope, used = _resolve_issuer(" ".join(phrase.split()))
    words = phrase.split()
    if not full or not set(fold_lower(" ".join(words[:used])).split()) <= set(fold_lower(full).split()):
        return full, scope, []
    return full, scope, words[used:]


@lru_cache(maxsize=8192)
def _resolve_issuer(phrase: str) -> tuple[str | None, str | None, int]:
    """`Uy ban nhan dén tinh Quang Ngii` → (`Ủy ban nhân dân tỉnh Quảng Ngãi`, `tỉnh Quảng Ngãi`).

    The phrase is matched word-wise against the issuer table with a similarity threshold, so that OCR garble in
    the words does not stop it; a level word (tỉnh, thành phố, huyện ...) and a province name that follow qualify
    it. Returns (None, None, 0) when nothing in the table is close enough; else also the count of the phrase's
    words the name and its place took.
    """
    raw_words = phrase.split()
    words = fold_lower(phrase).split()
    if not words:
        return None, None, 0
    name, used = None, 0
    first = raw_words[0].strip()
    if doctypes.known_code(first) and first.upper() == first and issuer_name(first.upper()):
        code, _ = canonical_code(first, doctypes.issuer_codes())
        name, used = issuer_name(code or first), 1
    else:
        best: tuple[float, str, int] | None = None
        for key, full, n in _issuer_names():
            for k in {n - 1, n, n + 1}:
                if k <= 0 or k > len(words):
                    continue
                score = fuzz.ratio(" ".join(words[:k]), key)
                if score >= 82 and (best is None or score > best[0] + 0.5 or (score == best[0] and n > best[2])):
                    best = (score, full, k)
        if best:
            name, used = best[1], best[2]
    if name is None:
        return None, None, 0
    rest = city_words(words[used:])
    scope = kind = None
    took = used
    for level, printed in sorted(_LEVELS.items(), key=lambda kv: -len(kv[0])):
        lw = level.split()
        if rest[: len(lw)] == lw:
            province = match_province(rest[len(lw) :]) if printed in {"tỉnh", "thành phố"} else None
            if province:
                scope = f"{printed} {province[0]}"
                took = used + len(lw) + province[1]
            else:
                # a commune, ward or district: its name as printed ("phường Cẩm Thành")
                local = []
                for raw, word in zip(raw_words[used + len(lw) :], rest[len(lw) :]):
                    if word.rstrip(":") in _LOCAL_STOP or len(local) == 4 or not raw[:1].isalpha():
                        break
                    local.append(raw[:1].upper() + raw[1:].lower().rstrip(":"))
                    if raw.endswith(":"):
                        break
                scope = f"{printed} {' '.join(local)}".strip()
                took = used + len(lw) + len(local)
            break
    else:
        province = match_province(rest)
        if province:
            scope = province[0]
            took = used + province[1]
            # `SỞ Y TẾ KIÊN GIANG` is the Sở Y tế of tỉnh Kiên Giang: named as running text names it
            kind = None if _has_level(name) else _province_kind(scope)
    full = " ".join(part for part in (name, kind, scope) if part)
    # "Ủy ban nhân dân tỉnh": the place, when printed, qualifies the body; a bare level word is kept in the name.
    return full, (scope if scope and scope not in _LEVELS.values() else None), took
