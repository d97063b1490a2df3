"""Laws cited by name: the table of laws (`nlp/data/laws.tsv`, built by `python -m nlp.laws_build`) and the
resolution of a named citation (`Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015`) to the law's
số/ký hiệu (77/2015/QH13).

A name is compared with the table's names fuzzily (diacritics folded, OCR garble tolerated); the date the text gives,
or its year, or the citing letter's date (the version in force then) chooses between the laws of that name. When the
name is unknown, or the evidence leaves more than one law, there is no resolution: a number is never guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .text import fold_lower

COLUMNS = ("symbol", "kind", "name", "passed", "in_force", "replaces", "amends", "english", "source")
KINDS = ("Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh", "Nghị quyết")


@dataclass(frozen=True)
class Law:
    symbol: str  # "77/2015/QH13"; empty for a law whose text carries no number (the Constitutions)
    kind: str  # Luật, Bộ luật, Hiến pháp, Pháp lệnh, Nghị quyết
    name: str  # as enacted, with its kind word: "Luật Tổ chức chính quyền địa phương"
    passed: str | None  # ISO date the National Assembly (or its Standing Committee) passed it
    in_force: str | None
    replaces: tuple[str, ...]
    amends: tuple[str, ...]
    english: tuple[str, ...]

    @property
    def key(self) -> str:
        return name_key(self.name)

    @property
    def amending(self) -> bool:
        return is_amending(self.name)


@dataclass(frozen=True)
class Resolution:
    law: Law
    confidence: float  # in [0, 1]
    how: str  # "date", "in force date", "year of the date", "year", "in force", "in force (passed, not yet in
    # force)", "name"; + ", fuzzy" when the name matched only approximately


# --- the table ----------------------------------------------------------------------------------------------------

# Terms of the National Assembly (and of its Standing Committee): a symbol's QHn / UBTVQHn must fit the date.
# (first month, last month), inclusive: a term's last session and the next one's first may share a month.
LEGISLATURES = {
    9: ("1992-07", "1997-09"),
    10: ("1997-07", "2002-07"),
    11: ("2002-07", "2007-07"),
    12: ("2007-07", "2011-07"),
    13: ("2011-07", "2016-07"),
    14: ("2016-07", "2021-07"),
    15: ("2021-07", "2026-07"),
    16: ("2026-03", "2031-07"),
}
_NEW_SYMBOL = re.compile(r"(?P<n>\d{1,3})/(?P<y>(?:19|20)\d\d)/(?P<pl>PL-)?(?P<body>UBTVQH|QH)(?P<term>\d{1,2})")
_OLD_SYMBOL = re.compile(r"\d{1,3}-?L(?:CT)?/(?:CTN|H[ĐD]NN\d{1,2})")


def table_path(name: str = "laws.tsv") -> Path:
    return Path(str(resources.files("nlp").joinpath("data", name)))


def symbol_year(symbol: str) -> int | None:
    match = _NEW_SYMBOL.fullmatch(symbol)
    return int(match.group("y")) if match else None


def symbol_term(symbol: str) -> int | None:
    match = _NEW_SYMBOL.fullmatch(symbol)
    return int(match.group("term")) if match else None


def valid_symbol(symbol: str) -> bool:
    return bool(_NEW_SYMBOL.fullmatch(symbol) or _OLD_SYMBOL.fullmatch(symbol))


def kind_of_symbol(symbol: str, kind: str | None) -> str | None:
    """The kind a symbol allows: a UBTVQH number is an ordinance (or a Standing Committee resolution), a QH number
    a law, a code or a National Assembly resolution."""
    match = _NEW_SYMBOL.fullmatch(symbol)
    if match is None:
        return kind if _OLD_SYMBOL.fullmatch(symbol) and kind in ("Luật", "Bộ luật", "Pháp lệnh") else None
    if match.group("body") == "UBTVQH":
        return kind if kind in ("Pháp lệnh", "Nghị quyết") else None
    return kind if kind in ("Luật", "Bộ luật", "Nghị quyết", "Hiến pháp") else None


def is_amending(name: str) -> bool:
    return bool(re.search(r"(?<![\w])(?:sua doi|bo sung)(?![\w])", fold_lower(name)))


_KEY_DROP = [
    (re.compile(r"\bso\s*:?\s*\d{1,3}\s*/\s*\d{4}\s*/\s*[a-z0-9-]+"), " "),  # an embedded "số 100/2015/QH13"
    (re.compile(r"\b(?:nam\s+)?(?:19|20)\d\d\b"), " "),  # "năm 2013", "2015"
    (re.compile(r"\bnuoc\s+cong\s+hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam\b"), " "),
    (re.compile(r"\bchxhcn\s+viet\s+nam\b"), " "),
    (re.compile(r"[^\w\s]|_"), " "),
]


@lru_cache(maxsize=4096)
def name_key(name: str) -> str:
    """Folded comparison key: `Luật sửa đổi, bổ sung một số điều của Bộ luật Hình sự số 100/2015/QH13` →
    `luat sua doi bo sung mot so dieu cua bo luat hinh su`; `Hiến pháp nước CHXHCN Việt Nam năm 2013` →
    `hien phap`."""
    key = fold_lower(" ".join(name.split()))
    for pattern, repl in _KEY_DROP:
        key = pattern.sub(repl, key)
    return " ".join(key.split())


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(",") if part.strip())


def read_table(path: Path | None = None) -> list[tuple[Law, str]]:
    """(law, source) rows of a table file in the laws.tsv format."""
    path = path or table_path()
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    out = []
    for row in csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        row = [cell.strip() for cell in row] + [""] * (len(COLUMNS) - len(row))
        symbol, kind, name, passed, in_force, replaces, amends, english, source = row[: len(COLUMNS)]
        law = Law(symbol, kind, name, passed or None, in_force or None, _split(replaces), _split(amends),
                  _split(english))
        out.append((law, source))
    return out


def write_table(path: Path, rows: list[tuple[Law, str]], header: str) -> None:
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines.append("# " + "\t".join(COLUMNS))
    for law, source in rows:
        cells = [law.symbol, law.kind, law.name, law.passed or "", law.in_force or "", ",".join(law.replaces),
                 ",".join(law.amends), ",".join(law.english), source]
        lines.append("\t".join(cells))
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)


@lru_cache(maxsize=1)
def laws() -> tuple[Law, ...]:
    return tuple(law for law, _ in read_table())


@lru_cache(maxsize=1)
def _by_symbol() -> dict[str, Law]:
    return {law.symbol: law for law in laws() if law.symbol}


def by_symbol(symbol: str) -> Law | None:
    """The law of a số/ký hiệu (`77/2015/QH13`; spaces inside are ignored), or None."""
    return _by_symbol().get("".join(symbol.split()))


# --- consistency --------------------------------------------------------------------------------------------------


def _month(iso: str) -> str:
    return iso[:7]


_SEQUENCE = {"Luật": "laws", "Bộ luật": "laws", "Pháp lệnh": "ordinances", "Nghị quyết": "resolutions"}
NUMBER_ORDER_SLACK = 45  # days: the numbers of one session need not follow the days of its votes
# days after its passing before which a law whose entry into force the table lacks is not taken as in force: a law
# enters into force no sooner than 45 days after it is passed, save by the shortened procedure (Luật Ban hành văn bản
# quy phạm pháp luật 2015, Điều 151); of the table's 193 laws with both dates, 95% entered into force 45 days or
# more after their passing (median 214)
EARLIEST_IN_FORCE = 45


def numbered_sequences(rows: Iterable[Law]) -> list[list[tuple[int, Law]]]:
    """The laws of each numbering sequence (a legislature's laws and codes, its ordinances, its resolutions), each
    with its number: `84/2025/QH15` is (84, …) in QH15's laws."""
    groups: dict[tuple[int, str], list[tuple[int, Law]]] = {}
    for law in rows:
        match = _NEW_SYMBOL.fullmatch(law.symbol or "")
        if match is not None and law.kind in _SEQUENCE:
            key = (int(match.group("term")), _SEQUENCE[law.kind])
            groups.setdefault(key, []).append((int(match.group("n")), law))
    return list(groups.values())


def numbering_problems(rows: list[Law]) -> dict[str, str]:
    """Symbols whose number breaks the order of dates in their legislature (laws and codes share one sequence,
    ordinances another): `58/2025/QH15` cannot be passed in 2025 when 60/2024/QH15 was passed in 2024. A row
    without its date counts as passed some day of its symbol's year."""
    groups: list[list[tuple[int, dt.date, dt.date, Law]]] = []
    for sequence in numbered_sequences(rows):
        group = []
        for n, law in sequence:
            if law.passed:
                lo = hi = dt.date.fromisoformat(law.passed)
            else:
                year = int(law.symbol.split("/")[1])
                lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
            group.append((n, lo, hi, law))
        groups.append(group)
    out: dict[str, str] = {}
    slack = dt.timedelta(days=NUMBER_ORDER_SLACK)
    for group in groups:
        group.sort(key=lambda item: (item[0], item[1]))
        for i, (n, lo, _hi, law) in enumerate(group):
            for m, _lo, other_hi, other in group[i + 1 :]:
                # the slack covers a session's votes out of number order; a year known alone is slack enough
                if m > n and other_hi + (slack if law.passed and other.passed else dt.timedelta(0)) < lo:
                    when = law.passed or law.symbol.split("/")[1]
                    out[law.symbol] = f"numbered before {other.symbol} but passed ({when}) after it"
                    out.setdefault(other.symbol, f"numbered after {law.symbol} but passed before it")
    return out


CHECKS = (
    "well-formed rows",
    "one number per name and date",
    "symbol year = year passed",
    "legislature sat on the date",
    "one row per symbol",
    "replaced and amended laws are older",
    "numbers follow the dates within a legislature",
)


def check_report(rows: list[Law]) -> dict[str, list[str]]:
    """The consistency checks of a table, each with its problems (one line each; none for a sound table): one
    number per (name, date); a symbol's year is the year its law was passed; its legislature (QHn, UBTVQHn) sat on
    that date; no two rows share a symbol; replaced and amended laws are older; the numbers of a legislature grow
    with the dates (`numbering_problems`); and every row well-formed (known kind, name opening with it, ISO dates,
    in force not before passed, a row without a symbol has a name and a date). The builder prints it before
    writing the table; the tests run it on the committed table."""
    out: dict[str, list[str]] = {check: [] for check in CHECKS}
    form, name_date, year_check, term_check, unique, order = (out[c] for c in CHECKS[:6])
    seen_symbol: dict[str, Law] = {}
    seen_name_date: dict[tuple[str, str], Law] = {}
    known = {law.symbol: law for law in rows if law.symbol}
    for law in rows:
        label = law.symbol or f"{law.name} ({law.passed})"
        if law.kind not in KINDS:
            form.append(f"{label}: unknown kind {law.kind!r}")
        if not law.name.startswith(law.kind):
            form.append(f"{label}: name {law.name!r} does not open with its kind")
        for field in ("passed", "in_force"):
            value = getattr(law, field)
            if value is not None:
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    form.append(f"{label}: {field} {value!r} is not an ISO date")
        if law.passed and law.in_force and law.in_force < law.passed:
            form.append(f"{label}: in force {law.in_force} before passed {law.passed}")
        if law.symbol:
            if not valid_symbol(law.symbol):
                form.append(f"{label}: malformed symbol")
            if kind_of_symbol(law.symbol, law.kind) is None:
                form.append(f"{label}: kind {law.kind} does not fit the symbol")
            if law.symbol in seen_symbol:
                unique.append(f"{label}: symbol twice ({seen_symbol[law.symbol].name} / {law.name})")
            seen_symbol[law.symbol] = law
            year, term = symbol_year(law.symbol), symbol_term(law.symbol)
            if law.passed and year is not None and int(law.passed[:4]) != year:
                year_check.append(f"{label}: passed {law.passed} is not in the symbol's year")
            if law.passed and term is not None:
                span = LEGISLATURES.get(term)
                if span is None or not span[0] <= _month(law.passed) <= span[1]:
                    term_check.append(f"{label}: legislature {term} did not sit on {law.passed}")
        elif not (law.name and law.passed):
            form.append(f"{label}: a row without a symbol needs a name and a date")
        if law.passed:
            nd = (law.key, law.passed)
            if nd in seen_name_date:
                first = seen_name_date[nd]
                name_date.append(f"{label}: same name and date as {first.symbol or first.name}")
            seen_name_date[nd] = law
        for field in ("replaces", "amends"):
            for other in getattr(law, field):
                if not valid_symbol(other):
                    form.append(f"{label}: {field} {other!r} is not a symbol")
                elif other == law.symbol:
                    order.append(f"{label}: {field} itself")
                elif other in known and known[other].passed and law.passed and known[other].passed > law.passed:
                    order.append(f"{label}: {field} {other}, which is younger")
    for symbol, why in sorted(numbering_problems(rows).items()):
        out[CHECKS[6]].append(f"{symbol}: {why}")
    return out


def check_table(rows: list[Law]) -> list[str]:
    """Every problem `check_report` finds, one line each (an empty list for a sound table)."""
    return [line for problems in check_report(rows).values() for line in problems]


# --- resolution ---------------------------------------------------------------------------------------------------

_KIND_KEYS = {"hien phap": "Hiến pháp", "bo luat": "Bộ luật", "phap lenh": "Pháp lệnh", "nghi quyet": "Nghị quyết",
              "luat": "Luật"}
_YEAR_IN_TITLE = re.compile(r"(?:\bn\w{1,2}m\s+)?\b((?:19|20)\d\d)\s*\)?\s*$")
_TRAILING_VIET_NAM = re.compile(r"(?<=\w) viet nam$")
_AMEND_WORDS = re.compile(r"\b(?:sua doi|bo sung|mot so dieu|mot so noi dung|cua)\b")


def _kind_of_key(key: str) -> str | None:
    prefix = _kind_prefix(key)
    return _KIND_KEYS[prefix] if prefix else None


def _kind_prefix(key: str) -> str | None:
    for prefix in _KIND_KEYS:
        if key == prefix or key.startswith(prefix + " "):
            return prefix
    return None


def match_key(name: str) -> str:
    """The key names are compared on: `name_key`, and for an amending law only its kind and the laws it lists
    (`Luật sửa đổi, bổ sung một số điều của Luật A` and `Luật sửa đổi, bổ sung Luật A` are one name)."""
    key = _TRAILING_VIET_NAM.sub("", name_key(name))  # "Bộ luật Hàng hải Việt Nam" is "Bộ luật Hàng hải"
    if not is_amending(key):
        return key
    kind = _kind_prefix(key) or ""
    rest = " ".join(_AMEND_WORDS.sub(" ", key[len(kind) :]).split())
    return f"{kind} sua doi {rest}".strip()


def _year(law: Law) -> int | None:
    return int(law.passed[:4]) if law.passed else symbol_year(law.symbol)


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[Law, ...]]:
    out: dict[str, list[Law]] = {}
    for law in laws():
        out.setdefault(match_key(law.name), []).append(law)
    return {key: tuple(sorted(group, key=_order)) for key, group in out.items()}


def _order(law: Law) -> str:
    return law.passed or f"{_year(law) or 0:04d}-07-01"


def _similarity(a: str, b: str) -> float:
    from rapidfuzz.distance import Levenshtein

    return 1.0 if a == b else Levenshtein.normalized_similarity(a, b)


def _repair(key: str) -> str:
    """OCR's commonest slips in a folded key: `1o chuc` → `to chuc`; `0` inside a word → `o`; `1` → `i`."""
    key = re.sub(r"(?<![\w])1(?=[a-z])", "t", key)
    key = re.sub(r"(?<=[a-z])0|0(?=[a-z])", "o", key)
    key = re.sub(r"(?<=[a-z])[1l|](?=[a-z])", lambda m: "i" if m.group(0) != "l" else "l", key)
    return key


@lru_cache(maxsize=8192)  # an archive names the same few dozen laws over and over
def _candidates(key: str) -> tuple[tuple[tuple[float, str], ...], str]:
    """Table keys the query key may be, best first, with their similarity; and how it matched ("" when exactly,
    ", fuzzy" otherwise). A fuzzy match brings every name within one slip more than the best one along as a rival,
    so that a garbled short name never silently picks one of two neighbours (`Luật Đầu tư` / `Luật Đấu thầu`)."""
    from rapidfuzz.distance import Levenshtein

    index = _index()
    if key in index:
        return ((1.0, key),), ""
    repaired = _repair(key)
    if repaired in index:
        return ((0.99, repaired),), ", fuzzy"
    kind = _kind_of_key(repaired)
    scored = []
    for other in index:
        if _kind_of_key(other) != kind:
            continue
        slips = Levenshtein.distance(repaired, other)
        # One slip in a name shorter than 20 letters; about one in eight in a longer one.
        if slips <= (1 if len(other) < 20 else max(2, round(len(other) / 8))):
            scored.append((slips, other))
    if not scored:
        return (), ""
    best = min(slips for slips, _ in scored)
    near = [(slips, other) for other in index if _kind_of_key(other) == kind
            and (slips := Levenshtein.distance(repaired, other)) <= best + 1]
    near.sort()
    return tuple((round(1.0 - slips / max(len(repaired), len(other)), 3), other) for slips, other in near), ", fuzzy"


@lru_cache(maxsize=1)
def _replacers() -> dict[str, tuple[Law, ...]]:
    """Symbol → the laws that replaced it (whatever their names: Luật Hoạt động giám sát của Quốc hội và Hội đồng
    nhân dân replaced Luật Hoạt động giám sát của Quốc hội)."""
    out: dict[str, list[Law]] = {}
    for law in laws():
        for old in law.replaces:
            out.setdefault(old, []).append(law)
    return {symbol: tuple(group) for symbol, group in out.items()}


def _passed_by(law: Law, on: str) -> bool | None:
    """Whether `law` was passed on or before `on`; None when only its year is known, it is that year and the laws
    numbered around it do not tell (`_passed_within`)."""
    if law.passed:
        return law.passed <= on
    earliest, latest = _passed_within().get(law.symbol or "", (None, None))
    if latest is not None and latest <= on:
        return True
    if earliest is not None and earliest > on:
        return False
    year = _year(law)
    if year is None or year == int(on[:4]):
        return None
    return year < int(on[:4])


@lru_cache(maxsize=1)
def _passed_within() -> dict[str, tuple[str | None, str | None]]:
    """Symbol → (earliest, latest) day a law the table has no date for can have been passed, from the laws numbered
    around it in its legislature's sequence: `84/2025/QH15` is numbered before 89/2025/QH15, passed 2025-06-25, so
    it was passed by then — give or take a session's votes out of number order (NUMBER_ORDER_SLACK)."""
    slack = dt.timedelta(days=NUMBER_ORDER_SLACK)
    out: dict[str, tuple[str | None, str | None]] = {}
    for group in numbered_sequences(laws()):
        dated = sorted((n, dt.date.fromisoformat(law.passed)) for n, law in group if law.passed)
        for n, law in group:
            if law.passed:
                continue
            before = [day for m, day in dated if m < n]
            after = [day for m, day in dated if m > n]
            out[law.symbol] = ((max(before) - slack).isoformat() if before else None,
                               (min(after) + slack).isoformat() if after else None)
    return out


def _not_yet_in_force(law: Law, on: str) -> bool:
    """Whether a law passed by `on` may not be in force then: its entry into force is later, or the table lacks it
    and `on` is within EARLIEST_IN_FORCE days of its passing (Luật Đầu tư 143/2025/QH15, passed 2025-12-11, is
    not what a letter of 2026-01-17 means by `Luật Đầu tư`)."""
    if law.in_force:
        return law.in_force > on
    if not law.passed:
        return False
    return on < (dt.date.fromisoformat(law.passed) + dt.timedelta(days=EARLIEST_IN_FORCE)).isoformat()


def _current(versions: tuple[Law, ...], on: str) -> list[Law] | None:
    """The versions in force on `on`: passed on or before it and replaced by no law then passed (a later law of the
    same name replaces an earlier one, unless it is an amending law). None when a version, or a law replacing one,
    is known only by its year and that is the year of `on`: which was in force cannot then be told."""
    if any(_passed_by(law, on) is None for law in versions):
        return None
    passed = [law for law in versions if _passed_by(law, on)]
    out = []
    for law in passed:
        replacers = _replacers().get(law.symbol, ()) if law.symbol else ()
        if any(_passed_by(other, on) is None for other in replacers):
            return None
        if any(_passed_by(other, on) for other in replacers):
            continue
        if not law.amending and any(_order(other) > _order(law) and not other.amending and other.key == law.key
                                    for other in passed):
            continue
        out.append(law)
    return out


def resolve(title: str, *, date: str | None = None, year: int | None = None,
            citing_date: str | None = None, not_before: str | None = None) -> Resolution | None:
    """The law a named citation means, or None when the name is unknown or the evidence leaves a choice.

    `date`: the date the text gives for the law (ISO); `year`: the year it gives (`Luật Đất đai năm 2024`);
    `citing_date`: the citing letter's date, for the version in force then. With a date, the law of that name
    passed that day; with a year, passed that year; with neither, the version in force on the citing date (the
    latest passed on or before it that no other has replaced; none between a new version's passing and its entry
    into force, when the old one still is); with no citing date but `not_before` (the citing document is undated,
    and no older than the latest document it cites), the version in force then when no version of the name was
    passed after it — it is in force on every later day too; else only a name the table holds once."""
    if not title or not title.strip():
        return None
    if year is None and date is None:
        found = _YEAR_IN_TITLE.search(fold_lower(" ".join(title.split())))
        if found:
            year = int(found.group(1))
    key = match_key(title)
    if _kind_of_key(key) is None or (key in _KIND_KEYS and key != "hien phap"):
        return None  # a kind word alone names nothing (but "Hiến pháp" names the Constitution)
    scored, fuzzy = _candidates(key)
    if not scored:
        return None
    best = scored[0][0]
    # Every name `_candidates` gave is a rival: the date, year or citing date must then decide among their laws.
    versions = tuple(law for _, k in scored for law in _index()[k])

    def pick(found: list[Law] | None, how: str, base: float) -> Resolution | None:
        if not found or len(found) != 1:
            return None
        return Resolution(found[0], round(max(0.0, min(1.0, base * best)), 3), how + fuzzy)

    if date:
        on_day = [law for law in versions if law.passed == date]
        if on_day:
            return pick(on_day, "date", 0.99)
        if any(law.in_force == date for law in versions):
            return pick([law for law in versions if law.in_force == date], "in force date", 0.85)
        # The day is not the day any version was passed (a misprint, or a version the table knows only by year).
        same_year = [law for law in versions if _year(law) == int(date[:4])]
        if same_year and all(law.passed is None for law in same_year):
            return pick(same_year, "year of the date", 0.8)
        return None
    if year is not None:
        return pick([law for law in versions if _year(law) == year], "year", 0.95)
    if citing_date:
        current = _current(versions, citing_date)
        if current and len(current) == 1 and _not_yet_in_force(current[0], citing_date):
            # Passed but not yet in force: the version it replaces still is, and the letter may mean either.
            law = current[0]
            if any(_order(other) < _order(law) and other.key == law.key and not other.amending for other in versions):
                return None
            return pick(current, "in force (passed, not yet in force)", 0.7)
        return pick(current, "in force", 0.9)
    if not_before:
        current = _current(versions, not_before)
        if current and len(current) == 1 and (not current[0].in_force or current[0].in_force <= not_before) and \
                all(_passed_by(other, not_before) for other in versions if other is not current[0]) and \
                all(_passed_by(other, not_before) for other in _replacers().get(current[0].symbol or "", ())):
            return pick(current, "in force since", 0.85)
    return pick(list(versions), "name", 0.85)


def versions(title: str) -> tuple[Law, ...]:
    """Every version of the law a name means (all of `Luật Đất đai`'s), oldest first: () when the name is unknown,
    is a kind word alone, or fits two names equally well. A year in the name keeps that year's versions."""
    found = _YEAR_IN_TITLE.search(fold_lower(" ".join(title.split())))
    key = match_key(title[: found.start()] if found else title)
    if _kind_of_key(key) is None or (key in _KIND_KEYS and key != "hien phap"):
        return ()
    scored, _fuzzy = _candidates(key)
    best = [k for score, k in scored if score == scored[0][0]] if scored else []
    if len(best) != 1:
        return ()
    out = _index()[best[0]]
    return tuple(law for law in out if _year(law) == int(found.group(1))) if found else out


def english_laws() -> dict[str, str]:
    """Folded English name → the law's Vietnamese name (`land law` → `Luật Đất đai`)."""
    return dict(_english_laws())


@lru_cache(maxsize=1)
def _english_laws() -> tuple[tuple[str, str], ...]:
    return tuple({" ".join(fold_lower(english).split()): law.name for law in laws() for english in law.english}.items())


def english_names(on: str | None = None) -> dict[str, str]:
    """Folded English name → symbol (or name, for a law without one) of the version in force today (or on the ISO
    date `on`): `land law` → 31/2024/QH15, for queries such as "the Land Law"."""
    return dict(_english_names(on or dt.date.today().isoformat()))


@lru_cache(maxsize=8)
def _english_names(today: str) -> tuple[tuple[str, str], ...]:
    groups: dict[str, list[Law]] = {}
    for law in laws():
        for english in law.english:
            groups.setdefault(" ".join(fold_lower(english).split()), []).append(law)
    out: dict[str, str] = {}
    for english, group in groups.items():
        current = _current(tuple(sorted(group, key=_order)), today) or group
        law = max(current, key=_order)
        out[english] = law.symbol or law.name
    return tuple(out.items())
