"""Hunks: a section's paragraph rows with the unchanged ones collapsed around the changes.

Like ``git diff -U<n>``, but by paragraph (:mod:`reviewtool.diff.paragraphs`): each
change keeps *context* unchanged paragraphs on either side, and every longer run of
unchanged paragraphs becomes one :class:`Gap` ("… 73 unchanged paragraphs …"). A run
of a single paragraph is shown rather than replaced by a marker that would take as
much room. ``context=None`` keeps everything (``--full``).

A *change* is a run of consecutive changed rows: what ``]``/``[`` step through in the
TUI and what "change 3 of 11" counts (:func:`change_spans`). Both front ends build
their views from :func:`collapse`; the CLI prints it, the TUI expands a gap on
request (``expanded`` holds the gaps opened so far, by their first row).
The core of reviewtool: no Rich, no Textual.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from reviewtool.records import record
from reviewtool.wording import counted

if TYPE_CHECKING:  # kept light: the CLI reads DEFAULT_CONTEXT when it starts
    from reviewtool.diff.paragraphs import Row

#: Unchanged paragraphs shown on either side of a change unless told otherwise (``--context``).
DEFAULT_CONTEXT = 1
#: Shorter runs of unchanged rows are shown: a marker would save nothing.
MIN_GAP = 2


@record(frozen=True)
class Gap:
    """Unchanged rows left out of a view: ``rows[start:stop]``."""

    start: int
    stop: int

    @property
    def count(self) -> int:
        return self.stop - self.start

    @property
    def label(self) -> str:
        """``… 73 unchanged paragraphs …``"""
        return gap_label(self.count)


def gap_label(count: int) -> str:
    """The one-line marker of *count* collapsed paragraphs."""
    return f"… {counted(count, 'unchanged paragraph')} …"


def change_spans(rows: Sequence[Row]) -> list[tuple[int, int]]:
    """The changes of *rows*: ``(start, stop)`` of each run of consecutive changed rows."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for i, row in enumerate(rows):
        if row.changed and start is None:
            start = i
        elif not row.changed and start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(rows)))
    return spans


def collapse(rows: Sequence[Row], context: int | None = DEFAULT_CONTEXT,
             expanded: Collection[int] = (), spans: Sequence[tuple[int, int]] | None = None) -> list[Row | Gap]:
    """*rows* with the unchanged runs farther than *context* rows from any change collapsed
    into :class:`Gap` s (none when *context* is None). A gap whose first row is in
    *expanded* is shown in full. *spans*: :func:`change_spans` of *rows*, when known."""
    if context is None:
        return list(rows)
    context = max(0, context)
    keep = [False] * len(rows)
    for start, stop in change_spans(rows) if spans is None else spans:
        for i in range(max(0, start - context), min(len(rows), stop + context)):
            keep[i] = True
    out: list[Row | Gap] = []
    i = 0
    while i < len(rows):
        if keep[i]:
            out.append(rows[i])
            i += 1
            continue
        j = i
        while j < len(rows) and not keep[j]:
            j += 1
        if j - i >= MIN_GAP and i not in expanded:
            out.append(Gap(i, j))
        else:
            out.extend(rows[i:j])
        i = j
    return out
