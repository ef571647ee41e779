"""Storage of review events in git notes: JSON Lines per annotated commit, compare-and-swap writes.

Review data lives in a notes ref (``refs/notes/reviewtool`` unless
``git config reviewtool.notesRef`` names another ``refs/notes/...`` ref). The
note on a commit is a sequence of lines, one self-contained event each (the
event format is :mod:`reviewtool.review.events`); this module only knows lines.

Writes never use ``git notes add/append``: those update the ref without checking
its old value, so concurrent writers silently lose each other's notes (20
parallel ``git notes append`` kept 3 of 20 lines in our experiment). Instead
:meth:`NotesStore.append` builds the new notes commit itself (blob, tree through
a temporary index, commit) and moves the ref with ``git update-ref REF NEW OLD``,
a compare-and-swap; when another writer got there first it starts again from
the new tip, with jittered backoff.

Reads are bulk, never one process per note: :meth:`NotesStore.iter_raw` walks the
notes tree and reads every note blob through the repository's persistent ``git cat-file
--batch`` (:class:`~reviewtool.git.object_reader.ObjectReader`, shared with the draft's
blobs), asking for the blobs in the order git reads fastest
(:class:`~reviewtool.git.object_reader.DeltaOrder`, one ``git cat-file --batch-check``). Notes on commits that no
longer exist (dropped by amend or rebase) are still in the notes tree and are read
like any other.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.notes_damage import DamagedNotesRef, check_tip, missing, wait_for_gc
from reviewtool.git.object_reader import DELTA_ORDER_MIN, DeltaOrder, Found, parse_tree
from reviewtool.git.repo import GitError, GitRepo
from reviewtool.wording import counted

#: The notes ref used when ``reviewtool.notesRef`` is not configured.
DEFAULT_NOTES_REF = "refs/notes/reviewtool"
#: The git config key that overrides the notes ref.
NOTES_REF_CONFIG = "reviewtool.notesRef"
#: A directory level of the notes tree holding this many notes is split one level deeper
#: (git's own notes code does the same, "fanout"); keeps each tree object small.
FANOUT_SPLIT = 256
#: Deepest fanout written (git uses at most a few levels as well).
MAX_FANOUT = 3

_HEX = re.compile(r"^[0-9a-f]+$")
_HEX2 = re.compile(r"^[0-9a-f]{2}$")


def notes_ref_for(repo: GitRepo, notes_ref: str | None = None) -> str:
    """The notes ref to use: *notes_ref*, else ``git config reviewtool.notesRef``, else the default.

    Raises :class:`UsageError` when the name does not start with ``refs/notes/`` or is
    not a valid ref name.
    """
    ref = notes_ref or repo.config_get(NOTES_REF_CONFIG) or DEFAULT_NOTES_REF
    if not ref.startswith("refs/notes/") or ref == "refs/notes/":
        raise UsageError(f"invalid notes ref {ref!r}: name a ref under refs/notes/, such as {DEFAULT_NOTES_REF} "
                         f"(see git config {NOTES_REF_CONFIG})")
    if ref == DEFAULT_NOTES_REF:
        return ref
    code, _, _ = repo.try_run("check-ref-format", ref)
    if code != 0 or any(ch in ref for ch in "*?[ \t\n"):
        raise UsageError(f"invalid notes ref {ref!r}")
    return ref


def note_path(obj: str, fanout: int) -> str:
    """The path of the note on *obj* in a notes tree with *fanout* directory levels."""
    parts = [obj[2 * i: 2 * i + 2] for i in range(fanout)]
    parts.append(obj[2 * fanout:])
    return "/".join(parts)


def is_note_path(path: str, hexlen: int) -> bool:
    """Whether *path* names a note: hex characters only (ignoring slashes), *hexlen* of them."""
    flat = path.replace("/", "")
    return len(flat) == hexlen and bool(_HEX.match(flat)) and all(
        len(p) == 2 for p in path.split("/")[:-1])


def join_lines(existing: bytes, lines: Iterable[str]) -> bytes:
    """*existing* note content byte for byte, then *lines* (each ending in a newline)."""
    new = "".join(line + "\n" for line in lines).encode("utf-8")
    if existing and not existing.endswith(b"\n"):
        existing += b"\n"
    return existing + new


def split_note(data: bytes) -> list[str]:
    """A note blob as lines (split on LF only; a final newline does not start a line)."""
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@dataclass
class NotesTree:
    """The entries of one notes commit's tree.

    ``notes`` maps an annotated object id to the ``(path, blob)`` entries holding its
    note (normally one; a tree written with mixed fanouts can hold two). ``other`` keeps
    entries that are not notes, ``(mode, type, sha, path)``, which git also preserves.
    """

    notes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    other: list[tuple[str, str, str, str]] = field(default_factory=list)


class NotesStore:
    """The notes ref of one repository: append lines to a commit's note, read all notes.

    ``NotesStore(repo)`` uses :func:`notes_ref_for` to pick the ref. Retries of a
    contended write are bounded by *max_attempts*; *serialize* (default) makes local
    reviewtool writers queue on an advisory lock instead of racing (see :meth:`writer_lock`).
    """

    def __init__(self, repo: GitRepo, notes_ref: str | None = None, max_attempts: int = 200,
                 serialize: bool = True) -> None:
        self.repo = repo
        self.ref = notes_ref_for(repo, notes_ref)
        self.max_attempts = max_attempts
        #: Take the advisory writer lock (:meth:`writer_lock`); the CAS alone is also correct.
        self.serialize = serialize
        #: How many compare-and-swap attempts the last write needed (1 = no contention).
        self.last_attempts = 0

    # ------------------------------------------------------------------ reading
    def head(self) -> str | None:
        """The commit the notes ref points at, or ``None`` when it does not exist yet.

        Raises :class:`~reviewtool.git.notes_damage.DamagedNotesRef` when the ref names a
        missing object, something other than a commit, or a commit whose tree is missing.
        """
        tip = check_tip(self.repo, self.ref)
        return tip.commit if tip is not None else None

    def resolve(self, ref: str) -> str | None:
        """The commit *ref* points at, or ``None``."""
        code, out, _ = self.repo.try_run("rev-parse", "--verify", "--quiet", "--end-of-options",
                                         f"{ref}^{{commit}}")
        return out.strip() if code == 0 and out.strip() else None

    def tree(self, commit: str | None) -> NotesTree:
        """Every entry of the notes tree of *commit* (a notes commit), in one ``git ls-tree -r``."""
        result = NotesTree()
        if commit is None:
            return result
        out = self.repo.run_bytes("ls-tree", "-r", "-z", "--full-tree", commit)
        hexlen = len(commit)
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, otype, sha = meta.decode().split(" ")
            path = raw_path.decode("utf-8", errors="surrogateescape")
            if otype == "blob" and is_note_path(path, hexlen):
                result.notes.setdefault(path.replace("/", ""), []).append((path, sha))
            else:
                result.other.append((mode, otype, sha, path))
        return result

    def read_blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The contents of many blobs (those the repository has) through the persistent ``cat-file``."""
        return self.repo.read_blobs(shas)

    def iter_raw(self, commit: str | None = None) -> Iterator[tuple[str, bytes]]:
        """``(annotated object id, raw note bytes)`` for every note of the notes commit *commit*
        (default: the ref; nothing when it does not exist).

        The repository's persistent ``git cat-file --batch`` does all the reading: the notes
        tree level by level (the fanout directories), then every note blob, streamed as git
        reads them so the caller's parsing overlaps git's work. The blobs are asked for in the
        order that suits git (:class:`DeltaOrder`), so the notes come in no particular order.

        Damage is never read as "fewer notes": a missing tree, fanout directory or note blob
        raises :class:`~reviewtool.git.notes_damage.DamagedNotesRef` (after the notes that
        could be read were yielded).
        """
        cat = self.repo.objects
        label = self.ref if commit is None else f"notes commit {commit}"
        root: Found | None
        if commit is None:
            tip = check_tip(self.repo, self.ref)
            if tip is None:
                return
            commit, root = tip.commit, (tip.tree, "tree", tip.tree_data)
        else:
            (root,) = cat.ask([f"{commit}^{{tree}}"])
        if root is None or root[1] != "tree":
            raise DamagedNotesRef(label, f"the tree of its commit {commit} is missing")
        hexlen = len(root[0])
        notes: dict[str, list[str]] = {}
        level = [("", root[2])]
        ordering: DeltaOrder | None = None
        try:
            while level:
                subtrees: list[tuple[str, str]] = []
                for prefix, data in level:
                    for mode, sha, name in parse_tree(data, hexlen):
                        path = prefix + name
                        if mode == "40000":
                            if len(name) == 2 and len(path) < hexlen and _HEX.match(name):
                                subtrees.append((path, sha))
                        elif mode != "160000" and len(path) == hexlen and _HEX.match(name):
                            notes.setdefault(path, []).append(sha)
                if ordering is None and (subtrees or len(notes) >= DELTA_ORDER_MIN):
                    ordering = DeltaOrder(self.repo)  # starts now, while the tree is read
                answers = cat.ask([sha for _, sha in subtrees]) if subtrees else ()
                gone = [(path, sha) for (path, sha), found in zip(subtrees, answers)
                        if found is None or found[1] != "tree"]
                if gone:
                    raise DamagedNotesRef(label, f"{_count_of(len(gone), 'directory', 'directories')} of its "
                                                 f"commit {commit} {'is' if len(gone) == 1 else 'are'} missing "
                                                 f"(first: {gone[0][0]}, tree {gone[0][1]})")
                level = [(path, found[2]) for (path, _), found in zip(subtrees, answers) if found is not None]
            # Which notes each blob is (part of): the same blob can be the note of several
            # objects, and an object noted at two fanouts has two blobs.
            wanted: dict[str, list[str]] = {}
            for obj in sorted(notes):
                for sha in notes[obj]:
                    wanted.setdefault(sha, []).append(obj)
            order = list(wanted)
            if ordering is not None and len(order) >= DELTA_ORDER_MIN:
                order = ordering.order(order)
        finally:
            if ordering is not None:
                ordering.close()
        parts: dict[str, list[bytes]] = {}
        lost: list[tuple[str, str]] = []
        for sha, content in zip(order, cat.stream(order)):
            if content is None:
                lost.append((sha, wanted[sha][0]))
                continue
            for obj in wanted[sha]:
                entries = notes[obj]
                if len(entries) == 1:
                    yield obj, content
                    continue
                got = parts.setdefault(obj, [])
                got.append(content)
                if len(got) == len(entries):
                    # The same object noted at two fanouts: keep both notes' lines.
                    merged = b""
                    for piece in got:
                        merged = union_note(merged, piece)
                    yield obj, merged
        if lost:
            raise DamagedNotesRef(label, f"{_count_of(len(lost), 'note blob')} of its commit {commit} "
                                         f"{'is' if len(lost) == 1 else 'are'} missing (first: {lost[0][0]}, "
                                         f"the note on {lost[0][1]})")

    def read_all(self) -> dict[str, list[str]]:
        """Every note of the ref as ``{annotated commit: lines}``; empty when the ref does not exist.

        Lines are split on LF only and returned as they are (blank and malformed lines
        included, so callers can report line numbers). Three git processes in all
        (``rev-parse``, ``ls-tree -r``, ``cat-file --batch``), however many notes there are.
        """
        return {obj: split_note(data) for obj, data in self.iter_raw()}

    def read(self, commit: str) -> list[str]:
        """The lines of the note on one *commit* (empty when it has none)."""
        head = self.head()
        if head is None:
            return []
        existing = self._existing_notes(head, [commit])
        data, _ = existing[commit]
        return split_note(data) if data is not None else []

    # ------------------------------------------------------------------ writing
    def append(self, commit: str, lines: list[str]) -> None:
        """Append *lines* to the note on *commit*, keeping the existing note byte for byte.

        The ref is moved with a compare-and-swap; when another writer moved it in
        between, the write starts again from the new tip (jittered backoff, up to
        ``max_attempts``; then :class:`ReviewtoolError`). Each line must be one line.
        """
        self.append_many({commit: lines})

    def append_many(self, updates: Mapping[str, list[str]]) -> None:
        """Append lines to the notes of several commits in one notes commit (all or nothing).

        Returns once the write is *acknowledged*: the ref moved to the new notes commit and,
        with no ``git gc`` running any more, every object the write made (commit, trees on
        the notes' paths, note blobs) was found on disk by a fresh ``git cat-file``. Raises
        :class:`~reviewtool.git.notes_damage.DamagedNotesRef` when the ref is damaged before
        the write, or when ``git gc --prune=now`` deleted the write's objects under it.
        """
        updates = {obj: list(lines) for obj, lines in updates.items() if lines}
        if not updates:
            return
        for obj, lines in updates.items():
            if not _HEX.match(obj) or len(obj) not in (40, 64):
                raise UsageError(f"invalid object id for a note: {obj!r}")
            for line in lines:
                if "\n" in line or "\r" in line:
                    raise UsageError("a note line cannot contain a line break")
        count = sum(len(v) for v in updates.values())
        first = next(iter(updates))
        message = (f"reviewtool: append {counted(count, 'line')} to "
                   f"{first[:12]}" + (f" and {len(updates) - 1} more" if len(updates) > 1 else ""))
        with self.writer_lock():
            for attempt in range(1, self.max_attempts + 1):
                self.last_attempts = attempt
                old = self.head()
                try:
                    new, made = self._build_append(old, updates, message)
                except GitError as exc:
                    if any(m in str(exc) for m in _GC_RACES):
                        backoff(attempt)  # git gc removed a directory git was writing into
                        continue
                    if not any(m in str(exc) for m in _DAMAGE_MESSAGES):
                        raise
                    problem = self._damage_of(old, exc) if old is not None else None
                    if problem is not None:
                        raise DamagedNotesRef(self.ref, problem) from None
                    # The notes are whole: git gc deleted what this attempt had written. Again.
                    backoff(attempt)
                    continue
                if self.compare_and_swap(new, old, message):
                    break
                backoff(attempt)
            else:
                raise ReviewtoolError(
                    f"could not update {self.ref}: other writers kept moving it ({self.max_attempts} attempts)")
        self.acknowledge(new, made)  # outside the lock: other writers need not wait for it

    @contextlib.contextmanager
    def writer_lock(self, timeout: float = 20.0) -> Iterator[None]:
        """Serialise reviewtool writers of this repository (an advisory ``flock``), to save work.

        Correctness never depends on it: the compare-and-swap protects against every
        writer, including plain git and other machines. The lock only keeps cooperating
        local writers from building notes commits that are bound to lose the race. It
        is released when the process dies; after *timeout* seconds, or where ``flock``
        does not exist, writing proceeds without it.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            yield
            return
        if not self.serialize:
            yield
            return
        try:
            fd = os.open(os.path.join(self.repo.common_dir(), "reviewtool-notes-write.lock"),
                         os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            yield
            return
        try:
            deadline = time.monotonic() + timeout
            locked = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    locked = True
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(random.uniform(0.001, 0.01))
            try:
                yield
            finally:
                if locked:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _damage_of(self, commit: str, exc: GitError) -> str | None:
        """What is missing from the notes commit *commit* (every tree and blob looked for, by a
        fresh git), or ``None`` when it is whole."""
        code, out, _ = self.repo.try_run("ls-tree", "-r", "-t", commit)
        if code != 0:
            return f"git cannot read its commit {commit}: {exc}"
        blobs = [fields[2] for fields in (line.split() for line in out.splitlines()) if fields[1] == "blob"]
        gone = missing(self.repo, blobs)
        if gone:
            return (f"{_count_of(len(gone), 'note blob')} of its commit {commit} "
                    f"{'is' if len(gone) == 1 else 'are'} missing (first: {gone[0]})")
        return None

    def acknowledge(self, new: str, made: list[str]) -> None:
        """Check, after the ref moved to *new*, that the objects a write made are on disk: the
        commit, its tree, and *made* (``COMMIT:path`` names of new directories and blobs).

        ``git gc --prune=now`` racing the write may have judged them unreachable before the
        ref moved and delete them afterwards; once no gc runs, what is present stays.
        """
        wait_for_gc(self.repo.common_dir())
        gone = missing(self.repo, [new, f"{new}^{{tree}}", *made])
        if gone:
            raise DamagedNotesRef(self.ref, f"git gc deleted objects of this write as it was made "
                                            f"({gone[0].rpartition(':')[2] or gone[0]} is missing); the write "
                                            "was not saved")

    def compare_and_swap(self, new: str, old: str | None, message: str = "reviewtool") -> bool:
        """Move the ref to *new* only if it still points at *old* (``None``: must not exist).

        Returns ``False`` when the ref moved (or is locked by another writer) so the
        caller can retry; other failures raise :class:`GitError`.
        """
        zero = "0" * len(new)
        code, _, err = self.repo.try_run("update-ref", "-m", message, self.ref, new, old or zero)
        if code == 0:
            return True
        clash = _REF_CLASH.search(err)
        if clash is not None:  # refs/notes/a and refs/notes/a/b cannot both exist: no retry helps
            raise ReviewtoolError(f"cannot create {self.ref}: {clash.group(1)} exists "
                                  f"(choose another git config {NOTES_REF_CONFIG})")
        if "cannot lock ref" in err or "but expected" in err or "already exists" in err:
            _check_stale_lock(err)
            return False
        if "nonexistent object" in err:  # git gc deleted the new commit before the ref pointed at it
            return False
        raise GitError(err.strip().splitlines()[0] if err.strip() else "git update-ref failed")

    def commit_tree(self, tree: str, parents: list[str], message: str) -> str:
        """Create a notes commit for *tree* with *parents*; returns its id."""
        args = ["commit-tree", tree]
        for p in parents:
            args += ["-p", p]
        return self.repo.run(*args, "-m", message).strip()

    def write_tree(self, base: str | None, index_info: list[str]) -> str:
        """A tree: the tree of commit *base* (or empty) changed by ``update-index --index-info`` lines.

        Uses a private temporary index (``GIT_INDEX_FILE``), never the user's index.
        """
        with tempfile.TemporaryDirectory(prefix="reviewtool-notes-") as tmp:
            env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
            if base is not None:
                self.repo.run("read-tree", base, env=env)
            if index_info:
                self.repo.run("update-index", "--index-info",
                              input="".join(line + "\n" for line in index_info), env=env)
            return self.repo.run("write-tree", env=env).strip()

    def hash_blob(self, data: bytes) -> str:
        """Write *data* as a blob into the object database; returns its id."""
        return self.repo.run("hash-object", "-w", "--stdin", input=data).strip()

    # ------------------------------------------------------------------ internals
    def _existing_notes(self, head: str, objs: list[str]) -> dict[str, tuple[bytes | None, list[str]]]:
        """For each object: (its note content or None, the paths holding it) in *head*'s tree."""
        specs = [f"{head}:{note_path(obj, d)}" for obj in objs for d in range(MAX_FANOUT + 1)]
        found = self.repo.objects.ask(specs)
        result: dict[str, tuple[bytes | None, list[str]]] = {}
        per = MAX_FANOUT + 1
        for i, obj in enumerate(objs):
            data: bytes | None = None
            paths: list[str] = []
            for d in range(per):
                entry = found[i * per + d]
                if entry is not None and entry[1] == "blob":
                    paths.append(note_path(obj, d))
                    data = entry[2] if data is None else union_note(data, entry[2])
            result[obj] = (data, paths)
        return result

    def _build_append(self, old: str | None, updates: dict[str, list[str]], message: str) -> tuple[str, list[str]]:
        """The notes commit that appends *updates* on top of *old* (not yet on the ref), and the
        ``COMMIT:path`` names of the trees and note blobs the write changed (to check them)."""
        index_info: list[str] = []
        zero = "0" * (len(old) if old else 40)
        if old is None:
            fanout_for = dict.fromkeys(updates, 0)
            existing: dict[str, tuple[bytes | None, list[str]]] = {obj: (None, []) for obj in updates}
            splits: dict[str, list[str]] = {}
        else:
            existing, fanout_for, splits = self._probe(old, list(updates))
        for moves in splits.values():
            index_info.extend(moves)
        changed: set[str] = set()
        for moves in splits.values():  # notes moved a level down: their new directories
            for line in moves:
                if not line.startswith("0 "):
                    parts = line.partition("\t")[2].split("/")
                    changed.update("/".join(parts[:i]) for i in range(1, len(parts)))
        for obj, lines in updates.items():
            data, paths = existing[obj]
            content = join_lines(data or b"", lines)
            blob = self.hash_blob(content)
            if paths:
                path = paths[0]
                for extra in paths[1:]:
                    index_info.append(f"0 {zero}\t{extra}")
            else:
                path = note_path(obj, fanout_for[obj])
            index_info.append(f"100644 {blob}\t{path}")
            parts = path.split("/")
            changed.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
        tree = self.write_tree(old, index_info)
        new = self.commit_tree(tree, [old] if old else [], message)
        return new, [f"{new}:{path}" for path in sorted(changed)]

    def _probe(self, old: str, objs: list[str]) -> tuple[dict[str, tuple[bytes | None, list[str]]],
                                                          dict[str, int], dict[str, list[str]]]:
        """One ``cat-file --batch`` for everything an append needs to know about *old*'s tree:
        each object's existing note (at any fanout) and the directories on its path."""
        per = 2 * (MAX_FANOUT + 1)
        specs: list[str] = []
        for obj in objs:
            specs.extend(f"{old}:{note_path(obj, d)}" for d in range(MAX_FANOUT + 1))
            specs.append(f"{old}^{{tree}}")
            specs.extend(f"{old}:{'/'.join(obj[2 * i: 2 * i + 2] for i in range(d))}"
                         for d in range(1, MAX_FANOUT + 1))
        found = self.repo.objects.ask(specs)
        existing: dict[str, tuple[bytes | None, list[str]]] = {}
        dirs: dict[str, list[Found | None]] = {}
        listings: dict[str, dict[str, str]] = {}  # tree id -> {name: mode}
        for i, obj in enumerate(objs):
            chunk = found[i * per: (i + 1) * per]
            data: bytes | None = None
            paths: list[str] = []
            for d in range(MAX_FANOUT + 1):
                entry = chunk[d]
                if entry is not None and entry[1] == "blob":
                    paths.append(note_path(obj, d))
                    data = entry[2] if data is None else union_note(data, entry[2])
            self._check_probe(old, obj, chunk, listings)
            existing[obj] = (data, paths)
            dirs[obj] = chunk[MAX_FANOUT + 1:]
        fanouts, splits = self._place_new_notes(old, {o: dirs[o] for o in objs if existing[o][0] is None})
        return existing, fanouts, splits

    def _check_probe(self, old: str, obj: str, chunk: list[Found | None], listings: dict[str, dict[str, str]]) -> None:
        """Raise :class:`DamagedNotesRef` when a directory of *old*'s tree lists the note on *obj*
        (or the next fanout directory on its path) but the object it names is missing."""
        hexlen = len(old)
        for d in range(MAX_FANOUT + 1):
            listing = chunk[MAX_FANOUT + 1 + d]
            if listing is None or listing[1] != "tree":
                return
            names = listings.get(listing[0])
            if names is None:
                names = listings[listing[0]] = {name: mode for mode, _, name in parse_tree(listing[2], hexlen)}
            if chunk[d] is None and names.get(obj[2 * d:]) in ("100644", "100755"):
                raise DamagedNotesRef(self.ref, f"the note on {obj} in its commit {old} is missing "
                                                f"({note_path(obj, d)})")
            if d == MAX_FANOUT or names.get(obj[2 * d: 2 * d + 2]) != "40000":
                return
            if chunk[MAX_FANOUT + 2 + d] is None:
                where = "/".join(obj[2 * i: 2 * i + 2] for i in range(d + 1))
                raise DamagedNotesRef(self.ref, f"the directory {where} of its commit {old} is missing")

    def _place_new_notes(self, old: str, dirs: dict[str, list[Found | None]]
                         ) -> tuple[dict[str, int], dict[str, list[str]]]:
        """Choose the fanout of new notes; split directory levels that are full.

        *dirs* maps each new note's object to the cat-file results for the root tree and the
        directories on its path. Returns ``{obj: fanout}`` and ``{directory: index-info lines
        moving its notes a level down}``. A new note goes into the deepest existing directory on
        its path; one level deeper when that directory already has subdirectories, or when it
        holds :data:`FANOUT_SPLIT` notes (then those notes move down too, like git's fanout).
        """
        hexlen = len(old)
        fanouts: dict[str, int] = {}
        splits: dict[str, list[str]] = {}
        zero = "0" * hexlen
        for obj, chunk in dirs.items():
            level = 0
            listing = chunk[0]
            for d in range(1, MAX_FANOUT + 1):
                entry = chunk[d]
                if entry is None or entry[1] != "tree":
                    break
                level, listing = d, entry
            assert listing is not None
            entries = parse_tree(listing[2], hexlen)
            prefix = "/".join(obj[2 * i: 2 * i + 2] for i in range(level))
            remaining = hexlen - 2 * level
            notes_here = [(mode, sha, name) for mode, sha, name in entries
                          if len(name) == remaining and _HEX.match(name) and mode != "40000"]
            subdirs = any(mode == "40000" and _HEX2.match(name) for mode, _, name in entries)
            if level < MAX_FANOUT and (subdirs or len(notes_here) + 1 >= FANOUT_SPLIT):
                fanouts[obj] = level + 1
                if not subdirs and prefix not in splits:
                    moves: list[str] = []
                    for mode, sha, name in notes_here:
                        here = f"{prefix}/{name}" if prefix else name
                        below = f"{prefix}/{name[:2]}/{name[2:]}" if prefix else f"{name[:2]}/{name[2:]}"
                        moves.append(f"0 {zero}\t{here}")
                        moves.append(f"{mode} {sha}\t{below}")
                    splits[prefix] = moves
            else:
                fanouts[obj] = level
        # A note placed at a level that another new note splits goes down with it.
        for obj, level in list(fanouts.items()):
            prefix = "/".join(obj[2 * i: 2 * i + 2] for i in range(level))
            if prefix in splits and level < MAX_FANOUT:
                fanouts[obj] = level + 1
        return fanouts, splits


#: git's words for an object that is not there (read-tree, write-tree on a damaged notes tree).
_DAMAGE_MESSAGES = ("unable to read", "invalid object", "missing", "bad object", "not a tree object",
                    "not a valid object", "nonexistent object", "failed to unpack")
#: git's words when ``git gc`` pulled the floor from under an object being written: try again.
_GC_RACES = ("unable to create temporary file", "unable to write loose object", "unable to write file")
#: git holds a ref's lock file for milliseconds; one older than this was left behind.
STALE_LOCK_SECONDS = 10.0
_REF_CLASH = re.compile(r"'([^']+)' exists; cannot create '")
_LOCK_FILE = re.compile(r"Unable to create '([^']+\.lock)': File exists")


def _check_stale_lock(err: str) -> None:
    """Raise :class:`ReviewtoolError` when *err* (from ``update-ref``) names a lock file that
    has been there for :data:`STALE_LOCK_SECONDS`: no writer will ever release it, so
    retrying would only wait. A younger one is another writer at work: retry."""
    found = _LOCK_FILE.search(err)
    if found is None:
        return
    try:
        age = time.time() - os.stat(found.group(1)).st_mtime
    except OSError:
        return  # released meanwhile
    if age >= STALE_LOCK_SECONDS:
        raise ReviewtoolError(f"{found.group(1)} exists (for {age:.0f} s): a git process that stopped left it; "
                              "if no git command is running, remove it and try again")


def _count_of(n: int, one: str, many: str | None = None) -> str:
    """``1 note blob``, ``3 note blobs``: *n* and the right form of the noun."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def union_note(ours: bytes, theirs: bytes) -> bytes:
    """*ours* byte for byte, then the non-blank lines of *theirs* that *ours* lacks (in order)."""
    if not theirs or theirs == ours:
        return ours
    have = set(ours.split(b"\n"))
    extra: list[bytes] = []
    for line in theirs.split(b"\n"):
        if line.strip() and line not in have:
            have.add(line)
            extra.append(line)
    if not extra:
        return ours
    if ours and not ours.endswith(b"\n"):
        ours += b"\n"
    return ours + b"\n".join(extra) + b"\n"


def backoff(attempt: int, base: float = 0.004, cap: float = 0.25) -> None:
    """Sleep a random (full-jitter) time that grows with *attempt*, at most *cap* seconds."""
    time.sleep(random.uniform(0, min(cap, base * (2 ** min(attempt, 16)))))
