"""Text throughput: `vanban run` over real legal texts, one and two workers, against an older commit's code.

    .venv/bin/python bench/text.py [--texts 100] [--repeat 2] [--base 8f61e08] [--largest]

The texts: held-out documents of the legal files of ../shared/data/vi-text (every 50th document, never trained
on: nlp/restore/corpus.py), the full official texts (legal-vanban, legal-admin) first, then a fixed random draw of
the legal-portal articles (legal-phapdien, legal-qa), each written as one .txt file. Each configuration is a fresh
`vanban run` process into an empty archive (Python start, imports and model load counted, as a user sees it);
the older commit's code runs from a `git worktree` checkout (`--base-dir`, /tmp/base, made when missing) on
the same files in the same run, the two interleaved, and the faster of `--repeat` runs is kept. Peak memory is the
largest resident set of any one process of the run (the writer, the fork server or a worker), from the kernel's
accounting of the finished process tree and the high-water marks of the processes under the run, read while it
lasts (workers are the fork server's children, which the kernel does not count as the run's). Both codes' bytecode
is written first, as a package installed by pip has it. The per-stage table is this code's `vanban run --profile`
on one worker.
`--largest` also runs the largest legal document of the corpus alone (peak memory of one worker on it).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.restore.corpus import DEFAULT_CORPUS, corpus_files, documents, heldout_documents, is_legal  # noqa: E402


def legal_texts(count: int, seed: int = 23) -> list[tuple[str, str]]:
    """(file name, text) of `count` held-out legal documents: the full official texts first, then a fixed draw."""
    pool = list(heldout_documents(DEFAULT_CORPUS))
    full = [d for d in pool if d[0].startswith(("legal-vanban", "legal-admin"))]
    rest = [d for d in pool if d not in full]
    chosen = full[:count] + random.Random(seed).sample(rest, max(0, count - len(full)))
    return [(f"{name.split('.')[0]}-{index:05d}.txt", text + "\n") for name, index, text in chosen]


def largest_legal() -> tuple[str, str]:
    best = ("", "")
    for path in corpus_files(DEFAULT_CORPUS):
        if is_legal(path):
            for i, doc in enumerate(documents(path)):
                if len(doc) > len(best[1]):
                    best = (f"{path.name.split('.')[0]}-{i:05d}.txt", doc + "\n")
    return best


def base_checkout(commit: str, folder: Path) -> Path:
    """A checkout of `commit` (`git worktree add`), made when `folder` is not one already."""
    if not (folder / "pipeline" / "cli.py").is_file():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), commit], check=True,
                       capture_output=True)
    head = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    full = subprocess.run(["git", "-C", str(ROOT), "rev-parse", commit], capture_output=True, text=True,
                          check=True).stdout.strip()
    if head != full:
        raise SystemExit(f"{folder} is at {head[:10]}, not {commit}: give another --base-dir")
    return folder


def run_once(code: Path, folder: Path, workers: int, profile: bool = False) -> dict:
    """One fresh `vanban run` of the code in `code` over `folder`: wall seconds, peak MB of one process, run.json."""
    out = Path(tempfile.mkdtemp(prefix="vanban-bench-"))
    # the code's own `vanban` entry point (since the fork server is started first, `pipeline.workers.launch`)
    entry = "pipeline.workers.launch" if (code / "pipeline" / "workers" / "launch.py").is_file() else "pipeline.cli"
    args = [sys.executable, "-c", f"import sys; from {entry} import main; sys.argv[0] = 'vanban'; main()",
            "run", str(folder), "--out", str(out), "--workers", str(workers)]
    if profile:
        args.append("--profile")
    env = {**os.environ, "PYTHONPATH": str(code), "OMP_THREAD_LIMIT": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=code, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peaks: dict[int, float] = {}
    watcher = threading.Thread(target=_watch_tree, args=(proc, peaks), daemon=True)
    watcher.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    watcher.join()
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"vanban run failed ({proc.returncode}): {stderr.decode()[-2000:]}")
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))
    shutil.rmtree(out, ignore_errors=True)
    return {"wall": wall, "summary": summary, "stdout": stdout.decode("utf-8"),
            "tree_peak_mb": max(peaks.values(), default=0.0)}


def _watch_tree(proc: subprocess.Popen, peaks: dict[int, float]) -> None:
    """The high-water mark of the resident set (VmHWM) of every process under `proc` — the run, its fork server,
    its workers — read every 50 ms while the run lasts (a high-water mark: nothing reached between two reads is
    missed). A worker forked by the fork server is not the run's child: the kernel's accounting of the run's
    children does not see it."""
    while proc.poll() is None:
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", "rb") as handle:
                        parents[int(entry)] = int(handle.read().rsplit(b")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    pass
        tree, grew = {proc.pid}, True
        while grew:
            more = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= more
            grew = bool(more)
        for pid in tree:
            try:
                with open(f"/proc/{pid}/status", "rb") as handle:
                    for line in handle:
                        if line.startswith(b"VmHWM:"):
                            peaks[pid] = max(peaks.get(pid, 0.0), int(line.split()[1]) / 1024)
            except (OSError, ValueError, IndexError):
                pass
        time.sleep(0.05)


def measured(code: Path, folder: Path, workers: int, profile: bool = False) -> dict:
    """`run_once` in a child of its own, so that the kernel's peak of its process tree is this run's alone (and the
    largest of the processes `_watch_tree` saw, for those the kernel does not count as the run's children)."""
    script = ("import json, resource, sys; sys.path.insert(0, %r); import text as bench; "
              "r = bench.run_once(*[__import__('pathlib').Path(a) for a in sys.argv[1:3]], int(sys.argv[3]), "
              "sys.argv[4] == '1'); r['peak_mb'] = max(r['tree_peak_mb'], "
              "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); "
              "print(json.dumps(r))") % str(ROOT / "bench")
    res = subprocess.run([sys.executable, "-c", script, str(code), str(folder), str(workers), "1" if profile else "0"],
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def compiled(code: Path) -> None:
    """Both codes' bytecode written before the runs, as an installed package has it (pip compiles at install):
    where Python may not write it (PYTHONDONTWRITEBYTECODE, as on this machine) every run would compile the
    modules it imports from source, 0.06 s of a run that is not the code's own cost."""
    for package in ("pipeline", "nlp", "ocr"):
        if (code / package).is_dir():
            compileall.compile_dir(code / package, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--base", default="8f61e08", help="the commit whose code is compared (same texts, same run)")
    parser.add_argument("--base-dir", type=Path, default=Path("/tmp/base"), help="its checkout (made if missing)")
    parser.add_argument("--largest", action="store_true", help="also the largest legal document alone")
    args = parser.parse_args()

    texts = legal_texts(args.texts)
    work = Path(tempfile.mkdtemp(prefix="vanban-text-"))
    folder = work / "texts"
    folder.mkdir()
    for name, text in texts:
        (folder / name).write_text(text, encoding="utf-8")
    size_mb = sum(len(t.encode("utf-8")) for _, t in texts) / 1e6
    base = base_checkout(args.base, args.base_dir)
    for code in (base, ROOT):
        compiled(code)

    rows = []
    for workers in (1, 2):
        best: dict[str, dict] = {}
        for _ in range(args.repeat):
            for label, code in (("base", base), ("this", ROOT)):
                r = measured(code, folder, workers)
                if label not in best or r["wall"] < best[label]["wall"]:
                    best[label] = r
        rows.append((workers, best))

    print(f"{len(texts)} held-out legal texts, {size_mb:.2f} MB of UTF-8 text; `vanban run` from a fresh process "
          f"into an empty archive, the faster of {args.repeat} runs\n")
    print(f"| workers | code | seconds | documents/s | MB/s | peak memory of one process | × {args.base} |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for workers, best in rows:
        for label in ("base", "this"):
            r = best[label]
            name = args.base if label == "base" else "this code"
            ratio = r["wall"] / best["base"]["wall"]
            print(f"| {workers} | {name} | {r['wall']:.2f} | {len(texts) / r['wall']:.1f} | {size_mb / r['wall']:.3f} "
                  f"| {r['peak_mb']:.0f} MB | {ratio:.2f} |")

    profiled = measured(ROOT, folder, 1, profile=True)
    print("\nPer stage, this code, one worker (`vanban run --profile`):\n")
    print("\n".join(line for line in profiled["stdout"].splitlines() if line.startswith(("|", "wall"))))

    if args.largest:
        name, text = largest_legal()
        one = work / "largest"
        one.mkdir()
        (one / name).write_text(text, encoding="utf-8")
        r = measured(ROOT, one, 1, profile=True)
        print(f"\nLargest legal document ({name}, {len(text.encode('utf-8')) / 1e6:.2f} MB): {r['wall']:.2f} s, "
              f"peak memory of one process {r['peak_mb']:.0f} MB")
    shutil.rmtree(work, ignore_errors=True)
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
