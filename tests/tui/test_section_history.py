"""The section-history view (``H``): versions where the selected section changed, through
renames, each with its change; ``enter`` opens that version's diff on the section."""

from __future__ import annotations

from reviewtool.diff.section_history import section_history
from reviewtool.tui.content_pane import ContentPane
from reviewtool.tui.section_history_screen import SectionHistoryScreen
from tests.tui.helpers import open_section, record_notifications, screen_text, settle


async def test_section_history_lists_the_changes_through_a_rename_and_opens_one(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        key = await open_section(app, pilot, "Introduction")
        expected = section_history(app.history, key, app.version.commit)
        await pilot.press("H")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SectionHistoryScreen)
        assert [e.version.commit for e in screen.entries] == [e.version.commit for e in expected]
        assert len(screen.entries) == 3
        text = screen_text(app)
        assert "3 versions changed this section, under 2 titles" in text
        # The rename shows as old title → new title on its row.
        assert "We're not in the best of all possible worlds → Introduction" in text
        assert " renamed " in text and " merged " in text and " promoted " in text
        # The highlighted (newest) change: a rename without word changes.
        assert screen.entries[0].status == ["renamed"]
        assert "Introduction" in screen.change_text()
        # The next one: the outline bullet became prose; its change shows the written words.
        await pilot.press("j")
        await settle(app, pilot)
        change = screen.change_text()
        assert "+286" in change
        assert "Risks from Learned Optimization" in change
        target = screen.entries[1]
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, SectionHistoryScreen)
        assert app.version.commit == target.version.commit
        assert app.mode == "diff"
        assert app.section_key == target.key
        assert app.base is not None and app.base.commit == app.history.first_parent(target.version).commit
        assert "Risks from Learned Optimization" in app.query_one(ContentPane).rendered_text()


async def test_section_history_clears_a_marked_base_and_needs_a_section(make_app):
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("H")
        await settle(app, pilot)
        assert not isinstance(app.screen, SectionHistoryScreen)
        assert any("select a section first" in m for m in seen)
        await pilot.press("G", "b", "g")  # mark the oldest version as the base
        await settle(app, pilot)
        await open_section(app, pilot, "Conclusion")
        await pilot.press("H")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SectionHistoryScreen)
        assert screen.entries and screen.entries[-1].created
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, SectionHistoryScreen)
        assert app.base_commit is not None  # escape changes nothing
        await pilot.press("H")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.base_commit is None
        assert any("base cleared" in m for m in seen)
