"""Untrusted text is never markup: essay text, commit subjects, author names and comment bodies."""

from __future__ import annotations

from reviewtool.git.repo import GitRepo
from reviewtool.review.store import ReviewStore
from reviewtool.tui.comments_pane import CommentsPane
from reviewtool.tui.history_pane import HistoryPane
from reviewtool.tui.sections_pane import SectionsPane
from tests.gitutil import make_repo
from tests.tui.helpers import screen_text, settle

BODY = "[@click=app.quit]quit[/] [bold]x[/bold]"
SUBJECT = "[@click=app.quit]Subject[/] [b]bold?[/b]"
AUTHOR = "[red]Eve[/red]"
ESSAY = (
    "# [bold]Title[/bold]\n\n"
    "Intro with [@click=app.quit]a trap[/] and [link=https://example.org]x[/link].\n\n"
    "## [@click=app.bell]Heading[/]\n\n"
    "Body text [b]not bold[/b].\n"
)


def build(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "unsafe")
    repo.commit("First", {"drafts/essay.md": "# Title\n\nIntro.\n"})
    repo.commit(SUBJECT, {"drafts/essay.md": ESSAY}, author=(AUTHOR, "eve@example.org"))
    with monkeypatch.context() as env:  # the comment is Eve's
        env.setenv("GIT_AUTHOR_NAME", AUTHOR)
        env.setenv("GIT_AUTHOR_EMAIL", "eve@example.org")
        git_repo = GitRepo.open(repo.path)
    store = ReviewStore(git_repo)
    from reviewtool.draft.history import DraftHistory

    history = DraftHistory(git_repo, "drafts/essay.md")
    newest = history.versions[0]
    doc = history.document(newest)
    section = next(s for s in doc.sections if s.kind == "heading" and s.level == 2)
    store.add_comment(newest.commit, newest.path, newest.blob, BODY, section=(section.key, section.title))
    git_repo.close()
    return repo.path


async def test_markup_in_untrusted_text_shows_literally_and_does_nothing(tmp_path, monkeypatch, make_app):
    app = make_app(build(tmp_path, monkeypatch))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        # History: subject and author as typed.
        assert "[@click=app.quit]Subject[/]" in text
        assert "[red]Eve[/red]" in text
        # Sections: headings as typed.
        assert "[@click=app.bell]Heading[/]" in text
        # Comments: the body as typed.
        assert BODY in text
        # Content (Markdown rendering): the brackets are literal text, not styles or actions.
        content = app.content_pane.rendered_text()
        assert "[@click=app.quit]a trap[/]" in content
        assert "[b]not bold[/b]" in content

        # Clicking on every piece of untrusted text runs no action.
        assert app.query_one(CommentsPane).is_mounted
        for y in range(0, 4):
            await pilot.click(CommentsPane, offset=(4, y))
        history = app.query_one(HistoryPane)
        await pilot.click(HistoryPane, offset=(50, 1))  # the newest row: the bracketed subject
        await pilot.click(SectionsPane, offset=(8, 3))
        await settle(app, pilot)
        assert app.is_running
        assert [t.body for t in app.threads] == [BODY]
        assert history.cursor == 0


async def test_search_results_and_notifications_keep_brackets(tmp_path, monkeypatch, make_app):
    app = make_app(build(tmp_path, monkeypatch))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"subject")
        await settle(app, pilot)
        assert "[@click=app.quit]Subject[/]" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        # Editing Eve's comment is refused; the notification names her literally.
        app.comments_pane.focus()
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("written by [red]Eve[/red]" in m for m in messages), messages
        toasts = [n for n in app._notifications if "written by" in str(n.message)]
        assert toasts and not toasts[0].markup  # shown as plain text, never parsed
        assert app.is_running


async def test_hidden_characters_in_comments_are_shown_and_marked(tmp_path, monkeypatch, make_app):
    """A zero-width space in a body and a right-to-left override in a name are shown as
    <U+XXXX>, marked (reverse video); an emoji with joiners stays one emoji."""
    from reviewtool.tui.comments_pane import HIDDEN_STYLE, thread_content

    repo = make_repo(tmp_path / "hidden")
    repo.commit("First", {"drafts/essay.md": "# Title\n\n## Part\n\nIntro.\n"})
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    with monkeypatch.context() as env:
        env.setenv("GIT_AUTHOR_NAME", "Eve\u202e reviewer")
        env.setenv("GIT_AUTHOR_EMAIL", "eve@example.org")
        git_repo = GitRepo.open(repo.path)
    store = ReviewStore(git_repo)
    head = repo.head()
    blob = repo.git("rev-parse", "HEAD:drafts/essay.md").strip()
    store.add_comment(head, "drafts/essay.md", blob, f"zero\u200bwidth and {family}", section=("title/part", "Part"))
    git_repo.close()
    app = make_app(repo.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "zero<U+200B>width" in text and "Eve<U+202E> reviewer" in text
        assert "\u200b" not in text and "\u202e" not in text
        thread, placement = app.comments_pane.threads[0]
        content = thread_content(thread, placement, "Part", None)
        marked = {content.plain[s.start:s.end] for s in content.spans if s.style == HIDDEN_STYLE}
        assert marked == {"<U+200B>", "<U+202E>"}
        assert family in content.plain
