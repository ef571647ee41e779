"""The history of a notes ref: the lines earlier versions held, and where versions are recorded.

Review notes only grow: every write appends lines, and removal happens only through events
(``retract``). A version that lacks lines an earlier version held has *lost* them — a hand
edit, ``git notes prune``, a tool that rewrote a note, a plain ``git notes merge`` taking
one side's deletion. :func:`removed_blobs` finds such lines without reading every version:
one ``git log -m --raw --numstat`` lists, for each commit and each of its parents, the notes
it changed and how many lines each change removed, and only the earlier blobs of changes
that removed lines need reading (a note moved to another fanout directory, unchanged, is
no removal).

:func:`reflog_commits` reads a ref's reflog without asking git to parse the commits it
names, so that it also works when some of them are gone (the records are git's documented
reflog format, ``OLD SP NEW SP committer TAB message``). :func:`independent` and
:func:`is_ancestor` answer the ancestry questions merging needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reviewtool.git.notes_ref import NotesStore
from reviewtool.git.repo import GitError, GitRepo

_HEX = re.compile(r"^[0-9a-f]+$")


@dataclass(frozen=True)
class Removal:
    """A change in a notes commit that removed lines: the note on ``obj`` was ``blob`` before.

    ``side`` is ``"<"`` or ``">"`` for the left or right side of a symmetric range
    (``A...B``), else ``""``.
    """

    side: str
    obj: str
    blob: str


def removed_blobs(repo: GitRepo, revs: list[str], left_right: bool = False) -> list[Removal]:
    """Every change in the commits *revs* selects (``git log`` revision arguments) that
    removed lines from a note, or the whole note; the note's earlier blob for each.

    One ``git log -m --raw --numstat``: merges are compared with each parent. A change
    whose line count git cannot tell (a note git considers binary) counts as a removal.
    """
    if not revs:
        return []
    args = ["log", "-m", "--raw", "--numstat", "--no-renames", "--no-abbrev", "--no-ext-diff", "--no-textconv",
            "--no-color", "--no-relative", "--no-show-signature", "--format=@%m %H"]
    if left_right:
        args.append("--left-right")
    out = repo.run(*args, "--end-of-options", *revs, "--")
    removals: list[Removal] = []
    seen: set[Removal] = set()
    side = ""
    raw: dict[str, tuple[str, str, str]] = {}  # path -> (old blob, new blob, status)
    deleted: dict[str, str] = {}  # path -> lines removed ("-" when git cannot tell)

    def flush() -> None:
        added = {path.replace("/", ""): new for path, (_, new, status) in raw.items() if status != "D"}
        for path, (old, _new, status) in raw.items():
            if set(old) == {"0"}:
                continue  # the note is new here
            removed = status == "D" or deleted.get(path, "-") != "0"
            obj = path.replace("/", "")
            if not removed or not _HEX.match(obj) or (added.get(obj) == old and status == "D"):
                continue  # nothing removed, not a note, or a note moved to another fanout unchanged
            removal = Removal(side if left_right else "", obj, old)
            if removal not in seen:
                seen.add(removal)
                removals.append(removal)
        raw.clear()
        deleted.clear()

    for line in out.splitlines():
        if line.startswith("@"):
            flush()
            side = line[1:2]
        elif line.startswith(":"):
            meta, _, path = line.partition("\t")
            fields = meta.split()
            if len(fields) >= 5:
                raw[path] = (fields[2], fields[3], fields[4][:1])
        elif line:
            parts = line.split("\t", 2)
            if len(parts) == 3:
                deleted[parts[2]] = parts[1]
    flush()
    return removals


def reflog_commits(repo: GitRepo, ref: str) -> list[str]:
    """The object ids *ref*'s reflog records (old and new of each entry), newest first, without
    duplicates or the all-zero id. Empty when the ref has no reflog (or uses a ref store
    other than files, whose reflog git cannot list without reading every commit)."""
    path = Path(repo.common_dir()) / "logs" / ref
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found: dict[str, None] = {}
    for line in reversed(text.splitlines()):
        fields = line.split(" ", 2)
        if len(fields) < 3:
            continue
        for sha in (fields[1], fields[0]):
            if _HEX.match(sha) and len(sha) in (40, 64) and set(sha) != {"0"}:
                found.setdefault(sha, None)
    return list(found)


def independent(repo: GitRepo, commits: list[str]) -> list[str]:
    """The *commits* none of the others contains (``git merge-base --independent``)."""
    unique = list(dict.fromkeys(commits))
    if len(unique) < 2:
        return unique
    return repo.run("merge-base", "--independent", *unique).split()


def is_ancestor(repo: GitRepo, a: str, b: str) -> bool:
    """Whether commit *a* is *b* or one of its ancestors."""
    code, _, _ = repo.try_run("merge-base", "--is-ancestor", a, b)
    return code == 0


@dataclass
class LostLines:
    """Lines earlier versions of a notes ref held that its tip lacks, per annotated object,
    and how many commits were looked at."""

    lines: dict[str, list[bytes]]
    versions: int


def lost_lines(repo: GitRepo, ref: str, tip: str, tip_notes: dict[str, bytes]) -> LostLines:
    """What the history of *tip* and every version in *ref*'s reflog held that *tip_notes* (the
    tip's notes) lack, found like :func:`removed_blobs`: only changes that removed lines, and
    the reflog versions that are not in the tip's history, are read.

    Raises :class:`GitError` when part of that history cannot be read (the caller then walks
    it the slow, tolerant way: :func:`reviewtool.git.notes_recovery.recover`).
    """
    named = [sha for sha in reflog_commits(repo, ref) if sha != tip]
    found = repo.objects.ask(named) if named else []
    versions = [tip, *(sha for sha, got in zip(named, found) if got is not None and got[1] == "commit")]
    tops = independent(repo, versions)
    count = int(repo.run("rev-list", "--count", *tops).strip() or 0)
    wanted: dict[str, list[str]] = {}
    for removal in removed_blobs(repo, tops):
        wanted.setdefault(removal.obj, []).append(removal.blob)
    blobs = repo.read_blobs(sha for shas in wanted.values() for sha in shas)
    if len(blobs) != len({sha for shas in wanted.values() for sha in shas}):
        raise GitError("a note blob of an earlier version is missing")
    held: dict[str, list[bytes]] = {obj: [blobs[sha] for sha in shas] for obj, shas in wanted.items()}
    store = NotesStore(repo, ref)
    for top in tops:
        if top != tip:
            for obj, data in store.iter_raw(top):
                held.setdefault(obj, []).append(data)
    lost: dict[str, list[bytes]] = {}
    for obj, datas in held.items():
        have = set(tip_notes.get(obj, b"").split(b"\n"))
        extra: dict[bytes, None] = {}
        for data in datas:
            for line in data.split(b"\n"):
                if line.strip() and line not in have:
                    extra[line] = None
        if extra:
            lost[obj] = list(extra)
    return LostLines(lost, count)
