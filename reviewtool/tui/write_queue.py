"""Review writes from the TUI, one at a time and in the order they were asked for.

A write (comment, reply, resolve...) is a closure over the review store; the queue runs
them in one thread worker and posts each outcome as :class:`ReviewWritten`. A write is
never dropped because another was asked for meanwhile (quick keys, a burst of pastes):
an exclusive worker would cancel the earlier one.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from textual.app import App

from reviewtool.errors import ReviewtoolError
from reviewtool.tui.messages import ReviewWritten


class WriteQueue:
    """Serial review writes for *app*: :meth:`put` queues, one worker drains."""

    def __init__(self, app: App[None]) -> None:
        self._app = app
        self._pending: deque[tuple[str, Callable[[], str], bool]] = deque()
        self._lock = threading.Lock()
        self._running = False

    def put(self, action: str, call: Callable[[], str], reload_history: bool = False) -> None:
        """Queue *call* (it returns the line to show); start the worker unless it runs already."""
        with self._lock:
            self._pending.append((action, call, reload_history))
            if self._running:
                return
            self._running = True
        self._app.run_worker(self._drain, thread=True, group="notes", exit_on_error=False,
                             name="review writes")

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._running = False
                    return
                action, call, reload_history = self._pending.popleft()
            try:
                message = call()
            except ReviewtoolError as exc:
                self._app.post_message(ReviewWritten(action, False, str(exc)))
                continue
            except Exception as exc:  # a bug: report it, and keep the queue going
                self._app.post_message(ReviewWritten(action, False, f"{type(exc).__name__}: {exc}"))
                continue
            self._app.post_message(ReviewWritten(action, True, message, reload_history=reload_history))
