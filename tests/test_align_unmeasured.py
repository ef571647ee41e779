""":func:`reviewtool.diff.align.align` asked not to measure similarities (what a version's change
counts read, :func:`reviewtool.diff.version_change.change_counts`) pairs the same sections, in
the same order, with the same statuses, as the alignment that measures them; only a changed
pair's similarity figures are left :data:`~reviewtool.diff.align.NOT_MEASURED`. On consecutive
and distant versions of the RFC corpus's longest histories (the in-place shortcut and the
stages) and on bench_diff's generated essays (moves, a rename, a split)."""

from __future__ import annotations

import math
from itertools import pairwise
from pathlib import Path

from reviewtool.diff.align import NOT_MEASURED, align
from reviewtool.diff.section_diff import diff_documents
from reviewtool.draft.document import Document, parse
from tests.benchmarks.bench_diff import edit_essay, make_essay
from tests.gitutil import clone_corpus, followed_texts


def _same_pairs(old: Document, new: Document) -> int:
    measured, unmeasured = align(old, new), align(old, new, similarities=False)
    assert len(measured.pairs) == len(unmeasured.pairs)
    left = 0
    for a, b in zip(measured.pairs, unmeasured.pairs, strict=True):
        assert [s.key for s in a.old] == [s.key for s in b.old] and [s.key for s in a.new] == [s.key for s in b.new]
        assert a.status == b.status
        if math.isnan(b.similarity):
            assert a.old and a.new and math.isnan(b.title_similarity)
            left += 1
        else:
            assert (a.similarity, a.title_similarity) == (b.similarity, b.title_similarity)
    counted, shown = diff_documents(old, new, counts_only=True), diff_documents(old, new)
    assert [c.status for c in counted.changes] == [c.status for c in shown.changes]
    assert (counted.words_added, counted.words_removed, counted.markup_changed) == \
        (shown.words_added, shown.words_removed, shown.markup_changed)
    return left


def test_not_measured_is_not_a_number():
    assert math.isnan(NOT_MEASURED)


def test_corpus_versions_pair_alike(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    left = 0
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        docs = [parse(text) for text in reversed(followed_texts(repo, path))]
        for old, new in pairwise(docs):
            left += _same_pairs(old, new)
        for k in range(0, len(docs) - 20, 20):  # distant versions: the stages, not the shortcut
            left += _same_pairs(docs[k], docs[k + 20])
    assert left > 100  # changed pairs were left unmeasured


def test_generated_essays_with_moves_a_rename_and_a_split_pair_alike():
    essay = make_essay(3000, seed=3)
    edited, truth = edit_essay(essay, seed=4)
    assert truth.moved and truth.renamed and truth.split
    assert _same_pairs(parse(essay.text()), parse(edited.text())) > 10
