"""The `reviewtool sections` table on a terminal: one line per section at any width.

The section's title (indented by depth) takes the width the other columns leave and is cut
with an ellipsis. When it would get fewer than :data:`MIN_TITLE` cells, columns shorten or
go in this order (:data:`STEPS`): `with children` becomes `all`, the key is cut to
:data:`MID_KEY` cells, the kind (heading, bullet) goes, `viewed` becomes a mark (``✓``), the key is
cut to :data:`SHORT_KEY` cells, then goes. The body kind, the words and the viewed mark
always stay. The title is cut from the left of the draft's path. Piped output is
tab-separated and not laid out here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from reviewtool.cli import render
from reviewtool.cli.fit_table import Column, Form, Step, cut_left, cut_right, fitted_table
from reviewtool.textsafe import one_line

#: The fewest cells the section's title gets before other columns shorten.
MIN_TITLE = 16
#: The widest a key gets (cut with an ellipsis beyond), then its two cut widths.
MAX_KEY = 40
MID_KEY = 24
SHORT_KEY = 16

#: What goes first when the width runs out, in order (see the module docstring).
STEPS: Sequence[Step] = (
    ("children", 1), ("key", 1), ("kind", None), ("viewed", 1), ("key", 2), ("key", None),
)

KIND_STYLES = {"prose": "green", "outline": "magenta", "empty": "grey50"}


def print_sections(draft: str, title_rest: str, sections: Sequence[Any], viewed: Sequence[bool]) -> None:
    """Print the section tree for the terminal's width, one line per section (*viewed*: my
    viewed mark on each)."""
    console = render.make_console()
    width = console.width
    keys = [Text(one_line(s.key)) for s in sections]
    columns = [
        Column("section", [Form("section", [
            Text("  " * (len(s.key.split("/")) - 1) + one_line(s.title), style="bold" if s.kind == "heading" else "")
            for s in sections])], flexible=True),
        Column("kind", [Form("kind", [one_line(s.kind) for s in sections])]),
        Column("body", [Form("body", [Text(s.body_kind, style=KIND_STYLES.get(s.body_kind, "cyan"))
                                      for s in sections])]),
        Column("words", [Form("words", [s.words for s in sections])], justify="right"),
        Column("children", [Form("with children", [s.words_all for s in sections]),
                            Form("all", [s.words_all for s in sections])], justify="right"),
        Column("viewed", [Form("viewed", [Text("viewed", style="green") if v else Text("-", style="grey50")
                                          for v in viewed]),
                          Form("seen", [Text("✓", style="green") if v else Text("-", style="grey50")
                                        for v in viewed])]),
        Column("key", [Form("key", keys), Form("key", [cut_right(k, MID_KEY) for k in keys]),
                       Form("key", [cut_right(k, SHORT_KEY) for k in keys])], max_width=MAX_KEY),
    ]
    title = Text(cut_left(draft, width - len(title_rest)) + title_rest)
    console.print(fitted_table(columns, width, STEPS, title=title, min_flexible=MIN_TITLE))
