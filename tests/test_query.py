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
    table = subprocess.run(cmd, capture_output=True, check=True).stdout.decode()
    assert "819/SKHCN-BCVT&CĐS" in table and "Ambiguous" in table


def test_cli_query_errors(demo_archive, tmp_path):
    bad = subprocess.run([sys.executable, "-m", "pipeline.cli", "query", "hello", "--db", str(demo_archive)],
                         capture_output=True)
    assert bad.returncode == 2 and bad.stderr.count(b"\n") == 1
    missing = subprocess.run([sys.executable, "-m", "pipeline.cli", "query", "KH 58", "--db", str(tmp_path)],
                             capture_output=True)
    assert missing.returncode == 1 and b"vanban run" in missing.stderr
