"""Sharing review notes through a git remote: ``init`` (configuration) and ``sync`` (fetch, merge, push).

Notes refs are not transferred by git's default refspecs, and ``commit --amend`` /
``rebase`` drop notes unless ``notes.rewriteRef`` names the ref. :func:`init_repo`
sets both up. :func:`sync` fetches the remote's notes ref into
``refs/notes/remotes/REMOTE/<name>``, merges it with ours as a union of event lines
(a fast-forward when one side contains the other, else a two-parent merge commit
whose notes are "ours, then theirs' new lines"), moves our ref with a
compare-and-swap, and pushes; when the push is rejected because someone pushed in
between, it fetches, merges and pushes again (bounded).

The union is the same result ``git notes merge -s cat_sort_uniq`` reaches up to
line order, and readers order events by time, so both merge paths read back alike.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.notes_ref import FANOUT_SPLIT, NotesStore, NotesTree, backoff, note_path, union_note
from reviewtool.git.repo import GitRepo

#: How many fetch-merge-push rounds :func:`sync` tries when pushes keep being rejected.
MAX_ROUNDS = 10

#: When rounds differ, the result reports the most significant kind of merge.
_MERGE_RANK = {"empty": 0, "up-to-date": 1, "ours": 2, "fast-forward": 3, "merge": 4}
#: Push failures that mean "the remote ref moved": fetch, merge and push again.
_PUSH_RETRYABLE = ("[rejected]", "fetch first", "non-fast-forward", "stale info", "cannot lock ref",
                   "failed to lock", "failed to update ref", "incorrect old value")


def tracking_ref(notes_ref: str, remote: str) -> str:
    """Where the remote's notes ref is fetched to: ``refs/notes/remotes/REMOTE/<name>``."""
    return f"refs/notes/remotes/{remote}/{notes_ref.removeprefix('refs/notes/')}"


def fetch_refspec(notes_ref: str, remote: str) -> str:
    """The fetch refspec :func:`init_repo` configures.

    A pattern (``+refs/notes/reviewtool*:...``) rather than the exact ref, because git
    fails every plain ``git fetch`` with "couldn't find remote ref" while the remote has
    no notes yet when a configured refspec names a missing ref exactly.
    """
    return f"+{notes_ref}*:{tracking_ref(notes_ref, remote)}*"


def push_refspec(notes_ref: str) -> str:
    """The push refspec :func:`init_repo` configures (a pattern: a missing local ref is no error)."""
    return f"{notes_ref}*:{notes_ref}*"


def _remotes(repo: GitRepo) -> list[str]:
    return repo.run("remote").split()


def _check_remote(repo: GitRepo, remote: str) -> str:
    if not remote or remote.startswith("-") or any(c in remote for c in " \t\n\0"):
        raise UsageError(f"invalid remote name {remote!r}")
    remotes = _remotes(repo)
    if remote not in remotes:
        there = f"remotes here: {', '.join(remotes)}" if remotes else "this repository has no remote"
        raise ReviewtoolError(f"no such remote: {remote} ({there}; see `git remote -v`)")
    return remote


# ---------------------------------------------------------------------------- init


@dataclass
class InitResult:
    """What :func:`init_repo` configured: ``changes`` made, ``unchanged`` settings already right,
    the repository's ``remotes``, and ``warnings`` about settings it left alone but that work
    against the review notes (one line each)."""

    ref: str
    remote: str | None
    changes: list[dict[str, str]] = field(default_factory=list)
    unchanged: list[dict[str, str]] = field(default_factory=list)
    remotes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "remote": self.remote, "changed": bool(self.changes),
                "changes": self.changes, "unchanged": self.unchanged, "remotes": self.remotes,
                "warnings": self.warnings}


def init_repo(repo: GitRepo, remote: str | None = None, notes_ref: str | None = None) -> InitResult:
    """Configure *repo* so review notes survive amend/rebase and travel with *remote*. Idempotent.

    * ``notes.rewriteRef`` += the notes ref (added next to existing values, never replacing);
      ``notes.rewrite.amend`` and ``notes.rewrite.rebase`` = true;
      ``notes.<name>.mergeStrategy`` = cat_sort_uniq (for people merging with plain git).
    * For *remote* (default ``origin`` when it exists): a fetch refspec into
      ``refs/notes/remotes/REMOTE/<name>`` and a push refspec for the ref. When the remote had
      no push refspec at all, ``HEAD`` is added first: any configured push refspec replaces
      ``push.default``, and without it a plain ``git push`` would stop pushing the current branch.
    """
    ref = NotesStore(repo, notes_ref).ref
    remotes = _remotes(repo)
    if remote is not None:
        _check_remote(repo, remote)
    elif "origin" in remotes:
        remote = "origin"
    result = InitResult(ref, remote, remotes=remotes)

    def get_all(key: str) -> list[str]:
        code, out, _ = repo.try_run("config", "--get-all", key)
        return out.splitlines() if code == 0 else []

    def ensure(key: str, value: str, present: bool, add: bool) -> None:
        entry = {"key": key, "value": value}
        if present:
            result.unchanged.append(entry)
            return
        if add:
            repo.run("config", "--add", key, value)
        else:
            repo.run("config", key, value)
        result.changes.append({**entry, "action": "add" if add else "set"})

    ensure("notes.rewriteRef", ref, ref in get_all("notes.rewriteRef"), add=True)
    for key in ("notes.rewrite.amend", "notes.rewrite.rebase"):
        code, out, _ = repo.try_run("config", "--type=bool", "--get", key)
        ensure(key, "true", code == 0 and out.strip() == "true", add=False)
    strategy_key = f"notes.{ref.removeprefix('refs/notes/')}.mergeStrategy"
    ensure(strategy_key, "cat_sort_uniq", repo.config_get(strategy_key) == "cat_sort_uniq", add=False)
    if remote is not None:
        fetch = get_all(f"remote.{remote}.fetch")
        tracking = tracking_ref(ref, remote)
        have_fetch = any(spec.lstrip("+") in (f"{ref}:{tracking}", fetch_refspec(ref, remote).lstrip("+"))
                         for spec in fetch)
        ensure(f"remote.{remote}.fetch", fetch_refspec(ref, remote), have_fetch, add=True)
        push = get_all(f"remote.{remote}.push")
        have_push = any(spec.lstrip("+") in (f"{ref}:{ref}", push_refspec(ref)) for spec in push)
        if not have_push and not push:
            ensure(f"remote.{remote}.push", "HEAD", False, add=True)
            default = repo.config_get("push.default") or "simple"
            if default in ("upstream", "tracking", "matching", "nothing"):
                result.warnings.append(
                    f"push.default is {default}, but a push refspec replaces it: a plain `git push` to "
                    f"{remote} now pushes HEAD to the branch of the same name (and the review notes)")
        ensure(f"remote.{remote}.push", push_refspec(ref), have_push, add=True)
        for spec in get_all(f"remote.{remote}.push"):
            src, _, dst = spec.lstrip("+").partition(":")
            if spec.startswith("+") and _covers(dst or src, ref):
                result.warnings.append(
                    f"remote.{remote}.push has {spec}: a plain `git push` force-overwrites {remote}'s review "
                    f"notes with yours, dropping comments others pushed (reviewtool sync never forces); "
                    f"remove it with git config --unset remote.{remote}.push '{_config_pattern(spec)}'")
        if repo.config_get(f"remote.{remote}.mirror") == "true":
            result.warnings.append(f"remote.{remote}.mirror is true: a plain `git push` force-overwrites "
                                   f"{remote}'s review notes with yours")
        for spec in fetch:
            src, _, dst = spec.lstrip("+").partition(":")
            if _covers(dst, ref) and src.endswith(("/*", ref)):
                result.warnings.append(
                    f"remote.{remote}.fetch has {spec}: a plain `git fetch` overwrites your review notes "
                    f"with {remote}'s, dropping comments not yet synced (reviewtool sync ignores it); "
                    f"remove it with git config --unset remote.{remote}.fetch '{_config_pattern(spec)}'")
    return result


def _covers(pattern: str, ref: str) -> bool:
    """Whether the refspec side *pattern* (a ref, or a glob with one ``*``) names *ref*."""
    if "*" not in pattern:
        return pattern == ref
    head, _, tail = pattern.partition("*")
    return ref.startswith(head) and ref.endswith(tail) and len(ref) >= len(head) + len(tail)


def _config_pattern(value: str) -> str:
    """*value* as an exact-match regex for ``git config --unset`` (which takes a value pattern)."""
    return "^" + re.escape(value) + "$"


# ---------------------------------------------------------------------------- sync


@dataclass
class SyncResult:
    """What :func:`sync` did. Counts are event lines (one event per line).

    ``fetched``: events in the remote's notes; ``new_from_remote``: events we did not have;
    ``pushed``: events the remote did not have; ``merge``: ``up-to-date``, ``fast-forward``,
    ``merge``, ``ours`` (we were ahead, or the remote had no notes) or ``empty`` (no notes
    on either side);
    ``rounds``: fetch-merge-push rounds (more than 1 when a push was rejected).
    """

    remote: str
    ref: str
    tracking_ref: str
    fetched: int = 0
    new_from_remote: int = 0
    pushed: int = 0
    merge: str = "empty"
    rounds: int = 0
    before: str | None = None
    after: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"remote": self.remote, "ref": self.ref, "tracking_ref": self.tracking_ref,
                "fetched": self.fetched, "new_from_remote": self.new_from_remote, "pushed": self.pushed,
                "merge": self.merge, "rounds": self.rounds, "before": self.before, "after": self.after}


def sync(repo: GitRepo, remote: str = "origin", notes_ref: str | None = None,
         max_rounds: int = MAX_ROUNDS, progress: Callable[[str], None] | None = None) -> SyncResult:
    """Fetch the remote's review notes, merge them with ours (union of events), push the result.

    *progress*, when given, is called with one line as each step starts (fetching,
    merging, pushing, and a retry when the push was rejected); it may be called from
    the thread running :func:`sync`.

    Raises :class:`ReviewtoolError` (one line) for an unknown or unreachable remote, or when
    the push is still rejected after *max_rounds* rounds.
    """
    report = progress or (lambda line: None)
    _check_remote(repo, remote)
    store = NotesStore(repo, notes_ref)
    tracking = tracking_ref(store.ref, remote)
    result = SyncResult(remote, store.ref, tracking, before=store.head())
    for round_no in range(1, max_rounds + 1):
        result.rounds = round_no
        report(f"fetching review notes from {remote}…" if round_no == 1 else
               f"{remote} changed while we pushed: fetching again (round {round_no} of {max_rounds})…")
        theirs = _fetch(repo, store, remote, tracking)
        report(f"merging review notes from {remote}…" if theirs else f"{remote} has no review notes yet")
        ours, kind, counts = merge_notes(store, theirs, remote)
        result.fetched = counts["theirs"]
        result.new_from_remote += counts["new_from_remote"]
        result.pushed = counts["pushed"]
        if _MERGE_RANK[kind] > _MERGE_RANK[result.merge]:
            result.merge = kind
        result.after = ours
        if ours is None or ours == theirs:
            result.pushed = 0
            return result
        report(f"pushing {counts['pushed']} event(s) to {remote}…")
        if _push(repo, store, remote):
            repo.run("update-ref", "-m", "reviewtool sync: pushed", tracking, ours)
            return result
        backoff(round_no, base=0.05, cap=1.0)
    raise ReviewtoolError(f"could not push {store.ref} to {remote}: the remote kept changing "
                          f"({max_rounds} attempts); run `reviewtool sync` again")


#: Attempts at fetching while another sync of this repository holds the tracking ref.
FETCH_ATTEMPTS = 8


def _fetch(repo: GitRepo, store: NotesStore, remote: str, tracking: str) -> str | None:
    """Fetch the remote's notes ref into *tracking*; its commit, or None when the remote has none.

    ``--refmap=`` (empty) keeps the remote's configured fetch refspecs out of it: a common
    recipe, ``+refs/notes/*:refs/notes/*``, would otherwise make git force our own notes
    ref to the remote's as a side effect (an "opportunistic update"), dropping every
    local comment not yet pushed. Only the tracking ref is written.
    """
    for attempt in range(1, FETCH_ATTEMPTS + 1):
        code, _, err = repo.try_run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--refmap=",
                                    remote, f"+{store.ref}:{tracking}")
        if code == 0:
            return store.resolve(tracking)
        if "couldn't find remote ref" in err:
            return None
        if "cannot lock ref" in err and tracking in err and attempt < FETCH_ATTEMPTS:
            backoff(attempt, base=0.02, cap=0.5)  # another sync here is moving the tracking ref
            continue
        break
    line = next((x.strip() for x in err.splitlines() if x.strip()), "git fetch failed")
    raise ReviewtoolError(f"cannot fetch from {remote}: {_git_message(line)}")


def _git_message(line: str) -> str:
    """A line of git's stderr without its ``fatal:`` / ``error:`` prefixes."""
    while True:
        stripped = line.removeprefix("fatal: ").removeprefix("error: ")
        if stripped == line:
            return line
        line = stripped


def _push(repo: GitRepo, store: NotesStore, remote: str) -> bool:
    """Push our notes ref (never forced). False when rejected because the remote moved."""
    code, out, err = repo.try_run("push", "--porcelain", "--quiet", remote, f"{store.ref}:{store.ref}")
    if code == 0:
        return True
    # Porcelain status line: "!<TAB>src:dst<TAB>[rejected] (fetch first)".
    status = next((x.split("\t")[-1] for x in out.splitlines() if x.startswith("!")), "")
    if any(marker in status for marker in _PUSH_RETRYABLE) or (
            not status and any(marker in err for marker in _PUSH_RETRYABLE)):
        return False
    line = status or next((x.strip() for x in err.splitlines() if x.strip() and not x.startswith("hint:")),
                          "git push failed")
    raise ReviewtoolError(f"cannot push to {remote}: {_git_message(line)}")


def _is_ancestor(repo: GitRepo, a: str, b: str) -> bool:
    code, _, _ = repo.try_run("merge-base", "--is-ancestor", a, b)
    return code == 0


def merge_notes(store: NotesStore, theirs: str | None, label: str = "remote") -> tuple[str | None, str, dict[str, int]]:
    """Merge the notes commit *theirs* into *store*'s ref: the union of both sides' event lines.

    A fast-forward when our ref is an ancestor of *theirs*, nothing when it contains *theirs*,
    else a two-parent merge commit (see :func:`_merge_commit`). The ref moves with a
    compare-and-swap, retried while local writers move it. Returns ``(our ref afterwards,
    kind, counts)`` with *kind* as in :class:`SyncResult` and *counts* ``{"theirs",
    "new_from_remote", "pushed"}`` (event lines). *label* names the other side in the
    merge commit's message.
    """
    with store.writer_lock():
        for attempt in range(1, store.max_attempts + 1):
            ours = store.head()
            counts, merged_data = _compare(store, ours, theirs)
            if ours is None and theirs is None:
                return None, "empty", counts
            if theirs is None:
                return ours, "ours", counts
            if ours == theirs:
                return ours, "up-to-date", counts
            if ours is None or _is_ancestor(store.repo, ours, theirs):
                new, kind = theirs, "fast-forward"
            elif _is_ancestor(store.repo, theirs, ours):
                return ours, "ours", counts
            else:
                new = _merge_commit(store, ours, theirs, merged_data, label)
                kind = "merge"
            if store.compare_and_swap(new, ours, f"reviewtool sync: {kind} with {label}"):
                return new, kind, counts
            backoff(attempt)
    raise ReviewtoolError(f"could not update {store.ref}: other writers kept moving it")


#: What :func:`_compare` hands to :func:`_merge_commit`: our tree, their tree, and the notes read.
_MergeData = tuple[NotesTree, NotesTree, dict[str, bytes]]


def _count(data: bytes) -> int:
    return sum(1 for line in data.split(b"\n") if line.strip())


def _compare(store: NotesStore, ours: str | None, theirs: str | None) -> tuple[dict[str, int], _MergeData]:
    """Event counts between two notes commits, and everything a merge needs.

    Returns ``(counts, (ours_tree, theirs_tree, contents))`` where *contents* maps blob ids
    to bytes for every note of *theirs* and every note of *ours* that differs.
    """
    ours_tree, theirs_tree = store.tree(ours), store.tree(theirs)
    want: list[str] = []
    for obj, entries in theirs_tree.notes.items():
        want.extend(sha for _, sha in entries)
        mine = ours_tree.notes.get(obj)
        if mine and [s for _, s in mine] != [s for _, s in entries]:
            want.extend(sha for _, sha in mine)
    contents = store.read_blobs(want)
    counts = {"theirs": 0, "new_from_remote": 0, "pushed": 0}
    for obj, entries in theirs_tree.notes.items():
        data = _note_data(entries, contents)
        counts["theirs"] += _count(data)
        mine = ours_tree.notes.get(obj)
        if mine is None:
            counts["new_from_remote"] += _count(data)
        elif [s for _, s in mine] != [s for _, s in entries]:
            ours_data = _note_data(mine, contents)
            counts["new_from_remote"] += _count(union_note(ours_data, data)) - _count(ours_data)
            counts["pushed"] += _count(union_note(data, ours_data)) - _count(data)
    missing = [entries for obj, entries in ours_tree.notes.items() if obj not in theirs_tree.notes]
    if missing:
        extra = store.read_blobs(sha for entries in missing for _, sha in entries)
        counts["pushed"] += sum(_count(_note_data(entries, extra)) for entries in missing)
    return counts, (ours_tree, theirs_tree, contents)


def _note_data(entries: list[tuple[str, str]], contents: dict[str, bytes]) -> bytes:
    data = contents.get(entries[0][1], b"")
    for _, sha in entries[1:]:
        data = union_note(data, contents.get(sha, b""))
    return data


def _merge_commit(store: NotesStore, ours: str, theirs: str, merged_data: _MergeData, label: str) -> str:
    """A merge commit (parents: ours, theirs) whose notes are the union of both sides' notes.

    For an object noted on both sides with different content: our note byte for byte, then
    their lines we lack (exact duplicates dropped). The tree is written afresh with a uniform
    fanout for the total number of notes; entries that are not notes are kept.
    """
    ours_tree, theirs_tree, contents = merged_data
    doubled = [sha for tree in (ours_tree, theirs_tree) for entries in tree.notes.values()
               if len(entries) > 1 for _, sha in entries if sha not in contents]
    if doubled:  # an object noted at two fanouts (hand-made trees): its notes are folded into one
        contents = {**contents, **store.read_blobs(doubled)}
    total = len(set(ours_tree.notes) | set(theirs_tree.notes))
    fanout = 0
    while total >= FANOUT_SPLIT * (256 ** fanout) and fanout < 3:
        fanout += 1
    index_info: list[str] = []
    new_blobs: dict[str, bytes] = {}
    for obj in sorted(set(ours_tree.notes) | set(theirs_tree.notes)):
        mine, other = ours_tree.notes.get(obj), theirs_tree.notes.get(obj)
        if mine is not None and other is not None and [s for _, s in mine] != [s for _, s in other]:
            data = union_note(_note_data(mine, contents), _note_data(other, contents))
            new_blobs[obj] = data
            continue
        entries = mine if mine is not None else other
        assert entries is not None
        if len(entries) > 1:
            new_blobs[obj] = _note_data(entries, contents)
            continue
        index_info.append(f"100644 {entries[0][1]}\t{note_path(obj, fanout)}")
    if new_blobs:
        shas = _hash_many(store, list(new_blobs.values()))
        for obj, sha in zip(new_blobs, shas):
            index_info.append(f"100644 {sha}\t{note_path(obj, fanout)}")
    seen_paths = set()
    for mode, otype, sha, path in ours_tree.other + theirs_tree.other:
        if path not in seen_paths and otype != "tree":
            seen_paths.add(path)
            index_info.append(f"{mode} {sha}\t{path}")
    tree = store.write_tree(None, index_info)
    return store.commit_tree(tree, [ours, theirs], f"Notes merged by 'reviewtool sync' from {label}")


def _hash_many(store: NotesStore, blobs: list[bytes]) -> list[str]:
    """Write many blobs with one ``git hash-object -w --stdin-paths``."""
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
