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


UNNUMBERED_TTG = """THỦ TƯỚNG CHÍNH PHỦ
Số:       /QĐ-TTg
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Hà Nội, ngày 28 tháng 8 năm 2025
QUYẾT ĐỊNH
Về việc phê duyệt Đề án
Căn cứ Quyết định số 929/QĐ-TTg ngày 28/8/2025 của Thủ tướng Chính phủ phê duyệt Chương trình;
"""
CITER_OF_929 = ("BỘ TƯ PHÁP\nSố: 12/BTP-VP\nHà Nội, ngày 02 tháng 9 năm 2025\n"
                "Thực hiện Quyết định số 929/QĐ-TTg ngày 28/8/2025 của Thủ tướng Chính phủ.")


def test_an_unnumbered_decision_never_takes_the_number_of_a_decision_of_the_same_day_it_cites(tmp_path):
    """The Thủ tướng signs several decisions a day: the unnumbered one that cites 929/QĐ-TTg of its own day is not
    929 — not when another letter cited 929 first, and not when its own citation comes second."""
    for order in ((CITER_OF_929, UNNUMBERED_TTG), (UNNUMBERED_TTG, CITER_OF_929), (UNNUMBERED_TTG,)):
        conn = store.connect(tmp_path / str(len(list(tmp_path.iterdir()))))
        for k, text in enumerate(order):
            ingest(conn, f"{k}.txt", text)
        doc = conn.execute("SELECT d.symbol, d.node_id FROM documents d WHERE d.source = ?",
                           (f"{order.index(UNNUMBERED_TTG)}.txt",)).fetchone()
        assert doc["symbol"] == "?/QĐ-TTg"
        (cited,) = nodes(conn, "929/QĐ-TTg")
        assert cited["is_stub"] == 1 and cited["id"] != doc["node_id"]
        assert conn.execute("SELECT COUNT(*) FROM edges WHERE source_id = ? AND target_id = ?",
                            (doc["node_id"], cited["id"])).fetchone()[0] == 1  # the citation is kept


def test_an_unnumbered_decision_still_takes_the_number_other_letters_cite_it_by(tmp_path):
    """The look-alike that must still work: a letter citing `?/QĐ-TTg`'s day and codes gives it its number when the
    decision does not cite that number itself."""
    conn = store.connect(tmp_path)
    own = UNNUMBERED_TTG.replace("Căn cứ Quyết định số 929/QĐ-TTg ngày 28/8/2025", "Căn cứ Luật Tổ chức Chính phủ")
    ingest(conn, "a.txt", CITER_OF_929.replace("929/QĐ-TTg", "932/QĐ-TTg"))
    ingest(conn, "b.txt", own)
    doc = conn.execute("SELECT symbol, number_source FROM documents WHERE source = 'b.txt'").fetchone()
    assert (doc["symbol"], doc["number_source"]) == ("932/QĐ-TTg", "inferred")
