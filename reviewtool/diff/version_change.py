"""What one version changed: its section diff against its first parent, as counts.

:func:`change_counts` is a pure function of the two documents (the draft at the
version and at its first parent), so it can be cached by the pair of blobs;
:func:`version_change` finds the first parent (:meth:`DraftHistory.first_parent`)
and names it as the change's ``base``. The counts are those of ``reviewtool diff``'s
summary (:meth:`DocumentDiff.summary`): a section with only markup changes counts in
``sections_changed`` and in ``markup_changed``. Core module: no Textual, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reviewtool.diff.section_diff import diff_documents
from reviewtool.draft.document import Document, parse
from reviewtool.draft.history import DraftHistory, Version

#: The parse of a deleted draft: a version that deleted it removed every section.
_NOTHING = parse("")


@dataclass(frozen=True)
class ChangeCounts:
    """The size of a change: words added and removed, sections changed, of them with markup changes."""

    words_added: int
    words_removed: int
    sections_changed: int
    markup_changed: int

    @property
    def is_empty(self) -> bool:
        return not (self.words_added or self.words_removed or self.sections_changed)

    def to_dict(self) -> dict[str, int]:
        return {"words_added": self.words_added, "words_removed": self.words_removed,
                "sections_changed": self.sections_changed, "markup_changed": self.markup_changed}


@dataclass(frozen=True)
class VersionChange:
    """The change of one version: :class:`ChangeCounts` against *base*, its first parent's draft."""

    base: Version
    counts: ChangeCounts

    def to_dict(self) -> dict[str, Any]:
        """``{"base": <first parent commit>, "words_added", "words_removed", "sections_changed",
        "markup_changed"}`` (the names of ``diff --json``'s summary)."""
        return {"base": self.base.commit, **self.counts.to_dict()}


def change_counts(old: Document, new: Document) -> ChangeCounts:
    """The counts of the section diff from *old* to *new*; a function of the two texts only."""
    if old.text == new.text:
        return ChangeCounts(0, 0, 0, 0)
    diff = diff_documents(old, new)
    return ChangeCounts(diff.words_added, diff.words_removed, len(diff.changes), diff.markup_changed)


def version_change(history: DraftHistory, version: Version) -> VersionChange | None:
    """What *version* changed against its first parent; None for a root version (a root commit,
    or the commit that added the draft). A version that deleted the draft removed everything."""
    base = history.first_parent(version)
    if base is None:
        return None
    new = _NOTHING if version.blob is None and not version.is_worktree else history.document(version)
    return VersionChange(base, change_counts(history.document(base), new))
