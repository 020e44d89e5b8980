"""Choose, ahead of time, labels that do not overlap at the fitted zoom.

The page places its labels itself on every frame (``labels.js``). A drawing
handed to someone else's renderer (a pyvis ``Network`` in a notebook) draws
every label it gets, so this module makes the same choice once in Python:
the whole drawing fitted into a canvas, labels taken in priority order,
each tried below and then above its node, kept only where it overlaps no
kept label. Text widths are estimated (0.62 em per character), so the boxes
are a little generous. Pure geometry: no networkx, no pyvis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: estimated width of one character, in font sizes (a sans-serif's average is about 0.55; generous)
CHAR_WIDTH = 0.62
#: label box height, in font sizes (vis-network leaves a margin under the node: generous)
LINE_HEIGHT = 1.5
#: grid cell for the collision test, in screen pixels
_CELL = 64.0


@dataclass(frozen=True)
class LabelChoice:
    """Labels kept (node indices) and the fitted scale (screen pixels per layout pixel)."""

    labels: frozenset[int]
    scale: float


def fitted_scale(
    points: Sequence[tuple[float, float]], radii: Sequence[float], width: float, height: float
) -> float:
    """Scale at which the drawing (nodes with their radii) fits ``width`` x ``height`` with a margin.

    >>> fitted_scale([(0, 0), (100, 0)], [0, 0], 220, 220)
    2.0
    """
    if not points:
        return 1.0
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    r = max(radii, default=0.0)
    span_x = max(xs) - min(xs) + 2 * r
    span_y = max(ys) - min(ys) + 2 * r
    margin = 20.0
    return min((width - margin) / max(span_x, 1.0), (height - margin) / max(span_y, 1.0))


def cull_labels(
    points: Sequence[tuple[float, float]],
    radii: Sequence[float],
    texts: Sequence[str],
    fonts: Sequence[int],
    order: Sequence[int],
    *,
    width: float,
    height: float,
    above: bool = True,
) -> LabelChoice:
    """Return the labels to draw so that none overlaps another at the fitted zoom.

    Args:
        points: node centres in layout pixels.
        radii: node radii in layout pixels.
        texts: label text per node.
        fonts: label font size per node, in screen pixels at the fitted zoom.
        order: node indices, most important label first.
        width: canvas width in screen pixels.
        height: canvas height in screen pixels.
        above: also try above the node when below is taken (vis-network itself
            only ever draws a label below its node).

    >>> choice = cull_labels([(0, 0), (1, 0), (300, 0)], [5, 5, 5], ["alpha", "beta", "gamma"],
    ...                      [12, 12, 12], [0, 1, 2], width=320, height=100)
    >>> sorted(choice.labels)
    [0, 1, 2]
    >>> sorted(cull_labels([(0, 0), (1, 0)], [5, 5], ["alpha", "beta"], [12, 12], [1, 0],
    ...                    width=100, height=50).labels)
    [0, 1]
    >>> sorted(cull_labels([(0, 0), (1, 0), (2, 0)], [5, 5, 5], ["alpha", "beta", "gamma"], [12, 12, 12],
    ...                    [2, 1, 0], width=100, height=50).labels)
    [1, 2]
    """
    scale = fitted_scale(points, radii, width, height)
    grid: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    kept: set[int] = set()

    def cells(box: tuple[float, float, float, float]) -> list[tuple[int, int]]:
        x0, y0, x1, y1 = box
        return [
            (cx, cy)
            for cx in range(int(x0 // _CELL), int(x1 // _CELL) + 1)
            for cy in range(int(y0 // _CELL), int(y1 // _CELL) + 1)
        ]

    def free(box: tuple[float, float, float, float]) -> bool:
        for cell in cells(box):
            for other in grid.get(cell, ()):
                if box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]:
                    return False
        return True

    for i in order:
        x, y = points[i][0] * scale, points[i][1] * scale
        w = CHAR_WIDTH * fonts[i] * len(texts[i])
        h = LINE_HEIGHT * fonts[i]
        r = radii[i] * scale
        for top in (y + r + 2, y - r - 2 - h) if above else (y + r + 2,):
            box = (x - w / 2, top, x + w / 2, top + h)
            if free(box):
                for cell in cells(box):
                    grid.setdefault(cell, []).append(box)
                kept.add(i)
                break
    return LabelChoice(frozenset(kept), scale)


__all__ = ["LabelChoice", "cull_labels", "fitted_scale"]
