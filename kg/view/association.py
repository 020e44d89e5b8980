"""Association strength: how much more often two entities share papers than chance predicts.

Raw co-occurrence counts rank every pair by the popularity of its members:
the most frequent entity co-occurs most with everything, so a map weighted
by counts pulls every hub into one blob. Science-mapping tools (VOSviewer's
association strength, van Eck & Waltman 2009) divide the count by the
product of the two entities' paper counts instead. Scaled by the number of
papers, the value reads as "times more often together than if the two were
independent": 1.0 is chance, 10 is a strong tie.

Entity resolution may store this value on each ``co_occurs`` edge (issue 11:
a graph attribute that the view and queries can rank by). :func:`link_strength`
is the one place the view reads it, and computes it when the edge lacks it,
so the view works on graphs written before and after that change.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

#: edge attributes that may already hold the association strength, checked in this order
STRENGTH_ATTRIBUTES: tuple[str, ...] = ("association_strength", "association", "strength")


def association_strength(together: float, papers_a: float, papers_b: float, total_papers: float) -> float:
    """Return ``together * total / (papers_a * papers_b)``: observed over expected co-occurrence.

    Args:
        together: papers that mention both entities.
        papers_a: papers that mention the first entity.
        papers_b: papers that mention the second entity.
        total_papers: papers in the corpus (the scale: 1.0 means chance).

    Returns:
        The strength, or 0.0 when a count is missing or not positive.

    >>> association_strength(10, 100, 50, 1000)
    2.0
    >>> association_strength(3, 0, 5, 100)
    0.0
    """
    if together <= 0 or papers_a <= 0 or papers_b <= 0 or total_papers <= 0:
        return 0.0
    return together * total_papers / (papers_a * papers_b)


def _positive(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def link_strength(
    attrs: Mapping[str, Any], papers_a: float, papers_b: float, total_papers: float
) -> tuple[float, float]:
    """Return ``(papers together, association strength)`` of one ``co_occurs`` edge.

    The strength stored on the edge wins (see the module docstring); without
    one it is computed from the edge's ``weight`` and the two paper counts.

    >>> link_strength({"weight": 4}, 8, 10, 200)
    (4.0, 10.0)
    >>> link_strength({"weight": 4, "association_strength": 2.5}, 8, 10, 200)
    (4.0, 2.5)
    """
    together = _positive(attrs.get("weight")) or 0.0
    for key in STRENGTH_ATTRIBUTES:
        if key in attrs:
            stored = _positive(attrs[key])
            if stored is not None:
                return together, stored
    return together, association_strength(together, papers_a, papers_b, total_papers)


__all__ = ["STRENGTH_ATTRIBUTES", "association_strength", "link_strength"]
