"""What the corpus's definitions say an acronym stands for (kg.acronyms), and how resolution uses it.

Every name here is invented. The thresholds come from kg/data/acronym-rules.tsv;
the resolution tests build corpora on either side of them, so a changed rule
or threshold shows here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.acronyms import (
    Definitions,
    acronym_fits,
    acronym_rules,
    definition_key,
    dominant_of,
    is_cut_definition,
    load_acronym_rules,
    long_forms_match,
)
from kg.errors import InputError
from kg.lexicons import LexiconEntry, LexiconIndex
from kg.name_rules import DATA_DIR
from kg.records import Entity, Paper, PaperExtraction
from kg.resolve import Resolution, resolve


def paper(pid: str, *entities: Entity) -> PaperExtraction:
    return PaperExtraction(paper=Paper(id=pid, title=pid, abstract=""), entities=entities, extractor="t/1")


def ent(etype: str, name: str, *aliases: str) -> Entity:
    return Entity(type=etype, name=name, aliases=aliases)  # type: ignore[arg-type]


def filler(n: int) -> list[PaperExtraction]:
    """Papers about other things, so the corpus is big enough for an undefined sense to weigh its full floor."""
    return [paper(f"z{i:04d}", ent("Method", f"Unrelated Thing {i}")) for i in range(n)]


def node_of(res: Resolution, pid: str, index: int = 0) -> int:
    return res.assignment[(pid, index)]


# --------------------------------------------------------------------------- the rules file


def test_the_bundled_rules_load_and_say_why() -> None:
    rules = acronym_rules()
    assert 0.5 < rules.dominant_share <= 1.0
    assert rules.dominant_min_papers >= 1
    assert rules.stem_min > rules.stem_slack >= 0
    assert {"from", "with", "of"} <= rules.connectives
    text = (DATA_DIR / "acronym-rules.tsv").read_text("utf-8")
    for line in text.splitlines()[1:]:
        if line and not line.startswith("#"):
            assert len(line.split("\t")[2]) > 20, line  # every rule says why


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("rule\tvalue\n", r"acronym-rules.tsv:1: first line must be the header"),
        ("rule\tvalue\twhy\nclipped\tnet=network\tbecause\n", r"acronym-rules.tsv:2: expected CLIPPED:FULL pairs"),
        (
            "rule\tvalue\twhy\ndominant_share\t0.4\tbecause\n",
            r"acronym-rules.tsv:2: dominant_share must be in",
        ),
        ("rule\tvalue\twhy\nmargin\t3\tbecause\n", r"acronym-rules.tsv:2: unknown rule 'margin'"),
        (
            "rule\tvalue\twhy\nstem_min\tfive\tbecause\n",
            r"acronym-rules.tsv:2: value of 'stem_min' is not a number",
        ),
        ("rule\tvalue\twhy\nstem_min\t5\t\n", r"acronym-rules.tsv:2: rule 'stem_min' needs a reason"),
        (
            "rule\tvalue\twhy\nstem_min\t5\tbecause\n",
            r"missing rule\(s\) dominant_min_papers, dominant_share",
        ),
    ],
)
def test_a_broken_rules_file_is_refused_with_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "acronym-rules.tsv").write_text(body, "utf-8")
    with pytest.raises(InputError, match=message):
        load_acronym_rules(tmp_path)


# --------------------------------------------------------------------------- reading definitions


def test_an_acronym_fits_the_initials_or_inner_letters_of_its_long_form() -> None:
    assert acronym_fits("ZLS", "Zorb Lattice Smoothing")
    assert acronym_fits("ZLSs", "zorb lattice smoothers")
    assert acronym_fits("ZoLS", "Zorb-based Lattice Smoothing")
    assert acronym_fits("QuLA", "Quorum Lattice Adaptation")
    assert not acronym_fits("ZLS", "Lattice Smoothing")  # no word gives the "z"
    assert not acronym_fits("ZLS", "Zorb Smoothing")


def test_a_type_word_or_a_possessive_does_not_change_the_definition() -> None:
    assert definition_key("Zorb Lattice problem") == definition_key("zorb lattice")
    assert definition_key("Zorb Lattice algorithm") == definition_key("Zorb Lattice")
    assert definition_key("Quorum's Lattice Smoothing") == definition_key("Quorum Lattice Smoothing")
    assert definition_key("Zorb Lattice Smoothing") != definition_key("Zorb Lattice")


def test_two_wordings_of_one_long_form_match() -> None:
    assert long_forms_match("zorb learning from lattice feedback", "Zorb Learning with Lattice Feedback")
    assert long_forms_match("Rotary Positional Zorbing", "rotary position zorbing")
    assert long_forms_match("Automated Quux Scoring", "Automatic Quux Scoring")
    assert long_forms_match(
        "ZL from Lattice Feedback", "zorb lattice from lattice feedback"
    )  # "ZL" spelled out
    assert long_forms_match("Quantized ZoRA", "Quantized Zorb-Rank Adaptation")  # mixed-case acronym
    assert not long_forms_match("lattice generation", "lattice generalization")  # a stem, four letters on
    assert not long_forms_match("Zorb Reinforcement Learning", "Zorb Representation Learning")
    assert not long_forms_match("zorb activity recognition", "zorb action recognition")  # "acti" is no stem
    assert not long_forms_match("Zorb Lattice", "Zorb Lattice Smoothing")  # a word more
    # a clipped word ("clipped" of acronym-rules.tsv): "Nets" for "Networks", whole words only
    assert long_forms_match("Zorbic Adversarial Nets", "zorbic adversarial networks")
    assert long_forms_match("Deep Zorb Net", "Deep Zorb Networks")
    assert not long_forms_match("Zorbic Adversarial Nets", "zorbic adversarial netting")


def test_a_definition_cut_short_is_recognised() -> None:
    assert is_cut_definition("QLS", "Lattice Smoothing", "Quorum Lattice Smoothing")
    assert is_cut_definition("QLSM", "Quorum Lattice Smoothing", "Quorum Lattice Smoothing Measure")
    assert not is_cut_definition("QLS", "Lattice Sampling", "Quorum Lattice Smoothing")  # not its words
    assert not is_cut_definition("QLS", "Quorum Lattice Smoothing", "Quorum Lattice Smoothing")


def test_a_sense_dominates_only_with_enough_papers_and_share() -> None:
    rules = acronym_rules()
    need = rules.dominant_min_papers
    assert dominant_of({1: need}) == 1
    assert dominant_of({1: need - 1}) is None
    big = 100
    under = int(big * (1 - rules.dominant_share)) + 1  # the rest just over the share left to others
    assert dominant_of({1: big, 2: under * 2}) is None
    assert dominant_of({1: big, 2: 1}) == 1
    assert dominant_of({1: need + 1, 2: need + 1}) is None  # a tie


def test_definitions_group_wordings_cut_forms_and_never_versions() -> None:
    d = Definitions()
    for p in range(4):
        d.add("ZLLF", "Zorb Learning from Lattice Feedback", p)
    d.add("ZLLF", "Zorb Learning with Lattice Feedback", 5)
    d.add("ZLLF", "Learning from Lattice Feedback", 6)
    d.add("ZAM", "Zorb Anything Model", 1)
    d.add("ZAM", "Zorb Anything Model", 2)
    d.add("ZAM", "Zorb Anything Model 2", 3)
    d.settle()
    sense = d.sense("ZLLF", "Zorb Learning from Lattice Feedback")
    assert d.sense("ZLLF", "zorb learning with lattice feedback") == sense
    assert d.sense("ZLLF", "Learning from Lattice Feedback") == sense
    assert d.is_cut("ZLLF", "Learning from Lattice Feedback")
    assert not d.is_cut("ZLLF", "Zorb Learning with Lattice Feedback")
    assert d.dominant("ZLLF") == sense
    assert d.sense("ZAM", "Zorb Anything Model 2") != d.sense("ZAM", "Zorb Anything Model")


def test_wordings_with_the_same_acronym_inside_are_one_definition_but_bridge_nothing() -> None:
    d = Definitions()
    for p in range(3):
        d.add("ZLQF", "Zorb Learning from QX Feedback", p)
    d.add("ZLQF", "Zorb Learning with QX Feedback", 3)
    d.add("ZLQF", "Zorb Learning with QY Feedback", 4)  # another acronym inside: another thing
    d.add("BCE", "binary cross entropy", 5)
    d.add("BCE", "binary cumulative encoding", 6)
    d.add("BCE", "binary CE", 7)
    d.add("BCE", "Binary CE", 8)
    d.settle()
    assert d.sense("ZLQF", "Zorb Learning with QX Feedback") == d.sense("ZLQF", "Zorb Learning from QX Feedback")
    assert d.sense("ZLQF", "Zorb Learning with QY Feedback") != d.sense("ZLQF", "Zorb Learning from QX Feedback")
    # "binary CE" matches both expansions: it joins one, and the two stay two senses
    assert d.sense("BCE", "binary cross entropy") != d.sense("BCE", "binary cumulative encoding")
    assert d.sense("BCE", "Binary CE") == d.sense("BCE", "binary CE")


# --------------------------------------------------------------------------- resolution


def test_a_bare_acronym_joins_the_sense_its_definitions_agree_on() -> None:
    need = acronym_rules().dominant_min_papers
    defining = [paper(f"d{i}", ent("Method", "Quorum Lattice Smoothing", "QLS")) for i in range(need)]
    bare = [paper(f"b{i}", ent("Method", "QLS")) for i in range(5)]
    res = resolve([*defining, *bare, *filler(4000)], lexicon=None)
    assert len({node_of(res, p.id) for p in defining + bare}) == 1
    rules = dict(res.entities[node_of(res, "b0")].trace.rules)
    assert rules["bare acronym: dominant sense of the corpus"] == 5


def test_one_definition_too_few_leaves_a_bare_acronym_apart() -> None:
    need = acronym_rules().dominant_min_papers
    defining = [paper(f"d{i}", ent("Method", "Quorum Lattice Smoothing", "QLS")) for i in range(need - 1)]
    bare = [paper(f"b{i}", ent("Method", "QLS")) for i in range(5)]
    res = resolve([*defining, *bare, *filler(4000)], lexicon=None)
    assert node_of(res, "b0") != node_of(res, defining[0].id) if defining else True
    assert node_of(res, "b0") == node_of(res, "b4")


def test_a_polysemous_acronym_keeps_its_bare_uses_apart() -> None:
    one = [paper(f"d{i}", ent("Method", "Quorum Lattice Smoothing", "QLS")) for i in range(3)]
    two = [paper(f"e{i}", ent("Method", "Quick Lens Sampler", "QLS")) for i in range(2)]  # 3 of 5: no 80%
    bare = [paper(f"b{i}", ent("Method", "QLS")) for i in range(4)]
    res = resolve([*one, *two, *bare, *filler(4000)], lexicon=None)
    assert node_of(res, "b0") not in {node_of(res, "d0"), node_of(res, "e0")}
    assert node_of(res, "d0") != node_of(res, "e0")


def test_wordings_of_one_definition_are_one_entity_but_only_with_the_acronym() -> None:
    records = [
        *[paper(f"d{i}", ent("Method", "Zorb Learning from Lattice Feedback", "ZLLF")) for i in range(3)],
        paper("w1", ent("Method", "Zorb Learning with Lattice Feedback", "ZLLF")),
        paper("w2", ent("Method", "Quux Smoothing problem", "QS")),
        paper("w3", ent("Method", "Quux Smoothing", "QS")),
        paper("w4", ent("Task", "Quux Smoothing problem")),  # no acronym: the problem, named so
        paper("n1", ent("Method", "Zorbic Adversarial Nets", "ZAN")),  # a clipped word
        paper("n2", ent("Method", "zorbic adversarial networks", "ZAN")),
    ]
    res = resolve(records, lexicon=None)
    assert node_of(res, "w1") == node_of(res, "d0")
    assert node_of(res, "w2") == node_of(res, "w3")
    assert node_of(res, "n1") == node_of(res, "n2")


def test_a_definition_cut_short_lends_its_acronym_to_its_sense_not_the_shorter_name() -> None:
    records = [
        *[paper(f"d{i}", ent("Method", "Quorum Lattice Smoothing", "QLS")) for i in range(4)],
        paper("c1", ent("Method", "Lattice Smoothing", "QLS")),  # the extractor lost "Quorum"
        paper("s1", ent("Method", "Lattice Smoothing")),  # the general technique
        paper("s2", ent("Method", "lattice smoothing")),
    ]
    res = resolve([*records, *filler(4000)], lexicon=None)
    linked = {link.entity for link in res.links if link.paper_id == "c1"}
    assert linked == {node_of(res, "d0"), node_of(res, "s1")}
    assert node_of(res, "s1") == node_of(res, "s2") != node_of(res, "d0")


def test_a_definition_whose_letters_need_a_word_more_is_one_sense_with_it() -> None:
    records = [
        *[paper(f"d{i}", ent("Method", "Quorum Lattice Smoothing", "QLSM")) for i in range(3)],
        *[paper(f"e{i}", ent("Method", "Quorum Lattice Smoothing Measure", "QLSM")) for i in range(2)],
        paper("o1", ent("Method", "Quorum Lattice Smoothing")),
    ]
    res = resolve(records, lexicon=None)
    assert node_of(res, "d0") == node_of(res, "e0") == node_of(res, "o1")


def test_two_versions_defined_with_one_acronym_stay_apart() -> None:
    records = [
        *[paper(f"a{i}", ent("Model", "Zorb Anything Model", "ZAM")) for i in range(3)],
        *[paper(f"b{i}", ent("Model", "Zorb Anything Model 2", "ZAM")) for i in range(3)],
    ]
    res = resolve(records, lexicon=None)
    assert node_of(res, "a0") != node_of(res, "b0")


def test_a_lexicon_entry_of_the_acronym_alone_takes_the_corpus_definition() -> None:
    lexicon = LexiconIndex([LexiconEntry("Method", "QuZoRA")])
    records = [
        paper("d1", ent("Method", "Quantized Zorb Rank Adaptation", "QuZoRA")),
        paper("d2", ent("Method", "Quantized Zorb-Rank Adaptation", "QuZoRA")),
        *[paper(f"b{i}", ent("Method", "QuZoRA")) for i in range(4)],
    ]
    res = resolve(records, lexicon=lexicon)
    assert node_of(res, "d1") == node_of(res, "b0") == node_of(res, "d2")
    assert res.entities[node_of(res, "b0")].name == "QuZoRA"
    # An entry with another long form is another sense: nothing joins it.
    other = LexiconIndex([LexiconEntry("Method", "QuZoRA", ("Quick Zephyr Ranking",))])
    res = resolve(records, lexicon=other)
    assert node_of(res, "d1") != node_of(res, "b0")


def test_a_bare_acronym_of_a_type_only_the_lexicon_knows_stays_apart() -> None:
    lexicon = LexiconIndex(
        [LexiconEntry("Dataset", "ZQA"), LexiconEntry("Method", "Zorb-Query Attention", ("ZQA",))]
    )
    records = [
        *[paper(f"d{i}", ent("Method", "Zorb-Query Attention", "ZQA")) for i in range(3)],
        paper("m1", ent("Method", "ZQA")),
        paper("t1", ent("Dataset", "ZQA")),
        paper("t2", ent("Dataset", "ZQA")),
    ]
    res = resolve([*records, *filler(4000)], lexicon=lexicon)
    assert node_of(res, "m1") == node_of(res, "d0")
    assert node_of(res, "t1") == node_of(res, "t2") != node_of(res, "d0")
    assert res.entities[node_of(res, "t1")].type == "Dataset"


def test_a_name_written_in_capitals_is_the_same_name() -> None:
    records = [
        *[paper(f"a{i}", ent("Dataset", "ZORB-Bench")) for i in range(3)],  # reads as an acronym
        *[paper(f"b{i}", ent("Dataset", "ZORB-bench")) for i in range(2)],  # reads as a name
    ]
    res = resolve([*records, *filler(4000)], lexicon=None)
    assert node_of(res, "a0") == node_of(res, "b0")
    assert dict(res.entities[node_of(res, "a0")].trace.rules)["bare acronym: same name in another case"] == 3


def test_a_sense_has_the_type_its_lexicon_entry_gives_not_the_extractors_majority() -> None:
    lexicon = LexiconIndex(
        [
            LexiconEntry("Model", "Zorb Anything Model", ("ZAM",)),
            LexiconEntry("Method", "Zorb-Aware Minimization", ("ZAM",)),
        ]
    )
    records = [
        *[paper(f"d{i}", ent("Method", "Zorb Anything Model", "ZAM")) for i in range(3)],  # typed Method
        *[paper(f"b{i}", ent("Model", "ZAM")) for i in range(2)],
    ]
    res = resolve([*records, *filler(4000)], lexicon=lexicon)
    assert node_of(res, "b0") == node_of(res, "d0")
    assert res.entities[node_of(res, "d0")].type == "Model"


def test_a_two_read_to_is_no_version() -> None:
    lexicon = LexiconIndex([LexiconEntry("Task", "zorb-to-quux translation", ("Z2QT",))])
    records = [
        *[paper(f"a{i}", ent("Task", "zorb-to-quux translation")) for i in range(2)],
        paper("b1", ent("Task", "Z2QT")),
        paper("c1", ent("Model", "Zorb2Quux")),  # a 2 with no "to" anywhere stays its own name
    ]
    res = resolve(records, lexicon=lexicon)
    assert node_of(res, "b1") == node_of(res, "a0") != node_of(res, "c1")
