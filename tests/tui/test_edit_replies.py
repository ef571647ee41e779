"""Pilot tests: editing replies and suggested edits from the TUI, checked in the notes."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from reviewtool.tui.comment_editor import CommentEditor
from reviewtool.tui.comments_pane import CommentsPane
from tests.tui.helpers import open_section, record_notifications, settle, threads, type_text
from tests.tui.test_threads import focus_own_thread


def thread_by_id(demo, thread_id):
    return next(t for t in threads(demo) if t.id == thread_id)


async def test_e_on_someone_elses_thread_edits_my_reply_there(make_app, demo):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(CommentsPane)
        index = next(i for i, (t, _) in enumerate(pane.threads) if t.author != "Ada Author")
        pane.focus()
        pane.highlighted = index
        thread_id = pane.threads[index][0].id
        await pilot.press("r")
        await settle(app, pilot)
        await type_text(pilot, "I agree")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        reply = next(r for r in thread_by_id(demo, thread_id).replies if r.body == "I agree")
        pane.highlighted = next(i for i, (t, _) in enumerate(pane.threads) if t.id == thread_id)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, CommentEditor)
        body = app.screen.query_one("#body", TextArea)
        assert body.text == "I agree"
        body.text = "I agree, with one caveat"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        thread = thread_by_id(demo, thread_id)
        edited = next(r for r in thread.replies if r.id == reply.id)
        assert edited.body == "I agree, with one caveat"
        assert thread.body == pane.threads[pane.highlighted][0].body  # the comment is untouched


async def test_ctrl_e_edits_my_reply_on_my_own_thread_and_says_when_there_is_none(make_app, demo):
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        thread_id = await focus_own_thread(app, pilot, "Own thought")
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert not isinstance(app.screen, CommentEditor)
        assert any("no reply" in s for s in seen)
        await pilot.press("r")
        await settle(app, pilot)
        await type_text(pilot, "Later note")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        body = app.screen.query_one("#body", TextArea)
        assert body.text == "Later note"
        body.text = "Later, better note"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        thread = thread_by_id(demo, thread_id)
        assert [r.body for r in thread.replies] == ["Later, better note"]
        assert thread.body == "Own thought"
        assert any("reply" in s and "edited" in s for s in seen)


async def test_e_edits_the_suggested_edit_of_my_quoted_comment(make_app, demo):
    before = {t.id for t in threads(demo)}
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_section(app, pilot, "Conclusion")
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("down", "down", "home", *["shift+right"] * 12, "tab")
        await type_text(pilot, "Tighter opening")
        await pilot.press("tab")
        await type_text(pilot, "In short,")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        new = next(t for t in threads(demo) if t.id not in before)
        assert new.suggestion == "In short,"
        pane = app.query_one(CommentsPane)
        pane.focus()
        pane.highlighted = next(i for i, (t, _) in enumerate(pane.threads) if t.id == new.id)
        await pilot.press("e")
        await settle(app, pilot)
        suggestion = app.screen.query_one("#suggestion", Input)
        assert suggestion.value == "In short,"
        suggestion.value = "Briefly,"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        edited = thread_by_id(demo, new.id)
        assert (edited.body, edited.suggestion) == ("Tighter opening", "Briefly,")
