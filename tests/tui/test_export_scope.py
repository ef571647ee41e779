"""Pilot tests: the TUI's export offers the scope and writes outside the work tree by default."""

from __future__ import annotations

import json
import subprocess

from textual.widgets import Input, Select

from reviewtool.tui.dialogs import ExportScreen
from tests.tui.helpers import record_notifications, settle, threads
from tests.tui.test_workflow import BEN, submit


def untracked(repo) -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo,
                          capture_output=True, text=True, check=True).stdout


async def test_default_export_goes_beside_the_repository_and_covers_the_whole_draft(make_app, demo):
    submit(demo, BEN, 2, "approved", "fine then")
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("E")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        path = dialog.resolved_path()
        assert path.parent == demo.parent and path.name.endswith("-review.md")
        dialog.query_one("#export-format", Select).value = "json"
        await settle(app, pilot)
        path = dialog.resolved_path()
        assert path.suffix == ".json"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["scope"]["kind"] == "draft"
        assert [v["reviewer"]["email"] for v in data["summary"]["review"]["verdicts"]] == [BEN[1]]
        assert untracked(demo) == ""  # nothing left in the work tree
        assert any(str(path) in s and "whole draft" in s for s in seen)


async def test_export_from_the_marked_base_and_of_one_version(make_app, demo, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        dialog_scopes = []
        await pilot.press("E")
        await settle(app, pilot)
        dialog_scopes.append([v for _, v in app.screen.scopes])
        await pilot.press("escape")
        app.history_pane.cursor = 4
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        base = app.base_commit
        app.history_pane.cursor = 0
        await settle(app, pilot)
        await pilot.press("E")
        await settle(app, pilot)
        dialog = app.screen
        dialog_scopes.append([v for _, v in dialog.scopes])
        assert dialog_scopes == [["draft", "version"], ["draft", "version", "from"]]
        dialog.query_one("#export-scope", Select).value = "from"
        dialog.query_one("#export-format", Select).value = "json"
        dialog.query_one("#export-path", Input).value = str(tmp_path / "from.json")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        data = json.loads((tmp_path / "from.json").read_text(encoding="utf-8"))
        assert data["scope"] == {"kind": "from", "from": base}
        await pilot.press("E")
        await settle(app, pilot)
        dialog = app.screen
        dialog.query_one("#export-scope", Select).value = "version"
        dialog.query_one("#export-format", Select).value = "json"
        dialog.query_one("#export-path", Input).value = str(tmp_path / "one.json")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        one = json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))
        assert one["scope"]["kind"] == "version"
        everything = len(threads(demo))
        assert sum(len(s["threads"]) for s in data["sections"]) <= everything
