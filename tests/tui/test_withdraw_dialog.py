"""Pilot tests: the "withdraw or decline a review request" dialog (``W``) writes the events
``reviewtool review withdraw`` writes, for the waiting requests the user asked or was asked."""

from __future__ import annotations

from reviewtool.review.store import ReviewStore
from reviewtool.review.workflow import Person
from reviewtool.review.workflow_store import WorkflowStore
from reviewtool.tui.withdraw_dialog import WithdrawRequestScreen, takeable
from tests.tui.helpers import record_notifications, screen_text, settle, type_text
from tests.tui.test_workflow import BEN, ME, versions, workflow, write_as

CY = ("Cy Other", "cy@example.org")


def ask(path, identity, index, reviewers, body=""):
    """*identity* asks *reviewers* to review committed version *index* (0: newest), outside the app."""
    return write_as(path, identity, index, lambda store, version: store.request_review(version, reviewers, body))


async def test_withdraw_one_request_then_decline_the_other(make_app, demo):
    mine = ask(demo, ("Ada Author", ME), 2, ["ben@example.org"], "Is the method clear?")
    theirs = ask(demo, BEN, 1, [ME], "Your turn: [b]the[/b] ending")
    ask(demo, CY, 3, ["ben@example.org"])  # older than Ada's: Ben's standing request is Ada's
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("W")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, WithdrawRequestScreen)
        text = screen_text(app)
        assert "2 requests waiting that you may take back" in text
        assert f"withdraw  ben@example.org, asked by you on {mine.commit[:8]}" in text
        assert f"decline  your review, asked by Ben Reviewer on {theirs.commit[:8]}" in text
        assert "Cy Other" not in text
        await pilot.press("ctrl+s")  # nothing ticked: refused, nothing written
        await settle(app, pilot)
        assert app.screen is dialog
        assert "tick at least one request" in screen_text(app)
        assert workflow(demo).withdrawals == []
        await pilot.press("space")  # ticks the highlighted one: the oldest, Ada's request to Ben
        await pilot.press("tab")
        await type_text(pilot, "Asked too early")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, WithdrawRequestScreen)
        (w,) = workflow(demo).withdrawals
        assert (w.author.email, w.reviewers, w.body, w.version.commit) == (
            ME, ("ben@example.org",), "Asked too early", mine.commit)
        assert any("withdrew the request for ben@example.org" in s for s in seen)

        await pilot.press("W")  # only Ben's request to Ada is left: ticked already
        await settle(app, pilot)
        assert "1 request waiting that you may take back" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        declined = [w for w in workflow(demo).withdrawals if ME in w.reviewers and w.declined_by(ME)]
        assert [(w.reviewers, w.body, w.version.commit) for w in declined] == [((ME,), None, theirs.commit)]
        assert any("declined the request to review" in s for s in seen)

        await pilot.press("W")  # nothing left to take back: said, no dialog
        await settle(app, pilot)
        assert not isinstance(app.screen, WithdrawRequestScreen)
        assert any("no review request waits on" in s for s in seen)
        assert workflow(demo).requests and len(workflow(demo).withdrawals) == 2


async def test_withdraw_dialog_cancels_without_writing(make_app, demo):
    ask(demo, ("Ada Author", ME), 0, ["ben@example.org"])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("W")
        await settle(app, pilot)
        assert isinstance(app.screen, WithdrawRequestScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, WithdrawRequestScreen)
        assert workflow(demo).withdrawals == []


def test_only_waiting_requests_the_user_asked_or_was_asked(demo):
    ask(demo, ("Ada Author", ME), 1, ["ben@example.org", "cy@example.org"])
    ask(demo, CY, 0, ["ben@example.org"])  # Ben's standing request is now Cy's, newer: not Ada's
    repo, history, _ = versions(demo)
    try:
        from reviewtool.review.status import version_line
        from reviewtool.review.workflow import request_states

        wf = WorkflowStore(ReviewStore(repo)).load().workflow.for_paths(history.paths)
        states = request_states(wf.requests, wf.verdicts, version_line(history), withdrawals=wf.withdrawals)
    finally:
        repo.close()
    assert [t.reviewer for t in takeable(states, Person("Ada Author", ME))] == ["cy@example.org"]
    # Cy may decline Ada's request (asked first) and withdraw their own to Ben.
    assert [(t.reviewer, t.declining) for t in takeable(states, Person(*CY))] == [
        ("cy@example.org", True), ("ben@example.org", False)]
    assert [(t.reviewer, t.declining) for t in takeable(states, Person(*BEN))] == [("ben@example.org", True)]
