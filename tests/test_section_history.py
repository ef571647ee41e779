"""Section history on real git repositories: renames of the file and of the section, promotion."""

from __future__ import annotations

import json

import pytest

from reviewtool.cli.commands import run
from reviewtool.diff.section_history import section_history
from reviewtool.draft.history import DraftHistory
from reviewtool.errors import ReviewtoolError
from reviewtool.git.repo import GitRepo
from tests.gitutil import fast_import_history

FM = "---\ntitle: Riding to work\n---\n"
INTRO = "## Introduction\n\nWhy I went from driving to cycling, and why I kept going after the car was fixed.\n"
HEALTH = ("## Health\n\nWithin two months my resting heart rate dropped by nine beats a minute and the "
          "stiffness in my lower back disappeared.\n")
MONEY_PROSE = ("Fuel, parking and wear on the car cost roughly two hundred euros a month. The bike needed "
               "tyres, a chain and brake pads in its first year.\n")


def doc(*parts: str) -> str:
    return "\n".join(p.rstrip("\n") + "\n" for p in parts)


def plan(*bullets: str) -> str:
    return "## Plan\n\n" + "".join(bullets)


COSTS_1 = "- Costs\n  - fuel and parking\n"
COSTS_2 = "- Costs\n  - fuel and parking every month\n  - bike repairs: tyres, chain, brake pads\n"
LATER = "- Later\n  - riding with children\n"


def entries_of(repo, key, rev=None):
    hist = DraftHistory(GitRepo.open(repo.path), "drafts/essay.md")
    return hist, section_history(hist, key, rev)


@pytest.fixture
def story(repo):
    """A draft whose Costs bullet becomes a section that is renamed, moved and edited."""
    commits = {}
    commits["outline"] = repo.commit("Outline", {"drafts/essay.md": doc(FM, INTRO, plan(COSTS_1, LATER))})
    commits["subpoints"] = repo.commit("More sub-points", {"drafts/essay.md": doc(FM, INTRO, plan(COSTS_2, LATER))})
    commits["health"] = repo.commit("Write health", {"drafts/essay.md": doc(FM, INTRO, HEALTH, plan(COSTS_2, LATER))})
    commits["promote"] = repo.commit("Write the costs section", {
        "drafts/essay.md": doc(FM, INTRO, HEALTH, plan(LATER, "- Notes\n"), "## What it costs\n\n" + MONEY_PROSE)})
    commits["file-rename"] = repo.mv("drafts/essay.md", "drafts/riding-to-work.md")
    commits["section-rename"] = repo.commit("Rename and edit", {
        "drafts/riding-to-work.md": doc(FM, INTRO, HEALTH, plan(LATER, "- Notes\n"),
                                        "## Savings\n\n" + MONEY_PROSE.replace("roughly", "about"))})
    commits["unrelated"] = repo.commit("Edit the introduction", {
        "drafts/riding-to-work.md": doc(FM, INTRO.replace("fixed", "repaired"), HEALTH, plan(LATER, "- Notes\n"),
                                        "## Savings\n\n" + MONEY_PROSE.replace("roughly", "about"))})
    commits["move"] = repo.commit("Savings before health", {
        "drafts/riding-to-work.md": doc(FM, INTRO.replace("fixed", "repaired"),
                                        "## Savings\n\n" + MONEY_PROSE.replace("roughly", "about"), HEALTH,
                                        plan(LATER, "- Notes\n"))})
    return repo, commits


def test_follows_section_through_move_renames_and_promotion(story):
    repo, commits = story
    hist = DraftHistory(GitRepo.open(repo.path), "drafts/riding-to-work.md")
    entries = section_history(hist, "savings")
    got = [(e.version.commit, e.key, e.status) for e in entries]
    assert got == [
        (commits["move"], "savings", ["moved"]),
        (commits["section-rename"], "savings", ["renamed", "edited"]),
        (commits["promote"], "what-it-costs", ["promoted", "renamed"]),
        (commits["subpoints"], "plan/costs", ["edited"]),
        (commits["outline"], "plan/costs", ["added"]),
    ]
    # The file rename, the health section and the introduction edit are not changes of this section.
    assert commits["file-rename"] not in [c for c, _, _ in got]
    rename = entries[1]
    assert (rename.words_added, rename.words_removed) == (1, 1)
    assert rename.previous_keys == ["what-it-costs"] and rename.title == "Savings"
    assert entries[2].words_added > 10 and entries[2].previous_keys == ["plan/costs"]
    assert entries[-1].created and entries[-1].words_added == 4  # "Costs fuel and parking"


def test_history_from_an_older_revision(story):
    repo, commits = story
    hist = DraftHistory(GitRepo.open(repo.path), "drafts/riding-to-work.md")
    entries = section_history(hist, "what-it-costs", commits["promote"])
    assert [e.version.commit for e in entries] == [commits["promote"], commits["subpoints"], commits["outline"]]


def test_unknown_section_is_an_error(story):
    repo, _ = story
    hist = DraftHistory(GitRepo.open(repo.path), "drafts/riding-to-work.md")
    with pytest.raises(ReviewtoolError, match="no section 'what-it-costs' at"):
        section_history(hist, "what-it-costs")


def test_split_follows_back_into_the_original(repo):
    safety = ("## Safety\n\nTraffic is the real worry: drivers on the ring road overtake far too close, so I changed "
              "my route through the park.\n\nTheft is the quieter risk: a heavy D-lock through the frame and a cable "
              "for the front wheel, inside the office car park.\n")
    split = ("## Traffic\n\nTraffic is the real worry: drivers on the ring road overtake far too close, so I changed "
             "my route through the park.\n\n## Theft\n\nTheft is the quieter risk: a heavy D-lock through the frame "
             "and a cable for the front wheel, inside the office car park.\n")
    first = repo.commit("Safety", {"drafts/essay.md": doc(FM, INTRO, safety)})
    second = repo.commit("Split safety", {"drafts/essay.md": doc(FM, INTRO, split)})
    _, entries = entries_of(repo, "theft")
    assert [(e.version.commit, e.key, e.status) for e in entries] == [
        (second, "theft", ["split"]), (first, "safety", ["added"])]
    assert entries[0].keys == ["traffic", "theft"] and entries[0].previous_keys == ["safety"]


def test_merge_follows_the_same_key(repo):
    first = repo.commit("Two sections", {"drafts/essay.md": doc(FM, INTRO, HEALTH, "## Money\n\n" + MONEY_PROSE)})
    merged = HEALTH + "\n" + MONEY_PROSE
    second = repo.commit("Merge money into health", {"drafts/essay.md": doc(FM, INTRO, merged)})
    _, entries = entries_of(repo, "health")
    assert [(e.version.commit, e.key, e.status) for e in entries] == [
        (second, "health", ["merged"]), (first, "health", ["added"])]
    assert entries[0].previous_keys == ["health", "money"]


def test_long_history_reads_only_changes(tmp_path):
    versions = []
    for i in range(60):
        health = HEALTH.replace("two months", f"{2 + i // 5} months")  # changes every 5th version
        versions.append(doc(FM, INTRO.replace("cycling", f"cycling ({i})"), health))
    repo = fast_import_history(tmp_path / "repo", versions, rename_at={30: "drafts/renamed.md"})
    hist = DraftHistory(GitRepo.open(repo.path), "drafts/renamed.md")
    entries = section_history(hist, "health")
    assert len(hist.versions) == 60
    assert [e.version.subject for e in entries] == [f"Version {n}" for n in range(56, 1, -5)] + ["Version 1"]
    assert all(e.status == ["edited"] and e.words_added == 1 == e.words_removed for e in entries[:-1])


def test_cli_history_json_and_text(story, capsys):
    repo, commits = story
    assert run(["-C", str(repo.path), "history", "--section", "savings", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["key"] == "savings"
    assert [e["status"] for e in data["entries"]] == [["moved"], ["renamed", "edited"], ["promoted", "renamed"],
                                                     ["edited"], ["added"]]
    assert data["entries"][2]["version"]["commit"] == commits["promote"]
    assert data["entries"][-1]["created"] is True
    assert run(["-C", str(repo.path), "history", "-s", "savings"]) == 0
    out = capsys.readouterr().out
    assert "promoted, renamed" in out and "Costs [plan/costs]" in out


def test_cli_history_errors(story, capsys):
    repo, _ = story
    assert run(["-C", str(repo.path), "history", "-s", "nope"]) == 1
    assert capsys.readouterr().err.startswith("reviewtool: error: no section 'nope'")
    assert run(["-C", str(repo.path), "history"]) == 2
    assert "--section" in capsys.readouterr().err


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "rich-terminal"])
def test_cli_history_prints_hostile_titles_literally(repo, monkeypatch, capsys, terminal):
    from reviewtool.cli import render

    repo.commit("one", {"drafts/essay.md": doc(FM, "## [bold]Costs[/bold] \x1b[31mred\x1b[0m\n\n" + MONEY_PROSE)})
    repo.commit("two", {"drafts/essay.md": doc(FM, "## [bold]Costs[/bold] \x1b[31mred\x1b[0m\n\n" +
                                               MONEY_PROSE.replace("roughly", "about"))})
    key = "boldcostsbold-31mred0m"
    hist = DraftHistory(GitRepo.open(repo.path), "drafts/essay.md")
    assert hist.document(hist.versions[0]).get(key) is not None
    monkeypatch.setattr(render, "is_terminal", lambda: terminal)
    monkeypatch.setenv("COLUMNS", "300")
    assert run(["-C", str(repo.path), "history", "-s", key]) == 0
    out = capsys.readouterr().out
    assert "[bold]Costs[/bold]" in out and "\x1b" not in out
