"""``train/build.py`` reuses the static vectors a trained tagger folder carries instead of training them again."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy
import spacy
from spacy.vectors import Vectors

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from train.build import shipped_vectors


def _folder_with_vectors(path: Path, words: list[str]) -> numpy.ndarray:
    nlp = spacy.blank("en")
    nlp.vocab.strings.add("unrelated string the tagger's vocab also holds")
    table = numpy.arange(len(words) * 4, dtype="float32").reshape(len(words), 4)
    nlp.vocab.vectors = Vectors(
        strings=nlp.vocab.strings, data=table, keys=[nlp.vocab.strings.add(w) for w in words], attr="LOWER"
    )
    nlp.to_disk(path)
    return table


def test_the_vectors_are_rewritten_row_for_row(tmp_path: Path) -> None:
    words = ["zorblax", "quibbet", "scroll"]
    table = _folder_with_vectors(tmp_path / "tagger", words)
    assert shipped_vectors(tmp_path / "tagger", tmp_path / "vectors")
    copy = spacy.load(tmp_path / "vectors")
    assert copy.vocab.vectors.shape == table.shape
    for row, word in enumerate(words):
        assert numpy.array_equal(copy.vocab.vectors[copy.vocab.strings[word]], table[row])
        assert copy.vocab.vectors.find(key=word) == row
    assert "unrelated string the tagger's vocab also holds" not in copy.vocab.strings


def test_a_folder_without_vectors_gives_nothing(tmp_path: Path) -> None:
    spacy.blank("en").to_disk(tmp_path / "tagger")
    assert not shipped_vectors(tmp_path / "tagger", tmp_path / "vectors")
    assert not shipped_vectors(tmp_path / "missing", tmp_path / "vectors")
    assert not (tmp_path / "vectors").exists()


def test_the_target_folder_s_parents_are_made(tmp_path: Path) -> None:
    # A fresh clone has no build/ folder: the vectors must land in build/train/vectors anyway.
    _folder_with_vectors(tmp_path / "tagger", ["zorblax"])
    target = tmp_path / "build" / "train" / "vectors"
    assert shipped_vectors(tmp_path / "tagger", target)
    assert spacy.load(target).vocab.vectors.shape == (1, 4)
    assert not target.with_name("vectors.new").exists()
