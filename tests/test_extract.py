"""The extractor's public API: records, offsets, sentences, config assembly, determinism, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from extract_support import FIXTURES, LEXICON_OVERRIDE

import kg.extract
from kg.extract import EXTRACTOR_VERSION
from kg.extract.pipeline import CONFIG_PATH, build_pipeline, run
from kg.records import Link, Paper, PaperExtraction

PIPELINE = [
    "kg_fields",
    "kg_links",
    "kg_abbreviations",
    "kg_lexicon",
    "kg_names",
    "kg_phrases",
    "kg_typing",
    "kg_roles",
    "kg_assembly",
]


def papers() -> list[Paper]:
    return [
        Paper.from_dict(json.loads(line)) for line in (FIXTURES / "papers.jsonl").read_text().splitlines()
    ]


def extract_all(nlp, items: list[Paper], **kwargs) -> list[PaperExtraction]:
    return list(run(items, extractor=EXTRACTOR_VERSION, nlp=nlp, **kwargs))


def test_pipeline_is_assembled_from_the_config(nlp) -> None:
    assert nlp.pipe_names == PIPELINE
    assert nlp.config["components"]["kg_lexicon"]["entries"]["@misc"] == "kg.lexicon_patterns.v1"


def test_default_pipeline_is_cached_per_process() -> None:
    first = kg.extract.load_pipeline()
    assert kg.extract.load_pipeline() is first
    assert first.pipe_names == PIPELINE


def test_components_can_be_dropped_and_reordered(tmp_path: Path) -> None:
    text = CONFIG_PATH.read_text()
    order = '["kg_fields","kg_links","kg_abbreviations","kg_lexicon","kg_names","kg_typing","kg_roles","kg_assembly"]'
    cfg = tmp_path / "no_phrases.cfg"
    cfg.write_text(text.replace(json.dumps(PIPELINE, separators=(",", ":")), order))
    small = build_pipeline(config=cfg, overrides=LEXICON_OVERRIDE)
    assert "kg_phrases" not in small.pipe_names
    paper = Paper(id="p", title="", abstract="We study few-shot glyph recognition with Blorb.")
    got = {e.name for e in extract_all(small, [paper])[0].entities}
    assert "Blorb" in got and "few-shot glyph recognition" not in got
    full = build_pipeline(overrides=LEXICON_OVERRIDE)
    assert "few-shot glyph recognition" in {e.name for e in extract_all(full, [paper])[0].entities}


def test_component_settings_come_from_the_config() -> None:
    strict = build_pipeline(overrides={**LEXICON_OVERRIDE, "components.kg_typing.default_type": "Model"})
    paper = Paper(id="p", title="", abstract="Results improve over VorTex on every split.")
    assert {e.name: e.type for e in extract_all(strict, [paper])[0].entities}["VorTex"] == "Model"


def test_rule_confidences_and_assembly_thresholds_come_from_the_config() -> None:
    paper = Paper(
        id="p", title="Zorbix: Faster Glyph Sorting", abstract="Results improve over VorTex on every split."
    )

    def confidences(**overrides: float) -> dict[str, float]:
        nlp = build_pipeline(overrides={**LEXICON_OVERRIDE, **overrides})
        return {e.name: e.confidence for e in extract_all(nlp, [paper])[0].entities}

    assert confidences() == {"Zorbix": 0.9, "VorTex": 0.65}
    assert confidences(**{"components.kg_names.title_confidence": 0.6})["Zorbix"] == 0.6
    # a word shape below the assembly's floors (untyped: 0.5, any: 0.45) is dropped
    low = {"components.kg_names.shape_confidence": 0.3}
    assert "VorTex" not in confidences(**low)
    floors = {
        "components.kg_assembly.min_untyped_confidence": 0.2,
        "components.kg_assembly.min_confidence": 0.2,
    }
    assert confidences(**low, **floors)["VorTex"] == 0.3


def test_factories_are_registered_under_their_entry_point_names() -> None:
    from spacy.util import registry

    from kg.extract import components

    for name, target in components.FACTORIES.items():
        module, func = target.split(":")
        assert callable(getattr(__import__(module, fromlist=[func]), func))
        assert registry.factories.get(name) is not None


def test_extract_papers_yields_records_in_order(nlp) -> None:
    items = papers()
    out = extract_all(nlp, items, batch_size=2)
    assert [x.paper.id for x in out] == [p.id for p in items]
    assert all(x.extractor == EXTRACTOR_VERSION for x in out)
    first = {e.name: e for e in out[0].entities}
    assert first["GlimmerNet"].role == "proposed"
    assert first["Gradient Folding"].aliases == ("GF",)
    assert [(link.url, link.kind) for link in out[0].links] == [
        ("https://github.com/example-lab/glimmernet", "code")
    ]
    assert out[2].entities == () and out[2].links == ()


def test_mentions_have_field_offsets_and_sentence(nlp) -> None:
    for x in extract_all(nlp, papers()):
        for entity in x.entities:
            assert entity.mentions
            for m in entity.mentions:
                field_text = x.paper.title if m.field == "title" else x.paper.abstract
                surface = field_text[m.start : m.end]
                assert surface  # the offsets point into the right field
                assert surface.lower() in {entity.name.lower(), *(a.lower() for a in entity.aliases)} or (
                    entity.name.lower().startswith(surface.lower())
                )
                assert surface in m.sentence
                assert m.sentence in field_text


def test_title_and_abstract_are_separate_sentences(nlp) -> None:
    x = extract_all(nlp, [Paper(id="p", title="Blorb Strikes Back", abstract="Blorb is tuned. It works.")])[0]
    sentences = {(m.field, m.sentence) for e in x.entities for m in e.mentions}
    assert ("title", "Blorb Strikes Back") in sentences
    assert ("abstract", "Blorb is tuned.") in sentences


def test_metadata_links_are_added_with_their_origin(nlp) -> None:
    paper = Paper(
        id="p",
        title="T",
        abstract="See https://glimmer.example.org/demo.",
        links=(Link(url="github.com/example-lab/glimmernet", kind="web", origin="metadata"),),
    )
    links = extract_all(nlp, [paper])[0].links
    assert [(link.url, link.kind, link.origin) for link in links] == [
        ("https://glimmer.example.org/demo", "web", "text"),
        ("https://github.com/example-lab/glimmernet", "code", "metadata"),
    ]


def test_output_is_deterministic(nlp) -> None:
    first = [x.to_dict() for x in extract_all(nlp, papers())]
    second = [x.to_dict() for x in extract_all(nlp, list(reversed(papers())))]
    assert first == list(reversed(second))
    assert json.dumps(first, sort_keys=True) == json.dumps(
        [x.to_dict() for x in extract_all(nlp, papers())], sort_keys=True
    )


def test_extract_paper_uses_the_default_pipeline() -> None:
    x = kg.extract.extract_paper(Paper(id="p", title="", abstract="We propose GlimmerNet, a new method."))
    assert {e.name: e.role for e in x.entities}.get("GlimmerNet") == "proposed"
    assert x.extractor == EXTRACTOR_VERSION


BAD_TEXT = [
    ("empty abstract", "A Title", ""),
    ("empty title", "", "We propose GlimmerNet."),
    ("only spaces", "   ", " \n\n\t "),
    (
        "control characters",
        "Glimmer\x00Net\x07",
        "We\x1b[31m propose\x0c GlimmerNet\x7f (GN)\x00.\u2028Next.",
    ),
    (
        "html",
        "<b>GlimmerNet</b>",
        "<p>We propose <i>GlimmerNet</i> &amp; <a href='x'>code</a></p><script>x</script>",
    ),
    (
        "latex",
        "$\\mathcal{G}$-Net",
        "We propose \\textbf{GlimmerNet} with $\\alpha=0.5$ \\cite{x} \\url{github.com/a/b}.",
    ),
    ("chinese", "图神经网络", "我们提出了一种新的方法 GlimmerNet，用于图像分割。"),
    ("arabic and emoji", "نموذج", "نقترح طريقة جديدة 🚀🔥 (GN) ... ¿Qué? Ça va."),
    ("unbalanced brackets", "((X", "We propose ((GlimmerNet (GN) [[ {{ ) ) ]."),
    ("long token", "x" * 5000, "y" * 20000),
]


@pytest.mark.parametrize(("label", "title", "abstract"), BAD_TEXT, ids=[b[0] for b in BAD_TEXT])
def test_bad_text_never_crashes(nlp, label: str, title: str, abstract: str) -> None:
    x = extract_all(nlp, [Paper(id="p", title=title, abstract=abstract)])[0]
    for entity in x.entities:
        assert entity.type in ("Method", "Model", "Dataset", "Task")
        for m in entity.mentions:
            text = title if m.field == "title" else abstract
            assert 0 <= m.start < m.end <= len(text)
    json.dumps(x.to_dict())


def _huge(nlp, size: int) -> None:
    sentence = "We fine-tune Blorb with Gradient Folding (GF) on MegaSet-9k for few-shot glyph recognition. "
    abstract = sentence * (size // len(sentence) + 1)
    x = extract_all(nlp, [Paper(id="p", title="Huge", abstract=abstract)])[0]
    names = {e.name for e in x.entities}
    assert {"Blorb", "Gradient Folding", "MegaSet-9k"} <= names
    blorb = next(e for e in x.entities if e.name == "Blorb")
    assert len(blorb.mentions) == abstract.count("Blorb")


def test_long_abstract_is_processed_in_linear_time(nlp) -> None:
    _huge(nlp, 100_000)


@pytest.mark.slow
def test_one_megabyte_abstract(nlp) -> None:
    _huge(nlp, 1_000_000)
