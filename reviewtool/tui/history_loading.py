"""Loading the draft's history into the TUI: open the repository, list the versions, show them.

:class:`HistoryLoader` is a plain object the app owns, not a mixin: the flow has two
entries (:meth:`HistoryLoader.start` reads the history again, :meth:`HistoryLoader.refilter`
applies the app's :class:`~reviewtool.tui.history_filter.HistoryFilter` to what was read;
both in a thread worker) and two outcomes the app routes to it (:meth:`~HistoryLoader.loaded`,
:meth:`~HistoryLoader.failed`); the state it fills (``repo``, ``history``, ``versions``)
stays on the app, where every pane reads it. It keeps the histories it read (the whole
history, and the first-parent line once asked for) so that toggling a filter back and
forth runs ``git log`` once each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from reviewtool.draft.discovery import find_drafts, resolve_draft
from reviewtool.draft.history import DraftHistory
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.repo import GitRepo
from reviewtool.tui.history_filter import HistoryFilter, history_title, nearest_shown
from reviewtool.tui.messages import HistoryFailed, HistoryLoaded

if TYPE_CHECKING:
    from reviewtool.tui.app import ReviewApp


def start_failure(repo: GitRepo, exc: ReviewtoolError) -> HistoryFailed:
    """Why no draft could be opened, with the drafts to choose from (read only now: it failed)."""
    try:
        drafts = find_drafts(repo)
        has_commits = repo.has_commits()
    except ReviewtoolError:
        drafts, has_commits = [], True
    if isinstance(exc, UsageError):
        kind = "many-drafts" if len(drafts) > 1 else "error"
    else:
        kind = "no-commits" if not has_commits else ("no-drafts" if not drafts else "error")
    return HistoryFailed(str(exc), kind, drafts)


class HistoryLoader:
    """Reads the history of the app's draft off the UI thread and shows it (or the start screen)."""

    def __init__(self, app: ReviewApp) -> None:
        self._app = app
        #: The histories read for the current draft, by "first-parent line only". Replaced
        #: whole by the history worker, never changed in place (a cancelled worker may still run).
        self._histories: dict[bool, DraftHistory] = {}
        self._shown = HistoryFilter()  # the filter the history pane shows the versions through

    def start(self) -> None:
        """(Re)read the history in a thread worker; a newer start cancels the older one."""
        self._run(reread=True)

    def refilter(self) -> None:
        """Show the history through the app's current filter (reads the first-parent line the
        first time it is asked for), in the same worker group."""
        self._run(reread=False)

    def _run(self, reread: bool) -> None:
        history_filter = self._app.history_filter  # read on the UI thread
        self._app.run_worker(lambda: self._read(reread, history_filter), name="load_history",
                             group="history", exclusive=True, thread=True, exit_on_error=False)

    def _read(self, reread: bool, history_filter: HistoryFilter) -> None:
        """Open the repository and list the draft's versions (one ``git log``; another for the
        first-parent line), filtered. Worker thread."""
        app = self._app
        repo = app.repo
        if repo is None:
            try:
                repo = GitRepo.open(app.repo_path)
            except ReviewtoolError as exc:
                kind = "not-a-repo" if str(exc).startswith("not a git repository") else "error"
                app.post_message(HistoryFailed(str(exc), kind))
                return
            repo.detached = True  # git must never prompt on (or read) the app's terminal
        histories = {} if reread else dict(self._histories)
        if histories:
            draft = next(iter(histories.values())).draft  # a filter toggled: no git to resolve it again
        else:
            try:
                draft = resolve_draft(repo, app.draft)
            except ReviewtoolError as exc:
                app.post_message(start_failure(repo, exc))
                return
        try:
            for first_parent in (False, True) if history_filter.first_parent else (False,):
                if first_parent not in histories:
                    read = DraftHistory(repo, draft, first_parent=first_parent, use_cache=app.use_cache)
                    read.versions  # noqa: B018 - the git log, here in the worker
                    histories[first_parent] = read
        except ReviewtoolError as exc:
            self._histories = {}
            app.post_message(HistoryFailed(str(exc), "error"))
            return
        self._histories = histories
        app.repo = repo
        if get_current_worker().is_cancelled:
            return  # a newer load (another filter, a reload) replaces this one
        everything = histories[False].versions
        if not everything:
            app.post_message(HistoryFailed(f"{draft} has no history", "error"))
            return
        history = histories[history_filter.first_parent]
        known = {v.commit: v for h in histories.values() for v in h.versions}
        app.post_message(HistoryLoaded(history, history_filter.apply(history.versions), total=len(everything),
                                       shown_filter=history_filter, known=known))

    def loaded(self, message: HistoryLoaded) -> None:
        """Show the versions (keeping the cursor on the same commit), then read the review notes."""
        app = self._app
        if not message.versions and message.total:
            self._nothing_left(message)
            return
        self._shown = message.shown_filter
        keep = app.version.commit if app.version is not None else None
        if app.history is not None and app.history.draft != message.history.draft:
            keep = None
        # The same commit when it is still shown, else the nearest one that is.
        keep = nearest_shown(app.versions, keep, message.versions)
        app.history = message.history
        app.versions = message.versions
        app.known_versions = message.known or {v.commit: v for v in message.versions}
        app.stats = {k: s for k, s in app.stats.items() if k in app.known_versions and k != "WORKTREE"}
        draft = message.history.draft
        app.title = f"reviewtool — {draft}"
        app.top_panel.border_title = history_title(draft, len(app.versions), message.total or len(app.versions),
                                                   message.shown_filter)
        app.growth_view.set_versions(app.versions)
        app.history_pane.set_versions(app.versions, keep=keep)
        app.threads_loader.start()

    def _nothing_left(self, message: HistoryLoaded) -> None:
        """The filter leaves no version (a first-parent line of merges only, with merges hidden):
        say so, and keep showing what was shown (or, on the first load, every version)."""
        app = self._app
        app.notify(f"no version of {message.history.draft} is left with {message.shown_filter.label()}: "
                   "the history is shown as it was", title="history", severity="warning", markup=False)
        shown = self._shown if app.history is not None else HistoryFilter()
        # Without the watchers: what the pane shows already went through *shown*.
        app.set_reactive(type(app).first_parent_only, shown.first_parent)
        app.set_reactive(type(app).hide_merges, shown.hide_merges)
        if app.history is None:
            self.refilter()

    def failed(self, message: HistoryFailed) -> None:
        """Nothing to browse: the start screen says why (and lets the user pick a draft)."""
        from reviewtool.tui.start_screen import StartScreen

        app = self._app

        def chosen(draft: str | None) -> None:
            if draft:
                app.draft = draft
                self.start()
            else:
                app.exit()

        app.push_screen(StartScreen(message.message, message.kind, message.drafts), chosen)
