"""Shared setup for the SVG snapshot tests: a deterministic app and a way to drive it."""

from __future__ import annotations

from reviewtool.tui.history_pane import HistoryPane
from reviewtool.tui.sections_pane import SectionsPane
from tests.tui.helpers import section_key, settle, version_index


def freeze_cursors(app) -> None:
    """Stop text cursors blinking (a blink phase must not change a snapshot)."""
    for screen in app.screen_stack:
        for widget in screen.query("Input, TextArea"):
            widget.cursor_blink = False


def driver(*steps):
    """A ``run_before`` that performs *steps* (key names, or callables taking the app) and settles."""

    async def run_before(pilot) -> None:
        app = pilot.app
        # A toast stays until the snapshot is taken, however slowly a loaded machine runs the
        # steps (with the default 5 s it vanished or not depending on the machine's load).
        app.NOTIFICATION_TIMEOUT = 3600
        await settle(app, pilot)
        for step in steps:
            if callable(step):
                step(app)
            else:
                await pilot.press(step)
            await settle(app, pilot)
        freeze_cursors(app)
        # A toast expires after a few seconds: whether it is still up would depend on the
        # machine's speed, so snapshots never show one.
        app.clear_notifications()
        await pilot.pause()

    return run_before


def to_version(subject_start: str):
    """A step: move the history cursor to the version whose subject starts with *subject_start*."""

    def step(app) -> None:
        app.query_one(HistoryPane).cursor = version_index(app, subject_start)

    return step


def to_section(title: str):
    """A step: select the section titled *title* in the sections tree."""

    def step(app) -> None:
        app.query_one(SectionsPane).select_key(section_key(app, title))

    return step
