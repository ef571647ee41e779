"""Read what a running Textual app shows: the screen as plain text, for assertions."""

from __future__ import annotations

import contextlib
import io

from rich.console import Console
from textual.app import App
from textual.worker import WorkerCancelled


def screen_text(app: App) -> str:
    """The whole screen (with modal screens over it) as plain text, one line per row."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


async def settle(app: App, pilot, rounds: int = 3) -> None:
    """Let messages, timers and workers finish (a finished worker may start another one).

    The app starts its statistics worker from a short timer once the cursor
    stops; wait for that timer too, so what is on screen is final.
    """
    for _ in range(rounds):
        await pilot.pause()
        await _wait_for_workers(app)
    # Until nothing is pending, however long a loaded machine takes (a parallel run on two
    # busy cores can need seconds): a snapshot taken early would show half-computed rows.
    for _ in range(600):
        scheduler = getattr(app, "stats_scheduler", None)
        if getattr(scheduler, "timer", None) is None and not any(
                w.is_running or w.state.name == "PENDING" for w in app.workers):
            break
        await pilot.pause(0.05)
        await _wait_for_workers(app)
    await pilot.pause()


async def _wait_for_workers(app: App) -> None:
    """Wait for the running workers; one cancelled meanwhile (the cursor moved on, a newer
    selection replaced it) is an outcome like any other, not a test failure."""
    with contextlib.suppress(WorkerCancelled):
        await app.workers.wait_for_complete()


def threads(repo_path):
    """The review threads stored in the repository at *repo_path* (read back from the notes)."""
    from reviewtool.git.repo import GitRepo
    from reviewtool.review.store import ReviewStore

    repo = GitRepo.open(repo_path)
    try:
        return ReviewStore(repo).load()[0]
    finally:
        repo.close()


def version_index(app, subject_start: str) -> int:
    """The history row of the version whose subject starts with *subject_start*."""
    from reviewtool.tui.history_pane import HistoryPane

    versions = app.query_one(HistoryPane).versions
    return next(i for i, v in enumerate(versions) if v.subject.startswith(subject_start))


async def open_version(app, pilot, subject_start: str) -> int:
    """Move the history cursor to the version whose subject starts with *subject_start*; returns its row."""
    from reviewtool.tui.history_pane import HistoryPane

    index = version_index(app, subject_start)
    app.query_one(HistoryPane).cursor = index
    await settle(app, pilot)
    return index


def section_key(app, title: str) -> str:
    """The key of the section titled *title* in the version the sections tree shows."""
    from reviewtool.tui.sections_pane import SectionsPane

    return next(s.key for s in app.query_one(SectionsPane).doc.sections if s.title == title)


async def open_section(app, pilot, title: str) -> str:
    """Select the section titled *title* in the sections tree; returns its key."""
    from reviewtool.tui.sections_pane import SectionsPane

    key = section_key(app, title)
    assert app.query_one(SectionsPane).select_key(key)
    await settle(app, pilot)
    assert app.section_key == key
    return key


async def type_text(pilot, text: str) -> None:
    """Type *text* key by key."""
    await pilot.press(*[("space" if ch == " " else ch) for ch in text])


def git_notes(repo, *args: str) -> str:
    """Run ``git notes --ref refs/notes/reviewtool ARGS`` in *repo* and return stdout."""
    import subprocess

    return subprocess.run(["git", "notes", "--ref", "refs/notes/reviewtool", *args], cwd=repo,
                          capture_output=True, text=True, check=True).stdout


def notifications(app) -> list[str]:
    """The messages of the notifications the app has shown (and not yet expired)."""
    return [str(n.message) for n in app._notifications]


def record_notifications(app) -> list[str]:
    """Every message *app* notifies from now on (toasts expire; this list does not)."""
    seen: list[str] = []
    notify = app.notify

    def recording(message, *args, **kwargs):
        seen.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = recording
    return seen
