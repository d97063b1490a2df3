"""Reference-grammar benchmark: precision/recall on the labelled set, and throughput on one core.

    .venv/bin/python bench/refs.py            # prints a Markdown table for the README

Precision/recall count (symbol, type, date) triples per labelled case: the development set
(tests/data/references.jsonl) and 100 held-out passages written separately (bench/data/references-heldout.jsonl:
Căn cứ preambles, công văn bodies, Party documents, headers, 40 of them OCR-garbled).
Throughput runs `nlp.extract.extract` over the demo archive's letters (dense with references) and over long legal
texts (bench/data/legal-sample.txt.gz), each repeated to a few MB, after one warm-up call (pattern compilation and
underthesea's load are not counted); it is single-threaded, so it is the figure for one core.
"""

from __future__ import annotations

import collections
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.extract import extract  # noqa: E402
from nlp.text import normalize  # noqa: E402


def accuracy(path: Path) -> dict[str, tuple[int, int, int]]:
    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        # numbered references: laws resolved from their names are scored by tests/test_laws.py and bench/real.py
        got = {(r.symbol, r.type, r.date) for r in extract(normalize(case["text"])).references
               if r.resolved_from != "name"}
        expected = {(r["symbol"], r["type"], r["date"]) for r in case["refs"]}
        tp, fp, fn = len(got & expected), len(got - expected), len(expected - got)
        for tag in ["all", *[t for t in case["tags"] if t in {"clean", "garbled", "party", "normative", "congvan",
                                                              "state-admin", "header"}]]:
            c = counts[tag]
            c[0] += tp
            c[1] += fp
            c[2] += fn
    return {k: tuple(v) for k, v in counts.items()}  # type: ignore[misc]


def legal_texts() -> list[str]:
    """bench/data/legal-sample.txt.gz: full texts of decrees, circulars, resolutions and plans (every 7th document
    of the corpus's legal-vanban file, 1.5 MB; Vietnamese normative and administrative texts are not copyrighted)."""
    import gzip

    with gzip.open(ROOT / "bench" / "data" / "legal-sample.txt.gz", "rt", encoding="utf-8") as handle:
        return [normalize(doc) for doc in handle.read().rstrip("\n").split("\n\n")]


def throughput(texts: list[str], target_bytes: int = 4_000_000) -> tuple[float, float, int]:
    size = sum(len(t.encode("utf-8")) for t in texts)
    rounds = max(1, target_bytes // size)
    extract(texts[0])  # warm-up
    start = time.perf_counter()
    refs = 0
    for i in range(rounds):
        for text in texts:  # a round marker keeps every text distinct, so no cache serves a repeat
            refs += len(extract(f"{text}\n{i}").references)
    elapsed = time.perf_counter() - start
    return size * rounds / elapsed / 1e6, elapsed, refs


def main() -> None:
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, 1 core\n")
    for title, path in (("labelled set (tests/data/references.jsonl)", ROOT / "tests" / "data" / "references.jsonl"),
                        ("held-out passages (bench/data/references-heldout.jsonl)",
                         ROOT / "bench" / "data" / "references-heldout.jsonl")):
        print(f"{title}\n")
        print("| set | references | precision | recall |")
        print("| --- | ---: | ---: | ---: |")
        for tag, (tp, fp, fn) in sorted(accuracy(path).items(), key=lambda kv: kv[0] != "all"):
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            print(f"| {tag} | {tp + fn} | {p:.3f} | {r:.3f} |")
        print()
    letters = [normalize(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "corpus").rglob("*.txt"))]
    for label, texts in (("demo archive letters (one reference per ~90 bytes)", letters),
                         ("long legal texts (bench/data/legal-sample.txt.gz)", legal_texts())):
        mbps, elapsed, refs = throughput(texts)
        print(f"throughput on {label}: {mbps:.2f} MB/s of UTF-8 text ({refs} references in {elapsed:.1f} s)")


if __name__ == "__main__":
    main()
