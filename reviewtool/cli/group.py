"""The `reviewtool` click group: global options, the per-invocation :class:`Context`, the
options and helpers every command shares, and the error handling that turns failures into
one line.

Errors from the core (:class:`ReviewtoolError`) become one line on stderr and a
non-zero exit status (2 for usage errors); no traceback reaches the user. The commands
register on :func:`main` from their own modules; :mod:`reviewtool.cli.commands` imports
them all.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

import click

from reviewtool import __version__
from reviewtool.cli import output
from reviewtool.cli.pager import PAGED_COMMANDS, paged
from reviewtool.errors import ReviewtoolError, UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from reviewtool.draft.discovery import DraftChoice
    from reviewtool.draft.history import DraftHistory
    from reviewtool.git.repo import GitRepo


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
        self._opening: Callable[[], GitRepo] | None = None

    @property
    def repo(self) -> GitRepo:
        if self._repo is None:
            opening, self._opening = self._opening, None
            if opening is None:
                from reviewtool.git.repo import GitRepo

                opening = GitRepo.start_open(self.cwd)
            self._repo = opening()
        return self._repo

    def open_soon(self, draft: str | None) -> None:
        """Start finding the repository, and whether the draft named by *draft* (or ``-d``) is a
        file at ``HEAD`` (:meth:`GitRepo.start_open`): git answers while the command loads
        what it needs (the diff's modules); :attr:`repo` takes the answer."""
        if self._repo is None and self._opening is None:
            from reviewtool.git.repo import GitRepo

            self._opening = GitRepo.start_open(self.cwd, draft or self.default_draft)

    def close(self) -> None:
        """Stop what the repository keeps running (its ``git cat-file``) when the command ends:
        a command run in a long-lived process (a test, a script calling :func:`main`) must not
        leave a git process and its pipes behind it."""
        repo, self._repo = self._repo, None
        opening, self._opening = self._opening, None
        if opening is not None:  # started, never used: its gits are waited for
            with contextlib.suppress(ReviewtoolError, OSError):
                repo = opening()
        if repo is not None:
            repo.close()

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
        from reviewtool.textsafe import one_line

        choice = choose_draft(self.repo, draft or self.default_draft, cwd=self.cwd)
        if choice.how != "option" and self.draft_choice != choice and sys.stderr.isatty():
            click.echo(f"reviewtool: draft: {one_line(choice.describe())}", err=True)
        self.draft_choice = choice
        return choice.path

    def history(self, draft: str | None, first_parent: bool = False, reads_documents: bool = False,
                cold_work: Sequence[Callable[[], object]] = (), include_worktree: bool = True) -> DraftHistory:
        """The history of the draft named by *draft* (see :meth:`draft`); *reads_documents*: the
        command will parse versions, *cold_work*: what it needs when nothing is cached,
        *include_worktree* False: the command names no working-tree version, so git is not asked
        whether the file differs from HEAD's (see :class:`DraftHistory`)."""
        from reviewtool.draft.history import DraftHistory

        return DraftHistory(self.repo, self.draft(draft), first_parent=first_parent, use_cache=self.use_cache,
                            reads_documents=reads_documents, cold_work=cold_work, include_worktree=include_worktree)


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
    """A click group that turns :class:`ReviewtoolError` and click's usage errors into one clean line.

    Its commands may be registered lazily: :attr:`lazy` names, for each command not yet
    registered, the module whose import registers it (:mod:`reviewtool.cli.commands` fills
    it for :func:`main`), so a run imports only the module of the command it runs."""

    #: Command name -> the module that registers it when imported.
    lazy: dict[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            importlib.import_module(self.lazy[cmd_name])
        return super().get_command(ctx, cmd_name)

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:  # a bad option of the group itself
            _usage_fail(exc)
            raise  # unreachable: _usage_fail exits

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return self._invoke(ctx)
        finally:
            _flush_cache()
            state = ctx.find_object(Context)
            if state is not None:
                state.close()

    def _invoke(self, ctx: click.Context) -> Any:
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


def _flush_cache() -> None:
    """Write the entries the command computed as one pack (:func:`reviewtool.draft.cache.flush_all`),
    however it ended; nothing to do (and nothing imported) when it used no cache."""
    cache = sys.modules.get("reviewtool.draft.cache")
    if cache is not None:
        cache.flush_all()


def end_process(code: object) -> None:
    """End the console script's process with *code* once its command is done, without tearing
    the interpreter down: its exit handlers run and its output is flushed, as at a usual exit,
    but the objects a command leaves (the parsed versions and their caches, by the ten
    thousand) are not freed one by one first (25 to 40 ms of a cold ``log`` of a README).

    Returns (the usual exit follows) where anything could differ from a usual exit: a status
    that is not a whole number, a thread of the program's own still running (the interpreter
    would wait for it), the terminal UI loaded, or a stream that cannot be flushed (a closed
    pipe, as after ``| head``: the usual exit reports it, as it would). Only for the console
    script (:func:`reviewtool.cli.main`): a command run in-process returns as usual."""
    import threading

    if code is None:
        code = 0
    if type(code) is not int or "textual" in sys.modules:
        return
    main_thread = threading.main_thread()
    if any(t is not main_thread and not t.daemon and t.is_alive() for t in threading.enumerate()):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe, a closed stream
        return
    import atexit

    atexit._run_exitfuncs()  # what the usual exit runs first (the cache's last flush among them); once
    try:
        sys.stdout.flush()  # (what an exit handler printed)
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # the usual exit reports it (its exit handlers have run: they do not run again)
    os._exit(code)


def fail(message: str, code: int = 1) -> None:
    """Print ``reviewtool: error: MESSAGE`` on stderr and exit with *code*."""
    from reviewtool.textsafe import one_line  # here: a run that succeeds shows no untrusted text from here

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
    from pathlib import Path  # here, not at the top: --version and --help need no paths

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
        from reviewtool.cli.tui_commands import tui_command

        click_ctx.invoke(tui_command, draft=draft)


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
