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
from itertools import compress, repeat
from operator import itemgetter, ne

from reviewtool.diff.link_targets import mask_link_targets
from reviewtool.diff.word_cleanup import clean_up
from reviewtool.diff.word_matching import counted_raw_ops
from reviewtool.diff.word_ops import WordDiff, WordOp
from reviewtool.diff.word_tokens import space_units
from reviewtool.draft.document import count_words

#: Pairs of texts whose word diff is kept (most recently used first).
KEPT_DIFFS = 1024

#: An operation's kind, old text and new text (the fields of :class:`WordOp`, read at C speed).
_KIND, _OLD, _NEW = itemgetter(0), itemgetter(1), itemgetter(2)


def word_diff(old: str, new: str) -> WordDiff:
    """The word-level diff of *old* and *new* (see the module docstring)."""
    kept = _kept_diff(old, new)
    return WordDiff(list(kept.ops), kept.words_added, kept.words_removed, kept.words_old, kept.words_new,
                    raw_ops=list(kept.raw_ops))


def clear_word_diffs() -> None:
    """Forget the word diffs kept between calls (for benchmarks and memory)."""
    _kept_diff.cache_clear()
    _masked.cache_clear()
    _words_of.cache_clear()


@functools.lru_cache(maxsize=KEPT_DIFFS)
def _kept_diff(old: str, new: str) -> WordDiff:
    return plain_word_diff(old, new)


def plain_word_diff(old: str, new: str) -> WordDiff:
    """:func:`word_diff` computed afresh, without the diffs kept."""
    if old == new:
        return counted_word_diff(old, new)
    raw, added, removed, words_old, words_new = _counted(old, new)
    return WordDiff(clean_up(raw), added, removed, words_old, words_new, raw_ops=raw)


def counted_word_diff(old: str, new: str) -> WordDiff:
    """The counts of :func:`plain_word_diff` without its clean-up: ``ops`` are the raw
    operations (a copy of ``raw_ops``), not made readable. For callers that want only the
    counts (``reviewtool log``'s change of each version); its ``ops`` are never shown."""
    if old == new:
        ops = [WordOp("equal", old, new)] if old else []
        words = _words_of(old)
        return WordDiff(ops, 0, 0, words, words, raw_ops=list(ops))
    raw, added, removed, words_old, words_new = _counted(old, new)
    return WordDiff(list(raw), added, removed, words_old, words_new, raw_ops=raw)


def _counted(old: str, new: str) -> tuple[list[WordOp], int, int, int, int]:
    """The raw operations of two different texts and their counts: words added, removed, of
    the old text and of the new one."""
    ua, ub = space_units(old), space_units(new)
    raw, removed, added = counted_raw_ops(old, new, ua, ub)
    # Counted as the operations were built, unless they were normalised or a link destination
    # is to be left out (then the changed pieces are not the changes' own texts).
    if removed < 0 or "]" in old or "]" in new:
        removed, added = _changed_words(old, new, raw)
    # Equal operations hold the same tokens on both sides, hence (but for a destination
    # on one side only) the same words.
    words_old = _words_of(old)
    return raw, added, removed, words_old, words_old - removed + added


def _changed_words(old: str, new: str, raw: list[WordOp]) -> tuple[int, int]:
    """The words removed and added by the operations *raw* of *old* → *new*, link
    destinations left out."""
    # Counted on the texts with link destinations blanked out (same offsets); a text without
    # "]" has none (mask_link_targets' own first test), and is not looked up among those kept.
    counted_old = _masked(old) if "]" in old else old
    counted_new = _masked(new) if "]" in new else new
    removed_parts: list[str]
    added_parts: list[str]
    if counted_old is old and counted_new is new:
        # No link destination on either side: the changed pieces are the
        # changes' own texts, no offsets to follow (an empty one adds a space to the text
        # counted, and no word).
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
    # A word never holds whitespace, so the words of pieces joined by spaces are the sum
    # of each piece's words: one count a side, not one per operation.
    return count_words(" ".join(removed_parts)), count_words(" ".join(added_parts))


# Kept by text: in a history the new text of one pair is the old text of the next.
@functools.lru_cache(maxsize=KEPT_DIFFS)
def _masked(text: str) -> str:
    """*text* with its link destinations blanked out (:func:`mask_link_targets`)."""
    return mask_link_targets(text)


@functools.lru_cache(maxsize=KEPT_DIFFS)
def _words_of(text: str) -> int:
    """The words of *text*, link destinations not counted."""
    return count_words(_masked(text) if "]" in text else text)
