"""The pipeline's results are spaCy-native: typed spans, plain extension values, DocBin, n_process, displaCy.

The abstracts are invented; the lexicon is the fixture in tests/fixtures/extract/lexicons.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from kg.extract.pipeline import make_doc
from kg.records import Paper

TITLE = "GlyphMix: Glyph Mixer for Few-Shot Glyph Recognition"
ABSTRACT = (
    "We propose GlyphMix, a mixer for few-shot glyph recognition. We fine-tune Blorb with "
    "Wobble Regularization (WR) and evaluate on the MegaSet-9k benchmark. WR helps. "
    "Code: https://github.com/example-lab/glyphmix."
)


def _process(nlp: Any, title: str = TITLE, abstract: str = ABSTRACT) -> Any:
    return nlp(make_doc(nlp, Paper(id="p", title=title, abstract=abstract)))


def _plain(value: Any) -> bool:
    """Tell whether ``value`` is made only of str, int, float, bool, None, list, tuple and dict."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def test_entities_are_typed_spans_in_doc_spans(nlp) -> None:
    doc = _process(nlp)
    spans = doc.spans["kg"]
    by_text = {span.text: span for span in spans}
    assert by_text["GlyphMix"].label_ == "Method"
    assert by_text["GlyphMix"]._.kg_role == "proposed"
    assert by_text["MegaSet-9k"].label_ == "Dataset" and by_text["MegaSet-9k"]._.kg_role == "used"
    # every mention is a span; an acronym's span names its entity's long form
    assert by_text["WR"]._.kg_name == "Wobble Regularization"
    assert by_text["WR"].label_ == by_text["Wobble Regularization"].label_
    assert all(0 < span._.kg_confidence <= 1 for span in spans)
    entities = doc._.kg_entities
    assert len(spans) == sum(len({tuple(m) for m in e["mentions"]}) for e in entities)
    assert {span.label_ for span in spans} == {e["type"] for e in entities}


def test_every_extension_value_is_plain_data(nlp) -> None:
    doc = _process(nlp)
    for name in ("kg_fields", "kg_sents", "kg_links", "kg_abbreviations", "kg_entities"):
        value = getattr(doc._, name)
        assert value is not None and _plain(value), name
    assert doc._.kg_links[0]["url"] == "https://github.com/example-lab/glyphmix"
    assert {"short": "WR", "long": "Wobble Regularization"}.items() <= doc._.kg_abbreviations[0].items()
    json.dumps(doc._.kg_entities)  # plain enough for JSON, too
    assert "kg_candidates" not in doc.user_data  # the working list is gone once assembled


def test_docbin_round_trip_keeps_spans_and_extensions(nlp) -> None:
    from spacy.tokens import DocBin

    doc = _process(nlp)
    docbin = DocBin(store_user_data=True)
    docbin.add(doc)
    (back,) = DocBin().from_bytes(docbin.to_bytes()).get_docs(nlp.vocab)
    assert back.text == doc.text
    assert [(s.start, s.end, s.label_) for s in back.spans["kg"]] == [
        (s.start, s.end, s.label_) for s in doc.spans["kg"]
    ]
    assert [(s._.kg_role, s._.kg_confidence, s._.kg_name) for s in back.spans["kg"]] == [
        (s._.kg_role, s._.kg_confidence, s._.kg_name) for s in doc.spans["kg"]
    ]
    # msgpack may give back a tuple for a list (and the reverse): compare as JSON
    for name in ("kg_entities", "kg_links", "kg_abbreviations", "kg_fields", "kg_sents"):
        assert json.dumps(getattr(back._, name)) == json.dumps(getattr(doc._, name)), name


def test_a_round_tripped_doc_gives_the_same_record(nlp) -> None:
    from kg.extract import EXTRACTOR_VERSION
    from kg.extract.pipeline import doc_to_extraction

    paper = Paper(id="p", title=TITLE, abstract=ABSTRACT)
    doc = nlp(make_doc(nlp, paper))
    back = type(doc)(nlp.vocab).from_bytes(doc.to_bytes())
    assert doc_to_extraction(back, paper, extractor=EXTRACTOR_VERSION) == doc_to_extraction(
        doc, paper, extractor=EXTRACTOR_VERSION
    )


def test_pipe_with_two_processes_matches_one(nlp) -> None:
    texts = [ABSTRACT, "We evaluate Blorb on MegaSet-9k.", "Nothing to see here.", ABSTRACT.upper()]
    one = [(doc._.kg_entities, [(s.text, s.label_) for s in doc.spans["kg"]]) for doc in nlp.pipe(texts)]
    two = [
        (doc._.kg_entities, [(s.text, s.label_) for s in doc.spans["kg"]])
        for doc in nlp.pipe(texts, n_process=2, batch_size=2)
    ]
    assert two == one
    assert one[0][1]  # something was found


def test_displacy_renders_the_spans(nlp) -> None:
    from spacy import displacy

    doc = _process(nlp)
    html = displacy.render(doc, style="span", options={"spans_key": "kg"}, page=False)
    assert "GlyphMix" in html and "Dataset" in html and "Method" in html


@pytest.mark.parametrize("abstract", ["", "   ", "no names at all here."])
def test_empty_results_are_empty_spans(nlp, abstract: str) -> None:
    doc = _process(nlp, title="", abstract=abstract)
    assert list(doc.spans["kg"]) == [] and doc._.kg_entities == []
