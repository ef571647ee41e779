"""Search from the app: open the search screen (``/``), act on the chosen result, step through matches.

The screen itself is :mod:`reviewtool.tui.search_screen` and what it searches is
:mod:`reviewtool.tui.search`; this module is what the app does with a choice: move the
history cursor to a version, select a section, show the text with the words highlighted,
or reveal a comment thread (on the version it was made on, once the threads are placed
there: :meth:`SearchFlow.reveal_pending`). ``n``/``N`` step through the matching versions.

A plain object the app owns rather than a mixin: it keeps two pieces of state of its own
(the last search's text scope, a thread waiting to be revealed) behind a few calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reviewtool.review.anchoring import VersionIndex
from reviewtool.review.events import Thread

if TYPE_CHECKING:
    from reviewtool.tui.app import ReviewApp


class SearchFlow:
    """Opens the search screen and follows the chosen result."""

    def __init__(self, app: ReviewApp) -> None:
        self._app = app
        self._every_version = False  # the text scope of the last search
        self._pending_thread: str | None = None  # a thread to show once the placements are ready

    def open(self) -> None:
        """Search section titles, versions, the essay's text (this version or every version) and comments."""
        from reviewtool.tui.search_screen import SearchScreen

        app = self._app
        doc = app.selection["doc"] if app.selection else None

        def remember(every_version: bool) -> None:
            self._every_version = every_version

        app.push_screen(SearchScreen(app.versions, doc, history=app.history, threads=list(app.threads),
                                     every_version=self._every_version, on_scope=remember),
                        self._chosen)

    def _chosen(self, choice: Any) -> None:
        """Go to the chosen result; the matching versions are marked in the history for ``n``/``N``."""
        if choice is None:
            return
        app = self._app
        kind, value = choice.kind, choice.value
        app.content_pane.find = None
        pane = app.history_pane
        pane.matches = set(choice.matches)
        pane.refresh_rows()
        if kind == "version":
            pane.cursor = value
            pane.focus()
        elif kind == "section":
            app.sections_pane.select_key(value)
            app.sections_pane.focus()
        elif kind == "text":
            self._find(choice.query, value.section_key, value.nth, app.version.commit if app.version else "")
            app.sections_pane.select_key(value.section_key)
            app.content_pane.focus()
        elif kind == "version-text":
            self._find(choice.query, "", 0, app.versions[value.index].commit)
            if pane.cursor == value.index:
                app.sections_pane.select_key("")
            else:
                app.set_reactive(type(app).section_key, "")  # the whole version, once it loads
                pane.cursor = value.index
            app.content_pane.focus()
        elif kind == "comment":
            self.show_thread(value.thread)

    def _find(self, query: str, key: str, nth: int, commit: str) -> None:
        """Show the text with *query* highlighted, scrolled to its *nth* occurrence in section *key*
        of version *commit*."""
        app = self._app
        if app.mode != "text":
            app.mode = "text"
        app.content_pane.show_find(query, key, nth, commit)

    def show_thread(self, thread: Thread) -> None:
        """Show *thread* in the comments pane: on the selected version when it is placed there,
        else on the version it was made on."""
        app = self._app
        if app.placements_commit == (app.version.commit if app.version else None) and \
                any(t.id == thread.id for t, _ in app.placements):
            self._reveal_thread(thread.id)
            return
        history = app.history
        found = VersionIndex(history).index_of(thread.anchor) if history is not None else None
        if history is None or found is None:
            app.notify("the version this comment was made on is not in the draft's history",
                       title="search", severity="warning")
            return
        commit = history.versions[found].commit
        row = next((i for i, v in enumerate(app.versions) if v.commit == commit), None)
        if row is None:
            app.notify(f"the version this comment was made on ({commit[:7]}) is hidden: "
                       f"the history shows {app.history_filter.label()} (F, M)", title="search",
                       severity="warning", markup=False)
            return
        self._pending_thread = thread.id
        app.history_pane.cursor = row

    def reveal_pending(self) -> None:
        """The threads are placed on the selection: reveal the one a search chose, if any."""
        if self._pending_thread is not None:
            thread_id, self._pending_thread = self._pending_thread, None
            self._reveal_thread(thread_id)

    def _reveal_thread(self, thread_id: str) -> None:
        """Select the section *thread_id* is placed in and highlight the thread in the comments pane."""
        app = self._app
        placement = next((p for t, p in app.placements if t.id == thread_id), None)
        if placement is None:
            return
        key = placement.section_key or ""
        if key != app.section_key:
            app.sections_pane.select_key(key)
            app.section_key = key
        app.comments_pane.highlight_thread(thread_id)
        app.comments_pane.focus()
        if app.mode == "text":
            app.content_pane.focus_thread(thread_id)

    def next_match(self, step: int = 1) -> None:
        """Move to the next (older) version that matched the last search (*step* < 0: newer)."""
        app = self._app
        pane = app.history_pane
        if not pane.matches:
            app.notify("no search matches: search with /", title="search", severity="warning")
            return
        ordered = sorted(pane.matches)
        if step > 0:
            target = next((i for i in ordered if i > pane.cursor), ordered[0])
        else:
            target = next((i for i in reversed(ordered) if i < pane.cursor), ordered[-1])
        pane.cursor = target
