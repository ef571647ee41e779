"""Loading the draft's history into the TUI: open the repository, list the versions, show them.

:class:`HistoryLoader` is a plain object the app owns, not a mixin: the flow has one
entry (:meth:`HistoryLoader.start`, a thread worker) and two outcomes the app routes to
it (:meth:`~HistoryLoader.loaded`, :meth:`~HistoryLoader.failed`); the state it fills
(``repo``, ``history``, ``versions``) stays on the app, where every pane reads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from reviewtool.draft.discovery import find_drafts, resolve_draft
from reviewtool.draft.history import DraftHistory
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.repo import GitRepo
from reviewtool.textsafe import one_line
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

    def start(self) -> None:
        """(Re)read the history in a thread worker; a newer start cancels the older one."""
        self._app.run_worker(self._read, name="load_history", group="history", exclusive=True,
                             thread=True, exit_on_error=False)

    def _read(self) -> None:
        """Open the repository and list the draft's versions (one ``git log``). Worker thread."""
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
        try:
            draft = resolve_draft(repo, app.draft)
        except ReviewtoolError as exc:
            app.post_message(start_failure(repo, exc))
            return
        history = DraftHistory(repo, draft, use_cache=app.use_cache)
        try:
            versions = history.versions
        except ReviewtoolError as exc:
            app.post_message(HistoryFailed(str(exc), "error"))
            return
        app.repo = repo
        if not versions:
            app.post_message(HistoryFailed(f"{draft} has no history", "error"))
            return
        app.post_message(HistoryLoaded(history, versions))

    def loaded(self, message: HistoryLoaded) -> None:
        """Show the versions (keeping the cursor on the same commit), then read the review notes."""
        app = self._app
        keep = app.version.commit if app.version is not None else None
        if app.history is not None and app.history.draft != message.history.draft:
            keep = None
        app.history = message.history
        app.versions = message.versions
        known = {v.commit for v in app.versions}
        app.stats = {k: s for k, s in app.stats.items() if k in known and k != "WORKTREE"}
        draft = message.history.draft
        count = len(app.versions)
        app.title = f"reviewtool — {draft}"
        app.top_panel.border_title = Content.assemble(
            ("History", "bold"), "  ", (one_line(draft), "$text-accent"),
            (f"  {count:,} version{'s' if count != 1 else ''}", "$text-muted"))
        app.growth_view.set_versions(app.versions)
        app.history_pane.set_versions(app.versions, keep=keep)
        app.threads_loader.start()

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
