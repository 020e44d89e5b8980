"""The entity filter of the learned pipeline: its features, its decision, its weights file and its training.

Model-free (hand-made candidates, hand-set weights, an untrained tagger) and on invented names.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest
import spacy

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kg.errors import InputError
from kg.extract.components.common import (
    SPANS_KEY,
    Candidate,
    candidates,
    get_ext,
    register_extensions,
    set_ext,
)
from kg.extract.components.entity_filter import FEATURES, FILTER_FILE, EntityFilter, entity_filter
from kg.extract.components.learned_assembly import LearnedAssembler

TEXT = "Zorbnet for glimmer detection\n\nWe train Zorbnet and then Zorbnet again, with a plinth framework."


def _doc_with_candidates() -> spacy.tokens.Doc:
    """Zorbnet: tagged twice (0.9 in the title, 0.5 in the abstract), the rules found the title span; plinth framework: tagged once."""
    register_extensions()
    doc = spacy.blank("en")(TEXT)
    set_ext(doc, "kg_fields", (("title", 0, 29), ("abstract", 31, len(TEXT))))
    set_ext(doc, "kg_abbreviations", [])
    found = candidates(doc)
    first = TEXT.index("Zorbnet", 10)
    found.append(Candidate(0, 7, "Zorbnet", "kg_learned", 0.9, type="Method", type_scores=(("Method", 0.8), ("Model", 0.1))))
    found.append(Candidate(first, first + 7, "Zorbnet", "kg_learned", 0.5, type="Method", type_scores=(("Method", 0.5),)))
    found.append(Candidate(0, 7, "Zorbnet", "kg_names", 0.9, type="Method"))
    framework = TEXT.index("plinth framework")
    found.append(Candidate(framework, framework + 16, "plinth framework", "kg_learned", 0.75, type="Method"))
    return doc


def _features(doc: spacy.tokens.Doc) -> dict[str, dict[str, float]]:
    assembler = LearnedAssembler()
    drafts, groups = assembler.assemble(doc)
    vectors = assembler.entity_features(doc, drafts, groups)
    return {d["name"]: dict(zip(FEATURES, v, strict=True)) for d, v in zip(drafts, vectors, strict=True)}


def test_features_read_what_an_entity_s_mentions_show_together() -> None:
    features = _features(_doc_with_candidates())
    zorbnet, framework = features["Zorbnet"], features["plinth framework"]
    assert zorbnet["max_confidence"] == pytest.approx(0.9)
    assert zorbnet["mean_confidence"] == pytest.approx(0.7)
    assert zorbnet["confident_share"] == pytest.approx(0.5)  # one of the two mentions reaches 0.7
    assert zorbnet["log_tagged"] == pytest.approx(math.log1p(2))
    assert zorbnet["rules_same_span"] == zorbnet["rules_same_type"] == zorbnet["in_title"] == 1.0
    assert zorbnet["type_share"] == pytest.approx(1.3 / 1.4)  # Method's share of the type mass
    assert zorbnet["title_case"] == 1.0 and zorbnet["lowercase"] == 0.0
    assert framework["rules_same_span"] == framework["rules_same_text"] == framework["in_title"] == 0.0
    assert framework["lowercase"] == 1.0 and framework["type_word"] == 1.0  # "framework" is a type word
    assert framework["first_position"] > zorbnet["first_position"] == 0.0
    assert features["Zorbnet"]["type_Method"] == 1.0 and features["Zorbnet"]["type_Task"] == 0.0


def test_the_assembler_drops_the_entities_the_filter_rejects() -> None:
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("bias")] = -1.0
    weights[FEATURES.index("rules_same_span")] = 2.0  # kept only where the rules found the same span
    doc = _doc_with_candidates()
    LearnedAssembler(entity_filter=EntityFilter(weights))(doc)
    (kept,) = get_ext(doc, "kg_entities")
    assert kept["name"] == "Zorbnet"
    assert kept["confidence"] == pytest.approx(1 / (1 + math.exp(-1.0)), abs=1e-4)  # the filter's probability
    assert {span.text for span in doc.spans[SPANS_KEY]} == {"Zorbnet"}
    doc = _doc_with_candidates()
    LearnedAssembler(entity_filter=EntityFilter(weights, threshold=0.2))(doc)  # a lower threshold keeps both
    assert sorted(e["name"] for e in get_ext(doc, "kg_entities")) == ["Zorbnet", "plinth framework"]
    doc = _doc_with_candidates()
    LearnedAssembler()(doc)  # no filter: both
    assert sorted(e["name"] for e in get_ext(doc, "kg_entities")) == ["Zorbnet", "plinth framework"]


def test_a_filter_that_rejects_everything_leaves_no_entity_and_no_span() -> None:
    doc = _doc_with_candidates()
    LearnedAssembler(entity_filter=EntityFilter([-5.0] + [0.0] * (len(FEATURES) - 1)))(doc)
    assert get_ext(doc, "kg_entities") == [] and len(doc.spans[SPANS_KEY]) == 0


def test_without_the_filter_the_tagger_cuts_come_back() -> None:
    from kg.extract.components.entity_filter import WITHOUT_FILTER
    from kg.extract.pipeline import build_pipeline

    nlp = build_pipeline(
        config=REPO / "kg" / "extract" / "learned.cfg",
        overrides={"components.kg_learned.tagger": {"@misc": "kg.untrained_tagger.v1"}, **WITHOUT_FILTER},
    )
    assert nlp.get_pipe("kg_learned_assembly").entity_filter is None
    assert nlp.get_pipe("kg_learned").min_probability == 0.7


def test_the_filter_is_a_logistic_function_of_its_features() -> None:
    weights = [0.0] * len(FEATURES)
    assert EntityFilter(weights).probability([1.0] * len(FEATURES)) == pytest.approx(0.5)
    weights[FEATURES.index("max_confidence")] = 4.0
    weights[0] = -2.0
    on = [0.0] * len(FEATURES)
    on[0] = 1.0
    on[FEATURES.index("max_confidence")] = 0.4
    assert EntityFilter(weights).probability(on) == pytest.approx(1 / (1 + math.exp(0.4)))
    with pytest.raises(ValueError, match="expected"):
        EntityFilter([0.0])


def test_weights_of_other_features_are_refused_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "entity_filter.json"
    bad.write_text(json.dumps({"features": ["bias"], "weights": [0.0]}))
    with pytest.raises(InputError, match="entity_filter.json"):
        entity_filter(str(bad))
    with pytest.raises(InputError, match="missing.json"):
        entity_filter(str(tmp_path / "missing.json"))
    short = tmp_path / "short.json"
    short.write_text(json.dumps({"features": list(FEATURES), "weights": [0.0], "threshold": 0.5}))
    with pytest.raises(InputError, match="short.json"):
        entity_filter(str(short))
    good = tmp_path / "good.json"
    good.write_text(json.dumps(EntityFilter([0.5] * len(FEATURES), 0.4).to_dict()))
    loaded = entity_filter(str(good))
    assert loaded.weights == [0.5] * len(FEATURES) and loaded.threshold == 0.4


@pytest.mark.skipif(not FILTER_FILE.is_file(), reason="no bundled filter (run `make train`)")
def test_the_bundled_filter_reads_the_features_of_this_code() -> None:
    data = json.loads(FILTER_FILE.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    assert 0.0 < data["threshold"] < 1.0
    assert data["trained_on"]["papers"] > 0


def test_training_labels_each_assembled_entity_as_the_scorer_counts_it(tmp_path: Path) -> None:
    from kg.extract.components.learned import untrained_tagger
    from train.entity_filter import featurise

    untrained_tagger(["Method", "Model", "Dataset", "Task"]).to_disk(tmp_path / "tagger")
    records = [
        {
            "id": "p1",
            "title": "Glimmer counting",
            "abstract": "We train a model on ImageNet and report top-1 accuracy.",
            "entities": [{"type": "Dataset", "name": "ImageNet", "aliases": [], "role": "used"}],
        },
        {"id": "p2", "title": "Nothing here", "abstract": "We train on MNIST.", "entities": []},
    ]
    xs, ys, papers, annotated = featurise(records, tmp_path / "tagger")
    assert annotated == 1 and len(xs) == len(ys) == len(papers)
    assert all(len(x) == len(FEATURES) for x in xs)
    # the lexicon fills in ImageNet and MNIST whatever the untrained tagger does: one annotated, one not
    labelled = {(papers[i], ys[i]) for i in range(len(ys))}
    assert (0, 1) in labelled and (1, 0) in labelled


def test_the_threshold_is_the_best_cross_validated_typed_f1() -> None:
    from train.entity_filter import best_threshold

    def example(sure: float) -> list[float]:
        features = [0.0] * len(FEATURES)
        features[0], features[FEATURES.index("max_confidence")] = 1.0, sure
        return features

    # 40 papers, each with an annotated entity the tagger was sure of and a wrong one it was not,
    # and one annotated entity no candidate reaches: recall can be 40 / 80 at most
    xs = [example(0.95), example(0.05)] * 40
    ys = [1, 0] * 40
    papers = [i // 2 for i in range(80)]
    threshold, f1 = best_threshold(xs, ys, papers, annotated=80)
    assert f1 == pytest.approx(2 * 40 / (40 + 80))  # every sure one kept, every unsure one dropped
    assert 0.2 <= threshold <= 0.7
    _, f1_all_missed = best_threshold(xs, ys, papers, annotated=160)
    assert f1_all_missed < f1  # annotated entities no candidate reaches count as misses


def test_halves_score_every_held_out_paper_with_and_without_the_filter(tmp_path: Path) -> None:
    from kg.extract.components.learned import untrained_tagger
    from train.entity_filter import by_halves

    untrained_tagger(["Method", "Model", "Dataset", "Task"]).to_disk(tmp_path / "tagger")
    names = ["ImageNet", "MNIST", "CIFAR-10", "COCO"]
    gold = tmp_path / "heldout.jsonl"
    gold.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"p{i}",
                    "title": f"Glimmer counting {i}",
                    "abstract": f"We train a model on {name}.",
                    "entities": [{"type": "Dataset", "name": name, "aliases": [], "role": "used"}],
                    "links": [],
                }
            )
            + "\n"
            for i, name in enumerate(names)
        )
    )
    without, with_filter = by_halves(gold, tmp_path / "tagger", tmp_path / "work")
    assert without.papers == with_filter.papers == 4
    assert without.overall.tp == 4  # without the filter the lexicon fill finds all four datasets
    assert with_filter.overall.tp + with_filter.overall.fn == 4
    fitted = sorted((tmp_path / "work").iterdir())
    assert [p.name for p in fitted] == ["entity_filter-0.json", "entity_filter-1.json"]
    assert all(entity_filter(str(p)).weights for p in fitted)  # each half's filter loads


def test_too_few_papers_leave_the_installed_filter_alone(tmp_path: Path) -> None:
    from train.build import entity_filter_step

    installed = tmp_path / "out" / "entity_filter.json"
    installed.parent.mkdir()
    installed.write_text("{}")
    records = [{"id": f"p{i}", "title": "", "abstract": "x", "entities": []} for i in range(5)]
    entity_filter_step(records, tmp_path, installed.parent, tmp_path / "vectors", heldout=3, epochs=1)
    assert installed.read_text() == "{}" and not (tmp_path / "filter-tagger").exists()
