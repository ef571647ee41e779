"""The union of two notes commits, and of every line either side held since they diverged.

Merging review notes must never spread a deletion: when one side's notes lost lines (a hand
edit, ``git notes prune``, a tool that rewrote a note), taking that side as it is — a
fast-forward, or pushing it — would remove the lines everywhere. :func:`union` therefore
computes, per annotated object, the union of

* our note and their note (``ours``, ``theirs``: two notes commits, either may be absent), and
* every line a version on either side held since the two diverged and later lost
  (:func:`~reviewtool.git.notes_history.removed_blobs` over ``ours...theirs``), and every
  line their shared history lost since the two last synced (a deletion one clone pushed with
  plain git is shared history by the time the other fetches it),

and says which lines it adds to each side, and which of them that side had held before
(``lost_here`` / ``lost_there``: "restored"). :func:`write_union` turns it into a notes
commit. Lines are compared byte for byte, blank lines ignored (the same rule as
:func:`~reviewtool.git.notes_ref.union_note`, and as ``git notes merge -s cat_sort_uniq``
up to the order of lines).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field

from reviewtool.git.notes_damage import DamagedNotesRef
from reviewtool.git.notes_history import Removal, removed_blobs
from reviewtool.git.notes_ref import FANOUT_SPLIT, MAX_FANOUT, NotesStore, NotesTree, note_path, union_note
from reviewtool.git.repo import GitError
from reviewtool.wording import counted


@dataclass
class NotesUnion:
    """The union of the notes commits ``ours`` and ``theirs`` (see the module docstring).

    ``contents`` holds the union's note for every object where it differs from our note;
    ``added_here`` / ``added_there`` the lines the union adds to our / their note of each
    object; ``lost_here`` / ``lost_there`` the lines a version on our / their side held
    since the sides diverged and its tip no longer has. ``theirs_notes`` is every note of
    ``theirs`` (for counting what the other side holds).
    """

    ours: str | None
    theirs: str | None
    ours_tree: NotesTree
    theirs_tree: NotesTree
    contents: dict[str, bytes] = field(default_factory=dict)
    added_here: dict[str, list[bytes]] = field(default_factory=dict)
    added_there: dict[str, list[bytes]] = field(default_factory=dict)
    lost_here: dict[str, set[bytes]] = field(default_factory=dict)
    lost_there: dict[str, set[bytes]] = field(default_factory=dict)
    theirs_notes: dict[str, bytes] = field(default_factory=dict)

    @property
    def same_as_ours(self) -> bool:
        """Whether our tip already holds every line of the union."""
        return not self.added_here

    @property
    def same_as_theirs(self) -> bool:
        """Whether their tip already holds every line of the union."""
        return not self.added_there


def _lines(data: bytes) -> set[bytes]:
    return {line for line in data.split(b"\n") if line.strip()}


def _note(entries: list[tuple[str, str]], contents: dict[str, bytes]) -> bytes:
    data = contents[entries[0][1]]
    for _, sha in entries[1:]:
        data = union_note(data, contents[sha])
    return data


def union(store: NotesStore, ours: str | None, theirs: str | None, synced: str | None = None) -> NotesUnion:
    """The union of the notes commits *ours* and *theirs* and of the lines lost on either side
    since they diverged — and, in their shared history, since *synced* (the commit both sides
    last agreed on: a deletion pushed with plain git is shared history, yet news to this
    merge; without *synced*, the whole shared history is looked at).

    Raises :class:`DamagedNotesRef` when objects of our notes (or of the history looked at)
    are missing."""
    repo = store.repo
    not_synced = [f"^{synced}"] if synced else []
    try:
        result = NotesUnion(ours, theirs, store.tree(ours), store.tree(theirs))
        if ours is not None and theirs is not None:
            removals = removed_blobs(repo, [f"{ours}...{theirs}"], left_right=True)
            code, out, _ = repo.try_run("merge-base", "--all", ours, theirs)
            bases = out.split() if code == 0 else []
            if bases and bases != [synced]:
                removals += [Removal("=", r.obj, r.blob) for r in removed_blobs(repo, [*bases, *not_synced])]
        else:
            only = ours or theirs
            removals = removed_blobs(repo, [only, *not_synced]) if only else []
    except GitError as exc:
        raise DamagedNotesRef(store.ref, f"git cannot read its notes or their history: {exc}") from None
    mine, other = result.ours_tree.notes, result.theirs_tree.notes
    removed_by_obj: dict[str, list[tuple[str, str]]] = {}
    for removal in removals:
        side = removal.side or ("<" if ours is not None else ">")
        removed_by_obj.setdefault(removal.obj, []).append((side, removal.blob))
    differing = [obj for obj in sorted(set(mine) | set(other) | set(removed_by_obj))
                 if obj in removed_by_obj or len(mine.get(obj, ())) > 1 or len(other.get(obj, ())) > 1
                 or [s for _, s in mine.get(obj, ())] != [s for _, s in other.get(obj, ())]]
    want = {sha for entries in other.values() for _, sha in entries}
    for obj in differing:
        want.update(sha for _, sha in mine.get(obj, ()))
        want.update(sha for _, sha in removed_by_obj.get(obj, ()))
    contents = store.read_blobs(want)
    if len(contents) != len(want):
        gone = sorted(want - set(contents))
        raise DamagedNotesRef(store.ref, f"{counted(len(gone), 'note blob')} of it, of "
                                         f"{theirs or 'their notes'} or of their history since they diverged "
                                         f"{'are' if len(gone) != 1 else 'is'} missing (first: {gone[0]})")
    result.theirs_notes = {obj: _note(entries, contents) for obj, entries in other.items()}
    for obj in differing:
        ours_data = _note(mine[obj], contents) if obj in mine else b""
        theirs_data = result.theirs_notes.get(obj)
        merged = union_note(ours_data, theirs_data) if theirs_data is not None else ours_data
        held: dict[str, set[bytes]] = {"<": set(), ">": set()}
        for side, blob in removed_by_obj.get(obj, ()):
            for who in ("<", ">") if side == "=" else (side,):  # "=": shared history, both held it
                held[who].update(_lines(contents[blob]))
            merged = union_note(merged, contents[blob])
        mine_lines, theirs_lines = _lines(ours_data), _lines(theirs_data or b"")
        if held["<"] - mine_lines:
            result.lost_here[obj] = held["<"] - mine_lines
        if held[">"] - theirs_lines:
            result.lost_there[obj] = held[">"] - theirs_lines
        here = [line for line in merged.split(b"\n") if line.strip() and line not in mine_lines]
        if here or obj not in mine:
            result.added_here[obj] = list(dict.fromkeys(here))
            result.contents[obj] = merged
        elif len(mine[obj]) > 1:
            result.contents[obj] = merged  # noted at two fanouts: written back as one note
        there = [line for line in merged.split(b"\n") if line.strip() and line not in theirs_lines]
        if there or obj not in other:
            result.added_there[obj] = list(dict.fromkeys(there))
    result.added_here = {obj: lines for obj, lines in result.added_here.items() if lines}
    result.added_there = {obj: lines for obj, lines in result.added_there.items() if lines}
    return result


def write_union(store: NotesStore, u: NotesUnion, parents: list[str], message: str) -> tuple[str, list[str]]:
    """A notes commit (with *parents*) whose tree is the union *u*, written with a uniform fanout
    for its number of notes; entries that are not notes are kept. Returns the commit id and the
    ``COMMIT:path`` names of the fanout directories and new note blobs it made (to check them
    once the ref points at it: :meth:`NotesStore.acknowledge`)."""
    mine, other = u.ours_tree.notes, u.theirs_tree.notes
    objs = sorted(set(mine) | set(other) | set(u.contents))
    fanout = 0
    while len(objs) >= FANOUT_SPLIT * (256 ** fanout) and fanout < MAX_FANOUT:
        fanout += 1
    index_info: list[str] = []
    fresh: dict[str, bytes] = {}
    for obj in objs:
        if obj in u.contents:
            if obj not in u.added_there and len(other.get(obj, ())) == 1:
                index_info.append(f"100644 {other[obj][0][1]}\t{note_path(obj, fanout)}")
            else:
                fresh[obj] = u.contents[obj]
            continue
        entries = mine.get(obj) or other[obj]
        index_info.append(f"100644 {entries[0][1]}\t{note_path(obj, fanout)}")
    made: set[str] = set()
    for obj, sha in zip(fresh, _hash_many(store, list(fresh.values()))):
        index_info.append(f"100644 {sha}\t{note_path(obj, fanout)}")
        made.add(note_path(obj, fanout))
    for obj in objs:
        path = note_path(obj, fanout)
        made.update(path[:3 * level - 1] for level in range(1, fanout + 1))
    seen_paths: set[str] = set()
    for mode, otype, sha, path in u.ours_tree.other + u.theirs_tree.other:
        if path not in seen_paths and otype != "tree":
            seen_paths.add(path)
            index_info.append(f"{mode} {sha}\t{path}")
    tree = store.write_tree(None, index_info)
    commit = store.commit_tree(tree, parents, message)
    return commit, [f"{commit}:{path}" for path in sorted(made)]


def _hash_many(store: NotesStore, blobs: list[bytes]) -> list[str]:
    """Write many blobs with one ``git hash-object -w --stdin-paths``."""
    if not blobs:
        return []
    with tempfile.TemporaryDirectory(prefix="reviewtool-merge-") as tmp:
        paths = []
        for i, data in enumerate(blobs):
            path = os.path.join(tmp, str(i))
            with open(path, "wb") as fh:
                fh.write(data)
            paths.append(path)
        out = store.repo.run("hash-object", "-w", "--no-filters", "--stdin-paths",
                             input="".join(p + "\n" for p in paths))
    return out.split()
