"""Relations and subjects on real legal texts: what share of the documents a `Căn cứ …` clause cites are typed
based_on, of those a `Thực hiện …` / `Triển khai …` clause cites implements, and how often the trích yếu runs into
the body or is empty.

    .venv/bin/python bench/relations.py                 # held-out half (the odd texts), a Markdown table
    .venv/bin/python bench/relations.py --split dev     # the half the rules were written on (the even texts)
    .venv/bin/python bench/relations.py --show 20       # and the first 20 misses of each kind

Texts: the 433 full texts of ../shared/data/vi-text/legal-vanban-000.txt.gz (decrees, circulars, resolutions,
decisions, plans with their headers, Căn cứ preambles and signature blocks; some printed twice, web and PDF text).
The rules were written looking at the even-numbered texts only; the odd ones are the held-out check.

Labels come from the layout, not from vanban's reader: a *Căn cứ clause* is a line that opens with `Căn cứ`, up to
its `;` or the line that opens the next clause (`Căn cứ`, `Theo đề nghị`, `Xét`, a heading); a document it cites
*at the head of a list item* — the first reference of the clause, or one after `;`, `,`, `và`, or `được sửa đổi,
bổ sung (bởi|theo|tại)` — is a Căn cứ citation. A reference further inside another's name (`Nghị định 45/2024/NĐ-CP
sửa đổi, bổ sung Nghị định 30/2020/NĐ-CP`, `… về triển khai Nghị quyết 13-NQ/TU`) is not. The same for
`Thực hiện` / `Triển khai` lines and implements. A citation counts as right when its document's relation (the
strongest over its mentions) is the expected one or a stronger one the law names (amends, replaces, repeals).

Subjects: the trích yếu of each text that prints a type heading (NGHỊ ĐỊNH, QUYẾT ĐỊNH, …); it *runs into the body*
when it holds a Căn cứ, an Điều, a `như sau:`, a `Chương I` or the words after the title block (`… yêu cầu:`); it is
*empty* when a title is printed under the heading and nothing was read (texts whose heading is followed straight by
`Căn cứ` or `Điều 1` print none, and are counted apart).
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.extract import extract  # noqa: E402
from nlp.text import fold_lower, normalize  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "vi-text" / "legal-vanban-000.txt.gz"
STRONGER = {"amends", "replaces", "repeals"}

_OPENERS = {"based_on": r"Căn cứ", "implements": r"(?:Thực hiện|Triển khai)"}
# where a clause ends: its ";" or "." at a line end, or a line that opens another clause or a heading
_END = re.compile(r";|\.[ \t]*\n|\n(?=[ \t]*(?:can cu|theo de nghi|xet |thuc hien|trien khai|dieu \d|chuong |"
                  r"quyet dinh|nghi dinh|[A-Z]{4,}))")
# between two references of one list: a connector, then perhaps the next one's name ("; Luật Đất đai số …")
_HEAD_GAP = re.compile(r"[ \t\n]*(?:,|;|-|(?<![a-z])va(?![a-z])|(?:(?:da[ \t\n]+)?duoc[ \t\n]+)?sua doi,?[ \t\n]*"
                       r"(?:va[ \t\n]*)?bo sung[ \t\n]*(?:mot so dieu[ \t\n]*)?(?:boi|theo|tai)?)[ \t\n,]*"
                       r"(?:(?:va|cac|boi|theo|tai)[ \t\n]+)*"
                       r"(?P<name>(?:luat|bo luat|nghi dinh|nghi quyet|thong tu|quyet dinh|phap lenh)[^;]*)?")
_NAME_VERBS = re.compile(r"(?<![a-z])(?:ve|cua|quy dinh|huong dan|sua doi|bo sung|thi hanh|thuc hien|trien khai|"
                         r"ban hanh|kem theo|thay the|bai bo)(?![a-z])")


def load(split: str) -> list[str]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        docs = handle.read().rstrip("\n").split("\n\n")
    keep = {"dev": 0, "heldout": 1}.get(split)
    return [normalize(d) for i, d in enumerate(docs) if keep is None or i % 2 == keep]


def clauses(text: str, folded: str, opener: str) -> list[tuple[int, int]]:
    """Clauses opened by `opener` as printed (capitalised) at a line start; folded offsets are the text's."""
    out = []
    for match in re.finditer(rf"(?m)^[ \t]*{opener}(?![^\W\d_])", text):
        end = _END.search(folded, match.end())
        out.append((match.start(), end.start() if end else len(folded)))
    return out


def expected(text: str, extraction) -> dict[str, tuple[str, str]]:
    """Reference id → (expected relation, the clause) for every document cited at the head of a list item."""
    folded = fold_lower(text)
    mentions = sorted(((m.span, ref) for ref in extraction.references for m in ref.mention_list),
                      key=lambda t: t[0][0])
    out: dict[str, tuple[str, str]] = {}
    for relation, opener in _OPENERS.items():
        for lo, hi in clauses(text, folded, opener):
            inside = [(span, ref) for span, ref in mentions if lo <= span[0] < hi]
            if relation == "implements" and inside and inside[0][0][0] - lo > 60:
                continue  # "Thực hiện nhiệm vụ …, Sở … theo Kế hoạch …": not the clause's own object
            for k, (span, ref) in enumerate(inside):
                # the clause's first document, or one after a list connector
                head = k == 0 or _is_head(_strip_name(folded[_end_of(inside[k - 1]):span[0]]))
                if head and ref.id not in out:
                    out[ref.id] = (relation, text[lo:hi].replace("\n", " "))
    return out


def _end_of(item) -> int:
    span, ref = item
    for m in ref.mention_list:
        if m.span == span:
            return max(m.span[1], m.tail_end)
    return span[1]


def _is_head(gap: str) -> bool:
    match = _HEAD_GAP.fullmatch(gap)
    return bool(match) and not (match.group("name") and _NAME_VERBS.search(match.group("name")))


def _strip_name(gap: str) -> str:
    """The words between two references, without the first one's date (`ngày 19 tháng 6 năm 2015`)."""
    return re.sub(r"ngay[ \t\n]+\d{1,2}[ \t\n]*(?:thang|/|-)[ \t\n]*\d{1,2}[ \t\n]*(?:nam|/|-)[ \t\n]*\d{4}", "", gap)


_BODY = re.compile(r"(?<![a-z])(?:can cu|dieu 1|nhu sau:|yeu cau:?\s*$|ket luan|quyet dinh:|chuong i)(?![a-z])")


_NO_TITLE = re.compile(r"[ \t_*\-]*(?:can cu|dieu 1|chuong i|theo de nghi)")


def subject_faults(text: str, heading_end: int, extraction) -> str | None:
    """"empty" when a title is printed under the heading and none was read; "no title" when the line under the
    heading opens the body (nothing to read); "runs on" when the subject holds body words."""
    subject = extraction.header.subject or ""
    if not subject.strip():
        first = next((line for line in text[heading_end:].split("\n") if line.strip()), "")
        return "no title" if _NO_TITLE.match(fold_lower(first)) else "empty"
    if _BODY.search(fold_lower(subject)):
        return "runs on"
    return None


def split_arguments() -> argparse.Namespace:
    """`--split` (the held-out half by default) and `--show N` misses: the options of the benchmarks on these texts."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="heldout")
    parser.add_argument("--show", type=int, default=0)
    return parser.parse_args()


def main() -> None:
    args = split_arguments()
    texts = load(args.split)
    counts = {rel: [0, 0] for rel in _OPENERS}
    misses: dict[str, list[str]] = {rel: [] for rel in _OPENERS}
    later = 0
    subjects = {"texts": 0, "runs on": 0, "empty": 0, "no title": 0}
    subject_misses = []
    for n, text in enumerate(texts):
        extraction = extract(text)
        refs = {r.id: r for r in extraction.references}
        for ref_id, (relation, clause) in expected(text, extraction).items():
            got = refs[ref_id].relation
            counts[relation][0] += 1
            if got == relation or got in STRONGER:
                counts[relation][1] += 1
            else:
                misses[relation].append(f"[{n}] {refs[ref_id].symbol}: {got} — {clause[:220]}")
        own = extraction.header.date
        later += sum(1 for r in extraction.references
                     if r.relation == "based_on" and own and r.date and r.date > own)
        heading = re.search(r"(?m)^[ \t]*(?:NGHỊ ĐỊNH|QUYẾT ĐỊNH|THÔNG TƯ|NGHỊ QUYẾT|KẾ HOẠCH|CHỈ THỊ)[ \t]*$", text)
        if heading:
            subjects["texts"] += 1
            fault = subject_faults(text, heading.end(), extraction)
            if fault:
                subjects[fault] += 1
                subject_misses.append(f"[{n}] {fault}: {(extraction.header.subject or '')[:200]!r}")
    print(f"split: {args.split}, {len(texts)} texts\n")
    print("| clause | citations | typed right | share |")
    print("| --- | ---: | ---: | ---: |")
    for relation, (total, right) in counts.items():
        print(f"| {_OPENERS[relation]} → {relation} | {total} | {right} | {right / max(total, 1):.3f} |")
    print(f"\nbased_on a document dated after the citing one: {later}")
    t = max(subjects["texts"], 1)
    print(f"subjects: {subjects['texts']} texts, runs on {subjects['runs on']} ({subjects['runs on'] / t:.3f}), "
          f"empty {subjects['empty']} ({subjects['empty'] / t:.3f}); no title printed under the heading: "
          f"{subjects['no title']}")
    if args.show:
        for relation, lines in misses.items():
            print(f"\nmisses, {relation}:")
            print("\n".join(lines[: args.show]))
        print("\nsubject misses:")
        print("\n".join(subject_misses[: args.show]))


if __name__ == "__main__":
    main()
