"""Query benchmark: a generated archive of 100,000 documents and 1,000,000 references.

    .venv/bin/python bench/query.py [--documents 100000] [--references 1000000] [--queries 2000]

The archive is written through the store's own schema (documents, nodes, edges with snippets, the FTS index),
in batches of one transaction per 1,000 documents, with a skewed choice of cited documents (a few are cited
very often, like Nghị quyết 57 or Nghị định 30, most rarely). Then, from one warm process, it times
`pipeline.archive.query.answer` for "what cites <symbol>" over random documents, and for the short form "what cites
Plan N" (which may match several documents), and reports p50/p95/max.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.text import fold_lower, slug  # noqa: E402
from pipeline.archive import store  # noqa: E402
from pipeline.archive.query import answer  # noqa: E402

PROVINCES = ["Quảng Ngãi", "Nghệ An", "Bình Định", "Hà Nội", "Đà Nẵng", "Cần Thơ", "Thanh Hóa", "Lâm Đồng",
             "Hải Phòng", "Khánh Hòa", "Gia Lai", "Đắk Lắk", "Huế", "Quảng Ninh", "Lào Cai", "An Giang"]
TYPES = [("KH", "Kế hoạch"), ("QĐ", "Quyết định"), ("CV", "Công văn"), ("NQ", "Nghị quyết"), ("BC", "Báo cáo"),
         ("TB", "Thông báo"), ("CT", "Chỉ thị")]


def generate(out: Path, documents: int, references: int, seed: int = 1) -> dict[str, float]:
    rng = random.Random(seed)
    conn = store.connect(out)
    t0 = time.perf_counter()
    ids: list[str] = []
    per_doc = references // documents
    batch = 1000
    for start in range(0, documents, batch):
        with store.transaction(conn):
            doc_rows, node_rows, text_rows = [], [], []
            for i in range(start, min(documents, start + batch)):
                code, name = TYPES[i % len(TYPES)]
                province = PROVINCES[i % len(PROVINCES)]
                year = 2015 + i % 11
                number = str(1 + (i // len(TYPES)) % 3000)
                symbol = f"{number}/UBND-VP" if code == "CV" else f"{number}/{code}-UBND"
                date = f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"
                node_id = f"{slug(code)}-{slug(symbol)}-{slug(province)}-{date}"
                text = f"{name} số {symbol} ngày {date} của Ủy ban nhân dân tỉnh {province} về nhiệm vụ năm {year}."
                doc_rows.append((i + 1, f"archive/{province}/{year}/{i}.txt", f"{i:064x}", len(text), node_id, symbol,
                                 number, name, code, date, province, province, "ok", text))
                node_rows.append((node_id, symbol, slug(symbol), number, name, code, "UBND", "Ủy ban nhân dân tỉnh",
                                  province, 1, date, year, f"Về nhiệm vụ năm {year}", 0, i + 1))
                text_rows.append((i + 1, fold_lower(text)))
                ids.append(node_id)
            conn.executemany(
                "INSERT INTO documents(id, source, sha256, size, node_id, symbol, number, type, type_code, date,"
                " place, province, status, text) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)", doc_rows)
            conn.executemany(
                "INSERT INTO nodes(id, symbol, symbol_key, number, type, type_code, issuer_code, issuer, province,"
                " local, date, year, title, is_stub, document_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", node_rows)
            conn.executemany("INSERT INTO document_text(rowid, body) VALUES(?, ?)", text_rows)
    t_docs = time.perf_counter() - t0
    # references: skewed towards a few much-cited documents (Zipf-like), none citing itself
    population = list(range(documents))
    cum_weights = list(itertools.accumulate(1.0 / (k + 1) ** 1.1 for k in range(documents)))
    order = list(range(documents))
    rng.shuffle(order)
    edge_id = 0
    for start in range(0, documents, batch):
        with store.transaction(conn):
            rows = []
            for i in range(start, min(documents, start + batch)):
                targets: set[int] = set()
                while len(targets) < per_doc:  # distinct cited documents, so that the edge count is as asked
                    targets.update(order[k] for k in rng.choices(population, cum_weights=cum_weights, k=per_doc - len(targets)))
                targets.discard(i)
                for t in targets:
                    edge_id += 1
                    rows.append((edge_id, ids[i], ids[t], "cites" if edge_id % 3 else "based_on", "direct", i + 1, 1,
                                 0.97, f"Căn cứ văn bản {ids[t]} của Ủy ban nhân dân tỉnh.", 1, 0, 40))
            conn.executemany(
                "INSERT INTO edges(id, source_id, target_id, relation, kind, document_id, mentions, confidence,"
                " snippet, page, span_start, span_end) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    t_total = time.perf_counter() - t0
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"documents_s": t_docs, "total_s": t_total, "edges": edge_id}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(conn, questions: list[str]) -> tuple[list[float], int]:
    times, results = [], 0
    for question in questions:
        start = time.perf_counter()
        results += len(answer(conn, question).results)
        times.append((time.perf_counter() - start) * 1000)
    return times, results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--references", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        built = generate(out, args.documents, args.references)
        size = sum(p.stat().st_size for p in out.glob("archive.sqlite*")) / 1e6
        conn = store.connect(out, readonly=True)
        rng = random.Random(2)
        symbols = [r[0] for r in conn.execute("SELECT symbol FROM nodes ORDER BY RANDOM() LIMIT ?", (args.queries,))]
        hubs = [r[0] for r in conn.execute(
            "SELECT n.symbol FROM nodes n JOIN (SELECT target_id, COUNT(*) c FROM edges GROUP BY target_id "
            "ORDER BY c DESC LIMIT 20) h ON h.target_id = n.id")]
        timed(conn, [f"what cites {s}" for s in symbols[:50]])  # warm the page cache
        full, n_full = timed(conn, [f"what cites {s}" for s in symbols])
        short, n_short = timed(conn, [f"what cites Plan {rng.randint(1, 3000)}" for _ in range(args.queries // 4)])
        hub, n_hub = timed(conn, [f"what cites {s}" for s in hubs])
        print(f"machine: {platform.machine()}, Python {platform.python_version()}, SQLite "
              f"{__import__('sqlite3').sqlite_version}\n")
        print(f"generated: {args.documents:,} documents, {built['edges']:,} references; build "
              f"{built['total_s']:.1f} s (documents {built['documents_s']:.1f} s); store {size:.0f} MB\n")
        print("| query | queries | results/query | p50 ms | p95 ms | max ms |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for label, times, n in (("what cites <full symbol>", full, n_full),
                                ("what cites Plan N (several matches)", short, n_short),
                                ("what cites <one of the 20 most-cited>", hub, n_hub)):
            print(f"| {label} | {len(times)} | {n / len(times):.1f} | {statistics.median(times):.2f} | "
                  f"{percentile(times, 0.95):.2f} | {max(times):.2f} |")


if __name__ == "__main__":
    main()
