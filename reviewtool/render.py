"""Terminal output for the CLI: Rich on a terminal, plain text when piped, JSON for scripts.

Every untrusted string (essay text, commit subjects, author names, comment
bodies) goes through :func:`reviewtool.textsafe.clean` and into Rich ``Text``
objects; nothing user-supplied is ever parsed as markup.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from reviewtool.textsafe import clean, one_line


def make_console(stderr: bool = False) -> Console:
    """A console that never interprets markup, emoji codes or highlighting."""
    return Console(stderr=stderr, markup=False, emoji=False, highlight=False, soft_wrap=False)


def is_terminal() -> bool:
    return sys.stdout.isatty()


def emit_json(data: Any) -> None:
    """Write *data* as JSON to stdout (strings are JSON-escaped, so control characters are safe)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def relative_date(when: datetime, now: datetime | None = None) -> str:
    """``3 days ago``-style date, like ``git log --date=relative``."""
    now = now or datetime.now(timezone.utc)
    seconds = int((now - when).total_seconds())
    if seconds < 0:
        return when.strftime("%Y-%m-%d")
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("week", 7 * 86400),
                       ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def short_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


def table(
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
) -> None:
    """Print rows as a Rich table on a terminal, or tab-separated plain text when piped.

    *columns* are ``(header, justify)`` pairs. Cells may be ``Text`` (styled) or
    plain values; plain values are cleaned of control characters.
    """
    rows = list(rows)
    if not is_terminal():
        out = sys.stdout
        if title:
            out.write(one_line(title) + "\n")
        for row in rows:
            out.write("\t".join(_plain_cell(c) for c in row) + "\n")
        return
    tbl = Table(title=Text(one_line(title)) if title else None, box=None, header_style="bold",
                pad_edge=False, show_edge=False)
    for header, justify in columns:
        tbl.add_column(header, justify=justify, no_wrap=justify == "right")
    for row in rows:
        tbl.add_row(*(_rich_cell(c) for c in row))
    make_console().print(tbl)


def _plain_cell(value: Any) -> str:
    if isinstance(value, Text):
        return one_line(value.plain)
    return one_line("" if value is None else str(value))


def _rich_cell(value: Any) -> Text:
    if isinstance(value, Text):
        return value
    return Text(one_line("" if value is None else str(value)))


def print_text(text: str | Text, style: str | None = None) -> None:
    """Print untrusted text literally (cleaned of control characters)."""
    if isinstance(text, Text):
        if is_terminal():
            make_console().print(text)
        else:
            sys.stdout.write(clean(text.plain) + "\n")
        return
    if is_terminal():
        make_console().print(Text(clean(text), style=style or ""))
    else:
        sys.stdout.write(clean(text) + ("" if text.endswith("\n") else "\n"))


def share_bar(share: float, width: int = 10) -> Text:
    """A small bar for a 0..1 share (prose share, change share)."""
    filled = round(max(0.0, min(1.0, share)) * width)
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "grey50"),
                         f" {share * 100:3.0f}%")
