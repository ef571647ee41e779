"""The `reviewtool log` table on a terminal: one line per version at any width (as tig).

Every cell stays on its line; the subject takes the width the other columns leave and is
cut with an ellipsis. When it would get fewer than :data:`MIN_SUBJECT` cells, columns
shorten or go in this order (:data:`STEPS`): the prose bar keeps only its percentage, the
author only a first name, sections go, prose goes, the date loses its time, the change
label gets compact (``+9 -1 in 2 sec``), the author becomes initials, then goes. The
version id, the date, the words and the change always stay. The title is cut from the
left of the draft's path. Piped output is tab-separated and not laid out here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from reviewtool.cli import render
from reviewtool.cli.fit_table import Column, Form, Step, cut_left, fitted_table
from reviewtool.textsafe import one_line
from reviewtool.wording import short_date

#: The fewest cells the subject gets before other columns shorten (wide terminals: none do).
MIN_SUBJECT = 16
#: The longest an author's name is shown (cut with an ellipsis beyond).
MAX_AUTHOR = 20

#: What goes first when the width runs out, in order (see the module docstring).
STEPS: Sequence[Step] = (
    ("prose", 1), ("author", 1), ("sections", None), ("prose", None), ("date", 1),
    ("change", 1), ("author", 2), ("author", None),
)


def first_name(name: str) -> str:
    """``Alex`` for ``Alex Rivera`` (the whole name when it is one word)."""
    words = one_line(name).split()
    return words[0] if words else ""


def initials(name: str) -> str:
    """``AR`` for ``Alex Rivera``."""
    return "".join(w[0] for w in one_line(name).split())[:3]


def subject_cell(v: Any) -> Text:
    """The version's subject (``[merge]`` marked, a rename named), on one line."""
    subject = one_line(v.subject + (f" (renamed from {v.old_path})" if v.old_path else ""))
    return Text.assemble(("[merge] ", "magenta"), subject) if v.is_merge else Text(subject)


def print_log(title_path: str, title_rest: str, versions: Sequence[Any], entries: Sequence[dict[str, Any]],
              changes: Sequence[Any]) -> None:
    """Print the log table for the terminal's width, one line per version."""
    console = render.make_console()
    width = console.width

    def change(compact: bool) -> list[Text]:
        return [render.change_cell(c.counts if c else None, deleted=bool(e.get("deleted")),
                                   renamed=v.status == "R", compact=compact)
                for v, e, c in zip(versions, entries, changes)]

    authors = [one_line(v.author) for v in versions]
    columns = [
        Column("version", [Form("version", [Text(one_line(v.short), style="yellow") for v in versions])]),
        Column("date", [Form("date", [short_date(v.date) for v in versions]),
                        Form("date", [v.date.strftime("%Y-%m-%d") for v in versions])]),
        Column("author", [Form("author", authors), Form("author", [first_name(a) for a in authors]),
                          Form("by", [initials(a) for a in authors])], max_width=MAX_AUTHOR),
        Column("subject", [Form("subject", [subject_cell(v) for v in versions])], flexible=True),
        Column("words", [Form("words", [e["words"] for e in entries])], justify="right"),
        Column("sections", [Form("sections", [e["sections"] for e in entries])], justify="right"),
        Column("prose", [Form("prose", [render.share_bar(e["prose_share"]) for e in entries]),
                         Form("prose", [Text(f"{e['prose_share'] * 100:3.0f}%") for e in entries])]),
        Column("change", [Form("change", change(False)), Form("change", change(True))]),
    ]
    title = Text(cut_left(title_path, width - len(title_rest)) + title_rest)
    console.print(fitted_table(columns, width, STEPS, title=title, min_flexible=MIN_SUBJECT))
