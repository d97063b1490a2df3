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


# Relations from the clause that carries them (issue 22): each form beside a look-alike that must not change.

def relations(text: str) -> dict[str, str]:
    return {r.symbol: r.relation for r in extract(text).references}


def test_amending_law_in_a_can_cu_line_is_a_basis_too():
    text = ("Căn cứ Luật Xử lý vi phạm hành chính số 15/2012/QH13 được sửa đổi, bổ sung bởi Luật số 67/2020/QH14 "
            "và Luật số 88/2025/QH15;")
    result = extract(text)
    assert set(relations(text).values()) == {"based_on"}
    assert {(l.source[:12], l.target[:12], l.relation) for l in result.links} >= {
        ("l-67-2020-qh", "l-15-2012-qh", "amends"), ("l-88-2025-qh", "l-15-2012-qh", "amends")}
    # look-alike: the active form is the citing law's own name, the amended one inside it
    text = ("Căn cứ Nghị định số 45/2024/NĐ-CP ngày 20/4/2024 sửa đổi, bổ sung Nghị định số 30/2020/NĐ-CP "
            "ngày 05/3/2020;")
    assert relations(text) == {"45/2024/NĐ-CP": "based_on", "30/2020/NĐ-CP": "cites"}


def test_a_phrase_on_the_next_line_is_not_the_previous_references_own():
    text = ("Quy định chi tiết một số điều của Nghị quyết số 254/2025/QH15\n"
            "Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;\n")
    result = extract(text)
    assert relations(text)["63/2025/QH15"] == "based_on"
    assert result.links == ()
    # look-alike: the phrase on the same line is the reference's own ("… về triển khai Nghị quyết …")
    same_line = ("Kế hoạch số 38/KH-UBND ngày 20/02/2024 của UBND tỉnh về triển khai Nghị quyết số 13-NQ/TU "
                 "ngày 06/9/2023 của Tỉnh ủy.")
    assert [l.relation for l in extract(same_line).links] == ["implements"]


def test_words_inside_a_cited_documents_name_are_not_the_letters_act():
    text = "Căn cứ Luật Thi hành án dân sự số 106/2025/QH15;"
    assert relations(text) == {"106/2025/QH15": "based_on"}
    text = ("Căn cứ Nghị định số 78/2025/NĐ-CP ngày 01/4/2025 của Chính phủ quy định chi tiết một số điều và biện "
            "pháp để tổ chức, hướng dẫn thi hành Luật Ban hành văn bản quy phạm pháp luật được sửa đổi, bổ sung bởi "
            "Nghị định số 187/2025/NĐ-CP ngày 01/7/2025 của Chính phủ;")
    assert relations(text)["187/2025/NĐ-CP"] == "based_on"
    text = ("Căn cứ Quy chế quản lý ban hành kèm theo Quyết định số 25/2016/QĐ-TTg ngày 27/6/2016 của Thủ tướng "
            "Chính phủ;")
    assert relations(text) == {"25/2016/QĐ-TTg": "based_on"}
    # look-alikes: the letter's own act
    assert relations("Thi hành Luật số 106/2025/QH15, Bộ Tư pháp hướng dẫn") == {"106/2025/QH15": "implements"}
    assert relations("(Kèm theo Quyết định số 25/2016/QĐ-TTg ngày 27/6/2016)") == {"25/2016/QĐ-TTg": "attached_to"}


def test_a_list_under_a_can_cu_header():
    text = ("Căn cứ:\n- Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15;\n"
            "- Nghị định số 78/2025/NĐ-CP ngày 01/4/2025 của Chính phủ;\n")
    assert relations(text) == {"64/2025/QH15": "based_on", "78/2025/NĐ-CP": "based_on"}
    # look-alike: a list under another header keeps cites
    text = ("Tài liệu tham khảo:\n- Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15;\n"
            "- Nghị định số 78/2025/NĐ-CP ngày 01/4/2025 của Chính phủ;\n")
    assert set(relations(text).values()) == {"cites"}


def test_a_law_named_as_amending_is_not_the_letters_amendment():
    text = ("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền "
            "địa phương ngày 22 tháng 11 năm 2019;")
    assert "amends" not in relations(text).values()
    # look-alike: the letter itself amends
    text = "Sửa đổi, bổ sung một số điều của Quyết định số 25/2024/QĐ-UBND ngày 12/6/2024 của UBND tỉnh."
    assert relations(text) == {"25/2024/QĐ-UBND": "amends"}


def test_hierarchy_and_dates_check_the_relation():
    decree = ("CHÍNH PHỦ\nSố: 28/2021/NĐ-CP\nHà Nội, ngày 26 tháng 3 năm 2021\nNGHỊ ĐỊNH\nVề việc thử\n"
              "Nghị định này sửa đổi, bổ sung một số điều của Luật số 15/2012/QH13 ngày 20/6/2012.\n")
    result = extract(decree)
    (ref,) = result.references
    assert ref.relation == "cites" and "rank" in ref.notes[0]
    # look-alike: a decree amending a decree
    ok = decree.replace("Luật số 15/2012/QH13", "Nghị định số 15/2012/NĐ-CP")
    assert extract(ok).references[0].relation == "amends"
    # a document is never based on one issued after it
    early = ("QUỐC HỘI\nLuật số: 54/2019/QH14\nHà Nội, ngày 14 tháng 6 năm 2019\nLUẬT\nKiểm toán nhà nước\n"
             "Căn cứ Luật số 59/2020/QH14 ngày 17/6/2020;\nCăn cứ Luật số 80/2015/QH13 ngày 22/6/2015;\n")
    got = {r.symbol: (r.relation, r.notes) for r in extract(early).references}
    assert got["59/2020/QH14"][0] == "cites" and "later" in got["59/2020/QH14"][1][0]
    assert got["80/2015/QH13"] == ("based_on", ())


def test_each_mention_keeps_its_relation_and_the_pair_the_strongest():
    text = ("Căn cứ Quyết định số 25/2024/QĐ-UBND ngày 12/6/2024 của UBND tỉnh;\n"
            "Quyết định này bãi bỏ Quyết định số 25/2024/QĐ-UBND ngày 12/6/2024 của UBND tỉnh.\n")
    (ref,) = extract(text).references
    assert sorted(m.relation for m in ref.mention_list) == ["based_on", "repeals"]
    assert ref.relation == "repeals"


def test_snippets_keep_sentences_and_say_where_they_are_cut():
    from nlp.sentences import window

    head = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 58/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Quảng Ngãi, ngày 10 tháng 10 năm 2025\nV/v triển khai Nghị quyết số 57-NQ/TW\nvề chuyển đổi số\n")
    at = head.find("57-NQ")
    assert window(head, at, at + 8) == "V/v triển khai Nghị quyết số 57-NQ/TW về chuyển đổi số"  # not the letterhead
    long = "Mở đầu. " + "Sở chỉ đạo các phòng thực hiện " * 20 + "Kế hoạch số 58/KH-UBND và " + "các nội dung " * 40 + "."
    at = long.find("58/KH")
    text = window(long, at, at + 11)
    assert text.startswith("… ") and text.endswith(" …") and "58/KH-UBND" in text
    words = long.split()
    assert text.split()[1] in words and text.split()[-2] in words  # cut between words, never inside one
    # look-alike: a short sentence is whole, with no marks
    short = "Mở đầu. Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025. Hết."
    at = short.find("58/KH")
    assert window(short, at, at + 11) == "Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025."


def test_old_decrees_numbered_cp_are_decrees():
    text = "Căn cứ các Nghị định của Chính phủ số: 88/CP ngày 22/12/1995, 60/CP ngày 20/10/1994;"
    assert {r.symbol: r.type for r in extract(text).references} == {"88/CP": "Nghị định", "60/CP": "Nghị định"}
    # look-alike: a letter of the Government's office numbered the same way is a Công văn
    text = "Căn cứ Công văn số 88/CP ngày 22/12/2020 của Chính phủ;"
    assert {r.symbol: r.type for r in extract(text).references} == {"88/CP": "Công văn"}
