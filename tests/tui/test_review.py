"""Pilot tests: writing comments from the TUI goes to the notes at once and shows up."""

from __future__ import annotations

from textual.widgets import TextArea

from reviewtool.tui.comment_editor import CommentEditor
from reviewtool.tui.comments_pane import CommentsPane
from reviewtool.tui.dialogs import ConfirmScreen
from tests.tui.helpers import git_notes, open_section, screen_text, settle, threads, type_text


async def test_comment_on_a_section_is_written_to_the_notes_and_shown(make_app, demo):
    before = {t.id for t in threads(demo)}
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        key = await open_section(app, pilot, "Prompt")
        await pilot.press("c")
        await settle(app, pilot)
        editor = app.screen
        assert isinstance(editor, CommentEditor)
        assert "Prompt" in editor.passage
        await pilot.press("tab")  # from the passage to the comment body
        await type_text(pilot, "Which prompt is this essay answering?")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, CommentEditor)
        new = [t for t in threads(demo) if t.id not in before]
        assert len(new) == 1
        thread = new[0]
        assert thread.body == "Which prompt is this essay answering?"
        assert thread.anchor.section_key == key and thread.anchor.commit == app.version.commit
        assert thread.anchor.exact is None
        assert thread.author == "Ada Author"
        assert app.version.commit in git_notes(demo, "list")
        # Shown at once: in the comments pane and in the history's comment count.
        pane = app.query_one(CommentsPane)
        assert any(t.id == thread.id for t, _ in pane.threads)
        assert "Which prompt is this essay answering?" in screen_text(app)
        assert app.open_comments(app.version) >= 1


async def test_comment_on_a_passage_selected_with_shift_arrows_and_a_suggestion(make_app, demo):
    before = {t.id for t in threads(demo)}
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_section(app, pilot, "Conclusion")
        await pilot.press("c")
        await settle(app, pilot)
        passage = app.screen.query_one("#passage", TextArea)
        # Line 0 is the heading, line 1 blank; select the first 12 characters of line 2.
        await pilot.press("down", "down", "home", *["shift+right"] * 12)
        selected = passage.selected_text
        assert len(selected) == 12 and selected.strip()
        await pilot.press("tab")
        await type_text(pilot, "Tighter opening")
        await pilot.press("tab")
        await type_text(pilot, "In short,")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        new = [t for t in threads(demo) if t.id not in before]
        assert len(new) == 1
        anchor = new[0].anchor
        assert anchor.exact == selected
        doc = app.history.document(app.version)
        assert doc.text[anchor.start:anchor.end] == selected
        assert new[0].suggestion == "In short,"
        placement = {t.id: p for t, p in app.placements}[new[0].id]
        assert placement.state == "exact"


async def test_a_suggestion_needs_a_quote_and_a_body_is_required(make_app, demo):
    before = {t.id for t in threads(demo)}
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, CommentEditor)
        assert "empty" in screen_text(app)
        assert app.focused.id == "body"  # the editor put the cursor where the text is missing
        await type_text(pilot, "Body")
        await pilot.press("tab")
        await type_text(pilot, "replacement")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, CommentEditor)
        assert "select one first" in screen_text(app)
        await pilot.press("escape", "y")  # typed text: escape asks before discarding it
        await settle(app, pilot)
        assert not isinstance(app.screen, CommentEditor)
    assert {t.id for t in threads(demo)} == before


async def test_escape_asks_before_discarding_typed_text(make_app, demo):
    before = {t.id for t in threads(demo)}
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(app, pilot)
        assert not isinstance(app.screen, CommentEditor)
        await pilot.press("c", "tab")
        await type_text(pilot, "Half a thought")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Discard what you typed?" in screen_text(app)
        await pilot.press("escape")  # no: back to the editor, the text kept
        await settle(app, pilot)
        assert isinstance(app.screen, CommentEditor)
        assert app.screen.query_one("#body", TextArea).text == "Half a thought"
        await pilot.press("escape", "n")
        await settle(app, pilot)
        assert isinstance(app.screen, CommentEditor)
        await pilot.press("escape", "y")
        await settle(app, pilot)
        assert not isinstance(app.screen, (CommentEditor, ConfirmScreen))
    assert {t.id for t in threads(demo)} == before


async def test_comment_on_the_whole_version(make_app, demo):
    before = {t.id for t in threads(demo)}
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.section_key == ""
        await pilot.press("c", "tab")
        await type_text(pilot, "Overall strong")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    new = [t for t in threads(demo) if t.id not in before]
    assert len(new) == 1 and new[0].anchor.section_key is None and new[0].anchor.exact is None
