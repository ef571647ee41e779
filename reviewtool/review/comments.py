"""Review events and the threads they fold into.

Every review action is an *event*: one JSON object on one line of a git note
(:mod:`reviewtool.git.notes_ref`). Events are never rewritten or deleted; an edit, a
resolution or a retraction is a new event that names its ``target``. Folding
the events of all notes (:func:`fold`) gives the current threads. The format is
specified in ``docs/notes-format.md``.

Event types: ``comment`` (starts a thread, carries the :class:`Anchor`),
``reply`` (to a comment or to a reply), ``edit`` (new body; only the target's
author), ``retract`` (withdraw; only the target's author), ``resolve`` /
``reopen`` (anyone; applied in time order), ``applied`` (a suggestion was
applied). Unknown fields and unknown types are kept and ignored; malformed
lines are reported as :class:`Problem` and skipped, never deleted.

Loading (:meth:`ReviewStore.load`) parses every note every time -- there is no parse
cache -- so it is built to be quick from scratch: notes are decoded a batch at a time
by one orjson call (:func:`_decode_notes`; the stdlib ``json`` is the reference and the
fallback, line by line for a note neither can take in one go), each event is checked in
one pass with all times checked together, and the threads are folded in one pass in (time, id) order (:func:`_fold`, handing
over to :func:`_fold_any_order` when clocks were skewed).
"""

from __future__ import annotations

import gc
import json
import math
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice, repeat
from operator import attrgetter, eq, itemgetter
from types import MappingProxyType
from typing import Any

from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.notes_ref import NotesStore, split_note
from reviewtool.git.repo import GitRepo
from reviewtool.textsafe import unsafe_characters, without_lone_surrogates

#: The event format version written by this module.
FORMAT_VERSION = 1
#: Event types this version understands.
EVENT_TYPES = ("comment", "reply", "edit", "resolve", "reopen", "retract", "applied")
#: Types whose ``body`` is required (and must not be empty when written).
BODY_REQUIRED = ("comment", "reply", "edit")
#: Characters of context stored before and after a quote.
CONTEXT_CHARS = 32

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_CANONICAL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z\Z")
_HEXID = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")

# Known fields of an event; everything else goes to Event.extra.
_KNOWN = frozenset(("v", "id", "type", "target", "author", "email", "time", "body", "anchor", "suggestion"))


def now_iso() -> str:
    """The current time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC, microseconds)."""
    return datetime.now(UTC).strftime(_TIME_FORMAT)


def normalize_time(value: str) -> str:
    """An ISO-8601 timestamp as the canonical UTC form ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.

    Raises :class:`ValueError` for anything that is not an ISO-8601 date-time with a
    time zone (a naive time is ambiguous, so it is refused).
    """
    if _CANONICAL_TIME.match(value):
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
    return when.strftime(_TIME_FORMAT)


def _after(stamp: str, floor: str | None) -> str:
    """*stamp*, moved to one microsecond after *floor* when it is not later (causal order)."""
    if floor is None or stamp > floor:
        return stamp
    try:
        when = datetime.strptime(floor, _TIME_FORMAT).replace(tzinfo=UTC) + timedelta(microseconds=1)
    except (ValueError, OverflowError):  # the last representable time, or not a real date
        return floor
    return when.strftime(_TIME_FORMAT)


def _same_person(name_a: str, email_a: str, name_b: str, email_b: str) -> bool:
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
        return _anchor(data, {}.setdefault)

    def to_dict(self) -> dict[str, Any]:
        """Same as :meth:`to_json` (for ``--json`` output)."""
        return self.to_json()


def _anchor(data: Any, same: Callable[[str, str], str]) -> Anchor:
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
        for key in ("commit", "path", "blob"):
            if type(data.get(key)) is not str or not data[key]:
                raise ValueError(f"anchor.{key} missing or not a string")
    section = data.get("section")
    key = title = None
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
_EVENT_HEAD = itemgetter("v", "id", "type", "author", "email", "time")


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
                 notes: tuple[str, ...] = (), _note: _NoteText | None = None, _line: int = 0) -> None:
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

    @property
    def sort_key(self) -> tuple[str, str]:
        """Events are ordered by time, then by id."""
        return (self.time, self.id)

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


class _NoteText:
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


# ---------------------------------------------------------------------------- parsing


def encode_line(data: dict[str, Any]) -> str:
    """Compact one-line JSON; U+2028/U+2029/U+0085 are escaped so no tool sees a line break."""
    line = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if "\u2028" in line or "\u2029" in line or "\x85" in line:
        line = line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")
    return line


class _Malformed:
    """A line that is not exactly one JSON value, and why (the result of :func:`_decode_lines`)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


#: A blank line (skipped without a problem), in the result of :func:`_decode_lines`.
_BLANK = _Malformed("blank line")

def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ValueError(f"{literal} is out of range")
    return value


#: The stdlib decoder, held to JSON proper: NaN, Infinity and numbers that overflow to
#: infinity are refused (the default decoder accepts them, and no other JSON tool can
#: read them back), as orjson refuses them.
_STRICT = json.JSONDecoder(parse_constant=_not_json, parse_float=_finite)
_scan_once = _STRICT.scan_once
#: A JSON escape of a surrogate: the decoded string may hold a lone one (an emoji cut in half).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _without_lone_surrogates(value: Any) -> Any:
    """*value* with every lone surrogate in its strings made U+FFFD (it could not be printed
    or written anywhere; a valid pair was already joined into one character by the decoder)."""
    kind = type(value)
    if kind is str:
        return without_lone_surrogates(value)
    if kind is list:
        return [_without_lone_surrogates(item) for item in value]
    if kind is dict:
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value
try:  # the fast decoder when installed (a dependency; the stdlib decoder is the reference)
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a dependency
    _orjson = None
#: Separates the lines of a note decoded in one go (:func:`_decode_notes`). 2**53 + 1 is not
#: a float, so the only JSON text that decodes to a value equal to it is its own digits.
_SEPARATOR_VALUE = 2 ** 53 + 1
_SEPARATOR_DIGITS = str(_SEPARATOR_VALUE)
_SEPARATOR = f",{_SEPARATOR_DIGITS},"
_SEPARATOR_BYTES = _SEPARATOR.encode()
_SEPARATOR_DIGITS_BYTES = _SEPARATOR_DIGITS.encode()


def _decode_notes(datas: list[bytes]) -> list[list[Any] | None]:
    """For each note in *datas*, the JSON value of each of its lines, or ``None`` when that
    cannot be done in one go (then :func:`_decode_lines` decodes the note line by line).

    The notes are decoded together as one JSON array, every line break replaced by
    ``,S,`` where S is a number whose digits occur in no line (and a ``0]`` at the end).
    The result is used only when it is exactly ``[value, S, value, S, ..., value, S, 0]``
    with one S per line break.
    Then every separator is a top-level token (nothing else contains the digits of S),
    so the text between two of them -- one line -- decoded to exactly one value: a line
    holding two values, or a value spread over two lines, cannot give that shape. A blank
    or malformed line, or the digits inside a line, make it fail; then each note is tried
    on its own. It gives the same values as decoding each line on its own, several times
    faster (few calls, and keys repeated from line to line are decoded once).

    orjson decodes when installed (:func:`_split_values_fast`); the notes it decoded are
    returned as :class:`_Accelerated` lists, so that :func:`_note_events` can send a note
    whose outcome a float could change back to the stdlib decoder.
    """
    if not datas:
        return []
    datas = [data if data.endswith(b"\n") else data + b"\n" for data in datas]  # every line ends in LF
    if not any(map(bytes.__contains__, datas, repeat(_SEPARATOR_DIGITS_BYTES))):
        parts = [data.replace(b"\n", _SEPARATOR_BYTES) for data in datas]
        counts = [(len(part) - len(data)) // (len(_SEPARATOR_BYTES) - 1) for part, data in zip(parts, datas)]
        parts[0] = b"[" + parts[0]
        parts.append(b"0]")  # after the separator that ends the last line
        text = b"".join(parts)
        values = _split_values_fast(text, sum(counts)) if _orjson is not None else None
        accelerated = values is not None
        if not accelerated:
            values = _split_values(text.decode("utf-8", errors="replace"), sum(counts))
        if values is not None:
            decoded: list[list[Any] | None] = []
            start = 0
            for count in counts:
                piece = values[start:start + count]
                decoded.append(_Accelerated(piece) if accelerated else piece)
                start += count
            return decoded
    if len(datas) == 1:
        return [None]
    return [_decode_notes([data])[0] for data in datas]


def _split_values_fast(text: bytes, n: int) -> list[Any] | None:
    """:func:`_split_values` with orjson, or ``None`` when orjson refuses *text*.

    orjson accepts a subset of what the stdlib decoder accepts (no NaN, no lone
    surrogates, only valid UTF-8), and gives the same values for it, except that an
    integer beyond 64 bits becomes a float; :func:`_note_events` sends a note back to the
    stdlib decoder when a float could be such an integer (see :class:`_Accelerated`).
    """
    try:
        values = _orjson.loads(text)
    except _orjson.JSONDecodeError:
        return None
    if type(values) is list and len(values) == 2 * n + 1 and values[1::2] == [_SEPARATOR_VALUE] * n:
        return values[0:2 * n:2]
    return None


class _Accelerated(list):
    """Lines decoded by orjson rather than the stdlib decoder (a marker for :func:`_parse_decoded`)."""

    __slots__ = ()


def _split_values(text: str, n: int) -> list[Any] | None:
    """The values of the *n* lines in *text*, a JSON array ``[value, S, value, S, ..., value, S, 0]``
    (see :func:`_decode_notes`), or ``None`` when it is anything else."""
    try:
        values, end = _scan_once(text, 0)  # json.loads without its Python layers
    except (StopIteration, ValueError, RecursionError):
        return None
    if (end == len(text) and type(values) is list and len(values) == 2 * n + 1
            and values[1::2] == [_SEPARATOR_VALUE] * n):
        values = values[0:2 * n:2]
        return _without_lone_surrogates(values) if _SURROGATE_ESCAPE.search(text) else values
    return None


def _decode_lines(lines: list[str]) -> list[Any]:
    """The JSON value of each line of a note, aligned with *lines*; a blank line gives
    :data:`_BLANK` and a line that is not exactly one JSON value a :class:`_Malformed`.
    (Tries the whole-note way of :func:`_decode_notes` first.)"""
    if lines and not any(_SEPARATOR_DIGITS in line for line in lines):
        values = _split_values(f"[{_SEPARATOR.join(lines)}{_SEPARATOR}0]", len(lines))
        if values is not None:
            return values
    decoded: list[Any] = []
    scan = _scan_once
    for line in lines:
        if line[:1] == "{" and line[-1:] == "}":
            text = line
        else:
            text = line.strip()
            if not text:
                decoded.append(_BLANK)
                continue
        # The C scanner (what json.loads runs underneath), then json.loads for the
        # message when the line is not exactly one JSON value.
        try:
            value, end = scan(text, 0)
        except (StopIteration, ValueError):
            end = -1
        except RecursionError:
            decoded.append(_Malformed("not JSON (nested too deeply)"))
            continue
        if end == len(text):
            decoded.append(_without_lone_surrogates(value) if _SURROGATE_ESCAPE.search(text) else value)
            continue
        try:
            _STRICT.decode(text)
            decoded.append(_Malformed("not one JSON value"))
        except ValueError as exc:
            reason = getattr(exc, "msg", None) or str(exc)
            if "int_max_str_digits" in reason:  # Python's own advice is no use to a reader of notes
                reason = "a number with too many digits"
            decoded.append(_Malformed(f"not JSON ({reason})"))
        except RecursionError:
            decoded.append(_Malformed("not JSON (nested too deeply)"))
    return decoded


#: The ``extra`` of the (many) events without unknown fields: one shared, read-only mapping.
_NO_EXTRA: Mapping[str, Any] = MappingProxyType({})

#: The known event types as shared string objects (comparisons with them are identity checks).
_TYPE_NAMES = {name: name for name in EVENT_TYPES}


def _note_events(commit: str, values: list[Any], lines: Iterable[str | None],
                 note: _NoteText | None = None, careful: bool = False,
                 exact_ints: bool = True) -> tuple[list[Event], list[Problem]] | None:
    """Events and problems of the note on *commit* from its decoded lines (:func:`_decode_lines`).

    *lines* are the lines themselves, or ``None`` for each when they are to be cut from
    *note* only if needed (:attr:`Event.raw`). Times are checked all at once at the end
    (:func:`_all_canonical`); when one is not in the canonical form the note is parsed
    again *careful*-ly, normalising (or refusing) each time on its own.

    Without *exact_ints* (values from orjson, where an integer beyond 64 bits became a
    float) it returns ``None`` when a float could change the outcome: in a line that
    fails, or among the unknown fields kept; the note is then decoded by the stdlib.
    """
    events: list[Event] = []
    problems: list[Problem] = []
    notes = (commit,)
    append = events.append
    canonical = _CANONICAL_TIME.match
    all_known = _KNOWN.issuperset
    type_names = _TYPE_NAMES
    read_fields = _EVENT_HEAD
    same = {}.setdefault  # one copy of the strings that repeat in a note (names, anchor fields)
    stamps: list[str] = []
    add_stamp = stamps.append
    for no, (data, raw) in enumerate(zip(values, lines), 1):
        try:
            if type(data) is not dict:
                if data is _BLANK:
                    continue
                raise ValueError(data.reason if type(data) is _Malformed else "not a JSON object")
            get = data.get
            try:  # all of them at once (the usual case), else one by one
                v, ev_id, etype, author, email, stamp = read_fields(data)
            except KeyError:
                v, ev_id, etype = get("v", FORMAT_VERSION), get("id"), get("type")
                author, email, stamp = get("author", ""), get("email", ""), get("time")
            if type(ev_id) is not str or not ev_id:
                raise ValueError("missing or invalid id")
            if type(etype) is not str or not etype:
                raise ValueError("missing or invalid type")
            if type(stamp) is not str:
                raise ValueError("missing time")
            if not careful:
                add_stamp(stamp)
            elif canonical(stamp) is None:
                try:
                    stamp = normalize_time(stamp)
                except ValueError:
                    raise ValueError(f"invalid time {stamp!r}") from None
            target = get("target")
            body = get("body")
            suggestion = get("suggestion")
            if type(v) is not int:
                raise ValueError("v is not an integer")
            if type(author) is not str or type(email) is not str:
                raise ValueError("author and email must be strings")
            if target is not None and type(target) is not str:
                raise ValueError("target is not a string")
            if body is not None and type(body) is not str:
                raise ValueError("body is not a string")
            etype = type_names.get(etype, etype)
            anchor = None
            if etype == "comment":
                anchor = _anchor(get("anchor"), same)
                if suggestion is not None and type(suggestion) is not str:
                    raise ValueError("suggestion is not a string")
                if body is None:
                    raise ValueError("a comment event needs a body")
            else:
                if not target and etype in type_names:
                    raise ValueError(f"a {etype} event needs a target")
                if body is None and (etype == "reply" or etype == "edit"):
                    raise ValueError(f"a {etype} event needs a body")
                if suggestion is not None and type(suggestion) is not str:
                    suggestion = None
            if all_known(data):
                extra = _NO_EXTRA
            else:
                extra = {k: val for k, val in data.items() if k not in _KNOWN}
            if anchor is None and "anchor" in data:
                extra = {**extra, "anchor": data["anchor"]}
            if extra is not _NO_EXTRA and not exact_ints and _has_float(extra):
                return None
        except ValueError as exc:
            if not exact_ints and _has_float(data):
                return None
            problems.append(Problem(commit, no, raw if raw is not None else note.line(no), str(exc)))
            continue
        append(Event(v, ev_id, etype, target, same(author, author), same(email, email), stamp, body,
                     anchor, suggestion, extra, raw, commit, notes, note, no))
    if not careful and not _all_canonical(stamps):
        return _note_events(commit, values, lines, note, careful=True, exact_ints=exact_ints)
    return events, problems


def _has_float(value: Any) -> bool:
    """Whether a decoded JSON value holds a float anywhere."""
    kind = type(value)
    if kind is float:
        return True
    if kind is dict:
        return any(map(_has_float, value.values()))
    if kind is list:
        return any(map(_has_float, value))
    return False


_DIGITS_TO_ZERO = bytes.maketrans(b"0123456789", b"0000000000")
_TIME_SHAPE = b"0000-00-00T00:00:00.000000Z"


def _all_canonical(stamps: list[str]) -> bool:
    """Whether every time in *stamps* is in the canonical form ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.

    All at once, several times cheaper than a regular expression per time: joined by
    line breaks, with every digit made ``0``, they must read as that many copies of one
    27-character pattern (a time holding a line break would make one copy too many).
    """
    if not stamps:
        return True
    try:
        shape = "\n".join(stamps).encode("ascii").translate(_DIGITS_TO_ZERO)
    except UnicodeEncodeError:
        return False
    return shape == b"\n".join([_TIME_SHAPE] * len(stamps))


def parse_note(commit: str, data: bytes) -> tuple[list[Event], list[Problem]]:
    """Parse the raw note on *commit* (UTF-8 JSON Lines): its events and its malformed lines."""
    return _parse_decoded(commit, data, _decode_notes([data])[0])


def parse_notes(notes: Iterable[tuple[str, bytes]]) -> Iterator[tuple[str, list[Event], list[Problem]]]:
    """Parse raw notes ``(commit, bytes)`` as they come: ``(commit, events, problems)`` for each.

    Notes are decoded a few at a time (:data:`_BATCH_BYTES`) in one ``json`` call.
    """
    batch: list[tuple[str, bytes]] = []
    size = 0
    for commit, data in notes:
        batch.append((commit, data))
        size += len(data)
        if size >= _BATCH_BYTES:
            yield from _parse_batch(batch)
            batch = []
            size = 0
    if batch:
        yield from _parse_batch(batch)


#: Notes are decoded together until they hold this many bytes (fewer, larger ``json`` calls;
#: measured best around 64 KiB: much larger batches no longer fit the processor's caches).
_BATCH_BYTES = 1 << 16


def _parse_batch(batch: list[tuple[str, bytes]]) -> Iterator[tuple[str, list[Event], list[Problem]]]:
    decoded = _decode_notes([data for _, data in batch])
    for (commit, data), values in zip(batch, decoded):
        yield (commit, *_parse_decoded(commit, data, values))


def _parse_decoded(commit: str, data: bytes, values: list[Any] | None) -> tuple[list[Event], list[Problem]]:
    """:func:`parse_note` given the values from :func:`_decode_notes` (``None``: decode line by line)."""
    if values is not None:
        parsed = _note_events(commit, values, repeat(None), _NoteText(data), exact_ints=type(values) is list)
        if parsed is not None:
            return parsed
    lines = split_note(data)
    return _note_events(commit, _decode_lines(lines), lines)


def parse_events(commit: str, lines: Iterable[str]) -> tuple[list[Event], list[Problem]]:
    """Parse the lines of the note on *commit*: the events, and the lines that are malformed.

    Blank lines are skipped silently; a malformed line gives one :class:`Problem` and is
    skipped (it stays in the note). Unknown fields go to ``extra``; unknown event types
    are returned as events (with ``anchor`` None) and ignored by :func:`fold`.
    """
    lines = list(lines)
    return _note_events(commit, _decode_lines(lines), lines)


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
        if not target or etype not in _TYPE_NAMES:
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
    root_of: dict[str, str] = {}
    for rid, cur in parent.items():
        if rid in root_of:
            continue
        chain = [rid]
        seen = {rid}
        while cur in parent and cur not in seen and cur not in root_of:
            chain.append(cur)
            seen.add(cur)
            cur = parent[cur]
        root = root_of.get(cur, cur)
        if root in threads:
            for node in chain:
                root_of[node] = root
    replies: dict[str, Reply] = {}
    for ev in reply_events:
        root = root_of.get(ev.id)
        if root is not None:
            replies[ev.id] = Reply(ev.id, ev.target or "", ev.author, ev.email, ev.time, ev.body or "",
                                   updated=ev.time, event=ev, thread_id=root)
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
        item: Thread | Reply | None = thread
        if thread is None:
            item = replies.get(target)
            if item is None:
                if dangling_out is not None:
                    dangling_out.append(ev)
                continue
            thread = threads[item.thread_id]
        thread.events.append(ev)
        _apply_event(thread, item, ev, etype)
    # Dict order is (time, id) order of the roots already.
    return list(threads.values())



def _apply_event(thread: Thread, item: Any, ev: Event, etype: str) -> None:
    """Apply an edit, retract, resolve, reopen or applied event to *thread* (*item*: its target).

    The one place the folding rules live: only the author's own edit or retract
    takes effect; anyone else's is kept in ``thread.refused``.
    """
    if etype == "edit" or etype == "retract":
        if not _same_person(item.author, item.email, ev.author, ev.email):
            thread.refused.append(ev)
            return
        if etype == "edit":
            item.body = ev.body or ""
            item.edits.append(ev)
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

def dangling(events: Iterable[Event], threads: list[Thread]) -> list[Problem]:
    """Events of known types whose target is neither a thread nor a reply in *threads*."""
    ids = {t.id for t in threads} | {r.id for t in threads for r in t.replies}
    return _dangling_problems(ev for ev in events if ev.type in EVENT_TYPES and ev.type != "comment"
                              and ev.target not in ids and ev.id not in ids)


def _dangling_problems(events: Iterable[Event]) -> list[Problem]:
    return [Problem(ev.note_commit, ev._line, ev.raw, f"{ev.type} {ev.id}: unknown target {ev.target}")
            for ev in events]


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
_PROBLEM_ORDER = attrgetter("commit", "line_no")



class _LongLived:
    """Build many long-lived objects without the cyclic garbage collector looking at them.

    The collector is paused while the threads are built (otherwise it would scan them
    again and again as they are created), and the objects built are then moved straight
    to the oldest generation, where long-lived objects end up anyway: re-enabling the
    collector alone would make its next young collection scan every one of them (tens of
    milliseconds for a large review). ``gc.freeze()`` + ``gc.unfreeze()`` is that move.
    It also ages the process's other young objects, which only delays the collection of
    any garbage among them to the next full collection. Skipped when the process keeps a
    frozen generation of its own (``gc.unfreeze()`` would thaw it).
    """

    def __enter__(self) -> None:
        self._was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if self._was:
            gc.enable()


# ---------------------------------------------------------------------------- store


class ReviewStore:
    """Read and write review events in a repository's notes ref.

    Every write validates against the current threads, then appends one event line
    to the note holding the thread's root comment (``NotesStore.append``: a
    compare-and-swap, safe with concurrent writers). Nothing is written on error.
    """

    def __init__(
        self,
        repo: GitRepo,
        notes_ref: str | None = None,
        *,
        identity: tuple[str, str] | None = None,
        clock: Callable[[], str] | None = None,
    ) -> None:
        """*identity* ``(name, email)`` overrides git config's user for the events written;
        *clock* returns the ISO timestamp for new events (default: now, UTC)."""
        self.repo = repo
        self.notes = NotesStore(repo, notes_ref)
        self._identity = identity
        self._clock = clock or now_iso

    @property
    def ref(self) -> str:
        return self.notes.ref

    def identity(self) -> tuple[str, str]:
        """Who writes: the *identity* given at construction, else git config's user."""
        return self._identity or self.repo.identity()

    # ------------------------------------------------------------------ reading
    def events(self) -> tuple[list[Event], list[Problem]]:
        """Every event of every note (duplicates included) and the malformed lines.

        One ``git cat-file --batch`` reads the notes tree and every note however many there
        are (:meth:`NotesStore.iter_raw`); notes are parsed as they arrive.
        """
        events: list[Event] = []
        problems: list[Problem] = []
        for _, evs, probs in parse_notes(self.notes.iter_raw()):
            events += evs
            if probs:
                problems += probs
        problems.sort(key=_PROBLEM_ORDER)  # notes arrive in no particular order
        return events, problems

    def load(self) -> tuple[list[Thread], list[Problem]]:
        """All threads (oldest first) and the problems found (malformed lines, dangling events)."""
        lost: list[Event] = []
        with _LongLived():
            events, problems = self.events()
            unique, dup_problems = dedupe(events)
            threads = _fold(unique, lost)
        return threads, problems + dup_problems + _dangling_problems(lost)

    def threads(self) -> list[Thread]:
        """All threads, oldest first (problems ignored)."""
        return self.load()[0]

    def find(self, id_prefix: str) -> Thread | Reply:
        """The thread or reply whose id starts with *id_prefix* (unique), else :class:`ReviewtoolError`."""
        return self._find(self.threads(), id_prefix)

    @staticmethod
    def _find(threads: list[Thread], id_prefix: str) -> Thread | Reply:
        prefix = (id_prefix or "").strip().lower()
        if not prefix:
            raise UsageError("empty comment id")
        matches: list[Thread | Reply] = []
        for t in threads:
            if t.id.lower().startswith(prefix):
                matches.append(t)
            matches.extend(r for r in t.replies if r.id.lower().startswith(prefix))
        exact = [m for m in matches if m.id.lower() == prefix]
        if exact:
            return exact[0]
        if not matches:
            raise ReviewtoolError(f"no comment with id {id_prefix}")
        if len(matches) > 1:
            shown = ", ".join(m.id[:12] for m in matches[:5])
            raise UsageError(f"comment id {id_prefix} is ambiguous: {shown}{', ...' if len(matches) > 5 else ''}")
        return matches[0]

    # ------------------------------------------------------------------ writing
    def add_comment(
        self,
        version_commit: str,
        path: str,
        blob: str,
        body: str,
        section: tuple[str, str] | None = None,
        quote: tuple[int, int, str, str | None, str | None] | None = None,
        suggestion: str | None = None,
    ) -> Event:
        """Start a thread on a version of a draft, optionally on a section and a quoted passage.

        *quote* is ``(start, end, exact, prefix, suffix)`` in code points of the draft text
        at *blob* (end exclusive); ``prefix``/``suffix`` may be ``None`` to take
        :data:`CONTEXT_CHARS` characters from the text. The quote must match the text.
        *suggestion* (replacement text for the quote) needs a quote.
        """
        body = _check_body(body, "comment")
        commit = self.repo.resolve_commit(version_commit)
        if not path:
            raise UsageError("a comment needs the draft's path")
        if not _HEXID.match(blob or ""):
            raise UsageError(f"invalid blob id {blob!r}")
        actual = self.repo.blob_ids([f"{commit}:{path}"])[0]
        if actual != blob:
            raise ReviewtoolError(f"{path} at {commit[:8]} is not blob {blob[:12]}")
        section_key = section_title = None
        if section is not None:
            section_key, section_title = section
            if not section_key:
                raise UsageError("empty section key")
        start = end = None
        exact = None
        prefix = suffix = ""
        if quote is not None:
            start, end, exact, prefix_in, suffix_in = quote
            text = self.repo.read_blob(blob).decode("utf-8", errors="replace").removeprefix("\ufeff")
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
                raise UsageError(f"quote offsets {start}..{end} are outside the text (0..{len(text)})")
            if text[start:end] != exact:
                raise UsageError("the quoted text does not match the draft at those offsets")
            prefix = prefix_in if prefix_in is not None else text[max(0, start - CONTEXT_CHARS):start]
            suffix = suffix_in if suffix_in is not None else text[end:end + CONTEXT_CHARS]
        if suggestion is not None and quote is None:
            raise UsageError("a suggestion needs a quoted passage to replace")
        if suggestion is not None and unsafe_characters(suggestion):
            raise UsageError(f"the suggestion holds characters a reader would not see "
                             f"({unsafe_characters(suggestion)}: control or invisible format characters)")
        anchor = Anchor(commit, path, blob, section_key, section_title, start, end, exact, prefix, suffix)
        name, email = self.identity()
        event = Event(FORMAT_VERSION, uuid.uuid4().hex, "comment", None, name, email, self._clock(),
                      body, anchor, suggestion)
        self._write(event, (commit,))
        return event

    def comment_on(self, anchor: Anchor, body: str, suggestion: str | None = None) -> Event:
        """Start a thread at *anchor* (as :func:`reviewtool.review.anchoring.make_anchor` builds it);
        checked against the repository like :meth:`add_comment`."""
        section = (anchor.section_key, anchor.section_title or "") if anchor.section_key is not None else None
        quote = (anchor.start, anchor.end, anchor.exact, anchor.prefix, anchor.suffix) if anchor.has_quote else None
        return self.add_comment(anchor.commit, anchor.path, anchor.blob, body, section, quote, suggestion)

    def reply(self, target_id: str, body: str) -> Event:
        """Reply to a comment or a reply (*target_id* may be a unique prefix)."""
        body = _check_body(body, "reply")
        return self._event("reply", target_id, body)

    def edit(self, target_id: str, body: str) -> Event:
        """Replace the text of your own comment or reply (the old text stays in the history)."""
        body = _check_body(body, "edit")
        return self._event("edit", target_id, body, own=True)

    def resolve(self, target_id: str, body: str | None = None) -> Event:
        """Mark a thread resolved (a reply id resolves its thread)."""
        return self._event("resolve", target_id, _optional_body(body), status="open")

    def reopen(self, target_id: str, body: str | None = None) -> Event:
        """Reopen a resolved thread."""
        return self._event("reopen", target_id, _optional_body(body), status="resolved")

    def retract(self, target_id: str) -> Event:
        """Withdraw your own comment or reply (it stays in the notes, shown as retracted)."""
        return self._event("retract", target_id, None, own=True)

    def toggle_resolved(self, target_id: str) -> Event:
        """Resolve the thread of *target_id* when it is open, reopen it when resolved: decided
        on the notes as they are now (a ``resolve`` or ``reopen`` event)."""
        threads = self.threads()
        item = self._find(threads, target_id)
        thread = item if isinstance(item, Thread) else next(t for t in threads if t.id == item.thread_id)
        if thread.status == "resolved":
            return self._event("reopen", target_id, None, status="resolved", threads=threads)
        return self._event("resolve", target_id, None, status="open", threads=threads)

    def is_mine(self, item: Thread | Reply) -> bool:
        """Whether *item* was written by the identity that writes here (who may edit or retract it)."""
        name, email = self.identity()
        return _same_person(item.author, item.email, name, email)

    def mark_applied(self, target_id: str, body: str | None = None) -> Event:
        """Record that a thread's suggestion was applied (e.g. in a later version)."""
        return self._event("applied", target_id, _optional_body(body), needs_suggestion=True)

    # ------------------------------------------------------------------ internals
    def _event(self, etype: str, target_id: str, body: str | None, own: bool = False,
               status: str | None = None, needs_suggestion: bool = False,
               threads: list[Thread] | None = None) -> Event:
        threads = self.threads() if threads is None else threads
        item = self._find(threads, target_id)
        thread = item if isinstance(item, Thread) else next(t for t in threads if t.id == item.thread_id)
        what = "comment" if isinstance(item, Thread) else "reply"
        name, email = self.identity()
        if own:
            if not _same_person(item.author, item.email, name, email):
                verb = "edit" if etype == "edit" else "retract"
                raise ReviewtoolError(f"cannot {verb} {what} {item.id[:12]}: it was written by "
                                      f"{item.author or item.email}, not by you")
            if item.retracted:
                raise ReviewtoolError(f"{what} {item.id[:12]} is retracted")
        if status is not None and thread.status != status:
            raise ReviewtoolError(f"thread {thread.id[:12]} is already {thread.status}")
        if needs_suggestion and thread.suggestion is None:
            raise ReviewtoolError(f"thread {thread.id[:12]} has no suggestion to apply")
        latest = max((e.time for e in thread.events), default=None)
        # Thread-level events name the thread; replies, edits and retractions their item.
        target = thread.id if etype in ("resolve", "reopen", "applied") else item.id
        event = Event(FORMAT_VERSION, uuid.uuid4().hex, etype, target, name, email,
                      _after(self._clock(), latest), body)
        self._write(event, thread.root.notes or (thread.root.note_commit,))
        return event

    def _write(self, event: Event, commits: Iterable[str]) -> None:
        """Append *event* to the note of every commit in *commits* (one notes commit)."""
        line = event.to_line()
        targets = [c for c in dict.fromkeys(commits) if c]
        self.notes.append_many({c: [line] for c in targets})
        event.raw = line
        event.note_commit = targets[0]
        event.notes = tuple(sorted(targets))


def _check_body(body: str | None, what: str) -> str:
    if body is None or not body.strip():
        raise UsageError(f"empty {what}: give some text")
    return body


def _optional_body(body: str | None) -> str | None:
    if body is None or not body.strip():
        return None
    return body
