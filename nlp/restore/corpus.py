"""Reading the training corpus (gzip text, documents separated by blank lines) and splitting held-out documents.

Used at training and benchmark time only; nothing here is needed to restore text.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from pathlib import Path

DEFAULT_CORPUS = Path(os.environ.get("VANBAN_VI_TEXT", "/work/shared/data/vi-text"))
HOLDOUT_EVERY = 50  # every 50th document of each legal file is held out (never trained on)


def corpus_files(root: Path = DEFAULT_CORPUS) -> list[Path]:
    files = sorted(root.glob("*.txt.gz"))
    if not files:
        raise FileNotFoundError(f"{root}: no *.txt.gz training files")
    return files


def is_legal(path: Path) -> bool:
    return path.name.startswith("legal-")


def documents(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return fh.read().rstrip("\n").split("\n\n")


def is_heldout(path: Path, index: int) -> bool:
    return is_legal(path) and index % HOLDOUT_EVERY == HOLDOUT_EVERY - 1


def training_documents(path: Path) -> Iterator[str]:
    for i, doc in enumerate(documents(path)):
        if not is_heldout(path, i):
            yield doc


def heldout_documents(root: Path = DEFAULT_CORPUS) -> Iterator[tuple[str, int, str]]:
    """(file name, index in file, text) of every held-out document."""
    for path in corpus_files(root):
        if not is_legal(path):
            continue
        for i, doc in enumerate(documents(path)):
            if is_heldout(path, i):
                yield path.name, i, doc
