"""Tests of kg.names: identity keys, acronyms, versions, families, and the name-rule data files.

Every name here is invented (or a made-up version of a made-up family), so
the rules are tested as rules, not as a list of the names they were built on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.name_rules import DATA_DIR, load_name_rules
from kg.name_versions import (
    acronym_compatible,
    extends,
    family_stems,
    fold_year,
    incompatibility,
    letter_codes,
    lexicon_alias_compatible,
    version_signature,
    versions_compatible,
)
from kg.names import after_connector, compound_head, is_score_like, split_type_word, split_vendor, variant_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Quorvex Lattice Networks", "quorvex-lattice network"),  # case, dash, plural
        ("ZephyrNet", "Zephyr-Net"),
        ("pre-blending", "preblending"),
        ("lattice generalisation", "Lattice Generalization"),  # British / American
        ("spectral colour modelling", "Spectral Color Modeling"),
        ("Vortex Analyser", "vortex analyzer"),
        ("Blorp Centre", "blorp center"),
        ("Glimmer Pre-training", "glimmer pre-trained"),  # -ing / -ed
        ("Masked Glimmer Coding", "Mask Glimmer Coding"),
        ("Micro-fliers recognition", "micro-flier recognition"),  # plural inside the name
        ("ZRBs", "ZRB"),  # acronym plural
        ("Markov Quorvex Process~", "Markov Quorvex Process"),  # LaTeX non-breaking space
        ("QUX'24", "QUX24"),
    ],
)
def test_variant_keys_fold_spelling_variants(a: str, b: str) -> None:
    assert variant_key(a) == variant_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ZephyrNets", "ZephyrNet"),  # a CamelCase name's "s" may be part of it
        ("Quorvex Loss", "Quorvex Los"),
        ("Blorp 2", "Blorp"),
        ("four blorps", "for blorps"),  # "our" -> "or" needs a stem of three letters
        ("ZORBING", "ZoRB"),  # an acronym-shaped name ends in no participle
        ("QUXRED benchmark", "QuXR benchmark"),
    ],
)
def test_variant_keys_keep_different_names_apart(a: str, b: str) -> None:
    assert variant_key(a) != variant_key(b)


def test_year_folding_and_letter_codes() -> None:
    assert fold_year("QUX 2024") == "QUX 24"
    assert fold_year("Blorp 2") == "Blorp 2"
    assert letter_codes("Zorb-S") == ("s",)
    assert letter_codes("ZORBS") == ()
    assert letter_codes("Zorbnet-B0") == ()  # digits stay in the variant key


@pytest.mark.parametrize(
    ("name", "signature"),
    [
        ("Zorblax", ()),
        ("Zorblax 3.1 8B Instruct", ("3.1", "8b", "instruct")),
        ("zorblax-3.1-8b-instruct", ("3.1", "8b", "instruct")),
        ("Zorblax Pro 2", ("2", "pro")),
        ("Zorblax 2 Pro", ("2", "pro")),
        ("Zorblax-4o", ("4o",)),
        ("ZorbNetv2", ("2",)),
        ("Zorb-L", ("l",)),
        ("Faster Q-Zorb", ()),  # a single letter inside the name is no size code
        ("Q5", ()),  # the first token names the family
        ("Zorbset 2024", ("24",)),
    ],
)
def test_version_signature(name: str, signature: tuple[str, ...]) -> None:
    assert tuple(sorted(signature)) == version_signature(name)


@pytest.mark.parametrize(
    ("name", "stems"),
    [
        ("Zorblax-3.1-8B-Instruct", ("Zorblax-3.1-8B", "Zorblax-3.1", "Zorblax")),
        ("Zorblax 1.5 Pro", ("Zorblax 1.5", "Zorblax")),
        ("ZORB2", ("ZORB",)),
        ("Zorbset-1k", ("Zorbset",)),
        ("Zorbset-C", ("Zorbset",)),
        ("Zorblax", ()),
        ("z4-mini", ("z4",)),
        # a size letter glued to the version: that version first, then the family
        ("Zorbv8n", ("Zorbv8", "Zorb")),
        ("Zorb11x", ("Zorb11", "Zorb")),
        ("Zorb 2s", ("Zorb 2", "Zorb")),
        # an edition letter that is no size stays part of the version
        ("Zorb-4o", ("Zorb",)),
    ],
)
def test_family_stems(name: str, stems: tuple[str, ...]) -> None:
    assert family_stems(name) == stems


@pytest.mark.parametrize(
    ("short", "long", "fits"),
    [
        ("ZLS", "Zorb Lattice Smoothing", True),
        ("ZLS2", "Zorb Lattice Smoothing 2", True),
        ("ZLS 2", "Zorb Lattice Smoothing", False),  # a version the long form lacks
        ("ZLSXL", "Zorb Lattice Smoothing XL", True),
        ("ZLS", "Zorb Lattice Smoothing XL", False),  # an edition the acronym lacks
        ("Z3", "Zorb-to-Zorb Zeta", True),  # the digit counts repeated initials
        ("ZLS-L", "Zorb Lattice Smoothing", False),  # a size code the long form lacks
    ],
)
def test_acronym_compatibility(short: str, long: str, fits: bool) -> None:
    assert acronym_compatible(short, long) is fits


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ("Zorblax", "Zorblax 1.5 Pro", "different version"),
        ("Zorblax-4o", "Zorblax-4o mini", "different version"),
        ("Zorbset", "Zorbset-SEG", "more specific name"),
        ("Zorb Lattice", "Deep Zorb Lattice", "more specific name"),
        ("Zorb Lattice Smoothing", "ZLS-TTA", "acronym does not fit"),
        ("Zorb Lattice Smoothing", "ZLS", ""),
        ("Zorbset", "Zorbset dataset", ""),  # a type word is no extension
    ],
)
def test_incompatibility_of_surfaces_an_extractor_paired(a: str, b: str, reason: str) -> None:
    assert incompatibility(a, b) == reason
    assert incompatibility(b, a) == reason


def test_vendor_prefixes_are_not_part_of_the_name() -> None:
    assert split_vendor("OpenAI zorb-3") == ("OpenAI", "zorb-3")
    assert versions_compatible("OpenAI zorb-3", "zorb-3")
    assert incompatibility("Meta-Zorblax-3-70B", "Zorblax 3 70B") == ""


def test_lexicon_aliases_may_shorten_but_not_extend_or_change_version() -> None:
    assert lexicon_alias_compatible("Zorbway", "Zorbway Open Dataset")
    assert not lexicon_alias_compatible("Zorbset-SEG", "Zorbset")
    assert not lexicon_alias_compatible("zorblax-4-0613", "Zorblax-4")
    assert lexicon_alias_compatible("ZOS", "Zorb Open Set")  # any curated acronym


def test_extends() -> None:
    assert extends("ZLS-HQ", "ZLS") and not extends("ZLSs", "ZLS")
    assert not extends("Zorbset benchmark", "Zorbset")


@pytest.mark.parametrize(
    ("surface", "head"),
    [("Zorb-based", "Zorb"), ("ZLS-Guided", "ZLS"), ("Zorb Net-powered", "Zorb Net"), ("Zorb Net", None)],
)
def test_compounds_are_not_names(surface: str, head: str | None) -> None:
    assert compound_head(surface) == head


def test_scores_are_not_versions() -> None:
    assert is_score_like("Zorb 86.54") and is_score_like("Zorb 12 %")
    assert not is_score_like("Zorb 2.5") and not is_score_like("Zorb-3.14")


def test_connectors_mark_prose_taken_into_a_name() -> None:
    assert after_connector("baselines such as Zorb Net") == "Zorb Net"
    assert after_connector("QuorumDAC uses Zorb Lattice") == "Zorb Lattice"
    assert after_connector("Named Zorb Recognition") is None  # a leading word belongs to the name
    assert after_connector("Learning from Zorb Proportions") is None


def test_type_words() -> None:
    assert split_type_word("Zorbset dataset", "Dataset") == ("Zorbset", "dataset")
    assert split_type_word("Zorbset dataset", "Model") is None
    assert split_type_word("dataset", "Dataset") is None


# --------------------------------------------------------------------------- data files


def test_bundled_rules_load() -> None:
    rules = load_name_rules()
    assert "instruct" in rules.variants and "based" in rules.compounds
    assert "dataset" in rules.type_words["Dataset"]
    assert ("isation", "ization") in rules.spelling_suffix


def _copy_rules(tmp_path: Path) -> Path:
    for name in ("spelling-variants.tsv", "name-words.tsv"):
        (tmp_path / name).write_text((DATA_DIR / name).read_text("utf-8"), "utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("file", "line", "message"),
    [
        ("spelling-variants.tsv", "suffix\tise\n", "columns"),
        ("spelling-variants.tsv", "suffix\tISE\tize\n", "lower case"),
        ("spelling-variants.tsv", "suffix\tisation\tization\n", "already listed"),
        ("spelling-variants.tsv", "flavour\tx\ty\n", "unknown kind"),
        ("name-words.tsv", "type_word\tzorbset\tParcel\n", "entity type"),
        ("name-words.tsv", "variant\tInstruct\t\n", "lower case"),
    ],
)
def test_bad_rule_lines_are_errors_with_file_and_line(
    tmp_path: Path, file: str, line: str, message: str
) -> None:
    folder = _copy_rules(tmp_path)
    path = folder / file
    text = path.read_text("utf-8")
    path.write_text(text + line, "utf-8")
    with pytest.raises(InputError) as info:
        load_name_rules(folder)
    assert message in str(info.value)
    assert f"{file}:{len(text.splitlines()) + 1}" in str(info.value)


def test_a_missing_header_is_an_error(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    (folder / "name-words.tsv").write_text("word\tkind\n", "utf-8")
    with pytest.raises(InputError, match="header"):
        load_name_rules(folder)


def _after_connector_by_scans(surface: str) -> str | None:
    """The plain reading of after_connector: one scan per connector, the furthest end wins."""
    import re

    from kg.name_rules import name_rules

    best = None
    for connector in name_rules().connectors:
        for match in re.finditer(r"(?<![\w-])" + re.escape(connector) + r"(?![\w-])", surface.lower()):
            if match.start() == 0 and surface[:1].isupper():
                continue
            best = match.end() if best is None else max(best, match.end())
    if best is None:
        return None
    return surface[best:].strip(" ,:;-") or None


def test_after_connector_agrees_with_one_scan_per_connector() -> None:
    """The single-pattern scan finds the same furthest connector, overlapping and prefix connectors included."""
    import random

    from kg.name_rules import name_rules

    connectors = list(name_rules().connectors)
    assert len(connectors) > 3
    words = ["Zorb", "net", "Lattice", "as", "such", "-", "x", "Such", *connectors, *[c.title() for c in connectors]]
    rng = random.Random(11)
    checked = 0
    for _ in range(3000):
        surface = " ".join(rng.choice(words) for _ in range(rng.randint(1, 7)))
        expected = _after_connector_by_scans(surface)
        assert after_connector(surface) == expected, surface
        checked += expected is not None
    assert checked > 200  # many of the samples do contain a connector
