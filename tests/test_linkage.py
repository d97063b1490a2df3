"""One real document, one node, whatever OCR made of its symbol (pipeline.archive.linkage, nlp.symbols)."""

import csv
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.extract import extract
from nlp.symbols import code_distance, codes, same_symbol
from pipeline import exports
from pipeline.archive import store
from pipeline.archive.ingest import store_record
from pipeline.process import DocumentRecord
from pipeline.archive.query import answer

from .conftest import ROOT

QN = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n"


def letter(number: str, body: str, issuer: str = "SỞ NỘI VỤ", code: str = "SNV-XDCQ",
           date: str = "ngày 10 tháng 3 năm 2026") -> str:
    return (f"UBND TỈNH QUẢNG NGÃI\n{issuer}\nSố: {number}/{code}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            f"Quảng Ngãi, {date}\nV/v triển khai\n{body}\n")


def ingest(conn, source: str, text: str) -> None:
    store_record(conn, DocumentRecord(source, source, len(text), text, 1, extract(text), "ok"))


def cited_by(conn, query: str) -> set[str]:
    result = answer(conn, query)
    return {r["source"] for r in result.results if r["direction"] == "cited_by"}


@pytest.fixture()
def small_archive(tmp_path):
    """The sample letter, Plan 58 and five short letters citing them through OCR's variants, with two look-alikes
    of 819 (another body's 819 of the same day, 819/SKHCN-BCVT of another year)."""
    conn = store.connect(tmp_path)
    ingest(conn, "819.txt", (ROOT / "corpus" / "819-SKHCN.txt").read_text(encoding="utf-8"))
    ingest(conn, "58.txt", (ROOT / "corpus" / "letters" / "058-KH-UBND-quangngai.txt").read_text(encoding="utf-8"))
    ingest(conn, "a.txt", letter("5", "Thực hiện Công văn số 819/SKHCN-BCVT&€ĐS ngày 04/3/2026 của Sở Khoa học và "
                                      "Công nghệ về đẩy mạnh truyền thông."))
    ingest(conn, "b.txt", letter("6", "Căn cứ Công văn số 8l9/SKHCN-BCVT &CĐS ngày 04/3/2026 của Sở Khoa học và "
                                      "Công nghệ; Kế hoạch số 58/KH-UBNĐ ngày 10/10/2025 của UBND tỉnh."))
    ingest(conn, "c.txt", letter("7", "Theo Công văn số 819/SKHCN-BCVTECĐS ngày 04/3/2026 của Sở Khoa học và "
                                      "Công nghệ và Kế hoạch số 58/KH-UBMD ngày 10/10/2025 của UBND tỉnh."))
    ingest(conn, "syt.txt", letter("819", "Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh.",
                                   issuer="SỞ Y TẾ", code="SYT-NVY", date="ngày 04 tháng 3 năm 2026"))
    ingest(conn, "old.txt", letter("819", "Thực hiện Kế hoạch số 38/KH-UBND ngày 20/02/2024 của UBND tỉnh.",
                                   issuer="SỞ KHOA HỌC VÀ CÔNG NGHỆ", code="SKHCN-BCVT",
                                   date="ngày 05 tháng 5 năm 2025"))
    yield conn
    conn.close()


def test_one_document_one_node(small_archive):
    conn = small_archive
    assert cited_by(conn, "what cites 819/SKHCN-BCVT&CĐS") == {"a.txt", "b.txt", "c.txt"}
    plans = conn.execute("SELECT id FROM nodes WHERE number = '58' AND type_code = 'KH'").fetchall()
    assert len(plans) == 1
    assert {"b.txt", "c.txt", "syt.txt", "819.txt"} <= cited_by(conn, "what cites 58/KH-UBND")
    # the three real documents numbered 819: the sample letter and its two look-alikes, never merged
    numbered = conn.execute("SELECT symbol, date FROM nodes WHERE number = '819' ORDER BY symbol, date").fetchall()
    assert [tuple(r) for r in numbered] == [("819/SKHCN-BCVT", "2025-05-05"), ("819/SKHCN-BCVT&CĐS", "2026-03-04"),
                                            ("819/SYT-NVY", "2026-03-04")]


def test_merges_are_recorded_and_exported(small_archive, tmp_path):
    conn = small_archive
    rows = conn.execute("SELECT variant, evidence, confidence FROM variants").fetchall()
    readings = {r["variant"] for r in rows}
    assert {"58/KH-UBNĐ", "58/KH-UBMD"} <= readings
    assert all(r["evidence"] and 0 < r["confidence"] <= 1 for r in rows)
    report = exports.export_all(conn, tmp_path / "out", ["merges"])
    with open(report.written["merges"], encoding="utf-8-sig") as handle:  # (the BOM Excel needs)
        table = list(csv.DictReader(handle))
    assert set(table[0]) == {"node_id", "symbol", "variant", "source", "page", "evidence", "confidence"}
    assert {r["variant"] for r in table} == readings and all(r["symbol"] == "58/KH-UBND" for r in table
                                                              if r["variant"].startswith("58/"))


def test_a_garbled_reading_finds_the_node(small_archive):
    result = answer(small_archive, "what cites 58/KH-UBMD")
    assert [m["symbol"] for m in result.matches] == ["58/KH-UBND"]
    assert any(v["variant"] == "58/KH-UBMD" and v["source"] == "c.txt" for v in result.matches[0]["variants"])


def test_reprocessing_gives_the_same_nodes_and_forgets_its_variants(small_archive):
    conn = small_archive
    before = sorted(r[0] for r in conn.execute("SELECT id FROM nodes"))
    text = letter("7", "Theo Công văn số 819/SKHCN-BCVTECĐS ngày 04/3/2026 của Sở Khoa học và Công nghệ và Kế "
                       "hoạch số 58/KH-UBMD ngày 10/10/2025 của UBND tỉnh.")
    ingest(conn, "c.txt", text)
    assert sorted(r[0] for r in conn.execute("SELECT id FROM nodes")) == before
    ingest(conn, "c.txt", letter("7", "Không trích dẫn văn bản nào."))
    assert not conn.execute("SELECT 1 FROM variants WHERE variant = '58/KH-UBMD'").fetchone()


def test_a_document_whose_number_was_not_read_is_the_one_others_cite(tmp_path):
    decision = QN + "Số:      /QĐ-UBND\nQuảng Ngãi, ngày 03 tháng 02 năm 2025\nQUYẾT ĐỊNH\nVề việc thành lập tổ công tác\n"
    citing = letter("9", "Thực hiện Quyết định số 84/QĐ-UBND ngày 03/02/2025 của UBND tỉnh về thành lập tổ.")
    for order in ((("d.txt", decision), ("c.txt", citing)), (("c.txt", citing), ("d.txt", decision))):
        conn = store.connect(tmp_path / str(len(order[0][0]) + hash(order[0][0]) % 7))
        for source, text in order:
            ingest(conn, source, text)
        node = conn.execute("SELECT n.* FROM nodes n JOIN documents d ON d.id = n.document_id "
                            "WHERE d.source = 'd.txt'").fetchone()
        assert node["symbol"] == "84/QĐ-UBND" and node["number"] == "84"
        document = conn.execute("SELECT number, number_source FROM documents WHERE source = 'd.txt'").fetchone()
        assert tuple(document) == ("84", "inferred")
        assert cited_by(conn, "what cites 84/QĐ-UBND") == {"c.txt"}
        assert conn.execute("SELECT evidence FROM variants WHERE node_id = ?", (node["id"],)).fetchone()[0]
        conn.close()


def test_an_unnumbered_decree_never_takes_the_number_of_another_of_its_day(tmp_path):
    """The Government signs several decrees on one day (154 and 155/2020/NĐ-CP are both of 31/12/2020): a decree
    whose number was not read keeps it unread rather than take the number of the one a letter cites that day."""
    decree = ("CHÍNH PHỦ\nSố:     /2020/NĐ-CP\nHà Nội, ngày 31 tháng 12 năm 2020\nNGHỊ ĐỊNH\n"
              "Quy định chi tiết thi hành Luật Chứng khoán\n")
    citing = letter("9", "Thực hiện Nghị định số 154/2020/NĐ-CP ngày 31/12/2020 của Chính phủ.")
    for order in ((("d.txt", decree), ("c.txt", citing)), (("c.txt", citing), ("d.txt", decree))):
        conn = store.connect(tmp_path / order[0][0])
        for source, text in order:
            ingest(conn, source, text)
        node = conn.execute("SELECT n.* FROM nodes n JOIN documents d ON d.id = n.document_id "
                            "WHERE d.source = 'd.txt'").fetchone()
        assert node["number"] is None and not node["symbol"].startswith("154")
        assert cited_by(conn, "what cites 154/2020/NĐ-CP") == {"c.txt"}
        assert conn.execute("SELECT COUNT(*) FROM variants").fetchone()[0] == 0
        conn.close()


# ---------------------------------------------------------------------------------------------------------------
# The comparison itself, over generated symbols

CODES = ["UBND", "SKHCN", "SNV-XDCQ", "SYT-NVY", "STC-QLNS", "VP-KGVX", "UBND-KTTH", "SGDĐT-KHTC", "HĐND-KTNS"]
TYPES = ["KH", "QĐ", "CT", "TB", "BC", "TTr"]
CONFUSIONS = [(read, meant) for read, meant, _ in (line.split("\t") for line in
                                                   (ROOT / "nlp" / "data" / "symbol_confusions.tsv")
                                                   .read_text(encoding="utf-8").splitlines()
                                                   if line and not line.startswith("#"))]


@given(st.integers(1, 3000), st.sampled_from(TYPES), st.sampled_from(CODES), st.sampled_from(CONFUSIONS))
@settings(max_examples=150, deadline=None)
def test_every_confusion_of_the_table_is_read_as_the_same_symbol(number, type_code, issuer, confusion):
    read, meant = confusion
    symbol = f"{number}/{type_code}-{issuer}"
    if meant not in codes(symbol):
        return
    garbled = symbol[: symbol.index("/") + 1] + codes(symbol).replace(meant, read, 1)
    assert same_symbol(garbled, symbol), (garbled, symbol)


@given(st.integers(1, 3000), st.sampled_from(TYPES), st.sampled_from(CODES), st.sampled_from(CODES))
@settings(max_examples=150, deadline=None)
def test_look_alikes_never_merge(number, type_code, issuer, other):
    if issuer == other:
        return
    assert not same_symbol(f"{number}/{type_code}-{issuer}", f"{number}/{type_code}-{other}")
    assert not same_symbol(f"{number}/{type_code}-{issuer}", f"{number + 1}/{type_code}-{issuer}")
    assert code_distance("KH-UBND", "QĐ-UBND") > 1


@given(st.sampled_from(CODES), st.sampled_from(CONFUSIONS), st.sampled_from(["2026-03-04", None]))
@settings(max_examples=60, deadline=None)
def test_a_confused_citation_lands_on_the_right_node_of_an_archive(issuer, confusion, date):
    """A small generated archive of look-alikes; a citation with one confusion joins the document it names, or
    (when the confusion makes it another body's code) stays apart — never on a look-alike."""
    import tempfile

    read, meant = confusion
    symbol = f"819/KH-{issuer}"
    if meant not in codes(symbol):
        return
    garbled = "819/" + codes(symbol).replace(meant, read, 1)
    with tempfile.TemporaryDirectory() as folder:
        conn = store.connect(folder)
        for k, code in enumerate(CODES):
            ingest(conn, f"doc{k}.txt", letter("819", "Nội dung.", code=f"KH-{code}", date="ngày 04 tháng 3 năm 2026")
                   .replace("V/v triển khai", "KẾ HOẠCH\nTriển khai"))
        ingest(conn, "citing.txt", letter("1", f"Thực hiện Kế hoạch số {garbled}" + (" ngày 04/3/2026" if date else "")
                                               + " của UBND tỉnh.", code="SNV"))
        target = conn.execute("SELECT e.target_id FROM edges e JOIN documents d ON d.id = e.document_id "
                              "WHERE d.source = 'citing.txt'").fetchone()
        node = conn.execute("SELECT * FROM nodes WHERE id = ?", (target[0],)).fetchone()
        right = conn.execute("SELECT n.id FROM nodes n JOIN documents d ON d.id = n.document_id WHERE n.symbol = ?",
                             (symbol,)).fetchone()
        documents = {r[0] for r in conn.execute("SELECT id FROM nodes WHERE document_id IS NOT NULL")}
        assert node["id"] == right[0] or node["id"] not in documents, (garbled, node["symbol"])
        conn.close()
