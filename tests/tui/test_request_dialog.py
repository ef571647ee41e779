"""Pilot tests: the "request review" dialog (``Q``) writes the event ``reviewtool review
request`` writes, after checking the reviewers as the CLI checks them."""

from __future__ import annotations

from textual.widgets import Input

from reviewtool.tui.request_dialog import RequestReviewScreen, parse_reviewers
from tests.tui.helpers import record_notifications, screen_text, settle, type_text
from tests.tui.test_workflow import ME, workflow


def test_reviewers_are_checked_as_the_cli_checks_them():
    assert parse_reviewers("ben@example.org, cy@example.org ben@example.org") == (
        ("ben@example.org", "cy@example.org"), "")
    assert parse_reviewers(" , ") == ((), "name at least one reviewer (an email address)")
    assert parse_reviewers("ben@example.org, nobody")[1].startswith("invalid reviewer 'nobody'")
    assert parse_reviewers("Ada@Example.org", ME) == ((), "you cannot request a review from yourself")


async def test_request_dialog_asks_reviewers_with_a_message(make_app, demo):
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        app.history_pane.cursor = 1
        await settle(app, pilot)
        version = app.version
        await pilot.press("Q")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, RequestReviewScreen)
        await type_text(pilot, "ben@example.org, not-an-email")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is dialog  # refused before anything is written
        assert "invalid reviewer 'not-an-email'" in screen_text(app)
        assert workflow(demo).requests == []
        dialog.query_one("#request-reviewers", Input).value = f"ben@example.org, cy@example.org, {ME}"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "you cannot request a review from yourself" in screen_text(app)
        dialog.query_one("#request-reviewers", Input).value = "ben@example.org, cy@example.org"
        await pilot.press("enter")  # on to the message
        await type_text(pilot, "[b]the[/b] middle")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, RequestReviewScreen)
        requests = workflow(demo).requests
        assert len(requests) == 1
        r = requests[0]
        assert (r.version.commit, r.reviewers, r.body, r.author.email) == (
            version.commit, ("ben@example.org", "cy@example.org"), "[b]the[/b] middle", ME)
        assert r.event.type == "request"
        assert any("asked ben@example.org, cy@example.org" in s and version.short in s for s in seen)
        row = app.history_pane.render_row(1, 140).plain
        assert "○ben" in row and "○cy" in row


async def test_request_dialog_cancels_without_writing(make_app, demo):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("Q")
        await settle(app, pilot)
        await type_text(pilot, "ben@example.org")
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, RequestReviewScreen)
        assert workflow(demo).requests == []
