"""What a worker of `vanban run` does: its settings from the run, then one file at a time.

Kept apart from `batch` (the run itself: the store, the exports, SQLite), which a worker never needs: the fork
server preloads this module (`warmup`), so a worker forked from it unpickles its task without importing anything.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .. import stages
from ..limits import DEFAULT, Limits, apply as apply_limits
from ..process import DocumentRecord, process_path


def work(item: tuple[str, str, bool]) -> DocumentRecord:
    """One file, in whatever process or cluster worker runs it (Tesseract and OpenCV on one thread there)."""
    one_thread()
    path, source, force_ocr = item
    return process_path(Path(path), source, force_ocr=force_ocr)


def worker_init(limits: Limits = DEFAULT, profile: bool = False) -> None:
    """A worker's settings, from the run itself: its fork server may have started before the run set them."""
    apply_limits(limits)
    if profile:
        stages.enable()
    one_thread()


def one_thread() -> None:
    """One Tesseract thread and one OpenCV thread per worker, so that N workers use N cores: OpenCV's own thread
    pool would otherwise take the other workers' cores for its resizes and rotations. (OpenCV reads its variable
    when it is imported: a worker that reads only text never imports it.)"""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    os.environ["OPENCV_FOR_THREADS_NUM"] = "1"
    cv2 = sys.modules.get("cv2")
    if cv2 is not None:
        cv2.setNumThreads(1)
