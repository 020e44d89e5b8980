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

from kg.extract.components.entity_filter import FILTER_FILE, WITHOUT_FILTER
from kg.extract.components.learned import (
    WEIGHTS_DIR,
    MissingWeightsError,
    allowed_transitions,
    biluo_labels,
    decode_biluo,
    learned_weights,
    untyped_mentions,
    viterbi,
)
from kg.extract.components.learned_roles import FEATURES, ROLES_FILE, RoleScorer, learned_roles
from kg.records import Paper

LEARNED_CFG = REPO / "kg" / "extract" / "learned.cfg"
# the model-free fallback: an untrained tagger, and no entity filter (it was fitted to the trained one)
UNTRAINED = {"components.kg_learned.tagger": {"@misc": "kg.untrained_tagger.v1"}, **WITHOUT_FILTER}
HAS_WEIGHTS = (WEIGHTS_DIR / "config.cfg").is_file() and ROLES_FILE.is_file() and FILTER_FILE.is_file()


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


def _tag_probs(labels: list[str], rows: list[dict[str, float]]) -> object:
    """Return log-probabilities of one document: each row's given tags, the rest a tiny floor."""
    import numpy

    probs = numpy.full((len(rows), len(labels)), 1e-6, dtype="float32")
    for i, row in enumerate(rows):
        for tag, p in row.items():
            probs[i, labels.index(tag)] = p
    return numpy.log(probs)


def test_untyped_decoding_finds_a_name_whose_type_is_torn() -> None:
    labels = biluo_labels(["Method", "Model"])
    doc = _tag_probs(
        labels,
        [
            {"O": 0.98},
            {"B-Method": 0.3, "B-Model": 0.32, "O": 0.38},  # no single typed tag beats O ...
            {"L-Method": 0.3, "L-Model": 0.32, "O": 0.38},  # ... but "some name here" does
            {"O": 0.98},
            {"U-Model": 0.5, "U-Method": 0.49, "O": 0.01},
        ],
    )
    typed = decode_biluo([labels[i] for i in viterbi([doc], allowed_transitions(labels))[0]])
    assert typed == [(4, 5, "Model")]  # the typed path misses the first name
    (mentions,) = untyped_mentions([doc], labels)
    assert [(s, e) for s, e, _, _ in mentions] == [(1, 3), (4, 5)]
    (_, _, first_conf, first_types), (_, _, conf, types) = mentions
    assert 0.6 < first_conf < 0.63 and max(first_types, key=first_types.get) == "Model"
    assert conf > 0.98  # sure of a name, though torn between types
    assert types["Model"] == pytest.approx(0.5 / 0.99, abs=1e-3)
    assert sum(types.values()) == pytest.approx(1.0, abs=1e-3)


def test_a_mention_the_rules_also_tagged_needs_less_confidence() -> None:
    import numpy
    import spacy

    from kg.extract.components.common import candidates
    from kg.extract.components.learned import LearnedTagger, untrained_tagger

    labels = biluo_labels(["Method", "Model"])
    doc = spacy.blank("en")("Zorbnet and Quuxnet win")
    doc[0].tag_ = "U-Method"  # the rules found Zorbnet, not Quuxnet
    # the tagger is sure both are names, torn between two types: 0.6 on the likelier
    probs = _tag_probs(labels, [{"U-Method": 0.6, "U-Model": 0.39}, {"O": 0.98}, {"U-Method": 0.6, "U-Model": 0.39}, {"O": 0.98}])
    path = viterbi([probs], allowed_transitions(labels))[0]

    def kept(**settings: float) -> list[str]:
        fresh = spacy.blank("en")("Zorbnet and Quuxnet win")
        fresh[0].tag_ = doc[0].tag_
        tagger = LearnedTagger(spacy.blank("en"), tagger=untrained_tagger(["Method", "Model"]), **settings)  # type: ignore[arg-type]
        tagger._add_candidates(fresh, numpy.asarray(probs), path)
        return [c.text for c in candidates(fresh)]

    assert kept(min_probability=0.7) == []
    assert kept(min_probability=0.7, agreed_min_probability=0.5) == ["Zorbnet"]
    assert kept(min_probability=0.5) == ["Zorbnet", "Quuxnet"]


def test_a_web_address_is_no_entity_name() -> None:
    import spacy

    from kg.extract.components.common import Candidate, candidates
    from kg.extract.components.learned_assembly import LearnedAssembler

    text = "We release ZorbBench at https://github.com/zorb/ZorbBench and www.zorb.example.org today."
    doc = spacy.blank("en")(text)
    found = candidates(doc)
    for form in ("ZorbBench", "https://github.com/zorb/ZorbBench", "www.zorb.example.org"):
        start = text.index(form)
        found.append(Candidate(start, start + len(form), form, "kg_learned", 0.9, type="Dataset"))
    assert [d["name"] for d in LearnedAssembler().assemble(doc)[0]] == ["ZorbBench"]


def test_untyped_decoding_handles_empty_and_uneven_documents() -> None:
    import numpy

    labels = biluo_labels(["Task"])
    docs = [numpy.zeros((0, len(labels)), dtype="float32"), _tag_probs(labels, [{"U-Task": 0.9}, {"O": 0.9}])]
    empty, one = untyped_mentions(docs, labels)
    assert empty == [] and [(s, e) for s, e, _, _ in one] == [(0, 1)]


def test_assembler_types_an_entity_by_the_summed_type_probabilities() -> None:
    from kg.extract.components.common import Candidate
    from kg.extract.components.learned_assembly import LearnedAssembler

    text = "Zorp beats Zorp."
    sure = Candidate(0, 4, "Zorp", "kg_learned", 0.9, type="Model", type_scores=(("Method", 0.05), ("Model", 0.95)))
    torn = Candidate(11, 15, "Zorp", "kg_learned", 0.9, type="Method", type_scores=(("Method", 0.55), ("Model", 0.45)))
    entity = LearnedAssembler()._decide([sure, torn], text, [], None)
    assert entity["type"] == "Model"  # 1.40 against 0.60; by count it would be a tie broken by position
    flipped = Candidate(0, 4, "Zorp", "kg_learned", 0.9, type="Model", type_scores=(("Method", 0.45), ("Model", 0.55)))
    strong = Candidate(11, 15, "Zorp", "kg_learned", 0.9, type="Method", type_scores=(("Method", 0.95), ("Model", 0.05)))
    assert LearnedAssembler()._decide([flipped, strong], text, [], None)["type"] == "Method"


def test_lexicon_fill_adds_no_name_inside_a_longer_filled_name() -> None:
    import spacy

    from kg.extract.components.common import Candidate, candidates
    from kg.extract.components.learned_assembly import LearnedAssembler

    doc = spacy.blank("en")("We compare Quick Zorp-Net with Zorp-Net and Blixa.")
    found = candidates(doc)

    def lexicon(start: int, end: int, etype: str) -> Candidate:
        return Candidate(start, end, doc.text[start:end], "kg_lexicon", 1.0, type=etype, known=True)

    # the tagger found only Blixa; the lexicon knows "Quick Zorp-Net" and, inside it, "Zorp-Net"
    found += [lexicon(11, 25, "Model"), lexicon(17, 25, "Model"), lexicon(31, 39, "Model")]
    found.append(Candidate(44, 49, "Blixa", "kg_learned", 0.9, type="Dataset"))
    drafts, _ = LearnedAssembler().assemble(doc)
    mentions = sorted((tuple(m), d["name"]) for d in drafts for m in d["mentions"])
    assert [name for _, name in mentions] == ["Quick Zorp-Net", "Zorp-Net", "Blixa"]
    assert [span for span, _ in mentions] == [(11, 25), (31, 39), (44, 49)]


def test_a_well_known_name_stays_used_unless_the_title_proposes_it() -> None:
    import spacy

    from kg.extract.components.common import Candidate, candidates
    from kg.extract.components.learned_assembly import LearnedAssembler

    doc = spacy.blank("en")("We propose to use Zorp-Net and Blixa-Tune.")
    found = candidates(doc)
    # The lexicon knows Zorp-Net; kg_roles marked both tagged mentions proposed ("we propose").
    found.append(Candidate(18, 26, "Zorp-Net", "kg_lexicon", 1.0, type="Model", known=True))
    found.append(Candidate(18, 26, "Zorp-Net", "kg_learned", 0.9, type="Model", proposed=True))
    found.append(Candidate(31, 41, "Blixa-Tune", "kg_learned", 0.9, type="Method", proposed=True))
    roles = {d["name"]: d["role"] for d in LearnedAssembler().assemble(doc)[0]}
    assert roles == {"Zorp-Net": "used", "Blixa-Tune": "proposed"}
    # A confident title proposal of kg_names ("Zorp-Net: ...") still makes a known name proposed.
    found.append(Candidate(18, 26, "Zorp-Net", "kg_names", 0.9, type="Model", proposed=True))
    roles = {d["name"]: d["role"] for d in LearnedAssembler().assemble(doc)[0]}
    assert roles == {"Zorp-Net": "proposed", "Blixa-Tune": "proposed"}


def test_an_acronym_the_paper_defines_keeps_the_papers_meaning_over_the_lexicons() -> None:
    import spacy

    from kg.extract.components.common import Candidate, candidates, set_ext
    from kg.extract.components.learned_assembly import LearnedAssembler

    assembler = LearnedAssembler()  # registers the Doc extensions
    text = "A zorbic motion calibrator (ZMC) beats ZMC-Q. We also test on QXB, the Quux Bench (QXB)."
    doc = spacy.blank("en")(text)
    found = candidates(doc)

    def at(form: str, nth: int = 0) -> tuple[int, int]:
        start = -1
        for _ in range(nth + 1):
            start = text.index(form, start + 1)
        return start, start + len(form)

    # The lexicon knows "ZMC" as a dataset (another thing) and "QXB" / "Quux Bench" (this one).
    for form, nth in (("ZMC", 0), ("QXB", 0), ("Quux Bench", 0), ("QXB", 1)):
        found.append(Candidate(*at(form, nth), form, "kg_lexicon", 1.0, type="Dataset", known=True))
    found.append(Candidate(*at("zorbic motion calibrator"), "zorbic motion calibrator", "kg_learned", 0.9, type="Method"))
    pairs = [
        {"long": "zorbic motion calibrator", "short": "ZMC", "long_start": 2, "long_end": 26},
        {"long": "Quux Bench", "short": "QXB", "long_start": text.index("Quux"), "long_end": text.index("Quux") + 10},
    ]
    set_ext(doc, "kg_abbreviations", pairs)
    drafts, _ = assembler.assemble(doc)
    typed = {d["name"]: (d["type"], d["aliases"]) for d in drafts}
    # The paper's ZMC is its calibrator: no lexicon type, no second entity filled in for "ZMC".
    assert typed["zorbic motion calibrator"] == ("Method", ["ZMC"])
    # A definition the lexicon agrees with keeps the lexicon's reading and fill.
    assert typed["Quux Bench"][0] == "Dataset" and "ZMC" not in typed


@pytest.mark.parametrize("decoding", ["typed", "untyped"])
def test_both_decodings_run_in_the_pipeline(tiny_weights: Path, decoding: str) -> None:
    from kg.extract.pipeline import build_pipeline, run

    nlp = build_pipeline(
        config=LEARNED_CFG,
        overrides={"components.kg_learned.tagger.path": str(tiny_weights), "components.kg_learned.decoding": decoding},
    )
    paper = Paper(id="t", title="", abstract=TINY_TEXTS[0][0])
    (record,) = list(run([paper], extractor="t", nlp=nlp))
    assert {(e.name, e.type) for e in record.entities} >= set(TINY_TYPES.items())


def test_an_unknown_decoding_is_refused(tiny_weights: Path) -> None:
    from kg.extract.pipeline import build_pipeline

    with pytest.raises(Exception, match="decoding must be one of typed, untyped"):
        build_pipeline(
            config=LEARNED_CFG,
            overrides={"components.kg_learned.tagger.path": str(tiny_weights), "components.kg_learned.decoding": "x"},
        )


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


def _annotated(abstract: str, *names: str) -> dict:
    entities = [{"type": "Task", "name": n, "aliases": [], "role": "used"} for n in names]
    return {"id": abstract[:12], "title": "", "abstract": abstract, "entities": entities}


def test_a_name_most_annotators_list_is_left_unlabelled_where_one_did_not() -> None:
    import spacy

    from train.convert import paper_text, to_docs
    from train.omissions import often_listed, token_spans

    records = [
        _annotated("We study quill sorting on maps.", "quill sorting"),
        _annotated("Quill sorting is hard for grommets.", "quill sorting"),
        _annotated("A survey of quill sorting and grommets.", "quill sorting", "grommets"),
        _annotated("Our quill sorting method counts grommets."),  # the annotator left both out
    ]
    nlp = spacy.blank("en")
    texts = [paper_text(r) for r in records]
    tokens = [token_spans((t.idx for t in d), (t.idx + len(t.text) for t in d)) for d in nlp.pipe(texts)]
    # "quill sorting": listed in 3 of the 4 papers holding it; "grommets": in 1 of 3
    often = often_listed(records, texts, tokens, min_share=0.5, min_papers=2)
    assert often == {"quill sorting"}
    last = next(to_docs(records[3:], nlp, often_listed=often))
    assert [t.tag_ for t in last] == ["O", "", "", "O", "O", "O", "O"]
    # without the list (or where the paper lists the name itself) the words are plain "O" or the name
    assert [t.tag_ for t in next(to_docs(records[3:], nlp))] == ["O"] * 7
    first = next(to_docs(records[:1], nlp, often_listed=often))
    assert [t.tag_ for t in first][2:4] == ["B-Task", "L-Task"]


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


@pytest.mark.slow  # more than 5 s (pytest --durations)
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
    from kg.extract.components.rule_tags import RuleTagger

    register_extensions()
    nlp = spacy.blank("en")
    doc = nlp.make_doc("We train Zorp Net-7 on Quill.")
    set_ext(
        doc,
        "kg_entities",
        [
            _entity("Model", "Zorp Net-7", "kg_names", [[9, 19]]),
            _entity("Dataset", "Quill", "kg_lexicon", [[23, 28]]),
        ],
    )
    doc = RuleTagger()(doc)
    assert [t.tag_ for t in doc] == ["O", "O", "B-Model", "L-Model", "O", "U-Dataset", "O"]
    assert get_ext(doc, "kg_entities") is None  # the learned assembly writes the entities
    assert "kg" not in doc.spans  # and their spans
    blind = RuleTagger(blind=True)(nlp.make_doc("We train Zorp."))
    assert {t.tag_ for t in blind} == {"O"}


def test_context_tags_say_title_title_word_and_how_often() -> None:
    from kg.extract.components.rule_tags import RuleTagger, context_tags
    from kg.extract.pipeline import build_pipeline, make_doc
    from kg.extract.pipelines import pipeline_config

    nlp = build_pipeline(config=pipeline_config("fast"))  # kg_fields marks the title
    paper = Paper(id="x", title="Quillnet for Blorp", abstract="We propose Quillnet. Quillnet beats Zed on blorp.")
    doc = nlp(make_doc(nlp, paper))
    tags = dict(zip((t.text for t in doc), context_tags(doc)))
    assert tags["for"] == "T1"  # a title word, once in the paper
    assert tags["Quillnet"] == "At3"  # the last one, an abstract word also in the title, three times
    assert tags["Zed"] == "A1" and tags["propose"] == "A1"
    assert tags["blorp"] == "At2"  # the title match ignores case
    untitled = spacy_blank_doc("Zed and Zed.")
    assert context_tags(untitled) == ["A2", "A1", "A2", "A1"]
    doc = RuleTagger()(doc)
    assert [t.ent_kb_id_ for t in doc] == context_tags(doc)


def test_rule_tags_carry_the_role_the_rules_gave() -> None:
    from kg.extract.components.common import set_ext
    from kg.extract.components.rule_tags import RuleTagger

    doc = spacy_blank_doc("We propose quill lattice sampling (QLS) on Zedset.")
    for token in doc:
        token.is_sent_start = token.i == 0
    set_ext(
        doc,
        "kg_entities",
        [
            _entity("Method", "quill lattice sampling", "kg_abbreviations", [[11, 33], [35, 38]], role="proposed"),
            _entity("Dataset", "Zedset", "kg_lexicon", [[43, 49]]),
        ],
    )
    tagged = RuleTagger()(doc)
    assert [t.ent_id_ for t in tagged] == ["", "", "p", "p", "p", "", "p", "", "", "u", ""]
    assert {t.ent_id_ for t in RuleTagger(blind=True)(spacy_blank_doc("We train Zorp."))} == {""}
    assert len(list(tagged.sents)) == 1  # the features leave the sentence boundaries alone
    empty = RuleTagger()(spacy_blank_doc(""))
    assert len(empty) == 0


def test_cue_tags_mark_what_a_proposal_clause_introduces_and_names() -> None:
    from kg.extract.components.patterns import cue_patterns
    from kg.extract.components.rule_tags import RuleTagger, cue_tags
    from kg.extract.pipeline import build_pipeline, make_doc
    from kg.extract.pipelines import pipeline_config
    from kg.extract.wordlists import load_word_lists

    nlp = build_pipeline(config=pipeline_config("fast"))  # kg_fields splits the sentences
    paper = Paper(
        id="x",
        title="Blorp for vision",
        abstract="Zed nets are slow. We introduce a quill lattice sampler, dubbed Quorx, for vision. It beats Zed.",
    )
    doc = nlp(make_doc(nlp, paper))
    tags = dict(zip((t.text for t in doc), cue_tags(doc, cue_patterns(load_word_lists()))))
    assert tags["lattice"] == "P" and tags["sampler"] == "P"  # what the clause introduces, a name or not
    assert tags["Quorx"] == "N"  # what "dubbed" names
    assert tags["We"] == "W" and tags["vision"] == "W"  # the rest of the cue's sentence
    assert tags["slow"] == "" and tags["beats"] == "" and tags["Blorp"] == ""  # other sentences
    tagged = RuleTagger()(doc)
    assert [t.lemma_ for t in tagged] == cue_tags(doc, cue_patterns(load_word_lists()))
    assert {t.lemma_ for t in RuleTagger(blind=True)(nlp(make_doc(nlp, paper)))} == {""}  # the rules' windows hidden


def spacy_blank_doc(text: str):  # type: ignore[no-untyped-def]
    import spacy

    from kg.extract.components.common import register_extensions

    register_extensions()
    return spacy.blank("en").make_doc(text)


def _entity(
    type_: str, name: str, component: str, mentions: list[list[int]], role: str = "used"
) -> dict[str, object]:
    """Return one ``doc._.kg_entities`` value as ``kg_assembly`` writes it."""
    return {"type": type_, "name": name, "aliases": [], "role": role, "confidence": 0.9,
            "component": component, "mentions": mentions}


def test_learned_config_runs_the_rules_with_the_settings_of_the_fast_pipeline() -> None:
    """The tagger was trained on the rules' output: learned.cfg must not drift from config.cfg."""
    from thinc.api import Config

    fast = Config().from_disk(REPO / "kg" / "extract" / "config.cfg", interpolate=False)
    learned = Config().from_disk(LEARNED_CFG, interpolate=False)
    assert learned["paths"] == fast["paths"]
    for name, settings in fast["components"].items():
        got = dict(learned["components"][name])
        if name == "kg_assembly":
            assert got.pop("keep_candidates") is True  # kg_learned_assembly reads the rules' finds
        assert got == settings, name


def test_learned_entities_are_plain_data_with_typed_spans(untrained_nlp) -> None:  # type: ignore[no-untyped-def]
    from spacy.tokens import Doc

    from kg.extract.components.common import CANDIDATES_KEY, SPANS_KEY, get_ext
    from kg.extract.pipeline import make_doc

    paper = Paper(id="s", title="Zorp", abstract="We fine-tune BERT on ImageNet for image classification.")
    doc = untrained_nlp(make_doc(untrained_nlp, paper))
    entities = get_ext(doc, "kg_entities")
    assert entities, "the lexicon fill alone finds BERT and ImageNet"
    assert all(type(e) is dict for e in entities)
    assert CANDIDATES_KEY not in doc.user_data  # working state dropped
    spans = {(s.start_char, s.end_char, s.label_, s._.kg_name) for s in doc.spans[SPANS_KEY]}
    wanted = {(s, e, ent["type"], ent["name"]) for ent in entities for s, e in ent["mentions"]}
    assert spans == wanted
    again = Doc(untrained_nlp.vocab).from_bytes(doc.to_bytes())
    assert get_ext(again, "kg_entities") == entities
    assert [(s.start_char, s.label_) for s in again.spans[SPANS_KEY]] == [
        (s.start_char, s.label_) for s in doc.spans[SPANS_KEY]
    ]


def test_role_scorer_sets_roles_on_entity_dicts(untrained_nlp) -> None:  # type: ignore[no-untyped-def]
    from kg.extract.pipeline import make_doc

    assembler = untrained_nlp.get_pipe("kg_learned_assembly")
    paper = Paper(id="r", title="Zorp: a thing", abstract="We fine-tune BERT on ImageNet.")
    doc = make_doc(untrained_nlp, paper)
    for name, proc in untrained_nlp.pipeline:
        if name == "kg_learned_assembly":
            break
        doc = proc(doc)
    drafts, groups = assembler.assemble(doc)
    assert drafts and len(drafts) == len(groups)
    for always in (-30.0, 30.0):
        weights = [0.0] * len(FEATURES)
        weights[0] = always
        RoleScorer(weights).assign(doc, drafts, groups)
        assert {d["role"] for d in drafts} == {"used" if always < 0 else "proposed"}


# -- inter-annotator agreement ----------------------------------------------------------------------


def test_agreement_scores_only_the_papers_both_annotations_hold(tmp_path: Path) -> None:
    import json

    from train.agreement import agreement

    def paper(pid: str, names: list[str]) -> dict[str, object]:
        entities = [{"type": "Method", "name": n, "aliases": [], "role": "used"} for n in names]
        return {"id": pid, "title": f"T{pid}", "abstract": f"A{pid}", "entities": entities, "links": []}

    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("\n".join(json.dumps(p) for p in [paper("1", ["Zorp", "Quill"]), paper("2", ["Blap"])]) + "\n")
    second.write_text(json.dumps(paper("1", ["Zorp"])) + "\n")
    scores = agreement(first, second)
    assert (scores.papers, scores.paired) == (1, 1)  # paper 2 has no second annotation: not a miss
    assert (scores.overall.tp, scores.overall.fp, scores.overall.fn) == (1, 0, 1)


def test_the_second_dev_annotation_covers_dev_papers_only() -> None:
    from kg.eval import load_extractions

    first = {p.paper.id for p in load_extractions(REPO / "train" / "data" / "dev.jsonl")}
    second = [p.paper.id for p in load_extractions(REPO / "train" / "data" / "dev-second.jsonl")]
    assert len(second) == len(set(second)) == 100 and set(second) <= first
