"""The selection: a version and its base loaded off the UI thread, then shown as sections and content.

A cursor move sets ``app.version``; :meth:`SelectionLoader.start` bumps the selection
generation, picks the base (:func:`reviewtool.tui.compare_base.effective_base`) and starts
one exclusive thread worker that parses both versions and diffs them (then places the
review threads, :mod:`reviewtool.tui.threads_loading`). The outcome, :class:`SelectionReady`,
is dropped when a newer selection started; otherwise it fills the sections tree and
:meth:`SelectionLoader.refresh_content` builds the content pane's view (text with the
commented passages, diff, or outline coverage, computed in its own worker).

A plain object the app owns rather than a mixin: it keeps its own bookkeeping (which
generation coverage was asked for) and the app reaches it through a few named calls;
the selection itself (``selection``, ``base``, ``coverage``) stays on the app, where the
panes and the review flows read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.worker import get_current_worker

from reviewtool.draft.history import DraftHistory, Version
from reviewtool.errors import ReviewtoolError
from reviewtool.tui import view_models
from reviewtool.tui.compare_base import effective_base
from reviewtool.tui.content_pane import ContentView
from reviewtool.tui.messages import CoverageReady, SelectionFailed, SelectionReady
from reviewtool.tui.passages import Passage, passages_in
from reviewtool.tui.sections_pane import SectionMarks

if TYPE_CHECKING:
    from reviewtool.tui.app import ReviewApp


class SelectionLoader:
    """Loads the selected version and its comparison, and turns them into what the panes show."""

    def __init__(self, app: ReviewApp) -> None:
        self._app = app
        self._coverage_requested = -1  # the generation coverage was last asked for

    # ------------------------------------------------------------------ loading
    def start(self, version: Version) -> None:
        """Start loading *version* and its comparison (cancels the previous selection's work)."""
        app = self._app
        history = app.history
        if history is None:
            return
        app.generation += 1
        app.base = effective_base(app, version)
        generation, base = app.generation, app.base
        app.run_worker(lambda: self._load(generation, history, version, base), name="load_selection",
                       group="selection", exclusive=True, thread=True, exit_on_error=False)

    def _load(self, generation: int, history: DraftHistory, version: Version, base: Version | None) -> None:
        """Parse the version and its base, align and diff them; then place the comments. Worker thread."""
        app = self._app
        worker = get_current_worker()
        try:
            result = view_models.compare(history, version, base)
        except ReviewtoolError as exc:
            app.post_message(SelectionFailed(generation, version, str(exc)))
            return
        if worker.is_cancelled:
            return
        app.post_message(SelectionReady(generation, version, base, result["doc"], result["diff"],
                                        result["diff_note"]))
        app.threads_loader.place(generation, history, version)

    def ready(self, message: SelectionReady) -> None:
        """Show the loaded selection (unless a newer one started): sections tree, content, comments."""
        app = self._app
        if message.generation != app.generation:
            return
        app.selection = {"doc": message.doc, "diff": message.diff, "diff_note": message.diff_note,
                         "version": message.version, "base": message.base}
        app.coverage = None
        app.coverage_note = ""
        doc = message.doc
        if app.section_key and doc.get(app.section_key) is None:
            # Follow the section to its new key; the panes are rebuilt just below.
            app.set_reactive(type(app).section_key, self._follow_section(message) or "")
        app.threads_loader.forget_viewed(message.version.commit)
        app.sections_pane.show(doc, self.marks(), keep=app.section_key)
        app.threads_loader.sections_title()
        self.refresh_content()
        app.threads_loader.show_comments()
        app.threads_loader.start_viewed()

    def _follow_section(self, message: SelectionReady) -> str | None:
        """Where the selected section went in the new version (its key is gone there), by the alignment."""
        if message.diff is None:
            return None
        pair = message.diff.alignment.for_old(self._app.section_key)
        return pair.new[0].key if pair is not None and pair.new else None

    def failed(self, message: SelectionFailed) -> None:
        """The version could not be read: say why, in the content pane and a notification."""
        app = self._app
        if message.generation != app.generation:
            return
        app.selection = None
        app.content_pane.show(ContentView(version=message.version, diff_note=message.message, markdown=""))
        app.notify(message.message, title=message.version.short, severity="error", markup=False)

    def marks(self) -> SectionMarks:
        """The sections tree's marks: change status against the base, open comments, my viewed marks."""
        app = self._app
        open_by_section: dict[str, int] = {}
        total = 0
        for thread, placement in app.placements:
            if thread.status == "open" and not thread.retracted:
                total += 1  # the top node counts whole-version comments too
                if placement.section_key:
                    open_by_section[placement.section_key] = open_by_section.get(placement.section_key, 0) + 1
        viewed = set() if app.viewed is None else {k for k, v in app.viewed.viewed.items() if v}
        if app.selection is None:
            return SectionMarks(comments=open_by_section, total_open=total, viewed=viewed)
        marks = view_models.section_marks(app.selection, app.base, open_by_section)
        marks.total_open = total
        marks.viewed = viewed
        return marks

    # ------------------------------------------------------------------ content
    def refresh_content(self, keep_scroll: bool = False) -> None:
        """Rebuild the content pane for the current version, base, section and mode."""
        app = self._app
        sel = app.selection
        if sel is None:
            return
        doc = sel["doc"]
        section = doc.get(app.section_key) if app.section_key else None
        passages: list[Passage] = []
        if app.mode == "text" and app.placements_commit == sel["version"].commit:
            passages = passages_in(app.placements, *view_models.passage_range(doc, section))
        view = ContentView(version=sel["version"], base=sel["base"], doc=doc, section=section,
                           markdown=view_models.markdown_for(doc, section, passages), passages=passages)
        mode = app.mode
        if mode in ("diff", "side"):
            try:
                view.pieces, view.diff_note = view_models.diff_pieces(sel, app.section_key)
            except ReviewtoolError as exc:
                view.diff_note = str(exc)
        if mode == "coverage":
            view.coverage_lines, view.coverage_note = self._coverage_view()
        app.content_pane.show(view, keep_scroll=keep_scroll)

    def _coverage_view(self) -> tuple[list[Content], str]:
        """The coverage lines of the selection (starting their worker the first time they are asked for)."""
        app = self._app
        if app.coverage is None and not app.coverage_note:
            history, version = app.history, app.version
            if history is not None and version is not None and self._coverage_requested != app.generation:
                self._coverage_requested = generation = app.generation
                outline = app.marked_base()
                app.run_worker(lambda: self._compute_coverage(generation, history, version, outline),
                               name="compute_coverage", group="coverage", exclusive=True, thread=True,
                               exit_on_error=False)
            return [], ""
        if app.coverage_note:
            return [], app.coverage_note
        coverage, outline = app.coverage
        assert app.selection is not None  # coverage is computed for a loaded selection
        return view_models.coverage_lines(coverage, outline, app.selection["doc"], app.section_key), ""

    def _compute_coverage(self, generation: int, history: DraftHistory, version: Version,
                          outline: Version | None) -> None:
        """Outline coverage of *version* (outline: the marked base, else the fullest earlier outline).
        Worker thread."""
        app = self._app
        try:
            cov, found = view_models.compute_coverage(history, version, outline)
        except ReviewtoolError as exc:
            app.post_message(CoverageReady(generation, None, str(exc)))
            return
        if cov is None or found is None:
            app.post_message(CoverageReady(generation, None, "no version up to this one has outline bullets "
                                                             "(mark one with b to measure against it)"))
            return
        app.post_message(CoverageReady(generation, (cov, found)))

    def coverage_ready(self, message: CoverageReady) -> None:
        """Keep the computed coverage (for this selection only) and show it when coverage is shown."""
        app = self._app
        if message.generation != app.generation:
            return
        app.coverage = message.coverage
        app.coverage_note = message.note
        if app.mode == "coverage":
            self.refresh_content()
