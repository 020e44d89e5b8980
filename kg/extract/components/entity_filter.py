"""Which assembled entities to keep: a logistic scorer over what each entity's mentions show together.

The tagger judges one mention at a time, by the mean probability of its tags;
a single cut on that (``min_probability`` of ``kg_learned``) throws away a
name the tagger was unsure of at each of its three mentions, though the rules
found the same span and the title writes it, and keeps a lone lower-case
phrase it was fairly sure of. Whether an entity is one the guide counts shows
better in its mentions together: how sure the tagger was at each, how many
there are, whether the rules found the same span, what the name looks like,
how clearly one type won. A logistic regression trained on papers the tagger
did not learn from (``train/entity_filter.py``) weighs these facts; the tagger
then keeps every mention above a low cut and this filter decides.

:class:`~kg.extract.components.learned_assembly.LearnedAssembler` applies
the filter to its finished drafts (type, name and role set): an entity stays
when :meth:`EntityFilter.probability` reaches the threshold, and that
probability becomes its confidence. The weights are a small JSON file that arrives through the config
(``kg.entity_filter.v1``), like the role scorer's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from spacy.util import registry

from kg.extract.components.common import Candidate, norm_key
from kg.extract.components.logistic import logistic, read_weights
from kg.records import ENTITY_TYPES

FILTER_FILE = Path(__file__).resolve().parents[1] / "learned" / "entity_filter.json"
"""The bundled filter weights (rebuilt by ``make train``)."""

#: A tagger mention at least this sure counts as confident (``confident_share``): the single cut used before.
CONFIDENT = 0.7

WITHOUT_FILTER: dict[str, Any] = {
    "components.kg_learned_assembly.entity_filter": None,
    "components.kg_learned.min_probability": CONFIDENT,
    "components.kg_learned.agreed_min_probability": 0.5,
}
"""Config overrides of the learned pipeline without the filter: the tagger's own cuts as before it.

Setting only the filter to null would leave ``kg_learned`` keeping every
mention above 0.2, with nothing to judge them.
"""

FEATURES = (
    "bias",
    "max_confidence",
    "mean_confidence",
    "confident_share",
    "log_mentions",
    "log_tagged",
    "rules_same_span",
    "rules_same_text",
    "rules_same_type",
    "known",
    "untagged",
    "in_title",
    "first_position",
    "type_share",
    "words",
    "log_chars",
    "lowercase",
    "acronym",
    "digit",
    "hyphen",
    "title_case",
    "defined",
    "proposed",
    "proposed_probability",
    "type_word",
    *(f"type_{t}" for t in ENTITY_TYPES),
)
"""Feature names, in the order of the weight vector."""

_ACRONYM = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Z0-9][A-Za-z0-9\-]*")


class RuleFinds:
    """What the rules found in one Doc, indexed for the filter: spans, and types by normalised text."""

    def __init__(self, found: Sequence[Candidate], tagger: str) -> None:
        self.spans: set[tuple[int, int]] = set()
        self.types: dict[str, set[str]] = {}
        for cand in found:
            if cand.component == tagger:
                continue
            self.spans.add((cand.start, cand.end))
            self.types.setdefault(norm_key(cand.text), set()).add(cand.type or "")


def entity_features(
    draft: dict[str, Any],
    members: Sequence[Candidate],
    rules: RuleFinds,
    *,
    tagger: str,
    title_end: int,
    text_length: int,
    type_words: Collection[str],
) -> list[float]:
    """Return the feature vector (see :data:`FEATURES`) of one assembled entity and its candidates."""
    tagged = [c for c in members if c.component == tagger]
    confidences = [c.confidence for c in tagged]
    keys = {norm_key(c.text) for c in members}
    rule_types = set().union(*(rules.types.get(k, set()) for k in keys))
    votes: dict[str, float] = {}
    for cand in tagged:
        for type_, mass in cand.type_scores or ((cand.type or "", 1.0),):
            votes[type_] = votes.get(type_, 0.0) + mass
    beliefs = [c.proposed_probability for c in tagged if c.proposed_probability is not None]
    name = draft["name"]
    words = name.split()
    starts = [s for s, _ in draft["mentions"]]
    return [
        1.0,
        max(confidences, default=0.0),
        sum(confidences) / len(confidences) if confidences else 0.0,
        sum(c >= CONFIDENT for c in confidences) / len(confidences) if confidences else 0.0,
        math.log1p(len(draft["mentions"])),
        math.log1p(len(tagged)),
        float(any((c.start, c.end) in rules.spans for c in tagged)),
        float(bool(rule_types)),
        float(draft["type"] in rule_types),
        float(any(c.known for c in members)),
        float(not tagged),
        float(any(s < title_end for s in starts)),
        min(starts, default=0) / max(1, text_length),
        votes.get(draft["type"], 0.0) / mass if (mass := sum(votes.values())) > 0 else 0.0,
        float(min(len(words), 6)) / 6,
        math.log1p(len(name)) / 4,
        float(name == name.lower()),
        float(bool(_ACRONYM.fullmatch(name)) or any(_ACRONYM.fullmatch(a) for a in draft["aliases"])),
        float(any(ch.isdigit() for ch in name)),
        float("-" in name),
        float(all(w[:1].isupper() or w[:1].isdigit() for w in words)),
        float(bool(draft["aliases"])),
        float(draft["role"] == "proposed"),
        sum(beliefs) / len(beliefs) if beliefs else 0.0,
        float(bool(words) and words[-1].lower() in type_words),
        *(float(draft["type"] == t) for t in ENTITY_TYPES),
    ]


class EntityFilter:
    """Trained logistic weights and the probability an entity needs to be kept."""

    def __init__(self, weights: Sequence[float], threshold: float = 0.5) -> None:
        if len(weights) != len(FEATURES):
            raise ValueError(f"expected {len(FEATURES)} filter weights, got {len(weights)}")
        self.weights = [float(w) for w in weights]
        self.threshold = threshold

    def probability(self, features: Sequence[float]) -> float:
        """Return the probability that an entity with these features is one the guide counts."""
        return logistic(self.weights, features)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (feature names beside the weights, for readers)."""
        return {
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "threshold": self.threshold,
        }


@registry.misc("kg.entity_filter.v1")
def entity_filter(path: str | None = None) -> EntityFilter:
    """Load filter weights written by ``train/entity_filter.py`` (the bundled file when ``path`` is None).

    Raises:
        InputError: naming the file, when it is missing or its features differ from :data:`FEATURES`.
    """
    weights, threshold = read_weights(Path(path) if path else FILTER_FILE, FEATURES, "entity filter weights")
    return EntityFilter(weights, threshold)
