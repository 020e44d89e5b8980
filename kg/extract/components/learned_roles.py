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

import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spacy.tokens import Doc
from spacy.util import registry

from kg.errors import InputError
from kg.extract.components.common import Candidate, cue_windows, doc_text, title_range

ROLES_FILE = Path(__file__).resolve().parents[1] / "learned" / "roles.json"
"""The bundled role weights (rebuilt by ``make train``)."""

TYPES = ("Method", "Model", "Dataset", "Task")
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
    *(f"type_{t}" for t in TYPES),
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
    doc: Doc, draft: Any, members: Sequence[Candidate], *, cues: Any, abbreviations: Sequence[Any] = ()
) -> list[float]:
    """Return the feature vector (see :data:`FEATURES`) of one entity draft of a Doc.

    ``cues`` are the cue patterns of the word lists (:func:`kg.extract.components.patterns.cue_patterns`).
    """
    text = doc_text(doc)
    title = title_range(doc)
    title_end = title[1] if title else 0
    abstract_start = title_end + 2 if title else 0
    proposals, naming = cue_windows(doc, cues)
    mentions = sorted(draft.mentions)
    in_title = any(s < title_end for s, _ in mentions)
    title_prefix = any(
        s == 0 and _TITLE_PREFIX_END.match(text, e) is not None and e < title_end for s, e in mentions
    )
    in_proposal = any(o_s <= s < o_e for s, _ in mentions for _, o_s, o_e in proposals)
    in_naming = any(n_s <= s < n_e for s, _ in mentions for n_s, n_e in naming)
    owned = any(_OWNED.search(text, max(0, s - 40), s) for s, _ in mentions)
    appositive = any(_APPOSITIVE.match(text, e) for _, e in mentions)
    forms = {draft.name.casefold(), *(a.casefold() for a in draft.aliases)}
    acronym = any(p["long"].casefold() in forms or p["short"].casefold() in forms for p in abbreviations)
    body = [s for s, _ in mentions if s >= abstract_start]
    length = max(1, len(text) - abstract_start)
    first = (body[0] - abstract_start) / length if body else 1.0
    name = draft.name
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
        *(float(draft.type == t) for t in TYPES),
    ]


class RoleScorer:
    """Score entities with trained logistic weights; proposed above the threshold."""

    def __init__(self, weights: Sequence[float], threshold: float = 0.5) -> None:
        if len(weights) != len(FEATURES):
            raise ValueError(f"expected {len(FEATURES)} role weights, got {len(weights)}")
        self.weights = [float(w) for w in weights]
        self.threshold = threshold

    def probability(self, features: Sequence[float]) -> float:
        """Return P(proposed) for one feature vector."""
        z = sum(w * x for w, x in zip(self.weights, features))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def assign(self, doc: Doc, drafts: list[Any], groups: Sequence[Sequence[Candidate]], *, cues: Any) -> None:
        """Set each draft's role from its features (drafts and groups in the same order)."""
        pairs = _abbreviations(doc)
        for draft, members in zip(drafts, groups):
            p = self.probability(entity_features(doc, draft, members, cues=cues, abbreviations=pairs))
            draft.role = "proposed" if p >= self.threshold else "used"

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
def learned_roles(path: str | None = None) -> RoleScorer:
    """Load role weights written by ``train/roles.py`` (the bundled file when ``path`` is None).

    Raises:
        InputError: naming the file, when it is missing or its features differ from :data:`FEATURES`.
    """
    file = Path(path) if path else ROLES_FILE
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"cannot read role weights ({err}); rebuild them with `make train`", path=file) from None
    if data.get("features") != list(FEATURES):
        raise InputError("role weights were trained on other features; rebuild them with `make train`", path=file)
    return RoleScorer(data["weights"], float(data.get("threshold", 0.5)))
