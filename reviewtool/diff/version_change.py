"""What one version changed: its section diff against its first parent, as counts.

:func:`change_counts` is a pure function of the two documents (the draft at the version
and at its first parent), so :func:`version_change` keeps it in the persistent cache
(:mod:`reviewtool.draft.cache`, kind ``change``) by the pair of blobs: a second
``reviewtool log`` neither parses nor diffs. :func:`version_change` finds the first
parent (:meth:`DraftHistory.first_parent`) and names it as the change's ``base``. The
counts are those of ``reviewtool diff``'s summary (:meth:`DocumentDiff.summary`): a
section with only markup changes counts in ``sections_changed`` and in
``markup_changed``; ``sections_moved`` counts the changed sections that only moved or were
renamed (their text and markup the same), so that a version whose words did not change is not
called "moved" when its sections were edited (punctuation) or merged. Core module: no Textual,
no Rich.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from reviewtool.draft import stored_document
from reviewtool.draft.cache import module_files, source_fingerprint
from reviewtool.draft.document import Document
from reviewtool.draft.history import DraftHistory, Version
from reviewtool.records import record

#: The parse of a deleted draft (``parse("")``): a version that deleted it removed every section.
_NOTHING = Document(text="", sections=[], problems=[])
#: The blob part of a cache key for "no draft" (a version that deleted it).
_NO_BLOB = "0" * 40
_COUNTS = ("words_added", "words_removed", "sections_changed", "markup_changed")
#: What the cache keeps: the JSON counts and the sections that only moved or were renamed.
_STORED = (*_COUNTS, "sections_moved")
#: The statuses of a pair that only changed place or title.
_MOVE_STATUSES = frozenset({"moved", "renamed"})


@record(frozen=True)
class ChangeCounts:
    """The size of a change: words added and removed, sections changed, of them with markup
    changes, and of them that only moved or were renamed (same text, same markup)."""

    words_added: int
    words_removed: int
    sections_changed: int
    markup_changed: int
    sections_moved: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.words_added or self.words_removed or self.sections_changed)

    @property
    def only_moved(self) -> bool:
        """Whether every changed section only moved or was renamed (and some did)."""
        return bool(self.sections_changed) and self.sections_moved == self.sections_changed

    def to_dict(self) -> dict[str, int]:
        """The counts as ``log --json`` names them (those of ``diff --json``'s summary)."""
        return {"words_added": self.words_added, "words_removed": self.words_removed,
                "sections_changed": self.sections_changed, "markup_changed": self.markup_changed}

    def to_stored(self) -> dict[str, int]:
        """What the cache keeps: :meth:`to_dict` and ``sections_moved``."""
        return {**self.to_dict(), "sections_moved": self.sections_moved}


@record(frozen=True)
class VersionChange:
    """The change of one version: :class:`ChangeCounts` against *base*, its first parent's draft."""

    base: Version
    counts: ChangeCounts

    def to_dict(self) -> dict[str, Any]:
        """``{"base": <first parent commit>, "words_added", "words_removed", "sections_changed",
        "markup_changed"}`` (the names of ``diff --json``'s summary)."""
        return {"base": self.base.commit, **self.counts.to_dict()}


def load_differ() -> None:
    """Import what :func:`change_counts` diffs with. It imports them on first use (commands
    that find the counts cached never need them); a caller that knows it will diff loads
    them early, while git runs (``DraftHistory(cold_work=...)``): the section diff and the
    stages it imports when it first runs (the alignment, headings' moves, markup, word diff)."""
    from reviewtool.diff import align, heading_moves, markup, section_diff, word_diff  # noqa: F401


def change_counts(old: Document, new: Document) -> ChangeCounts:
    """The counts of the section diff from *old* to *new*; a function of the two texts only."""
    if old.text == new.text:
        return ChangeCounts(0, 0, 0, 0)
    # Here: change_fingerprint's users may not diff.
    from reviewtool.diff.section_diff import diff_documents, pair_texts
    from reviewtool.diff.word_diff import word_diff

    # Only counts are kept: the word diffs are not cleaned up for reading, except for the pairs
    # that only moved or were renamed, whose words' being unchanged is read from the diff shown.
    diff = diff_documents(old, new, counts_only=True)
    moved = sum(1 for c in diff.changes
                if not c.markup and set(c.status) <= _MOVE_STATUSES
                and (c.word_diff is None or word_diff(*pair_texts(old, new, c.pair)).is_equal))
    return ChangeCounts(diff.words_added, diff.words_removed, len(diff.changes), diff.markup_changed, moved)


def version_change(history: DraftHistory, version: Version) -> VersionChange | None:
    """What *version* changed against its first parent; None for a root version (a root commit,
    or the commit that added the draft). A version that deleted the draft removed everything."""
    base = history.first_parent(version)
    if base is None:
        return None
    deleted = version.blob is None and not version.is_worktree
    key = None  # the working tree changes under us: only committed pairs are kept
    if history.cache is not None and base.blob and not base.is_worktree and not version.is_worktree:
        key = f"{base.blob}-{version.blob or _NO_BLOB}"
        counts = _stored_counts(history.cache.get("change", change_fingerprint(), key))
        if counts is not None:
            return VersionChange(base, counts)
    new = _NOTHING if deleted else history.document(version)
    counts = change_counts(history.document(base), new)
    if key is not None and history.cache is not None:
        history.cache.put("change", change_fingerprint(), key, counts.to_stored())
    return VersionChange(base, counts)


def _stored_counts(data: Any) -> ChangeCounts | None:
    if type(data) is not dict or set(data) != set(_STORED):
        return None
    if not all(type(data[k]) is int and data[k] >= 0 for k in _STORED):
        return None
    return ChangeCounts(*(data[k] for k in _STORED))


@functools.cache
def change_fingerprint() -> str:
    """What stored change counts depend on besides the two blobs: the parser (stored
    documents' fingerprint) and the source of every module of the diff layer."""
    return source_fingerprint(module_files(os.path.dirname(__file__)), also=stored_document.fingerprint())
