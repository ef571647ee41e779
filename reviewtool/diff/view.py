"""What a reader is shown of a section diff: each changed section's paragraph rows, the
notes its status alone does not tell, and the changes to step through.

Both front ends build on it (the CLI prints it, the TUI lays it out and moves between
the changes), so they agree on what is collapsed (:mod:`reviewtool.diff.hunks`), what
counts as one change, and how a move is worded:

* a section's text changes are its runs of changed paragraphs, each one change;
* a changed section with no changed text (moved, renamed, a heading removed over text
  that stays) is one change, at its header;
* notes: where a moved section was ("moved from after “Money”"), and a heading removed
  or added over text that stays (:func:`reviewtool.diff.heading_moves.heading_note`).

The core of reviewtool: no Rich, no Textual.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import field
from functools import cached_property

from reviewtool.diff.heading_moves import heading_note
from reviewtool.diff.hunks import DEFAULT_CONTEXT, Gap, change_spans, collapse
from reviewtool.diff.paragraphs import Row, SideRow, paragraph_rows, side_rows
from reviewtool.diff.section_diff import DocumentDiff, SectionChange
from reviewtool.diff.section_pairs import SectionPair
from reviewtool.draft.document import Document, Section
from reviewtool.records import record


@record
class SectionView:
    """One changed section as a reader sees it (see the module docstring)."""

    change: SectionChange
    rows: list[Row]
    notes: list[str] = field(default_factory=list)

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """The runs of changed rows, ``(start, stop)``: each is one change."""
        return change_spans(self.rows)

    @property
    def change_count(self) -> int:
        """How many changes a reader steps through here (at least one: the header)."""
        return max(1, len(self.spans))

    @property
    def has_text(self) -> bool:
        """Whether any text changed (else the header and notes say it all)."""
        return bool(self.spans)

    def items(self, context: int | None = DEFAULT_CONTEXT, expanded: Collection[int] = ()) -> list[Row | Gap]:
        """The rows with unchanged runs collapsed (:func:`reviewtool.diff.hunks.collapse`)."""
        return collapse(self.rows, context, expanded, self.spans) if self.has_text else []

    def side_items(self, context: int | None = DEFAULT_CONTEXT,
                   expanded: Collection[int] = ()) -> list[SideRow | Gap]:
        """:meth:`items` lined up for a side-by-side view (:func:`reviewtool.diff.paragraphs.side_rows`)."""
        out: list[SideRow | Gap] = []
        run: list[Row] = []
        for item in self.items(context, expanded):
            if isinstance(item, Gap):
                out.extend(side_rows(run))
                run = []
                out.append(item)
            else:
                run.append(item)
        out.extend(side_rows(run))
        return out


def _siblings(doc: Document, section: Section) -> list[Section]:
    if section.parent is None:
        return doc.roots()
    return doc.children(doc.section(section.parent))


def moved_from(pair: SectionPair, old_doc: Document, new_doc: Document) -> str | None:
    """Where a moved section was: ``moved from after “Money”``, ``moved from “Motivation”,
    after “Status quo”``, ``moved from the start of “Design”``; None unless *pair* moved."""
    if "moved" not in pair.status or not pair.old or not pair.new:
        return None
    old = pair.old[0]
    siblings = _siblings(old_doc, old)
    index = next((i for i, s in enumerate(siblings) if s is old), 0)
    before = siblings[index - 1] if index > 0 else None
    old_parent = old_doc.get(old.parent) if old.parent else None
    new_parent = new_doc.get(pair.new[0].parent) if pair.new[0].parent else None
    same_parent = (old_parent is None and new_parent is None) or (
        old_parent is not None and new_parent is not None and old_parent.title == new_parent.title)
    if same_parent:
        if before is not None:
            return f"moved from after “{before.title}”"
        return f"moved from the start of “{old_parent.title}”" if old_parent else "moved from the top"
    if old_parent is None:
        return f"moved from the top level, after “{before.title}”" if before else "moved from the top"
    if before is not None:
        return f"moved from “{old_parent.title}”, after “{before.title}”"
    return f"moved from the start of “{old_parent.title}”"


def change_rows(change: SectionChange) -> list[Row]:
    """The paragraph rows of one section change (none when no word changed), cut once and
    kept on the change (:attr:`SectionChange.rows`)."""
    if change.rows is None:
        wd = change.word_diff
        plain = "promoted" in change.status or "condensed" in change.status  # as section_diff compares them
        change.rows = paragraph_rows(wd.ops, plain) if wd is not None and not wd.is_equal else []
    return change.rows


def change_view(change: SectionChange) -> SectionView:
    """The rows of one section change, without notes (they need the documents)."""
    return SectionView(change, list(change_rows(change)))


def section_view(diff: DocumentDiff, change: SectionChange) -> SectionView:
    """The view of one changed section of *diff*, with its notes."""
    view = change_view(change)
    view.notes = [note for note in (heading_note(change.pair, diff.old, diff.new),
                                    moved_from(change.pair, diff.old, diff.new)) if note]
    return view


def section_views(diff: DocumentDiff) -> list[SectionView]:
    """The views of every changed section of *diff*, in its order."""
    return [section_view(diff, change) for change in diff.changes]
