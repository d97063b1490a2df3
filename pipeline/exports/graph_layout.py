"""Positions for graph.html, computed once in Python so that the page opens at once even with thousands of nodes."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np


def layout(graph: nx.MultiDiGraph, iterations: int | None = None) -> dict[str, tuple[float, float]]:
    """Positions computed once in Python, so that the page opens instantly even with thousands of nodes.

    A ForceAtlas2-like model (edges pull linearly, nodes repel in proportion to their degrees, gravity keeps
    components together) whose repulsion is approximated on a quadtree of grids (exact between neighbouring cells,
    through cell centres of mass further away): 1.7 s for 5,000 nodes and 20,000 edges on one core, where
    networkx's spring_layout took 25 s with 25 iterations.
    """
    nodes = list(graph.nodes())
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in graph.edges() if u != v}
    edges = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    if iterations is None:
        iterations = 150 if len(nodes) <= 1000 else 60
    pos = _force_layout(len(nodes), edges, iterations, exact=len(nodes) <= EXACT)
    pos = _pull_in_outliers(pos)
    radius = float(np.percentile(np.hypot(pos[:, 0], pos[:, 1]), 98)) or 1.0
    pos *= 120 * math.sqrt(len(nodes)) / radius
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, pos)}


# The 36 cells under a cell's parent and the parent's eight neighbours, as offsets from 2 * parent.
_CHILDREN = np.array([(2 * px + cx, 2 * py + cy) for px in (-1, 0, 1) for py in (-1, 0, 1) for cx in (0, 1)
                      for cy in (0, 1)])
_NEIGHBOURS = np.array([(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)])


def _force_layout(n: int, edges: np.ndarray, iterations: int, seed: int = 7, exact: bool = False) -> np.ndarray:
    """`exact`: the repulsion summed over every pair (`_Repulsion`), for a graph laid out whole; a community's disc
    keeps the quadtree's approximation its placement was tuned with."""
    mass = 1.0 + np.bincount(edges.ravel(), minlength=n)
    levels = min(9, max(2, int(math.log(max(n, 4), 4)) + 1))
    pos = np.random.default_rng(seed).uniform(-1, 1, (n, 2)) * math.sqrt(n) * 4
    step, gravity = math.sqrt(n), 1.0 / math.sqrt(n)
    far = np.zeros((n, 2))
    repulsion = _Repulsion(mass) if exact else None
    for iteration in range(iterations):
        if repulsion is not None:
            force = repulsion(pos) - gravity * mass[:, None] * pos
        else:
            unit = _unit_square(pos)
            if iteration % 2 == 0:  # the far field changes slowly: every other step is enough
                far = sum((_far_field(pos, mass, unit, level) for level in range(2, levels + 1)), np.zeros((n, 2)))
            force = far + _near_field(pos, mass, unit, levels) - gravity * mass[:, None] * pos
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            force -= _scatter(edges[:, 0], delta, n) - _scatter(edges[:, 1], delta, n)
        move = force / mass[:, None]
        length = np.maximum(np.hypot(move[:, 0], move[:, 1]), 1e-9)
        pos += move * (np.minimum(length, step) / length)[:, None]
        step = max(step * 0.95, 0.5)
    return pos - pos.mean(0)


# Up to this many nodes a graph laid out whole has its repulsion summed over every pair (faster than the
# quadtree's many small steps, and exact: 0.4 ms a step for 290 nodes, where the quadtree took 1.4).
EXACT = 400


class _Repulsion:
    """The repulsion every node feels from every other (the force the quadtree approximates), summed over every
    pair in n×n arrays made once per layout: a fresh array of that size each step is a fresh mapping of memory,
    whose page faults cost four times the arithmetic."""

    def __init__(self, mass: np.ndarray) -> None:
        n = len(mass)
        self.pair_mass = np.outer(mass, mass)
        self.dx, self.dy, self.weight = np.empty((n, n)), np.empty((n, n)), np.empty((n, n))

    def __call__(self, pos: np.ndarray) -> np.ndarray:
        dx, dy, weight = self.dx, self.dy, self.weight
        np.subtract(pos[:, 0, None], pos[None, :, 0], out=dx)
        np.subtract(pos[:, 1, None], pos[None, :, 1], out=dy)
        np.multiply(dx, dx, out=weight)
        np.multiply(dy, dy, out=dy)
        weight += dy
        np.maximum(weight, 1e-2, out=weight)
        np.divide(self.pair_mass, weight, out=weight)
        np.fill_diagonal(weight, 0.0)
        dx *= weight
        np.subtract(pos[:, 1, None], pos[None, :, 1], out=dy)  # (its square was a step above)
        dy *= weight
        return np.stack([dx.sum(1), dy.sum(1)], 1)


def _unit_square(pos: np.ndarray) -> np.ndarray:
    low = pos.min(0)
    span = max(float((pos.max(0) - low).max()), 1e-6) * (1 + 1e-9)
    return (pos - low) / span


def _scatter(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    return np.stack([np.bincount(index, values[:, 0], n), np.bincount(index, values[:, 1], n)], 1)


def _cells(unit: np.ndarray, level: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    size = 1 << level
    cell = np.minimum((unit * size).astype(np.int64), size - 1)
    return cell[:, 0], cell[:, 1], cell[:, 0] * size + cell[:, 1]


def _expand(groups: np.ndarray, counts: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Item i belongs to list groups[i]; lists are stored back to back in `values` with lengths `counts`.
    Returns (item, value) for every entry of every item's list."""
    per_item = counts[groups]
    item = np.repeat(np.arange(len(groups)), per_item)
    offset = np.arange(int(per_item.sum())) - np.repeat(np.cumsum(per_item) - per_item, per_item)
    starts = np.cumsum(counts) - counts
    return item, values[np.repeat(starts[groups], per_item) + offset]


def _far_field(pos: np.ndarray, mass: np.ndarray, unit: np.ndarray, level: int) -> np.ndarray:
    """Repulsion from the cells of this level that are not adjacent but whose parents are (a quadtree's
    interaction list), through their centres of mass."""
    size = 1 << level
    cx, cy, cid = _cells(unit, level)
    cell_mass = np.bincount(cid, mass, size * size)
    sum_x = np.bincount(cid, pos[:, 0] * mass, size * size)
    sum_y = np.bincount(cid, pos[:, 1] * mass, size * size)
    used, inverse = np.unique(cid, return_inverse=True)
    ux, uy = used // size, used % size
    ox = (ux // 2 * 2)[:, None] + _CHILDREN[None, :, 0]
    oy = (uy // 2 * 2)[:, None] + _CHILDREN[None, :, 1]
    valid = ((ox >= 0) & (ox < size) & (oy >= 0) & (oy < size)
             & ((np.abs(ox - ux[:, None]) > 1) | (np.abs(oy - uy[:, None]) > 1)))
    other_id = np.where(valid, ox * size + oy, 0)
    valid &= cell_mass[other_id] > 0
    node, other = _expand(inverse.ravel(), valid.sum(1), other_id[valid])
    m = cell_mass[other]
    dx = pos[node, 0] - sum_x[other] / m
    dy = pos[node, 1] - sum_y[other] / m
    weight = m * mass[node] / np.maximum(dx * dx + dy * dy, 1e-2)
    return np.stack([np.bincount(node, weight * dx, len(pos)), np.bincount(node, weight * dy, len(pos))], 1)


def _near_field(pos: np.ndarray, mass: np.ndarray, unit: np.ndarray, level: int) -> np.ndarray:
    """Exact repulsion between nodes in the same or adjacent cells of the finest level."""
    n, size = len(pos), 1 << level
    cx, cy, cid = _cells(unit, level)
    order = np.argsort(cid, kind="stable")
    sorted_id = cid[order]
    force = np.zeros((n, 2))
    for dx, dy in _NEIGHBOURS:
        ox, oy = cx + dx, cy + dy
        inside = (ox >= 0) & (ox < size) & (oy >= 0) & (oy < size)
        other_id = ox * size + oy
        start = np.searchsorted(sorted_id, other_id, "left")
        count = np.where(inside, np.searchsorted(sorted_id, other_id, "right") - start, 0)
        i = np.repeat(np.arange(n), count)
        j = order[np.repeat(start, count) + np.arange(len(i)) - np.repeat(np.cumsum(count) - count, count)]
        keep = i != j
        i, j = i[keep], j[keep]
        delta = pos[i] - pos[j]
        weight = mass[i] * mass[j] / np.maximum((delta ** 2).sum(1), 1e-2)
        force += _scatter(i, delta * weight[:, None], n)
    return force


def _pull_in_outliers(pos: np.ndarray) -> np.ndarray:
    """Unconnected nodes are pushed far out by the repulsion; bring them to a ring just outside the rest."""
    radius = np.hypot(pos[:, 0], pos[:, 1])
    if len(pos) < 10:
        return pos
    cap = 1.15 * float(np.percentile(radius, 95))
    far = radius > cap
    if cap > 0 and far.any():
        target = cap + (radius[far] - cap) * 0.05
        pos = pos.copy()
        pos[far] *= (target / radius[far])[:, None]
    return pos


# ---------------------------------------------------------------------------------------------------------------
# Communities laid out apart (large graphs): each community is laid out on its own as a disc whose area grows with
# its size; the discs are placed by the citations between them and pushed apart until none overlaps; documents that
# neither cite nor are cited go to a block of their own below.

SPACING = 34.0  # model units given to each document (graph.html draws documents 18 to ~150 units wide)
SMALL = 12  # a community this small is its landmark with the others around it


def clustered_layout(graph: nx.MultiDiGraph, found: list[Any], simple: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions with each community (`found`: pipeline.communities' list, largest first) in a disc of its own."""
    positions: dict[str, tuple[float, float]] = {}
    locals_, radii = [], []
    for community in found:
        local = _community_disc(simple, community.members)
        locals_.append(local)
        radii.append(max(SPACING, float(np.hypot(local[:, 0], local[:, 1]).max()) + SPACING))
    if found:
        centres = _place_discs(simple, found, np.array(radii))
        for community, local, centre in zip(found, locals_, centres):
            for node, (x, y) in zip(community.members, local + centre):
                positions[node] = (float(x), float(y))
    rest = sorted(n for n in graph.nodes() if n not in positions)
    if rest:
        placed = np.array(list(positions.values())) if positions else np.zeros((1, 2))
        left, top = float(placed[:, 0].min()), float(placed[:, 1].max()) + 4 * SPACING
        width = max(float(placed[:, 0].max()) - left, SPACING * math.sqrt(len(rest)))
        per_row = max(1, int(width // SPACING) + 1)
        for k, node in enumerate(rest):
            positions[node] = (left + (k % per_row) * SPACING, top + (k // per_row) * SPACING)
    return positions


def _community_disc(simple: nx.Graph, members: tuple[str, ...]) -> np.ndarray:
    """A community's own layout, centred on 0, about SPACING² of area per document; members[0] (the landmark)
    in the middle of a small one."""
    n = len(members)
    if n <= SMALL:
        angles = np.linspace(0, 2 * math.pi, n - 1, endpoint=False) if n > 1 else np.zeros(0)
        ring = 1.4 * SPACING * max(1.0, (n - 1) / 6)
        return np.vstack([np.zeros((1, 2)), np.stack([np.cos(angles), np.sin(angles)], 1) * ring])
    index = {node: i for i, node in enumerate(members)}
    sub = simple.subgraph(members)
    edges = np.array(sorted((min(index[u], index[v]), max(index[u], index[v])) for u, v in sub.edges()),
                     dtype=np.int64).reshape(-1, 2)
    pos = _pull_in_outliers(_force_layout(n, edges, 80 if n > 60 else 50))
    radius = float(np.percentile(np.hypot(pos[:, 0], pos[:, 1]), 95)) or 1.0
    return pos * (0.62 * SPACING * math.sqrt(n) / radius)


def _place_discs(simple: nx.Graph, found: list[Any], radii: np.ndarray) -> np.ndarray:
    """Disc centres: communities that cite one another near each other, no two discs overlapping."""
    k = len(found)
    if k == 1:
        return np.zeros((1, 2))
    which = {node: c.number for c in found for node in c.members}
    links = {(min(which[u], which[v]), max(which[u], which[v])) for u, v in simple.edges()
             if which.get(u, -1) >= 0 and which.get(v, -1) >= 0 and which[u] != which[v]}
    edges = np.array(sorted(links), dtype=np.int64).reshape(-1, 2)
    pos = _force_layout(k, edges, 80)
    spread = float(np.percentile(np.hypot(pos[:, 0], pos[:, 1]), 90)) or 1.0
    pos = pos / spread * math.sqrt((radii ** 2).sum())  # about as wide as the discs together
    weight = radii ** 2
    for step in range(300):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.hypot(delta[..., 0], delta[..., 1]), 1e-6)
        overlap = radii[:, None] + radii[None, :] + 0.5 * SPACING - distance
        np.fill_diagonal(overlap, 0)
        overlap = np.maximum(overlap, 0)
        if not overlap.any():
            if step > 100:
                break
        share = weight[None, :] / (weight[:, None] + weight[None, :])  # the smaller disc moves more
        push = (delta / distance[..., None]) * (overlap * share)[..., None]
        pos = pos + push.sum(1)
        if step < 200:  # draw the discs together, then only separate them
            pos *= 0.985
    return pos - (pos * weight[:, None]).sum(0) / weight.sum()


# ---------------------------------------------------------------------------------------------------------------
# Landmarks: the most-cited documents of a community sit together in its middle (the same letters cite them), so
# that at the overview's zoom their labels would be drawn over one another. They are moved apart, just enough for
# each one's label to fit beside its circle when the whole graph fits a screen.

VIEW = (820.0, 640.0)  # pixels of the graph in a 1280×800 window (less the fit padding): the overview is made for it
LABEL_PX = 12.0


def node_size(cited_by: int) -> float:
    """The diameter graph.html draws a document with (model units)."""
    return min(160.0, 18.0 + 9.0 * math.sqrt(cited_by))


def spread_landmarks(positions: dict[str, tuple[float, float]], landmarks: list[tuple[str, str, int]],
                     rings: int = 80) -> dict[str, tuple[float, float]]:
    """`landmarks`: (node, label, cited_by), most-cited first. Each in turn keeps its place if its box (its circle
    and its label below it, at the zoom that fits the whole graph in VIEW) is clear of the boxes of those before it;
    else it goes to the nearest place that is, searched on rings around its own."""
    if len(landmarks) < 2 or not positions:
        return positions
    everything = np.array(list(positions.values()))
    span = np.maximum(everything.max(0) - everything.min(0), 1.0)
    zoom = min(VIEW[0] / span[0], VIEW[1] / span[1])
    step = (1.2 * LABEL_PX + 8) / zoom  # a label as graph.html draws it, with room to spare
    placed: list[tuple[float, float, float, float]] = []
    out = dict(positions)

    def box(x: float, y: float, half_width: float, radius: float) -> tuple[float, float, float, float]:
        return (x - half_width, y - radius - 2 / zoom, x + half_width, y + radius + step)

    def clear(b: tuple[float, float, float, float]) -> bool:
        return all(b[2] <= o[0] or o[2] <= b[0] or b[3] <= o[1] or o[3] <= b[1] for o in placed)

    for node, label, cited in landmarks:
        radius = node_size(cited) / 2
        half_width = max(radius, (len(label) * 0.68 * LABEL_PX + 12) / zoom / 2)
        x0, y0 = positions[node]
        spot = None
        for ring in range(rings):
            count = 1 if ring == 0 else 8 * ring
            for k in range(count):
                angle = 2 * math.pi * k / count
                x, y = x0 + ring * step * math.cos(angle), y0 + ring * step * math.sin(angle)
                if clear(box(x, y, half_width, radius)):
                    spot = (x, y)
                    break
            if spot:
                break
        spot = spot or (x0, y0)
        placed.append(box(*spot, half_width, radius))
        out[node] = (float(spot[0]), float(spot[1]))
    return out
