"""Score extractions against a gold file, exactly as ANNOTATION.md says.

"How a prediction is scored": per paper and type, a predicted entity is
correct when its match key (:func:`kg.normalize.match_key`) equals the key
of the name or an alias of a gold entity of the same type. Each gold entity
is matched at most once and each prediction counts once; precision, recall
and F1 are micro-averaged over papers, per type, over all types, for links
(on :func:`kg.links.url_key`) and for the ``proposed`` role. Stdlib only: the
extractor is never imported here (the CLI runs it when no predictions are
given).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.extractions import load_extractions
from kg.links import url_key
from kg.normalize import collapse_whitespace, match_key, title_key
from kg.records import ENTITY_TYPES, Entity, PaperExtraction

__all__ = [
    "SCIERC_POOLING",
    "Counts",
    "ErrorItem",
    "PaperErrors",
    "Scores",
    "load_extractions",
    "score",
]

#: SciERC and SciER have no Model type: their named models are Method.
SCIERC_POOLING: Mapping[str, str] = {"Model": "Method"}


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and misses of one row of the table."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 0.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 0.0 when the gold has nothing."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return counts and rounded rates for JSON."""
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True)
class ErrorItem:
    """One false positive or miss: what kind of row, which type, which name (or URL)."""

    row: str  # an entity type, "links" or "proposed"
    name: str

    def to_dict(self) -> dict[str, str]:
        """Return the JSON form."""
        return {"row": self.row, "name": self.name}


@dataclass(frozen=True)
class PaperErrors:
    """The false positives and misses of one gold paper, for error analysis."""

    paper_id: str
    title: str
    paired: bool
    false_positives: tuple[ErrorItem, ...] = ()
    misses: tuple[ErrorItem, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "id": self.paper_id,
            "title": self.title,
            "paired": self.paired,
            "false_positives": [e.to_dict() for e in self.false_positives],
            "misses": [e.to_dict() for e in self.misses],
        }


@dataclass(frozen=True)
class Scores:
    """The result of :func:`score`: counts per row and errors per paper.

    Attributes:
        by_type: counts per entity type (pooled types are absent).
        overall: all entity types together (the ``ALL`` row).
        links: links, matched on :func:`kg.links.url_key`.
        proposed: entities whose role is ``proposed`` on either side.
        papers: number of gold papers.
        paired: gold papers that found a prediction.
        unpaired_predictions: predicted papers that paired with no gold paper.
        pool_types: the type pooling applied (e.g. ``{"Model": "Method"}``).
        errors: one entry per gold paper with at least one error, in gold order.
    """

    by_type: dict[str, Counts]
    overall: Counts
    links: Counts
    proposed: Counts
    papers: int
    paired: int
    unpaired_predictions: int
    pool_types: dict[str, str] = field(default_factory=dict)
    errors: tuple[PaperErrors, ...] = ()

    def rows(self) -> list[tuple[str, Counts]]:
        """Return the table rows in display order: types, ALL, links, proposed."""
        out: list[tuple[str, Counts]] = [(t, self.by_type[t]) for t in ENTITY_TYPES if t in self.by_type]
        out += [("ALL", self.overall), ("links", self.links), ("proposed", self.proposed)]
        return out

    def to_dict(self, *, errors: bool = True) -> dict[str, Any]:
        """Return the JSON form (fixed key order); ``errors=False`` leaves the error list out."""
        out: dict[str, Any] = {
            "papers": self.papers,
            "paired": self.paired,
            "unpaired_predictions": self.unpaired_predictions,
            "pool_types": dict(sorted(self.pool_types.items())),
            "scores": {name: counts.to_dict() for name, counts in self.rows()},
        }
        if errors:
            out["errors"] = [e.to_dict() for e in self.errors]
        return out


def _pair(gold: Sequence[PaperExtraction], pred: Sequence[PaperExtraction]) -> list[PaperExtraction | None]:
    """Pair each gold paper with a prediction: by id, then title key, then abstract.

    Each prediction is used at most once; the first unused candidate wins, so
    the pairing is deterministic.
    """
    by_id: dict[str, list[int]] = {}
    by_title: dict[str, list[int]] = {}
    by_abstract: dict[str, list[int]] = {}
    for i, p in enumerate(pred):
        by_id.setdefault(p.paper.id, []).append(i)
        if p.paper.title.strip():
            by_title.setdefault(title_key(p.paper.title), []).append(i)
        if p.paper.abstract.strip():
            by_abstract.setdefault(collapse_whitespace(p.paper.abstract), []).append(i)
    used: set[int] = set()

    def take(index: dict[str, list[int]], key: str) -> int | None:
        for i in index.get(key, ()):
            if i not in used:
                used.add(i)
                return i
        return None

    pairs: list[PaperExtraction | None] = []
    for g in gold:
        found = take(by_id, g.paper.id)
        if found is None and g.paper.title.strip():
            found = take(by_title, title_key(g.paper.title))
        if found is None and g.paper.abstract.strip():
            found = take(by_abstract, collapse_whitespace(g.paper.abstract))
        pairs.append(pred[found] if found is not None else None)
    return pairs


def _match(gold_keys: list[set[str]], pred_keys: list[str]) -> list[int | None]:
    """Return, for each prediction, the gold entity it is matched to (or ``None``).

    A maximum bipartite matching (augmenting paths): each gold entity is
    used once, each prediction once, and as many predictions as possible are
    correct, whatever their order.
    """
    gold_of_pred: list[int | None] = [None] * len(pred_keys)
    pred_of_gold: dict[int, int] = {}
    candidates = [[g for g, keys in enumerate(gold_keys) if key in keys] for key in pred_keys]

    def augment(p: int, seen: set[int]) -> bool:
        for g in candidates[p]:
            if g in seen:
                continue
            seen.add(g)
            if g not in pred_of_gold or augment(pred_of_gold[g], seen):
                pred_of_gold[g] = p
                gold_of_pred[p] = g
                return True
        return False

    for p in range(len(pred_keys)):
        if candidates[p]:
            augment(p, set())
    return gold_of_pred


def _entity_rows(
    gold: Iterable[Entity],
    pred: Iterable[Entity],
    pool: Mapping[str, str],
) -> tuple[dict[str, Counts], list[ErrorItem], list[ErrorItem]]:
    """Score one paper's entities per (pooled) type; return counts, false positives, misses."""
    gold_by_type: dict[str, list[Entity]] = {}
    for e in gold:
        gold_by_type.setdefault(pool.get(e.type, e.type), []).append(e)
    pred_by_type: dict[str, list[Entity]] = {}
    for e in pred:
        pred_by_type.setdefault(pool.get(e.type, e.type), []).append(e)
    counts: dict[str, Counts] = {}
    fps: list[ErrorItem] = []
    misses: list[ErrorItem] = []
    for etype in sorted(set(gold_by_type) | set(pred_by_type)):
        golds = gold_by_type.get(etype, [])
        gold_keys = [{k for k in (match_key(n) for n in (e.name, *e.aliases)) if k} for e in golds]
        # A prediction counts once: the same key twice in one paper is one prediction.
        preds: list[Entity] = []
        seen: set[str] = set()
        for e in pred_by_type.get(etype, []):
            key = match_key(e.name)
            if key and key not in seen:
                seen.add(key)
                preds.append(e)
        matched = _match(gold_keys, [match_key(e.name) for e in preds])
        tp = sum(1 for m in matched if m is not None)
        hit = {m for m in matched if m is not None}
        fps += [ErrorItem(etype, e.name) for e, m in zip(preds, matched) if m is None]
        misses += [ErrorItem(etype, e.name) for i, e in enumerate(golds) if i not in hit]
        counts[etype] = Counts(tp, len(preds) - tp, len(golds) - tp)
    return counts, fps, misses


def _link_row(
    gold: PaperExtraction, pred: PaperExtraction | None
) -> tuple[Counts, list[ErrorItem], list[ErrorItem]]:
    """Score one paper's links as sets of :func:`kg.links.url_key`."""
    gold_urls = {url_key(link.url): link.url for link in gold.links}
    pred_urls = {url_key(link.url): link.url for link in (pred.links if pred else ())}
    tp = len(gold_urls.keys() & pred_urls.keys())
    fps = [ErrorItem("links", pred_urls[k]) for k in sorted(pred_urls.keys() - gold_urls.keys())]
    misses = [ErrorItem("links", gold_urls[k]) for k in sorted(gold_urls.keys() - pred_urls.keys())]
    return Counts(tp, len(pred_urls) - tp, len(gold_urls) - tp), fps, misses


def score(
    gold: Iterable[PaperExtraction],
    pred: Iterable[PaperExtraction],
    *,
    pool_types: Mapping[str, str] | None = None,
) -> Scores:
    """Score predicted extractions against gold ones (ANNOTATION.md, "How a prediction is scored").

    Args:
        gold: the gold papers (their order is the order of the error list).
        pred: the predictions; paired to gold by id, then title, then abstract.
            Gold papers without a prediction count all their entities and
            links as misses; predictions without gold are ignored (counted in
            ``unpaired_predictions``).
        pool_types: types to merge before matching, e.g. :data:`SCIERC_POOLING`
            (``{"Model": "Method"}``) for corpora without a Model type.

    Returns:
        The :class:`Scores`.

    >>> from kg.records import Paper
    >>> g = PaperExtraction(Paper("p", "T", "A"), (Entity("Method", "Direct Preference Optimization", ("DPO",)),))
    >>> p = PaperExtraction(Paper("p", "T", "A"), (Entity("Method", "DPO"), Entity("Task", "summarization")))
    >>> s = score([g], [p])
    >>> (s.overall.tp, s.overall.fp, s.overall.fn)
    (1, 1, 0)
    """
    pool = dict(pool_types or {})
    gold_list = list(gold)
    pred_list = list(pred)
    pairs = _pair(gold_list, pred_list)
    types = [t for t in ENTITY_TYPES if t not in pool]
    by_type: dict[str, Counts] = {t: Counts() for t in types}
    links = Counts()
    proposed = Counts()
    errors: list[PaperErrors] = []
    for g, p in zip(gold_list, pairs):
        pred_entities = p.entities if p is not None else ()
        counts, fps, misses = _entity_rows(g.entities, pred_entities, pool)
        for etype, c in counts.items():
            by_type[etype] = by_type.get(etype, Counts()) + c
        link_counts, link_fps, link_misses = _link_row(g, p)
        links += link_counts
        prop_counts, prop_fps, prop_misses = _entity_rows(
            (e for e in g.entities if e.role == "proposed"),
            (e for e in pred_entities if e.role == "proposed"),
            pool,
        )
        proposed += sum(prop_counts.values(), Counts())
        fps += link_fps + [ErrorItem("proposed", f"{e.row}: {e.name}") for e in prop_fps]
        misses += link_misses + [ErrorItem("proposed", f"{e.row}: {e.name}") for e in prop_misses]
        if fps or misses or p is None:
            errors.append(PaperErrors(g.paper.id, g.paper.title, p is not None, tuple(fps), tuple(misses)))
    overall = sum((by_type[t] for t in by_type), Counts())
    paired = sum(1 for p in pairs if p is not None)
    return Scores(
        by_type=by_type,
        overall=overall,
        links=links,
        proposed=proposed,
        papers=len(gold_list),
        paired=paired,
        unpaired_predictions=len(pred_list) - paired,
        pool_types=pool,
        errors=tuple(errors),
    )
