"""The summary table at the top of `reviewtool diff` on a terminal: one line per changed
section at any width.

The section (``Old title → New title``) takes the width the other columns leave and is cut
with an ellipsis. When it would get fewer than :data:`MIN_SECTION` cells, the change bar
keeps only its percentage, then the status is cut to :data:`SHORT_STATUS` cells. The added
and removed words always stay. Piped output is tab-separated and not laid out here.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from reviewtool.cli import render
from reviewtool.cli.fit_table import Column, Form, Step, cut_right, fitted_table
from reviewtool.wording import change_label

#: The fewest cells the section gets before other columns shorten.
MIN_SECTION = 16
#: The status's width once it is cut (``promoted, r…``).
SHORT_STATUS = 10

#: What goes first when the width runs out, in order (see the module docstring).
STEPS: tuple[Step, ...] = (("changed", 1), ("status", 1))


def diff_summary_table(diff: Any, status_cells: list[Text], width: int) -> Table:
    """The changed sections of *diff* laid out for *width* cells (*status_cells*: each change's
    statuses in their colours, as ``diff_render.status_text`` makes them)."""
    changes = diff.changes
    shares = [c.changed_share for c in changes]
    columns = [
        Column("status", [Form("status", status_cells),
                          Form("status", [cut_right(s, SHORT_STATUS) for s in status_cells])]),
        Column("section", [Form("section", [change_label(c) for c in changes])], flexible=True),
        Column("changed", [Form("changed", [render.share_bar(s) for s in shares]),
                           Form("changed", [Text(f"{s * 100:3.0f}%") for s in shares])]),
        Column("added", [Form("added", [Text(f"+{c.words_added}", style="green") for c in changes])],
               justify="right"),
        Column("removed", [Form("removed", [Text(f"-{c.words_removed}", style="red") for c in changes])],
               justify="right"),
    ]
    return fitted_table(columns, width, STEPS, min_flexible=MIN_SECTION)
