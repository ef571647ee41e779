"""``reviewtool doctor``: every damage of the notes ref is found, and ``--repair`` rebuilds the
ref from its reflog and the remote's copy, losing nothing that can still be read (issue 12,
item 4). Real repositories, a bare remote; objects are removed as ``git gc --prune=now`` does.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from reviewtool.git.repo import GitRepo
from reviewtool.review.doctor import Check, DoctorContext, Finding, run_doctor
from reviewtool.review.store import ReviewStore
from reviewtool.review.sync import sync
from tests import damage
from tests.gitutil import Repo, git, make_repo

DRAFT = "drafts/essay.md"
ESSAY = "# Intro\n\nGardens are good.\n\n# End\n\nSo plant one.\n"
REF = damage.REF


def comment(repo: Repo, body: str) -> str:
    reviews = ReviewStore(GitRepo.open(repo.path))
    blob = reviews.repo.blob_ids([f"{repo.head()}:{DRAFT}"])[0]
    return reviews.add_comment(repo.head(), DRAFT, blob, body).id


def bodies(path: Path) -> set[str]:
    return {t.body for t in ReviewStore(GitRepo.open(path)).threads()}


def doctor(repo: Repo, *args: str):
    result = CliRunner().invoke(main, ["-C", str(repo.path), "doctor", *args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def world(tmp_path: Path) -> tuple[Repo, Repo]:
    """A bare remote and Ada's clone: two comments synced, a third only local."""
    remote = make_repo(tmp_path / "remote.git", bare=True)
    ada = make_repo(tmp_path / "ada")
    ada.commit("v1", {DRAFT: ESSAY})
    ada.git("remote", "add", "origin", str(remote.path))
    ada.git("push", "-q", "origin", "main")
    comment(ada, "one")
    comment(ada, "two")
    sync(GitRepo.open(ada.path))
    comment(ada, "three, never synced")
    return remote, ada


ALL = {"one", "two", "three, never synced"}


def test_a_whole_repository_is_in_order(world):
    _remote, ada = world
    result = doctor(ada)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == "everything is in order"
    assert [line.split()[0] for line in lines[:-1]] == ["ok"] * 6  # five notes checks and the cache
    assert "refs/notes/reviewtool: 3 events in 1 note" in result.stdout
    data = json.loads(doctor(ada, "--json").stdout)
    assert data["clean"] is True and data["repairs"] == [] and "found" not in data
    assert [f["check"] for f in data["findings"]] == ["ref lock", "notes ref", "notes history", "lost lines",
                                                     "remote copies", "cache"]


@pytest.mark.parametrize("name, recovered", [
    ("blob", ALL),
    ("tree", ALL),
    ("missing commit", ALL),
    ("missing tree", {"one", "two"}),  # the last write's tree is gone: which note its blob was is unknown
    ("missing note blob", {"one", "two"}),
    ("missing parent commit", ALL),
])
def test_each_damage_is_found_and_repaired_from_the_reflog(world, name: str, recovered: set[str]):
    _remote, ada = world
    damage.DAMAGES[name](ada.path)
    found = doctor(ada)
    assert found.exit_code == 1
    assert found.stdout.splitlines()[-1].endswith("found; run `reviewtool doctor --repair`")
    problems = [line for line in found.stdout.splitlines() if line.startswith("problem")]
    assert problems and all("(--repair: " in line for line in problems)
    repaired = doctor(ada, "--repair", "--no-fetch")
    assert repaired.exit_code == 0, repaired.output
    assert repaired.stdout.splitlines()[-1] == "everything is in order"
    assert any(line.startswith(f"repaired: rebuilt {REF} as ") for line in repaired.stdout.splitlines())
    assert bodies(ada.path) == recovered
    # The rebuilt ref has a whole history: git itself agrees, and it can be pushed.
    git(ada.path, "rev-list", "--objects", REF)
    result = sync(GitRepo.open(ada.path))
    assert result.merge in ("merge", "ours", "restore")
    assert doctor(ada).exit_code == 0
    assert doctor(ada, "--repair").stdout.splitlines()[0].startswith("ok")  # nothing left to repair


def test_a_shared_object_lost_here_comes_back_from_the_remote(world):
    """A note blob two versions share is gone; the reflog cannot help, the remote's copy can
    (``git fetch --refetch`` brings the objects back)."""
    _remote, ada = world
    shared = git(ada.path, "rev-parse", f"refs/notes/remotes/origin/reviewtool:{damage.note_entries(ada.path, damage.tip(ada.path))[0][0]}").strip()
    damage.drop_object(ada.path, damage.tree_of(ada.path, damage.tip(ada.path)))
    damage.drop_object(ada.path, shared)
    assert doctor(ada).exit_code == 1
    repaired = doctor(ada, "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "repaired: fetched origin's copy again with every object" in repaired.stdout
    assert {"one", "two"} <= bodies(ada.path)


def test_lines_deleted_by_hand_are_found_and_restored(world):
    _remote, ada = world
    lines = ada.git("notes", "--ref", REF, "show", "HEAD").splitlines()
    ada.git("notes", "--ref", REF, "add", "-f", "-F", "-", "HEAD",
            input="".join(line + "\n" for line in lines if "one" not in line))
    found = doctor(ada)
    assert found.exit_code == 1
    assert "problem  lost lines     refs/notes/reviewtool lacks 1 line (1 event) that earlier versions held" \
        in found.stdout
    repaired = doctor(ada, "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert bodies(ada.path) == ALL


def test_a_ref_reset_to_an_older_version_is_found_through_the_reflog(world):
    _remote, ada = world
    ada.git("update-ref", REF, f"{REF}~2")
    assert bodies(ada.path) == {"one"}
    assert doctor(ada).exit_code == 1
    assert doctor(ada, "--repair", "--no-fetch").exit_code == 0
    assert bodies(ada.path) == ALL


def test_a_stale_lock_is_removed_and_a_fresh_one_left(world):
    _remote, ada = world
    lock = ada.path / ".git" / (REF + ".lock")
    lock.write_text("")
    fresh = doctor(ada)
    assert fresh.exit_code == 1 and "warning  ref lock" in fresh.stdout and "a git process is updating" in fresh.stdout
    assert "(--repair" not in fresh.stdout.splitlines()[0]
    old = time.time() - 120
    os.utime(lock, (old, old))
    stale = doctor(ada)
    assert "problem  ref lock" in stale.stdout and "a git process that stopped left it" in stale.stdout
    repaired = doctor(ada, "--repair")
    assert repaired.exit_code == 0 and not lock.exists()
    assert f"repaired: removed {lock}" in repaired.stdout


def test_a_damaged_remote_copy_is_dropped_and_fetched_again(world):
    remote, ada = world
    damage.point_at_blob(ada.path, "refs/notes/remotes/origin/reviewtool")
    found = doctor(ada)
    assert "problem  remote copies  refs/notes/remotes/origin/reviewtool is damaged: it points at a blob" \
        in found.stdout
    assert doctor(ada, "--repair").exit_code == 0
    assert sync(GitRepo.open(ada.path)).merge in ("ours", "fast-forward")
    assert bodies(remote.path) == ALL


def test_repair_json_reports_before_and_after(world):
    _remote, ada = world
    damage.point_at_blob(ada.path)
    data = json.loads(doctor(ada, "--repair", "--no-fetch", "--json").stdout)
    assert data["clean"] is True
    assert [f["status"] for f in data["found"] if f["check"] == "notes ref"] == ["problem"]
    assert data["repairs"][0]["check"] == "notes ref"
    assert data["repairs"][0]["actions"][0].startswith(f"rebuilt {REF} as ")


def test_checks_are_a_framework_others_can_add_to(world):
    """A check is a name, a run and a repair; shared repairs run once."""
    _remote, ada = world
    calls: list[str] = []

    def run(ctx: DoctorContext) -> list[Finding]:
        return [Finding("sample", "ok" if calls else "problem", "needs mending", "mend it")]

    def mend(ctx: DoctorContext, findings: list[Finding]) -> list[str]:
        calls.append(",".join(f.check for f in findings))
        return ["mended"]

    report = run_doctor(GitRepo.open(ada.path), repair=True,
                        checks=[Check("sample", run, mend), Check("also", lambda ctx: [], mend)])
    assert report.clean and calls == ["sample"] and report.repairs == [{"check": "sample", "actions": ["mended"]}]
