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

Every git read, diff and note write runs in a thread worker (``@work(thread=True,
exclusive=True, group=...)``) that posts a message back; moving the cursor
quickly cancels stale work. The UI thread never waits on git.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Footer, Tree
from textual.worker import Worker, WorkerState, get_current_worker

from reviewtool.draft.discovery import find_drafts, resolve_draft
from reviewtool.draft.history import DraftHistory, Version
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.repo import GitRepo
from reviewtool.review.anchoring import Placement, VersionIndex, comments_for_version
from reviewtool.review.events import Thread
from reviewtool.review.status import ReviewEntry, last_reviewed, review_entries, reviews_by_version
from reviewtool.review.store import ReviewStore
from reviewtool.review.viewed import ViewedSections, viewed_sections
from reviewtool.review.workflow import WorkflowEvents
from reviewtool.review.workflow_store import WorkflowStore
from reviewtool.textsafe import one_line
from reviewtool.tui import bindings, review, view_models
from reviewtool.tui.commands import ReviewCommands
from reviewtool.tui.comments_pane import CommentsPane
from reviewtool.tui.content_pane import ContentPane, ContentView
from reviewtool.tui.growth_view import GrowthView
from reviewtool.tui.history_pane import HistoryPane, RowStats
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
from reviewtool.tui.passages import Passage, passages_in
from reviewtool.tui.sections_pane import SectionMarks, SectionsPane
from reviewtool.tui.write_queue import WriteQueue

#: Statistics are announced to the UI at most this often while a worker computes them.
STATS_FLUSH_SECONDS = 0.05
#: Statistics start this long after the cursor or the scroll position stops moving, so that
#: computing them never competes with loading the version under the cursor.
STATS_DELAY_SECONDS = 0.12
#: Below this many rows the growth sparklines start hidden (``w`` shows them).
SHORT_SCREEN_ROWS = 30


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

    def __init__(self, repo_path: Path | str, draft: str | None = None, *,
                 now: datetime | Callable[[], datetime] | None = None,
                 keymap_file: Path | None = None, use_cache: bool = True) -> None:
        """Open the app on the repository at *repo_path* (and *draft*, when it has several).

        *now* freezes relative dates (for tests and screenshots); *keymap_file*
        overrides where the keymap is read from; *use_cache* False: the persistent cache of
        parsed versions is neither read nor written (``reviewtool --no-cache``).
        """
        super().__init__()
        self.repo_path = Path(repo_path)
        self.draft = draft
        self.use_cache = use_cache
        self._now = now
        self._keymap_file = keymap_file
        self.repo: GitRepo | None = None
        self.history: DraftHistory | None = None
        self.versions: list[Version] = []
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
        self.generation = 0
        self.coverage: Any = None
        self.coverage_note = ""
        self._stats_timer: Timer | None = None
        self._coverage_requested = -1
        self._task_step: dict[str, TaskProgress] = {}  # the current step of each running task
        self._writes = WriteQueue(self)
        self._growth_auto = True  # the growth view follows the screen height until toggled
        self._search_every_version = False  # the text scope of the last search
        self._pending_thread: str | None = None  # a thread to show once the placements are ready
        #: The review workflow's events (requests, verdicts, viewed marks); None until read.
        self.workflow: WorkflowEvents | None = None
        #: Standing verdicts by the commit they were given on (history rows).
        self.reviews: dict[str, list[ReviewEntry]] = {}
        #: My viewed marks on the selected version (None: not computed, or no email).
        self.viewed: ViewedSections | None = None
        self.viewed_commit: str | None = None  # the version self.viewed is for

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
                                        reviews_for=self.reviews_for)
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
        self.load_history()

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
    def stats_for(self, version: Version) -> RowStats | None:
        """Computed statistics of *version* (None until the stats worker reaches it)."""
        return self.stats.get(version.commit)

    def reviews_for(self, version: Version) -> list[ReviewEntry]:
        """Standing verdicts given on *version* (empty until the threads worker read them)."""
        return self.reviews.get(version.commit, [])

    def open_comments(self, version: Version) -> int:
        """Open review threads made on *version*."""
        return self.open_by_commit.get(version.commit, 0)

    # ------------------------------------------------------------------ workers: history
    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def load_history(self) -> None:
        """Open the repository and list the draft's versions (one ``git log``)."""
        repo = self.repo
        if repo is None:
            try:
                repo = GitRepo.open(self.repo_path)
            except ReviewtoolError as exc:
                kind = "not-a-repo" if str(exc).startswith("not a git repository") else "error"
                self.post_message(HistoryFailed(str(exc), kind))
                return
            repo.detached = True  # git must never prompt on (or read) the app's terminal
        try:
            draft = resolve_draft(repo, self.draft)
        except ReviewtoolError as exc:
            self.post_message(self._start_failure(repo, exc))
            return
        history = DraftHistory(repo, draft, use_cache=self.use_cache)
        try:
            versions = history.versions
        except ReviewtoolError as exc:
            self.post_message(HistoryFailed(str(exc), "error"))
            return
        self.repo = repo
        if not versions:
            self.post_message(HistoryFailed(f"{draft} has no history", "error"))
            return
        self.post_message(HistoryLoaded(history, versions))

    @staticmethod
    def _start_failure(repo: GitRepo, exc: ReviewtoolError) -> HistoryFailed:
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

    def on_history_loaded(self, message: HistoryLoaded) -> None:
        keep = self.version.commit if self.version is not None else None
        if self.history is not None and self.history.draft != message.history.draft:
            keep = None
        self.history = message.history
        self.versions = message.versions
        known = {v.commit for v in self.versions}
        self.stats = {k: s for k, s in self.stats.items() if k in known and k != "WORKTREE"}
        draft = message.history.draft
        count = len(self.versions)
        self.title = f"reviewtool — {draft}"
        self.top_panel.border_title = Content.assemble(
            ("History", "bold"), "  ", (one_line(draft), "$text-accent"),
            (f"  {count:,} version{'s' if count != 1 else ''}", "$text-muted"))
        self.growth_view.set_versions(self.versions)
        self.history_pane.set_versions(self.versions, keep=keep)
        self.load_threads()

    def on_history_failed(self, message: HistoryFailed) -> None:
        from reviewtool.tui.start_screen import StartScreen

        def chosen(draft: str | None) -> None:
            if draft:
                self.draft = draft
                self.load_history()
            else:
                self.exit()

        self.push_screen(StartScreen(message.message, message.kind, message.drafts), chosen)

    # ------------------------------------------------------------------ workers: statistics
    def request_stats(self) -> None:
        """Pause the statistics worker; restart it once the cursor and scrolling settle."""
        self.workers.cancel_group(self, "stats")
        if self._stats_timer is not None:
            self._stats_timer.stop()
        self._stats_timer = self.set_timer(STATS_DELAY_SECONDS, self.schedule_stats)

    def schedule_stats(self) -> None:
        """Compute statistics for the visible rows first, then (words only) for the growth samples."""
        self._stats_timer = None
        if self.history is None or not self.versions:
            return
        first, last = self.history_pane.visible_range()
        todo: list[tuple[Version, bool]] = []
        seen: set[int] = set()
        for i in range(first, last + 1):
            seen.add(i)
            stats = self.stats.get(self.versions[i].commit)
            if stats is None or not stats.complete:
                todo.append((self.versions[i], True))
        for i in self.growth_view.sample_indices():
            if i not in seen and 0 <= i < len(self.versions) and self.versions[i].commit not in self.stats:
                seen.add(i)
                todo.append((self.versions[i], False))
        if todo:
            self.compute_stats(self.history, todo)

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def compute_stats(self, history: DraftHistory, todo: list[tuple[Version, bool]]) -> None:
        """Per-version statistics in order (with the change bar when asked); coalesced announcements."""
        worker = get_current_worker()
        last_flush = time.perf_counter()
        done = 0
        for version, with_change in todo:
            if worker.is_cancelled:
                break
            known = self.stats.get(version.commit)
            if known is not None and (known.complete or not with_change):
                continue
            try:
                self.stats[version.commit] = view_models.row_stats(history, version, with_change)
            except ReviewtoolError:
                self.stats[version.commit] = RowStats(0, 0, 0.0, deleted=True)
            done += 1
            now = time.perf_counter()
            if now - last_flush >= STATS_FLUSH_SECONDS:
                last_flush = now
                self.post_message(StatsUpdated(done))
        self.post_message(StatsUpdated(done))

    def on_stats_updated(self, message: StatsUpdated) -> None:
        self.history_pane.refresh_rows()
        self.growth_view.refresh()

    # ------------------------------------------------------------------ selection
    @on(HistoryPane.Highlighted)
    def on_version_highlighted(self, event: HistoryPane.Highlighted) -> None:
        self.growth_view.cursor = event.index
        self.select_version(event.version)
        self.request_stats()

    @on(HistoryPane.Scrolled)
    def on_history_scrolled(self, event: HistoryPane.Scrolled) -> None:
        self.request_stats()

    @on(HistoryPane.Selected)
    def on_version_selected(self, event: HistoryPane.Selected) -> None:
        self.sections_pane.focus()

    @on(GrowthView.Clicked)
    def on_growth_clicked(self, event: GrowthView.Clicked) -> None:
        self.history_pane.cursor = event.index

    def effective_base(self, version: Version) -> Version | None:
        """The comparison base of *version*: the marked base, else its first parent (what it changed)."""
        assert self.history is not None
        marked = self.marked_base() if self.base_commit != version.commit else None
        return marked if marked is not None else self.history.first_parent(version)

    def select_version(self, version: Version) -> None:
        """Select *version* (loads it and its comparison)."""
        self.version = version

    def watch_version(self, version: Version | None) -> None:
        if version is not None:
            self._start_selection(version)

    def _start_selection(self, version: Version) -> None:
        """Start loading *version* and its comparison (cancels the previous selection's work)."""
        if self.history is None:
            return
        self.generation += 1
        self.base = self.effective_base(version)
        self.load_selection(self.generation, self.history, version, self.base)

    @work(thread=True, exclusive=True, group="selection", exit_on_error=False)
    def load_selection(self, generation: int, history: DraftHistory, version: Version,
                       base: Version | None) -> None:
        """Parse the version and its base, align and diff them; then place the comments."""
        worker = get_current_worker()
        try:
            result = view_models.compare(history, version, base)
        except ReviewtoolError as exc:
            self.post_message(SelectionFailed(generation, version, str(exc)))
            return
        if worker.is_cancelled:
            return
        self.post_message(SelectionReady(generation, version, base, result["doc"], result["diff"],
                                         result["diff_note"]))
        self._place_threads(generation, history, version)

    def _place_threads(self, generation: int, history: DraftHistory, version: Version) -> None:
        if not self.threads:
            self.post_message(PlacementsReady(generation, version, [], self.threads_note))
            return
        try:
            # Retracted threads stay listed (marked, body hidden) so their replies are not lost.
            placed = comments_for_version(history, list(self.threads), version, include_retracted=True)
        except ReviewtoolError as exc:
            self.post_message(PlacementsReady(generation, version, [], str(exc)))
            return
        self.post_message(PlacementsReady(generation, version, placed))

    def on_selection_ready(self, message: SelectionReady) -> None:
        if message.generation != self.generation:
            return
        self.selection = {"doc": message.doc, "diff": message.diff, "diff_note": message.diff_note,
                          "version": message.version, "base": message.base}
        self.coverage = None
        self.coverage_note = ""
        doc = message.doc
        if self.section_key and doc.get(self.section_key) is None:
            # Follow the section to its new key; the panes are rebuilt just below.
            self.set_reactive(ReviewApp.section_key, self._follow_section(message) or "")
        if self.viewed_commit != message.version.commit:
            self.viewed, self.viewed_commit = None, None  # another version's marks: recomputed below
        self.sections_pane.show(doc, self._marks(), keep=self.section_key)
        self._sections_title()
        self.refresh_content()
        self.show_comments()
        self._start_viewed()

    def _follow_section(self, message: SelectionReady) -> str | None:
        """Where the selected section went in the new version (its key is gone there), by the alignment."""
        if message.diff is None:
            return None
        pair = message.diff.alignment.for_old(self.section_key)
        return pair.new[0].key if pair is not None and pair.new else None

    def on_selection_failed(self, message: SelectionFailed) -> None:
        if message.generation != self.generation:
            return
        self.selection = None
        self.content_pane.show(ContentView(version=message.version, diff_note=message.message,
                                           markdown=""))
        self.notify(message.message, title=message.version.short, severity="error", markup=False)

    def _marks(self) -> SectionMarks:
        open_by_section: dict[str, int] = {}
        total = 0
        for thread, placement in self.placements:
            if thread.status == "open" and not thread.retracted:
                total += 1  # the top node counts whole-version comments too
                if placement.section_key:
                    open_by_section[placement.section_key] = open_by_section.get(placement.section_key, 0) + 1
        viewed = set() if self.viewed is None else {k for k, v in self.viewed.viewed.items() if v}
        if self.selection is None:
            return SectionMarks(comments=open_by_section, total_open=total, viewed=viewed)
        marks = view_models.section_marks(self.selection, self.base, open_by_section)
        marks.total_open = total
        marks.viewed = viewed
        return marks

    @on(SectionsPane.SectionHighlighted)
    def on_section_highlighted(self, event: SectionsPane.SectionHighlighted) -> None:
        self.section_key = event.key

    def watch_section_key(self) -> None:
        self.refresh_content()
        self.show_comments()

    @on(Tree.NodeSelected)
    def on_section_selected(self, event: Tree.NodeSelected[str]) -> None:
        self.content_pane.focus()

    # ------------------------------------------------------------------ content
    def refresh_content(self, keep_scroll: bool = False) -> None:
        """Rebuild the content pane for the current version, base, section and mode."""
        sel = self.selection
        if sel is None:
            return
        doc = sel["doc"]
        section = doc.get(self.section_key) if self.section_key else None
        passages: list[Passage] = []
        if self.mode == "text" and self.placements_commit == sel["version"].commit:
            passages = passages_in(self.placements, *view_models.passage_range(doc, section))
        view = ContentView(version=sel["version"], base=sel["base"], doc=doc, section=section,
                           markdown=view_models.markdown_for(doc, section, passages), passages=passages)
        mode = self.mode
        if mode in ("diff", "side"):
            try:
                view.pieces, view.diff_note = view_models.diff_pieces(sel, self.section_key)
            except ReviewtoolError as exc:
                view.diff_note = str(exc)
        if mode == "coverage":
            view.coverage_lines, view.coverage_note = self._coverage_view()
        self.content_pane.show(view, keep_scroll=keep_scroll)

    def _coverage_view(self) -> tuple[list[Content], str]:
        if self.coverage is None and not self.coverage_note:
            if self.history is not None and self.version is not None and \
                    self._coverage_requested != self.generation:
                self._coverage_requested = self.generation
                self.compute_coverage(self.generation, self.history, self.version, self.marked_base())
            return [], ""
        if self.coverage_note:
            return [], self.coverage_note
        coverage, outline = self.coverage
        assert self.selection is not None  # coverage is computed for a loaded selection
        return view_models.coverage_lines(coverage, outline, self.selection["doc"], self.section_key), ""

    def marked_base(self) -> Version | None:
        """The version marked with ``b`` (None when none is marked)."""
        if self.base_commit is None:
            return None
        return next((v for v in self.versions if v.commit == self.base_commit), None)

    @work(thread=True, exclusive=True, group="coverage", exit_on_error=False)
    def compute_coverage(self, generation: int, history: DraftHistory, version: Version,
                         outline: Version | None) -> None:
        """Outline coverage of *version* (outline: the marked base, else the fullest earlier outline)."""
        try:
            cov, outline = view_models.compute_coverage(history, version, outline)
        except ReviewtoolError as exc:
            self.post_message(CoverageReady(generation, None, str(exc)))
            return
        if cov is None or outline is None:
            self.post_message(CoverageReady(generation, None, "no version up to this one has outline bullets "
                                                              "(mark one with b to measure against it)"))
            return
        self.post_message(CoverageReady(generation, (cov, outline)))

    def on_coverage_ready(self, message: CoverageReady) -> None:
        if message.generation != self.generation:
            return
        self.coverage = message.coverage
        self.coverage_note = message.note
        if self.mode == "coverage":
            self.refresh_content()

    # ------------------------------------------------------------------ comments
    @work(thread=True, exclusive=True, group="threads", exit_on_error=False)
    def load_threads(self) -> None:
        """Read every review thread and workflow event from the notes (one bulk read), and
        each reviewer's standing verdict on the draft (for the history rows)."""
        if self.repo is None:
            return
        history = self.history
        try:
            identity: tuple[str, str] | None = self.repo.identity()
        except ReviewtoolError:
            identity = None  # no user.name/email: reading works, writing says "who are you?"
        try:
            data = WorkflowStore(ReviewStore(self.repo)).load()
        except ReviewtoolError as exc:
            self.post_message(ThreadsLoaded([], [], f"cannot read review notes: {exc}", identity))
            return
        reviews: dict[str, list[ReviewEntry]] = {}
        problems = [str(p) for p in data.problems]
        if history is not None and data.workflow.verdicts:
            try:
                reviews = reviews_by_version(review_entries(history, data.workflow))
            except ReviewtoolError as exc:
                problems.append(f"review state: {exc}")
        self.post_message(ThreadsLoaded(data.threads, problems, identity=identity,
                                        workflow=data.workflow, reviews=reviews))

    def on_threads_loaded(self, message: ThreadsLoaded) -> None:
        self.threads = message.threads
        self.identity = message.identity
        self.threads_note = message.note
        self.workflow = message.workflow
        self.reviews = message.reviews
        if message.problems and message.problems != self.thread_problems:
            self.notify(f"{len(message.problems)} problem(s) in the review notes: {message.problems[0]}",
                        title="review notes", severity="warning", markup=False)
        self.thread_problems = message.problems
        self.open_by_commit = self._open_by_commit()
        self.history_pane.refresh_rows()
        if self.history is not None and self.version is not None:
            self.place_threads(self.generation, self.history, self.version)
            self._start_viewed()

    # ------------------------------------------------------------------ viewed marks
    def _start_viewed(self) -> None:
        """Compute my viewed marks on the selected version in a worker (needs the workflow events,
        my email and a loaded selection)."""
        sel = self.selection
        if self.history is None or sel is None:
            return
        email = self.identity[1] if self.identity else ""
        self.load_viewed(self.generation, self.history, sel["version"], self.workflow, email)

    @work(thread=True, exclusive=True, group="viewed", exit_on_error=False)
    def load_viewed(self, generation: int, history: DraftHistory, version: Version,
                    workflow: WorkflowEvents | None, email: str) -> None:
        """Fold my viewed marks onto *version* (alignment to each marked version; blobs read once)."""
        if workflow is None:
            self.post_message(ViewedReady(generation, version.commit, None, "review notes unreadable"))
            return
        if not email:
            self.post_message(ViewedReady(generation, version.commit, None, "set git config user.email"))
            return
        try:
            viewed = viewed_sections(history, workflow.marks, version, email)
        except ReviewtoolError as exc:
            self.post_message(ViewedReady(generation, version.commit, None, str(exc)))
            return
        self.post_message(ViewedReady(generation, version.commit, viewed))

    def on_viewed_ready(self, message: ViewedReady) -> None:
        if message.generation != self.generation:
            return
        self.viewed, self.viewed_commit = message.viewed, message.commit
        self.sections_pane.update_marks(self._marks())
        self._sections_title()

    def _sections_title(self) -> None:
        viewed = self.viewed  # the count shows once I marked a section of this version viewed
        if viewed is None or viewed.count == 0:
            self.sections_pane.border_title = "Sections"
            return
        style = "$text-success" if viewed.count == viewed.total else "$text-muted"
        self.sections_pane.border_title = Content.assemble(("Sections", "bold"), "  ",
                                                           (viewed.summary, style))

    def _open_by_commit(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        if self.history is None:
            return counts
        versions = VersionIndex(self.history)
        for thread in view_models.open_threads(self.threads):
            index = versions.index_of(thread.anchor)
            commit = self.versions[index].commit if index is not None else thread.anchor.commit
            counts[commit] = counts.get(commit, 0) + 1
        return counts

    @work(thread=True, exclusive=True, group="placements", exit_on_error=False)
    def place_threads(self, generation: int, history: DraftHistory, version: Version) -> None:
        """Re-anchor the threads onto the selected version."""
        self._place_threads(generation, history, version)

    def on_placements_ready(self, message: PlacementsReady) -> None:
        if message.generation != self.generation:
            return
        self.placements = message.placements
        self.placements_commit = message.version.commit
        self.placements_note = message.note
        self.sections_pane.update_marks(self._marks())
        self.show_comments()
        if self.mode == "text":
            self.refresh_content(keep_scroll=True)  # highlight the commented passages
        if self._pending_thread is not None:
            thread_id, self._pending_thread = self._pending_thread, None
            self._reveal_thread(thread_id)

    def show_comments(self) -> None:
        """Show the threads on the selected section (all of them on the whole document)."""
        sel = self.selection
        if sel is None:
            return
        doc = sel["doc"]
        keys = {s.key for s in view_models.subtree(doc, self.section_key)} if self.section_key else None
        placed = [(t, p) for t, p in self.placements if keys is None or p.section_key in keys]
        titles = {s.key: s.title for s in doc.sections}
        note = self.placements_note or self.threads_note
        self.comments_pane.show(placed, titles, note)
        open_count = sum(1 for t, _ in placed if t.status == "open" and not t.retracted)
        self.comments_pane.border_title = Content.assemble(
            ("Comments", "bold"), (f"  {open_count} open, {len(placed)} shown", "$text-muted"))

    # ------------------------------------------------------------------ workers: writes and tasks
    def write_review(self, action: str, call: Callable[[], str], reload_history: bool = False) -> None:
        """Queue one review write (comment, reply, resolve...): see :class:`WriteQueue`."""
        self._writes.put(action, call, reload_history)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def run_export(self, call: Callable[[], str]) -> None:
        """Write the review summary to a file."""
        try:
            message = call()
        except (ReviewtoolError, OSError) as exc:
            self.post_message(TaskFinished("export", False, str(exc)))
            return
        self.post_message(TaskFinished("export", True, message))

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def run_sync(self, remote: str, call: Callable[[Callable[[str], None]], str]) -> None:
        """Sync the review notes with *remote*, posting progress lines."""
        try:
            def progress(line: str) -> None:
                self.post_message(TaskProgress("sync", line))

            message = call(progress)
        except ReviewtoolError as exc:
            self.post_message(TaskFinished("sync", False, str(exc)))
            return
        self.post_message(TaskFinished("sync", True, message))

    def on_review_written(self, message: ReviewWritten) -> None:
        self.notify(message.message, title=message.action, markup=False,
                    severity="information" if message.ok else "error")
        if message.ok:
            if message.reload_history:
                self.load_history()
            else:
                self.load_threads()

    def on_task_progress(self, message: TaskProgress) -> None:
        self._task_step[message.task] = message
        self.set_timer(self.PROGRESS_DELAY, lambda: self._show_step(message))

    def _show_step(self, step: TaskProgress) -> None:
        if self._task_step.get(step.task) is step:  # still on that step: say what it waits for
            self.notify(step.message, title=step.task, markup=False, timeout=4)

    def on_task_finished(self, message: TaskFinished) -> None:
        self._task_step.pop(message.task, None)
        self.notify(message.message, title=message.task, markup=False,
                    severity="information" if message.ok else "error", timeout=6)
        if message.ok and message.task == "sync":
            self.load_threads()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{event.worker.name} failed: {type(error).__name__}: {error}",
                        title="error", severity="error", markup=False)

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
        from reviewtool.tui.search_screen import SearchScreen

        doc = self.selection["doc"] if self.selection else None
        def remember(every_version: bool) -> None:
            self._search_every_version = every_version

        self.push_screen(SearchScreen(self.versions, doc, history=self.history, threads=list(self.threads),
                                      every_version=self._search_every_version, on_scope=remember),
                         self._search_result)

    def _search_result(self, choice: Any) -> None:
        if choice is None:
            return
        kind, value = choice.kind, choice.value
        self.content_pane.find = None
        pane = self.history_pane
        pane.matches = set(choice.matches)
        pane.refresh_rows()
        if kind == "version":
            pane.cursor = value
            pane.focus()
        elif kind == "section":
            self.sections_pane.select_key(value)
            self.sections_pane.focus()
        elif kind == "text":
            self._find(choice.query, value.section_key, value.nth, self.version.commit if self.version else "")
            self.sections_pane.select_key(value.section_key)
            self.content_pane.focus()
        elif kind == "version-text":
            self._find(choice.query, "", 0, self.versions[value.index].commit)
            if pane.cursor == value.index:
                self.sections_pane.select_key("")
            else:
                self.set_reactive(ReviewApp.section_key, "")  # the whole version, once it loads
                pane.cursor = value.index
            self.content_pane.focus()
        elif kind == "comment":
            self._show_thread(value.thread)

    def _find(self, query: str, key: str, nth: int, commit: str) -> None:
        """Show the text with *query* highlighted, scrolled to its *nth* occurrence in section *key*
        of version *commit*."""
        if self.mode != "text":
            self.mode = "text"
        self.content_pane.show_find(query, key, nth, commit)

    def _show_thread(self, thread: Thread) -> None:
        """Show *thread* in the comments pane: on the selected version when it is placed there,
        else on the version it was made on."""
        if self.placements_commit == (self.version.commit if self.version else None) and \
                any(t.id == thread.id for t, _ in self.placements):
            self._reveal_thread(thread.id)
            return
        index = VersionIndex(self.history).index_of(thread.anchor) if self.history is not None else None
        if index is None:
            self.notify("the version this comment was made on is not in the draft's history",
                        title="search", severity="warning")
            return
        self._pending_thread = thread.id
        self.history_pane.cursor = index

    def _reveal_thread(self, thread_id: str) -> None:
        """Select the section *thread_id* is placed in and highlight the thread in the comments pane."""
        placement = next((p for t, p in self.placements if t.id == thread_id), None)
        if placement is None:
            return
        key = placement.section_key or ""
        if key != self.section_key:
            self.sections_pane.select_key(key)
            self.section_key = key
        self.comments_pane.highlight_thread(thread_id)
        self.comments_pane.focus()
        if self.mode == "text":
            self.content_pane.focus_thread(thread_id)

    def action_next_match(self, step: int = 1) -> None:
        """Move to the next (older) version that matched the last search (``N``: newer)."""
        pane = self.history_pane
        if not pane.matches:
            self.notify("no search matches: search with /", title="search", severity="warning")
            return
        ordered = sorted(pane.matches)
        if step > 0:
            target = next((i for i in ordered if i > pane.cursor), ordered[0])
        else:
            target = next((i for i in reversed(ordered) if i < pane.cursor), ordered[-1])
        pane.cursor = target

    def action_toggle_growth(self) -> None:
        """Show or hide the growth sparklines."""
        growth = self.growth_view
        growth.display = not growth.display
        self._growth_auto = False

    def action_reload(self) -> None:
        """Re-read the history and the review notes."""
        self.load_history()

    # ------------------------------------------------------------------ actions: comparison
    def watch_base_commit(self, old: str | None, new: str | None) -> None:
        self.history_pane.base_commit = new
        self.history_pane.refresh_rows()
        if self.version is not None:
            self._start_selection(self.version)

    def action_mark_base(self) -> None:
        """Mark the highlighted version as the comparison base (again: clear it)."""
        v = self.history_pane.current
        if v is None:
            return
        if self.base_commit == v.commit:
            self.action_clear_base()
            return
        self.base_commit = v.commit
        # Content renders in a toast as it does anywhere (notify's annotation says str only).
        self.notify(Content.assemble("comparing against ", (v.short, "bold"),  # type: ignore[arg-type]
                                     "; move the cursor to compare any version with it"),
                    title="base marked")

    def action_clear_base(self) -> None:
        """Compare each version with its first parent again."""
        if self.base_commit is not None:
            self.base_commit = None
            self.notify("each version is compared with its first parent", title="base cleared")

    def action_since_review(self) -> None:
        """Compare the newest version with the one I last gave a verdict on (git's user.email)."""
        if self.history is None or self.workflow is None:
            self.notify("the review notes are not read yet", title="since my review", severity="warning")
            return
        if self.identity is None or not self.identity[1]:
            self.notify("who are you? set git config user.email (your verdicts are found by it)",
                        title="since my review", severity="error")
            return
        self.find_last_review(self.history, self.workflow, self.identity[1])

    @work(thread=True, exclusive=True, group="since-review", exit_on_error=False)
    def find_last_review(self, history: DraftHistory, workflow: WorkflowEvents, email: str) -> None:
        """The version I last gave a verdict on (ancestry along the first-parent line)."""
        try:
            found = last_reviewed(history, workflow, email)
        except ReviewtoolError as exc:
            self.post_message(SinceReviewReady(None, note=str(exc)))
            return
        if found is None:
            self.post_message(SinceReviewReady(None, note=f"you ({email}) have not reviewed this draft yet: "
                                                           "give a verdict with V, or mark a base with b"))
            return
        verdict, version = found
        self.post_message(SinceReviewReady(version, verdict.label))

    def on_since_review_ready(self, message: SinceReviewReady) -> None:
        version = message.version
        if version is None:
            self.notify(message.note, title="since my review", severity="warning", markup=False)
            return
        newest = next((i for i, v in enumerate(self.versions) if not v.is_worktree), 0)
        if self.versions and self.versions[newest].commit == version.commit:
            self.notify(f"nothing changed since your review of {version.short} ({message.verdict}): "
                        "it is the newest version", title="since my review", markup=False)
            return
        self.base_commit = version.commit
        self.history_pane.cursor = newest
        if self.mode not in ("diff", "side"):
            self.mode = "diff"
        self.notify(f"comparing the newest version with {version.short}, your last review "
                    f"({message.verdict})", title="since my review", markup=False)

    def action_mode(self, mode: str) -> None:
        """Show the section as text, inline diff, side-by-side diff or outline coverage."""
        self.mode = mode

    # ------------------------------------------------------------------ actions: changes
    def action_next_change(self, step: int = 1) -> None:
        """Go to the next change (``[``: the previous one), on into the next changed section."""
        pane = self.content_pane
        if self.selection is None:
            return
        if self.selection.get("diff") is None:
            self.notify(self.selection.get("diff_note") or "nothing to compare", title="changes")
            return
        if self.mode not in ("diff", "side"):
            pane.pending = ("first" if step > 0 else "last", None)
            self.mode = "diff"
            return
        if not pane.step_change(step):
            self._change_in_another_section(step)

    def on_content_pane_no_change(self, message: ContentPane.NoChange) -> None:
        self._change_in_another_section(message.step)

    def _change_in_another_section(self, step: int) -> None:
        """Select the nearest changed section after (before) the ones shown, at its first (last) change."""
        assert self.selection is not None
        target = view_models.neighbour_change(self.selection, self.section_key,
                                              [p.index for p in self.content_pane.view.pieces], step)
        if target is None:
            self.notify("no more changes" if step > 0 else "no earlier change", title="changes")
            return
        index, key = target
        self.content_pane.pending = ("first" if step > 0 else "last", index)
        if key == self.section_key:
            self.refresh_content()
        elif not self.sections_pane.select_key(key):
            self.section_key = ""  # a section that is gone: it shows in the whole document

    def action_expand_context(self) -> None:
        """Expand the collapsed paragraphs around the current change."""
        if self.mode in ("diff", "side") and not self.content_pane.expand_around():
            self.notify("nothing collapsed here", title="changes")

    def action_toggle_full(self) -> None:
        """Show every paragraph of the changed sections (again: only the changes)."""
        if self.mode in ("diff", "side"):
            self.content_pane.toggle_full()

    def watch_mode(self, mode: str) -> None:
        self.content_pane.mode = mode
        self.refresh_content()

    # ------------------------------------------------------------------ section history
    def action_section_history(self) -> None:
        """Show the versions in which the selected section changed (through renames)."""
        from reviewtool.tui.section_history_screen import SectionHistoryScreen

        sel = self.selection
        if sel is None or self.history is None:
            self.notify("no version loaded yet", title="section history", severity="warning")
            return
        section = sel["doc"].get(self.section_key) if self.section_key else None
        if section is None:
            self.notify("select a section first (2, then j/k): the history pane is the whole draft's history",
                        title="section history", severity="warning")
            return
        self.push_screen(SectionHistoryScreen(self.history, sel["version"], section.key, section.title,
                                              now=self.now()), self._open_section_change)

    def _open_section_change(self, choice: Any) -> None:
        """Show the chosen version's diff against its previous version, on the followed section."""
        if choice is None:
            return
        if self.base_commit is not None:
            self.base_commit = None
            self.notify("base cleared: the diff is against the previous version", title="section history")
        index = next((i for i, v in enumerate(self.versions) if v.commit == choice.version.commit), None)
        if index is None:
            return
        self.mode = "diff"
        if self.version is not None and self.version.commit == choice.version.commit:
            self.sections_pane.select_key(choice.key)
        else:
            self.set_reactive(ReviewApp.section_key, choice.key)  # kept when the version loads
            self.history_pane.cursor = index
        self.content_pane.focus()

    # ------------------------------------------------------------------ commented passages
    def action_next_passage(self, step: int = 1) -> None:
        """Move to the next (``{``: previous) commented passage of the text; its thread shows below."""
        if self.mode != "text":
            self.mode = "text"
        if not self.content_pane.move_passage(step):
            where = "this section" if self.section_key else "this version"
            self.notify(f"no commented passage in {where} (a comment on a quoted passage is highlighted)",
                        title="comments", severity="warning")

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

    def action_toggle_viewed(self) -> None:
        """Mark the selected section viewed (again: take the mark back)."""
        review.toggle_viewed(self)

    def action_export(self) -> None:
        """Export the review summary to a file."""
        review.start_export(self)

    def action_sync(self) -> None:
        """Fetch, merge and push the review notes."""
        review.start_sync(self)

