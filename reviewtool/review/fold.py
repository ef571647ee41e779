"""Folding events into threads: dedupe by id, then apply in (time, id) order.

:func:`dedupe` keeps one event per id (the same event may sit in several notes);
:func:`fold` turns unique events into :class:`~reviewtool.review.events.Thread` objects in
one pass in (time, id) order (:func:`_fold`, handing over to :func:`_fold_any_order` when
clocks were skewed); :func:`_apply_event` is the one home of the folding rules; and
:func:`dangling_problems` says why events were set aside (an unknown target, or a reply
chain that never reaches a comment). Folding is linear in the events whatever they target:
reply chains are settled once each (:func:`_chain_ends`), so loops cost no more than threads.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from operator import attrgetter, eq

from reviewtool.review.events import EVENT_TYPES, TYPE_NAMES, Event, Problem, Reply, Thread, same_person


def dedupe(events: Iterable[Event]) -> tuple[list[Event], list[Problem]]:
    """One event per id. Identical lines (the same event in several notes) count once.

    Different lines claiming the same id keep the lexically smallest line, so the choice
    does not depend on the order notes were merged; the others are reported.
    """
    events = events if isinstance(events, list) else list(events)
    if len(set(map(_ID, events))) == len(events):  # the usual case: nothing to merge
        return list(events), []
    by_id: dict[str, Event] = {}
    problems: list[Problem] = []
    conflicts: dict[str, list[Event]] = {}
    for ev in events:
        have = by_id.get(ev.id)
        if have is None:
            by_id[ev.id] = ev
            continue
        if ev.note_commit not in have.notes:
            have.notes = tuple(sorted((*have.notes, ev.note_commit)))
            if ev.note_commit < have.note_commit and ev.raw.strip() == have.raw.strip():
                have.note_commit = ev.note_commit
        if ev.raw.strip() != have.raw.strip():
            conflicts.setdefault(ev.id, [have]).append(ev)
    for ev_id, group in conflicts.items():
        unique = {e.raw.strip(): e for e in group}
        keep_raw = min(unique)
        keep = unique[keep_raw]
        keep.notes = tuple(sorted({n for e in group for n in e.notes}))
        by_id[ev_id] = keep
        for raw, e in sorted(unique.items()):
            if raw != keep_raw:
                problems.append(Problem(e.note_commit, e._line, e.raw,
                                        f"duplicate id {ev_id} with other content; ignored"))
    return list(by_id.values()), problems


# ---------------------------------------------------------------------------- folding


def fold(events: Iterable[Event]) -> list[Thread]:
    """Fold events into threads (ordered by creation time).

    Events are deduplicated by id and applied in (time, id) order. Only the author of a
    comment or reply may edit or retract it; such events from anyone else are kept in
    ``refused``. Resolve and reopen (by anyone) set the status in time order; replies to
    replies belong to the root's thread. Events whose target is unknown are ignored
    (see :func:`dangling`).
    """
    return _fold(dedupe(events)[0])


def _fold(unique: list[Event], dangling_out: list[Event] | None = None) -> list[Thread]:
    """:func:`fold` for events that are already unique by id (sorts *unique* in place).

    Events of known types whose target is not found are added to *dangling_out*.

    One pass in (time, id) order, which is enough when every event comes after its
    target, as writers make sure (§4 of the format). An event whose target is not known
    yet is set aside; if any of those turns out to have a target after all (skewed
    clocks), the events are folded again by :func:`_fold_any_order`, otherwise they are
    dangling.
    """
    _sort(unique)
    threads: dict[str, Thread] = {}
    replies: dict[str, Reply] = {}
    waiting: list[Event] = []
    for ev in unique:
        etype = ev.type
        if etype == "comment":
            if ev.anchor is not None:
                threads[ev.id] = Thread(ev.id, ev, ev.anchor, ev.author, ev.email, ev.time, ev.time,
                                        ev.body or "", [], "open", False, [], ev.suggestion, None, [], [ev])
            continue
        target = ev.target
        if not target or etype not in TYPE_NAMES:
            if etype == "reply":  # a reply to nothing is dangling
                waiting.append(ev)
            continue
        thread = threads.get(target)
        if thread is not None:
            item: Thread | Reply = thread
        else:
            reply = replies.get(target)
            if reply is None:
                waiting.append(ev)
                continue
            item = reply
            thread = threads[reply.thread_id]
        thread.events.append(ev)
        if etype == "reply":
            reply = Reply(ev.id, target, ev.author, ev.email, ev.time, ev.body or "", [], False, ev.time, ev,
                          thread.id)
            replies[ev.id] = reply
            thread.replies.append(reply)
        else:
            _apply_event(thread, item, ev, etype)
            continue
        if ev.time > thread.updated:
            thread.updated = ev.time
    if waiting:
        later = {ev.id for ev in waiting if ev.type == "reply"}
        if any(ev.target in threads or ev.target in replies or ev.target in later for ev in waiting):
            return _fold_any_order(unique, dangling_out)
        if dangling_out is not None:
            dangling_out.extend(waiting)
    # Dict order is (time, id) order of the roots already.
    return list(threads.values())


def _fold_any_order(unique: list[Event], dangling_out: list[Event] | None = None) -> list[Thread]:
    """:func:`_fold` for events already sorted by (time, id) that may come before their targets.

    Replies are first linked to their threads whatever their order, then everything is
    applied in order.
    """
    threads: dict[str, Thread] = {}
    parent: dict[str, str] = {}
    reply_events: list[Event] = []
    for ev in unique:
        etype = ev.type
        if etype == "comment":
            if ev.anchor is not None:
                threads[ev.id] = Thread(ev.id, ev, ev.anchor, ev.author, ev.email, ev.time, ev.time,
                                        ev.body or "", [], "open", False, [], ev.suggestion, None, [], [])
        elif etype == "reply" and ev.target:
            parent[ev.id] = ev.target
            reply_events.append(ev)
    # Each reply's chain of targets leads to a thread root (chains that do not are dropped).
    root_of = {rid: end for rid, end in _chain_ends(parent).items() if end in threads}
    replies: dict[str, Reply] = {}
    for ev in reply_events:
        thread_id = root_of.get(ev.id)
        if thread_id is not None:
            replies[ev.id] = Reply(ev.id, ev.target or "", ev.author, ev.email, ev.time, ev.body or "",
                                   updated=ev.time, event=ev, thread_id=thread_id)
    # One pass in time order applies everything else.
    for ev in unique:
        etype = ev.type
        if etype == "comment":
            thread = threads.get(ev.id)
            if thread is not None and thread.root is ev:
                thread.events.append(ev)
            continue
        if etype == "reply":
            reply = replies.get(ev.id)
            if reply is not None:
                thread = threads[reply.thread_id]
                thread.replies.append(reply)
                thread.events.append(ev)
                if ev.time > thread.updated:
                    thread.updated = ev.time
            elif dangling_out is not None:
                dangling_out.append(ev)
            continue
        target = ev.target
        if not target or etype not in EVENT_TYPES:
            continue
        thread = threads.get(target)
        if thread is not None:
            item: Thread | Reply = thread
        else:
            reply = replies.get(target)
            if reply is None:
                if dangling_out is not None:
                    dangling_out.append(ev)
                continue
            item = reply
            thread = threads[reply.thread_id]
        thread.events.append(ev)
        _apply_event(thread, item, ev, etype)
    # Dict order is (time, id) order of the roots already.
    return list(threads.values())


def _chain_ends(parent: dict[str, str], loops: dict[str, tuple[str, int]] | None = None) -> dict[str, str | None]:
    """Where each reply's chain of targets ends: the first id that is not a reply of *parent*
    (id -> target), or ``None`` when the chain loops.

    Linear in the replies whatever the shape: every reply is settled exactly once, the first
    time a walk passes it, and a walk stops at the first reply already settled or already on
    the walk (a loop), so hostile data (long rings, chains running into loops) costs no more
    than a healthy thread.

    *loops*, when given, receives for each reply whose chain loops the loop it runs into:
    ``(the id of one reply on it, how many replies go round it)``, the same for every reply
    running into the same loop.
    """
    end_of: dict[str, str | None] = {}
    for rid, cur in parent.items():
        if rid in end_of:
            continue
        chain = [rid]
        on_walk = {rid}
        while cur in parent and cur not in end_of and cur not in on_walk:
            chain.append(cur)
            on_walk.add(cur)
            cur = parent[cur]
        end = end_of.get(cur, None if cur in parent else cur)
        for node in chain:
            end_of[node] = end
        if end is None and loops is not None:  # a new loop (cur is on this walk) or one met before
            loops.update(dict.fromkeys(chain, loops[cur] if cur in loops else (cur, len(chain) - chain.index(cur))))
    return end_of


def _apply_event(thread: Thread, item: Thread | Reply, ev: Event, etype: str) -> None:
    """Apply an edit, retract, resolve, reopen or applied event to *thread* (*item*: its target).

    The one place the folding rules live: only the author's own edit or retract
    takes effect; anyone else's is kept in ``thread.refused``.
    """
    if etype == "edit" or etype == "retract":
        if not same_person(item.author, item.email, ev.author, ev.email):
            thread.refused.append(ev)
            return
        if etype == "edit":
            item.body = ev.body or ""
            item.edits.append(ev)
            if ev.suggestion is not None and item is thread and thread.anchor.has_quote:
                thread.suggestion = ev.suggestion  # an edit may carry a new suggestion
        else:
            item.retracted = True
        if ev.time > item.updated:
            item.updated = ev.time
    elif etype == "resolve":
        thread.status = "resolved"
    elif etype == "reopen":
        thread.status = "open"
    elif etype == "applied":
        thread.applied = ev
    if ev.time > thread.updated:
        thread.updated = ev.time


#: Why a reply whose chain of targets leads nowhere is not shown.
NEVER_REACHES = "reply chain never reaches a comment"


def dangling_problems(events: Iterable[Event]) -> list[Problem]:
    """One problem per event that folding set aside (*events*: those events), saying why.

    A reply whose target is unknown: ``unknown target X``. A reply whose target is a
    reply that is itself set aside: its chain of targets never reaches a comment, because
    it loops or because it ends at an unknown target (named). Any other event aimed at
    such a reply says so. Linear in *events*, like folding (:func:`_chain_ends`).

    A problem about an event caught in a reply loop (a reply on it or leading into it, an
    event aimed at such a reply) names the loop (:attr:`Problem.loop`), so that a person is
    told of each loop once (:mod:`reviewtool.review.problem_report`).
    """
    events = list(events)
    parent = {ev.id: ev.target or "" for ev in events if ev.type == "reply"}
    loops: dict[str, tuple[str, int]] = {}
    fate = _chain_ends(parent, loops)
    problems = []
    for ev in events:
        target = ev.target
        if ev.type == "reply" and target in parent:
            end = fate[ev.id]
            how = "it loops" if end is None else f"it ends at unknown target {end}"
            reason = f"{NEVER_REACHES} ({how})"
        elif target in parent:
            reason = f"its target {target} is a reply whose chain never reaches a comment"
        else:
            reason = f"unknown target {target}"
        loop = loops.get(ev.id if ev.type == "reply" else target or "")
        problems.append(Problem(ev.note_commit, ev._line, ev.raw, f"{ev.type} {ev.id}: {reason}", loop, ev.id))
    return problems


def _key(ev: Event) -> str:
    # (time, id) order: times are canonical and all 27 characters long, so the
    # concatenation orders exactly like the tuple, and sorts 2-3 times faster.
    return ev.time + ev.id


def _sort(events: list[Event]) -> None:
    """Sort *events* in place in (time, id) order.

    By time alone first, which needs no Python call per event; only when two events
    share a time (rare: writers keep each thread's events apart by at least 1 us) is
    the id needed, and the list is sorted again by both.
    """
    events.sort(key=_TIME)
    times = list(map(_TIME, events))
    if any(map(eq, times, islice(times, 1, None))):  # sorted: equal times are neighbours
        events.sort(key=_key)


_ID = attrgetter("id")
_TIME = attrgetter("time")
