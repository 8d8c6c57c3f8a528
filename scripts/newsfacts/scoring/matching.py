"""Pairs of gold and predicted items by their spans: exact, overlapping, and an optimal one-to-one choice.

An item has one span or several (a quote role split by an interruption); ``Spans`` is a tuple of
``(start, end)`` code-point offsets. Overlapping pairs are found by a sweep over the spans sorted
by start (linear in the items plus the overlapping pairs, not quadratic), and chosen one to one
in each connected group of the overlap graph by a maximum-weight assignment.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

Spans = tuple[tuple[int, int], ...]


def length(spans: Spans) -> int:
    if len(spans) == 1:
        return spans[0][1] - spans[0][0]
    return sum(e - s for s, e in spans)


def overlaps(gold: Sequence[Spans], pred: Sequence[Spans]) -> dict[tuple[int, int], int]:
    """Characters shared by each (gold index, pred index) pair that shares any, by a sweep."""
    pieces = [(s, e, 0, i) for i, spans in enumerate(gold) for s, e in spans]
    pieces += [(s, e, 1, j) for j, spans in enumerate(pred) for s, e in spans]
    pieces.sort()
    active: tuple[list, list] = ([], [])  # heaps of (end, start, index) per side
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for start, end, side, index in pieces:
        other = active[1 - side]
        while other and other[0][0] <= start:
            heapq.heappop(other)
        for o_end, o_start, o_index in other:  # every piece left there overlaps this one
            common = min(end, o_end) - max(start, o_start)
            if common > 0:
                shared[(index, o_index) if side == 0 else (o_index, index)] += common
        heapq.heappush(active[side], (end, start, index))
    return dict(shared)


def match_exact(gold: Sequence[Spans], pred: Sequence[Spans], same=None) -> list[tuple[int, int]]:
    """One-to-one pairs of items with identical spans (and, given ``same(i, j)``, agreeing)."""
    first = {spans: j for j, spans in reversed(list(enumerate(pred)))}
    if len(first) == len(pred):  # no two predicted items share their spans: the common case
        get = first.get
        return [
            (i, j) for i, spans in enumerate(gold) if (j := get(spans)) is not None and (same is None or same(i, j))
        ]
    waiting: dict[Spans, list[int]] = defaultdict(list)
    for j, spans in enumerate(pred):
        waiting[spans].append(j)
    pairs = []
    for i, spans in enumerate(gold):
        queue = waiting.get(spans)
        if not queue:
            continue
        for k, j in enumerate(queue):
            if same is None or same(i, j):
                del queue[k]
                pairs.append((i, j))
                break
    return pairs


def match_overlap(
    gold: Sequence[Spans], pred: Sequence[Spans], shared: dict[tuple[int, int], int] | None = None, same=None
) -> list[tuple[int, int]]:
    """One-to-one pairs of overlapping items: as many pairs as possible, then the largest overlap
    (Jaccard of characters), chosen optimally in each connected group of overlapping items."""
    if shared is None:
        shared = overlaps(gold, pred)
    edges = {}
    for (i, j), common in shared.items():
        if same is None or same(i, j):
            edges[i, j] = common / (length(gold[i]) + length(pred[j]) - common)
    return sorted(best_pairs(edges))


def match(gold: Sequence[Spans], pred: Sequence[Spans], mode: str, same=None) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) of items whose spans match exactly or overlap."""
    if mode == "exact":
        return sorted(match_exact(gold, pred, same))
    return match_overlap(gold, pred, None, same)


def components(edges) -> list[list[tuple[int, int]]]:
    """The edges (row, column) grouped by connected component of the bipartite graph."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def root(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        a, b = root((0, i)), root((1, j))
        if a != b:
            parent[a] = b
    groups: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for i, j in edges:
        groups[root((0, i))].append((i, j))
    return list(groups.values())


def _isolated(edges) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The edges whose row and column have no other edge (the common case: taken as they are), and the rest."""
    rows: dict[int, int] = defaultdict(int)
    cols: dict[int, int] = defaultdict(int)
    for i, j in edges:
        rows[i] += 1
        cols[j] += 1
    alone, rest = [], []
    for i, j in edges:
        (alone if rows[i] == 1 and cols[j] == 1 else rest).append((i, j))
    return alone, rest


def _small(group: list[tuple[int, int]], edges: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """The best pairs of a group of at most 3 rows and 3 columns, by trying every choice."""
    rows = sorted({i for i, _ in group})
    cols = sorted({j for _, j in group})
    flip = len(rows) > len(cols)
    if flip:
        rows, cols = cols, rows
    best: tuple[int, float] = (-1, -1.0)
    chosen: list[tuple[int, int]] = []
    for perm in itertools.permutations(cols, len(rows)):
        pairs = [((c, r) if flip else (r, c)) for r, c in zip(rows, perm, strict=True)]
        real = [p for p in pairs if p in edges]
        key = (len(real), sum(edges[p] for p in real))
        if key > best:
            best, chosen = key, real
    return chosen


def best_pairs(edges: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """The one-to-one pairs maximising first their number, then their summed weight (weights in (0, 1])."""
    pairs, rest = _isolated(edges)
    for group in components(rest):
        if len(group) == 1:
            pairs.append(group[0])
            continue
        if len({i for i, _ in group}) <= 3 and len({j for _, j in group}) <= 3:
            pairs += _small(group, edges)
            continue
        rows = sorted({i for i, _ in group})
        cols = sorted({j for _, j in group})
        big = len(rows) + len(cols) + 1.0  # the number of pairs first, then the weights
        weights = np.zeros((len(rows), len(cols)))
        r_at = {r: n for n, r in enumerate(rows)}
        c_at = {c: n for n, c in enumerate(cols)}
        for i, j in group:
            weights[r_at[i], c_at[j]] = big + edges[i, j]
        pairs += [(rows[a], cols[b]) for a, b in assignment(weights)]
    return pairs


def best_weight(edges: dict[tuple[int, int], float]) -> float:
    """The largest summed weight of a one-to-one choice of ``edges`` (used by CEAF-e)."""
    alone, rest = _isolated(edges)
    total = sum(edges[e] for e in alone)
    for group in components(rest):
        if len(group) == 1:
            total += edges[group[0]]
            continue
        rows = sorted({i for i, _ in group})
        cols = sorted({j for _, j in group})
        r_at = {r: n for n, r in enumerate(rows)}
        c_at = {c: n for n, c in enumerate(cols)}
        weights = np.zeros((len(rows), len(cols)))
        for i, j in group:
            weights[r_at[i], c_at[j]] = edges[i, j]
        total += sum(float(weights[a, b]) for a, b in assignment(weights))
    return total


def assignment(weights) -> list[tuple[int, int]]:
    """Maximum-weight one-to-one assignment, sorted; pairs of weight <= 0 are dropped.

    ``weights``: a matrix (list of rows or a numpy array). SciPy's ``linear_sum_assignment``
    (a shortest-augmenting-path solver in C++) chooses a complete matching of the larger total;
    with weights >= 0 that total is also the largest of any one-to-one choice, and the pairs of
    weight 0 it adds to complete the matching are dropped.
    """
    from scipy.optimize import linear_sum_assignment

    w = np.asarray(weights, dtype=float)
    if w.ndim != 2 or not w.size:
        return []
    rows, cols = linear_sum_assignment(w, maximize=True)
    return sorted((int(a), int(b)) for a, b in zip(rows, cols, strict=True) if w[a, b] > 0)
