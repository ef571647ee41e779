"""The `reviewtool history --section` table on a terminal: one line per version at any width.

Every cell stays on its line; the commit subject takes the width the other columns leave and
is cut with an ellipsis. The words a version added and removed share one column (``+286 -7``).
When the subject would get fewer than :data:`MIN_SUBJECT` cells, columns shorten or go in
this order (:data:`STEPS`): the author keeps only a first name, the section loses its
``[key]``, the date loses its time, the section title is cut to :data:`MID_SECTION` cells,
the author becomes initials, then goes, the title is cut to :data:`SHORT_SECTION` cells,
the change label to :data:`SHORT_CHANGE`, and last the subject goes. The version id, the
date, the section, the change and the words always stay. The title is cut from the left
of the draft's path. Piped output is tab-separated and not laid out here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from reviewtool.cli import render
from reviewtool.cli.fit_table import Column, Form, Step, cut_left, cut_right, fitted_table
from reviewtool.cli.log_table import MAX_AUTHOR, first_name, initials
from reviewtool.textsafe import one_line
from reviewtool.wording import short_date

#: The fewest cells the subject gets before other columns shorten (wide terminals: none do).
MIN_SUBJECT = 16
#: The widest the section cell gets (title and key, cut with an ellipsis beyond).
MAX_SECTION = 32
#: The widest the change label gets (``promoted, renamed: heading level``).
MAX_CHANGE = 28
#: The section title's width once it is cut, then cut again (the last steps).
MID_SECTION = 24
SHORT_SECTION = 16
#: The change label's width once it is cut.
SHORT_CHANGE = 10

#: What goes first when the width runs out, in order (see the module docstring).
STEPS: Sequence[Step] = (
    ("author", 1), ("section", 1), ("date", 1), ("section", 2), ("author", 2), ("author", None),
    ("section", 3), ("change", 1), ("subject", None),
)


def section_cell(entry: Any, key: str, with_key: bool) -> Text:
    """The section's title at that version, with its key in grey when the key differs."""
    title = Text(one_line(entry.title))
    if with_key and entry.key != key:
        title.append(f" [{one_line(entry.key)}]", style="grey50")
    return title


def change_cell(entry: Any) -> Text:
    """The statuses and markup changes: created green, moved or renamed yellow."""
    style = "green" if entry.created else ("yellow" if "moved" in entry.status or "renamed" in entry.status else "")
    markup = f": {', '.join(entry.markup)}" if entry.markup else ""
    return Text(one_line(", ".join(entry.status) + markup), style=style)


def words_cell(entry: Any) -> Text:
    """``+added -removed``, green and red."""
    return Text.assemble((f"+{entry.words_added}", "green"), " ", (f"-{entry.words_removed}", "red"))


def print_history(draft: str, key: str, entries: Sequence[Any]) -> None:
    """Print the history of section *key* for the terminal's width, one line per version."""
    console = render.make_console()
    width = console.width
    authors = [one_line(e.version.author) for e in entries]
    titles = [section_cell(e, key, with_key=False) for e in entries]
    changes = [change_cell(e) for e in entries]
    columns = [
        Column("version", [Form("version", [Text(one_line(e.version.short), style="yellow") for e in entries])]),
        Column("date", [Form("date", [short_date(e.version.date) for e in entries]),
                        Form("date", [e.version.date.strftime("%Y-%m-%d") for e in entries])]),
        Column("author", [Form("author", authors), Form("author", [first_name(a) for a in authors]),
                          Form("by", [initials(a) for a in authors])], max_width=MAX_AUTHOR),
        Column("section", [Form("section", [section_cell(e, key, with_key=True) for e in entries]),
                           Form("section", titles),
                           Form("section", [cut_right(t, MID_SECTION) for t in titles]),
                           Form("section", [cut_right(t, SHORT_SECTION) for t in titles])], max_width=MAX_SECTION),
        Column("change", [Form("change", changes), Form("change", [cut_right(c, SHORT_CHANGE) for c in changes])],
               max_width=MAX_CHANGE),
        Column("words", [Form("words", [words_cell(e) for e in entries])], justify="right"),
        Column("subject", [Form("subject", [Text(one_line(e.version.subject)) for e in entries])], flexible=True),
    ]
    rest = f": history of {one_line(key)} ({len(entries)} change{'' if len(entries) == 1 else 's'})"
    title = Text(cut_left(draft, width - len(rest)) + rest)
    table = fitted_table(columns, width, STEPS, title=title, min_flexible=MIN_SUBJECT)
    if not columns[-1].shown:  # no subject to take the width: span it, so the title is cut at its edge
        table.expand = True
    console.print(table)
