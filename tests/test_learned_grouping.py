"""``kg_learned_assembly`` makes one entity of the forms one paper writes for one thing (invented names)."""

from __future__ import annotations

from typing import Any

import pytest
import spacy

from kg.extract.components.common import Candidate, candidates, set_ext
from kg.extract.components.learned_assembly import LearnedAssembler


def _entities(text: str, tagged: list[tuple[str, str, int]], pairs: list[tuple[str, str]] = ()) -> dict[str, Any]:
    """Assemble the tagger's mentions (form, type, nth occurrence) of a text; return name -> entity."""
    assembler = LearnedAssembler()  # registers the Doc extensions
    doc = spacy.blank("en")(text)
    found = candidates(doc)
    for form, etype, nth in tagged:
        start = -1
        for _ in range(nth + 1):
            start = text.index(form, start + 1)
        found.append(Candidate(start, start + len(form), form, "kg_learned", 0.9, type=etype))
    set_ext(
        doc,
        "kg_abbreviations",
        [
            {"long": long, "short": short, "long_start": text.index(long), "long_end": text.index(long) + len(long)}
            for long, short in pairs
        ],
    )
    drafts, _ = assembler.assemble(doc)
    return {d["name"]: d for d in drafts}


def test_a_name_with_and_without_its_lower_case_type_word_is_one_entity() -> None:
    text = "We fine-tune the Zorbix model. Zorbix beats Blixa."
    found = _entities(text, [("Zorbix model", "Model", 0), ("Zorbix", "Model", 1), ("Blixa", "Model", 0)])
    assert sorted(found) == ["Blixa", "Zorbix"]
    assert found["Zorbix"]["aliases"] == ["Zorbix model"]


def test_a_capitalised_type_word_is_part_of_the_name() -> None:
    text = "We release the Quux Dataset. Quux is a town."
    found = _entities(text, [("Quux Dataset", "Dataset", 0), ("Quux", "Dataset", 1)])
    assert sorted(found) == ["Quux", "Quux Dataset"]


def test_a_type_word_alone_is_not_stripped_to_nothing() -> None:
    found = _entities("The model wins.", [("model", "Method", 0)])
    assert list(found) == ["model"]


def test_a_defined_acronym_inside_a_name_joins_the_spelled_out_name() -> None:
    text = "We study zero-order drift (ZOD). Zero-order drift correction and ZOD correction differ in name only."
    tagged = [("Zero-order drift correction", "Task", 0), ("ZOD correction", "Task", 0)]
    found = _entities(text, tagged, [("zero-order drift", "ZOD")])
    assert list(found) == ["Zero-order drift correction"]
    assert found["Zero-order drift correction"]["aliases"] == ["ZOD correction"]


def test_an_acronym_defined_in_the_plural_joins_its_singular_use() -> None:
    text = "Unlike Zorb Q-Networks (ZQNs), our agent wins. ZQN loses."
    found = _entities(text, [("Zorb Q-Networks", "Method", 0), ("ZQN", "Method", 0)], [("Zorb Q-Networks", "ZQNs")])
    assert list(found) == ["Zorb Q-Networks"]
    assert set(found["Zorb Q-Networks"]["aliases"]) == {"ZQN", "ZQNs"}


def test_hyphen_and_space_spellings_are_one_entity() -> None:
    text = "Zorb-Augmented Blixing helps. Zorb Augmented Blixing is fast."
    found = _entities(text, [("Zorb-Augmented Blixing", "Method", 0), ("Zorb Augmented Blixing", "Method", 0)])
    assert len(found) == 1


@pytest.mark.parametrize(
    ("text", "short", "long"),
    [
        ("ZRBNet: Zero-order Residual Bottleneck Network for Blixing", "ZRBNet", "Zero-order Residual Bottleneck Network"),
        ("We propose ZRB, a zero-order residual bottleneck framework.", "ZRB", "zero-order residual bottleneck framework"),
        ("We propose ZorbMeCo, an efficient Zorb Memory Compression framework.", "ZorbMeCo", "Zorb Memory Compression framework"),
        ("ZRB (Zero-order Residual Bottleneck) wins.", "ZRB", "Zero-order Residual Bottleneck"),
    ],
)
def test_a_coined_name_is_defined_by_the_long_form_beside_it(text: str, short: str, long: str) -> None:
    found = _entities(text, [(short, "Method", 0), (long, "Method", 0)])
    assert len(found) == 1, found
    (entity,) = found.values()
    assert short in entity["aliases"] and entity["name"] in long  # the long form names it, its type word dropped


@pytest.mark.parametrize(
    ("text", "short", "long", "long_type"),
    [
        # "zorb learning" spells no K or D of ZLKD: it is a part, not the name's long form
        ("We propose ZLKD, a zorb learning based distillation framework.", "ZLKD", "zorb learning", "Method"),
        # a method named after its task stays apart from the task
        ("ZINS: Zorb Instance Segmentation with Point Labels", "ZINS", "Zorb Instance Segmentation", "Task"),
        # too far apart, and not in apposition
        ("ZRB wins; we also compare it against zero-order residual bottleneck baselines.", "ZRB", "zero-order residual bottleneck", "Method"),
    ],
)
def test_a_long_form_that_does_not_define_the_name_stays_apart(text: str, short: str, long: str, long_type: str) -> None:
    found = _entities(text, [(short, "Method", 0), (long, long_type, 0)])
    assert len(found) == 2, found


def _roles(text: str, tagged: list[tuple[str, str]], *, known: tuple[str, ...] = (), **options: Any) -> dict[str, str]:
    """Assemble tagged forms (first occurrence each) of a title + abstract; return name -> role."""
    assembler = LearnedAssembler(**options)
    doc = spacy.blank("en")(text)
    title_end = text.index("\n")
    set_ext(doc, "kg_fields", [("title", 0, title_end), ("abstract", title_end + 1, len(text))])
    found = candidates(doc)
    for form, etype in tagged:
        start = text.index(form)
        found.append(Candidate(start, start + len(form), form, "kg_learned", 0.9, type=etype))
        if form in known:
            found.append(Candidate(start, start + len(form), form, "kg_lexicon", 1.0, type=etype, known=True))
    set_ext(doc, "kg_abbreviations", [])
    return {d["name"]: d["role"] for d in assembler.assemble(doc)[0]}


TITLED = "Zorbic Residual Gating for Blixing\nWe study blixing with Zorbic Residual Gating and Quux Attention."


def test_a_title_case_method_in_the_title_is_the_papers_own() -> None:
    roles = _roles(TITLED, [("Zorbic Residual Gating", "Method"), ("Quux Attention", "Method"), ("blixing", "Task")])
    assert roles == {"Zorbic Residual Gating": "proposed", "Quux Attention": "used", "blixing": "used"}


def test_a_known_or_lower_case_name_in_the_title_stays_used() -> None:
    known = _roles(TITLED, [("Zorbic Residual Gating", "Method")], known=("Zorbic Residual Gating",))
    assert known == {"Zorbic Residual Gating": "used"}
    lower = "zorbic residual gating for Blixing\nWe use zorbic residual gating."
    assert _roles(lower, [("zorbic residual gating", "Method")]) == {"zorbic residual gating": "used"}


def test_coined_proposals_can_be_switched_off() -> None:
    roles = _roles(TITLED, [("Zorbic Residual Gating", "Method")], coined_proposals=False)
    assert roles == {"Zorbic Residual Gating": "used"}
