"""Which surfaces of one extracted entity are names, and the occurrences entity resolution clusters.

:mod:`kg.resolve` hands each extracted entity's name and aliases here.
Surfaces that are no names are dropped with a reason (a compound such as
"CLIP-based", a score such as "BLEU 27.3", a generic category from the
extractor's word lists); the rest become :class:`Occurrence` records, one
per group of surfaces that can be one entity (an entity whose surfaces name
different versions is split, rule 1 of :mod:`kg.resolve`).
:mod:`kg.clustering` then decides which occurrences are one entity. Stdlib
only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from kg.name_versions import incompatibility, names_compatible
from kg.names import acronym_key, after_connector, compound_head, is_score_like, is_short_form, variant_key
from kg.normalize import collapse_whitespace, match_key
from kg.not_names import not_entity_reason
from kg.records import EntityType

__all__ = ["Occurrence", "clean_surface", "cleaned_surfaces", "occurrences_of"]


@lru_cache(maxsize=1 << 18)
def clean_surface(surface: str) -> str:
    """Collapse whitespace; a LaTeX non-breaking ``~`` is a space ("Markov Decision Process~")."""
    return collapse_whitespace(surface.replace("~", " "))


@lru_cache(maxsize=1)
def _generic() -> tuple[frozenset[str], frozenset[str]]:
    """Return the extractor's generic phrases (match keys) and generic acronyms.

    The annotation guide's categories ("large language models", "CNNs") are
    no entities; the extractor's word lists (``kg/extract/words/``) are the
    one place they are listed, and resolution honours the same lists, so a
    category a component let through (or one added to the list since the
    extraction ran) never becomes a node.
    """
    from kg.extract.wordlists import load_word_lists

    words = load_word_lists()
    return words.generic, words.generic_acronyms


@lru_cache(maxsize=1 << 18)
def _drop_reason(surface: str) -> str:
    """Return why a surface is not a name (``"compound"``, ``"score"``, ``"generic"``, ``"not an entity: <reason>"``), or ``""``."""
    if compound_head(surface) is not None:
        return "compound"
    if is_score_like(surface):
        return "score"
    phrases, acronyms = _generic()
    if surface in acronyms or match_key(surface) in phrases:
        return "generic"
    kind = not_entity_reason(surface)  # modalities, sensors, measures, laws ... (kg/data/not-entities.tsv)
    return f"not an entity: {kind}" if kind else ""


def cleaned_surfaces(
    name: str, aliases: Iterable[str], dropped: Counter[str] | None = None
) -> tuple[str, ...]:
    """Return an entity's distinct surfaces, name first, without the ones that are no names.

    Args:
        name: the extracted name.
        aliases: its other surfaces.
        dropped: counts ``"reason<TAB>surface"`` of what was left out, if given.
    """
    surfaces: list[str] = []
    for s in dict.fromkeys(clean_surface(s) for s in (name, *aliases)):
        if not s:
            continue
        reason = _drop_reason(s)
        if reason:
            if dropped is not None:
                dropped[f"{reason}\t{s}"] += 1
        else:
            surfaces.append(s)
    return tuple(surfaces)


@dataclass(slots=True)
class Occurrence:
    """One part of one extracted entity: surfaces that name one thing.

    Attributes:
        paper: position of the paper in the (id-sorted) records.
        index: position of the entity in the paper's extraction.
        part: 0 for the part that holds the entity's name, 1, 2 ... for
            surfaces split off as naming another version or thing.
        type: the type the extractor gave.
        surfaces / long_forms / short_forms: the part's surfaces, and split
            by acronym shape (:func:`kg.names.is_short_form`).
        kept_apart: ``(surface, reason)`` for the other parts' surfaces.
    """

    paper: int
    index: int
    part: int
    type: EntityType
    surfaces: tuple[str, ...]
    long_forms: tuple[str, ...]
    short_forms: tuple[str, ...]
    kept_apart: tuple[tuple[str, str], ...] = ()


def _split_groups(surfaces: Sequence[str]) -> list[list[str]]:
    """Group surfaces so that every member of a group is compatible with every other.

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


def _connector_in_term(surface: str, rest: str, attested: set[str] | frozenset[str]) -> bool:
    """Say whether the connector before ``rest`` starts a term the corpus names ("named entity recognition")."""
    head = surface[: surface.rfind(rest)].rstrip(" ,:;-").split()
    return bool(head) and variant_key(f"{head[-1]} {rest}") in attested


def _acronym_starts_before(surface: str, rest: str, surfaces: Sequence[str]) -> bool:
    """Say whether the entity's own acronym starts with the surface's first letter, not the rest's.

    "Self-Compression via MARL" named SCMA is one name with "via" inside it:
    the acronym's S says the name starts before the connector, so it is not
    cut to "MARL" (which made SCMA an alias of multi-agent reinforcement
    learning).
    """
    first, after = surface[:1].lower(), rest[:1].lower()
    return first != after and any(is_short_form(x) and acronym_key(x)[:1].lower() == first for x in surfaces)


def occurrences_of(
    paper: int,
    index: int,
    etype: EntityType,
    surfaces: Sequence[str],
    attested: set[str] | frozenset[str],
    dropped: Counter[str] | None = None,
) -> list[Occurrence]:
    """Return the occurrences of one extracted entity (rule 1 of :mod:`kg.resolve`).

    A long surface holding a prose connector ("baselines such as FooNet")
    is cut to what follows it when that rest is ``attested`` (a variant key
    of some surface of the corpus) and the connector does not start an
    attested term itself ("Glorp named entity tagging" keeps its "named" when
    "named entity tagging" is a surface of the corpus); then the surfaces are grouped so that
    no group mixes versions, more specific names or an acronym that does
    not fit (:func:`kg.name_versions.incompatibility`).
    """
    kept: list[str] = []
    for s in surfaces:
        rest = after_connector(s) if " " in s else None
        if (
            rest is not None
            and variant_key(rest) in attested
            and not _connector_in_term(s, rest, attested)
            and not _acronym_starts_before(s, rest, surfaces)
        ):
            if dropped is not None:
                dropped[f"connector\t{s}"] += 1
            s = rest
        if s not in kept:
            kept.append(s)
    if not kept:
        return []
    groups = _split_groups(kept)
    out: list[Occurrence] = []
    for part, group in enumerate(groups):
        apart: tuple[tuple[str, str], ...] = ()
        if len(groups) > 1:
            apart = tuple(
                (o, next((r for m in group if (r := incompatibility(o, m))), "not compatible"))
                for h, other in enumerate(groups)
                if h != part
                for o in other
            )
        long_forms = tuple(s for s in group if not is_short_form(s))
        short_forms = tuple(s for s in group if is_short_form(s))
        out.append(Occurrence(paper, index, part, etype, tuple(group), long_forms, short_forms, apart))
    return out
