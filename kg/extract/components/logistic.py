"""What the two trained logistic scorers share: the probability, and reading their JSON weights.

The role scorer (:mod:`kg.extract.components.learned_roles`) and the entity
filter (:mod:`kg.extract.components.entity_filter`) are logistic regressions
over a fixed, named feature vector, fitted by ``train/`` and shipped as a
small JSON file (``features``, ``weights``, ``threshold``). A file written
for other features must not load silently: its weights would score the
wrong facts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

from kg.errors import InputError


def logistic(weights: Sequence[float], features: Sequence[float]) -> float:
    """Return the logistic function of the weighted feature sum (clipped, so it never overflows)."""
    z = sum(w * x for w, x in zip(weights, features))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def read_weights(file: Path, features: Sequence[str], what: str) -> tuple[list[float], float]:
    """Return (weights, threshold) of a scorer's JSON file; ``what`` names it in errors ("role weights").

    Raises:
        InputError: naming the file, when it is missing or unreadable, its features differ from
            ``features`` or its weights are not one number per feature.
    """
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"cannot read {what} ({err}); rebuild them with `make train`", path=file) from None
    if not isinstance(data, dict) or data.get("features") != list(features):
        raise InputError(f"{what} were trained on other features; rebuild them with `make train`", path=file)
    weights, threshold = data.get("weights"), data.get("threshold", 0.5)
    if (
        not isinstance(weights, list)
        or len(weights) != len(features)
        or not all(isinstance(w, (int, float)) for w in [*weights, threshold])
    ):
        raise InputError(f"{what}: expected {len(features)} numeric weights and a numeric threshold", path=file)
    return [float(w) for w in weights], float(threshold)
