"""The door of `vanban serve`: what a connection may cost before any credential is checked.

- A request's headers must arrive within HEADER_SECONDS of the connection (or of the previous response on a kept-alive
  connection): a client that feeds them a byte at a time (slowloris) is cut off.
- An idle kept-alive connection is closed after IDLE_SECONDS.
- One client address holds at most PER_CLIENT connections at once; the server at most MAX_CONNECTIONS (below its
  file-descriptor limit, which is raised to the hard limit): a connection over either is closed at once, so a crowd
  at the door cannot exhaust the server's files nor keep others out.
- Request heads are at most HEADER_BYTES (h11's limit on an incomplete event).
"""

from __future__ import annotations

import asyncio
import resource
from collections import Counter
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_SECONDS = 10.0
IDLE_SECONDS = 5.0
PER_CLIENT = 64
MAX_CONNECTIONS = 4000
HEADER_BYTES = 32 * 1024


@dataclass(frozen=True)
class DoorLimits:
    header_seconds: float = HEADER_SECONDS
    per_client: int = PER_CLIENT
    max_connections: int = MAX_CONNECTIONS


def raise_file_limit() -> int:
    """The soft limit of open files raised to the hard one (a server's connections are files); the limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return soft if soft != resource.RLIM_INFINITY else 65536


def protocol(limits: DoorLimits) -> type[H11Protocol]:
    """uvicorn's h11 protocol with the door's limits (a class per server: it counts that server's connections)."""
    open_by_client: Counter[str] = Counter()
    total = [0]

    class Door(H11Protocol):
        _counted: str | None = None
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            client = self.client[0] if self.client else "-"
            if open_by_client[client] >= limits.per_client or total[0] >= limits.max_connections:
                transport.abort()  # over the cap: closed before a byte is read
                return
            self._counted = client
            open_by_client[client] += 1
            total[0] += 1
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            if self._counted is not None:
                open_by_client[self._counted] -= 1
                if open_by_client[self._counted] <= 0:
                    del open_by_client[self._counted]
                total[0] -= 1
                self._counted = None
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            cycle = self.cycle
            super().data_received(data)
            if self.cycle is not cycle:  # a whole request head arrived
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()  # the next request's head, on a kept-alive connection, has the same time

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(limits.header_seconds, self._too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _too_slow(self) -> None:
            self._header_timer = None
            if not self.transport.is_closing():
                self.transport.abort()

    return Door


def config_options(limits: DoorLimits = DoorLimits()) -> dict[str, Any]:
    """uvicorn.Config's options for the door."""
    files = raise_file_limit()
    capped = DoorLimits(limits.header_seconds, limits.per_client, min(limits.max_connections, max(16, files - 64)))
    return {"http": protocol(capped), "timeout_keep_alive": IDLE_SECONDS, "h11_max_incomplete_event_size": HEADER_BYTES,
            "limit_concurrency": capped.max_connections + 16}
