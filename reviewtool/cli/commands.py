"""The whole `reviewtool` command line: the click group with every command registered on it.

Import :func:`main` from here (not from :mod:`reviewtool.cli.group`, where the group is
defined): this module tells the group which module registers each command
(:data:`COMMAND_MODULES`), imported when that command is first looked up.
Where each command lives: :mod:`~reviewtool.cli.history_commands` (drafts, log, sections,
show, history), :mod:`~reviewtool.cli.diff_commands` (diff, coverage),
:mod:`~reviewtool.cli.comment_commands` (comment ..., comments),
:mod:`~reviewtool.cli.notes_commands` (init, sync, export, doctor),
:mod:`~reviewtool.cli.review_commands` (review ..., status) and
:mod:`~reviewtool.cli.tui_commands` (tui, demo).
"""

from __future__ import annotations

from reviewtool.cli.group import main

__all__ = ["COMMAND_MODULES", "main", "run"]

#: Each top-level command and the module that registers it on `main` when imported: a run
#: imports the module of its command only (start-up stays short); ``--help`` imports them all.
#: tests/test_startup_imports.py checks this list against what the modules register.
COMMAND_MODULES = {
    **dict.fromkeys(("comment", "comments"), "reviewtool.cli.comment_commands"),
    **dict.fromkeys(("diff", "coverage"), "reviewtool.cli.diff_commands"),
    **dict.fromkeys(("drafts", "log", "sections", "show", "history"), "reviewtool.cli.history_commands"),
    **dict.fromkeys(("export", "init", "sync", "doctor"), "reviewtool.cli.notes_commands"),
    **dict.fromkeys(("review", "status"), "reviewtool.cli.review_commands"),
    **dict.fromkeys(("demo", "tui"), "reviewtool.cli.tui_commands"),
}
main.lazy = COMMAND_MODULES


def run(argv: list[str] | None = None) -> int:
    """Run the CLI in-process and return the exit status (for tests)."""
    try:
        main.main(args=argv, prog_name="reviewtool", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0
