"""`tui` (the terminal UI on the current repository; also `reviewtool` alone) and `demo`
(the bundled demo history in a fresh repository, then the UI on it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reviewtool.cli.group import Context, draft_option, main, pass_ctx
from reviewtool.errors import ReviewtoolError, UsageError


@main.command("demo")
@click.option("--path", type=click.Path(file_okay=False),
              help="Where to build the demo repository (default: a temp dir).")
@click.option("--no-tui", is_flag=True, help="Only build the repository; do not open the UI.")
@pass_ctx
def demo_command(ctx: Context, path: str | None, no_tui: bool) -> None:
    """Build the bundled demo history into a fresh repository and open the UI on it."""
    from reviewtool.demo.builder import build_demo

    where = build_demo(Path(path) if path else None)
    click.echo(f"demo repository: {where}")
    if no_tui or not sys.stdout.isatty() or not sys.stdin.isatty():
        click.echo(f"try: reviewtool -C {where} log")
        return
    ctx.cwd = where
    ctx._repo = None
    _run_tui(ctx, None)


def _run_tui(ctx: Context, draft: str | None, first_parent: bool = False, no_merges: bool = False) -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the terminal UI needs a terminal on stdin and stdout; "
                         "for scripts, use the commands (reviewtool --help)")
    try:
        from reviewtool.tui.app import ReviewApp
    except ImportError as exc:  # pragma: no cover - the TUI ships with the package
        raise ReviewtoolError(f"the terminal UI is not available: {exc}") from None
    app = ReviewApp(repo_path=ctx.cwd, draft=draft, use_cache=ctx.use_cache,
                    first_parent=first_parent, no_merges=no_merges)
    app.run()


@main.command("tui")
@draft_option
@click.option("--first-parent", is_flag=True,
              help="Only the first-parent line (as git): a merge is one version with its branch's change. "
                   "F toggles it in the UI.")
@click.option("--no-merges", is_flag=True, help="Leave merges out. M toggles it in the UI.")
@pass_ctx
def tui_command(ctx: Context, draft: str | None, first_parent: bool = False, no_merges: bool = False) -> None:
    """Open the terminal UI on the current repository."""
    _run_tui(ctx, draft or ctx.default_draft, first_parent=first_parent, no_merges=no_merges)
