"""Terminal output for the CLI: Rich on a terminal, plain text when piped, JSON for scripts.

Every untrusted string (essay text, commit subjects, author names, comment
bodies) goes through :func:`reviewtool.textsafe.clean` and into Rich ``Text``
objects; nothing user-supplied is ever parsed as markup.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import Any, cast

from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from reviewtool.cli import output
from reviewtool.textsafe import REVEALED, clean, one_line
from reviewtool.wording import counted, coverage_certainty


def make_console(stderr: bool = False) -> Console:
    """A console that never interprets markup, emoji codes or highlighting (on the pager's
    buffer while output is collected for it, laid out for its terminal)."""
    dest = output.destination()
    if stderr or dest is None:
        return Console(stderr=stderr, markup=False, emoji=False, highlight=False, soft_wrap=False)
    return Console(file=dest.file, force_terminal=True, width=dest.width,
                   color_system=cast(Any, dest.color_system), markup=False, emoji=False, highlight=False,
                   soft_wrap=False)


def is_terminal() -> bool:
    """Whether output ends up on a terminal (directly, or through the pager)."""
    return output.is_terminal()


def output_width() -> int:
    """The width to lay output out for: the terminal's (``COLUMNS``, else 120 when piped)."""
    dest = output.destination()
    if dest is not None:
        return dest.width
    if sys.stdout.isatty():
        return make_console().width
    return max(40, shutil.get_terminal_size((120, 24)).columns)


emit_json = output.emit_json  # where it lives now: commands print JSON without loading Rich


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
        stream = output.out()
        if title:
            stream.write(one_line(title) + "\n")
        for row in rows:
            stream.write(plain_row(row) + "\n")
        return
    make_console().print(rich_table(columns, rows, title))


def rich_table(columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]],
                title: str | None = None) -> Table:
    tbl = Table(title=Text(one_line(title)) if title else None, box=None, header_style="bold",
                pad_edge=False, show_edge=False)
    for header, justify in columns:
        tbl.add_column(header, justify=cast(JustifyMethod, justify), no_wrap=justify == "right")
    for row in rows:
        tbl.add_row(*(_rich_cell(c) for c in row))
    return tbl


def plain_row(row: Sequence[Any]) -> str:
    return "\t".join(_plain_cell(c) for c in row)


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
            output.out().write(clean(text.plain) + "\n")
        return
    if is_terminal():
        make_console().print(Text(clean(text), style=style or ""))
    else:
        output.out().write(clean(text) + ("" if text.endswith("\n") else "\n"))


#: Marks after a line's indent that its wrapped rest hangs under: a quoted passage, a reply.
HANGING_MARKS = ("> ", "↳ ")


def print_hanging(text: Text) -> None:
    """Print *text*, whose lines are indented with spaces, so that a line too long for the
    terminal wraps under its own start: under its indent, and past a leading ``> `` or ``↳ ``
    mark (a comment's body stays a block under its header, a quote under its ``>``). Not on a
    terminal: exactly what :func:`print_text` writes (one line per line, nothing wrapped)."""
    if not is_terminal():
        print_text(text)
        return
    console = make_console()
    for line in text.split("\n"):
        plain = line.plain
        indent = len(plain) - len(plain.lstrip(" "))
        hang = indent + next((len(mark) for mark in HANGING_MARKS if plain.startswith(mark, indent)), 0)
        if hang == len(plain) or hang * 2 > console.width:
            hang = 0
        for i, part in enumerate(line[hang:].wrap(console, console.width - hang)):
            part.rstrip()
            console.print(Text.assemble(line[:hang] if i == 0 else " " * hang, part), soft_wrap=True)


def share_bar(share: float, width: int = 10) -> Text:
    """A small bar for a 0..1 share (prose share, change share)."""
    filled = round(max(0.0, min(1.0, share)) * width)
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "grey50"),
                         f" {share * 100:3.0f}%")


def share_cell(share: float) -> Text | str:
    """A table cell for a 0..1 share: a :func:`share_bar` on a terminal, ``42%`` when piped."""
    return share_bar(share) if is_terminal() else f"{share * 100:.0f}%"


def change_text(counts: Any, deleted: bool = False, renamed: bool = False, compact: bool = False) -> str:
    """What a version changed, in words: ``+9 -1 in 2 sections (1 markup)``, ``markup in 49
    sections``, ``2 sections moved or renamed`` (and nothing else), ``+0 -0 in 15 sections``
    (edited without a word changed: punctuation, a heading removed over text that stays),
    ``new`` (no first parent: *counts* is None), ``deleted``, ``renamed`` (the same text at a
    new path), ``no change``. *compact* (a narrow terminal): ``+9 -1 in 2 sec (1 mk)``,
    ``markup in 49 sec``, ``2 sec moved``."""
    if deleted:
        return "deleted"
    if renamed and counts is not None and counts.is_empty:
        return "renamed"
    if counts is None:
        return "new"
    n = counts.sections_changed
    where = f"{n} sec" if compact else counted(n, "section")
    if not counts.words_added and not counts.words_removed:
        if counts.markup_changed:
            return f"markup in {where}"
        if not n:
            return "no change"
        if getattr(counts, "only_moved", False):
            return f"{where} moved" if compact else f"{where} moved or renamed"
    mk = "mk" if compact else "markup"
    markup = f" ({counts.markup_changed} {mk})" if counts.markup_changed else ""
    return f"+{counts.words_added} -{counts.words_removed} in {where}{markup}"


def change_cell(counts: Any, deleted: bool = False, renamed: bool = False, compact: bool = False) -> Text:
    """:func:`change_text` styled for a table: additions green, removals red, markup cyan."""
    text = change_text(counts, deleted, renamed, compact)
    if deleted:
        return Text(text, style="red")
    if counts is None:
        return Text(text, style="green")
    if text.startswith("+"):
        plus, minus, rest = text.split(" ", 2)
        return Text.assemble((plus, "green"), " ", (minus, "red"), " ", (rest, "grey50"))
    return Text(text, style="cyan" if counts.markup_changed else "grey50")


# ------------------------------------------------------------------ coverage and comments


def coverage_text(cov: Any, draft: str, outline_version: Any, prose_version: Any) -> Text:
    """Outline coverage (``reviewtool coverage``): each bullet and sub-point, where it is written, totals."""
    warn = "yellow"
    out = Text()
    out.append(f"{one_line(draft)}: outline {outline_version.short} -> prose {prose_version.short}\n", style="bold")

    def where(placement: Any, with_section: bool) -> Text:
        if not placement.covered:
            return Text(f"{placement.state} ({placement.score:.2f}; {coverage_certainty(placement)})", style=warn)
        part = Text()
        if with_section:
            part.append(one_line(placement.section.title), style="bold")
            part.append(f" [{one_line(placement.section.key)}]", style="grey50")
        if placement.paragraph is not None:
            part.append(f"{', ' if with_section else ''}paragraph {placement.paragraph.index}: ")
            part.append(one_line(placement.paragraph.first_words), style="italic")
        part.append(f" ({placement.score:.2f}; {coverage_certainty(placement)})",
                    style="grey50" if placement.confidence_level != "low" else warn)
        return part

    for b in cov.bullets:
        line = Text("- ")
        line.append(one_line(b.title), style="bold" if b.covered else warn)
        if b.points:
            line.append(f"  {b.points_covered}/{len(b.points)} sub-points",
                        style="green" if b.points_covered == len(b.points) else warn)
        line.append("  -> ")
        line.append_text(where(b.placement, True))
        out.append_text(line)
        out.append("\n")
        for p in b.points:
            sub = Text("    " * p.depth + "- ")
            sub.append(one_line(p.text), style="" if p.covered else warn)
            sub.append("  -> ")
            same = p.placement.section is not None and p.placement.section is b.placement.section
            sub.append_text(where(p.placement, not same))
            out.append_text(sub)
            out.append("\n")
    undecided = f", {cov.bullets_undecided} not enough text to judge" if cov.bullets_undecided else ""
    out.append(f"bullets written: {cov.bullets_covered}/{len(cov.bullets)} ({cov.bullet_share * 100:.0f}%){undecided}, "
               f"sub-points: {cov.points_covered}/{cov.points_total} ({cov.point_share * 100:.0f}%)",
               style="bold")
    return out


#: How a hidden character shown as ``<U+XXXX>`` is marked (it was not typed as such).
HIDDEN_STYLE = "reverse red"


def thread_text(thread: Any, placement: Any, doc: Any, version: Any) -> Text:
    """One review thread with its placement on *version* (``reviewtool comments``)."""
    state_style = {"exact": "green", "moved": "cyan", "fuzzy": "yellow", "outdated": "red",
                   "orphaned": "red"}.get(placement.state, "")
    sec = doc.get(placement.section_key) if placement.section_key else None
    where = sec.title if sec is not None else ("whole draft" if placement.scope == "version" else "(section gone)")
    state = placement.state + (f" {placement.score:.2f}" if placement.state == "fuzzy" else "")
    text = Text()
    text.append(one_line(thread.id[:8]), style="yellow")  # ids come from the notes: untrusted
    text.append("  ")
    if thread.retracted:
        text.append("retracted", style="grey50 italic")
    else:
        text.append(thread.status, style="bold" if thread.status == "open" else "grey50")
    text.append("  ")
    text.append(state, style=state_style)
    text.append("  ")
    text.append(one_line(where), style="bold")
    if thread.anchor.commit != version.commit:
        text.append(f"  (made on {one_line(thread.anchor.commit[:8])})", style="grey50")
    text.append(f"\n{one_line(thread.author)} <{one_line(thread.email)}>, {thread.created[:16].replace('T', ' ')} UTC",
                style="grey50")
    if thread.anchor.exact:
        for line in clean(thread.anchor.exact).splitlines() or [""]:
            text.append(f"\n  > {line}", style="italic")
        if placement.quote_found and placement.quote_found != thread.anchor.exact:
            text.append(f"\n  now: {one_line(placement.quote_found)}", style="yellow")
    if thread.retracted:
        text.append("\n  (retracted by its author)", style="grey50 italic")
    else:
        for line in clean(thread.body).splitlines():
            text.append(f"\n  {line}")
    if thread.suggestion is not None:
        applied = " (applied)" if thread.applied is not None else ""
        text.append(f"\n  suggested{applied}: ", style="bold")
        text.append(one_line(thread.anchor.exact or ""), style="red strike")
        text.append(" -> ")
        text.append(one_line(thread.suggestion), style="green")
    for reply in thread.replies:
        text.append(f"\n    ↳ {one_line(reply.author)}: ", style="grey50")
        text.append("(retracted)" if reply.retracted else one_line(reply.body))
    for event in thread.refused:  # kept in the notes, shown, without effect
        text.append(f"\n  refused: {one_line(event.type)} by {one_line(event.author or event.email)} "
                    f"(only the author may {one_line(event.type)} a comment)", style="grey50 italic")
    text.highlight_regex(REVEALED, style=HIDDEN_STYLE)  # hidden characters, shown: marked
    return text
