"""From sightings to rows: the majority name and date of each symbol, the misread symbols dropped by consistency,
and which law replaces or amends which."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..laws import (
    LEGISLATURES,
    Law,
    is_amending,
    kind_of_symbol,
    name_key,
    numbering_problems,
    symbol_term,
    symbol_year,
)
from .corpus import Mined, Sighting
from .names import LIST_SPLIT, SYMBOL_RE

@dataclass(frozen=True)
class Candidate:
    symbol: str
    kind: str
    name: str
    key: str
    passed: str | None
    in_force: str | None
    support: float  # total weight of the sightings that agree with the chosen name
    sightings: int
    dated_by: str  # "number" (a date the corpus prints with the number), "name+year", "amended laws", "hand", ""


def _best(votes: Counter):
    return max(votes.items(), key=lambda kv: (kv[1], str(kv[0])))[0] if votes else None


def _display(names: Counter) -> str:
    """The most frequent spelling; on a tie the one with more capitals (proper nouns kept)."""
    return max(names.items(), key=lambda kv: (kv[1], sum(ch.isupper() for ch in kv[0]), kv[0]))[0]


def _term_fits_year(symbol: str) -> bool:
    year, term = symbol_year(symbol), symbol_term(symbol)
    if year is None or term is None:
        return True
    span = LEGISLATURES.get(term)
    return span is not None and int(span[0][:4]) <= year <= int(span[1][:4])


def candidates(mined: Mined, log) -> list[Candidate]:
    by_symbol: dict[str, list[Sighting]] = defaultdict(list)
    for s in mined.sightings:
        by_symbol[s.symbol].append(s)
    dated: dict[tuple[str, int], Counter] = defaultdict(Counter)  # (key, year) -> dates
    for (_kind_, key, _name_, date), n in mined.dated_names.items():
        dated[(key, int(date[:4]))][date] += n
    readings: dict[str, Counter] = {}
    kinds: dict[str, str] = {}
    shared: set[str] = set()  # symbols a resolution of the Assembly shares with a law
    for sym, sights in by_symbol.items():
        votes = Counter(s.kind for s in sights if s.kind)
        kind = kind_of_symbol(sym, _best(votes))
        if kind == "Nghị quyết":
            # The Assembly numbered its resolutions apart from its laws (55/2010/QH12 is a resolution on the
            # land-use tax and Luật An toàn thực phẩm): the law is kept where it is named, twice at least.
            votes.pop("Nghị quyết")
            kind = kind_of_symbol(sym, _best(votes)) if votes else None
            shared.add(sym)
        if kind is None or not _term_fits_year(sym):
            continue
        keys: Counter = Counter()
        for s in sights:
            if s.key and s.key.startswith(name_key(kind)):
                keys[s.key] += s.weight
        if keys and (sym not in shared or sum(keys.values()) >= 2):
            readings[sym], kinds[sym] = keys, kind
    chosen = {sym: _best(keys) for sym, keys in readings.items()}
    # A law that the corpus says amends another of the same name is an amending law that the text cited by the
    # name of what it amends ("Luật Xây dựng số 62/2020/QH14"): take its amending reading, or drop it.
    targets: dict[str, set[str]] = defaultdict(set)
    for (by, target), _n in mined.amended.items():
        targets[by].add(target)
    for sym, key in list(chosen.items()):
        if is_amending(key) or not any(chosen.get(t) == key for t in targets[sym]):
            continue
        amending = Counter({k: w for k, w in readings[sym].items() if is_amending(k)})
        if amending:
            chosen[sym] = _best(amending)
            log(f"  {sym}: amends a law of its cited name; named {chosen[sym]!r}")
        else:
            del chosen[sym]
            log(f"  dropped {sym} ({key}): amends a law of that name, and the corpus never gives its own name")
    out = []
    for sym, key in chosen.items():
        sights, kind, year = by_symbol[sym], kinds[sym], symbol_year(sym)
        names = Counter(s.name for s in sights if s.key == key and s.name)
        if not names:
            continue
        dates: Counter = Counter()
        # (of a shared symbol, only the law's own sightings: the unnamed ones may be the resolution's)
        own = (key,) if sym in shared else (None, key)
        for s in sights:
            if s.date and (year is None or int(s.date[:4]) == year) and s.key in own:
                dates[s.date] += s.weight
        dated_by = "number" if dates else ""
        if not dates and year is not None and dated.get((key, year)):
            dates, dated_by = dated[(key, year)], "name+year"
        passed = _best(dates)
        forces = Counter(s.in_force for s in sights if s.in_force and (passed is None or s.in_force >= passed))
        out.append(Candidate(sym, kind, _display(names), key, passed, _best(forces), readings[sym][key], len(sights),
                             dated_by))
    return out + _name_amenders(mined, by_symbol, out, targets, log)


def _name_amenders(mined: Mined, by_symbol: dict[str, list[Sighting]], named: list[Candidate],
                   targets: dict[str, set[str]], log) -> list[Candidate]:
    """Amending laws the corpus cites only by number (`… đã được sửa đổi, bổ sung theo Luật số 47/2019/QH14`)
    and elsewhere only by name and date (`Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ
    chức chính quyền địa phương ngày 22 tháng 11 năm 2019`): the number and the name are one law when the year
    agrees and the laws the name lists (each the version in force on that date) are exactly the laws the number
    is said to amend."""
    known = {c.symbol: c for c in named}
    by_key: dict[str, list[Candidate]] = defaultdict(list)
    for c in named:
        by_key[c.key].append(c)
    dated_names: dict[tuple[str, str], tuple[str, str]] = {}
    for (kind, key, name, date), _n in mined.dated_names.items():
        if is_amending(key) and (key, date) not in dated_names:
            dated_names[(key, date)] = (kind, name)
    claimed = {(c.key, c.passed) for c in named}
    matches: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for sym, amended in targets.items():
        year = symbol_year(sym)
        amended = {t for t in amended if t in known}
        if sym in known or year is None or not amended or kind_of_symbol(sym, "Luật") is None:
            continue
        for (key, date), (kind, name) in dated_names.items():
            if int(date[:4]) != year or (key, date) in claimed:
                continue
            listed = _listed_versions(name, date, by_key)
            if listed is not None and listed == amended:
                matches[sym].append((kind, name, key, date))
    out = []
    for sym, found in matches.items():
        if len(found) != 1:
            continue
        kind, name, key, date = found[0]
        forces = Counter(s.in_force for s in by_symbol[sym] if s.in_force and s.in_force >= date)
        out.append(Candidate(sym, kind, name, key, date, _best(forces), 1.0, len(by_symbol[sym]), "amended laws"))
        log(f"  {sym}: named {name!r} ({date}): the laws it amends are the laws that name lists")
    return out


def _listed_versions(name: str, date: str, by_key: dict[str, list[Candidate]]) -> set[str] | None:
    """The symbols of the laws an amending name lists, each the latest passed before `date`; None when one is
    unknown."""
    match = re.search(r"\bcủa\s+(.*)$", name)
    if match is None:
        return None
    out = set()
    for part in LIST_SPLIT.split(match.group(1)):
        numbered = SYMBOL_RE.search(part)
        if numbered:
            out.add(numbered.group(0))
            continue
        versions = [c for c in by_key.get(name_key(part), []) if c.passed and c.passed < date]
        if not versions:
            return None
        out.add(max(versions, key=lambda c: c.passed).symbol)
    return out


def _strength(c: Candidate) -> tuple:
    return (c.support, c.passed is not None, c.in_force is not None, c.sightings, c.symbol)


def _number(symbol: str) -> str:
    return symbol.split("/")[0].lstrip("0")


def prune(cands: list[Candidate], log) -> list[Candidate]:
    """Drop the misread symbols: for one name, one symbol per year, one per date and one per number (the best
    supported stays); within a legislature, numbers that break the order of dates."""
    keep = list(cands)
    rules = (
        ("same name and year", lambda c: (c.key, symbol_year(c.symbol))),
        ("same name and date", lambda c: (c.key, c.passed)),
        ("same name and number", lambda c: (c.key, _number(c.symbol)) if symbol_year(c.symbol) else (c.key, None)),
    )
    for label, group_of in rules:
        groups: dict[object, list[Candidate]] = defaultdict(list)
        for c in keep:
            g = group_of(c)
            if g[1] is not None:
                groups[g].append(c)
        dropped = set()
        for group in groups.values():
            if len(group) > 1:
                group.sort(key=_strength, reverse=True)
                for c in group[1:]:
                    dropped.add(c.symbol)
                    log(f"  dropped {c.symbol} ({c.name}, support {c.support:g}): {label} as {group[0].symbol}")
        keep = [c for c in keep if c.symbol not in dropped]
    while True:
        bad = numbering_problems([Law(c.symbol, c.kind, c.name, c.passed, c.in_force, (), (), ()) for c in keep])
        if not bad:
            break
        weakest = min((c for c in keep if c.symbol in bad), key=_strength)
        log(f"  dropped {weakest.symbol} ({weakest.name}, {weakest.passed or 'undated'}, support "
            f"{weakest.support:g}): {bad[weakest.symbol]}")
        keep = [c for c in keep if c.symbol != weakest.symbol]
    return keep


def relations(rows: list[Candidate], mined: Mined, log) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(replaces, amends) by symbol, among the rows kept (and older symbols the corpus names)."""
    rows = [c for c in rows if c.symbol]  # a law without a number (a Constitution) is linked by hand
    by_sym = {c.symbol: c for c in rows}
    replaces: dict[str, set[str]] = defaultdict(set)
    amends: dict[str, set[str]] = defaultdict(set)

    def older(a: str, b: str) -> bool:  # b was passed before a
        pa, pb = by_sym[a].passed if a in by_sym else None, by_sym[b].passed if b in by_sym else None
        ya, yb = symbol_year(a), symbol_year(b)
        if pa and pb:
            return pb < pa
        return ya is not None and yb is not None and yb <= ya

    explicit = 0
    for (new, old), _n in mined.replaced.items():
        if new in by_sym and old != new and older(new, old) and not by_sym[new].name.startswith("Luật sửa đổi"):
            replaces[new].add(old)
            explicit += 1
    by_key_date = {(c.key, c.passed): c.symbol for c in rows if c.passed}
    for (new, key, date), _n in mined.replaced_names.items():
        old = by_key_date.get((key, date))
        if new in by_sym and old and old != new and older(new, old):
            replaces[new].add(old)
            explicit += 1
    # A law of the same name, passed later, replaces the earlier one (amending laws excepted).
    succession = 0
    by_key: dict[str, list[Candidate]] = defaultdict(list)
    for c in rows:
        if not is_amending(c.name):
            by_key[c.key].append(c)
    for group in by_key.values():
        group.sort(key=lambda c: (c.passed or f"{symbol_year(c.symbol) or 0}-99", c.symbol))
        for prev, nxt in zip(group, group[1:]):
            if prev.symbol not in replaces[nxt.symbol] and not any(prev.symbol in replaces[o.symbol] for o in group):
                replaces[nxt.symbol].add(prev.symbol)
                succession += 1
    log(f"replaces: {explicit} links read from closing articles, {succession} from the succession of one name")
    # Amendments: the notes and "đã được sửa đổi, bổ sung theo Luật số …" (the amending law must call itself one),
    # then the amending law's own name.
    read = 0
    for (by, target), _n in mined.amended.items():
        if by in by_sym and by != target and is_amending(by_sym[by].name) and older(by, target):
            amends[by].add(target)
            read += 1
    named = 0
    for c in rows:
        if not is_amending(c.name) or amends[c.symbol]:
            continue
        for target in _amended_by_name(c, rows):
            amends[c.symbol].add(target)
            named += 1
    log(f"amends: {read} links read from the notes and amendment lists, {named} from the amending law's name")
    misread = 0
    for links in (replaces, amends):
        for sym in links:
            kept = {t for t in links[sym] if not _misread_target(t, by_sym)}
            misread += len(links[sym]) - len(kept)
            links[sym] = kept
    log(f"  {misread} links to misread symbols dropped")
    return replaces, amends


def _misread_target(symbol: str, rows: dict[str, Candidate]) -> bool:
    """A replaced or amended symbol that is not in the table and reads as a misprint of one that is (`50/2014/QH1`
    for 50/2014/QH13, `64/2023/QH15` for 64/2025/QH15), or whose legislature cannot have sat in its year."""
    if symbol in rows:
        return False
    if not _term_fits_year(symbol):
        return True
    year = symbol_year(symbol)
    if year is None:
        return False
    number, suffix = _number(symbol), symbol.split("/")[-1]
    for other in rows:
        if symbol_year(other) is None or _number(other) != number:
            continue
        if (symbol_year(other) == year) != (other.split("/")[-1] == suffix):
            return True
    return False


def _amended_by_name(law: Candidate, rows: list[Candidate]) -> list[str]:
    """The laws an amending law's name lists, each the version in force when it was passed (or by number)."""
    match = re.search(r"\bcủa\s+(.*)$", law.name)
    if match is None or law.passed is None:
        return []
    out = []
    for part in LIST_SPLIT.split(match.group(1)):
        numbered = SYMBOL_RE.search(part)
        if numbered:
            out.append(numbered.group(0))
            continue
        key = name_key(part)
        versions = [c for c in rows if c.key == key and c.passed and c.passed < law.passed and c.symbol != law.symbol]
        if versions:
            out.append(max(versions, key=lambda c: c.passed).symbol)
    return out
