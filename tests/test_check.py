"""`vanban check` and the pages' languages over the demo archive plus a letter of 10/09/2025 (written for this test)
that rests on Luật Tổ chức chính quyền địa phương 2015, replaced before that day (65/2025/QH15, then 72/2025/QH15)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from contextlib import closing

import pytest
from starlette.testclient import TestClient

from pipeline.archive import store
from pipeline.archive.check import check
from pipeline.web import create_app

from .conftest import DATA, ROOT

LETTER = "1234/UBND-NV"
CODE_WORDS = ["based_on", "implements", "responds_to", "attached_to", "cited only", "asserted by the letter",
              "All types", "cites →", "None"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    from pipeline.batch import run

    out = tmp_path_factory.mktemp("check-archive")
    summary = run([str(ROOT / "corpus"), str(DATA / "validity")], out)
    assert summary.failed == 0
    return out


@pytest.fixture(scope="module")
def letter_id(archive):
    with closing(store.connect(archive, readonly=True)) as conn:
        return conn.execute("SELECT node_id FROM documents WHERE symbol = ?", (LETTER,)).fetchone()[0]


def test_check_lists_the_letter_with_the_chain_of_replacements(archive):
    with closing(store.connect(archive, readonly=True)) as conn:
        findings = check(conn)
        decision_96 = conn.execute("SELECT date FROM documents WHERE symbol = '96/QĐ-UBND'").fetchone()[0]
    assert [(f.letter_symbol, f.cited_symbol) for f in findings] == [(LETTER, "77/2015/QH13")]
    found = findings[0]
    assert found.letter_date == "2025-09-10" and found.event == "replaced"
    assert found.chain == (("65/2025/QH15", "2025-03-01"), ("72/2025/QH15", "2025-06-16"))
    assert found.current == "72/2025/QH15" and "Căn cứ Luật Tổ chức chính quyền địa phương" in found.sentence
    # the demo's decision of 12/02/2025 rests on the same law while it was still in force: not listed
    assert decision_96 == "2025-02-12"


def _cli(*args: str, lang: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    if lang:
        env["LANG"] = lang
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "check", *args], capture_output=True, text=True,
                          env=env, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_vanban_check_in_both_languages_and_as_json(archive):
    vietnamese = _cli("--db", str(archive))
    assert "1 văn bản căn cứ vào văn bản đã hết hiệu lực" in vietnamese
    assert "10/09/2025" in vietnamese and "65/2025/QH15" in vietnamese and "72/2025/QH15" in vietnamese
    assert "bị thay thế" in vietnamese and "2025-09-10" not in vietnamese
    english = _cli("--db", str(archive), lang="en_US.UTF-8")
    assert "1 letters rest on documents no longer in force" in english and "replaced by" in english
    assert _cli("--db", str(archive), "--lang", "vi", lang="en_US.UTF-8") == vietnamese
    data = json.loads(_cli("--db", str(archive), "--json"))
    assert data[0]["chain"] == [{"by": "65/2025/QH15", "from": "2025-03-01"},
                                {"by": "72/2025/QH15", "from": "2025-06-16"}]


@pytest.fixture(scope="module")
def client(archive):
    with TestClient(create_app(archive)) as c:
        yield c


def _visible(body: str) -> str:
    """The page as a reader sees it: text and attributes a person reads (titles, placeholders), no markup."""
    shown = " ".join(re.findall(r'(?:title|placeholder|alt|aria-label)="([^"]*)"', body))
    return re.sub(r"<[^>]+>", " ", body) + " " + shown


def test_the_letter_page_in_vietnamese_by_default_says_what_replaced_the_law(client, letter_id):
    client.cookies.clear()
    page = client.get(f"/doc/{letter_id}")
    body = page.text
    assert '<html lang="vi">' in body and page.headers["content-language"] == "vi"
    assert "Văn bản này căn cứ vào văn bản đã hết hiệu lực tại ngày ban hành (10/09/2025)" in body
    stale = body[body.index("stale-notice"):]
    assert stale.index("65/2025/QH15") < stale.index("72/2025/QH15")
    assert "Văn bản căn cứ (" in body and "căn cứ" in body and "10/09/2025" in body
    text = _visible(body)
    assert not [w for w in CODE_WORDS if w in text], [w for w in CODE_WORDS if w in text]
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", re.sub(r'href="[^"]*"|id="[^"]*"', "", text))


def test_english_when_the_browser_asks_and_the_switch_keeps_it(client, letter_id):
    english = client.get(f"/doc/{letter_id}", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert '<html lang="en">' in english and "This letter rests on documents no longer in force" in english
    assert "Documents it is based on" in english and "10/09/2025" in english
    switched = client.get(f"/doc/{letter_id}?lang=vi", headers={"Accept-Language": "en"})
    assert '<html lang="vi">' in switched.text and switched.cookies.get("vanban_lang") == "vi"
    switch = re.search(r'<a class="lang" href="([^"]+)"', english).group(1)
    assert switch.endswith("lang=vi")


def test_the_law_page_says_its_status_and_the_check_page_exports(client):
    client.cookies.clear()  # no language chosen with the switch: Vietnamese
    law = client.get("/doc/" + _node(client, "77/2015/QH13")).text
    assert "Tình trạng hiệu lực" in law and "hết hiệu lực" in law
    assert law.index("65/2025/QH15") < law.index("72/2025/QH15")
    page = client.get("/check").text
    assert LETTER in page and "10/09/2025" in page and "72/2025/QH15" in page
    exported = client.get("/check.csv?lang=en")
    assert exported.text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][0] == "letter" and len(rows) == 2 and rows[1][1] == "10/09/2025"


def _node(client, symbol: str) -> str:
    body = client.get("/", params={"q": symbol}).text
    return re.search(r'<article class="match">\s*<h2><a href="/doc/([^"]+)"', body).group(1)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_message_is_translated_and_the_compiled_catalogue_is_current(lang):
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    folder = ROOT / "pipeline" / "web" / "locale" / lang / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as handle:
        po = read_po(handle)
    with open(folder / "messages.mo", "rb") as handle:
        mo = read_mo(handle)
    with open(ROOT / "pipeline" / "web" / "locale" / "messages.pot", "rb") as handle:
        template = read_po(handle)
    ids = {m.id for m in template if m.id}
    assert ids == {m.id for m in po if m.id}  # the catalogue holds every message of the code and templates
    assert {m.id: m.string for m in po if m.id and m.string} == {m.id: m.string for m in mo if m.id}
    if lang == "vi":
        assert all(m.string for m in po if m.id), [m.id for m in po if m.id and not m.string]
        assert dict((m.id, m.string) for m in po if m.id)["based on"] == "căn cứ"
