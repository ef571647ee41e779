"""Writing and loading the review workflow's events: requests, withdrawals, verdicts, viewed marks.

:class:`WorkflowStore` validates each action against the repository and appends one
event line to the note of the version's commit, through the same compare-and-swap
writer as comments (:class:`~reviewtool.review.store.ReviewStore`'s notes ref), so the
events sync, merge and survive like comments. Loading reads every note once and returns
both the threads and the workflow events (:meth:`WorkflowStore.load`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reviewtool.draft.document import Document
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.review.events import FORMAT_VERSION, Anchor, Event, Problem, Thread, time_after
from reviewtool.review.fold import _fold, dangling_problems, dedupe
from reviewtool.review.store import ReviewStore
from reviewtool.review.viewed import viewed_sections
from reviewtool.review.workflow import (
    VERDICTS,
    Person,
    ReviewRequest,
    Withdrawal,
    WorkflowEvents,
    may_withdraw,
    parse_workflow,
    request_states,
    valid_email,
)


@dataclass
class ReviewData:
    """Everything in the notes, read once: threads, workflow events and the problems found."""

    threads: list[Thread]
    workflow: WorkflowEvents
    problems: list[Problem] = field(default_factory=list)


class WorkflowStore:
    """Request reviews, submit verdicts and mark sections viewed; every write is one event
    appended with a compare-and-swap on the notes ref (nothing is written on error).

    Versions are :class:`~reviewtool.draft.history.Version` objects of a committed draft
    (the working tree is refused: review a commit).
    """

    def __init__(self, store: ReviewStore) -> None:
        self.store = store
        self.repo = store.repo

    # ------------------------------------------------------------------ reading
    def load(self) -> ReviewData:
        """Every thread and workflow event of the notes (one read of the notes ref) and the
        problems: malformed lines, dangling thread events, malformed workflow events."""
        events, problems = self.store.events()
        unique, dup_problems = dedupe(events)
        lost: list[Event] = []
        threads = _fold(list(unique), lost)
        workflow, wf_problems = parse_workflow(unique, unique=True)
        return ReviewData(threads, workflow, problems + dup_problems + dangling_problems(lost) + wf_problems)

    # ------------------------------------------------------------------ writing
    def request_review(self, version: Any, reviewers: Sequence[str], body: str | None = None) -> Event:
        """Ask *reviewers* (emails) to review *version*, with an optional message *body*."""
        anchor = self._version_anchor(version)
        wanted: dict[str, str] = {}
        for raw in reviewers:
            email = (raw or "").strip()
            if not valid_email(email):
                raise UsageError(f"invalid reviewer {raw!r}: give an email address (name@example.org)")
            wanted.setdefault(email.casefold(), email)
        if not wanted:
            raise UsageError("name at least one reviewer (--reviewer EMAIL)")
        _, me = self.store.identity()
        if me and me.casefold() in wanted:
            raise UsageError("you cannot request a review from yourself")
        return self._write("request", anchor, _optional(body), {"reviewers": list(wanted.values())})

    def withdraw_requests(self, history: Any, reviewers: Sequence[str], body: str | None = None) -> list[Withdrawal]:
        """Withdraw the standing requests of *reviewers* (emails) on the draft of *history*
        (:class:`~reviewtool.draft.history.DraftHistory`); without *reviewers*, mine (declining
        a request made to me). Only the request's author or the reviewer may; a request that
        is answered or already withdrawn is refused. One ``withdraw`` event per request, all
        written in one compare-and-swap, each later than the request it withdraws."""
        from reviewtool.review.status import version_line

        name, me = self.store.identity()
        if not reviewers and not me:
            raise UsageError("name the reviewer (--reviewer EMAIL): git's user.email is not set")
        wanted: dict[str, str] = {}
        for raw in reviewers or [me]:
            email = (raw or "").strip()
            if not valid_email(email):
                raise UsageError(f"invalid reviewer {raw!r}: give an email address (name@example.org)")
            wanted.setdefault(email.casefold(), email)
        workflow = self.load().workflow.for_paths(history.paths)
        states = {s.reviewer.email.casefold(): s
                  for s in request_states(workflow.requests, workflow.verdicts, version_line(history),
                                          withdrawals=workflow.withdrawals)}
        targets: dict[str, tuple[ReviewRequest, list[str]]] = {}
        for key, email in wanted.items():
            state = states.get(key)
            where = history.draft
            if state is None:
                raise ReviewtoolError(f"nobody asked {email} to review {where}: no request to withdraw")
            req = state.request
            if not may_withdraw(Person(name, me), req, email):
                raise UsageError(f"only {req.author.label} (who asked) or {email} (who was asked) can "
                                 f"withdraw the request for {email} to review {where}")
            if state.answered and state.answer is not None:
                raise ReviewtoolError(f"{email} already answered the request on {req.version.commit[:8]} "
                                      f"({state.answer.label} on {state.answer.version.commit[:8]}): "
                                      "nothing to withdraw")
            if state.withdrawn is not None:
                how = f"{email} declined it" if state.declined else f"{state.withdrawn.author.label} withdrew it"
                raise ReviewtoolError(f"the request for {email} on {req.version.commit[:8]} is already "
                                      f"withdrawn ({how}); ask again with `reviewtool review request`")
            targets.setdefault(req.id, (req, []))[1].append(state.reviewer.email)
        floor = max((e.time for e in self.store.events()[0]
                     if e.type in ("request", "withdraw") and e.email.casefold() == me.casefold()), default=None)
        made: list[Withdrawal] = []
        lines: dict[str, list[str]] = {}
        for req, emails in targets.values():
            floor = max(floor or "", req.time)
            event = Event(FORMAT_VERSION, uuid.uuid4().hex, "withdraw", req.id, name, me,
                          time_after(self.store.now(), floor), _optional(body), None, None,
                          {"anchor": req.version.to_json(), "reviewers": emails})
            floor = event.time
            event.raw = event.to_line()
            event.note_commit = req.version.commit
            event.notes = (req.version.commit,)
            lines.setdefault(req.version.commit, []).append(event.raw)
            made.append(Withdrawal(event.id, Person(name, me), event.time, req.id, req.version, tuple(emails),
                                   event.body, event))
        self.store.notes.append_many(lines)
        return made

    def submit_verdict(self, version: Any, verdict: str, body: str | None = None) -> Event:
        """Review *version*: *verdict* is ``approved``, ``changes_requested`` or ``commented``
        (the last needs a *body*). It supersedes your earlier verdicts on this version and
        older ones."""
        if verdict not in VERDICTS:
            raise UsageError(f"unknown verdict {verdict!r}: one of {', '.join(VERDICTS)}")
        text = _optional(body)
        if verdict == "commented" and text is None:
            raise UsageError("a comment review needs a summary: give some text")
        anchor = self._version_anchor(version)
        return self._write("verdict", anchor, text, {"verdict": verdict}, family=("verdict",))

    def set_viewed(self, version: Any, doc: Document, section_key: str, viewed: bool = True,
                   history: Any = None) -> Event | None:
        """Mark section *section_key* of *version* (parsed: *doc*) viewed, or take the mark back
        (*viewed* False). Returns ``None`` without writing when the mark is already so (needs
        *history*, the draft's :class:`~reviewtool.draft.history.DraftHistory`, to know)."""
        if not section_key:
            raise UsageError("name the section (-s KEY; see `reviewtool sections`)")
        section = doc.get(section_key)
        if section is None:
            raise ReviewtoolError(f"no section {section_key!r} at {version.short} (see `reviewtool sections`)")
        anchor = self._version_anchor(version)
        anchor = Anchor(anchor.commit, anchor.path, anchor.blob, section.key, section.title)
        if history is not None:
            _, email = self.store.identity()
            data = self.load()
            marks = viewed_sections(history, data.workflow.marks, version, email)
            if marks.is_viewed(section.key) == viewed:
                return None
        return self._write("viewed" if viewed else "unviewed", anchor, None, {}, family=("viewed", "unviewed"))

    # ------------------------------------------------------------------ internals
    def _version_anchor(self, version: Any) -> Anchor:
        if version.is_worktree:
            raise ReviewtoolError("the draft has uncommitted changes: commit first (reviews are of "
                                  "committed versions; or name one, e.g. HEAD)")
        if version.blob is None:
            raise ReviewtoolError(f"{version.path} was deleted in {version.short}: nothing to review")
        return Anchor(version.commit, version.path, version.blob)

    def _write(self, etype: str, anchor: Anchor, body: str | None, fields: dict[str, Any],
               family: tuple[str, ...] = ()) -> Event:
        """Append one *etype* event on *anchor*'s commit; later than my own latest event of
        *family* (so a quick second verdict or toggle orders after the first whatever the clock)."""
        name, email = self.store.identity()
        floor = None
        if family:
            mine = [e.time for e in self.store.events()[0]
                    if e.type in family and (e.email.casefold() == email.casefold() if email else e.author == name)]
            floor = max(mine, default=None)
        event = Event(FORMAT_VERSION, uuid.uuid4().hex, etype, None, name, email,
                      time_after(self.store.now(), floor), body, None, None,
                      {"anchor": anchor.to_json(), **fields})
        line = event.to_line()
        self.store.notes.append_many({anchor.commit: [line]})
        event.raw = line
        event.note_commit = anchor.commit
        event.notes = (anchor.commit,)
        return event


def _optional(body: str | None) -> str | None:
    if body is None or not body.strip():
        return None
    return body.strip("\n")
