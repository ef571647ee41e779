"""Damage to a notes ref: found on every read and write, checked in full by ``reviewtool doctor``.

A notes ref is damaged when it names something that is not a complete notes commit: an
object that is missing, a blob or a tree instead of a commit, or a commit whose tree,
fanout directories or note blobs are gone (``git gc --prune=now`` running while a writer
had written its objects but not yet moved the ref does this). Read as it is, such a ref
looks like "no comments"; this module makes every reader and writer stop instead, with
one line naming the ref and what is wrong (:class:`DamagedNotesRef`).

* :func:`check_tip` is the cheap check every read and write makes (one round of the
  repository's persistent ``cat-file``, plus one ``rev-parse`` only when the ref names
  no object): the ref's commit and its tree exist.
* :func:`history_problems` is doctor's full check: every object reachable from the ref,
  through all its history, is present (``git rev-list --objects --missing=print``).
* :func:`missing` asks a *fresh* ``git cat-file --batch-check`` whether objects exist:
  the persistent reader may still hold a pack that ``git gc`` has deleted, so it cannot
  prove that an object is on disk now. Writers use it to check their objects after the
  ref moved, once no ``git gc`` is running (:func:`wait_for_gc`).
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from reviewtool.errors import ReviewtoolError
from reviewtool.git.repo import GitRepo
from reviewtool.wording import counted

#: What every damage message ends with.
REPAIR_HINT = "run `reviewtool doctor --repair`"
#: How long a writer waits for a running ``git gc`` before checking its objects.
GC_WAIT_SECONDS = 120.0


class DamagedNotesRef(ReviewtoolError):
    """The notes ref names something that is not a complete notes commit (exit 1, one line)."""

    def __init__(self, ref: str, problem: str) -> None:
        self.ref = ref
        self.problem = problem
        super().__init__(f"{ref} is damaged: {problem}; {REPAIR_HINT}")


@dataclass(frozen=True)
class Tip:
    """A notes ref's commit and the tree it names (both present), with the tree's raw content."""

    commit: str
    tree: str
    tree_data: bytes = field(repr=False)


def check_tip(repo: GitRepo, ref: str) -> Tip | None:
    """The commit and tree of *ref*, ``None`` when the ref does not exist.

    Raises :class:`DamagedNotesRef` when the ref names a missing object, an object that is
    not a commit, or a commit whose tree is missing.

    The ref is read by a fresh ``git rev-parse``, never by the long-lived ``cat-file``: that
    process can keep answering from an outdated copy of ``packed-refs`` (``git gc`` packs refs,
    and a rewritten ``packed-refs`` of the same size, in the same second, on a reused inode
    passes git's check that the file is unchanged), which read an acknowledged event as
    absent. The objects are then asked for by id. An object is declared missing only once a
    fresh ``git cat-file`` cannot find it either.
    """
    for _ in range(_TIP_ATTEMPTS):
        target = ref_target(repo, ref)
        if target is None:
            return None
        first, tree = repo.objects.ask([target, f"{target}^{{tree}}"])
        if first is None:
            if ref_target(repo, ref) != target:
                continue  # moved meanwhile
            if missing(repo, [target]):
                raise DamagedNotesRef(ref, f"it points at {target}, which is missing from the object database")
            repo.objects.close()  # the reader is behind what is on disk: a new one
            continue
        sha, kind, data = first
        if kind != "commit":
            raise DamagedNotesRef(ref, f"it points at a {kind} ({sha}), not a notes commit")
        tree_id = commit_tree_id(data) or "?"
        if tree is not None and tree[1] == "tree":
            return Tip(sha, tree[0], tree[2])
        if missing(repo, [tree_id]):
            raise DamagedNotesRef(ref, f"the tree {tree_id} of its commit {sha} is missing")
        repo.objects.close()
    raise ReviewtoolError(f"could not read {ref}: other writers kept moving it")


#: How many times :func:`check_tip` looks again while other writers move the ref.
_TIP_ATTEMPTS = 50


def ref_target(repo: GitRepo, ref: str) -> str | None:
    """The object id *ref* holds, whether or not that object exists; ``None`` when no such ref."""
    code, out, _ = repo.try_run("rev-parse", "--verify", "--quiet", "--end-of-options", ref)
    return out.strip() if code == 0 and out.strip() else None


def commit_tree_id(data: bytes) -> str | None:
    """The tree id in a raw commit object."""
    if data.startswith(b"tree "):
        return data[5:data.find(b"\n")].decode("ascii", "replace")
    return None


def commit_parents(data: bytes) -> list[str]:
    """The parent ids in a raw commit object (in order)."""
    parents: list[str] = []
    for line in data.split(b"\n"):
        if not line:
            break  # the headers end at the first blank line
        if line.startswith(b"parent "):
            parents.append(line[7:].decode("ascii", "replace"))
    return parents


def missing(repo: GitRepo, specs: list[str]) -> list[str]:
    """The *specs* (object ids or ``rev:path`` names) a fresh ``git cat-file`` cannot find."""
    if not specs:
        return []
    out = repo.run("cat-file", "--batch-check=%(objectname)", input="".join(s + "\n" for s in specs))
    answers = out.splitlines()
    return [spec for spec, answer in zip(specs, answers) if answer.endswith(" missing") or
            answer.endswith(" ambiguous")]


def history_problems(repo: GitRepo, ref: str) -> list[str]:
    """What is missing from the history of *ref* (empty: every reachable object is present).

    One ``git rev-list --objects --missing=print`` walks every commit, tree and blob
    reachable from the ref; a missing parent commit stops the walk, and git's message
    says which.
    """
    code, out, err = repo.try_run("rev-list", "--objects", "--missing=print", "--end-of-options", ref)
    found = [line[1:].split()[0] for line in out.splitlines() if line.startswith("?")]
    problems = []
    if found:
        problems.append(f"{counted(len(found), 'object')} of its history "
                        f"{'are' if len(found) != 1 else 'is'} missing (first: {found[0]})")
    if code != 0:
        lines = [x.removeprefix("fatal: ").removeprefix("error: ").strip() for x in err.splitlines() if x.strip()]
        detail = next((x for x in lines if x.startswith("Could not read")),
                      lines[0] if lines else "git rev-list failed")
        problems.append(f"its history cannot be walked: {detail}")
    return problems


def gc_running(common_dir: Path) -> bool:
    """Whether a ``git gc`` of this repository is running now (its ``gc.pid`` names a live process here)."""
    try:
        text = (common_dir / "gc.pid").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    pid_text, _, host = text.strip().partition(" ")
    try:
        pid = int(pid_text)
    except ValueError:
        return True  # being written right now
    if host and host != socket.gethostname():
        return True  # another machine's gc on a shared disk: assume it runs
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False  # a gc that was killed left it behind
    except PermissionError:
        return True
    return True


def wait_for_gc(common_dir: Path, timeout: float = GC_WAIT_SECONDS) -> None:
    """Return once no ``git gc`` of this repository runs (or after *timeout* seconds).

    ``git gc --prune=now`` decides what is reachable before it deletes; objects a writer
    made reachable in between can still be deleted after the writer looked at them. Once
    that gc has ended, an object that is present stays present.
    """
    deadline = time.monotonic() + timeout
    delay = 0.005
    while gc_running(common_dir) and time.monotonic() < deadline:
        time.sleep(delay)
        delay = min(delay * 2, 0.1)
