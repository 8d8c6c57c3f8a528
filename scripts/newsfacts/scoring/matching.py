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


def _assignment_python(weights: list[list[float]]) -> list[tuple[int, int]]:
    """``assignment`` in plain Python: faster than numpy for small matrices."""
    n, m = len(weights), len(weights[0]) if weights else 0
    if not n or not m:
        return []
    transposed = n > m
    if transposed:
        weights = [list(col) for col in zip(*weights, strict=True)]
        n, m = m, n
    inf = float("inf")
    u, v, p, way = [0.0] * (n + 1), [0.0] * (m + 1), [0] * (m + 1), [0] * (m + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = -weights[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    pairs = [(p[j] - 1, j - 1) for j in range(1, m + 1) if p[j] and weights[p[j] - 1][j - 1] > 0]
    return sorted((b, a) for a, b in pairs) if transposed else sorted(pairs)


#: Up to this many cells, the plain-Python assignment is the faster.
SMALL_MATRIX = 400


def assignment(weights) -> list[tuple[int, int]]:
    """Maximum-weight one-to-one assignment (Hungarian algorithm, shortest augmenting paths with
    potentials, one row at a time; the inner scan over columns runs in numpy); pairs of weight
    <= 0 are dropped. ``weights``: a matrix (list of rows or a numpy array)."""
    w = np.asarray(weights, dtype=float)
    if w.ndim != 2 or not w.size:
        return []
    if w.size <= SMALL_MATRIX:
        return _assignment_python(w.tolist())
    transposed = w.shape[0] > w.shape[1]
    if transposed:
        w = w.T
    n, m = w.shape
    cost = -w
    u, v = np.zeros(n + 1), np.zeros(m + 1)
    p = np.zeros(m + 1, dtype=np.int64)  # p[j]: the row (1-based) assigned to column j; 0 = free
    way = np.zeros(m + 1, dtype=np.int64)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = p[j0]
            free = ~used
            free[0] = False
            cur = cost[i0 - 1] - u[i0] - v[1:]
            better = free[1:] & (cur < minv[1:])
            minv[1:][better] = cur[better]
            way[1:][better] = j0
            masked = np.where(free[1:], minv[1:], np.inf)
            j1 = int(np.argmin(masked)) + 1
            delta = masked[j1 - 1]
            taken = np.flatnonzero(used)
            u[p[taken]] += delta
            v[taken] -= delta
            minv[free] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    pairs = [(int(p[j]) - 1, j - 1) for j in range(1, m + 1) if p[j] and w[p[j] - 1, j - 1] > 0]
    return sorted((b, a) for a, b in pairs) if transposed else sorted(pairs)
