"""The review event model: events, anchors, and the threads events fold into.

Every review action is an *event*: one JSON object on one line of a git note
(:mod:`reviewtool.git.notes_ref`). Events are never rewritten or deleted; an edit, a
resolution or a retraction is a new event that names its ``target``. This module owns
the records (:class:`Anchor`, :class:`Event`, :class:`Problem`, and the folded
:class:`Thread` and :class:`Reply`), their JSON form (one event, one line:
:func:`encode_line`), the format's constants and its time rules. Decoding notes is
:mod:`reviewtool.review.codec`; folding, :mod:`reviewtool.review.fold`; reading and
writing the notes ref, :mod:`reviewtool.review.store`. The format is specified in
``docs/notes-format.md``.

Event types: ``comment`` (starts a thread, carries the :class:`Anchor`),
``reply`` (to a comment or to a reply), ``edit`` (new body; only the target's
author), ``retract`` (withdraw; only the target's author), ``resolve`` /
``reopen`` (anyone; applied in time order), ``applied`` (a suggestion was
applied). An ``edit`` of a comment may carry a new ``suggestion``. The review workflow's
events (``request``, ``verdict``, ``viewed``, ``unviewed``) are not thread events: they
are read by :mod:`reviewtool.review.workflow`. Unknown fields and unknown types are kept and ignored; malformed
lines are reported as :class:`Problem` and skipped, never deleted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

from reviewtool.git.notes_ref import split_note

#: The event format version written by this module.
FORMAT_VERSION = 1
#: Event types this version understands.
EVENT_TYPES = ("comment", "reply", "edit", "resolve", "reopen", "retract", "applied")
#: Types whose ``body`` is required (and must not be empty when written).
#: Characters of context stored before and after a quote.
CONTEXT_CHARS = 32
#: Known event types as shared string objects (comparisons with them are identity checks).
TYPE_NAMES = {name: name for name in EVENT_TYPES}

#: How times are written: canonical UTC, microseconds, always 27 characters.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
CANONICAL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z\Z")


def now_iso() -> str:
    """The current time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC, microseconds)."""
    return datetime.now(UTC).strftime(TIME_FORMAT)


def normalize_time(value: str) -> str:
    """An ISO-8601 timestamp as the canonical UTC form ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.

    Raises :class:`ValueError` for anything that is not an ISO-8601 date-time with a
    time zone (a naive time is ambiguous, so it is refused).
    """
    if CANONICAL_TIME.match(value):
        return value
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        raise ValueError(f"time without a time zone: {value!r}")
    try:
        when = when.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before year 1 in UTC
        raise ValueError(f"time out of range: {value!r}") from None
    if not 1000 <= when.year <= 9999:  # keeps every canonical time 27 characters long
        raise ValueError(f"time out of range: {value!r}")
    return when.strftime(TIME_FORMAT)


def time_after(stamp: str, floor: str | None) -> str:
    """*stamp*, moved to one microsecond after *floor* when it is not later (causal order:
    a writer makes each new event later than the events it follows, whatever the clock says)."""
    if floor is None or stamp > floor:
        return stamp
    try:
        when = datetime.strptime(floor, TIME_FORMAT).replace(tzinfo=UTC) + timedelta(microseconds=1)
    except (ValueError, OverflowError):  # the last representable time, or not a real date
        return floor
    return when.strftime(TIME_FORMAT)


def same_person(name_a: str, email_a: str, name_b: str, email_b: str) -> bool:
    """Identity rule for edits and retractions: same email (case-insensitive), else same name."""
    if email_a and email_b:
        return email_a.casefold() == email_b.casefold()
    return bool(name_a) and name_a == name_b and not email_a and not email_b


# ---------------------------------------------------------------------------- data


@dataclass(slots=True)
class Anchor:
    """Where a comment points: a version (commit, path, blob), optionally a section and a quote.

    ``start``/``end`` are code-point offsets into the whole draft text at ``blob``
    (end exclusive); ``exact`` is ``text[start:end]``; ``prefix``/``suffix`` are about
    :data:`CONTEXT_CHARS` characters around it. A comment on a whole version has only
    commit/path/blob; on a whole section, no quote. Treat it as immutable (it is not
    frozen only because frozen dataclasses are five times slower to build).
    """

    commit: str
    path: str
    blob: str
    section_key: str | None = None
    section_title: str | None = None
    start: int | None = None
    end: int | None = None
    exact: str | None = None
    prefix: str = ""
    suffix: str = ""

    @property
    def has_quote(self) -> bool:
        return self.start is not None

    @property
    def has_section(self) -> bool:
        return self.section_key is not None

    def to_json(self) -> dict[str, Any]:
        """The anchor as stored in an event (``section``/``quote`` omitted when absent)."""
        data: dict[str, Any] = {"commit": self.commit, "path": self.path, "blob": self.blob}
        if self.section_key is not None:
            data["section"] = {"key": self.section_key, "title": self.section_title or ""}
        if self.start is not None:
            data["quote"] = {"start": self.start, "end": self.end, "exact": self.exact or "",
                             "prefix": self.prefix, "suffix": self.suffix}
        return data

    @classmethod
    def from_json(cls, data: Any) -> Anchor:
        """Parse a stored anchor; raises :class:`ValueError` with the reason when malformed."""
        memo: dict[str, str] = {}
        return parse_anchor(data, memo.setdefault)

    def to_dict(self) -> dict[str, Any]:
        """Same as :meth:`to_json` (for ``--json`` output)."""
        return self.to_json()


def parse_anchor(data: Any, same: Callable[[str, str], str]) -> Anchor:
    """An :class:`Anchor` from its JSON form; :class:`ValueError` with the reason when malformed.

    Its commit, path, blob and section go through *same* (``memo.setdefault``), so that
    the comments of a note share one copy of them.
    """
    if type(data) is not dict:
        raise ValueError("anchor is not an object")
    try:  # all of them at once (the usual case), else one by one
        commit, path, blob = _ANCHOR_FIELDS(data)
    except KeyError:
        commit, path, blob = data.get("commit"), data.get("path"), data.get("blob")
    if type(commit) is not str or type(path) is not str or type(blob) is not str or not (commit and path and blob):
        for name in ("commit", "path", "blob"):
            if type(data.get(name)) is not str or not data[name]:
                raise ValueError(f"anchor.{name} missing or not a string")
    section = data.get("section")
    key: str | None = None
    title: str | None = None
    if section is not None:
        if type(section) is not dict:
            raise ValueError("anchor.section must be an object with a string key")
        try:
            key, title = _SECTION_FIELDS(section)
        except KeyError:
            key, title = section.get("key"), section.get("title")
        if type(key) is not str:
            raise ValueError("anchor.section must be an object with a string key")
        title = same(title, title) if type(title) is str else ""
        key = same(key, key)
    quote = data.get("quote")
    if quote is None:
        return Anchor(same(commit, commit), same(path, path), same(blob, blob), key, title)
    if type(quote) is not dict:
        raise ValueError("anchor.quote is not an object")
    try:
        start, end, exact, prefix, suffix = _QUOTE_FIELDS(quote)
    except KeyError:
        get = quote.get
        start, end, exact = get("start"), get("end"), get("exact")
        prefix, suffix = get("prefix", ""), get("suffix", "")
    if type(start) is not int or type(end) is not int or not 0 <= start <= end:
        raise ValueError("anchor.quote needs integer offsets 0 <= start <= end")
    if type(exact) is not str:
        raise ValueError("anchor.quote.exact missing or not a string")
    return Anchor(same(commit, commit), same(path, path), same(blob, blob), key, title, start, end, exact,
                  prefix if type(prefix) is str else "", suffix if type(suffix) is str else "")


# Fields read together (one call instead of one per field); a KeyError means some are
# missing, and then they are read one by one with their defaults.
_ANCHOR_FIELDS = itemgetter("commit", "path", "blob")
_SECTION_FIELDS = itemgetter("key", "title")
_QUOTE_FIELDS = itemgetter("start", "end", "exact", "prefix", "suffix")


class Event:
    """One event line. ``extra`` keeps unknown fields; ``raw`` is the line as stored.

    ``note_commit`` is the commit whose note holds the line; ``notes`` lists every
    note holding a line with this id (after amend/rebase with ``notes.rewriteRef``
    the same event sits in the notes of the old and the new commit). Events compare
    by identity; treat parsed events as read-only records (the ``extra`` of the many
    events without unknown fields is one shared read-only mapping).

    A plain class with slots rather than a dataclass so that parsing can leave ``raw``
    to be cut from the note's bytes the first time it is read (rarely: conflicts and
    problems need it), instead of keeping every line twice.
    """

    __slots__ = (
        "_line",
        "_note",
        "_raw",
        "anchor",
        "author",
        "body",
        "email",
        "extra",
        "id",
        "note_commit",
        "notes",
        "suggestion",
        "target",
        "time",
        "type",
        "v",
    )

    def __init__(self, v: int, id: str, type: str, target: str | None, author: str, email: str, time: str,
                 body: str | None = None, anchor: Anchor | None = None, suggestion: str | None = None,
                 extra: Mapping[str, Any] | None = None, raw: str | None = "", note_commit: str = "",
                 notes: tuple[str, ...] = (), _note: NoteText | None = None, _line: int = 0) -> None:
        self.v = v
        self.id = id
        self.type = type
        self.target = target
        self.author = author
        self.email = email
        self.time = time
        self.body = body
        self.anchor = anchor
        self.suggestion = suggestion
        self.extra = {} if extra is None else extra
        self._raw = raw  # None: line _line of _note
        self.note_commit = note_commit
        self.notes = notes
        self._note = _note
        self._line = _line

    @property
    def raw(self) -> str:
        """The line as stored in the note."""
        raw = self._raw
        if raw is None:
            raw = self._raw = self._note.line(self._line) if self._note is not None else ""
        return raw

    @raw.setter
    def raw(self, value: str) -> None:
        self._raw = value

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _EVENT_FIELDS)
        return f"Event({shown})"

    def to_json(self) -> dict[str, Any]:
        """The event as a JSON object (known fields, then the preserved unknown ones)."""
        data: dict[str, Any] = {"v": self.v, "id": self.id, "type": self.type}
        if self.target is not None:
            data["target"] = self.target
        data["author"] = self.author
        data["email"] = self.email
        data["time"] = self.time
        if self.body is not None:
            data["body"] = self.body
        if self.anchor is not None:
            data["anchor"] = self.anchor.to_json()
        if self.suggestion is not None:
            data["suggestion"] = self.suggestion
        for key, value in self.extra.items():
            data.setdefault(key, value)
        return data

    def to_line(self) -> str:
        """The event serialised as one line of JSON (UTF-8 text, no line terminators inside)."""
        return encode_line(self.to_json())

    def to_dict(self) -> dict[str, Any]:
        """The event for ``--json`` output, with the note it was read from."""
        return {**self.to_json(), "note_commit": self.note_commit or None}


_EVENT_FIELDS = ("v", "id", "type", "target", "author", "email", "time", "body", "anchor", "suggestion",
                 "extra", "raw", "note_commit", "notes")


class NoteText:
    """The bytes of one note, split into lines only when a line is asked for (:attr:`Event.raw`)."""

    __slots__ = ("_lines", "data")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._lines: list[str] | None = None

    def line(self, number: int) -> str:
        """Line *number* (1-based) of the note."""
        if self._lines is None:
            self._lines = split_note(self.data)
        return self._lines[number - 1]


@dataclass(frozen=True)
class Problem:
    """A line that could not be used: where it is and why. The line stays in the note."""

    commit: str
    line_no: int  # 1-based line number in the note
    text: str
    reason: str
    #: The reply loop the event is caught in: ``(the id of one reply on it, how many replies
    #: go round it)``; None for any other problem. People are told of a loop once.
    loop: tuple[str, int] | None = field(default=None, compare=False)
    #: The event's id, when the line was an event.
    event: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The problem for ``--json`` output."""
        return {"commit": self.commit, "line": self.line_no, "text": self.text, "reason": self.reason}

    def __str__(self) -> str:
        return f"note on {self.commit[:12]} line {self.line_no}: {self.reason}"


@dataclass(eq=False, slots=True)
class Reply:
    """A reply in a thread (to the comment or to another reply), folded."""

    id: str
    target: str
    author: str
    email: str
    time: str
    body: str
    edits: list[Event] = field(default_factory=list)
    retracted: bool = False
    updated: str = ""
    event: Event | None = None
    thread_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The folded reply for ``--json`` output."""
        return {"id": self.id, "target": self.target, "author": self.author, "email": self.email,
                "time": self.time, "updated": self.updated, "body": self.body,
                "edits": [e.to_dict() for e in self.edits], "retracted": self.retracted}


@dataclass(eq=False, slots=True)
class Thread:
    """A comment with everything that happened to it, folded from its events."""

    id: str
    root: Event
    anchor: Anchor
    author: str
    email: str
    created: str
    updated: str
    body: str
    edits: list[Event] = field(default_factory=list)
    status: str = "open"  # open | resolved
    retracted: bool = False
    replies: list[Reply] = field(default_factory=list)
    suggestion: str | None = None
    applied: Event | None = None
    refused: list[Event] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        """Whether the thread's status is ``resolved``."""
        return self.status == "resolved"

    @property
    def note_commit(self) -> str:
        """The commit whose note holds the thread."""
        return self.root.note_commit

    def to_dict(self) -> dict[str, Any]:
        """The folded thread for ``--json`` output."""
        return {
            "id": self.id, "anchor": self.anchor.to_json(), "author": self.author, "email": self.email,
            "created": self.created, "updated": self.updated, "body": self.body,
            "status": self.status, "retracted": self.retracted, "suggestion": self.suggestion,
            "applied": self.applied.to_dict() if self.applied else None,
            "edits": [e.to_dict() for e in self.edits],
            "replies": [r.to_dict() for r in self.replies],
            "refused": [e.to_dict() for e in self.refused],
            "note_commit": self.note_commit,
        }


def encode_line(data: dict[str, Any]) -> str:
    """Compact one-line JSON; U+2028/U+2029/U+0085 are escaped so no tool sees a line break."""
    line = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if "\u2028" in line or "\u2029" in line or "\x85" in line:
        line = line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")
    return line

