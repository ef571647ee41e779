"""The review threads in the TUI: read from the notes, placed on the selected version, listed.

Three thread workers, each posting one message the app routes back here: the notes
(threads, workflow events, standing verdicts, waiting requests and who I am: :meth:`ThreadsLoader.start`),
the threads re-anchored onto the selected version (:meth:`ThreadsLoader.place`), and my
viewed marks on it (:meth:`ThreadsLoader.start_viewed`). Outcomes for an older selection
are dropped (the app's selection generation). The comments pane, the sections tree's marks
and the history rows' comment counts are filled from what they bring.

A plain object the app owns rather than a mixin: the state it fills (``threads``,
``placements``, ``viewed``...) stays on the app, where the review flows
(:mod:`reviewtool.tui.review`) read it; this module is only the how and when.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

from reviewtool.draft.history import DraftHistory, Version
from reviewtool.errors import ReviewtoolError
from reviewtool.review.anchoring import VersionIndex, comments_for_version
from reviewtool.review.problem_report import problem_lines
from reviewtool.review.status import (
    ReviewEntry,
    review_entries,
    reviews_by_version,
    waiting_requests_by_version,
)
from reviewtool.review.store import ReviewStore
from reviewtool.review.viewed import viewed_sections
from reviewtool.review.workflow import RequestState, WorkflowEvents
from reviewtool.review.workflow_store import WorkflowStore
from reviewtool.tui import view_models
from reviewtool.tui.messages import PlacementsReady, ThreadsLoaded, ViewedReady
from reviewtool.wording import counted

if TYPE_CHECKING:
    from reviewtool.tui.app import ReviewApp


class ThreadsLoader:
    """Reads the review notes, places their threads on the selection and shows them."""

    def __init__(self, app: ReviewApp) -> None:
        self._app = app

    # ------------------------------------------------------------------ the notes
    def start(self) -> None:
        """Re-read the review notes in a thread worker (after the history loads, or a write)."""
        self._app.run_worker(self._read, name="load_threads", group="threads", exclusive=True,
                             thread=True, exit_on_error=False)

    def _read(self) -> None:
        """Read every review thread and workflow event from the notes (one bulk read), and
        each reviewer's standing verdict on the draft (for the history rows). Worker thread."""
        app = self._app
        repo = app.repo
        if repo is None:
            return
        history = app.history
        try:
            identity: tuple[str, str] | None = repo.identity()
        except ReviewtoolError:
            identity = None  # no user.name/email: reading works, writing says "who are you?"
        try:
            data = WorkflowStore(ReviewStore(repo)).load()
        except ReviewtoolError as exc:
            app.post_message(ThreadsLoaded([], [], f"cannot read review notes: {exc}", identity))
            return
        reviews: dict[str, list[ReviewEntry]] = {}
        requests: dict[str, list[RequestState]] = {}
        problems = problem_lines(data.problems)  # a reply loop is one line, however long
        if history is not None and (data.workflow.verdicts or data.workflow.requests):
            try:
                reviews = reviews_by_version(review_entries(history, data.workflow))
                requests = waiting_requests_by_version(history, data.workflow)
            except ReviewtoolError as exc:
                problems.append(f"review state: {exc}")
        app.post_message(ThreadsLoaded(data.threads, problems, identity=identity,
                                       workflow=data.workflow, reviews=reviews, requests=requests))

    def loaded(self, message: ThreadsLoaded) -> None:
        """Keep what the notes hold, count open threads per version, and place them on the selection."""
        app = self._app
        app.threads = message.threads
        app.identity = message.identity
        app.threads_note = message.note
        app.workflow = message.workflow
        app.reviews = message.reviews
        app.requests = message.requests
        if message.problems and message.problems != app.thread_problems:
            app.notify(f"{counted(len(message.problems), 'problem')} in the review notes: {message.problems[0]}",
                       title="review notes", severity="warning", markup=False)
        app.thread_problems = message.problems
        app.open_by_commit = self._open_by_commit()
        app.history_pane.refresh_rows()
        history, version = app.history, app.version
        if history is not None and version is not None:
            generation = app.generation
            app.run_worker(lambda: self.place(generation, history, version), name="place_threads",
                           group="placements", exclusive=True, thread=True, exit_on_error=False)
            self.start_viewed()

    def _open_by_commit(self) -> dict[str, int]:
        """Open threads per version they were made on (for the history rows' comment column)."""
        app = self._app
        counts: dict[str, int] = {}
        if app.history is None:
            return counts
        versions = VersionIndex(app.history)
        listed = app.history.versions  # index_of counts in these (the shown list may be filtered)
        for thread in view_models.open_threads(app.threads):
            index = versions.index_of(thread.anchor)
            commit = listed[index].commit if index is not None else thread.anchor.commit
            counts[commit] = counts.get(commit, 0) + 1
        return counts

    # ------------------------------------------------------------------ placements
    def place(self, generation: int, history: DraftHistory, version: Version) -> None:
        """Re-anchor the threads onto *version* and post them. Worker thread (the selection's,
        or its own when the notes were re-read)."""
        app = self._app
        threads = list(app.threads)
        if not threads:
            app.post_message(PlacementsReady(generation, version, [], app.threads_note))
            return
        try:
            # Retracted threads stay listed (marked, body hidden) so their replies are not lost.
            placed = comments_for_version(history, threads, version, include_retracted=True)
        except ReviewtoolError as exc:
            app.post_message(PlacementsReady(generation, version, [], str(exc)))
            return
        app.post_message(PlacementsReady(generation, version, placed))

    def placements_ready(self, message: PlacementsReady) -> None:
        """Show the threads placed on the selection: marks, comments pane, highlighted passages."""
        app = self._app
        if message.generation != app.generation:
            return
        app.placements = message.placements
        app.placements_commit = message.version.commit
        app.placements_note = message.note
        app.sections_pane.update_marks(app.selection_loader.marks())
        self.show_comments()
        if app.mode == "text":
            app.selection_loader.refresh_content(keep_scroll=True)  # highlight the commented passages
        app.search_flow.reveal_pending()

    def show_comments(self) -> None:
        """Show the threads on the selected section (all of them on the whole document)."""
        app = self._app
        sel = app.selection
        if sel is None:
            return
        doc = sel["doc"]
        keys = {s.key for s in view_models.subtree(doc, app.section_key)} if app.section_key else None
        placed = [(t, p) for t, p in app.placements if keys is None or p.section_key in keys]
        titles = {s.key: s.title for s in doc.sections}
        note = app.placements_note or app.threads_note
        app.comments_pane.show(placed, titles, note)
        open_count = sum(1 for t, _ in placed if t.status == "open" and not t.retracted)
        set_border_title(app.comments_pane, Content.assemble(
            ("Comments", "bold"), (f"  {open_count} open, {len(placed)} shown", "$text-muted")))

    # ------------------------------------------------------------------ viewed marks
    def forget_viewed(self, commit: str) -> None:
        """Drop my viewed marks unless they are for *commit* (another version's: recomputed)."""
        app = self._app
        if app.viewed_commit != commit:
            app.viewed, app.viewed_commit = None, None

    def start_viewed(self) -> None:
        """Compute my viewed marks on the selected version in a worker (needs the workflow events,
        my email and a loaded selection)."""
        app = self._app
        sel, history = app.selection, app.history
        if history is None or sel is None:
            return
        email = app.identity[1] if app.identity else ""
        generation, version, workflow = app.generation, sel["version"], app.workflow
        app.run_worker(lambda: self._load_viewed(generation, history, version, workflow, email),
                       name="load_viewed", group="viewed", exclusive=True, thread=True, exit_on_error=False)

    def _load_viewed(self, generation: int, history: DraftHistory, version: Version,
                     workflow: WorkflowEvents | None, email: str) -> None:
        """Fold my viewed marks onto *version* (alignment to each marked version; blobs read once).
        Worker thread."""
        app = self._app
        if workflow is None:
            app.post_message(ViewedReady(generation, version.commit, None, "review notes unreadable"))
            return
        if not email:
            app.post_message(ViewedReady(generation, version.commit, None, "set git config user.email"))
            return
        try:
            viewed = viewed_sections(history, workflow.marks, version, email)
        except ReviewtoolError as exc:
            app.post_message(ViewedReady(generation, version.commit, None, str(exc)))
            return
        app.post_message(ViewedReady(generation, version.commit, viewed))

    def viewed_ready(self, message: ViewedReady) -> None:
        """Show my viewed marks in the sections tree and its title."""
        app = self._app
        if message.generation != app.generation:
            return
        app.viewed, app.viewed_commit = message.viewed, message.commit
        app.sections_pane.update_marks(app.selection_loader.marks())
        self.sections_title()

    def sections_title(self) -> None:
        """The sections pane's title: how many sections of this version I marked viewed."""
        app = self._app
        viewed = app.viewed  # the count shows once I marked a section of this version viewed
        if viewed is None or viewed.count == 0:
            set_border_title(app.sections_pane, "Sections")
            return
        style = "$text-success" if viewed.count == viewed.total else "$text-muted"
        set_border_title(app.sections_pane, Content.assemble(("Sections", "bold"), "  ", (viewed.summary, style)))


def set_border_title(widget: Widget, title: str | Content) -> None:
    """Set *widget*'s border title unless it already reads so, styles included (Textual redraws
    the whole widget whenever one is set: the sections tree and the comments pane were drawn
    again twice on every cursor move in the history for the same titles)."""
    shown = widget._border_title  # what Textual keeps of the last one set: Content, or None
    wanted = Content(title) if isinstance(title, str) else title
    if shown is not None and shown.plain == wanted.plain and list(shown.spans) == list(wanted.spans):
        return
    widget.border_title = title
