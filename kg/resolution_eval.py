"""Score entity resolution against a gold of labelled pairs of real surface forms.

The gold (``tests/data/resolution/gold.jsonl``, provenance in the README
beside it) holds pairs of surface forms mined from a real extraction, each
labelled ``same`` (one entity), ``different``, ``a_broader`` / ``b_broader``
(different entities, one the family of the other: "Gemini" of
"Gemini 1.5 Pro") or ``unclear``. A :class:`~kg.resolve.Resolution` of the
extraction the pairs were mined from is scored on two questions:

* **merge decisions**, pairwise: each side of a pair (a surface, as the
  extractor typed it) has a *dominant* entity, the one that holds it in
  most papers (none on a tie; an acronym counts in every paper that uses
  it, whatever its extracted type, except when both sides are one string
  with two types); the pair counts as merged when both sides have the
  same dominant entity and, for an acronym, that entity holds at least
  :data:`ACRONYM_SHARE` of its papers (a polysemous acronym is merged with
  none of its senses: the labellers' "no global merge"). This is the labellers' reading: "is the node this
  surface leads to the node of that one?" (a polysemous acronym leads to
  its main sense, so a minority expansion is ``different``). ``same``
  pairs are the positives, every other label a negative, ``unclear`` is
  left out. Precision and recall are over pairs.
* **family links**: an ``a_broader`` pair is right when the entities that
  hold most of ``a``'s and of ``b``'s papers differ and ``a``'s is reached
  from ``b``'s by following ``broader`` links (``b_broader`` likewise).

This module only measures; no rule may be tuned on the gold (GUIDE.md).
Stdlib only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.io import read_jsonl_numbered
from kg.names import is_short_form
from kg.normalize import collapse_whitespace
from kg.records import ENTITY_TYPES, EntityType
from kg.resolve import Resolution

__all__ = [
    "LABELS",
    "GoldPair",
    "ResolutionScores",
    "load_resolution_gold",
    "score_resolution",
]

LABELS = ("same", "different", "a_broader", "b_broader", "unclear")
#: An acronym counts as merged with a long form when that entity holds at
#: least this share of the papers using the acronym ("overwhelmingly"); a
#: polysemous acronym is an alias of each sense, not merged with any.
ACRONYM_SHARE = 0.9
_TYPED = re.compile(r"^(?P<name>.*\S)\s*\[(?P<type>[A-Za-z]+)\]$")
_DEFINED = re.compile(r"^(?P<long>.*\S)\s+\((?P<short>[^()]+)\)$")

Side = tuple[EntityType, str]


@dataclass(frozen=True)
class GoldPair:
    """One labelled decision: are the surfaces ``a`` and ``b`` (each with its type) one entity?"""

    pair: int
    category: str
    label: str
    a: Side
    b: Side
    reason: str = ""


def _entity_type(text: str, *, path: Path, line: int) -> EntityType:
    if text not in ENTITY_TYPES:
        raise InputError(
            f"unknown entity type {text!r}; expected one of {', '.join(ENTITY_TYPES)}", path=path, line=line
        )
    return text  # type: ignore[return-value]


def _sides(row: dict[str, Any], *, path: Path, line: int) -> tuple[Side, Side]:
    """Read the two typed surfaces of a gold line in its three spellings.

    ``a``/``b`` with one ``type``; ``"X [Method]"`` / ``"X [Dataset]"`` for a
    surface seen with two types; ``"Long one (S)"`` / ``"Long two (S)"`` with
    ``type`` ``"T1/T2"`` for two expansions of one acronym.
    """
    a, b, types = str(row["a"]), str(row["b"]), str(row["type"]).split("/")
    out: list[Side] = []
    for i, text in enumerate((a, b)):
        typed = _TYPED.match(text)
        if typed:
            out.append(
                (_entity_type(typed["type"], path=path, line=line), collapse_whitespace(typed["name"]))
            )
            continue
        etype = _entity_type(types[min(i, len(types) - 1)], path=path, line=line)
        defined = _DEFINED.match(text) if len(types) == 2 else None
        out.append((etype, collapse_whitespace(defined["long"] if defined else text)))
    return out[0], out[1]


def load_resolution_gold(path: str | Path) -> list[GoldPair]:
    """Read a resolution gold file (JSON Lines, one labelled pair a line).

    Raises:
        InputError: unreadable file, bad JSON, a missing field, an unknown
            label or type; the message names file and line.
    """
    p = Path(path)
    pairs: list[GoldPair] = []
    for line_no, row in read_jsonl_numbered(p):
        missing = [k for k in ("pair", "a", "b", "type", "category", "label") if k not in row]
        if missing:
            raise InputError(f"missing field(s) {', '.join(missing)}", path=p, line=line_no)
        if row["label"] not in LABELS:
            raise InputError(
                f"unknown label {row['label']!r}; expected one of {', '.join(LABELS)}", path=p, line=line_no
            )
        a, b = _sides(row, path=p, line=line_no)
        pairs.append(
            GoldPair(int(row["pair"]), str(row["category"]), row["label"], a, b, str(row.get("reason", "")))
        )
    return pairs


@dataclass
class ResolutionScores:
    """Pairwise merge scores and family-link accuracy, overall and per category.

    Attributes:
        tp / fp / fn / tn: merge decisions against ``same`` (positive) and
            every other label (negative).
        family_total / family_correct: ``a_broader`` and ``b_broader`` pairs,
            and those whose family link the resolution made.
        spurious_family: ``same`` or ``different`` pairs one of which the
            resolution made the family of the other.
        missing: pairs with a side the corpus does not hold (counted as not merged).
        dropped_same: ``same`` pairs *neither* of whose surfaces the resolution
            holds (both dropped as no entity under the guide: an imaging
            modality, a "-based" compound); counted in ``fn`` like any other
            miss, and reported so a reader can tell a merge missed from an
            entity-hood decision (:attr:`recall_of_held`).
        per_category: category -> the same counts for its pairs.
        errors: ``(pair, what went wrong, a, b)`` for every wrong decision.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    family_total: int = 0
    family_correct: int = 0
    spurious_family: int = 0
    missing: int = 0
    dropped_same: int = 0
    per_category: dict[str, Counter[str]] = field(default_factory=dict)
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Merged pairs that are ``same``, over all merged pairs (1.0 when nothing was merged)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """``same`` pairs that were merged, over all ``same`` pairs."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def recall_of_held(self) -> float:
        """Recall over the ``same`` pairs the resolution still holds a side of.

        A pair both of whose surfaces were dropped as no entity asks no merge
        question of the resolution; this figure leaves those out. The
        headline :attr:`recall` keeps them as misses.
        """
        held = self.tp + self.fn - self.dropped_same
        return self.tp / held if held else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def family_accuracy(self) -> float:
        """Family pairs whose link was made, over all family pairs."""
        return self.family_correct / self.family_total if self.family_total else 1.0

    def to_dict(self) -> dict[str, Any]:
        """Return the scores as plain data (sorted categories)."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "family_accuracy": round(self.family_accuracy, 4),
            "family_correct": self.family_correct,
            "family_total": self.family_total,
            "spurious_family": self.spurious_family,
            "missing": self.missing,
            "dropped_same": self.dropped_same,
            "recall_of_held": round(self.recall_of_held, 4),
            "per_category": {k: dict(sorted(v.items())) for k, v in sorted(self.per_category.items())},
        }


def _side_entities(
    resolution: Resolution, sides: Iterable[Side], *, any_type: bool
) -> dict[Side, Counter[int]]:
    """Map each typed surface to the entities holding it, with how many papers each.

    With ``any_type``, an acronym counts in every paper that uses it,
    whatever type the extractor gave it there (a type is a guess for an
    acronym, and the question is what the acronym as such stands for);
    otherwise, and for longer names always, a surface counts where the
    extractor gave it the side's type.
    """
    wanted: dict[str, set[EntityType]] = {}
    for etype, surface in sides:
        wanted.setdefault(surface, set()).add(etype)
    typed_in: dict[tuple[str, str], set[EntityType]] = {}
    for record in resolution.extractions:
        for entity in record.entities:
            for surface in {collapse_whitespace(s) for s in (entity.name, *entity.aliases)}:
                types = wanted.get(surface)
                if not types:
                    continue
                if any_type and is_short_form(surface):
                    typed_in.setdefault((record.id, surface), set()).update(types)
                elif entity.type in types:
                    typed_in.setdefault((record.id, surface), set()).add(entity.type)
    found: dict[Side, Counter[int]] = {side: Counter() for side in sides}
    for link in resolution.links:
        for surface in {link.name, *link.aliases}:
            for etype in typed_in.get((link.paper_id, surface), ()):
                found[(etype, surface)][link.entity] += 1
    return found


def _ancestors(resolution: Resolution, entity: int) -> list[int]:
    chain: list[int] = []
    seen = {entity}
    parent = resolution.entities[entity].broader
    while parent is not None and parent not in seen:
        chain.append(parent)
        seen.add(parent)
        parent = resolution.entities[parent].broader
    return chain


def _dominant(counts: Counter[int]) -> int | None:
    """Return the entity holding a surface in most papers; ``None`` when none or a tie (no single node)."""
    if not counts:
        return None
    ranked = counts.most_common(2)
    if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def score_resolution(resolution: Resolution, gold: Sequence[GoldPair]) -> ResolutionScores:
    """Score a resolution of the gold's source extraction against the gold pairs.

    Returns:
        The :class:`ResolutionScores` (see the module docstring for the rules).
    """
    sides = {side for pair in gold for side in (pair.a, pair.b)}
    typed = _side_entities(resolution, sides, any_type=False)
    loose = _side_entities(resolution, sides, any_type=True)
    scores = ResolutionScores()
    for pair in gold:
        if pair.label == "unclear":
            continue
        # One string with two types asks whether the two typed uses meet; any other pair
        # asks what each surface stands for, an acronym whatever its extracted type.
        held = typed if pair.a[1] == pair.b[1] else loose
        in_a, in_b = held[pair.a], held[pair.b]
        counts = scores.per_category.setdefault(pair.category, Counter())
        if not in_a or not in_b:
            scores.missing += 1
            counts["missing"] += 1
            if not in_a and not in_b and pair.label == "same":
                scores.dropped_same += 1
        dom_a, dom_b = _dominant(in_a), _dominant(in_b)
        merged = dom_a is not None and dom_a == dom_b
        if dom_a is not None and merged and pair.a[1] != pair.b[1]:
            # An acronym is one with a long form only when it (almost) always stands for it.
            for side, held_by in ((pair.a, in_a), (pair.b, in_b)):
                if is_short_form(side[1]) and held_by[dom_a] < ACRONYM_SHARE * sum(held_by.values()):
                    merged = False
        same = pair.label == "same"
        outcome = ("tp" if merged else "fn") if same else ("fp" if merged else "tn")
        setattr(scores, outcome, getattr(scores, outcome) + 1)
        counts[outcome] += 1
        linked_ab = dom_a is not None and dom_b is not None and dom_a != dom_b
        a_over_b = linked_ab and dom_a in _ancestors(resolution, dom_b)  # type: ignore[arg-type]
        b_over_a = linked_ab and dom_b in _ancestors(resolution, dom_a)  # type: ignore[arg-type]
        if pair.label in ("a_broader", "b_broader"):
            scores.family_total += 1
            counts["family"] += 1
            right = a_over_b if pair.label == "a_broader" else b_over_a
            if right:
                scores.family_correct += 1
                counts["family_correct"] += 1
            else:
                scores.errors.append((pair.pair, f"family link missing ({pair.label})", pair.a[1], pair.b[1]))
        elif a_over_b or b_over_a:
            scores.spurious_family += 1
            counts["spurious_family"] += 1
            scores.errors.append((pair.pair, f"spurious family link ({pair.label})", pair.a[1], pair.b[1]))
        if outcome in ("fp", "fn"):
            what = "merged but labelled " + pair.label if outcome == "fp" else "same but kept apart"
            scores.errors.append((pair.pair, what, pair.a[1], pair.b[1]))
    scores.errors.sort()
    return scores
