"""Laws by name on real legal texts: a law a `Căn cứ …` line cites with its number (`Luật Đầu tư công số
39/2019/QH14 ngày 13 tháng 6 năm 2019`) is cited again by its name alone (`Luật Đầu tư công`), and vanban must give it
back its number — the version in force on the citing document's date — from the law table.

    .venv/bin/python bench/laws_named.py                 # held-out half (the odd texts), a Markdown table
    .venv/bin/python bench/laws_named.py --split all --show 20

Texts: the 433 full texts of ../shared/data/vi-text/legal-vanban-000.txt.gz (as bench/relations.py; its splits). The
label is the text's own: the number it printed, which its author took in force on the day. The number and its date
are cut out of the line where they end its list item (`…;`, `…,`, `… và`: `Căn cứ Luật Đầu tư công;` is how a law is
named alone; one followed by `được sửa đổi, bổ sung … số …` is left as it is), the text is read again, and the
reference vanban finds at the name is compared with the number cut out. Amending laws named by what they amend (`Luật sửa đổi, bổ
sung một số điều của Luật …`) are left out: without their number they name no one law.

Figures: recall (the share of named laws given a number) and precision (the share of given numbers that are the
printed one); a miss lists the name, the number printed, what was given and the citing document's date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.relations import load, split_arguments  # noqa: E402
from nlp import laws as law_table  # noqa: E402
from nlp.extract import extract  # noqa: E402


def symbol_key(symbol: str | None) -> str:
    return "".join((symbol or "").split()).upper().replace("Đ", "D")

# a law's name, its number and perhaps its date, inside a Căn cứ line
_LAW = re.compile(
    r"(?P<name>(?:Bộ luật|Luật|Pháp lệnh) [^;\n]*?)"
    r"(?P<cut>,?[ \t]+(?:số[ \t]+)?(?P<symbol>\d+/\d{4}/(?:QH|UBTVQH)\d+)"
    r"(?:[ \t]+(?:ngày|được thông qua ngày)[ \t]+\d{1,2}(?:[ \t]+tháng[ \t]+|[/-])\d{1,2}(?:[ \t]+năm[ \t]+|[/-])"
    r"\d{4})?)"
    r"(?=[ \t]*(?:[;,.]|$|và[ \t]))", re.M)  # the end of a list item: how a law is cited by its name alone
_CAN_CU = re.compile(r"(?m)^[ \t]*Căn cứ[^\n]*")
_AMENDING = re.compile(r"(?i)^(?:luật|pháp lệnh) sửa đổi")
_NO_NAME = re.compile(r"(?i)^(?:bộ luật|luật|pháp lệnh)(?:[ \t]+số)?[ \t]*$")


def cases(text: str) -> tuple[str, list[tuple[int, int, str, str]]]:
    """The text with the numbers of the laws its Căn cứ lines cite cut out, and each cut law: (start, end of its
    name in the new text, the name, the number printed)."""
    pieces: list[str] = []
    found: list[tuple[int, int, str, str]] = []
    cursor = 0
    length = 0
    for line in _CAN_CU.finditer(text):
        for law in _LAW.finditer(text, line.start(), line.end()):
            name = law.group("name")
            if _AMENDING.match(name) or re.search(r"\d+/\d{4}/", name) or _NO_NAME.match(name):
                continue  # an amending law, a second law inside the name, or no name at all (`Luật số 67/2020/QH14`)
            before = text[cursor:law.start("cut")]
            pieces.append(before)
            length += len(before)
            found.append((length - len(name), length, name, law.group("symbol")))
            cursor = law.end("cut")
    pieces.append(text[cursor:])
    return "".join(pieces), found


def main() -> None:
    args = split_arguments()
    texts = load(args.split)
    total = given = right = unknown = given_known = right_known = 0
    misses: list[str] = []
    for n, text in enumerate(texts):
        cut, laws = cases(text)
        if not laws:
            continue
        extraction = extract(cut)
        # the reference read at the name: from the law table, or the same law numbered elsewhere in the text
        by_name = [(m.span, ref.symbol) for ref in extraction.references for m in ref.mention_list]
        # a law named twice (the title, then the Căn cứ line; a text printed twice) is one mention, at its first
        # (at its first: `Luật Đất đai năm 2013` further on, another version, is not what the Căn cứ line names)
        by_title: dict[str, str] = {}
        for span, key, symbol in sorted((m.span, law_table.name_key(m.title), ref.symbol)
                                        for ref in extraction.references for m in ref.mention_list
                                        if m.resolved_from == "name" and m.title):
            by_title.setdefault(key, symbol)
        for start, end, name, printed in laws:
            total += 1
            got = next((symbol for (a, b), symbol in by_name if a < end and start < b),
                       by_title.get(law_table.name_key(name)))
            if got is not None:
                given += 1
                right += symbol_key(got) == symbol_key(printed)
            known = law_table.by_symbol(printed) is not None
            unknown += not known
            if got is not None and known:
                given_known += 1
                right_known += symbol_key(got) == symbol_key(printed)
            if got is None or symbol_key(got) != symbol_key(printed):
                misses.append(f"[{n}] {name[:90]!r}: printed {printed}"
                              f"{'' if known else ' (not in the law table)'}, given {got}, "
                              f"citing date {extraction.header.date}")
    print(f"split: {args.split}, {len(texts)} texts; laws a Căn cứ line cites with their number, cited by name\n")
    print("| laws | given a number | recall | right | precision |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    print(f"| {total} | {given} | {given / max(total, 1):.3f} | {right} | {right / max(given, 1):.3f} |")
    print(f"\nnumbers printed that the law table (nlp/data/laws.tsv) does not hold: {unknown} of {total} (a typo in "
          f"the text, `63/2023/QH15` for 63/2025/QH15, or a law the table lacks); precision on the others: "
          f"{right_known} of {given_known} ({right_known / max(given_known, 1):.3f})")
    if args.show:
        print("\nmisses:")
        print("\n".join(misses[: args.show]))


if __name__ == "__main__":
    main()
