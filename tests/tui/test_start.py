"""Pilot tests: what the app shows when there is nothing to browse (never a traceback)."""

from __future__ import annotations

from tests.gitutil import make_repo
from tests.tui.helpers import screen_text, settle


async def test_drafts_with_several_files_ask_which_one(tmp_path, make_app):
    repo = make_repo(tmp_path / "two")
    repo.commit("Two drafts", {"drafts/a.md": "# A\n\nOne.\n", "drafts/b.md": "# B\n\nTwo.\n"})
    app = make_app(repo.path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Choose a draft" in text and "drafts/a.md" in text and "drafts/b.md" in text
        await pilot.press("j", "enter")
        await settle(app, pilot)
        assert app.history.draft == "drafts/b.md"
        assert "drafts/b.md" in screen_text(app)


async def test_repository_without_drafts_shows_how_to_start(tmp_path, make_app):
    repo = make_repo(tmp_path / "empty")
    repo.commit("Notes only", {"notes.txt": "hello\n"})
    app = make_app(repo.path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "no drafts yet" in text
        assert "mkdir -p drafts" in text and "git commit" in text
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_not_a_repository_is_a_screen_not_a_traceback(tmp_path, make_app):
    folder = tmp_path / "plain"
    folder.mkdir()
    app = make_app(folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "not a git repository" in text
        assert "git init" in text


async def test_a_repository_reviewtool_cannot_read_says_why_not_that_it_is_no_repository(tmp_path, make_app):
    import subprocess

    folder = tmp_path / "sha256"
    subprocess.run(["git", "init", "-q", "--object-format=sha256", str(folder)], check=True)
    app = make_app(folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "sha256 repositories are not supported" in text
        assert "not a git repository" not in text and "git init" not in text
