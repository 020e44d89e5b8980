"""``train/tagger.py``: the training loop takes its settings from ``train/tagger.cfg``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

RECORDS = [
    {
        "id": "t1",
        "title": "Zorbnet for quux detection",
        "abstract": "We propose Zorbnet, trained on the QuuxSet benchmark for quux detection.",
        "entities": [
            {"type": "Method", "name": "Zorbnet", "aliases": [], "role": "proposed"},
            {"type": "Dataset", "name": "QuuxSet", "aliases": [], "role": "used"},
            {"type": "Task", "name": "quux detection", "aliases": [], "role": "used"},
        ],
        "links": [],
    }
]


def test_training_uses_the_configs_dropout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spacy.language import Language

    from train.tagger import train

    drops: list[float] = []
    update = Language.update

    def spy(self: Language, examples: Any, **kwargs: Any) -> Any:
        drops.append(kwargs["drop"])
        return update(self, examples, **kwargs)

    monkeypatch.setattr(Language, "update", spy)
    train(RECORDS, tmp_path / "tagger", vectors=None, epochs=1, seed=0, log=False, overrides={"training.dropout": 0.05})
    assert drops == [0.05]
    assert (tmp_path / "tagger" / "config.cfg").is_file()
