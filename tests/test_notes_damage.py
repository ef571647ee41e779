"""A damaged notes ref is never read as "no comments" (issue 12, item 4).

Each damage git can leave behind — the ref pointing at a blob, a tree or a missing object;
a notes commit whose tree, fanout directory or note blob is gone — stops every read and
write with one line naming the ref and what is wrong, exit 1, and a write stops at once
instead of retrying for seconds and blaming "other writers". Real repositories; objects
are removed as ``git gc --prune=now`` removes them (their loose files deleted).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from reviewtool.git.notes_damage import DamagedNotesRef
from reviewtool.git.notes_ref import NotesStore
from reviewtool.git.repo import GitRepo
from reviewtool.review.store import ReviewStore
from tests import damage
from tests.gitutil import Repo, git

DRAFT = "drafts/essay.md"
ESSAY = "# Intro\n\nGardens are good.\n\n# End\n\nSo plant one.\n"
REF = damage.REF


def _comment(repo: Repo, body: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(repo.path), "comment", "add", "-m", body, "--json"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def reviewed(repo: Repo) -> Repo:
    """A draft with two comments: a notes ref of two commits, its objects loose."""
    repo.commit("v1", {DRAFT: ESSAY})
    _comment(repo, "first")
    _comment(repo, "second")
    return repo


@pytest.fixture
def fanned(repo: Repo) -> Repo:
    """A notes ref with 300 notes (one fanout level), then one more comment on top."""
    repo.commit("v1", {DRAFT: ESSAY})
    store = NotesStore(GitRepo.open(repo.path))
    store.append_many({f"{n:040x}": ['{"v":1}'] for n in range(1, 301)})
    _comment(repo, "on top of many notes")
    return repo


def _run(repo: Repo, *args: str):
    return CliRunner().invoke(main, ["-C", str(repo.path), *args])


def _assert_one_damage_line(result, what: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"reviewtool: error: {REF} is damaged: ")
    assert what in result.stderr
    assert result.stderr.rstrip().endswith("run `reviewtool doctor --repair`")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("damage_name, what", [
    ("blob", "it points at a blob ("),
    ("tree", "it points at a tree ("),
    ("missing commit", "which is missing from the object database"),
    ("missing tree", "the tree "),
    ("missing note blob", "1 note blob of its commit "),
])
def test_reads_and_writes_stop_with_one_line_naming_the_ref(reviewed: Repo, damage_name: str, what: str):
    damage.DAMAGES[damage_name](reviewed.path)
    for args in (("comments",), ("comments", "--json"), ("export", "--format", "json")):
        _assert_one_damage_line(_run(reviewed, *args), what)
    tip_before = git(reviewed.path, "rev-parse", REF)
    # A write stops at its first attempt, before building anything.
    store = ReviewStore(GitRepo.open(reviewed.path))
    with pytest.raises(DamagedNotesRef):
        store.notes.append("1" * 40, ['{"v":1}'])
    assert store.notes.last_attempts <= 1
    # (the new comment goes to the note whose blob is gone: the write names that note)
    _assert_one_damage_line(_run(reviewed, "comment", "add", "-m", "third"),
                            what if damage_name != "missing note blob" else "is missing")
    assert git(reviewed.path, "rev-parse", REF) == tip_before


def test_a_write_to_a_note_whose_blob_is_missing_stops(reviewed: Repo):
    """Appending to the note whose blob is gone would write the new lines alone, hiding the old."""
    damage.drop_note_blob(reviewed.path)
    [(path, _)] = damage.note_entries(reviewed.path, damage.tip(reviewed.path))
    store = NotesStore(GitRepo.open(reviewed.path))
    with pytest.raises(DamagedNotesRef, match=f"the note on {path} in its commit [0-9a-f]{{40}} is missing"):
        store.append(path, ['{"v":1}'])
    _assert_one_damage_line(_run(reviewed, "comment", "add", "-m", "third"), "is missing")


def test_a_missing_fanout_directory_stops_reads_and_writes(fanned: Repo):
    damage.drop_fanout_dir(fanned.path)
    _assert_one_damage_line(_run(fanned, "comments"), "1 directory of its commit ")
    store = NotesStore(GitRepo.open(fanned.path))
    # A write whose path goes through the missing directory, and one that does not.
    gone = git(fanned.path, "ls-tree", damage.tip(fanned.path)).splitlines()
    name = next(line.split("\t")[1] for line in gone if line.split()[1] == "tree")
    with pytest.raises(DamagedNotesRef, match=f"the directory {name} of its commit"):
        store.append(name + "0" * 38, ['{"v":1}'])
    with pytest.raises(DamagedNotesRef, match="git cannot read its commit"):
        store.append(("ff" if name != "ff" else "fe") + "0" * 38, ['{"v":1}'])


def test_a_missing_parent_does_not_stop_reads(reviewed: Repo):
    """The tip is whole: reading works (doctor reports the broken history; see test_doctor)."""
    damage.drop_parent(reviewed.path)
    result = _run(reviewed, "comments", "--json")
    assert result.exit_code == 0, result.output
    assert sorted(t["body"] for t in json.loads(result.stdout)["threads"]) == ["first", "second"]


def test_a_write_whose_objects_git_gc_deletes_is_not_acknowledged(reviewed: Repo):
    """The writer checks its objects after the ref moved, once no gc runs; here the "gc"
    (a live process named by gc.pid) deletes the new commit's objects meanwhile."""
    common = Path(git(reviewed.path, "rev-parse", "--absolute-git-dir").strip())
    gc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        (common / "gc.pid").write_text(f"{gc.pid} {socket.gethostname()}")
        before = damage.tip(reviewed.path)
        store = NotesStore(GitRepo.open(reviewed.path))
        outcome: list[BaseException | None] = []

        def write() -> None:
            try:
                store.append("1" * 40, ['{"v":1,"note":"pruned under the writer"}'])
                outcome.append(None)
            except BaseException as exc:  # handed to the test thread
                outcome.append(exc)

        writer = threading.Thread(target=write)
        writer.start()
        # The ref moves, then the writer waits for the "gc": delete what the write made.
        while damage.tip(reviewed.path) == before:
            assert writer.is_alive(), outcome
        new = damage.tip(reviewed.path)
        damage.drop_object(reviewed.path, git(reviewed.path, "rev-parse", f"{new}:{'1' * 40}").strip())
        assert writer.is_alive()  # still waiting for the gc
        (common / "gc.pid").unlink()
        writer.join()
    finally:
        gc.stdin.close()  # type: ignore[union-attr]
        gc.wait()
    [error] = outcome
    assert isinstance(error, DamagedNotesRef)
    assert str(error) == (f"{REF} is damaged: git gc deleted objects of this write as it was made "
                          f"({'1' * 40} is missing); the write was not saved; run `reviewtool doctor --repair`")


def test_a_tree_git_gc_deletes_after_the_check_stops_the_write_as_damage(reviewed: Repo, monkeypatch):
    """git gc may delete the notes tree between the writer's check and its ``read-tree``
    (git says "failed to unpack tree object"): that is damage, reported as such, never a
    raw git error (the gc race of tests/test_fault_injection.py met it under load)."""
    tip_before = damage.tip(reviewed.path)
    tree = damage.tree_of(reviewed.path, tip_before)
    real = NotesStore.write_tree

    def pruned_first(self: NotesStore, base: str | None, index_info: list[str]) -> str:
        damage.drop_object(reviewed.path, tree)  # the "gc" strikes just before the build
        return real(self, base, index_info)

    monkeypatch.setattr(NotesStore, "write_tree", pruned_first)
    with pytest.raises(DamagedNotesRef, match=f"git cannot read its commit {tip_before}"):
        NotesStore(GitRepo.open(reviewed.path)).append("1" * 40, ['{"v":1}'])
    assert damage.tip(reviewed.path) == tip_before


def test_a_gc_pid_left_by_a_killed_gc_is_not_waited_for(reviewed: Repo):
    common = Path(git(reviewed.path, "rev-parse", "--absolute-git-dir").strip())
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (common / "gc.pid").write_text(f"{dead.pid} {socket.gethostname()}")
    NotesStore(GitRepo.open(reviewed.path)).append("1" * 40, ['{"v":1}'])
    assert "1" * 40 in git(reviewed.path, "notes", "--ref", REF, "list")
