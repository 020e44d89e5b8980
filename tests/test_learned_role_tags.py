"""A tagger trained with roles: its tags carry "proposed" / "used", the spans come from the summed tags.

Model-free (an untrained tagger with role-marked labels, hand-made tag
probabilities) and on invented names.
"""

from __future__ import annotations

from typing import Any

import numpy
import pytest
import spacy

from kg.extract.components.common import Candidate, candidates, set_ext
from kg.extract.components.learned import (
    ROLE_MARK,
    LearnedTagger,
    allowed_transitions,
    biluo_labels,
    role_label_maps,
    untrained_tagger,
    viterbi,
)
from kg.extract.components.learned_assembly import LearnedAssembler
from train.convert import to_docs

ROLE_TYPES = [f"{t}{ROLE_MARK}{r}" for t in ("Method", "Task") for r in ("proposed", "used")]


def test_role_marked_tags_sum_into_the_typed_tags_the_spans_are_decoded_from() -> None:
    labels = biluo_labels(ROLE_TYPES)
    typed, merge, proposed = role_label_maps(labels)  # type: ignore[misc]
    assert typed == tuple(biluo_labels(["Method", "Task"]))
    assert merge.sum(axis=1).tolist() == [1.0] * len(labels)  # every tag goes to exactly one typed tag
    assert int(proposed.sum()) == 8  # B, I, L, U of two types
    assert role_label_maps(biluo_labels(["Method"])) is None


def test_a_tagger_without_roles_keeps_its_labels_and_gives_no_role_belief() -> None:
    tagger = LearnedTagger(spacy.blank("en"), tagger=untrained_tagger(["Method", "Task"]))
    assert tagger.labels == tuple(biluo_labels(["Method", "Task"]))
    assert tagger._role_maps is None


def _role_tagger() -> LearnedTagger:
    return LearnedTagger(spacy.blank("en"), tagger=untrained_tagger(ROLE_TYPES), min_probability=0.5)


def test_a_mention_gets_the_proposed_share_of_its_tag_mass() -> None:
    tagger = _role_tagger()
    raw = biluo_labels(ROLE_TYPES)
    doc = spacy.blank("en")("Zorbnet wins")
    probs = numpy.full((2, len(raw)), 1e-6, dtype="float32")
    # "Zorbnet": a Method for sure (0.9), 3 parts proposed to 1 part used; "wins": outside
    probs[0, raw.index(f"U-Method{ROLE_MARK}proposed")] = 0.675
    probs[0, raw.index(f"U-Method{ROLE_MARK}used")] = 0.225
    probs[0, raw.index("O")] = 0.1
    probs[1, raw.index("O")] = 0.99
    typed_scores, shares = tagger._typed_scores([numpy.log(probs)])
    path = viterbi(typed_scores, allowed_transitions(tagger.labels))[0]
    assert [tagger.labels[i] for i in path] == ["U-Method", "O"]
    tagger._add_candidates(doc, typed_scores[0], path, shares[0])
    (found,) = candidates(doc)
    assert (found.text, found.type) == ("Zorbnet", "Method")
    assert found.confidence == pytest.approx(0.9, abs=1e-3)  # the two roles' mass together
    assert found.proposed_probability == pytest.approx(0.75, abs=1e-3)


def test_an_untrained_role_tagger_runs_end_to_end() -> None:
    tagger = LearnedTagger(spacy.blank("en"), tagger=untrained_tagger(ROLE_TYPES), min_probability=0.0)
    doc = spacy.blank("en")("We propose Zorbnet for glimmer detection.")
    tagger(doc)
    assert all(c.proposed_probability is not None and 0.0 <= c.proposed_probability <= 1.0 for c in candidates(doc))


def _roles(mode: str, belief: float | None, *, known: bool = False, rule_proposed: bool = False) -> str:
    assembler = LearnedAssembler(tagger_roles=mode, tagger_role_threshold=0.5)
    text = "Zorbnet beats Blixa."
    doc = spacy.blank("en")(text)
    found = candidates(doc)
    cand = Candidate(0, 7, "Zorbnet", "kg_learned", 0.9, type="Method", proposed=rule_proposed)
    cand.proposed_probability = belief
    found.append(cand)
    if known:
        found.append(Candidate(0, 7, "Zorbnet", "kg_lexicon", 1.0, type="Method", known=True))
    set_ext(doc, "kg_abbreviations", [])
    (draft,), _ = assembler.assemble(doc)
    assert draft["name"] == "Zorbnet"
    return str(draft["role"])


@pytest.mark.parametrize(
    ("mode", "belief", "rule_proposed", "role"),
    [
        ("off", 0.9, False, "used"),  # the tagger's belief is ignored
        ("tagger", 0.9, False, "proposed"),
        ("tagger", 0.2, True, "used"),  # the tagger overrules a rule
        ("either", 0.2, True, "proposed"),  # ... unless either may say proposed
        ("either", 0.9, False, "proposed"),
        ("tagger", None, True, "proposed"),  # no belief: the rules' role stays
    ],
)
def test_tagger_roles_modes(mode: str, belief: float | None, rule_proposed: bool, role: str) -> None:
    assert _roles(mode, belief, rule_proposed=rule_proposed) == role


def test_a_well_known_name_is_not_made_proposed_by_the_tagger() -> None:
    assert _roles("tagger", 0.95, known=True) == "used"


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="tagger_roles must be one of"):
        LearnedAssembler(tagger_roles="vote")


def test_training_docs_carry_the_entity_roles_when_asked() -> None:
    record: dict[str, Any] = {
        "id": "p1",
        "title": "Zorbnet",
        "abstract": "We propose Zorbnet and test it on Blorpset.",
        "entities": [
            {"type": "Method", "name": "Zorbnet", "aliases": [], "role": "proposed"},
            {"type": "Dataset", "name": "Blorpset", "aliases": [], "role": "used"},
        ],
    }
    nlp = spacy.blank("en")
    (with_roles,) = to_docs([record], nlp, role_tags=True)
    (plain,) = to_docs([record], nlp)
    tags = {t.text: t.tag_ for t in with_roles if t.tag_ != "O"}
    assert tags == {"Zorbnet": f"U-Method{ROLE_MARK}proposed", "Blorpset": f"U-Dataset{ROLE_MARK}used"}
    assert {t.tag_ for t in plain if t.tag_ != "O"} == {"U-Method", "U-Dataset"}
