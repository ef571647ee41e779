"""The reviewtool terminal UI: history, sections, content, comments and growth of one draft.

Layout (tig/lazygit style, keyboard first, mouse works too)::

    ┌ History ───────────────────────────────────────────────┐
    │ version  date  author  subject  words  change  cmt     │
    │ growth sparklines: words / sections / prose share      │
    ├ Sections ──────┬ Content (text | diff | side | cover.) ┤
    │ section tree   │                                       │
    │ with status    ├ Comments ─────────────────────────────┤
    │ and comments   │ threads on the selection              │
    └────────────────┴───────────────────────────────────────┘

Every git read, diff and note write runs in a thread worker (exclusive in its group)
that posts a message back; moving the cursor quickly cancels stale work. The UI thread
never waits on git.

This module is the composition: the panes, the reactives and their watchers, and the
routing of keys (actions) and of the workers' messages to the flow that owns them, one
module each so that a newcomer finds them in one guess:

* :mod:`~reviewtool.tui.history_loading` — the repository and the draft's versions, through
  the :mod:`~reviewtool.tui.history_filter` (``F`` first-parent line, ``M`` merges hidden);
* :mod:`~reviewtool.tui.stats_scheduler` — the rows' statistics, visible rows first;
* :mod:`~reviewtool.tui.selection_loading` — version and base → sections and content;
* :mod:`~reviewtool.tui.threads_loading` — review threads, their placements, viewed marks;
* :mod:`~reviewtool.tui.compare_base` — the marked base and "since my last review";
* :mod:`~reviewtool.tui.change_navigation` — from change to change, context;
* :mod:`~reviewtool.tui.search_flow` — search results; :mod:`~reviewtool.tui.review` —
  comment, reply, verdict, viewed, export, sync; :mod:`~reviewtool.tui.task_runner` — their
  workers' outcomes.

Flows with state of their own are plain objects the app owns (``self.history_loader``...),
flows without it are functions over the app; neither is a mixin, so Textual dispatches
every handler and action from this one class, and each flow's interface is the few calls
made here. The state the panes and flows share (``versions``, ``selection``, ``threads``...)
stays on the app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual import events, on
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.widgets import Footer, Tree
from textual.worker import Worker, WorkerState

from reviewtool.draft import cache as persistent_cache
from reviewtool.draft.history import DraftHistory, Version
from reviewtool.git.repo import GitRepo
from reviewtool.review.anchoring import Placement
from reviewtool.review.events import Thread
from reviewtool.review.status import ReviewEntry
from reviewtool.review.viewed import ViewedSections
from reviewtool.review.workflow import RequestState, WorkflowEvents
from reviewtool.tui import bindings, change_navigation, compare_base, review
from reviewtool.tui.commands import ReviewCommands
from reviewtool.tui.comments_pane import CommentsPane
from reviewtool.tui.content_pane import ContentPane
from reviewtool.tui.growth_view import GrowthView
from reviewtool.tui.history_filter import HistoryFilter
from reviewtool.tui.history_loading import HistoryLoader
from reviewtool.tui.history_pane import HistoryPane, RowStats
from reviewtool.tui.inbox_screen import open_inbox
from reviewtool.tui.keymap import load_keymap
from reviewtool.tui.messages import (
    CoverageReady,
    HistoryFailed,
    HistoryLoaded,
    PlacementsReady,
    ReviewWritten,
    SelectionFailed,
    SelectionReady,
    SinceReviewReady,
    StatsUpdated,
    TaskFinished,
    TaskProgress,
    ThreadsLoaded,
    ViewedReady,
)
from reviewtool.tui.request_dialog import start_request
from reviewtool.tui.search_flow import SearchFlow
from reviewtool.tui.section_history_screen import open_section_history
from reviewtool.tui.sections_pane import SectionsPane
from reviewtool.tui.selection_loading import SelectionLoader
from reviewtool.tui.stats_scheduler import StatsScheduler
from reviewtool.tui.task_runner import TaskRunner
from reviewtool.tui.threads_loading import ThreadsLoader
from reviewtool.tui.withdraw_dialog import start_withdraw
from reviewtool.tui.write_queue import WriteQueue

#: Below this many rows the growth sparklines start hidden (``w`` shows them).
SHORT_SCREEN_ROWS = 30
#: How often (seconds) what workers kept for the persistent cache is written, besides after each app worker.
CACHE_FLUSH_SECONDS = 2.0


class ReviewApp(App[None]):
    """Browse a draft's history, its sections and diffs, and review it with comments in git notes."""

    CSS_PATH = "app.tcss"
    TITLE = "reviewtool"
    COMMANDS = App.COMMANDS | {ReviewCommands}
    BINDINGS = bindings.APP

    #: A step of a long task (sync, export) is shown only when it takes longer than this
    #: (seconds): a quick sync shows its outcome alone, a slow one what it is waiting for.
    PROGRESS_DELAY = 0.5

    version: var[Version | None] = var(None, init=False, always_update=True)
    """The selected version (the history cursor); setting it loads the version and its comparison."""
    base_commit: var[str | None] = var(None, init=False)
    """The version marked as comparison base (None: each version against its first parent)."""
    section_key: var[str] = var("", init=False)
    """The selected section's key ("": the whole document)."""
    mode: var[str] = var("text", init=False)
    """How the content pane shows the selection: text, diff, side (by side) or coverage."""
    first_parent_only: var[bool] = var(False, init=False)
    """Show only the first-parent line of the history (``F``; ``git log --first-parent``)."""
    hide_merges: var[bool] = var(False, init=False)
    """Leave merges out of the history (``M``; ``reviewtool log --no-merges``)."""

    def __init__(self, repo_path: Path | str, draft: str | None = None, *,
                 now: datetime | Callable[[], datetime] | None = None,
                 keymap_file: Path | None = None, use_cache: bool = True,
                 first_parent: bool = False, no_merges: bool = False) -> None:
        """Open the app on the repository at *repo_path* (and *draft*, when it has several).

        *now* freezes relative dates (for tests and screenshots); *keymap_file*
        overrides where the keymap is read from; *use_cache* False: the persistent cache of
        parsed versions is neither read nor written (``reviewtool --no-cache``);
        *first_parent* and *no_merges* start with the history filtered (as ``reviewtool log``).
        """
        super().__init__()
        self.set_reactive(ReviewApp.first_parent_only, first_parent)
        self.set_reactive(ReviewApp.hide_merges, no_merges)
        self.repo_path = Path(repo_path)
        self.draft = draft
        self.use_cache = use_cache
        self._now = now
        self._keymap_file = keymap_file
        self.repo: GitRepo | None = None
        self.history: DraftHistory | None = None
        self.versions: list[Version] = []  # the versions the history shows (filtered)
        #: Every version of the histories read, shown or not, by commit.
        self.known_versions: dict[str, Version] = {}
        self.stats: dict[str, RowStats] = {}
        self.threads: list[Thread] = []
        #: The user as git config names them (read by the threads worker, so that asking
        #: "is this comment mine?" never runs git on the UI thread). None: not configured.
        self.identity: tuple[str, str] | None = None
        self.threads_note = ""
        self.thread_problems: list[str] = []
        self.open_by_commit: dict[str, int] = {}
        self.placements: list[tuple[Thread, Placement]] = []
        self.placements_commit: str | None = None  # the version the placements are for
        self.placements_note = ""
        self.selection: dict[str, Any] | None = None
        self.base: Version | None = None
        #: Bumped by each new selection; workers' outcomes for an older one are dropped.
        self.generation = 0
        self.coverage: Any = None
        self.coverage_note = ""
        self._growth_auto = True  # the growth view follows the screen height until toggled
        #: The review workflow's events (requests, verdicts, viewed marks); None until read.
        self.workflow: WorkflowEvents | None = None
        #: Standing verdicts by the commit they were given on (history rows).
        self.reviews: dict[str, list[ReviewEntry]] = {}
        #: Requests still waiting (neither answered nor withdrawn) by the commit they ask about.
        self.requests: dict[str, list[RequestState]] = {}
        #: My viewed marks on the selected version (None: not computed, or no email).
        self.viewed: ViewedSections | None = None
        self.viewed_commit: str | None = None  # the version self.viewed is for
        # The flows (see the module docstring): each owns its workers and its own state.
        self.history_loader = HistoryLoader(self)
        self.stats_scheduler = StatsScheduler(self)
        self.selection_loader = SelectionLoader(self)
        self.threads_loader = ThreadsLoader(self)
        self.search_flow = SearchFlow(self)
        self.tasks = TaskRunner(self)
        self._writes = WriteQueue(self)

    # ------------------------------------------------------------------ setup
    def now(self) -> datetime:
        """The time relative dates are measured from (frozen in tests)."""
        if self._now is None:
            return datetime.now(UTC)
        return self._now() if callable(self._now) else self._now

    def compose(self) -> ComposeResult:
        # The panes live on the default screen; keep references so that workers' messages
        # and timers reach them while a dialog is on top (or the app is closing).
        self.history_pane = HistoryPane(id="history", stats_for=self.stats_for,
                                        open_comments=self.open_comments, now=self.now,
                                        reviews_for=self.reviews_for,
                                        requests_for=lambda v: self.requests.get(v.commit, []))
        self.growth_view = GrowthView(id="growth", stats_for=self.stats_for)
        self.sections_pane = SectionsPane(id="sections")
        self.content_pane = ContentPane(id="content")
        self.comments_pane = CommentsPane(id="comments", now=self.now)
        with Vertical(id="top") as top:
            self.top_panel = top
            yield self.history_pane
            yield self.growth_view
        with Horizontal(id="bottom"):
            yield self.sections_pane
            with Vertical(id="right"):
                yield self.content_pane
                yield self.comments_pane
        yield Footer()

    def on_mount(self) -> None:
        keymap, problems = load_keymap(self._keymap_file)
        if keymap:
            self.set_keymap(keymap)
        for problem in problems:
            self.notify(problem, title="keymap", severity="warning", markup=False)
        self.top_panel.border_title = "History"
        self.sections_pane.border_title = "Sections"
        self.content_pane.border_title = "Content"
        self.comments_pane.border_title = "Comments"
        self.history_pane.focus()
        self._fit_growth(self.size.height)
        self.history_loader.start()
        self.set_interval(CACHE_FLUSH_SECONDS, self.flush_cache)  # for the screens' own workers

    def on_resize(self, event: events.Resize) -> None:
        self._fit_growth(event.size.height)

    def _fit_growth(self, height: int) -> None:
        """On a short screen the history rows come first: the growth sparklines hide (``w``
        shows them again, and from then on the user decides)."""
        if self._growth_auto:
            self.growth_view.display = height >= SHORT_SCREEN_ROWS

    def on_unmount(self) -> None:
        self.workers.cancel_all()
        if self.repo is not None:
            self.repo.close()  # the persistent cat-file process

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a dialog or another screen is on top, the main screen's keys are off (but ``q``)."""
        return not (action in bindings.MAIN_SCREEN_ACTIONS and len(self.screen_stack) > 1)

    # ------------------------------------------------------------------ lookups
    @property
    def history_filter(self) -> HistoryFilter:
        """Which versions the history shows (``F``, ``M``)."""
        return HistoryFilter(first_parent=self.first_parent_only, hide_merges=self.hide_merges)

    def stats_for(self, version: Version) -> RowStats | None:
        """Computed statistics of *version* (None until the stats worker reaches it)."""
        return self.stats.get(version.commit)

    def reviews_for(self, version: Version) -> list[ReviewEntry]:
        """Standing verdicts given on *version* (empty until the threads worker read them)."""
        return self.reviews.get(version.commit, [])

    def open_comments(self, version: Version) -> int:
        """Open review threads made on *version*."""
        return self.open_by_commit.get(version.commit, 0)

    def marked_base(self) -> Version | None:
        """The version marked with ``b`` (None when none is marked)."""
        if self.base_commit is None:
            return None
        # Found when the history's filter hides it too: the comparison does not change.
        return self.known_versions.get(self.base_commit) or \
            next((v for v in self.versions if v.commit == self.base_commit), None)

    # ------------------------------------------------------------------ watchers
    def watch_version(self, version: Version | None) -> None:
        if version is not None:
            self.selection_loader.start(version)

    def watch_base_commit(self, old: str | None, new: str | None) -> None:
        self.history_pane.base_commit = new
        self.history_pane.refresh_rows()
        if self.version is not None:
            self.selection_loader.start(self.version)

    def watch_first_parent_only(self) -> None:
        self.history_loader.refilter()

    def watch_hide_merges(self) -> None:
        self.history_loader.refilter()

    def watch_section_key(self) -> None:
        self.selection_loader.refresh_content()
        self.threads_loader.show_comments()

    def watch_mode(self, mode: str) -> None:
        self.content_pane.mode = mode
        self.selection_loader.refresh_content()

    # ------------------------------------------------------------------ workers' messages
    def on_history_loaded(self, message: HistoryLoaded) -> None:
        self.history_loader.loaded(message)

    def on_history_failed(self, message: HistoryFailed) -> None:
        self.history_loader.failed(message)

    def on_stats_updated(self, message: StatsUpdated) -> None:
        self.stats_scheduler.updated()

    def on_selection_ready(self, message: SelectionReady) -> None:
        self.selection_loader.ready(message)

    def on_selection_failed(self, message: SelectionFailed) -> None:
        self.selection_loader.failed(message)

    def on_coverage_ready(self, message: CoverageReady) -> None:
        self.selection_loader.coverage_ready(message)

    def on_threads_loaded(self, message: ThreadsLoaded) -> None:
        self.threads_loader.loaded(message)

    def on_placements_ready(self, message: PlacementsReady) -> None:
        self.threads_loader.placements_ready(message)

    def on_viewed_ready(self, message: ViewedReady) -> None:
        self.threads_loader.viewed_ready(message)

    def on_since_review_ready(self, message: SinceReviewReady) -> None:
        compare_base.since_review_ready(self, message)

    def on_review_written(self, message: ReviewWritten) -> None:
        self.tasks.written(message)

    def on_task_progress(self, message: TaskProgress) -> None:
        self.tasks.progress(message)

    def on_task_finished(self, message: TaskFinished) -> None:
        self.tasks.finished(message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{event.worker.name} failed: {type(error).__name__}: {error}",
                        title="error", severity="error", markup=False)
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED) \
                and event.worker.group != "cache":
            self.flush_cache()

    def flush_cache(self) -> None:
        """Write what worker tasks kept for the persistent cache as one pack
        (:func:`reviewtool.draft.cache.flush_all`), in a worker thread: after each task, and
        every :data:`CACHE_FLUSH_SECONDS` for the workers of other screens."""
        if persistent_cache.pending():
            self.run_worker(persistent_cache.flush_all, name="flush_cache", group="cache", thread=True,
                            exit_on_error=False)

    # ------------------------------------------------------------------ panes' messages
    @on(HistoryPane.Highlighted)
    def on_version_highlighted(self, event: HistoryPane.Highlighted) -> None:
        self.growth_view.cursor = event.index
        self.version = event.version
        self.stats_scheduler.request()

    @on(HistoryPane.Scrolled)
    def on_history_scrolled(self, event: HistoryPane.Scrolled) -> None:
        self.stats_scheduler.request()

    @on(HistoryPane.Selected)
    def on_version_selected(self, event: HistoryPane.Selected) -> None:
        self.sections_pane.focus()

    @on(GrowthView.Clicked)
    def on_growth_clicked(self, event: GrowthView.Clicked) -> None:
        self.history_pane.cursor = event.index

    @on(SectionsPane.SectionHighlighted)
    def on_section_highlighted(self, event: SectionsPane.SectionHighlighted) -> None:
        self.section_key = event.key

    @on(Tree.NodeSelected)
    def on_section_selected(self, event: Tree.NodeSelected[str]) -> None:
        self.content_pane.focus()

    def on_content_pane_no_change(self, message: ContentPane.NoChange) -> None:
        change_navigation.change_in_another_section(self, message.step)

    @on(ContentPane.PassageFocused)
    def on_passage_focused(self, event: ContentPane.PassageFocused) -> None:
        self.comments_pane.highlight_thread(event.thread_id)

    @on(CommentsPane.OptionHighlighted, "#comments")
    def on_thread_highlighted(self, event: CommentsPane.OptionHighlighted) -> None:
        """Moving through the threads scrolls the text to the highlighted thread's passage."""
        thread_id = event.option.id
        if self.focused is not self.comments_pane:
            return  # the list was refilled, not moved through by the reader
        if thread_id and self.mode == "text" and thread_id != self.content_pane.current_thread_id:
            self.content_pane.focus_thread(thread_id)

    # ------------------------------------------------------------------ review workers
    def write_review(self, action: str, call: Callable[[], str], reload_history: bool = False) -> None:
        """Queue one review write (comment, reply, resolve...): see :class:`WriteQueue`."""
        self._writes.put(action, call, reload_history)

    def run_export(self, call: Callable[[], str]) -> None:
        """Write the review summary to a file, in a worker."""
        self.tasks.export(call)

    def run_sync(self, remote: str, call: Callable[[Callable[[str], None]], str]) -> None:
        """Sync the review notes with *remote* in a worker, posting progress lines."""
        self.tasks.sync(call)

    # ------------------------------------------------------------------ actions: navigation
    def action_back_or_quit(self) -> None:
        """Close a dialog, go back to the history, or quit from the history."""
        if len(self.screen_stack) > 1:
            self.pop_screen()
            return
        if self.focused is not None and not isinstance(self.focused, HistoryPane):
            self.history_pane.focus()
            return
        self.exit()

    def action_focus_pane(self, pane: str) -> None:
        """Focus a pane by name: history, sections, content or comments."""
        panes = {"history": self.history_pane, "sections": self.sections_pane,
                 "content": self.content_pane, "comments": self.comments_pane}
        panes[pane].focus()

    def action_help(self) -> None:
        """Show every key with its binding id."""
        from reviewtool.tui.help_screen import HelpScreen

        self.push_screen(HelpScreen())

    def action_search(self) -> None:
        """Search section titles, versions, the essay's text (this version or every version) and comments."""
        self.search_flow.open()

    def action_next_match(self, step: int = 1) -> None:
        """Move to the next (older) version that matched the last search (``N``: newer)."""
        self.search_flow.next_match(step)

    def action_toggle_growth(self) -> None:
        """Show or hide the growth sparklines."""
        growth = self.growth_view
        growth.display = not growth.display
        self._growth_auto = False

    def action_toggle_first_parent(self) -> None:
        """Show only the first-parent line of the history (again: every version)."""
        self.first_parent_only = not self.first_parent_only

    def action_toggle_merges(self) -> None:
        """Hide the merges from the history (again: show them)."""
        self.hide_merges = not self.hide_merges

    def action_reload(self) -> None:
        """Re-read the history and the review notes."""
        self.history_loader.start()

    def action_section_history(self) -> None:
        """Show the versions in which the selected section changed (through renames)."""
        open_section_history(self)

    # ------------------------------------------------------------------ actions: comparison
    def action_mark_base(self) -> None:
        """Mark the highlighted version as the comparison base (again: clear it)."""
        compare_base.mark_base(self)

    def action_clear_base(self) -> None:
        """Compare each version with its first parent again."""
        compare_base.clear_base(self)

    def action_since_review(self) -> None:
        """Compare the newest version with the one I last gave a verdict on (git's user.email)."""
        compare_base.since_review(self)

    def action_mode(self, mode: str) -> None:
        """Show the section as text, inline diff, side-by-side diff or outline coverage."""
        self.mode = mode

    # ------------------------------------------------------------------ actions: changes and passages
    def action_next_change(self, step: int = 1) -> None:
        """Go to the next change (``[``: the previous one), on into the next changed section."""
        change_navigation.next_change(self, step)

    def action_expand_context(self) -> None:
        """Expand the collapsed paragraphs around the current change."""
        change_navigation.expand_context(self)

    def action_toggle_full(self) -> None:
        """Show every paragraph of the changed sections (again: only the changes)."""
        change_navigation.toggle_full(self)

    def action_next_passage(self, step: int = 1) -> None:
        """Move to the next (``{``: previous) commented passage of the text; its thread shows below."""
        if self.mode != "text":
            self.mode = "text"
        if not self.content_pane.move_passage(step):
            where = "this section" if self.section_key else "this version"
            self.notify(f"no commented passage in {where} (a comment on a quoted passage is highlighted)",
                        title="comments", severity="warning")

    # ------------------------------------------------------------------ actions: review
    def action_comment(self) -> None:
        """Comment on the selected version, section, or a passage of it."""
        review.start_comment(self)

    def action_reply(self) -> None:
        """Reply to the highlighted thread."""
        review.start_reply(self)

    def action_edit_comment(self) -> None:
        """Edit your own highlighted comment."""
        review.start_edit(self)

    def action_edit_reply(self) -> None:
        """Edit your latest reply in the highlighted thread."""
        review.start_edit_reply(self)

    def action_toggle_resolved(self) -> None:
        """Resolve the highlighted thread (reopen it when resolved)."""
        review.toggle_resolved(self)

    def action_reopen(self) -> None:
        """Reopen the highlighted resolved thread."""
        review.simple_action(self, "reopen")

    def action_retract(self) -> None:
        """Retract your own highlighted comment (asks first)."""
        review.start_retract(self)

    def action_apply_suggestion(self) -> None:
        """Apply the highlighted thread's suggested edit to the working tree."""
        review.start_apply(self)

    def action_verdict(self) -> None:
        """Review the selected version: approve, request changes, or comment with a summary."""
        review.start_verdict(self)

    def action_request_review(self) -> None:
        """Ask reviewers to review the selected version (``reviewtool review request``)."""
        start_request(self)

    def action_withdraw_request(self) -> None:
        """Withdraw a review request you made, or decline one made to you (``reviewtool review withdraw``)."""
        start_withdraw(self)

    def action_inbox(self) -> None:
        """What waits for me (``reviewtool status``): requests, threads awaiting my reply, suggestions."""
        open_inbox(self)

    def action_toggle_viewed(self) -> None:
        """Mark the selected section viewed (again: take the mark back)."""
        review.toggle_viewed(self)

    def action_export(self) -> None:
        """Export the review summary to a file."""
        review.start_export(self)

    def action_sync(self) -> None:
        """Fetch, merge and push the review notes."""
        review.start_sync(self)

