"""``train/pretrain.py``: the tagger's encoder pretrained on unlabelled text loads into the tagger it trains."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from train.build import pretrained_name
from train.pretrain import pretrain

TEXTS = [
    "We fine-tune Zorblax on Quibbet for scroll parsing and report gains.",
    "Quibbet is a benchmark of scrolls; Zorblax parses them with a small encoder.",
    "A masked objective teaches an encoder how words are used around names.",
] * 20


def _tok2vec_bytes(init: Path | None) -> bytes:
    import spacy

    from train.tagger import CONFIG

    config = spacy.util.load_config(CONFIG, overrides={"paths.vectors": None})
    config["components"]["tagger"]["model"]["tok2vec"]["embed"]["include_static_vectors"] = False
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    tagger = nlp.get_pipe("tagger")
    tagger.add_label("O")
    tagger.add_label("U-Model")
    nlp.initialize()
    tok2vec = tagger.model.get_ref("tok2vec")
    if init is not None:
        tok2vec.from_bytes(init.read_bytes())
    return tok2vec.to_bytes()


@pytest.mark.slow  # a few seconds of training
def test_pretrained_weights_are_deterministic_and_load_into_the_tagger(tmp_path: Path) -> None:
    first, second = tmp_path / "a.bin", tmp_path / "b.bin"
    pretrain(TEXTS, first, vectors=None, epochs=1, seed=0, log=False)
    pretrain(TEXTS, second, vectors=None, epochs=1, seed=0, log=False)
    assert first.read_bytes() == second.read_bytes()
    assert not first.with_name(first.name + ".new").exists()
    random_init = _tok2vec_bytes(None)
    loaded = _tok2vec_bytes(first)
    assert loaded != random_init  # the tagger's encoder now holds the pretrained weights
    assert loaded == _tok2vec_bytes(second)


def test_pretrained_file_name_follows_what_made_it() -> None:
    assert pretrained_name(40000, 1) == pretrained_name(40000, 1)
    assert pretrained_name(40000, 1) != pretrained_name(40000, 2)
    assert pretrained_name(40000, 1) != pretrained_name(20000, 1)
    assert pretrained_name(1, 1).startswith("pretrained-tok2vec-") and pretrained_name(1, 1).endswith(".bin")
