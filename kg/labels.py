"""What a resolved entity is called, which type it has and which family it belongs to.

Rule 5 of :mod:`kg.resolve`: once :mod:`kg.clustering` has decided which
occurrences are one entity, the entity takes the lexicon's type when the
lexicon knows it (else the type most papers gave), the lexicon's canonical
name as label (else the surface most papers use, in its most common
spelling, an acronym when papers use it more than the long form and no
other entity shares it, without a lower-case type word; the entry's acronym
when papers write it more than the entry's name; an entity holding 4 in 5
of an acronym's uses owns it, see :class:`SharedAcronyms`), and as family
(``skos:broader``) the nearest attested shorter name that its version,
size or edition parts leave ("Llama 3.1 8B" -> "Llama 3.1" -> "Llama").
Stdlib only; pure functions of their arguments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Mapping
from dataclasses import dataclass

from kg.clustering import Keys
from kg.latex import fold_accents, has_latex
from kg.name_versions import family_stems, version_signature
from kg.names import acronym_key, case_key, is_short_form, split_type_word, split_vendor, variant_key
from kg.records import ENTITY_TYPES, EntityType
from kg.type_words import written_with_type_word

__all__ = ["SharedAcronyms", "acronym_owner", "choose_label", "choose_type", "families"]

_TYPE_ORDER: dict[str, int] = {t: i for i, t in enumerate(ENTITY_TYPES)}
_TYPES: dict[str, EntityType] = {t: t for t in ENTITY_TYPES}


@dataclass(frozen=True)
class SharedAcronyms(Container[str]):
    """The acronyms one entity must not take as its label because other entities carry them too.

    An acronym several entities carry cannot tell them apart, unless one of
    them holds nearly all its uses: the field's LoRA keeps its label beside
    a radio protocol's "LoRa" in a few papers. ``key in taken`` is true for
    a case-kept :func:`kg.names.acronym_key` that more than one entity
    carries and this entity does not own (:func:`acronym_owner`).
    """

    shared: frozenset[str]
    owned: frozenset[str] = frozenset()

    def __contains__(self, key: object) -> bool:
        return key in self.shared and key not in self.owned


def acronym_owner(carriers: Mapping[int, int], share: float) -> int | None:
    """Return the entity holding at least ``share`` of an acronym's occurrences, or ``None``.

    Args:
        carriers: entity -> occurrences carrying the acronym.
        share: the dominant share (``dominant_share`` of ``kg/data/acronym-rules.tsv``:
            the same 4 in 5 that makes a definition an acronym's dominant sense).

    >>> acronym_owner({1: 95, 2: 5}, 0.8), acronym_owner({1: 6, 2: 4}, 0.8)
    (1, None)
    """
    total = sum(carriers.values())
    if not total:
        return None
    best = min(carriers, key=lambda root: (-carriers[root], root))
    return best if carriers[best] >= share * total else None


def choose_type(votes: Counter[str], lexicon_types: Counter[str]) -> tuple[EntityType, str]:
    """Return the entity's type and why: the lexicon's when it knows the entity, else the majority.

    Args:
        votes: extracted type -> papers that gave it.
        lexicon_types: type of the lexicon entries the entity matched -> occurrences.

    >>> choose_type(Counter({"Method": 3, "Model": 1}), Counter())
    ('Method', 'majority')
    >>> choose_type(Counter({"Method": 3, "Model": 1}), Counter({"Model": 2}))
    ('Model', 'lexicon')
    """
    source, reason = (lexicon_types, "lexicon") if lexicon_types else (votes, "majority")
    best = min(source, key=lambda t: (-source[t], _TYPE_ORDER.get(t, len(_TYPE_ORDER)), t))
    return _TYPES[best], reason


def choose_label(
    surfaces: Counter[str],
    etype: EntityType,
    keys: Keys,
    lexicon_names: Counter[str],
    shared_short: Container[str],
    own_type_word: Container[str] = frozenset(),
) -> tuple[str, str]:
    """Return the canonical label and why (rule 5 of :mod:`kg.resolve`).

    Surfaces are grouped by identity key; the group used by most papers wins
    (a tie goes to the long form), then its most common spelling, preferring
    one without a trailing type word, then one without LaTeX; accents that
    LaTeX wrote as commands become letters. An acronym that another entity also
    carries and this one does not own (``shared_short``, case-kept
    :func:`kg.names.acronym_key`, see :class:`SharedAcronyms`) never wins
    over a long form: a label must tell the two apart.

    The lexicon's canonical name is the label where there is one, except
    that an acronym papers use more than it (the entry's long form) takes its
    place: the field writes LoRA and DPO, and so does the graph.
    """
    groups: dict[str, Counter[str]] = {}
    # "JEPA framework" is the acronym too (the guide drops the type word): not this entity's label
    # where another entity owns "JEPA" and this one has a long form of its own.
    bare = {s: keys.without_type_word(s, etype) for s in surfaces}
    # "SAT dataset" in an entity typed Method is the acronym with another type's type word: no long form.
    has_long = any(not is_short_form(b) and not written_with_type_word(s) for s, b in bare.items())
    for surface, count in surfaces.items():
        short = bare[surface]
        if has_long and is_short_form(short) and acronym_key(short) in shared_short:
            continue
        groups.setdefault(keys.identity(surface, etype), Counter())[surface] += count
    if lexicon_names:
        canonical = min(lexicon_names, key=lambda s: (-lexicon_names[s], s))
        if groups and not is_short_form(canonical):
            used = {key: sum(forms.values()) for key, forms in groups.items()}
            key, forms = max(groups.items(), key=lambda kv: (used[kv[0]], kv[0]))
            # "GRPO algorithm" counts as a use of the acronym: the guide drops the type word; so
            # does "Lora", the acronym in another case (one such paper must not cost LoRA its label).
            acronyms = Counter({f: c for f, c in forms.items() if is_short_form(f)})
            folded = {case_key(f).casefold() for f in acronyms}
            if (
                acronyms
                and all(
                    is_short_form(keys.without_type_word(f, etype)) or case_key(f).casefold() in folded for f in forms
                )
                and used[key] > used.get(keys.identity(canonical, etype), 0)
            ):
                # The singular spelling, however often the plural is written ("SAE", not "SAEs").
                label = min(acronyms, key=lambda f: (acronym_key(f) != case_key(f), -acronyms[f], f))
                return label, "lexicon entry's acronym, most used"
        return canonical, "lexicon"
    if not groups:
        return min(surfaces, key=lambda s: (-surfaces[s], s)), "most used"

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

    def form_rank(s: str) -> tuple[int, int, int, int, str]:
        vendor = split_vendor(s) if etype == "Model" else None
        # A spelling without LaTeX commands reads better: "Schrödinger Bridge", not 'Schr\"odinger Bridge'.
        return (int(lower_type_word(s)), int(has_latex(s)), int(vendor is not None), -forms[s], s)

    label = min(forms, key=form_rank)
    typed = split_type_word(label, etype)
    if (
        typed is not None
        and lower_type_word(label)
        and keys.plain(label) not in own_type_word
        and keys.identity(label, etype) == variant_key(typed[0])
    ):
        # Every spelling carries a lower-case type word ("the TimerBed benchmark"): drop it, as
        # ANNOTATION.md's name rule does; a capitalised one ("Segment Anything Model") is the name's,
        # and so is one that tells the name from a lexicon name of another thing ("DPO dataset").
        label = typed[0]
    # Accents as letters even where every paper wrote them in LaTeX: 'Nystr\\"om' is labelled Nyström.
    return fold_accents(label), "most used (acronym)" if short_won else "most used"


def families(
    entities: list[tuple[EntityType, str, Counter[str], int]], keys: Keys
) -> list[tuple[int | None, str]]:
    """Return, per entity, the index of its nearest attested family and the stem that found it.

    A stem ("Gemini 1.5" for "Gemini 1.5 Pro") names a family entity when it
    is that entity's label or a surface at least half of its papers use, so
    a stray acronym an unrelated entity once carried ("MIMIC" for some
    earnings-call corpus) is no family of "MIMIC-IV". Vendor prefixes are
    dropped first ("OpenAI o3" is no member of "OpenAI").
    """
    index: dict[str, list[int]] = {}
    for i, (etype, label, surfaces, papers) in enumerate(entities):
        names = {label} | {
            s for s, count in surfaces.items() if 2 * count >= papers and (count >= 3 or not is_short_form(s))
        }
        for surface in names:
            index.setdefault(keys.identity(surface, etype), []).append(i)
    out: list[tuple[int | None, str]] = []
    for i, (etype, label, surfaces, _) in enumerate(entities):
        # Only the names that carry the label's version parts say which family it is: an alias
        # with a size code the label lacks ("IC-L" beside "in-context learning") says nothing.
        signature = version_signature(label)
        ordered = [
            label,
            *sorted(
                (s for s in surfaces if s != label and version_signature(s) == signature),
                key=lambda s: (-surfaces[s], s),
            ),
        ]
        found: tuple[int | None, str] = (None, "")
        best_depth = 1 << 30
        for surface in ordered:
            vendor = split_vendor(surface)
            for depth, stem in enumerate(family_stems(vendor[1] if vendor else surface)):
                if depth >= best_depth:
                    break
                hits = [j for j in index.get(keys.identity(stem, etype), ()) if j != i]
                if hits:
                    parent = min(hits, key=lambda h: (-entities[h][3], entities[h][1], h))
                    found, best_depth = (parent, stem), depth
                    break
        out.append(found)
    # A cycle can only come from odd merges; break it where it closes.
    for i in range(len(out)):
        seen: set[int] = set()
        step: int | None = i
        while step is not None and step not in seen:
            seen.add(step)
            step = out[step][0]
        if step is not None:
            out[step] = (None, "")
    return out
