"""The raw operations' offsets measured once a block, and the unique anchors' common tokens
found in one walk, are what the code they replaced gave.

* :func:`reviewtool.diff.word_matching.raw_ops` cuts each operation's texts from the two texts
  at offsets it keeps by adding up unit lengths. What lies between two changes is one matching
  block, the very same units on both sides, so its length is now measured once and added to
  both offsets (was: measured on each side, ``sum(map(len, ...))`` over each side's units),
  as the length of those units joined by single spaces, plus the space after the last (was:
  their lengths summed, plus one space each).
* :func:`reviewtool.diff.word_matching._unique_anchors` finds the tokens that occur once on
  each side in one walk over the distinct tokens of the old side, asking the new side's counts
  (was: the tokens once on each side as two sets, then intersected).

The code as it was is kept here as the reference; compared on hypothesis texts (runs of
spaces, empty units, line breaks, punctuation that is re-diffed by token; tokens repeated on
one side, on both, on neither), on bench_diff's generated essays and on consecutive versions
of the RFC corpus's longest histories.
"""

from __future__ import annotations

import itertools
from collections import Counter
from itertools import compress
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import word_matching
from reviewtool.diff.section_diff import pair_texts
from reviewtool.diff.word_ops import WordOp, normalise
from reviewtool.diff.word_tokens import space_units, token_parts
from reviewtool.draft.document import parse
from tests.benchmarks.bench_diff import edit_essay, make_essay
from tests.gitutil import clone_corpus, git


def _reference_raw_ops(old: str, new: str, ua: list[str], ub: list[str]) -> list[WordOp]:
    """:func:`word_matching.raw_ops` as it was: each side's offset measured on its own units."""
    ops: list[WordOp] = []
    append = ops.append
    i = j = 0
    ua_at = ub_at = 0
    oa = ob = 0
    pos_a = pos_b = 0
    pending = False
    for ai, bj, n in word_matching._matching_blocks(ua, ub):
        if i < ai or j < bj:
            oa += sum(map(len, ua[ua_at:i])) + i - ua_at
            ob += sum(map(len, ub[ub_at:j])) + j - ub_at
            ua_at, ub_at = i, j
            if pending:
                append(WordOp("equal", old[pos_a:oa], new[pos_b:ob]))
                pending = False
            units_o, units_t = ua[i:ai], ub[j:bj]
            o, t = " ".join(units_o), " ".join(units_t)
            pos_a = oa + len(o)
            pos_b = ob + len(t)
            if units_o and units_t:
                if all(map(str.isalnum, units_o)) and all(map(str.isalnum, units_t)):
                    append(WordOp("replace", o, t))
                else:
                    ops.extend(word_matching._diff_sides(token_parts(o), token_parts(t)))
            else:
                append(WordOp("delete" if units_o else "insert", o, t))
            ua_at, ub_at = ai, bj
            oa = pos_a + 1 if units_o else oa
            ob = pos_b + 1 if units_t else ob
        if n:
            pending = True
        i, j = ai + n, bj + n
    if pending:
        append(WordOp("equal", old[pos_a:], new[pos_b:]))
    return normalise(ops)


def _reference_unique_anchors(a: list[str], b: list[str], alo: int, ahi: int, blo: int,
                              bhi: int) -> tuple[list[int], list[int]] | None:
    """:func:`word_matching._unique_anchors` as it was: the tokens once on each side as two sets."""
    sa, sb = a[alo:ahi], b[blo:bhi]
    ca, cb = Counter(sa), Counter(sb)
    common = set(compress(ca, map((1).__eq__, ca.values())))
    common.intersection_update(compress(cb, map((1).__eq__, cb.values())))
    if not common:
        return None
    keep = list(map(common.__contains__, sa))
    ai = list(compress(range(alo, ahi), keep))
    in_a = list(compress(sa, keep))
    keep_b = list(map(common.__contains__, sb))
    if in_a == list(compress(sb, keep_b)):
        return ai, list(compress(range(blo, bhi), keep_b))
    bpos = dict(zip(sb, range(blo, bhi)))
    js = list(map(bpos.__getitem__, in_a))
    run = word_matching.longest_increasing_run(js)  # (unchanged by the step under test)
    return [ai[n] for n in run], [js[n] for n in run]


def _same_anchors(a: list[str], b: list[str]) -> None:
    for alo, blo in ((0, 0), (min(1, len(a)), min(2, len(b)))):
        assert word_matching._unique_anchors(a, b, alo, len(a), blo, len(b)) == \
            _reference_unique_anchors(a, b, alo, len(a), blo, len(b))


def _same_as_reference(old: str, new: str) -> None:
    ua, ub = space_units(old), space_units(new)
    fast = word_matching.raw_ops(old, new, ua, ub)
    assert fast == _reference_raw_ops(old, new, ua, ub)
    assert "".join(op.old for op in fast) == old and "".join(op.new for op in fast) == new
    _same_anchors(ua, ub)


# Units of every shape: words, empty units (runs of spaces), line breaks inside a unit,
# punctuation glued to words (re-diffed by token), non-ASCII letters and spaces.
_UNITS = st.lists(st.sampled_from([
    "word", "the", "of", "a", "Other", "x-y", "don't", "é", "naïve", "1.5", "end.", "(so)", "x,", ";", "—",
    "", " ", "  ", "\n", "a\nb", "\n\n", "line\n\nnext", "\t", "\u00a0", "- item", "[t](http://x.org/a)",
]), max_size=50)


@given(_UNITS, _UNITS)
def test_raw_ops_of_texts_are_the_reference(a: list[str], b: list[str]):
    old, new = " ".join(a), " ".join(b)
    _same_as_reference(old, new)
    _same_as_reference(new, old)


@given(_UNITS, st.lists(st.tuples(st.integers(0, 50), st.sampled_from(["", "new", "two words", "x.", "\n\n", "  "])),
                        max_size=8))
def test_raw_ops_of_edited_texts_are_the_reference(units: list[str], edits: list[tuple[int, str]]):
    """A text and the same text edited in a few places: long matching blocks between changes."""
    edited = list(units)
    for at, text in edits:
        at = min(at, len(edited))
        edited[at:at + 1] = [text] if text else []
    _same_as_reference(" ".join(units), " ".join(edited))


@given(_UNITS, st.integers(0, 60), st.integers(0, 60))
def test_a_stretch_of_units_joined_is_their_lengths_and_a_space_each(units: list[str], lo: int, hi: int):
    """The step raw_ops adds to both offsets for the units ``lo..hi`` before a change: their
    length joined plus one, nothing for no unit; units empty (runs of spaces), with line
    breaks, of any size."""
    lo, hi = min(lo, hi, len(units)), min(max(lo, hi), len(units))
    step = len(" ".join(units[lo:hi])) + 1 if hi > lo else 0
    assert step == sum(map(len, units[lo:hi])) + hi - lo


@given(st.lists(st.integers(0, 12), max_size=40), st.lists(st.integers(0, 12), max_size=40))
def test_unique_anchors_of_repeated_tokens_are_the_reference(a: list[int], b: list[int]):
    """A small alphabet: tokens once on one side and twice on the other, on both, on neither."""
    ta, tb = [f"w{x}" for x in a], [f"w{x}" for x in b]
    _same_anchors(ta, tb)
    _same_anchors(tb, ta)
    _same_anchors(ta, ta)


@pytest.mark.parametrize("size", [3000, 10000])
def test_raw_ops_of_generated_essays_are_the_reference(size: int):
    essay = make_essay(size, seed=size)
    edited, _truth = edit_essay(essay, seed=size + 1)
    old_doc, new_doc = parse(essay.text()), parse(edited.text())
    from reviewtool.diff.align import align

    pairs = [p for p in align(old_doc, new_doc).pairs if p.changed]
    assert len(pairs) >= size // 200 - 2
    for pair in pairs:
        _same_as_reference(*pair_texts(old_doc, new_doc, pair))


def _followed(repo: Path, path: str) -> list[str]:
    commits = [line[1:] for line in git(repo, "log", "--follow", "--format=@%H", "--name-only", "--", path).splitlines()
               if line.startswith("@")]
    names = [line.strip() for line in git(repo, "log", "--follow", "--format=", "--name-only", "--", path).splitlines()
             if line.strip()]
    return [f"{commit}:{name}" for commit, name in zip(reversed(commits), reversed(names))]


@pytest.mark.slow
def test_raw_ops_of_the_rfc_corpus_are_the_reference(tmp_path: Path):
    """Consecutive versions of the corpus's longest histories, whole texts and each section pair."""
    from reviewtool.diff.section_diff import diff_documents

    repo = clone_corpus(tmp_path / "rfcs")
    compared = 0
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        texts = [git(repo, "show", spec) for spec in _followed(repo, path)]
        for old_text, new_text in itertools.pairwise(texts):
            _same_as_reference(old_text, new_text)
            old_doc, new_doc = parse(old_text), parse(new_text)
            for change in diff_documents(old_doc, new_doc).changes:
                _same_as_reference(*pair_texts(old_doc, new_doc, change.pair))
                compared += 1
    assert compared > 300
