"""Rules added for extraction accuracy, each checked on invented sentences from several fields.

Every name below is made up (robotics, speech, medicine, graphs, recommender
systems, LLM reasoning), so a rule passes only when it generalises. The
lexicon is the tiny fixture in tests/fixtures/extract/lexicons, except for the
held-out check at the end, which runs the bundled pipeline on invented
abstracts (tests/fixtures/extract/heldout.jsonl) and keeps a floor on its F1.
"""

from __future__ import annotations

import json

import pytest
from extract_support import FIXTURES, extract, found

from kg.eval import load_extractions, score
from kg.extract import extract_papers
from kg.records import Paper

# (title, abstract, name, expected (type, role))
PRESENT = [
    # a title "NAME: <gerund> ..." describes what the method does: its nouns do not type the name
    (
        "Gaitly: Teaching Legged Robots to Climb Stairs",
        "We study stair climbing.",
        "Gaitly",
        ("Method", "proposed"),
    ),
    (
        "Voxari: Training Speech Models to Ignore Reverberation",
        "We study echoes.",
        "Voxari",
        ("Method", "proposed"),
    ),
    (
        "Cardiox: Grounding Clinical LLMs in Patient Records",
        "We study records.",
        "Cardiox",
        ("Method", "proposed"),
    ),
    # ... but an article makes it a noun phrase that does type the name
    ("Orbitra: An Open Bilingual Model", "We train it.", "Orbitra", ("Model", "proposed")),
    # a capitalised problem after "for" in a proposal sentence is the task, not the contribution
    (
        "",
        "We propose a modular planner for Multi-Robot Route Planning, called RouteMesh.",
        "Multi-Robot Route Planning",
        ("Task", "used"),
    ),
    (
        "",
        "We present a graph encoder to tackle Drug Interaction Prediction in sparse registries.",
        "Drug Interaction Prediction",
        ("Task", "used"),
    ),
    (
        "",
        "We propose a modular planner for Multi-Robot Route Planning, called RouteMesh.",
        "RouteMesh",
        ("Method", "proposed"),
    ),
    # "a new / novel <lower-case description with a component head>" is the paper's own part
    (
        "",
        "We equip the recommender with a new session gating layer before ranking.",
        "session gating layer",
        ("Method", "proposed"),
    ),
    (
        "",
        "The agent is trained with a novel step consistency reward on math problems.",
        "step consistency reward",
        ("Method", "proposed"),
    ),
    (
        "",
        "Our novel spectral smoothing loss stabilises the vocoder.",
        "spectral smoothing loss",
        ("Method", "proposed"),
    ),
    # "we adopt / employ / incorporate a <description ending in a component head>": a part of the system
    (
        "",
        "We then adopt a mixture-of-critics gate to fuse the robot's value estimates.",
        "mixture-of-critics gate",
        ("Method", "proposed"),
    ),
    (
        "",
        "We incorporate lesion-aware attention modules into the segmenter.",
        "lesion-aware attention modules",
        ("Method", "proposed"),
    ),
    (
        "",
        "We also employ an annealing label smoothing strategy during recommendation training.",
        "annealing label smoothing",
        ("Method", "proposed"),
    ),
    # a naming cue followed by a lower-case name; "setting/task/problem" makes it a Task
    (
        "",
        "We put forth a harder setting termed, source-free lesion counting, that needs no scans.",
        "source-free lesion counting",
        ("Task", "proposed"),
    ),
    (
        "",
        "We add a decoding trick dubbed progressive token dropping to the reasoner.",
        "progressive token dropping",
        ("Method", "proposed"),
    ),
    (
        "",
        "We introduce a new problem, called cold-start bundle ranking, for shops.",
        "cold-start bundle ranking",
        ("Task", "proposed"),
    ),
    # a type word in front of a naming cue types the name
    ("", "We train a compact model called WhisperLite on device.", "WhisperLite", ("Model", "proposed")),
    ("", "We release a corpus dubbed ScanTalk for radiology.", "ScanTalk", ("Dataset", "proposed")),
    # "<plural type word> such as / like / including X": X is an instance of that type
    ("", "Results hold for vision backbones such as FLORB and NEXO.", "FLORB", ("Model", "used")),
    ("", "Results hold for vision backbones such as FLORB and NEXO.", "NEXO", ("Model", "used")),
    ("", "We test on graph benchmarks like CORAX and PUBZ.", "CORAX", ("Dataset", "used")),
    ("", "Strong baselines include graph methods, e.g., GRIDDLE.", "GRIDDLE", ("Method", "used")),
    # the object of a data verb is a dataset; "a test/training set" in an appositive too
    ("", "We collect ScanTalk from four hospitals.", "ScanTalk", ("Dataset", "proposed")),
    ("", "Finally, we curate RoboDrops for grasp failures.", "RoboDrops", ("Dataset", "proposed")),
    ("", "We also release GaitLog, a held-out test set of 500 walks.", "GaitLog", ("Dataset", "proposed")),
    ("", "Models are scored on QuipSplit, a training set for puns.", "QuipSplit", ("Dataset", "used")),
    # a LaTeX superscript belongs to the name
    (
        "",
        "We propose a new gaze cueing scheme, referred to as GAZE^2R, for tutoring robots.",
        "GAZE^2R",
        ("Method", "proposed"),
    ),
    # a technique word after an acronym definition types it ("... (SKA) approximation")
    (
        "",
        "We compute a block-diagonal curvature product (BDCP) approximation to scale graph attention.",
        "block-diagonal curvature product",
        ("Method", "used"),
    ),
    # "this/the X problem" frames a task, like "the X task"
    (
        "",
        "We formalise the bundle completion problem as matching.",
        "bundle completion",
        ("Task", "used"),
    ),
    (
        "",
        "Prior work treats this gait transition problem with heuristics.",
        "gait transition",
        ("Task", "used"),
    ),
    # a plain capitalised word the paper introduces directly, with an appositive or a naming cue
    (
        "",
        "We introduce Pelican, a probing method that perturbs clinical notes.",
        "Pelican",
        ("Method", "proposed"),
    ),
    (
        "",
        "To this end we present Trellis, a novel scheduler for warehouse robots.",
        "Trellis",
        ("Method", "proposed"),
    ),
    (
        "",
        "We propose a lightweight recommender, termed Saffron, that ranks bundles.",
        "Saffron",
        ("Method", "proposed"),
    ),
]


@pytest.mark.parametrize(("title", "abstract", "name", "expected"), PRESENT)
def test_rule_finds_and_types(nlp, title: str, abstract: str, name: str, expected: tuple[str, str]) -> None:
    got = found(extract(nlp, abstract, title))
    assert got.get(name) == expected, got


# (title, abstract, name that must not be an entity with that type/role)
ABSENT = [
    # "a <type> like X" compares with one thing; it does not say X is of that kind
    ("", "It behaves like a model like NEXO would.", "NEXO", "Model"),
    # a phrase "known as" in a sentence that is not about the paper's own work stays unnamed
    ("", "This is a failure mode known as label drift in practice.", "label drift", "Task"),
    # "so-called" is not a naming cue of something new
    ("", "We revisit the so-called gradient starvation effect.", "gradient starvation effect", "Method"),
    # a title phrase that only starts a longer capitalised name in the abstract is not itself a name
    (
        "Glyph Sorting for Scrolls via Echo Maps",
        "Sorting glyphs is hard. We present Glyph Sorting with Echo Maps (GSEM), a fast algorithm.",
        "Glyph Sorting",
        "Method",
    ),
    # a relative clause after a name is not an appositive that types it
    ("", "We compare with Plain GRIX, where the training set is reused as context.", "Plain GRIX", "Dataset"),
    # one modifier plus a bare type word is a kind of thing, not a name, whatever the cue
    ("", "We adopt a retrieval-based strategy for triage.", "retrieval-based strategy", "Method"),
    ("", "We add a new gating module to the recommender.", "gating module", "Method"),
    # "a set of" alone is not a data word
    ("", "We use ZorbKit, a set of tools for robots.", "ZorbKit", "Dataset"),
    # "a new <data word>" is not a method description
    ("", "We collect a new driving video corpus of rare events.", "driving video corpus", "Method"),
    # a plain capitalised word after a proposal verb without an appositive is no name
    ("", "We introduce Pelican to the clinic.", "Pelican", "Method"),
    ("", "We present However, it fails.", "However", "Method"),
]


@pytest.mark.parametrize(("title", "abstract", "name", "type_"), ABSENT)
def test_rule_does_not_overreach(nlp, title: str, abstract: str, name: str, type_: str) -> None:
    got = found(extract(nlp, abstract, title))
    assert got.get(name, ("", ""))[0] != type_, got


def test_adopted_lexicon_technique_stays_used(nlp) -> None:
    # the fixture lexicon knows "spectral hopping" (any case): reused techniques are not proposed
    got = found(extract(nlp, "We adopt a spectral hopping layer in the vocoder."))
    assert got.get("spectral hopping") == ("Method", "used"), got


def test_title_phrase_repeated_alone_is_still_the_contribution(nlp) -> None:
    got = found(
        extract(
            nlp,
            "Sorting glyphs is hard. We present Glyph Sorting, a fast algorithm.",
            "Glyph Sorting for Scrolls via Echo Maps",
        )
    )
    assert got.get("Glyph Sorting") == ("Method", "proposed")


def test_heldout_abstracts_keep_a_reasonable_f1() -> None:
    """Invented abstracts from other fields, labelled by ANNOTATION.md, never used to write rules.

    Measured 0.90 overall F1 and 0.94 proposed F1 when written; the floors sit
    well below so that only a real regression fails.
    """
    path = FIXTURES / "heldout.jsonl"
    gold = load_extractions(path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    papers = [Paper(id=r["id"], title=r["title"], abstract=r["abstract"]) for r in rows]
    scores = score(gold, list(extract_papers(papers)))
    assert scores.overall.f1 >= 0.75, scores.overall
    assert scores.proposed.f1 >= 0.70, scores.proposed
    assert scores.links.f1 == 1.0, scores.links
