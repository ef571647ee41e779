"""Viewed marks per section: which sections of a version a reviewer has read.

A reviewer marks a section of a version ``viewed`` (or ``unviewed``; see
:mod:`reviewtool.review.workflow`). On any version, the mark holds for the section it
follows to (through renames, moves and the draft's own renames, by the alignment of
:mod:`reviewtool.review.section_follow`) while that section's text is the text that was
marked: its own source, heading line and markup included (:func:`section_text`). Any
change to it clears the mark there, as GitHub resets "Viewed" on a changed file, but per
section; a text changed back to the marked one is that text again, so the mark holds
there again. Among the marks that hold on a section, the latest event (time, id) wins,
so ``unviewed`` takes a mark back.

:func:`viewed_sections` folds one reviewer's marks onto one version: pure over the
marks and the history's parsed documents, no git beyond reading blobs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reviewtool.draft.document import Document, Section
from reviewtool.review.anchoring import BlobDocuments
from reviewtool.review.section_follow import section_map
from reviewtool.review.workflow import ViewMark


def section_text(doc: Document, section: Section) -> str:
    """The text a viewed mark vouches for: the section's own source (heading line, body and
    markup; not its subsections), line endings as LF, the blank lines that end it dropped
    (they separate it from the next section)."""
    return doc.own_text(section).replace("\r\n", "\n").rstrip()


def holds_text(doc: Document, section: Section) -> bool:
    """Whether the section has text of its own under its heading (what the count runs over)."""
    return bool(doc.body_text(section).strip())


@dataclass
class ViewedSections:
    """One reviewer's viewed marks on one version: ``viewed[key]`` for every section."""

    viewed: dict[str, bool]
    #: The mark that holds, for each viewed section.
    marks: dict[str, ViewMark] = field(default_factory=dict)
    #: The keys of the sections that hold text (:func:`holds_text`), in document order.
    counted: list[str] = field(default_factory=list)

    def is_viewed(self, key: str) -> bool:
        """Whether section *key* holds a viewed mark."""
        return self.viewed.get(key, False)

    @property
    def count(self) -> int:
        """How many sections that hold text are viewed."""
        return sum(1 for k in self.counted if self.viewed.get(k))

    @property
    def total(self) -> int:
        """How many sections hold text."""
        return len(self.counted)

    @property
    def summary(self) -> str:
        """``5/8 viewed``."""
        return f"{self.count}/{self.total} viewed"

    def to_json(self) -> dict[str, Any]:
        return {"viewed": self.count, "sections": self.total}


def viewed_sections(history: Any, marks: Iterable[ViewMark], version: Any, email: str,
                    docs: BlobDocuments | None = None) -> ViewedSections:
    """The viewed mark of every section of *version* for the reviewer with *email*.

    *history* is the draft's :class:`~reviewtool.draft.history.DraftHistory`; *marks*
    the workflow's marks (any draft, any reviewer: the others are skipped); *version*
    any version of the history (the working tree too). One alignment per marked version
    (cached by blobs), documents parsed once per blob.
    """
    doc = history.document(version)
    paths = set(history.paths)
    docs = docs if docs is not None else BlobDocuments(history)
    state: dict[str, ViewMark] = {}
    for mark in sorted((m for m in marks if m.reviewer.is_(email) and m.version.path in paths),
                       key=lambda m: (m.time, m.id)):
        section = follow_mark(mark, doc, version.blob, docs)
        if section is not None:
            state[section.key] = mark
    viewed = {s.key: bool(state.get(s.key) and state[s.key].viewed) for s in doc.sections}
    held = {k: m for k, m in state.items() if m.viewed}
    return ViewedSections(viewed, held, [s.key for s in doc.sections if holds_text(doc, s)])


def follow_mark(mark: ViewMark, doc: Document, blob: str | None, docs: BlobDocuments) -> Section | None:
    """The section of *doc* (the draft at *blob*) that *mark* applies to, or None: the section
    the marked one follows to, when its text is still the marked text."""
    anchor = mark.version
    key = anchor.section_key or ""
    old_doc = doc if anchor.blob == blob else docs.get(anchor.blob)
    if old_doc is None:
        return None
    old = old_doc.get(key)
    if old is None:
        return None
    if anchor.blob == blob:
        return old
    new, _ = section_map(old_doc, doc, anchor.blob, blob).follow(key)
    if new is None or section_text(doc, new) != section_text(old_doc, old):
        return None
    return new
