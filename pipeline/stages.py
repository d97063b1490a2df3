"""Seconds and peak memory of each stage of a run: read, OCR, restore, extract (per file, in the worker that reads
it), store and exports (in the process that writes the archive). `vanban run --profile` prints them.

    with stage("restore"):
        ...
    taken = take()        # (("restore", 0.012, 231.5),): (stage, seconds, peak MB of this process in it)

Peak memory is the process's resident set at its highest during the stage. Under `--profile` (VANBAN_PROFILE=1,
inherited by the workers) the kernel's high-water mark is reset as each stage begins (Linux), so each stage shows
its own peak; otherwise a stage shows the process's peak so far, and nothing is reset.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from contextlib import contextmanager
from typing import Iterator

ORDER = ("read", "ocr", "restore", "extract", "store", "exports")
_ENV = "VANBAN_PROFILE"
_events: list[tuple[str, float, float]] = []


def enable() -> None:
    """Per-stage peaks for this process and the workers it starts from now on."""
    os.environ[_ENV] = "1"


def enabled() -> bool:
    """Whether this process measures per-stage peaks (`enable`)."""
    return _enabled()


def _enabled() -> bool:
    return os.environ.get(_ENV) == "1"


def _reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def peak_mb() -> float:
    """The resident set's high-water mark of this process, in MB (since the last reset, where one was made)."""
    try:
        with open("/proc/self/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    scale = 1 / 2**20 if sys.platform == "darwin" else 1 / 1024  # bytes on macOS, KB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


@contextmanager
def stage(name: str, totals: dict[str, dict[str, float]] | None = None) -> Iterator[None]:
    """Measure a stage: kept for `take` (a file's stages, which travel back with its record), or added straight
    into a run's `totals`."""
    if _enabled():
        _reset_peak()
    start = time.perf_counter()
    try:
        yield
    finally:
        event = (name, time.perf_counter() - start, peak_mb())
        if totals is not None:
            add(totals, (event,))
        else:
            if len(_events) >= 1000:  # a long-lived process that never takes them (the web server) keeps a few
                del _events[:-100]
            _events.append(event)


def take() -> tuple[tuple[str, float, float], ...]:
    """The stages measured in this process since the last take (and forget them)."""
    out = tuple(_events)
    _events.clear()
    return out


def add(totals: dict[str, dict[str, float]], events: tuple[tuple[str, float, float], ...]) -> None:
    """Sum a file's (or the writer's) stages into a run's totals: seconds summed, peak the highest, files counted."""
    for name, seconds, peak in events:
        entry = totals.setdefault(name, {"seconds": 0.0, "peak_mb": 0.0, "files": 0})
        entry["seconds"] = round(entry["seconds"] + seconds, 4)
        entry["peak_mb"] = round(max(entry["peak_mb"], peak), 1)
        entry["files"] += 1


def table(totals: dict[str, dict[str, float]], wall: float, workers: int) -> str:
    """The per-stage table `vanban run --profile` prints (Markdown, so that it can go into a report as it is)."""
    lines = ["| stage | seconds | share | peak memory | files |", "| --- | ---: | ---: | ---: | ---: |"]
    total = sum(v["seconds"] for v in totals.values()) or 1.0
    for name in sorted(totals, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n)):
        v = totals[name]
        lines.append(f"| {name} | {v['seconds']:.2f} | {v['seconds'] / total:.0%} | {v['peak_mb']:.0f} MB | "
                     f"{int(v['files'])} |")
    note = f"seconds summed over {workers} workers; " if workers > 1 else ""
    lines.append(f"\nwall {wall:.2f} s ({note}read, OCR, restore and extract in the workers; store and exports in "
                 "the writer)")
    return "\n".join(lines)
