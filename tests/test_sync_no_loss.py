"""Sync never spreads a deletion (issue 12, items 1 and 9).

When a clone's notes lost lines — a hand edit, ``git notes prune``, a tool that rewrote a
note — sync used to fast-forward or push that clone's ref, and every other clone lost the
events at its next sync. Sync now keeps the union of both sides and of every line either
held since they diverged, restores what was lost (and says so), and pushes the union.
Removal happens only through events (retract). Real clones and a bare remote.

Also here (item 9): malformed lines are counted apart from events, and a server's refusal
(a pre-receive hook's message) reaches the user.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from reviewtool.errors import ReviewtoolError
from reviewtool.git.notes_ref import DEFAULT_NOTES_REF, NotesStore
from reviewtool.git.repo import GitRepo
from reviewtool.review.store import ReviewStore
from reviewtool.review.sync import sync
from tests.gitutil import Repo, git, make_repo

DRAFT = "drafts/essay.md"
ESSAY = "# Intro\n\nGardens are good.\n\n# End\n\nSo plant one.\n"
REF = DEFAULT_NOTES_REF


@pytest.fixture
def world(tmp_path: Path) -> tuple[Repo, Repo, Repo]:
    """A bare remote and two clones (Ada's and Ben's) of a one-draft repository."""
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


def comment(repo: Repo, body: str, commit: str | None = None) -> str:
    reviews = ReviewStore(GitRepo.open(repo.path))
    head = commit or repo.head()
    blob = reviews.repo.blob_ids([f"{head}:{DRAFT}"])[0]
    return reviews.add_comment(head, DRAFT, blob, body).id


def bodies(path: Path) -> set[str]:
    threads, _ = ReviewStore(GitRepo.open(path)).load()
    return {t.body for t in threads}


def note_lines(repo: Repo, commit: str | None = None) -> list[str]:
    return repo.git("notes", "--ref", REF, "show", commit or repo.head()).splitlines()


def rewrite_note(repo: Repo, lines: list[str], commit: str | None = None) -> None:
    """Replace the note by hand, as a person or another tool would (plain git, no CAS)."""
    repo.git("notes", "--ref", REF, "add", "-f", "-F", "-", commit or repo.head(),
             input="".join(line + "\n" for line in lines))


def do_sync(repo: Repo):
    return sync(GitRepo.open(repo.path))


def cli_sync(repo: Repo) -> list[str]:
    result = CliRunner().invoke(main, ["-C", str(repo.path), "sync"])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_a_line_deleted_by_hand_is_restored_and_never_spreads(world):
    remote, ada, ben = world
    comment(ada, "keep me")
    comment(ada, "and me")
    do_sync(ada)
    do_sync(ben)
    # Ada deletes one line by hand; her ref descends from the remote's, so a fast-forward
    # push would have taken the line from everyone.
    kept = [line for line in note_lines(ada) if "keep me" not in line]
    rewrite_note(ada, kept)
    assert bodies(ada.path) == {"and me"}
    lines = cli_sync(ada)
    assert lines == ["origin: 2 events on the remote, 0 new here, 0 pushed (restore)",
                     "restored 1 event that your notes had lost"]
    assert bodies(ada.path) == bodies(remote.path) == {"keep me", "and me"}
    do_sync(ben)
    assert bodies(ben.path) == {"keep me", "and me"}
    # Nothing left to do anywhere.
    assert (do_sync(ada).merge, do_sync(ben).merge) == ("up-to-date", "up-to-date")


def test_a_remote_that_lost_lines_gets_them_back_instead_of_a_fast_forward(world):
    """Ben deletes a line and pushes with plain git (a fast-forward push): Ada's sync keeps it."""
    remote, ada, ben = world
    comment(ada, "first")
    comment(ada, "second")
    do_sync(ada)
    do_sync(ben)
    rewrite_note(ben, [line for line in note_lines(ben) if "first" not in line], ada.head())
    ben.git("push", "-q", "origin", f"{REF}:{REF}")
    assert bodies(remote.path) == {"second"}
    result = do_sync(ada)
    assert (result.merge, result.restored_there, result.pushed) == ("restore", 1, 0)
    assert result.notices() == ["restored 1 event that origin's notes had lost"]
    assert bodies(ada.path) == bodies(remote.path) == {"first", "second"}
    do_sync(ben)
    assert bodies(ben.path) == {"first", "second"}


def test_a_note_removed_by_git_notes_prune_is_restored(world):
    """A thread on a commit that is gone (a dropped branch, garbage-collected); ``git notes
    prune`` deletes its note. The remote still has it: sync gives it back."""
    remote, ada, ben = world
    ada.git("checkout", "-q", "-b", "tmp")
    gone = ada.commit("v2 on a branch that will go", {DRAFT: ESSAY + "\nMore.\n"})
    comment(ada, "on a commit that will go", gone)
    comment(ada, "on main", ada.git("rev-parse", "main").strip())
    do_sync(ada)
    ada.git("checkout", "-q", "main")
    ada.git("branch", "-q", "-D", "tmp")
    ada.git("reflog", "expire", "--expire=now", "--all")
    ada.git("gc", "-q", "--prune=now")
    assert ada.git("cat-file", "-t", gone, check=False) == ""
    ada.git("notes", "--ref", REF, "prune")
    assert bodies(ada.path) == {"on main"}
    result = do_sync(ada)
    assert (result.merge, result.restored_here) == ("restore", 1)
    assert bodies(ada.path) == bodies(remote.path) == {"on a commit that will go", "on main"}
    do_sync(ben)
    assert bodies(ben.path) == {"on a commit that will go", "on main"}


def test_lines_lost_before_any_sync_come_back_from_our_own_history(world):
    """The remote has no notes: the deleted line exists only in Ada's history, and returns."""
    remote, ada, _ben = world
    comment(ada, "never synced")
    comment(ada, "also never synced")
    rewrite_note(ada, [line for line in note_lines(ada) if "also" in line])
    result = do_sync(ada)
    assert (result.merge, result.restored_here, result.pushed) == ("restore", 1, 2)
    assert bodies(ada.path) == bodies(remote.path) == {"never synced", "also never synced"}


def test_a_note_rewritten_by_a_tool_keeps_both_forms_and_says_so(world):
    """A tool re-serialised Ada's note (same events, other bytes): both forms are kept, the
    events read as before (the duplicate id is reported, the smallest line wins)."""
    remote, ada, ben = world
    comment(ada, "reformatted")
    do_sync(ada)
    original = note_lines(ada)
    rewrite_note(ada, [json.dumps(json.loads(line), indent=None, separators=(", ", ": ")) for line in original])
    lines = cli_sync(ada)
    assert lines[1] == ("restored 1 line that your notes had lost "
                        "(events still there in another form, or malformed lines)")
    assert set(original) <= set(note_lines(ada))
    threads, problems = ReviewStore(GitRepo.open(ada.path)).load()
    assert [t.body for t in threads] == ["reformatted"]
    assert [p.reason for p in problems] == [f"duplicate id {threads[0].id} with other content; ignored"]
    do_sync(ben)
    assert bodies(ben.path) == bodies(remote.path) == {"reformatted"}


def test_retract_is_how_comments_go_away(world):
    remote, ada, ben = world
    cid = comment(ada, "withdrawn later")
    do_sync(ada)
    do_sync(ben)
    ReviewStore(GitRepo.open(ada.path)).retract(cid)
    do_sync(ada)
    do_sync(ben)
    for path in (ada.path, ben.path, remote.path):
        [thread] = ReviewStore(GitRepo.open(path)).threads()
        assert thread.retracted


def test_malformed_lines_are_counted_apart_from_events(world):
    _remote, ada, ben = world
    cid = comment(ben, "a real event")
    NotesStore(GitRepo.open(ben.path)).append(ben.head(), ["not json", '{"v":1,"id":"x"}'])
    ReviewStore(GitRepo.open(ben.path)).reply(cid, "and a reply")
    result = do_sync(ben)
    assert (result.pushed, result.malformed["pushed"]) == (2, 2)
    assert result.notices() == ["pushed 2 malformed lines that are no event (malformed)"]
    lines = cli_sync(ada)
    assert lines == [
        "origin: 2 events on the remote (and 2 malformed lines), 2 new here, 0 pushed (fast-forward)",
        "kept 2 malformed lines from origin that are no event (malformed; see `reviewtool comments`)"]
    data = json.loads(CliRunner().invoke(main, ["-C", str(ada.path), "sync", "--json"]).stdout)
    assert (data["fetched"], data["malformed"]) == (2, {"fetched": 2, "new": 0, "pushed": 0})


def test_a_pre_receive_refusal_is_shown(world):
    remote, ada, _ben = world
    comment(ada, "x")
    hook = remote.path / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'Review notes are frozen until Friday.' >&2\n"
                    "printf '\\033[31mAsk \\033]0;owned\\007Carol.\\033[0m\\n' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(ReviewtoolError) as info:
        do_sync(ada)
    assert str(info.value) == ("cannot push to origin: [remote rejected] (pre-receive hook declined); "
                               "the remote said: Review notes are frozen until Friday. / Ask Carol.")
    result = CliRunner().invoke(main, ["-C", str(ada.path), "sync"])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "the remote said: Review notes are frozen until Friday." in result.stderr


def test_a_deletion_pushed_with_plain_git_by_the_same_clone_is_undone_at_its_next_sync(world):
    """Ada deletes a line and pushes her notes with plain git: both sides now agree on the
    deletion (shared history), yet it happened since her last sync, so sync undoes it."""
    remote, ada, _ben = world
    comment(ada, "first")
    comment(ada, "second")
    do_sync(ada)
    rewrite_note(ada, [line for line in note_lines(ada) if "first" not in line])
    ada.git("push", "-q", "origin", f"{REF}:{REF}")
    result = do_sync(ada)
    assert (result.merge, result.restored_here, result.restored_there) == ("restore", 1, 1)
    assert bodies(ada.path) == bodies(remote.path) == {"first", "second"}


def test_a_damaged_copy_of_the_remote_stops_sync_with_one_line_and_doctor_mends_it(world):
    remote, ada, _ben = world
    comment(ada, "one")
    do_sync(ada)
    comment(ada, "two")
    tracking = ada.path / ".git" / "refs" / "notes" / "remotes" / "origin" / "reviewtool"
    tracking.write_text("1234567890123456789012345678901234567890\n")
    result = CliRunner().invoke(main, ["-C", str(ada.path), "sync"])
    assert result.exit_code == 1 and result.stderr == (
        "reviewtool: error: refs/notes/remotes/origin/reviewtool is damaged: it points at "
        "1234567890123456789012345678901234567890, which is missing from the object database; "
        "run `reviewtool doctor --repair`\n")
    assert CliRunner().invoke(main, ["-C", str(ada.path), "doctor", "--repair"]).exit_code == 0
    assert cli_sync(ada) == ["origin: 1 event on the remote, 0 new here, 1 pushed (ours)"]
    assert bodies(remote.path) == {"one", "two"}
