"""Tests of cross-paper entity resolution (kg.resolve): merges, non-merges, determinism."""

from __future__ import annotations

import random

import pytest

from kg.errors import InputError
from kg.extractions import dedupe_by_id
from kg.lexicons import LexiconEntry, LexiconIndex
from kg.records import Entity, Mention, Paper, PaperExtraction
from kg.resolve import Resolution, is_short_form, resolve, variant_key


def ent(
    etype: str,
    name: str,
    *aliases: str,
    role: str = "used",
    confidence: float = 1.0,
    mentions: tuple[Mention, ...] = (),
    component: str = "",
) -> Entity:
    return Entity(
        type=etype,  # type: ignore[arg-type]
        name=name,
        aliases=aliases,
        role=role,
        confidence=confidence,
        mentions=mentions,
        component=component,
    )


def paper(pid: str, *entities: Entity, extractor: str = "test/1") -> PaperExtraction:
    return PaperExtraction(
        paper=Paper(id=pid, title=f"Title of {pid}", abstract=""), entities=entities, extractor=extractor
    )


def groups(res: Resolution) -> set[frozenset[tuple[str, str]]]:
    """The partition as sets of (paper id, entity name): independent of indices."""
    out: dict[int, set[tuple[str, str]]] = {}
    for record in res.extractions:
        for i, entity in enumerate(record.entities):
            out.setdefault(res.assignment[(record.id, i)], set()).add((record.id, entity.name))
    return {frozenset(v) for v in out.values()}


def entity_named(res: Resolution, etype: str, name: str):
    found = [e for e in res.entities if e.type == etype and e.name == name]
    assert len(found) == 1, [(e.type, e.name) for e in res.entities]
    return found[0]


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Tidal Graph Networks", "tidal graph network", True),
        ("tidal-graph network", "Tidal Graph  Network", True),
        ("pre-training", "pretraining", True),
        ("Vortex Process", "vortex processes", True),
        ("anchor strategies", "anchor strategy", True),
        ("box matches", "box match", True),
        ("KRNs", "KRN", True),
        ("Llama\u20133.1 8B", "llama-3.1-8b", True),
        ("FooNets", "FooNet", False),  # a capitalised single word: the "s" may be part of the name
        ("transformers", "transformer", False),  # single words are not folded
        ("focal loss", "focal los", False),
        ("Nebula Opus", "Nebula Opu", False),
        ("time series", "time sery", False),
        ("cross entropy", "cross entropies", True),
    ],
)
def test_variant_key(a: str, b: str, same: bool) -> None:
    assert (variant_key(a) == variant_key(b)) is same


@pytest.mark.parametrize(
    ("surface", "short"),
    [
        ("SAM", True),
        ("LoRA", True),
        ("KRNs", True),
        ("XQ-7b", True),
        ("FooNet-50", False),
        ("Zephyr", False),
        ("T5", False),
        ("lunar crater", False),
        ("ABCDEFGHIJKLM", False),
    ],
)
def test_is_short_form(surface: str, short: bool) -> None:
    assert is_short_form(surface) is short


# --------------------------------------------------------------------------- merges


def test_acronym_attaches_to_an_established_long_form_defined_in_other_papers() -> None:
    m = (Mention(0, 3, "GLS works."),)
    defining = [
        paper(f"d{i}", ent("Method", "Gradient Lattice Smoothing", "GLS", mentions=m + (Mention(5, 8, "x"),)))
        for i in range(9)
    ]
    res = resolve(
        [
            *defining,
            paper("p2", ent("Method", "GLS", mentions=m)),
            paper("p3", ent("Method", "gradient-lattice smoothing")),
        ],
        lexicon=None,
    )
    assert len(res.entities) == 1
    e = res.entities[0]
    assert e.name == "Gradient Lattice Smoothing"
    assert e.aliases == ("GLS", "gradient-lattice smoothing")
    assert e.paper_count == 11
    assert e.mention_count == 9 * 2 + 1 + 1  # a record without evidence counts once
    assert dict(e.trace.rules)["bare acronym: dominant sense of the corpus"] == 1


def test_a_bare_acronym_does_not_follow_a_rare_definition_without_context() -> None:
    # In a corpus of thousands, one paper defines GLS and another uses GLS with nothing in
    # common: it may mean anything.
    res = resolve(
        [
            *_filler(3000),
            paper("p1", ent("Method", "Gradient Lattice Smoothing", "GLS"), ent("Dataset", "Zephyr-Bench")),
            paper("p2", ent("Method", "GLS"), ent("Dataset", "Borealis")),
        ],
        lexicon=None,
    )
    assert res.assignment[("p1", 0)] != res.assignment[("p2", 0)]
    assert res.entity_of("p2", 0).trace.rules == (("bare acronym: an undefined sense is likelier", 1),)


def test_a_bare_acronym_follows_a_rare_definition_its_paper_shares_context_with() -> None:
    shared = (ent("Dataset", "Zephyr-Bench"), ent("Dataset", "Borealis Split"))
    res = resolve(
        [
            *_filler(20),
            paper("p1", ent("Method", "Gradient Lattice Smoothing", "GLS"), *shared),
            paper("p2", ent("Method", "GLS"), *shared),
        ],
        lexicon=None,
    )
    assert res.assignment[("p1", 0)] == res.assignment[("p2", 0)]
    assert ("bare acronym: context of the paper", 1) in res.entity_of("p2", 0).trace.rules


def test_case_dash_space_and_plural_variants_merge() -> None:
    res = resolve(
        [
            paper("p1", ent("Method", "tidal graph networks")),
            paper("p2", ent("Method", "Tidal Graph Network")),
            paper("p3", ent("Method", "tidal-graph  networks")),
            paper("p4", ent("Method", "tidal graph networks")),
        ],
        lexicon=None,
    )
    assert len(res.entities) == 1
    assert res.entities[0].name == "tidal graph networks"  # the most frequent form
    assert res.entities[0].aliases == ("Tidal Graph Network", "tidal-graph networks")  # whitespace collapsed


def test_capitalised_single_word_plural_does_not_merge_but_acronym_plural_does() -> None:
    res = resolve(
        [
            paper("p1", ent("Model", "FooNet"), ent("Model", "KRN")),
            paper("p2", ent("Model", "FooNets"), ent("Model", "KRNs")),
        ],
        lexicon=None,
    )
    assert groups(res) == {
        frozenset({("p1", "FooNet")}),
        frozenset({("p2", "FooNets")}),
        frozenset({("p1", "KRN"), ("p2", "KRNs")}),
    }


def test_a_type_word_the_lexicon_names_with_the_name_stays_in_it() -> None:
    """"Zorb-Entropy Method" (a lexicon entry) is not "zorb-entropy", the loss another entry names.

    Dropping the trailing type word made both one identity key, and the
    method took the loss's 150 papers' node as its own.
    """
    lexicon = LexiconIndex(
        [
            LexiconEntry("Method", "zorb-entropy loss", ("zorb-entropy",)),
            LexiconEntry("Method", "Zorb-Entropy Method", ("ZEM",)),
        ]
    )
    records = [
        paper("p1", ent("Method", "zorb-entropy")),
        paper("p2", ent("Method", "Zorb-Entropy Method", "ZEM")),
        paper("p3", ent("Method", "zorb-entropy loss")),
        paper("p4", ent("Method", "zorb-entropy-method")),
    ]
    res = resolve(records, lexicon=lexicon)
    assert res.assignment[("p1", 0)] == res.assignment[("p3", 0)] != res.assignment[("p2", 0)]
    assert res.assignment[("p4", 0)] == res.assignment[("p2", 0)]  # the type word after a hyphen
    assert res.entities[res.assignment[("p2", 0)]].name == "Zorb-Entropy Method"
    # Without the lexicon (and without an acronym that spells it) the type word is dropped as
    # usual: one name, written with and without it.
    plain = [records[0], paper("p5", ent("Method", "Zorb-Entropy Method"))]
    assert len({resolve(plain, lexicon=None).assignment[(p, 0)] for p in ("p1", "p5")}) == 1


def test_a_bare_acronym_may_mean_the_lexicon_sense_whatever_type_the_extractor_gave() -> None:
    """"ZINO" bare as a Method is the lexicon's ZINO (a Model) that twelve papers spell out.

    Only senses with a defined use of the bare use's type competed, so a
    one-paper Method sense lost to the sense nobody defined and the Method
    uses became a second "ZINO" node.
    """
    lexicon = LexiconIndex([LexiconEntry("Model", "ZINO", ("self-zorbing with no labels",), ambiguous=True)])
    filler = [paper(f"f{i:04d}", ent("Method", f"Filler method {i}")) for i in range(4000)]
    spelled = [paper(f"s{i}", ent("Model", "self-zorbing with no labels", "ZINO")) for i in range(12)]
    other = [paper("o1", ent("Method", "Zorb Inference Network Optimization", "ZINO"))]
    bare = [paper(f"b{i}", ent("Method", "ZINO")) for i in range(3)]
    res = resolve(filler + spelled + other + bare, lexicon=lexicon)
    assert {res.assignment[(p.id, 0)] for p in bare} == {res.assignment[("s0", 0)]}


def test_a_name_its_acronym_starts_before_a_connector_is_not_cut() -> None:
    """"Self-Zorbing via QLS" named SZVQ is one name; "baselines such as QLS" is cut to QLS."""
    records = [
        paper("p1", ent("Method", "quorum lattice smoothing", "QLS")),
        paper("p2", ent("Method", "Self-Zorbing via QLS", "SZQ")),
        paper("p3", ent("Method", "strong baselines such as QLS")),
    ]
    res = resolve(records, lexicon=None)
    assert res.assignment[("p2", 0)] != res.assignment[("p1", 0)] == res.assignment[("p3", 0)]
    assert "SZQ" not in res.entities[res.assignment[("p1", 0)]].aliases


def test_a_type_word_the_papers_acronym_spells_belongs_to_the_name() -> None:
    """"Quorum-Augmented Zorbing Optimizer (QAZO)" is a system, not the lexicon's "quorum-augmented zorbing"."""
    lexicon = LexiconIndex([LexiconEntry("Method", "quorum-augmented zorbing", ("QAZ",))])
    records = [
        paper("p1", ent("Method", "quorum-augmented zorbing")),
        paper("p2", ent("Method", "Quorum-Augmented Zorbing Optimizer", "QAZO")),
        paper("p3", ent("Dataset", "Quorum-Augmented Zorbing Benchmark", "QAZB")),
        paper("p4", ent("Method", "Quorum-Augmented Zorbing optimizer")),
    ]
    res = resolve(records, lexicon=lexicon)
    assert len({res.assignment[(p, 0)] for p in ("p1", "p2", "p3")}) == 3
    # Another paper's spelling of the same name keeps the word too (it would bridge the two).
    assert res.assignment[("p4", 0)] == res.assignment[("p2", 0)]
    # With no acronym to say so, a trailing type word is dropped as the guide says.
    res = resolve([records[0], records[3]], lexicon=lexicon)
    assert res.assignment[("p4", 0)] == res.assignment[("p1", 0)]
    # A benchmark named after a lexicon method is not the method, acronym or not; a task
    # named after a lexicon benchmark is the benchmark (the extractor's type is a guess).
    records = [
        paper("p9", ent("Dataset", "Quorum-Augmented Zorbing Benchmark")),
        records[0],
        paper("p10", ent("Dataset", "ZorbStack")),
        paper("p11", ent("Task", "ZorbStack task")),
    ]
    res = resolve(records, lexicon=LexiconIndex([*lexicon, LexiconEntry("Dataset", "ZorbStack", ())]))
    assert res.assignment[("p9", 0)] != res.assignment[("p1", 0)]
    assert res.assignment[("p10", 0)] == res.assignment[("p11", 0)]
    # Its label keeps the word that tells it from the method: not a second "QAZ"-like name.
    dataset = paper("p12", ent("Dataset", "Quorum-Augmented Zorbing benchmark"))
    res = resolve([dataset, records[1]], lexicon=lexicon)
    assert res.entities[res.assignment[("p12", 0)]].name == "Quorum-Augmented Zorbing benchmark"
    # Nor where the acronym is the name itself: "ZQuAD dataset" (ZQuAD) is the lexicon's ZQuAD.
    known = LexiconIndex([LexiconEntry("Dataset", "ZQuAD", ())])
    records = [paper("p7", ent("Dataset", "ZQuAD dataset", "ZQuAD")), paper("p8", ent("Dataset", "ZQuAD"))]
    res = resolve(records, lexicon=known)
    assert res.assignment[("p7", 0)] == res.assignment[("p8", 0)]
    # Nor where the lexicon does not know the rest: "Zorb Diffusion Model (ZDM)" is "Zorb Diffusion".
    records = [paper("p5", ent("Model", "Zorb Diffusion Model", "ZDM")), paper("p6", ent("Model", "Zorb Diffusion"))]
    res = resolve(records, lexicon=lexicon)
    assert res.assignment[("p5", 0)] == res.assignment[("p6", 0)]


def test_lexicon_alias_merges_and_is_optional() -> None:
    lexicon = LexiconIndex([LexiconEntry("Method", "Harmonic Drift Estimation", ("HarmoDrift", "HDE"))])
    records = [
        paper("p1", ent("Method", "HarmoDrift")),
        paper("p2", ent("Method", "harmonic drift estimation")),
        paper("p3", ent("Method", "HDE")),
    ]
    merged = resolve(records, lexicon=lexicon)
    assert len(merged.entities) == 1
    assert merged.entities[0].name == "Harmonic Drift Estimation"  # the lexicon's canonical name
    assert set(merged.entities[0].aliases) == {"HarmoDrift", "harmonic drift estimation", "HDE"}
    assert merged.entities[0].trace.label_reason == "lexicon"
    assert len(resolve(records, lexicon=None).entities) == 3


def test_a_mixed_case_slip_of_a_listed_acronym_is_the_entry_unless_flagged_ambiguous() -> None:
    lexicon = LexiconIndex(
        [
            LexiconEntry("Method", "ZeLU", ("zeroed linear unit",)),
            LexiconEntry("Method", "QUORA", ("quorum oracle",), ambiguous=True),  # word-like: other casings differ
            LexiconEntry("Model", "ZITS", ()),
            LexiconEntry("Dataset", "ZOPA", ()),
        ]
    )
    records = [
        paper("p1", ent("Method", "ZeLU")),
        paper("p2", ent("Method", "ZeLu")),  # a slip of ZeLU
        paper("p3", ent("Method", "quorum oracle", "QUORA")),
        paper("p4", ent("Method", "QuORA")),  # a paper's own name, not the listed QUORA
        paper("p5", ent("Model", "ZITS")),
        paper("p6", ent("Model", "ZiTs")),  # the plural of a "ZiT", no slip of ZITS
        paper("p7", ent("Dataset", "ZOPA")),
        paper("p8", ent("Method", "ZoPA")),  # a paper's method, not the dataset
        paper("p9", ent("Dataset", "ZoPa")),  # the dataset, written loosely
    ]
    res = resolve(records, lexicon=lexicon)
    assert res.assignment[("p1", 0)] == res.assignment[("p2", 0)]
    assert entity_named(res, "Method", "ZeLU").trace.label_reason == "lexicon"
    assert res.assignment[("p3", 0)] != res.assignment[("p4", 0)]
    assert res.assignment[("p5", 0)] != res.assignment[("p6", 0)]
    assert res.assignment[("p7", 0)] != res.assignment[("p8", 0)]
    assert res.assignment[("p7", 0)] == res.assignment[("p9", 0)]


def test_an_acronym_a_paper_defines_otherwise_keeps_its_type_word_form_from_the_lexicon() -> None:
    # The lexicon's HDE is Harmonic Drift Estimation; one paper defines HDE as "hollow dune
    # embedding" and also writes "HDE framework": that is the paper's HDE, not the lexicon's.
    lexicon = LexiconIndex([LexiconEntry("Method", "Harmonic Drift Estimation", ("HDE",))])
    records = [
        paper("p1", ent("Method", "harmonic drift estimation", "HDE")),
        paper("p2", ent("Method", "HDE")),
        paper("p3", ent("Method", "hollow dune embedding", "HDE", "HDE framework")),
        paper("p4", ent("Method", "HDE method", "HDE")),  # nothing spelled out: the lexicon's HDE
        paper("p5", ent("Method", "harmonic drift estimators", "HDE", "HDE approach")),  # its wording
    ]
    res = resolve(records, lexicon=lexicon)
    assert groups(res) == {
        frozenset({("p1", "harmonic drift estimation"), ("p2", "HDE"), ("p4", "HDE method"),
                   ("p5", "harmonic drift estimators")}),
        frozenset({("p3", "hollow dune embedding")}),
    }
    # An entry with no long form gives no evidence against the paper's wording.
    bare_entry = LexiconIndex([LexiconEntry("Dataset", "QUILL", ())])
    defined = [paper("p1", ent("Dataset", "Query Understanding In Long Lists", "QUILL", "QUILL benchmark")),
               paper("p2", ent("Dataset", "QUILL"))]
    assert len(resolve(defined, lexicon=bare_entry).entities) == 1


def test_two_papers_spelling_an_acronym_two_ways_do_not_meet_through_its_type_word_forms() -> None:
    # No lexicon knows ZQ: one paper's "ZQ framework" is its zorbic quanta, another's "ZQ method"
    # its zeta quilting; the bare letters with a type word must not join the two senses.
    records = [
        paper("p1", ent("Method", "zorbic quanta", "ZQ", "ZQ framework")),
        paper("p2", ent("Method", "zorbic quanta", "ZQ")),
        paper("p3", ent("Method", "zeta quilting", "ZQ", "ZQ method")),
    ]
    res = resolve(records, lexicon=None)
    assert groups(res) == {
        frozenset({("p1", "zorbic quanta"), ("p2", "zorbic quanta")}),
        frozenset({("p3", "zeta quilting")}),
    }


def test_a_name_with_a_type_word_meets_only_a_lexicon_entry_of_that_type() -> None:
    # "ZGD benchmark" without its type word is the lexicon's ZGD, an optimiser: the type word says
    # this ZGD is a benchmark, so it is not that entry.
    lexicon = LexiconIndex([LexiconEntry("Method", "zorbic gradient descent", ("ZGD",))])
    records = [
        paper("p1", ent("Method", "zorbic gradient descent", "ZGD")),
        paper("p2", ent("Dataset", "ZGD benchmark")),
    ]
    res = resolve(records, lexicon=lexicon)
    assert groups(res) == {
        frozenset({("p1", "zorbic gradient descent")}),
        frozenset({("p2", "ZGD benchmark")}),
    }


def test_unambiguous_lexicon_entry_of_another_type_merges_and_sets_the_type() -> None:
    lexicon = LexiconIndex([LexiconEntry("Dataset", "Harmonic Drift Estimation", ("HarmoDrift",))])
    res = resolve(
        [paper("p1", ent("Method", "HarmoDrift")), paper("p2", ent("Method", "Harmonic Drift Estimation"))],
        lexicon=lexicon,
    )
    assert [(e.type, e.name, e.trace.type_reason) for e in res.entities] == [
        ("Dataset", "Harmonic Drift Estimation", "lexicon")
    ]


def test_ambiguous_one_word_lexicon_entry_of_another_type_does_not_retype() -> None:
    records = [paper("p1", ent("Method", "Borealis")), paper("p2", ent("Method", "borealis"))]
    ambiguous = LexiconIndex([LexiconEntry("Dataset", "Borealis", ambiguous=True)])
    plain = LexiconIndex([LexiconEntry("Dataset", "Borealis")])
    [kept] = resolve(records, lexicon=ambiguous).entities
    assert (kept.type, kept.trace.type_reason) == ("Method", "majority")
    [corrected] = resolve(records, lexicon=plain).entities
    assert (corrected.type, corrected.trace.type_reason) == ("Dataset", "lexicon")


def test_ambiguous_lexicon_acronym_does_not_attach_a_bare_acronym() -> None:
    entry = LexiconEntry("Method", "Harmonic Drift Estimation", ("HDE",), ambiguous=True)
    records = [paper("p1", ent("Method", "Harmonic Drift Estimation")), paper("p2", ent("Method", "HDE"))]
    assert len(resolve(records, lexicon=LexiconIndex([entry])).entities) == 2


def test_default_lexicon_is_the_bundled_one() -> None:
    # "default" passes kg.lexicons.default_index(): its aliases join forms no rule links
    records = [
        paper("p1", ent("Method", "DPO")),
        paper("p2", ent("Method", "direct preference optimization")),
    ]
    assert len(resolve(records).entities) == 1
    assert len(resolve(records, lexicon=None).entities) == 2
    res = resolve([paper("p1", ent("Method", "Gradient Lattice Smoothing"))])
    assert [e.name for e in res.entities] == ["Gradient Lattice Smoothing"]


def test_a_broken_bundled_lexicon_is_an_error_not_a_silent_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.resolve

    def broken() -> object:
        raise InputError("bad line", path="methods.tsv", line=3)

    monkeypatch.setattr(kg.resolve, "default_index", broken)
    with pytest.raises(InputError, match="methods.tsv:3"):
        resolve([paper("p1", ent("Method", "DPO"))])


def test_entities_of_one_paper_that_resolve_together_are_merged() -> None:
    m1, m2 = Mention(10, 13, "b"), Mention(0, 26, "a")
    res = resolve(
        [
            paper("p1", ent("Method", "Gradient Lattice Smoothing", "GLS")),
            paper(
                "p2",
                ent("Method", "GLS", role="proposed", confidence=0.4, mentions=(m1,), component="kg_b"),
                ent(
                    "Method",
                    "gradient lattice smoothing",
                    confidence=0.8,
                    mentions=(m2, m1),
                    component="kg_a",
                ),
            ),
        ],
        lexicon=None,
    )
    assert len(res.entities) == 1
    [link] = [x for x in res.links if x.paper_id == "p2"]
    assert link.name == "gradient lattice smoothing"  # the long form, not the acronym
    assert link.aliases == ("GLS",)
    assert link.role == "proposed"
    assert link.confidence == 0.8
    assert link.component == "kg_a+kg_b"
    assert link.mentions == (m2, m1)  # deduplicated, sorted by (field, start, end)
    assert res.assignment[("p2", 0)] == res.assignment[("p2", 1)] == 0
    assert res.entities[0].mention_count == 1 + 2


# --------------------------------------------------------------------------- non-merges


def test_same_acronym_different_types_stay_apart_and_bare_acronym_follows_type() -> None:
    def defining(pid: str, *entities: Entity) -> PaperExtraction:
        return paper(pid, *entities)

    res = resolve(
        [
            *[defining(f"m{i}", ent("Method", "Sparse Anchor Matching", "SAM")) for i in range(9)],
            *[defining(f"o{i}", ent("Model", "Spectral Atlas Model", "SAM")) for i in range(9)],
            paper("p3", ent("Model", "SAM")),
            paper("p4", ent("Method", "SAM")),
        ],
        lexicon=None,
    )
    sparse = entity_named(res, "Method", "Sparse Anchor Matching")
    spectral = entity_named(res, "Model", "Spectral Atlas Model")
    assert "p4" in sparse.papers and "p3" not in sparse.papers
    assert "p3" in spectral.papers and "p4" not in spectral.papers
    assert spectral.aliases == ("SAM",)


def test_different_expansions_of_one_acronym_stay_apart() -> None:
    res = resolve(
        [
            paper("p1", ent("Method", "Sparse Anchor Matching", "SAM")),
            paper("p2", ent("Method", "Stochastic Aperture Masking", "SAM")),
            paper("p3", ent("Method", "SAM")),  # no context: cannot choose
            paper("p4", ent("Method", "SAM")),
        ],
        lexicon=None,
    )
    assert groups(res) == {
        frozenset({("p1", "Sparse Anchor Matching")}),
        frozenset({("p2", "Stochastic Aperture Masking")}),
        frozenset({("p3", "SAM"), ("p4", "SAM")}),
    }


def _filler(n: int) -> list[PaperExtraction]:
    """Papers about other things, so that a co-mention is rarer than chance would make it."""
    return [paper(f"f{i:02d}", ent("Task", f"filler task {i}")) for i in range(n)]


def test_ambiguous_bare_acronym_attaches_by_co_mentioned_entities() -> None:
    keypoint = (ent("Dataset", "KeypointVille"), ent("Task", "keypoint alignment"))
    aperture = (ent("Dataset", "ApertureSet"), ent("Task", "aperture design"))
    res = resolve(
        [
            *_filler(20),
            paper("p1", ent("Method", "Sparse Anchor Matching", "SAM"), *keypoint),
            paper("p2", ent("Method", "Stochastic Aperture Masking", "SAM"), *aperture),
            paper("p3", ent("Method", "SAM"), *keypoint),
            paper("p4", ent("Method", "SAM"), *aperture, ent("Task", "optical masking")),
            paper("p5", ent("Method", "SAM"), ent("Task", "optical masking")),
        ],
        lexicon=None,
    )
    sam = [g for g in groups(res) if any(name.startswith(("Sparse", "Stochastic", "SAM")) for _, name in g)]
    assert set(sam) == {
        frozenset({("p1", "Sparse Anchor Matching"), ("p3", "SAM")}),
        frozenset({("p2", "Stochastic Aperture Masking"), ("p4", "SAM")}),
        frozenset({("p5", "SAM")}),  # "optical masking" co-occurs with neither definition
    }


def test_ambiguous_bare_acronym_attaches_to_definition_in_the_same_paper() -> None:
    res = resolve(
        [
            paper("p1", ent("Method", "Sparse Anchor Matching", "SAM")),
            paper("p2", ent("Method", "Stochastic Aperture Masking", "SAM"), ent("Method", "SAM")),
        ],
        lexicon=None,
    )
    assert res.assignment[("p2", 0)] == res.assignment[("p2", 1)]
    assert res.assignment[("p1", 0)] != res.assignment[("p2", 0)]


def test_same_long_form_with_two_types_is_one_entity_of_the_majority_type() -> None:
    res = resolve(
        [
            paper("p1", ent("Dataset", "Borealis")),
            paper("p2", ent("Model", "Borealis")),
            paper("p3", ent("Dataset", "borealis")),
        ],
        lexicon=None,
    )
    assert [(e.type, e.paper_count) for e in res.entities] == [("Dataset", 3)]
    assert dict(res.entities[0].trace.type_votes) == {"Dataset": 2, "Model": 1}
    assert res.entities[0].trace.type_reason == "majority"
    link = next(link for link in res.links if link.paper_id == "p2")
    assert link.extracted_type == "Model"  # what the extractor said is kept on the link


def test_bare_acronym_without_definition_stays_its_own_entity_shared_across_papers() -> None:
    res = resolve(
        [
            paper("p1", ent("Model", "QRX")),
            paper("p2", ent("Model", "QRX")),
            paper("p3", ent("Model", "Quantum Relay Xformer")),
        ],
        lexicon=None,
    )
    assert groups(res) == {
        frozenset({("p1", "QRX"), ("p2", "QRX")}),
        frozenset({("p3", "Quantum Relay Xformer")}),
    }


# --------------------------------------------------------------------------- canonical names, duplicates, order


def test_canonical_name_tie_is_broken_deterministically() -> None:
    records = [paper("p1", ent("Dataset", "ZephyrBench")), paper("p2", ent("Dataset", "Zephyr-Bench"))]
    names = {resolve(r, lexicon=None).entities[0].name for r in (records, records[::-1])}
    assert names == {"Zephyr-Bench"}


def test_duplicate_paper_ids_count_once_and_choice_is_order_free() -> None:
    a = paper("p1", ent("Method", "Gradient Lattice Smoothing"))
    b = paper("p1", ent("Method", "Vortex Process"))
    assert dedupe_by_id([a, b]) == dedupe_by_id([b, a])
    assert len(dedupe_by_id([a, a, b])) == 1
    res = resolve([a, a], lexicon=None)
    assert res.entities[0].papers == ("p1",)


def _corpus() -> list[PaperExtraction]:
    return [
        paper(
            "p1",
            ent("Method", "Sparse Anchor Matching", "SAM"),
            ent("Dataset", "KeypointVille"),
            ent("Task", "keypoint alignments"),
        ),
        paper("p2", ent("Method", "Stochastic Aperture Masking", "SAM"), ent("Dataset", "ApertureSet")),
        paper("p3", ent("Method", "SAM"), ent("Dataset", "KeypointVille"), ent("Task", "Keypoint Alignment")),
        paper(
            "p4",
            ent("Method", "SAM"),
            ent("Dataset", "ApertureSet"),
            ent("Model", "Spectral Atlas Model", "SAM"),
        ),
        paper("p5", ent("Model", "SAM"), ent("Model", "FooNet"), ent("Model", "FooNets")),
        paper("p6", ent("Method", "SAM")),
        paper("p7", ent("Dataset", "Zephyr-Bench"), ent("Dataset", "ZephyrBench", "ZB")),
        paper("p8", ent("Dataset", "ZB"), ent("Method", "gradient lattice smoothing", "GLS")),
        paper("p9", ent("Method", "GLS"), ent("Method", "Gradient Lattice Smoothing")),
    ]


def test_any_input_order_gives_the_same_resolution() -> None:
    records = _corpus()
    reference = resolve(records, lexicon=None)
    rng = random.Random(7)
    for _ in range(25):
        shuffled = records[:]
        rng.shuffle(shuffled)
        if rng.random() < 0.5:
            shuffled.append(rng.choice(records))  # a duplicate paper changes nothing
        again = resolve(shuffled, lexicon=None)
        assert again.entities == reference.entities
        assert again.links == reference.links
        assert again.assignment == reference.assignment


def test_corpus_partition() -> None:
    res = resolve(_corpus(), lexicon=None)
    # p4 defines SAM as its Spectral Atlas Model, so its Method-typed bare "SAM" means the same
    # (one sense per paper); p3 shares KeypointVille with p1's definition; p6 has no context.
    # In a corpus this small a sense nobody defined is unlikely, so p5's Model-typed SAM
    # follows the only Model sense.
    assert {e.name: e.paper_count for e in res.entities if e.type == "Method"} == {
        "Sparse Anchor Matching": 2,
        "Stochastic Aperture Masking": 1,
        "SAM": 1,
        "Gradient Lattice Smoothing": 2,
    }
    assert entity_named(res, "Model", "Spectral Atlas Model").papers == ("p4", "p5")
    assert entity_named(res, "Dataset", "Zephyr-Bench").papers == ("p7", "p8")
    assert entity_named(res, "Task", "Keypoint Alignment").aliases == ("keypoint alignments",)
    assert res.entity_of("p9", 0) is res.entity_of("p8", 1)


def test_gold_seed_lines_parse_and_resolve() -> None:
    import json

    from shared_data import SEED_GOLD as seed

    if not seed.exists():
        pytest.skip("gold seed file not available")
    records = [
        PaperExtraction.from_dict(json.loads(line)) for line in seed.read_text("utf-8").splitlines() if line
    ]
    res = resolve(records, lexicon=None)
    assert len(res.extractions) == len({r.id for r in records})
    dropped = {key.split("\t", 1)[1] for key in res.dropped}
    for record in res.extractions:
        for i, entity in enumerate(record.entities):
            # every entity is resolved, unless none of its surfaces is a name (a category, a compound)
            assert (record.id, i) in res.assignment or {entity.name, *entity.aliases} <= dropped
    assert sum(e.paper_count for e in res.entities) == len(res.links)


# --------------------------------------------------------------------------- versions, families, labels


def test_versions_an_extractor_folded_together_are_split_and_linked_to_their_family() -> None:
    res = resolve(
        [
            paper("p1", ent("Model", "Zorblax", "Zorblax 1.5 Pro")),  # the extractor folded a version in
            paper("p2", ent("Model", "Zorblax 1.5 Pro")),
            paper("p3", ent("Model", "Zorblax 1.5")),
            paper("p4", ent("Model", "Zorblax-1.5-Pro")),
        ],
        lexicon=None,
    )
    family = entity_named(res, "Model", "Zorblax")
    pro = entity_named(res, "Model", "Zorblax 1.5 Pro")
    middle = entity_named(res, "Model", "Zorblax 1.5")
    assert family.papers == ("p1",) and pro.papers == ("p1", "p2", "p4")
    assert res.entities[pro.broader] == middle and res.entities[middle.broader] == family  # nearest first
    assert family.broader is None
    assert ("Zorblax 1.5 Pro", "different version") in family.trace.kept_apart
    assert pro.trace.broader_via == "Zorblax 1.5"
    assert res.entity_of("p1", 0) == family  # the part holding the extracted name


def test_sizes_and_editions_are_their_own_entities() -> None:
    res = resolve(
        [
            paper("p1", ent("Model", "Blorp-3 8B")),
            paper("p2", ent("Model", "Blorp-3 8B Instruct")),
            paper("p3", ent("Model", "Blorp-3")),
            paper("p4", ent("Model", "blorp-3-8b")),
        ],
        lexicon=None,
    )
    assert sorted((e.name, e.paper_count) for e in res.entities) == [
        ("Blorp-3", 1),
        ("Blorp-3 8B", 2),
        ("Blorp-3 8B Instruct", 1),
    ]
    instruct = entity_named(res, "Model", "Blorp-3 8B Instruct")
    assert res.entities[instruct.broader].name == "Blorp-3 8B"


def test_compounds_and_scores_are_never_aliases() -> None:
    res = resolve(
        [
            paper("p1", ent("Model", "Zorb Transformer", "ZoT", "ZoT-based", "ZoT 86.54")),
            paper("p2", ent("Method", "ZoT-powered")),  # nothing left: no entity
        ],
        lexicon=None,
    )
    [entity] = res.entities
    assert entity.aliases == ("ZoT",)
    assert ("p2", 0) not in res.assignment
    assert res.dropped == {"compound\tZoT-based": 1, "compound\tZoT-powered": 1, "score\tZoT 86.54": 1}


def test_a_more_specific_name_is_not_an_alias() -> None:
    res = resolve([paper("p1", ent("Model", "ZORB2", "ZORB2-UNet"))], lexicon=None)
    assert sorted(e.name for e in res.entities) == ["ZORB2", "ZORB2-UNet"]


def test_prose_before_a_name_is_cut_when_the_name_is_known() -> None:
    res = resolve(
        [
            paper("p1", ent("Method", "Quorum Lattice Smoothing")),
            paper("p2", ent("Method", "strong baselines such as Quorum Lattice Smoothing")),
        ],
        lexicon=None,
    )
    [entity] = res.entities
    assert entity.paper_count == 2
    assert res.dropped == {"connector\tstrong baselines such as Quorum Lattice Smoothing": 1}


def test_label_is_the_acronym_when_papers_use_it_more() -> None:
    records = [
        paper("p1", ent("Model", "Quorum Zephyr Transformer", "QZT")),
        *[paper(f"b{i}", ent("Model", "QZT")) for i in range(4)],
    ]
    [entity] = resolve(records, lexicon=None).entities
    assert (entity.name, entity.trace.label_reason) == ("QZT", "most used (acronym)")
    assert entity.aliases == ("Quorum Zephyr Transformer",)


def test_a_shared_acronym_is_no_label() -> None:
    records = [
        paper("p1", ent("Model", "Quorum Zephyr Transformer", "QZT")),
        paper("p2", ent("Method", "Quick Zonal Tiling", "QZT")),
        *[paper(f"b{i}", ent("Model", "QZT"), ent("Model", "Quorum Zephyr Transformer")) for i in range(3)],
    ]
    names = {e.name for e in resolve(records, lexicon=None).entities}
    assert names == {"Quorum Zephyr Transformer", "Quick Zonal Tiling"}


def test_an_acronym_one_entity_holds_nearly_all_uses_of_is_its_label() -> None:
    records = [
        *[paper(f"p{i}", ent("Model", "Quorum Zephyr Transformer", "QZT")) for i in range(3)],
        *[paper(f"b{i}", ent("Model", "QZT")) for i in range(8)],
        paper("q1", ent("Method", "Quick Zonal Tiling", "QZT")),  # one paper's other sense
    ]
    by_name = {e.name: e for e in resolve(records, lexicon=None).entities}
    assert set(by_name) == {"QZT", "Quick Zonal Tiling"}  # 11 of 12 uses: the field's QZT
    assert by_name["QZT"].aliases == ("Quorum Zephyr Transformer",)
    # the other sense in as many papers as the first: nobody owns the letters, long forms stay
    split = [*records[:3], *[paper(f"r{i}", ent("Method", "Quick Zonal Tiling", "QZT")) for i in range(3)]]
    assert {e.name for e in resolve(split, lexicon=None).entities} == {
        "Quorum Zephyr Transformer",
        "Quick Zonal Tiling",
    }


def test_label_spelling_is_the_most_common_and_type_words_go() -> None:
    records = [
        paper("p1", ent("Dataset", "Zorbset dataset")),
        paper("p2", ent("Dataset", "ZorbSet")),
        paper("p3", ent("Dataset", "ZorbSet")),
        paper("p4", ent("Dataset", "zorbset")),
    ]
    [entity] = resolve(records, lexicon=None).entities
    assert entity.name == "ZorbSet"
    only_typed = resolve([paper("p1", ent("Dataset", "QuorumBench benchmark"))], lexicon=None).entities[0]
    assert only_typed.name == "QuorumBench"  # the guide's name rule
    kept = resolve([paper("p1", ent("Model", "Segmental Quorum Model"))], lexicon=None).entities[0]
    assert kept.name == "Segmental Quorum Model"  # a capitalised type word is part of the name


def test_a_technique_with_and_without_mechanism_is_one_entity() -> None:
    # "the zorb-gating mechanism" names zorb-gating, as "the zorb-gating strategy" would
    records = [
        *[paper(f"m{i}", ent("Method", "zorb-gating mechanism")) for i in range(2)],
        *[paper(f"b{i}", ent("Method", "zorb-gating")) for i in range(3)],
    ]
    [entity] = resolve(records, lexicon=None).entities
    assert (entity.name, entity.aliases) == ("zorb-gating", ("zorb-gating mechanism",))


def test_a_name_written_in_inline_math_meets_its_plain_spelling() -> None:
    # "$k$-zorbs" in LaTeX is k-zorbs; the plain spelling, written more, is the label
    records = [
        paper("p1", ent("Method", "$k$-zorbs")),
        *[paper(f"b{i}", ent("Method", "k-zorbs")) for i in range(2)],
    ]
    [entity] = resolve(records, lexicon=None).entities
    assert (entity.name, entity.aliases) == ("k-zorbs", ("$k$-zorbs",))


def test_a_name_with_latex_accents_meets_its_unicode_spelling_and_is_labelled_by_it() -> None:
    # 'Schr\\"odinger Zorb' is what LaTeX abstracts write; a reader writes Schrödinger Zorb
    records = [
        *[paper(f"l{i}", ent("Method", 'Schr\\"odinger Zorb')) for i in range(3)],
        paper("u1", ent("Method", "Schrödinger Zorb")),
    ]
    [entity] = resolve(records, lexicon=None).entities
    assert (entity.name, entity.aliases) == ("Schrödinger Zorb", ('Schr\\"odinger Zorb',))
    # written only in LaTeX, the label still has the letter
    [latex_only] = resolve([paper("n1", ent("Method", 'Nystr\\"om Zorbing'))], lexicon=None).entities
    assert (latex_only.name, latex_only.aliases) == ("Nyström Zorbing", ('Nystr\\"om Zorbing',))


def test_an_acronym_like_name_with_a_type_word_is_the_bare_name() -> None:
    # "the ZorQA dataset" is ZorQA (the guide drops the type word), though ZorQA is keyed as an acronym
    records = [
        paper("p1", ent("Dataset", "ZorQA dataset")),
        paper("p2", ent("Dataset", "ZorQA benchmark")),
        *[paper(f"b{i}", ent("Dataset", "ZorQA")) for i in range(4)],
    ]
    [entity] = resolve(records, lexicon=None).entities
    assert entity.name == "ZorQA"


def test_a_gan_is_a_technique_not_a_category() -> None:
    # the team's decision N5 (train/data/ANNOTATION-NOTES.md): GAN is a named technique, a Method
    res = resolve(
        [paper("p1", ent("Method", "generative adversarial network", "GAN")), paper("p2", ent("Method", "GANs"))],
        lexicon=None,
    )
    assert [e.type for e in res.entities] == ["Method"]  # kept, not dropped as a category
    assert groups(res) == {frozenset({("p1", "generative adversarial network"), ("p2", "GANs")})}


def test_lexicon_acronym_case_must_match() -> None:
    entry = LexiconEntry("Model", "ZOTS")  # a speech model, say
    res = resolve(
        [paper("p1", ent("Model", "ZoTs")), paper("p2", ent("Model", "Zorb Transformer", "ZoT"))],
        lexicon=LexiconIndex([entry]),
    )
    # "ZoTs" is the plural of ZoT, not the entry ZOTS
    assert res.entity_of("p1", 0) == res.entity_of("p2", 0)
    assert all(e.name != "ZOTS" and e.trace.type_reason != "lexicon" for e in res.entities)


def test_british_and_american_spellings_are_one_entity() -> None:
    res = resolve(
        [
            paper("p1", ent("Task", "lattice generalisation")),
            paper("p2", ent("Task", "Lattice Generalization")),
        ],
        lexicon=None,
    )
    assert len(res.entities) == 1 and res.entities[0].paper_count == 2


def test_a_vendor_prefix_is_a_variant_of_the_model_name() -> None:
    res = resolve(
        [paper("p1", ent("Model", "OpenAI zorb-3")), paper("p2", ent("Model", "zorb-3"))], lexicon=None
    )
    [entity] = res.entities
    assert entity.name == "zorb-3"  # the form without the vendor wins a tie


def test_an_alias_with_a_size_code_the_label_lacks_gives_no_family() -> None:
    res = resolve(
        [
            *[paper(f"b{i}", ent("Model", "ZORBT")) for i in range(3)],
            paper("p1", ent("Model", "Zorb-T")),  # a spelling of ZORBT, not the "T" size of Zorb
            *[paper(f"z{i}", ent("Model", "Zorb")) for i in range(2)],
        ],
        lexicon=None,
    )
    zorbt = entity_named(res, "Model", "ZORBT")
    assert "Zorb-T" in zorbt.aliases
    assert zorbt.broader is None


def test_a_lexicon_entry_is_labelled_by_its_acronym_when_papers_use_it_more() -> None:
    entry = LexiconEntry("Method", "quorum lattice adaptation", ("QuLA",))
    records = [
        paper("p1", ent("Method", "quorum lattice adaptation", "QuLA")),
        *[paper(f"b{i}", ent("Method", "QuLA")) for i in range(3)],
    ]
    [entity] = resolve(records, lexicon=LexiconIndex([entry])).entities
    assert (entity.name, entity.trace.label_reason) == ("QuLA", "lexicon entry's acronym, most used")
    assert entity.aliases == ("quorum lattice adaptation",)
    # one paper writes both: the acronym is not used more, the lexicon's name stays
    even = resolve(records[:1], lexicon=LexiconIndex([entry])).entities[0]
    assert (even.name, even.trace.label_reason) == ("quorum lattice adaptation", "lexicon")


def test_a_lexicon_acronym_label_is_singular_and_counts_uses_with_a_type_word() -> None:
    entry = LexiconEntry("Method", "quorum lattice adaptation", ("QuLA",))
    records = [
        paper("p1", ent("Method", "quorum lattice adaptation", "QuLA")),
        paper("p2", ent("Method", "quorum lattice adaptation")),
        *[paper(f"s{i}", ent("Method", "QuLAs")) for i in range(2)],
        paper("b1", ent("Method", "QuLA")),
        *[paper(f"t{i}", ent("Method", "QuLA method")) for i in range(2)],
    ]
    [entity] = resolve(records, lexicon=LexiconIndex([entry])).entities
    # 5 papers write the acronym (2 of them with "method") against 2 for the long form
    assert (entity.name, entity.trace.label_reason) == ("QuLA", "lexicon entry's acronym, most used")


def test_a_lexicon_acronym_label_survives_a_paper_writing_it_in_another_case() -> None:
    entry = LexiconEntry("Method", "quorum lattice adaptation", ("QuLA",))
    records = [
        paper("p1", ent("Method", "quorum lattice adaptation", "QuLA")),
        *[paper(f"b{i}", ent("Method", "QuLA")) for i in range(3)],
        paper("c1", ent("Method", "Qula")),  # one paper's casing of the acronym
    ]
    [entity] = resolve(records, lexicon=LexiconIndex([entry])).entities
    assert (entity.name, entity.trace.label_reason) == ("QuLA", "lexicon entry's acronym, most used")
    assert "Qula" in entity.aliases


def test_a_lexicon_name_with_a_type_word_is_that_lexicon_entity() -> None:
    lexicon = LexiconIndex([LexiconEntry("Dataset", "QZB8K")])
    records = [
        *[paper(f"p{i}", ent("Dataset", "QZB8K")) for i in range(3)],
        paper("q1", ent("Dataset", "QZB8K dataset")),
        paper("q2", ent("Dataset", "QZB8K benchmark")),
    ]
    [entity] = resolve(records, lexicon=lexicon).entities
    assert entity.name == "QZB8K" and entity.paper_count == 5
    assert {"QZB8K dataset", "QZB8K benchmark"} <= set(entity.aliases)


def test_a_family_may_have_another_extracted_type() -> None:
    res = resolve(
        [
            *[paper(f"m{i}", ent("Model", "Zorbnet")) for i in range(3)],
            paper("q1", ent("Method", "Zorbnet Lattice", "ZORBNET")),  # another thing sharing the stem
            paper("p1", ent("Method", "Zorbnet-L")),  # a size of the model, typed Method by the extractor
        ],
        lexicon=None,
    )
    size = entity_named(res, "Method", "Zorbnet-L")
    assert res.entities[size.broader].name == "Zorbnet"


def test_a_size_of_a_version_belongs_to_that_version_then_to_the_family() -> None:
    res = resolve(
        [
            *[paper(f"f{i}", ent("Model", "Zorb")) for i in range(3)],
            *[paper(f"v{i}", ent("Model", "Zorbv8")) for i in range(2)],
            paper("n1", ent("Model", "Zorbv8n")),
            paper("o1", ent("Model", "Zorbv9n")),  # its version is not attested: straight to the family
        ],
        lexicon=None,
    )
    nano = entity_named(res, "Model", "Zorbv8n")
    version = entity_named(res, "Model", "Zorbv8")
    assert res.entities[nano.broader].name == "Zorbv8"
    assert res.entities[version.broader].name == "Zorb"
    assert res.entities[entity_named(res, "Model", "Zorbv9n").broader].name == "Zorb"


def test_a_long_form_in_the_same_paper_that_leaves_a_word_out_is_no_definition() -> None:
    # One paper (mis)wrote "zorbic forecasting (ZORB)"; ZORB is a dataset another paper defines. A
    # paper that names "zorbic forecasting" and, apart, "ZORB" has not defined ZORB so: "forecasting"
    # has no letter in it.
    res = resolve(
        [
            *_filler(20),
            paper("d1", ent("Dataset", "Zorbic Olympiad Reasoning Bench", "ZORB")),
            paper("d2", ent("Task", "zorbic forecasting", "ZORB")),
            paper("p1", ent("Task", "zorbic forecasting"), ent("Dataset", "ZORB")),
        ],
        lexicon=None,
    )
    assert res.assignment[("p1", 0)] != res.assignment[("p1", 1)]


def test_a_long_form_that_spells_the_acronym_in_the_same_paper_still_defines_it() -> None:
    res = resolve(
        [
            paper("d1", ent("Method", "Quuxing Anchor Matching", "QAM")),
            paper("d2", ent("Method", "Quiet Aperture Masking", "QAM")),
            paper("p1", ent("Method", "Quiet Aperture Masking"), ent("Method", "QAM")),
        ],
        lexicon=None,
    )
    assert res.assignment[("p1", 0)] == res.assignment[("p1", 1)]


def test_a_lexicon_typed_bare_acronym_is_only_a_sense_of_that_type() -> None:
    # The lexicon knows ZORB as a dataset (an ambiguous word, so a bare use is not simply its
    # name); a big task that one paper wrote "(ZORB)" after, and that the bare use's paper shares
    # context with, is not what a bare Dataset use means.
    lexicon = LexiconIndex(
        [LexiconEntry("Dataset", "ZORB", ("Zorbic Olympiad Reasoning Bench",), ambiguous=True)]
    )
    context = (ent("Dataset", "Quuxbench"), ent("Method", "quux tuning"))
    records = [
        *_filler(40),
        paper("d1", ent("Dataset", "Zorbic Olympiad Reasoning Bench", "ZORB")),
        paper("d2", ent("Dataset", "zorbic reasoning", "ZORB"), *context),
        *[paper(f"t{i}", ent("Task", "zorbic reasoning"), *context) for i in range(12)],
        paper("p1", ent("Dataset", "ZORB"), *context),
    ]
    res = resolve(records, lexicon=lexicon)
    assert res.assignment[("p1", 0)] == res.assignment[("d1", 0)]
    rules = dict(res.entity_of("p1", 0).trace.rules)
    assert any(rule.endswith("among the senses of its lexicon type") for rule in rules), rules
    # Without the lexicon nothing confirms the use's type: the context decides, as before.
    plain = resolve(records, lexicon=None)
    assert plain.assignment[("p1", 0)] == plain.assignment[("t0", 0)]


def test_a_multiplier_letter_after_a_number_is_one_spelling_in_either_case() -> None:
    lexicon = LexiconIndex([LexiconEntry("Dataset", "ZQM8K", ()), LexiconEntry("Model", "ZQM4O", ())])
    res = resolve([paper("d1", ent("Dataset", "ZQM8K")), paper("p1", ent("Dataset", "ZQM8k"))], lexicon=lexicon)
    assert res.assignment[("p1", 0)] == res.assignment[("d1", 0)]
    # A letter that is no multiplier keeps its case: "ZQM4o" is not "ZQM4O".
    other = resolve([paper("d1", ent("Model", "ZQM4O")), paper("p1", ent("Model", "ZQM4o"))], lexicon=lexicon)
    assert other.assignment[("p1", 0)] != other.assignment[("d1", 0)]


def test_a_plus_variant_is_its_own_entity_in_the_family_of_its_base() -> None:
    res = resolve(
        [
            paper("p1", ent("Method", "ZorbLoRA", "ZorbLoRA+")),  # the extractor folded the variant in
            paper("p2", ent("Method", "ZorbLoRA+")),
            paper("p3", ent("Dataset", "Quuxset++ dataset")),
            paper("p4", ent("Dataset", "Quuxset++")),
            paper("p5", ent("Dataset", "Quuxset")),
        ],
        lexicon=None,
    )
    base, plus = entity_named(res, "Method", "ZorbLoRA"), entity_named(res, "Method", "ZorbLoRA+")
    assert plus.papers == ("p1", "p2") and base.papers == ("p1",)
    assert res.entities[plus.broader] == base
    # The type word still goes: "Quuxset++ dataset" is Quuxset++, which is not Quuxset.
    assert res.assignment[("p3", 0)] == res.assignment[("p4", 0)] != res.assignment[("p5", 0)]


def test_a_version_number_with_trailing_zero_parts_is_the_same_version() -> None:
    res = resolve(
        [
            paper("p1", ent("Dataset", "Quuxeval 2.0")),
            paper("p2", ent("Dataset", "Quuxeval 2")),
            paper("p3", ent("Dataset", "Quuxeval-2.0.0")),
            paper("p4", ent("Dataset", "Quuxeval 2.1")),
            paper("p5", ent("Model", "Zorbmind-3.0-Pro")),
            paper("p6", ent("Model", "Zorbmind 3 Pro")),
            paper("p7", ent("Model", "Zorbmind 3.05 Pro")),
        ],
        lexicon=None,
    )
    same = {res.assignment[(p, 0)] for p in ("p1", "p2", "p3")}
    assert len(same) == 1
    # 2.1 is another version, and so is 3.05; "2.0" and "3.0" only lose zeros that say nothing.
    assert res.assignment[("p4", 0)] not in same
    assert res.assignment[("p5", 0)] == res.assignment[("p6", 0)] != res.assignment[("p7", 0)]


def test_a_version_written_before_or_after_its_edition_word_is_one_model() -> None:
    """"Zorbmind Pro 2.5" and "Zorbmind 2.5 Pro" are one model; another edition or version is not."""
    res = resolve(
        [
            paper("p1", ent("Model", "Zorbmind 2.5 Pro")),
            paper("p2", ent("Model", "Zorbmind Pro 2.5")),
            paper("p3", ent("Model", "Zorbmind-Pro-2.5")),
            paper("p4", ent("Model", "Zorbmind 2.5 Flash")),
            paper("p5", ent("Model", "Zorbmind Pro 2.6")),
            paper("p6", ent("Dataset", "ZQ14 En-De")),
            paper("p7", ent("Dataset", "ZQ14 De-En")),
            paper("p8", ent("Dataset", "ZorbEval-2025 Task 11")),
            paper("p9", ent("Dataset", "ZorbEval-2011 Task 25")),
            paper("q1", ent("Model", "Quillion 7B v0.3")),
            paper("q2", ent("Model", "Quillion v0.3 7B")),
        ],
        lexicon=None,
    )
    assert res.assignment[("p1", 0)] == res.assignment[("p2", 0)] == res.assignment[("p3", 0)]
    assert len({res.assignment[(p, 0)] for p in ("p1", "p4", "p5")}) == 3
    # only the version parts move: the other words keep their order (a direction is no version)
    assert res.assignment[("p6", 0)] != res.assignment[("p7", 0)]
    # plain numbers keep their order (two editions, two tasks); a size may stand before or after
    assert res.assignment[("p8", 0)] != res.assignment[("p9", 0)]
    assert res.assignment[("q1", 0)] == res.assignment[("q2", 0)]


def test_a_year_before_a_type_word_is_the_same_edition() -> None:
    res = resolve(
        [
            paper("p1", ent("Dataset", "ZorbSet 2019")),
            paper("p2", ent("Dataset", "ZorbSet 2019 dataset")),
            paper("p3", ent("Dataset", "ZorbSet-19")),
            paper("p4", ent("Dataset", "ZorbSet 2020 dataset")),
        ],
        lexicon=None,
    )
    assert res.assignment[("p1", 0)] == res.assignment[("p2", 0)] == res.assignment[("p3", 0)]
    assert res.assignment[("p4", 0)] != res.assignment[("p1", 0)]


def test_an_acronym_written_with_a_type_word_is_resolved_as_the_bare_acronym() -> None:
    """"The QZN-7 model" spells nothing out: it is the bare "QZN-7", not a sense of it.

    As a sense of its own, in a big corpus it had to beat the sense nobody
    defined, and the bare uses stayed a second "QZN-7" node; with a paper
    that spells the letters out, the bare uses chose between that sense and
    the name itself.
    """
    filler = [paper(f"f{i:04d}", ent("Method", f"Filler method {i}")) for i in range(4000)]
    bare = [paper(f"b{i}", ent("Model", "QZN-7")) for i in range(6)]
    typed = [paper("t1", ent("Model", "QZN-7 model")), paper("t2", ent("Model", "QZN-7 model"))]
    res = resolve(filler + bare + typed, lexicon=None)
    assert len({res.assignment[(p.id, 0)] for p in bare + typed}) == 1
    assert dict(entity_named(res, "Model", "QZN-7").trace.rules)["bare acronym: no definition in the corpus"] == 8
    # A paper that spells the letters out is one sense; the name with its type word goes where
    # the bare name goes (here: apart, the sense nobody defined being likelier in this corpus).
    defined = paper("d1", ent("Method", "Quux Zorb Nets 7", "QZN-7"))
    res = resolve(filler + bare + typed + [defined], lexicon=None)
    assert len({res.assignment[(p.id, 0)] for p in bare + typed}) == 1
    assert res.assignment[("d1", 0)] != res.assignment[("t1", 0)]
    # The type word beside the bare acronym in one paper is no definition of it either:
    # "ZWB framework" / "ZWB" joins the sense the corpus spells out, as a bare "ZWB" would.
    spelled = [paper(f"s{i}", ent("Method", "Zeta Wave Blending", "ZWB")) for i in range(5)]
    worded = paper("w1", ent("Method", "ZWB framework", "ZWB"))
    res = resolve(spelled + [worded, paper("w2", ent("Method", "ZWB"))], lexicon=None)
    assert len({res.assignment[(p.id, 0)] for p in [*spelled, worded]}) == 1
    assert res.assignment[("w2", 0)] == res.assignment[("w1", 0)]
    assert [e.paper_count for e in res.entities] == [7]


def test_an_acronym_with_a_type_word_is_no_label_where_another_entity_owns_the_acronym() -> None:
    """"ZEPA framework" is the acronym ZEPA: the entity that owns ZEPA keeps it as a label, alone."""
    owner = [paper(f"d{i}", ent("Method", "Zorb Embedding Predictive Architecture", "ZEPA")) for i in range(3)]
    owner += [paper(f"b{i}", ent("Method", "ZEPA"), ent("Dataset", "QuillSet")) for i in range(9)]
    other = paper("x1", ent("Method", "zorb encoding predictive architecture", "ZEPA", "ZEPA framework"))
    res = resolve([*owner, other], lexicon=None)
    assert res.entities[res.assignment[("b0", 0)]].name == "ZEPA"
    assert res.entities[res.assignment[("x1", 0)]].name == "zorb encoding predictive architecture"


def test_an_acronym_with_another_types_type_word_is_no_long_form_label() -> None:
    """Bare "ZAT" (Method) and "ZAT dataset" (Dataset), left apart from the two senses papers spell out.

    The group is labelled by the acronym its papers write, not "ZAT dataset"
    (the type word of another type made that look like a long form of its
    own, and the shared acronym lost to it); and "the ZAT dataset" is no
    sense of another type: it does not join the Task the letters spell out.
    """
    filler = [paper(f"f{i:04d}", ent("Method", f"Filler method {i}")) for i in range(4000)]
    spelled = [paper(f"s{i}", ent("Task", "zorb anchor tracking", "ZAT")) for i in range(3)]
    spelled += [paper(f"t{i}", ent("Method", "zeta attention transfer", "ZAT")) for i in range(3)]
    bare = [paper(f"b{i}", ent("Method", "ZAT")) for i in range(8)]
    worded = paper("w1", ent("Dataset", "ZAT dataset"))
    res = resolve(filler + spelled + bare + [worded], lexicon=None)
    assert res.assignment[("w1", 0)] == res.assignment[("b0", 0)] != res.assignment[("s0", 0)]
    assert res.entities[res.assignment[("w1", 0)]].name == "ZAT"


def test_a_bare_acronym_whose_only_sense_is_its_own_name_in_another_case_joins_it() -> None:
    """"zorb-qx" (a name, lower case) in 3 papers and "ZORB-QX" bare in 6 are one model."""
    filler = [paper(f"f{i:04d}", ent("Method", f"Filler method {i}")) for i in range(4000)]
    named = [paper(f"n{i}", ent("Model", "zorb-qx")) for i in range(3)]
    bare = [paper(f"b{i}", ent("Model", "ZORB-QX")) for i in range(6)]
    res = resolve(filler + named + bare, lexicon=None)
    assert len({res.assignment[(p.id, 0)] for p in named + bare}) == 1

