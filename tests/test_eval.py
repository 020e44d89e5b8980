"""Tests for kg.eval: scoring as ANNOTATION.md "How a prediction is scored" says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.eval import SCIERC_POOLING, Counts, load_extractions, score
from kg.records import Entity, Link, Paper, PaperExtraction

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def paper(
    pid: str,
    title: str = "",
    abstract: str = "",
    *,
    entities: tuple[Entity, ...] = (),
    links: tuple[Link, ...] = (),
) -> PaperExtraction:
    return PaperExtraction(Paper(pid, title, abstract), entities, links)


def ent(etype: str, name: str, *aliases: str, role: str = "used") -> Entity:
    return Entity(type=etype, name=name, aliases=aliases, role=role)  # type: ignore[arg-type]


def counts(c: Counts) -> tuple[int, int, int]:
    return (c.tp, c.fp, c.fn)


# ---------------------------------------------------------------- matching rules


def test_prediction_matches_gold_alias() -> None:
    gold = [paper("a", entities=(ent("Method", "Frozen Lake Sampling", "FLS"),))]
    pred = [paper("a", entities=(ent("Method", "FLS"),))]
    assert counts(score(gold, pred).by_type["Method"]) == (1, 0, 0)


def test_prediction_alias_is_not_used_only_its_name() -> None:
    gold = [paper("a", entities=(ent("Method", "Frozen Lake Sampling"),))]
    pred = [paper("a", entities=(ent("Method", "FLS", "Frozen Lake Sampling"),))]
    assert counts(score(gold, pred).by_type["Method"]) == (0, 1, 1)


@pytest.mark.parametrize(
    "variant",
    [
        "frozen lake sampling",
        "Frozen  Lake\nSampling",
        "Frozen Lake Sampling.",
        "(Frozen Lake Sampling)",
        "FROZEN LAKE SAMPLING",
    ],
)
def test_normalised_text_matches(variant: str) -> None:
    gold = [paper("a", entities=(ent("Method", "Frozen Lake Sampling"),))]
    pred = [paper("a", entities=(ent("Method", variant),))]
    assert score(gold, pred).overall.tp == 1


def test_dashes_are_unified() -> None:
    gold = [paper("a", entities=(ent("Model", "Walrus-3B"),))]
    pred = [paper("a", entities=(ent("Model", "Walrus\u20133B"),))]
    assert score(gold, pred).by_type["Model"].tp == 1


def test_type_mismatch_is_a_false_positive_and_a_miss() -> None:
    gold = [paper("a", entities=(ent("Dataset", "GravelBench"),))]
    pred = [paper("a", entities=(ent("Model", "GravelBench"),))]
    s = score(gold, pred)
    assert counts(s.by_type["Dataset"]) == (0, 0, 1)
    assert counts(s.by_type["Model"]) == (0, 1, 0)
    assert counts(s.overall) == (0, 1, 1)


def test_duplicate_prediction_counts_once() -> None:
    gold = [paper("a", entities=(ent("Task", "rock sorting"),))]
    pred = [paper("a", entities=(ent("Task", "rock sorting"), ent("Task", "Rock Sorting")))]
    assert counts(score(gold, pred).by_type["Task"]) == (1, 0, 0)


def test_gold_entity_matched_at_most_once() -> None:
    # Acronym and expansion predicted as two entities: one of them is surplus.
    gold = [paper("a", entities=(ent("Method", "Frozen Lake Sampling", "FLS"),))]
    pred = [paper("a", entities=(ent("Method", "FLS"), ent("Method", "Frozen Lake Sampling")))]
    assert counts(score(gold, pred).by_type["Method"]) == (1, 1, 0)


def test_matching_is_maximal_whatever_the_order() -> None:
    # "X" could match either gold entity; it must leave "Y-long" to "Y".
    gold = [paper("a", entities=(ent("Method", "X", "Y"), ent("Method", "Zed", "X")))]
    for order in ((ent("Method", "X"), ent("Method", "Y")), (ent("Method", "Y"), ent("Method", "X"))):
        pred = [paper("a", entities=order)]
        assert counts(score(gold, pred).by_type["Method"]) == (2, 0, 0)


def test_entities_of_other_papers_do_not_match() -> None:
    gold = [paper("a", entities=(ent("Task", "rock sorting"),)), paper("b")]
    pred = [paper("a"), paper("b", entities=(ent("Task", "rock sorting"),))]
    assert counts(score(gold, pred).overall) == (0, 1, 1)


# ---------------------------------------------------------------- pairing


def test_pairing_by_title_when_ids_differ() -> None:
    gold = [paper("gold-id", "Rock Sorting: A Study", "abc", entities=(ent("Task", "rock sorting"),))]
    pred = [paper("pred-id", "rock sorting:  a study.", "", entities=(ent("Task", "rock sorting"),))]
    s = score(gold, pred)
    assert (s.paired, s.unpaired_predictions) == (1, 0)
    assert s.overall.tp == 1


def test_pairing_by_abstract_when_title_empty() -> None:
    gold = [paper("g", "", "We sort  rocks.", entities=(ent("Task", "rock sorting"),))]
    pred = [paper("p", "", "We sort rocks.", entities=(ent("Task", "rock sorting"),))]
    assert score(gold, pred).overall.tp == 1


def test_id_wins_over_title() -> None:
    gold = [paper("one", "Same Title"), paper("two", "Same Title", entities=(ent("Task", "t"),))]
    pred = [paper("two", "Same Title", entities=(ent("Task", "t"),)), paper("one", "Same Title")]
    assert score(gold, pred).overall.tp == 1


def test_unpaired_gold_counts_everything_missed() -> None:
    gold = [
        paper(
            "a",
            "T",
            entities=(ent("Task", "t1"), ent("Method", "m1")),
            links=(Link("https://github.com/o/r", "code"),),
        )
    ]
    s = score(gold, [])
    assert counts(s.overall) == (0, 0, 2)
    assert counts(s.links) == (0, 0, 1)
    assert s.paired == 0
    assert s.errors[0].paired is False
    assert len(s.errors[0].misses) == 3


# ---------------------------------------------------------------- links, proposed, pooling


def test_links_match_after_url_normalisation() -> None:
    gold = [
        paper("a", links=(Link("https://github.com/Org/Repo", "code"), Link("https://example.org/x", "web")))
    ]
    pred = [
        paper(
            "a",
            links=(Link("http://GitHub.com/Org/Repo/", "code"), Link("https://github.com/org/repo", "code")),
        )
    ]
    s = score(gold, pred)
    assert counts(s.links) == (1, 1, 1)
    fp_names = [e.name for e in s.errors[0].false_positives]
    assert fp_names == ["https://github.com/org/repo"]


def test_proposed_row_uses_role_and_type() -> None:
    gold = [
        paper(
            "a",
            entities=(
                ent("Method", "Frozen Lake Sampling", "FLS", role="proposed"),
                ent("Dataset", "GravelBench", role="proposed"),
                ent("Task", "rock sorting"),
            ),
        )
    ]
    pred = [
        paper(
            "a",
            entities=(
                ent("Method", "FLS", role="proposed"),
                ent("Dataset", "GravelBench"),
                ent("Task", "rock sorting", role="proposed"),
            ),
        )
    ]
    s = score(gold, pred)
    assert counts(s.proposed) == (1, 1, 1)
    assert counts(s.overall) == (3, 0, 0)


def test_pooling_model_into_method() -> None:
    gold = [paper("a", entities=(ent("Method", "Walrus-3B"), ent("Method", "dropout")))]
    pred = [paper("a", entities=(ent("Model", "Walrus-3B"), ent("Method", "dropout")))]
    plain = score(gold, pred)
    assert counts(plain.overall) == (1, 1, 1)
    pooled = score(gold, pred, pool_types=SCIERC_POOLING)
    assert counts(pooled.overall) == (2, 0, 0)
    assert "Model" not in pooled.by_type
    assert [name for name, _ in pooled.rows()] == ["Method", "Dataset", "Task", "ALL", "links", "proposed"]


# ---------------------------------------------------------------- Counts and Scores


def test_counts_rates() -> None:
    c = Counts(tp=3, fp=1, fn=2)
    assert c.precision == pytest.approx(0.75)
    assert c.recall == pytest.approx(0.6)
    assert c.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert Counts().f1 == 0.0
    assert Counts(1, 0, 0) + Counts(0, 2, 3) == Counts(1, 2, 3)


def test_fixture_files_scored_end_to_end() -> None:
    gold = load_extractions(FIXTURES / "gold.jsonl")
    pred = load_extractions(FIXTURES / "pred.jsonl")
    s = score(gold, pred)
    assert {t: counts(c) for t, c in s.by_type.items()} == {
        "Method": (1, 2, 1),
        "Model": (0, 1, 2),
        "Dataset": (1, 0, 1),
        "Task": (2, 0, 1),
    }
    assert counts(s.overall) == (4, 3, 5)
    assert counts(s.links) == (2, 1, 0)
    assert counts(s.proposed) == (1, 1, 2)
    assert (s.papers, s.paired, s.unpaired_predictions) == (3, 2, 1)
    pooled = score(gold, pred, pool_types={"Model": "Method"})
    assert counts(pooled.by_type["Method"]) == (2, 2, 2)
    assert counts(pooled.overall) == (5, 2, 4)


def test_to_dict_is_json_and_deterministic() -> None:
    gold = load_extractions(FIXTURES / "gold.jsonl")
    pred = load_extractions(FIXTURES / "pred.jsonl")
    first = json.dumps(score(gold, pred).to_dict())
    again = json.dumps(score(gold, list(reversed(pred))).to_dict())
    assert first == again
    data = json.loads(first)
    assert list(data["scores"]) == ["Method", "Model", "Dataset", "Task", "ALL", "links", "proposed"]
    assert data["scores"]["ALL"] == {
        "tp": 4,
        "fp": 3,
        "fn": 5,
        "precision": 0.5714,
        "recall": 0.4444,
        "f1": 0.5,
    }
    assert [e["id"] for e in data["errors"]] == ["pebble-1", "moss-2", "fern-3"]
    assert "errors" not in score(gold, pred).to_dict(errors=False)


def test_error_list_names_false_positives_and_misses() -> None:
    gold = load_extractions(FIXTURES / "gold.jsonl")
    pred = load_extractions(FIXTURES / "pred.jsonl")
    first = score(gold, pred).errors[0]
    assert {(e.row, e.name) for e in first.false_positives} == {
        ("Model", "PebbleQA"),
        ("Method", "StoneNet\u20137B"),
    }
    assert {(e.row, e.name) for e in first.misses} == {("Dataset", "PebbleQA"), ("Model", "StoneNet-7B")}


# ---------------------------------------------------------------- loading


def test_load_rejects_unknown_type_with_file_and_line() -> None:
    with pytest.raises(InputError) as info:
        load_extractions(FIXTURES / "bad_type.jsonl")
    assert info.value.line == 1
    assert "Metric" in str(info.value)
    assert "bad_type.jsonl" in str(info.value)


def test_load_reports_malformed_line() -> None:
    with pytest.raises(InputError) as info:
        load_extractions(FIXTURES / "bad_json.jsonl")
    assert info.value.line == 3


def test_load_missing_file() -> None:
    with pytest.raises(InputError, match="not found"):
        load_extractions(FIXTURES / "nope.jsonl")


def test_eval_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, kg.eval; bad = {'spacy', 'click', 'networkx', 'rdflib'} & set(sys.modules); "
        "print(sorted(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
