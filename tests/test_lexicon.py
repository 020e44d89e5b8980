"""Tests of the curated lexicons (kg/lexicons/*.tsv) and their loader."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.extract.wordlists import load_word_lists
from kg.lexicons import (
    FLAGS,
    HEADER,
    LEXICON_DIR,
    LEXICON_FILES,
    LexiconEntry,
    LexiconIndex,
    default_index,
    load_lexicon,
)
from kg.normalize import match_key
from kg.records import ENTITY_TYPES

MIN_SIZES = {"methods.tsv": 800, "models.tsv": 1500, "datasets.tsv": 1200, "tasks.tsv": 500}

@pytest.fixture(scope="module")
def raw_lines() -> dict[str, list[str]]:
    """Every lexicon file's lines, read directly (not through the loader)."""
    return {name: (LEXICON_DIR / name).read_text(encoding="utf-8").splitlines() for name in LEXICON_FILES}


@pytest.fixture(scope="module")
def entries() -> list[LexiconEntry]:
    return load_lexicon()


def test_every_file_exists_and_has_the_header(raw_lines: dict[str, list[str]]) -> None:
    for name, lines in raw_lines.items():
        assert lines, name
        assert tuple(lines[0].split("\t")) == HEADER, name


def test_every_line_has_three_columns_and_known_flags(raw_lines: dict[str, list[str]]) -> None:
    for name, lines in raw_lines.items():
        for no, line in enumerate(lines[1:], start=2):
            cols = line.split("\t")
            assert len(cols) == 3, f"{name}:{no}"
            assert cols[0].strip() == cols[0] and cols[0], f"{name}:{no} name"
            if cols[1]:
                assert all(a and a.strip() == a for a in cols[1].split("|")), f"{name}:{no} aliases"
            if cols[2]:
                assert set(cols[2].split(",")) <= FLAGS, f"{name}:{no} flags"


def test_files_are_sorted_by_name_case_insensitively(raw_lines: dict[str, list[str]]) -> None:
    for name, lines in raw_lines.items():
        names = [line.split("\t")[0] for line in lines[1:]]
        keys = [n.casefold() for n in names]
        assert keys == sorted(keys), name


def test_sizes_meet_targets(raw_lines: dict[str, list[str]]) -> None:
    for name, minimum in MIN_SIZES.items():
        assert len(raw_lines[name]) - 1 >= minimum, name


def test_types_are_valid_and_match_file(entries: list[LexiconEntry]) -> None:
    assert {e.type for e in entries} == set(ENTITY_TYPES)
    assert all(e.type in ENTITY_TYPES for e in entries)


def test_no_surface_form_repeats_within_a_type(entries: list[LexiconEntry]) -> None:
    owner: dict[tuple[str, str], str] = {}
    for e in entries:
        for form in e.forms:
            key = (e.type, match_key(form))
            assert owner.setdefault(key, e.name) == e.name, f"{form!r} under {owner[key]!r} and {e.name!r}"


def test_forbidden_generic_phrases_are_absent(entries: list[LexiconEntry]) -> None:
    # the phrases ANNOTATION.md calls generic are one list, the extractor's (kg/extract/words/generic_phrases.tsv)
    generic = load_word_lists().generic
    assert {"large language models", "deep learning", "our approach", "diffusion models"} <= generic
    hits = sorted({(e.type, form) for e in entries for form in e.forms if match_key(form) in generic})
    assert hits == []


def test_no_form_is_empty_or_holds_separators(entries: list[LexiconEntry]) -> None:
    for e in entries:
        for form in e.forms:
            assert form and "\t" not in form and "|" not in form and "\n" not in form, e.name


def test_case_insensitive_flag_only_on_methods_and_tasks(entries: list[LexiconEntry]) -> None:
    flagged = {e.type for e in entries if e.case_insensitive}
    assert flagged <= {"Method", "Task"}
    # tasks are ordinary lower-case phrases: nearly all carry the flag
    tasks = [e for e in entries if e.type == "Task"]
    assert sum(e.case_insensitive for e in tasks) / len(tasks) > 0.95


@pytest.mark.parametrize(
    ("surface", "etype", "name"),
    [
        ("DPO", "Method", "Direct Preference Optimization"),
        ("direct preference optimization", "Method", "Direct Preference Optimization"),
        ("LoRA", "Method", "low-rank adaptation"),
        ("Contrastive Learning", "Method", "contrastive learning"),
        ("RLHF", "Method", "reinforcement learning from human feedback"),
        ("GRPO", "Method", "Group Relative Policy Optimization"),
        ("gpt4o", "Model", "GPT-4o"),
        ("GPT 4o", "Model", "GPT-4o"),
        ("Llama-3.1-8B", "Model", "Llama 3.1 8B"),
        ("Meta-Llama-3.1-8B-Instruct", "Model", "Llama 3.1 8B Instruct"),
        ("Qwen2.5-VL-3B-Instruct", "Model", "Qwen2.5-VL-3B-Instruct"),
        ("ResNet50", "Model", "ResNet-50"),
        ("ViT-B/16", "Model", "ViT-B/16"),
        ("Mistral-7B", "Model", "Mistral 7B"),
        ("ILSVRC2012", "Dataset", "ImageNet-1k"),
        ("ImageNet-1K", "Dataset", "ImageNet-1k"),
        ("ImageNet-22K", "Dataset", "ImageNet-21k"),
        ("gsm8k", "Dataset", "GSM8K"),
        ("BBH", "Dataset", "BIG-Bench Hard"),
        ("ML-1M", "Dataset", "MovieLens-1M"),
        ("ogbn-arxiv", "Dataset", "ogbn-arxiv"),
        ("NER", "Task", "named entity recognition"),
        ("ASR", "Task", "automatic speech recognition"),
        ("Semantic Segmentation", "Task", "semantic segmentation"),
    ],
)
def test_lookup_finds_variants(surface: str, etype: str, name: str) -> None:
    assert [e.name for e in default_index().lookup(surface, type=etype)] == [name]  # type: ignore[arg-type]


def test_lookup_returns_homonyms_of_different_types() -> None:
    found = {(e.type, e.name) for e in default_index().lookup("SAM")}
    assert ("Method", "Sharpness-Aware Minimization") in found
    assert ("Model", "Segment Anything Model") in found
    assert default_index().lookup("no such thing at all") == []


def test_ambiguous_words_are_flagged() -> None:
    idx = default_index()
    for surface, etype in [("Adam", "Method"), ("CLIP", "Model"), ("Gemini", "Model"), ("Falcon", "Model")]:
        (entry,) = idx.lookup(surface, type=etype)  # type: ignore[arg-type]
        assert entry.ambiguous, surface


def test_matches_any_case_keeps_acronyms_case_sensitive() -> None:
    (rl,) = default_index().lookup("reinforcement learning", type="Method")
    assert rl.matches_any_case("reinforcement learning")
    assert not rl.matches_any_case("RL")
    (bert,) = default_index().lookup("BERT", type="Model")
    assert not bert.matches_any_case("BERT")


def test_default_load_is_cached() -> None:
    first = load_lexicon()
    second = load_lexicon()
    assert first == second and first is not second  # callers may mutate their list
    assert default_index() is default_index()


def test_uncached_load_matches_the_cached_default() -> None:
    # Speed is measured in bench/, never asserted in a unit test.
    entries = load_lexicon(LEXICON_DIR)
    assert entries == load_lexicon()
    assert LexiconIndex(entries).lookup(entries[0].name)


def test_importing_the_loader_does_not_import_spacy() -> None:
    code = "import sys, kg.lexicons; sys.exit('spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_load_single_file_and_folder(tmp_path: Path) -> None:
    _write(tmp_path, "models.tsv", "name\taliases\tflags\nFooNet-7B\tFooNet 7B|foonet-7b\tambiguous\n")
    _write(tmp_path, "tasks.tsv", "name\taliases\tflags\nfoo detection\t\tcase_insensitive\n")
    (model,) = load_lexicon(tmp_path / "models.tsv")
    assert model == LexiconEntry("Model", "FooNet-7B", ("FooNet 7B", "foonet-7b"), ambiguous=True)
    assert {e.type for e in load_lexicon(tmp_path)} == {"Model", "Task"}


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ("name\taliases\tflags\nGood\t\t\nBad line without tabs\n", 3, "3 tab-separated columns"),
        ("name\taliases\tflags\nA\tB||C\t\n", 2, "empty alias"),
        ("name\taliases\tflags\nA\t\tshiny\n", 2, "unknown flag"),
        ("name\taliases\tflags\n\tB\t\n", 2, "empty name"),
        ("name\taliases\tflags\nA\tAB\t\nB\tab\t\n", 3, "already appears on line 2"),
        ("name\taliases\n", 1, "header"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path: Path, body: str, line: int, fragment: str) -> None:
    path = _write(tmp_path, "methods.tsv", body)
    with pytest.raises(InputError) as info:
        load_lexicon(path)
    assert info.value.line == line
    assert info.value.path == str(path)
    assert fragment in str(info.value)
    assert f"methods.tsv:{line}" in str(info.value)


def test_unknown_file_name_and_missing_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "things.tsv", "name\taliases\tflags\n")
    with pytest.raises(InputError, match="unknown lexicon file name"):
        load_lexicon(path)
    with pytest.raises(InputError, match="not found"):
        load_lexicon(tmp_path / "models.tsv")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no lexicon files"):
        load_lexicon(empty)


def test_lookup_rejects_unknown_type() -> None:
    with pytest.raises(ValueError):
        default_index().lookup("BERT", type="Thing")  # type: ignore[arg-type]


def test_an_acronym_abstracts_mostly_use_for_a_metric_is_no_lexicon_name() -> None:
    # "MAE" in abstracts is mostly mean absolute error (a metric, not an entity): the shipped
    # lexicon knows masked autoencoders by their long forms only, so the learned pipeline's lexicon
    # fill (which adds exact lexicon names the tagger left) adds no "MAE".
    from kg.extract import extract_papers
    from kg.extract.pipelines import pipeline_config
    from kg.records import Paper

    paper = Paper("p1", "Zorb forecasting", "Zorbcast reaches an MAE of 0.92. We pretrain with masked autoencoders.")
    (record,) = extract_papers([paper], config=pipeline_config("default"))
    names = {(e.type, e.name) for e in record.entities}
    assert ("Method", "masked autoencoders") in names
    assert not any("MAE" in (e.name, *e.aliases) for e in record.entities), names
