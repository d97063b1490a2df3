from pipeline.archive import store
from pipeline.archive.identity import is_local
from pipeline.archive.ingest import store_record
from pipeline.process import DocumentRecord


def ingest(conn, source, text):
    from nlp.extract import extract

    store_record(conn, DocumentRecord(source, source, len(text), text, 1, extract(text), "ok"))


def nodes(conn, symbol):
    return conn.execute("SELECT * FROM nodes WHERE symbol = ? ORDER BY id", (symbol,)).fetchall()


def test_local_and_national_codes():
    assert is_local("UBND") and is_local("TU") and is_local("SKHCN")
    assert not is_local("TW") and not is_local("TTg") and not is_local("CP") and not is_local("BTC")
    assert not is_local("QH15")


def test_two_provinces_same_number_stay_apart(demo_conn):
    rows = nodes(demo_conn, "58/KH-UBND")
    assert sorted((r["province"], r["date"]) for r in rows) == [("Nghệ An", "2025-01-24"),
                                                                 ("Quảng Ngãi", "2025-10-10")]
    assert all(not r["is_stub"] for r in rows)


def test_stub_becomes_the_full_node_with_the_same_id(tmp_path):
    conn = store.connect(tmp_path)
    ingest(conn, "a.txt", "UBND TỈNH QUẢNG NGÃI\nSỞ NỘI VỤ\nSố: 5/SNV-XDCQ\nQuảng Ngãi, ngày 01 tháng 12 năm 2025\n"
                          "Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh.")
    (stub,) = nodes(conn, "58/KH-UBND")
    assert stub["is_stub"] == 1
    ingest(conn, "b.txt", "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 58/KH-UBND\n"
                          "Quảng Ngãi, ngày 10 tháng 10 năm 2025\nKẾ HOẠCH\nTriển khai chuyển đổi số\n")
    (full,) = nodes(conn, "58/KH-UBND")
    assert full["id"] == stub["id"] and full["is_stub"] == 0 and full["title"] == "Triển khai chuyển đổi số"
    assert conn.execute("SELECT COUNT(*) FROM edges WHERE target_id = ?", (full["id"],)).fetchone()[0] == 1


def test_a_citation_that_fits_two_documents_is_kept_ambiguous(tmp_path):
    conn = store.connect(tmp_path)
    ingest(conn, "qn.txt", "Số: 1/SNV-XDCQ\nQuảng Ngãi, ngày 01 tháng 12 năm 2025\n"
                           "Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh Quảng Ngãi.")
    ingest(conn, "na.txt", "Số: 2/SNV-XDCQ\nNghệ An, ngày 01 tháng 12 năm 2025\n"
                           "Thực hiện Kế hoạch số 58/KH-UBND ngày 24/01/2025 của UBND tỉnh Nghệ An.")
    # a letter of neither province that gives neither date nor province
    ingest(conn, "x.txt", "Số: 3/BNV-CQĐP\nHà Nội, ngày 02 tháng 12 năm 2025\nĐề nghị xem Kế hoạch số 58/KH-UBND.")
    rows = nodes(conn, "58/KH-UBND")
    ambiguous = [r for r in rows if r["ambiguous"]]
    assert len(rows) == 3 and len(ambiguous) == 1
    assert len(__import__("json").loads(ambiguous[0]["candidates"])) == 2


def test_national_documents_merge_across_provinces(demo_conn):
    (node,) = nodes(demo_conn, "1588/QĐ-TTg")
    citing = demo_conn.execute("SELECT DISTINCT d.province FROM edges e JOIN documents d ON d.id = e.document_id "
                               "WHERE e.target_id = ?", (node["id"],)).fetchall()
    assert {r[0] for r in citing} == {"Quảng Ngãi", "Nghệ An"}
