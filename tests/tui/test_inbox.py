"""Pilot tests: the inbox (``I``) lists what ``reviewtool status`` says waits for me, from the
notes of a real repository, and ``enter`` on an item selects its version or its thread."""

from __future__ import annotations

from reviewtool.git.repo import GitRepo
from reviewtool.review.status import load_review_data, review_status
from reviewtool.review.store import ReviewStore
from reviewtool.review.workflow_store import WorkflowStore
from reviewtool.tui.inbox_screen import SECTIONS, InboxScreen
from tests.tui.helpers import record_notifications, screen_text, settle, threads
from tests.tui.test_workflow import BEN, versions

ADA = ("Ada Author", "ada@example.org")  # the test identity (tests/conftest.py)


def jonas_thread(path) -> str:
    """The id of the demo's open thread of Jonas on the Introduction."""
    return next(t.id for t in threads(path) if t.email == "jonas@example.org" and t.status == "open"
                and "answers the prompt directly" in t.body)


def later(stamp: str):
    return lambda: stamp


def seed_inbox(path):
    """Ben asks Ada to review the third-newest version (with an untrusted-looking message);
    Ada replies on Jonas's thread and Jonas answers after her. Returns the requested version."""
    thread_id = jonas_thread(path)
    repo, _, committed = versions(path)
    try:
        ben = WorkflowStore(ReviewStore(repo, identity=BEN, clock=later("2023-05-20T09:00:00Z")))
        ben.request_review(committed[2], [ADA[1]], "[bold]look[/bold] at the intro")
        ReviewStore(repo, identity=ADA, clock=later("2023-05-10T10:00:00Z")).reply(thread_id, "Which one?")
        ReviewStore(repo, identity=("Jonas Weber", "jonas@example.org"),
                    clock=later("2023-05-11T10:00:00Z")).reply(thread_id, "The second [red]claim[/red].")
        return committed[2], thread_id
    finally:
        repo.close()


async def open_inbox(app, pilot) -> InboxScreen:
    await settle(app, pilot)
    await pilot.press("I")
    await settle(app, pilot)
    await pilot.pause(0.1)
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


async def test_inbox_lists_what_status_lists_and_enter_selects_the_requested_version(make_app, demo):
    requested, thread_id = seed_inbox(demo)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_inbox(app, pilot)
        # The same fold as `reviewtool status`, item for item.
        repo = GitRepo.open(demo)
        try:
            data = load_review_data(repo)
            report = review_status(app.history, data.threads, data.workflow, ADA)
        finally:
            repo.close()
        assert [r.request.version.commit for r in report.for_me.requests] == [requested.commit]
        assert [t.id[:8] for t in report.for_me.threads_awaiting_reply] == [thread_id[:8]]
        assert [(i.section, i.commit) for i in screen.items[:2]] == [
            (SECTIONS[0], requested.commit), (SECTIONS[1], None)]
        assert screen.items[1].thread.id.startswith(thread_id[:8])
        assert not report.for_me.is_author and len(screen.items) == 2
        text = screen_text(app)
        assert "Review requests for you" in text and "Threads awaiting your reply" in text
        assert "requested by Ben Reviewer" in text
        assert "[bold]look[/bold] at the intro" in text  # untrusted text shown as typed, not markup
        assert "Introduction" in text and "last: Jonas Weber" in text and "1 week ago" in text
        assert "Your suggestions not applied" not in text
        # The cursor starts on the first item (the heading is skipped); enter goes there.
        assert screen.highlighted_item() is screen.items[0]
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, InboxScreen)
        assert app.version.commit == requested.commit
        assert app.history_pane.has_focus


async def test_enter_on_a_thread_selects_its_version_section_and_thread(make_app, demo):
    _, thread_id = seed_inbox(demo)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_inbox(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        item = screen.highlighted_item()
        assert item.thread is not None and item.thread.id.startswith(thread_id[:8])
        await pilot.press("enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert not isinstance(app.screen, InboxScreen)
        assert app.section_key == item.thread.anchor.section_key
        assert app.comments_pane.has_focus
        assert app.comments_pane.current_thread_id == item.thread.id


async def test_the_author_sees_open_threads_and_changes_requested(make_app, demo):
    repo, _, committed = versions(demo)
    try:  # Ada asks Ben for a review (so she is an author of the draft); Ben requests changes.
        WorkflowStore(ReviewStore(repo, identity=ADA)).request_review(committed[0], [BEN[1]])
        WorkflowStore(ReviewStore(repo, identity=BEN)).submit_verdict(committed[0], "changes_requested", "too long")
    finally:
        repo.close()
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_inbox(app, pilot)
        sections = [i.section for i in screen.items]
        assert sections[0] == SECTIONS[3] and screen.items[0].commit == committed[0].commit
        opened = [i.thread.id[:8] for i in screen.items if i.section == SECTIONS[4]]
        assert jonas_thread(demo)[:8] in opened and len(opened) == sections.count(SECTIONS[4]) >= 2
        assert "changes requested by Ben Reviewer" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, InboxScreen)


async def test_an_empty_inbox_says_so(make_app, demo):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_inbox(app, pilot)
        assert screen.items == []
        assert "Nothing waits for you" in screen_text(app)
        await pilot.press("enter")  # nothing to go to: the screen stays
        await settle(app, pilot)
        assert isinstance(app.screen, InboxScreen)


async def test_without_an_email_the_inbox_asks_who_you_are(make_app, demo):
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        app.identity = None
        await pilot.press("I")
        await settle(app, pilot)
        assert not isinstance(app.screen, InboxScreen)
        assert any("user.email" in s for s in seen)
