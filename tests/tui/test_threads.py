"""Pilot tests: acting on threads (reply, resolve, edit, retract, apply) and exporting."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, TextArea

from reviewtool.tui.comment_editor import CommentEditor
from reviewtool.tui.comments_pane import CommentsPane
from reviewtool.tui.dialogs import ConfirmScreen, ExportScreen
from reviewtool.tui.history_pane import HistoryPane
from reviewtool.tui.sections_pane import SectionsPane
from tests.tui.helpers import open_section, screen_text, settle, threads, type_text


async def focus_own_thread(app, pilot, body: str):
    """Write a comment as the test user on the Prompt section, then highlight it."""
    await open_section(app, pilot, "Prompt")
    await pilot.press("c", "tab")
    await type_text(pilot, body)
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    pane = app.query_one(CommentsPane)
    await pilot.press("4")
    index = next(i for i, (t, _) in enumerate(pane.threads) if t.body == body)
    pane.highlighted = index
    await settle(app, pilot)
    return pane.threads[index][0].id


async def test_reply_resolve_reopen_edit_and_retract(make_app, demo):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        thread_id = await focus_own_thread(app, pilot, "First thought")

        def current():
            return next(t for t in threads(demo) if t.id == thread_id)

        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, CommentEditor)
        await type_text(pilot, "A reply")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [r.body for r in current().replies] == ["A reply"]
        assert "A reply" in screen_text(app)

        await pilot.press("x")
        await settle(app, pilot)
        assert current().status == "resolved"
        await pilot.press("x")
        await settle(app, pilot)
        assert current().status == "open"
        await pilot.press("x", "X")  # resolve, then reopen with the dedicated key
        await settle(app, pilot)
        assert current().status == "open"

        await pilot.press("e")
        await settle(app, pilot)
        body = app.screen.query_one("#body", TextArea)
        assert body.text == "First thought"
        body.text = "Second thought"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert current().body == "Second thought"

        await pilot.press("D")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert current().retracted
        # Still listed, marked, with its reply; the withdrawn text is no longer shown.
        assert any(t.id == thread_id for t, _ in app.query_one(CommentsPane).threads)
        text = screen_text(app)
        assert "(retracted by its author)" in text and "A reply" in text and "Second thought" not in text


async def test_editing_someone_elses_comment_is_refused_with_a_notification(make_app, demo):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(CommentsPane)
        assert pane.threads, "the demo has sample review threads"
        others = [i for i, (t, _) in enumerate(pane.threads) if t.author != "Ada Author"]
        pane.focus()
        pane.highlighted = others[0]
        thread = pane.threads[others[0]][0]
        # Refused at once, before anything is typed (no editor opens), and retract likewise.
        await pilot.press("e")
        await settle(app, pilot)
        assert not isinstance(app.screen, CommentEditor)
        assert any("cannot edit" in str(n.message) and "not by you" in str(n.message) for n in app._notifications)
        await pilot.press("D")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("cannot retract" in str(n.message) for n in app._notifications)
        assert next(t for t in threads(demo) if t.id == thread.id).body == thread.body


async def test_apply_a_suggested_edit_to_the_working_tree(make_app, demo):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(CommentsPane)
        index, (thread, placement) = next((i, tp) for i, tp in enumerate(pane.threads) if tp[0].suggestion)
        assert placement.state in ("exact", "moved")
        pane.focus()
        pane.highlighted = index
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        text = (demo / app.versions[0].path).read_text(encoding="utf-8")
        assert thread.suggestion in text
        assert next(t for t in threads(demo) if t.id == thread.id).applied is not None
        # The history now starts with the uncommitted working-tree version.
        assert app.query_one(HistoryPane).versions[0].is_worktree


async def test_export_asks_before_overwriting(make_app, demo):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("E")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportScreen)
        path_input = app.screen.query_one("#export-path", Input)
        path_input.value = "summary.md"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        out = demo / "summary.md"
        text = out.read_text(encoding="utf-8")
        assert app.query_one(SectionsPane).doc.title in text
        open_threads = [t for t, _ in app.placements if t.status == "open"]
        assert open_threads and open_threads[0].body.split()[0] in text

        out.write_text("keep me", encoding="utf-8")
        await pilot.press("E")
        await settle(app, pilot)
        app.screen.query_one("#export-path", Input).value = "summary.md"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportScreen)  # refused: still asking
        assert "exists" in screen_text(app)
        assert out.read_text(encoding="utf-8") == "keep me"
        app.screen.query_one("#export-overwrite", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert out.read_text(encoding="utf-8") != "keep me"


async def test_export_never_writes_through_a_dangling_link_unless_asked(make_app, demo, tmp_path):
    planted = tmp_path / "planted.md"
    (demo / "summary.md").symlink_to(planted)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("E")
        await settle(app, pilot)
        app.screen.query_one("#export-path", Input).value = "summary.md"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportScreen)  # refused: still asking
        assert "symbolic link to a file that does not exist" in screen_text(app)
        assert not planted.exists()
        app.screen.query_one("#export-overwrite", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await app.workers.wait_for_complete()
        assert (demo / "summary.md").is_symlink() and planted.read_text(encoding="utf-8").startswith("# Review")


async def test_quick_review_keys_all_land_in_order(make_app, demo):
    """Writes queue: a burst of x j x j x resolves three threads (none is dropped), and x
    pressed four times on one thread alternates resolve and reopen."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(CommentsPane)
        await pilot.press("4")
        await settle(app, pilot)
        start = next(i for i in range(len(pane.threads) - 2)
                     if all(pane.threads[j][0].status == "open" for j in range(i, i + 3)))
        ids = [pane.threads[j][0].id for j in range(start, start + 3)]
        pane.highlighted = start
        await pilot.press("x", "j", "x", "j", "x")
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        assert {t.id: t.status for t in threads(demo) if t.id in ids} == dict.fromkeys(ids, "resolved")
        pane.highlighted = next(i for i, (t, _) in enumerate(pane.threads) if t.id == ids[0])
        await pilot.press("x", "x", "x", "x")
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        (thread,) = [t for t in threads(demo) if t.id == ids[0]]
        assert thread.status == "resolved"
        kinds = [e.type for e in thread.events if e.type in ("resolve", "reopen")]
        assert kinds == ["resolve", "reopen", "resolve", "reopen", "resolve"]
