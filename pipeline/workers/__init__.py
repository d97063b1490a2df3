"""Worker processes for `vanban run`: each reads one file at a time, and whatever happens to one of them the batch
goes on.

- A worker that dies (an out-of-memory kill, a crash in a C library) costs the file it was reading: that file is
  reported as failed, a fresh worker takes its place, the other files are read as usual.
- A file that takes more than `seconds`, or a worker whose memory passes `memory_mb`, is stopped the same way (the
  worker is killed and replaced) and reported in one line.
- Workers die with their parent: each asks the kernel for SIGKILL when its parent goes (Linux's parent-death signal,
  `prctl(PR_SET_PDEATHSIG)`; their parent is the fork server, which exits when the run does), so a `kill -9` of
  `vanban run` leaves no worker behind; Ctrl-C is the parent's alone
  (workers ignore SIGINT and are stopped by it).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator

_PR_SET_PDEATHSIG = 1
_POLL = 0.25  # seconds between checks of the workers' time and memory
# items a lone worker holds (the one it reads and those behind it): enough for the caller's slowest store (its first
# records import what the store needs, ~0.1 s, while the worker reads a text in 5 ms), few enough that the pipe never
# fills (a path is at most 4 kB); with two workers or more, one behind the one read (no file waits behind a long one
# while another worker is free)
AHEAD_ALONE = 8


@dataclass(frozen=True)
class Outcome:
    """One item's result, or the one line that says why its worker did not give one."""

    item: Any
    result: Any = None
    failure: str | None = None


def die_with_parent(parent: int) -> None:
    """SIGKILL to this process when its parent exits (Linux; elsewhere nothing). If the parent is already gone
    (it died before this ran), exit at once."""
    if sys.platform.startswith("linux"):
        try:
            # the process's own symbols, libc's among them (find_library would run `ldconfig -p`: 0.1-0.2 s a worker)
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    try:  # the run that started it (its direct parent may be the fork server, which dies with the run)
        os.kill(parent, 0)
    except ProcessLookupError:
        os._exit(1)
    except PermissionError:
        pass


def _serve(conn: Connection, work: Callable[[Any], Any], init: Callable[[], None] | None, parent: int) -> None:
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops the workers itself
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if init is not None:
        init()
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        try:
            message = ("ok", work(item))
        except Exception as exc:  # noqa: BLE001 - reported as the item's failure, the worker goes on
            message = ("error", f"internal error in the worker ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})")
        try:
            conn.send(message)
        except Exception as exc:  # noqa: BLE001 - a result that cannot be sent back
            conn.send(("error", f"internal error in the worker (result not sent: {type(exc).__name__})"))


class _Worker:
    def __init__(self, context: Any, work: Callable[[Any], Any], init: Callable[[], None] | None) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, work, init, os.getpid()), daemon=True,
                                       name="vanban-worker")
        self.process.start()
        child.close()
        self.items: deque = deque()  # sent and not yet answered, in the order the worker reads them
        self.started = 0.0  # when it began the first of them, as far as the run can tell

    @property
    def busy(self) -> bool:
        return bool(self.items)

    def give(self, item: Any) -> None:
        self.conn.send(item)
        if not self.items:
            self.started = time.monotonic()
        self.items.append(item)

    def answered(self) -> Any:
        """The item the worker has just answered; the next one in its pipe starts now."""
        item = self.items.popleft()
        self.started = time.monotonic()
        return item

    def rss_mb(self) -> float:
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as handle:
                return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except (OSError, ValueError, IndexError):
            return 0.0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(1)
        self.kill()


def death(exitcode: int | None) -> str:
    """Why a worker ended, in words."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"the worker reading it was killed by {name}{hint}"
    return f"the worker reading it exited (status {exitcode})"


def _context() -> Any:
    """Workers come from a fork server: a clean process started once, with the pipeline's modules imported, that
    forks each worker. Forking the run's own process is not safe once it has threads — ONNX Runtime's (the line
    reader), OCRmyPDF's, a notebook's — a lock held by one of them at the fork stays held in the child for ever (seen
    as workers hung on a futex). Elsewhere than Linux, spawn."""
    if not sys.platform.startswith("linux"):
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipeline.workers.warmup"])
    return context


def prestart() -> None:
    """Start the fork server now (Linux), so that it loads what the workers need (`warmup`) while the caller
    still has other work to do (importing the CLI, scanning the folders); the first worker is then forked at once."""
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def run(items: Iterable[Any], work: Callable[[Any], Any], *, workers: int, init: Callable[[], None] | None = None,
        seconds: float | None = None, memory_mb: float | None = None) -> Iterator[Outcome]:
    """The outcome of every item, as they finish, from `workers` processes. A generator: closing it (or an
    exception in the caller, Ctrl-C) stops every worker.

    A worker holds its next items in its pipe while it reads one (`_hand_out`), so it never waits for the caller,
    who stores each result between two looks at the workers. When a worker is stopped or dies, the item it was
    reading is the one that failed; the one behind it goes back to the queue."""
    context = _context()
    queue = deque(items)
    pool: list[_Worker] = []
    try:
        pool = [_Worker(context, work, init) for _ in range(max(1, min(workers, len(queue))))]
        while True:
            _hand_out(pool, queue, lambda: _Worker(context, work, init))
            busy = [w for w in pool if w.busy]
            if not busy:
                return
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=_POLL))
            finished = []
            for k, worker in enumerate(pool):
                lost, answers = False, len(finished)
                while worker.busy and worker.conn.poll():  # every answer in its pipe
                    answer = _answer(worker)
                    if answer is None:
                        lost = True
                        break
                    finished.append(answer)
                if not worker.busy or (len(finished) > answers and worker.process.sentinel not in ready):
                    continue  # it answered: its next item is measured from now, at the next look
                failure = None
                if lost or worker.process.sentinel in ready:
                    worker.process.join(5)
                    failure = death(worker.process.exitcode)
                elif seconds and time.monotonic() - worker.started > seconds:
                    failure = f"took more than {seconds:g} s (--max-seconds): stopped"
                elif memory_mb and worker.rss_mb() > memory_mb:
                    failure = f"needed more than {memory_mb:g} MB of memory (--max-memory-mb): stopped"
                if failure is None:
                    continue
                worker.kill()
                finished.append(Outcome(worker.items.popleft(), failure=failure))
                queue.extendleft(reversed(worker.items))  # not begun: read by the next free worker
                pool[k] = _Worker(context, work, init)
            _hand_out(pool, queue, lambda: _Worker(context, work, init))  # they read on while the caller stores
            yield from finished
    finally:
        for worker in pool:
            if worker.busy:
                worker.kill()
            else:
                worker.stop()


def _hand_out(pool: list[_Worker], queue: deque, fresh: Callable[[], _Worker]) -> None:
    """The next items to the idle workers (a fresh one for a worker that died while idle); then more to each worker
    that reads one, to start when it is done: up to AHEAD_ALONE for a lone worker, one for each of two or more while
    more items wait than there are workers (at the end of the queue none is held behind a long file while another
    worker is free)."""
    for k, worker in enumerate(pool):
        if not worker.busy and queue:
            try:
                worker.give(queue[0])
            except OSError:  # it died while idle: a fresh one takes the item
                worker.kill()
                pool[k] = worker = fresh()
                worker.give(queue[0])
            queue.popleft()
    depth = AHEAD_ALONE if len(pool) == 1 else 2
    for worker in pool:
        while 1 <= len(worker.items) < depth and (len(queue) > len(pool) or len(pool) == 1 and queue):
            try:
                worker.give(queue[0])
            except OSError:  # it died reading: the main loop reports its item; this one stays in the queue
                break
            queue.popleft()


def _answer(worker: _Worker) -> Outcome | None:
    """The worker's answer for its first item, which waits in its pipe; None when the pipe holds no answer but its
    end (the worker died)."""
    try:
        kind, value = worker.conn.recv()
    except (EOFError, OSError):
        return None
    item = worker.answered()
    return Outcome(item, result=value) if kind == "ok" else Outcome(item, failure=value)
