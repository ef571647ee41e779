"""Reading a draft's front matter fields: its YAML, loaded safely and bounded, each
distinct text once per process.

Versions of a draft share their front matter (a title, a date, tags) almost always, and
loading YAML in pure Python costs about a millisecond: a cold ``log`` of 1,000 versions
spent 14% of its time there. So :func:`load_fields` keeps what each distinct front matter
text gave (fields and problems) and hands every caller its own copy of the fields (made
without :func:`copy.deepcopy`'s bookkeeping: YAML gives mappings, lists and values that
cannot change).
Finding where the front matter starts and ends is :mod:`reviewtool.draft.document`'s job.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

from reviewtool.lru import LRU

#: Front matter whose fields expand to more values than this (YAML aliases can
#: blow up exponentially) or nest deeper than _MAX_FIELD_DEPTH is ignored.
_MAX_FIELD_NODES = 10_000
_MAX_FIELD_DEPTH = 50

#: Front matter text -> (fields, problems), for the distinct texts a process meets.
_LOADED: LRU[str, tuple[dict[str, Any], tuple[str, ...]]] = LRU(256)


def load_fields(raw: str) -> tuple[dict[str, Any], list[str]]:
    """The fields of front matter text *raw* (between its ``---`` lines) and the problems
    found reading it (malformed YAML, not a mapping, too large): fields ``{}`` then.
    The fields are the caller's own (a copy of what is kept)."""
    found = _LOADED.get(raw)
    if found is None:
        found = _LOADED.put(raw, _load(raw))
    fields, problems = found
    return (_own(fields) if fields else {}), list(problems)


#: What YAML loads that no caller can change: shared, not copied.
_IMMUTABLE = frozenset({str, int, float, bool, type(None), bytes, date, datetime})


def _own(value: Any) -> Any:
    """A copy of *value* (loaded fields) as :func:`copy.deepcopy` makes it, but for values
    repeated through YAML aliases (copied apart): mappings and lists copied, what cannot change
    shared, anything else deep-copied (a set)."""
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _IMMUTABLE else _own(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _IMMUTABLE else _own(v) for v in value]
    if kind in _IMMUTABLE:
        return value
    return copy.deepcopy(value)


def clear_loaded() -> None:
    """Forget the front matter texts read (for benchmarks that measure a cold parse)."""
    _LOADED.clear()


def _load(raw: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    import yaml  # here: only drafts with front matter need it

    try:
        data = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or (str(exc).splitlines() or ["invalid YAML"])[0]
        return {}, (f"malformed front matter{where}: {problem}",)
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # Valid YAML syntax with an impossible value, e.g. ``date: 2023-02-30``.
        return {}, (f"malformed front matter: {exc}",)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return {}, ("malformed front matter: expected key: value fields",)
    if not _bounded(data):
        return {}, ("front matter too large or self-referencing: fields ignored",)
    return data, ()


def _bounded(value: Any) -> bool:
    """Whether *value* expands to at most _MAX_FIELD_NODES values, _MAX_FIELD_DEPTH deep."""
    budget = _MAX_FIELD_NODES
    todo: list[tuple[Any, int]] = [(value, 0)]
    while todo:
        item, depth = todo.pop()
        budget -= 1
        if budget < 0 or depth > _MAX_FIELD_DEPTH:
            return False
        if isinstance(item, dict):
            todo.extend((v, depth + 1) for pair in item.items() for v in pair)
        elif isinstance(item, (list, tuple)):
            todo.extend((v, depth + 1) for v in item)
    return True
