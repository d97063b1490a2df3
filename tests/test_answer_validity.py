"""Validity in the answers (issue 26): each document's status in `vanban query --json` and /api/query, and each row
that cites a document no longer in force on the citing letter's date marked, in the JSON and the CLI's table, over
the demo archive plus a letter of 10/09/2025 resting on Luật Tổ chức chính quyền địa phương 2015 (written for the
test; 77/2015/QH13 was replaced from 01/03/2025 by 65/2025/QH15, itself replaced from 16/06/2025 by 72/2025/QH15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import closing

import pytest
from starlette.testclient import TestClient

from pipeline.archive import store
from pipeline.archive.query import answer
from pipeline.archive.validity import annotate
from pipeline.web import create_app

from .conftest import DATA, ROOT

LAW_QUESTION = "văn bản nào căn cứ Luật Tổ chức chính quyền địa phương"
CHAIN = [{"by": "65/2025/QH15", "from": "2025-03-01"}, {"by": "72/2025/QH15", "from": "2025-06-16"}]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    from pipeline.batch import run

    out = tmp_path_factory.mktemp("validity-archive")
    assert run([str(ROOT / "corpus"), str(DATA / "validity")], out).failed == 0
    return out


def _rows(result: dict) -> dict[str, dict]:
    return {f"{r['direction']} {r['symbol']} {r['date']}": r for r in result["results"]}


def test_each_document_says_its_validity_and_rows_mark_a_citation_of_a_document_no_longer_in_force(archive):
    with closing(store.connect(archive, readonly=True)) as conn:
        result = answer(conn, LAW_QUESTION).to_dict()
    matches = {m["symbol"]: m for m in result["matches"]}
    old, new = matches["77/2015/QH13"]["validity"], matches["72/2025/QH15"]["validity"]
    assert old["in_force"] is False and old["replaced_by"] == "65/2025/QH15" and old["from"] == "2025-03-01"
    assert old["current"] == "72/2025/QH15" and old["chain"] == CHAIN and old["repealed_by"] is None
    assert {"by": "47/2019/QH14", "from": "2020-07-01"} in old["amended_by"]
    assert new["in_force"] is True and new["replaced_by"] is None  # known to the table as the replacer
    rows = _rows(result)
    letter = rows["cited_by 1234/UBND-NV 2025-09-10"]
    assert letter["not_in_force"] == {"cited": "77/2015/QH13", "on": "2025-09-10", "event": "replaced",
                                      "by": "65/2025/QH15", "from": "2025-03-01", "chain": CHAIN,
                                      "current": "72/2025/QH15"}
    # the demo's plan of 24/01/2025 and decision of 12/02/2025 rest on the law while it was in force
    assert rows["cited_by 58/KH-UBND 2025-01-24"]["not_in_force"] is None
    assert rows["cited_by 96/QĐ-UBND 2025-02-12"]["not_in_force"] is None
    assert sum(1 for r in result["results"] if r["not_in_force"]) == 1


def test_what_a_letter_cites_is_read_on_the_letter_s_own_date(archive):
    with closing(store.connect(archive, readonly=True)) as conn:
        letter = answer(conn, "1234/UBND-NV").to_dict()
        plan = answer(conn, "58/KH-UBND năm 2025 trích dẫn những văn bản nào").to_dict()
    cited = _rows(letter)
    law = next(r for key, r in cited.items() if key.startswith("cites 77/2015/QH13"))
    assert law["not_in_force"]["on"] == "2025-09-10" and law["not_in_force"]["chain"] == CHAIN
    assert law["validity"]["in_force"] is False
    resolution = next(r for key, r in cited.items() if key.startswith("cites 57-NQ/TW"))
    assert resolution["not_in_force"] is None and resolution["validity"] is None  # the table does not know it
    in_time = [r for r in plan["results"] if r["symbol"] == "77/2015/QH13" and r["via"].endswith("2025-01-24")]
    assert in_time and all(r["not_in_force"] is None and r["validity"]["in_force"] is False for r in in_time)


def test_validity_is_read_on_the_day_given(archive):
    with closing(store.connect(archive, readonly=True)) as conn:
        before, after = ({"id": "law", "symbol": "65/2025/QH15"} for _ in range(2))
        annotate(conn, [before], [], today="2025-05-01")
        annotate(conn, [after], [], today="2025-07-01")
    assert before["validity"]["in_force"] is True
    assert after["validity"]["in_force"] is False and after["validity"]["replaced_by"] == "72/2025/QH15"


def test_the_api_carries_the_same_fields(archive):
    with TestClient(create_app(archive)) as client:
        api = client.get("/api/query", params={"q": LAW_QUESTION, "limit": 2}).json()["answer"]
    with closing(store.connect(archive, readonly=True)) as conn:
        direct = answer(conn, LAW_QUESTION, limit=2).to_dict()
    assert api["results"] == direct["results"] and api["matches"] == direct["matches"]
    assert all("validity" in r and "not_in_force" in r for r in api["results"])


def _cli(*args: str, lang: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    if lang:
        env["LANG"] = lang
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _first_column(table: str) -> str:
    """The table's first column, its wrapped lines joined (rich draws cells between │)."""
    return " ".join(" ".join(line.split("│")[1].split()) for line in table.splitlines() if line.startswith("│"))


def test_the_cli_table_marks_the_row_in_the_reader_s_language(archive):
    vietnamese = _first_column(_cli("query", "1234/UBND-NV", "--db", str(archive)))
    assert "77/2015/QH13 đã hết hiệu lực vào ngày 10/09/2025" in vietnamese
    assert "bị thay thế bởi 65/2025/QH15 (từ 01/03/2025) → 72/2025/QH15 (từ 16/06/2025)" in vietnamese
    english = _first_column(_cli("query", "1234/UBND-NV", "--db", str(archive), lang="en_US.UTF-8"))
    assert "77/2015/QH13 was no longer in force on 10/09/2025" in english
    assert "replaced by 65/2025/QH15 (from 01/03/2025) → 72/2025/QH15 (from 16/06/2025)" in english
    law = " ".join(_cli("query", LAW_QUESTION, "--db", str(archive), "--lang", "en").split())
    assert "no longer in force: replaced by 65/2025/QH15" in law  # the law's own status under its name
    data = json.loads(_cli("query", LAW_QUESTION, "--db", str(archive), "--json"))
    assert sum(1 for r in data["results"] if r["not_in_force"]) == 1
