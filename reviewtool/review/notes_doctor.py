"""Doctor's checks of the notes ref (see :mod:`reviewtool.review.doctor`) and their repairs.

* ``notes ref``: the ref names a complete notes commit and every note can be read
  (:func:`~reviewtool.git.notes_damage.check_tip`, a full read); counts events and malformed lines.
* ``notes history``: every object reachable from the ref is present (a push needs them).
* ``lost lines``: no line an earlier version of the ref held (its history, its reflog) is
  missing from it — removal happens only through events.
* ``ref lock``: no ``<ref>.lock`` left behind by a git process that stopped.
* ``remote copies``: each tracking ref ``refs/notes/remotes/REMOTE/<name>`` is whole.

One repair mends the first three: :func:`~reviewtool.git.notes_recovery.recover` reads every
version that can be read (the ref's history and reflog; for a damaged ref also the remote
copies) and :func:`~reviewtool.git.notes_recovery.rebuild` writes their union on top of the
newest whole versions. A stale lock is removed; a damaged remote copy is deleted (the next
``reviewtool sync`` fetches it again).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

from reviewtool.errors import ReviewtoolError
from reviewtool.git.notes_damage import DamagedNotesRef, check_tip, history_problems
from reviewtool.git.notes_history import lost_lines
from reviewtool.git.notes_recovery import Recovery, rebuild, recover, restore_lines, tracking_refs, whole_versions
from reviewtool.git.notes_ref import STALE_LOCK_SECONDS, NotesStore
from reviewtool.git.repo import GitError
from reviewtool.review.codec import parse_note, parse_notes
from reviewtool.review.doctor import Check, DoctorContext, Finding

REF_CHECK, HISTORY_CHECK, LOST_CHECK, LOCK_CHECK, COPIES_CHECK = (
    "notes ref", "notes history", "lost lines", "ref lock", "remote copies")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _store(ctx: DoctorContext) -> NotesStore:
    store: NotesStore = ctx.cached("store", lambda: NotesStore(ctx.repo, ctx.notes_ref))
    return store


def _damage(ctx: DoctorContext) -> str | None:
    """What is wrong with the ref's tip and notes (``None``: readable), with counts cached."""
    def look() -> str | None:
        store = _store(ctx)
        raw: dict[str, bytes] = {}

        def keep() -> Iterator[tuple[str, bytes]]:
            for obj, data in store.iter_raw():
                raw[obj] = data
                yield obj, data

        try:
            events, malformed, notes = 0, 0, 0
            for _, evs, probs in parse_notes(keep()):
                notes += 1
                events += len({e.id for e in evs})
                malformed += len(probs)
            head = store.head()
        except DamagedNotesRef as exc:
            return exc.problem
        ctx.cache["counts"] = (events, malformed, notes, head)
        ctx.cache["notes"] = raw
        return None
    damage: str | None = ctx.cached("damage", look)
    return damage


def _recovery(ctx: DoctorContext, with_copies: bool) -> Recovery:
    store = _store(ctx)
    recovery: Recovery = ctx.cached(f"recovery-{with_copies}",
                                    lambda: recover(store, None if with_copies else []))
    return recovery


REBUILD = "rebuild it from every version that can be read"


def check_ref(ctx: DoctorContext) -> list[Finding]:
    store = _store(ctx)
    problem = _damage(ctx)
    if problem is not None:
        return [Finding(REF_CHECK, "problem", f"{store.ref} is damaged: {problem}", REBUILD)]
    events, malformed, notes, head = ctx.cache["counts"]
    if head is None:
        return [Finding(REF_CHECK, "ok", f"{store.ref}: no review notes yet")]
    extra = f"; {_plural(malformed, 'malformed line')} (kept; `reviewtool comments` lists them)" if malformed else ""
    return [Finding(REF_CHECK, "ok", f"{store.ref}: {_plural(events, 'event')} in {_plural(notes, 'note')}{extra}",
                    data={"events": events, "malformed": malformed, "notes": notes, "commit": head})]


def check_history(ctx: DoctorContext) -> list[Finding]:
    store = _store(ctx)
    if _damage(ctx) is not None:
        return [Finding(HISTORY_CHECK, "ok", "not checked: the ref itself is damaged (see above)")]
    head = ctx.cache["counts"][3]
    if head is None:
        return [Finding(HISTORY_CHECK, "ok", "no history yet")]
    problems = history_problems(store.repo, head)
    if problems:
        return [Finding(HISTORY_CHECK, "problem", f"{store.ref}: {'; '.join(problems)}", REBUILD)]
    return [Finding(HISTORY_CHECK, "ok", "every object of its history is present")]


def check_lost_lines(ctx: DoctorContext) -> list[Finding]:
    if _damage(ctx) is not None:
        return [Finding(LOST_CHECK, "ok", "not checked: the ref itself is damaged (see above)")]
    store = _store(ctx)
    lost, versions, gone = _lost(ctx)
    unreadable = (f" ({_plural(gone, 'object')} of earlier versions could not be read: "
                  "what they held is gone)") if gone else ""
    data = {"versions": versions, "unreadable": gone}
    if not lost:
        return [Finding(LOST_CHECK, "ok", f"no line lost: {_plural(versions, 'version')} looked at{unreadable}",
                        data=data)]
    lines = sum(len(v) for v in lost.values())
    ids: set[str] = set()
    for obj, chunk in lost.items():
        ids.update(e.id for e in parse_note(obj, b"".join(line + b"\n" for line in chunk))[0])
    return [Finding(LOST_CHECK, "problem",
                    f"{store.ref} lacks {_plural(lines, 'line')} ({_plural(len(ids), 'event')}) that earlier "
                    f"versions held{unreadable}", "restore them on top of the ref",
                    data={**data, "lines": lines, "events": len(ids)})]


def _lost(ctx: DoctorContext) -> tuple[dict[str, list[bytes]], int, int]:
    """Lines the ref's earlier versions held that its tip lacks, how many versions were looked
    at, and how many objects could not be read. The fast way when the history is whole (only
    changes that removed lines are read); else every readable version, the tolerant way."""
    def look() -> tuple[dict[str, list[bytes]], int, int]:
        store = _store(ctx)
        head = ctx.cache["counts"][3]
        if head is None:
            return {}, 0, 0
        try:
            found = lost_lines(store.repo, store.ref, head, ctx.cache["notes"])
            return found.lines, found.versions, 0
        except (GitError, DamagedNotesRef):
            recovery = _recovery(ctx, with_copies=False)
            return recovery.lost_lines(), recovery.versions, len(recovery.unreadable)
    found: tuple[dict[str, list[bytes]], int, int] = ctx.cached("lost", look)
    return found


def repair_notes(ctx: DoctorContext, findings: list[Finding]) -> list[str]:
    store = _store(ctx)
    damaged = any(f.check != LOST_CHECK for f in findings)
    actions: list[str] = []
    if damaged and ctx.fetch:
        actions.extend(_refetch_copies(ctx, store))
    ctx.cache.clear()
    still_damaged = _damage(ctx) is not None or check_history(ctx)[0].status != "ok"
    if not still_damaged:
        if damaged:
            actions.append(f"{store.ref} is whole again: the objects it lacked came back with the remote copies")
        if check_lost_lines(ctx)[0].status == "ok":
            return actions
        lost = _lost(ctx)[0]
        head = ctx.cache["counts"][3]
        new = restore_lines(store, head, ctx.cache["notes"], lost)
        count = sum(len(lines) for lines in lost.values())
        return [*actions, f"restored {_plural(count, 'line')} on top of {store.ref} as {new[:12]}"]
    recovery = _recovery(ctx, with_copies=still_damaged)
    parents = whole_versions(store, recovery)
    new = rebuild(store, recovery, parents)
    sources = ", ".join(f"{name}: {_plural(n, 'commit')}" for name, n in recovery.sources.items() if n)
    gone = f"; {_plural(len(recovery.unreadable), 'object')} could not be read" if recovery.unreadable else ""
    return [*actions, f"rebuilt {store.ref} as {new[:12]} from {_plural(recovery.versions, 'version')} "
            f"({sources or 'its own history'}; {_plural(len(recovery.notes), 'note')}){gone}"]


def _refetch_copies(ctx: DoctorContext, store: NotesStore) -> list[str]:
    """Fetch every remote's notes again with all their objects (what this repository lost may
    be among them); one line per remote."""
    from reviewtool.review.sync import refetch

    actions = []
    for remote in ctx.repo.run("remote").split():
        try:
            got = refetch(ctx.repo, store, remote)
        except ReviewtoolError as exc:
            actions.append(f"could not fetch the copy of {remote}: {exc}")
            continue
        actions.append(f"fetched {remote}'s copy again with every object" if got else f"{remote} has no notes")
    return actions


def _lock_path(store: NotesStore) -> Path:
    return Path(store.repo.common_dir()) / (store.ref + ".lock")


def check_lock(ctx: DoctorContext) -> list[Finding]:
    path = _lock_path(_store(ctx))
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        return [Finding(LOCK_CHECK, "ok", "no lock left behind")]
    if age < STALE_LOCK_SECONDS:
        return [Finding(LOCK_CHECK, "warning", f"{path} exists ({age:.0f} s old): a git process is updating the "
                                               "ref right now; run doctor again when it is done")]
    return [Finding(LOCK_CHECK, "problem", f"{path} exists ({age:.0f} s old): a git process that stopped left it, "
                                           "and every write waits for it", "remove it")]


def repair_lock(ctx: DoctorContext, findings: list[Finding]) -> list[str]:
    path = _lock_path(_store(ctx))
    try:
        if time.time() - path.stat().st_mtime < STALE_LOCK_SECONDS:
            return [f"left {path}: it is new, a git process holds it"]
        os.unlink(path)
    except OSError:
        return [f"{path} was gone already"]
    return [f"removed {path}"]


def check_copies(ctx: DoctorContext) -> list[Finding]:
    store = _store(ctx)
    refs = ctx.cached("tracking", lambda: tracking_refs(store))
    if not refs:
        return [Finding(COPIES_CHECK, "ok", "no remote copies fetched yet")]
    findings = []
    for ref in refs:
        try:
            tip = check_tip(store.repo, ref)
            problems = history_problems(store.repo, ref) if tip is not None else []
        except DamagedNotesRef as exc:
            problems = [exc.problem]
        if problems:
            findings.append(Finding(COPIES_CHECK, "problem", f"{ref} is damaged: {'; '.join(problems)}",
                                    f"delete {ref} (`reviewtool sync` fetches it again)", data={"ref": ref}))
        else:
            findings.append(Finding(COPIES_CHECK, "ok", f"{ref}: whole", data={"ref": ref}))
    return findings


def repair_copies(ctx: DoctorContext, findings: list[Finding]) -> list[str]:
    actions = []
    for finding in findings:
        ref = finding.data["ref"]
        code, _, err = _store(ctx).repo.try_run("update-ref", "-d", ref)
        actions.append(f"deleted {ref}; `reviewtool sync` fetches it again" if code == 0 else
                       f"could not delete {ref}: {err.strip()}")
    return actions


NOTES_CHECKS = [
    Check(LOCK_CHECK, check_lock, repair_lock),
    Check(REF_CHECK, check_ref, repair_notes),
    Check(HISTORY_CHECK, check_history, repair_notes),
    Check(LOST_CHECK, check_lost_lines, repair_notes),
    Check(COPIES_CHECK, check_copies, repair_copies),
]
