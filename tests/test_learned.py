"""The learned extractor (issue 10): decoding, the training-data converter, the component and its weights.

Most tests need no trained weights: they use the untrained tagger
(``kg.untrained_tagger.v1``, the model-free fallback) or train a tiny tagger
on invented sentences in a few seconds. Tests of the bundled weights skip
when the package was installed without them.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kg.extract.components.learned import (
    WEIGHTS_DIR,
    MissingWeightsError,
    allowed_transitions,
    biluo_labels,
    decode_biluo,
    learned_weights,
    viterbi,
)
from kg.extract.components.learned_roles import FEATURES, ROLES_FILE, RoleScorer, learned_roles
from kg.records import Paper

LEARNED_CFG = REPO / "kg" / "extract" / "learned.cfg"
UNTRAINED = {"components.kg_learned.tagger": {"@misc": "kg.untrained_tagger.v1"}}
HAS_WEIGHTS = (WEIGHTS_DIR / "config.cfg").is_file() and ROLES_FILE.is_file()


# -- decoding ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tags, spans",
    [
        (["O", "O"], []),
        (["U-Task"], [(0, 1, "Task")]),
        (["B-Method", "I-Method", "L-Method"], [(0, 3, "Method")]),
        (["I-Model", "L-Model", "O"], [(0, 2, "Model")]),  # no B: the I opens the span
        (["B-Task", "L-Model"], [(0, 1, "Task"), (1, 2, "Model")]),  # type changes mid-span
        (["B-Dataset", "I-Dataset"], [(0, 2, "Dataset")]),  # runs to the end
        (["B-Task", "B-Task", "L-Task"], [(0, 1, "Task"), (1, 3, "Task")]),
    ],
)
def test_decode_biluo_repairs_any_sequence(tags: list[str], spans: list[tuple[int, int, str]]) -> None:
    assert decode_biluo(tags) == spans


def test_viterbi_never_returns_an_invalid_sequence() -> None:
    import numpy

    labels = biluo_labels(["Method", "Task"])
    rng = numpy.random.default_rng(0)
    scores = [rng.normal(size=(n, len(labels))).astype("float32") * 4 for n in (1, 2, 7, 30)]
    start, trans, end = allowed_transitions(labels)
    for path in viterbi(scores, (start, trans, end)):
        assert start[path[0]] == 0 and end[path[-1]] == 0
        assert all(trans[a, b] == 0 for a, b in itertools.pairwise(path))


def test_viterbi_decodes_documents_of_different_lengths_like_one_by_one() -> None:
    import numpy

    labels = biluo_labels(["Model"])
    rng = numpy.random.default_rng(1)
    scores = [rng.normal(size=(n, len(labels))).astype("float32") for n in (5, 1, 12)]
    together = viterbi(scores, allowed_transitions(labels))
    alone = [viterbi([s], allowed_transitions(labels))[0] for s in scores]
    assert [list(p) for p in together] == [list(p) for p in alone]


# -- the converter (train/convert.py) -------------------------------------------------------------------


def _project(record: dict) -> object:
    import spacy

    from train.convert import paper_text, project

    doc = spacy.blank("en").make_doc(paper_text(record))
    return project(record, {t.idx for t in doc}, {t.idx + len(t.text) for t in doc})


def test_converter_places_longest_forms_first_on_token_boundaries() -> None:
    record = {
        "title": "Vexor-RAG: retrieval for storage",
        "abstract": "We build Vexor-RAG on RAG. Our rag rules; storage is not RAG-like.",
        "entities": [
            {"type": "Method", "name": "Vexor-RAG", "aliases": [], "role": "proposed"},
            {"type": "Method", "name": "RAG", "aliases": [], "role": "used"},
        ],
    }
    placed = _project(record)
    found = [(placed.text[s:e], t) for s, e, t, _ in placed.spans]  # type: ignore[attr-defined]
    # "RAG" inside "Vexor-RAG" is not placed again, "rag" matches case-insensitively, "storage" never
    assert found == [
        ("Vexor-RAG", "Method"),
        ("Vexor-RAG", "Method"),
        ("RAG", "Method"),
        ("rag", "Method"),
        ("RAG", "Method"),
    ]
    assert placed.unplaced == []  # type: ignore[attr-defined]


def test_converter_marks_a_form_with_two_types_as_missing() -> None:
    record = {
        "title": "",
        "abstract": "Quillbench is hard. We train on Quillbench.",
        "entities": [
            {"type": "Dataset", "name": "Quillbench", "aliases": [], "role": "used"},
            {"type": "Task", "name": "Quillbench", "aliases": [], "role": "used"},
        ],
    }
    placed = _project(record)
    assert placed.spans == [] and len(placed.missing) == 2  # type: ignore[attr-defined]


def test_converter_writes_biluo_tags_with_missing_left_unset() -> None:
    import spacy

    from train.convert import to_docs

    record = {
        "id": "x",
        "title": "",
        "abstract": "We use Deep Quill Nets and Quillbench.",
        "entities": [
            {"type": "Method", "name": "Deep Quill Nets", "aliases": [], "role": "used"},
            {"type": "Dataset", "name": "Quillbench", "aliases": [], "role": "used"},
            {"type": "Task", "name": "Quillbench", "aliases": [], "role": "used"},
        ],
    }
    doc = next(to_docs([record], spacy.blank("en")))
    assert [t.tag_ for t in doc] == ["O", "O", "B-Method", "I-Method", "L-Method", "O", "", "O"]


# -- the component without trained weights ----------------------------------------------------------------


@pytest.fixture(scope="module")
def untrained_nlp():  # type: ignore[no-untyped-def]
    from kg.extract.pipeline import build_pipeline

    return build_pipeline(config=LEARNED_CFG, overrides=UNTRAINED)


def test_learned_pipeline_assembles_from_its_config_with_the_rule_components(untrained_nlp) -> None:  # type: ignore[no-untyped-def]
    from kg.extract.pipeline import build_pipeline

    rules = build_pipeline(config=REPO / "kg" / "extract" / "config.cfg").pipe_names
    # the whole rules pipeline first (the tagger was trained on its output), then the learned part
    assert untrained_nlp.pipe_names == [
        *rules,
        "kg_rule_tags",
        "kg_learned",
        "kg_learned_roles",
        "kg_learned_assembly",
    ]


def test_untrained_fallback_extracts_records_whose_names_occur_in_the_text(untrained_nlp) -> None:  # type: ignore[no-untyped-def]
    from kg.extract.pipeline import run

    paper = Paper(
        id="p1",
        title="Spindlefold: Folding Maps",
        abstract="We introduce Spindlefold (SF). Code: https://github.com/zz/spindle. SF beats Grommet.",
    )
    (record,) = list(run([paper], extractor="t", nlp=untrained_nlp))
    text = paper.title + "\n\n" + paper.abstract
    assert [link.url for link in record.links] == ["https://github.com/zz/spindle"]
    for entity in record.entities:
        assert entity.name in text and entity.type in ("Method", "Model", "Dataset", "Task")
        for mention in entity.mentions:
            field = paper.title if mention.field == "title" else paper.abstract
            assert field[mention.start : mention.end] in [entity.name, *entity.aliases]


def test_missing_weights_name_the_folder(tmp_path: Path) -> None:
    with pytest.raises(MissingWeightsError, match=str(tmp_path)):
        learned_weights(str(tmp_path))


# -- a tiny tagger trained here: the whole loop from BILUO tags to entities -----------------------------

TINY_TEXTS = [
    ("We fine-tune Zorblax on Quibbet for scroll parsing.", ["Zorblax", "Quibbet", "scroll parsing"]),
    ("Quibbet is hard for Zorblax in scroll parsing.", ["Quibbet", "Zorblax", "scroll parsing"]),
]
TINY_TYPES = {"Zorblax": "Model", "Quibbet": "Dataset", "scroll parsing": "Task"}


def _train_tiny(path: Path) -> None:
    """Train an invented three-entity tagger on two sentences until it memorises them."""
    import spacy
    from spacy.training import Example

    from train.convert import biluo_tags

    nlp = spacy.blank("en")
    nlp.add_pipe("tagger")
    examples = []
    for text, names in TINY_TEXTS:
        doc = nlp.make_doc(text)
        spans = []
        for name in names:
            start = text.index(name)
            span = doc.char_span(start, start + len(name))
            spans.append((span.start, span.end, TINY_TYPES[name]))
        tags = biluo_tags(len(doc), spans, [])
        examples.append(Example.from_dict(nlp.make_doc(text), {"tags": tags}))
    nlp.initialize(lambda: examples)
    for _ in range(40):
        nlp.update(examples, drop=0.0)
    nlp.to_disk(path)


@pytest.fixture(scope="module")
def tiny_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "tagger"
    _train_tiny(path)
    return path


def test_a_trained_tagger_drives_the_entities(tiny_weights: Path) -> None:
    from kg.extract.pipeline import build_pipeline, run

    nlp = build_pipeline(config=LEARNED_CFG, overrides={"components.kg_learned.tagger.path": str(tiny_weights)})
    paper = Paper(id="t", title="", abstract=TINY_TEXTS[0][0])
    (record,) = list(run([paper], extractor="t", nlp=nlp))
    assert {(e.name, e.type) for e in record.entities} >= set(TINY_TYPES.items())


def test_serialisation_round_trip_keeps_predictions(tiny_weights: Path, tmp_path: Path) -> None:
    from kg.extract.pipeline import build_pipeline

    nlp = build_pipeline(config=LEARNED_CFG, overrides={"components.kg_learned.tagger.path": str(tiny_weights)})
    learned = nlp.get_pipe("kg_learned")
    text = TINY_TEXTS[1][0]

    def tagged(component: object) -> list[tuple[int, int, str | None]]:
        doc = nlp.make_doc(text)
        doc = component(doc)  # type: ignore[operator]
        from kg.extract.components.common import candidates

        return [(c.start, c.end, c.type) for c in candidates(doc)]

    before = tagged(learned)
    assert before  # the tiny tagger finds something, so equality below means something
    other = build_pipeline(config=LEARNED_CFG, overrides=UNTRAINED).get_pipe("kg_learned")
    other.from_bytes(learned.to_bytes())
    assert tagged(other) == before
    learned.to_disk(tmp_path / "kg_learned")
    third = build_pipeline(config=LEARNED_CFG, overrides=UNTRAINED).get_pipe("kg_learned")
    third.from_disk(tmp_path / "kg_learned")
    assert tagged(third) == before


# -- roles ------------------------------------------------------------------------------------------


def test_role_scorer_rejects_weights_of_other_features(tmp_path: Path) -> None:
    from kg.errors import InputError

    bad = tmp_path / "roles.json"
    bad.write_text(json.dumps({"features": ["bias"], "weights": [0.0]}))
    with pytest.raises(InputError, match="roles.json"):
        learned_roles(str(bad))


def test_role_scorer_is_a_logistic_function_of_its_features() -> None:
    scorer = RoleScorer([0.0] * len(FEATURES), threshold=0.5)
    assert scorer.probability([1.0] * len(FEATURES)) == pytest.approx(0.5)
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("title_prefix")] = 4.0
    weights[0] = -2.0
    scorer = RoleScorer(weights)
    on = [0.0] * len(FEATURES)
    on[0] = 1.0
    assert scorer.probability(on) < 0.5
    on[FEATURES.index("title_prefix")] = 1.0
    assert scorer.probability(on) > 0.5


# -- the bundled weights ------------------------------------------------------------------------------


@pytest.mark.skipif(not HAS_WEIGHTS, reason="no bundled weights (run `make train`)")
def test_bundled_pipeline_finds_named_things_in_an_invented_abstract() -> None:
    from kg.extract.pipeline import build_pipeline, run

    nlp = build_pipeline(config=LEARNED_CFG)
    paper = Paper(
        id="b",
        title="Glimmerate: Contrastive Pretraining for Scroll Parsing",
        abstract=(
            "We propose Glimmerate, a contrastive learning method for scroll parsing. "
            "We fine-tune BERT and evaluate on ImageNet and MMLU."
        ),
    )
    (record,) = list(run([paper], extractor="t", nlp=nlp))
    got = {(e.name, e.type) for e in record.entities}
    assert ("BERT", "Model") in got
    assert ("MMLU", "Dataset") in got
    roles = {e.name: e.role for e in record.entities}
    assert roles.get("Glimmerate") == "proposed"
    assert roles.get("BERT") == "used"


# -- pipeline selection ---------------------------------------------------------------------------


def test_the_learned_pipeline_is_the_default_and_fast_stays_selectable(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.errors import InputError
    from kg.extract.pipelines import ENV_VAR, pipeline_config, select_pipeline

    monkeypatch.delenv(ENV_VAR, raising=False)
    assert pipeline_config() == LEARNED_CFG.resolve()
    assert pipeline_config("fast").name == "config.cfg"
    select_pipeline("fast")
    assert pipeline_config().name == "config.cfg"
    with pytest.raises(InputError, match="unknown pipeline"):
        select_pipeline("fastest")


def test_cli_pipeline_option_selects_the_rules_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from kg.cli import cli as cli_main
    from kg.extract.pipelines import ENV_VAR

    monkeypatch.delenv(ENV_VAR, raising=False)
    papers = tmp_path / "p.jsonl"
    papers.write_text(json.dumps({"id": "a", "title": "Zorp", "abstract": "We use BERT."}) + "\n")
    out = tmp_path / "x.jsonl"
    result = CliRunner().invoke(cli_main, ["extract", str(papers), "-o", str(out), "--pipeline", "fast"])
    assert result.exit_code == 0, result.output
    import os

    assert os.environ[ENV_VAR] == "fast"
    assert json.loads(out.read_text())["title"] == "Zorp"
    bad = CliRunner().invoke(cli_main, ["extract", str(papers), "-o", str(out), "--pipeline", "nope"])
    assert bad.exit_code == 2 and "unknown pipeline" in bad.output


# -- stacking: the rules' entities as token features -------------------------------------------------


def test_rule_tags_mark_the_rules_entities_token_by_token() -> None:
    import spacy

    from kg.extract.components.common import get_ext, register_extensions, set_ext
    from kg.extract.components.rule_tags import RULE_ENTITIES_KEY, RuleTagger

    def entity(type_: str, name: str, start: int, end: int) -> dict:
        return {"type": type_, "name": name, "aliases": [], "role": "used", "confidence": 0.9,
                "component": "kg_names", "mentions": [[start, end]]}

    register_extensions()
    nlp = spacy.blank("en")
    doc = nlp.make_doc("We train Zorp Net-7 on Quill.")
    set_ext(
        doc,
        "kg_entities",
        [entity("Model", "Zorp Net-7", 9, 19), entity("Dataset", "Quill", 23, 28)],
    )
    doc = RuleTagger()(doc)
    assert [t.tag_ for t in doc] == ["O", "O", "B-Model", "L-Model", "O", "U-Dataset", "O"]
    assert get_ext(doc, "kg_entities") is None  # the learned assembly writes the entities
    assert [e["name"] for e in doc.user_data[RULE_ENTITIES_KEY]] == ["Zorp Net-7", "Quill"]
    blind = RuleTagger(blind=True)(nlp.make_doc("We train Zorp."))
    assert {t.tag_ for t in blind} == {"O"}
