"""Rule tables for the kg_* spaCy components: (sentence with invented names, expected entities).

Every name below is made up, so a rule passes only if it generalises; the
lexicon is the tiny fixture in tests/fixtures/extract/lexicons.
"""

from __future__ import annotations

import pytest
from extract_support import extract, found

# (title, abstract, expected {name: (type, role)})
CASES = [
    # title "NAME: ..." prefix, typed by the title's head noun
    ("Zyntax: A Benchmark for Scroll Parsing", "We study scrolls.", {"Zyntax": ("Dataset", "proposed")}),
    ("Flumox: Robust Planning via Chained Hints", "We study robots.", {"Flumox": ("Method", "proposed")}),
    ("Orbitra: An Open Bilingual Model", "We train it.", {"Orbitra": ("Model", "proposed")}),
    # "we propose / introduce / present (a novel ...) NAME"
    ("", "We propose GlimmerNet, a simple method for map reading.", {"GlimmerNet": ("Method", "proposed")}),
    (
        "",
        "In this paper, we introduce a new benchmark, TorqueQA, for torque reasoning.",
        {"TorqueQA": ("Dataset", "proposed")},
    ),
    ("", "This paper presents HexaFlow, which routes packets.", {"HexaFlow": ("Method", "proposed")}),
    # "dubbed / called / named / termed NAME", two names joined by "and"
    (
        "",
        "We equip the planner with two modules dubbed Spindle Router and Echo Gate.",
        {"Spindle Router": ("Method", "proposed"), "Echo Gate": ("Method", "proposed")},
    ),
    # coined shapes anywhere are used unless a cue says otherwise
    (
        "",
        "Results improve over PlexNet-50 and VorTex on every split.",
        {"PlexNet-50": ("Model", "used"), "VorTex": ("Method", "used")},
    ),
    (
        "",
        "We compare with Lumo2.5-VL-3B-Instruct in all runs.",
        {"Lumo2.5-VL-3B-Instruct": ("Model", "used")},
    ),
    (
        "",
        "We fine-tune Zorblax 7B and Frobnic 2.5 70B.",
        {"Zorblax 7B": ("Model", "used"), "Frobnic 2.5 70B": ("Model", "used")},
    ),
    # known model family + version/size tail
    ("", "We distil Quokka 3.1 8B into a smaller student.", {"Quokka 3.1 8B": ("Model", "used")}),
    # typing by head noun, type word stripped from the name
    ("", "Scores on the KestrelQA benchmark are low.", {"KestrelQA": ("Dataset", "used")}),
    ("", "The MoxNet framework is slow.", {"MoxNet": ("Method", "used")}),
    (
        "",
        "We report results on TundraSet and PolarMix datasets.",
        {"TundraSet": ("Dataset", "used"), "PolarMix": ("Dataset", "used")},
    ),
    ("", "It was evaluated on GlyphSet8K only.", {"GlyphSet8K": ("Dataset", "used")}),
    # tasks by head noun and by frame
    ("", "We address the task of scroll parsing.", {"scroll parsing": ("Task", "used")}),
    # the phrase after "the problem of" stops at a Latin abbreviation ("i.e." is no word of it)
    ("", "We study the problem of scroll parsing i.e. reading scrolls.", {"scroll parsing": ("Task", "used")}),
    ("", "It helps few-shot glyph recognition a lot.", {"few-shot glyph recognition": ("Task", "used")}),
    (
        "",
        "Models for time-series anomaly forecasting exist.",
        {"time-series anomaly forecasting": ("Task", "used")},
    ),
    # method phrases need a specific head and a real modifier
    ("", "An orthogonal wobble loss is added.", {"orthogonal wobble loss": ("Method", "used")}),
    # lower-case description of the proposed method
    (
        "",
        "We propose a staged curriculum for the learners.",
        {"staged curriculum": ("Method", "proposed")},
    ),
    # naming cues in the present tense, sentence-initial too; a lower-case name ends at a stop word
    ("", "We call this Deep Zorb Transfer (DZT).", {"Deep Zorb Transfer": ("Method", "proposed")}),
    (
        "",
        "We study scrolls, and we refer to this as quill zorbing and show it helps.",
        {"quill zorbing": ("Method", "proposed")},
    ),
    # ownership and "X, a novel ..."
    ("", "Experiments show that our HaloNet is fast.", {"HaloNet": ("Method", "proposed")}),
    ("", "We build on SkyLoom, a novel planner for drones.", {"SkyLoom": ("Method", "proposed")}),
    # a proposal verb later in a "we" sentence, and "a new X"
    (
        "",
        "We study swarms and propose Kite Relay Planning (KRP) for drones.",
        {"Kite Relay Planning": ("Method", "proposed")},
    ),
    ("", "To this end, we attach a new HaloGate to every block.", {"HaloGate": ("Method", "proposed")}),
    # names listed in brackets after a data word are datasets; an acronym keeps its edition year
    (
        "",
        "Gains hold on three tasks (QuibbleQA, ZORP, Frindle-7).",
        {"QuibbleQA": ("Dataset", "used"), "ZORP": ("Dataset", "used"), "Frindle-7": ("Dataset", "used")},
    ),
    ("", "We evaluate our solution on the ZORP 2021 dataset.", {"ZORP 2021": ("Dataset", "used")}),
    # a title phrase counts when the abstract repeats it (bracketed acronyms ignored)
    (
        "Frobnicated Glyph Recognition for Scrolls",
        "Frobnicated glyph (FG) recognition is hard.",
        {"Frobnicated Glyph Recognition": ("Task", "used")},
    ),
]


@pytest.mark.parametrize(("title", "abstract", "expected"), CASES)
def test_rules_find_invented_names(
    nlp, title: str, abstract: str, expected: dict[str, tuple[str, str]]
) -> None:
    got = found(extract(nlp, abstract, title))
    for name, type_role in expected.items():
        assert got.get(name) == type_role, got


ABSENT = [
    ("", "Large language models (LLMs) and deep learning changed machine learning.", "LLMs"),
    ("", "Large language models (LLMs) and deep learning changed machine learning.", "Large language models"),
    ("", "Large language models (LLMs) and deep learning changed machine learning.", "deep learning"),
    ("", "We fine-tune pre-trained language models on text.", "pre-trained language models"),
    ("Survey: Methods for Dune Mapping", "We review work.", "Survey"),
    ("", "However, Results were mixed in Table 3.", "Table 3"),
    ("", "We use GPUs and report F1 and Macro-F1 scores.", "Macro-F1"),
    ("", "Training-free Cross-domain methods exist.", "Training-free"),
    ("", "We apply Out-of-Distribution checks.", "Out-of-Distribution"),
    ("", "It runs on H100 GPUs.", "GPUs"),
    # a plain word alone is never a task or a method
    ("", "Segmentation and learning matter.", "Segmentation"),
]


@pytest.mark.parametrize(("title", "abstract", "name"), ABSENT)
def test_generic_phrases_are_not_entities(nlp, title: str, abstract: str, name: str) -> None:
    assert name not in found(extract(nlp, abstract, title))


def test_acronym_and_long_form_are_one_entity(nlp) -> None:
    x = extract(nlp, "We apply Cascaded Echo Alignment (CEA) to sonar. CEA is cheap.")
    ents = [e for e in x.entities if e.name == "Cascaded Echo Alignment"]
    assert len(ents) == 1
    assert ents[0].aliases == ("CEA",)
    assert ents[0].type == "Method"
    assert len(ents[0].mentions) == 3


def test_reverse_acronym_definition(nlp) -> None:
    x = extract(nlp, "We apply CEA (Cascaded Echo Alignment) to sonar.")
    assert {e.name: e.aliases for e in x.entities}.get("Cascaded Echo Alignment") == ("CEA",)


def test_lexicon_is_case_aware(nlp) -> None:
    assert "Blorb" in found(extract(nlp, "We fine-tune Blorb on text."))
    assert not any(e.name.lower() == "blorb" for e in extract(nlp, "The blorb of paint dried.").entities)
    # case-insensitive entries match in any case
    assert found(extract(nlp, "Spectral Hopping helps.", ""))  # capitalised at sentence start
    assert "spectral hopping" in found(extract(nlp, "We use spectral hopping here."))


def test_lexicon_names_are_never_proposed_by_cue(nlp) -> None:
    x = extract(nlp, "We propose to use Gradient Folding for training.")
    assert found(x)["Gradient Folding"] == ("Method", "used")


def test_ambiguous_lexicon_entries_need_context(nlp) -> None:
    assert "SAW" not in found(extract(nlp, "A SAW cut the board."))
    assert found(extract(nlp, "We compare against the SAW model.")).get("SAW", ("",))[0] == "Model"


def test_a_task_the_paper_defines_is_proposed(nlp) -> None:
    x = extract(nlp, "We introduce a new task, called reef census estimation, and study it.")
    assert found(x).get("reef census estimation") == ("Task", "proposed")


def test_words_inside_urls_are_not_entities(nlp) -> None:
    x = extract(nlp, "Code: https://github.com/example-lab/GlimmerNet and data.")
    assert "GlimmerNet" not in found(x)
    assert [(link.url, link.kind) for link in x.links] == [
        ("https://github.com/example-lab/GlimmerNet", "code")
    ]


def test_broader_and_narrower_names_are_two_entities(nlp) -> None:
    x = extract(nlp, "Few-shot glyph recognition differs from glyph recognition in general.")
    names = {e.name.lower() for e in x.entities}
    assert {"few-shot glyph recognition", "glyph recognition"} <= names


def test_confidence_and_component_are_set(nlp) -> None:
    x = extract(nlp, "We propose GlimmerNet. We fine-tune Blorb with Gradient Folding (GF).")
    for e in x.entities:
        assert 0.0 <= e.confidence <= 1.0
        assert e.component.startswith("kg_")
    assert {e.name: e.component for e in x.entities}["Blorb"] == "kg_lexicon"


def test_acronym_long_form_types(nlp) -> None:
    got = found(extract(nlp, "We apply Kernel Warping (KW) to scans from Magnetic Resonance Imaging (MRI)."))
    assert got.get("Kernel Warping") == ("Method", "used")
    assert "Magnetic Resonance Imaging" not in got and "MRI" not in got


def test_title_phrase_not_repeated_in_the_abstract_is_cut_to_what_is(nlp) -> None:
    got = found(extract(nlp, "Here glyph recognition is studied.", "Identifiable Glyph Recognition at Scale"))
    assert "Identifiable Glyph Recognition" not in got
    assert got.get("glyph recognition") == ("Task", "used")


def test_short_title_task_counts_without_the_abstract(nlp) -> None:
    got = found(extract(nlp, "We count scrolls quickly.", "Domain Penalties for Out-of-Scroll Recognition"))
    assert got.get("Out-of-Scroll Recognition") == ("Task", "used")


def test_phrase_with_a_defined_acronym_is_named_by_the_long_form(nlp) -> None:
    text = "Test sets are out-of-scroll (OOS) samples. We improve OOS recognition a lot."
    got = {e.name: e.aliases for e in extract(nlp, text).entities}
    assert "out-of-scroll recognition" in got
    assert "OOS recognition" in got["out-of-scroll recognition"]


def test_appositive_and_ownership_give_type_and_role(nlp) -> None:
    got = found(
        extract(nlp, "We then present ZorpWorld (ZW), a novel synthetic multi-domain dataset of games.")
    )
    assert got.get("ZorpWorld") == ("Dataset", "proposed")
    assert found(extract(nlp, "We demonstrate our DG method FLIM on two splits.")).get("FLIM") == (
        "Method",
        "proposed",
    )


def test_list_neighbours_share_a_sure_type(nlp) -> None:
    got = found(extract(nlp, "We compare it with baselines on TundraBench and GlyphSet-1M."))
    assert got.get("GlyphSet-1M") == ("Dataset", "used")
    got = found(extract(nlp, "It matches Blorb and ZORQ while being faster."))
    assert got.get("ZORQ") == ("Model", "used")


def test_our_method_comma_name_is_proposed(nlp) -> None:
    assert found(extract(nlp, "Our method, HandMime, retargets poses.")).get("HandMime") == (
        "Method",
        "proposed",
    )


def test_places_organisations_and_capital_titles_are_not_names(nlp) -> None:
    got = found(extract(nlp, "Speakers of Southeast Asian languages joined Zorblab Research in our study."))
    assert not any("Asian" in name or "Research" in name for name in got)
    got = found(extract(nlp, "We study reading.", "SELF-TAUGHT READERS LEARN BETTER FROM SCROLLS"))
    assert not any(name.isupper() for name in got)


def test_subtitle_names_the_method(nlp) -> None:
    got = found(
        extract(nlp, "We study scrolls.", "Towards Readable Scrolls: A Layered Ink Propagation Approach")
    )
    assert got.get("Layered Ink Propagation") == ("Method", "proposed")
    got = found(extract(nlp, "We study scrolls.", "Towards Readable Scrolls: A Unified Framework"))
    assert "Unified" not in got


def test_qualified_generic_phrases_are_dropped(nlp) -> None:
    got = found(extract(nlp, "It beats supervised deep learning and guided glyph recognition."))
    assert "supervised deep learning" not in got
    assert "guided glyph recognition" in got


def test_capitalised_phrase_may_join_words_with_an_ampersand(nlp) -> None:
    got = found(extract(nlp, "We release the new Scroll Reading & Parsing Benchmark with 40 tasks."))
    assert got.get("Scroll Reading & Parsing Benchmark", ("",))[0] == "Dataset"


def test_acronym_defined_differently_from_the_lexicon(nlp) -> None:
    # the fixture lexicon knows WR as "Wobble Regularization"; this text defines its own WR
    x = extract(nlp, "We propose Weighted Rotation (WR), a new augmentation. WR is cheap.")
    got = {e.name: (e.type, e.role, e.aliases) for e in x.entities}
    assert got.get("Weighted Rotation") == ("Method", "proposed", ("WR",))
    assert "Wobble Regularization" not in got


def test_lexicon_match_inside_a_hyphenated_compound_is_ignored(nlp) -> None:
    assert "Gradient Folding" not in found(extract(nlp, "We use Spectral-Gradient Folding here."))
    assert "Blorb" in found(extract(nlp, "A Blorb-based tagger is used."))


def test_the_new_parts_a_proposed_system_introduces_are_proposed(nlp) -> None:
    text = (
        "We propose HandMime, a pose retargeting framework. HandMime further introduces a Wrist Phase Gate "
        "that aligns joints. It uses Gradient Folding for training."
    )
    got = found(extract(nlp, text))
    assert got.get("HandMime") == ("Method", "proposed")
    assert got.get("Wrist Phase Gate", ("", ""))[1] == "proposed"
    assert got.get("Gradient Folding") == ("Method", "used")  # well known, and "uses" adds nothing new
    # A system the paper only uses adds no proposed parts.
    got = found(extract(nlp, "HandMime introduces a Wrist Phase Gate that aligns joints."))
    assert got.get("Wrist Phase Gate", ("", ""))[1] != "proposed"
