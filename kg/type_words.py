"""Whether a name's trailing type word may be dropped when entities are resolved.

The guide strips a trailing type word that is not part of the name ("the
TimerBed benchmark" is TimerBed), and :class:`kg.clustering.Keys` drops it
for identity. Two kinds of evidence say the word is the name's after all,
or that the rest is only an acronym: the paper's own acronym and the
lexicon. :func:`kg.clustering.cluster` asks this module. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kg.names import acronym_key, is_short_form, split_type_word
from kg.occurrences import Occurrence
from kg.records import ENTITY_TYPES, EntityType

if TYPE_CHECKING:
    from kg.clustering import Keys, LexiconView

__all__ = ["type_word_is_own", "whole_entry", "worded_acronym", "written_with_type_word"]


def _acronym_spells_type_word(typed: tuple[str, str] | None, shorts: Sequence[str]) -> bool:
    """Say whether a defined acronym ends in the initial of the type word ``typed`` splits off.

    "Retrieval-Augmented Generation Benchmark (RGB)" and "Zorb Lattice
    Method (ZLM)": the B and the M are the type word's, so the word belongs
    to the name and another name without it is another thing.
    """
    if typed is None or is_short_form(typed[0]):
        return False  # "SQuAD dataset" (SQuAD): the acronym is the name itself, the D is not the word's
    initial = typed[1][:1].lower()
    return any(acronym_key(short)[-1:].lower() == initial for short in shorts)


def whole_entry(surface: str, etype: EntityType, lexicon: LexiconView) -> tuple[str, ...]:
    """Return the lexicon entry ``surface`` names whole, its type word written after a hyphen or not."""
    entry = lexicon.entry(surface, etype, bare=False)
    typed = split_type_word(surface, etype)
    if not entry and typed is not None:
        # "cross-entropy-method" is the lexicon's "Cross-Entropy Method".
        entry = lexicon.entry(f"{typed[0]} {typed[1]}", etype, bare=False)
    return entry


def type_word_is_own(surface: str, occ: Occurrence, keys: Keys, lexicon: LexiconView) -> bool:
    """Say whether the trailing type word of ``surface`` belongs to the name, the rest being another lexicon name."""
    typed = split_type_word(surface, occ.type)
    if typed is None:
        return False
    # Only a name the lexicon knows without the word can be confused: "Latent Diffusion Model
    # (LDM)" is still "Latent Diffusion".
    stripped = lexicon.entry(keys.without_type_word(surface, occ.type), occ.type, bare=False)
    if not stripped:
        return False
    if stripped[0] != occ.type:
        # "Retrieval-Augmented Generation Benchmark": a dataset named after a method is not the
        # method; but "the needle-in-a-haystack task" is the lexicon's benchmark, typed otherwise.
        return occ.type == "Dataset"
    entry = whole_entry(surface, occ.type, lexicon)
    return entry != stripped if entry else _acronym_spells_type_word(typed, occ.short_forms)


def worded_acronym(occ: Occurrence, keys: Keys, lexicon: LexiconView) -> tuple[str, ...] | None:
    """Return the acronyms an occurrence writes only with a type word ("the WMDP benchmark"), else ``None``.

    Such a name spells nothing out: it is the bare acronym (the guide drops
    the type word), so it must be resolved as the bare acronym is, not
    stand as a sense of its own. As a sense it split the field's name in
    two: "WMDP benchmark" in one paper held the bare "WMDP" of eleven others
    apart from the paper that spells WMDP out, and "VAE framework" beside
    "VAE" in one paper read as a definition of VAE. A form the lexicon
    knows ("GSM8K dataset") stays the lexicon's entity.
    """
    if not occ.long_forms:
        return None
    bare: list[str] = []
    for surface in occ.long_forms:
        name = keys.without_type_word(surface, occ.type)
        if name == surface or not is_short_form(name):
            return None
        if lexicon.entry(surface, occ.type, bare=False) or lexicon.entry(name, occ.type, bare=False):
            return None
        bare.append(name)
    own = {acronym_key(short) for short in occ.short_forms}
    if own and any(acronym_key(name) not in own for name in bare):
        return None
    return tuple(dict.fromkeys([*bare, *occ.short_forms]))


def written_with_type_word(surface: str) -> bool:
    """Say whether ``surface`` is an acronym with a type word of any type ("SAT dataset", "ZWB framework").

    Such a form is no long form of its own when a label is chosen, whatever
    type its entity took.
    """
    for etype in ENTITY_TYPES:
        typed = split_type_word(surface, etype)
        if typed is not None and is_short_form(typed[0]):
            return True
    return False
