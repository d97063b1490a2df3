"""A capital `Thực hiện` opening a line opens a new clause, after a title block that ends with no full stop; a line
wrapped before a lower-case `thực hiện` goes on with its sentence. Texts written for the test."""

from nlp.extract import extract

HEAD = "UBND TỈNH QUẢNG NGÃI\nSố: 5/SNV-VP\nQuảng Ngãi, ngày 01 tháng 12 năm 2025\n"


def links(body: str) -> set[tuple[str, str, str]]:
    e = extract(HEAD + body)
    symbol = {r.id: r.symbol for r in e.references}
    return {(symbol[link.source], link.relation, symbol[link.target]) for link in e.links}


def test_a_title_block_does_not_run_into_the_clause_below_it():
    body = ("KẾ HOẠCH\nTriển khai thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị trên địa bàn tỉnh\n"
            "Thực hiện Công văn số 6138/UBND-KGVX ngày 13/11/2024 của UBND tỉnh;\n")
    assert links(body) == set()  # 57-NQ/TW does not implement 6138


def test_a_wrapped_line_keeps_its_sentence():
    body = ("Theo Kế hoạch số 38/KH-UBND ngày 20/02/2024 của UBND tỉnh về triển khai\nthực hiện Nghị quyết số "
            "13-NQ/TU ngày 06/9/2023 của Ban Thường vụ Tỉnh ủy.")
    assert links(body) == {("38/KH-UBND", "implements", "13-NQ/TU")}
