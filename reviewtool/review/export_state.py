"""The review state in an export's summary, as plain lines: verdicts, requests (open and
withdrawn), viewed coverage.

:mod:`reviewtool.review.export` escapes and lays out these lines for Markdown and HTML;
the JSON export carries the data itself (``summary.review``, built by
:func:`reviewtool.review.status.review_summary`). Lines here are plain and unescaped.
"""

from __future__ import annotations

from typing import Any

from reviewtool.textsafe import one_line

VERDICT_WORDS = {"approved": "approved", "changes_requested": "changes requested", "commented": "commented"}


def who(name: str, email: str) -> str:
    """``Name <email>``, or whichever is known, or ``unknown``."""
    if name and email:
        return f"{name} <{email}>"
    return name or email or "unknown"


def _person(p: dict[str, Any]) -> str:
    return who(p.get("name") or "", p.get("email") or "")


def review_lines(review: dict[str, Any]) -> list[tuple[str, str]]:
    """Each reviewer's verdict as ``(reviewer, text)``: the verdict, its version, current or stale."""
    lines: list[tuple[str, str]] = []
    for v in review.get("verdicts", []):
        state = "current" if v["current"] else "stale: the draft changed since"
        text = f"{VERDICT_WORDS.get(v['verdict'], v['verdict'])} on {str(v['version'])[:8]} ({state})"
        if v.get("body"):
            text += f": {one_line(v['body'])}"
        lines.append((_person(v["reviewer"]), text))
    return lines


def request_lines(review: dict[str, Any]) -> list[str]:
    """The open requests: who was asked, by whom, on which version."""
    return [f"{_person(r['reviewer'])}, asked by {_person(r['requested_by'])} on {str(r['version'])[:8]}"
            for r in review.get("requests", [])]


def withdrawn_lines(review: dict[str, Any]) -> list[str]:
    """The withdrawn requests: declined by the reviewer, or withdrawn by whoever did it, and why."""
    lines = []
    for r in review.get("withdrawn_requests", []):
        w = r["withdrawn"]
        how = "declined" if w.get("declined") else f"withdrawn by {_person(w['by'])}"
        line = (f"{_person(r['reviewer'])}, asked by {_person(r['requested_by'])} on {str(r['version'])[:8]}: "
                f"{how}")
        if w.get("body"):
            line += f" ({one_line(w['body'])})"
        lines.append(line)
    return lines


def viewed_lines(review: dict[str, Any]) -> list[str]:
    """Each reviewer's viewed coverage: ``n/m sections viewed``."""
    return [f"{_person(r['reviewer'])}: {r['viewed']}/{r['sections']} sections viewed"
            for r in review.get("viewed", [])]
