"""The scored stage's blocking and first edges, written for speed, give what the code they replaced gave.

:meth:`_Aligner.candidates` ranks each class of old sections with :class:`reviewtool.diff.align._Blocking`:
the sums of weights kept in a list by class of new sections (was: a dict of the classes a word
reached), the postings and weights read by a word's rank (was: dicts by word), and the best
sums found by one sort of the floats, only the classes at or above the
:data:`CANDIDATES`-th best class's sum looked at further (was: a sort of every reached class's
(sum, size)). :meth:`_Aligner._first_edges` computes each pair's context for the first solution
in the loop over the pairs (was: the subtrees' and kinds' agreements of every pair in one loop,
kept in a dict, and the parents' agreement asked of ``_parent_agreement`` pair by pair in another),
and the second solution's edges write the parents' agreement out. :meth:`_Aligner._neighbour`
(the section a split or merge may grow into) skips the window's taken descendants by the
subtrees' ends (was: asking ``is_descendant`` of each, a walk up its parents per window section).

Each is compared with the code it replaced (kept here) on generated books that repeat whole
volumes, hypothesis's mixes of twins (ties everywhere, classes reached by fewer words than
:data:`CANDIDATES` sections), and a book of the RFC corpus.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtool.diff import align as align_module
from reviewtool.diff.align import CANDIDATES, DENSE_PAIRS, PROBE_WORDS, W_CONTEXT, _Aligner, _document_frequencies
from reviewtool.diff.section_diff import diff_documents
from reviewtool.draft.document import parse
from tests.test_fast_paths import WORDS, _corpus_book, _reference_context, _volumes


def _dict_rank(shape: tuple[frozenset[str], frozenset[str]], idf: dict[str, float], rank: dict[str, int],
               by_rarity: list[str], postings: dict[str, list[int]], title_postings: dict[str, list[int]],
               members: list[list[int]], sizes: list[int]) -> list[int]:
    """The ranking of one class as it was: sums in a dict of the reached classes."""
    shared: dict[int, float] = {}
    add = shared.get
    for r in sorted([rank[t] for t in shape[0] if t in rank])[:PROBE_WORDS]:
        t = by_rarity[r]
        weight = idf[t]
        for c in postings.get(t, ()):
            shared[c] = add(c, 0.0) + weight
    for t in shape[1]:
        weight = 2 * idf.get(t, 0.1)
        for c in title_postings.get(t, ()):
            shared[c] = add(c, 0.0) + weight
    floor = -math.inf
    count = 0
    for total, size in sorted(zip(shared.values(), map(sizes.__getitem__, shared)), reverse=True)[:CANDIDATES]:
        count += size
        floor = total
        if count >= CANDIDATES:
            break
    running = [(-total, j) for c, total in shared.items() if total >= floor for j in members[c]]
    running.sort()
    return sorted([j for _, j in running[:CANDIDATES]])


def _dict_candidates(self: _Aligner, olds: list[int], news: list[int]) -> dict[int, list[int]]:
    """:meth:`_Aligner.candidates` as it was: postings and weights by word, sums in dicts."""
    if len(olds) * len(news) <= DENSE_PAIRS:
        return {i: list(news) for i in olds}
    o, n = self.o, self.n
    total = len(olds) + len(news)
    df = _document_frequencies([o.tok[i] for i in olds] + [n.tok[j] for j in news])
    idf = {t: math.log(total / c) for t, c in df.items() if c <= total / 2}
    by_rarity = sorted(idf, key=lambda t: (-idf[t], t))
    rank = {t: r for r, t in enumerate(by_rarity)}
    members: list[list[int]] = []
    classes: dict[tuple[frozenset[str], frozenset[str]], int] = {}
    postings: dict[str, list[int]] = {}
    title_postings: dict[str, list[int]] = {}
    for j in news:
        shape = (n.tok[j], n.title_words[j])
        c = classes.get(shape)
        if c is not None:
            members[c].append(j)
            continue
        c = classes[shape] = len(members)
        members.append([j])
        for t in shape[0]:
            if t in idf:
                postings.setdefault(t, []).append(c)
        for t in shape[1]:
            title_postings.setdefault(t, []).append(c)
    sizes = [len(m) for m in members]
    return {i: _dict_rank((o.tok[i], o.title_words[i]), idf, rank, by_rarity, postings, title_postings, members,
                          sizes) for i in olds}


def _aligner_at_the_scored_stage(old_text: str, new_text: str) -> tuple[_Aligner, list[int], list[int]]:
    """An aligner whose earlier stages ran, with the sections left for the scored stage."""
    align_module.clear_cache()
    aligner = _Aligner(parse(old_text), parse(new_text))
    aligner.stage_exact()
    aligner.stage_hash()
    aligner.stage_key()
    return aligner, aligner._left_old(), aligner._left_new()


def _check_blocking(old_text: str, new_text: str) -> dict[int, list[int]]:
    aligner, olds, news = _aligner_at_the_scored_stage(old_text, new_text)
    fast = aligner.candidates(olds, news)
    assert fast == _dict_candidates(aligner, olds, news)
    return fast


def _check_first_edges(old_text: str, new_text: str) -> int:
    """The first solution's edges and the agreements kept for the second, against context()
    computed afresh pair by pair; how many edges."""
    aligner, olds, news = _aligner_at_the_scored_stage(old_text, new_text)
    if not olds or not news:
        return 0
    similar = aligner._similar(olds, news)
    aligner._anchor_descendants()
    row = {i: a for a, i in enumerate(olds)}
    col = {j: b for b, j in enumerate(news)}
    edges, rests = aligner._first_edges(similar, row, col)
    assert list(edges) == [(row[i], col[j]) for i, j in similar]  # in the order of the pairs
    for (i, j), w in similar.items():
        assert edges[(row[i], col[j])] == w + W_CONTEXT * _reference_context(aligner, i, j)
    assert [(edge, i, j, w) for edge, i, j, w, _, _ in rests] == [((row[i], col[j]), i, j, w)
                                                                for (i, j), w in similar.items()]
    for _, i, j, _, children, kind in rests:
        assert (children, kind) == aligner._children_and_kind(i, j)
    return len(edges)


def _check_second_edges(old_text: str, new_text: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """The second solution's edges (the parents' agreement written out) against context()
    computed afresh with the first solution's groups added; how many solutions were checked."""
    solutions: list[dict[tuple[int, int], float]] = []
    stage: dict[str, object] = {}
    real_similar, real_solve = _Aligner._similar, align_module.max_weight_matching

    def similar(self: _Aligner, olds: list[int], news: list[int]) -> dict[tuple[int, int], float]:
        stage.update(aligner=self, olds=olds, news=news)
        got = stage["similar"] = real_similar(self, olds, news)
        return got

    def solve(n_rows: int, n_cols: int, edges: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
        if solutions:  # the second: the first solution's groups are in
            aligner, olds, news = stage["aligner"], stage["olds"], stage["news"]
            assert isinstance(aligner, _Aligner) and isinstance(olds, list) and isinstance(news, list)
            pairs = stage["similar"]
            assert isinstance(pairs, dict)
            row = {i: a for a, i in enumerate(olds)}
            col = {j: b for b, j in enumerate(news)}
            assert edges == {(row[i], col[j]): w + W_CONTEXT * _reference_context(aligner, i, j)
                             for (i, j), w in pairs.items()}
        solutions.append(edges)
        return real_solve(n_rows, n_cols, edges)

    monkeypatch.setattr(_Aligner, "_similar", similar)
    monkeypatch.setattr(align_module, "max_weight_matching", solve)
    align_module.clear_cache()
    diff_documents(parse(old_text), parse(new_text))
    return len(solutions)


def _reference_neighbour(this, window: list[int], taken: dict, direction: int) -> int | None:  # type: ignore[no-untyped-def]
    """:meth:`_Aligner._neighbour` as it was: every taken section past the window asked whether
    it descends from one of the window's."""
    k = (max(window) if direction == 1 else min(window)) + direction
    while 0 <= k < len(this.secs):
        if k in taken and any(this.is_descendant(k, w) for w in window):
            k += direction
            continue
        break
    if not 0 <= k < len(this.secs) or k in taken:
        return None
    return k


def _check_neighbours(text: str, rng: random.Random, tries: int = 300) -> int:
    """Windows of one section and of several (runs and scattered), with random sections taken
    (each one's descendants taken too, or not): the neighbour both ways, against the old walk;
    how many were found past a taken descendant."""
    align_module.clear_cache()
    facts = _Aligner(parse(text), parse(text)).o
    size = len(facts.secs)
    skipped = 0
    for _ in range(tries):
        first = rng.randrange(size)
        window = sorted({first, *(rng.randrange(size) for _ in range(rng.choice([0, 0, 1, 3])))})
        share = rng.random()
        taken = {k: None for k in range(size) if rng.random() < share}
        if rng.random() < 0.5:  # a taken section's subtree taken with it: children travel with their parent
            for k in list(taken):
                taken.update(dict.fromkeys(range(k, facts.subtree_end[k])))
        for direction in (1, -1):
            fast = _Aligner._neighbour(facts, window, taken, direction)  # type: ignore[arg-type]
            assert fast == _reference_neighbour(facts, window, taken, direction)
            if fast is not None and direction == 1 and fast > max(window) + 1:
                skipped += 1
    return skipped


def _mixed_book(picks: list[tuple[int, int, int]]) -> str:
    """Headings at two levels, outlines and prose drawn from a small pool: twins, ties, empty bodies."""
    bodies = ["", "the of a"] + [" ".join(WORDS[(k * 7 + m) % len(WORDS)] for m in range(k * 2)) for k in range(1, 7)]
    shapes = ["## {t}\n\n{b}\n\n", "### {t}\n\n{b}\n\n", "- {t}\n  - {b}\n\n", "## {t}\n\n- {b}\n\n"]
    return "# Book\n\n" + "".join(shapes[k].format(t=f"{WORDS[t].title()} {t % 5}", b=bodies[b]) for t, b, k in picks)


@pytest.mark.parametrize("seed", range(4))
def test_blocking_of_books_that_repeat_themselves_is_the_dict_blocking(seed: int, monkeypatch):
    rng = random.Random(seed)
    old_text, new_text = _volumes(rng, 5, 30), _volumes(rng, 6, 33)
    fast = _check_blocking(old_text, new_text)
    assert fast and any(len(js) == CANDIDATES for js in fast.values())
    assert _check_first_edges(old_text, new_text) > 100
    assert _check_second_edges(old_text, new_text, monkeypatch) == 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 7), st.integers(0, 3)), min_size=101, max_size=150),
       st.lists(st.tuples(st.integers(0, 11), st.integers(0, 7), st.integers(0, 3)), min_size=101, max_size=150))
def test_blocking_of_any_mix_of_twins_is_the_dict_blocking(old_picks, new_picks):
    """Over :data:`DENSE_PAIRS` pairs, so blocking runs; few distinct words, so sums tie and
    some sections reach fewer than :data:`CANDIDATES` others, or none."""
    _check_blocking(_mixed_book(old_picks), _mixed_book(new_picks))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 7), st.integers(0, 3)), min_size=1, max_size=40),
       st.lists(st.tuples(st.integers(0, 11), st.integers(0, 7), st.integers(0, 3)), min_size=1, max_size=40))
def test_first_and_second_edges_of_any_mix_of_twins_are_the_contexts_computed_afresh(old_picks, new_picks):
    old_text, new_text = _mixed_book(old_picks), _mixed_book(new_picks)
    _check_first_edges(old_text, new_text)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _check_second_edges(old_text, new_text, monkeypatch)


def test_a_section_that_reaches_no_other_has_no_candidates():
    """Words no new section holds, titles no new title shares: nothing is reached."""
    old = "# Book\n\n" + "".join(f"## Alpha\n\nzebra{k} quagga{k} okapi{k}\n\n" for k in range(110))
    new = "# Tome\n\n" + "".join(f"## Beta\n\nwalrus{k} narwhal{k} dugong{k}\n\n" for k in range(110))
    fast = _check_blocking(old, new)
    assert all(js == [] for js in fast.values())


@pytest.mark.parametrize("seed", range(3))
def test_neighbours_of_windows_in_books_that_repeat_themselves_are_the_walks_up_the_parents(seed: int):
    rng = random.Random(seed)
    assert _check_neighbours(_volumes(rng, 4, 20), rng) > 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 7), st.integers(0, 3)), min_size=1, max_size=40),
       st.integers(0, 2**32))
def test_neighbours_of_windows_in_any_mix_of_levels_are_the_walks_up_the_parents(picks, seed):
    _check_neighbours(_mixed_book(picks), random.Random(seed), tries=60)


@pytest.mark.slow
def test_blocking_and_edges_of_a_book_of_the_rfc_corpus(tmp_path: Path, monkeypatch):
    old_text, new_text = _corpus_book(tmp_path)
    assert _check_neighbours(new_text, random.Random(7)) > 0
    fast = _check_blocking(old_text, new_text)
    assert len(fast) > 100
    assert _check_first_edges(old_text, new_text) > 1000
    assert _check_second_edges(old_text, new_text, monkeypatch) == 2
