"""The review workflow's events, folded into state: requests (and withdrawals), verdicts, viewed marks.

Besides the thread events (:mod:`reviewtool.review.fold`), the notes carry five workflow
event types (``docs/notes-format.md`` §3.2), each with an ``anchor`` naming the version
(commit, path, blob; a section for the marks):

* ``request``: an author asks ``reviewers`` (emails) to review a version;
* ``withdraw``: the requester takes a request (its ``target``) back from some of its
  ``reviewers``, or a reviewer declines it;
* ``verdict``: a reviewer's review of a version, ``approved``, ``changes_requested`` or
  ``commented``, with an optional summary ``body``;
* ``viewed`` / ``unviewed``: a reviewer marks a section of a version as read, or not.

:func:`parse_workflow` reads them from parsed events (older readers skip them as
unknown types); the folds are pure functions over them and a
:class:`~reviewtool.review.lineage.VersionLine`: :func:`latest_verdicts` (a reviewer's
verdict on a later version supersedes; on the same version, the later event),
:func:`request_states` (answered once the reviewer gives a verdict on that version or a
later one; withdrawn by a ``withdraw`` aimed at it by the requester or by that reviewer).
Viewed marks are folded per section in :mod:`reviewtool.review.viewed`; the ``status``
report is :mod:`reviewtool.review.status`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reviewtool.review.events import Anchor, Event, Problem, parse_anchor, same_person
from reviewtool.review.fold import dedupe
from reviewtool.review.lineage import VersionLine

#: Workflow event types (not thread events: :func:`reviewtool.review.fold.fold` skips them).
WORKFLOW_TYPES = ("request", "withdraw", "verdict", "viewed", "unviewed")
#: The verdicts a reviewer can give, as stored.
VERDICTS = ("approved", "changes_requested", "commented")
#: How a verdict reads in one word or two.
VERDICT_LABELS = {"approved": "approved", "changes_requested": "changes requested", "commented": "commented"}

_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+\Z")


def valid_email(value: str) -> bool:
    """Whether *value* looks like an email address (``local@domain``, no spaces or brackets)."""
    return bool(_EMAIL.match(value)) and not value.startswith("-") and value.isprintable()


@dataclass(frozen=True)
class Person:
    """Someone named in the review: a name (may be empty) and an email."""

    name: str
    email: str

    @property
    def key(self) -> str:
        """Identity for grouping: the email ignoring case, else the name (the format's §5.4 rule)."""
        return self.email.casefold() if self.email else f"name:{self.name}"

    def is_(self, email: str) -> bool:
        """Whether this person has *email* (ignoring case)."""
        return bool(email) and self.email.casefold() == email.casefold()

    @property
    def label(self) -> str:
        """``Name <email>``, or whichever of them is known."""
        if self.name and self.email:
            return f"{self.name} <{self.email}>"
        return self.name or self.email

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "email": self.email}


@dataclass(eq=False)
class ReviewRequest:
    """A ``request`` event: *author* asks *reviewers* (emails) to review *version*."""

    id: str
    author: Person
    time: str
    version: Anchor
    reviewers: tuple[str, ...]
    body: str | None
    event: Event


@dataclass(eq=False)
class Withdrawal:
    """A ``withdraw`` event: *author* takes request *target* back from *reviewers* (emails).

    It takes effect for a reviewer only when *author* is the request's author or that
    reviewer (a reviewer declining); see :func:`request_states`."""

    id: str
    author: Person
    time: str
    target: str
    version: Anchor
    reviewers: tuple[str, ...]
    body: str | None
    event: Event

    def declined_by(self, email: str) -> bool:
        """Whether this is *email* declining a request made to them (not the requester withdrawing it)."""
        return self.author.is_(email)


@dataclass(eq=False)
class Verdict:
    """A ``verdict`` event: *reviewer*'s review of *version* (one of :data:`VERDICTS`)."""

    id: str
    reviewer: Person
    time: str
    version: Anchor
    verdict: str
    body: str | None
    event: Event

    @property
    def label(self) -> str:
        return VERDICT_LABELS.get(self.verdict, self.verdict)


@dataclass(eq=False)
class ViewMark:
    """A ``viewed`` (``viewed`` True) or ``unviewed`` event on section ``version.section_key``."""

    id: str
    reviewer: Person
    time: str
    version: Anchor
    viewed: bool
    event: Event


@dataclass
class WorkflowEvents:
    """The workflow events of the notes, each list in (time, id) order."""

    requests: list[ReviewRequest] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    marks: list[ViewMark] = field(default_factory=list)
    withdrawals: list[Withdrawal] = field(default_factory=list)

    def for_paths(self, paths: Iterable[str]) -> WorkflowEvents:
        """Only the events on one draft: those whose version's path is one of *paths* (the
        paths the draft has had, :attr:`reviewtool.draft.history.DraftHistory.paths`)."""
        keep = set(paths)
        return WorkflowEvents([r for r in self.requests if r.version.path in keep],
                              [v for v in self.verdicts if v.version.path in keep],
                              [m for m in self.marks if m.version.path in keep],
                              [w for w in self.withdrawals if w.version.path in keep])


def parse_workflow(events: Iterable[Event], unique: bool = False) -> tuple[WorkflowEvents, list[Problem]]:
    """The workflow events among *events* (of any type), and the malformed ones as problems.

    *events* are deduplicated by id first unless *unique* says they already are. A
    workflow event is malformed (reported, skipped, never deleted) when its anchor is
    missing or malformed, a request or a withdrawal names no reviewer, a withdrawal has no
    ``target``, a verdict is not one of :data:`VERDICTS`, or a mark names no section.
    Unknown fields are ignored.
    """
    evs = list(events) if unique else dedupe(events)[0]
    result = WorkflowEvents()
    problems: list[Problem] = []
    memo: dict[str, str] = {}
    for ev in sorted((e for e in evs if e.type in WORKFLOW_TYPES), key=lambda e: (e.time, e.id)):
        try:
            anchor = parse_anchor(ev.extra.get("anchor"), memo.setdefault)
            who = Person(ev.author, ev.email)
            body = ev.body if isinstance(ev.body, str) and ev.body.strip() else None
            if ev.type == "request":
                result.requests.append(ReviewRequest(ev.id, who, ev.time, anchor, _reviewers(ev), body, ev))
            elif ev.type == "withdraw":
                if not ev.target:
                    raise ValueError("a withdrawal needs a target: the id of the request it withdraws")
                result.withdrawals.append(Withdrawal(ev.id, who, ev.time, ev.target, anchor, _reviewers(ev),
                                                     body, ev))
            elif ev.type == "verdict":
                verdict = ev.extra.get("verdict")
                if verdict not in VERDICTS:
                    raise ValueError(f"unknown verdict {verdict!r} (one of {', '.join(VERDICTS)})")
                result.verdicts.append(Verdict(ev.id, who, ev.time, anchor, str(verdict), body, ev))
            else:
                if not anchor.has_section:
                    raise ValueError(f"a {ev.type} mark needs anchor.section")
                result.marks.append(ViewMark(ev.id, who, ev.time, anchor, ev.type == "viewed", ev))
        except ValueError as exc:
            problems.append(Problem(ev.note_commit, ev._line, ev.raw, f"{ev.type} {ev.id}: {exc}"))
    return result, problems


def _reviewers(ev: Event) -> tuple[str, ...]:
    reviewers = ev.extra.get("reviewers")
    if (not isinstance(reviewers, list) or not reviewers
            or not all(isinstance(r, str) and r.strip() for r in reviewers)):
        raise ValueError(f"a {ev.type} needs reviewers: a list of emails")
    return tuple(dict.fromkeys(r.strip() for r in reviewers))


# ---------------------------------------------------------------------------- folds


def _rank(line: VersionLine, anchor: Anchor) -> int:
    pos = line.position(anchor.commit, anchor.blob)
    return -1 if pos is None else pos


def latest_verdicts(verdicts: Iterable[Verdict], line: VersionLine) -> list[Verdict]:
    """Each reviewer's standing verdict, in (time, id) order of the verdicts kept.

    A verdict on a later version (along *line*, by ancestry) supersedes one on an earlier
    version whatever their times; on the same version (or two versions that stand at the
    same place) the later event wins. A verdict on a version that stands nowhere (see
    :class:`~reviewtool.review.lineage.VersionLine`) ranks below every placed one.
    """
    best: dict[str, Verdict] = {}
    for v in verdicts:
        have = best.get(v.reviewer.key)
        if have is None or _supersedes(line, v, have):
            best[v.reviewer.key] = v
    return sorted(best.values(), key=lambda v: (v.time, v.id))


def _supersedes(line: VersionLine, new: Verdict, old: Verdict) -> bool:
    return _later(line, new.version, old.version, (new.time, new.id), (old.time, old.id))


def _later(line: VersionLine, a: Anchor, b: Anchor, a_order: tuple[str, str], b_order: tuple[str, str]) -> bool:
    """Whether the event on version *a* comes after the one on *b*: a later version by
    ancestry; on the same version (or versions that cannot be ordered), the later event."""
    if a.commit != b.commit:
        forward = line.at_or_after(a.commit, a.blob, b.commit, b.blob)
        backward = line.at_or_after(b.commit, b.blob, a.commit, a.blob)
        if forward != backward:
            return forward
    return (_rank(line, a), *a_order) > (_rank(line, b), *b_order)


@dataclass
class RequestState:
    """One reviewer's standing request: the latest request naming them, whether it is
    answered, and the withdrawal that took it back (if any)."""

    reviewer: Person
    request: ReviewRequest
    answered: bool
    answer: Verdict | None = None
    withdrawn: Withdrawal | None = None

    @property
    def state(self) -> str:
        """``answered`` (a verdict answers it, withdrawn or not), ``withdrawn`` or ``waiting``."""
        if self.answered:
            return "answered"
        return "withdrawn" if self.withdrawn is not None else "waiting"

    @property
    def declined(self) -> bool:
        """Whether the reviewer withdrew it (declined), rather than the requester."""
        return self.withdrawn is not None and self.withdrawn.declined_by(self.reviewer.email)

    def to_json(self) -> dict[str, Any]:
        """``{"reviewer", "requested_by", "version", "answered"}`` as ``status --json`` prints it;
        a withdrawn request also has ``"withdrawn": {"id", "by", "time", "body", "declined"}``."""
        data: dict[str, Any] = {"reviewer": self.reviewer.to_dict(), "requested_by": self.request.author.to_dict(),
                                "version": self.request.version.commit, "answered": self.answered}
        w = self.withdrawn
        if w is not None:
            data["withdrawn"] = {"id": w.id, "by": w.author.to_dict(), "time": w.time, "body": w.body,
                                 "declined": self.declined}
        return data


def answering_verdict(request_version: Anchor, reviewer_email: str, verdicts: Iterable[Verdict],
                      line: VersionLine) -> Verdict | None:
    """The first verdict by *reviewer_email* on *request_version* or a later version, if any."""
    for v in verdicts:
        if v.reviewer.is_(reviewer_email) and line.at_or_after(
                v.version.commit, v.version.blob, request_version.commit, request_version.blob):
            return v
    return None


def request_states(requests: Iterable[ReviewRequest], verdicts: list[Verdict], line: VersionLine,
                   names: dict[str, str] | None = None,
                   withdrawals: Iterable[Withdrawal] = ()) -> list[RequestState]:
    """For every reviewer ever asked, their latest request (the one on the latest version, by
    ancestry; on the same version the later event) and whether it is answered: they gave a
    verdict on that version or a later one. *names* maps emails (casefolded) to names to show.

    A request is withdrawn for a reviewer by the first withdrawal, in (time, id) order, that
    names it as ``target`` and that reviewer, written by the request's author or by that
    reviewer (anyone else's has no effect). Withdrawals aim at one request event, so a
    later request (a new event) stands un-withdrawn: asking again re-opens. Ordered by the
    request's time."""
    latest: dict[str, tuple[str, ReviewRequest]] = {}
    for req in requests:
        for email in req.reviewers:
            key = email.casefold()
            have = latest.get(key)
            if have is None or _request_later(line, req, have[1]):
                latest[key] = (email, req)
    by_target: dict[str, list[Withdrawal]] = {}
    for w in withdrawals:
        by_target.setdefault(w.target, []).append(w)
    states = []
    for key, (email, req) in latest.items():
        answer = answering_verdict(req.version, email, verdicts, line)
        name = (names or {}).get(key, "")
        withdrawn = withdrawal_of(req, email, by_target.get(req.id, ()))
        states.append(RequestState(Person(name, email), req, answer is not None, answer, withdrawn))
    states.sort(key=lambda s: (s.request.time, s.request.id, s.reviewer.email))
    return states


def withdrawal_of(request: ReviewRequest, email: str, withdrawals: Iterable[Withdrawal]) -> Withdrawal | None:
    """The withdrawal that takes *request* back from reviewer *email*: the first in (time, id)
    order among *withdrawals* that targets it, names *email* and was written by the
    request's author (same person, §5.4 of the format) or by *email* itself."""
    found = None
    for w in withdrawals:
        if (w.target == request.id and any(r.casefold() == email.casefold() for r in w.reviewers)
                and may_withdraw(w.author, request, email)
                and (found is None or (w.time, w.id) < (found.time, found.id))):
            found = w
    return found


def may_withdraw(person: Person, request: ReviewRequest, reviewer_email: str) -> bool:
    """Whether *person* may withdraw *request* from *reviewer_email*: they made the request, or
    they are that reviewer (declining)."""
    author = request.author
    return same_person(person.name, person.email, author.name, author.email) or person.is_(reviewer_email)


def _request_later(line: VersionLine, new: ReviewRequest, old: ReviewRequest) -> bool:
    return _later(line, new.version, old.version, (new.time, new.id), (old.time, old.id))


def known_names(workflow: WorkflowEvents, people: Iterable[Person] = ()) -> dict[str, str]:
    """Email (casefolded) -> the name last seen with it, from workflow events and *people*
    (e.g. commit authors and comment writers): requests name reviewers by email only."""
    names: dict[str, str] = {}
    for person in (*people, *(r.author for r in workflow.requests), *(v.reviewer for v in workflow.verdicts),
                   *(m.reviewer for m in workflow.marks), *(w.author for w in workflow.withdrawals)):
        if person.email and person.name:
            names[person.email.casefold()] = person.name
    return names
