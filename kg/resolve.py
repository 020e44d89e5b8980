"""Cross-paper entity identity: which extracted entities are the same real-world thing.

The extractor works one paper at a time: within a paper it already folds an
acronym into its long form ("Direct Preference Optimization (DPO)" is one
entity with alias ``DPO``). Across papers nothing is shared yet, so this
module decides, for every (paper, entity) pair, which canonical entity it is.

Rules, strongest first:

1. **Long forms.** Two entities of the same type that share a long form up
   to case, dashes, whitespace and a regular plural (:func:`variant_key`), or
   that the curated lexicon maps onto the same entry, are one entity. Union-
   find makes this transitive.
2. **Short forms** (acronym-like surfaces, :func:`is_short_form`) never
   merge two long forms: "SAM" the optimiser and "SAM" the segmentation model
   stay apart, and so do two different expansions of one acronym.
3. **Bare short forms** (an entity whose every surface is acronym-like, e.g.
   a paper that writes "SAM" without defining it) attach to the entity of the
   same type that defines that short form elsewhere when there is exactly one;
   when there are several, to the one sharing the paper or most co-mentioned
   entities; when that does not single one out, they stay their own entity.

The result depends only on the *set* of extractions: papers are deduplicated
by id and every choice is a pure function of sorted keys, so any input order
gives the same :class:`Resolution`. Stdlib only. The curated lexicon comes
from :mod:`kg.lexicons` (shared with the extractor) and is passed in by the
caller; ``None`` resolves without one.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, Protocol

from kg.errors import KGError
from kg.lexicons import default_index
from kg.normalize import collapse_whitespace, match_key
from kg.records import Entity, EntityType, Mention, PaperExtraction, Role

__all__ = [
    "CanonicalEntity",
    "LexiconLike",
    "PaperEntity",
    "Resolution",
    "StreamedResolution",
    "dedupe_extractions",
    "is_short_form",
    "resolve",
    "resolve_stream",
    "variant_key",
]

log = logging.getLogger(__name__)

_SPLIT = re.compile(r"[\s\-]+")
_JOINERS = re.compile(r"[\s\-_]+")
_PLURAL_WORD = re.compile(r"^[A-Za-z][a-z]{2,}s$")
_ACRONYM_PLURAL = re.compile(r"^[A-Z][A-Za-z0-9]*[A-Z0-9]s$")
# Endings whose final "s" is not a plural ("loss", "corpus", "analysis",
# "dynamics", "Opus", "ideas") and invariant plurals.
_NOT_PLURAL_ENDINGS = ("ss", "us", "is", "ics", "ous", "as", "series", "species", "news")
_SHORT_FORM_MAX = 12


class _LexiconEntryLike(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def ambiguous(self) -> bool: ...


class LexiconLike(Protocol):
    """What resolution needs from a lexicon (``kg.lexicons.LexiconIndex`` fits)."""

    def lookup(self, surface: str, *, type: EntityType | None = None) -> Sequence[_LexiconEntryLike]:
        """Return the entries of ``type`` one of whose forms normalises like ``surface``."""
        ...


@dataclass(frozen=True)
class PaperEntity:
    """One paper's link to one canonical entity.

    When a paper's extraction holds several entities that resolve to the same
    canonical entity (say "LoRA" and "low-rank adaptation" found separately),
    they are merged here: surface forms united, evidence united, the strongest
    role and confidence kept. This is what a paper -> entity edge carries.

    Attributes:
        paper_id: the paper.
        entity: index into :attr:`Resolution.entities`.
        name: the surface form this paper uses (a long form when it has one).
        aliases: this paper's other surface forms, sorted.
        role: ``"proposed"`` if any merged entity was proposed, else ``"used"``.
        confidence: the highest confidence among the merged entities.
        component: the extracting component(s), sorted and joined with ``+``.
        mentions: the evidence, deduplicated and sorted.
        extractor: the extractor version that produced the paper's extraction.
    """

    paper_id: str
    entity: int
    name: str
    aliases: tuple[str, ...]
    role: Role
    confidence: float
    component: str
    mentions: tuple[Mention, ...]
    extractor: str

    @property
    def mention_count(self) -> int:
        """How often this paper mentions the entity (a record without evidence counts once)."""
        return max(1, len(self.mentions))


@dataclass(frozen=True)
class CanonicalEntity:
    """One real-world entity across all papers.

    Attributes:
        type: the entity type.
        name: the most frequent long form (ties: fewest-first sorted string).
        aliases: every other surface form seen in any paper, sorted.
        papers: ids of the papers that mention it, sorted.
        mention_count: total mentions over those papers.
        key: a deterministic identity string (sorted variant keys and papers),
            used to order true homonyms when node ids are minted.
    """

    type: EntityType
    name: str
    aliases: tuple[str, ...]
    papers: tuple[str, ...]
    mention_count: int
    key: str

    @property
    def paper_count(self) -> int:
        """How many papers mention the entity."""
        return len(self.papers)


@dataclass(frozen=True)
class Resolution:
    """The outcome of :func:`resolve`.

    Attributes:
        extractions: the input deduplicated by paper id, sorted by id.
        entities: the canonical entities, sorted by (type, name, key).
        links: one :class:`PaperEntity` per (paper, canonical entity), sorted
            by paper id then entity index.
        assignment: ``(paper id, index of the entity in that paper's
            extraction)`` -> index into :attr:`entities`.
    """

    extractions: tuple[PaperExtraction, ...]
    entities: tuple[CanonicalEntity, ...]
    links: tuple[PaperEntity, ...]
    assignment: dict[tuple[str, int], int] = field(default_factory=dict)

    def entity_of(self, paper_id: str, index: int) -> CanonicalEntity:
        """Return the canonical entity of the ``index``-th entity of paper ``paper_id``.

        Raises:
            KeyError: no such paper or entity index.
        """
        return self.entities[self.assignment[(paper_id, index)]]


@lru_cache(maxsize=1 << 18)
def is_short_form(surface: str) -> bool:
    """Say whether a surface form looks like an acronym, which may stand for several things.

    A short form is one token of at most 12 characters in which at least two
    letters, and at least half of all letters, are capitals. Such a form is
    only a pointer: it never merges two long forms by itself.

    >>> [is_short_form(s) for s in ("SAM", "LoRA", "GANs", "GPT-4o", "ResNet-50", "ImageNet", "T5")]
    [True, True, True, True, False, False, False]
    """
    text = surface.strip()
    if not text or len(text) > _SHORT_FORM_MAX or any(ch.isspace() for ch in text):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    upper = sum(1 for ch in letters if ch.isupper())
    return upper >= 2 and 2 * upper >= len(letters)


def _plural_cut(surface: str) -> tuple[int, str]:
    """Return (characters to drop, replacement) that turn a regular plural into its singular.

    Only two shapes are folded, because a trailing "s" is often part of a
    proper name ("DeepSets", "Atlas", "Claude 3 Opus"), and a wrong merge is
    worse than a missed one:

    * an acronym plural: ``GANs`` -> ``GAN``, ``ViTs`` -> ``ViT``;
    * the last word of a multi-word name when that word is an ordinary word
      (lower case, or capitalised only on its first letter):
      ``graph neural networks`` -> ``graph neural network``,
      ``Gaussian Processes`` -> ``Gaussian Process``.

    A single CamelCase or capitalised word (``ResNets``, ``Transformers``) is
    never folded.
    """
    text = unicodedata.normalize("NFKC", surface).strip(" \t\n\r.,;:!?\"'`()[]{}<>")
    if _ACRONYM_PLURAL.match(text) and is_short_form(text[:-1]):
        return 1, ""
    words = [w for w in _SPLIT.split(text) if w]
    if len(words) < 2:
        return 0, ""
    last = words[-1]
    if not _PLURAL_WORD.match(last):
        return 0, ""
    lower = last.lower()
    if lower.endswith(_NOT_PLURAL_ENDINGS):
        return 0, ""
    if lower.endswith("ies") and len(lower) > 4:
        return 3, "y"
    if lower.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return 2, ""
    return 1, ""


@lru_cache(maxsize=1 << 18)
def variant_key(surface: str) -> str:
    """Return the key under which spelling variants of a name are the same.

    :func:`kg.normalize.match_key` (case, Unicode, dashes, whitespace, edge
    punctuation), then a regular plural folded (see :func:`_plural_cut`), then
    spaces, dashes and underscores removed, so "pre-training", "pre training"
    and "Pretraining" meet.

    >>> variant_key("Graph Neural Networks") == variant_key("graph-neural network")
    True
    >>> variant_key("GANs") == variant_key("GAN"), variant_key("ResNets") == variant_key("ResNet")
    (True, False)
    """
    key = match_key(surface)
    drop, add = _plural_cut(surface)
    if drop and len(key) > drop:
        key = key[:-drop] + add
    return _JOINERS.sub("", key)


def _canonical_json(record: PaperExtraction) -> str:
    return json.dumps(record.to_dict(), sort_keys=True, ensure_ascii=False)


def dedupe_extractions(extractions: Iterable[PaperExtraction]) -> list[PaperExtraction]:
    """Return one extraction per paper id, sorted by id, independent of input order.

    When two records share an id and differ, the one whose canonical JSON
    sorts first is kept: an arbitrary but order-free choice (callers that want
    "existing wins" semantics, like :func:`kg.graph.add_extractions`, filter
    before calling).
    """
    chosen: dict[str, PaperExtraction] = {}
    for record in extractions:
        other = chosen.get(record.id)
        if other is None or (other != record and _canonical_json(record) < _canonical_json(other)):
            chosen[record.id] = record
    return [chosen[key] for key in sorted(chosen)]


class _UnionFind:
    """Union-find over integers; the smaller index becomes the root, so roots are order-free."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


@dataclass(slots=True)
class _Occurrence:
    """One entity of one paper, with its surface forms split into long and short."""

    paper: int
    index: int
    type: EntityType
    surfaces: tuple[str, ...]
    long_forms: tuple[str, ...]
    short_forms: tuple[str, ...]


class _Lexicon:
    """Memoised, type-aware view of an optional lexicon."""

    def __init__(self, lexicon: LexiconLike | None) -> None:
        self._lexicon = lexicon
        self._cache: dict[tuple[str, str, bool], tuple[str, ...]] = {}

    def canonical_keys(self, surface: str, etype: EntityType, *, allow_ambiguous: bool) -> tuple[str, ...]:
        """Return the variant key of the single lexicon entry of ``etype`` for ``surface``, if any."""
        if self._lexicon is None:
            return ()
        cache_key = (surface, etype, allow_ambiguous)
        hit = self._cache.get(cache_key)
        if hit is None:
            entries = [
                e
                for e in self._lexicon.lookup(surface, type=etype)
                if allow_ambiguous or not getattr(e, "ambiguous", False)
            ]
            names = sorted({e.name for e in entries})
            hit = (variant_key(names[0]),) if len(names) == 1 else ()
            self._cache[cache_key] = hit
        return hit


_clean = lru_cache(maxsize=1 << 18)(collapse_whitespace)


def _surfaces(entity: Entity) -> tuple[str, ...]:
    """Return the entity's distinct surface forms, whitespace collapsed, name first."""
    forms = (_clean(s) for s in (entity.name, *entity.aliases))
    return tuple(dict.fromkeys(s for s in forms if s))


def _strong_keys(occ: _Occurrence, lexicon: _Lexicon) -> set[str]:
    """Keys that identify an entity on their own: long forms and unambiguous lexicon entries."""
    keys: set[str] = set()
    for surface in occ.long_forms:
        keys.add(variant_key(surface))
        keys.update(lexicon.canonical_keys(surface, occ.type, allow_ambiguous=True))
    if not occ.long_forms:
        # A bare acronym names an entity only if the lexicon knows it unambiguously.
        for surface in occ.short_forms:
            keys.update(lexicon.canonical_keys(surface, occ.type, allow_ambiguous=False))
    return {f"{occ.type}\x00{key}" for key in keys if key}


def _choose_candidate(
    paper: int,
    candidates: list[int],
    paper_context: list[set[int]],
    cluster_papers: dict[int, set[int]],
    context_cache: dict[int, set[int]],
) -> int | None:
    """Pick the defining cluster a bare short form in ``paper`` belongs to, or ``None``.

    Scored by (shares this paper, number of co-mentioned clusters in common);
    only a unique best with a positive score wins.
    """
    if len(candidates) == 1:
        return candidates[0]
    here = paper_context[paper]
    scored: list[tuple[int, int, int]] = []
    for root in candidates:
        papers = cluster_papers[root]
        context = context_cache.get(root)
        if context is None:
            context = set().union(*(paper_context[other] for other in papers)) - {root}
            context_cache[root] = context
        scored.append((int(paper in papers), len((here - {root}) & context), root))
    scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
    best, runner_up = scored[0], scored[1]
    if (best[0], best[1]) == (runner_up[0], runner_up[1]):  # a tie, including "no evidence at all"
        return None
    return best[2]


def _cluster(occs: list[_Occurrence], n_papers: int, lexicon: _Lexicon) -> _UnionFind:
    """Union the occurrences that are one entity (rules 1-3 of the module docstring)."""
    uf = _UnionFind(len(occs))
    first_with_key: dict[str, int] = {}
    defined: list[bool] = []
    for n, occ in enumerate(occs):
        keys = _strong_keys(occ, lexicon)
        defined.append(bool(keys))
        for key in keys:
            seen = first_with_key.setdefault(key, n)
            if seen != n:
                uf.union(seen, n)

    # Index the defined clusters by every short form and long-form key they carry.
    pointer: dict[str, set[int]] = {}
    cluster_papers: dict[int, set[int]] = {}
    paper_context: list[set[int]] = [set() for _ in range(n_papers)]
    for n, occ in enumerate(occs):
        if not defined[n]:
            continue
        root = uf.find(n)
        cluster_papers.setdefault(root, set()).add(occ.paper)
        paper_context[occ.paper].add(root)
        for surface in occ.surfaces:
            pointer.setdefault(f"{occ.type}\x00{variant_key(surface)}", set()).add(root)

    decisions: list[tuple[int, int | None, list[str]]] = []
    context_cache: dict[int, set[int]] = {}
    for n, occ in enumerate(occs):
        if defined[n]:
            continue
        bare_keys = sorted({f"{occ.type}\x00{variant_key(s)}" for s in occ.surfaces})
        candidates = sorted(set().union(*(pointer.get(k, set()) for k in bare_keys)))
        target = (
            _choose_candidate(occ.paper, candidates, paper_context, cluster_papers, context_cache)
            if candidates
            else None
        )
        decisions.append((n, target, bare_keys))
    bare_first: dict[str, int] = {}
    for n, target, group_keys in decisions:
        if target is not None:
            uf.union(target, n)
            continue
        for key in group_keys:
            seen = bare_first.setdefault(key, n)
            if seen != n:
                uf.union(seen, n)
    return uf


def _merge_paper_entities(record: PaperExtraction, indices: list[int], entity: int) -> PaperEntity:
    """Merge the entities of one paper that resolved to the same canonical entity."""
    ents = [record.entities[i] for i in indices]
    surfaces = {s for e in ents for s in _surfaces(e)}
    names = sorted({_clean(e.name) for e in ents} - {""}, key=lambda s: (is_short_form(s), s))
    name = names[0] if names else min(surfaces)
    mentions = sorted(
        {m for e in ents for m in e.mentions}, key=lambda m: (m.field, m.start, m.end, m.sentence)
    )
    return PaperEntity(
        paper_id=record.id,
        entity=entity,
        name=name,
        aliases=tuple(sorted(surfaces - {name})),
        role="proposed" if any(e.role == "proposed" for e in ents) else "used",
        confidence=max(float(e.confidence) for e in ents),
        component="+".join(sorted({c for e in ents for c in e.component.split("+") if c})),
        mentions=tuple(mentions),
        extractor=record.extractor,
    )


def resolve(
    extractions: Iterable[PaperExtraction],
    *,
    lexicon: LexiconLike | None | Literal["default"] = "default",
) -> Resolution:
    """Decide which canonical entity every (paper, entity) of the extractions is.

    Args:
        extractions: per-paper extractions, in any order; a paper id given
            twice counts once (see :func:`dedupe_extractions`).
        lexicon: an object with ``lookup(surface, type=...)`` returning entries
            with ``name`` and ``ambiguous`` (``kg.lexicons.LexiconIndex``);
            ``"default"`` is the bundled one (:func:`kg.lexicons.default_index`;
            a broken bundled file raises ``InputError``), ``None`` resolves
            without one.

    Returns:
        The canonical entities, the per-paper links and the assignment.
    """
    records = dedupe_extractions(extractions)
    streamed = resolve_stream(lambda: records, lexicon=lexicon)
    links: list[PaperEntity] = []
    assignment: dict[tuple[str, int], int] = {}
    for position, record in enumerate(records):
        links.extend(streamed.links_of(position, record))
        for entity, indices in streamed.groups_of(position):
            for index in indices:
                assignment[(record.id, index)] = entity
    return Resolution(
        extractions=tuple(records), entities=streamed.entities, links=tuple(links), assignment=assignment
    )


@dataclass
class _Cluster:
    """What the per-paper links of one cluster add up to (all :func:`resolve` keeps of them)."""

    as_name: Counter[str] = field(default_factory=Counter)
    anywhere: Counter[str] = field(default_factory=Counter)
    papers: list[str] = field(default_factory=list)
    mention_count: int = 0


class StreamedResolution:
    """The outcome of :func:`resolve_stream`: the canonical entities, and each paper's links on demand.

    Unlike :class:`Resolution` it holds no extraction record and no
    :class:`PaperEntity`: :meth:`links_of` merges a paper's entities again
    when the graph is built, paper by paper, from records read once more.

    Attributes:
        entities: the canonical entities, sorted by (type, name, key), as :func:`resolve` gives them.
    """

    def __init__(
        self,
        entities: tuple[CanonicalEntity, ...],
        paper_ids: list[str],
        groups: list[list[tuple[int, list[int]]]],
    ) -> None:
        self.entities = entities
        self._paper_ids = paper_ids
        self._groups = groups  # per paper: (entity index, entity indices in the record), sorted

    def groups_of(self, position: int) -> list[tuple[int, list[int]]]:
        """Return the ``position``-th paper's (entity index, indices of its entities in the record) pairs."""
        return self._groups[position]

    def links_of(self, position: int, record: PaperExtraction) -> list[PaperEntity]:
        """Return the links of the ``position``-th paper (``record``), sorted by entity index.

        Raises:
            KGError: ``record`` is not the paper resolved at ``position`` (the records changed).
        """
        if self._paper_ids[position] != record.id:
            raise KGError(f"records changed while resolving: expected paper {self._paper_ids[position]!r}")
        return [_merge_paper_entities(record, indices, entity=idx) for idx, indices in self._groups[position]]


def resolve_stream(
    read: Callable[[], Iterable[PaperExtraction]],
    *,
    lexicon: LexiconLike | None | Literal["default"] = "default",
) -> StreamedResolution:
    """Resolve entities like :func:`resolve`, reading the records twice instead of holding them.

    Memory grows with the entities' surface forms, not with the records
    (evidence sentences, abstracts): a build of 200k papers resolves without
    holding 200k records.

    Args:
        read: returns the records, sorted by id with unique ids (as
            ``extractions.jsonl`` holds them), each time it is called.
        lexicon: as for :func:`resolve`.

    Returns:
        The same canonical entities as :func:`resolve` on the same records;
        the graph builder asks :meth:`StreamedResolution.links_of` for each
        paper's links on a third read.

    Raises:
        KGError: the records are not sorted by id, or not the same on both reads.
    """
    lex = _Lexicon(default_index() if lexicon == "default" else lexicon)  # type: ignore[arg-type]
    occs: list[_Occurrence] = []
    paper_ids: list[str] = []
    interned: dict[str, str] = {}
    for p, record in enumerate(read()):
        if paper_ids and record.id <= paper_ids[-1]:
            raise KGError(f"records must be sorted by id with unique ids; {record.id!r} comes too late")
        paper_ids.append(record.id)
        for i, found in enumerate(record.entities):
            forms = tuple(interned.setdefault(s, s) for s in _surfaces(found))
            if not forms:
                continue
            long_forms = tuple(s for s in forms if not is_short_form(s))
            short_forms = tuple(s for s in forms if is_short_form(s))
            occs.append(_Occurrence(p, i, found.type, forms, long_forms, short_forms))
    del interned
    uf = _cluster(occs, len(paper_ids), lex)

    # per paper: cluster root -> entity indices in its record (occurrences are in paper order)
    by_paper: list[dict[int, list[int]]] = [{} for _ in paper_ids]
    for n, occ in enumerate(occs):
        by_paper[occ.paper].setdefault(uf.find(n), []).append(occ.index)
    types = {uf.find(n): occ.type for n, occ in enumerate(occs) if uf.find(n) == n}
    del occs, uf

    clusters: dict[int, _Cluster] = {}
    for p, record in enumerate(read()):
        if p >= len(paper_ids) or record.id != paper_ids[p]:
            raise KGError("records changed between the two reads of entity resolution")
        for root, indices in by_paper[p].items():
            link = _merge_paper_entities(record, sorted(indices), entity=-1)
            cluster = clusters.setdefault(root, _Cluster())
            cluster.as_name[link.name] += 1
            cluster.anywhere.update({link.name, *link.aliases})
            cluster.papers.append(link.paper_id)
            cluster.mention_count += link.mention_count

    drafts: list[tuple[tuple[str, str, str], int, CanonicalEntity]] = []
    for root, cluster in clusters.items():
        etype = types[root]
        candidates = [s for s in cluster.anywhere if not is_short_form(s)] or list(cluster.anywhere)
        name = min(candidates, key=lambda s: (-cluster.as_name[s], -cluster.anywhere[s], s))
        surfaces = set(cluster.anywhere)
        papers = tuple(sorted(cluster.papers))
        key = "\x1f".join(sorted({variant_key(s) for s in surfaces})) + "\x1e" + "\x1f".join(papers)
        entity = CanonicalEntity(
            type=etype,
            name=name,
            aliases=tuple(sorted(surfaces - {name})),
            papers=papers,
            mention_count=cluster.mention_count,
            key=key,
        )
        drafts.append(((etype, name, key), root, entity))
    del clusters
    drafts.sort(key=lambda item: item[0])
    index_of_root = {root: i for i, (_, root, _) in enumerate(drafts)}
    groups = [
        sorted((index_of_root[root], sorted(indices)) for root, indices in paper.items()) for paper in by_paper
    ]
    return StreamedResolution(tuple(entity for _, _, entity in drafts), paper_ids, groups)
