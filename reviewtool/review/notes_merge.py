"""Merging another copy of the review notes into ours: the union of events, counted.

:func:`merge_notes` is sync's merge step (and what a test or another tool calls to merge two
notes commits). The union is computed by :func:`reviewtool.git.notes_union.union`: both tips
and every line either side held since they diverged, so a copy that lost lines can never
take them from the other (never a fast-forward or a push of a ref that drops events the
other side holds). Our ref then moves with a compare-and-swap:

* ``up-to-date``: both sides are the same commit; ``empty``: neither side has notes;
* ``ours``: our notes already hold every line (their commit is ours or an ancestor, or they
  have none), nothing to write;
* ``fast-forward``: their commit contains ours and holds every line;
* ``restore``: one side contains the other, but the union adds lines the containing side
  lost: a commit on top of it;
* ``merge``: a commit with both as parents, whose notes are the union.

:class:`MergeCounts` counts *events* (distinct event ids) and *malformed lines* separately,
and tells restored events (a side held them since the divergence and lost them) from new ones.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from reviewtool.errors import ReviewtoolError
from reviewtool.git.notes_history import is_ancestor
from reviewtool.git.notes_ref import NotesStore, backoff
from reviewtool.git.notes_union import NotesUnion, union, write_union
from reviewtool.review.codec import parse_note

#: When merges of several rounds differ, the most significant is reported.
MERGE_RANK = {"empty": 0, "up-to-date": 1, "ours": 2, "fast-forward": 3, "restore": 4, "merge": 5}


@dataclass
class MergeCounts:
    """What a merge found and moved, in events (distinct ids) and malformed lines.

    ``fetched`` / ``fetched_malformed``: in their notes. ``new_from_remote``: events the
    merge adds to our notes that they never held; ``restored_here``: events our notes had
    held since the sides diverged and lost, taken back. ``pushed`` / ``restored_there``:
    the same for their side (what a push then gives them). ``malformed_new`` /
    ``malformed_pushed``: malformed lines (kept as they are, never dropped) added to ours /
    to theirs. ``restored_lines_here`` / ``restored_lines_there``: every line given back to a
    side that had lost it — restored events, malformed lines, and lines of events the side
    still holds in another form (a tool that rewrote a note changed their bytes).
    """

    fetched: int = 0
    fetched_malformed: int = 0
    new_from_remote: int = 0
    restored_here: int = 0
    pushed: int = 0
    restored_there: int = 0
    malformed_new: int = 0
    malformed_pushed: int = 0
    restored_lines_here: int = 0
    restored_lines_there: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def _classify(notes: dict[str, bytes]) -> tuple[set[str], set[str]]:
    """The event ids and the malformed lines in *notes* (``{object: raw note}``)."""
    ids: set[str] = set()
    malformed: set[str] = set()
    for obj, data in notes.items():
        events, problems = parse_note(obj, data)
        ids.update(e.id for e in events)
        malformed.update(p.text for p in problems)
    return ids, malformed


def _joined(lines: dict[str, list[bytes]] | dict[str, set[bytes]]) -> dict[str, bytes]:
    return {obj: b"".join(line + b"\n" for line in sorted(chunk)) for obj, chunk in lines.items() if chunk}


def count(store: NotesStore, u: NotesUnion) -> MergeCounts:
    """Count the union *u* in events and malformed lines (see :class:`MergeCounts`)."""
    counts = MergeCounts()
    theirs_ids, theirs_bad = _classify(u.theirs_notes)
    counts.fetched, counts.fetched_malformed = len(theirs_ids), len(theirs_bad)
    if u.added_here:
        ours_ids, ours_bad = _classify(dict(store.iter_raw(u.ours))) if u.ours else (set(), set())
        added_ids, added_bad = _classify(_joined(u.added_here))
        lost_ids, _ = _classify(_joined(u.lost_here))
        fresh = added_ids - ours_ids
        counts.restored_here = len(fresh & lost_ids)
        counts.new_from_remote = len(fresh - lost_ids)
        counts.malformed_new = len(added_bad - ours_bad)
        counts.restored_lines_here = sum(len(set(lines) & u.lost_here.get(obj, set()))
                                         for obj, lines in u.added_here.items())
    if u.added_there:
        added_ids, added_bad = _classify(_joined(u.added_there))
        lost_ids, _ = _classify(_joined(u.lost_there))
        fresh = added_ids - theirs_ids
        counts.restored_there = len(fresh & lost_ids)
        counts.pushed = len(fresh - lost_ids)
        counts.malformed_pushed = len(added_bad - theirs_bad)
        counts.restored_lines_there = sum(len(set(lines) & u.lost_there.get(obj, set()))
                                          for obj, lines in u.added_there.items())
    return counts


def merge_notes(store: NotesStore, theirs: str | None, label: str = "remote",
                synced: str | None = None) -> tuple[str | None, str, MergeCounts]:
    """Merge the notes commit *theirs* into *store*'s ref (see the module docstring).

    *synced*: the other side's commit as of the last merge with it (the tracking ref before
    this fetch); lines their shared history lost since then are restored too. ``None``: look
    at the whole shared history.

    The ref moves with a compare-and-swap, retried while local writers move it. Returns
    ``(our ref afterwards, kind, counts)``; *label* names the other side in commit messages.
    Raises :class:`~reviewtool.git.notes_damage.DamagedNotesRef` when our notes are damaged.
    """
    with store.writer_lock():
        for attempt in range(1, store.max_attempts + 1):
            ours = store.head()
            if ours is None and theirs is None:
                return None, "empty", MergeCounts()
            u = union(store, ours, theirs, synced)
            if ours == theirs and u.same_as_ours:
                return ours, "up-to-date", count(store, u)
            counts = count(store, u)
            ours_first = ours is not None and theirs is not None and is_ancestor(store.repo, ours, theirs)
            theirs_first = ours is not None and theirs is not None and not ours_first and \
                is_ancestor(store.repo, theirs, ours)
            if u.same_as_ours and (theirs is None or theirs_first):
                return ours, "ours", counts
            made: list[str] = []
            if u.same_as_theirs and (ours is None or ours_first):
                assert theirs is not None
                new, kind = theirs, "fast-forward"
            elif ours is None or theirs is None or ours_first or theirs_first:
                base = theirs if ours is None or ours_first else ours
                assert base is not None
                new, made = write_union(store, u, [base], f"Notes restored by 'reviewtool sync' (with {label})")
                kind = "restore"
            else:
                assert ours is not None and theirs is not None
                new, made = write_union(store, u, [ours, theirs], f"Notes merged by 'reviewtool sync' from {label}")
                kind = "merge"
            if store.compare_and_swap(new, ours, f"reviewtool sync: {kind} with {label}"):
                if made:
                    store.acknowledge(new, made)
                return new, kind, counts
            backoff(attempt)
    raise ReviewtoolError(f"could not update {store.ref}: other writers kept moving it")
