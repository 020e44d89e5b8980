"""Compute node positions in Python so the browser only has to draw.

vis.js physics takes minutes to settle a few thousand nodes and networkx's
``spring_layout`` takes minutes for 10,000 (see FINDINGS.md), so this module
implements a force-directed layout (Fruchterman-Reingold) with numpy:

* each connected component is laid out on its own;
* small components use exact pairwise repulsion (O(n^2) per step, fine up to a
  few hundred nodes);
* large components use a particle-mesh approximation: node masses are spread
  onto a grid and the repulsion field is one FFT convolution per step, so a
  step costs O(n + g^2 log g) and 10,000 nodes take well under a second;
* components are then packed in rows, biggest first, isolated nodes last in
  a compact grid.

Everything is deterministic: nodes arrive sorted, the start positions come
from a seeded generator, and the result is rounded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: components up to this size use exact repulsion
EXACT_LIMIT = 400
#: components up to this size are drawn as rings around their best-connected node
RADIAL_LIMIT = 12
#: distance between linked nodes in screen pixels (vis.js default node size is ~25 px)
EDGE_PIXELS = 90.0
_SEED = 20250829


def _initial(n: int, rng: np.random.Generator) -> np.ndarray:
    """Random start in a disc whose area grows with ``n`` (unit ideal edge length)."""
    radius = math.sqrt(n) * 0.8 + 0.5
    angle = rng.uniform(0.0, 2.0 * math.pi, n)
    r = radius * np.sqrt(rng.uniform(0.0, 1.0, n))
    return np.column_stack((r * np.cos(angle), r * np.sin(angle)))


def _attraction(pos: np.ndarray, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Spring forces d^2/k along each edge (k = 1), summed per node with bincount."""
    n = pos.shape[0]
    delta = pos[dst] - pos[src]
    dist = np.sqrt((delta * delta).sum(axis=1)) + 1e-9
    pull = delta * (dist * weight)[:, None]
    force = np.zeros_like(pos)
    for axis in (0, 1):
        force[:, axis] += np.bincount(src, weights=pull[:, axis], minlength=n)
        force[:, axis] -= np.bincount(dst, weights=pull[:, axis], minlength=n)
    return force


def _repulsion_exact(pos: np.ndarray) -> np.ndarray:
    """Exact k^2/d repulsion between every pair of nodes."""
    delta = pos[:, None, :] - pos[None, :, :]
    d2 = (delta * delta).sum(axis=2) + 1e-4
    np.fill_diagonal(d2, np.inf)
    return (delta / d2[:, :, None]).sum(axis=1)


class _Mesh:
    """Particle-mesh repulsion: cloud-in-cell deposit, FFT convolution, interpolation."""

    def __init__(self, n: int) -> None:
        self.g = int(min(128, max(32, 2 ** math.ceil(math.log2(math.sqrt(n) * 0.8)))))
        g = self.g
        size = 2 * g
        offs = np.arange(size)
        offs = np.where(offs < g, offs, offs - size).astype(float)
        dx, dy = np.meshgrid(offs, offs, indexing="ij")
        d2 = dx * dx + dy * dy
        d2[0, 0] = np.inf
        # softened 1/r kernel in cell units: neighbours in one cell still push apart a little
        soft = d2 + 0.25
        self.kx = np.fft.rfft2(dx / soft)
        self.ky = np.fft.rfft2(dy / soft)

    def __call__(self, pos: np.ndarray) -> np.ndarray:
        g = self.g
        lo = pos.min(axis=0)
        span = float((pos.max(axis=0) - lo).max()) + 1e-9
        h = span / (g - 2)
        cell = (pos - lo) / h + 0.5
        i0 = np.floor(cell).astype(np.int64)
        frac = cell - i0
        i1 = i0 + 1
        wx = (1.0 - frac[:, 0], frac[:, 0])
        wy = (1.0 - frac[:, 1], frac[:, 1])
        size = 2 * g
        corners = [(a, b) for a in (0, 1) for b in (0, 1)]
        rho = np.zeros(size * size)
        for a, b in corners:
            ix = (i0, i1)[a][:, 0]
            iy = (i0, i1)[b][:, 1]
            rho += np.bincount(ix * size + iy, weights=wx[a] * wy[b], minlength=size * size)
        rho_hat = np.fft.rfft2(rho.reshape(size, size))
        fx = np.fft.irfft2(rho_hat * self.kx, s=(size, size)).ravel()
        fy = np.fft.irfft2(rho_hat * self.ky, s=(size, size)).ravel()
        force = np.zeros_like(pos)
        for a, b in corners:
            idx = (i0, i1)[a][:, 0] * size + (i0, i1)[b][:, 1]
            w = wx[a] * wy[b]
            force[:, 0] += fx[idx] * w
            force[:, 1] += fy[idx] * w
        # the field is in cell units; k^2/d with d in layout units scales by 1/h
        return force / h


def _radial(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Rings of hop distance around the best-connected node: cheap and tidy for tiny components."""
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for a, b in zip(src.tolist(), dst.tolist()):
        adjacency[a].append(b)
        adjacency[b].append(a)
    centre = max(range(n), key=lambda i: (len(adjacency[i]), -i))
    depth = {centre: 0}
    queue = [centre]
    for node in queue:
        for other in sorted(adjacency[node]):
            if other not in depth:
                depth[other] = depth[node] + 1
                queue.append(other)
    pos = np.zeros((n, 2))
    rings: dict[int, list[int]] = {}
    for node in queue[1:]:
        rings.setdefault(depth[node], []).append(node)
    for level, nodes in rings.items():
        radius = max(float(level), len(nodes) / (2.0 * math.pi) * 0.9)
        for i, node in enumerate(nodes):
            angle = 2.0 * math.pi * i / len(nodes) + 0.3 * level
            pos[node] = (radius * math.cos(angle), radius * math.sin(angle))
    return pos


def _force_layout(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray, seed: int) -> np.ndarray:
    """Fruchterman-Reingold layout of connected nodes with ideal edge length 1."""
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[-0.5, 0.0], [0.5, 0.0]])
    rng = np.random.default_rng(seed)
    pos = _initial(n, rng)
    exact = n <= EXACT_LIMIT
    repulse = _repulsion_exact if exact else _Mesh(n)
    steps = 60 if exact else (50 if n <= 5000 else 40)
    temperature = math.sqrt(n) * 0.5
    for step in range(steps):
        force = repulse(pos) + _attraction(pos, src, dst, weight)
        length = np.sqrt((force * force).sum(axis=1)) + 1e-9
        t = temperature * (1.0 - step / steps) + 0.02
        pos += force * (np.minimum(length, t) / length)[:, None]
    return pos


def _ring_radius(count: np.ndarray) -> np.ndarray:
    """Radius of the ring of ``count`` leaves around a node (0 without leaves)."""
    return np.where(count > 0, np.maximum(0.7, 0.13 * count), 0.0)


def _component_layout(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray, seed: int) -> np.ndarray:
    """Lay out one connected component: a force layout of its core, leaves in rings.

    Papers and popular entities carry many degree-one neighbours (entities
    only one paper mentions, a paper's repository). In a plain force layout
    those stars repel each other so strongly that the links between them
    become very long and every star shrinks to a dot. So the leaves are set
    aside, the remaining core is laid out, spread just enough for the rings,
    and each node's leaves are placed on a ring around it.
    """
    if n <= RADIAL_LIMIT:
        return _radial(n, src, dst)
    degree = np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    is_leaf = degree == 1
    leaf_edge = is_leaf[src] ^ is_leaf[dst]  # an edge with two leaves is a 2-node component, not here
    leaf = np.where(is_leaf[src], src, dst)[leaf_edge]
    anchor = np.where(is_leaf[src], dst, src)[leaf_edge]
    core_nodes = np.flatnonzero(~is_leaf)
    core_index = np.full(n, -1, dtype=np.int64)
    core_index[core_nodes] = np.arange(len(core_nodes))
    core_edge = ~is_leaf[src] & ~is_leaf[dst]
    core_src, core_dst = core_index[src[core_edge]], core_index[dst[core_edge]]
    core = _force_layout(len(core_nodes), core_src, core_dst, weight[core_edge], seed)

    counts = np.bincount(anchor, minlength=n)
    radius = _ring_radius(counts)
    if len(core_src):
        delta = core[core_src] - core[core_dst]
        dist = np.sqrt((delta * delta).sum(axis=1)) + 1e-9
        need = (radius[core_nodes[core_src]] + radius[core_nodes[core_dst]] + 0.5) / dist
        core = core * float(np.clip(np.percentile(need, 75), 1.0, 6.0))

    pos = np.zeros((n, 2))
    pos[core_nodes] = core
    order = np.lexsort((leaf, anchor))
    leaf, anchor = leaf[order], anchor[order]
    first = np.searchsorted(anchor, anchor, side="left")
    slot = np.arange(len(leaf)) - first
    centre = core.mean(axis=0) if len(core) else np.zeros(2)
    away = pos[anchor] - centre
    base = np.arctan2(away[:, 1], away[:, 0])
    angle = base + 2.0 * math.pi * (slot + 0.5) / counts[anchor] - math.pi
    r = radius[anchor]
    pos[leaf] = pos[anchor] + np.column_stack((r * np.cos(angle), r * np.sin(angle)))
    return _landscape(pos - pos.mean(axis=0))


def _landscape(pos: np.ndarray) -> np.ndarray:
    """Rotate a centred layout so its long axis is horizontal, like the screen."""
    cov = pos.T @ pos
    _, vectors = np.linalg.eigh(cov)
    major = vectors[:, -1]
    if major[0] < 0 or (major[0] == 0 and major[1] < 0):
        major = -major
    minor = np.array([-major[1], major[0]])
    return np.column_stack((pos @ major, pos @ minor))


def _pack(parts: list[np.ndarray], gap: float) -> list[np.ndarray]:
    """Place component layouts in rows, biggest first, in a roughly square block."""
    boxes = [(p.max(axis=0) - p.min(axis=0)) if len(p) else np.zeros(2) for p in parts]
    area = sum((b[0] + gap) * (b[1] + gap) for b in boxes)
    row_width = max(math.sqrt(area) * 1.2, max((b[0] for b in boxes), default=0.0) + gap)
    placed: list[np.ndarray] = []
    x = y = row_height = 0.0
    for part, box in zip(parts, boxes):
        if x > 0 and x + box[0] > row_width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        placed.append(part - part.min(axis=0) + np.array([x, y]))
        x += box[0] + gap
        row_height = max(row_height, float(box[1]))
    return placed


def _unique_edges(
    n: int, edges: Sequence[tuple[int, int]], weights: Sequence[float] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return undirected, de-duplicated edges (lo < hi) with the strongest weight of each pair."""
    pairs = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    w = np.ones(len(pairs)) if weights is None else np.asarray(weights, dtype=float).reshape(-1)
    if len(w) != len(pairs):
        raise ValueError("weights must match edges")
    if len(pairs) and (pairs.min() < 0 or pairs.max() >= n):
        raise ValueError("edge refers to a node outside 0..n-1")
    keep = pairs[:, 0] != pairs[:, 1]
    pairs, w = pairs[keep], w[keep]
    lo = np.minimum(pairs[:, 0], pairs[:, 1])
    hi = np.maximum(pairs[:, 0], pairs[:, 1])
    key = lo * n + hi
    order = np.lexsort((w, key))
    key, lo, hi, w = key[order], lo[order], hi[order], w[order]
    last = np.ones(len(key), dtype=bool)
    last[:-1] = key[1:] != key[:-1]
    return lo[last], hi[last], w[last]


def _components(n: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Label each node with the smallest node id of its connected component.

    Hook-and-jump (Shiloach-Vishkin style) in numpy: hook the larger root
    of every edge onto the smaller, then compress paths, until every edge
    joins nodes with equal labels. Usually a handful of rounds.
    """
    labels = np.arange(n, dtype=np.int64)
    while True:
        a, b = labels[lo], labels[hi]
        differ = a != b
        if not differ.any():
            return labels
        a, b = a[differ], b[differ]
        np.minimum.at(labels, np.maximum(a, b), np.minimum(a, b))
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped


def compute_layout(
    n: int, edges: Sequence[tuple[int, int]], *, weights: Sequence[float] | None = None
) -> list[tuple[float, float]]:
    """Return an (x, y) screen position for each of ``n`` nodes.

    Args:
        n: number of nodes; nodes are the integers ``0 .. n-1`` in a fixed order.
        edges: undirected pairs of node indices (direction and duplicates ignored).
        weights: optional spring strength per edge (default 1); weak springs
            (e.g. co-occurrence) keep entities near each other without
            pulling papers on top of them.

    Returns:
        Positions in pixels, centred on the origin, rounded to 0.1.

    >>> pts = compute_layout(3, [(0, 1), (1, 2)])
    >>> len(pts), pts == compute_layout(3, [(0, 1), (1, 2)])
    (3, True)
    """
    if n == 0:
        return []
    lo, hi, w = _unique_edges(n, edges, weights)
    labels = _components(n, lo, hi)
    # nodes grouped by component (root id), ascending inside each group
    node_order = np.lexsort((np.arange(n), labels))
    sizes = np.bincount(labels, minlength=n)
    roots = np.flatnonzero(sizes)
    starts = np.zeros(n, dtype=np.int64)
    group_start = np.concatenate(([0], np.cumsum(sizes[roots])[:-1]))
    starts[roots] = group_start
    local = np.empty(n, dtype=np.int64)
    local[node_order] = np.arange(n) - starts[labels[node_order]]
    edge_order = np.argsort(labels[lo], kind="stable")
    edge_counts = np.bincount(labels[lo], minlength=n)
    edge_starts = np.concatenate(([0], np.cumsum(edge_counts)[:-1]))

    ranked = sorted(roots.tolist(), key=lambda r: (-int(sizes[r]), r))
    parts: list[np.ndarray] = []
    order: list[np.ndarray] = []
    singles: list[int] = []
    for index, root in enumerate(ranked):
        size = int(sizes[root])
        if size == 1:
            singles.append(root)
            continue
        members = node_order[starts[root] : starts[root] + size]
        picked = edge_order[edge_starts[root] : edge_starts[root] + edge_counts[root]]
        parts.append(_component_layout(size, local[lo[picked]], local[hi[picked]], w[picked], _SEED + index))
        order.append(members)
    if singles:
        side = math.ceil(math.sqrt(len(singles)))
        cells = np.arange(len(singles))
        parts.append(np.column_stack((cells % side, cells // side)).astype(float) * 1.2)
        order.append(np.array(sorted(singles), dtype=np.int64))
    placed = _pack(parts, gap=2.0)
    pos = np.zeros((n, 2))
    for nodes, part in zip(order, placed):
        pos[nodes] = part
    pos = np.round((pos - (pos.max(axis=0) + pos.min(axis=0)) / 2.0) * EDGE_PIXELS, 1) + 0.0
    return [(x, y) for x, y in pos.tolist()]


def spread_overlaps(
    positions: Sequence[tuple[float, float]],
    radii: Sequence[float],
    *,
    gap: float = 2.0,
    rounds: int = 80,
) -> list[tuple[float, float]]:
    """Push apart nodes whose circles overlap, keeping the layout's shape.

    A force layout places nodes by their ties, not by their size, so two big
    hubs can land on each other. Each round finds the overlapping pairs and
    moves both nodes of each pair apart by half their overlap (plus a
    little), until no two circles (plus ``gap``) overlap or ``rounds`` run
    out. Rows are compared in blocks, so memory stays bounded on big maps.

    >>> spread_overlaps([(0.0, 0.0), (1.0, 0.0)], [5.0, 5.0], gap=0.0)
    [(-4.6, 0.0), (5.6, 0.0)]
    """
    pos = np.asarray(positions, dtype=float).reshape(-1, 2).copy()
    r = np.asarray(radii, dtype=float).reshape(-1)
    n = len(pos)
    if n < 2:
        return [(float(x), float(y)) for x, y in pos]
    # nodes on the very same spot need a direction: the golden angle gives each index its own
    angle = np.arange(n) * 2.399963
    block = max(1, 4_000_000 // n)
    for _ in range(rounds):
        firsts, seconds = [], []
        for start in range(0, n, block):
            stop = min(n, start + block)
            dx = pos[start:stop, 0, None] - pos[None, :, 0]
            dy = pos[start:stop, 1, None] - pos[None, :, 1]
            need = r[start:stop, None] + r[None, :] + gap
            hit = dx * dx + dy * dy < need * need
            a, b = np.nonzero(hit)
            a = a + start
            keep = a < b
            firsts.append(a[keep])
            seconds.append(b[keep])
        a = np.concatenate(firsts)
        b = np.concatenate(seconds)
        if not len(a):
            break
        delta = pos[a] - pos[b]
        dist = np.sqrt((delta * delta).sum(axis=1))
        same = dist < 1e-9
        unit = delta / np.maximum(dist, 1e-9)[:, None]
        unit[same, 0] = np.cos(angle[a[same]])
        unit[same, 1] = np.sin(angle[a[same]])
        push = ((r[a] + r[b] + gap - dist) / 2.0 + 0.05)[:, None] * unit
        move = np.zeros_like(pos)
        np.add.at(move, a, push)
        np.add.at(move, b, -push)
        # a node in k overlaps moves by the sum over sqrt(k): crowds loosen without exploding
        hits = np.bincount(a, minlength=n) + np.bincount(b, minlength=n)
        pos += move / np.sqrt(np.maximum(hits, 1))[:, None]
    pos = np.round(pos, 1) + 0.0
    return [(float(x), float(y)) for x, y in pos]
