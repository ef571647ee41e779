"""The whole `reviewtool` command line: the click group with every command registered on it.

Import :func:`main` from here (not from :mod:`reviewtool.cli.group`, where the group is
defined): importing this module imports every command module, so the group is complete.
Where each command lives: :mod:`~reviewtool.cli.history_commands` (drafts, log, sections,
show, history), :mod:`~reviewtool.cli.diff_commands` (diff, coverage),
:mod:`~reviewtool.cli.comment_commands` (comment ..., comments),
:mod:`~reviewtool.cli.notes_commands` (init, sync, export, doctor),
:mod:`~reviewtool.cli.review_commands` (review ..., status) and
:mod:`~reviewtool.cli.tui_commands` (tui, demo).
"""

from __future__ import annotations

# Each module registers its commands on `main` when imported.
from reviewtool.cli import (  # noqa: F401
    comment_commands,
    diff_commands,
    history_commands,
    notes_commands,
    review_commands,
    tui_commands,
)
from reviewtool.cli.group import main

__all__ = ["main", "run"]


def run(argv: list[str] | None = None) -> int:
    """Run the CLI in-process and return the exit status (for tests)."""
    try:
        main.main(args=argv, prog_name="reviewtool", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0
