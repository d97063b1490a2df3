"""Laws cited by name in an archive: one node with the letters that cite it by number and by name, found by its
Vietnamese or English name, its evidence kept, marked as resolved from a name in the exports and on the pages."""

from __future__ import annotations

import csv
import io
import json
from contextlib import closing

import pytest

from nlp.extract import extract
from pipeline import exports
from pipeline.exports import graph_files
from pipeline.archive import store
from pipeline.archive.ingest import store_record
from pipeline.process import DocumentRecord
from pipeline.archive.query import QueryError, answer

HEAD = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: {number}/QĐ-UBND\nQuảng Ngãi, ngày 03 tháng 02 năm {year}\n"
        "QUYẾT ĐỊNH\nVề việc giao đất cho Trường Tiểu học số {number}\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\n")
BY_NAME = HEAD.format(number=12, year=2025) + (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
    "Căn cứ Luật Đất đai năm 2024;\nCăn cứ Luật Quả táo năm 2020;\nQUYẾT ĐỊNH:\nĐiều 1. Giao đất.\n")
BY_NUMBER = HEAD.format(number=15, year=2025) + (
    "Căn cứ Luật Tổ chức chính quyền địa phương số 77/2015/QH13 ngày 19 tháng 6 năm 2015;\n"
    "Căn cứ Luật Đất đai số 31/2024/QH15 ngày 18 tháng 01 năm 2024;\nQUYẾT ĐỊNH:\nĐiều 1. Giao đất.\n")
OLDER = HEAD.format(number=7, year=2019) + "Căn cứ Luật Đất đai;\nQUYẾT ĐỊNH:\nĐiều 1. Giao đất.\n"


@pytest.fixture()
def archive(tmp_path):
    conn = store.connect(tmp_path)
    for source, text in (("by-name.txt", BY_NAME), ("by-number.txt", BY_NUMBER), ("older.txt", OLDER)):
        store_record(conn, DocumentRecord(source, source, len(text), text, 1, extract(text), "ok"))
    yield conn
    conn.close()


def _cited_by(conn, query: str) -> tuple[list[str], list[tuple[str, str | None]]]:
    result = answer(conn, query)
    rows = [(r["source"], r.get("resolved_from")) for r in result.results if r["direction"] == "cited_by"]
    return [m["symbol"] for m in result.matches], sorted(rows)


def test_a_law_cited_by_name_and_by_number_is_one_node(archive):
    symbols, rows = _cited_by(archive, "what cites Luật Đất đai 2024")
    assert symbols == ["31/2024/QH15"]
    assert rows == [("by-name.txt", "name"), ("by-number.txt", None)]
    node = archive.execute("SELECT * FROM nodes WHERE symbol = '31/2024/QH15'").fetchone()
    assert node["title"] == "Luật Đất đai" and node["type"] == "Luật"
    # the evidence is the sentence as written, on its page
    edge = archive.execute("SELECT e.* FROM edges e JOIN documents d ON d.id = e.document_id "
                           "WHERE d.source = 'by-name.txt' AND e.target_id = ?", (node["id"],)).fetchone()
    assert edge["snippet"] == "Căn cứ Luật Đất đai năm 2024;" and edge["page"] == 1
    assert edge["relation"] == "based_on"


def test_laws_are_found_by_their_names(archive):
    local_government = _cited_by(archive, "văn bản nào căn cứ Luật Tổ chức chính quyền địa phương")
    assert local_government[0] == ["77/2015/QH13"] and len(local_government[1]) == 2
    assert _cited_by(archive, "van ban nao can cu luat to chuc chinh quyen dia phuong") == local_government
    # every version of the Land Law the archive holds: 2024's cited by two letters, 2013's by the 2019 letter
    symbols, rows = _cited_by(archive, "what cites the Land Law")
    assert sorted(symbols) == ["31/2024/QH15", "45/2013/QH13"] and len(rows) == 3
    assert _cited_by(archive, "what cites Land Law 2013") == (["45/2013/QH13"], [("older.txt", "name")])
    assert _cited_by(archive, "Luật Đất đai năm 2013 được trích dẫn bởi những văn bản nào")[0] == ["45/2013/QH13"]


def test_an_unknown_law_stays_a_named_mention(archive):
    assert archive.execute("SELECT COUNT(*) FROM nodes WHERE title LIKE '%Quả táo%'").fetchone()[0] == 0
    with pytest.raises(QueryError, match="law table"):
        answer(archive, "what cites Luật Quả táo")


def test_exports_say_which_citations_were_resolved_from_a_name(archive):
    table = io.StringIO()
    exports.write_csv_rows(archive, exports.REFERENCES_SQL, exports.REFERENCE_COLUMNS, table, graph_files.Sanitizer())
    rows = list(csv.DictReader(io.StringIO(table.getvalue().removeprefix("\ufeff"))))  # (the BOM Excel needs)
    marked = {(r["source"], r["cited_symbol"]): r["resolved_from"] for r in rows}
    assert marked[("by-name.txt", "77/2015/QH13")] == "name"
    assert marked[("by-number.txt", "77/2015/QH13")] == ""
    out = io.StringIO()
    graph_files.write_cytoscape(archive, out, graph_files.Sanitizer())
    edges = [e["data"] for e in json.loads(out.getvalue())["elements"]["edges"]]
    assert sum(1 for e in edges if e.get("resolved_from") == "name") == 3


def test_pages_show_a_law_cited_by_name_as_such(archive, tmp_path):
    from starlette.testclient import TestClient

    from pipeline.web import create_app

    archive.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with closing(store.connect(tmp_path, readonly=True)) as conn:
        letter = conn.execute("SELECT node_id FROM documents WHERE source = 'by-name.txt'").fetchone()[0]
        law = conn.execute("SELECT id FROM nodes WHERE symbol = '77/2015/QH13'").fetchone()[0]
    with TestClient(create_app(tmp_path)) as client:
        page = client.get(f"/doc/{letter}").text  # Vietnamese by default, English when asked
        assert 'class="ref rel-based_on byname"' in page
        assert "trích dẫn theo tên; số hiệu lấy từ bảng luật" in page
        assert "cited by name; its number is from the law table" not in page
        english = client.get(f"/doc/{letter}", headers={"Accept-Language": "en"}).text
        assert "cited by name; its number is from the law table" in english
        law_page = client.get(f"/doc/{law}").text
        assert law_page.count('class="badge byname"') == 1  # the letter that named it; not the one that numbered it
