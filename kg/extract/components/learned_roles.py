"""Learned ``proposed`` / ``used`` roles: a logistic scorer over a few facts about each entity.

The rule of ``kg_roles`` fires on cue phrases ("we propose X", "our X").
What a paper introduces also shows in where and how a name appears: in the
title, as the title's prefix ("X: ..."), coined (capitals or digits inside a
word), defined with an acronym, never found in the lexicons of well-known
names. No single fact decides; a logistic regression trained on the
annotated papers (``train/roles.py``) weighs them. Its weights are a small
JSON file that arrives through the config (``kg.learned_roles.v1``).

The scorer is pure Python over the Doc text, the candidates and the cue
windows of :mod:`kg.extract.components.common`; :class:`LearnedAssembler`
calls :meth:`RoleScorer.assign` on its drafts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spacy.tokens import Doc
from spacy.util import registry

from kg.extract.components.common import Candidate, cue_windows, doc_text, title_range
from kg.extract.components.logistic import logistic, read_weights
from kg.extract.components.patterns import CuePatterns, cue_patterns
from kg.extract.wordlists import load_word_lists
from kg.records import ENTITY_TYPES

ROLES_FILE = Path(__file__).resolve().parents[1] / "learned" / "roles.json"
"""The bundled role weights (rebuilt by ``make train``)."""

FEATURES = (
    "bias",
    "in_title",
    "title_prefix",
    "rule_cue",
    "proposal_window",
    "naming_window",
    "owned",
    "new_appositive",
    "known",
    "acronym_defined",
    "log_mentions",
    "first_position",
    "coined",
    "lowercase",
    "coined_in_title",
    *(f"type_{t}" for t in ENTITY_TYPES),
)
"""Feature names, in the order of the weight vector."""

_OWNED = re.compile(r"\b(?:our|proposed|novel|new|this|present)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_APPOSITIVE = re.compile(
    r"\s*(?:\([^()\n]{1,30}\)\s*)?(?:,|:|\bis|\u2014|--)\s*(?:a|an|the|our)?\s*(?:[\w-]+\s+){0,2}?"
    r"(?:novel|new|first|proposed|unified|simple)\b",
    re.IGNORECASE,
)
_TITLE_PREFIX_END = re.compile(r"\s*(?:\([^()]{1,30}\)\s*)?(?::|\s-\s|\u2014|\u2013)")


def entity_features(
    doc: Doc,
    draft: dict[str, Any],
    members: Sequence[Candidate],
    *,
    cues: CuePatterns,
    abbreviations: Sequence[dict[str, Any]] = (),
) -> list[float]:
    """Return the feature vector (see :data:`FEATURES`) of one entity (a ``kg_entities`` dict) of a Doc."""
    text = doc_text(doc)
    title = title_range(doc)
    title_end = title[1] if title else 0
    abstract_start = title_end + 2 if title else 0
    proposals, naming = cue_windows(doc, cues)
    mentions = sorted((s, e) for s, e in draft["mentions"])
    in_title = any(s < title_end for s, _ in mentions)
    title_prefix = any(
        s == 0 and _TITLE_PREFIX_END.match(text, e) is not None and e < title_end for s, e in mentions
    )
    in_proposal = any(o_s <= s < o_e for s, _ in mentions for _, o_s, o_e in proposals)
    in_naming = any(n_s <= s < n_e for s, _ in mentions for n_s, n_e in naming)
    owned = any(_OWNED.search(text, max(0, s - 40), s) for s, _ in mentions)
    appositive = any(_APPOSITIVE.match(text, e) for _, e in mentions)
    forms = {draft["name"].casefold(), *(a.casefold() for a in draft["aliases"])}
    acronym = any(p["long"].casefold() in forms or p["short"].casefold() in forms for p in abbreviations)
    body = [s for s, _ in mentions if s >= abstract_start]
    length = max(1, len(text) - abstract_start)
    first = (body[0] - abstract_start) / length if body else 1.0
    name = draft["name"]
    coined = any(
        any(ch.isupper() for ch in word[1:]) or any(ch.isdigit() for ch in word) for word in name.split()
    )
    return [
        1.0,
        float(in_title),
        float(title_prefix),
        float(any(c.proposed for c in members)),
        float(in_proposal),
        float(in_naming),
        float(owned),
        float(appositive),
        float(any(c.known for c in members)),
        float(acronym),
        math.log1p(len(mentions)),
        first,
        float(coined),
        float(name == name.lower()),
        float(coined and in_title),
        *(float(draft["type"] == t) for t in ENTITY_TYPES),
    ]


class RoleScorer:
    """Score entities with trained logistic weights; proposed above the threshold."""

    def __init__(self, weights: Sequence[float], threshold: float = 0.5, *, cues: CuePatterns | None = None) -> None:
        if len(weights) != len(FEATURES):
            raise ValueError(f"expected {len(FEATURES)} role weights, got {len(weights)}")
        self.weights = [float(w) for w in weights]
        self.threshold = threshold
        self.cues = cues or cue_patterns(load_word_lists())

    def probability(self, features: Sequence[float]) -> float:
        """Return P(proposed) for one feature vector."""
        return logistic(self.weights, features)

    def assign(self, doc: Doc, drafts: list[dict[str, Any]], groups: Sequence[Sequence[Candidate]]) -> None:
        """Set each entity's role from its features (entities and groups in the same order)."""
        pairs = _abbreviations(doc)
        for draft, members in zip(drafts, groups):
            p = self.probability(entity_features(doc, draft, members, cues=self.cues, abbreviations=pairs))
            draft["role"] = "proposed" if p >= self.threshold else "used"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (feature names beside the weights, for readers)."""
        return {
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "threshold": self.threshold,
        }


def _abbreviations(doc: Doc) -> Sequence[Any]:
    from kg.extract.components.common import get_ext

    return get_ext(doc, "kg_abbreviations") or ()


@registry.misc("kg.learned_roles.v1")
def learned_roles(path: str | None = None, words: str | None = None) -> RoleScorer:
    """Load role weights written by ``train/roles.py`` (the bundled file when ``path`` is None).

    ``words`` is the word-list folder whose cue phrases the features read
    (``kg/extract/words/`` when None), as ``paths.words`` in the config.

    Raises:
        InputError: naming the file, when it is missing or its features differ from :data:`FEATURES`.
    """
    weights, threshold = read_weights(Path(path) if path else ROLES_FILE, FEATURES, "role weights")
    return RoleScorer(weights, threshold, cues=cue_patterns(load_word_lists(words)))
