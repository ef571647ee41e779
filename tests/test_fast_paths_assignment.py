"""The assignment solver's shortcuts give the matching of the code they replaced, pair for pair.

:func:`reviewtool.diff.assignment.max_weight_matching` sorts each row's edges by column (was:
a sort of all the edges) and assigns a row whose cheapest column (least reduced cost, then
column) is free at once (was: a Dijkstra search that pops that column first and stops), and a
row that needs the search starts it from the reduced costs that check computed, heaped at once
(was: each pushed onto the heap in turn; the pops read the least first whatever the heap's
layout, so they pop the same columns in the same order). The code as it was is kept here and compared on hypothesis graphs full of ties (weights from a few
values, rows that want the same columns, empty rows and columns), on random larger graphs, and
on the edges of the scored stage itself (both solutions) for generated books, the book of the
RFC corpus and consecutive versions of its longest histories. Ties matter: the matching must be
the same one, not only one of the same weight.
"""

from __future__ import annotations

import heapq
import itertools
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import align as align_module
from reviewtool.diff import assignment
from reviewtool.diff.assignment import max_weight_matching
from reviewtool.draft.document import parse
from tests.gitutil import clone_corpus, git
from tests.test_fast_paths import _corpus_book, _volumes

_INF = float("inf")


def _reference_matching(n_rows: int, n_cols: int, edges: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """max_weight_matching as it was before the shortcuts."""
    adj: list[list[tuple[int, float]]] = [[] for _ in range(n_rows)]
    for (r, c), w in sorted(edges.items()):
        adj[r].append((c, -w))
    for r in range(n_rows):
        adj[r].append((n_cols + r, 0.0))
    n_all = n_cols + n_rows
    u = [min(a for _, a in adj[r]) for r in range(n_rows)]
    v = [0.0] * n_all
    col_of_row = [-1] * n_rows
    row_of_col = [-1] * n_all
    for s in range(n_rows):
        dist: dict[int, float] = {}
        pred: dict[int, int] = {}
        final: dict[int, float] = {}
        heap: list[tuple[float, int]] = []
        for c, a in adj[s]:
            d = a - u[s] - v[c]
            if d < dist.get(c, _INF):
                dist[c] = d
                pred[c] = s
                heapq.heappush(heap, (d, c))
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
        u[s] += delta
        for c, d in final.items():
            if c != target:
                v[c] -= delta - d
                u[row_of_col[c]] += delta - d
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


@given(st.integers(1, 7), st.integers(1, 7),
       st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.sampled_from([0.3, 0.5, 0.5, 0.7, 1.0, 0.35])),
                max_size=40))
def test_graphs_full_of_ties_match_as_before(n_rows, n_cols, picks):
    # Edges inserted in any order (the dict's order is the order they were drawn in).
    edges = {(r % n_rows, c % n_cols): w for r, c, w in picks}
    assert max_weight_matching(n_rows, n_cols, edges) == _reference_matching(n_rows, n_cols, edges)


@pytest.mark.parametrize("seed", range(6))
def test_larger_random_graphs_match_as_before(seed: int):
    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(20, 120), rng.randint(20, 120)
    edges: dict[tuple[int, int], float] = {}
    for r in rng.sample(range(n_rows), n_rows):
        for c in rng.sample(range(n_cols), rng.randint(0, 12)):
            # Weights as the scored stage makes them (score, context, drift), some equal.
            edges[(r, c)] = round(rng.uniform(0.3, 1.0), rng.choice([1, 2, 9])) + 0.05 * rng.choice([0.5, 1.0])
    got = max_weight_matching(n_rows, n_cols, edges)
    assert got == _reference_matching(n_rows, n_cols, edges)
    assert got  # something was matched


def _stage_edges(old_text: str, new_text: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, dict]]:  # type: ignore[type-arg]
    """The graphs the scored stage solves when aligning the two texts (checked as it goes)."""
    graphs: list[tuple[int, int, dict]] = []  # type: ignore[type-arg]

    def checked(n_rows: int, n_cols: int, edges: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
        graphs.append((n_rows, n_cols, dict(edges)))
        got = assignment.max_weight_matching(n_rows, n_cols, edges)
        assert got == _reference_matching(n_rows, n_cols, edges)
        return got

    with monkeypatch.context() as m:
        m.setattr(align_module, "max_weight_matching", checked)
        align_module.clear_cache()
        align_module.align(parse(old_text), parse(new_text))
    return graphs


@pytest.mark.parametrize("seed", range(3))
def test_the_scored_stage_graphs_of_books_match_as_before(seed: int, monkeypatch):
    rng = random.Random(seed)
    graphs = _stage_edges(_volumes(rng, 3, 30), _volumes(rng, 4, 32), monkeypatch)
    assert len(graphs) == 2 and graphs[0][2]


@pytest.mark.slow
def test_the_scored_stage_graphs_of_the_rfc_corpus_match_as_before(tmp_path: Path, monkeypatch):
    old_text, new_text = _corpus_book(tmp_path / "book")
    graphs = _stage_edges(old_text, new_text, monkeypatch)
    assert sum(len(g[2]) for g in graphs) > 1000
    repo = clone_corpus(tmp_path / "rfcs")
    rng = random.Random(13)
    for path in ("text/3537-msrv-resolver.md", "README.md"):
        commits = git(repo, "log", "--format=%H", "--", path).split()[:80]
        texts = [git(repo, "show", f"{c}:{path}") for c in reversed(commits)]
        pairs = [*itertools.pairwise(texts), *(tuple(rng.sample(texts, 2)) for _ in range(10))]
        for old, new in pairs:
            _stage_edges(old, new, monkeypatch)
