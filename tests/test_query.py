import json
import subprocess
import sys

import pytest

from pipeline.archive.query import answer, parse_direction, parse_target


@pytest.mark.parametrize(
    "question,direction,code,number",
    [
        ("what cites Plan 58", "cited_by", "KH", "58"),
        ("văn bản nào trích dẫn Kế hoạch 58", "cited_by", "KH", "58"),
        ("van ban nao trich dan ke hoach so 58", "cited_by", "KH", "58"),
        ("Kế hoạch 58 trích dẫn những văn bản nào", "cites", "KH", "58"),
        ("what cites Decision 1588", "cited_by", "QĐ", "1588"),
        ("QD 1588", "both", "QĐ", "1588"),
        ("NQ57", "both", "NQ", "57"),
        ("NQ 57", "both", "NQ", "57"),
        ("KH 58", "both", "KH", "58"),
        ("Directive 29", "both", "CT", "29"),
        ("what cites Official letter 961", "cited_by", "CV", "961"),
        ("documents cited by Plan 121", "cites", "KH", "121"),
    ],
)
def test_parse(question, direction, code, number):
    target = parse_target(question)
    assert (target.type_code, target.number) == (code, number)
    assert parse_direction(question, target) == direction


def test_full_symbol():
    target = parse_target("what does 819/SKHCN-BCVT&CĐS cite")
    assert target.symbol_key == "819-skhcn-bcvt-cds"
    assert parse_direction("what does 819/SKHCN-BCVT&CĐS cite", target) == "cites"


def test_what_cites_plan_58(demo_conn):
    result = answer(demo_conn, "what cites Plan 58")
    assert result.ambiguous and [m["province"] for m in result.matches] == ["Quảng Ngãi", "Nghệ An"]
    qn = [r for r in result.results if r["via"] == result.matches[0]["id"]]
    assert "819-SKHCN.txt" in {r["source"].split("/")[-1] for r in qn}
    row = next(r for r in qn if r["symbol"] == "819/SKHCN-BCVT&CĐS")
    assert "58/KH-UBND" in row["snippet"] and row["relation"] in {"based_on", "implements"}
    na = {r["symbol"] for r in result.results if r["via"] == result.matches[1]["id"]}
    assert na == {"47/KH-UBND", "2150/SKHCN-CĐS", "96/QĐ-UBND"}  # the last one a scanned JPEG
    assert "415/STP-PBGDPL" in {r["symbol"] for r in qn}  # a scanned PDF of Quảng Ngãi


def test_vietnamese_question_gives_the_same_answer(demo_conn):
    english = answer(demo_conn, "what cites Plan 58").results
    vietnamese = answer(demo_conn, "văn bản nào trích dẫn Kế hoạch 58").results
    assert english == vietnamese


def test_what_cites_decision_1588(demo_conn):
    result = answer(demo_conn, "what cites Decision 1588")
    assert [m["symbol"] for m in result.matches] == ["1588/QĐ-TTg"] and not result.ambiguous
    assert "819/SKHCN-BCVT&CĐS" in {r["symbol"] for r in result.results}


def test_what_does_819_cite(demo_conn):
    result = answer(demo_conn, "what does 819/SKHCN-BCVT&CĐS cite")
    cited = {r["symbol"] for r in result.results if r["depth"] == 1}
    assert cited == {"961/VP-KGVX", "57-NQ/TW", "121/KH-UBND", "58/KH-UBND", "13-NQ/TU", "368-KH/TU", "29-CT/TU",
                     "38/KH-UBND", "67/KH-UBND", "1588/QĐ-TTg"}
    plan58 = next(r for r in result.results if r["symbol"] == "58/KH-UBND")
    assert plan58["date"] == "2025-10-10"  # Quảng Ngãi's, not Nghệ An's


def test_depth_follows_indirect_citers(demo_conn):
    direct = {r["symbol"] for r in answer(demo_conn, "what cites NQ 57").results}
    deep = answer(demo_conn, "what cites NQ 57", depth=3).results
    assert direct < {r["symbol"] for r in deep}
    assert max(r["depth"] for r in deep) >= 2


def test_cli_query_json_and_table(demo_archive):
    cmd = [sys.executable, "-m", "pipeline.cli", "query", "what cites Plan 58", "--db", str(demo_archive)]
    data = json.loads(subprocess.run([*cmd, "--json"], capture_output=True, check=True).stdout)
    assert data["direction"] == "cited_by" and len(data["matches"]) == 2
    for key in ("id", "symbol", "type", "date", "title", "relation", "source", "snippet"):
        assert key in data["results"][0]
    table = subprocess.run([*cmd, "--lang", "en"], capture_output=True, check=True).stdout.decode()
    assert "819/SKHCN-BCVT&CĐS" in table and "Ambiguous" in table


def test_cli_query_errors(demo_archive, tmp_path):
    bad = subprocess.run([sys.executable, "-m", "pipeline.cli", "query", "hello", "--db", str(demo_archive)],
                         capture_output=True)
    assert bad.returncode == 2 and bad.stderr.count(b"\n") == 1
    missing = subprocess.run([sys.executable, "-m", "pipeline.cli", "query", "KH 58", "--db", str(tmp_path)],
                             capture_output=True)
    assert missing.returncode == 1 and b"vanban run" in missing.stderr


# One count, one row per citing document (issue 22)

def test_one_row_per_citing_document_with_its_mentions(demo_conn):
    result = answer(demo_conn, "what cites NQ 57")
    rows = [r for r in result.results if r["via"] == result.matches[0]["id"]]
    assert len(rows) == len({r["id"] for r in rows}) == result.total
    plan = [r for r in rows if r["symbol"] == "58/KH-UBND"]
    assert len(plan) == 2  # Quảng Ngãi's and Nghệ An's: two documents, one row each
    assert all(len(r["mentions"]) >= 2 for r in plan)
    for r in rows:
        assert r["relation"] in {m["relation"] for m in r["mentions"]}
        if r["kind"] == "asserted":  # said by another letter: shown as what it is, never as a citing letter
            assert r["source"] is None and r["asserted_by"]
            assert all(m["kind"] == "asserted" and m["asserted_by"] for m in r["mentions"])
        else:
            assert r["source"] and any(m["kind"] == "direct" and m["source"] == r["source"] for m in r["mentions"])


def test_paging_keeps_the_total(demo_conn):
    whole = answer(demo_conn, "what cites NQ 57")
    page = answer(demo_conn, "what cites NQ 57", limit=4, offset=3)
    assert page.total == whole.total and page.results == whole.results[3:7]
    assert answer(demo_conn, "what cites NQ 57", limit=0).results == []


def test_the_count_of_citing_documents_is_the_same_everywhere(demo_archive, demo_conn, web_client):
    import re
    from collections import defaultdict

    import openpyxl

    sheet = openpyxl.load_workbook(demo_archive / "vanban.xlsx", read_only=True)["documents in graph"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    xlsx = {r[header.index("id")]: r[header.index("cited_by")] for r in rows[1:]}
    gexf: dict[str, set[str]] = defaultdict(set)
    for source, target in re.findall(r'<edge [^>]*source="([^"]+)" target="([^"]+)"',
                                     (demo_archive / "graph.gexf").read_text(encoding="utf-8")):
        gexf[target].add(source)
    checked = 0
    for node in demo_conn.execute("SELECT id, symbol FROM nodes WHERE symbol IS NOT NULL"):
        result = answer(demo_conn, f"what cites {node['symbol']}")
        count = len([r for r in result.results if r["via"] == node["id"]])
        assert count == xlsx[node["id"]] == len(gexf[node["id"]]), node["symbol"]
        checked += count > 0
    assert checked >= 10
    cli = subprocess.run([sys.executable, "-m", "pipeline.cli", "query", "what cites NQ 57", "--db",
                          str(demo_archive), "--json", "--limit", "5"], capture_output=True, check=True)
    data = json.loads(cli.stdout)
    api = web_client.get("/api/query", params={"q": "what cites NQ 57", "limit": 5, "offset": 5}).json()["answer"]
    node = next(n for n in xlsx if n.startswith("nq-57-nq-tw"))
    assert data["total"] == api["total"] == xlsx[node] == len(gexf[node]) >= 12
    assert len(data["results"]) == len(api["results"]) == 5 and data["results"] != api["results"]
    assert web_client.get("/api/query", params={"q": "NQ 57", "limit": "x"}).status_code == 400


# Questions: relation words, dates and ranges, types, issuers, vi/en, with and without diacritics (issue 22)

@pytest.mark.parametrize("question,relation,start,end,code", [
    ("văn bản nào sửa đổi Kế hoạch 58", "amends", None, None, None),
    ("van ban nao sua doi ke hoach 58", "amends", None, None, None),
    ("what replaces 58/KH-UBND", "replaces", None, None, None),
    ("what repeals Decision 1588", "repeals", None, None, None),
    ("văn bản nào căn cứ NQ 57 trong năm 2025", "based_on", "2025-01-01", "2025-12-31", None),
    ("văn bản nào năm 2025 căn cứ NQ 57", "based_on", "2025-01-01", "2025-12-31", None),
    ("văn bản nào căn cứ NQ 57 năm 2024", "based_on", None, None, None),  # the resolution's own year
    ("which plans implement NQ 57 since 2026", "implements", "2026-01-01", None, "KH"),
    ("công văn nào trích dẫn KH 58 từ 01/2025 đến 06/2025", None, "2025-01-01", "2025-06-30", "CV"),
    ("what cites Plan 58 before 2026", None, None, "2025-12-31", None),
])
def test_a_question_states_its_filters(question, relation, start, end, code):
    from pipeline.archive.question import read

    filters = read(question).filters
    assert (filters.relation, filters.date_from, filters.date_to, filters.type_code) == (relation, start, end, code)


def test_look_alikes_state_no_filter():
    from pipeline.archive.question import read

    # a year in a law's name is the name's; "Kế hoạch" before its number names the document, not a filter
    assert read("what cites Land Law 2013").filters.date_from is None
    assert read("Luật Đất đai năm 2013 được trích dẫn bởi những văn bản nào").filters.date_from is None
    assert read("what cites Plan 58").filters == read("what cites Plan 58").filters.__class__()
    assert read("văn bản nào trích dẫn Kế hoạch 58").filters.relation is None


def test_filters_narrow_the_answer_and_say_what_is_not_understood(demo_conn):
    everything = answer(demo_conn, "what cites NQ 57")
    implements = answer(demo_conn, "văn bản nào thực hiện NQ 57")
    assert 0 < implements.total < everything.total
    assert all("implements" in {m["relation"] for m in r["mentions"]} for r in implements.results)
    assert answer(demo_conn, "van ban nao thuc hien NQ 57").results == implements.results
    since = answer(demo_conn, "what cites NQ 57 since 2026")
    assert since.total and all(r["date"] >= "2026-01-01" for r in since.results)
    assert {r["id"] for r in since.results} < {r["id"] for r in everything.results}
    amended = answer(demo_conn, "văn bản nào sửa đổi Kế hoạch 58")
    assert amended.total == 0 and amended.filters.relation == "amends"  # said, not silently everything
    odd = answer(demo_conn, "what cites NQ 57 quickly please")
    assert odd.filters.unknown == ("quickly",) and odd.total == everything.total
    assert answer(demo_conn, "what cites NQ 57").filters.unknown == ()
    assert answer(demo_conn, "văn bản nào trích dẫn NQ 57 năm 2024").filters.unknown == ()
    by = answer(demo_conn, "văn bản của Sở Tư pháp trích dẫn NQ 57")
    assert [r["symbol"] for r in by.results] == ["415/STP-PBGDPL"]
    qn = answer(demo_conn, "KH 58 của UBND tỉnh Quảng Ngãi")
    assert [m["province"] for m in qn.matches] == ["Quảng Ngãi"]


def test_cli_searches_the_text_when_no_document_is_named(demo_archive):
    cmd = [sys.executable, "-m", "pipeline.cli", "query", "chuyen doi so", "--db", str(demo_archive)]
    done = subprocess.run([*cmd, "--json"], capture_output=True)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["total"] >= 2 and any("819-SKHCN" in t["source"] for t in data["texts"])
    snippet = next(t["snippet"] for t in data["texts"] if "819-SKHCN" in t["source"])
    assert snippet.startswith("V/V") and "Chuyển đổi số" in snippet  # the V/v line, whole, not a cut window
    said = subprocess.run([*cmd[:4], "what cites NQ 57 quickly", *cmd[4:], "--lang", "en"], capture_output=True,
                          check=True)
    assert "Not understood" in said.stdout.decode() and "quickly" in said.stdout.decode()


def test_graph_format_is_case_insensitive(demo_archive, tmp_path):
    target = tmp_path / "g.gexf"
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "graph", "--db", str(demo_archive), "--format",
                           "GEXF", "-o", str(target)], capture_output=True)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").startswith("<?xml")
    bad = subprocess.run([sys.executable, "-m", "pipeline.cli", "graph", "--db", str(demo_archive), "--format",
                          "GEXFX", "-o", str(target)], capture_output=True)
    assert bad.returncode == 2
