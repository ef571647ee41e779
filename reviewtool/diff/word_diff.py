"""Word-level diff of two texts, cleaned up so that a rewrite reads as a rewrite.

Tokens are words (the product's one word definition,
:data:`reviewtool.draft.document.WORD_PATTERN`: letters/digits with combining marks,
inner apostrophes and hyphens), single punctuation marks (Markdown markup
characters included) and whitespace runs.
The diff compares the non-whitespace tokens with :class:`difflib.SequenceMatcher`
(``autojunk=False``, so function words such as "the" still anchor matches) and
gives the whitespace back to the operations, so that joining the ``old`` parts of
:attr:`WordDiff.ops` rebuilds the old text exactly and joining the ``new`` parts
rebuilds the new one. Whitespace-only differences are not changes: an ``equal``
operation's two texts differ at most in whitespace.

The stages, one module each: tokens (:mod:`reviewtool.diff.word_tokens`), matching the
tokens fast (:mod:`reviewtool.diff.word_matching`), cleaning up for reading
(:mod:`reviewtool.diff.word_cleanup`); the operations, the result and their inline
reading live in :mod:`reviewtool.diff.word_ops`.

The counts (:attr:`WordDiff.words_added`, :attr:`WordDiff.words_removed`) come
from the raw operations, before cleanup: they measure the edit volume, and a
word that was only merged into a replacement for readability is not counted as
changed. Words of link destinations are not counted
(:mod:`reviewtool.diff.link_targets`): a changed link target is markup, and the
document's word counts never include URLs behind links either.

The diffs of the last :data:`KEPT_DIFFS` pairs of texts are kept (:func:`clear_word_diffs`
forgets them): a book repeats whole chapters, so many of its section pairs are the same
two texts, and a heading's move is judged on the word diff of a pair that is then shown.
Each call gets its own :class:`WordDiff` (the operations are shared, immutable tuples).
"""

from __future__ import annotations

import functools

from reviewtool.diff.link_targets import mask_link_targets
from reviewtool.diff.word_cleanup import clean_up
from reviewtool.diff.word_matching import raw_ops
from reviewtool.diff.word_ops import WordDiff, WordOp
from reviewtool.diff.word_tokens import space_units
from reviewtool.draft.document import count_words

#: Pairs of texts whose word diff is kept (most recently used first).
KEPT_DIFFS = 1024


def word_diff(old: str, new: str) -> WordDiff:
    """The word-level diff of *old* and *new* (see the module docstring)."""
    kept = _kept_diff(old, new)
    return WordDiff(list(kept.ops), kept.words_added, kept.words_removed, kept.words_old, kept.words_new,
                    raw_ops=list(kept.raw_ops))


def clear_word_diffs() -> None:
    """Forget the word diffs kept between calls (for benchmarks and memory)."""
    _kept_diff.cache_clear()


@functools.lru_cache(maxsize=KEPT_DIFFS)
def _kept_diff(old: str, new: str) -> WordDiff:
    return plain_word_diff(old, new)


def plain_word_diff(old: str, new: str) -> WordDiff:
    """:func:`word_diff` computed afresh, without the diffs kept."""
    if old == new:
        ops = [WordOp("equal", old, new)] if old else []
        words = count_words(mask_link_targets(old))
        return WordDiff(ops, 0, 0, words, words, raw_ops=list(ops))
    ua, ub = space_units(old), space_units(new)
    raw = raw_ops(old, new, ua, ub)
    # Counted on the texts with link destinations blanked out (same offsets).
    counted_old, counted_new = mask_link_targets(old), mask_link_targets(new)
    added = removed = 0
    at_old = at_new = 0
    for op in raw:
        if op.op != "equal":
            removed += count_words(counted_old[at_old:at_old + len(op.old)]) if op.old else 0
            added += count_words(counted_new[at_new:at_new + len(op.new)]) if op.new else 0
        at_old += len(op.old)
        at_new += len(op.new)
    # Equal operations hold the same tokens on both sides, hence (but for a destination
    # on one side only) the same words.
    words_old = count_words(counted_old)
    words_new = words_old - removed + added
    ops = clean_up(raw)
    return WordDiff(ops, added, removed, words_old, words_new, raw_ops=raw)
