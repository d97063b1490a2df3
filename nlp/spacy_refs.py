"""A spaCy pipeline component that marks document references.

    import spacy
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.add_pipe("vanban_refs")
    doc = nlp("Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh ...")
    for span in doc.spans["vanban_refs"]:
        print(span.text, span.label_, span._.vanban_ref.symbol, span._.vanban_ref.date)

The factory is registered through the `spacy_factories` entry point, so `add_pipe("vanban_refs")` works in any
pipeline once vanban is installed. Each span covers the tokens of one mention (type name … date); its label is the
relation to the document (`based_on`, `implements`, `cites`, ...) and `span._.vanban_ref` the structured Mention.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .references import find_mentions
from .relations import classify

SPAN_KEY = "vanban_refs"

if not Span.has_extension("vanban_ref"):
    Span.set_extension("vanban_ref", default=None)


class ReferenceMarker:
    def __init__(self, span_key: str = SPAN_KEY) -> None:
        self.span_key = span_key

    def __call__(self, doc: Doc) -> Doc:
        mentions, _links = classify(doc.text, find_mentions(doc.text))
        spans = []
        for mention in mentions:
            span = doc.char_span(mention.span[0], mention.span[1], label=mention.relation, alignment_mode="expand")
            if span is None:
                continue
            span._.vanban_ref = mention
            spans.append(span)
        doc.spans[self.span_key] = spans
        return doc


@Language.factory("vanban_refs", default_config={"span_key": SPAN_KEY})
def make_reference_marker(nlp: Language, name: str, span_key: str) -> ReferenceMarker:
    return ReferenceMarker(span_key=span_key)


def blank_pipeline() -> Language:
    """A blank Vietnamese pipeline (no pyvi needed) with the reference marker."""
    import spacy

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.add_pipe("vanban_refs")
    return nlp
