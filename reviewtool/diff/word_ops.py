"""The word diff's data: one operation (:class:`WordOp`), the result (:class:`WordDiff`),
the small rules every stage shares to build and merge operations, and how the operations
read inline as a redline (:func:`inline_segments`).

Joining the ``old`` parts of :attr:`WordDiff.ops` rebuilds the old text exactly and
joining the ``new`` parts rebuilds the new one (see :mod:`reviewtool.diff.word_diff`).
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, NamedTuple

from reviewtool.records import record


class WordOp(NamedTuple):
    """One operation: ``equal``, ``insert``, ``delete`` or ``replace``, with both texts.

    Texts include whitespace; an ``insert`` has ``old == ""`` and a ``delete``
    has ``new == ""``. For ``equal`` the two texts differ at most in whitespace.
    """

    op: str
    old: str
    new: str

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op, "old": self.old, "new": self.new}


@record
class WordDiff:
    """The word-level difference between two texts (see :mod:`reviewtool.diff.word_diff`).

    ``ops`` are cleaned up for reading; ``raw_ops`` are the operations before
    cleanup, which the counts come from. ``words_old``/``words_new`` count the
    word tokens of each text; ``words_added``/``words_removed`` the word tokens
    inserted and deleted (a replacement counts on both sides).
    """

    ops: list[WordOp]
    words_added: int
    words_removed: int
    words_old: int
    words_new: int
    raw_ops: list[WordOp] = field(default_factory=list, repr=False)

    @property
    def changed_words(self) -> int:
        """Words changed: the larger of the words added and the words removed."""
        return max(self.words_added, self.words_removed)

    @property
    def changed_share(self) -> float:
        """Changed words over the larger side's word count (0 when both are empty)."""
        denom = max(self.words_old, self.words_new)
        return self.changed_words / denom if denom else 0.0

    @property
    def is_equal(self) -> bool:
        """Whether the two texts have the same words (whitespace may differ)."""
        return all(op.op == "equal" for op in self.ops)

    def old_text(self) -> str:
        """The old text, rebuilt from the operations."""
        return "".join(op.old for op in self.ops)

    def new_text(self) -> str:
        """The new text, rebuilt from the operations."""
        return "".join(op.new for op in self.ops)

    def to_dict(self) -> dict[str, Any]:
        return {
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "words_old": self.words_old,
            "words_new": self.words_new,
            "changed_share": round(self.changed_share, 4),
            "ops": [op.to_dict() for op in self.ops],
        }


def normalise(ops: list[WordOp]) -> list[WordOp]:
    """Drop empty operations and merge neighbours of the same kind (changes into one)."""
    out: list[WordOp] = []
    for op in ops:
        if not op.old and not op.new:
            continue
        if op.op != "equal" and not op.old.strip() and not op.new.strip():
            op = WordOp("equal", op.old, op.new)  # whitespace is not a change
        if out:
            prev = out[-1]
            if prev.op == "equal" and op.op == "equal":
                out[-1] = WordOp("equal", prev.old + op.old, prev.new + op.new)
                continue
            if prev.op != "equal" and op.op != "equal":
                out[-1] = change_op(prev.old + op.old, prev.new + op.new)
                continue
        out.append(op)
    return out


def change_op(old: str, new: str) -> WordOp:
    if old and new:
        return WordOp("replace", old, new)
    return WordOp("delete", old, new) if old else WordOp("insert", old, new)


def inline_segments(ops: list[WordOp]) -> list[tuple[str, str]]:
    """The operations as one inline sequence of ``(kind, text)`` for a redline.

    *kind* is ``equal``, ``delete`` or ``insert`` (a replacement gives a deletion
    then an insertion). Unchanged text comes from the new side, except that the
    whitespace beside a deletion is taken from the old side when the new side has
    none there (``a [-b-] c``, not ``a [-b-]c``).
    """
    out: list[tuple[str, str]] = []
    for k, op in enumerate(ops):
        if op.op == "equal":
            text = op.new
            if k and ops[k - 1].op == "delete" and not text[:1].isspace():
                text = op.old[:len(op.old) - len(op.old.lstrip())] + text
            if k + 1 < len(ops) and ops[k + 1].op == "delete" and not text[-1:].isspace():
                text += op.old[len(op.old.rstrip()):]
            if text:
                out.append(("equal", text))
            continue
        if op.old:
            out.append(("delete", op.old))
        if op.new:
            out.append(("insert", op.new))
    return out
