"""Which extracted entities are one thing: the identity decisions of entity resolution.

:mod:`kg.resolve` reads the extraction records and hands this module, per
extracted entity, its *occurrences* (:mod:`kg.occurrences`: cleaned
surfaces, split where they name different versions, rule 1 of
:mod:`kg.resolve`). Here they get identity keys and are united (rules 2-4): by a
shared long form, by the lexicon, and for a bare acronym by the sense the
paper and the corpus point to. Every choice is a pure function of sorted
input, so any record order gives the same clusters.

Stdlib only; it never sees a whole record, only surfaces, types and paper
positions, so a build can resolve without holding the records in memory.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from kg.acronyms import Definitions, acronym_spells, dominant_of, long_forms_match
from kg.name_versions import (
    fold_year,
    letter_codes,
    lexicon_alias_compatible,
    versions_last,
)
from kg.names import (
    acronym_key,
    case_key,
    is_case_slip,
    is_short_form,
    looks_like_name,
    split_type_word,
    split_vendor,
    variant_key,
)
from kg.occurrences import Occurrence
from kg.records import ENTITY_TYPES, EntityType
from kg.type_words import type_word_is_own, whole_entry, worded_acronym

__all__ = [
    "ATTACH_MARGIN",
    "LEXICON_SENSE_BONUS",
    "UNDEFINED_SENSE_FLOOR",
    "UNDEFINED_SENSE_RATE",
    "Clustering",
    "Keys",
    "LexiconLike",
    "LexiconView",
    "cluster",
]

log = logging.getLogger(__name__)

#: A bare acronym attaches to the best-scoring sense only when it beats the
#: runner-up by this many nats (a likelihood ratio of 3: a 75% posterior
#: between two senses).
ATTACH_MARGIN = math.log(3.0)
#: The weight (in papers) of the sense nobody defined: a bare acronym may
#: always mean something the corpus never spells out (a paper's own new name
#: the extractor did not see defined, a metric, a common abbreviation), so a
#: sense defined in a couple of papers does not win on its prior alone. A
#: small corpus (one community, few names) has fewer such senses: the weight
#: is :data:`UNDEFINED_SENSE_RATE` per paper up to this.
UNDEFINED_SENSE_FLOOR = 3.0
#: Weight of the undefined sense per paper of the corpus, below the floor.
UNDEFINED_SENSE_RATE = 0.001
#: Papers a sense counts extra when the curated lexicon lists the acronym as
#: one of its forms: an established name, so a bare use more likely means it.
LEXICON_SENSE_BONUS = 10


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


# --------------------------------------------------------------------------- keys


class Keys:
    """Identity keys of surfaces, licensed by what the corpus attests (:func:`kg.names.strip_candidates`)."""

    def __init__(self, occs: Iterable[Occurrence]) -> None:
        attested: dict[str, set[str]] = {t: set() for t in ENTITY_TYPES}
        licensed: set[tuple[str, str]] = set()
        for occ in occs:
            bucket = attested[occ.type]
            for s in occ.surfaces:
                bucket.add(variant_key(s))
                # A trailing type word may go when any spelling of the name shows the rest is a name.
                typed = split_type_word(s, occ.type)
                if typed is not None and looks_like_name(typed[0]):
                    licensed.add((occ.type, variant_key(s)))
        self._attested = attested
        self._licensed = licensed
        self._cache: dict[tuple[str, str], str] = {}
        self._unordered: dict[tuple[str, str], str | None] = {}

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
        text = self._bare_name(surface, etype)
        key = variant_key(text)
        codes = letter_codes(text)
        if codes:
            key = f"{key}#{'+'.join(codes)}"
        self._cache[cache_key] = key
        return key

    def _bare_name(self, surface: str, etype: EntityType) -> str:
        """Return ``surface`` with a trailing year shortened and a licensed vendor prefix and type word dropped."""
        text = fold_year(surface)
        if etype == "Model":
            vendor = split_vendor(text)
            if vendor is not None and variant_key(vendor[1]) in self._attested["Model"]:
                text = vendor[1]
        typed = split_type_word(text, etype)
        if typed is not None and (
            (etype, variant_key(text)) in self._licensed or variant_key(typed[0]) in self._attested[etype]
        ):
            text = fold_year(typed[0])  # the year is trailing now: "COCO 2017 dataset" is "COCO 2017"
        return text

    def unordered(self, surface: str, etype: EntityType) -> str | None:
        """Return a key of ``surface`` that ignores where its version parts stand, or ``None`` without any.

        "Claude Opus 4.6" and "Claude 4.6 Opus", "Gemini Pro 2.5" and "Gemini
        2.5 Pro" are one model written in two orders: the name's other words
        in order, then its version, size and edition parts sorted
        (:func:`kg.name_versions.versions_last`).
        """
        cache_key = (surface, etype)
        if cache_key not in self._unordered:
            form = versions_last(self._bare_name(surface, etype))
            self._unordered[cache_key] = variant_key(form) if form is not None else None
        return self._unordered[cache_key]

    def without_type_word(self, surface: str, etype: EntityType) -> str:
        """Return ``surface`` without the trailing type word :meth:`identity` drops, else unchanged.

        "GSM8K dataset" is the lexicon's GSM8K once the corpus shows "GSM8K"
        is a name: the guide strips the type word, so the lexicon must see
        the name without it.
        """
        typed = split_type_word(surface, etype)
        if typed is None or self.identity(surface, etype) != self.identity(typed[0], etype):
            return surface
        return typed[0]

    def plain(self, surface: str) -> str:
        """Return the type-independent key of ``surface``: nothing dropped but spelling and year."""
        text = fold_year(surface)
        key = variant_key(text)
        codes = letter_codes(text)
        return f"{key}#{'+'.join(codes)}" if codes else key


class LexiconView:
    """Memoised view of an optional lexicon, refusing entries of another version."""

    def __init__(self, lexicon: LexiconLike | None) -> None:
        self._lexicon = lexicon
        self._cache: dict[tuple[str, str, bool], tuple[str, ...]] = {}
        self._forms: dict[tuple[str, str], tuple[_LexiconEntryLike, ...]] = {}

    def acronyms(self, entry: tuple[str, ...]) -> set[str]:
        """Return the acronym forms (case kept, :func:`kg.names.case_key`) of the entry ``(type, name)``."""
        found = self._forms.get((entry[0], entry[1]))
        if found is None:
            found = (
                tuple(e for e in self._lexicon.lookup(entry[1]) if (e.type, e.name) == (entry[0], entry[1]))
                if self._lexicon
                else ()
            )
            self._forms[(entry[0], entry[1])] = found
        return {case_key(f) for e in found for f in getattr(e, "forms", (e.name,)) if is_short_form(f)}

    def long_forms(self, entry: tuple[str, ...]) -> list[str]:
        """Return the forms of the entry ``(type, name)`` that are not acronyms."""
        self.acronyms(entry)  # fills the cache of the entry's forms
        found = self._forms.get((entry[0], entry[1]), ())
        return sorted({f for e in found for f in getattr(e, "forms", (e.name,)) if not is_short_form(f)})

    def knows_type(self, surface: str, etype: EntityType) -> bool:
        """Say whether an entry of type ``etype`` lists ``surface`` as one of its forms, case kept for an acronym."""
        if self._lexicon is None:
            return False
        own_case = case_key(surface)
        return any(
            own_case in {case_key(f) for f in getattr(e, "forms", (e.name,))}
            for e in self._lexicon.lookup(surface, type=etype)
        )

    def entry(self, surface: str, etype: EntityType, *, bare: bool) -> tuple[str, ...]:
        """Return ``(type, name)`` of the one lexicon entry ``surface`` names, or ``()``.

        Entries whose canonical name the surface cannot stand for do not
        count (:func:`kg.name_versions.lexicon_alias_compatible`). An acronym's case
        must match one of the entry's forms. A long form may name an entry
        flagged ambiguous (the long form settles it) and prefers one of its
        own type; a bare acronym names an entry only when it is the single,
        unambiguous one of any type.
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
                exact = [
                    e
                    for e in found_any
                    if own_case in {case_key(f) for f in getattr(e, "forms", (e.name,))}
                    or surface in (surface.upper(), surface.lower())
                ]
                # A mixed-case slip of a listed acronym ("ReLu", "qLoRA") is it where the extractor
                # gave the entry's type, unless the entry is flagged ambiguous: a word-like acronym's
                # other casings are other names ("CaMeL"), and so is a Method "CoPA" beside the COPA dataset.
                found_any = exact or [
                    e
                    for e in found_any
                    if e.type == etype
                    and not getattr(e, "ambiguous", False)
                    and any(is_case_slip(surface, f) for f in getattr(e, "forms", (e.name,)))
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


@dataclass
class Clustering:
    """The clusters of the occurrences and why each occurrence is in its own.

    Attributes:
        root: per occurrence, the index of its cluster's root occurrence.
        rule: per occurrence, the rule that placed it ("name", "lexicon",
            "acronym defined", "bare acronym: ...").
        lexicon_of: per occurrence, the ``(type, name)`` of the lexicon entry
            it matched, or ``()``.
        own_type_word: :meth:`Keys.plain` keys of the surfaces whose trailing
            type word is the name's ("DPO dataset" beside the lexicon's DPO):
            a label keeps it.
    """

    root: list[int]
    rule: list[str]
    lexicon_of: list[tuple[str, ...]]
    own_type_word: frozenset[str] = frozenset()


def _majority_type(votes: Counter[str]) -> str:
    """Return the type most occurrences of a sense were given (ties to the fixed type order)."""
    return min(votes, key=lambda t: (-votes[t], ENTITY_TYPES.index(t))) if votes else ""  # type: ignore[arg-type]


def _choose_sense(
    occ: Occurrence,
    candidates: list[int],
    same_spelling: set[int],
    lexicon_senses: set[int],
    cluster_types: dict[int, Counter[str]],
    cluster_papers: dict[int, set[int]],
    paper_context: list[set[int]],
    context_counts: dict[int, Counter[int]],
    n_papers: int,
    dominant: int | None = None,
    known_of_type: bool = False,
    same_name: frozenset[int] | set[int] = frozenset(),
    sense_types: dict[int, str] | None = None,
    written_here: set[int] | None = None,
) -> tuple[int | None, str]:
    """Pick the defining cluster a bare acronym belongs to, with the rule that decided, or (None, why not).

    One sense per paper first: a definition in the same paper wins (a sense
    whose occurrence there writes the acronym or a long form that leaves no
    word out of it, ``written_here``: "mathematical reasoning" in a paper
    that names the MATH benchmark is no definition of it), then a
    long form written exactly so but with spaces. Then every sense (of the
    same type, when a sense of that type exists) scores the log of its
    number of papers (the prior) plus, for every entity of this paper it
    was seen with, the log of how much more often than chance
    (``co / papers(sense)`` over that entity's share of all papers); only
    positive evidence counts, so a big sense is not punished for the many
    entities it was never seen with. A sense whose lexicon entry lists the
    acronym counts :data:`LEXICON_SENSE_BONUS` papers more.

    The senses defined in the corpus need not be the one a bare use means
    (a paper's own new name the extractor did not see defined, a metric, a
    sense everybody knows and nobody spells out), so an *undefined sense*
    competes too, weighing :data:`UNDEFINED_SENSE_FLOOR` papers (less in
    a small corpus, :data:`UNDEFINED_SENSE_RATE` per paper). The best
    must beat the runner-up by :data:`ATTACH_MARGIN`: a sense defined in a
    couple of papers needs support from the paper's other entities. When the
    corpus's definitions of the acronym overwhelmingly give one sense
    (``dominant``, :func:`kg.acronyms.dominant_of`) and it fits the use's
    type, the field uses the acronym for it without spelling it out: the
    undefined sense does not compete (the other defined senses still do).
    When no sense of the use's type is defined but the lexicon lists the
    acronym under that type (``known_of_type``), the use means that sense,
    and when one is, only the senses of that type compete;
    a sense's type is its lexicon entry's, else its occurrences' majority
    (``sense_types``). A name written alike up to case and dashes
    ("ZORB-Bench" for "ZORB-bench", ``same_name``) is that name.
    """
    sense_types = sense_types or {}
    same_paper = [
        c for c in candidates if occ.paper in cluster_papers[c] and (written_here is None or c in written_here)
    ]
    if len(same_paper) == 1:
        return same_paper[0], "acronym defined in the paper"
    spelled = [c for c in candidates if c in same_spelling]
    if len(spelled) == 1:
        return spelled[0], "same name written without spaces"
    # The extractor's type for a lone acronym is a guess: it only narrows the senses when one fits.
    renamed = [c for c in candidates if c in same_name]
    if len(renamed) == 1:
        return renamed[0], "same name in another case"
    if known_of_type and not any(sense_types.get(c) == occ.type for c in candidates):
        # No sense of its type is defined in the corpus, but the lexicon knows one ("GQA" the
        # dataset where only grouped-query attention is defined): the use means that one.
        return None, "the lexicon knows a sense of its type"
    if known_of_type:
        # The lexicon confirms the use's type, so only senses of that type compete: a big Task that
        # one paper wrote "mathematical reasoning (MATH)" for is not the MATH dataset.
        typed = [c for c in candidates if sense_types.get(c) == occ.type]
    else:
        # A sense the lexicon lists the acronym for competes whatever the extractor typed its
        # defined uses: "DINO" bare as a Method may be the lexicon's DINO (a Model).
        typed = [c for c in candidates if cluster_types[c][occ.type] or c in lexicon_senses] or candidates
    here = sorted(paper_context[occ.paper] - set(typed))
    scored: list[tuple[float, float, int]] = []
    for c in typed:
        n_c = len(cluster_papers[c])
        prior = n_c + (LEXICON_SENSE_BONUS if c in lexicon_senses else 0)
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
        scored.append((math.log(prior) + evidence, evidence, c))
    settled = dominant is not None and dominant in typed
    if not settled:
        undefined = min(UNDEFINED_SENSE_FLOOR, UNDEFINED_SENSE_RATE * n_papers)
        scored.append((math.log(max(undefined, 1e-9)), 0.0, -1))
    scored.sort(key=lambda item: (-item[0], item[2]))
    # Say so when the lexicon's type ruled senses out: the decision must be inspectable.
    among = " among the senses of its lexicon type" if known_of_type and len(typed) < len(candidates) else ""
    if len(scored) == 1:
        return scored[0][2], "dominant sense of the corpus" + among
    (best, best_evidence, root), (second, _, _) = scored[0], scored[1]
    if root < 0:
        return None, "an undefined sense is likelier" + among
    if best - second < ATTACH_MARGIN:
        return None, "no clear sense" + among
    if best_evidence > 0:
        return root, "context of the paper" + among
    return root, ("dominant sense of the corpus" if settled and root == dominant else "most frequent sense") + among


def _lexicon_acronym_entry(short: str, definitions: Definitions, lexicon: LexiconView) -> tuple[str, ...]:
    """Return the lexicon entry a bare ``short`` names when the corpus's dominant definition of it is that entry.

    The entry must be the one a bare use of the acronym names, of the
    definition's majority type, and every long form it lists must be a
    wording of the definition (an entry with another long form is another
    sense); ``()`` otherwise.
    """
    found = definitions.dominant_definition(short)
    if found is None or not found[1]:
        return ()
    wording, etype = found
    entry = lexicon.entry(short, etype, bare=True)  # type: ignore[arg-type]
    if not entry or entry[0] != etype:
        return ()
    if not all(long_forms_match(form, wording) for form in lexicon.long_forms(entry)):
        return ()
    return entry


@lru_cache(maxsize=1 << 18)
def _pointer_keys(surface: str, *, defining: bool) -> tuple[str, ...]:
    """Return the keys under which a bare acronym finds the entities that carry ``surface``.

    A defining occurrence indexes each surface: an acronym under its exact
    case (``a``) and its case-free key (``s``), a longer name under its
    case-free key (``l``). A bare acronym looks up its exact case ("ViT" is
    not "VIT", visual instruction tuning) and any longer name spelled alike
    ("MVTec-AD" for "MVTec AD"); an all-capitals or all-lower-case one also
    any acronym spelled alike.
    """
    if not is_short_form(surface):
        return ("l\x00" + variant_key(surface),)
    keys = ["a\x00" + acronym_key(surface)]
    if defining or surface in (surface.upper(), surface.lower()):
        keys.append("s\x00" + variant_key(surface))
    if not defining:
        keys.append("l\x00" + variant_key(surface))
    return tuple(keys)


def _long_forms(occ: Occurrence, keys: Keys, lexicon: LexiconView) -> tuple[str, ...]:
    """Return the occurrence's long forms, less its acronym with a type word where the paper defines it otherwise.

    "PRM framework" in a paper that spells PRM out as "probabilistic road
    map" is that paper's PRM: where the lexicon entry the letters name has
    long forms ("process reward model") and none is the paper's wording, the
    form must carry neither the lexicon's sense of the letters nor another
    paper's "PRM model" into this entity (the spelled-out form says what it
    is). So too where the lexicon knows no sense of the letters: "CP
    framework" in a paper that spells CP out as "Chambolle-Pock" must not
    meet another paper's "CP method" (conformal prediction) through the bare
    letters. An entry without long forms, or a paper that spells nothing out
    ("DTU dataset" / "DTU"), gives no such evidence.
    """
    if not occ.short_forms or len(occ.long_forms) < 2:
        return occ.long_forms
    own = {acronym_key(short) for short in occ.short_forms}
    bare = {s: keys.without_type_word(s, occ.type) for s in occ.long_forms}
    spelled = [s for s in occ.long_forms if acronym_key(bare[s]) not in own]
    if not spelled or len(spelled) == len(occ.long_forms):
        return occ.long_forms

    def defined_otherwise(surface: str) -> bool:
        entry = lexicon.entry(bare[surface], occ.type, bare=False)
        if not entry:
            return True  # no sense of the letters is well known: the paper's own spelling is the only one
        known = lexicon.long_forms(entry)
        return bool(known) and not any(long_forms_match(k, s) for k in known for s in spelled)

    return tuple(s for s in occ.long_forms if s in spelled or not defined_otherwise(s))


def cluster(occs: Sequence[Occurrence], n_papers: int, keys: Keys, lexicon: LexiconView) -> Clustering:
    """Unite the occurrences that are one entity (rules 2-4 of :mod:`kg.resolve`).

    Args:
        occs: every occurrence, in (paper, index, part) order.
        n_papers: how many papers the positions range over.
        keys: identity keys over the same occurrences.
        lexicon: the lexicon view (possibly empty).
    """
    uf = _UnionFind(len(occs))
    rule = ["name"] * len(occs)
    lexicon_of: list[tuple[str, ...]] = [()] * len(occs)
    first_with_key: dict[str, int] = {}
    defined: list[bool] = []
    # The corpus's definitions of each acronym (kg.acronyms): which long forms are one definition,
    # which sense dominates, which definitions were cut short.
    definitions = Definitions()
    worded = [worded_acronym(occ, keys, lexicon) for occ in occs]
    long_forms = [() if w is not None else _long_forms(occ, keys, lexicon) for occ, w in zip(occs, worded)]
    for occ, forms in zip(occs, long_forms):
        for short in occ.short_forms if forms else ():
            for surface in forms:
                definitions.add(short, surface, occ.paper, occ.type)
    definitions.settle()
    listed_bare: dict[str, tuple[str, ...]] = {}
    # Where a paper's acronym spells the type word ("Retrieval-Augmented Generation Optimizer
    # (RAGO)"), or the lexicon names the whole form and another entry the form without it, the
    # word is the name's ("Cross-Entropy Method" is not "cross-entropy", the loss): no paper's
    # spelling of that name may drop it, or it would bridge the two.
    own_word = {
        keys.plain(surface)
        for occ, forms in zip(occs, long_forms)
        for surface in forms
        if type_word_is_own(surface, occ, keys, lexicon)
    }
    for n, occ in enumerate(occs):
        strong: set[str] = set()
        cut = False
        for short in occ.short_forms if long_forms[n] else ():
            for surface in long_forms[n]:
                # Long forms worded alike for one acronym are one sense; "Bar Quux (FBQ)" where the
                # corpus defines FBQ as "Foo Bar Quux" is that sense cut short, and its long form
                # alone ("Bar Quux") is not what this paper names.
                sense = definitions.sense(short, surface)
                strong.add("d\x00" + acronym_key(short) + "\x00" + sense)
                cut = cut or definitions.is_cut(short, surface)
                if sense == definitions.dominant(short):
                    if short not in listed_bare:
                        listed_bare[short] = _lexicon_acronym_entry(short, definitions, lexicon)
                    if listed_bare[short]:
                        # The lexicon lists the acronym alone ("QLoRA"), the corpus spells it out:
                        # its dominant definition is that entry.
                        strong.add("x\x00" + "\x00".join(listed_bare[short]))
                        lexicon_of[n] = lexicon_of[n] or listed_bare[short]
        if cut:
            rule[n] = "definition cut short"
        for surface in long_forms[n] if not cut else ():
            entry = whole_entry(surface, occ.type, lexicon)
            # The typed key drops this type's type word; the plain one lets another type's
            # occurrence of the very same name meet it ("Segment Anything Model" as Method/Model).
            # A name whose type word is its own anywhere in the corpus keeps it everywhere.
            word_is_own = keys.plain(surface) in own_word
            if not word_is_own:
                strong.add("n\x00" + keys.identity(surface, occ.type))
                unordered = keys.unordered(surface, occ.type)
                if unordered is not None:
                    strong.add("o\x00" + occ.type + "\x00" + unordered)
            strong.add("n\x00" + keys.plain(surface))
            if not entry and not word_is_own:
                # "SGD benchmark" without its type word is the lexicon's SGD only if that entry is a
                # Dataset: the type word says what the name is (the optimiser is no benchmark).
                stripped = lexicon.entry(keys.without_type_word(surface, occ.type), occ.type, bare=False)
                entry = stripped if stripped and stripped[0] == occ.type else ()
            if entry:
                strong.add("x\x00" + "\x00".join(entry))
                lexicon_of[n] = entry
        if not long_forms[n]:
            for surface in worded[n] or occ.short_forms:
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
    del first_with_key

    # Index the defined clusters by every surface they carry; note their types and papers.
    pointer: dict[str, set[int]] = {}
    spelling: dict[str, set[int]] = {}  # a long form's exact spelling without spaces -> clusters
    cluster_papers: dict[int, set[int]] = {}
    cluster_types: dict[int, Counter[str]] = {}
    paper_context: list[set[int]] = [set() for _ in range(n_papers)]
    lexicon_forms: dict[int, set[str]] = {}  # cluster -> acronyms its lexicon entry lists (case kept)
    defining_papers: dict[str, dict[int, set[int]]] = {}  # acronym key -> cluster -> papers defining it so
    named_spelling: dict[str, set[int]] = {}  # a proper name's variant key -> clusters ("ZORB-bench")
    self_named: dict[str, set[int]] = {}  # a long form's variant key, type word dropped -> clusters
    lexicon_types: dict[int, Counter[str]] = {}  # cluster -> types of the lexicon entries it matched
    defined_in_paper: dict[int, list[int]] = {}  # paper -> its defined occurrences
    for n, occ in enumerate(occs):
        if not defined[n]:
            continue
        root = uf.find(n)
        defined_in_paper.setdefault(occ.paper, []).append(n)
        if lexicon_of[n]:
            lexicon_forms.setdefault(root, set()).update(lexicon.acronyms(lexicon_of[n]))
        cluster_papers.setdefault(root, set()).add(occ.paper)
        cluster_types.setdefault(root, Counter())[occ.type] += 1
        paper_context[occ.paper].add(root)
        for surface in occ.surfaces:
            for key in _pointer_keys(surface, defining=True):
                pointer.setdefault(key, set()).add(root)
            bare = keys.without_type_word(surface, occ.type)
            if bare != surface and is_short_form(bare):
                # "the VisA dataset" is VisA (the guide drops the type word): a bare "VisA" finds it.
                for key in _pointer_keys(bare, defining=True):
                    pointer.setdefault(key, set()).add(root)
        for surface in occ.long_forms:
            # The acronym's own name written otherwise: with a type word, in another case ("gpt-oss").
            self_named.setdefault(variant_key(keys.without_type_word(surface, occ.type)), set()).add(root)
            spelling.setdefault(case_key(surface), set()).add(root)
            if looks_like_name(surface):
                named_spelling.setdefault(variant_key(surface), set()).add(root)
        if lexicon_of[n]:
            lexicon_types.setdefault(root, Counter())[lexicon_of[n][0]] += 1
        if occ.short_forms and occ.long_forms:
            if rule[n] == "name":
                rule[n] = "acronym defined"
            for surface in occ.short_forms:
                for key in _pointer_keys(surface, defining=True):
                    defining_papers.setdefault(key, {}).setdefault(root, set()).add(occ.paper)

    sense_types = {
        root: _majority_type(lexicon_types.get(root) or votes) for root, votes in cluster_types.items()
    }
    decisions: list[tuple[int, int | None, list[str]]] = []
    context_counts: dict[int, Counter[int]] = {}
    for n, occ in enumerate(occs):
        if defined[n]:
            continue
        surfaces = worded[n] or occ.surfaces
        bare_keys = sorted({k for s in surfaces for k in _pointer_keys(s, defining=False)})
        spelled = set().union(*(spelling.get(case_key(s), set()) for s in surfaces))
        renamed = set().union(*(named_spelling.get(variant_key(s), set()) for s in surfaces))
        same_name = set().union(*(self_named.get(variant_key(s), set()) for s in surfaces))
        candidates = sorted(set().union(spelled, *(pointer.get(k, set()) for k in bare_keys)))
        own = {case_key(s) for s in surfaces}
        listed = {c for c in candidates if lexicon_forms.get(c, set()) & own}
        if worded[n]:
            # The type word says what the acronym names: "the HAC dataset" is no sense of another
            # type, unless the lexicon lists the acronym for it ("DINO framework" is the lexicon's DINO).
            candidates = [c for c in candidates if cluster_types[c][occ.type] or c in listed]
        target, why = (None, "no definition in the corpus")
        if len(same_name) == 1 and set(candidates) <= same_name:
            # Nothing spells the letters out otherwise: the only sense is the name itself, in another
            # case ("gpt-oss") or with a type word the lexicon knows (other such forms resolve as the
            # bare acronym, kg.type_words.worded_acronym), no expansion a bare use could mean instead.
            target = min(same_name)
            why = "same name in another case" if target in renamed else "its only sense is the same name"
        elif candidates:
            defining: dict[int, set[int]] = {}
            for key in bare_keys:
                for root, papers in defining_papers.get(key, {}).items():
                    defining.setdefault(root, set()).update(papers)
            dominant = dominant_of({root: len(papers) for root, papers in defining.items()})
            own_keys = {acronym_key(s) for s in surfaces}
            written_here: set[int] = set()
            for m in defined_in_paper.get(occ.paper, ()):
                root = uf.find(m)
                if root in candidates and (
                    any(acronym_key(s) in own_keys for s in occs[m].short_forms)
                    or any(acronym_spells(s, lf) for s in surfaces for lf in occs[m].long_forms)
                ):
                    written_here.add(root)
            target, why = _choose_sense(
                occ,
                candidates,
                spelled,
                listed,
                cluster_types,
                cluster_papers,
                paper_context,
                context_counts,
                n_papers,
                dominant,
                any(lexicon.knows_type(s, occ.type) for s in surfaces),
                renamed,
                sense_types,
                written_here,
            )
        rule[n] = f"bare acronym: {why}"
        # Lone acronyms with no sense to join are one entity per spelling (case aside: nobody
        # defined either), whatever type the extractor guessed for each use; the entity takes
        # the majority type.
        decisions.append((n, target, sorted({variant_key(s) for s in surfaces})))
    bare_first: dict[str, int] = {}
    for n, target, group_keys in decisions:
        if target is not None:
            uf.union(target, n)
            continue
        for key in group_keys:
            seen = bare_first.setdefault(key, n)
            if seen != n:
                uf.union(seen, n)
    return Clustering([uf.find(n) for n in range(len(occs))], rule, lexicon_of, frozenset(own_word))
