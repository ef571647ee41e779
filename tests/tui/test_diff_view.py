"""Pilot tests: diffs trimmed to their changes, ``]``/``[`` from change to change across
sections, collapsed runs expanded by a click, ``z`` and ``Z``, side by side lined up, marks
without colour (a real repository with long sections)."""

from __future__ import annotations

import pytest

from reviewtool.tui.content_pane import ContentPane
from reviewtool.tui.history_pane import HistoryPane
from reviewtool.tui.lines_view import LinesView
from tests.gitutil import make_repo
from tests.tui.helpers import open_section, settle

DRAFT = "drafts/essay.md"


def paragraphs(prefix: str, n: int) -> str:
    return "\n\n".join(f"{prefix} paragraph {i} says something plain about cycling." for i in range(n))


V1 = (f"# Essay\n\n## First\n\n{paragraphs('First', 40)}\n\n## Middle\n\nA short middle section that stays.\n\n"
      f"## Last\n\n{paragraphs('Last', 30)}\n")
# Two one-word changes in First, one in Last and a paragraph added there, Middle moved to the end.
V2 = (f"# Essay\n\n## First\n\n{paragraphs('First', 40)}\n\n## Last\n\n{paragraphs('Last', 30)}\n\n"
      f"## Middle\n\nA short middle section that stays.\n"
      ).replace("First paragraph 5 says something plain", "First paragraph 5 says something new") \
       .replace("First paragraph 30 says something plain", "First paragraph 30 says something new") \
       .replace("Last paragraph 12 says something plain", "Last paragraph 12 says something new") \
       .replace("Last paragraph 20 says something plain about cycling.",
                "Last paragraph 20 says something plain about cycling.\n\nA brand new paragraph arrives here.")


@pytest.fixture
def long_repo(tmp_path):
    repo = make_repo(tmp_path / "repo")
    repo.commit("v1", {DRAFT: V1})
    repo.commit("v2", {DRAFT: V2})
    return repo.path


def title(app) -> str:
    return str(app.query_one("#content-title").render())


async def test_diff_is_trimmed_to_its_changes(make_app, long_repo):
    app = make_app(long_repo)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        pane = app.query_one(ContentPane)
        text = pane.rendered_text()
        # First: rows 4-6 and 29-31 shown around the changes at 5 and 30.
        assert "… 4 unchanged paragraphs …" in text and "… 22 unchanged paragraphs …" in text
        assert "… 8 unchanged paragraphs …" in text
        assert "First paragraph 15 " not in text and "First paragraph 4 " in text and "First paragraph 6 " in text
        assert "Last paragraph 11 " in text and "Last paragraph 3 " not in text
        assert "A brand new paragraph arrives here." in text
        # The moved section: once, where it is now, with where it came from.
        assert "moved from after “First”" in text
        assert text.count("A short middle section") == 0  # its text did not change: not repeated
        assert "5 changes" in title(app)
        assert len(pane.lines_layout.changes) == 5


async def test_brackets_go_from_change_to_change(make_app, long_repo):
    app = make_app(long_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(ContentPane)
        # From the text view, ] opens the diff at its first change.
        assert app.mode == "text"
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert app.mode == "diff" and pane.current == 0
        assert "change 1 of 5" in title(app)
        view = pane.lines_view
        for expected in (2, 3, 4, 5):
            await pilot.press("right_square_bracket")
            await settle(app, pilot)
            assert f"change {expected} of 5" in title(app)
            line = pane.lines_layout.changes[expected - 1]
            # The change is on screen, near the top.
            assert int(view.scroll_offset.y) <= line < int(view.scroll_offset.y) + view.size.height
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert "change 5 of 5" in title(app)
        assert any("no more changes" in str(n.message) for n in app._notifications)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(app, pilot)
        assert "change 3 of 5" in title(app)
        # n and N stay with search.
        await pilot.press("n")
        await settle(app, pilot)
        assert any("search" in str(n.message) for n in app._notifications)
        assert "change 3 of 5" in title(app)


async def test_brackets_cross_into_the_next_changed_section(make_app, long_repo):
    app = make_app(long_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        first = await open_section(app, pilot, "First")
        pane = app.query_one(ContentPane)
        assert "2 changes" in title(app)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(app, pilot)
        assert "change 2 of 2" in title(app) and app.section_key == first
        # Past the section's last change: the next section that changed, at its first change.
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert app.section_key == "essay/last"
        assert "change 1 of 2" in title(app)
        assert "Last paragraph 12 says something" in pane.rendered_text()
        # And back: the previous section, at its last change.
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert app.section_key == first
        assert "change 2 of 2" in title(app)
        line = pane.lines_layout.changes[1]
        assert int(pane.lines_view.scroll_offset.y) <= line


async def test_collapsed_runs_expand_on_click_z_and_Z(make_app, long_repo):
    app = make_app(long_repo)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        pane = app.query_one(ContentPane)
        view = pane.lines_view
        # Click the marker of the 22 paragraphs between the two changes of First.
        line = next(y for y, gap in pane.lines_layout.gaps.items()
                    if "22 unchanged" in pane.rendered_text().splitlines()[y])
        view.scroll_to(y=line, animate=False, immediate=True)
        await settle(app, pilot)
        await pilot.click(LinesView, offset=(6, line - int(view.scroll_offset.y)))
        await settle(app, pilot)
        text = pane.rendered_text()
        assert "22 unchanged" not in text and "First paragraph 15 " in text
        assert "… 4 unchanged paragraphs …" in text  # the others stay collapsed
        # z: the runs next to the current change (the first change of Last: 11 before, 6 after).
        assert pane.goto_change(2)
        await settle(app, pilot)
        assert "change 3 of 5" in title(app)
        await pilot.press("z")
        await settle(app, pilot)
        text = pane.rendered_text()
        assert "Last paragraph 3 " in text and "Last paragraph 16 " in text and "11 unchanged" not in text
        assert "change 3 of 5" in title(app)
        # Z: every paragraph; again: back to the changes.
        await pilot.press("Z")
        await settle(app, pilot)
        assert "unchanged paragraphs" not in pane.rendered_text()
        assert "First paragraph 35 " in pane.rendered_text()
        await pilot.press("Z")
        await settle(app, pilot)
        assert "… 8 unchanged paragraphs …" in pane.rendered_text()
        # Another version: its runs start collapsed again.
        app.query_one(HistoryPane).cursor = 1
        await settle(app, pilot)
        assert not pane.expanded


async def test_side_by_side_rows_line_up(make_app, long_repo):
    app = make_app(long_repo)
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        pane = app.query_one(ContentPane)
        lines = pane.rendered_text().splitlines()
        rows = [line.split(" │ ") for line in lines if " │ " in line]
        rule = {line.index(" │ ") for line in lines if " │ " in line}
        assert len(rule) == 1  # one column rule: every row lines up
        changed = next(r for r in rows if "First paragraph 5 " in r[0])
        assert "First paragraph 5 " in changed[1]  # the old and the new paragraph on one line
        added = next(r for r in rows if "A brand new paragraph" in r[1])
        assert added[0].strip() == ""  # blank where the old side has nothing
        assert "… 8 unchanged paragraphs …" in pane.rendered_text()
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert "change 1 of 5" in title(app)


async def test_without_colour_changes_are_marked_in_the_text(make_app, long_repo, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(long_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        text = app.query_one(ContentPane).rendered_text()
        assert "says something [-plain-]{+new+} about" in text
        assert "{+A brand new paragraph arrives here.+}" in text
