"""``kg_learned_assembly``: turn the learned mentions (and exact rule finds) into entities.

Used by the learned pipeline instead of the rules pipeline's ``kg_assembly``,
whose filters and type votes are tuned for rule guesses. Here the NER's
mentions lead:

1. each learned mention is trimmed (leading article, edge punctuation);
2. with ``lexicon_fill``, an exact lexicon name that no learned mention
   overlaps is added with its lexicon type (rules stay where they are exact),
   the longest first: a name inside a filled one is not added again;
   with ``lexicon_types``, an entity whose name or alias is a lexicon name
   takes the lexicon's type (the lexicon knows that MMLU is a dataset);
3. mentions with the same normalised text are one entity, and so are an
   acronym and its long form when the text defines it (``kg_abbreviations``)
   and either of the two was tagged, and two forms the paper writes for one
   thing (:func:`_variants`): a name with and without a trailing lower-case
   type word ("the Whisper model" / "Whisper", N1 of the annotation notes), a
   defined acronym inside a name and its long form ("OOD generalization" /
   "out-of-distribution generalization"), an acronym and its plural ("DQNs"
   defined, "DQN" used), hyphens and spaces ("Retrieval-Augmented" /
   "Retrieval Augmented"); a coined name next to a long form that spells it
   is defined by it like an acronym (:func:`_apposed_definitions`: "ZorbNet:
   Zero-order Residual Bottleneck Network", "we propose ZRB, a zero-order
   residual bottleneck framework");
4. per entity: the type most mentions carry (first mention breaks ties), the
   long form (else the most frequent form, abstract wording before title
   wording; without its trailing type word when the paper also writes it
   bare) as name, the other forms as aliases, and the role: with
   ``tagger_roles``, what a role-tagged tagger believes, averaged over the
   entity's tagged mentions (a well-known lexicon name stays used unless the
   title proposes it); else proposed when
   the role scorer (``roles``) says so, else when a rule marked a mention
   (``kg_roles`` on the tagger's mentions, or any rule on a rule candidate
   with the same text), else, with ``coined_proposals``, when it is a Method
   with a Title Case name no lexicon knows that the title writes or the
   abstract gives an acronym (:meth:`LearnedAssembler._coined_here`).
5. with an ``entity_filter``, only the entities whose filter probability
   reaches its threshold stay, each with that probability as its confidence
   (:mod:`kg.extract.components.entity_filter`: the tagger keeps mentions
   above a low cut, and what all of an entity's mentions show decides).

The result is, as from ``kg_assembly``, a list of plain dicts in
``doc._.kg_entities`` (type, name, aliases, role, confidence, component,
mentions) and one typed span per mention in ``doc.spans["kg"]``; the working
candidates (the rules' ones, kept for this step) are dropped.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components.common import (
    SPANS_KEY,
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
from kg.extract.components.entity_filter import EntityFilter, RuleFinds, entity_features
from kg.extract.wordlists import WordLists, load_word_lists
from kg.normalize import in_order, initials_in_name

_ADDRESS = re.compile(r"://|^www\.", re.IGNORECASE)
#: What may stand between a coined name and the long form that defines it: "X: Y", "X (Y",
#: "X, a Y", "X, an efficient Y", "X, the first Y" (up to three lower-case words after the article).
_APPOSITION = re.compile(r"\s*(?::|\(|,\s*(?:a|an|the)\s+(?:[a-z][\w-]*\s+){0,3})\s*")
#: How far after a coined name its long form may start, in characters.
_APPOSITION_REACH = 60
#: An acronym, singular or plural ("DQN", "DQNs", "GPT-4"): at least two capitals, no lower-case letter but a final s.
_ACRONYM = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Z0-9][A-Z0-9\-]*s?")


TAGGER_ROLES = ("off", "tagger", "either")
"""Whose role a tagged entity gets: the rules' only, a role-tagged tagger's, or proposed when either says so."""


class LearnedAssembler:
    """Group learned and exact candidates into one entity per thing named."""

    def __init__(
        self,
        name: str = "kg_learned_assembly",
        *,
        tagger: str = "kg_learned",
        lexicon_fill: bool = True,
        lexicon_types: bool = True,
        roles: Any = None,
        title_proposal_confidence: float = 0.9,
        word_lists: WordLists | None = None,
        coined_proposals: bool = True,
        tagger_roles: str = "off",
        tagger_role_threshold: float = 0.5,
        entity_filter: EntityFilter | None = None,
    ) -> None:
        """See the module docstring; ``title_proposal_confidence`` is that of ``kg_assembly``:
        the least confidence of a ``kg_names`` title proposal that makes a well-known name proposed."""
        register_extensions()
        lists = word_lists or load_word_lists()
        self.optional_words = lists.optional_type_words
        self.connectors = frozenset(lists.connectors)
        self.coined_proposals = coined_proposals
        if tagger_roles not in TAGGER_ROLES:
            raise ValueError(f"{name}: tagger_roles must be one of {', '.join(TAGGER_ROLES)}, not {tagger_roles!r}")
        self.tagger_roles = tagger_roles
        self.tagger_role_threshold = tagger_role_threshold
        self.name = name
        self.tagger = tagger
        self.lexicon_fill = lexicon_fill
        self.lexicon_types = lexicon_types
        self.roles = roles
        self.title_proposal_confidence = title_proposal_confidence
        self.entity_filter = entity_filter

    def __call__(self, doc: Doc) -> Doc:
        """Write ``doc._.kg_entities`` from the candidates of the tagger (and lexicon)."""
        drafts, groups = self.decide(doc)
        if self.entity_filter is not None and drafts:
            drafts, groups = self._filtered(doc, drafts, groups, self.entity_filter)
        order = sorted(
            range(len(drafts)), key=lambda i: (min(drafts[i]["mentions"]), drafts[i]["type"], drafts[i]["name"])
        )
        entities = [drafts[i] for i in order]
        set_ext(doc, "kg_entities", entities)
        doc.spans[SPANS_KEY] = mention_spans(doc, entities)
        drop_working_state(doc)
        return doc

    def decide(self, doc: Doc) -> tuple[list[dict[str, Any]], list[list[Candidate]]]:
        """Return the entities (plain dicts) with their roles, and their candidates, before any entity filter.

        What the entity filter judges: ``train/entity_filter.py`` learns from exactly these.
        """
        drafts, groups = self.assemble(doc)
        if self.roles is not None and drafts:
            self.roles.assign(doc, drafts, groups)
        return drafts, groups

    def assemble(self, doc: Doc) -> tuple[list[dict[str, Any]], list[list[Candidate]]]:
        """Return the entities of a Doc (plain dicts) and, in the same order, the candidates of each."""
        text = doc_text(doc)
        found = candidates(doc)
        learned = [c for c in found if c.component == self.tagger]
        for cand in learned:
            trim_candidate(text, cand)
        learned = [c for c in learned if _usable(c.text)]
        # A well-known (lexicon) name stays used whatever the cue ("we propose to use LoRA"), as in
        # kg_assembly: only a confident title proposal of kg_names ("NAME: ...") makes it proposed.
        known = {norm_key(c.text) for c in found if c.known}
        titled = {norm_key(c.text) for c in found if is_title_proposal(c, self.title_proposal_confidence)}
        rule_proposed = {norm_key(c.text) for c in found if c.proposed and c.component != self.tagger}
        for cand in found:
            key = norm_key(cand.text)
            if key in known and key not in titled:
                cand.proposed = False
            elif cand.component == self.tagger and key in rule_proposed:
                cand.proposed = True  # a rule saw the paper introduce this name ("NAME: ...", "we propose NAME")
        members = list(learned)
        pairs = get_ext(doc, "kg_abbreviations") or ()
        # An acronym this paper defines means what the paper says, not the lexicon's sense of the
        # same letters ("distortion-aware motion calibrator (DMC)" is no DeepMind Control suite).
        # A definition the lexicon knows ("Low-Rank Adaptation (LoRA)") leaves the lexicon's reading.
        own_short = {norm_key(p["short"]) for p in pairs if norm_key(p["long"]) not in known} - {
            norm_key(p["long"]) for p in pairs
        }
        lexicon_type: dict[str, str] = {}
        if self.lexicon_types:
            for cand in found:
                if cand.known and cand.type and norm_key(cand.text) not in own_short:
                    lexicon_type.setdefault(norm_key(cand.text), cand.type)
        if self.lexicon_fill:
            taken = bytearray(len(text) + 1)
            for cand in learned:
                taken[cand.start : cand.end] = b"\x01" * (cand.end - cand.start)
            # Longest first, and a span inside a filled one is not filled again: "Faster R-CNN"
            # is one model, not also "R-CNN" (a second lexicon name within it).
            fillers = sorted(
                (
                    c
                    for c in found
                    if c.known and c.type and not any(taken[c.start : c.end]) and norm_key(c.text) not in own_short
                ),
                key=lambda c: (c.start - c.end, c.start),
            )
            filled: set[tuple[int, int]] = set()
            for cand in fillers:
                span = (cand.start, cand.end)
                if span not in filled and any(taken[cand.start : cand.end]):
                    continue
                filled.add(span)
                taken[cand.start : cand.end] = b"\x01" * (cand.end - cand.start)
            members.extend(c for c in found if c.known and c.type and (c.start, c.end) in filled)
        if not members:
            return [], []
        title = title_range(doc)
        pairs = [*pairs, *_apposed_definitions(members, text, self.optional_words, self.connectors)]
        groups = _group(members, pairs, self.optional_words)
        drafts = [self._decide(group, text, pairs, title[1] if title else None) for group in groups]
        if self.tagger_roles != "off":
            self._tagger_roles(drafts, groups, known - titled)
        if self.coined_proposals and title:
            for draft, group in zip(drafts, groups):
                if draft["role"] == "used" and self._coined_here(draft, group, known, title[1]):
                    draft["role"] = "proposed"
        if lexicon_type:
            for draft in drafts:
                known_type = lexicon_type.get(norm_key(draft["name"])) or next(
                    (lexicon_type[k] for k in map(norm_key, draft["aliases"]) if k in lexicon_type), None
                )
                if known_type:
                    draft["type"] = known_type
        return drafts, groups

    def _filtered(
        self, doc: Doc, drafts: list[dict[str, Any]], groups: list[list[Candidate]], keeper: EntityFilter
    ) -> tuple[list[dict[str, Any]], list[list[Candidate]]]:
        """Keep the drafts the entity filter accepts; each kept one's confidence becomes the filter's probability."""
        kept_drafts: list[dict[str, Any]] = []
        kept_groups: list[list[Candidate]] = []
        for draft, group, features in zip(drafts, groups, self.entity_features(doc, drafts, groups)):
            probability = keeper.probability(features)
            if probability >= keeper.threshold:
                draft["confidence"] = round(probability, 4)
                kept_drafts.append(draft)
                kept_groups.append(group)
        return kept_drafts, kept_groups

    def entity_features(
        self, doc: Doc, drafts: Sequence[dict[str, Any]], groups: Sequence[Sequence[Candidate]]
    ) -> list[list[float]]:
        """Return the entity filter's feature vector of each draft (:mod:`kg.extract.components.entity_filter`)."""
        rules = RuleFinds(candidates(doc), self.tagger)
        title = title_range(doc)
        text_length = len(doc_text(doc))
        return [
            entity_features(
                draft,
                group,
                rules,
                tagger=self.tagger,
                title_end=title[1] if title else 0,
                text_length=text_length,
                type_words=self.optional_words,
            )
            for draft, group in zip(drafts, groups)
        ]

    def _tagger_roles(self, drafts: list[dict[str, Any]], groups: list[list[Candidate]], well_known: set[str]) -> None:
        """Set roles from a role-tagged tagger's beliefs, averaged over an entity's tagged mentions.

        ``tagger``: the tagger decides wherever it tagged a mention; ``either``:
        proposed when the tagger or a rule says so. A well-known name stays as
        the rules left it (only a title proposal makes it proposed).
        """
        for draft, group in zip(drafts, groups):
            beliefs = [c.proposed_probability for c in group if c.proposed_probability is not None]
            if not beliefs or any(norm_key(c.text) in well_known for c in group):
                continue
            says = sum(beliefs) / len(beliefs) >= self.tagger_role_threshold
            if self.tagger_roles == "tagger":
                draft["role"] = "proposed" if says else "used"
            elif says:
                draft["role"] = "proposed"

    def _coined_here(self, draft: dict[str, Any], group: list[Candidate], known: set[str], title_end: int) -> bool:
        """Tell whether a Method is a capitalised name this paper coins: in its title or defined with an acronym.

        A Title Case name of several words that no lexicon knows, written in the
        title ("Zorbic Residual Gating for Blixing") or given an acronym in the
        abstract, is the paper's own (D6), though no cue such as "we propose"
        says so.
        """
        if draft["type"] != "Method" or any(norm_key(c.text) in known for c in group):
            return False
        words = draft["name"].split()
        if len(words) < 2 or not all(w[0].isupper() or w[0].isdigit() or w in self.connectors for w in words):
            return False
        in_title = any(c.start < title_end for c in group)
        return in_title or any(_ACRONYM.fullmatch(a) for a in draft["aliases"])

    def _decide(
        self, members: list[Candidate], text: str, pairs: Sequence[Any], title_end: int | None
    ) -> dict[str, Any]:
        members.sort(key=lambda c: (c.start, c.end))
        votes: Counter[str] = Counter()
        for cand in members:
            if cand.type_scores and cand.component == self.tagger:
                for type_, mass in cand.type_scores:
                    votes[type_] += mass  # type: ignore[assignment]
            elif cand.type and cand.component == self.tagger:
                votes[cand.type] += 1
        if not votes:
            votes.update(c.type for c in members if c.type)
        first_seen = {t: i for i, t in reversed(list(enumerate(c.type for c in members)))}
        type_ = max(votes, key=lambda t: (votes[t], -first_seen.get(t, 0))) if votes else "Method"
        keys = {norm_key(c.text) for c in members}
        long_form = ""
        short_forms: list[str] = []
        for pair in pairs:
            if norm_key(pair["long"]) in keys or norm_key(pair["short"]) in keys:
                long_form = long_form or text[pair["long_start"] : pair["long_end"]]
                short_forms.append(pair["short"])
        if long_form:
            name = long_form
        else:
            surface: Counter[str] = Counter()
            for cand in members:
                in_title = title_end is not None and cand.start < title_end
                surface[cand.text] += 1 if not in_title else 0
            if not any(surface.values()):
                surface.update(c.text for c in members)
            name = max(surface, key=lambda s: (surface[s], -min(c.start for c in members if c.text == s)))
            bare = _without_type_word(name, self.optional_words)
            if bare and norm_key(bare) in keys:
                name = bare  # "Whisper model" and "Whisper": the type word is no part of the name (D10)
        name_key = norm_key(name)
        aliases: dict[str, str] = {}
        for form in [*(c.text for c in members), *short_forms]:
            key = norm_key(form)
            if key and key != name_key and key not in aliases:
                aliases[key] = form.strip()
        return {
            "type": type_,
            "name": name,
            "aliases": sorted(aliases.values(), key=lambda s: (s.lower(), s)),
            "role": "proposed" if any(c.proposed for c in members) else "used",
            "confidence": round(max(c.confidence for c in members), 4),
            "component": self.tagger if any(c.component == self.tagger for c in members) else members[0].component,
            "mentions": [[s, e] for s, e in sorted({(c.start, c.end) for c in members})],
        }


def _group(members: list[Candidate], pairs: Sequence[Any], optional_words: frozenset[str]) -> list[list[Candidate]]:
    """Group candidates: same normalised text, an acronym and its long form, or two forms of one name."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        a, b = find(a), find(b)
        if a != b:
            parent[max(a, b)] = min(a, b)

    keys = [norm_key(c.text) for c in members]
    present = set(keys)
    short_to_long: dict[str, str] = {}
    for pair in pairs:
        long_key, short_key = norm_key(pair["long"]), norm_key(pair["short"])
        short_to_long.setdefault(short_key, long_key)
        if long_key in present or short_key in present:
            present |= {long_key, short_key}
            union(long_key, short_key)
    for cand, key in zip(members, keys):
        for variant in _variants(cand.text, optional_words, short_to_long):
            if variant in present and variant != key:
                union(key, variant)
    groups: dict[str, list[Candidate]] = defaultdict(list)
    for cand, key in zip(members, keys):
        groups[find(key)].append(cand)
    return list(groups.values())


def _apposed_definitions(
    members: Sequence[Candidate], text: str, optional_words: frozenset[str], connectors: frozenset[str]
) -> list[dict[str, Any]]:
    """Return definitions a paper gives by apposition, in ``kg_abbreviations``' form.

    A one-word coined name (a capital after its first letter, or a digit:
    "ZorbNet", "ZRB") directly followed by a multi-word candidate of the same
    tagged type is defined by it, as an acronym by its long form (the guide
    makes the two one entity named by the long form), when the long form
    spells the name both ways: no word of it (type word left out) is missing
    from the name's letters (:func:`kg.normalize.initials_in_name`), and no
    capital of the name is missing from its words' initials
    (:func:`_capitals_spelled`: "RLKD, a reinforcement learning based
    distillation framework" is not defined by "reinforcement learning"). The
    same type is required because a method is often named after its task
    ("NINEPINS: Nuclei Instance Segmentation with ...").
    """
    found: list[dict[str, Any]] = []
    ordered = sorted(members, key=lambda c: (c.start, c.end))
    for i, short in enumerate(ordered):
        coined = short.text[1:] != short.text[1:].lower() or any(ch.isdigit() for ch in short.text)
        if " " in short.text or not coined:
            continue
        for long in ordered[i + 1 :]:
            if long.start - short.end > _APPOSITION_REACH:
                break
            bare = _without_type_word(long.text, optional_words) or long.text
            if (
                " " in bare
                and long.type == short.type
                and _APPOSITION.fullmatch(text, short.end, long.start)
                and initials_in_name(short.text, bare, connectors)
                and _capitals_spelled(short.text, long.text)
            ):
                found.append(
                    {"short": short.text, "long": bare, "long_start": long.start, "long_end": long.start + len(bare)}
                )
                break
    return found


def _capitals_spelled(short: str, long: str) -> bool:
    """Say whether every capital of a coined name is, in order, the initial of a word of the long form.

    >>> _capitals_spelled("ZorbNet", "Zero-order Bottleneck Network"), _capitals_spelled("ZBKD", "zero bottleneck")
    (True, False)
    """
    initials = [word[0].upper() for word in re.split(r"[\s\-]+", long) if word and word[0].isalpha()]
    return in_order([ch for ch in short if ch.isupper()], initials)


def _without_type_word(text: str, optional_words: frozenset[str]) -> str | None:
    """Return a name without its trailing lower-case type word ("TathyaNyaya dataset"), else None."""
    head, _, last = text.rstrip().rpartition(" ")
    return head.rstrip() if head.strip() and last in optional_words else None


def _variants(text: str, optional_words: frozenset[str], short_to_long: Mapping[str, str]) -> Iterator[str]:
    """Yield the keys of other forms a paper may write the same name in (see the module docstring, step 3).

    Only keys some other candidate or definition of the same paper holds are
    joined, so a variant never invents a name: it only says that two names
    the paper wrote are one.
    """
    bare = _without_type_word(text, optional_words)
    forms = [text] if bare is None else [text, bare]
    for form in forms:
        key = norm_key(form)
        yield key
        words = key.split(" ")
        if len(words) > 1 and any(w in short_to_long for w in words):
            yield " ".join(short_to_long.get(w, w) for w in words)
        if "-" in key:
            yield key.replace("-", " ")
        if _ACRONYM.fullmatch(form):
            yield norm_key(form[:-1]) if form.endswith("s") else norm_key(form + "s")


def _usable(text: str) -> bool:
    """Tell whether a trimmed mention can name anything (two characters, one letter, not a web address).

    A link is kept by ``kg_links``; the tagger sometimes tags the address of a
    released benchmark's repository as the benchmark.
    """
    return len(text) >= 2 and any(ch.isalpha() for ch in text) and not _ADDRESS.search(text)


@Language.factory(
    "kg_learned_assembly",
    default_config={
        "tagger": "kg_learned",
        "lexicon_fill": True,
        "lexicon_types": True,
        "roles": None,
        "title_proposal_confidence": 0.9,
        "word_lists": {"@misc": "kg.word_lists.v1", "path": None},
        "coined_proposals": True,
        "tagger_roles": "off",
        "tagger_role_threshold": 0.5,
        "entity_filter": None,
    },
)
def make_learned_assembly(
    nlp: Language,
    name: str,
    tagger: str,
    lexicon_fill: bool,
    lexicon_types: bool,
    roles: Any,
    title_proposal_confidence: float,
    word_lists: WordLists,
    coined_proposals: bool,
    tagger_roles: str,
    tagger_role_threshold: float,
    entity_filter: EntityFilter | None,
) -> LearnedAssembler:
    """Build the ``kg_learned_assembly`` component."""
    return LearnedAssembler(
        name,
        tagger=tagger,
        lexicon_fill=lexicon_fill,
        lexicon_types=lexicon_types,
        roles=roles,
        title_proposal_confidence=title_proposal_confidence,
        word_lists=word_lists,
        coined_proposals=coined_proposals,
        tagger_roles=tagger_roles,
        tagger_role_threshold=tagger_role_threshold,
        entity_filter=entity_filter,
    )
