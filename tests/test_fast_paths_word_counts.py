"""The word diff's counts taken as its operations are built, and its sentence-break test's
substring searches, give exactly what the plain passes gave.

Each shortcut runs beside the code it replaced (kept here as the reference):

* the words added and removed (:func:`word_matching.counted_raw_ops`): counted as each change
  is built, an all-alphanumeric unit one word, when the operations need no normalising and
  neither text holds a link destination (was: a pass over the finished operations, the
  changes' texts joined by spaces and counted a side);
* an unchanged run's sentence break (:func:`word_cleanup._has_break`): a line break, or ``. ``,
  found by a substring search (was: the regex run on every text holding a line break or an
  end mark).

Compared on hypothesis texts (sentence marks, closers, line breaks, links, every kind of
character), on bench_diff's generated essays and on consecutive versions of the RFC corpus's
longest histories.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from itertools import compress, repeat
from operator import itemgetter, ne
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import word_cleanup, word_diff, word_matching, word_tokens
from reviewtool.diff.section_diff import diff_documents, pair_texts
from reviewtool.diff.word_ops import WordOp
from reviewtool.draft.document import count_words, parse
from reviewtool.draft.text_rules import SENTENCE_BREAK, SENTENCE_TAIL
from tests.benchmarks.bench_diff import edit_essay, make_essay
from tests.gitutil import clone_corpus, followed_texts
from tests.word_edits import edited

# ------------------------------------------------ the code replaced (the references)

_KIND, _OLD, _NEW = itemgetter(0), itemgetter(1), itemgetter(2)


def _reference_counted(old: str, new: str) -> tuple[list[WordOp], int, int, int, int]:
    """:func:`word_diff._counted` as it was: the raw operations, then their changes counted in
    a pass of their own (the changes' own texts with no link destination on either side, else
    slices of the masked texts at running offsets)."""
    ua, ub = word_tokens.space_units(old), word_tokens.space_units(new)
    raw = word_matching.raw_ops(old, new, ua, ub)
    counted_old = word_diff._masked(old) if "]" in old else old
    counted_new = word_diff._masked(new) if "]" in new else new
    removed_parts: list[str]
    added_parts: list[str]
    if counted_old is old and counted_new is new:
        changes = list(compress(raw, map(ne, map(_KIND, raw), repeat("equal"))))
        removed_parts = list(map(_OLD, changes))
        added_parts = list(map(_NEW, changes))
    else:
        removed_parts, added_parts = [], []
        at_old = at_new = 0
        for op in raw:
            size_old, size_new = len(op.old), len(op.new)
            if op.op != "equal":
                if size_old:
                    removed_parts.append(counted_old[at_old:at_old + size_old])
                if size_new:
                    added_parts.append(counted_new[at_new:at_new + size_new])
            at_old += size_old
            at_new += size_new
    removed = count_words(" ".join(removed_parts))
    added = count_words(" ".join(added_parts))
    words_old = word_diff._words_of(old)
    return raw, added, removed, words_old, words_old - removed + added


def _reference_has_break(op: WordOp, prev: WordOp | None) -> bool:
    """:func:`word_cleanup._has_break` as it was: the regex on every text that may hold a break."""
    old, new = op[1], op[2]
    if ("\n" in old or "." in old or "?" in old or "!" in old) and SENTENCE_BREAK.search(old) is not None:
        return True
    if (new != old and ("\n" in new or "." in new or "?" in new or "!" in new)
            and SENTENCE_BREAK.search(new) is not None):
        return True
    return prev is not None and ((old[:1].isspace() and SENTENCE_TAIL.search(prev[1]) is not None)
                                 or (new[:1].isspace() and SENTENCE_TAIL.search(prev[2]) is not None))


def _same_counts(old: str, new: str) -> None:
    word_diff.clear_word_diffs()
    assert word_diff._counted(old, new) == _reference_counted(old, new)
    ua, ub = word_tokens.space_units(old), word_tokens.space_units(new)
    raw, removed, added = word_matching.counted_raw_ops(old, new, ua, ub)
    assert raw == word_matching.raw_ops(old, new, ua, ub)
    if removed >= 0:
        # Counted while built: the words of the changes' own texts, whatever the links.
        changes = [op for op in raw if op.op != "equal"]
        assert removed == count_words(" ".join(op.old for op in changes))
        assert added == count_words(" ".join(op.new for op in changes))


def _same_breaks(ops: list[WordOp]) -> None:
    for k, op in enumerate(ops):
        if op.op == "equal":
            prev = ops[k - 1] if k else None
            assert word_cleanup._has_break(op, prev) == _reference_has_break(op, prev), (op, prev)


# ------------------------------------------------ generated texts

_PROSE = st.lists(st.sampled_from([
    "word", "the", "of", "and", "Quick", "x-y", "don't", "é", "1.5", "a", "it", ".", ",", ";", ":", "!", "?", "…",
    ".)", '."', "?'", ".*", "._", "”", "’", ")", "]", "(", "[", "*", "_", " ", "  ", "\n", "\n\n", "\n  \n", "\t",
    "- ", "1. ", "| ", "[t](http://x.org/a.b) ", "[l]: http://y.org\n", "`c`", "\u00a0", "\u3000", "\u0301",
    ". ", "? ", "! ", ".\u00a0", "!\t", "?\n", "a.b", "e.g. ", '." ', ".) ", "word,", "(word)", "_x_", "x_y",
]), max_size=40).map("".join)

_ANY_TEXT = st.text(max_size=40)

_WORDS = st.lists(st.sampled_from(["The", "cat", "sat.", "It", "ran!", "Why?", "the", "and", "a", "(so)", "end.\n",
                                   "\n\n", "list:", "- item", "x,", "y;", "Done.)", "\"Yes.\"", "", "[a](b)", "[c]",
                                   "don't", "é", "x_y", "1.5"]),
                  min_size=0, max_size=80)
_EDITS = st.lists(st.tuples(st.integers(0, 80), st.sampled_from(["", "new", "words here.", "Other", "\n\n", "x.",
                                                                  "a  b", "it,", "[l](u)", " "])),
                  max_size=8)


@given(st.one_of(_PROSE, _ANY_TEXT), st.one_of(_PROSE, _ANY_TEXT))
def test_counts_of_texts_are_the_plain_ones(old: str, new: str):
    _same_counts(old, new)
    _same_counts(new, old)


@given(_WORDS, _EDITS)
def test_counts_of_edited_words_are_the_plain_ones(words: list[str], edits):
    """Units edited in a few places: single words, words with punctuation, empty units, links."""
    old, new = " ".join(words), " ".join(edited(words, edits))
    _same_counts(old, new)
    _same_counts(new, old)


@given(st.one_of(_PROSE, _ANY_TEXT), st.one_of(_PROSE, _ANY_TEXT), st.one_of(_PROSE, _ANY_TEXT),
       st.one_of(_PROSE, _ANY_TEXT))
def test_sentence_breaks_of_unchanged_runs_are_the_plain_ones(old: str, new: str, prev_old: str, prev_new: str):
    """Any two texts as an unchanged run (the shortcut reads each side alone), after any change."""
    for op in (WordOp("equal", old, new), WordOp("equal", old, old), WordOp("equal", new, new)):
        for prev in (None, WordOp("replace", prev_old, prev_new)):
            assert word_cleanup._has_break(op, prev) == _reference_has_break(op, prev), (op, prev)


def test_the_substrings_looked_for_are_breaks_by_the_rule():
    """A line break, and ``.`` then a space, are matches of the break regex wherever they stand."""
    for text in ("\n", ". ", "a\nb", "a. b", "x.  ", ".\n", "\n\n"):
        assert SENTENCE_BREAK.search(text) is not None, repr(text)
    for code in range(0x10000):
        c = chr(code)
        for text in (f"{c}\n", f"\n{c}", f"{c}. ", f". {c}", f"{c}.{c} "):
            op = WordOp("equal", text, text)
            assert word_cleanup._has_break(op, None) == _reference_has_break(op, None), repr(text)


# ------------------------------------------------ real pairs


def _pair_texts_of(old_text: str, new_text: str) -> Iterator[tuple[str, str]]:
    old_doc, new_doc = parse(old_text), parse(new_text)
    for change in diff_documents(old_doc, new_doc).changes:
        yield pair_texts(old_doc, new_doc, change.pair)


@pytest.mark.parametrize("size", [3000, 10000])
def test_counts_and_breaks_of_generated_essays_are_the_plain_ones(size: int):
    """bench_diff's essays (every section edited), pair by pair."""
    essay = make_essay(size, seed=size)
    edited, _truth = edit_essay(essay, seed=size + 1)
    compared = 0
    for a, b in _pair_texts_of(essay.text(), edited.text()):
        _same_counts(a, b)
        word_diff.clear_word_diffs()
        diff = word_diff.plain_word_diff(a, b)
        _same_breaks(diff.raw_ops)
        _same_breaks(word_cleanup._merge_islands(diff.raw_ops))
        compared += 1
    assert compared >= size // 200 - 2


@pytest.mark.slow
def test_counts_and_breaks_of_the_rfc_corpus_are_the_plain_ones(tmp_path: Path):
    """Consecutive versions of the corpus's longest histories (links, lists, code, tables),
    each changed pair as a diff compares it, and whole texts."""
    repo = clone_corpus(tmp_path / "rfcs")
    compared = fast = 0
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        texts = followed_texts(repo, path)
        pairs = [pair for old, new in itertools.pairwise(texts) for pair in _pair_texts_of(old, new)]
        pairs += [(texts[0], texts[-1]), (texts[len(texts) // 2], texts[-1])]
        for a, b in pairs:
            _same_counts(a, b)
            ua, ub = word_tokens.space_units(a), word_tokens.space_units(b)
            raw, removed, _added = word_matching.counted_raw_ops(a, b, ua, ub)
            fast += removed >= 0 and "]" not in a and "]" not in b
            _same_breaks(raw)
            _same_breaks(word_cleanup._merge_islands(raw))
            compared += 1
    assert compared > 300
    assert fast > 50  # the shortcut is taken on real pairs, not only the general path
