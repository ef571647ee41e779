"""Sharing review notes: two clones and a bare remote, concurrent syncs, rejected pushes,
plain-git merges, and `init` keeping comments through amend and rebase (real git, no mocks)."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from reviewtool.errors import ReviewtoolError
from reviewtool.git.notes_ref import DEFAULT_NOTES_REF, NotesStore
from reviewtool.git.repo import GitRepo
from reviewtool.review.store import ReviewStore
from reviewtool.review.sync import init_repo, sync, tracking_ref
from tests.gitutil import Repo, git, make_repo

DRAFT = "drafts/essay.md"
ESSAY = "---\ntitle: Essay\n---\n\n# Intro\n\nGardens are good.\n\n# End\n\nSo plant one.\n"


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


def store(repo: Repo) -> ReviewStore:
    return ReviewStore(GitRepo.open(repo.path))


def comment(repo: Repo, body: str):
    """A comment on the draft at the repository's HEAD."""
    reviews = store(repo)
    head = repo.head()
    blob = reviews.repo.blob_ids([f"{head}:{DRAFT}"])[0]
    return reviews.add_comment(head, DRAFT, blob, body)


def bodies(repo: Repo) -> set[str]:
    threads, problems = store(repo).load()
    assert problems == []
    return {t.body for t in threads} | {r.body for t in threads for r in t.replies}


def remote_bodies(remote: Repo) -> set[str]:
    threads, _ = ReviewStore(GitRepo.open(remote.path)).load()
    return {t.body for t in threads} | {r.body for t in threads for r in t.replies}


def do_sync(repo: Repo):
    return sync(GitRepo.open(repo.path))


@pytest.mark.parametrize("first", ["ada", "ben"])
def test_both_reviewers_comment_and_sync_in_either_order(world, first: str):
    remote, ada, ben = world
    comment(ada, "Ada: the intro is thin.")
    comment(ben, "Ben: the ending needs a concrete ask.")
    one, two = (ada, ben) if first == "ada" else (ben, ada)
    r1 = do_sync(one)
    assert (r1.merge, r1.pushed, r1.fetched) == ("ours", 1, 0)
    r2 = do_sync(two)
    assert (r2.merge, r2.new_from_remote, r2.pushed, r2.fetched) == ("merge", 1, 1, 1)
    r3 = do_sync(one)
    assert (r3.merge, r3.new_from_remote, r3.pushed) == ("fast-forward", 1, 0)
    everything = {"Ada: the intro is thin.", "Ben: the ending needs a concrete ask."}
    assert bodies(ada) == bodies(ben) == remote_bodies(remote) == everything
    # Both clones end on the same notes commit as the remote, and a further sync changes nothing.
    tip = remote.git("rev-parse", DEFAULT_NOTES_REF).strip()
    assert ada.git("rev-parse", DEFAULT_NOTES_REF).strip() == ben.git("rev-parse", DEFAULT_NOTES_REF).strip() == tip
    again = do_sync(two)
    assert (again.merge, again.new_from_remote, again.pushed, again.rounds) == ("up-to-date", 0, 0, 1)
    # A thread started in one clone takes replies from the other once synced.
    ada_thread = next(t for t in store(ben).threads() if t.author == "Ada Author")
    store(ben).reply(ada_thread.id, "Ben agrees.")
    do_sync(ben)
    do_sync(ada)
    (thread,) = [t for t in store(ada).threads() if t.id == ada_thread.id]
    assert [r.body for r in thread.replies] == ["Ben agrees."]


def test_both_sync_at_the_same_time(world):
    remote, ada, ben = world
    for i in range(3):
        comment(ada, f"ada {i}")
        comment(ben, f"ben {i}")
    results: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def run(name: str, repo: Repo) -> None:
        barrier.wait()
        try:
            results[name] = do_sync(repo)
        except Exception as exc:  # reported by the assertion below
            results[name] = exc

    threads = [threading.Thread(target=run, args=(n, r)) for n, r in (("ada", ada), ("ben", ben))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(not isinstance(r, Exception) for r in results.values()), results
    everything = {f"{who} {i}" for who in ("ada", "ben") for i in range(3)}
    # Whoever pushed second merged the first one's push: the remote has everything.
    assert remote_bodies(remote) == everything
    do_sync(ada)
    do_sync(ben)
    assert bodies(ada) == bodies(ben) == everything


def test_rejected_push_is_retried_after_fetch_and_merge(world):
    """Ben pushes between Ada's fetch and Ada's push (from Ada's pre-push hook, once): the remote
    rejects Ada's push, and sync fetches, merges and pushes again."""
    remote, ada, ben = world
    comment(ada, "base")
    do_sync(ada)
    do_sync(ben)
    comment(ben, "ben, pushed in between")
    comment(ada, "ada, rejected once")
    marker = ada.path / ".git" / "hook-ran"
    hook = ada.path / ".git" / "hooks" / "pre-push"
    hook.write_text(
        "#!/bin/sh\n"
        f"if [ ! -e '{marker}' ]; then\n"
        f"  touch '{marker}'\n"
        "  unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX\n"
        f"  git -C '{ben.path}' push -q origin {DEFAULT_NOTES_REF}:{DEFAULT_NOTES_REF} >/dev/null 2>&1 || exit 1\n"
        "fi\n"
        "exit 0\n"
    )
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    steps: list[str] = []
    result = sync(GitRepo.open(ada.path), progress=steps.append)
    assert marker.exists()
    assert steps == ["fetching review notes from origin…", "merging review notes from origin…",
                     "pushing 1 event to origin…",
                     "origin changed while we pushed: fetching again (round 2 of 10)…",
                     "merging review notes from origin…", "pushing 1 event to origin…"]
    assert result.rounds == 2 and result.merge == "merge"
    assert result.new_from_remote == 1 and result.pushed == 1
    assert remote_bodies(remote) == {"base", "ben, pushed in between", "ada, rejected once"}


def test_push_refused_by_the_remote_gives_one_clear_error(world):
    remote, ada, _ben = world
    comment(ada, "x")
    hook = remote.path / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'no notes today' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(ReviewtoolError, match="cannot push to origin: .*pre-receive hook declined") as info:
        sync(GitRepo.open(ada.path))
    assert "\n" not in str(info.value)


def test_push_rejected_every_round_gives_up_with_one_line(world):
    """Ben pushes before each of Ada's pushes (her pre-push hook): after max_rounds, one clear error."""
    _remote, ada, ben = world
    comment(ada, "base")
    do_sync(ada)
    do_sync(ben)
    hook = ada.path / ".git" / "hooks" / "pre-push"
    hook.write_text(
        "#!/bin/sh\n"
        "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX\n"
        f"cd '{ben.path}' && git commit -q --allow-empty -m x && "
        f"git notes --ref {DEFAULT_NOTES_REF} add -m \"$(date +%s%N)\" HEAD >/dev/null 2>&1 && "
        f"git push -q origin {DEFAULT_NOTES_REF}:{DEFAULT_NOTES_REF} >/dev/null 2>&1\n"
        "exit 0\n"
    )
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    comment(ada, "never gets through")
    with pytest.raises(ReviewtoolError, match="could not push refs/notes/reviewtool to origin: the remote kept "
                                              "changing \\(3 attempts\\)") as info:
        sync(GitRepo.open(ada.path), max_rounds=3)
    assert "\n" not in str(info.value)


def test_remote_merged_with_plain_git_reads_back_identically(world, tmp_path: Path):
    remote, ada, ben = world
    c = comment(ada, "Ada's point")
    store(ada).edit(c.id, "Ada's point, edited")
    comment(ben, "Ben's point")
    do_sync(ben)
    # Ada's twin: the same clone, talking to a copy of the remote.
    twin = Repo(tmp_path / "ada-twin")
    shutil.copytree(ada.path, twin.path)
    shutil.copytree(remote.path, tmp_path / "twin-remote.git")
    twin.git("remote", "set-url", "origin", str(tmp_path / "twin-remote.git"))
    # Ada merges with plain git: fetch, then `git notes merge -s cat_sort_uniq`.
    ada.git("fetch", "-q", "origin", f"+{DEFAULT_NOTES_REF}:{tracking_ref(DEFAULT_NOTES_REF, 'origin')}")
    ada.git("notes", "--ref", DEFAULT_NOTES_REF, "merge", "-q", "-s", "cat_sort_uniq",
            tracking_ref(DEFAULT_NOTES_REF, "origin"))
    # Her twin merges with reviewtool sync.
    do_sync(twin)
    plain, ours = store(ada).load(), store(twin).load()
    assert plain[1] == ours[1] == []
    assert [t.to_dict() for t in plain[0]] == [t.to_dict() for t in ours[0]]
    # The same lines (cat_sort_uniq sorts them; sync keeps ours first, then theirs' new ones).
    plain_notes = NotesStore(GitRepo.open(ada.path)).read_all()
    ours_notes = NotesStore(GitRepo.open(twin.path)).read_all()
    assert {k: sorted(v) for k, v in plain_notes.items()} == {k: sorted(v) for k, v in ours_notes.items()}
    # The plain-git merge pushed to the remote reads back the same in Ben's clone after sync.
    ada.git("push", "-q", "origin", f"{DEFAULT_NOTES_REF}:{DEFAULT_NOTES_REF}")
    do_sync(ben)
    assert [t.to_dict() for t in store(ben).threads()] == [t.to_dict() for t in plain[0]]


def test_sync_errors_are_one_line(world, tmp_path: Path):
    _remote, ada, _ben = world
    with pytest.raises(ReviewtoolError, match="no such remote: upstream"):
        sync(GitRepo.open(ada.path), "upstream")
    ada.git("remote", "add", "gone", str(tmp_path / "does-not-exist.git"))
    with pytest.raises(ReviewtoolError, match="cannot fetch from gone") as info:
        sync(GitRepo.open(ada.path), "gone")
    assert "\n" not in str(info.value)
    result = CliRunner().invoke(main, ["-C", str(ada.path), "sync", "upstream"])
    assert result.exit_code == 1 and result.stderr.strip() == \
        "reviewtool: error: no such remote: upstream (remotes here: gone, origin; see `git remote -v`)"


def test_sync_cli_json(world):
    _remote, ada, ben = world
    comment(ada, "via the CLI")
    result = CliRunner().invoke(main, ["-C", str(ada.path), "sync", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["pushed"] == 1 and data["remote"] == "origin" and data["merge"] == "ours"
    result = CliRunner().invoke(main, ["-C", str(ben.path), "sync"])
    assert result.exit_code == 0 and "1 new here" in result.stdout


# ---------------------------------------------------------------------------- init


def test_init_configures_once_and_keeps_existing_values(world):
    remote, ada, ben = world
    ada.git("config", "notes.rewriteRef", "refs/notes/commits")
    ada.git("config", "--add", "remote.origin.push", "refs/heads/main:refs/heads/main")
    first = init_repo(GitRepo.open(ada.path))
    assert first.remote == "origin"
    changed = {(c["key"], c["value"]) for c in first.changes}
    assert ("notes.rewriteRef", DEFAULT_NOTES_REF) in changed
    assert ("notes.rewrite.amend", "true") in changed and ("notes.rewrite.rebase", "true") in changed
    assert ("remote.origin.push", "HEAD") not in changed  # there was a push refspec already
    assert ada.git("config", "--get-all", "notes.rewriteRef").split() == ["refs/notes/commits", DEFAULT_NOTES_REF]
    assert init_repo(GitRepo.open(ada.path)).changes == []  # idempotent
    result = CliRunner().invoke(main, ["-C", str(ada.path), "init", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["changed"] is False
    # Plain git fetch and push keep working while the remote has no notes yet.
    ada.git("fetch", "-q", "origin")
    ada.git("push", "-q", "origin")
    comment(ada, "pushed by plain git push")
    ada.git("push", "-q", "origin")
    assert remote_bodies(remote) == {"pushed by plain git push"}
    # Ben's clone without push refspecs gets HEAD too, so `git push` still pushes his branch.
    ben_init = init_repo(GitRepo.open(ben.path))
    assert ("remote.origin.push", "HEAD") in {(c["key"], c["value"]) for c in ben_init.changes}
    ben.git("fetch", "-q", "origin")
    assert ben.git("rev-parse", tracking_ref(DEFAULT_NOTES_REF, "origin")).strip() == \
        remote.git("rev-parse", DEFAULT_NOTES_REF).strip()


def test_init_without_remote_and_with_unknown_remote(repo: Repo):
    repo.commit("v1", {DRAFT: ESSAY})
    result = init_repo(GitRepo.open(repo.path))
    assert result.remote is None and all(not c["key"].startswith("remote.") for c in result.changes)
    with pytest.raises(ReviewtoolError, match="no such remote: upstream"):
        init_repo(GitRepo.open(repo.path), "upstream")


def test_comments_survive_amend_and_rebase_after_init(repo: Repo):
    repo.commit("v1", {DRAFT: ESSAY})
    v2 = repo.commit("v2", {DRAFT: ESSAY + "\nOne more line.\n"})
    init_repo(GitRepo.open(repo.path))
    c = comment(repo, "on v2")
    repo.git("commit", "-q", "--amend", "-m", "v2, reworded")
    amended = repo.head()
    assert amended != v2
    assert c.id in repo.git("notes", "--ref", DEFAULT_NOTES_REF, "show", amended)
    (thread,) = store(repo).threads()
    assert thread.id == c.id and set(thread.root.notes) == {v2, amended}
    # New events go to every note holding the thread, so whichever commit survives has all of it.
    store(repo).reply(c.id, "reply after amend")
    assert "reply after amend" in repo.git("notes", "--ref", DEFAULT_NOTES_REF, "show", amended)
    assert "reply after amend" in repo.git("notes", "--ref", DEFAULT_NOTES_REF, "show", v2)
    # Rebase onto a new base commit: the note follows the rewritten commit.
    repo.git("checkout", "-q", "-b", "side", "HEAD~1")
    repo.commit("side change", {"README.md": "readme\n"})
    repo.git("checkout", "-q", "main")
    repo.git("rebase", "-q", "side")
    rebased = repo.head()
    assert rebased not in (amended, v2)
    assert c.id in repo.git("notes", "--ref", DEFAULT_NOTES_REF, "show", rebased)
    (thread,) = store(repo).threads()
    assert [r.body for r in thread.replies] == ["reply after amend"]
    assert rebased in thread.root.notes


def test_comment_on_a_commit_that_is_gone_still_loads(repo: Repo):
    repo.commit("v1", {DRAFT: ESSAY})
    v2 = repo.commit("v2", {DRAFT: ESSAY + "\nOne more line.\n"})
    blob = GitRepo.open(repo.path).blob_ids([f"{v2}:{DRAFT}"])[0]
    c = comment(repo, "on v2, before any init")
    repo.git("commit", "-q", "--amend", "-m", "v2 amended without notes.rewriteRef")
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    assert repo.git("cat-file", "-t", v2, check=False).strip() == ""
    (thread,), problems = store(repo).load()
    assert problems == [] and thread.id == c.id
    assert thread.anchor.commit == v2 and thread.anchor.blob == blob
    # The blob lives on in the amended commit, so the text the comment was made on is still readable.
    assert GitRepo.open(repo.path).read_blob(thread.anchor.blob).decode().endswith("One more line.\n")


def test_a_notes_fetch_refspec_of_the_remote_never_drops_unsynced_comments(world):
    """``+refs/notes/*:refs/notes/*`` is a common recipe; a plain fetch with it would force
    our notes ref to the remote's (git's opportunistic update) and lose what is not pushed."""
    remote, ada, ben = world
    comment(ada, "alice 1")
    do_sync(ada)
    ben.git("config", "--add", "remote.origin.fetch", "+refs/notes/*:refs/notes/*")
    do_sync(ben)
    comment(ben, "bob, not synced yet")
    comment(ada, "alice 2")
    do_sync(ada)
    result = do_sync(ben)
    assert result.merge == "merge" and result.pushed == 1
    assert bodies(ben) == remote_bodies(remote) == {"alice 1", "alice 2", "bob, not synced yet"}


def test_a_sync_waits_while_another_sync_here_holds_the_tracking_ref(world):
    _remote, ada, ben = world
    comment(ada, "base")
    do_sync(ada)
    lock = ada.path / ".git" / "refs" / "notes" / "remotes" / "origin" / "reviewtool.lock"
    lock.write_text("")
    threading.Timer(0.3, lock.unlink).start()
    comment(ben, "from ben")
    do_sync(ben)
    do_sync(ada)  # the fetch finds the tracking ref locked, waits, then goes on
    assert bodies(ada) == {"base", "from ben"}


def test_init_names_other_remotes_and_warns_about_settings_against_the_notes(world):
    _remote, ada, ben = world
    ben.git("remote", "rename", "origin", "upstream")
    result = CliRunner().invoke(main, ["-C", str(ben.path), "init"])
    assert result.exit_code == 0 and "no remote named origin" in result.stdout and "upstream" in result.stdout
    ada.git("config", "--add", "remote.origin.fetch", "+refs/notes/*:refs/notes/*")
    ada.git("config", "push.default", "upstream")
    result = CliRunner().invoke(main, ["-C", str(ada.path), "init"])
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("reviewtool: warning: ")]
    assert len(warnings) == 2
    assert "push.default is upstream" in warnings[0] and "overwrites your review notes" in warnings[1]
    ben.git("remote", "rename", "upstream", "origin")
    ben.git("config", "--add", "remote.origin.push", "+refs/notes/*:refs/notes/*")
    result = CliRunner().invoke(main, ["-C", str(ben.path), "init"])
    assert "force-overwrites origin's review notes" in result.stderr
    # The command it suggests removes exactly that refspec.
    command = warnings[1].split("remove it with ")[1]
    subprocess.run(command, shell=True, cwd=ada.path, check=True)
    assert "+refs/notes/*:refs/notes/*" not in ada.git("config", "--get-all", "remote.origin.fetch")
