"""Who may look at an archive served off loopback: credentials, checked on every request, and a log of requests.

Archives hold official correspondence. `vanban serve` on 127.0.0.1 / ::1 stays open to the local user; on any
other address it needs a password file, and then every route (pages, API, page images, downloads, even a 404)
answers 401 without credentials.

The password file holds one line per user or token (`vanban password` writes it):

    officer:pbkdf2_sha256$600000$<salt, base64>$<hash, base64>     HTTP Basic, the password salted and stretched
    token:ci-reader:sha256$<hash, hex>                             a bearer token (`Authorization: Bearer ...`):
                                                                   random 256 bits, so a plain hash is enough

A successful check is remembered (keyed by a hash of what was sent) so that the page images of a document do not
each cost a PBKDF2 run. The file is read again whenever it changes (a removed token, a changed password take effect
at once) and refused while others can read it or anyone but its owner can write it. Passwords are at least
MIN_PASSWORD characters and not in a list of common ones (`vanban password` checks).

Guessing is slow: a failure costs a pause, and after FREE_FAILURES failures a client may try once a second (then once
every LOCKED_SECONDS after LOCK_FAILURES), other attempts being refused unchecked (429, a line in the log). Each
client (and each user) may send RATE requests a second on average, BURST at once (429 beyond).

Each request is logged as one tab-separated line: time (UTC), user, client, method, path (with its query only for
a user who signed in: an unauthenticated request's query is not kept), status.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import os
import secrets
import stat
import sys
import threading
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Awaitable, Callable, TextIO

ITERATIONS = 600_000  # PBKDF2-HMAC-SHA256, OWASP's 2023 figure
FAILURE_PAUSE = 0.5  # seconds before a 401 that followed wrong credentials
FREE_FAILURES = 10  # failed logins from one client before it may try only once a second
LOCK_FAILURES = 30  # ... and only once every LOCKED_SECONDS
LOCKED_SECONDS = 60.0
FORGET_SECONDS = 900.0  # a client's failures are forgotten after this long without one
RATE, BURST = 20.0, 200  # requests a second, on average and at once, per client (a user: twice that)
MIN_PASSWORD = 12
REALM = "vanban"


class AccessError(ValueError):
    """A password file that cannot be used, or a user name that cannot be written in one."""


@dataclass(frozen=True)
class Credential:
    user: str
    scheme: str  # "basic" (PBKDF2 password) or "token"
    salt: bytes
    digest: bytes
    iterations: int = ITERATIONS


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------------------------------
# The password file


def common_passwords() -> frozenset[str]:
    text = resources.files("pipeline.web").joinpath("data", "common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(_plain(line) for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _plain(password: str) -> str:
    return "".join(password.lower().split())


def check_password(user: str, password: str) -> None:
    """AccessError (one line) for a password too easy to guess: shorter than MIN_PASSWORD characters, in the list
    of common passwords, the user's name, or one character repeated."""
    if len(password) < MIN_PASSWORD:
        raise AccessError(f"a password needs at least {MIN_PASSWORD} characters (this one has {len(password)}); "
                          "a few words make a good one")
    plain = _plain(password)
    if plain in common_passwords() or user.lower() in plain or len(set(plain)) < 4:
        raise AccessError("this password is among the first a guesser tries: choose another")


def password_line(user: str, password: str, *, iterations: int = ITERATIONS) -> str:
    _check_user(user)
    if not password:
        raise AccessError("an empty password is not a password")
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{user}:pbkdf2_sha256${iterations}${_b64(salt)}${_b64(digest)}"


def token_line(name: str) -> tuple[str, str]:
    """A new bearer token for `name`: (the line for the password file, the token, shown once)."""
    _check_user(name)
    token = secrets.token_urlsafe(32)
    return f"token:{name}:sha256${hashlib.sha256(token.encode()).hexdigest()}", token


def write_entry(path: Path, line: str) -> bool:
    """Add a user's or token's line to the password file, replacing the line it had; True if it replaced one.
    The file is written whole and atomically, readable by its owner only."""
    key = _entry_key(line)
    lines = []
    replaced = False
    if path.exists():
        for old in path.read_text(encoding="utf-8").splitlines():
            if old.strip() and not old.startswith("#") and _entry_key(old) == key:
                replaced = True
                continue
            lines.append(old)
    lines.append(line)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(temporary, path)
    return replaced


def load(path: Path) -> list[Credential]:
    """The credentials in a password file; AccessError (one line, naming the line) when it cannot be used."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AccessError(f"cannot read the password file {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            out.append(_parse(line))
        except (ValueError, binascii.Error) as exc:
            raise AccessError(f"{path}, line {number}: not a vanban password line ({exc}); "
                              "write lines with `vanban password`") from None
    if not out:
        raise AccessError(f"the password file {path} has no users: add one with `vanban password USER --file {path}`")
    _check_mode(path)
    return out


def _check_mode(path: Path) -> None:
    """A password file others can read (hashes to guess offline) or anyone but its owner can write (a user to
    add) is refused."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IROTH | stat.S_IWOTH | stat.S_IWGRP):
        raise AccessError(f"the password file {path} can be read or written by other users (mode {mode:o}): "
                          f"`chmod 600 {path}`")


def _parse(line: str) -> Credential:
    if line.startswith("token:"):
        _, name, rest = line.split(":", 2)
        scheme, digest = rest.split("$", 1)
        if scheme != "sha256" or len(digest) != 64:
            raise ValueError("a token is sha256$<64 hex digits>")
        return Credential(name, "token", b"", bytes.fromhex(digest), 0)
    user, rest = line.split(":", 1)
    scheme, iterations, salt, digest = rest.split("$")
    if scheme != "pbkdf2_sha256" or int(iterations) < 100_000:
        raise ValueError("a password is pbkdf2_sha256$<iterations ≥ 100000>$<salt>$<hash>")
    return Credential(user, "basic", base64.b64decode(salt, validate=True), base64.b64decode(digest, validate=True),
                      int(iterations))


def _entry_key(line: str) -> str:
    return ":".join(line.split(":", 2)[:2]) if line.startswith("token:") else line.rsplit(":", 1)[0]


def _check_user(user: str) -> None:
    if not user or ":" in user or any(ch.isspace() or ord(ch) < 32 for ch in user) or user == "token":
        raise AccessError(f"{user!r} cannot be a user name (no spaces, colons or control characters)")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# ---------------------------------------------------------------------------------------------------------------
# Checking requests


class Checker:
    """Who sent a request, from its Authorization header, or None. Made `from_file`, it reads the file again when it
    changes; a file that becomes unusable lets no one in (and says why in `problem`) until it is mended."""

    def __init__(self, credentials: list[Credential], path: Path | None = None):
        self._lock = threading.Lock()
        self._path = path
        self._seen = self._signature()
        self.problem: str | None = None
        self._use(credentials)

    @classmethod
    def from_file(cls, path: Path) -> "Checker":
        return cls(load(path), path)

    def _use(self, credentials: list[Credential]) -> None:
        with self._lock:
            self._basic = {c.user: c for c in credentials if c.scheme == "basic"}
            self._tokens = [c for c in credentials if c.scheme == "token"]
            self._known: dict[bytes, str] = {}

    def _signature(self) -> tuple[int, ...] | None:
        if self._path is None:
            return None
        try:
            info = os.stat(self._path)
        except OSError:
            return (-1,)
        return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_mode)

    def refresh(self) -> None:
        """Read the file again if it changed since it was read."""
        signature = self._signature()
        if signature == self._seen:
            return
        self._seen = signature
        try:
            credentials = load(self._path)  # type: ignore[arg-type]
        except (AccessError, OSError) as exc:
            self.problem = str(exc)
            credentials = []
            sys.stderr.write(f"vanban serve: {self.problem}; no one is let in until it is mended\n")
        else:
            self.problem = None
        self._use(credentials)

    def known(self, header: str | None) -> str | None:
        """The user of credentials already checked (or of a token: a hash is cheap), else None, at no cost."""
        self.refresh()
        if not header:
            return None
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() == "bearer":
            return self.user(header)
        with self._lock:
            return self._known.get(hashlib.sha256(value.strip().encode("utf-8", "replace")).digest())

    def user(self, header: str | None) -> str | None:
        if not header:
            return None
        scheme, _, value = header.strip().partition(" ")
        value = value.strip()
        if scheme.lower() == "bearer" and value:
            digest = hashlib.sha256(value.encode("utf-8", "replace")).digest()
            for token in self._tokens:
                if hmac.compare_digest(digest, token.digest):
                    return f"token:{token.user}"
            return None
        if scheme.lower() != "basic" or not value:
            return None
        key = hashlib.sha256(value.encode("utf-8", "replace")).digest()
        with self._lock:
            known = self._known.get(key)
        if known is not None:
            return known
        try:
            user, _, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        with self._lock:
            credential = self._basic.get(user)
        if credential is None:  # as slow as a wrong password, so user names cannot be probed by timing
            hashlib.pbkdf2_hmac("sha256", password.encode(), b"0" * 16, ITERATIONS)
            return None
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), credential.salt, credential.iterations)
        if not hmac.compare_digest(digest, credential.digest):
            return None
        with self._lock:
            if self._basic.get(user) is credential:  # not replaced meanwhile
                self._known[key] = user
        return user


class Throttle:
    """Failed logins per client: free at first, then one attempt a second, then one a minute; an attempt too
    soon is refused unchecked. Used from the event loop only (no lock)."""

    def __init__(self) -> None:
        self._failures: dict[str, int] = {}
        self._pending: dict[str, int] = {}
        self._next: dict[str, float] = {}
        self._last: dict[str, float] = {}

    def admit(self, client: str) -> float:
        """0 when `client` may try now (the attempt is counted as pending), else the seconds to wait."""
        now = time.monotonic()
        if now - self._last.get(client, now) > FORGET_SECONDS:
            self._forget(client)
        tried = self._failures.get(client, 0) + self._pending.get(client, 0)
        if tried >= FREE_FAILURES:
            wait = self._next.get(client, 0.0) - now
            if wait > 0:
                return wait
            self._next[client] = now + (LOCKED_SECONDS if tried >= LOCK_FAILURES else 1.0)
        self._pending[client] = self._pending.get(client, 0) + 1
        return 0.0

    def done(self, client: str, ok: bool) -> int | None:
        """Record an admitted attempt's result; the client's failures when this one reached a threshold."""
        self._pending[client] = max(0, self._pending.get(client, 0) - 1)
        if ok:
            self._forget(client)
            return None
        failures = self._failures.get(client, 0) + 1
        self._failures[client] = failures
        self._last[client] = time.monotonic()
        return failures if failures == FREE_FAILURES or failures == LOCK_FAILURES > FREE_FAILURES else None

    def _forget(self, client: str) -> None:
        for table in (self._failures, self._next, self._last):
            table.pop(client, None)


class RateLimit:
    """Token buckets: each key may spend `rate` requests a second on average, `burst` at once."""

    def __init__(self, rate: float = RATE, burst: int = BURST) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str, factor: float = 1.0) -> bool:
        now = time.monotonic()
        tokens, then = self._buckets.get(key, (self.burst * factor, now))
        tokens = min(self.burst * factor, tokens + (now - then) * self.rate * factor)
        if len(self._buckets) > 100_000:  # many clients: forget the full buckets
            self._buckets = {k: v for k, v in self._buckets.items() if v[0] < self.burst}
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        return True


Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class RequestLog:
    """Tab-separated lines, flushed as written, from any thread."""

    def __init__(self, stream: TextIO):
        self._stream = stream
        self._lock = threading.Lock()

    def write(self, user: str, client: str, method: str, path: str, status: int) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        clean = lambda v: "".join(ch if ch.isprintable() and ch != "\t" else "?" for ch in v)  # noqa: E731
        line = "\t".join([stamp, clean(user), clean(client), clean(method), clean(path), str(status)])
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()


class Guard:
    """ASGI middleware: a request without valid credentials gets 401 (when a checker is set); every request is
    logged (when a log is set)."""

    def __init__(self, app: Callable[..., Awaitable[None]], checker: Checker | None, log: RequestLog | None):
        self.app, self.checker, self.log = app, checker, log
        self.throttle, self.rates = Throttle(), RateLimit()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        import anyio

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        client = str((scope.get("client") or ("-", 0))[0])
        if not self.rates.allow("client:" + client):
            self._log(scope, "-", 429)
            await _refuse(send, 429, "too many requests from this address: wait a moment", 1)
            return
        user = "-"
        if self.checker is not None:
            header = headers.get("authorization")
            found = self.checker.known(header)
            if found is None and header:
                wait = self.throttle.admit(client)
                if wait:
                    self._log(scope, "-", 429)
                    await _refuse(send, 429, "too many failed logins from this address: try again later", wait)
                    return
                try:
                    found = await anyio.to_thread.run_sync(self.checker.user, header)  # PBKDF2 off the event loop
                finally:
                    reached = self.throttle.done(client, found is not None)
                if reached and self.log is not None:
                    later = "once a second" if reached < LOCK_FAILURES else f"once every {LOCKED_SECONDS:g} s"
                    self.log.write("-", client, "LOGIN", f"{reached} failed logins: this address may try {later}",
                                   429)
            if found is None:
                if header:
                    await anyio.sleep(FAILURE_PAUSE)
                self._log(scope, "-", 401)
                await _unauthorized(send)
                return
            user = found
            if not self.rates.allow("user:" + user, 2.0):
                self._log(scope, user, 429)
                await _refuse(send, 429, "too many requests for this user: wait a moment", 1)
                return
        status = [0]

        async def watch(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            self._log(scope, user, status[0] or 500)

    def _log(self, scope: Scope, user: str, status: int) -> None:
        if self.log is None:
            return
        client = scope.get("client") or ("-", 0)
        query = scope.get("query_string", b"").decode("latin-1") if user != "-" else ""  # a stranger's is not kept
        path = scope.get("path", "") + (f"?{query}" if query else "")
        self.log.write(user, str(client[0]), scope.get("method", "-"), path, status)


async def _refuse(send: Send, status: int, message: str, wait: float) -> None:
    body = f"{status} {message}\n".encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"retry-after", str(max(1, round(wait + 0.49))).encode()),
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


async def _unauthorized(send: Send) -> None:
    body = b"401 Unauthorized: this archive needs a user name and password.\n"
    await send({"type": "http.response.start", "status": 401, "headers": [
        (b"www-authenticate", f'Basic realm="{REALM}", charset="UTF-8"'.encode()),
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})
