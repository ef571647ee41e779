"""Decoding notes into events, fast: the read side of the notes format.

Loading (:meth:`reviewtool.review.store.ReviewStore.load`) parses every note every time --
there is no parse cache -- so it is built to be quick from scratch: notes are decoded a
batch at a time by one orjson call (:func:`_decode_notes`; the stdlib ``json`` is the
reference and the fallback, line by line for a note neither can take in one go), and each
event is checked in one pass with all times checked together (:func:`_note_events`).
Entry points: :func:`parse_note`, :func:`parse_notes` (a stream of notes, batched) and
:func:`parse_events` (lines of one note). Malformed lines become
:class:`~reviewtool.review.events.Problem`, never exceptions.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import repeat
from operator import itemgetter
from types import MappingProxyType, ModuleType
from typing import Any, Literal, overload

from reviewtool.git.notes_ref import split_note
from reviewtool.review.events import (
    CANONICAL_TIME,
    FORMAT_VERSION,
    TYPE_NAMES,
    Event,
    NoteText,
    Problem,
    normalize_time,
    parse_anchor,
)
from reviewtool.textsafe import without_lone_surrogates

# Known fields of an event; everything else goes to Event.extra.
_KNOWN = frozenset(("v", "id", "type", "target", "author", "email", "time", "body", "anchor", "suggestion"))
# The fields every event has, read together (one call instead of one per field); a
# KeyError means some are missing, and then they are read one by one with their defaults.
_EVENT_HEAD = itemgetter("v", "id", "type", "author", "email", "time")


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
#: Its scanner: json.loads without its Python layers (an attribute the type stubs do not list).
_scan_once: Callable[[str, int], tuple[Any, int]] = _STRICT.scan_once  # type: ignore[attr-defined]
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


_orjson: ModuleType | None
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
    if _orjson is None:
        return None
    try:
        values = _orjson.loads(text)
    except _orjson.JSONDecodeError:
        return None
    if type(values) is list and len(values) == 2 * n + 1 and values[1::2] == [_SEPARATOR_VALUE] * n:
        return values[0:2 * n:2]
    return None


class _Accelerated(list[Any]):
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


@overload
def _note_events(commit: str, values: list[Any], lines: Iterable[str | None], note: NoteText | None = None,
                 careful: bool = False, exact_ints: Literal[True] = True) -> tuple[list[Event], list[Problem]]: ...
@overload
def _note_events(commit: str, values: list[Any], lines: Iterable[str | None], note: NoteText | None = None,
                 careful: bool = False, *, exact_ints: bool) -> tuple[list[Event], list[Problem]] | None: ...
def _note_events(commit: str, values: list[Any], lines: Iterable[str | None],
                 note: NoteText | None = None, careful: bool = False,
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
    canonical = CANONICAL_TIME.match
    all_known = _KNOWN.issuperset
    type_names = TYPE_NAMES
    read_fields = _EVENT_HEAD
    memo: dict[str, str] = {}
    same = memo.setdefault  # one copy of the strings that repeat in a note (names, anchor fields)
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
            if type(ev_id) is not str or not ev_id or ev_id.strip() != ev_id:  # blank or padded: no id
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
                anchor = parse_anchor(get("anchor"), same)
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
            text = raw if raw is not None else note.line(no) if note is not None else ""
            problems.append(Problem(commit, no, text, str(exc)))
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
        parsed = _note_events(commit, values, repeat(None), NoteText(data), exact_ints=type(values) is list)
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

