"""The `reviewtool drafts` table on a terminal: one line per draft at any width.

The draft's title takes the width the other columns leave and is cut with an ellipsis.
When it would get fewer than :data:`MIN_TITLE` cells, the path is cut from the left (it
keeps its file name) to :data:`MID_PATH` cells, then to :data:`SHORT_PATH`, and last the
title goes. The versions, the words and the date of the last change always stay. Piped
output is tab-separated and not laid out here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from reviewtool.cli import render
from reviewtool.cli.fit_table import Column, Form, Step, cut_left, fitted_table
from reviewtool.textsafe import one_line

#: The fewest cells the title gets before the path is cut.
MIN_TITLE = 16
#: The path's widths once it is cut from the left.
MID_PATH = 40
SHORT_PATH = 28

#: What goes first when the width runs out, in order (see the module docstring).
STEPS: Sequence[Step] = (("path", 1), ("path", 2), ("title", None))


def print_drafts(title: str, rows: Sequence[dict[str, Any]]) -> None:
    """Print the drafts (``drafts_command``'s rows) for the terminal's width, one line each."""
    console = render.make_console()
    width = console.width
    paths = [one_line(r["path"]) for r in rows]
    columns = [
        Column("path", [Form("path", paths), Form("path", [cut_left(p, MID_PATH) for p in paths]),
                        Form("path", [cut_left(p, SHORT_PATH) for p in paths])]),
        Column("title", [Form("title", [one_line(r["title"] or "") for r in rows])], flexible=True),
        Column("versions", [Form("versions", [r["versions"] for r in rows])], justify="right"),
        Column("words", [Form("words", [r["words"] for r in rows])], justify="right"),
        Column("last", [Form("last change", [(r["last_date"] or "")[:10] for r in rows])]),
    ]
    console.print(fitted_table(columns, width, STEPS, title=Text(one_line(title)), min_flexible=MIN_TITLE))
