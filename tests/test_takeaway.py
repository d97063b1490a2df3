"""Take an answer away (issue 26): the search page's answer and the check as CSV (with a byte-order mark) and xlsx in
the reader's language, and rows read from uncertain OCR marked (JSON, CLI, page, export), over the demo archive plus
a letter of 10/09/2025 resting on a law replaced before that day (tests/data/validity, written for the tests)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing

import openpyxl
import pytest
from starlette.testclient import TestClient

from pipeline.archive import store
from pipeline.archive.query import answer
from pipeline.archive.uncertain import reasons
from pipeline.web import create_app
from pipeline.web.takeaway import xlsx_response

from .conftest import DATA, ROOT

LAW_QUESTION = "văn bản nào căn cứ Luật Tổ chức chính quyền địa phương"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    from pipeline.batch import run

    out = tmp_path_factory.mktemp("takeaway-archive")
    assert run([str(ROOT / "corpus"), str(DATA / "validity")], out).failed == 0
    return out


@pytest.fixture(scope="module")
def client(archive):
    with TestClient(create_app(archive)) as client:
        yield client


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(response.text[1:])))


def test_the_answer_as_csv_in_both_languages(client, archive):
    with closing(store.connect(archive, readonly=True)) as conn:
        total = answer(conn, LAW_QUESTION).total
    vietnamese = _csv(client.get("/answer.csv", params={"q": LAW_QUESTION}))
    assert vietnamese[0][:4] == ["văn bản được hỏi", "chiều", "văn bản", "ngày"] and len(vietnamese) == total + 1
    letter = next(r for r in vietnamese if "1234/UBND-NV" in r[2])
    assert letter[3] == "10/09/2025" and letter[4] == "căn cứ" and letter[7] == "1"
    assert letter[8] == ("77/2015/QH13 đã hết hiệu lực vào ngày 10/09/2025: bị thay thế bởi 65/2025/QH15 "
                         "(từ 01/03/2025) → 72/2025/QH15 (từ 16/06/2025)")
    assert [r[8] for r in vietnamese[1:]].count("") == total - 1  # the plan of 24/01/2025 relied on it in force
    english = _csv(client.get("/answer.csv", params={"q": LAW_QUESTION}, headers={"Accept-Language": "en"}))
    assert english[0][:3] == ["asked about", "direction", "document"]
    assert next(r for r in english if "1234/UBND-NV" in r[2])[8].startswith("77/2015/QH13 was no longer in force")
    assert client.get("/answer.csv", params={"q": "hello"}).status_code == 400


def test_the_answer_and_the_check_as_xlsx(client):
    response = client.get("/answer.xlsx", params={"q": LAW_QUESTION, "lang": "en"})
    assert response.status_code == 200 and "spreadsheetml" in response.headers["content-type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Answer" and sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][8] == "validity" and any(r[3] == "10/09/2025" and r[8] and "72/2025/QH15" in r[8] for r in rows)
    check = openpyxl.load_workbook(io.BytesIO(client.get("/check.xlsx").content)).active
    values = [[c.value for c in row] for row in check.iter_rows()]
    assert values[0][0] == "văn bản" and check.title == "Kiểm tra hiệu lực"  # Vietnamese by default
    assert len(values) == 2 and values[1][1] == "10/09/2025" and "1234/UBND-NV" in values[1][0]


def test_a_cell_that_looks_like_a_formula_stays_text():
    response = xlsx_response(["a", "b"], [["=HYPERLINK(\"http://x\")", 3]], "t", "t")
    sheet = openpyxl.load_workbook(io.BytesIO(response.body)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK") and sheet["B2"].value == 3


def test_the_page_offers_the_exports(client):
    page = client.get("/", params={"q": LAW_QUESTION}).text
    assert 'href="/answer.csv?q=' in page and 'href="/answer.xlsx?q=' in page
    assert 'href="/check.xlsx"' in client.get("/check").text


def test_reasons_for_an_uncertain_reading():
    row = {"source": "a.pdf", "mention": 0.95, "number_source": "handwriting", "number_confidence": 0.62}
    assert reasons(row) == [{"source": "a.pdf", "why": "handwritten_number", "confidence": 0.62}]
    assert reasons({**row, "number_confidence": 0.9}) == []
    assert reasons({**row, "number_source": "print", "number_confidence": None, "mention": 0.5}) == \
        [{"source": "a.pdf", "why": "mention", "confidence": 0.5}]


@pytest.fixture(scope="module")
def unsure(archive, tmp_path_factory):
    """The archive with the letter's handwritten number read at 0.62 and one reference of a plan read at 0.5 (as
    OCR would have left them)."""
    out = tmp_path_factory.mktemp("unsure")
    shutil.copy(archive / "archive.sqlite", out / "archive.sqlite")
    with closing(sqlite3.connect(out / "archive.sqlite")) as conn:
        conn.execute("UPDATE documents SET number_source = 'handwriting', number_confidence = 0.62 "
                     "WHERE symbol = '1234/UBND-NV'")
        conn.execute("UPDATE edges SET confidence = 0.5 WHERE document_id = (SELECT id FROM documents "
                     "WHERE source LIKE '%058-KH-UBND-nghean.txt') AND target_id LIKE '%77-2015-qh13%'")
        conn.commit()
    return out


def test_rows_read_from_uncertain_ocr_are_marked(unsure):
    with closing(store.connect(unsure, readonly=True)) as conn:
        rows = {r["symbol"] + " " + r["date"]: r for r in answer(conn, LAW_QUESTION).to_dict()["results"]}
    assert rows["1234/UBND-NV 2025-09-10"]["uncertain"] == [
        {"source": rows["1234/UBND-NV 2025-09-10"]["source"], "why": "handwritten_number", "confidence": 0.62}]
    assert [u["why"] for u in rows["58/KH-UBND 2025-01-24"]["uncertain"]] == ["mention"]
    assert rows["96/QĐ-UBND 2025-02-12"]["uncertain"] == []
    with TestClient(create_app(unsure)) as client:
        page = client.get("/", params={"q": LAW_QUESTION}).text
        assert page.count('class="badge uncertain"') == 2 and "bản đọc OCR chưa chắc chắn" in page
        exported = _csv(client.get("/answer.csv", params={"q": LAW_QUESTION, "lang": "en"}))
    marks = {r[2]: r[9] for r in exported[1:]}
    assert marks["Công văn 1234/UBND-NV"].startswith("uncertain OCR reading: ") and "handwritten number" in \
        marks["Công văn 1234/UBND-NV"] and "0.62" in marks["Công văn 1234/UBND-NV"]
    assert marks["Quyết định 96/QĐ-UBND"] == ""
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    table = subprocess.run([sys.executable, "-m", "pipeline.cli", "query", LAW_QUESTION, "--db", str(unsure)],
                           capture_output=True, text=True, env=env, timeout=120, cwd=ROOT).stdout
    assert " ".join(table.split()).count("bản đọc OCR chưa chắc chắn") == 2
