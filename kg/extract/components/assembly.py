"""``kg_assembly``: turn overlapping candidates into one entity per thing named.

Steps, in order:

1. drop candidates inside URLs, generic phrases ANNOTATION.md excludes
   ("large language models", "deep learning"), and weak guesses nothing
   supports (a bare acronym or capitalised phrase with no type evidence);
2. merge candidates with the same span, then resolve overlaps longest first
   (stronger evidence breaks ties);
3. group the survivors: the same normalised text, an acronym and its long
   form, or two aliases of one lexicon entry are one entity;
4. per entity pick the type with the strongest evidence, the long form (or
   the most frequent surface form) as name, the other forms as aliases, the
   role (proposed if any mention is), a confidence and the component that
   found it.

The result is a list of plain dicts in ``doc._.kg_entities`` (type, name,
aliases, role, confidence, component, mentions) and one typed span per
mention in ``doc.spans["kg"]`` (label = type; role, confidence and entity name
as ``span._.kg_role``, ``span._.kg_confidence``, ``span._.kg_name``). The
working candidates are dropped, so the Doc serialises.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components.common import (
    LEADING_ARTICLES,
    NAME_EDGE,
    SPANS_KEY,
    TYPE_PRIORITY,
    Candidate,
    candidates,
    doc_text,
    drop_working_state,
    get_ext,
    is_title_proposal,
    mention_spans,
    norm_key,
    register_extensions,
    set_ext,
    title_range,
    trim_candidate,
)
from kg.extract.wordlists import WordLists, load_word_lists
from kg.records import ENTITY_TYPES

#: Tie break between types with equal votes: the earlier in :data:`~kg.records.ENTITY_TYPES`, the stronger.
_TYPE_ORDER: dict[str, int] = {t: len(ENTITY_TYPES) - 1 - i for i, t in enumerate(ENTITY_TYPES)}


class Assembler:
    """Filter, de-overlap and group candidates into entities."""

    def __init__(
        self,
        name: str = "kg_assembly",
        *,
        word_lists: WordLists | None = None,
        min_confidence: float = 0.45,
        min_untyped_confidence: float = 0.5,
        title_proposal_confidence: float = 0.9,
        mention_bonus: float = 0.05,
        max_confidence: float = 0.99,
        keep_candidates: bool = False,
    ) -> None:
        """Set up the filters.

        Args:
            name: the component name.
            word_lists: the word lists (the bundled ones when None).
            min_confidence: an unsupported candidate (not known, grouped or
                proposed) below this is dropped unless context or a lexicon typed it.
            min_untyped_confidence: an unsupported candidate whose type is only
                the default is dropped below this.
            title_proposal_confidence: a known (lexicon) name is still the
                paper's proposal when ``kg_names`` found it with at least this
                confidence (its title "NAME:" rule).
            mention_bonus: confidence added per further mention of an entity.
            max_confidence: the ceiling of an entity's confidence.
            keep_candidates: keep the working candidates for a later component
                (the learned pipeline's ``kg_learned_assembly`` reads the rules'
                finds); that component then drops them.
        """
        register_extensions()
        self.name = name
        self.lists = word_lists or load_word_lists()
        self.min_confidence = min_confidence
        self.min_untyped_confidence = min_untyped_confidence
        self.title_proposal_confidence = title_proposal_confidence
        self.mention_bonus = mention_bonus
        self.max_confidence = max_confidence
        self.keep_candidates = keep_candidates
        # surface forms that are never names, as one set: one look-up per candidate instead of three
        self._not_names = self.lists.never_names

    def __call__(self, doc: Doc) -> Doc:
        """Filter, de-overlap and group the candidates into ``doc._.kg_entities`` (one per thing named)."""
        text = doc_text(doc)
        found = candidates(doc)
        entities: list[dict[str, Any]] = []
        if found:
            link_spans = [(link["start"], link["end"]) for link in get_ext(doc, "kg_links") or ()]
            title = title_range(doc)
            kept = self._filter(text, found, link_spans)
            kept = _resolve_overlaps(_merge_same_span(kept))
            _expand_acronyms(kept, get_ext(doc, "kg_abbreviations") or ())
            entities = self._group(kept, title[1] if title else None)
        set_ext(doc, "kg_entities", entities)
        doc.spans[SPANS_KEY] = mention_spans(doc, entities)
        if not self.keep_candidates:
            drop_working_state(doc)
        return doc

    # -- 1. filter -----------------------------------------------------------------------------------

    def _filter(
        self, text: str, found: list[Candidate], link_spans: list[tuple[int, int]]
    ) -> list[Candidate]:
        generic = self.lists.generic
        categories = self.lists.category_heads
        generic_groups = {
            c.group
            for c in found
            if c.is_long_form
            and c.group
            and (norm_key(c.text) in generic or _is_category(c.text, categories))
        }
        # links sorted by start, with the furthest end reached so far: one binary search per
        # candidate instead of a scan of every link (quadratic on a long text full of URLs)
        spans = sorted(link_spans)
        link_starts = [s for s, _ in spans]
        link_reach = list(itertools.accumulate((e for _, e in spans), max))
        out: list[Candidate] = []
        for cand in found:
            if generic_groups and cand.group in generic_groups:
                continue
            start, end = cand.start, cand.end
            if (
                start >= end
                or text[start] in NAME_EDGE
                or text[end - 1] in NAME_EDGE
                or text.find("\\", start, end) >= 0
                or text[start] == "$"
                or text.find("(", start, end) >= 0
                or text.startswith(LEADING_ARTICLES, start)
                or text.endswith("'s", start, end)
            ):
                trim_candidate(text, cand, possessive=True)  # most candidates need no trimming: checked inline first
            cand_text = cand.text
            if cand.end - cand.start < 2 or not (
                cand_text[:1].isalpha() or any(ch.isalpha() for ch in cand_text)
            ):
                continue
            if link_starts and _in_link(cand.start, cand.end, link_starts, link_reach):
                continue
            key = norm_key(cand_text)
            if key in generic or cand_text in self._not_names:
                continue
            if key.endswith("s") and (
                key[:-1] in generic or not cand.known and _is_category(cand_text, categories)
            ):
                continue
            if cand.component == "kg_phrases" and not cand.known:
                tail = key.partition(" ")[2]
                if " " in tail and tail in generic:
                    continue  # "supervised deep learning": a qualified generic term
            if not (cand.known or cand.group or cand.proposed):
                if cand.type_evidence == "default" and cand.confidence < self.min_untyped_confidence:
                    continue
                if cand.confidence < self.min_confidence and cand.type_evidence not in ("context", "lexicon"):
                    continue
            out.append(cand)
        return out

    # -- 3 and 4. group and decide ----------------------------------------------------------------------

    def _group(self, kept: list[Candidate], title_end: int | None) -> list[dict[str, Any]]:
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: str, b: str) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        nodes = ["k:" + norm_key(c.text) for c in kept]
        for cand, node in zip(kept, nodes):
            parent.setdefault(node, node)
            if cand.group:
                union(node, "g:" + cand.group)
            for alias in cand.aliases:
                union(node, "k:" + norm_key(alias))
        groups: dict[str, list[Candidate]] = defaultdict(list)
        for cand, node in zip(kept, nodes):
            groups[find(node)].append(cand)
        drafts = []
        for group in groups.values():
            untyped = all(c.type_evidence == "default" and not c.proposed for c in group)
            if untyped and any(c.component == "kg_abbreviations" for c in group):
                continue  # "Magnetic Resonance Imaging (MRI)": an acronym, but of nothing we type
            drafts.append(self._decide(group, title_end))
        drafts.sort(key=lambda d: (min(d["mentions"]), d["type"], d["name"]))
        return drafts

    def _decide(self, members: list[Candidate], title_end: int | None) -> dict[str, Any]:
        if len(members) > 1:
            members.sort(key=lambda c: (c.start, c.end))
        long_forms = [c for c in members if c.is_long_form]
        if long_forms:
            long_keys = {norm_key(c.text) for c in long_forms}
            lexicon_on_long = any(c.known and norm_key(c.text) in long_keys for c in members)
        else:
            lexicon_on_long = False
        votes: dict[str, tuple[int, int, int]] = {}
        for cand in members:
            if cand.type is None:
                continue
            evidence = cand.type_evidence
            if long_forms and evidence == "lexicon" and not lexicon_on_long:
                continue  # a lexicon hit on an acronym the text defines differently
            prio, count, order = votes.get(cand.type, (-1, 0, _TYPE_ORDER.get(cand.type, 0)))
            votes[cand.type] = (max(prio, TYPE_PRIORITY[evidence]), count + 1, order)
        type_ = max(votes, key=lambda t: votes[t]) if votes else "Method"
        if long_forms:
            name = long_forms[0].text
        elif any(c.expansion for c in members) and all(c.expansion for c in members):
            name = next(c.expansion for c in members if c.expansion)  # "KG completion" -> long form
        else:
            surface: dict[str, int] = {}
            title_last = (
                sorted(members, key=lambda c: title_end is not None and c.start < title_end)
                if len(members) > 1
                else members
            )
            for c in title_last:  # ties go to the abstract's wording: titles capitalise everything
                if not c.expansion:
                    surface[c.text] = surface.get(c.text, 0) + 1
            name = max(surface, key=surface.__getitem__)  # most frequent; ties: first seen
        tail = name.rsplit(" ", 1)
        if len(tail) == 2 and tail[1] in self.lists.strip_type_words and not long_forms:
            name = tail[0]  # "the GLUE benchmark" -> GLUE (the type word is not part of the name)
        name_key = norm_key(name)
        aliases: dict[str, str] = {}
        for cand in members:
            for form in (cand.text, *cand.aliases):
                key = norm_key(form)
                if key and key != name_key and key not in aliases:
                    aliases[key] = form.strip()
        # a lexicon hit on an acronym that the text defines as something else does not make it known
        known = any(c.known for c in members) and (not long_forms or lexicon_on_long)
        proposed = any(
            c.proposed
            and (not known or is_title_proposal(c, self.title_proposal_confidence))
            for c in members
        )
        if not proposed and not known and type_ != "Task" and title_end is not None:
            named = any(c.is_long_form or c.component == "kg_names" for c in members)
            proposed = named and any(c.start < title_end for c in members)
        if proposed and type_ == "Task" and votes.get("Task", (0,))[0] < TYPE_PRIORITY["lexicon"]:
            words = name.split()
            if all(w[0].isupper() for w in words) and words[-1].lower() in self.lists.system_heads:
                type_ = "Method"  # "Glyph Drift Adaptation": a capitalised proposal is a system
        best_cand = max(members, key=lambda c: (c.confidence, -c.start))
        confidence = min(self.max_confidence, best_cand.confidence + self.mention_bonus * (len(members) - 1))
        return {
            "type": type_,
            "name": name,
            "aliases": sorted(aliases.values(), key=lambda s: (s.lower(), s)),
            "role": "proposed" if proposed else "used",
            "confidence": round(confidence, 4),
            "component": best_cand.component,
            "mentions": [[s, e] for s, e in sorted({(c.start, c.end) for c in members})],
        }


def _is_category(phrase: str, category_heads: frozenset[str]) -> bool:
    """Tell whether a phrase names a family of things ("pre-trained language models"), not one thing.

    >>> heads = frozenset({"models"})
    >>> _is_category("pre-trained language models", heads), _is_category("Zorba-7B models", heads)
    (True, False)
    """
    words = phrase.split()
    if len(words) < 2 or words[-1].lower() not in category_heads:
        return False
    return not any(any(c.isdigit() for c in w) or any(c.isupper() for c in w[1:]) for w in words)


def _in_link(start: int, end: int, link_starts: list[int], link_reach: list[int]) -> bool:
    """Tell whether ``[start, end)`` overlaps a link span (see :meth:`Assembler._filter`).

    The links starting before ``end`` are a prefix of ``link_starts``; one of
    them overlaps when the furthest end among them lies past ``start``.

    >>> _in_link(5, 8, [0, 20], [6, 30]), _in_link(6, 8, [0, 20], [6, 30]), _in_link(18, 21, [0, 20], [6, 30])
    (True, False, True)
    """
    i = bisect.bisect_left(link_starts, end)
    return i > 0 and link_reach[i - 1] > start


def _expand_acronyms(kept: list[Candidate], pairs: Sequence[Any]) -> None:
    """Give phrases that use a defined acronym their spelled-out form as an alias.

    "KG completion" after "knowledge graph (KG)" names the same thing as
    "knowledge graph completion" (the long form is the name).
    """
    if not pairs:
        return
    longs = {p["short"]: p["long"] for p in pairs}
    for cand in kept:
        if " " not in cand.text or cand.is_long_form:
            continue
        words = cand.text.split(" ")
        if not any(w in longs for w in words):
            continue
        cand.expansion = " ".join(longs.get(w, w) for w in words)
        cand.aliases = (*cand.aliases, cand.expansion)


def _strength(cand: Candidate) -> tuple[int, float, int]:
    return (
        TYPE_PRIORITY[cand.type_evidence] + (25 if cand.is_long_form else 0),
        cand.confidence,
        -cand.start,
    )


def _merge_same_span(kept: list[Candidate]) -> list[Candidate]:
    """Merge candidates with identical spans, keeping the strongest and pooling the rest."""
    by_span: dict[tuple[int, int], list[Candidate]] = defaultdict(list)
    for cand in kept:
        by_span[(cand.start, cand.end)].append(cand)
    merged: list[Candidate] = []
    for same in by_span.values():
        same.sort(key=_strength, reverse=True)
        head = same[0]
        for other in same[1:]:
            head.proposed = head.proposed or other.proposed
            head.known = head.known or other.known
            head.is_long_form = head.is_long_form or other.is_long_form
            head.aliases = tuple(dict.fromkeys(head.aliases + other.aliases))
            head.confidence = max(head.confidence, other.confidence)
            if other.type is not None:
                head.set_type(other.type, other.type_evidence)
            if head.group is None or (other.group or "").startswith("lex:"):
                head.group = other.group or head.group
        merged.append(head)
    return merged


def _resolve_overlaps(kept: list[Candidate]) -> list[Candidate]:
    """Keep the longest of overlapping spans (stronger evidence first on equal length)."""
    order = sorted(kept, key=lambda c: (-(c.end - c.start), _strength(c)[0] * -1, -c.confidence, c.start))
    if not order:
        return []
    taken = bytearray(max(c.end for c in order) + 1)
    out: list[Candidate] = []
    for cand in order:
        if 1 in taken[cand.start : cand.end]:
            continue
        taken[cand.start : cand.end] = b"\x01" * (cand.end - cand.start)
        out.append(cand)
    out.sort(key=lambda c: c.start)
    return out


@Language.factory(
    "kg_assembly",
    default_config={
        "word_lists": {"@misc": "kg.word_lists.v1", "path": None},
        "min_confidence": 0.45,
        "min_untyped_confidence": 0.5,
        "title_proposal_confidence": 0.9,
        "mention_bonus": 0.05,
        "max_confidence": 0.99,
        "keep_candidates": False,
    },
)
def make_assembly(
    nlp: Language,
    name: str,
    word_lists: WordLists,
    min_confidence: float,
    min_untyped_confidence: float,
    title_proposal_confidence: float,
    mention_bonus: float,
    max_confidence: float,
    keep_candidates: bool,
) -> Assembler:
    """Build the ``kg_assembly`` component (the settings are documented on :class:`Assembler`)."""
    return Assembler(
        name,
        word_lists=word_lists,
        min_confidence=min_confidence,
        min_untyped_confidence=min_untyped_confidence,
        title_proposal_confidence=title_proposal_confidence,
        mention_bonus=mention_bonus,
        max_confidence=max_confidence,
        keep_candidates=keep_candidates,
    )
