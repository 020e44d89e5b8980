"""The learned tagger's gazetteer feature: matching, mining from training annotations, travel with the weights.

All names and papers here are invented.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import spacy

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kg.extract.components.gazetteer import META_KEY, Gazetteer

LEARNED_CFG = REPO / "kg" / "extract" / "learned.cfg"
UNTRAINED = {"components.kg_learned.tagger": {"@misc": "kg.untrained_tagger.v1"}}


@pytest.fixture(scope="module")
def blank() -> spacy.language.Language:
    return spacy.blank("en")


def test_longest_name_wins_case_and_dashes_ignored(blank: spacy.language.Language) -> None:
    quibnet = [t.text for t in blank.tokenizer("quib-net")]
    gazetteer = Gazetteer(
        [(["scroll", "parsing"], "Task"), (["deep", "scroll", "parsing"], "Task"), (quibnet, "Model")]
    )
    doc = blank("We study Deep Scroll Parsing with QUIB\u2013net, not scroll parsing alone.")
    tags = dict(zip([t.text for t in doc], gazetteer.tags(doc)))
    assert [tags["Deep"], tags["Scroll"]] == ["B-Task", "I-Task"]
    assert gazetteer.tags(doc)[[t.text for t in doc].index("Parsing")] == "L-Task"
    if len(quibnet) == 1:
        assert tags["QUIB\u2013net"] == "U-Model"
    else:
        assert [tags["QUIB"], tags["net"]] == ["B-Model", "L-Model"]
    assert tags["We"] == "" and tags["with"] == ""
    second = next(t.i for t in doc if t.text == "scroll")
    assert gazetteer.tags(doc)[second : second + 2] == ["B-Task", "L-Task"]


def test_annotate_writes_the_tags_into_lemma(blank: spacy.language.Language) -> None:
    gazetteer = Gazetteer([(["quibbet"], "Dataset")])
    doc = blank("Results on Quibbet improve.")
    gazetteer.annotate(doc)
    assert [t.lemma_ for t in doc] == ["", "", "U-Dataset", "", ""]


def test_meta_round_trip_and_absent_gazetteer() -> None:
    gazetteer = Gazetteer([(["b"], "Task"), (["a", "b"], "Method")])
    again = Gazetteer.from_meta(gazetteer.to_meta())
    assert again is not None and again.table == gazetteer.table
    assert gazetteer.to_meta() == [[["a", "b"], "Method"], [["b"], "Task"]]  # sorted: deterministic files
    assert Gazetteer.from_meta(None) is None and Gazetteer.from_meta([]) is None


def _paper(pid: str, abstract: str, entities: list[tuple[str, str]]) -> dict[str, object]:
    return {
        "id": pid,
        "title": "",
        "abstract": abstract,
        "entities": [{"type": t, "name": n, "aliases": [], "role": "used"} for n, t in entities],
        "links": [],
    }


def test_mining_keeps_names_several_papers_annotate_and_most_papers_holding_them(
    blank: spacy.language.Language,
) -> None:
    from train.gazetteer import mine_entries

    records = [
        _paper(
            "1",
            "Scroll parsing with Zorblax and planning.",
            [("scroll parsing", "Task"), ("planning", "Task")],
        ),
        _paper(
            "2", "We improve scroll parsing and planning.", [("scroll parsing", "Task"), ("planning", "Task")]
        ),
        _paper("3", "Planning is hard; Zorblax helps.", [("Zorblax", "Method")]),
        _paper("4", "Planning again, and more planning.", []),
        _paper("5", "Yet more planning.", []),
    ]
    entries = {
        (" ".join(key), type_): papers for key, type_, papers in mine_entries(records, blank.tokenizer)
    }
    assert entries == {
        ("scroll parsing", "Task"): 2
    }  # Zorblax: one paper; planning: 2 of 5 papers holding it


def test_mining_takes_the_type_most_papers_gave(blank: spacy.language.Language) -> None:
    from train.gazetteer import mine_entries

    records = [
        _paper("1", "Quibnet here.", [("Quibnet", "Model")]),
        _paper("2", "Quibnet there.", [("Quibnet", "Method")]),
        _paper("3", "Quibnet again.", [("Quibnet", "Model")]),
    ]
    assert mine_entries(records, blank.tokenizer) == [(("quibnet",), "Model", 3)]


def test_the_tagger_reads_its_gazetteer_from_its_meta_and_keeps_it_through_bytes(tmp_path: Path) -> None:
    from spacy.training import Example

    from kg.extract.pipeline import build_pipeline

    tagger_nlp = spacy.blank("en")
    tagger_nlp.add_pipe("tagger")
    doc = tagger_nlp.make_doc("Zorblax parses scrolls.")
    tagger_nlp.initialize(lambda: [Example.from_dict(doc, {"tags": ["U-Model", "O", "O", "O"]})])
    tagger_nlp.meta[META_KEY] = Gazetteer([(["zorblax"], "Model")]).to_meta()
    tagger_nlp.to_disk(tmp_path / "tagger")

    nlp = build_pipeline(
        config=LEARNED_CFG, overrides={"components.kg_learned.tagger.path": str(tmp_path / "tagger")}
    )
    learned = nlp.get_pipe("kg_learned")
    assert learned.gazetteer is not None
    tagged = learned(nlp.make_doc("Zorblax parses scrolls."))
    assert tagged[0].lemma_ == "U-Model" and tagged[1].lemma_ == ""

    other = build_pipeline(config=LEARNED_CFG, overrides=UNTRAINED).get_pipe("kg_learned")
    assert other.gazetteer is None  # a tagger trained without a gazetteer gets no feature
    other.from_bytes(learned.to_bytes())
    assert other.gazetteer is not None and other.gazetteer.table == learned.gazetteer.table
