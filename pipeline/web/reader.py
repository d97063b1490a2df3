"""The archive as the web face reads it: opened read-only for every request, and what is costly to compute
kept until the archive file changes.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from ..archive import store
from ..process import VanbanError


@dataclass
class Archive:
    path: Path
    _cache: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, db: Path | str) -> "Archive":
        path = Path(db)
        if path.suffix != ".sqlite":
            path = path / store.DB_NAME
        if not path.is_file():
            raise VanbanError("serve", f"no archive at {path} (run `vanban run` first)")
        archive = cls(path)
        try:
            with archive.connect() as conn:
                conn.execute("SELECT COUNT(*) FROM nodes").fetchone()
        except sqlite3.Error as exc:
            raise VanbanError("serve", f"{path} is not a vanban archive: {exc}") from exc
        return archive

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        with closing(store.connect(self.path, readonly=True)) as conn:
            yield conn

    def version(self) -> tuple[int, ...]:
        wal = self.path.with_name(self.path.name + "-wal")
        stats = [self.path.stat()] + ([wal.stat()] if wal.exists() else [])
        return tuple(v for s in stats for v in (s.st_mtime_ns, s.st_size))

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        version = self.version()
        with self._lock:
            hit = self._cache.get(key)
            if hit and hit[0] == version:
                return hit[1]
        value = compute()
        with self._lock:
            self._cache[key] = (version, value)
        return value
