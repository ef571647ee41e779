"""A parsed version as a cache entry and back: :class:`Document` to JSON-able data, and
data plus the version's text to the same :class:`Document`.

What is kept is everything :func:`reviewtool.draft.document.parse` computes besides the
text (the text is the blob's, read from git): each section's fields and fingerprint hash
(:attr:`Document.fingerprint_hashes`: what sections are compared by) and the problems
found. The statistics (:meth:`Document.stats`) are stored beside them, as a part of
their own (:func:`valid_stats` checks them), so that ``reviewtool log`` reads them
without building the document. Sections are stored as arrays in :data:`_FIELDS` order;
children are rebuilt from the parents. The sections' plain texts, most of which the next
version shares, are not in the data but beside it (:func:`dump` returns them apart, one a
section): the cache writes each distinct one once per pack
(:meth:`reviewtool.draft.cache.Cache.put`'s *texts*). The markup of the pieces a large text was
parsed in (:func:`dump_pieces`) is a part of its own too, read only when a diff's markup
check asks for it (:func:`load`'s *pieces*): a diff of two stored versions then parses only
what no piece of theirs holds. The data carries its version (:data:`FORMAT`).

Front matter values are kept exactly or not at all: JSON's types, and YAML dates and
timestamps tagged ``{"$date": ...}`` / ``{"$datetime": ...}``; a document whose front
matter holds anything else (binary, sets, keys that are not strings) is not stored, and is
parsed again each time. A stored document that does not fit its text (length, tiling,
types) is refused (:func:`load` returns None) and parsed again.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from reviewtool.collector import LARGE_TEXT_CHARS
from reviewtool.draft.cache import module_files, source_fingerprint
from reviewtool.draft.chunks import piece_features
from reviewtool.draft.document import Document, Section, SubPoint
from reviewtool.draft.markup_features import NO_FEATURES, Features
from reviewtool.draft.stored_pieces import remember_pieces

#: The fields of a stored section, in order.
_FIELDS = ("key", "title", "kind", "level", "start", "end", "line_start", "line_end", "body_start", "parent",
           "end_all", "words", "prose_words", "outline_words", "words_all", "subpoints", "fields",
           "fingerprint_hash")
#: The types of a stored section's fields, in order (its parent's: a key, or None), as :func:`dump` writes them.
_ROW_TYPES = frozenset((str, str, str, int, int, int, int, int, int, parent, int, int, int, int, int, list, dict, str)
                       for parent in (str, type(None)))
_KINDS = ("frontmatter", "preamble", "heading", "outline")
#: Integers JSON (orjson) keeps exactly.
_INT_RANGE = 2**63


class _Unstorable(Exception):
    """A front matter value JSON cannot keep exactly."""


def dump(doc: Document) -> tuple[dict[str, Any], list[str]] | None:
    """*doc* as JSON-able data and its sections' plain texts (one a section, in order), or
    None when its front matter cannot be kept exactly."""
    try:
        fields = [_to_json(s.fields) if s.fields else {} for s in doc.sections]
    except _Unstorable:
        return None
    sections = [[s.key, s.title, s.kind, s.level, s.start, s.end, s.line_start, s.line_end, s.body_start, s.parent,
                 s.end_all, s.words, s.prose_words, s.outline_words, s.words_all,
                 [[p.text, p.depth, p.line] for p in s.subpoints] if s.subpoints else [], found, fp_hash]
                for s, found, fp_hash in zip(doc.sections, fields, doc.fingerprint_hashes)]
    return {"format": FORMAT, "chars": len(doc.text), "problems": list(doc.problems), "sections": sections}, \
        [s.plain for s in doc.sections]


#: The version of the stored data: 2 came with the pieces' markup (:func:`dump_pieces`, a
#: part of its own). Data of another version (none: version 1) is refused, and the version
#: parsed and stored again.
FORMAT = 2


#: The smallest text whose pieces' markup is stored (:func:`dump_pieces`): a large text, as
#: :data:`reviewtool.collector.LARGE_TEXT_CHARS` has it.
PIECES_FROM_CHARS = LARGE_TEXT_CHARS


def dump_pieces(doc: Document) -> list[list[Any]]:
    """The markup of the pieces *doc*'s text was cut into when it was parsed, just now
    (:func:`reviewtool.draft.chunks.piece_features`; the pieces that end the text, in order,
    none when the text parsed last was another), as JSON-able data: ``[lengths, codes,
    table]``, a piece's code 0 when its markup is not known, 1 when it has none, else 2 +
    the index in *table* of its markup as a JSON text (each distinct markup once: a book
    repeats whole chapters). Stored apart from :func:`dump`'s data and read only when a
    diff's markup check asks for a piece it did not parse (:func:`load`'s *pieces*). Only for
    a text of :data:`PIECES_FROM_CHARS` or more: the changed blocks of a smaller one cost
    little to parse, and a long history of small versions (a cold ``log``) would pay for
    their pieces at every version."""
    if len(doc.text) < PIECES_FROM_CHARS:
        return [[], [], []]
    lengths, found = piece_features(doc.text)
    table: list[str] = []
    numbers: dict[int, int] = {}  # id of a Features -> its code (pieces of one text share the chunk's)
    codes: list[int] = []
    number = numbers.get
    for features in found:
        if features is None or features is NO_FEATURES:
            codes.append(0)
            continue
        code = number(id(features))
        if code is None:
            code = 0  # (a piece parsed alone with no definition of its own has no references)
            if not features.references:
                code = len(table) + 1
                table.append(_json_text([features.links, features.emphasis, features.code, features.fences,
                                         features.list_markers, features.tags]))
            numbers[id(features)] = code
        codes.append(code)
    return [lengths, codes, table]


def _json_text(value: Any) -> str:
    import orjson

    return orjson.dumps(value).decode()


def _valid_pieces(stored: Any, size: int) -> tuple[list[int], list[str | None]] | None:
    """*stored* (what :func:`dump_pieces` wrote) as each piece's length and stored markup
    (None: none stored; else its JSON text, :func:`_features_from_json`), or None when it
    does not fit a text of *size* characters."""
    if type(stored) is not list or len(stored) != 3:
        return None
    lengths, codes, table = stored
    if type(lengths) is not list or type(codes) is not list or type(table) is not list \
            or len(lengths) != len(codes) or not set(map(type, lengths)).issubset((int,)) \
            or not set(map(type, codes)).issubset((int,)) or not set(map(type, table)).issubset((str,)):
        return None
    if lengths and (min(lengths) <= 0 or sum(lengths) > size or min(codes) < 0 or max(codes) > len(table)):
        return None
    values: list[str | None] = [None, *table]
    return lengths, list(map(values.__getitem__, codes))


_PAIRS = (0, 1, 3)  # the lists of pairs among a stored piece's six (links, emphasis, fences)


def _features_from_json(stored: str) -> Features | None:
    """A piece's stored markup (see :func:`_valid_pieces`) as :class:`Features`, or None
    when it is not what :func:`dump_pieces` writes."""
    import orjson

    try:
        found = orjson.loads(stored)
    except orjson.JSONDecodeError:
        return None
    if type(found) is not list or len(found) != 6 or not all(type(part) is list for part in found):
        return None
    parts: list[tuple[Any, ...]] = []
    for k, part in enumerate(found):
        if k in _PAIRS:
            if not all(type(p) is list and len(p) == 2 and type(p[0]) is str and type(p[1]) is str for p in part):
                return None
            parts.append(tuple(map(tuple, part)))
        else:
            if not all(type(p) is str for p in part):
                return None
            parts.append(tuple(part))
    links, emphasis, code, fences, markers, tags = parts
    return Features(links, {}, emphasis, code, fences, markers, tags)


#: The statistics (:meth:`Document.stats`) and their types.
_STATS = {"words": int, "sections": int, "prose_sections": int, "outline_sections": int, "prose_share": float}


def valid_stats(found: Any) -> dict[str, Any] | None:
    """*found* (stored statistics) when it is what :meth:`Document.stats` returns, else None."""
    if type(found) is not dict or set(found) != set(_STATS):
        return None
    for key, kind in _STATS.items():
        if not (type(found[key]) is kind or (kind is float and type(found[key]) is int)):
            return None
    return dict(found)


@functools.cache
def fingerprint() -> str:
    """What stored documents depend on besides the blob: the source of every module of the
    draft layer (the parser and this codec among them; all of them, so that no module the
    parse comes to depend on is forgotten), and the versions of markdown-it-py and PyYAML
    (see :func:`reviewtool.draft.cache.source_fingerprint`)."""
    return source_fingerprint(module_files(os.path.dirname(__file__)), packages=("markdown_it", "yaml"))


def load(data: Any, plains: list[str], text: str, path: str | None,
         pieces: Callable[[], Any] | None = None) -> Document | None:
    """The :class:`Document` of *text* from stored *data* and its sections' *plains* (as
    :func:`dump` returned them), or None when they do not fit. *pieces* reads what
    :func:`dump_pieces` stored for it (None when there is nothing): called when a diff's
    markup check first reads a piece it has not parsed
    (:func:`reviewtool.draft.stored_pieces.remember_pieces`)."""
    try:
        doc = _load(data, plains, text, path)
    except (TypeError, ValueError, KeyError, IndexError, _Unstorable):
        return None
    if doc is not None and pieces is not None:
        size = len(text)
        remember_pieces(text, lambda: _valid_pieces(pieces(), size), _features_from_json)
    return doc


def _load(data: dict[str, Any], plains: list[str], text: str, path: str | None) -> Document | None:
    if type(data) is not dict or data.get("format") != FORMAT or data["chars"] != len(text) \
            or type(data["problems"]) is not list or len(plains) != len(data["sections"]) \
            or not all(type(p) is str for p in plains):
        return None
    sections: list[Section] = []
    hashes: list[str] = []
    by_key: dict[str, Section] = {}
    end = 0
    for index, (row, plain) in enumerate(zip(data["sections"], plains)):
        if tuple(map(type, row)) not in _ROW_TYPES or row[2] not in _KINDS:
            return None
        (key, title, kind, level, start, stop, line_start, line_end, body_start, parent, end_all, words,
         prose_words, outline_words, words_all, subpoints, fields, fp_hash) = row
        if start != end or not start <= body_start <= stop <= end_all <= len(text) or key in by_key:
            return None
        end = stop
        # In the order of Section's fields (positional: a book has thousands of sections, and
        # keywords cost a third of the call; tests/test_cache.py compares every field).
        section = Section(key, title, kind, level, start, stop, line_start, line_end, body_start, index, parent, [],
                          end_all, plain, words, prose_words, outline_words, words_all,
                          [SubPoint(str(t), int(d), int(n)) for t, d, n in subpoints] if subpoints else [],
                          _from_json(fields) if fields else {})
        if parent is not None:
            owner = by_key.get(parent)
            if owner is None:
                return None  # a parent always comes before its children
            owner.children.append(key)
        by_key[key] = section
        sections.append(section)
        hashes.append(fp_hash)
    if end != len(text):
        return None
    doc = Document(text=text, sections=sections, problems=[str(p) for p in data["problems"]], path=path)
    doc.__dict__["fingerprint_hashes"] = hashes
    doc.__dict__["by_key"] = by_key
    return doc


def _to_json(value: Any) -> Any:
    """*value* (parsed YAML) as JSON that :func:`_from_json` turns back into an equal value."""
    if value is None or type(value) in (bool, str):
        return value
    if type(value) is int:
        if not -_INT_RANGE <= value < _INT_RANGE:
            raise _Unstorable
        return value
    if type(value) is float:
        if not math.isfinite(value):
            raise _Unstorable
        return value
    if type(value) is datetime:
        return {"$datetime": value.isoformat()}
    if type(value) is date:
        return {"$date": value.isoformat()}
    if type(value) is list:
        return [_to_json(v) for v in value]
    if type(value) is dict:
        if not all(type(k) is str and not k.startswith("$") for k in value):
            raise _Unstorable
        return {k: _to_json(v) for k, v in value.items()}
    raise _Unstorable


def _from_json(value: Any) -> Any:
    if type(value) is list:
        return [_from_json(v) for v in value]
    if type(value) is dict:
        if len(value) == 1:
            (tag, text), = value.items()
            if tag == "$datetime":
                return datetime.fromisoformat(text)
            if tag == "$date":
                return date.fromisoformat(text)
        if any(k.startswith("$") for k in value):
            raise _Unstorable
        return {k: _from_json(v) for k, v in value.items()}
    return value
