from nlp.extract import extract
from nlp.text import normalize


def titles(text: str) -> list[str]:
    return [n.title for n in extract(normalize(text)).named]


def test_named_mentions_are_kept_without_inventing_numbers():
    result = extract("Thực hiện Đề án 06 và Chương trình Chuyển đổi số quốc gia; Luật Tố tụng hành chính năm 2015.")
    names = [n.title for n in result.named]
    assert "Đề án 06" in names
    assert any(t.startswith("Chương trình Chuyển đổi số quốc gia") for t in names)
    # the law is in the law table: a reference, its number from the table, saying so
    [law] = result.references
    assert (law.symbol, law.type, law.resolved_from) == ("93/2015/QH13", "Luật", "name")
    assert law.text == "Luật Tố tụng hành chính năm 2015"


def test_quoted_titles():
    assert "Bình dân học vụ số" in titles("thực hiện Phong trào “Bình dân học vụ số” trên địa bàn")


def test_numbered_law_is_a_reference_not_a_name():
    result = extract("Căn cứ Luật Đất đai số 31/2024/QH15 ngày 18/01/2024;")
    assert [r.symbol for r in result.references] == ["31/2024/QH15"]
    assert result.references[0].type == "Luật"
    assert result.named == ()


def test_named_recall_on_the_labelled_set():
    from nlp.text import fold_lower

    from .conftest import load_jsonl

    hit = total = 0
    for case in load_jsonl("references.jsonl"):
        result = extract(normalize(case["text"]))
        got = [fold_lower(n.title) for n in result.named]
        got += [fold_lower(r.title) for r in result.references if r.resolved_from == "name"]
        for name in case.get("named", []):
            total += 1
            key = fold_lower(name)
            hit += any(key[:15] in g or g[:15] in key for g in got)
    assert total >= 15
    assert hit / total >= 0.75
