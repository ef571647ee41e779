"""Damaging a notes ref on purpose, every way git can leave one (real objects, real refs).

Each function takes a repository path and the notes ref, damages it and returns a short
name of the damage. Objects are removed by deleting their loose files, as ``git gc
--prune=now`` does to objects it judges unreachable; the repositories of the tests keep
their objects loose (nothing runs ``git gc`` unless a test says so).
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.gitutil import git

REF = "refs/notes/reviewtool"


def loose_path(repo: Path, sha: str) -> Path:
    """Where the loose object *sha* lives in *repo* (``.git/objects/ab/cdef…``)."""
    common = Path(git(repo, "rev-parse", "--git-common-dir").strip())
    if not common.is_absolute():
        common = repo / common
    return common / "objects" / sha[:2] / sha[2:]


def drop_object(repo: Path, sha: str) -> None:
    """Delete the loose object *sha* (it must be loose: the test's repository was never packed)."""
    path = loose_path(repo, sha)
    assert path.exists(), f"object {sha} is not loose in {repo}"
    os.chmod(path, 0o644)
    path.unlink()


def write_ref_file(repo: Path, ref: str, value: str) -> None:
    """Point *ref* at *value* by writing the loose ref file (git refuses a missing object)."""
    common = Path(git(repo, "rev-parse", "--git-common-dir").strip())
    if not common.is_absolute():
        common = repo / common
    path = common / ref
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value + "\n")


def tip(repo: Path, ref: str = REF) -> str:
    return git(repo, "rev-parse", ref).strip()


def tree_of(repo: Path, commit: str) -> str:
    return git(repo, "rev-parse", f"{commit}^{{tree}}").strip()


def note_entries(repo: Path, commit: str) -> list[tuple[str, str]]:
    """``(path, blob)`` of every note in the notes commit *commit*."""
    out = git(repo, "ls-tree", "-r", commit)
    return [(line.split("\t")[1], line.split()[2]) for line in out.splitlines()]


# ---------------------------------------------------------------------------- the damages


def point_at_blob(repo: Path, ref: str = REF) -> str:
    blob = git(repo, "hash-object", "-w", "--stdin", input="not a notes commit\n").strip()
    git(repo, "update-ref", ref, blob)
    return "blob"


def point_at_tree(repo: Path, ref: str = REF) -> str:
    git(repo, "update-ref", ref, tree_of(repo, tip(repo, ref)))
    return "tree"


def point_at_missing(repo: Path, ref: str = REF) -> str:
    """The ref names a commit that is gone (made, pointed at, then deleted)."""
    commit = tip(repo, ref)
    lost = git(repo, "commit-tree", tree_of(repo, commit), "-p", commit, "-m", "pruned").strip()
    git(repo, "update-ref", ref, lost)
    drop_object(repo, lost)
    return "missing commit"


def drop_tree(repo: Path, ref: str = REF) -> str:
    drop_object(repo, tree_of(repo, tip(repo, ref)))
    return "missing tree"


def drop_note_blob(repo: Path, ref: str = REF) -> str:
    """Delete the newest note blob of the tip (one the parent commit does not share)."""
    commit = tip(repo, ref)
    parent_blobs = set()
    parents = git(repo, "rev-list", "--parents", "-n", "1", commit).split()[1:]
    for parent in parents:
        parent_blobs |= {blob for _, blob in note_entries(repo, parent)}
    fresh = [blob for _, blob in note_entries(repo, commit) if blob not in parent_blobs]
    assert fresh, "the tip shares every note blob with its parent"
    drop_object(repo, fresh[0])
    return "missing note blob"


def drop_fanout_dir(repo: Path, ref: str = REF) -> str:
    """Delete a fanout directory of the tip's tree (the notes tree must have one)."""
    commit = tip(repo, ref)
    dirs = [line.split()[2] for line in git(repo, "ls-tree", commit).splitlines() if line.split()[1] == "tree"]
    assert dirs, "the notes tree has no fanout directory"
    drop_object(repo, dirs[0])
    return "missing fanout directory"


def drop_parent(repo: Path, ref: str = REF) -> str:
    """Delete the tip's parent commit (the tip itself stays readable)."""
    parent = git(repo, "rev-parse", f"{tip(repo, ref)}^").strip()
    drop_object(repo, parent)
    return "missing parent commit"


#: Every damage, by name; each needs a ref with at least two commits (and a fanout
#: directory for ``drop_fanout_dir``).
DAMAGES = {
    "blob": point_at_blob,
    "tree": point_at_tree,
    "missing commit": point_at_missing,
    "missing tree": drop_tree,
    "missing note blob": drop_note_blob,
    "missing fanout directory": drop_fanout_dir,
    "missing parent commit": drop_parent,
}
