"""Wording both front ends share (the CLI and the TUI): counts, dates, section-change labels, coverage verdicts.

Ground floor: every layer may use it; it imports nothing but :mod:`reviewtool.textsafe`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from reviewtool.textsafe import one_line


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``1 version``, ``2 versions``, ``1,204 versions``: a count and a noun that agrees with it.

    The one home for plurals in messages: *plural* names the plural form of a noun that does not
    take a plain ``s`` (``counted(n, "reply", "replies")``); counts get thousands separators.
    """
    return f"{n:,} {noun if n == 1 else (plural if plural is not None else noun + 's')}"


def relative_date(when: datetime, now: datetime | None = None) -> str:
    """``3 days ago``-style date, like ``git log --date=relative``."""
    now = now or datetime.now(UTC)
    seconds = int((now - when).total_seconds())
    if seconds < 0:
        return when.strftime("%Y-%m-%d")
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("week", 7 * 86400),
                       ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            return f"{counted(seconds // size, unit)} ago"
    return "just now"


def short_date(when: datetime) -> str:
    """``2023-05-05 14:03``: a date with minutes, for tables."""
    return when.strftime("%Y-%m-%d %H:%M")


def change_label(change: Any) -> str:
    """``Title`` or ``Old title → New title`` for a section change."""
    old, new = change.old_title, change.new_title
    if old is None:
        return one_line(new or "")
    if new is None or old == new:
        return one_line(old)
    return f"{one_line(old)} → {one_line(new)}"


def change_mark(kind: str, text: str) -> str:
    """*text* marked as ``git diff --word-diff=plain`` marks it: ``[-deleted-]`` (kind
    ``delete``), ``{+inserted+}`` (``insert``), unchanged text as it is. For output without
    colour: the marks keep a deletion and the insertion beside it apart."""
    if kind == "delete":
        return f"[-{text}-]"
    if kind == "insert":
        return f"{{+{text}+}}"
    return text


def coverage_certainty(placement: Any) -> str:
    """How sure a coverage verdict is, in words: ``high confidence: title, words`` for a placement,
    ``high confidence`` for "not written yet", and why there is no verdict for "not enough
    text to judge" (a :class:`reviewtool.diff.coverage.Placement`)."""
    if placement.state == "not enough text to judge":
        return "its words are there, but too few and too common to tell where"
    level = f"{placement.confidence_level} confidence"
    telling = [e for e in placement.evidence if e != "alone"]
    if placement.section is None or not telling:
        return level
    return f"{level}: {', '.join(telling)}"
