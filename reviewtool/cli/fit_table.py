"""Tables that keep one line per row on a terminal of any width (as tig and ``git log
--oneline`` do): no cell ever wraps; one flexible column (a subject) takes the width left
and is cut with an ellipsis; when even that is not enough, columns shorten (a shorter
*form*) or go, one step at a time in an order the caller states. The title is cut to the
width too. Piped output is not laid out here (it stays tab-separated: :func:`render.table`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from rich.cells import cell_len
from rich.console import JustifyMethod
from rich.table import Table
from rich.text import Text

from reviewtool.textsafe import one_line

#: The space Rich puts between two columns (padding of one on each side, none at the edges).
GAP = 2


@dataclass(frozen=True)
class Form:
    """One way to show a column: its header and one cell per row."""

    header: str
    cells: Sequence[Any]


@dataclass
class Column:
    """A column with its forms, fullest first (the first is used until a step shortens it)."""

    name: str
    forms: Sequence[Form]
    justify: str = "left"
    flexible: bool = False
    #: The widest a cell may be (cut with an ellipsis beyond it), whatever the terminal.
    max_width: int | None = None
    level: int = field(default=0, init=False)
    shown: bool = field(default=True, init=False)

    def width(self) -> int:
        form = self.forms[self.level]
        widest = max((cell_text(c).cell_len for c in form.cells), default=0)
        if self.max_width is not None:
            widest = min(widest, self.max_width)
        return max(len(form.header), widest)


#: A step that saves width: ``(column name, form index)`` shortens that column to the form,
#: ``(column name, None)`` drops the column.
Step = tuple[str, "int | None"]


def cell_text(value: Any) -> Text:
    """A cell as Rich ``Text``: plain values cleaned of control characters, on one line."""
    if isinstance(value, Text):
        return value
    return Text(one_line("" if value is None else str(value)))


def layout(columns: Sequence[Column], width: int, steps: Sequence[Step], min_flexible: int = 16) -> int:
    """Apply *steps* in order until the flexible column gets at least *min_flexible* cells
    (or all it needs); return the width it gets. Columns are changed in place."""
    by_name = {c.name: c for c in columns}
    flexible = next(c for c in columns if c.flexible)

    def left() -> int:
        shown = [c for c in columns if c.shown]
        return width - sum(c.width() for c in shown if not c.flexible) - GAP * (len(shown) - 1)

    wanted = min(min_flexible, flexible.width())
    for name, level in steps:
        if left() >= wanted:
            break
        column = by_name[name]
        if level is None:
            column.shown = False
        else:
            column.level = level
    return max(1, left())


def fitted_table(columns: Sequence[Column], width: int, steps: Sequence[Step],
                 title: Text | None = None, min_flexible: int = 16) -> Table:
    """A borderless table laid out by :func:`layout` for *width* cells: one line per row."""
    flexible_width = layout(columns, width, steps, min_flexible)
    if title is not None:
        title = title.copy()
        title.truncate(width, overflow="ellipsis")
        title.no_wrap = True
    tbl = Table(title=title, box=None, header_style="bold", pad_edge=False, show_edge=False)
    shown = [c for c in columns if c.shown]
    for column in shown:
        form = column.forms[column.level]
        limit = flexible_width if column.flexible else column.max_width
        tbl.add_column(form.header, justify=cast(JustifyMethod, column.justify), no_wrap=True,
                       overflow="ellipsis", max_width=limit)
    rows = len(shown[0].forms[0].cells) if shown else 0
    for i in range(rows):
        cells = []
        for column in shown:
            cell = cell_text(column.forms[column.level].cells[i]).copy()
            cell.no_wrap = True
            cell.overflow = "ellipsis"
            cells.append(cell)
        tbl.add_row(*cells)
    return tbl


def cut_left(text: str, width: int) -> str:
    """*text* cut from the left to *width* cells with an ellipsis (a path keeps its file name)."""
    text = one_line(text)
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    start = 0
    while start < len(text) and cell_len(text[start:]) > width - 1:
        start += 1
    return "…" + text[start:]


def cut_right(text: Text, width: int) -> Text:
    """A copy of *text* cut to *width* cells with an ellipsis, its styles kept (a shorter form)."""
    text = text.copy()
    text.truncate(width, overflow="ellipsis")
    return text
