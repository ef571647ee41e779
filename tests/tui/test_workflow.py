"""Pilot tests: the review workflow in the TUI (verdicts, review state in the history,
viewed marks, "since my last review"), each checked against what the notes hold."""

from __future__ import annotations

from textual.widgets import RadioButton

from reviewtool.git.repo import GitRepo
from reviewtool.review.store import ReviewStore
from reviewtool.review.workflow_store import WorkflowStore
from reviewtool.tui.history_pane import HistoryPane
from reviewtool.tui.sections_pane import SectionsPane
from reviewtool.tui.verdict_dialog import VerdictScreen
from tests.tui.helpers import open_section, record_notifications, screen_text, settle, type_text

BEN = ("Ben Reviewer", "ben@example.org")
ME = "ada@example.org"  # the test identity (tests/conftest.py)


def workflow(path):
    """The workflow events stored in the repository at *path*."""
    repo = GitRepo.open(path)
    try:
        return WorkflowStore(ReviewStore(repo)).load().workflow
    finally:
        repo.close()


def versions(path):
    from reviewtool.draft.discovery import resolve_draft
    from reviewtool.draft.history import DraftHistory

    repo = GitRepo.open(path)
    history = DraftHistory(repo, resolve_draft(repo, None))
    return repo, history, [v for v in history.versions if not v.is_worktree]


def write_as(path, identity, index, write):
    """``write(store, version)`` as *identity* on committed version *index* (0: newest), outside
    the app, with the workflow store of the repository at *path*; returns the version."""
    repo, _, committed = versions(path)
    try:
        write(WorkflowStore(ReviewStore(repo, identity=identity)), committed[index])
        return committed[index]
    finally:
        repo.close()


def submit(path, identity, index, verdict, body=""):
    """Submit *verdict* on committed version *index* (0: newest) as *identity*, outside the app."""
    return write_as(path, identity, index, lambda store, version: store.submit_verdict(version, verdict, body))


async def test_verdict_dialog_approves_the_selected_version(make_app, demo):
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        version = app.version
        await pilot.press("V")
        await settle(app, pilot)
        assert isinstance(app.screen, VerdictScreen)
        await pilot.press("tab")  # from the choices to the summary
        await type_text(pilot, "Reads well; ship it.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, VerdictScreen)
        verdicts = workflow(demo).verdicts
        assert len(verdicts) == 1
        v = verdicts[0]
        assert (v.verdict, v.body, v.version.commit) == ("approved", "Reads well; ship it.", version.commit)
        assert v.reviewer.email == ME
        assert any("approved" in s and version.short in s for s in seen)
        # The history row of that version shows it, current.
        row = app.history_pane.render_row(0, 120).plain
        assert "✓Ada" in row and "stale" not in row


async def test_verdict_dialog_requests_changes_and_a_comment_needs_a_summary(make_app, demo):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("V")
        await settle(app, pilot)
        dialog = app.screen
        dialog.query_one("#verdict-commented", RadioButton).value = True
        await pilot.press("ctrl+s")  # no summary: refused, the dialog stays
        await settle(app, pilot)
        assert app.screen is dialog
        assert "needs a summary" in screen_text(app)
        assert workflow(demo).verdicts == []
        dialog.query_one("#verdict-changes_requested", RadioButton).value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        verdicts = workflow(demo).verdicts
        assert [(v.verdict, v.body) for v in verdicts] == [("changes_requested", None)]
        assert "✗Ada" in app.history_pane.render_row(0, 120).plain


async def test_history_rows_show_verdicts_and_stale_ones(make_app, demo):
    old = submit(demo, BEN, 2, "approved", "fine then")
    new = submit(demo, ("Cy Critic", "cy@example.org"), 0, "changes_requested", "not yet")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(HistoryPane)
        rows = {v.commit: pane.render_row(i, 120).plain for i, v in enumerate(pane.versions)}
        assert "✓Ben(stale)" in rows[old.commit]  # the draft changed after that version
        assert "✗Cy" in rows[new.commit] and "stale" not in rows[new.commit]
        others = [r for c, r in rows.items() if c not in (old.commit, new.commit)]
        assert not any("✓" in r or "✗" in r for r in others)


async def test_v_toggles_the_viewed_mark_of_the_section(make_app, demo):
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        key = await open_section(app, pilot, "Prompt")
        total = app.viewed.total
        assert app.viewed.count == 0
        await pilot.press("v")
        await settle(app, pilot)
        marks = workflow(demo).marks
        assert [(m.viewed, m.version.section_key, m.version.commit) for m in marks] == \
            [(True, key, app.version.commit)]
        assert app.viewed.is_viewed(key)
        tree = app.query_one(SectionsPane)
        assert tree._key_nodes[key].label.plain.startswith("✓ ")
        assert f"1/{total} viewed" in str(tree.border_title)
        assert any("marked viewed" in s for s in seen)
        await pilot.press("v")  # again: the mark is taken back
        await settle(app, pilot)
        marks = workflow(demo).marks
        assert [m.viewed for m in marks] == [True, False]
        assert not app.viewed.is_viewed(key)
        assert not tree._key_nodes[key].label.plain.startswith("✓")
        assert "viewed" not in str(tree.border_title)  # shown once a section is viewed


async def test_v_on_the_whole_document_says_to_pick_a_section(make_app, demo):
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        assert workflow(demo).marks == []
        assert any("select a section first" in s for s in seen)


async def test_since_my_review_marks_my_reviewed_version_as_base(make_app, demo):
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert app.base_commit is None
        assert any("have not reviewed this draft yet" in s for s in seen)
    reviewed = submit(demo, ("Ada Author", ME), 3, "changes_requested", "rework the middle")
    submit(demo, BEN, 1, "approved")  # someone else's later verdict is not mine
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.history_pane.cursor = 5
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert app.base_commit == reviewed.commit
        newest = next(v for v in app.versions if not v.is_worktree)
        assert app.version.commit == newest.commit
        assert app.mode == "diff"
        assert app.selection["base"].commit == reviewed.commit
        assert any(reviewed.short in s and "last review" in s for s in seen)


async def test_history_rows_show_waiting_requests_and_not_withdrawn_ones(make_app, demo):
    """A request shows on the version it asks about (``○Ben``) until it is answered, withdrawn
    by the requester or declined by the reviewer; the TUI reads what the CLI wrote."""
    repo, history, committed = versions(demo)
    try:
        ada = WorkflowStore(ReviewStore(repo, identity=("Ada Author", ME)))
        ada.request_review(committed[1], ["ben@example.org", "cy@example.org", "dan@example.org"])
        ada.withdraw_requests(history, ["dan@example.org"])
        WorkflowStore(ReviewStore(repo, identity=("Cy Critic", "cy@example.org"))).withdraw_requests(history, [])
    finally:
        repo.close()
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        row = app.history_pane.render_row(1, 140).plain
        assert "○ben" in row and "○cy" not in row and "○Cy" not in row and "○dan" not in row  # names: none known yet
        assert "○" not in app.history_pane.render_row(0, 140).plain
    # Ben answers: the request is no longer waiting, his verdict shows instead.
    submit(demo, BEN, 1, "approved")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        row = app.history_pane.render_row(1, 140).plain
        assert "○" not in row and "✓Ben" in row
