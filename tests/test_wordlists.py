"""The extractor's word lists (kg/extract/words/*.tsv): the strict loader, the data, the two old bugs.

The names in the sentences are invented; the words in the lists are plain
English of research prose.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from extract_support import LEXICON_OVERRIDE, extract, found

from kg.errors import InputError
from kg.extract.wordlists import FILES, WORDS_DIR, WordLists, load_word_lists
from kg.lexicons import load_lexicon
from kg.normalize import match_key


@pytest.fixture()
def words_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled word-list folder."""
    target = tmp_path / "words"
    shutil.copytree(WORDS_DIR, target)
    return target


def _append(folder: Path, name: str, line: str) -> int:
    """Append ``line`` to a word file; return its line number."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


def _line_of(folder: Path, name: str, line: str) -> int:
    return (folder / name).read_text(encoding="utf-8").splitlines().index(line) + 1


# -- the bundled data ---------------------------------------------------------------------------------


def test_bundled_lists_load_and_are_cached() -> None:
    lists = load_word_lists()
    assert isinstance(lists, WordLists)
    assert load_word_lists() is lists
    assert load_word_lists(WORDS_DIR) is not lists  # an explicit folder is read afresh
    assert lists.beside_types["benchmark"] == "Dataset"
    assert lists.proposal_heads >= lists.method_heads  # derived, not retyped
    assert lists.weak_task_heads <= lists.task_heads and lists.weak_method_heads <= lists.method_heads
    assert lists.naming_words <= set(lists.naming_cues)
    assert lists.never_names == lists.generic_acronyms | lists.metrics | lists.not_names


def test_generic_phrases_are_whole_phrases_not_split_words() -> None:
    # The old Python table split a string block on single spaces: '', 'the', 'of', 'vision' ... got in.
    generic = load_word_lists().generic
    assert {"large language models", "deep learning", "state of the art", "our method"} <= generic
    for stray in ("", "the", "of", "graph", "vision", "diffusion", "question", "large", "learning", "art"):
        assert stray not in generic, stray
    assert all(p == match_key(p) and "  " not in p for p in generic)


def test_no_generic_phrase_is_a_lexicon_form() -> None:
    generic = load_word_lists().generic
    clashes = sorted({(e.type, f) for e in load_lexicon() for f in e.forms if match_key(f) in generic})
    assert clashes == []


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("retrieval", "Task"),
        ("estimation", "Task"),
        ("alignment", "Method"),
        ("manipulation", "Method"),
        ("regression", "Method"),
        ("inference", "Method"),
        ("search", "Method"),
    ],
)
def test_the_seven_contested_last_words_have_one_deliberate_type(word: str, expected: str) -> None:
    # A later Method dict used to overwrite the Task entries of these words in silence.
    assert load_word_lists().last_word_types[word] == expected


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_file_is_sorted_and_free_of_duplicate_lines(name: str) -> None:
    lines = (WORDS_DIR / name).read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines[1:] if line and not line.startswith("#")]
    assert len(rows) == len(set(rows))
    if name in ("cues.tsv", "endings.tsv"):  # grouped by kind, the order of the alternation kept
        return
    keys = [
        (r.split("\t")[1] if name == "never_names.tsv" else "", r.split("\t")[0].casefold()) for r in rows
    ]
    assert keys == sorted(keys), name


# -- the two bugs, end to end -------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["Vision", "Diffusion", "Graph", "Question"])
def test_a_title_name_that_is_an_ordinary_word_is_kept(nlp, word: str) -> None:
    x = extract(
        nlp, f"We release {word}, a benchmark of scanned glyphs.", title=f"{word}: A Benchmark for Glyphs"
    )
    assert found(x)[word] == ("Dataset", "proposed")


@pytest.mark.parametrize(
    ("abstract", "name", "type_"),
    [
        ("We study Zero-Shot Glyph Retrieval (ZGR) on scans.", "Zero-Shot Glyph Retrieval", "Task"),
        (
            "We study Monocular Glyph Depth Estimation (MGDE) on scans.",
            "Monocular Glyph Depth Estimation",
            "Task",
        ),
        ("We apply Kernel Glyph Regression (KGR) to scans.", "Kernel Glyph Regression", "Method"),
        ("We apply Variational Glyph Inference (VGI) to scans.", "Variational Glyph Inference", "Method"),
        ("We apply Glyph Tree Search (GTS) to scans.", "Glyph Tree Search", "Method"),
        ("We apply Glyph Feature Alignment (GFA) to scans.", "Glyph Feature Alignment", "Method"),
    ],
)
def test_an_acronym_long_form_is_typed_by_its_last_word(nlp, abstract: str, name: str, type_: str) -> None:
    assert found(extract(nlp, abstract))[name][0] == type_


# -- the loader: path:line errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "fragment"),
    [
        ("type_words.tsv", "retrieval\tMethod\tlast", "already has use 'last'"),
        ("type_words.tsv", "zorbing\tTask\thead,weak,weak", "repeats"),
        ("type_words.tsv", "zorbing\tThing\thead", "unknown type"),
        ("type_words.tsv", "zorbing\tTask\tnear", "unknown uses"),
        ("type_words.tsv", "zorbing\tTask\tweak", "'weak' qualifies a head"),
        ("type_words.tsv", "zorbnet\tModel\thead", "only Task and Method phrases have heads"),
        ("type_words.tsv", "zorbing\tTask", "expected 3 tab-separated columns"),
        ("type_words.tsv", "Zorbing\tTask\thead", "lower case"),
        ("stop_words.tsv", "the", "already appears on line"),
        ("stop_words.tsv", "zorb  blorp", "exactly one space"),
        ("generic_phrases.tsv", "large  glyph models", "exactly one space"),
        ("generic_phrases.tsv", "Glyph Models", "match_key"),
        ("never_names.tsv", "GitHub\tmetric", "already appears on line"),
        ("never_names.tsv", "ZRB\tacronym,metric", "one kind per line"),
        ("cues.tsv", "zorb\tshout", "unknown kinds"),
        ("endings.tsv", "-ish\tnominal,not_plural", "one kind per line"),
    ],
)
def test_a_bad_line_names_its_file_and_line(words_copy: Path, name: str, line: str, fragment: str) -> None:
    line_no = _append(words_copy, name, line)
    with pytest.raises(InputError) as info:
        load_word_lists(words_copy)
    assert fragment in str(info.value)
    assert info.value.path == str(words_copy / name)
    assert info.value.line == line_no
    assert f"{name}:{line_no}:" in str(info.value)


def test_a_word_in_two_contradicting_lists_is_rejected(words_copy: Path) -> None:
    # a phrase head may not also be a stop word: it could never end a phrase
    line_no = _append(words_copy, "type_words.tsv", "novel\tMethod\tpart")
    with pytest.raises(InputError) as info:
        load_word_lists(words_copy)
    assert info.value.line == line_no and info.value.path == str(words_copy / "type_words.tsv")
    assert f"also in stop_words.tsv:{_line_of(words_copy, 'stop_words.tsv', 'novel')}" in str(info.value)


def test_a_bare_word_that_is_trailing_already_is_rejected(words_copy: Path) -> None:
    (words_copy / "kind_words.tsv").write_text("word\tuses\nscheme\ttrailing,bare\n", encoding="utf-8")
    with pytest.raises(InputError, match="kind_words.tsv:2: 'scheme' is also in kind_words.tsv:2"):
        load_word_lists(words_copy)


def test_wrong_header_and_missing_file(words_copy: Path) -> None:
    (words_copy / "connectors.tsv").write_text("words\nof\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"connectors.tsv:1: first line must be the header 'word'"):
        load_word_lists(words_copy)
    (words_copy / "connectors.tsv").unlink()
    with pytest.raises(InputError, match="connectors.tsv: word list not found"):
        load_word_lists(words_copy)
    with pytest.raises(InputError, match="word-list folder not found"):
        load_word_lists(words_copy / "nowhere")


def test_comments_and_blank_lines_are_ignored(words_copy: Path) -> None:
    _append(words_copy, "ly_nouns.tsv", "# nouns, not adverbs\n\nzorbly")
    assert "zorbly" in load_word_lists(words_copy).ly_nouns


# -- the lists reach the components through the config -------------------------------------------------


def test_components_get_the_word_lists_from_the_config(words_copy: Path) -> None:
    from kg.extract.pipeline import build_pipeline

    bundled = build_pipeline(overrides=LEXICON_OVERRIDE)
    assert bundled.get_pipe("kg_names").lists is load_word_lists()
    abstract = "We pair Blorb with the Quixo-9 testbed."
    assert found(extract(bundled, abstract))["Quixo-9"][0] == "Dataset"
    # another folder, set once under [paths], reaches every component
    type_words = words_copy / "type_words.tsv"
    kept = [
        line
        for line in type_words.read_text(encoding="utf-8").splitlines()
        if not line.startswith("testbed\t")
    ]
    type_words.write_text("\n".join(kept) + "\n", encoding="utf-8")
    custom = build_pipeline(overrides={**LEXICON_OVERRIDE, "paths.words": str(words_copy)})
    assert "testbed" not in custom.get_pipe("kg_typing").lists.beside_types
    assert found(extract(custom, abstract))["Quixo-9"][0] == "Method"


def test_importing_the_loader_does_not_import_spacy() -> None:
    import subprocess
    import sys

    code = "import sys, kg.extract.wordlists; sys.exit('spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
