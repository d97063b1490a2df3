"""`vanban serve` (pipeline.web) over HTTP, with Starlette's TestClient; the CLI command in a subprocess."""

from __future__ import annotations

import html
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from starlette.testclient import TestClient

from pipeline.web import Archive, create_app
from pipeline.web.search import highlight

VANBAN = [sys.executable, "-m", "pipeline.cli"]
EVIL_SUBJECT = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
EVIL_SENTENCE_TAIL = "<img src=x onerror=alert(3)>"
EVIL_SOURCE = "evil<img src=x onerror=alert(4)>.txt"
PLAN_58_QN = "kh-58-kh-ubnd-quang-ngai-2025-10-10"
PLAN_58_NA = "kh-58-kh-ubnd-nghe-an-2025-01-24"
DECISION_1588 = "qd-1588-qd-ttg-2024-12-17"


def cited_by(conn, node_id: str) -> int:
    """How many lines 'cited by' lists for a node (one per citing document and evidence file): the demo corpus
    grows, so counts are read from the archive rather than written here."""
    from pipeline.archive.query import neighbours

    return len(neighbours(conn, node_id, "cited_by"))


def group_total(body: str, direction: str) -> int:
    """The documents a document page lists in one direction: the sum of its relation groups' counts."""
    return sum(int(n) for n in re.findall(rf'id="group-{direction}-\w+">\s*<h3>[^<(]*\((\d+)\)</h3>', body))


def make_evil_archive(folder: Path) -> str:
    """An archive with one letter whose subject, sentence and file name are HTML/script; returns its node id."""
    from nlp.extract import extract
    from pipeline.archive import store
    from pipeline.archive.ingest import store_record
    from pipeline.process import DocumentRecord

    text = ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\nSố: 9/UBND-VP\nQuảng Ngãi, ngày 01 tháng 02 năm 2026\n"
            f"V/v {EVIL_SUBJECT}\n\n"
            f"Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh {EVIL_SENTENCE_TAIL}.\n")
    conn = store.connect(folder)
    store_record(conn, DocumentRecord(EVIL_SOURCE, "x", len(text), text, 1, extract(text), "ok"))
    node_id = conn.execute("SELECT node_id FROM documents").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return node_id


@pytest.fixture(scope="module")
def client(demo_archive):
    """The pages in English (the browser asks for it); tests/test_i18n.py checks the Vietnamese default."""
    with TestClient(create_app(demo_archive), headers={"Accept-Language": "en"}) as c:
        yield c


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evil")
    node_id = make_evil_archive(folder)
    with TestClient(create_app(folder), headers={"Accept-Language": "en"}) as c:
        yield c, node_id


def test_search_answers_what_cites_plan_58_with_sentences_and_files(client, demo_conn):
    page = client.get("/", params={"q": "what cites Plan 58"})
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]
    body = page.text
    assert f'href="/doc/{PLAN_58_QN}"' in body and f'href="/doc/{PLAN_58_NA}"' in body
    assert "ambiguous" in body
    assert "<mark>58/KH-UBND</mark>" in body  # the sentence, with the reference marked
    assert "819-SKHCN.txt" in body and "961-VP-KGVX-quangngai.txt" in body
    assert f"Cited by ({cited_by(demo_conn, PLAN_58_QN)})" in body
    assert f"Cited by ({cited_by(demo_conn, PLAN_58_NA)})" in body
    assert cited_by(demo_conn, PLAN_58_QN) >= 7 and "/source?path=" in body


@pytest.mark.parametrize("question", ["văn bản nào trích dẫn Kế hoạch 58", "van ban nao trich dan ke hoach 58",
                                      "KH 58", "58/KH-UBND"])
def test_vietnamese_questions_and_bare_references(client, demo_conn, question):
    body = client.get("/", params={"q": question}).text
    assert f'href="/doc/{PLAN_58_QN}"' in body and f"Cited by ({cited_by(demo_conn, PLAN_58_QN)})" in body


def test_bare_decision_shows_both_directions(client, demo_conn):
    body = client.get("/", params={"q": "QD 1588"}).text
    assert f'href="/doc/{DECISION_1588}"' in body
    assert f"Cited by ({cited_by(demo_conn, DECISION_1588)})" in body and "Cites (0)" in body
    assert "cited only" in body and cited_by(demo_conn, DECISION_1588) >= 6


def test_free_text_search_finds_letters_without_diacritics(client):
    body = client.get("/", params={"q": "chuyen doi so"}).text
    assert "Letters whose text mentions" in body
    assert re.search(r"<mark>chuyển đổi số</mark>", body, re.IGNORECASE)


def test_empty_search_shows_examples_and_most_cited(client):
    body = client.get("/").text
    assert "what cites 57-NQ/TW" in body and "Most cited" in body
    assert body.index("57-NQ/TW") < body.index("1588/QĐ-TTg")


def test_unknown_words_say_nothing_was_found(client):
    body = client.get("/", params={"q": "zzqx"}).text
    assert "No letter in the archive contains these words" in body


def _document_text(body: str) -> str:
    pages = re.findall(r'<pre class="doctext">(.*?)</pre>', body, re.S)
    return "\f".join(html.unescape(re.sub(r"<[^>]+>", "", p)) for p in pages)


def test_document_page_highlights_every_reference_and_keeps_the_text(client, demo_conn):
    doc = demo_conn.execute("SELECT * FROM documents WHERE symbol = '819/SKHCN-BCVT&CĐS'").fetchone()
    body = client.get(f"/doc/{doc['node_id']}").text
    raw = client.get(f"/doc/{doc['node_id']}", params={"view": "raw"}).text
    # the sample letter is OCR output: it reads restored by default, and one click shows the text as OCR read it
    assert doc["restored_text"] and _document_text(body) == doc["restored_text"] != doc["text"]
    assert "Thực hiện ý kiến chỉ đạo của Phó Chủ tịch" in _document_text(body)
    assert _document_text(raw) == doc["text"] and "Thuc hién y kién chi dao" in _document_text(raw)
    assert 'href="?view=raw"' in body and 'href="?view=restored"' in raw
    mentions = demo_conn.execute("SELECT COUNT(*) FROM mentions WHERE document_id = ?", (doc["id"],)).fetchone()[0]
    for page in (body, raw):  # every reference linked in both views, over the same words
        links = re.findall(r'<a class="ref rel-(\w+)" id="m\d+" href="/doc/([^"]+)"', page)
        assert 10 <= len(links) <= mentions
        assert ("based_on", PLAN_58_QN) in links
        assert {"cites", "based_on", "implements"} >= {relation for relation, _ in links}
    restored = re.findall(r'id="m(\d+)" href="[^"]+" title="[^"]*">([^<]+)</a>', body)
    as_read = dict(re.findall(r'id="m(\d+)" href="[^"]+" title="[^"]*">([^<]+)</a>', raw))
    plans = [text for k, text in restored if "58/KH-UBND" in as_read.get(k, "")]
    assert plans and all("58/KH-UBND" in html.unescape(text) for text in plans)
    from pipeline.archive.query import neighbours

    cited = {r["id"] for r in neighbours(demo_conn, doc["node_id"], "cites")}
    assert group_total(body, "cites") == len(cited)  # grouped by relation, each cited document once
    assert "Signed by" in body and "KT. GIÁM ĐỐC" in body  # read from the restored text


def test_stub_page_lists_what_cites_it(client, demo_conn):
    body = client.get(f"/doc/{DECISION_1588}").text
    from pipeline.archive.query import neighbours

    citers = {r["id"] for r in neighbours(demo_conn, DECISION_1588, "cited_by")}
    assert "not in the archive" in body and group_total(body, "cited_by") == len(citers) >= 6
    assert '<pre class="doctext">' not in body


def test_unknown_pages_are_404_pages(client):
    for path in ("/doc/no-such-node", "/nowhere", "/source?path=nowhere.txt"):
        page = client.get(path)
        assert page.status_code == 404 and "Back to the search" in page.text


def test_source_redirects_to_its_document(client, demo_conn):
    source = demo_conn.execute("SELECT source FROM documents WHERE node_id = ?", (PLAN_58_QN,)).fetchone()[0]
    page = client.get("/source", params={"path": source}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/doc/{PLAN_58_QN}"


def test_graph_page_is_the_offline_page_linked_to_documents(client):
    page = client.get("/graph")
    assert page.status_code == 200
    assert "script-src 'unsafe-inline'" in page.headers["content-security-policy"]
    assert "<script src" not in page.text and "cytoscape" in page.text
    assert '"docBase":"/doc/"' in page.text


def test_api_query_returns_the_contract_answer(client):
    data = client.get("/api/query", params={"q": "what cites Plan 58"}).json()
    answer = data["answer"]
    assert answer["direction"] == "cited_by" and answer["ambiguous"]
    assert {m["id"] for m in answer["matches"]} == {PLAN_58_QN, PLAN_58_NA}
    assert all(r["snippet"] and r["source"] for r in answer["results"])
    assert client.get("/api/query", params={"q": "chuyen doi so"}).json()["texts"]


def test_styles_are_served(client):
    css = client.get("/static/vanban.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ".rel-based_on" in css.text
    assert client.get("/static/web.css").status_code == 200


def test_the_store_is_opened_read_only(demo_archive):
    archive = Archive.open(demo_archive)
    with archive.connect() as conn, pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM nodes")


def test_highlight_ignores_case_and_diacritics():
    assert highlight("Theo Kế hoạch số 58/KH-UBND.", ["ke hoach"]) == [("Theo ", False), ("Kế hoạch", True),
                                                                      (" số 58/KH-UBND.", False)]
    assert highlight(None, ["x"]) == [("", False)]


def test_document_text_is_escaped_everywhere(evil):
    client, node_id = evil
    pages = [client.get("/", params={"q": EVIL_SUBJECT}), client.get("/", params={"q": "onerror"}),
             client.get("/", params={"q": "what does 9/UBND-VP cite"}), client.get(f"/doc/{node_id}"),
             client.get("/doc/kh-58-kh-ubnd-quang-ngai-2025-10-10"), client.get("/graph")]
    for page in pages:
        assert page.status_code == 200, page.url
        assert "<img src=x" not in page.text and "<script>alert" not in page.text, page.url
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[3].text  # shown as text
    assert "&lt;img src=x onerror=alert(3)&gt;" in pages[2].text
    assert quote(EVIL_SOURCE, safe="") in pages[2].text


def _serve(*args: str) -> subprocess.Popen:
    return subprocess.Popen([*VANBAN, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_cli_serve_answers_then_stops(demo_archive):
    process = _serve("--db", str(demo_archive), "--port", "0")
    try:
        line = process.stdout.readline()  # "vanban serve: http://127.0.0.1:PORT/ (...)"
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line + process.stderr.read()
        deadline = time.monotonic() + 10
        while True:
            try:
                page = httpx.get(url.group(0), params={"q": "what cites Plan 58"}, timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert page.status_code == 200 and PLAN_58_QN in page.text
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_cli_serve_errors(tmp_path, demo_archive):
    missing = subprocess.run([*VANBAN, "serve", "--db", str(tmp_path / "none")], capture_output=True, text=True,
                             timeout=30)
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1 and "no archive" in missing.stderr
    bad = subprocess.run([*VANBAN, "serve", "--port", "many"], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        taken = subprocess.run([*VANBAN, "serve", "--db", str(demo_archive), "--port", str(port)],
                               capture_output=True, text=True, timeout=30)
    assert taken.returncode == 1 and taken.stderr.count("\n") == 1 and "cannot listen" in taken.stderr


SCAN_415 = "cv-415-stp-pbgdpl-quang-ngai-2026-03-16"


def _box(body: str, mention: int) -> list[tuple[int, int, int, int]]:
    group = re.search(rf'<g class="refbox" id="box-m{mention}">(.*?)</g>', body, re.S)
    assert group, f"no box for mention {mention}"
    return [tuple(int(v) for v in r) for r in
            re.findall(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"', group.group(1))]


def test_a_scan_shows_its_page_with_each_reference_boxed_where_it_was_read(client, demo_conn):
    import io

    import pytesseract
    from PIL import Image

    doc = demo_conn.execute("SELECT * FROM documents WHERE node_id = ?", (SCAN_415,)).fetchone()
    body = client.get(f"/doc/{SCAN_415}").text
    image = re.search(r'<img class="scan" fetchpriority="high" src="(/page/\d+/1.png)" width="(\d+)" height="(\d+)"', body)
    assert image, "the scan's page is not shown"
    png = client.get(image.group(1))
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    page = Image.open(io.BytesIO(png.content)).convert("L")
    width, height = int(image.group(2)), int(image.group(3))
    assert abs(page.width / page.height - width / height) < 0.01
    scale = page.width / width
    mention = demo_conn.execute("SELECT m.id FROM mentions m WHERE m.document_id = ? AND m.node_id = ?",
                                (doc["id"], PLAN_58_QN)).fetchone()[0]
    # the reference in the text jumps to its box; the box links to the cited plan
    assert re.search(rf'id="m{mention}" href="#box-m{mention}"', body)
    assert re.search(rf'<a href="/doc/{PLAN_58_QN}"><g class="refbox" id="box-m{mention}">', body)
    boxes = _box(body, mention)
    assert 1 <= len(boxes) <= 2  # one box per line of print the reference covers
    words = []
    for x, y, w, h in boxes:  # what is inside the box on the served page image is the reference
        assert 0 <= x and 0 <= y and x + w <= width and y + h <= height
        crop = page.crop((int(x * scale) - 4, int(y * scale) - 4, int((x + w) * scale) + 4, int((y + h) * scale) + 4))
        crop = crop.resize((crop.width * 2, crop.height * 2))
        words.append(pytesseract.image_to_string(crop, lang="vie", config="--psm 7"))
    assert "58/KH-UBND" in "".join(words).replace(" ", ""), words
    assert '<rect class="fieldbox" id="field-overlay-' in body  # the incoming-mail stamp, read as a field
    assert client.get(image.group(1)).content == png.content  # from the cache the second time


def test_cited_by_rows_open_the_citing_page_at_the_reference(client, demo_conn):
    body = client.get(f"/doc/{PLAN_58_QN}").text
    links = re.findall(rf'href="/doc/{SCAN_415}#box-m(\d+)"', body)
    assert links, "the scanned letter's 'cited by' row does not open its page at the reference"
    citing = client.get(f"/doc/{SCAN_415}").text
    assert f'id="box-m{links[0]}"' in citing and _box(citing, int(links[0]))
    letter = demo_conn.execute("SELECT node_id FROM documents WHERE symbol = '819/SKHCN-BCVT&CĐS'").fetchone()[0]
    text_link = re.findall(rf'href="/doc/{letter}#box-m(\d+)"', body)
    assert text_link  # a text letter has the same anchor, on the reference in its text
    assert f'<span class="at" id="box-m{text_link[0]}">' in client.get(f"/doc/{letter}").text


def test_the_original_file_downloads_by_id_only(client, demo_conn):
    doc = demo_conn.execute("SELECT * FROM documents WHERE node_id = ?", (SCAN_415,)).fetchone()
    body = client.get(f"/doc/{SCAN_415}").text
    assert f'href="/file/{doc["id"]}"' in body
    got = client.get(f"/file/{doc['id']}", params={"path": "/etc/passwd"})
    assert got.status_code == 200 and got.content == Path(doc["path"]).read_bytes()
    assert got.headers["content-disposition"].startswith("attachment")
    for path in ("/file/..%2F..%2F..%2Fetc%2Fpasswd", "/file/../../etc/passwd", "/file/%2e%2e/%2e%2e/etc/passwd",
                 "/file/-1", "/file/999999", "/file/1%20OR%201=1", "/page/..%2Farchive.sqlite/1.png",
                 f"/page/{doc['id']}/../../archive.sqlite", f"/page/{doc['id']}/0.png", f"/page/{doc['id']}/99.png",
                 "/file/", "/file/%00"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert b"root:" not in answer.content and b"SQLite format" not in answer.content, path


def _scan_archive(folder: Path) -> tuple[Path, str]:
    """An archive of one scanned letter (the demo's JPEG, copied), and its node id."""
    import shutil

    from pipeline.batch import run

    scans = folder / "scans"
    scans.mkdir()
    scan = scans / "96-QD-UBND-nghean.jpg"
    shutil.copy(Path(__file__).resolve().parent.parent / "corpus" / "scans" / scan.name, scan)
    assert run([str(scans)], folder / "out", exports_mode="none").failed == 0
    from pipeline.archive import store

    conn = store.connect(folder / "out", readonly=True)
    node_id = conn.execute("SELECT node_id FROM documents").fetchone()[0]
    conn.close()
    return scan, node_id


def test_a_moved_or_changed_file_says_so_and_the_text_still_shows(tmp_path, monkeypatch):
    from pipeline.web import images

    scan, node_id = _scan_archive(tmp_path)
    with TestClient(create_app(tmp_path / "out"), headers={"Accept-Language": "en"}) as c:
        body = c.get(f"/doc/{node_id}").text
        assert '<img class="scan"' in body and "/file/" in body
        doc_id = re.search(r'src="/page/(\d+)/1.png"', body).group(1)
        assert c.get(f"/page/{doc_id}/1.png").status_code == 200
        cached = list((tmp_path / "out" / images.CACHE).glob("*.png"))
        assert len(cached) == 1

        data = scan.read_bytes()
        scan.write_bytes(data[:-10] + b"0123456789")  # same size, other content
        changed = c.get(f"/doc/{node_id}").text
        assert "has changed since it was read" in changed and '<img class="scan"' not in changed
        assert _document_text(changed) == _document_text(body) and "Căn cứ" in _document_text(changed)
        assert c.get(f"/page/{doc_id}/1.png").status_code == 404  # not even from the cache
        assert c.get(f"/file/{doc_id}").status_code == 404

        scan.rename(tmp_path / "elsewhere.jpg")
        moved = c.get(f"/doc/{node_id}").text
        assert "is no longer at" in moved and '<img class="scan"' not in moved and "/file/" not in moved
        assert _document_text(moved) == _document_text(body)

        (tmp_path / "elsewhere.jpg").rename(scan)
        scan.write_bytes(data)
        assert '<img class="scan"' in c.get(f"/doc/{node_id}").text


def test_the_page_cache_stays_within_its_bound(tmp_path, monkeypatch):
    from pipeline.web import images

    scan, node_id = _scan_archive(tmp_path)
    monkeypatch.setattr(images, "WIDTH", 300)
    from pipeline.archive import store

    conn = store.connect(tmp_path / "out", readonly=True)
    row = conn.execute("SELECT * FROM documents").fetchone()
    conn.close()
    first = images.render(tmp_path / "out", row, 1)
    monkeypatch.setattr(images, "CACHE_LIMIT", len(first) + 10)
    folder = tmp_path / "out" / images.CACHE
    for k in range(5):  # other documents' pages: stand-ins in the cache, newer than the first
        (folder / f"{k:020d}-1.png").write_bytes(first)
        time.sleep(0.01)
    images._bound(folder)
    kept = list(folder.glob("*.png"))
    assert sum(p.stat().st_size for p in kept) <= images.CACHE_LIMIT and len(kept) == 1
    assert kept[0].name.startswith("00000000000000000004")  # the most recently used stays
    assert images.render(tmp_path / "out", row, 1) == first  # evicted pages render again


def test_an_archive_without_the_stored_map_aligns_the_two_texts(demo_conn):
    from pipeline.web.document import _mapping

    doc = dict(demo_conn.execute("SELECT * FROM documents WHERE symbol = '819/SKHCN-BCVT&CĐS'").fetchone())
    stored = _mapping(doc)
    aligned = _mapping({**doc, "restored_map": None})
    spans = demo_conn.execute("SELECT start, end FROM mentions WHERE document_id = ?", (doc["id"],)).fetchall()
    assert spans and aligned.text == stored.text
    for start, end in spans:  # each reference covers the same restored words either way
        a = stored.text[stored.to_restored(start):stored.to_restored(end)]
        b = aligned.text[aligned.to_restored(start):aligned.to_restored(end)]
        assert a == b, (a, b)


def test_evidence_links_open_the_citing_page_at_the_reference(client, demo_conn):
    mention = demo_conn.execute("SELECT m.id FROM mentions m JOIN documents d ON d.id = m.document_id "
                                "WHERE d.node_id = ? AND m.node_id = ?", (SCAN_415, PLAN_58_QN)).fetchone()[0]
    source = demo_conn.execute("SELECT source FROM documents WHERE node_id = ?", (SCAN_415,)).fetchone()[0]
    for params in ({"from": SCAN_415, "to": PLAN_58_QN, "file": source}, {"from": SCAN_415, "to": PLAN_58_QN}):
        answer = client.get("/evidence", params=params, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == f"/doc/{SCAN_415}#box-m{mention}"
    assert client.get("/evidence", params={"from": SCAN_415, "to": "nothing"},
                      follow_redirects=False).headers["location"] == f"/doc/{SCAN_415}"
    assert client.get("/evidence", params={"from": "nothing", "to": PLAN_58_QN}).status_code == 404
    assert '"evidenceBase":"/evidence?"' in client.get("/graph").text


def test_the_graph_page_loads_a_documents_citations_from_the_store(client, demo_conn):
    found = client.get("/api/neighbourhood", params={"id": PLAN_58_QN}).json()
    ids = {n["data"]["id"] for n in found["nodes"]}
    edges = demo_conn.execute("SELECT id, source_id, target_id FROM edges WHERE source_id = ? OR target_id = ?",
                              (PLAN_58_QN, PLAN_58_QN)).fetchall()
    assert {e["data"]["id"] for e in found["edges"]} == {f"e{row['id']}" for row in edges}
    assert ids == {PLAN_58_QN} | {row["source_id"] for row in edges} | {row["target_id"] for row in edges}
    assert found["complete"] and found["cited_by"] == sum(row["target_id"] == PLAN_58_QN for row in edges)
    plan = next(n["data"] for n in found["nodes"] if n["data"]["id"] == PLAN_58_QN)
    assert plan["cited_by"] == cited_by(demo_conn, PLAN_58_QN) and plan["symbol"] == "58/KH-UBND"
    assert all(e["data"]["snippet"] for e in found["edges"])
    assert client.get("/api/neighbourhood", params={"id": "nothing"}).status_code == 404
    assert "connect-src 'self'" in client.get("/graph").headers["content-security-policy"]


def test_a_neighbourhood_is_capped_and_says_so(tmp_path):
    import sys

    from pipeline.exports import graph_html
    from pipeline.archive import store

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.query import generate

    generate(tmp_path, 300, 3000)
    conn = store.connect(tmp_path, readonly=True)
    hub = conn.execute("SELECT target_id FROM edges GROUP BY target_id ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
    total = conn.execute("SELECT COUNT(*) FROM edges WHERE target_id = ?", (hub,)).fetchone()[0]
    found = graph_html.neighbourhood(conn, hub, limit=50)
    conn.close()
    assert len(found["edges"]) == 50 and not found["complete"] and found["cited_by"] == total > 50
    ends = {e["data"]["source"] for e in found["edges"]} | {e["data"]["target"] for e in found["edges"]}
    assert ends <= {n["data"]["id"] for n in found["nodes"]}


def test_a_question_that_fits_many_documents_shows_the_best_and_says_how_many_more(tmp_path):
    """'KH 1' fits every body's first plan of every year: the page lists 20 documents and says how many more fit."""
    from starlette.testclient import TestClient

    from nlp.extract import extract
    from pipeline.archive import store
    from pipeline.archive.ingest import store_record
    from pipeline.process import DocumentRecord
    from pipeline.web import create_app
    from pipeline.web.search import MAX_MATCHES

    from .conftest import ROOT

    provinces = [line.split("\t")[0] for line in (ROOT / "nlp" / "data" / "provinces.tsv").read_text("utf-8")
                 .splitlines() if line and not line.startswith("#")][:MAX_MATCHES + 5]
    conn = store.connect(tmp_path)
    for k, province in enumerate(provinces):
        text = (f"ỦY BAN NHÂN DÂN\nTỈNH {province.upper()}\nSố: 1/KH-UBND\n{province}, ngày 05 tháng 01 năm 2025\n"
                "KẾ HOẠCH\nVề chuyển đổi số\n")
        store_record(conn, DocumentRecord(f"{k}.txt", str(k), len(text), text, 1, extract(text), "ok"))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with TestClient(create_app(tmp_path), headers={"Accept-Language": "en"}) as client:
        page = client.get("/", params={"q": "KH 1"}).text
    assert page.count('<article class="match">') == MAX_MATCHES
    assert f"fits {len(provinces)}" in page and "… and 5 more documents fit" in page
