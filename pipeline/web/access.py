"""Who may look at an archive served off loopback: credentials, checked on every request, and a log of requests.

Archives hold official correspondence. `vanban serve` on 127.0.0.1 / ::1 stays open to the local user; on any
other address it needs a password file, and then every route (pages, API, page images, downloads, even a 404)
answers 401 without credentials.

The password file holds one line per user or token (`vanban password` writes it):

    officer:pbkdf2_sha256$600000$<salt, base64>$<hash, base64>     HTTP Basic, the password salted and stretched
    token:ci-reader:sha256$<hash, hex>                             a bearer token (`Authorization: Bearer ...`):
                                                                   random 256 bits, so a plain hash is enough

A successful check is remembered for the process (keyed by a hash of what was sent) so that the page images of a
document do not each cost a PBKDF2 run; failures cost a short pause, so guessing is slow. Each request is logged
as one tab-separated line: time (UTC), user, client, method, path with its query, status.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, TextIO

ITERATIONS = 600_000  # PBKDF2-HMAC-SHA256, OWASP's 2023 figure
FAILURE_PAUSE = 0.5  # seconds before a 401 that followed wrong credentials
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
    return out


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
    """Who sent a request, from its Authorization header, or None."""

    def __init__(self, credentials: list[Credential]):
        self._basic = {c.user: c for c in credentials if c.scheme == "basic"}
        self._tokens = [c for c in credentials if c.scheme == "token"]
        self._known: dict[bytes, str] = {}
        self._lock = threading.Lock()

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
        credential = self._basic.get(user)
        if credential is None:  # as slow as a wrong password, so user names cannot be probed by timing
            hashlib.pbkdf2_hmac("sha256", password.encode(), b"0" * 16, ITERATIONS)
            return None
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), credential.salt, credential.iterations)
        if not hmac.compare_digest(digest, credential.digest):
            return None
        with self._lock:
            self._known[key] = user
        return user


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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        import anyio

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        user = "-"
        if self.checker is not None:
            header = headers.get("authorization")
            found = await anyio.to_thread.run_sync(self.checker.user, header)  # PBKDF2 off the event loop
            if found is None:
                if header:
                    await anyio.sleep(FAILURE_PAUSE)
                self._log(scope, "-", 401)
                await _unauthorized(send)
                return
            user = found
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
        query = scope.get("query_string", b"").decode("latin-1")
        path = scope.get("path", "") + (f"?{query}" if query else "")
        self.log.write(user, str(client[0]), scope.get("method", "-"), path, status)


async def _unauthorized(send: Send) -> None:
    body = b"401 Unauthorized: this archive needs a user name and password.\n"
    await send({"type": "http.response.start", "status": 401, "headers": [
        (b"www-authenticate", f'Basic realm="{REALM}", charset="UTF-8"'.encode()),
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})
