"""The command line: click commands (:mod:`reviewtool.cli.commands` gathers them) and their output
(:mod:`reviewtool.cli.render`). The top of the stack, beside the TUI, which it starts."""

from __future__ import annotations


def main() -> None:
    """The ``reviewtool`` console script."""
    from reviewtool.cli.commands import main as run

    run()
