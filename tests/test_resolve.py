"""Tests of cross-paper entity resolution (kg.resolve): merges, non-merges, determinism."""

from __future__ import annotations

import random

import pytest

from kg.errors import InputError
from kg.lexicons import LexiconEntry, LexiconIndex
from kg.records import Entity, Mention, Paper, PaperExtraction
from kg.resolve import Resolution, dedupe_extractions, is_short_form, resolve, variant_key


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


def test_acronym_attaches_to_long_form_defined_in_another_paper() -> None:
    m = (Mention(0, 3, "GLS works."),)
    res = resolve(
        [
            paper(
                "p1", ent("Method", "Gradient Lattice Smoothing", "GLS", mentions=m + (Mention(5, 8, "x"),))
            ),
            paper("p2", ent("Method", "GLS", mentions=m)),
            paper("p3", ent("Method", "gradient-lattice smoothing")),
        ],
        lexicon=None,
    )
    assert len(res.entities) == 1
    e = res.entities[0]
    assert e.name == "Gradient Lattice Smoothing"
    assert e.aliases == ("GLS", "gradient-lattice smoothing")
    assert e.papers == ("p1", "p2", "p3")
    assert e.paper_count == 3
    assert e.mention_count == 2 + 1 + 1  # a record without evidence counts once


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


def test_lexicon_alias_merges_and_is_optional() -> None:
    lexicon = LexiconIndex([LexiconEntry("Method", "Harmonic Drift Estimation", ("HarmoDrift", "HDE"))])
    records = [
        paper("p1", ent("Method", "HarmoDrift")),
        paper("p2", ent("Method", "harmonic drift estimation")),
        paper("p3", ent("Method", "HDE")),
    ]
    merged = resolve(records, lexicon=lexicon)
    assert len(merged.entities) == 1
    assert set(merged.entities[0].aliases) | {merged.entities[0].name} == {
        "HarmoDrift",
        "harmonic drift estimation",
        "HDE",
    }
    long_forms = {"HarmoDrift", "harmonic drift estimation"}
    assert merged.entities[0].name in long_forms  # a long form, not the acronym
    assert len(resolve(records, lexicon=None).entities) == 3


def test_lexicon_type_must_fit() -> None:
    lexicon = LexiconIndex([LexiconEntry("Dataset", "Harmonic Drift Estimation", ("HarmoDrift",))])
    res = resolve(
        [paper("p1", ent("Method", "HarmoDrift")), paper("p2", ent("Method", "Harmonic Drift Estimation"))],
        lexicon=lexicon,
    )
    assert len(res.entities) == 2


def test_ambiguous_lexicon_acronym_does_not_attach_a_bare_acronym() -> None:
    entry = LexiconEntry("Method", "Harmonic Drift Estimation", ("HDE",), ambiguous=True)
    records = [paper("p1", ent("Method", "Harmonic Drift Estimation")), paper("p2", ent("Method", "HDE"))]
    assert len(resolve(records, lexicon=LexiconIndex([entry])).entities) == 2


def test_default_lexicon_is_the_bundled_one() -> None:
    # "default" passes kg.lexicons.default_index(): its aliases join forms no rule links
    records = [paper("p1", ent("Method", "DPO")), paper("p2", ent("Method", "direct preference optimization"))]
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
    res = resolve(
        [
            paper("p1", ent("Method", "Sparse Anchor Matching", "SAM")),
            paper("p2", ent("Model", "Spectral Atlas Model", "SAM")),
            paper("p3", ent("Model", "SAM")),
            paper("p4", ent("Method", "SAM")),
        ],
        lexicon=None,
    )
    assert groups(res) == {
        frozenset({("p1", "Sparse Anchor Matching"), ("p4", "SAM")}),
        frozenset({("p2", "Spectral Atlas Model"), ("p3", "SAM")}),
    }
    assert entity_named(res, "Model", "Spectral Atlas Model").aliases == ("SAM",)


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


def test_ambiguous_bare_acronym_attaches_by_co_mentioned_entities() -> None:
    res = resolve(
        [
            paper("p1", ent("Method", "Sparse Anchor Matching", "SAM"), ent("Dataset", "KeypointVille")),
            paper("p2", ent("Method", "Stochastic Aperture Masking", "SAM"), ent("Dataset", "ApertureSet")),
            paper("p3", ent("Method", "SAM"), ent("Dataset", "KeypointVille")),
            paper("p4", ent("Method", "SAM"), ent("Dataset", "ApertureSet"), ent("Task", "optical masking")),
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


def test_same_name_different_type_stays_apart() -> None:
    res = resolve(
        [
            paper("p1", ent("Dataset", "Borealis")),
            paper("p2", ent("Model", "Borealis")),
            paper("p3", ent("Dataset", "borealis")),
        ],
        lexicon=None,
    )
    assert sorted((e.type, e.paper_count) for e in res.entities) == [("Dataset", 2), ("Model", 1)]


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
    assert dedupe_extractions([a, b]) == dedupe_extractions([b, a])
    assert len(dedupe_extractions([a, a, b])) == 1
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
    assert {e.name: e.paper_count for e in res.entities if e.type == "Method"} == {
        "Sparse Anchor Matching": 2,
        "Stochastic Aperture Masking": 2,
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
    assert sum(len(r.entities) for r in records) == len(res.assignment)
    assert sum(e.paper_count for e in res.entities) == len(res.links)
