"""The review workflow end to end: two clones exchange a request, a verdict and viewed
marks through a bare remote with `reviewtool sync`; an edit to one section makes the
approval stale and clears only that section's mark; `diff --since-review` shows only what
changed after the verdict; bad input is one line (real git, click's runner, no mocks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from reviewtool.review import anchoring
from tests.gitutil import Repo, git, make_repo

DRAFT = "drafts/essay.md"
ESSAY = """---
title: Gardens
---

# Intro

Gardens lower stress for most people.

# Method

We asked forty gardeners in one town.

# Findings

Most of them slept better.

# End

So plant one.
"""


@pytest.fixture(autouse=True)
def _fresh_caches():
    anchoring.clear_caches()


def rt(repo: Repo, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["-C", str(repo.path), *args], input=input)


def ok(repo: Repo, *args: str) -> str:
    result = rt(repo, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def ok_json(repo: Repo, *args: str) -> dict:
    return json.loads(ok(repo, *args, "--json"))


@pytest.fixture
def world(tmp_path: Path) -> tuple[Repo, Repo, Repo]:
    """A bare remote, Ada's clone (the author) and Ben's (the reviewer)."""
    remote = make_repo(tmp_path / "remote.git", bare=True)
    ada = make_repo(tmp_path / "ada")
    ada.commit("v1", {DRAFT: ESSAY})
    ada.git("remote", "add", "origin", str(remote.path))
    ada.git("push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", str(remote.path), "ben")
    ben = Repo(tmp_path / "ben")
    ben.git("config", "user.name", "Ben Reviewer")
    ben.git("config", "user.email", "ben@example.org")
    return remote, ada, ben


def test_a_full_round_between_two_clones_through_a_bare_remote(world):
    remote, ada, ben = world
    v1 = ada.head()
    # Ada asks Ben for a review and shares it.
    req = ok_json(ada, "review", "request", "--reviewer", "ben@example.org", "-m", "First round, please.")
    assert (req["version"], req["reviewers"], req["body"]) == (v1, ["ben@example.org"], "First round, please.")
    ok(ada, "sync")
    # Ben sees the request waiting for him.
    ok(ben, "sync")
    status = ok_json(ben, "status")
    assert status["requests"] == [{"reviewer": {"name": "Ben Reviewer", "email": "ben@example.org"},
                                   "requested_by": {"name": "Ada Author", "email": "ada@example.org"},
                                   "version": v1, "answered": False}]
    assert [r["version"] for r in status["for_me"]["requests"]] == [v1]
    assert "open_threads" not in status["for_me"]  # Ben is no author of the draft
    # He reads every section, marks them viewed and approves.
    for key in ("intro", "method", "findings", "end"):
        ok(ben, "review", "viewed", "-s", key)
    marks = ok_json(ben, "sections")
    assert marks["viewed"] == {"viewed": 4, "sections": 4}
    assert "4/4 viewed" in ok(ben, "sections")
    verdict = ok_json(ben, "review", "submit", "--approve", "-m", "Clear and short.")
    assert (verdict["verdict"], verdict["version"]) == ("approved", v1)
    ok(ben, "sync")
    # Ada gets all of it.
    ok(ada, "sync")
    status = ok_json(ada, "status")
    assert status["reviews"] == [{"reviewer": {"name": "Ben Reviewer", "email": "ben@example.org"},
                                  "verdict": "approved", "version": v1, "current": True,
                                  "sections_changed_since": 0}]
    assert status["requests"][0]["answered"] is True
    assert status["for_me"]["requests"] == [] and status["for_me"]["changes_requested"] == []
    # The marks are Ben's: Ada's sections show none, Ben's clone shows his.
    assert ok_json(ada, "sections")["viewed"] == {"viewed": 0, "sections": 4}
    remote_types = set()
    for line in git(remote.path, "notes", "--ref", "reviewtool", "show", v1).splitlines():
        remote_types.add(json.loads(line)["type"])
    assert remote_types == {"request", "verdict", "viewed"}

    # Ada edits one section: the approval goes stale, and only that section's mark clears.
    ada.commit("v2: a number", {DRAFT: ESSAY.replace("forty gardeners", "forty-two gardeners")})
    v2 = ada.head()
    ada.git("push", "-q", "origin", "main")
    ok(ada, "review", "request", "-r", "ben@example.org", "-m", "Second round.")
    ok(ada, "sync")
    status = ok_json(ada, "status")
    assert status["reviews"][0]["current"] is False
    assert status["reviews"][0]["sections_changed_since"] == 1
    assert status["requests"][0] == {"reviewer": {"name": "Ben Reviewer", "email": "ben@example.org"},
                                     "requested_by": {"name": "Ada Author", "email": "ada@example.org"},
                                     "version": v2, "answered": False}
    ben.git("pull", "-q", "--ff-only")
    ok(ben, "sync")
    sections = {s["key"]: s["viewed"] for s in ok_json(ben, "sections")["sections"]}
    assert sections == {"front-matter": False, "intro": True, "method": False, "findings": True, "end": True}
    assert "3/4 viewed" in ok(ben, "sections")
    # Ben's interdiff: only what changed after his verdict.
    diff = ok_json(ben, "diff", "--since-review")
    assert diff["since_review"]["version"] == v1 and diff["new"]["commit"] == v2
    assert [c["new_key"] for c in diff["changes"]] == ["method"]
    text = ok(ben, "diff", "--since-review")
    assert "forty-two" in text and "slept" not in text and "since the review by Ben Reviewer: approved" in text
    # He requests changes; Ada sees them waiting for a newer version.
    ok(ben, "review", "submit", "--request-changes", "-m", "Which town?")
    ok(ben, "sync")
    ok(ada, "sync")
    status = ok_json(ada, "status")
    assert [(r["verdict"], r["current"]) for r in status["for_me"]["changes_requested"]] == [
        ("changes_requested", True)]
    assert status["requests"][0]["answered"] is True
    # Ada's own diff of Ben's review, by name.
    assert ok_json(ada, "diff", "--since-review", "--reviewer", "ben@example.org")["old"]["commit"] == v2


def test_undo_a_viewed_mark_and_the_already_viewed_case(world):
    _, _, ben = world
    assert "marked intro viewed" in ok(ben, "review", "viewed", "-s", "intro")
    again = ok_json(ben, "review", "viewed", "-s", "intro")
    assert (again["written"], again["viewed"], again["viewed"]) == (False, True, True)
    undone = ok_json(ben, "review", "viewed", "-s", "intro", "--undo")
    assert (undone["written"], undone["viewed"]) == (True, False)
    assert ok_json(ben, "sections")["viewed"]["viewed"] == 0


def test_status_text_names_who_and_what(world):
    _, ada, _ = world
    ok(ada, "review", "request", "-r", "ben@example.org")
    ok(ada, "review", "submit", "--comment", "-m", "Self-check: the end is abrupt.")
    text = ok(ada, "status")
    assert "Ben" not in text.split("Requests")[0]  # no verdict by Ben yet
    assert "ben@example.org asked by Ada Author" in text and "waiting" in text
    assert "Ada Author: commented" in text


@pytest.mark.parametrize("args, code, message", [
    (["review", "request"], 2, "Missing option '-r' / '--reviewer'"),
    (["review", "request", "-r", "not-an-email"], 2, "invalid reviewer 'not-an-email'"),
    (["review", "request", "-r", "ada@example.org"], 2, "yourself"),
    (["review", "submit"], 2, "exactly one of --approve, --request-changes or --comment"),
    (["review", "submit", "--approve", "--comment"], 2, "exactly one of"),
    (["review", "submit", "--comment", "-m", " "], 2, "needs a summary"),
    (["review", "submit", "--approve", "nosuchrev"], 1, "unknown revision: nosuchrev"),
    (["review", "viewed"], 2, "Missing option '-s' / '--section'"),
    (["review", "viewed", "-s", "nope"], 1, "no section 'nope'"),
    (["review", "viewed", "-s", "intro", "worktree"], 1, "commit first"),
    (["diff", "--since-review", "HEAD"], 2, "give no revisions with it"),
    (["diff", "--since-review"], 1, "you have given no verdict"),
    (["diff", "--reviewer", "x@example.org"], 2, "--reviewer goes with --since-review"),
    (["diff", "--since-review", "--reviewer", "x y"], 2, "invalid reviewer"),
])
def test_bad_input_is_one_line(world, args, code, message):
    _, ada, _ = world
    result = rt(ada, *args)
    assert result.exit_code == code, result.output
    if message is None:
        return
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("reviewtool: error: ") and message in line


def test_uncommitted_changes_are_no_version_to_review(world):
    _, ada, _ = world
    ada.write(DRAFT, ESSAY + "\nMore.\n")
    result = rt(ada, "review", "request", "-r", "ben@example.org")
    assert result.exit_code == 0  # the default is the newest committed version
    assert json.loads(rt(ada, "status", "--json").stdout)["version"]["commit"] == ada.head()
    sections = ok_json(ada, "sections")  # the working tree's sections: no marks, counted all the same
    assert sections["version"]["worktree"] is True and sections["viewed"]["viewed"] == 0


def _comment(repo: Repo, body: str, section: str) -> str:
    return ok_json(repo, "comment", "add", "-s", section, "-m", body)["id"]


def test_export_scopes_and_the_review_state_in_every_format(world):
    _, ada, ben = world
    v1 = ada.head()
    old_thread = _comment(ada, "Intro: too short?", "intro")
    ada.commit("v2", {DRAFT: ESSAY.replace("forty gardeners", "forty-two gardeners")})
    v2 = ada.head()
    new_thread = _comment(ada, "Method: name the town.", "method")
    ok(ada, "review", "request", "-r", "ben@example.org", "-r", "cy@example.org")
    ada.git("push", "-q", "origin", "main")
    ok(ada, "sync")
    ben.git("pull", "-q")
    ok(ben, "sync")
    ok(ben, "review", "viewed", "-s", "intro")
    ok(ben, "review", "submit", "--approve", v1, "-m", "v1 was fine.")
    ok(ben, "sync")
    ok(ada, "sync")

    # The whole draft is the default: threads of every version, every verdict.
    whole = ok_json(ada, "export")
    assert whole["scope"] == {"kind": "draft", "from": None} and whole["version"]["commit"] == v2
    ids = {t["id"] for g in whole["sections"] for t in g["threads"]}
    assert ids == {old_thread, new_thread}
    review = whole["summary"]["review"]
    assert [(v["reviewer"]["email"], v["verdict"], v["version"], v["current"]) for v in review["verdicts"]] == [
        ("ben@example.org", "approved", v1, False)]
    assert [r["reviewer"]["email"] for r in review["requests"]] == ["ben@example.org", "cy@example.org"]
    assert review["viewed"] == [{"reviewer": {"name": "Ben Reviewer", "email": "ben@example.org"},
                                 "viewed": 1, "sections": 4}]
    # One version: what was said on it or before, and the verdicts on it.
    one = ok_json(ada, "export", "--version", v1)
    assert one["scope"]["kind"] == "version" and one["version"]["commit"] == v1
    assert {t["id"] for g in one["sections"] for t in g["threads"]} == {old_thread}
    assert [v["version"] for v in one["summary"]["review"]["verdicts"]] == [v1]
    assert one["summary"]["review"]["requests"] == []  # the requests are on v2
    assert ok_json(ada, "export", v1)["scope"] == one["scope"]  # REV means the same
    # From a version on: only threads and verdicts from there.
    since = ok_json(ada, "export", "--from", v2)
    assert since["scope"] == {"kind": "from", "from": v2}
    assert {t["id"] for g in since["sections"] for t in g["threads"]} == {new_thread}
    assert since["summary"]["review"]["verdicts"] == []
    assert len(since["summary"]["review"]["requests"]) == 2
    # Markdown and HTML carry the same state, escaped.
    md = ok(ada, "export")
    assert "Scope: the whole draft, every version" in md
    assert f"Ben Reviewer \\<ben@example.org\\>: approved on {v1[:8]} (stale: the draft changed since): v1 was fine." in md
    assert "1/4 sections viewed" in md and "cy@example.org" in md
    html_text = ok(ada, "export", "-f", "html")
    assert "<h3>Verdicts</h3>" in html_text and "Ben Reviewer &lt;ben@example.org&gt;" in html_text
    # --since keeps its meaning (threads with activity since DATE) beside any scope.
    assert ok_json(ada, "export", "--since", "2999-01-01")["summary"]["threads"] == 0


@pytest.mark.parametrize("args, message", [
    (["export", "HEAD", "--version", "HEAD"], "name the version once"),
    (["export", "--version", "HEAD", "--from", "HEAD"], "two scopes"),
])
def test_export_scope_usage_errors(world, args, message):
    _, ada, _ = world
    result = rt(ada, *args)
    assert result.exit_code == 2 and message in result.stderr
