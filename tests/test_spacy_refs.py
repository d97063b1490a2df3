import spacy

from nlp.spacy_refs import SPAN_KEY, blank_pipeline


def test_component_marks_references_with_structured_data():
    nlp = blank_pipeline()
    doc = nlp("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ; "
              "Thực hiện Kế hoạch s6 58/KH-UBND ngay 10/10/2025 cua UBND tinh.")
    spans = doc.spans[SPAN_KEY]
    assert [s._.vanban_ref.symbol for s in spans] == ["30/2020/NĐ-CP", "58/KH-UBND"]
    assert [s.label_ for s in spans] == ["based_on", "implements"]
    assert spans[1].text == "Kế hoạch s6 58/KH-UBND ngay 10/10/2025"


def test_factory_is_registered_for_any_pipeline():
    nlp = spacy.blank("en")
    nlp.add_pipe("vanban_refs")
    doc = nlp("See Decision No. 1588/QĐ-TTg dated 17/12/2024.")
    assert [s._.vanban_ref.symbol for s in doc.spans[SPAN_KEY]] == ["1588/QĐ-TTg"]
