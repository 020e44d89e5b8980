"""Cross-paper entity identity: which extracted entities are the same real-world thing.

The extractor works one paper at a time: within a paper it already folds an
acronym into its long form ("Direct Preference Optimization (DPO)" is one
entity with alias ``DPO``). This module decides, for every (paper, entity)
pair, which canonical entity it is, what that entity is called, which type
it has and which family it belongs to. Rules, in the order they apply:

1. **Clean surfaces.** An adjectival compound ("CLIP-based", "LLM-powered")
   or a name with a score glued on ("ViT 86.54") is not a name: it is
   dropped (an entity left with no name is dropped), and so is a thing the
   guide does not count (an imaging modality, a statistical measure, a
   capability phrase: :mod:`kg.not_names`); a name that is a common word
   ("Weather", "boosting") counts only where a mention reads as one; a name that took in
   prose ("baselines such as FooNet") is cut to the attested name. The
   surfaces one extracted entity lists together are split where they name
   different versions, more specific things or an acronym that does not
   fit (:func:`kg.name_versions.incompatibility`: "Gemini" and "Gemini 1.5 Pro",
   "SAM2" and "SAM2-UNet"), each part resolving on its own.
2. **Long forms.** Two occurrences that share a long form up to case,
   dashes, spacing, plurals, "-ing"/"-ed", British/American spelling, a
   trailing type word (kept where it is the name's: "Cross-Entropy Method"
   is not the loss "cross-entropy", :mod:`kg.type_words`), a vendor prefix
   (an *identity key*) or the order of their version parts ("Claude Opus
   4.6" / "Claude 4.6 Opus"), or that the
   curated lexicon maps onto the same entry of a compatible version, or
   that define one acronym in two wordings of one definition
   (:mod:`kg.acronyms`), are one entity, whatever type the extractor gave
   each; union-find makes this transitive. A paper's acronym with a type
   word ("PRM framework") goes with the paper's own spelled-out definition
   when the lexicon's sense of the letters is worded otherwise.
3. **Short forms** (acronym-like surfaces, :func:`kg.names.is_short_form`)
   never merge two long forms: "SAM" the optimiser and "SAM" the
   segmentation model stay apart, and so do two expansions of one acronym.
4. **Bare short forms** (an occurrence whose every surface is acronym-like,
   or an acronym with a type word: "the WMDP benchmark" is WMDP)
   attach to a defining entity: the only sense the corpus has when that
   sense is the acronym's own name written otherwise ("gpt-oss"), the one
   defined in the same paper, else the
   sense the paper's other entities and the corpus point to, against a
   sense nobody defined unless the corpus's definitions overwhelmingly give
   one sense (:mod:`kg.clustering`, :mod:`kg.acronyms`); otherwise they
   stay one entity per spelling.
5. **Type, label and family** (:mod:`kg.labels`): the lexicon's type, else
   the majority; the lexicon's canonical name, else the most used surface;
   the nearest attested shorter name of a versioned entity as ``broader``.

Every decision is recorded in an :class:`EntityTrace` (what ``kg explain``
prints). The result depends only on the *set* of extractions: papers are
deduplicated by id and every choice is a pure function of sorted keys, so
any input order gives the same :class:`Resolution`. :func:`resolve_stream`
gives the same entities reading the records twice instead of holding them
(what ``kg build`` does on big corpora). Stdlib only. The curated lexicon
comes from :mod:`kg.lexicons` (shared with the extractor) and is passed in
by the caller (``"default"``: the bundled one; ``None``: none).
"""

from __future__ import annotations

import gc
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Literal

from kg.acronyms import acronym_rules
from kg.clustering import Keys, LexiconLike, LexiconView, cluster
from kg.errors import KGError
from kg.extractions import dedupe_by_id
from kg.labels import SharedAcronyms, acronym_owner, choose_label, choose_type, families
from kg.lexicons import default_index
from kg.names import acronym_key, is_short_form, variant_key
from kg.not_names import common_word_forms, name_evidence, needs_name_evidence
from kg.occurrences import Occurrence, clean_surface, cleaned_surfaces, occurrences_of
from kg.records import ENTITY_TYPES, EntityType, Mention, PaperExtraction, Role

__all__ = [
    "CanonicalEntity",
    "EntityTrace",
    "LexiconLike",
    "PaperEntity",
    "Resolution",
    "StreamedResolution",
    "is_short_form",
    "link_of_parts",
    "resolve",
    "resolve_stream",
    "variant_key",
]

log = logging.getLogger(__name__)

_TYPE_ORDER = {t: i for i, t in enumerate(ENTITY_TYPES)}


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
        extracted_type: the type the extractor gave (the most frequent among
            the merged entities); the entity's own type may differ.
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
    extracted_type: EntityType = "Method"

    @property
    def mention_count(self) -> int:
        """How often this paper mentions the entity (a record without evidence counts once)."""
        return max(1, len(self.mentions))


@dataclass(frozen=True)
class EntityTrace:
    """Why an entity is what it is: the evidence behind each resolution decision.

    Attributes:
        type_votes: extracted type -> papers that gave it.
        type_reason: ``"lexicon"`` or ``"majority"``.
        label_reason: ``"lexicon"``, ``"most used"`` or ``"most used (acronym)"``.
        surfaces: each surface form -> papers that use it.
        rules: rule -> how many occurrences joined by it (``"name"``: a
            shared identity key; ``"lexicon"``; ``"acronym defined"`` ...).
        kept_apart: surfaces an extracted entity listed with this one that
            were split off, with the reason ("different version").
        lexicon: the lexicon entry names the entity matched.
        broader_via: the family stem that gave the ``broader`` link.
    """

    type_votes: tuple[tuple[str, int], ...] = ()
    type_reason: str = "majority"
    label_reason: str = "most used"
    surfaces: tuple[tuple[str, int], ...] = ()
    rules: tuple[tuple[str, int], ...] = ()
    kept_apart: tuple[tuple[str, str], ...] = ()
    lexicon: tuple[str, ...] = ()
    broader_via: str = ""

    def to_dict(self) -> dict[str, object]:
        """Return the trace as plain JSON data."""
        return {
            "type_votes": dict(self.type_votes),
            "type_reason": self.type_reason,
            "label_reason": self.label_reason,
            "surfaces": dict(self.surfaces),
            "rules": dict(self.rules),
            "kept_apart": [list(x) for x in self.kept_apart],
            "lexicon": list(self.lexicon),
            "broader_via": self.broader_via,
        }


@dataclass(frozen=True)
class CanonicalEntity:
    """One real-world entity across all papers.

    Attributes:
        type: the entity type.
        name: the canonical label (see rule 5 of the module docstring).
        aliases: every other surface form seen in any paper, sorted.
        papers: ids of the papers that mention it, sorted.
        mention_count: total mentions over those papers.
        key: a deterministic identity string (sorted variant keys and papers),
            used to order true homonyms when node ids are minted.
        keys: the identity keys of its surfaces (what a later build matches
            it by, see :mod:`kg.registry`).
        broader: index (into :attr:`Resolution.entities`) of the family this
            entity is a version, size or edition of, or ``None``.
        trace: the evidence behind the decisions.
    """

    type: EntityType
    name: str
    aliases: tuple[str, ...]
    papers: tuple[str, ...]
    mention_count: int
    key: str
    keys: tuple[str, ...] = ()
    broader: int | None = None
    trace: EntityTrace = field(default_factory=EntityTrace, compare=False, repr=False)

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
            extraction)`` -> index into :attr:`entities` of the part holding
            the entity's name (entities dropped as non-names are absent).
        dropped: surface -> how many times it was dropped, with the reason
            (``"compound"`` or ``"score"``), as ``"reason\\tsurface"`` keys.
    """

    extractions: tuple[PaperExtraction, ...]
    entities: tuple[CanonicalEntity, ...]
    links: tuple[PaperEntity, ...]
    assignment: dict[tuple[str, int], int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict, compare=False)

    def entity_of(self, paper_id: str, index: int) -> CanonicalEntity:
        """Return the canonical entity of the ``index``-th entity of paper ``paper_id``.

        Raises:
            KeyError: no such paper or entity index (or the entity was dropped).
        """
        return self.entities[self.assignment[(paper_id, index)]]


# --------------------------------------------------------------------------- input


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block.

    Resolution allocates millions of small containers and frees none of
    them until it returns; the collector would rescan them all again and
    again (measured: 40% of the time on 15k papers).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --------------------------------------------------------------------------- links


def _mention_order(m: Mention) -> tuple[str, int, int, str]:
    return (m.field, m.start, m.end, m.sentence)


def _part_mentions(record: PaperExtraction, parts: Sequence[Occurrence]) -> tuple[Mention, ...]:
    """Return the evidence of some parts of one paper's entities.

    An entity kept whole gives all its mentions; when its surfaces were
    split, each mention goes to the part whose surface it spells (the first
    part when none does).
    """
    found: set[Mention] = set()
    split: dict[int, list[Occurrence]] = {}
    for occ in parts:
        split.setdefault(occ.index, []).append(occ)
    for index, mine in split.items():
        entity = record.entities[index]
        if len(mine) == 1 and mine[0].part == 0 and not mine[0].kept_apart:
            found.update(entity.mentions)
            continue
        wanted = {occ.part for occ in mine}
        own = {variant_key(s): occ.part for occ in mine for s in occ.surfaces}
        others = {variant_key(s) for occ in mine for s, _ in occ.kept_apart}
        for m in entity.mentions:
            text = (record.paper.title if m.field == "title" else record.paper.abstract)[m.start : m.end]
            key = variant_key(clean_surface(text))
            part = own.get(key, -1 if key in others else 0)
            if part in wanted:
                found.add(m)
    return tuple(sorted(found, key=_mention_order))


def link_of_parts(record: PaperExtraction, parts: Sequence[Occurrence], entity: int) -> PaperEntity:
    """Merge the occurrences of one paper (``record``) that resolved to canonical entity number ``entity``."""
    return _link(record, parts, entity)


def _link(record: PaperExtraction, parts: Sequence[Occurrence], entity: int) -> PaperEntity:
    """Merge the occurrences of one paper that resolved to the same canonical entity."""
    surfaces = {s for occ in parts for s in occ.surfaces}
    names = sorted(
        {n for occ in parts if (n := clean_surface(record.entities[occ.index].name)) in surfaces},
        key=lambda s: (is_short_form(s), s),
    )
    name = names[0] if names else min(surfaces, key=lambda s: (is_short_form(s), s))
    ents = [record.entities[i] for i in sorted({occ.index for occ in parts})]
    # The extractor's type for this paper: the most frequent, a tie going to the part that
    # carries a long form (the paper's definition), then to the fixed type order.
    types = Counter(occ.type for occ in parts)
    defining = {occ.type for occ in parts if occ.long_forms}
    extracted_type = min(types, key=lambda t: (-types[t], t not in defining, _TYPE_ORDER[t]))
    return PaperEntity(
        paper_id=record.id,
        entity=entity,
        name=name,
        aliases=tuple(sorted(surfaces - {name})),
        role="proposed" if any(e.role == "proposed" for e in ents) else "used",
        confidence=max(float(e.confidence) for e in ents),
        component="+".join(sorted({c for e in ents for c in e.component.split("+") if c})),
        mentions=_part_mentions(record, parts),
        extractor=record.extractor,
        extracted_type=extracted_type,
    )


# --------------------------------------------------------------------------- resolution


@dataclass
class _Tally:
    """What the per-paper links of one cluster add up to."""

    surfaces: Counter[str] = field(default_factory=Counter)
    votes: Counter[str] = field(default_factory=Counter)
    papers: list[str] = field(default_factory=list)
    mention_count: int = 0


class StreamedResolution:
    """The outcome of :func:`resolve_stream`: the canonical entities, and each paper's links on demand.

    It holds no extraction record and no :class:`PaperEntity`: :meth:`links_of`
    merges a paper's entities again when the graph is built, paper by paper,
    from records read once more.

    Attributes:
        entities: the canonical entities, sorted by (type, name, key).
        dropped: ``"reason<TAB>surface"`` -> how often a surface was left out
            or cut (``compound``, ``score``, ``connector``).
    """

    def __init__(
        self,
        entities: tuple[CanonicalEntity, ...],
        paper_ids: list[str],
        occs: list[Occurrence],
        groups: list[list[tuple[int, list[int]]]],
        dropped: dict[str, int],
    ) -> None:
        self.entities = entities
        self.dropped = dropped
        self._paper_ids = paper_ids
        self._occs = occs
        self._groups = groups  # per paper: (entity index, occurrence ids), sorted

    def links_of(self, position: int, record: PaperExtraction) -> list[PaperEntity]:
        """Return the links of the ``position``-th paper (``record``), sorted by entity index.

        Raises:
            KGError: ``record`` is not the paper resolved at ``position`` (the records changed).
        """
        if self._paper_ids[position] != record.id:
            raise KGError(f"records changed while resolving: expected paper {self._paper_ids[position]!r}")
        return [_link(record, [self._occs[n] for n in ids], entity) for entity, ids in self._groups[position]]

    @property
    def paper_count(self) -> int:
        """How many papers were resolved."""
        return len(self._paper_ids)

    def groups_of(self, position: int) -> tuple[str, list[tuple[int, list[Occurrence]]]]:
        """Return the ``position``-th paper's id and its (entity index, occurrences) groups.

        What :func:`link_of_parts` turns into that paper's links, given its
        record; :mod:`kg.resolve_apart` hands these from a child process to the graph builder.
        """
        groups = [(entity, [self._occs[n] for n in ids]) for entity, ids in self._groups[position]]
        return self._paper_ids[position], groups

    def assignment_of(self, position: int) -> dict[int, int]:
        """Return, for the ``position``-th paper, entity index in its record -> canonical entity index.

        The entity counts by the part that holds its name; an entity dropped
        as no name is absent.
        """
        out: dict[int, int] = {}
        for entity, ids in self._groups[position]:
            for n in ids:
                if self._occs[n].part == 0:
                    out[self._occs[n].index] = entity
        return out


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
        The canonical entities; the graph builder asks
        :meth:`StreamedResolution.links_of` for each paper's links on a third read.

    Raises:
        KGError: the records are not sorted by id, or not the same on both reads.
    """
    chosen = default_index() if lexicon == "default" else lexicon
    view = LexiconView(chosen)  # type: ignore[arg-type]
    common: Mapping[str, frozenset[str]] = common_word_forms(chosen) if isinstance(chosen, Iterable) else {}
    with _collector_paused():
        return _resolve_stream(read, view, common)


def _name_readings(
    record: PaperExtraction, mentions: Sequence[Mention], spelled: Iterable[str]
) -> list[tuple[str, ...]] | None:
    """Return, for the mentions of a common-word name that may be names, the longer terms each could be part of.

    ``None`` when no mention can be a name (:func:`kg.not_names.name_evidence`).
    """
    forms = tuple(spelled)
    out = []
    for m in mentions:
        text = record.paper.title if m.field == "title" else record.paper.abstract
        possible, longer = name_evidence(text, m.start, m.end, forms, title=m.field == "title")
        if possible:
            out.append(tuple(variant_key(t) for t in longer))
    return out or None


def _resolve_stream(
    read: Callable[[], Iterable[PaperExtraction]],
    view: LexiconView,
    common: Mapping[str, frozenset[str]] | None = None,
) -> StreamedResolution:
    dropped: Counter[str] = Counter()
    paper_ids: list[str] = []
    cleaned: list[list[tuple[EntityType, tuple[str, ...]]]] = []
    attested: set[str] = set()
    interned: dict[str, str] = {}
    # Common-word names waiting for the whole corpus: (paper, entity, the longer terms of each mention).
    pending: list[tuple[int, int, list[tuple[str, ...]]]] = []
    longer_terms: set[str] = set()
    for record in read():
        if paper_ids and record.id <= paper_ids[-1]:
            raise KGError(f"records must be sorted by id with unique ids; {record.id!r} comes too late")
        paper_ids.append(record.id)
        per_paper: list[tuple[EntityType, tuple[str, ...]]] = []
        for entity in record.entities:
            surfaces = tuple(
                interned.setdefault(s, s) for s in cleaned_surfaces(entity.name, entity.aliases, dropped)
            )
            # A name that is also a common word ("Weather", "boosting") counts only where a mention uses it as one.
            if common:
                for raw in (entity.name, *entity.aliases):
                    words = raw.lower().split()
                    if len(words) > 1 and (words[0] in common or words[-1] in common):
                        longer_terms.add(variant_key(clean_surface(raw)))
                if entity.mentions and needs_name_evidence(surfaces, common):
                    readings = _name_readings(
                        record, entity.mentions, {f for s in surfaces for f in common[s.lower()]}
                    )
                    if readings is None:
                        dropped[f"common word\t{surfaces[0]}"] += 1
                        surfaces = ()
                    else:
                        pending.append((len(paper_ids) - 1, len(per_paper), readings))
            per_paper.append((entity.type, surfaces))
            attested.update(variant_key(s) for s in surfaces)
        cleaned.append(per_paper)
    del interned
    for p, i, readings in pending:  # every mention is part of a longer term the corpus names: the word
        if all(any(t in longer_terms for t in longer) for longer in readings):
            etype, surfaces = cleaned[p][i]
            dropped[f"common word\t{surfaces[0]}"] += 1
            cleaned[p][i] = (etype, ())
    del pending, longer_terms
    occs: list[Occurrence] = []
    for p, per_paper in enumerate(cleaned):
        for i, (etype, surfaces) in enumerate(per_paper):
            occs.extend(occurrences_of(p, i, etype, surfaces, attested, dropped))
    del cleaned, attested
    keys = Keys(occs)
    clustering = cluster(occs, len(paper_ids), keys, view)

    by_paper: list[dict[int, list[int]]] = [{} for _ in paper_ids]
    for n, occ in enumerate(occs):
        by_paper[occ.paper].setdefault(clustering.root[n], []).append(n)
    members: dict[int, list[int]] = {}
    for n, root in enumerate(clustering.root):
        members.setdefault(root, []).append(n)

    tallies: dict[int, _Tally] = {root: _Tally() for root in members}
    for p, record in enumerate(read()):
        if p >= len(paper_ids) or record.id != paper_ids[p]:
            raise KGError("records changed between the two reads of entity resolution")
        for root, ids in by_paper[p].items():
            link = _link(record, [occs[n] for n in ids], entity=-1)
            tally = tallies[root]
            tally.surfaces.update({link.name, *link.aliases})
            tally.votes[link.extracted_type] += 1
            tally.papers.append(link.paper_id)
            tally.mention_count += link.mention_count

    # Acronyms carried by more than one entity: a label only of the entity that holds the
    # acronym's dominant share of occurrences (LoRA beside a stray "LoRa"), else never where a
    # long form exists.
    carriers: dict[str, Counter[int]] = {}
    for root, ids in members.items():
        for n in ids:
            for s in occs[n].short_forms:
                carriers.setdefault(acronym_key(s), Counter())[root] += 1
    shared_short = frozenset(k for k, roots in carriers.items() if len(roots) > 1)
    owned_short: dict[int, set[str]] = {}
    owner_share = acronym_rules().dominant_share
    for k in shared_short:
        owner = acronym_owner(carriers[k], owner_share)
        if owner is not None:
            owned_short.setdefault(owner, set()).add(k)
    del carriers

    drafts: list[tuple[tuple[str, str, str], int, CanonicalEntity, Counter[str]]] = []
    for root, ids in members.items():
        tally = tallies.pop(root)
        lexicon_entries = Counter(clustering.lexicon_of[n] for n in ids if clustering.lexicon_of[n])
        lexicon_types: Counter[str] = Counter()
        for entry, count in lexicon_entries.items():
            lexicon_types[entry[0]] += count
        etype, type_reason = choose_type(tally.votes, lexicon_types)
        lexicon_names = Counter({entry[1]: c for entry, c in lexicon_entries.items() if entry[0] == etype})
        taken = SharedAcronyms(shared_short, frozenset(owned_short.get(root, ())))
        name, label_reason = choose_label(tally.surfaces, etype, keys, lexicon_names, taken, clustering.own_type_word)
        papers = tuple(sorted(tally.papers))
        key = "\x1f".join(sorted({variant_key(s) for s in tally.surfaces})) + "\x1e" + "\x1f".join(papers)
        rules = Counter(clustering.rule[n] for n in ids)
        kept = Counter(pair for n in ids for pair in occs[n].kept_apart)
        trace = EntityTrace(
            type_votes=tuple(sorted(tally.votes.items())),
            type_reason=type_reason,
            label_reason=label_reason,
            surfaces=tuple(sorted(tally.surfaces.items(), key=lambda kv: (-kv[1], kv[0]))),
            rules=tuple(sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))),
            kept_apart=tuple(sorted(kept, key=lambda pair: (-kept[pair], pair))),
            lexicon=tuple(sorted({f"{t}: {nm}" for t, nm in lexicon_entries})),
        )
        canonical = CanonicalEntity(
            type=etype,
            name=name,
            aliases=tuple(sorted(set(tally.surfaces) - {name})),
            papers=papers,
            mention_count=tally.mention_count,
            key=key,
            keys=tuple(sorted({keys.identity(s, etype) for s in tally.surfaces} | {variant_key(name)})),
            trace=trace,
        )
        drafts.append(((etype, name, key), root, canonical, tally.surfaces))
    drafts.sort(key=lambda item: item[0])

    parents = families([(d[2].type, d[2].name, d[3], d[2].paper_count) for d in drafts], keys)
    entities: list[CanonicalEntity] = []
    for (_, _, draft, _), (parent, stem) in zip(drafts, parents):
        if parent is not None:
            draft = replace(draft, broader=parent, trace=replace(draft.trace, broader_via=stem))
        entities.append(draft)
    index_of_root = {root: i for i, (_, root, _, _) in enumerate(drafts)}
    del drafts
    groups = [sorted((index_of_root[root], ids) for root, ids in per_paper.items()) for per_paper in by_paper]
    total = sum(dropped.values())
    if total:
        log.info("resolution left out or cut %d surface(s) (compounds, scores, connectors)", total)
    return StreamedResolution(tuple(entities), paper_ids, occs, groups, dict(sorted(dropped.items())))


def resolve(
    extractions: Iterable[PaperExtraction],
    *,
    lexicon: LexiconLike | None | Literal["default"] = "default",
) -> Resolution:
    """Decide which canonical entity every (paper, entity) of the extractions is.

    Args:
        extractions: per-paper extractions, in any order; a paper id given
            twice counts once (see :func:`kg.extractions.dedupe_by_id`).
        lexicon: an object with ``lookup(surface, type=...)`` returning entries
            with ``type``, ``name`` and ``ambiguous`` (``kg.lexicons.LexiconIndex``);
            ``"default"`` is the bundled one (:func:`kg.lexicons.default_index`;
            a broken bundled file raises ``InputError``), ``None`` resolves
            without one.

    Returns:
        The canonical entities, the per-paper links and the assignment.
    """
    records = dedupe_by_id(extractions)
    streamed = resolve_stream(lambda: records, lexicon=lexicon)
    links: list[PaperEntity] = []
    assignment: dict[tuple[str, int], int] = {}
    for p, record in enumerate(records):
        links.extend(streamed.links_of(p, record))
        for index, entity in streamed.assignment_of(p).items():
            assignment[(record.id, index)] = entity
    links.sort(key=lambda link: (link.paper_id, link.entity))
    return Resolution(
        extractions=tuple(records),
        entities=streamed.entities,
        links=tuple(links),
        assignment=assignment,
        dropped=streamed.dropped,
    )
