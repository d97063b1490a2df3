"""Serving the app: the listening socket, `vanban serve` until Ctrl+C, and a server in a background thread for
tests and notebooks. Connections pass the door first (`door`: header and idle timeouts, connection caps); the
request log is readable by its owner only.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import uvicorn

from ..process import VanbanError
from . import access, door
from .app import create_app
from .reader import Archive


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket, so that a busy port is one clear error before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise VanbanError("serve", f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _server(app: Any) -> uvicorn.Server:
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                         **door.config_options()))


def open_log(path: Path) -> Any:
    """The request log, appended to, created readable by its owner only (and made so if it was not)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    except OSError:
        pass  # a log someone else owns: written as it is
    return os.fdopen(fd, "a", encoding="utf-8", buffering=1)


def guarded_app(db: Path | str, host: str, password_file: Path | None, log_path: Path | None) -> tuple[Any, Any]:
    """The app as `vanban serve` runs it: off loopback it refuses to start without a password file, and with one
    it logs every request (to `log_path`, by default access.log beside the store). Returns (app, log handle)."""
    if password_file is None and not access.is_loopback(host):
        raise VanbanError("serve", f"listening on {host} would open the archive to the network without a password: "
                                   "give --password-file FILE (write one with `vanban password USER --file FILE`)")
    archive = Archive.open(db)
    if password_file is not None and log_path is None:
        log_path = archive.path.parent / "access.log"
    handle = None
    if log_path is not None:
        try:
            handle = open_log(Path(log_path))
        except OSError as exc:
            raise VanbanError("serve", f"cannot write the request log {log_path}: {exc.strerror or exc}") from exc
    try:
        return create_app(archive.path, password_file=password_file, log=handle), handle
    except BaseException:
        if handle is not None:
            handle.close()
        raise


def serve(db: Path | str, host: str = "127.0.0.1", port: int = 8765, announce: Callable[[str], None] = print,
          password_file: Path | None = None, log_path: Path | None = None) -> None:
    """Serve until interrupted (Ctrl+C)."""
    app, log = guarded_app(db, host, password_file, log_path)
    try:
        sock = bind(host, port)
        who = f"; users from {password_file}, requests logged to {log.name}" if password_file else ""
        announce(f"vanban serve: {url(sock)} (archive {app.state.archive.path}{who}; Ctrl+C to stop)")
        _server(app).run(sockets=[sock])
    finally:
        if log is not None:
            log.close()


@contextmanager
def serving(db: Path | str, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0,
            password_file: Path | None = None, log_path: Path | None = None) -> Iterator[str]:
    """Serve in a background thread for the duration of a `with` block; yields the base URL (tests, notebooks)."""
    app, log = guarded_app(db, host, password_file, log_path)
    sock = bind(host, port)
    server = _server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="vanban-serve")
    thread.start()
    deadline = time.monotonic() + timeout
    try:
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise VanbanError("serve", "the web server did not start")
            time.sleep(0.02)
        yield url(sock)
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
        if log is not None:
            log.close()
