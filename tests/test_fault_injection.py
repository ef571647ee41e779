"""Fault injection: review data survives killed writers, ``git gc`` races, hand deletions and damage.

The promise of ``docs/notes-format.md`` under attack, on real repositories (issue 12, "Proof"):

* **kill -9 of a writer at random points**: writer processes (``tests/fault_writer.py``)
  append events concurrently and are killed with SIGKILL at random moments — before, while
  or after they build objects, move the ref or check their objects.
* **``git gc --prune=now`` racing writers**: git calls this unsafe, so the promise is
  detection and repair: a write counts as *acknowledged* once its objects were found after
  the ref moved (and no gc ran any more); a damaged ref is reported by writers and readers,
  and ``doctor --repair`` mends it.
* **two and three clones syncing in random orders** with hand deletions in between (a line
  or a whole note deleted with plain git, a deletion pushed with plain git) and syncs racing.
* **damaged refs of every kind**: the ref pointing at a blob, a tree, a missing commit; a
  commit whose tree, fanout directory, note blob or parent is missing; a stale ref lock.

After each run: no acknowledged event is missing from any clone (nor from the remote) after
a final sync, and ``doctor`` reports clean. The schedule is seeded (``REVIEWTOOL_FAULT_SEED``);
``REVIEWTOOL_FAULT_SCALE=N`` runs N times as many runs (the long run). The counts are printed
in pytest's terminal summary and recorded in ``docs/notes-format.md``.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from random import Random

import pytest

from reviewtool.errors import ReviewtoolError
from reviewtool.git.notes_damage import DamagedNotesRef
from reviewtool.git.notes_ref import NotesStore
from reviewtool.git.repo import GitRepo
from reviewtool.review.events import encode_line
from reviewtool.review.store import ReviewStore
from reviewtool.review.sync import sync
from tests import damage
from tests.faults import PROPERTY, SCALE, SEED, Tally, Writer, assert_clean, doctor_report, event_ids
from tests.gitutil import Repo, git, make_repo

DRAFT = "drafts/essay.md"
ESSAY = "# Intro\n\nGardens are good.\n\n# End\n\nSo plant one.\n"
REF = damage.REF


def _essay(path: Path) -> Repo:
    repo = make_repo(path)
    repo.commit("v1", {DRAFT: ESSAY})
    return repo


def _clones(base: Path, n: int) -> tuple[Repo, list[Repo]]:
    remote = make_repo(base / "remote.git", bare=True)
    first = _essay(base / "c0")
    first.git("remote", "add", "origin", str(remote.path))
    first.git("push", "-q", "origin", "main")
    clones = [first]
    for i in range(1, n):
        git(base, "clone", "-q", str(remote.path), f"c{i}")
        clone = Repo(base / f"c{i}")
        clone.git("config", "user.name", f"Reviewer {i}")
        clone.git("config", "user.email", f"r{i}@example.org")
        clones.append(clone)
    return remote, clones


def _write(repo: Repo, rng: Random, body: str) -> str:
    """One event through the real write path: a comment, or a reply to a random thread."""
    store = ReviewStore(GitRepo.open(repo.path))
    threads = store.threads()
    if threads and rng.random() < 0.4:
        return store.reply(rng.choice(threads).id, body).id
    head = repo.head()
    blob = store.repo.blob_ids([f"{head}:{DRAFT}"])[0]
    assert blob is not None
    return store.add_comment(head, DRAFT, blob, body).id


def _delete_by_hand(repo: Repo, rng: Random, whole_note: bool = False) -> bool:
    """Delete a random line (or a whole note) of the notes with plain git. False: no notes."""
    listed = repo.git("notes", "--ref", REF, "list", check=False).split()
    objects = listed[1::2]
    if not objects:
        return False
    obj = rng.choice(objects)
    lines = [line for line in repo.git("notes", "--ref", REF, "show", obj).splitlines() if line.strip()]
    if whole_note or len(lines) <= 1:
        repo.git("notes", "--ref", REF, "remove", obj)
    else:
        lines.pop(rng.randrange(len(lines)))
        repo.git("notes", "--ref", REF, "add", "-f", "-F", "-", obj, input="".join(x + "\n" for x in lines))
    return True


def _collect_garbage(path: Path, stop: threading.Event, pauses: list[float], count: list[int]) -> None:
    """``git gc --prune=now`` again and again (after the given pauses) until *stop* is set."""
    while not stop.is_set():
        time.sleep(pauses[count[0] % len(pauses)])
        git(path, "gc", "--quiet", "--prune=now", check=False)
        count[0] += 1


def _sync_quietly(path: Path, errors: list[BaseException]) -> None:
    """A sync racing another one (its exception, if any, handed to the test's thread)."""
    try:
        sync(GitRepo.open(path))
    except BaseException as exc:  # checked by the test's thread
        errors.append(exc)


def _check_run(tally: Tally, acked: set[str], copies: list[Path], clones: list[Path]) -> None:
    """The promise after a run: every acknowledged event in every copy; doctor clean in every clone."""
    for path in copies:
        present = event_ids(path)
        assert acked <= present, f"{len(acked - present)} acknowledged events missing from {path}"
    for path in clones:
        assert_clean(path)
    tally.runs += 1
    tally.acknowledged += len(acked)
    tally.found += len(acked)


# ---------------------------------------------------------------------------- kill -9


def test_writers_killed_at_random_points(tmp_path: Path, record_property):
    rng = Random(SEED * 1000 + 1)
    tally = Tally()
    for run in range(2 * SCALE):
        repo = _essay(tmp_path / f"run{run}")
        acked: set[str] = set()
        for round_no in range(3):
            writers = [Writer(repo.path, DRAFT, f"run {run} round {round_no} writer {k}", 8) for k in range(3)]
            for writer in writers:
                writer.wait_ready()
            victims = rng.sample(writers, rng.randint(1, 2))
            start = time.monotonic()
            for writer, delay in sorted(zip(victims, (rng.uniform(0, 0.6) for _ in victims)), key=lambda x: x[1]):
                time.sleep(max(0.0, start + delay - time.monotonic()))
                writer.kill()
                tally.faults["kill -9 of a writer"] += 1
            for writer in writers:
                ids, ending = writer.finish()
                assert ending in ("done", "killed"), writer.lines
                acked.update(ids)
        _check_run(tally, acked, [repo.path], [repo.path])
    record_property(PROPERTY, tally.to_json())


# ---------------------------------------------------------------------------- git gc


def test_git_gc_racing_writers_is_detected_and_repaired(tmp_path: Path, record_property):
    rng = Random(SEED * 1000 + 2)
    tally = Tally()
    for run in range(2 * SCALE):
        repo = _essay(tmp_path / f"run{run}")
        acked: set[str] = set()
        for round_no in range(2):
            writers = [Writer(repo.path, DRAFT, f"run {run} round {round_no} writer {k}", 10) for k in range(2)]
            for writer in writers:
                writer.wait_ready()
            stop = threading.Event()
            gcs = [0]
            pauses = [rng.uniform(0, 0.05) for _ in range(1000)]
            gc = threading.Thread(target=_collect_garbage, args=(repo.path, stop, pauses, gcs))
            gc.start()
            try:
                for writer in writers:
                    ids, ending = writer.finish()
                    assert ending in ("done", "damaged"), writer.lines
                    if ending == "damaged":
                        tally.detected["by a writer (gc)"] += 1
                    acked.update(ids)
            finally:
                stop.set()
                gc.join()
            tally.faults["git gc --prune=now during writes"] += gcs[0]
            found = doctor_report(repo.path)
            if not found.clean:
                tally.detected["by doctor (gc)"] += 1
                repaired = doctor_report(repo.path, repair=True)
                assert repaired.clean, [f.to_dict() for f in repaired.problems]
                tally.repaired += 1
        _check_run(tally, acked, [repo.path], [repo.path])
    record_property(PROPERTY, tally.to_json())


# ---------------------------------------------------------------------------- clones


@pytest.mark.parametrize("count", [2, 3])
def test_clones_syncing_in_random_orders_with_hand_deletions(tmp_path: Path, record_property, count: int):
    rng = Random(SEED * 1000 + 10 + count)
    tally = Tally()
    for run in range(2 * SCALE):
        remote, clones = _clones(tmp_path / f"run{run}", count)
        acked: set[str] = set()
        for step in range(30):
            action = rng.choices(["write", "sync", "delete a line", "delete a note", "push a deletion",
                                  "syncs racing"], weights=[9, 7, 3, 1, 1, 1])[0]
            clone = rng.choice(clones)
            if action == "write":
                for i in range(rng.randint(1, 3)):
                    acked.add(_write(clone, rng, f"run {run} step {step} event {i}"))
            elif action == "sync":
                sync(GitRepo.open(clone.path))
            elif action in ("delete a line", "delete a note"):
                if _delete_by_hand(clone, rng, whole_note=action == "delete a note"):
                    tally.faults[f"hand deletions: {action[7:]}"] += 1
            elif action == "push a deletion":
                if _delete_by_hand(clone, rng) and clone.git(
                        "push", "-q", "origin", f"{REF}:{REF}", check=False) == "" and \
                        clone.git("rev-parse", REF) == git(remote.path, "rev-parse", REF, check=False):
                    tally.faults["deletion pushed with plain git"] += 1
            else:
                pair = rng.sample(clones, 2)
                errors: list[BaseException] = []
                threads = [threading.Thread(target=_sync_quietly, args=(r.path, errors)) for r in pair]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                # Racing syncs retry a bounded number of times; giving up is allowed (the final
                # syncs merge everything), anything else is not.
                assert all(isinstance(e, ReviewtoolError) and "kept" in str(e) for e in errors), errors
                tally.faults["syncs racing"] += 1
        for _ in range(2):  # the final sync: every clone in turn, twice
            for clone in clones:
                sync(GitRepo.open(clone.path))
        _check_run(tally, acked, [c.path for c in clones] + [remote.path], [c.path for c in clones])
    record_property(PROPERTY, tally.to_json())


# ---------------------------------------------------------------------------- damaged refs


def _bulk_notes(repo: Repo, n: int) -> set[str]:
    """*n* comments on *n* other objects in one write: the notes tree gets a fanout level."""
    lines = {}
    for i in range(n):
        obj = f"{i + 1:040x}"
        eid = f"{i + 1:032x}"
        lines[obj] = [encode_line({"v": 1, "id": eid, "type": "comment", "author": "Ada Author",
                                   "email": "ada@example.org", "time": "2024-05-01T10:00:00.000000Z",
                                   "body": f"bulk {i}", "anchor": {"commit": obj, "path": DRAFT, "blob": "b" * 40}})]
    NotesStore(GitRepo.open(repo.path)).append_many(lines)
    return {f"{i + 1:032x}" for i in range(n)}


@pytest.mark.parametrize("kind", [*damage.DAMAGES, "stale lock"])
def test_damaged_refs_of_every_kind_are_detected_and_repaired(tmp_path: Path, record_property, kind: str):
    rng = Random(SEED * 1000 + 3 + sorted([*damage.DAMAGES, "stale lock"]).index(kind))
    tally = Tally()
    for run in range(SCALE):
        remote, (ada, ben) = _clones(tmp_path / f"run{run}", 2)
        # A fanout directory needs a notes tree of 256 notes or more.
        acked = _bulk_notes(ada, 300) if kind == "missing fanout directory" else set()
        for i in range(rng.randint(2, 4)):
            acked.add(_write(ada, rng, f"ada {i}"))
            acked.add(_write(ben, rng, f"ben {i}"))
        for clone in (ada, ben, ada):
            sync(GitRepo.open(clone.path))
        acked.add(_write(ada, rng, "ada, after the sync"))
        sync(GitRepo.open(ada.path))
        store = ReviewStore(GitRepo.open(ada.path))
        if kind == "stale lock":
            lock = ada.path / ".git" / (REF + ".lock")
            lock.write_text("")
            old = time.time() - 60
            os.utime(lock, (old, old))
            with pytest.raises(ReviewtoolError, match="a git process that stopped left it"):
                _write(ada, rng, "blocked by the lock")
        else:
            damage.DAMAGES[kind](ada.path)
            if kind == "missing parent commit":  # the tip is whole: only doctor sees it
                assert not doctor_report(ada.path).clean
            else:
                with pytest.raises(DamagedNotesRef):
                    store.load()
                with pytest.raises(DamagedNotesRef):
                    _write(ada, rng, "refused on a damaged ref")
        tally.faults[f"damaged refs: {kind}"] += 1
        tally.detected["on read or write" if kind != "missing parent commit" else "by doctor"] += 1
        repaired = doctor_report(ada.path, repair=True)
        assert repaired.clean, [f.to_dict() for f in repaired.problems]
        tally.repaired += 1
        acked.add(_write(ada, rng, "ada, after the repair"))
        for clone in (ada, ben, ada):
            sync(GitRepo.open(clone.path))
        _check_run(tally, acked, [ada.path, ben.path, remote.path], [ada.path, ben.path])
    record_property(PROPERTY, tally.to_json())
