"""The tables every part of vanban reads: document types, issuing bodies, provinces, OCR confusions, relation phrases.

The tables are data files in `nlp/data/` (TSV, one row per entry); this module loads them once and offers the
look-ups that the reference grammar, the header parser, the query parser and the exports share.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .text import fold_lower


@dataclass(frozen=True)
class DocType:
    code: str  # as printed in số/ký hiệu: "KH", "QĐ", "TTr"
    name: str  # Vietnamese type name: "Kế hoạch"
    systems: frozenset[str]  # "nd30", "party", "normative"
    english: tuple[str, ...]  # lower-case English aliases: ("plan",)
    names: tuple[str, ...]  # other Vietnamese names that mean this type ("Văn bản" for Công văn)


@dataclass(frozen=True)
class Issuer:
    code: str | None
    name: str
    kind: str  # national, ministry, local, party, unit


def _rows(filename: str) -> list[list[str]]:
    text = resources.files("nlp").joinpath("data", filename).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [[cell.strip() for cell in row] for row in csv.reader(lines, delimiter="\t")]


@lru_cache(maxsize=1)
def doc_types() -> tuple[DocType, ...]:
    out = []
    for row in _rows("doctypes.tsv"):
        row += [""] * (5 - len(row))
        code, name, systems, english, names = row[:5]
        out.append(
            DocType(
                code=code,
                name=name,
                systems=frozenset(s.strip() for s in systems.split(",") if s.strip()),
                english=tuple(a.strip() for a in english.split(",") if a.strip()),
                names=tuple(n.strip() for n in names.split(",") if n.strip()),
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def issuers() -> tuple[Issuer, ...]:
    return tuple(
        Issuer(code=None if row[0] == "-" else row[0], name=row[1], kind=row[2]) for row in _rows("issuers.tsv")
    )


@lru_cache(maxsize=1)
def provinces() -> tuple[tuple[str, str], ...]:
    return tuple((row[0], row[1]) for row in _rows("provinces.tsv"))


@lru_cache(maxsize=1)
def relation_phrases() -> tuple[tuple[str, str], ...]:
    return tuple((row[0], row[1]) for row in _rows("relations.tsv"))


# ---------------------------------------------------------------------------------------------------------------
# Type codes


@lru_cache(maxsize=None)
def type_codes(system: str | None = None) -> frozenset[str]:
    return frozenset(t.code for t in doc_types() if system is None or system in t.systems)


@lru_cache(maxsize=1024)
def type_for_code(code: str, system: str) -> DocType | None:
    """The type a code stands for in a numbering system (`TT` is Thông tư in state numbering, Thông tri in Party)."""
    for t in doc_types():
        if t.code == code and system in t.systems:
            return t
    for t in doc_types():
        if t.code == code:
            return t
    return None


@lru_cache(maxsize=None)
def type_by_name(name: str) -> DocType | None:
    """`Kế hoạch` / `ke hoach` / `Văn bản` → the DocType (first row wins)."""
    key = fold_lower(name).strip()
    for t in doc_types():
        if fold_lower(t.name) == key or any(fold_lower(n) == key for n in t.names):
            return t
    return None


@lru_cache(maxsize=1)
def type_names() -> tuple[str, ...]:
    """Every Vietnamese type name once, longest first (so `Thông tư liên tịch` is tried before `Thông tư`)."""
    names: dict[str, None] = {}
    for t in doc_types():
        names[t.name] = None
        for n in t.names:
            names[n] = None
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


@lru_cache(maxsize=1)
def english_aliases() -> dict[str, str]:
    """English alias (lower case) → Vietnamese type name, e.g. `plan` → `Kế hoạch`."""
    out: dict[str, str] = {}
    for t in doc_types():
        for alias in t.english:
            out.setdefault(alias, t.name)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Issuers


@lru_cache(maxsize=1)
def issuer_codes() -> frozenset[str]:
    return frozenset(i.code for i in issuers() if i.code)


@lru_cache(maxsize=4096)
def issuer_name(code: str) -> str | None:
    """Default name of the body a code stands for (`TTg` → Thủ tướng Chính phủ); None for unknown codes."""
    match = re.fullmatch(r"(QH|UBTVQH)(\d+)", code)
    if match:
        code = match.group(1)
    for i in issuers():
        if i.code == code:
            return i.name
    return None


def issuer_kind(code: str) -> str | None:
    code = re.sub(r"(?<=QH)\d+$", "", code)
    for i in issuers():
        if i.code == code:
            return i.kind
    return None


# ---------------------------------------------------------------------------------------------------------------
# Code repair: what OCR does to Đ in codes


# What OCR prints for the letters of a code: Đ read as P/D/B/Ð/0, T as 1 or I, I as 1 or l, O as 0, S as 5, B as 8.
_LOOKALIKES = {"P": "Đ", "D": "Đ", "B": "Đ", "Ð": "Đ", "Ɖ": "Đ", "0": "ĐO", "1": "TI", "L": "I", "5": "S", "8": "B",
               "I": "T"}


@lru_cache(maxsize=1)
def _code_index() -> dict[str, str]:
    """Upper-cased code → canonical code, over every type and issuer code."""
    index: dict[str, str] = {}
    for code in itertools.chain(type_codes(), issuer_codes()):
        index.setdefault(code.upper(), code)
    return index


@lru_cache(maxsize=8192)
def canonical_code(segment: str, known: frozenset[str]) -> tuple[str | None, bool]:
    """Repair one segment of a symbol against a set of known codes.

    Returns (canonical code, repaired?) or (None, False). Case is canonicalised (`QDI` → `QĐi` only through the
    table); OCR look-alikes (Đ read as P/D/B/Ð, T as 1, O as 0, ...) are undone only when the result is a known
    code and the segment as read is not (`QP` → `QĐ`, `CDS` → `CĐS`, `C1` → `CT`, but `DA` stays Dự án).
    """
    if segment in known:
        return segment, False
    upper = segment.upper().replace("Ð", "Đ")  # the Icelandic eth OCR prints for Đ (`ĐÐHKTCN`: Đ printed twice)
    by_upper = {k.upper(): k for k in known}
    if upper in by_upper:
        return by_upper[upper], by_upper[upper] != segment and not _case_only(segment, by_upper[upper])
    if len(upper) >= 3:  # a Đ OCR printed twice or thrice ("QĐĐ", "HĐĐĐND"): the run read once. Not a plain
        # letter: codes double them on purpose (`3917/BTP-BTTP`: Cục Bổ trợ tư pháp, never BTP; TTr, TTg)
        collapsed = re.sub(r"([^A-Z0-9])\1+", r"\1", upper)
        shorter = {upper[:i] + upper[i + 1 :] for i in range(len(upper))
                   if i > 0 and upper[i] == upper[i - 1] and not upper[i].isascii()}
        hits = {by_upper[c] for c in shorter | ({collapsed} if len(collapsed) >= 3 else set()) if c in by_upper}
        if len(hits) == 1:
            return hits.pop(), True
    if len(upper) >= 4:  # one letter too many, of those OCR adds — an accented capital, a digit, a thin letter
        # split off a stroke ("BGTYVT", "STNMĨT", "TTIR") —: the single known code it hides
        extra = [i for i, ch in enumerate(upper) if not ch.isascii() and ch != "Đ" or ch in "0123456789ILJY"]
        hits = {by_upper[c] for c in {upper[:i] + upper[i + 1 :] for i in extra} if c in by_upper and len(c) >= 3}
        if len(hits) == 1:
            return hits.pop(), True
    options = [(i, _LOOKALIKES[ch]) for i, ch in enumerate(upper) if ch in _LOOKALIKES]
    for count in (1, 2):
        for combo in itertools.combinations(options, count):
            for letters in itertools.product(*(alts for _, alts in combo)):
                chars = list(upper)
                for (i, _), letter in zip(combo, letters):
                    chars[i] = letter
                candidate = "".join(chars)
                if candidate in by_upper:
                    return by_upper[candidate], True
    return None, False


def _case_only(a: str, b: str) -> bool:
    return a.upper() == b.upper()


def known_code(segment: str) -> bool:
    return segment.upper() in _code_index() or bool(re.fullmatch(r"(QH|UBTVQH)\d{1,2}", segment))


# ---------------------------------------------------------------------------------------------------------------
# Fuzzy keyword patterns built from the confusion table


@lru_cache(maxsize=1)
def _confusions() -> dict[str, tuple[str, tuple[str, ...]]]:
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for row in _rows("confusions.tsv"):
        row += [""] * (3 - len(row))
        letter, singles, multis = row[:3]
        # Singles are matched against folded text, so fold them too (é → e, đ → d), and lower-case.
        folded = "".join(sorted(set(fold_lower(singles)) - {letter}))
        out[letter] = (folded, tuple(m for m in multis.split(",") if m))
    return out


def _letter_class(ch: str, confusions: dict[str, tuple[str, tuple[str, ...]]]) -> str:
    if ch not in confusions:
        return re.escape(ch)
    singles, multis = confusions[ch]
    cls = "[" + re.escape(ch + singles) + "]"
    return f"(?:{cls}|{'|'.join(map(re.escape, multis))})" if multis else cls


@lru_cache(maxsize=None)
def fuzzy_first_letters(phrases: Iterable[str]) -> str:
    """A character class of the letters `fuzzy_pattern`'s patterns of these phrases can open with (a word's first
    letter is itself, or P for Đ): a pattern that looks ahead for one is scanned far faster by `re`."""
    letters = {fold_lower(phrase).strip()[:1] for phrase in phrases} - {""}
    if "d" in letters:
        letters.add("p")
    return "[" + "".join(sorted(re.escape(letter) for letter in letters)) + "]"


def fuzzy_pattern(phrase: str) -> str:
    """A regex (for folded, lower-cased text) that matches `phrase` as generic OCR tends to print it.

    `Kế hoạch` → matches `ke hoach`, `k& hoach`, `k¢ hoach` (after folding); spaces match any run of whitespace,
    including a line break. The first letter of each word must be itself (keeps the patterns selective), but for an Đ read as P.
    """
    confusions = _confusions()
    words = fold_lower(phrase).split()
    parts = []
    for word in words:
        if len(word) == 2 and word[1] in "aeiouy" and word[0] != "d":
            # a two-letter word whose vowel OCR dropped: "B luật" for "Bộ luật", "B Chính trị"
            parts.append(re.escape(word[0]) + "(?:" + _letter_class(word[1], confusions) + ")?")
            continue
        chars = []
        for i, ch in enumerate(word):
            if i == 0 and ch == "d":  # Đ opening a word is often read as P ("Pé an", "QP")
                chars.append("[dp]")
                continue
            chars.append(re.escape(ch) if i == 0 else _letter_class(ch, confusions))
        parts.append("".join(chars))
    return r"\s+".join(parts)
