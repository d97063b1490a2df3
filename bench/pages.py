"""Page-image benchmark: how long a scanned document's page of `vanban serve` takes to show its first page image.

    .venv/bin/python bench/pages.py [--out /tmp/vanban-pages] [--pages 5] [--reps 5] [--json bench/results/pages.json]

A `--pages`-page scanned PDF is made with corpus/scangen.py (a letter of corpus/letters/ with its body repeated
until it fills the pages; 300 dpi, a seal, 1° skew), run through `vanban run` into a fresh archive, and served by
`vanban serve --db ARCHIVE --port 0` in a process of its own. Then, in headless chromium (Playwright,
/usr/bin/chromium, --no-sandbox --disable-gpu, a new browser context for every load so that the browser's cache
is empty), /doc/{id} is opened and timed until the first page's <img> has loaded (`naturalWidth > 0`):

- *cold*: the page-cache folder beside the store (pipeline/pages.py: ARCHIVE/page-cache) deleted before the load,
  so the server renders the page from the PDF (pypdfium2) while the browser waits;
- *cold, new server*: the same, with the server process restarted too (nothing in its memory either: the file's
  content hash, the templates, imports done lazily on the first page request);
- *warm*: a second load, a new browser context, the server's page cache filled by the load before;
- *browser cache*: a reload in the same context (the image comes from the browser's own cache).

Each is timed two ways: in the page (`performance.now()` at the image's load event: ms from the navigation's start,
what the user waits) and from Python (`page.goto` to the moment the loaded image is seen). The request for
/page/{doc_id}/1.png alone is also timed with urllib, cold (cache deleted) and warm. Medians and maxima of `--reps`
repetitions; the machine's `uptime` load is recorded beside the figures. Targets (the issue): first page drawn
< 1.5 s cold, < 0.3 s warm.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "corpus"))

import scangen  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
VANBAN = [PYTHON, "-m", "pipeline.cli"]
CHROMIUM = "/usr/bin/chromium"
ENV = {**os.environ, "PYTHONUNBUFFERED": "1",  # the pipeline of this tree, whatever the cwd
       "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
TARGETS = {"cold_s": 1.5, "warm_s": 0.3}
LETTER = "058-KH-UBND-quangngai.txt"

# the first page image's load event, in the page's own clock (ms since the navigation started)
INIT_SCRIPT = """
window.__firstImage = null;
document.addEventListener("load", (event) => {
  const img = event.target;
  if (window.__firstImage === null && img.tagName === "IMG" && img.classList.contains("scan")
      && img === document.querySelector("img.scan") && img.naturalWidth > 0) {
    window.__firstImage = performance.now();
  }
}, true);
"""
LOADED = ("() => { const img = document.querySelector('img.scan');"
          " return !!img && img.complete && img.naturalWidth > 0; }")


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# ---------------------------------------------------------------------------------------------------------------
# The scan and its archive


def long_letter(text: str, repeats: int) -> str:
    """The letter with its body (from the first `Căn cứ`/`Kính gửi`/body line to `Nơi nhận`) repeated."""
    lines = text.rstrip("\n").splitlines()
    cut = next((k for k, line in enumerate(lines) if line.strip().startswith("Nơi nhận")), len(lines))
    layout = scangen.parse_letter(text)
    body = [line for line in layout.body if line.strip()]
    paragraphs = [line for line in body if not line.strip().startswith(("Kính gửi", "Căn cứ"))] or body
    extra = []
    for _ in range(repeats):
        extra += [""] + paragraphs
    return "\n".join(lines[:cut] + extra + [""] + lines[cut:]) + "\n"


def make_pdf(path: Path, pages: int) -> dict[str, Any]:
    text = (ROOT / "corpus" / "letters" / LETTER).read_text(encoding="utf-8")
    deg = scangen.Degradation(dpi=300, skew=1.0, seal=True, seed=7)
    repeats, scan = 0, scangen.make_scan(text, deg)
    while len(scan) < pages:
        repeats += 1
        scan = scangen.make_scan(long_letter(text, repeats), deg)
    scan = scan[:pages]
    scangen.save_pdf(scan, path, 300)
    return {"letter": LETTER, "body_repeats": repeats, "pages": len(scan), "pdf_mb": round(path.stat().st_size / 1e6,
                                                                                              2),
            "page_px": list(scan[0].image.size)}


def build_archive(work: Path, pages: int) -> dict[str, Any]:
    scans = work / "scans"
    scans.mkdir(parents=True, exist_ok=True)
    pdf = scans / f"scan-{pages}p.pdf"
    info = make_pdf(pdf, pages)
    archive = work / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.run([*VANBAN, "run", str(pdf), "--out", str(archive)], cwd=ROOT, env=ENV, capture_output=True,
                          text=True)
    info["run_s"] = round(time.perf_counter() - started, 1)
    if proc.returncode:
        raise RuntimeError(f"vanban run failed ({proc.returncode}): {proc.stderr[-1500:]}")
    conn = sqlite3.connect(f"file:{archive / 'archive.sqlite'}?mode=ro", uri=True)
    row = conn.execute("SELECT id, node_id, pages, status, path FROM documents WHERE source = ? OR path = ?",
                       (str(pdf), str(pdf))).fetchone()
    conn.close()
    if row is None or row[3] != "ok":
        raise RuntimeError(f"the scan was not archived: {row}")
    info.update(pdf=str(pdf), archive=str(archive), doc_id=row[0], node_id=row[1], archived_pages=row[2])
    return info


# ---------------------------------------------------------------------------------------------------------------
# vanban serve


class Server:
    """`vanban serve --db ARCHIVE --port 0` in a process of its own."""

    def __init__(self, archive: Path) -> None:
        self.archive = archive
        self.proc: subprocess.Popen | None = None
        self.base = ""

    def start(self) -> float:
        started = time.perf_counter()
        self.proc = subprocess.Popen([*VANBAN, "serve", "--db", str(self.archive), "--port", "0"], cwd=ROOT, env=ENV,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        match = re.search(r"(http://\S+?)/?[\s;]", line + " ")
        if not match:
            raise RuntimeError(f"vanban serve did not start: {line!r} {self.proc.stderr.read()[:500]}")  # type: ignore
        self.base = match.group(1).rstrip("/")
        while True:
            try:
                urllib.request.urlopen(self.base + "/favicon.ico", timeout=5).close()
                break
            except OSError:
                if time.perf_counter() - started > 60 or self.proc.poll() is not None:
                    raise
                time.sleep(0.05)
        return time.perf_counter() - started

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(2)  # SIGINT: uvicorn's own shutdown
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def clear_cache(archive: Path) -> None:
    from pipeline.web.images import CACHE

    shutil.rmtree(archive / CACHE, ignore_errors=True)


def get(url: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        body = response.read()
        status = response.status
    return time.perf_counter() - started, status, len(body)


# ---------------------------------------------------------------------------------------------------------------
# The browser


def open_doc(page: Any, url: str) -> dict[str, Any]:
    """Navigate to `url` and wait for the first page image: in-page and wall seconds."""
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=120_000)
    page.wait_for_function(LOADED, timeout=120_000, polling=10)
    wall = time.perf_counter() - started
    in_page = page.evaluate("window.__firstImage")
    if in_page is None:  # the load event came before the listener saw it (should not happen): when it was seen
        in_page = page.evaluate("performance.now()")
    timing = page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const src = document.querySelector('img.scan').currentSrc;
        const img = performance.getEntriesByName(src)[0];
        return {html_ms: nav ? nav.responseEnd : null, dom_ms: nav ? nav.domContentLoadedEventEnd : null,
                img_start_ms: img ? img.startTime : null, img_end_ms: img ? img.responseEnd : null,
                img_bytes: img ? img.encodedBodySize : null,
                images: document.querySelectorAll('img.scan').length,
                requested: performance.getEntriesByType('resource').filter(e => e.name.includes('/page/')).length};
    }""")
    return {"page_s": round(in_page / 1000, 3), "wall_s": round(wall, 3),
            **{k: (round(v, 1) if isinstance(v, float) else v) for k, v in timing.items()}}


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "max": round(max(values), 3), "min": round(min(values), 3)}


def run(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    work: Path = args.out
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": {"machine": platform.machine(), "cores": os.cpu_count(), "python": platform.python_version(),
                    "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
        "started": dt.datetime.now().isoformat(timespec="seconds"), "uptime_start": uptime(), "targets": TARGETS,
        "reps": args.reps,
    }
    log("making the scan and its archive")
    scan = build_archive(work, args.pages)
    results["scan"] = scan
    archive = Path(scan["archive"])
    log(f"archived: {scan}")
    server = Server(archive)
    results["server_start_s"] = round(server.start(), 2)
    doc_path = "/doc/" + urllib.parse.quote(scan["node_id"], safe="")
    png_path = f"/page/{scan['doc_id']}/1.png"
    runs: dict[str, list[dict[str, Any]]] = {"cold": [], "cold_new_server": [], "warm": [], "browser_cache": []}
    png: dict[str, list[dict[str, Any]]] = {"cold": [], "warm": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"],
                                                 timeout=60_000)

            def load_once(reuse: Any = None) -> tuple[dict[str, Any], Any]:
                context = reuse or browser.new_context(viewport={"width": 1280, "height": 800})
                if reuse is None:
                    context.add_init_script(INIT_SCRIPT)
                page = context.pages[0] if reuse is not None else context.new_page()
                r = open_doc(page, server.base + doc_path)
                r["load"] = load()
                return r, context

            try:
                # one untimed load first: chromium's own start-up, the server's first template and query
                clear_cache(archive)
                _, context = load_once()
                context.close()
                for k in range(args.reps):
                    log(f"repetition {k + 1}/{args.reps}")
                    clear_cache(archive)
                    r, context = load_once()
                    runs["cold"].append(r)
                    context.close()
                    r, context = load_once()
                    runs["warm"].append(r)
                    r, _ = load_once(reuse=context)  # the same context again: the browser's cache
                    runs["browser_cache"].append(r)
                    context.close()
                for k in range(args.reps):
                    server.stop()
                    clear_cache(archive)
                    server.start()
                    r, context = load_once()
                    r["server"] = "new"
                    runs["cold_new_server"].append(r)
                    context.close()
            finally:
                browser.close()
        for k in range(args.reps):  # the page image request alone
            clear_cache(archive)
            seconds, status, size = get(server.base + png_path)
            png["cold"].append({"s": round(seconds, 3), "status": status, "bytes": size, "load": load()})
            seconds, status, size = get(server.base + png_path)
            png["warm"].append({"s": round(seconds, 3), "status": status, "bytes": size, "load": load()})
    finally:
        server.stop()
    results["browser"] = runs
    results["png"] = png
    results["summary"] = {
        **{f"first_image_{name}": {"page_s": summary([r["page_s"] for r in rs]),
                                   "wall_s": summary([r["wall_s"] for r in rs])} for name, rs in runs.items()},
        **{f"png_{name}": summary([r["s"] for r in rs]) for name, rs in png.items()},
    }
    results["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    results["uptime_end"] = uptime()
    return results


def log(message: str) -> None:
    sys.stderr.write(f"{time.strftime('%H:%M:%S')} load {os.getloadavg()[0]:.2f}  {message}\n")
    sys.stderr.flush()


def report(results: dict[str, Any]) -> None:
    m, scan, s = results["machine"], results["scan"], results["summary"]
    print(f"machine: {m['machine']}, {m['cores']} cores, {m['memory_gb']} GiB, Python {m['python']}\n"
          f"at start: {results['uptime_start']}\nat end:   {results['uptime_end']}\n")
    print(f"scan: {scan['pages']} pages of {scan['letter']} (body ×{scan['body_repeats'] + 1}), 300 dpi, seal, 1° "
          f"skew, {scan['pdf_mb']} MB PDF; `vanban run` {scan['run_s']} s; document {scan['node_id']} (id "
          f"{scan['doc_id']}); PNG of page 1: {results['png']['warm'][0]['bytes'] / 1e6:.2f} MB; "
          f"{results['reps']} repetitions each\n")
    print("| first page image of /doc/{id} | in page: median s | in page: max s | wall: median s | wall: max s | "
          "target | |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    labels = {"cold": ("cold (page cache deleted)", TARGETS["cold_s"]),
              "cold_new_server": ("cold, server restarted too", TARGETS["cold_s"]),
              "warm": ("warm (server's page cache, new browser context)", TARGETS["warm_s"]),
              "browser_cache": ("reload, same context (browser cache)", TARGETS["warm_s"])}
    for name, (label, target) in labels.items():
        a = s[f"first_image_{name}"]
        ok = a["page_s"]["max"] < target
        print(f"| {label} | {a['page_s']['median']:.3f} | {a['page_s']['max']:.3f} | {a['wall_s']['median']:.3f} | "
              f"{a['wall_s']['max']:.3f} | < {target} s | {'pass' if ok else '**FAIL**'} (max) |")
    print("\n| `GET /page/{doc_id}/1.png` alone | median s | max s |\n| --- | ---: | ---: |")
    for name in ("cold", "warm"):
        a = s[f"png_{name}"]
        print(f"| {name} | {a['median']:.3f} | {a['max']:.3f} |")
    cold = results["browser"]["cold"]
    print("\nIn the page, cold (medians, ms from the navigation's start): HTML received "
          f"{statistics.median(r['html_ms'] for r in cold):.0f}, image requested "
          f"{statistics.median(r['img_start_ms'] for r in cold if r['img_start_ms'] is not None):.0f}, image "
          f"received {statistics.median(r['img_end_ms'] for r in cold if r['img_end_ms'] is not None):.0f}; page "
          f"images requested by then: {max(r['requested'] for r in cold)} of {cold[0]['images']}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/vanban-pages"), help="work folder (kept)")
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "pages.json")
    args = parser.parse_args()
    results = run(args)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    report(results)


if __name__ == "__main__":
    main()
