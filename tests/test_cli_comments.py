"""The comment commands end to end on real repositories (click's runner, real git, real notes)."""

from __future__ import annotations

import json
import stat

import pytest
from click.testing import CliRunner

from reviewtool import anchoring
from reviewtool.cli import main
from reviewtool.demo import SAMPLE_REVIEWS, build_demo

DRAFT = "drafts/essay.md"
TEXT = """---
title: Mesa-optimizers
---

## Introduction

We are probably already living with mesa-optimizers.

## Evidence

Hubinger et al are right to draw a distinction between the two objectives.

## Conclusion

Inner alignment is a present-tense problem.
"""


@pytest.fixture(autouse=True)
def _fresh_caches():
    anchoring.clear_caches()


@pytest.fixture
def essay(repo):
    repo.commit("v1", {DRAFT: TEXT})
    return repo


def rt(repo, *args: str, env: dict | None = None):
    """Run ``reviewtool -C REPO ARGS`` in-process; returns click's Result."""
    return CliRunner().invoke(main, ["-C", str(repo.path), *args], env=env)


def ok_json(repo, *args: str) -> dict:
    result = rt(repo, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def notes_tip(repo) -> str:
    return repo.git("for-each-ref", "--format=%(objectname)", "refs/notes/").strip()


def threads(repo, *args: str) -> list[dict]:
    return ok_json(repo, "comments", *args)["threads"]


def test_add_every_kind_and_list(essay):
    version = ok_json(essay, "comment", "add", "-m", "Overall: needs a thesis.")
    section = ok_json(essay, "comment", "add", "--section", "evidence", "-m", "Cite the paper.")
    quote = ok_json(essay, "comment", "add", "HEAD", "-s", "evidence", "-q", "Hubinger et al are right",
                    "--suggest", "Hubinger et al. are right", "-m", "Missing period.")
    assert len({version["id"], section["id"], quote["id"]}) == 3
    assert quote["anchor"]["quote"]["exact"] == "Hubinger et al are right"
    listed = threads(essay)
    assert [t["id"] for t in listed] == [version["id"], section["id"], quote["id"]]
    assert [t["placement"]["state"] for t in listed] == ["exact", "exact", "exact"]
    assert listed[2]["suggestion"] == "Hubinger et al. are right"
    plain = rt(essay, "comments")
    assert plain.exit_code == 0
    assert "Missing period." in plain.stdout and "> Hubinger et al are right" in plain.stdout
    assert "suggested: Hubinger et al are right -> Hubinger et al. are right" in plain.stdout


def test_thread_lifecycle_with_id_prefixes(essay):
    cid = ok_json(essay, "comment", "add", "-s", "conclusion", "-m", "Say why now.")["id"]
    short = cid[:6]
    reply = ok_json(essay, "comment", "reply", short, "-m", "Because the systems exist.")
    assert reply["target"] == cid
    assert ok_json(essay, "comment", "reply", reply["id"][:7], "-m", "Agreed.")["target"] == reply["id"]
    assert ok_json(essay, "comment", "edit", short, "-m", "Say why it matters now.")["type"] == "edit"
    assert ok_json(essay, "comment", "resolve", short)["type"] == "resolve"
    assert threads(essay, "--status", "open") == []
    [resolved] = threads(essay, "--status", "resolved")
    assert resolved["body"] == "Say why it matters now." and len(resolved["replies"]) == 2
    text = rt(essay, "comment", "reopen", short)
    assert text.exit_code == 0 and text.stdout.startswith("reopened ")
    assert [t["status"] for t in threads(essay)] == ["open"]
    assert ok_json(essay, "comment", "retract", short)["type"] == "retract"
    assert threads(essay) == []  # retracted threads are not carried


def test_apply_through_the_cli_never_commits(essay):
    cid = ok_json(essay, "comment", "add", "-s", "evidence", "-q", "Hubinger et al are right",
                  "--suggest", "Hubinger et al. are right", "-m", "Period.")["id"]
    head = essay.head()
    result = ok_json(essay, "comment", "apply", cid[:8])
    assert result["before"] == "Hubinger et al are right" and result["state"] == "exact"
    assert "Hubinger et al. are right" in (essay.path / DRAFT).read_text()
    assert essay.head() == head and essay.git("diff", "--cached").strip() == ""
    again = rt(essay, "comment", "apply", cid[:8])
    assert again.exit_code == 1 and "already applied" in again.stderr
    # Re-anchored on the working tree, the comment now shows the changed text.
    [t] = threads(essay, "worktree")
    assert t["placement"]["state"] == "fuzzy" and t["applied"] is not None


@pytest.mark.parametrize("args, message, code", [
    (("comment", "add", "-s", "nowhere", "-m", "x"), "no section nowhere at", 1),
    (("comment", "add", "-s", "conclusion", "-q", "Hubinger", "-m", "x"), "does not occur in section conclusion", 1),
    (("comment", "add", "-q", "not in the essay", "-m", "x"), "does not occur in the draft", 1),
    (("comment", "add", "--suggest", "y", "-m", "x"), "--suggest needs --quote", 2),
    (("comment", "add", "-m", "   "), "empty comment", 1),
    (("comment", "add", "no-such-rev", "-m", "x"), "unknown revision: no-such-rev", 1),
    (("comment", "reply", "0123abcd", "-m", "x"), "no comment with id 0123abcd", 1),
    (("comment", "resolve", "0123abcd"), "no comment with id 0123abcd", 1),
    (("comment", "apply", "0123abcd"), "no comment with id 0123abcd", 1),
])
def test_errors_are_one_line_and_write_nothing(essay, args, message, code):
    ok_json(essay, "comment", "add", "-m", "a first comment")
    before = notes_tip(essay)
    result = rt(essay, *args)
    assert result.exit_code == code
    assert result.stderr.startswith("reviewtool: error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert notes_tip(essay) == before


def test_editing_someone_elses_comment_is_refused(essay):
    cid = ok_json(essay, "comment", "add", "-m", "mine")["id"]
    other = {"GIT_AUTHOR_NAME": "Jonas Weber", "GIT_AUTHOR_EMAIL": "jonas@example.org"}
    before = notes_tip(essay)
    result = rt(essay, "comment", "edit", cid[:8], "-m", "theirs", env=other)
    assert result.exit_code == 1 and "not by you" in result.stderr
    assert notes_tip(essay) == before
    assert rt(essay, "comment", "reply", cid[:8], "-m", "a reply is fine", env=other).exit_code == 0


def test_working_tree_version_is_refused(essay):
    (essay.path / DRAFT).write_text(TEXT + "\nUncommitted.\n")
    result = rt(essay, "comment", "add", "-m", "on the working tree")
    assert result.exit_code == 1 and "commit first" in result.stderr
    assert notes_tip(essay) == ""
    # Naming a committed version works.
    assert rt(essay, "comment", "add", "HEAD", "-m", "on HEAD").exit_code == 0


def _editor(tmp_path, content: str) -> str:
    script = tmp_path / "editor.sh"
    script.write_text(f"#!/bin/sh\nprintf '%s' '{content}' > \"$1\"\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_editor_supplies_the_body(essay, tmp_path):
    editor = _editor(tmp_path, "Written in the editor.\n# this line is dropped\n")
    result = rt(essay, "comment", "add", "-s", "introduction", "--json", env={"EDITOR": editor, "VISUAL": editor})
    assert result.exit_code == 0, result.output
    [t] = threads(essay)
    assert t["body"] == "Written in the editor."


def test_empty_editor_aborts(essay, tmp_path):
    editor = _editor(tmp_path, "# only a comment line\n")
    result = rt(essay, "comment", "add", env={"EDITOR": editor, "VISUAL": editor})
    assert result.exit_code == 1 and "empty comment" in result.stderr
    assert notes_tip(essay) == ""


# ---------------------------------------------------------------------- the demo's sample reviews


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from tests.gitutil import Repo

    return Repo(build_demo(tmp_path_factory.mktemp("demo") / "repo"))


def test_demo_sample_reviews_show_every_carried_state(demo):
    newest = threads(demo)
    assert len(newest) == len(SAMPLE_REVIEWS)
    states = {t["placement"]["state"] for t in newest}
    assert {"exact", "moved", "fuzzy", "outdated"} <= states
    reviewers = {t["email"] for t in newest}
    assert reviewers == {"priya@example.org", "jonas@example.org"}
    assert {t["status"] for t in newest} == {"open", "resolved"}
    assert any(t["suggestion"] for t in newest) and any(t["replies"] for t in newest)
    # The comment on a passage that a later version reworded is found as a fuzzy match.
    fuzzy = next(t for t in newest if t["placement"]["state"] == "fuzzy")
    assert fuzzy["placement"]["quote_found"] != fuzzy["anchor"]["quote"]["exact"]
    # On the seed outline (v04), only the comments made on it are shown, exactly where they were made.
    on_v04 = threads(demo, "HEAD~6")
    assert len(on_v04) == sum(1 for s in SAMPLE_REVIEWS if s["version"] == "v04.md")
    assert {t["placement"]["state"] for t in on_v04} == {"exact"}
