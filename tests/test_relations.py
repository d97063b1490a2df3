import pytest

from nlp.extract import extract
from nlp.references import find_mentions
from nlp.relations import classify


def relation_of(text: str, symbol: str) -> str:
    mentions, _ = classify(text, find_mentions(text))
    return next(m.relation for m in mentions if m.symbol == symbol)


@pytest.mark.parametrize(
    "text,symbol,relation",
    [
        ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;", "30/2020/NĐ-CP",
         "based_on"),
        ("can ctr K¢ hoach s6 121/KH-UBND ngay 31/12/2025; K¢ hoach so 58/KH-UBND ngay 10/10/2025 ctia UBND tinh",
         "58/KH-UBND", "based_on"),
        ("Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh, Sở đề nghị", "58/KH-UBND", "implements"),
        ("Triển khai Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị", "57-NQ/TW", "implements"),
        ("Trả lời Công văn số 21/UBND-VP ngày 08/01/2026 của UBND phường Cẩm Thành", "21/UBND-VP", "responds_to"),
        ("Phúc đáp Công văn số 3512/SGDĐT-KHTC ngày 05/11/2025", "3512/SGDĐT-KHTC", "responds_to"),
        ("(Kèm theo Công văn số 1045/SKHCN-BCVT&CĐS ngày 18/9/2025)", "1045/SKHCN-BCVT&CĐS", "attached_to"),
        ("Kế hoạch này thay thế Kế hoạch số 12/KH-UBND ngày 20/01/2024.", "12/KH-UBND", "replaces"),
        ("sửa đổi, bổ sung một số điều của Quyết định số 25/2024/QĐ-UBND ngày 12/6/2024", "25/2024/QĐ-UBND",
         "amends"),
        ("Bãi bỏ Quyết định số 25/2024/QĐ-UBND ngày 12/6/2024 của UBND tỉnh.", "25/2024/QĐ-UBND", "repeals"),
        ("Đề nghị các đơn vị nghiên cứu Quyết định số 1588/QĐ-TTg ngày 17/12/2024.", "1588/QĐ-TTg", "cites"),
    ],
)
def test_relation_to_the_letter(text, symbol, relation):
    assert relation_of(text, symbol) == relation


def test_assertion_between_cited_documents():
    text = ("Ké hoach s6 38/KH-UBND ngay 20/02/2024 cia UBND tinh vé Trién khai thuc hién Nghi quyét s6 13-NQ/TU "
            "ngay 06/9/2023 ciia Ban Thudng vu Tinh @y khéa XX vé Chuyén doi sb.")
    result = extract(text)
    (link,) = result.links
    assert (link.source, link.target, link.relation) == (
        "kh-38-kh-ubnd-2024-02-20", "nq-13-nq-tu-2023-09-06", "implements")


def test_siblings_are_not_nested():
    text = ("Triển khai Kế hoạch số 121/KH-UBND ngày 31/12/2025 của UBND tỉnh về chuyển đổi số năm 2026 và "
            "Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh.")
    result = extract(text)
    assert result.links == ()
    assert {r.relation for r in result.references} == {"implements"}


def test_amending_document_links_to_the_amended_one():
    text = ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ; Nghị định số 45/2024/NĐ-CP ngày "
            "20/4/2024 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định số 30/2020/NĐ-CP.")
    result = extract(text)
    assert any(l.relation == "amends" and l.source.startswith("nd-45") and l.target.startswith("nd-30")
               for l in result.links)
    relations = {r.symbol: r.relation for r in result.references}
    assert relations["30/2020/NĐ-CP"] == "based_on"
