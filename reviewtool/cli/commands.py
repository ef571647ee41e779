"""The ``reviewtool`` command line (click). Every command also speaks ``--json``.

Errors from the core (:class:`ReviewtoolError`) become one line on stderr and a
non-zero exit status (2 for usage errors); no traceback reaches the user.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import click

from reviewtool import __version__
from reviewtool.cli import output
from reviewtool.cli.doctor_cli import doctor_command
from reviewtool.cli.output import Progress
from reviewtool.cli.output import out as output_stream
from reviewtool.cli.pager import PAGED_COMMANDS, paged
from reviewtool.diff.hunks import DEFAULT_CONTEXT
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.textsafe import one_line
from reviewtool.wording import short_date

if TYPE_CHECKING:
    from reviewtool.draft.discovery import DraftChoice
    from reviewtool.draft.history import DraftHistory, Version
    from reviewtool.git.repo import GitRepo
    from reviewtool.review.store import ReviewStore


class _OnFirstUse:
    """A module imported on first attribute access: every command imports only what it uses
    (Rich for tables and redlines, the parser for drafts), so start-up stays short."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


render: Any = _OnFirstUse("reviewtool.cli.render")


class Context:
    """Per-invocation state: where we run and the repository, opened lazily."""

    def __init__(self, cwd: Path, draft: str | None = None, as_json: bool = False, use_cache: bool = True) -> None:
        self.cwd = cwd
        #: ``reviewtool -d PATH``: the draft of every command that does not name its own.
        self.default_draft = draft
        #: ``reviewtool --json COMMAND``: every command prints JSON.
        self.as_json = as_json
        #: How the draft in use was chosen (set by :meth:`draft`).
        self.draft_choice: DraftChoice | None = None
        #: False with ``reviewtool --no-cache``: the persistent cache is neither read nor written.
        self.use_cache = use_cache
        self._repo: GitRepo | None = None

    @property
    def repo(self) -> GitRepo:
        if self._repo is None:
            from reviewtool.git.repo import GitRepo

            self._repo = GitRepo.open(self.cwd)
        return self._repo

    def core_pager(self) -> str | None:
        """``git config core.pager`` (None when unset, or outside a repository)."""
        try:
            return self.repo.config_get("core.pager")
        except ReviewtoolError:
            return None

    def draft(self, draft: str | None) -> str:
        """The draft to work on (``-d``, ``git config reviewtool.draft``, the conventional folders).

        When it was not named with ``-d``, which one is in use is said on stderr when that is
        a terminal (and in the JSON output as ``draft_source``).
        """
        from reviewtool.draft.discovery import choose_draft

        choice = choose_draft(self.repo, draft or self.default_draft, cwd=self.cwd)
        if choice.how != "option" and self.draft_choice != choice and sys.stderr.isatty():
            click.echo(f"reviewtool: draft: {one_line(choice.describe())}", err=True)
        self.draft_choice = choice
        return choice.path

    def history(self, draft: str | None, first_parent: bool = False) -> DraftHistory:
        from reviewtool.draft.history import DraftHistory

        return DraftHistory(self.repo, self.draft(draft), first_parent=first_parent, use_cache=self.use_cache)


pass_ctx = click.make_pass_decorator(Context)


def emit_json(data: dict[str, Any]) -> None:
    """Print *data* as JSON; with the draft in use, how it was chosen (``draft_source``)."""
    ctx = click.get_current_context(silent=True)
    state = ctx.find_object(Context) if ctx is not None else None
    choice = state.draft_choice if state is not None else None
    if choice is not None and data.get("draft") == choice.path and "draft_source" not in data:
        data = {**data, "draft_source": choice.to_dict()}
    output.emit_json(data)


def draft_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("-d", "--draft", "draft", metavar="PATH",
                        help="The draft to use (optional when the repository has one draft).")(f)


def _json_wanted(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """A command's ``--json``, or the global one (``reviewtool --json log``)."""
    state = ctx.find_object(Context)
    return bool(value or (state is not None and state.as_json))


def json_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, callback=_json_wanted,
                        help="Print JSON for scripts (also a global option: reviewtool --json COMMAND).")(f)


def revision_argument(name: str = "rev", required: bool = False) -> Callable[..., Any]:
    metavar = name.upper() if required else f"[{name.upper()}]"  # optional: in brackets, as click's own
    return click.argument(name, required=required, metavar=metavar)


class ReviewtoolGroup(click.Group):
    """A click group that turns :class:`ReviewtoolError` and click's usage errors into one clean line."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:  # a bad option of the group itself
            _usage_fail(exc)
            raise  # unreachable: _usage_fail exits

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:  # unknown command, bad option or argument of a command
            _usage_fail(exc)
        except ReviewtoolError as exc:
            fail(str(exc), exc.exit_code)
        except click.ClickException as exc:  # e.g. the editor failed: not a bug, one line
            fail(exc.format_message(), exc.exit_code)
        except BrokenPipeError:
            # `reviewtool log | head`: stop quietly like git does.
            sys.stderr.close()
            raise SystemExit(0) from None
        except KeyboardInterrupt:
            raise SystemExit(130) from None
        except (click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug: one line, the traceback on request
            if os.environ.get("REVIEWTOOL_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set REVIEWTOOL_DEBUG=1 for the traceback)", 3)


def fail(message: str, code: int = 1) -> None:
    """Print ``reviewtool: error: MESSAGE`` on stderr and exit with *code*."""
    click.echo(f"reviewtool: error: {one_line(message)}", err=True)
    raise SystemExit(code)


def _usage_fail(exc: click.UsageError) -> None:
    """A click usage error as one line (exit 2), pointing at the command's --help.

    A command group run without its subcommand shows its help instead (on stderr, exit 2).
    """
    if exc.ctx is not None and (isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ()))
                                or exc.format_message() == exc.ctx.get_help()):
        click.echo(exc.ctx.get_help(), err=True)
        raise SystemExit(2)
    hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
    fail(exc.format_message() + hint, 2)


@click.group(cls=ReviewtoolGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "directory", metavar="PATH", multiple=True, type=click.Path(file_okay=False),
              help="Run as if started in PATH (like git -C).")
@draft_option
@click.option("-P", "--no-pager", is_flag=True,
              help="Do not pipe output into a pager (by default: $GIT_PAGER, core.pager, $PAGER or less -FRX "
                   "when stdout is a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts, whatever the command.")
@click.option("--no-cache", is_flag=True,
              help="Neither read nor write the cache of parsed versions (.git/reviewtool/cache/).")
@click.version_option(__version__, prog_name="reviewtool")
@click.pass_context
def main(click_ctx: click.Context, directory: tuple[str, ...], draft: str | None, no_pager: bool,
         as_json: bool, no_cache: bool) -> None:
    """Review Markdown essays kept in git: history, section diffs, comments in git notes.

    Without a command, opens the terminal UI on the current repository.
    """
    cwd = Path.cwd()
    for d in directory:
        cwd = (cwd / d) if not os.path.isabs(d) else Path(d)
        if not cwd.is_dir():
            fail(f"cannot change to {d!r}: no such directory", 1)
    ctx = click_ctx.obj = Context(cwd, draft, as_json, use_cache=not no_cache)
    if click_ctx.invoked_subcommand is None and as_json:
        raise UsageError("--json goes with a command (the terminal UI has no JSON): e.g. reviewtool --json log")
    if not no_pager and click_ctx.invoked_subcommand in PAGED_COMMANDS and sys.stdout.isatty():
        click_ctx.with_resource(paged(ctx.core_pager))
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(tui_command, draft=draft)


# ------------------------------------------------------------------ drafts


@main.command("drafts")
@json_option
@pass_ctx
def drafts_command(ctx: Context, as_json: bool) -> None:
    """List the drafts to choose from: the Markdown files under drafts/ (else _drafts/ and
    _posts/, content/, docs/: the first of them that has any)."""
    from reviewtool.draft.discovery import CONFIG_KEY, draft_candidates
    from reviewtool.draft.history import DraftHistory

    repo = ctx.repo
    if not repo.has_commits():
        raise ReviewtoolError("the repository has no commits yet: commit a draft under drafts/ first")
    where, paths = draft_candidates(repo)
    configured = repo.config_get(CONFIG_KEY)
    rows: list[dict[str, Any]] = []
    for path in paths:
        hist = DraftHistory(repo, path, include_worktree=False, use_cache=ctx.use_cache)
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
        emit_json({"drafts": rows, "where": where or None, "configured": configured})
        return
    if configured:
        render.print_text(f"git config {CONFIG_KEY}: {configured} (the draft when -d is not given)")
    if not rows:
        render.print_text("no drafts under drafts/, _drafts/, _posts/, content/ or docs/ "
                          "(any tracked Markdown file works with -d PATH)")
        return
    render.table([("path", "left"), ("title", "left"), ("versions", "right"), ("words", "right"),
                  ("last change", "left")],
                 [(r["path"], r["title"], r["versions"], r["words"], (r["last_date"] or "")[:10]) for r in rows],
                 title=f"drafts under {where}")


# ------------------------------------------------------------------ log


@main.command("log")
@draft_option
@click.option("-n", "--max-count", type=click.IntRange(min=1), help="Show at most N versions.")
@click.option("--first-parent", is_flag=True,
              help="Only the first-parent line (as git): a merge is one version with its branch's change.")
@click.option("--no-merges", is_flag=True, help="Leave merges out.")
@json_option
@pass_ctx
def log_command(ctx: Context, draft: str | None, max_count: int | None, first_parent: bool, no_merges: bool,
                as_json: bool) -> None:
    """The draft's versions, newest first, following renames: words, sections, prose share, and
    what each version changed against its first parent (as git: a merge's change is against its
    first parent; `reviewtool diff M^2 M` shows the other side)."""
    from reviewtool.diff.version_change import version_change

    hist = ctx.history(draft, first_parent=first_parent)
    versions = [v for v in hist.versions if not (no_merges and v.is_merge)]
    shown = versions[:max_count] if max_count else versions
    changes = []
    entries = []
    with Progress("reading versions", len(shown)) as progress:
        for done, v in enumerate(shown, 1):
            c = version_change(hist, v)
            changes.append(c)
            entries.append({**v.to_dict(), **hist.stats(v), "change": c.to_dict() if c else None})
            progress(done)
    if as_json:
        emit_json({"draft": hist.draft, "first_parent": first_parent, "versions": entries})
        return
    from rich.text import Text

    rows = []
    for v, e, c in zip(shown, entries, changes):
        subject = v.subject + (f" (renamed from {v.old_path})" if v.old_path else "")
        rows.append((
            Text(v.short, style="yellow"),
            short_date(v.date),
            v.author,
            Text.assemble(("[merge] ", "magenta"), subject) if v.is_merge else subject,
            e["words"],
            e["sections"],
            render.share_cell(e["prose_share"]),
            render.change_cell(c.counts if c else None, deleted=bool(e.get("deleted")), renamed=v.status == "R"),
        ))
    line = " (first-parent line)" if first_parent else ""
    hidden = len(hist.versions) - len(versions)
    more = f", {hidden} merges hidden" if hidden else ""
    render.table([("version", "left"), ("date", "left"), ("author", "left"), ("subject", "left"),
                  ("words", "right"), ("sections", "right"), ("prose", "left"), ("change", "left")], rows,
                 title=f"{hist.draft}: {len(versions)} version{'s' if len(versions) != 1 else ''}{line}{more}")


# ------------------------------------------------------------------ sections / show


@main.command("sections")
@revision_argument()
@draft_option
@json_option
@pass_ctx
def sections_command(ctx: Context, rev: str | None, draft: str | None, as_json: bool) -> None:
    """The section tree of the draft at REV (default: the newest version), with your viewed
    marks (`reviewtool review viewed`) and how many of the sections that hold text you viewed."""
    hist = ctx.history(draft)
    v = hist.find(rev)
    doc = hist.document(v)
    marks = _my_viewed_marks(ctx, hist, v)
    if as_json:
        data = doc.to_dict()
        for entry in data.get("sections", []):
            entry["viewed"] = marks.is_viewed(entry["key"])
        emit_json({"draft": hist.draft, "version": v.to_dict(), **data, "viewed": marks.to_json()})
        return
    from rich.text import Text

    for problem in doc.problems:
        click.echo(f"reviewtool: warning: {one_line(problem)}", err=True)
    rows = []
    for s in doc.sections:
        depth = len(s.key.split("/")) - 1
        kind_style = {"prose": "green", "outline": "magenta", "empty": "grey50"}.get(s.body_kind, "cyan")
        rows.append((
            Text("  " * depth + one_line(s.title), style="bold" if s.kind == "heading" else ""),
            Text(s.kind),
            Text(s.body_kind, style=kind_style),
            s.words,
            s.words_all,
            Text("viewed", style="green") if marks.is_viewed(s.key) else Text("-", style="grey50"),
            s.key,
        ))
    render.table([("section", "left"), ("kind", "left"), ("body", "left"), ("words", "right"),
                  ("with children", "right"), ("viewed", "left"), ("key", "left")], rows,
                 title=f"{hist.draft} at {v.short}: {doc.words} words, prose share {doc.prose_share * 100:.0f}%, "
                       f"{marks.summary}")


def _my_viewed_marks(ctx: Context, hist: DraftHistory, v: Version) -> Any:
    """My (git's user.email) viewed marks on version *v*; none when git names nobody."""
    from reviewtool.review.status import load_review_data
    from reviewtool.review.viewed import viewed_sections

    try:
        _, email = ctx.repo.identity()
    except ReviewtoolError:
        email = ""
    marks = load_review_data(ctx.repo).workflow.marks if email else []
    return viewed_sections(hist, marks, v, email)


@main.command("show")
@revision_argument()
@draft_option
@click.option("-s", "--section", "section_key", metavar="NAME",
              help="Only this section (with its children): its key, the end of its key or its title.")
@json_option
@pass_ctx
def show_command(ctx: Context, rev: str | None, draft: str | None, section_key: str | None, as_json: bool) -> None:
    """The draft's text at REV, or one section of it."""
    from reviewtool.draft.section_names import find_section

    hist = ctx.history(draft)
    v = hist.find(rev)
    if section_key is not None:
        doc = hist.document(v)
        section = find_section(doc, section_key, v.short)
        text = doc.full_text(section)
    else:
        section = None
        text = hist.text(v)  # the whole text needs no parse
    if as_json:
        emit_json({"draft": hist.draft, "version": v.to_dict(),
                          "section": section.to_dict(doc) if section else None, "text": text})
        return
    render.print_text(text)


# ------------------------------------------------------------------ diff


@main.command("diff")
@click.argument("rev_a", required=False, metavar="[A]")
@click.argument("rev_b", required=False, metavar="[B]")
@draft_option
@click.option("-s", "--section", "section_key", metavar="NAME",
              help="Only the pairs involving this section (old or new) or its subsections: its key, the end "
                   "of its key or its title, as at B (else as at A).")
@click.option("--since-review", is_flag=True,
              help="From the version of the last verdict of --reviewer (default: you) to the newest.")
@click.option("--reviewer", metavar="EMAIL",
              help="With --since-review: whose last verdict (default: git's user.email).")
@click.option("--side-by-side", is_flag=True, help="Old and new text in two columns, paragraph by paragraph.")
@click.option("-U", "--context", "context", type=click.IntRange(min=0), default=DEFAULT_CONTEXT, show_default=True,
              metavar="N", help="Unchanged paragraphs shown around each change; longer runs collapse to one line.")
@click.option("--full", is_flag=True, help="Show every paragraph of a changed section (no collapsing).")
@click.option("--format", "fmt", type=click.Choice(["rich", "markdown", "json"]), default="rich",
              show_default=True, help="rich: redline (plain [-old-]{+new+} when piped); "
                                      "markdown: CriticMarkup; json: same as --json.")
@json_option
@pass_ctx
def diff_command(ctx: Context, rev_a: str | None, rev_b: str | None, draft: str | None, section_key: str | None,
                 since_review: bool, reviewer: str | None, side_by_side: bool, context: int, full: bool, fmt: str,
                 as_json: bool) -> None:
    """Section-level diff of the draft from version A to version B, word by word.

    Without revisions: the newest version against its first parent (what it changed,
    as git sees it); ``X^!``: version X against its first parent. With A alone: A
    against the newest version. Sections are aligned
    first, so moved, renamed, split and merged sections show only the words that
    changed in them; markup changes (heading levels, link targets...) are named.
    Unchanged paragraphs farther than N (--context) from a change collapse into one
    line, like git's -U.

    With --since-review: from the version a reviewer (default: you) last gave a verdict
    on to the newest committed version, the changes a returning reviewer has not seen.
    """
    from reviewtool.diff.section_diff import diff_documents

    since: dict[str, Any] | None = None
    if reviewer is not None and not since_review:
        raise UsageError("--reviewer goes with --since-review")
    hist = ctx.history(draft)
    if since_review:
        if rev_a or rev_b:
            raise UsageError("--since-review compares from the last review to the newest version: "
                             "give no revisions with it")
        old_v, new_v, since = _since_review(ctx, hist, reviewer)
    else:
        if rev_a and rev_a.endswith("^!") and rev_b is None:  # git's X^!: X against its first parent
            rev_b, rev_a = rev_a[:-2], None
        new_v = hist.find(rev_b)
    if since is not None:
        pass
    elif rev_a:
        old_v = hist.find(rev_a)
    else:
        base = hist.first_parent(new_v)
        if base is None:
            raise ReviewtoolError(f"{new_v.short} added {new_v.path}: nothing to compare it with "
                                  "(no first parent had the draft; name two versions)")
        old_v = base
    old_doc, new_doc = hist.document(old_v), hist.document(new_v)
    diff = diff_documents(old_doc, new_doc)
    if section_key is not None:
        from reviewtool.draft.section_names import find_section_in

        # Named as at B (the newer side), else as at A (a section B removed).
        key = find_section_in([(new_doc, new_v.short), (old_doc, old_v.short)], section_key).key
        diff = diff.only(key)
    if as_json or fmt == "json":
        extra = {"since_review": since} if since is not None else {}
        emit_json({"draft": hist.draft, **extra, **diff.to_dict(old_v.to_dict(), new_v.to_dict())})
        return
    title = f"{hist.draft} {old_v.short}..{new_v.short}"
    if since is not None:
        who = since["reviewer"]["name"] or since["reviewer"]["email"]
        title += f" (since the review by {who}: {since['verdict'].replace('_', ' ')})"
    shown = None if full else context
    from reviewtool.cli import diff_render

    if fmt == "markdown":
        output_stream().write(diff_render.render_markdown_diff(diff, title=title, context=shown))
        return
    diff_render.print_diff(diff, title, side_by_side=side_by_side, context=shown)


def _since_review(ctx: Context, hist: DraftHistory, reviewer: str | None) -> tuple[Version, Version, dict[str, Any]]:
    """``(reviewed version, newest committed version, what --json says about the review)``."""
    from reviewtool.review.status import last_reviewed, load_review_data, newest_committed
    from reviewtool.review.workflow import valid_email

    if reviewer is not None:
        email = reviewer.strip()
        if not valid_email(email):
            raise UsageError(f"invalid reviewer {reviewer!r}: give an email address")
    else:
        email = ctx.repo.identity()[1]
        if not email:
            raise ReviewtoolError("git names no user.email: say whose review with --reviewer EMAIL")
    found = last_reviewed(hist, load_review_data(ctx.repo).workflow, email)
    if found is None:
        who = "you have" if reviewer is None else f"{email} has"
        raise ReviewtoolError(f"{who} given no verdict on {hist.draft} (see `reviewtool status`)")
    verdict, old_v = found
    new_v = newest_committed(hist)
    return old_v, new_v, {"reviewer": verdict.reviewer.to_dict(), "verdict": verdict.verdict,
                          "version": verdict.version.commit, "time": verdict.time}


# ------------------------------------------------------------------ coverage / section history


@main.command("coverage")
@click.argument("outline_rev", required=False, metavar="[OUTLINE_REV]")
@click.argument("prose_rev", required=False, metavar="[PROSE_REV]")
@draft_option
@json_option
@pass_ctx
def coverage_command(ctx: Context, outline_rev: str | None, prose_rev: str | None, draft: str | None,
                     as_json: bool) -> None:
    """Which outline bullets (and sub-points) the prose has developed, and where.

    PROSE_REV defaults to the newest version. OUTLINE_REV defaults to the
    fullest outline up to PROSE_REV: the version whose outline bullets hold the
    most words (ties: the newest).
    """
    from reviewtool.diff.coverage import coverage, pick_outline_version

    hist = ctx.history(draft)
    prose_v = hist.find(prose_rev)
    if outline_rev:
        outline_v = hist.find(outline_rev)
    else:
        found = pick_outline_version(hist, prose_v)
        if found is None:
            raise ReviewtoolError(f"no version of {hist.draft} up to {prose_v.short} has outline bullets "
                                  "(name OUTLINE_REV)")
        outline_v = found
    outline_doc = hist.document(outline_v)
    if not any(s.kind == "outline" for s in outline_doc.sections):
        raise ReviewtoolError(f"{hist.draft} at {outline_v.short} has no outline bullets")
    cov = coverage(outline_doc, hist.document(prose_v))
    if as_json:
        emit_json({"draft": hist.draft, "outline_version": outline_v.to_dict(),
                          "prose_version": prose_v.to_dict(), "outline_default": outline_rev is None,
                          **cov.to_dict()})
        return
    render.print_text(render.coverage_text(cov, hist.draft, outline_v, prose_v))


@main.command("history")
@revision_argument()
@click.option("-s", "--section", "section_key", metavar="NAME", required=True,
              help="The section to follow, as named at REV: its key, the end of its key or its title.")
@draft_option
@json_option
@pass_ctx
def history_command(ctx: Context, rev: str | None, section_key: str, draft: str | None, as_json: bool) -> None:
    """The versions in which section KEY changed, newest first, followed through renames,
    moves, promotion from an outline bullet, splits and merges, back to where it was created."""
    from reviewtool.diff.section_history import section_history
    from reviewtool.draft.section_names import find_section

    hist = ctx.history(draft)
    start = hist.find(rev)
    section_key = find_section(hist.document(start), section_key, start.short).key
    entries = section_history(hist, section_key, start.commit if not start.is_worktree else "worktree")
    if as_json:
        emit_json({"draft": hist.draft, "key": section_key, "version": start.to_dict(),
                          "entries": [e.to_dict() for e in entries]})
        return
    from rich.text import Text

    rows = []
    for e in entries:
        status_style = "green" if e.created else ("yellow" if "moved" in e.status or "renamed" in e.status else "")
        rows.append((
            Text(e.version.short, style="yellow"),
            short_date(e.version.date),
            e.version.author,
            Text(one_line(e.title)) if e.key == section_key
            else Text.assemble(one_line(e.title), (f" [{one_line(e.key)}]", "grey50")),
            Text(", ".join(e.status) + (f": {', '.join(e.markup)}" if e.markup else ""), style=status_style),
            Text(f"+{e.words_added}", style="green"),
            Text(f"-{e.words_removed}", style="red"),
            e.version.subject,
        ))
    render.table([("version", "left"), ("date", "left"), ("author", "left"), ("section", "left"),
                  ("change", "left"), ("added", "right"), ("removed", "right"), ("subject", "left")], rows,
                 title=f"{hist.draft}: history of {section_key} ({len(entries)} changes)")


# ------------------------------------------------------------------ comments


def _review_store(ctx: Context) -> ReviewStore:
    from reviewtool.review.store import ReviewStore

    return ReviewStore(ctx.repo)


#: In ``$EDITOR``, everything from this line down is instructions (git's "scissors"), so
#: that a text's own lines may start with '#' (Markdown headings, "#1").
SCISSORS = "# ------------------------ >8 ------------------------"


def message_text(message: str | None, what: str, template: str = "") -> str:
    """The text of ``-m``, or what is written in ``$EDITOR`` above the scissors line; empty aborts."""
    if message is None:
        try:
            edited = click.edit(f"{template}\n{SCISSORS}\n# Write the {what} above this line; nothing "
                                "below it is kept.\n# An empty text aborts.\n")
        except click.ClickException as exc:
            raise ReviewtoolError(f"{exc.format_message()}: nothing written") from None
        except ValueError as exc:  # $EDITOR cannot be split into words (an unbalanced quote)
            raise ReviewtoolError(f"cannot run $EDITOR ({exc}): nothing written") from None
        if edited is None:  # the editor closed without saving
            raise ReviewtoolError(f"{what} not saved in the editor: nothing written")
        lines = edited.splitlines()
        message = "\n".join(lines[:lines.index(SCISSORS)] if SCISSORS in lines else lines)
        if not message.strip():
            raise ReviewtoolError(f"empty {what}: aborted, nothing written")
    if not message.strip():
        raise UsageError(f"empty {what}: give some text with -m, or leave -m out to use $EDITOR")
    return message.strip("\n")


_message = message_text


def _emit_event(event: Any, verb: str, as_json: bool) -> None:
    if as_json:
        emit_json({"id": event.id, "type": event.type, "target": event.target, "time": event.time})
        return
    target = f" on {event.target[:8]}" if event.target else ""
    render.print_text(f"{verb} {event.id[:8]}{target}")


def _comment_version(hist: DraftHistory, rev: str | None) -> Version:
    v = hist.find(rev)
    if v.is_worktree:
        raise ReviewtoolError("the draft has uncommitted changes: commit first "
                              "(comments are made on committed versions; or name one, e.g. HEAD)")
    return v


@main.group("comment", cls=ReviewtoolGroup)
def comment_group() -> None:
    """Write review comments (stored as git notes): add, reply, edit, resolve, reopen, retract, apply."""


@comment_group.command("add")
@revision_argument()
@draft_option
@click.option("-s", "--section", "section_key", metavar="NAME",
              help="Comment on this section: its key, the end of its key or its title (see `sections`).")
@click.option("-q", "--quote", metavar="TEXT", help="Comment on this passage (it must occur in the section).")
@click.option("--suggest", "suggestion", metavar="TEXT", help="Suggested replacement for the quoted passage.")
@click.option("-m", "--message", metavar="BODY", help="The comment (without it, $EDITOR opens).")
@json_option
@pass_ctx
def comment_add_command(ctx: Context, rev: str | None, draft: str | None, section_key: str | None,
                        quote: str | None, suggestion: str | None, message: str | None, as_json: bool) -> None:
    """Comment on version REV (default: the newest), a section of it, or a quoted passage."""
    from reviewtool.review.anchoring import make_anchor

    if suggestion is not None and quote is None:
        raise UsageError("--suggest needs --quote: the passage the suggestion replaces")
    hist = ctx.history(draft)
    v = _comment_version(hist, rev)
    anchor = make_anchor(hist.document(v), v, section_key, quote)
    store = _review_store(ctx)
    body = _message(message, "comment")
    event = store.comment_on(anchor, body, suggestion)
    if as_json:
        emit_json({"id": event.id, "type": event.type, "time": event.time, "version": v.commit,
                          "anchor": event.anchor.to_json() if event.anchor else None})
        return
    where = f" section {anchor.section_key}" if anchor.section_key else ""
    render.print_text(f"added comment {event.id[:8]} on {v.short}{where}")


@comment_group.command("reply")
@click.argument("comment_id", metavar="ID")
@click.option("-m", "--message", metavar="BODY", help="The reply (without it, $EDITOR opens).")
@json_option
@pass_ctx
def comment_reply_command(ctx: Context, comment_id: str, message: str | None, as_json: bool) -> None:
    """Reply to comment (or reply) ID; a unique prefix of the id is enough."""
    store = _review_store(ctx)
    store.find(comment_id)  # fail before opening an editor
    _emit_event(store.reply(comment_id, _message(message, "reply")), "replied", as_json)


@comment_group.command("edit")
@click.argument("comment_id", metavar="ID")
@click.option("-m", "--message", metavar="BODY", help="The new text (without it, $EDITOR opens).")
@json_option
@pass_ctx
def comment_edit_command(ctx: Context, comment_id: str, message: str | None, as_json: bool) -> None:
    """Replace the text of your own comment or reply ID (the old text stays in the history)."""
    store = _review_store(ctx)
    item = store.find(comment_id)
    body = _message(message, "comment", template=item.body + "\n")
    if body == item.body:
        raise ReviewtoolError(f"the text of {item.id[:8]} is unchanged: nothing written")
    _emit_event(store.edit(comment_id, body), "edited", as_json)


def _simple_comment_command(name: str, verb: str, doc: str, with_message: bool = False) -> None:
    @comment_group.command(name, help=doc)
    @click.argument("comment_id", metavar="ID")
    @json_option
    @pass_ctx
    def command(ctx: Context, comment_id: str, as_json: bool, message: str | None = None) -> None:
        store = _review_store(ctx)
        method = getattr(store, name)
        event = method(comment_id, message) if with_message else method(comment_id)
        _emit_event(event, verb, as_json)

    if with_message:
        click.option("-m", "--message", metavar="TEXT", help="An optional note.")(command)


_simple_comment_command("resolve", "resolved", "Mark the thread of comment ID resolved.", with_message=True)
_simple_comment_command("reopen", "reopened", "Reopen the resolved thread of comment ID.", with_message=True)
_simple_comment_command("retract", "retracted", "Withdraw your own comment or reply ID (kept, shown as retracted).")


def _history_for_thread(ctx: Context, draft: str | None, thread: Any) -> DraftHistory:
    """The history of the draft a thread was made on (its path may have been renamed since)."""
    from reviewtool.draft.discovery import history_of_path

    if draft is not None or ctx.default_draft is not None:
        return ctx.history(draft)
    hist = history_of_path(ctx.repo, thread.anchor.path, thread.anchor.blob, use_cache=ctx.use_cache)
    if hist is None:
        raise ReviewtoolError(f"the draft of comment {thread.id[:8]} ({thread.anchor.path}) is not in the "
                              "working tree; name it with -d")
    return hist


@comment_group.command("apply")
@click.argument("comment_id", metavar="ID")
@draft_option
@json_option
@pass_ctx
def comment_apply_command(ctx: Context, comment_id: str, draft: str | None, as_json: bool) -> None:
    """Apply the suggested edit of comment ID to the working-tree draft (never commits)."""
    from reviewtool.review.suggestions import apply_suggestion, thread_of

    store = _review_store(ctx)
    thread = thread_of(store, comment_id)
    hist = _history_for_thread(ctx, draft, thread)
    result = apply_suggestion(hist, store, thread.id)
    if as_json:
        emit_json(result.to_json())
        return
    render.print_text(f"applied the suggestion of {result.thread_id[:8]} to {result.path} "
                      f"(not committed; review with git diff)")


def _threads_on(ctx: Context, draft: str | None, rev: str | None,
                include_retracted: bool = False) -> tuple[DraftHistory, Version, list[Any], list[Any]]:
    from reviewtool.review.anchoring import comments_for_version

    hist = ctx.history(draft)
    v = hist.find(rev)
    threads, problems = _review_store(ctx).load()
    return hist, v, comments_for_version(hist, threads, v, include_retracted=include_retracted), problems


@main.command("comments")
@revision_argument()
@draft_option
@click.option("--status", type=click.Choice(["open", "resolved", "all"]), default="all", show_default=True,
              help="Which threads to show.")
@json_option
@pass_ctx
def comments_command(ctx: Context, rev: str | None, draft: str | None, status: str, as_json: bool) -> None:
    """The review threads carried onto REV (default: the newest version), with their anchor state."""
    from reviewtool.review.export import filter_threads

    # Retracted threads stay visible (marked, with their replies) among all threads.
    hist, v, items, problems = _threads_on(ctx, draft, rev, include_retracted=status == "all")
    items = filter_threads(items, status)
    if as_json:
        emit_json({"draft": hist.draft, "version": v.to_dict(),
                          "threads": [{**t.to_dict(), "placement": p.to_json()} for t, p in items],
                          "problems": [p.to_dict() for p in problems]})
        return
    for problem in problems:
        click.echo(f"reviewtool: warning: {one_line(str(problem))}", err=True)
    if not items:
        render.print_text(f"no {'' if status == 'all' else status + ' '}comments on {hist.draft} at {v.short}")
        return
    doc = hist.document(v)
    for i, (thread, placement) in enumerate(items):
        if i:
            render.print_text("")
        render.print_text(render.thread_text(thread, placement, doc, v))


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
    hist, v, items, _problems = _threads_on(ctx, draft, version_rev)
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
    data = WorkflowStore(_review_store(ctx)).load()
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


# ------------------------------------------------------------------ demo / tui


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


def _run_tui(ctx: Context, draft: str | None) -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the terminal UI needs a terminal on stdin and stdout; "
                         "for scripts, use the commands (reviewtool --help)")
    try:
        from reviewtool.tui.app import ReviewApp
    except ImportError as exc:  # pragma: no cover - the TUI ships with the package
        raise ReviewtoolError(f"the terminal UI is not available: {exc}") from None
    app = ReviewApp(repo_path=ctx.cwd, draft=draft, use_cache=ctx.use_cache)
    app.run()


@main.command("tui")
@draft_option
@pass_ctx
def tui_command(ctx: Context, draft: str | None) -> None:
    """Open the terminal UI on the current repository."""
    _run_tui(ctx, draft or ctx.default_draft)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI in-process and return the exit status (for tests)."""
    try:
        main.main(args=argv, prog_name="reviewtool", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


# The review workflow's commands (review request|submit|viewed, status) register on `main`.
from reviewtool.cli import review_commands  # noqa: E402,F401
