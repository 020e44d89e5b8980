"""What is no entity, and when a common word is a name: kg.not_names and its use in resolution.

Every entity name here is invented; the phrases of the bundled not-entities
list are general terms (imaging modalities, statistical measures ...).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.lexicons import LexiconEntry, LexiconIndex
from kg.not_names import (
    NOT_ENTITY_REASONS,
    common_word_forms,
    load_name_context,
    load_not_entities,
    name_evidence,
    needs_name_evidence,
    not_entity_reason,
)
from kg.records import Entity, Mention, Paper, PaperExtraction
from kg.resolve import resolve

# --------------------------------------------------------------------------- the not-entities list


@pytest.mark.parametrize(
    ("surface", "reason"),
    [
        ("computed tomography", "modality"),
        ("Computed Tomography", "modality"),
        ("CT", "modality"),
        ("Kullback-Leibler Divergence", "measure"),
        ("KL-divergence", "measure"),
        ("Scaling Laws", "law"),
        ("zero-shot generalisation", "capability"),  # British spelling folds
        ("Binary Classification", "capability"),
        ("encoder-decoder", "pattern"),
        ("LoRa", "hardware"),
        ("FMs", "category"),
    ],
)
def test_listed_phrases_are_no_entities_in_any_spelling(surface: str, reason: str) -> None:
    assert not_entity_reason(surface) == reason


@pytest.mark.parametrize(
    "surface", ["LoRA", "ct", "Lora", "domain generalization", "CT-Glorp", "Glorpformer"]
)
def test_other_surfaces_and_other_casings_of_acronyms_are_kept(surface: str) -> None:
    # an entry written with capitals matches that casing only: "LoRa" the radio is not "LoRA" the method
    assert not_entity_reason(surface) == ""


def test_every_bundled_reason_is_known() -> None:
    assert set(load_not_entities().values()) <= NOT_ENTITY_REASONS


def test_the_loader_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "not-entities.tsv").write_text(
        "phrase\treason\nglorp scan\tmodality\nGlorp Scan\tweird\n", "utf-8"
    )
    with pytest.raises(InputError, match=r"not-entities.tsv:3: unknown reason 'weird'"):
        load_not_entities(tmp_path)
    (tmp_path / "not-entities.tsv").write_text(
        "phrase\treason\nglorp scan\tmodality\nGlorp scans\tmodality\n"
    )
    load_not_entities(tmp_path)  # different casing: the second is an exact-case entry, no clash
    (tmp_path / "not-entities.tsv").write_text(
        "phrase\treason\nglorp scan\tmodality\nglorp scans\tmodality\n"
    )
    with pytest.raises(InputError, match=r":3: 'glorp scans' already listed on line 2"):
        load_not_entities(tmp_path)
    (tmp_path / "not-entities.tsv").write_text("surface\treason\n")
    with pytest.raises(InputError, match=r":1: first line must be the header"):
        load_not_entities(tmp_path)
    (tmp_path / "name-context.tsv").write_text("kind\tword\ntype\tDataset\n")
    with pytest.raises(InputError, match=r"name-context.tsv:2: words are lower case"):
        load_name_context(tmp_path)


def test_resolution_drops_a_listed_acronym_but_keeps_the_long_form_it_was_given_with() -> None:
    records = [
        PaperExtraction(
            paper=Paper(id="p1", title="t", abstract=""),
            entities=(
                Entity("Method", "Glorp Flow Matching", ("FM",)),
                Entity("Dataset", "Magnetic Resonance Imaging", ("MRI",)),
            ),
            extractor="t/1",
        )
    ]
    res = resolve(records, lexicon=None)
    assert [(e.name, e.aliases) for e in res.entities] == [("Glorp Flow Matching", ())]
    assert res.dropped == {
        "not an entity: category\tFM": 1,
        "not an entity: modality\tMagnetic Resonance Imaging": 1,
        "not an entity: modality\tMRI": 1,
    }


# --------------------------------------------------------------------------- common words as names


def ev(text: str, word: str, spelled: tuple[str, ...] = ("Lantern",), *, title: bool = False) -> bool:
    start = text.index(word)
    return name_evidence(text, start, start + len(word), spelled, title=title)[0]


@pytest.mark.parametrize(
    "text",
    [
        "We report results on Lantern, Quill and Brick.",
        "We evaluate on the Lantern benchmark.",
        "Lantern and Quill are two corpora.",
        "Models trained on Lantern achieve lower error.",  # a function word after it
        "The Lantern-based split is small.",  # a compound with a type-like suffix
        "Our Lantern corpus is small.",  # the capital of "Our" is the sentence's
    ],
)
def test_a_common_word_used_as_a_name(text: str) -> None:
    assert ev(text, "Lantern")


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("We model lantern light in rooms.", "lantern"),  # lower case: the word, not the name "Lantern"
        ("We build a Paper Lantern for rooms.", "Lantern"),  # a capitalised word before it: a longer name
        ("We measure Lantern luminance in rooms.", "Lantern"),  # a lower-case noun after it: a longer term
        ("We use the Lantern-Rao bound.", "Lantern"),  # a name glued on by a dash
    ],
)
def test_a_common_word_that_is_part_of_a_longer_term_or_the_word(text: str, word: str) -> None:
    assert not ev(text, word)


def test_a_gerund_name_needs_a_conjunction_or_type_word_after_it() -> None:
    spelled = ("stirring",)
    assert ev("We compare bagging and stirring, two ensembles.", "stirring", spelled)
    assert ev("Classic stirring algorithms are compared.", "stirring", spelled)
    assert not ev("This design, stirring the accuracy up, helps.", "stirring", spelled)
    assert not ev("A plug-in module for stirring accuracy.", "stirring", spelled)


def test_in_a_title_a_capitalised_word_after_it_says_nothing() -> None:
    assert ev("Lantern Models for Glorp Tasks", "Lantern", title=True)  # "Models" is a type word
    assert not ev("Lantern Festival Photos at Scale", "Lantern", title=True)
    assert ev("Lantern: A Benchmark of Lights", "Lantern", title=True)


def test_common_words_come_from_ambiguous_one_word_lexicon_forms() -> None:
    entries = [
        LexiconEntry("Dataset", "Lantern", ("LANTERN-X",), ambiguous=True),
        LexiconEntry("Dataset", "GLRP", (), ambiguous=True),  # an acronym is no common word
        LexiconEntry("Model", "Quillformer", ()),  # not flagged
    ]
    assert common_word_forms(entries) == {"lantern": frozenset({"Lantern"})}
    assert needs_name_evidence(["Lantern", "LANTERN"], {"lantern"})
    assert not needs_name_evidence(["Lantern", "Lantern dataset"], {"lantern"})
    assert not needs_name_evidence([], {"lantern"})


def _paper(pid: str, abstract: str, word: str, *, etype: str = "Dataset") -> PaperExtraction:
    start = abstract.index(word)
    mention = Mention(start=start, end=start + len(word), sentence=abstract)
    return PaperExtraction(
        paper=Paper(id=pid, title="A title", abstract=abstract),
        entities=(Entity(etype, word, (), mentions=(mention,)),),  # type: ignore[arg-type]
        extractor="t/1",
    )


def test_resolution_keeps_a_common_word_only_where_a_mention_names_it() -> None:
    lexicon = LexiconIndex([LexiconEntry("Dataset", "Lantern", (), ambiguous=True)])
    records = [
        _paper("a1", "We report results on Lantern, Quill and Brick.", "Lantern"),
        _paper("a2", "We measure Lantern luminance in rooms.", "Lantern"),
        _paper("a3", "We model lantern light in rooms.", "lantern"),
    ]
    res = resolve(records, lexicon=lexicon)
    assert [(e.name, e.papers) for e in res.entities] == [("Lantern", ("a1",))]
    assert res.dropped == {"common word\tLantern": 1, "common word\tlantern": 1}
    # without the lexicon nothing says the word is common: every paper keeps it
    assert [e.paper_count for e in resolve(records, lexicon=None).entities] == [3]


def test_a_mention_inside_a_longer_term_the_corpus_names_is_the_term() -> None:
    lexicon = LexiconIndex([LexiconEntry("Dataset", "Lantern", (), ambiguous=True)])
    festival = PaperExtraction(
        paper=Paper(id="b0", title="t", abstract="The Lantern Festival is studied."),
        entities=(Entity("Task", "Lantern Festival"),),
        extractor="t/1",
    )
    records = [festival, _paper("b1", "Photos of the Lantern Festival in Taipei.", "Lantern")]
    res = resolve(records, lexicon=lexicon)
    assert [(e.name, e.papers) for e in res.entities] == [("Lantern Festival", ("b0",))]
    # the same mention with no such term in the corpus is a name
    alone = resolve(records[1:], lexicon=lexicon)
    assert [(e.name, e.papers) for e in alone.entities] == [("Lantern", ("b1",))]
