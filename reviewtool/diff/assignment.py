"""Optimal assignment: a maximum-weight bipartite matching (sparse Hungarian / Jonker-Volgenant).

The aligner's scored stage (:mod:`reviewtool.diff.align`) pairs leftover sections with
:func:`max_weight_matching` on the graph of pairs that score high enough; this module
knows nothing about sections, only rows, columns and positive edge weights.
"""

from __future__ import annotations

import heapq
from operator import itemgetter

_INF = float("inf")


def max_weight_matching(n_rows: int, n_cols: int, edges: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """Maximum-weight matching of a bipartite graph with positive edge weights (optimal, not greedy).

    This is the linear assignment problem solved by successive shortest
    augmenting paths with dual potentials -- the Hungarian method in the form
    Jonker and Volgenant made fast, run on a sparse graph (as in their LAPJVsp)
    and without their initialisation heuristics. Each row also gets a private
    zero-cost "stay unmatched" column, so every row can always be assigned and
    rectangular inputs need no padding. Costs are negated weights; each row's
    augmentation is a Dijkstra search over reduced costs ``cost - u[row] -
    v[col]``, which stay non-negative, and the potentials are updated so the
    matched edges stay tight. Worst case O(n * E log E) for n rows and E edges;
    with few edges per row it is close to linear.

    Returns ``(row, col)`` pairs sorted by row; unmatched rows are left out.
    Deterministic: ties go to the lower column index.
    """
    adj: list[list[tuple[int, float]]] = [[] for _ in range(n_rows)]
    for (r, c), w in edges.items():
        adj[r].append((c, -w))
    for r, row in enumerate(adj):
        row.sort()  # by column (one edge per column): the order of a sort of all the edges
        row.append((n_cols + r, 0.0))  # the row's own "unmatched" column
    n_all = n_cols + n_rows
    cost = itemgetter(1)
    u = [min(map(cost, row)) for row in adj]  # each row's cheapest cost, read at C speed
    v = [0.0] * n_all
    col_of_row = [-1] * n_rows
    row_of_col = [-1] * n_all
    for s in range(n_rows):
        # Most rows find their cheapest column free: the search below would pop it first (the
        # least (reduced cost, column)) and stop there, changing only this row's potential.
        us = u[s]
        heap = [(a - us - v[c], c) for c, a in adj[s]]
        d0, c0 = min(heap)
        if row_of_col[c0] == -1:
            u[s] = us + d0
            col_of_row[s] = c0
            row_of_col[c0] = s
            continue
        # The search starts from the row's own edges, one per column: the reduced costs just
        # computed, heaped at once (the pops read the least first whatever the heap's layout).
        dist = {c: d for d, c in heap}
        pred = dict.fromkeys(dist, s)
        final: dict[int, float] = {}
        heapq.heapify(heap)
        target, delta = -1, 0.0
        while heap:
            d, c = heapq.heappop(heap)
            if c in final or d > dist[c]:
                continue
            final[c] = d
            r2 = row_of_col[c]
            if r2 == -1:
                target, delta = c, d
                break
            ur2 = u[r2]
            for c2, a in adj[r2]:
                if c2 in final:
                    continue
                nd = d + a - ur2 - v[c2]
                if nd < dist.get(c2, _INF):
                    dist[c2] = nd
                    pred[c2] = r2
                    heapq.heappush(heap, (nd, c2))
        # Potentials: keep reduced costs non-negative and matched edges tight.
        u[s] += delta
        for c, d in final.items():
            if c != target:
                v[c] -= delta - d
                u[row_of_col[c]] += delta - d
        # Augment along the shortest path.
        c = target
        while True:
            r = pred[c]
            previous = col_of_row[r]
            col_of_row[r] = c
            row_of_col[c] = r
            if r == s:
                break
            c = previous
    return [(r, c) for r, c in enumerate(col_of_row) if c < n_cols]
