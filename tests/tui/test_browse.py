"""Pilot tests: the history pane, the cursor, the growth view, long histories."""

from __future__ import annotations

import shutil

from reviewtool.demo.builder import demo_steps
from reviewtool.tui.content_pane import ContentPane
from reviewtool.tui.growth_view import GrowthView
from reviewtool.tui.history_pane import HistoryPane
from reviewtool.tui.sections_pane import SectionsPane
from tests.gitutil import fast_import_history
from tests.tui.helpers import screen_text, settle

SUBJECTS_NEWEST_FIRST = [s["message"].split("\n", 1)[0] for s in reversed(demo_steps())]


async def test_history_lists_versions_newest_first_with_stats(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(HistoryPane)
        assert [v.subject for v in pane.versions] == SUBJECTS_NEWEST_FIRST
        screen = screen_text(app)
        # The visible rows: short sha, author, subject, words (computed by the stats worker).
        newest = pane.versions[0]
        row = next(line for line in screen.splitlines() if newest.short in line)
        assert "Alex Rivera" in row and "Retitle" in row
        words = app.stats[newest.commit].words
        assert f"{words:,}" in row
        assert "3 weeks ago" in row  # frozen clock: 2023-06-01
        assert pane.cursor == 0 and app.version == newest


async def test_change_bar_counts_words_added_and_removed(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(HistoryPane)
        middle = app.stats[pane.versions[3].commit]
        assert middle.complete and middle.added > 0
        row = pane.render_row(3, 120).plain
        assert f"+{middle.added} -{middle.removed}" in row
        # Rows out of sight only have the growth view's word counts, not yet a change bar.
        oldest = pane.versions[-1]
        assert oldest.commit in app.stats and not app.stats[oldest.commit].complete
        await pilot.press("G")
        await settle(app, pilot)
        stats = app.stats[oldest.commit]
        # The first version adds all of its words.
        assert stats.complete and stats.added == stats.words and stats.removed == 0


async def test_j_k_g_G_move_the_cursor_and_load_the_version(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(HistoryPane)
        await pilot.press("j", "j")
        await settle(app, pilot)
        assert pane.cursor == 2
        assert app.version == pane.versions[2]
        assert app.query_one(SectionsPane).doc is app.selection["doc"]
        await pilot.press("k")
        await settle(app, pilot)
        assert pane.cursor == 1
        await pilot.press("G")
        await settle(app, pilot)
        assert pane.cursor == len(pane.versions) - 1
        assert app.base is None  # the first version has nothing before it
        await pilot.press("g")
        await settle(app, pilot)
        assert pane.cursor == 0


async def test_fast_cursor_moves_end_on_the_last_version(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"jjjjjjkj")
        await settle(app, pilot)
        pane = app.query_one(HistoryPane)
        assert pane.cursor == 6
        # Stale selections were dropped: what is shown belongs to the cursor's version.
        assert app.selection["version"] == pane.versions[6]
        assert app.query_one(ContentPane).view.version == pane.versions[6]


async def test_growth_view_plots_every_version(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        growth = app.query_one(GrowthView)
        assert len(growth.sample_indices()) == 10
        text = growth.render().plain
        lines = text.splitlines()
        assert [line.split()[0] for line in lines] == ["words", "sections", "prose"]
        newest = app.stats[app.versions[0].commit]
        assert f"{newest.words:,}" in lines[0]
        # Words grow over the history: the newest column is the full block.
        assert "█" in lines[0]
        await pilot.press("w")
        assert not growth.display
        await pilot.press("w")
        assert growth.display


async def test_shrinking_the_terminal_gives_the_history_rows_the_room(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        growth = app.query_one(GrowthView)
        pane = app.query_one(HistoryPane)
        assert growth.display
        await pilot.resize_terminal(60, 20)
        await settle(app, pilot)
        assert not growth.display and pane.content_region.height >= 3
        await pilot.resize_terminal(120, 40)
        await settle(app, pilot)
        assert growth.display
        # Once toggled with w, the user decides: a resize no longer changes it.
        await pilot.press("w")
        await pilot.resize_terminal(100, 36)
        await settle(app, pilot)
        assert not growth.display


async def test_long_history_streams_rows_and_stats(tmp_path, make_app):
    body = "\n\n".join(f"## Part {i}\n\n" + " ".join(["word"] * 30) for i in range(5))
    contents = [f"# Essay\n\n{body}\n\nVersion {n} ends here.\n" for n in range(300)]
    repo = fast_import_history(tmp_path / "long", contents)
    app = make_app(repo.path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(HistoryPane)
        assert len(pane.versions) == 300
        first, last = pane.visible_range()
        # Visible rows (and the growth samples) have statistics; far-away rows were not computed.
        assert all(pane.versions[i].commit in app.stats for i in range(first, last + 1))
        assert len(app.stats) < 300
        await pilot.press("G")
        await settle(app, pilot)
        assert pane.cursor == 299
        first, last = pane.visible_range()
        assert last == 299 and pane.versions[299].commit in app.stats
        assert "Version 1" in screen_text(app)


async def test_history_follows_the_file_rename(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        authors = {v.author for v in app.versions}
        assert authors == {s["author"] for s in demo_steps()}
        renamed = [v for v in app.versions if v.old_path]
        assert len(renamed) == 1
        row = app.query_one(HistoryPane).render_row(app.versions.index(renamed[0]), 200).plain
        assert f"renamed from {renamed[0].old_path}" in row


async def test_what_workers_compute_is_written_to_the_cache_while_the_app_runs(make_app, demo):
    """Each worker task's cache entries are written as a pack when it ends (in a worker
    thread), not only when the app exits: a crash loses only what was computed last."""
    shutil.rmtree(demo / ".git" / "reviewtool", ignore_errors=True)
    packs = lambda: sorted((demo / ".git" / "reviewtool" / "cache").glob("*/pack-*.pack"))  # noqa: E731
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        first = packs()
        assert first, "the history's statistics were computed and written"
        await pilot.press("G")
        await settle(app, pilot)
        assert len(packs()) > len(first)  # the versions seen at the end of the history
        from reviewtool.draft import cache

        assert not cache.pending()
