"""When and in what order the history rows' statistics are computed: visible rows first.

Statistics (words, sections, prose share, the change bar) cost a parse per version, so
they are computed lazily: :meth:`StatsScheduler.request` waits until the cursor and the
scroll position settle (:data:`STATS_DELAY_SECONDS`), then one thread worker computes the
visible rows, then the growth view's samples, announcing progress at most every
:data:`STATS_FLUSH_SECONDS`. A plain object the app owns (not a mixin): it has its own
state (the pending :attr:`~StatsScheduler.timer`) and three calls.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.timer import Timer
from textual.worker import get_current_worker

from reviewtool.draft.history import DraftHistory, Version
from reviewtool.errors import ReviewtoolError
from reviewtool.tui import view_models
from reviewtool.tui.history_pane import RowStats
from reviewtool.tui.messages import StatsUpdated

if TYPE_CHECKING:
    from reviewtool.tui.app import ReviewApp

#: Statistics are announced to the UI at most this often while a worker computes them.
STATS_FLUSH_SECONDS = 0.05
#: Statistics start this long after the cursor or the scroll position stops moving, so that
#: computing them never competes with loading the version under the cursor.
STATS_DELAY_SECONDS = 0.12


class StatsScheduler:
    """Computes ``app.stats`` for what is on screen, once the cursor rests."""

    def __init__(self, app: ReviewApp) -> None:
        self._app = app
        #: The pending start of the statistics worker (None: nothing scheduled).
        self.timer: Timer | None = None

    def request(self) -> None:
        """Pause the statistics worker; restart it once the cursor and scrolling settle."""
        app = self._app
        app.workers.cancel_group(app, "stats")
        if self.timer is not None:
            self.timer.stop()
        self.timer = app.set_timer(STATS_DELAY_SECONDS, self.schedule)

    def schedule(self) -> None:
        """Compute statistics for the visible rows first, then (words only) for the growth samples."""
        self.timer = None
        app = self._app
        versions = app.versions
        if app.history is None or not versions:
            return
        first, last = app.history_pane.visible_range()
        todo: list[tuple[Version, bool]] = []
        seen: set[int] = set()
        for i in range(first, last + 1):
            seen.add(i)
            stats = app.stats.get(versions[i].commit)
            if stats is None or not stats.complete:
                todo.append((versions[i], True))
        for i in app.growth_view.sample_indices():
            if i not in seen and 0 <= i < len(versions) and versions[i].commit not in app.stats:
                seen.add(i)
                todo.append((versions[i], False))
        if todo:
            history = app.history
            app.run_worker(lambda: self._compute(history, todo), name="compute_stats", group="stats",
                           exclusive=True, thread=True, exit_on_error=False)

    def _compute(self, history: DraftHistory, todo: list[tuple[Version, bool]]) -> None:
        """Per-version statistics in order (with the change bar when asked); coalesced announcements.
        Worker thread."""
        app = self._app
        worker = get_current_worker()
        last_flush = time.perf_counter()
        done = 0
        for version, with_change in todo:
            if worker.is_cancelled:
                break
            known = app.stats.get(version.commit)
            if known is not None and (known.complete or not with_change):
                continue
            try:
                app.stats[version.commit] = view_models.row_stats(history, version, with_change)
            except ReviewtoolError:
                app.stats[version.commit] = RowStats(0, 0, 0.0, deleted=True)
            done += 1
            now = time.perf_counter()
            if now - last_flush >= STATS_FLUSH_SECONDS:
                last_flush = now
                app.post_message(StatsUpdated(done))
        app.post_message(StatsUpdated(done))

    def updated(self) -> None:
        """New statistics arrived: redraw the rows and the sparklines."""
        self._app.history_pane.refresh_rows()
        self._app.growth_view.refresh()
