"""Who may look: password files, the check on every route of `vanban serve`, the request log, the CLI."""

from __future__ import annotations

import base64
import re
import stat
import subprocess
import sys
import time

import httpx
import pytest
from starlette.testclient import TestClient

from pipeline.web import access
from pipeline.web import create_app, serving

VANBAN = [sys.executable, "-m", "pipeline.cli"]
FAST = 100_000  # the fewest PBKDF2 iterations a file may hold: tests write their users with it


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture()
def password_file(tmp_path):
    path = tmp_path / "users"
    access.write_entry(path, access.password_line("officer", "mật khẩu đúng", iterations=FAST))
    line, token = access.token_line("reader")
    access.write_entry(path, line)
    return path, token


def test_password_lines_check_only_the_right_password(password_file):
    path, token = password_file
    checker = access.Checker(access.load(path))
    good = basic("officer", "mật khẩu đúng")["Authorization"]
    assert checker.user(good) == "officer"
    assert checker.user(good) == "officer"  # remembered
    assert checker.user(basic("officer", "mật khẩu sai")["Authorization"]) is None
    assert checker.user(basic("nobody", "mật khẩu đúng")["Authorization"]) is None
    assert checker.user(f"Bearer {token}") == "token:reader"
    assert checker.user(f"Bearer {token}x") is None
    for header in (None, "", "Basic", "Basic !!!", "Basic " + base64.b64encode(b"\xff\xfe").decode(), "Digest x",
                   "Bearer", f"Basic {token}"):
        assert checker.user(header) is None, header
    text = path.read_text()
    assert "mật khẩu" not in text and token not in text  # only salted hashes are kept
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_writing_a_user_again_replaces_it(tmp_path):
    path = tmp_path / "users"
    assert not access.write_entry(path, access.password_line("a", "one", iterations=FAST))
    assert not access.write_entry(path, access.password_line("b", "two", iterations=FAST))
    assert access.write_entry(path, access.password_line("a", "three", iterations=FAST))
    checker = access.Checker(access.load(path))
    assert checker.user(basic("a", "three")["Authorization"]) == "a"
    assert checker.user(basic("a", "one")["Authorization"]) is None
    assert checker.user(basic("b", "two")["Authorization"]) == "b"
    for name in ("", "a b", "a:b", "token", "x\x00"):
        with pytest.raises(access.AccessError):
            access.password_line(name, "pw")
    with pytest.raises(access.AccessError):
        access.password_line("a", "")


@pytest.mark.parametrize("content, message", [
    ("", "has no users"),
    ("# only a comment\n", "has no users"),
    ("officer:plain-password\n", "line 1"),
    ("ok:pbkdf2_sha256$1000$AAAA$AAAA\n", "line 1"),  # too few iterations to be a stretched hash
    ("\nofficer:pbkdf2_sha256$600000$not base64!$AAAA\n", "line 2"),
    ("token:x:sha256$abc\n", "line 1"),
])
def test_unusable_password_files_are_one_clear_error(tmp_path, content, message):
    path = tmp_path / "users"
    path.write_text(content)
    with pytest.raises(access.AccessError, match=message):
        access.load(path)
    with pytest.raises(access.AccessError, match="cannot read"):
        access.load(tmp_path / "missing")


def test_is_loopback():
    assert all(access.is_loopback(h) for h in ("127.0.0.1", "127.5.0.1", "::1", "[::1]", "localhost"))
    assert not any(access.is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.5", "10.0.0.1", "example.org", ""))


ROUTES = ["/", "/?q=what+cites+Plan+58", "/doc/kh-58-kh-ubnd-quang-ngai-2025-10-10", "/graph",
          "/api/query?q=KH+58", "/static/web.css", "/static/vanban.css", "/favicon.ico", "/source?path=x",
          "/nowhere", "/page/1/1.png", "/file/1", "/file/..%2F..%2Fetc%2Fpasswd"]


def test_every_route_needs_credentials_and_every_request_is_logged(demo_archive, password_file, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setattr(access, "FAILURE_PAUSE", 0.0)
    monkeypatch.setattr(access, "FREE_FAILURES", 1000)  # this test's 39 wrong logins are not a guesser's
    path, token = password_file
    log = tmp_path / "access.log"
    with open(log, "a", encoding="utf-8") as handle, \
            TestClient(create_app(demo_archive, password_file=path, log=handle)) as client:
        for route in ROUTES:
            for headers in ({}, basic("officer", "wrong"), basic("intruder", "mật khẩu đúng"),
                            {"Authorization": "Bearer not-the-token"}):
                answer = client.get(route, headers=headers)
                assert answer.status_code == 401, (route, headers)
                assert answer.headers["www-authenticate"].startswith('Basic realm="vanban"')
                assert "58/KH-UBND" not in answer.text and "cytoscape" not in answer.text
            assert client.get(route, headers=basic("officer", "mật khẩu đúng")).status_code != 401, route
            assert client.get(route, headers={"Authorization": f"Bearer {token}"}).status_code != 401, route
        page = client.get("/doc/kh-58-kh-ubnd-quang-ngai-2025-10-10", headers=basic("officer", "mật khẩu đúng"))
        assert page.status_code == 200 and "58/KH-UBND" in page.text
        assert client.get("/", params={"q": "what cites Plan 58"},
                          headers={"Authorization": f"Bearer {token}"}).status_code == 200
    lines = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(ROUTES) * 6 + 2
    assert all(len(line) == 6 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", line[0]) for line in lines)
    assert ["officer", "testclient", "GET", "/?q=what+cites+Plan+58", "200"] in [line[1:] for line in lines]
    assert ["-", "testclient", "GET", "/file/1", "401"] in [line[1:] for line in lines]
    assert any(line[1] == "token:reader" and line[4] == "/" and line[5] == "200" for line in lines)


def test_off_loopback_serve_refuses_to_start_without_a_password_file(demo_archive):
    for host in ("0.0.0.0", "::", "192.0.2.1"):
        refused = subprocess.run([*VANBAN, "serve", "--db", str(demo_archive), "--host", host, "--port", "0"],
                                 capture_output=True, text=True, timeout=30)
        assert refused.returncode == 1 and refused.stderr.count("\n") == 1, refused.stderr
        assert "--password-file" in refused.stderr and "Traceback" not in refused.stderr
    bad = subprocess.run([*VANBAN, "serve", "--db", str(demo_archive), "--host", "0.0.0.0",
                          "--password-file", str(demo_archive / "no-such-file")], capture_output=True, text=True,
                         timeout=30)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "password file" in bad.stderr


def test_cli_password_then_serve_on_all_addresses(demo_archive, tmp_path):
    users = tmp_path / "users"
    made = subprocess.run([*VANBAN, "password", "officer", "--file", str(users), "--stdin"], input="s3cret passphrase\n",
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0 and "added user officer" in made.stdout, made.stderr
    again = subprocess.run([*VANBAN, "password", "officer", "--file", str(users), "--stdin"], input="s3cret2 passphrase\n",
                           capture_output=True, text=True, timeout=60)
    assert "replaced user officer" in again.stdout
    minted = subprocess.run([*VANBAN, "password", "ci", "--file", str(users), "--token"], capture_output=True,
                            text=True, timeout=60)
    token = re.search(r"token \(shown once.*\): (\S+)", minted.stdout).group(1)
    wrong = subprocess.run([*VANBAN, "password", "a b", "--file", str(users), "--stdin"], input="x\n",
                           capture_output=True, text=True, timeout=60)
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1

    log = tmp_path / "requests.log"
    process = subprocess.Popen([*VANBAN, "serve", "--db", str(demo_archive), "--host", "0.0.0.0", "--port", "0",
                                "--password-file", str(users), "--access-log", str(log)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        port = re.search(r"http://0\.0\.0\.0:(\d+)/", line)
        assert port, line + process.stderr.read()
        url = f"http://127.0.0.1:{port.group(1)}/"
        deadline = time.monotonic() + 10
        while True:
            try:
                denied = httpx.get(url + "graph", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert denied.status_code == 401
        assert httpx.get(url, auth=("officer", "s3cret passphrase"), timeout=10).status_code == 401  # replaced
        assert httpx.get(url + "graph", auth=("officer", "s3cret2 passphrase"), timeout=10).status_code == 200
        assert httpx.get(url + "api/query", params={"q": "KH 58"}, timeout=10,
                         headers={"Authorization": f"Bearer {token}"}).json()["answer"]
    finally:
        process.terminate()
        process.wait(timeout=10)
    logged = log.read_text(encoding="utf-8")
    assert "\tofficer\t127.0.0.1\tGET\t/graph\t200" in logged and "\t-\t127.0.0.1\tGET\t/graph\t401" in logged
    assert "\ttoken:ci\t127.0.0.1\tGET\t/api/query?q=KH+58\t200" in logged


def test_loopback_stays_open_and_a_password_file_closes_it_too(demo_archive, password_file):
    path, _ = password_file
    with serving(demo_archive) as base:
        assert httpx.get(base, timeout=10).status_code == 200
    with serving(demo_archive, password_file=path) as base:
        assert httpx.get(base, timeout=10).status_code == 401
        assert httpx.get(base, auth=("officer", "mật khẩu đúng"), timeout=10).status_code == 200
