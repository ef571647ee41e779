"""Long review tasks off the UI thread: export and sync workers, their progress and outcome.

:mod:`reviewtool.tui.review` opens the dialogs and builds the closures; this module runs
them in exclusive thread workers (one export, one sync at a time), shows a step of a
task only when it lasts longer than ``ReviewApp.PROGRESS_DELAY`` (a quick sync shows its
outcome alone), and reports the outcome of every task and every review write
(:class:`~reviewtool.tui.write_queue.WriteQueue`), re-reading the notes after it.
A plain object the app owns rather than a mixin: it keeps the current step of each task.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from reviewtool.errors import ReviewtoolError
from reviewtool.tui.messages import ReviewWritten, TaskFinished, TaskProgress

if TYPE_CHECKING:
    from reviewtool.tui.app import ReviewApp


class TaskRunner:
    """Runs export and sync in workers and tells the user how they went."""

    def __init__(self, app: ReviewApp) -> None:
        self._app = app
        self._step: dict[str, TaskProgress] = {}  # the current step of each running task

    def export(self, call: Callable[[], str]) -> None:
        """Write the review summary to a file (*call* returns the line to show)."""
        def run() -> None:
            try:
                message = call()
            except (ReviewtoolError, OSError) as exc:
                self._app.post_message(TaskFinished("export", False, str(exc)))
                return
            self._app.post_message(TaskFinished("export", True, message))

        self._app.run_worker(run, name="run_export", group="export", exclusive=True, thread=True,
                             exit_on_error=False)

    def sync(self, call: Callable[[Callable[[str], None]], str]) -> None:
        """Sync the review notes (*call* takes a callback for progress lines)."""
        def progress(line: str) -> None:
            self._app.post_message(TaskProgress("sync", line))

        def run() -> None:
            try:
                message = call(progress)
            except ReviewtoolError as exc:
                self._app.post_message(TaskFinished("sync", False, str(exc)))
                return
            self._app.post_message(TaskFinished("sync", True, message))

        self._app.run_worker(run, name="run_sync", group="sync", exclusive=True, thread=True,
                             exit_on_error=False)

    def progress(self, message: TaskProgress) -> None:
        """A task reached a step: say so if it is still on it after ``PROGRESS_DELAY``."""
        self._step[message.task] = message
        self._app.set_timer(self._app.PROGRESS_DELAY, lambda: self._show_step(message))

    def _show_step(self, step: TaskProgress) -> None:
        if self._step.get(step.task) is step:  # still on that step: say what it waits for
            self._app.notify(step.message, title=step.task, markup=False, timeout=4)

    def finished(self, message: TaskFinished) -> None:
        """Show a task's outcome; after a sync, re-read the notes."""
        app = self._app
        self._step.pop(message.task, None)
        app.notify(message.message, title=message.task, markup=False,
                   severity="information" if message.ok else "error", timeout=6)
        if message.ok and message.task == "sync":
            app.threads_loader.start()

    def written(self, message: ReviewWritten) -> None:
        """Show a review write's outcome and re-read what it changed (the notes, or the history)."""
        app = self._app
        app.notify(message.message, title=message.action, markup=False,
                   severity="information" if message.ok else "error")
        if message.ok:
            if message.reload_history:
                app.history_loader.start()
            else:
                app.threads_loader.start()
