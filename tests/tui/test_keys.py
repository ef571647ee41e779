"""Keys: the help screen lists every binding id, the command palette runs actions, keymaps remap."""

from __future__ import annotations

import os
from pathlib import Path

from textual.command import CommandPalette

from reviewtool.tui.commands import catalog
from reviewtool.tui.help_screen import HelpScreen
from reviewtool.tui.history_pane import HistoryPane
from reviewtool.tui.keymap import load_keymap
from tests.tui.helpers import settle


async def test_help_lists_every_key_with_its_binding_id(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-body").render().plain
        entries = catalog()
        assert len(entries) > 40
        for entry in entries:
            assert entry.binding_id in text, entry
            assert entry.description in text
        assert "keymap.toml" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")  # q closes the help, it does not quit
        assert not isinstance(app.screen, HelpScreen) and app.is_running


def test_every_binding_has_a_unique_id():
    ids = [e.binding_id for e in catalog()]
    assert len(ids) == len(set(ids))
    from reviewtool.tui.app import ReviewApp

    assert all(b.id for b in ReviewApp.BINDINGS)


async def test_command_palette_lists_and_runs_every_app_action(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"mark base")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, CommandPalette)
        assert app.base_commit == app.versions[0].commit


async def test_palette_provider_discovers_every_app_binding(make_app):
    from reviewtool.tui.app import ReviewApp
    from reviewtool.tui.commands import ReviewCommands

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        provider = ReviewCommands(app.screen)
        hits = [hit async for hit in provider.discover()]
        assert {h.text for h in hits} == {b.description for b in ReviewApp.BINDINGS}
        found = [hit async for hit in provider.search("export")]
        assert max(found, key=lambda h: h.score).text == "Export summary"


def write_keymap(text: str, name: str = "keymap.toml") -> Path:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "reviewtool" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


async def test_keymap_file_remaps_bindings_by_id(make_app):
    write_keymap('"app.mark_base" = "ctrl+b"\n"history.down" = "n,down"\n')
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(HistoryPane)
        await pilot.press("n")
        await settle(app, pilot)
        assert pane.cursor == 1
        await pilot.press("j")  # the old key no longer moves
        await settle(app, pilot)
        assert pane.cursor == 1
        await pilot.press("b")
        assert app.base_commit is None
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert app.base_commit == pane.versions[1].commit
        await pilot.press("question_mark")
        text = app.screen.query_one("#help-body").render().plain
        line = next(line for line in text.splitlines() if "app.mark_base" in line)
        assert "ctrl+b" in line


async def test_a_key_remapped_to_another_action_is_shown_only_there(make_app):
    write_keymap('"app.sync" = "x"\n')
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        text = app.screen.query_one("#help-body").render().plain
        sync = next(line for line in text.splitlines() if "app.sync" in line)
        resolve = next(line for line in text.splitlines() if "app.resolve" in line)
        assert sync.split()[0] == "x" and "(no key)" in resolve


def test_keymap_json_and_table_forms(tmp_path):
    path = tmp_path / "keymap.json"
    path.write_text('{"app.sync": ["ctrl+y", "F9"], "app.help": ""}', encoding="utf-8")
    keymap, problems = load_keymap(path)
    assert keymap == {"app.sync": "ctrl+y,F9"}
    assert problems and "app.help" in problems[0]
    toml = tmp_path / "keymap.toml"
    toml.write_text('[keymap]\n"app.quit" = "Q"\n', encoding="utf-8")
    assert load_keymap(toml) == ({"app.quit": "Q"}, [])


async def test_a_broken_keymap_is_a_warning_not_a_crash(make_app):
    write_keymap('"app.quit" = \n')
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.is_running
        messages = [str(n.message) for n in app._notifications]
        assert any("not valid TOML" in m for m in messages)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
