"""The ``reviewtool`` command line (click). Every command also speaks ``--json``.

Errors from the core (:class:`ReviewtoolError`) become one line on stderr and a
non-zero exit status (2 for usage errors); no traceback reaches the user.
"""

from __future__ import annotations

import os
import sys
from functools import update_wrapper
from pathlib import Path
from typing import Any, Callable

import click
from rich.text import Text

from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.gitrepo import GitRepo
from reviewtool.history import DraftHistory, Version, find_drafts, resolve_draft
from reviewtool.textsafe import one_line
from reviewtool import render


class Context:
    """Per-invocation state: where we run and the repository, opened lazily."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self._repo: GitRepo | None = None

    @property
    def repo(self) -> GitRepo:
        if self._repo is None:
            self._repo = GitRepo.open(self.cwd)
        return self._repo

    def draft(self, draft: str | None) -> str:
        return resolve_draft(self.repo, draft, cwd=self.cwd)

    def history(self, draft: str | None) -> DraftHistory:
        return DraftHistory(self.repo, self.draft(draft))


pass_ctx = click.make_pass_decorator(Context)


def draft_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("-d", "--draft", "draft", metavar="PATH",
                        help="The draft to use (optional when the repository has one draft).")(f)


def json_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(f)


def revision_argument(name: str = "rev", required: bool = False) -> Callable[..., Any]:
    return click.argument(name, required=required, metavar=name.upper())


class ReviewtoolGroup(click.Group):
    """A click group that turns :class:`ReviewtoolError` into one clean line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReviewtoolError as exc:
            fail(str(exc), exc.exit_code)
        except BrokenPipeError:
            # `reviewtool log | head`: stop quietly like git does.
            sys.stderr.close()
            raise SystemExit(0)


def fail(message: str, code: int = 1) -> None:
    """Print ``reviewtool: error: MESSAGE`` on stderr and exit with *code*."""
    click.echo(f"reviewtool: error: {one_line(message)}", err=True)
    raise SystemExit(code)


@click.group(cls=ReviewtoolGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "directory", metavar="PATH", multiple=True, type=click.Path(file_okay=False),
              help="Run as if started in PATH (like git -C).")
@draft_option
@click.version_option(package_name="reviewtool")
@click.pass_context
def main(click_ctx: click.Context, directory: tuple[str, ...], draft: str | None) -> None:
    """Review Markdown essays kept in git: history, section diffs, comments in git notes.

    Without a command, opens the terminal UI on the current repository.
    """
    cwd = Path.cwd()
    for d in directory:
        cwd = (cwd / d) if not os.path.isabs(d) else Path(d)
        if not cwd.is_dir():
            fail(f"cannot change to {d!r}: no such directory", 1)
    click_ctx.obj = Context(cwd)
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(tui_command, draft=draft)


# ------------------------------------------------------------------ drafts


@main.command("drafts")
@json_option
@pass_ctx
def drafts_command(ctx: Context, as_json: bool) -> None:
    """List the drafts of the repository (Markdown files under drafts/)."""
    repo = ctx.repo
    if not repo.has_commits():
        raise ReviewtoolError("the repository has no commits yet: commit a draft under drafts/ first")
    paths = find_drafts(repo)
    rows = []
    for path in paths:
        hist = DraftHistory(repo, path, include_worktree=False)
        newest = hist.versions[0] if hist.versions else None
        doc = hist.document(newest) if newest and newest.blob else None
        rows.append({
            "path": path,
            "title": doc.title if doc else None,
            "versions": len(hist.versions),
            "words": doc.words if doc else 0,
            "last_commit": newest.commit if newest else None,
            "last_date": newest.date.isoformat() if newest else None,
        })
    if as_json:
        render.emit_json({"drafts": rows})
        return
    if not rows:
        render.print_text("no drafts under drafts/ (any tracked Markdown file works with -d PATH)")
        return
    render.table([("path", "left"), ("title", "left"), ("versions", "right"), ("words", "right"),
                  ("last change", "left")],
                 [(r["path"], r["title"], r["versions"], r["words"], (r["last_date"] or "")[:10]) for r in rows])


# ------------------------------------------------------------------ log


def version_stats(hist: DraftHistory, v: Version) -> dict[str, Any]:
    if v.blob is None and not v.is_worktree:
        return {"words": 0, "sections": 0, "prose_share": 0.0, "deleted": True}
    return hist.document(v).stats()


@main.command("log")
@draft_option
@click.option("-n", "--max-count", type=click.IntRange(min=1), help="Show at most N versions.")
@json_option
@pass_ctx
def log_command(ctx: Context, draft: str | None, max_count: int | None, as_json: bool) -> None:
    """The draft's versions, newest first, following renames: words, sections, prose share."""
    hist = ctx.history(draft)
    versions = hist.versions[:max_count] if max_count else hist.versions
    entries = []
    for v in versions:
        entries.append({**v.to_dict(), **version_stats(hist, v)})
    if as_json:
        render.emit_json({"draft": hist.draft, "versions": entries})
        return
    rows = []
    for v, e in zip(versions, entries):
        rows.append((
            Text(v.short, style="yellow"),
            render.short_date(v.date),
            v.author,
            v.subject + (f" (renamed from {v.old_path})" if v.old_path else ""),
            e["words"],
            e["sections"],
            render.share_bar(e["prose_share"]) if render.is_terminal() else f"{e['prose_share'] * 100:.0f}%",
        ))
    render.table([("version", "left"), ("date", "left"), ("author", "left"), ("subject", "left"),
                  ("words", "right"), ("sections", "right"), ("prose", "left")], rows,
                 title=f"{hist.draft}: {len(hist.versions)} versions")


# ------------------------------------------------------------------ sections / show


def _version_arg(hist: DraftHistory, rev: str | None) -> Version:
    return hist.find(rev) if rev else hist.versions[0]


@main.command("sections")
@revision_argument()
@draft_option
@json_option
@pass_ctx
def sections_command(ctx: Context, rev: str | None, draft: str | None, as_json: bool) -> None:
    """The section tree of the draft at REV (default: the newest version)."""
    hist = ctx.history(draft)
    v = _version_arg(hist, rev)
    doc = hist.document(v)
    if as_json:
        render.emit_json({"draft": hist.draft, "version": v.to_dict(), **doc.to_dict()})
        return
    for problem in doc.problems:
        click.echo(f"reviewtool: warning: {one_line(problem)}", err=True)
    rows = []
    for s in doc.sections:
        depth = len(s.key.split("/")) - 1
        kind_style = {"prose": "green", "outline": "magenta", "empty": "grey50"}.get(s.body_kind, "cyan")
        rows.append((
            Text("  " * depth + s.title, style="bold" if s.kind == "heading" else ""),
            Text(s.kind),
            Text(s.body_kind, style=kind_style),
            s.words,
            s.words_all,
            s.key,
        ))
    render.table([("section", "left"), ("kind", "left"), ("body", "left"), ("words", "right"),
                  ("with children", "right"), ("key", "left")], rows,
                 title=f"{hist.draft} at {v.short}: {doc.words} words, prose share {doc.prose_share * 100:.0f}%")


@main.command("show")
@revision_argument()
@draft_option
@click.option("-s", "--section", "section_key", metavar="KEY", help="Only this section (with its children).")
@json_option
@pass_ctx
def show_command(ctx: Context, rev: str | None, draft: str | None, section_key: str | None, as_json: bool) -> None:
    """The draft's text at REV, or one section of it."""
    hist = ctx.history(draft)
    v = _version_arg(hist, rev)
    doc = hist.document(v)
    if section_key is not None:
        section = doc.get(section_key)
        if section is None:
            raise ReviewtoolError(f"no section {section_key!r} at {v.short} (see `reviewtool sections`)")
        text = doc.full_text(section)
    else:
        section = None
        text = doc.text
    if as_json:
        render.emit_json({"draft": hist.draft, "version": v.to_dict(),
                          "section": section.to_dict(doc) if section else None, "text": text})
        return
    render.print_text(text)


# ------------------------------------------------------------------ demo / tui


@main.command("demo")
@click.option("--path", type=click.Path(file_okay=False), help="Where to build the demo repository (default: a temp dir).")
@click.option("--no-tui", is_flag=True, help="Only build the repository; do not open the UI.")
@pass_ctx
def demo_command(ctx: Context, path: str | None, no_tui: bool) -> None:
    """Build the bundled demo history into a fresh repository and open the UI on it."""
    from reviewtool.demo import build_demo

    where = build_demo(Path(path) if path else None)
    click.echo(f"demo repository: {where}")
    if no_tui or not sys.stdout.isatty() or not sys.stdin.isatty():
        click.echo(f"try: reviewtool -C {where} log")
        return
    ctx.cwd = where
    ctx._repo = None
    _run_tui(ctx, None)


def _run_tui(ctx: Context, draft: str | None) -> None:
    try:
        from reviewtool.tui.app import ReviewApp
    except ImportError as exc:  # pragma: no cover - the TUI ships with the package
        raise ReviewtoolError(f"the terminal UI is not available: {exc}") from None
    app = ReviewApp(repo_path=ctx.cwd, draft=draft)
    app.run()


@main.command("tui")
@draft_option
@pass_ctx
def tui_command(ctx: Context, draft: str | None) -> None:
    """Open the terminal UI on the current repository."""
    _run_tui(ctx, draft)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI in-process and return the exit status (for tests)."""
    try:
        main.main(args=argv, prog_name="reviewtool", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0
