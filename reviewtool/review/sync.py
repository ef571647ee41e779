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

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.notes_damage import check_tip
from reviewtool.git.notes_ref import NotesStore, backoff
from reviewtool.git.repo import GitRepo
from reviewtool.review.notes_merge import MERGE_RANK, MergeCounts, merge_notes
from reviewtool.textsafe import one_line
from reviewtool.wording import counted

__all__ = ["InitResult", "MergeCounts", "SyncResult", "fetch_refspec", "init_repo", "merge_notes",
           "push_refspec", "refetch", "sync", "tracking_ref"]

#: How many fetch-merge-push rounds :func:`sync` tries when pushes keep being rejected.
MAX_ROUNDS = 10

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
      A ``notes.rewriteMode`` of ``overwrite`` or ``ignore`` (which keep one note of the
      commits a rebase squashes) is warned about, not changed: it is the user's, for every notes ref.
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
    mode = (repo.config_get("notes.rewriteMode") or "concatenate").lower()
    if mode in ("overwrite", "ignore"):
        kept = "the last one's" if mode == "overwrite" else "the first one's"
        result.warnings.append(
            f"notes.rewriteMode is {mode}: when a rebase squashes commits that carry review notes, the new "
            f"commit keeps only {kept} events (the others stay only on the dropped commits, where "
            f"`git notes prune` deletes them); run git config notes.rewriteMode concatenate")
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
    """What :func:`sync` did. Counts are *events* (distinct event ids); malformed lines are
    counted apart (they are kept and travel like events, but are no events).

    ``fetched``: events in the remote's notes; ``new_from_remote``: events we got that we
    never had; ``restored_here``: events our notes had held and lost (a hand edit, ``git notes
    prune``), taken back from the remote or from our own history; ``pushed``: events the
    remote got that it never had; ``restored_there``: events the remote's notes had lost, given
    back; ``malformed``: malformed lines on the remote (``fetched``), added here (``new``) and
    pushed (``pushed``). ``merge``: ``empty`` (no notes on either side), ``up-to-date``,
    ``ours`` (we held everything), ``fast-forward``, ``restore`` (a commit giving back lost
    lines on top of the side that contained the other) or ``merge``; ``rounds``:
    fetch-merge-push rounds (more than 1 when a push was rejected).
    """

    remote: str
    ref: str
    tracking_ref: str
    fetched: int = 0
    new_from_remote: int = 0
    restored_here: int = 0
    pushed: int = 0
    restored_there: int = 0
    restored_lines: dict[str, int] = field(default_factory=lambda: {"here": 0, "there": 0})
    malformed: dict[str, int] = field(default_factory=lambda: {"fetched": 0, "new": 0, "pushed": 0})
    merge: str = "empty"
    rounds: int = 0
    before: str | None = None
    after: str | None = None

    def add_round(self, kind: str, counts: MergeCounts) -> None:
        """Take in the merge of one round: what arrived accumulates, the rest is the last round's."""
        self.fetched = counts.fetched
        self.new_from_remote += counts.new_from_remote
        self.restored_here += counts.restored_here
        self.pushed, self.restored_there = counts.pushed, counts.restored_there
        self.restored_lines = {"here": self.restored_lines["here"] + counts.restored_lines_here,
                               "there": counts.restored_lines_there}
        self.malformed = {"fetched": counts.fetched_malformed, "new": self.malformed["new"] + counts.malformed_new,
                          "pushed": counts.malformed_pushed}
        if MERGE_RANK[kind] > MERGE_RANK[self.merge]:
            self.merge = kind

    def summary(self) -> str:
        """One line: what the remote holds, what came, what went, and the kind of merge."""
        bad = self.malformed["fetched"]
        return (f"{self.remote}: {_events(self.fetched)} on the remote"
                + (f" (and {_lines(bad)})" if bad else "")
                + f", {self.new_from_remote} new here, {self.pushed} pushed ({self.merge})")

    def notices(self) -> list[str]:
        """Lines worth telling beside the summary: restored events and lines, malformed lines that moved."""
        lines = []
        for count, lost_lines, whose in ((self.restored_here, self.restored_lines["here"], "your notes"),
                                         (self.restored_there, self.restored_lines["there"],
                                          f"{self.remote}'s notes")):
            other = lost_lines - count
            if count:
                lines.append(f"restored {_events(count)} that {whose} had lost"
                             + (f" (and {counted(other, 'other line')})" if other > 0 else ""))
            elif lost_lines:
                lines.append(f"restored {counted(lost_lines, 'line')} that {whose} had lost "
                             "(events still there in another form, or malformed lines)")
        if self.malformed["new"]:
            lines.append(f"kept {_lines(self.malformed['new'])} from {self.remote} that "
                         f"{'are' if self.malformed['new'] != 1 else 'is'} no event "
                         "(malformed; see `reviewtool comments`)")
        if self.malformed["pushed"]:
            lines.append(f"pushed {_lines(self.malformed['pushed'])} that "
                         f"{'are' if self.malformed['pushed'] != 1 else 'is'} no event (malformed)")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {"remote": self.remote, "ref": self.ref, "tracking_ref": self.tracking_ref,
                "fetched": self.fetched, "new_from_remote": self.new_from_remote,
                "restored_here": self.restored_here, "pushed": self.pushed, "restored_there": self.restored_there,
                "restored_lines": dict(self.restored_lines), "malformed": dict(self.malformed),
                "merge": self.merge, "rounds": self.rounds,
                "before": self.before, "after": self.after, "notices": self.notices()}


def _events(n: int) -> str:
    return counted(n, "event")


def _lines(n: int) -> str:
    return counted(n, "malformed line")


def sync(repo: GitRepo, remote: str = "origin", notes_ref: str | None = None,
         max_rounds: int = MAX_ROUNDS, progress: Callable[[str], None] | None = None) -> SyncResult:
    """Fetch the remote's review notes, merge them with ours (union of events), push the result.

    The merge (:func:`~reviewtool.review.notes_merge.merge_notes`) never takes a copy that
    lost lines as it is: it keeps the union of both sides and of every line either held since
    they diverged, so a deletion made by hand in one clone does not spread, and is undone.

    *progress*, when given, is called with one line as each step starts (fetching,
    merging, pushing, and a retry when the push was rejected); it may be called from
    the thread running :func:`sync`.

    Raises :class:`ReviewtoolError` (one line) for an unknown or unreachable remote, when the
    push is refused (quoting what the server said) or still rejected after *max_rounds* rounds,
    and :class:`~reviewtool.git.notes_damage.DamagedNotesRef` when our notes ref is damaged.
    """
    report = progress or (lambda line: None)
    _check_remote(repo, remote)
    store = NotesStore(repo, notes_ref)
    tracking = tracking_ref(store.ref, remote)
    result = SyncResult(remote, store.ref, tracking, before=store.head())
    synced = store.resolve(tracking)  # what we last fetched (and merged) from this remote
    for round_no in range(1, max_rounds + 1):
        result.rounds = round_no
        report(f"fetching review notes from {remote}…" if round_no == 1 else
               f"{remote} changed while we pushed: fetching again (round {round_no} of {max_rounds})…")
        theirs = _fetch(repo, store, remote, tracking)
        report(f"merging review notes from {remote}…" if theirs else f"{remote} has no review notes yet")
        ours, kind, counts = merge_notes(store, theirs, remote, synced)
        result.add_round(kind, counts)
        result.after = ours
        if ours is None or ours == theirs:
            result.pushed = result.restored_there = result.malformed["pushed"] = result.restored_lines["there"] = 0
            return result
        report(f"pushing {_events(counts.pushed + counts.restored_there)} to {remote}…")
        if _push(repo, store, remote):
            repo.run("update-ref", "-m", "reviewtool sync: pushed", tracking, ours)
            return result
        backoff(round_no, base=0.05, cap=1.0)
    raise ReviewtoolError(f"could not push {store.ref} to {remote}: the remote kept changing "
                          f"({max_rounds} attempts); run `reviewtool sync` again")


#: Attempts at fetching while another sync of this repository holds the tracking ref.
FETCH_ATTEMPTS = 8


def refetch(repo: GitRepo, store: NotesStore, remote: str) -> str | None:
    """Fetch the remote's notes ref into its tracking ref *again*, every object of its history
    (``git fetch --refetch``: no negotiation, so objects this repository lost come back even
    where a ref still names them). The tracking ref's commit, or None when the remote has no
    notes. Raises :class:`ReviewtoolError` when the fetch fails."""
    return _fetch(repo, store, _check_remote(repo, remote), tracking_ref(store.ref, remote), refetch=True)


def _fetch(repo: GitRepo, store: NotesStore, remote: str, tracking: str, refetch: bool = False) -> str | None:
    """Fetch the remote's notes ref into *tracking*; its commit, or None when the remote has none.

    ``--refmap=`` (empty) keeps the remote's configured fetch refspecs out of it: a common
    recipe, ``+refs/notes/*:refs/notes/*``, would otherwise make git force our own notes
    ref to the remote's as a side effect (an "opportunistic update"), dropping every
    local comment not yet pushed. Only the tracking ref is written.
    """
    for attempt in range(1, FETCH_ATTEMPTS + 1):
        code, _, err = repo.try_run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--refmap=",
                                    *(["--refetch"] if refetch else []), remote, f"+{store.ref}:{tracking}")
        if refetch and code != 0 and "--refetch" in err:  # git before 2.36: an ordinary fetch
            refetch = False
            continue
        if code == 0:
            return store.resolve(tracking)
        if "couldn't find remote ref" in err:
            return None
        if "cannot lock ref" in err and tracking in err and attempt < FETCH_ATTEMPTS:
            backoff(attempt, base=0.02, cap=0.5)  # another sync here is moving the tracking ref
            continue
        break
    if f"bad object {tracking}" in err:  # our copy of the remote's notes names a missing object
        check_tip(repo, tracking)  # raises DamagedNotesRef naming the tracking ref and what is wrong
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
    line = status or next((x.strip() for x in err.splitlines() if x.strip() and not x.startswith(("hint:", "remote:"))),
                          "git push failed")
    said = _remote_said(err)
    raise ReviewtoolError(f"cannot push to {remote}: {_git_message(line)}"
                          + (f"; the remote said: {said}" if said else ""))


#: How much of the remote's own message (a hook's refusal) an error quotes.
REMOTE_MESSAGE_CHARS = 400


def _remote_said(err: str) -> str:
    """What the remote printed (``remote: ...`` lines: a pre-receive or update hook's refusal),
    as one line of plain text (control characters removed, lines joined with " / ")."""
    said = [one_line(line[len("remote:"):]) for line in err.splitlines() if line.startswith("remote:")]
    text = " / ".join(line for line in said if line)
    return text if len(text) <= REMOTE_MESSAGE_CHARS else text[:REMOTE_MESSAGE_CHARS - 1] + "…"
