"""Long output through a pager, as git does it.

When stdout is a terminal, the reading commands (``log``, ``diff``, ``show``,
``sections``, ``history``, ``comments``, ``coverage``, ``drafts``) write their output
into a buffer laid out for that terminal (its width, its colours), and the buffer
goes to a pager when the command ends. Nothing is paged when stdout is not a terminal,
with ``--no-pager`` (``-P``), or when the command printed nothing.

Which pager, in git's order: ``$GIT_PAGER``, then ``core.pager`` (git config), then
``$PAGER``, then ``less -FRX`` (quit when the text fits the screen, keep colours, leave
the text on the screen). An empty value or ``cat`` means no pager. A command with
shell syntax (``diff-so-fancy | less -R``) runs through ``sh -c`` as in git; ``LESS``
defaults to ``FRX`` and ``LV`` to ``-c``, as git sets them. The pager itself is run by
click's pager plumbing (:func:`click.get_pager_file`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from reviewtool.cli import output

DEFAULT_PAGER = "less -FRX"
#: Commands whose output is paged on a terminal.
PAGED_COMMANDS = frozenset({"log", "diff", "show", "sections", "history", "comments", "coverage", "drafts"})
#: Characters for which a pager command runs through the shell (git's list, less the blanks).
_SHELL_SYNTAX = set("|&;<>()$`\\\"'\n*?[#~=%")


def pager_command(core_pager: Callable[[], str | None]) -> str | None:
    """The pager to run: ``GIT_PAGER``, ``core.pager`` (asked of *core_pager* only when
    needed), ``PAGER``, else :data:`DEFAULT_PAGER`; None when that is empty or ``cat``."""
    command = os.environ.get("GIT_PAGER")
    if command is None:
        command = core_pager()
    if command is None:
        command = os.environ.get("PAGER")
    if command is None:
        command = DEFAULT_PAGER
    command = command.strip()
    return None if not command or command == "cat" else command


def _click_form(command: str) -> str:
    """*command* as click reads ``PAGER`` (split into words, run without a shell): as it is
    when it is plain words, else wrapped in ``sh -c`` (pipes, redirections, quotes, variables)."""
    if set(command) & _SHELL_SYNTAX:
        import shlex

        return f"sh -c {shlex.quote(command)}"
    return command


def page(text: str, command: str) -> None:
    """Show *text* through the pager *command* (click's plumbing; stdout when it cannot run)."""
    saved = {key: os.environ.get(key) for key in ("PAGER", "LESS", "LV")}
    os.environ["PAGER"] = _click_form(command)
    os.environ.setdefault("LESS", "FRX")
    os.environ.setdefault("LV", "-c")
    try:
        with click.get_pager_file(color=True) as stream:
            stream.write(text)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def paged(core_pager: Callable[[], str | None]) -> Iterator[None]:
    """Collect the output of the block as the terminal would show it, then page it (or
    write it out when there is no pager to run). Output written before an error is kept."""
    from rich.console import Console  # the terminal's width and colours, as Rich sees them

    terminal = Console()
    buffer = io.StringIO()
    try:
        with output.redirected(output.Destination(buffer, terminal.width, terminal.color_system)):
            yield
    finally:
        text = buffer.getvalue()
        if text:
            command = pager_command(core_pager)
            if command is None:
                click.echo(text, nl=False, color=True)
            else:
                page(text, command)
