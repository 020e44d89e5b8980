"""Cross-paper entity identity: which extracted entities are the same real-world thing.

The extractor works one paper at a time: within a paper it already folds an
acronym into its long form ("Direct Preference Optimization (DPO)" is one
entity with alias ``DPO``). This module decides, for every (paper, entity)
pair, which canonical entity it is, what that entity is called, which type
it has and which family it belongs to. Rules, in the order they apply:

1. **Clean surfaces.** An adjectival compound ("CLIP-based", "LLM-powered")
   or a name with a score glued on ("ViT 86.54") is not a name: it is
   dropped (an entity left with no name is dropped). The surfaces one
   extracted entity lists together are split where they name different
   versions or editions (:func:`kg.names.names_compatible`: "Gemini" and
   "Gemini 1.5 Pro", "GPT-4o" and "GPT-4o mini"), each part resolving on
   its own.
2. **Long forms.** Two occurrences that share a long form up to case,
   dashes, spacing, a regular plural, British/American spelling, a trailing
   type word or a vendor prefix (an *identity key*), or that the curated
   lexicon maps onto the same entry of a compatible version, are one
   entity, whatever type the extractor gave each; union-find makes this
   transitive.
3. **Short forms** (acronym-like surfaces, :func:`kg.names.is_short_form`)
   never merge two long forms: "SAM" the optimiser and "SAM" the
   segmentation model stay apart, and so do two expansions of one acronym.
4. **Bare short forms** (an occurrence whose every surface is acronym-like)
   attach to a defining entity: the one defined in the same paper, else the
   only one of the same type, else the one the paper's other entities point
   to (a naive-Bayes score over co-mentioned entities, with the number of
   papers as prior) when it wins by a clear margin; otherwise they stay an
   entity of their own.
5. **Type, label and family.** An entity takes the lexicon's type when the
   lexicon knows it, else its most frequent extracted type; its label is the
   lexicon's canonical name, else its most used surface in its most common
   casing (an acronym when papers use it more than the long form); a
   versioned entity ("Llama 3.1 8B") gets the nearest attested shorter name
   of its family ("Llama 3.1") as ``broader``.

Every decision is recorded in an :class:`EntityTrace` (what ``kg explain``
prints). The result depends only on the *set* of extractions: papers are
deduplicated by id and every choice is a pure function of sorted keys, so
any input order gives the same :class:`Resolution`. Stdlib only. The curated
lexicon comes from :mod:`kg.lexicons` (shared with the extractor) and is passed
in by the caller (``"default"``: the bundled one; ``None``: none).
"""

from __future__ import annotations

import gc
import json
import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal, Protocol

from kg.lexicons import default_index
from kg.names import (
    acronym_key,
    after_connector,
    case_key,
    compound_head,
    family_stems,
    fold_year,
    incompatibility,
    is_score_like,
    is_short_form,
    letter_codes,
    lexicon_alias_compatible,
    looks_like_name,
    names_compatible,
    split_type_word,
    split_vendor,
    variant_key,
)
from kg.normalize import collapse_whitespace
from kg.records import ENTITY_TYPES, Entity, EntityType, Mention, PaperExtraction, Role

__all__ = [
    "CanonicalEntity",
    "EntityTrace",
    "LexiconLike",
    "PaperEntity",
    "Resolution",
    "dedupe_extractions",
    "is_short_form",
    "resolve",
    "variant_key",
]

log = logging.getLogger(__name__)

#: A bare acronym attaches to the best-scoring sense only when it beats the
#: runner-up by this many nats (a likelihood ratio of 3: a 75% posterior
#: between two senses).
ATTACH_MARGIN = math.log(3.0)
#: The weight (in papers) of the sense nobody defined: a bare acronym
#: may always mean something the corpus never spells out (a paper's own new
#: name the extractor did not see defined, a metric, a common abbreviation),
#: so a sense defined in a couple of papers does not win on its prior alone.
UNDEFINED_SENSE_FLOOR = 3
_TYPE_ORDER = {t: i for i, t in enumerate(ENTITY_TYPES)}


class _LexiconEntryLike(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def type(self) -> EntityType: ...

    @property
    def ambiguous(self) -> bool: ...


class LexiconLike(Protocol):
    """What resolution needs from a lexicon (``kg.lexicons.LexiconIndex`` fits)."""

    def lookup(self, surface: str, *, type: EntityType | None = None) -> Sequence[_LexiconEntryLike]:
        """Return the entries (of ``type``, or of any type) one of whose forms normalises like ``surface``."""
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


@lru_cache(maxsize=1 << 18)
def _clean(surface: str) -> str:
    """Collapse whitespace; a LaTeX non-breaking ``~`` is a space ("Markov Decision Process~")."""
    return collapse_whitespace(surface.replace("~", " "))


@lru_cache(maxsize=1 << 18)
def _drop_reason(surface: str) -> str:
    """Return why a surface is not a name (``"compound"``, ``"score"``), or ``""``."""
    if compound_head(surface) is not None:
        return "compound"
    if is_score_like(surface):
        return "score"
    return ""


@dataclass
class _Occurrence:
    """One part of one extracted entity: surfaces that name one thing."""

    paper: int
    index: int
    part: int
    type: EntityType
    surfaces: tuple[str, ...]
    long_forms: tuple[str, ...]
    short_forms: tuple[str, ...]
    entity: Entity
    mentions: tuple[Mention, ...]
    kept_apart: tuple[tuple[str, str], ...] = ()


def _split_groups(surfaces: Sequence[str]) -> list[list[str]]:
    """Group an entity's surfaces so that every member of a group is compatible with every other.

    Greedy in the given order (the name first), so the result is deterministic.
    """
    groups: list[list[str]] = []
    for surface in surfaces:
        for group in groups:
            if all(names_compatible(surface, other) for other in group):
                group.append(surface)
                break
        else:
            groups.append([surface])
    return groups


def _mention_text(record: PaperExtraction, mention: Mention) -> str:
    text = record.paper.title if mention.field == "title" else record.paper.abstract
    return text[mention.start : mention.end]


def _cleaned_surfaces(entity: Entity, dropped: Counter[str]) -> list[str]:
    """Return an entity's distinct surfaces, name first, without the ones that are no names."""
    surfaces: list[str] = []
    for s in dict.fromkeys(_clean(s) for s in (entity.name, *entity.aliases)):
        if not s:
            continue
        reason = _drop_reason(s)
        if reason:
            dropped[f"{reason}\t{s}"] += 1
        else:
            surfaces.append(s)
    return surfaces


def _occurrences(records: Sequence[PaperExtraction], dropped: Counter[str]) -> list[_Occurrence]:
    """Turn every extracted entity into one occurrence per compatible group of its surfaces.

    A long surface holding a prose connector ("baselines such as FooNet")
    is cut to what follows it when that rest is itself a surface somewhere
    in the corpus.
    """
    cleaned = [[_cleaned_surfaces(entity, dropped) for entity in record.entities] for record in records]
    attested = {variant_key(s) for per_record in cleaned for surfaces in per_record for s in surfaces}
    occs: list[_Occurrence] = []
    for p, record in enumerate(records):
        for i, entity in enumerate(record.entities):
            surfaces = []
            for s in cleaned[p][i]:
                rest = after_connector(s) if " " in s else None
                if rest is not None and variant_key(rest) in attested:
                    dropped[f"connector\t{s}"] += 1
                    s = rest
                if s not in surfaces:
                    surfaces.append(s)
            if not surfaces:
                continue
            groups = _split_groups(surfaces)
            if len(groups) == 1:
                parts = [(groups[0], entity.mentions, ())]
            else:
                by_key = {variant_key(s): g for g, group in enumerate(groups) for s in group}
                split_mentions: list[list[Mention]] = [[] for _ in groups]
                for m in entity.mentions:
                    split_mentions[by_key.get(variant_key(_mention_text(record, m)), 0)].append(m)
                parts = []
                for g, group in enumerate(groups):
                    others = tuple(
                        (o, next((r for m in group if (r := incompatibility(o, m))), "not compatible"))
                        for h, grp in enumerate(groups)
                        if h != g
                        for o in grp
                    )
                    parts.append((group, tuple(split_mentions[g]), others))
            for part, (group, mentions, apart) in enumerate(parts):
                long_forms = tuple(s for s in group if not is_short_form(s))
                short_forms = tuple(s for s in group if is_short_form(s))
                occs.append(
                    _Occurrence(
                        p,
                        i,
                        part,
                        entity.type,
                        tuple(group),
                        long_forms,
                        short_forms,
                        entity,
                        mentions,
                        apart,
                    )
                )
    return occs


# --------------------------------------------------------------------------- keys


class _Keys:
    """Identity keys of surfaces, licensed by what the corpus attests (see :func:`kg.names.strip_candidates`)."""

    def __init__(self, occs: Sequence[_Occurrence]) -> None:
        attested: dict[str, set[str]] = {t: set() for t in ENTITY_TYPES}
        for occ in occs:
            bucket = attested[occ.type]
            for s in occ.surfaces:
                bucket.add(variant_key(s))
        self._attested = attested
        # A trailing type word may go when any spelling of the name shows the rest is a name.
        licensed: set[tuple[str, str]] = set()
        for occ in occs:
            for s in occ.surfaces:
                typed = split_type_word(s, occ.type)
                if typed is not None and looks_like_name(typed[0]):
                    licensed.add((occ.type, variant_key(s)))
        self._licensed = licensed
        self._cache: dict[tuple[str, str], str] = {}

    def identity(self, surface: str, etype: EntityType) -> str:
        """Return the identity key of ``surface`` as a name of type ``etype``.

        The :func:`kg.names.variant_key` of the name with a trailing year
        shortened, a licensed vendor prefix and type word dropped, plus its
        letter-only version parts ("ViT-S" is not "VITS").
        """
        cache_key = (surface, etype)
        hit = self._cache.get(cache_key)
        if hit is not None:
            return hit
        text = fold_year(surface)
        key = variant_key(text)
        if etype == "Model":
            vendor = split_vendor(text)
            if vendor is not None and variant_key(vendor[1]) in self._attested["Model"]:
                text = vendor[1]
                key = variant_key(text)
        typed = split_type_word(text, etype)
        if typed is not None:
            rest_key = variant_key(typed[0])
            if (etype, variant_key(text)) in self._licensed or rest_key in self._attested[etype]:
                key = rest_key
                text = typed[0]
        codes = letter_codes(text)
        if codes:
            key = f"{key}#{'+'.join(codes)}"
        self._cache[cache_key] = key
        return key

    def plain(self, surface: str) -> str:
        """Return the type-independent key of ``surface``: nothing dropped but spelling and year."""
        text = fold_year(surface)
        key = variant_key(text)
        codes = letter_codes(text)
        return f"{key}#{'+'.join(codes)}" if codes else key


class _Lexicon:
    """Memoised view of an optional lexicon, refusing entries of another version."""

    def __init__(self, lexicon: LexiconLike | None) -> None:
        self._lexicon = lexicon
        self._cache: dict[tuple[str, str, bool], tuple[str, ...]] = {}

    def entry(self, surface: str, etype: EntityType, *, bare: bool) -> tuple[str, ...]:
        """Return ``(type, name)`` of the one lexicon entry ``surface`` names, or ``()``.

        Entries whose canonical name is another version than ``surface`` do
        not count. A long form may name an entry flagged ambiguous (the long
        form settles it) and prefers one of its own type; a bare acronym
        names an entry only when it is the single, unambiguous one of any type.
        """
        if self._lexicon is None:
            return ()
        cache_key = (surface, etype, bare)
        hit = self._cache.get(cache_key)
        if hit is None:
            found_any = list(self._lexicon.lookup(surface))
            if is_short_form(surface):
                # An acronym's case is part of it: "ViTs" (plural of ViT) is not the entry "VITS".
                own_case = case_key(surface)
                found_any = [
                    e
                    for e in found_any
                    if own_case in {case_key(f) for f in getattr(e, "forms", (e.name,))}
                    or surface in (surface.upper(), surface.lower())
                ]
            entries = [e for e in found_any if lexicon_alias_compatible(surface, e.name)]
            if bare:
                entries = [e for e in entries if not getattr(e, "ambiguous", False)]
                if len({(e.type, e.name) for e in found_any}) > 1:
                    entries = []
            else:
                # An entry flagged ambiguous (one of its forms is a common word or acronym) only
                # counts for a one-word name when the extractor gave the same type; a longer
                # name, or an unambiguous entry, may correct the type.
                if " " not in surface.strip():
                    entries = [e for e in entries if e.type == etype or not getattr(e, "ambiguous", False)]
                own = [e for e in entries if e.type == etype]
                entries = own or entries
            found = sorted({(str(e.type), e.name) for e in entries})
            hit = found[0] if len(found) == 1 else ()
            self._cache[cache_key] = hit
        return hit


# --------------------------------------------------------------------------- clustering


@dataclass
class _Clustering:
    """Union-find plus what each occurrence joined by, for the trace."""

    uf: _UnionFind
    rule: list[str]
    lexicon_of: list[tuple[str, ...]]


def _choose_sense(
    occ: _Occurrence,
    candidates: list[int],
    same_spelling: set[int],
    cluster_types: dict[int, Counter[str]],
    cluster_papers: dict[int, set[int]],
    paper_context: list[set[int]],
    context_counts: dict[int, Counter[int]],
    n_papers: int,
) -> tuple[int | None, str]:
    """Pick the defining cluster a bare acronym belongs to, with the rule that decided, or (None, why not).

    One sense per paper first: a definition in the same paper wins. Then
    every sense (of the same type, when a sense of that type exists) scores
    the log of its number of papers (the prior) plus, for every entity of
    this paper it was seen with, the log of how much more often than chance
    (``co / papers(sense)`` over that entity's share of all papers); only
    positive evidence counts, so a big sense is not punished for the many
    entities it was never seen with.

    The senses defined in the corpus need not be the one a bare use means
    (a paper's own new name the extractor did not see defined, a metric, a
    sense everybody knows and nobody spells out), so an *undefined sense*
    competes too, weighing :data:`UNDEFINED_SENSE_FLOOR` papers. The best
    must beat the runner-up by :data:`ATTACH_MARGIN`: a sense defined in a
    couple of papers needs support from the paper's other entities.
    """
    same_paper = [c for c in candidates if occ.paper in cluster_papers[c]]
    if len(same_paper) == 1:
        return same_paper[0], "acronym defined in the paper"
    spelled = [c for c in candidates if c in same_spelling]
    if len(spelled) == 1:
        return spelled[0], "same name written without spaces"
    # The extractor's type for a lone acronym is a guess: it only narrows the senses when one fits.
    typed = [c for c in candidates if cluster_types[c][occ.type]] or candidates
    here = sorted(paper_context[occ.paper] - set(typed))
    scored: list[tuple[float, float, int]] = []
    for c in typed:
        n_c = len(cluster_papers[c])
        counts = context_counts.get(c)
        if counts is None:
            counts = Counter(x for p in sorted(cluster_papers[c]) for x in paper_context[p] if x != c)
            context_counts[c] = counts
        evidence = 0.0
        for x in here:
            co = counts[x]
            if co:
                share = len(cluster_papers.get(x, ())) / max(1, n_papers)
                evidence += max(0.0, math.log((co / (n_c + 1.0)) / share))
        scored.append((math.log(n_c) + evidence, evidence, c))
    scored.append((math.log(UNDEFINED_SENSE_FLOOR), 0.0, -1))
    scored.sort(key=lambda item: (-item[0], item[2]))
    (best, best_evidence, root), (second, _, _) = scored[0], scored[1]
    if root < 0:
        return None, "an undefined sense is likelier"
    if best - second < ATTACH_MARGIN:
        return None, "no clear sense"
    return root, "context of the paper" if best_evidence > 0 else "most frequent sense"


@lru_cache(maxsize=1 << 18)
def _pointer_keys(surface: str, *, defining: bool) -> tuple[str, ...]:
    """Return the keys under which a bare acronym finds the entities that carry ``surface``.

    Acronyms keep their case ("ViT" is not "VIT", visual instruction tuning);
    an all-capitals or all-lower-case bare form may also mean a mixed-case one.
    """
    if not is_short_form(surface):
        return ("i\x00" + variant_key(surface),)
    keys = ["a\x00" + acronym_key(surface)]
    if defining or surface in (surface.upper(), surface.lower()):
        keys.append("i\x00" + variant_key(surface))
    return tuple(keys)


def _cluster(occs: list[_Occurrence], n_papers: int, keys: _Keys, lexicon: _Lexicon) -> _Clustering:
    """Union the occurrences that are one entity (rules 2-4 of the module docstring)."""
    uf = _UnionFind(len(occs))
    rule = ["name"] * len(occs)
    lexicon_of: list[tuple[str, ...]] = [()] * len(occs)
    first_with_key: dict[str, int] = {}
    defined: list[bool] = []
    for n, occ in enumerate(occs):
        strong: set[str] = set()
        for surface in occ.long_forms:
            # The typed key drops this type's type word; the plain one lets another type's
            # occurrence of the very same name meet it ("Segment Anything Model" as Method/Model).
            strong.add("n\x00" + keys.identity(surface, occ.type))
            strong.add("n\x00" + keys.plain(surface))
            entry = lexicon.entry(surface, occ.type, bare=False)
            if entry:
                strong.add("x\x00" + "\x00".join(entry))
                lexicon_of[n] = entry
        if not occ.long_forms:
            for surface in occ.short_forms:
                entry = lexicon.entry(surface, occ.type, bare=True)
                if entry:
                    strong.add("x\x00" + "\x00".join(entry))
                    lexicon_of[n] = entry
                    rule[n] = "lexicon"
        defined.append(bool(strong))
        for key in sorted(strong):
            seen = first_with_key.setdefault(key, n)
            if seen != n:
                if key.startswith("x") and rule[n] == "name":
                    rule[n] = "lexicon"
                uf.union(seen, n)

    # Index the defined clusters by every surface they carry; note their types and papers.
    pointer: dict[str, set[int]] = {}
    spelling: dict[str, set[int]] = {}  # a long form's exact spelling without spaces -> clusters
    cluster_papers: dict[int, set[int]] = {}
    cluster_types: dict[int, Counter[str]] = {}
    paper_context: list[set[int]] = [set() for _ in range(n_papers)]
    for n, occ in enumerate(occs):
        if not defined[n]:
            continue
        root = uf.find(n)
        cluster_papers.setdefault(root, set()).add(occ.paper)
        cluster_types.setdefault(root, Counter())[occ.type] += 1
        paper_context[occ.paper].add(root)
        for surface in occ.surfaces:
            for key in _pointer_keys(surface, defining=True):
                pointer.setdefault(key, set()).add(root)
        for surface in occ.long_forms:
            spelling.setdefault(case_key(surface), set()).add(root)
    for n, occ in enumerate(occs):
        if defined[n] and occ.short_forms and occ.long_forms:
            rule[n] = "acronym defined" if rule[n] == "name" else rule[n]

    decisions: list[tuple[int, int | None, list[str]]] = []
    context_counts: dict[int, Counter[int]] = {}
    for n, occ in enumerate(occs):
        if defined[n]:
            continue
        bare_keys = sorted({k for s in occ.surfaces for k in _pointer_keys(s, defining=False)})
        candidates = sorted(set().union(*(pointer.get(k, set()) for k in bare_keys)))
        target, why = (None, "no definition in the corpus")
        if candidates:
            spelled = set().union(*(spelling.get(case_key(s), set()) for s in occ.surfaces))
            target, why = _choose_sense(
                occ,
                candidates,
                spelled,
                cluster_types,
                cluster_papers,
                paper_context,
                context_counts,
                n_papers,
            )
        rule[n] = f"bare acronym: {why}"
        # Lone acronyms with no sense to join are one entity per spelling, whatever type the
        # extractor guessed for each use; the entity takes the majority type.
        decisions.append((n, target, sorted({acronym_key(s) for s in occ.surfaces})))
    bare_first: dict[str, int] = {}
    for n, target, group_keys in decisions:
        if target is not None:
            uf.union(target, n)
            continue
        for key in group_keys:
            seen = bare_first.setdefault(key, n)
            if seen != n:
                uf.union(seen, n)
    return _Clustering(uf, rule, lexicon_of)


# --------------------------------------------------------------------------- entities


def _mention_order(m: Mention) -> tuple[str, int, int, str]:
    return (m.field, m.start, m.end, m.sentence)


def _merge_paper_entities(record: PaperExtraction, parts: list[_Occurrence], entity: int) -> PaperEntity:
    """Merge the occurrences of one paper that resolved to the same canonical entity."""
    if len(parts) == 1:
        occ = parts[0]
        e = occ.entity
        name = _clean(e.name)
        if name not in occ.surfaces:
            name = min(occ.surfaces, key=lambda s: (is_short_form(s), s))
        return PaperEntity(
            paper_id=record.id,
            entity=entity,
            name=name,
            aliases=tuple(sorted(set(occ.surfaces) - {name})),
            role=e.role,
            confidence=float(e.confidence),
            component="+".join(sorted({c for c in e.component.split("+") if c})),
            mentions=tuple(sorted(set(occ.mentions), key=_mention_order)),
            extractor=record.extractor,
            extracted_type=occ.type,
        )
    surfaces = {s for occ in parts for s in occ.surfaces}
    names = sorted(
        {_clean(occ.entity.name) for occ in parts if _clean(occ.entity.name) in surfaces},
        key=lambda s: (is_short_form(s), s),
    )
    if not names:
        names = sorted(surfaces, key=lambda s: (is_short_form(s), s))
    name = names[0]
    mentions = sorted({m for occ in parts for m in occ.mentions}, key=_mention_order)
    # The extractor's type for this paper: the most frequent, a tie going to the part that
    # carries a long form (the paper's definition), then to the fixed type order.
    types = Counter(occ.type for occ in parts)
    defining = {occ.type for occ in parts if occ.long_forms}
    extracted_type = min(types, key=lambda t: (-types[t], t not in defining, _TYPE_ORDER[t]))
    ents = [occ.entity for occ in parts]
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
        extracted_type=extracted_type,
    )


def _choose_type(links: list[PaperEntity], lexicon_types: Counter[str]) -> tuple[EntityType, str]:
    """Return the entity's type and why: the lexicon's when it knows the entity, else the majority."""
    if lexicon_types:
        best = min(lexicon_types, key=lambda t: (-lexicon_types[t], _TYPE_ORDER[t]))  # type: ignore[index]
        return best, "lexicon"  # type: ignore[return-value]
    votes = Counter(link.extracted_type for link in links)
    return min(votes, key=lambda t: (-votes[t], _TYPE_ORDER[t])), "majority"


def _choose_label(
    surfaces: Counter[str],
    etype: EntityType,
    keys: _Keys,
    lexicon_names: Counter[str],
    shared_short: frozenset[str] | set[str],
) -> tuple[str, str]:
    """Return the canonical label and why (rule 5 of the module docstring).

    Surfaces are grouped by identity key; the group used by most papers wins
    (a tie goes to the long form), then its most common spelling, preferring
    one without a trailing type word. An acronym that another entity also
    carries (``shared_short``, variant keys) never wins over a long form: a
    label must tell the two apart.
    """
    if lexicon_names:
        best = min(lexicon_names, key=lambda s: (-lexicon_names[s], s))
        return best, "lexicon"
    groups: dict[str, Counter[str]] = {}
    has_long = any(not is_short_form(s) for s in surfaces)
    for surface, count in surfaces.items():
        if has_long and is_short_form(surface) and variant_key(surface) in shared_short:
            continue
        groups.setdefault(keys.identity(surface, etype), Counter())[surface] += count

    # A paper using two spellings of one group counts once per spelling: an upper bound that
    # still ranks groups by use; ties go to long forms, then to the alphabetically first key.
    def group_rank(item: tuple[str, Counter[str]]) -> tuple[int, int, str]:
        key, forms = item
        short = all(is_short_form(s) for s in forms)
        return (-sum(forms.values()), int(short), key)

    _, forms = min(groups.items(), key=group_rank)
    short_won = all(is_short_form(s) for s in forms) and any(not is_short_form(s) for s in surfaces)

    def lower_type_word(s: str) -> bool:
        typed = split_type_word(s, etype)
        return typed is not None and typed[1] == typed[1].lower()

    def form_rank(s: str) -> tuple[int, int, int, str]:
        vendor = split_vendor(s) if etype == "Model" else None
        return (int(lower_type_word(s)), int(vendor is not None), -forms[s], s)

    label = min(forms, key=form_rank)
    typed = split_type_word(label, etype)
    if typed is not None and lower_type_word(label) and keys.identity(label, etype) == variant_key(typed[0]):
        # Every spelling carries a lower-case type word ("the TimerBed benchmark"): drop it, as
        # ANNOTATION.md's name rule does; a capitalised one ("Segment Anything Model") is the name's.
        label = typed[0]
    return label, "most used (acronym)" if short_won else "most used"


def _families(
    entities: list[tuple[EntityType, str, Counter[str], int]], keys: _Keys
) -> list[tuple[int | None, str]]:
    """Return, per entity, the index of its nearest attested family and the stem that found it.

    A stem ("Gemini 1.5" for "Gemini 1.5 Pro") names a family entity when it
    is that entity's label or a surface at least half of its papers use, so
    a stray acronym an unrelated entity once carried ("MIMIC" for some
    earnings-call corpus) is no family of "MIMIC-IV". Vendor prefixes are
    dropped first ("OpenAI o3" is no member of "OpenAI").
    """
    index: dict[tuple[str, str], list[int]] = {}
    for i, (etype, label, surfaces, papers) in enumerate(entities):
        names = {label} | {
            s for s, count in surfaces.items() if 2 * count >= papers and (count >= 3 or not is_short_form(s))
        }
        for surface in names:
            index.setdefault((etype, keys.identity(surface, etype)), []).append(i)
    out: list[tuple[int | None, str]] = []
    for i, (etype, label, surfaces, _) in enumerate(entities):
        ordered = [label, *sorted((s for s in surfaces if s != label), key=lambda s: (-surfaces[s], s))]
        found: tuple[int | None, str] = (None, "")
        best_depth = 1 << 30
        for surface in ordered:
            vendor = split_vendor(surface)
            for depth, stem in enumerate(family_stems(vendor[1] if vendor else surface)):
                if depth >= best_depth:
                    break
                hits = [j for j in index.get((etype, keys.identity(stem, etype)), ()) if j != i]
                if hits:
                    j = min(hits, key=lambda j: (-entities[j][3], entities[j][1], j))
                    found, best_depth = (j, stem), depth
                    break
        out.append(found)
    # A cycle can only come from odd merges; break it where it closes.
    for i in range(len(out)):
        seen: set[int] = set()
        j: int | None = i
        while j is not None and j not in seen:
            seen.add(j)
            j = out[j][0]
        if j is not None:
            out[j] = (None, "")
    return out


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
            with ``type``, ``name`` and ``ambiguous`` (``kg.lexicons.LexiconIndex``);
            ``"default"`` is the bundled one (:func:`kg.lexicons.default_index`;
            a broken bundled file raises ``InputError``), ``None`` resolves
            without one.

    Returns:
        The canonical entities, the per-paper links and the assignment.
    """
    records = dedupe_extractions(extractions)
    lex = _Lexicon(default_index() if lexicon == "default" else lexicon)  # type: ignore[arg-type]
    # Resolution allocates millions of small containers and frees none of them until it
    # returns; the cyclic collector would rescan them all again and again (measured: 40% of
    # the time on 15k papers), so it is paused and restored on the way out.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _resolve(records, lex)
    finally:
        if paused:
            gc.enable()


def _resolve(records: list[PaperExtraction], lex: _Lexicon) -> Resolution:
    """Run the rules of the module docstring over deduplicated records (see :func:`resolve`)."""
    dropped: Counter[str] = Counter()
    occs = _occurrences(records, dropped)
    keys = _Keys(occs)
    clustering = _cluster(occs, len(records), keys, lex)
    uf = clustering.uf

    members: dict[int, list[int]] = {}
    for n in range(len(occs)):
        members.setdefault(uf.find(n), []).append(n)

    # Acronyms carried by more than one entity: never a label where a long form exists.
    carriers: dict[str, set[int]] = {}
    for root, occ_ids in members.items():
        for n in occ_ids:
            for s in occs[n].short_forms:
                carriers.setdefault(variant_key(s), set()).add(root)
    shared_short = {k for k, roots in carriers.items() if len(roots) > 1}
    del carriers

    drafts: list[tuple[tuple[str, str, str], int, CanonicalEntity, list[PaperEntity], Counter[str]]] = []
    for root, occ_ids in members.items():
        per_paper: dict[int, list[_Occurrence]] = {}
        for n in occ_ids:
            per_paper.setdefault(occs[n].paper, []).append(occs[n])
        links = [
            _merge_paper_entities(records[p], parts, entity=-1) for p, parts in sorted(per_paper.items())
        ]
        lexicon_entries = Counter(clustering.lexicon_of[n] for n in occ_ids if clustering.lexicon_of[n])
        lexicon_types: Counter[str] = Counter()
        for (etype_, _), count in lexicon_entries.items():
            lexicon_types[etype_] += count
        etype, type_reason = _choose_type(links, lexicon_types)
        surfaces: Counter[str] = Counter(s for link in links for s in {link.name, *link.aliases})
        lexicon_names = Counter({name: c for (t, name), c in lexicon_entries.items() if t == etype})
        name, label_reason = _choose_label(surfaces, etype, keys, lexicon_names, shared_short)
        papers = tuple(link.paper_id for link in links)
        variant_keys = sorted({variant_key(s) for s in surfaces})
        key = "\x1f".join(variant_keys) + "\x1e" + "\x1f".join(papers)
        rules = Counter(clustering.rule[n] for n in occ_ids)
        kept = Counter(pair for n in occ_ids for pair in occs[n].kept_apart)
        trace = EntityTrace(
            type_votes=tuple(sorted(Counter(link.extracted_type for link in links).items())),
            type_reason=type_reason,
            label_reason=label_reason,
            surfaces=tuple(sorted(surfaces.items(), key=lambda kv: (-kv[1], kv[0]))),
            rules=tuple(sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))),
            kept_apart=tuple(sorted(kept, key=lambda pair: (-kept[pair], pair))),
            lexicon=tuple(sorted({f"{t}: {nm}" for t, nm in lexicon_entries})),
        )
        entity = CanonicalEntity(
            type=etype,
            name=name,
            aliases=tuple(sorted(set(surfaces) - {name})),
            papers=papers,
            mention_count=sum(link.mention_count for link in links),
            key=key,
            keys=tuple(sorted({keys.identity(s, etype) for s in surfaces} | {variant_key(name)})),
            trace=trace,
        )
        drafts.append(((etype, name, key), root, entity, links, surfaces))
    drafts.sort(key=lambda item: item[0])

    families = _families([(d[2].type, d[2].name, d[4], d[2].paper_count) for d in drafts], keys)
    entities: list[CanonicalEntity] = []
    for i, (_, _, entity, _, _) in enumerate(drafts):
        parent, stem = families[i]
        trace = entity.trace
        if parent is not None:
            trace = replace(trace, broader_via=stem)
        entities.append(
            CanonicalEntity(
                type=entity.type,
                name=entity.name,
                aliases=entity.aliases,
                papers=entity.papers,
                mention_count=entity.mention_count,
                key=entity.key,
                keys=entity.keys,
                broader=parent,
                trace=trace,
            )
        )

    index_of_root = {root: i for i, (_, root, _, _, _) in enumerate(drafts)}
    links_out: list[PaperEntity] = []
    for i, (_, _, _, links, _) in enumerate(drafts):
        links_out.extend(
            PaperEntity(
                link.paper_id,
                i,
                link.name,
                link.aliases,
                link.role,
                link.confidence,
                link.component,
                link.mentions,
                link.extractor,
                link.extracted_type,
            )
            for link in links
        )
    links_out.sort(key=lambda link: (link.paper_id, link.entity))
    assignment = {
        (records[occ.paper].id, occ.index): index_of_root[uf.find(n)]
        for n, occ in enumerate(occs)
        if occ.part == 0
    }
    if dropped:
        log.info("resolution dropped %d non-name surface(s) (compounds, scores)", sum(dropped.values()))
    return Resolution(
        extractions=tuple(records),
        entities=tuple(entities),
        links=tuple(links_out),
        assignment=assignment,
        dropped=dict(sorted(dropped.items())),
    )
