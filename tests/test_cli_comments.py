"""The comment commands end to end on real repositories (click's runner, real git, real notes)."""

from __future__ import annotations

import json
import stat

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from reviewtool.demo.builder import SAMPLE_REVIEWS, build_demo
from reviewtool.review import anchoring

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
    assert [t["retracted"] for t in threads(essay)] == [True]  # listed, marked retracted
    assert threads(essay, "--status", "open") == []


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
    (("comment", "add", "-s", "nowhere", "-m", "x"), "no section 'nowhere' at", 1),
    (("comment", "add", "-s", "conclusion", "-q", "Hubinger", "-m", "x"), "does not occur in section conclusion", 1),
    (("comment", "add", "-q", "not in the essay", "-m", "x"), "does not occur in the draft", 1),
    (("comment", "add", "--suggest", "y", "-m", "x"), "--suggest needs --quote", 2),
    (("comment", "add", "-m", "   "), "empty comment", 2),
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


def test_a_retracted_thread_stays_listed_with_its_replies(essay):
    cid = ok_json(essay, "comment", "add", "-m", "withdrawn text")["id"]
    other = {"GIT_AUTHOR_NAME": "Jonas Weber", "GIT_AUTHOR_EMAIL": "jonas@example.org"}
    assert rt(essay, "comment", "reply", cid[:8], "-m", "an answer worth keeping", env=other).exit_code == 0
    assert rt(essay, "comment", "retract", cid[:8]).exit_code == 0
    shown = rt(essay, "comments")
    assert shown.exit_code == 0
    assert "retracted" in shown.stdout and "an answer worth keeping" in shown.stdout
    assert "withdrawn text" not in shown.stdout
    [t] = threads(essay)
    assert t["retracted"] is True and [r["body"] for r in t["replies"]] == ["an answer worth keeping"]
    assert threads(essay, "--status", "open") == [] and threads(essay, "--status", "resolved") == []


def test_working_tree_version_is_refused(essay):
    (essay.path / DRAFT).write_text(TEXT + "\nUncommitted.\n")
    result = rt(essay, "comment", "add", "-m", "on the working tree")
    assert result.exit_code == 1 and "commit first" in result.stderr
    assert notes_tip(essay) == ""
    # Naming a committed version works.
    assert rt(essay, "comment", "add", "HEAD", "-m", "on HEAD").exit_code == 0


def _editor(tmp_path, content: str) -> str:
    """An editor that types *content* at the top of the file, above what was there."""
    script = tmp_path / "editor.sh"
    (tmp_path / "typed.txt").write_text(content)
    script.write_text(f"#!/bin/sh\ncat '{tmp_path / 'typed.txt'}' \"$1\" > \"$1.new\" && mv \"$1.new\" \"$1\"\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_editor_supplies_the_body_and_keeps_its_own_hash_lines(essay, tmp_path):
    editor = _editor(tmp_path, "# A heading of the comment\nWritten in the editor.\n#1 is kept too\n")
    result = rt(essay, "comment", "add", "-s", "introduction", "--json", env={"EDITOR": editor, "VISUAL": editor})
    assert result.exit_code == 0, result.output
    [t] = threads(essay)
    assert t["body"] == "# A heading of the comment\nWritten in the editor.\n#1 is kept too"
    # Editing shows the current text above the scissors line; what is typed goes on top.
    editor = _editor(tmp_path, "Sharper: ")
    result = rt(essay, "comment", "edit", t["id"][:8], env={"EDITOR": editor, "VISUAL": editor})
    assert result.exit_code == 0, result.output
    [t] = threads(essay)
    assert t["body"] == "Sharper: # A heading of the comment\nWritten in the editor.\n#1 is kept too"


def test_empty_editor_aborts(essay, tmp_path):
    editor = _editor(tmp_path, "")
    result = rt(essay, "comment", "add", env={"EDITOR": editor, "VISUAL": editor})
    assert result.exit_code == 1 and "empty comment: aborted" in result.stderr
    assert notes_tip(essay) == ""


@pytest.mark.parametrize("editor", ["false", "/no/such/editor", "vim 'unbalanced"])
def test_an_editor_that_fails_is_one_line_and_writes_nothing(essay, editor):
    result = rt(essay, "comment", "add", env={"EDITOR": editor, "VISUAL": editor})
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("reviewtool: error: ") and "nothing written" in result.stderr
    assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr
    assert notes_tip(essay) == ""


def test_an_editor_closed_without_saving_or_an_unchanged_edit_writes_nothing(essay, tmp_path):
    cid = ok_json(essay, "comment", "add", "-m", "the text")["id"]
    before = notes_tip(essay)
    result = rt(essay, "comment", "edit", cid[:8], env={"EDITOR": "true", "VISUAL": "true"})
    assert result.exit_code == 1 and "not saved in the editor" in result.stderr
    result = rt(essay, "comment", "edit", cid[:8], "-m", "the text")
    assert result.exit_code == 1 and "unchanged" in result.stderr
    assert notes_tip(essay) == before


def test_an_ambiguous_id_prefix_is_a_usage_error(essay):
    ids = {ok_json(essay, "comment", "add", "-m", f"comment {i}")["id"] for i in range(40)}
    prefix = next(c for c in "0123456789abcdef" if sum(i.startswith(c) for i in ids) > 1)
    result = rt(essay, "comment", "resolve", prefix)
    assert result.exit_code == 2 and "is ambiguous" in result.stderr


def test_the_global_draft_option_reaches_every_command(essay):
    essay.commit("another draft", {"drafts/other.md": "# Other\n\nText.\n"})
    assert rt(essay, "comments").exit_code == 2  # two drafts: which one?
    result = rt(essay, "-d", DRAFT, "comment", "add", "-s", "conclusion", "-m", "x", "--json")
    assert result.exit_code == 0, result.output
    listing = rt(essay, "-d", DRAFT, "comments", "--json")
    assert listing.exit_code == 0 and json.loads(listing.stdout)["draft"] == DRAFT


def test_the_terminal_ui_without_a_terminal_is_a_usage_error(essay):
    for args in ((), ("tui",)):
        result = rt(essay, *args)
        assert result.exit_code == 2 and "needs a terminal" in result.stderr


def test_a_command_group_without_its_command_shows_its_help(essay):
    result = rt(essay, "comment")
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: ") and "Commands:" in result.stderr


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
