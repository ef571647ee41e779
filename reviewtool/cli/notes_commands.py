"""Notes and remote commands: `init` (set up review notes for a remote), `sync` (fetch, merge,
push them), `export` (the review as Markdown, JSON or HTML) and `doctor` (registered here
from :mod:`reviewtool.cli.doctor_cli`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from reviewtool.cli.comment_commands import review_store, threads_on
from reviewtool.cli.doctor_cli import doctor_command
from reviewtool.cli.group import (
    Context,
    draft_option,
    emit_json,
    json_option,
    main,
    pass_ctx,
    render,
    revision_argument,
)
from reviewtool.cli.output import out as output_stream
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.textsafe import one_line


@main.command("export")
@revision_argument()
@draft_option
@click.option("-f", "--format", "fmt", type=click.Choice(["markdown", "json", "html"]), default="markdown",
              show_default=True, help="Output format.")
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write to FILE ('-' or none: stdout); never through a symbolic link without --force.")
@click.option("--force", is_flag=True, help="Overwrite FILE when it exists (a symbolic link: write its target).")
@click.option("--status", type=click.Choice(["open", "resolved", "all"]), default="all", show_default=True,
              help="Which threads to export.")
@click.option("--author", metavar="EMAIL", help="Only threads by this reviewer.")
@click.option("--since", metavar="DATE", help="Only threads with activity on or after DATE (ISO date).")
@click.option("--version", "version_rev", metavar="REV", help="Only version REV (as REV does).")
@click.option("--from", "from_rev", metavar="REV", help="From version REV to the newest.")
@json_option
@pass_ctx
def export_command(ctx: Context, rev: str | None, draft: str | None, fmt: str, output: str | None, force: bool,
                   status: str, author: str | None, since: str | None, version_rev: str | None,
                   from_rev: str | None, as_json: bool) -> None:
    """Export the review of the draft as Markdown, JSON or HTML: threads, verdicts, open
    review requests and viewed coverage.

    Scope: the whole draft (every version; the default), one version (REV or --version
    REV), or --from REV to the newest. Threads are shown on the newest version (on REV
    for one version).
    """
    from reviewtool.draft.history import DraftHistory
    from reviewtool.review.export import export, parse_since, write_export
    from reviewtool.review.status import review_summary, version_line
    from reviewtool.review.workflow_store import WorkflowStore

    parse_since(since)  # a bad date fails before anything else
    if rev is not None and version_rev is not None:
        raise UsageError("name the version once: REV or --version REV")
    version_rev = version_rev if version_rev is not None else rev
    if version_rev is not None and from_rev is not None:
        raise UsageError("--version and --from are two scopes: give one")
    if output == "":
        raise UsageError("empty file name for -o (use -o - for stdout)")
    target = (ctx.cwd / output) if output and output != "-" else None
    if target is not None and not force and (target.is_symlink() or target.exists()):
        write_export(target, "", force=False, shown=output)  # refuses, saying why, before the work
    if as_json and target is None:
        fmt = "json"
    hist, v, items, _problems = threads_on(ctx, draft, version_rev)
    committed = DraftHistory(ctx.repo, hist.draft, include_worktree=False, use_cache=ctx.use_cache)
    line = version_line(committed)
    in_scope: Callable[[Any], bool] | None
    if version_rev is not None:
        kind, first = "version", None
        in_scope = lambda anchor: anchor.commit == v.commit  # noqa: E731
    elif from_rev is not None:
        kind, first = "from", hist.find(from_rev)
        if first.is_worktree:
            raise ReviewtoolError("--from needs a committed version")
        start = first

        def in_scope(anchor: Any) -> bool:
            return line.at_or_after(anchor.commit, anchor.blob, start.commit, start.blob)

        items = [(t, p) for t, p in items if in_scope(t.anchor)]
    else:
        kind, first, in_scope = "draft", None, None
    data = WorkflowStore(review_store(ctx)).load()
    review = review_summary(committed, data.workflow, v, in_scope, line)
    doc = hist.document(v)
    text = export(items, fmt, title=doc.title, draft=hist.draft, version=v, document=doc,
                  status=status, author=author, since=since,
                  scope={"kind": kind, "from": first.commit if first is not None else None}, review=review)
    if target is None:
        output_stream().write(text)
        return
    size = write_export(target, text, force=force, shown=output)
    if as_json:
        emit_json({"path": str(target), "format": fmt, "bytes": size})
    else:
        render.print_text(f"wrote {output} ({fmt})")


# ------------------------------------------------------------------ init / sync


@main.command("init")
@click.argument("remote", required=False, metavar="[REMOTE]")
@json_option
@pass_ctx
def init_command(ctx: Context, remote: str | None, as_json: bool) -> None:
    """Set up review notes: keep them through amend/rebase, fetch and push them with REMOTE (default: origin)."""
    from reviewtool.review.sync import init_repo

    result = init_repo(ctx.repo, remote)
    if as_json:
        emit_json(result.to_dict())
        return
    for change in result.changes:
        verb = "git config --add" if change["action"] == "add" else "git config"
        render.print_text(f"{verb} {change['key']} {change['value']}")
    if not result.changes:
        render.print_text("already set up: nothing changed")
    for warning in result.warnings:
        click.echo(f"reviewtool: warning: {one_line(warning)}", err=True)
    if result.remote is None and result.remotes:
        render.print_text(f"no remote named origin: review notes stay local (remotes here: "
                          f"{', '.join(result.remotes)}; run `reviewtool init {result.remotes[0]}`)")
    elif result.remote is None:
        render.print_text("no remote configured: notes stay local (run `reviewtool init REMOTE` after adding one)")


@main.command("sync")
@click.argument("remote", required=False, default="origin", metavar="[REMOTE]")
@json_option
@pass_ctx
def sync_command(ctx: Context, remote: str, as_json: bool) -> None:
    """Fetch review notes from REMOTE (default: origin), merge them with yours, push the result."""
    from reviewtool.review.sync import sync

    # Steps go to stderr, and only on a terminal: stdout stays the result (and --json clean).
    progress = (lambda line: click.echo(one_line(line), err=True)) if sys.stderr.isatty() else None
    result = sync(ctx.repo, remote, progress=progress)
    if as_json:
        emit_json(result.to_dict())
        return
    render.print_text(result.summary())
    for notice in result.notices():
        render.print_text(notice)


main.add_command(doctor_command)
