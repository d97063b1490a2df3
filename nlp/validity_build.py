"""Build `nlp/data/validity.tsv` (what replaced, amended or repealed a national normative document, from when) from
the corpus's effect articles, the law table and a few hand rows.

    python -m nlp.validity_build [--corpus DIR] [--out FILE]

Forms read (in `legal-*` documents of `vi-text/*.txt.gz`):

- the document's own header and effect article: `Số: 45/2025/NĐ-CP`, `Nghị định này có hiệu lực thi hành kể từ
  ngày 01 tháng 7 năm 2025` (or `kể từ ngày ký`: its date);
- in its effect article, what it ends: `Nghị định này thay thế Nghị định số 12/2019/NĐ-CP …` (replaced), `Nghị
  định số 12/2019/NĐ-CP … hết hiệu lực kể từ ngày Nghị định này có hiệu lực` (replaced when of the same kind and
  issuer, else repealed), `bãi bỏ Thông tư số 5/2020/TT-BTC` (repealed), `bãi bỏ Điều 5 … Thông tư số …` and the
  title `sửa đổi, bổ sung một số điều của Nghị định số …` (amended);
- anywhere: `Luật số 65/2025/QH15 hết hiệu lực kể từ ngày Luật số 72/2025/QH15 có hiệu lực thi hành` and `Luật số
  72/2025/QH15 có hiệu lực thi hành từ ngày 16/6/2025` (the day it holds from).

The law table's `replaces` and `amends` (laws.tsv) and `nlp/data/validity-extra.tsv` (hand rows, for what the
corpus does not state) are added. The rows are then checked (`nlp.validity.check`): a row whose dates contradict
its documents (replaced before the replacer was issued, by an older document, outside the legislature) is dropped;
a document with two replacers keeps the first, and the later one becomes the replacer of the first (77/2015/QH13 →
65/2025/QH15 → 72/2025/QH15, where the law table says 72/2025/QH15 replaced 77/2015/QH13); a cycle is an error.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from . import laws
from .validity import ENDING, Event, check, read_table, table_path, write_table

DEFAULT_CORPUS = Path(os.environ.get("VANBAN_VI_TEXT", "/work/shared/data/vi-text"))
EXTRA = Path(__file__).parent / "data" / "validity-extra.tsv"

# National normative documents: laws and ordinances, the Government's decrees and resolutions, the Prime
# Minister's decisions, ministries' circulars (joint or not), the Supreme Court's council's resolutions.
SYMBOL = (r"\d{1,4}/(?:19|20)\d\d/(?:PL-UBTVQH\d{1,2}|UBTVQH\d{1,2}|QH\d{1,2}|NĐ-CP|NQ-CP|QĐ-TTg|NQ-HĐTP"
          r"|TTLT-[A-ZĐ]+(?:-[A-ZĐ]+)*|TT-[A-ZĐ]+(?:-[A-ZĐ]+)*)(?![\w/-])")
KIND = r"(?:Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết|Quyết định|Thông tư liên tịch|Thông tư)"
_REF = rf"(?:{KIND}\s+)?(?:[^.;\n]{{0,160}}?\s)?(?:số\s+)?(?P<{{g}}>{SYMBOL})"
_DAY = r"(?P<d>\d{1,2})(?:/| tháng )(?P<m>\d{1,2})(?:/| năm )(?P<y>(?:19|20)\d\d)"
_FORCE = r"có hiệu lực(?: thi hành)?(?: kể)? từ(?: ngày)?\s+"

_HEADER_SYMBOL = re.compile(rf"(?:^|\n)\s*(?:{KIND}\s+)?[Ss]ố\s*:\s*(?P<sym>{SYMBOL})")
_HEADER_DAY = re.compile(r",\s*ngày\s+" + _DAY)  # "Hà Nội, ngày 25 tháng 02 năm 2025" under the number
_OWN_FORCE = re.compile(rf"{KIND} này {_FORCE}(?:(?:{_DAY})|(?P<sign>ký))")
_SEEN_FORCE = re.compile(rf"(?<![\w/])(?P<sym>{SYMBOL})[^.;\n]{{0,40}}?\s{_FORCE}{_DAY}")
_ENDS_WHEN = re.compile(rf"(?<![\w/])(?P<old>{SYMBOL})[^.;\n]{{0,200}}?\shết hiệu lực(?: thi hành)?(?: kể)? từ"
                        rf"(?: ngày)?\s+(?:{KIND}\s+)?(?:số\s+)?(?:(?P<new>{SYMBOL})|(?P<this>này)) có hiệu lực")
_OWN_REPLACES = re.compile(rf"{KIND} này thay thế\s+(?:{KIND}\s+)?(?:số\s+)?(?P<old>{SYMBOL})")
_OWN_REPEALS = re.compile(rf"(?<![\w])[Bb]ãi bỏ\s+(?P<part>(?:toàn bộ\s+)?{KIND}|(?:Điều|khoản|điểm|Phụ lục|Mục|Chương)"
                          rf"[^.;\n]{{1,120}}?\s(?:của\s+)?{KIND})\s+(?:số\s+)?"
                          rf"(?P<old>{SYMBOL})", re.I)  # the title, in capitals or not
_OWN_AMENDS = re.compile(rf"sửa đổi,? bổ sung (?:một số điều |một số nội dung )?(?:của\s+)?{KIND}\s+(?:số\s+)?"
                         rf"(?P<old>{SYMBOL})", re.I)  # the title, in capitals or not


def iso(match: re.Match[str]) -> str | None:
    day, month, year = int(match.group("d")), int(match.group("m")), int(match.group("y"))
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= day <= 31 and 1 <= month <= 12 else None


def issuer(symbol: str) -> str:
    """What follows the year: `NĐ-CP`, `TT-BTC`, `QH15` (a legislature's number dropped: laws replace laws)."""
    tail = symbol.split("/", 2)[-1]
    return re.sub(r"\d+$", "", tail)


def documents(corpus: Path) -> Iterator[str]:
    for path in sorted(corpus.glob("legal-*.txt.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            yield from handle.read().rstrip("\n").split("\n\n")


def mine(text: str, seen_force: dict[str, Counter[str]]) -> list[Event]:
    """The events one document states; the in-force days it mentions are counted into `seen_force`."""
    for m in _SEEN_FORCE.finditer(text):
        if (day := iso(m)):
            seen_force.setdefault(m.group("sym"), Counter())[day] += 1
    head = text[:1500]
    own = _HEADER_SYMBOL.search(head)
    host = own.group("sym") if own else None
    issued = iso(d) if host and (d := _HEADER_DAY.search(head, own.end(), own.end() + 300)) else None
    if issued and host and not issued.startswith(host.split("/")[1]):
        issued = None  # not the document's own day: its number carries the year it was issued
    start = None
    if host and (force := _OWN_FORCE.search(text)):
        start = issued if force.group("sign") else iso(force)
        if start:
            seen_force.setdefault(host, Counter())[start] += 3  # the document's own article outweighs a mention
    out = []
    for m in _ENDS_WHEN.finditer(text):
        new = m.group("new") or (host if m.group("this") else None)
        if new and new != m.group("old"):
            kind = "replaced" if issuer(new) == issuer(m.group("old")) else "repealed"
            out.append(Event(m.group("old"), kind, new, issued if new == host else None,
                             (start if new == host else "") or "", "corpus"))
    if host and start:
        for m in _OWN_REPLACES.finditer(text):
            out.append(Event(m.group("old"), "replaced", host, issued, start, "corpus"))
        for m in _OWN_REPEALS.finditer(text):
            whole = re.fullmatch(rf"(?:toàn bộ\s+)?{KIND}", m.group("part"))
            out.append(Event(m.group("old"), "repealed" if whole else "amended", host, issued, start, "corpus"))
        for m in _OWN_AMENDS.finditer(head):
            out.append(Event(m.group("old"), "amended", host, issued, start, "corpus"))
    return [e for e in out if e.symbol != e.by]


def from_laws() -> list[Event]:
    """The law table's replacements and amendments, from the day the newer law came into force."""
    out = []
    for law in laws.laws():
        start = law.in_force or law.passed
        if not law.symbol or not start:
            continue
        out += [Event(old, "replaced", law.symbol, law.passed, start, "laws.tsv") for old in law.replaces]
        out += [Event(old, "amended", law.symbol, law.passed, start, "laws.tsv") for old in law.amends]
    return out


def _same_name(a: str, b: str) -> bool:
    """Two replacers may form a chain when they are versions of one law (the same name), or a name is unknown."""
    la, lb = laws.by_symbol(a), laws.by_symbol(b)
    return la is None or lb is None or la.key == lb.key


def settle(events: list[Event], seen_force: dict[str, Counter[str]]) -> tuple[list[Event], list[str]]:
    """Days filled in, contradicting rows dropped, duplicates merged and double replacements chained; returns the
    table and what was dropped or rewritten (printed by the builder)."""
    from .validity import problems

    notes: list[str] = []
    merged: dict[tuple[str, str, str], Event] = {}
    rank = {"hand": 0, "laws.tsv": 1, "corpus": 2}
    for e in events:
        if not e.start and e.by in seen_force:
            e = replace(e, start=seen_force[e.by].most_common(1)[0][0])
        if not e.start:
            notes.append(f"no day: {e.symbol} {e.event} by {e.by}")
            continue
        wrong = problems(e)
        if wrong:
            notes.append(f"dropped {e.symbol} {e.event} by {e.by} ({e.source}): {'; '.join(wrong)}")
            continue
        key = (e.symbol, e.event, e.by)
        if key not in merged or rank[e.source] < rank[merged[key].source]:
            merged[key] = e
    table = list(merged.values())
    # one replacer per document: a later replacer replaced the earlier one (a chain), unless it is already stated
    by_symbol: dict[str, list[Event]] = {}
    for e in table:
        if e.event == "replaced":
            by_symbol.setdefault(e.symbol, []).append(e)
    for symbol, reps in by_symbol.items():
        reps.sort(key=lambda e: (e.start, rank[e.source]))
        first = reps[0]
        for later in reps[1:]:
            table.remove(later)
            if later.by == first.by:
                continue
            if not _same_name(first.by, later.by):
                notes.append(f"dropped {symbol} replaced by {later.by} ({later.source}): already replaced by "
                             f"{first.by} from {first.start}, a document of another name")
                continue
            chained = Event(first.by, "replaced", later.by, later.by_issued, later.start, "chain")
            notes.append(f"chained: {symbol} → {first.by} ({first.start}) → {later.by} ({later.start}), "
                         f"not {symbol} → {later.by} ({later.source})")
            if not any(e.symbol == first.by and e.event in ENDING for e in table) and not problems(chained):
                table.append(chained)
                first = chained
    return table, notes


HEADER = """Validity (hiệu lực) of national normative documents: what replaced, repealed or amended each, from when.
Generated by `python -m nlp.validity_build` (do not edit by hand: edit validity-extra.tsv and rebuild) from the
effect articles of the vi-text corpus (source corpus), the law table's replaces/amends (laws.tsv), hand rows
(hand) and replacements rewritten as chains (chain: a second replacer replaced the first). Read by nlp.validity.
event: the document `symbol` was replaced / repealed / amended by `by`, from the ISO day `start`; by_issued: the
day `by` was issued, where known."""


def build(corpus: Path) -> tuple[list[Event], list[str]]:
    seen_force: dict[str, Counter[str]] = {}
    mined: list[Event] = []
    for text in documents(corpus):
        if "hiệu lực" in text:
            mined += mine(text, seen_force)
    extra = read_table(EXTRA)
    return settle(extra + from_laws() + mined, seen_force)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=table_path())
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    table, notes = build(args.corpus)
    for note in notes:
        print(note)
    report = check(table)
    bad = [f"{kind}: {line}" for kind, lines in report.items() for line in lines]
    for line in bad:
        print("CHECK", line, file=sys.stderr)
    if bad:
        return 1
    write_table(args.out, table, HEADER)
    sources = Counter(e.source for e in table)
    events = Counter(e.event for e in table)
    print(f"{len(table)} rows ({', '.join(f'{k} {v}' for k, v in sorted(events.items()))}; "
          f"{', '.join(f'{k} {v}' for k, v in sorted(sources.items()))}), {len({e.symbol for e in table})} documents "
          f"→ {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
