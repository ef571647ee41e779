"""Pilot tests: sections and content panes, comparison base, search, moving between panes."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Input

from reviewtool.tui.comments_pane import CommentsPane
from reviewtool.tui.content_pane import ContentPane
from reviewtool.tui.history_pane import HistoryPane
from reviewtool.tui.sections_pane import SectionsPane
from tests.tui.helpers import open_version, screen_text, settle


async def test_sections_tree_shows_kinds_and_status_against_previous(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_version(app, pilot, "Split the behavioral")
        tree = app.query_one(SectionsPane)
        statuses = {s for values in tree.marks.status.values() for s in values}
        assert "split" in statuses
        screen = screen_text(app)
        assert "split" in screen
        assert "§ Prompt" in screen and "⚙ front matter" in screen


async def test_outline_items_are_told_apart_from_prose(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_version(app, pilot, "Fill in outline")
        tree = app.query_one(SectionsPane)
        doc = tree.doc
        outline = [s for s in doc.sections if s.kind == "outline"]
        assert outline, "the outline version has outline items"
        label = tree.section_label(outline[0])
        assert label.plain.startswith("• ")
        assert any("magenta" in str(span.style) for span in label.spans)
        heading = next(s for s in doc.sections if s.kind == "heading" and s.body_kind == "prose")
        assert tree.section_label(heading).plain.startswith("§ ")


async def test_enter_tab_and_q_move_between_panes_then_quit(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.focused, HistoryPane)
        await pilot.press("enter")
        assert isinstance(app.focused, SectionsPane)
        await pilot.press("j", "enter")
        await settle(app, pilot)
        assert isinstance(app.focused, ContentPane)
        await pilot.press("tab")
        assert isinstance(app.focused, CommentsPane)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, ContentPane)
        await pilot.press("2")
        assert isinstance(app.focused, SectionsPane)
        await pilot.press("q")  # back to the history
        assert isinstance(app.focused, HistoryPane)
        assert app.is_running
        await pilot.press("q")  # quit
        await pilot.pause()
        assert not app.is_running


async def test_selecting_a_section_shows_it_as_markdown(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        tree = app.query_one(SectionsPane)
        doc = tree.doc
        prompt = next(s for s in doc.sections if s.title == "Prompt")
        assert tree.select_key(prompt.key)
        await settle(app, pilot)
        content = app.query_one(ContentPane)
        assert app.section_key == prompt.key
        assert content.mode == "text"
        assert content.view.markdown.startswith("## Prompt") or "Prompt" in content.view.markdown.splitlines()[0]
        assert "Prompt" in screen_text(app)


async def test_diff_modes_show_word_changes_against_the_previous_version(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(HistoryPane)
        index = await open_version(app, pilot, "Write the introduction")
        await pilot.press("d")
        await settle(app, pilot)
        content = app.query_one(ContentPane)
        assert content.mode == "diff"
        text = content.rendered_text()
        changed = [p for p in content.view.pieces if p.words_added]
        assert changed
        assert f"+{changed[0].words_added}" in text and changed[0].status[0] in text
        # Insertions and deletions are styled spans, not markup.
        styles = {str(span.style) for block in content.blocks if isinstance(block.content, Content)
                  for span in block.content.spans}
        assert any("underline" in s for s in styles)
        base = app.base.short
        assert f"{base} → {pane.versions[index].short}" in screen_text(app)
        await pilot.press("s")
        await settle(app, pilot)
        assert content.mode == "side"
        # Column titles: the base on the left, the version on the right.
        first = content.rendered_text().splitlines()[0]
        left, right = (cell.strip() for cell in first.split("│"))
        assert left == base and right == pane.versions[index].short
        await pilot.press("m")
        await settle(app, pilot)
        assert content.mode == "text"


async def test_mark_base_compares_any_two_versions(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(HistoryPane)
        await pilot.press("G", "b")  # the oldest version is the base
        await settle(app, pilot)
        oldest = pane.versions[-1]
        assert app.base_commit == oldest.commit
        assert pane.render_row(len(pane.versions) - 1, 120).plain.startswith("B ")
        await pilot.press("g", "d")
        await settle(app, pilot)
        assert app.base == oldest
        assert app.selection["base"] == oldest
        assert f"{oldest.short} → {pane.versions[0].short}" in screen_text(app)
        await pilot.press("B")
        await settle(app, pilot)
        assert app.base_commit is None
        assert app.base == pane.versions[1]


async def test_search_jumps_to_a_version_and_to_a_section(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.press(*"split the")
        await settle(app, pilot)
        assert app.screen.query_one(Input).value == "split the"
        await pilot.press("enter")
        await settle(app, pilot)
        pane = app.query_one(HistoryPane)
        assert pane.current.subject.startswith("Split the behavioral")
        await pilot.press("slash", *"conclusion", "enter")
        await settle(app, pilot)
        assert app.section_key.endswith("conclusion")
        assert isinstance(app.focused, SectionsPane)


async def test_search_marks_matching_versions_and_n_steps_through_them(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(HistoryPane)
        sam = [i for i, v in enumerate(pane.versions) if v.author == "Sam Okafor"]
        assert len(sam) >= 2
        await pilot.press("slash", *"okafor", "enter")
        await settle(app, pilot)
        assert pane.matches == set(sam)
        assert pane.cursor == sam[0]
        assert pane.render_row(sam[1], 120).plain.startswith("» ")
        await pilot.press("n")
        await settle(app, pilot)
        assert pane.cursor == sam[1]
        await pilot.press("N")
        await settle(app, pilot)
        assert pane.cursor == sam[0]
