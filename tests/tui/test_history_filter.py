"""Pilot tests: the history's filters, ``M`` (merges hidden) and ``F`` (the first-parent line).

The repository is built here with ``git fast-import``: a main line, a side branch merged
back after both sides edited the essay (a merge that is a version of its own), and a
topic branch merged back taking the topic's text (no version in the whole history, where
the merged text is the topic's; one on the first-parent line, where it brought the topic).
"""

from __future__ import annotations

import pytest

from reviewtool.cli.commands import run
from tests.gitutil import Commit, fast_import_graph, git
from tests.tui.helpers import screen_text, settle
from tests.tui.snapshots import driver

DRAFT = "drafts/essay.md"
SIZE = (120, 40)

SECTIONS = {
    "a": ["Gardens begin with soil, and soil begins with patience.",
          "The first spring teaches more than any manual."],
    "b": ["Water is the quiet budget of every bed.", "Drip lines save it; mulch keeps it."],
    "c": ["Pests arrive with the warm weeks.", "Birds and beetles are the cheapest allies."],
}


def essay(**edits: str) -> str:
    """The essay with the first paragraph of some sections replaced (``a="..."``)."""
    out = ["# A small garden", ""]
    for key, title in (("a", "Soil"), ("b", "Water"), ("c", "Pests")):
        paragraphs = list(SECTIONS[key])
        if key in edits:
            paragraphs[0] = edits[key]
        out += [f"## {title}", ""] + [p + "\n" for p in paragraphs]
    return "\n".join(out)


COMMITS = [
    Commit("root", [], {DRAFT: essay()}, message="Start the garden essay"),
    Commit("m1", ["root"], {DRAFT: essay(a="Soil is the whole secret.")}, message="Tighten the soil section"),
    Commit("s1", ["root"], {DRAFT: essay(c="Pests come when it warms.")}, branch="side",
           message="Side: shorter pests opening", author=("Ben Editor", "ben@example.org")),
    Commit("s2", ["s1"], {DRAFT: essay(c="Pests come with the first warm week.")}, branch="side",
           message="Side: pests, once more", author=("Ben Editor", "ben@example.org")),
    # Both sides edited: the merged text is neither parent's, so the merge is a version.
    Commit("merge1", ["m1", "s2"], {DRAFT: essay(a="Soil is the whole secret.", c="Pests come with the first warm week.")},
           message="Merge branch 'side'"),
    Commit("m2", ["merge1"], {DRAFT: essay(a="Soil is the whole secret.", b="Water is a budget.",
                                           c="Pests come with the first warm week.")}, message="Water in a line"),
    Commit("t1", ["m2"], {DRAFT: essay(a="Soil, then patience.", b="Water is a budget.",
                                       c="Pests come with the first warm week.")}, branch="topic",
           message="Topic: soil and patience", author=("Cy Reviewer", "cy@example.org")),
    # Takes the topic's text: only the first-parent line lists it (it brought the topic).
    Commit("merge2", ["m2", "t1"], {DRAFT: essay(a="Soil, then patience.", b="Water is a budget.",
                                                 c="Pests come with the first warm week.")},
           message="Merge branch 'topic'"),
    Commit("m3", ["merge2"], {DRAFT: essay(a="Soil, then patience.", b="Water is the budget.",
                                           c="Pests come with the first warm week.")}, message="Water again"),
]

EVERY_VERSION = ["m3", "t1", "m2", "merge1", "s2", "s1", "m1", "root"]
FIRST_PARENT_LINE = ["m3", "merge2", "m2", "merge1", "m1", "root"]


@pytest.fixture
def graph(tmp_path):
    repo, ids = fast_import_graph(tmp_path / "garden", COMMITS)
    return repo.path, ids


def names(app, ids) -> list[str]:
    """The history rows as the commits' names in :data:`COMMITS`."""
    by_id = {commit: name for name, commit in ids.items()}
    return [by_id[v.commit] for v in app.history_pane.versions]


def title(app) -> str:
    """The history pane's title as shown (its top border line), without the border."""
    line = next(line for line in screen_text(app).splitlines() if "History" in line)
    return line.strip("╭╮─ ")


async def select(app, pilot, ids, name: str) -> None:
    app.history_pane.cursor = next(i for i, v in enumerate(app.history_pane.versions) if v.commit == ids[name])
    await settle(app, pilot)
    assert app.version.commit == ids[name]


async def test_the_whole_history_marks_its_merges(graph, make_app):
    path, ids = graph
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert names(app, ids) == EVERY_VERSION
        assert title(app).endswith("8 versions") and "merges hidden" not in title(app)
        row = next(line for line in screen_text(app).splitlines() if ids["merge1"][:6] in line)
        assert "[merge] Merge branch 'side'" in row


async def test_m_hides_the_merges_and_keeps_the_selection(graph, make_app):
    path, ids = graph
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await select(app, pilot, ids, "s2")
        await pilot.press("M")
        await settle(app, pilot)
        assert names(app, ids) == [n for n in EVERY_VERSION if n != "merge1"]
        assert "merges hidden" in title(app) and "7 of 8 versions" in title(app)
        assert "[merge]" not in screen_text(app)
        assert app.version.commit == ids["s2"] and app.history_pane.current.commit == ids["s2"]
        assert app.base.commit == ids["s1"]  # still compared with its first parent
        assert [v.commit for v in app.growth_view.versions] == [v.commit for v in app.history_pane.versions]
        await pilot.press("M")
        await settle(app, pilot)
        assert names(app, ids) == EVERY_VERSION
        assert title(app).endswith("8 versions") and " of " not in title(app)
        assert app.version.commit == ids["s2"]


async def test_f_shows_the_first_parent_line_as_git_does(graph, make_app):
    path, ids = graph
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await select(app, pilot, ids, "m2")
        await pilot.press("F")
        await settle(app, pilot)
        assert names(app, ids) == FIRST_PARENT_LINE
        expected = git(path, "log", "--first-parent", "--format=%H", "--", DRAFT).split()
        assert [v.commit for v in app.history_pane.versions] == expected
        assert "first parent" in title(app) and "6 of 8 versions" in title(app)
        assert app.version.commit == ids["m2"]  # still shown: the cursor stays on it
        # The merge that brought the topic is a version here; its change is the whole topic.
        await select(app, pilot, ids, "merge2")
        assert app.base.commit == ids["m2"]
        assert app.selection is not None and app.selection["diff"] is not None
        assert [v.commit for v in app.growth_view.versions] == expected
        await pilot.press("F")
        await settle(app, pilot)
        assert names(app, ids) == EVERY_VERSION
        # merge2 is no version of the whole history: the version with its text (the topic's).
        assert app.version.commit == ids["t1"]


async def test_a_hidden_selection_moves_to_the_nearest_shown_version(graph, make_app):
    path, ids = graph
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await select(app, pilot, ids, "s2")
        await pilot.press("F")  # the side branch's commits are not on the first-parent line
        await settle(app, pilot)
        assert app.version.commit == ids["merge1"]  # the row above s2 (the one below is hidden too)
        assert app.history_pane.current.commit == ids["merge1"]
        assert app.base.commit == ids["m1"]  # a merge is compared with its first parent


async def test_a_marked_base_keeps_working_when_the_filter_hides_it(graph, make_app):
    path, ids = graph
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await select(app, pilot, ids, "s1")
        await pilot.press("b")
        await select(app, pilot, ids, "m3")
        assert app.base.commit == ids["s1"]
        await pilot.press("F")
        await settle(app, pilot)
        assert ids["s1"] not in [v.commit for v in app.history_pane.versions]
        assert app.version.commit == ids["m3"] and app.base_commit == ids["s1"]
        assert app.base.commit == ids["s1"]  # still the comparison, though hidden
        await pilot.press("M")
        await settle(app, pilot)
        assert names(app, ids) == ["m3", "m2", "m1", "root"]
        assert "first parent · merges hidden" in title(app) and "4 of 8 versions" in title(app)
        assert app.base.commit == ids["s1"]


async def test_the_tui_starts_filtered_with_the_log_words(graph, make_app):
    path, ids = graph
    app = make_app(path, first_parent=True, no_merges=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert names(app, ids) == ["m3", "m2", "m1", "root"]
        assert "first parent · merges hidden" in title(app)
        await pilot.press("F")
        await settle(app, pilot)
        assert names(app, ids) == [n for n in EVERY_VERSION if n != "merge1"]
        assert "merges hidden" in title(app) and "first parent" not in title(app)


def test_tui_command_takes_the_log_options(graph, capsys):
    path, _ = graph
    # No terminal under pytest: the options are accepted, and the UI says what it needs.
    assert run(["-C", str(path), "tui", "--first-parent", "--no-merges"]) == 2
    assert "the terminal UI needs a terminal" in capsys.readouterr().err


def test_first_parent_history_snapshot(graph, snap_compare, make_app):
    path, ids = graph
    def on_m2(app) -> None:
        app.history_pane.cursor = next(i for i, v in enumerate(app.versions) if v.commit == ids["m2"])

    steps = driver(on_m2, "F")
    assert snap_compare(make_app(path), terminal_size=SIZE, run_before=steps)


def test_nearest_shown_prefers_the_same_commit_then_the_same_text_then_the_older_row():
    from datetime import UTC, datetime

    from reviewtool.draft.history import Version
    from reviewtool.tui.history_filter import nearest_shown

    def v(commit: str, blob: str) -> Version:
        return Version(commit, (), "a", "a@x", datetime(2024, 1, 1, tzinfo=UTC), commit, DRAFT, blob)

    a, b, c, d = v("a", "1"), v("b", "2"), v("c", "3"), v("d", "2")
    assert nearest_shown([a, b, c], "b", [a, b]) == "b"
    assert nearest_shown([a, b, c], "b", [a, c, d]) == "d"  # d has b's text
    assert nearest_shown([a, v("x", "9"), c], "x", [a, c]) == "c"  # a tie: the older row
    assert nearest_shown([a, v("x", "9"), c], "x", [a]) == "a"
    assert nearest_shown([a, b], None, [a]) is None
    assert nearest_shown([a, b], "gone", [a]) is None


BRANCH_ONLY = [  # the draft was written on a branch: main's line holds only the merge that brought it
    Commit("base", [], {"README.md": "A garden notebook.\n"}, message="Start the notebook"),
    Commit("d1", ["base"], {DRAFT: essay()}, branch="draft", message="Draft: start"),
    Commit("d2", ["d1"], {DRAFT: essay(a="Soil is the whole secret.")}, branch="draft", message="Draft: soil"),
    Commit("merge", ["base", "d2"], {DRAFT: essay(a="Soil is the whole secret.")}, message="Merge branch 'draft'"),
]


async def test_a_filter_that_leaves_nothing_is_not_applied(tmp_path, make_app):
    from tests.tui.helpers import record_notifications

    repo, ids = fast_import_graph(tmp_path / "branch-only", BRANCH_ONLY)
    app = make_app(repo.path, first_parent=True)
    async with app.run_test(size=SIZE) as pilot:
        said = record_notifications(app)
        await settle(app, pilot)
        assert names(app, ids) == ["merge"]
        assert "first parent" in title(app) and "1 of 2 versions" in title(app)
        await pilot.press("M")  # the one version on the line is a merge
        await settle(app, pilot)
        assert names(app, ids) == ["merge"] and app.version.commit == ids["merge"]
        assert not app.hide_merges and "merges hidden" not in title(app)
        assert any("no version of drafts/essay.md is left with first parent · merges hidden" in s for s in said)
    # Started with both: every version is shown instead, and the filters are off.
    app = make_app(repo.path, first_parent=True, no_merges=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert names(app, ids) == ["d2", "d1"]
        assert not app.first_parent_only and not app.hide_merges
        assert title(app).endswith("2 versions")
