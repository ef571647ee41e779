"""The ``status`` report: where the review of a draft stands, and what waits for me.

:func:`review_status` folds the threads and workflow events of one draft against its
history into a :class:`StatusReport`: each reviewer's standing verdict (current or
stale, and how many sections changed since), the standing review requests (answered or
not; withdrawn ones apart), and for me (git's ``user.email``) the requests waiting for me, the threads where
someone answered after my last word, my suggestions not applied yet, and for an author
of the draft the open threads and the change requests no newer version has answered.
"Later", "answered" and "current" follow ancestry along the first-parent line
(:class:`~reviewtool.review.lineage.VersionLine`), never dates. Pure over its inputs
but for reading blobs; no output formatting (that is the front ends').
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reviewtool.diff.section_diff import diff_documents
from reviewtool.errors import ReviewtoolError
from reviewtool.review.anchoring import BlobDocuments, VersionIndex
from reviewtool.review.events import Thread, same_person
from reviewtool.review.lineage import VersionLine
from reviewtool.review.viewed import viewed_sections
from reviewtool.review.workflow import (
    Person,
    RequestState,
    Verdict,
    WorkflowEvents,
    known_names,
    latest_verdicts,
    request_states,
)


@dataclass
class ReviewEntry:
    """A reviewer's standing verdict and whether it still applies to the newest version."""

    verdict: Verdict
    #: False once the draft's text changed after the reviewed version.
    current: bool
    #: Sections changed from the reviewed version to the newest (None: that text is unreadable).
    sections_changed_since: int | None

    def to_json(self) -> dict[str, Any]:
        """``{"reviewer", "verdict", "version", "current", "sections_changed_since"}``."""
        return {"reviewer": self.verdict.reviewer.to_dict(), "verdict": self.verdict.verdict,
                "version": self.verdict.version.commit, "current": self.current,
                "sections_changed_since": self.sections_changed_since}


def thread_entry(thread: Thread) -> dict[str, Any]:
    """A thread in ``status --json``: id, who started it, where, its text, and its last word."""
    last = _last_word(thread)
    return {"id": thread.id, "author": {"name": thread.author, "email": thread.email},
            "section": thread.anchor.section_key, "quote": thread.anchor.exact, "body": thread.body,
            "status": thread.status, "suggestion": thread.suggestion, "updated": thread.updated,
            "last_by": {"name": last[1], "email": last[2]}, "last_time": last[0]}


@dataclass
class ForMe:
    """What waits for one person (see :func:`review_status`)."""

    me: Person
    requests: list[RequestState] = field(default_factory=list)
    threads_awaiting_reply: list[Thread] = field(default_factory=list)
    suggestions_unapplied: list[Thread] = field(default_factory=list)
    #: Whether I am an author of the draft (wrote a version of it, or asked for a review).
    is_author: bool = False
    open_threads: list[Thread] = field(default_factory=list)
    changes_requested: list[ReviewEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """``requests``, ``threads_awaiting_reply``, ``suggestions_unapplied``; for an author
        also ``open_threads`` and ``changes_requested``."""
        data: dict[str, Any] = {
            "requests": [r.to_json() for r in self.requests],
            "threads_awaiting_reply": [thread_entry(t) for t in self.threads_awaiting_reply],
            "suggestions_unapplied": [thread_entry(t) for t in self.suggestions_unapplied],
        }
        if self.is_author:
            data["open_threads"] = [thread_entry(t) for t in self.open_threads]
            data["changes_requested"] = [e.to_json() for e in self.changes_requested]
        return data


@dataclass
class StatusReport:
    """The review state of one draft at its newest committed version."""

    draft: str
    version: Any  # reviewtool.draft.history.Version
    reviews: list[ReviewEntry]
    #: The standing requests, answered or waiting (withdrawn ones are in :attr:`withdrawn`).
    requests: list[RequestState]
    for_me: ForMe
    #: The standing requests that were withdrawn (by the requester, or declined by the reviewer).
    withdrawn: list[RequestState] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"draft": self.draft, "version": self.version.to_dict(),
                "reviews": [r.to_json() for r in self.reviews],
                "requests": [r.to_json() for r in self.requests],
                "withdrawn_requests": [r.to_json() for r in self.withdrawn],
                "for_me": self.for_me.to_json()}


def newest_committed(history: Any) -> Any:
    """The draft's newest committed version (the working tree's changes are no version to review)."""
    for v in history.versions:
        if not v.is_worktree:
            return v
    return history.find()


def version_line(history: Any) -> VersionLine:
    """The :class:`VersionLine` of *history* (its committed versions, from its start)."""
    return VersionLine(history.repo, ((v.commit, v.blob) for v in history.versions if not v.is_worktree),
                       start=history.start)


def review_entries(history: Any, workflow: WorkflowEvents, line: VersionLine | None = None,
                   docs: BlobDocuments | None = None) -> list[ReviewEntry]:
    """Each reviewer's standing verdict on the draft of *history* with ``current`` and
    ``sections_changed_since`` against the newest committed version (one section diff per
    distinct reviewed text)."""
    line = line or version_line(history)
    docs = docs or BlobDocuments(history)
    newest = newest_committed(history)
    newest_doc = history.document(newest)
    changed: dict[str, int | None] = {}
    entries = []
    for verdict in latest_verdicts(workflow.for_paths(history.paths).verdicts, line):
        blob = verdict.version.blob
        current = blob == newest.blob
        if blob not in changed:
            if current:
                changed[blob] = 0
            else:
                old = docs.get(blob)
                changed[blob] = None if old is None else len(diff_documents(old, newest_doc).changes)
        entries.append(ReviewEntry(verdict, current, changed[blob]))
    return entries


def review_status(history: Any, threads: Iterable[Thread], workflow: WorkflowEvents, me: tuple[str, str],
                  line: VersionLine | None = None) -> StatusReport:
    """The :class:`StatusReport` of the draft of *history* for *me* ``(name, email)``.

    *threads* and *workflow* are everything in the notes (other drafts' are skipped).
    """
    paths = set(history.paths)
    mine = workflow.for_paths(paths)
    line = line or version_line(history)
    newest = newest_committed(history)
    reviews = review_entries(history, mine, line)
    name, email = me
    person = Person(name, email)
    live = [t for t in threads if not t.retracted]
    draft_threads = [t for t, ours in zip(live, VersionIndex(history).claims([t.anchor for t in live])) if ours]
    people = [Person(v.author, v.email) for v in history.versions if not v.is_worktree]
    people += [Person(t.author, t.email) for t in draft_threads]
    people += [Person(r.author, r.email) for t in draft_threads for r in t.replies]
    states = request_states(mine.requests, mine.verdicts, line, known_names(mine, [*people, person]),
                            mine.withdrawals)
    standing = [s for s in states if s.state != "withdrawn"]
    is_author = (any(v.email and person.is_(v.email) for v in history.versions if not v.is_worktree)
                 or any(r.author.is_(email) for r in mine.requests))
    for_me = ForMe(
        person,
        requests=[s for s in standing if s.reviewer.is_(email) and not s.answered],
        threads_awaiting_reply=[t for t in draft_threads if t.status == "open" and awaits_reply(t, name, email)],
        suggestions_unapplied=[t for t in draft_threads
                               if t.status == "open" and t.suggestion is not None and t.applied is None
                               and same_person(t.author, t.email, name, email)],
        is_author=is_author,
        open_threads=[t for t in draft_threads if t.status == "open"] if is_author else [],
        changes_requested=[e for e in reviews if e.verdict.verdict == "changes_requested" and e.current]
        if is_author else [],
    )
    return StatusReport(history.draft, newest, reviews, standing, for_me,
                        [s for s in states if s.state == "withdrawn"])


def awaits_reply(thread: Thread, name: str, email: str) -> bool:
    """Whether someone answered in *thread* after my last word (my comment or reply there)."""
    my_last = None
    if same_person(thread.author, thread.email, name, email):
        my_last = thread.created
    for r in thread.replies:
        if same_person(r.author, r.email, name, email) and (my_last is None or r.time > my_last):
            my_last = r.time
    if my_last is None:
        return False
    return any(r.time > my_last and not r.retracted and not same_person(r.author, r.email, name, email)
               for r in thread.replies)


def _last_word(thread: Thread) -> tuple[str, str, str]:
    """``(time, name, email)`` of the thread's latest comment or reply that is not retracted."""
    words = [(thread.created, thread.author, thread.email)]
    words += [(r.time, r.author, r.email) for r in thread.replies if not r.retracted]
    return max(words)


def waiting_requests_by_version(history: Any, workflow: WorkflowEvents,
                                line: VersionLine | None = None) -> dict[str, list[RequestState]]:
    """The requests on the draft of *history* still waiting (neither answered nor withdrawn),
    grouped by the commit of the version they ask about (for history rows)."""
    line = line or version_line(history)
    mine = workflow.for_paths(history.paths)
    people = [Person(v.author, v.email) for v in history.versions if not v.is_worktree]
    grouped: dict[str, list[RequestState]] = {}
    for s in request_states(mine.requests, mine.verdicts, line, known_names(mine, people), mine.withdrawals):
        if s.state == "waiting":
            grouped.setdefault(s.request.version.commit, []).append(s)
    return grouped


def reviews_by_version(entries: Iterable[ReviewEntry]) -> dict[str, list[ReviewEntry]]:
    """Standing verdicts grouped by the commit of the version they were given on (for
    history rows: "approved by Ben", stale when not ``current``)."""
    grouped: dict[str, list[ReviewEntry]] = {}
    for entry in entries:
        grouped.setdefault(entry.verdict.version.commit, []).append(entry)
    return grouped


def last_reviewed(history: Any, workflow: WorkflowEvents, email: str,
                  line: VersionLine | None = None) -> tuple[Verdict, Any] | None:
    """The standing verdict of the reviewer with *email* on this draft and the version of the
    history it was given on (a commit amended away: the version with the same text), or None
    when they gave none. Raises :class:`~reviewtool.errors.ReviewtoolError` when that version
    is no longer in the repository."""
    line = line or version_line(history)
    mine = [v for v in workflow.for_paths(history.paths).verdicts if v.reviewer.is_(email)]
    standing = latest_verdicts(mine, line)
    if not standing:
        return None
    verdict = standing[0]
    anchor = verdict.version
    committed = [v for v in history.versions if not v.is_worktree]
    for v in committed:
        if v.commit == anchor.commit:
            return verdict, v
    for v in reversed(committed):  # the oldest version with that text
        if v.blob == anchor.blob:
            return verdict, v
    try:
        return verdict, history.find(anchor.commit)
    except ReviewtoolError:
        raise ReviewtoolError(f"the version {anchor.commit[:8]} reviewed by {email} is no longer in this "
                              "repository (fetch it, or compare two versions by name)") from None


def load_review_data(repo: Any) -> Any:
    """Every thread and workflow event of *repo*'s notes, read once
    (:meth:`reviewtool.review.workflow_store.WorkflowStore.load`)."""
    from reviewtool.review.store import ReviewStore
    from reviewtool.review.workflow_store import WorkflowStore

    return WorkflowStore(ReviewStore(repo)).load()


def review_summary(history: Any, workflow: WorkflowEvents, at_version: Any,
                   in_scope: Any = None, line: VersionLine | None = None) -> dict[str, Any]:
    """The review state for an export, JSON-ready: ``verdicts`` (each reviewer's latest verdict
    among those *in_scope*, with its version and whether it is current), ``requests`` (the
    standing requests in scope neither answered nor withdrawn), ``withdrawn_requests`` (those
    in scope that were withdrawn or declined) and ``viewed`` (each reviewer's viewed
    coverage of *at_version*). *in_scope* is a predicate on a version
    :class:`~reviewtool.review.events.Anchor` (None: every version of the draft)."""
    line = line or version_line(history)
    mine = workflow.for_paths(history.paths)
    keep = in_scope or (lambda anchor: True)
    newest = newest_committed(history)
    verdicts = [v for v in mine.verdicts if keep(v.version)]
    names = known_names(mine, [Person(v.author, v.email) for v in history.versions if not v.is_worktree])
    states = [s for s in request_states(mine.requests, mine.verdicts, line, names, mine.withdrawals)
              if keep(s.request.version)]
    docs = BlobDocuments(history)
    reviewers: dict[str, Person] = {}
    for mark in mine.marks:
        reviewers.setdefault(mark.reviewer.key, mark.reviewer)
    viewed: list[dict[str, Any]] = []
    for person in reviewers.values():
        marks = viewed_sections(history, mine.marks, at_version, person.email, docs)
        viewed.append({"reviewer": person.to_dict(), "viewed": marks.count, "sections": marks.total})
    viewed.sort(key=lambda r: (-r["viewed"], r["reviewer"]["email"]))
    return {
        "verdicts": [{"reviewer": v.reviewer.to_dict(), "verdict": v.verdict, "version": v.version.commit,
                      "current": v.version.blob == newest.blob, "body": v.body, "time": v.time}
                     for v in latest_verdicts(verdicts, line)],
        "requests": [s.to_json() for s in states if s.state == "waiting"],
        "withdrawn_requests": [s.to_json() for s in states if s.state == "withdrawn"],
        "viewed": viewed,
        "viewed_version": None if at_version.is_worktree else at_version.commit,
    }
