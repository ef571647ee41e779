"""Pilot tests: outline coverage, and syncing review notes with a remote from the app."""

from __future__ import annotations

import subprocess

from reviewtool.draft.history import DraftHistory
from reviewtool.git.repo import GitRepo
from reviewtool.review.store import ReviewStore
from reviewtool.review.sync import sync
from reviewtool.tui.content_pane import ContentPane
from reviewtool.tui.history_pane import HistoryPane
from tests.gitutil import make_repo
from tests.tui.helpers import open_version, settle, version_index


def git(cwd, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


async def test_coverage_view_against_the_fullest_outline_and_a_marked_base(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(HistoryPane)
        outline_index = version_index(app, "Fill in outline")
        prose_index = await open_version(app, pilot, "Write up the LLM")
        await pilot.press("o")
        await settle(app, pilot)
        content = app.query_one(ContentPane)
        assert content.mode == "coverage"
        text = content.rendered_text()
        cov, outline = app.coverage
        assert outline == pane.versions[outline_index]  # the fullest outline before this version
        assert f"Outline at {outline.short}: {cov.bullets_covered}/{len(cov.bullets)} bullets written" in text
        assert "✓ Why we might expect LLMs to be mesa-optimizers" in text
        assert "not written yet" in text
        # Mark the first version (no bullets) as the outline to measure against.
        await pilot.press("G", "b")
        await settle(app, pilot)
        pane.cursor = prose_index
        await settle(app, pilot)
        assert "has no outline bullets" in content.rendered_text()


def clone_with_remote(tmp_path, demo):
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(demo), str(bare))
    git(demo, "remote", "add", "origin", str(bare))
    return bare


async def test_sync_pushes_notes_and_brings_in_the_remote_ones(tmp_path, make_app, demo):
    bare = clone_with_remote(tmp_path, demo)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        messages = [str(n.message) for n in app._notifications]
        # A quick sync shows its outcome alone, not each step.
        assert messages[-1] == "synced with origin: 0 new events from origin, 15 pushed (ours)", messages
        assert not any(m.endswith("…") for m in messages), messages
        ours = git(demo, "rev-parse", "refs/notes/reviewtool").strip()
        assert git(bare, "rev-parse", "refs/notes/reviewtool").strip() == ours

        # Someone else comments in their clone and syncs; our next sync shows it.
        other = tmp_path / "other"
        git(tmp_path, "clone", "-q", str(bare), str(other))
        git(other, "config", "user.name", "Remote Reviewer")
        git(other, "config", "user.email", "remote@example.org")
        repo = GitRepo.open(other)
        sync(repo)
        history = DraftHistory(repo, app.history.draft)
        v = history.versions[0]
        ReviewStore(repo).add_comment(v.commit, v.path, v.blob, "From the other clone")
        sync(repo)
        repo.close()
        await pilot.press("S")
        await settle(app, pilot)
        assert any(t.body == "From the other clone" for t in app.threads)
        assert any(t.body == "From the other clone" for t, _ in app.comments_pane.threads)


async def test_a_slow_sync_step_is_shown_while_it_lasts(tmp_path, make_app, demo):
    """The remote takes a second to accept the push (a real pre-push hook that sleeps):
    the step shows after PROGRESS_DELAY, then the outcome."""
    clone_with_remote(tmp_path, demo)
    hook = demo / ".git" / "hooks" / "pre-push"
    hook.write_text("#!/bin/sh\nsleep 1.2\nexit 0\n")
    hook.chmod(0o755)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await pilot.pause(app.PROGRESS_DELAY + 0.4)
        shown = [str(n.message) for n in app._notifications]
        assert shown[-1] == "pushing 15 events to origin…", shown
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        messages = [str(n.message) for n in app._notifications]
        assert messages[-1].startswith("synced with origin"), messages
        assert "fetching review notes from origin…" not in messages  # that step was quick


async def test_sync_without_a_remote_is_an_error_notification(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "origin" in str(errors[-1].message)
        assert app.is_running


async def test_comment_on_uncommitted_changes_is_refused(tmp_path, make_app):
    repo = make_repo(tmp_path / "wt")
    repo.commit("First", {"drafts/essay.md": "# Essay\n\nOne.\n"})
    repo.write("drafts/essay.md", "# Essay\n\nOne. Two.\n")
    app = make_app(repo.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.versions[0].is_worktree
        await pilot.press("c")
        await settle(app, pilot)
        assert not app.screen.is_modal
        assert any("uncommitted" in str(n.message) for n in app._notifications)
