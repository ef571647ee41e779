"""Recovering review notes: the union of every version of a notes ref that can still be read.

When a notes ref is damaged (see :mod:`reviewtool.git.notes_damage`) or lost lines, its
earlier versions usually still hold them: the ref's reflog names every commit it ever
pointed at, each commit's parents name older versions, and a tracking ref
(``refs/notes/remotes/REMOTE/<name>``) and its reflog hold the remote's copies as last
fetched. :func:`recover` walks all of them through the repository's persistent
``cat-file`` — tolerating anything missing, which git's own walks (``log``, ``rev-list``)
refuse — and unions every note blob it can read, per annotated object.
:func:`rebuild` writes that union as a new notes commit whose parents are versions with
a complete history (so the result can be pushed), and moves the ref to it with a
compare-and-swap.

The walk reads each commit, each distinct tree and each distinct blob once; a tree seen
at the same place again is not read again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reviewtool.errors import ReviewtoolError
from reviewtool.git.notes_damage import commit_parents, commit_tree_id, history_problems, missing, ref_target
from reviewtool.git.notes_history import independent, reflog_commits
from reviewtool.git.notes_ref import NotesStore, NotesTree, is_note_path, union_note
from reviewtool.git.notes_union import NotesUnion, write_union
from reviewtool.git.object_reader import parse_tree
from reviewtool.wording import counted

#: How many objects one round of the persistent ``cat-file`` is asked for.
_ROUND = 512


@dataclass
class Recovery:
    """Everything :func:`recover` found.

    ``notes``: the union of every readable version of each note (``{object: bytes}``), the
    current tip's bytes first; ``sources``: how many commits each source named (``reflog``,
    and each tracking ref by name); ``versions``: notes commits read; ``unreadable``: object
    ids that were named but could not be read (commits, trees or blobs); ``other``: entries
    of the newest readable tree that are not notes (kept when rebuilding).
    """

    ref: str
    target: str | None
    notes: dict[str, bytes] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    starts: list[str] = field(default_factory=list)
    versions: int = 0
    unreadable: list[str] = field(default_factory=list)
    other: list[tuple[str, str, str, str]] = field(default_factory=list)
    tip_notes: dict[str, bytes] | None = None
    #: Objects whose union is exactly one blob that exists already (reused when rebuilding).
    blob_of: dict[str, str] = field(default_factory=dict)

    def lost_lines(self) -> dict[str, list[bytes]]:
        """Lines some version held that the current tip lacks (everything, when the tip cannot be read)."""
        tip = self.tip_notes or {}
        lost: dict[str, list[bytes]] = {}
        for obj, data in self.notes.items():
            have = set(tip.get(obj, b"").split(b"\n"))
            extra = [line for line in data.split(b"\n") if line.strip() and line not in have]
            if extra:
                lost[obj] = extra
        return lost


def tracking_refs(store: NotesStore) -> list[str]:
    """The tracking refs of *store*'s notes ref: ``refs/notes/remotes/*/<name>``."""
    name = store.ref.removeprefix("refs/notes/")
    code, out, _ = store.repo.try_run("for-each-ref", "--format=%(refname)", "refs/notes/remotes/")
    if code != 0:
        return []
    return [ref for ref in out.split() if ref.endswith("/" + name) and ref.count("/") == 4 + name.count("/")]


def _ask(store: NotesStore, shas: list[str]) -> dict[str, tuple[str, bytes]]:
    """``{sha: (type, content)}`` for the objects the repository has."""
    found: dict[str, tuple[str, bytes]] = {}
    for start in range(0, len(shas), _ROUND):
        chunk = shas[start:start + _ROUND]
        for sha, answer in zip(chunk, store.repo.objects.ask(chunk)):
            if answer is not None:
                found[sha] = (answer[1], answer[2])
    return found


def recover(store: NotesStore, extra_refs: Iterable[str] | None = None) -> Recovery:
    """Walk every version of *store*'s notes ref that can be read and union their notes.

    Sources: the ref's own target, its reflog, and each tracking ref (default:
    :func:`tracking_refs`) with its reflog; then every ancestor of those commits.
    """
    repo = store.repo
    target = ref_target(repo, store.ref)
    result = Recovery(store.ref, target)
    starts: dict[str, None] = {}
    if target is not None:
        starts[target] = None
    own = reflog_commits(repo, store.ref)
    result.sources["reflog"] = len(own)
    starts.update(dict.fromkeys(own))
    for ref in tracking_refs(store) if extra_refs is None else extra_refs:
        named = [sha for sha in [ref_target(repo, ref), *reflog_commits(repo, ref)] if sha]
        result.sources[ref] = len(dict.fromkeys(named))
        starts.update(dict.fromkeys(named))
    result.starts = list(starts)
    hexlen = len(target) if target else 40
    # Commits, breadth first (newest versions first), then their trees level by level.
    commits: list[tuple[str, str]] = []  # (commit, tree) in walk order
    seen: set[str] = set()
    frontier = [sha for sha in starts if sha not in seen]
    unreadable: dict[str, None] = {}
    while frontier:
        seen.update(frontier)
        found = _ask(store, frontier)
        following: list[str] = []
        for sha in frontier:
            got = found.get(sha)
            if got is None:
                unreadable.setdefault(sha, None)
                continue
            if got[0] != "commit":
                continue  # a ref pointing at a blob or a tree: nothing to walk
            tree = commit_tree_id(got[1])
            if tree:
                commits.append((sha, tree))
            following.extend(p for p in commit_parents(got[1]) if p not in seen)
        frontier = list(dict.fromkeys(following))
    result.versions = len(commits)
    notes_of_tree: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (prefix, tree) -> [(obj, blob)]
    others: dict[str, list[tuple[str, str, str, str]]] = {}

    def read_trees(wanted: list[tuple[str, str]]) -> None:
        level = [key for key in dict.fromkeys(wanted) if key not in notes_of_tree]
        pending: dict[tuple[str, str], list[tuple[str, str]]] = {}
        while level:
            found = _ask(store, list(dict.fromkeys(sha for _, sha in level)))
            below: list[tuple[str, str]] = []
            for prefix, sha in level:
                got = found.get(sha)
                if got is None or got[0] != "tree":
                    unreadable.setdefault(sha, None)
                    notes_of_tree[(prefix, sha)] = []
                    continue
                entries: list[tuple[str, str]] = []
                for mode, child, name in parse_tree(got[1], hexlen):
                    path = prefix + name
                    if mode == "40000" and len(name) == 2 and len(path) < hexlen:
                        below.append((path, child))
                        entries.append(("/" + path, child))  # resolved below
                    elif mode != "40000" and is_note_path(path, hexlen):
                        entries.append((path, child))
                    elif not prefix:
                        others.setdefault(sha, []).append((mode, "tree" if mode == "40000" else "blob", child, name))
                pending[(prefix, sha)] = entries
            level = [key for key in dict.fromkeys(below) if key not in notes_of_tree and key not in pending]
        # Resolve directories bottom-up into flat (obj, blob) lists.
        def flat(key: tuple[str, str]) -> list[tuple[str, str]]:
            if key in notes_of_tree:
                return notes_of_tree[key]
            out: list[tuple[str, str]] = []
            for path, child in pending.get(key, []):
                if path.startswith("/"):
                    out.extend(flat((path[1:], child)))
                else:
                    out.append((path, child))
            notes_of_tree[key] = out
            return out

        for key in pending:
            flat(key)

    read_trees([("", tree) for _, tree in commits])
    blobs_of: dict[str, list[str]] = {}  # obj -> blobs, newest versions first
    for _, tree in commits:
        for obj, blob in notes_of_tree.get(("", tree), []):
            have = blobs_of.setdefault(obj, [])
            if blob not in have:
                have.append(blob)
    contents = _ask(store, list(dict.fromkeys(b for blobs in blobs_of.values() for b in blobs)))
    tip_tree = commits[0][1] if commits and commits[0][0] == target else None
    if tip_tree is not None and all(b in contents for _, b in notes_of_tree.get(("", tip_tree), [])) \
            and tip_tree not in unreadable:
        tip_notes: dict[str, bytes] = {}
        for obj, blob in notes_of_tree[("", tip_tree)]:
            tip_notes[obj] = union_note(tip_notes.get(obj, b""), contents[blob][1])
        result.tip_notes = tip_notes
    for obj in sorted(blobs_of):
        data = (result.tip_notes or {}).get(obj, b"")
        known = set(data.split(b"\n"))
        extra: list[bytes] = []
        for blob in blobs_of[obj]:
            got = contents.get(blob)
            if got is None:
                unreadable.setdefault(blob, None)
                continue
            if not data:
                data, known = got[1], set(got[1].split(b"\n"))
                continue
            for line in got[1].split(b"\n"):  # each version read once: linear in what was read
                if line.strip() and line not in known:
                    known.add(line)
                    extra.append(line)
        if extra:
            data = union_note(data, b"\n".join(extra) + b"\n")
        if data.strip():
            result.notes[obj] = data
            same = next((blob for blob in blobs_of[obj] if blob in contents and contents[blob][1] == data), None)
            if same is not None:
                result.blob_of[obj] = same
    result.other = next((others[tree] for _, tree in commits if tree in others), [])
    result.unreadable = list(unreadable)
    return result


def whole_versions(store: NotesStore, recovery: Recovery) -> list[str]:
    """The commits a rebuilt notes commit can have as parents: the ref's target when its whole
    history is present, each tracking ref's tip likewise, and otherwise the newest whole
    version in the reflog — reduced to those none of the others contains."""
    repo = store.repo
    candidates: list[str] = []
    target = recovery.target
    if target is not None and not missing(repo, [target]) and _whole(store, target):
        candidates.append(target)
    for ref in recovery.sources:
        if ref == "reflog":
            continue
        tip = ref_target(repo, ref)
        if tip is not None and not missing(repo, [tip]) and _whole(store, tip):
            candidates.append(tip)
    if not candidates or candidates[0] != target:
        for sha in reflog_commits(repo, store.ref):
            if sha != target and not missing(repo, [sha]) and _whole(store, sha):
                candidates.append(sha)
                break
    return independent(repo, candidates)


def _whole(store: NotesStore, commit: str) -> bool:
    code, out, _ = store.repo.try_run("cat-file", "-t", commit)
    return code == 0 and out.strip() == "commit" and not history_problems(store.repo, commit)


def rebuild(store: NotesStore, recovery: Recovery, parents: list[str]) -> str:
    """Write *recovery*'s union as a notes commit with *parents* and move the ref to it (a
    compare-and-swap from the target the recovery saw); returns the new commit.

    When no version can be read at all, the result is an empty notes commit without parents:
    the ref works again (its reflog keeps what it pointed at), and the next sync merges in
    whatever a remote holds."""
    u = NotesUnion(None, None, NotesTree(), NotesTree(),
                   contents={obj: data for obj, data in recovery.notes.items() if obj not in recovery.blob_of})
    u.ours_tree.notes = {obj: [(obj, blob)] for obj, blob in recovery.blob_of.items()}
    u.ours_tree.other = [entry for entry in recovery.other if entry[1] != "tree"]
    sources = ", ".join(f"{name} {count}" for name, count in recovery.sources.items() if count)
    new, made = write_union(store, u, parents, f"Notes rebuilt by 'reviewtool doctor --repair' from "
                                               f"{recovery.versions} versions ({sources or 'the ref alone'})")
    old = recovery.target
    code, _, err = store.repo.try_run("update-ref", "-m", "reviewtool doctor --repair", store.ref, new,
                                      old or "0" * len(new))
    if code != 0:
        raise ReviewtoolError(f"could not update {store.ref}: {err.strip().splitlines()[0] if err.strip() else ''} "
                              "(did another writer move it? run `reviewtool doctor --repair` again)")
    store.acknowledge(new, made)
    return new


def restore_lines(store: NotesStore, tip: str, tip_notes: dict[str, bytes], lost: dict[str, list[bytes]]) -> str:
    """Append the *lost* lines back to the notes of *tip* (a whole notes commit) in one commit
    on top of it, and move the ref there with a compare-and-swap; returns the new commit."""
    ours = store.tree(tip)
    contents = {obj: union_note(tip_notes.get(obj, b""), b"".join(line + b"\n" for line in lines))
                for obj, lines in lost.items()}
    u = NotesUnion(tip, None, ours, NotesTree(), contents=contents)
    count = sum(len(lines) for lines in lost.values())
    new, made = write_union(store, u, [tip], f"Notes restored by 'reviewtool doctor --repair': "
                                             f"{counted(count, 'line')} earlier versions held")
    if not store.compare_and_swap(new, tip, "reviewtool doctor --repair: restore lost lines"):
        raise ReviewtoolError(f"could not update {store.ref}: another writer moved it; "
                              "run `reviewtool doctor --repair` again")
    store.acknowledge(new, made)
    return new
