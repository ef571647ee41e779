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
changed.
"""

from __future__ import annotations

from reviewtool.diff.word_cleanup import clean_up
from reviewtool.diff.word_matching import raw_ops
from reviewtool.diff.word_ops import WordDiff, WordOp
from reviewtool.diff.word_tokens import space_units
from reviewtool.draft.document import count_words


def word_diff(old: str, new: str) -> WordDiff:
    """The word-level diff of *old* and *new* (see the module docstring)."""
    if old == new:
        ops = [WordOp("equal", old, new)] if old else []
        words = count_words(old)
        return WordDiff(ops, 0, 0, words, words, raw_ops=list(ops))
    ua, ub = space_units(old), space_units(new)
    raw = raw_ops(old, new, ua, ub)
    added = removed = 0
    for op in raw:
        if op.op != "equal":
            removed += count_words(op.old)
            added += count_words(op.new)
    # Equal operations hold the same tokens on both sides, hence the same words.
    words_old = count_words(old)
    words_new = words_old - removed + added
    ops = clean_up(raw)
    return WordDiff(ops, added, removed, words_old, words_new, raw_ops=raw)
