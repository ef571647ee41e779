"""Export a draft's review: a summary, then the threads grouped by section, as Markdown, JSON or HTML.

Input: ``(Thread, Placement)`` pairs as :func:`reviewtool.review.anchoring.comments_for_version`
returns them (document order). :func:`export` filters them (status, author,
date), counts them (open/resolved, by reviewer, by section, by anchor state)
and renders one document:

* ``json``: ``{"draft", "version", "scope", "filters", "summary", "sections": [{"kind",
  "key", "title", "threads": [...]}]}``, the review state (verdicts, open and
  withdrawn requests, viewed coverage) in ``summary.review``; strings are JSON-escaped, and the C1 controls
  and hidden characters (:func:`reviewtool.textsafe.hidden_at`) that JSON leaves raw
  are escaped too (``\\u200b``), so the text decodes exactly;
* ``html``: one self-contained file (inline CSS, no scripts, no external
  resources); every user string goes through :func:`html.escape`, and hidden
  characters are shown as ``<U+XXXX>`` marked and named (``title``);
* ``markdown``: user strings are cleaned of control characters, hidden
  characters shown as ``<U+XXXX>``, and backslash-escaped so they render
  literally; quotes become ``>`` blocks with every line prefixed.

No Textual or Rich here: the CLI prints or writes the returned string;
:func:`write_export` is how both front ends write it to a file.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import secrets
import stat
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.review.export_state import request_lines, review_lines, viewed_lines, withdrawn_lines
from reviewtool.review.export_state import who as _who
from reviewtool.textsafe import clean, json_text, one_line

FORMATS = ("markdown", "json", "html")
STATUS_FILTERS = ("open", "resolved", "all")
#: Version of the JSON export schema.
SCHEMA_VERSION = 1

_STATE_NOTES = {
    "exact": "exact",
    "moved": "moved",
    "fuzzy": "fuzzy match",
    "outdated": "outdated: the quoted text changed",
    "orphaned": "orphaned: its section is gone",
}


# ---------------------------------------------------------------------- filtering


def parse_since(value: str | None) -> datetime | None:
    """``--since``: an ISO date (``2023-05-01``) or date-time; naive means UTC."""
    if value is None or value == "":
        return None
    try:
        if len(value) == 10:
            when = datetime.combine(date.fromisoformat(value), time(0, 0))
        else:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"invalid date {value!r}: use an ISO date such as 2023-05-01") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _when(stamp: str) -> datetime:
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def filter_threads(items: Iterable[tuple[Any, Any]], status: str = "all", author: str | None = None,
                   since: str | datetime | None = None) -> list[tuple[Any, Any]]:
    """Keep the ``(thread, placement)`` pairs matching the filters.

    *status*: ``open``, ``resolved`` or ``all``. *author*: an email (or name),
    case-insensitive, of the thread's author. *since*: threads with activity
    (created, replied, resolved...) on or after this date.
    """
    if status not in STATUS_FILTERS:
        raise UsageError(f"invalid status {status!r}: use open, resolved or all")
    cutoff = parse_since(since) if isinstance(since, str) or since is None else since
    who = author.strip().casefold() if author else None
    kept = []
    for thread, placement in items:
        if status != "all" and (thread.status != status or getattr(thread, "retracted", False)):
            continue  # a retracted thread is neither open nor resolved
        if who and who not in (thread.email.casefold(), thread.author.casefold()):
            continue
        if cutoff is not None and _when(thread.updated) < cutoff:
            continue
        kept.append((thread, placement))
    return kept


# ---------------------------------------------------------------------- the model


@dataclass
class _Group:
    kind: str  # draft | section | orphaned
    key: str | None
    title: str
    threads: list[dict[str, Any]] = field(default_factory=list)


def _version_json(version: Any) -> dict[str, Any]:
    if version is None:
        return {"commit": None, "short": None, "subject": None, "date": None}
    if isinstance(version, str):
        return {"commit": version, "short": version[:8], "subject": None, "date": None}
    is_wt = getattr(version, "is_worktree", False)
    when: Any = getattr(version, "date", None)
    return {"commit": None if is_wt else version.commit, "short": version.short,
            "subject": getattr(version, "subject", None),
            "date": when.isoformat() if hasattr(when, "isoformat") else when}


def thread_json(thread: Any, placement: Any) -> dict[str, Any]:
    """One thread for the JSON export (and the base of the other formats)."""
    anchor = thread.anchor
    suggestion = None
    if thread.suggestion is not None:
        applied = thread.applied
        suggestion = {"before": anchor.exact, "after": thread.suggestion, "applied": applied is not None,
                      "applied_by": (applied.author or applied.email) if applied else None,
                      "applied_at": applied.time if applied else None}
    return {
        "id": thread.id,
        "author": thread.author,
        "email": thread.email,
        "created": thread.created,
        "updated": thread.updated,
        "status": thread.status,
        "anchor": {
            "state": placement.state,
            "scope": placement.scope,
            "score": round(placement.score, 3),
            "section": placement.section_key,
            "made_on": {"commit": anchor.commit, "path": anchor.path,
                        "section": anchor.section_key, "section_title": anchor.section_title},
        },
        "quote": anchor.exact,
        "quote_found": placement.quote_found,
        "body": thread.body,
        "edited": bool(thread.edits),
        "suggestion": suggestion,
        "replies": [{
            "id": r.id, "author": r.author, "email": r.email, "time": r.time,
            "body": None if r.retracted else r.body, "edited": bool(r.edits), "retracted": r.retracted,
        } for r in thread.replies],
    }


def build(items: Sequence[tuple[Any, Any]], *, draft: str, version: Any, title: str | None = None,
          document: Any = None, status: str = "all", author: str | None = None,
          since: str | None = None, scope: dict[str, Any] | None = None,
          review: dict[str, Any] | None = None) -> dict[str, Any]:
    """The export as a JSON-ready dict (what ``fmt="json"`` prints).

    *scope* says which versions the export covers (``{"kind": "draft"|"version"|"from",
    "from": commit or None}``); *review* is the review state
    (:func:`reviewtool.review.status.review_summary`), put in the summary as ``review``.
    """
    kept = filter_threads(items, status, author, since)
    groups: dict[tuple[str, str | None], _Group] = {}
    for thread, placement in kept:
        if placement.scope == "version" and placement.state != "orphaned":
            gid = ("draft", None)
            groups.setdefault(gid, _Group("draft", None, "Whole draft"))
        elif placement.section_key is None:
            gid = ("orphaned", None)
            groups.setdefault(gid, _Group("orphaned", None, "Orphaned comments (their section is gone)"))
        else:
            gid = ("section", placement.section_key)
            if gid not in groups:
                sec = document.get(placement.section_key) if document is not None else None
                name = sec.title if sec is not None else (
                    thread.anchor.section_title if thread.anchor.section_key == placement.section_key
                    and thread.anchor.section_title else placement.section_key)
                groups[gid] = _Group("section", placement.section_key, name)
        groups[gid].threads.append(thread_json(thread, placement))

    def group_order(item: tuple[tuple[str, str | None], _Group]) -> tuple[int, int]:
        (kind, key), _ = item
        if kind != "section":
            return (0 if kind == "draft" else 2, 0)
        sec = document.get(key) if document is not None and key else None
        return (1, sec.start if sec is not None else 0)  # sorted() is stable: else first-seen order

    ordered = [g for _, g in sorted(groups.items(), key=group_order)]

    reviewers: dict[str, dict[str, Any]] = {}

    def reviewer(name: str, email: str) -> dict[str, Any]:
        key = (email or name).casefold()
        return reviewers.setdefault(key, {"name": name, "email": email, "threads": 0, "open": 0,
                                          "resolved": 0, "replies": 0})

    states = dict.fromkeys(_STATE_NOTES, 0)
    for thread, placement in kept:
        r = reviewer(thread.author, thread.email)
        r["threads"] += 1
        r[thread.status] = r.get(thread.status, 0) + 1
        states[placement.state] = states.get(placement.state, 0) + 1
        for reply in thread.replies:
            reviewer(reply.author, reply.email)["replies"] += 1
    summary = {
        "threads": len(kept),
        "open": sum(1 for t, _ in kept if t.status == "open"),
        "resolved": sum(1 for t, _ in kept if t.status == "resolved"),
        "replies": sum(len(t.replies) for t, _ in kept),
        "suggestions": sum(1 for t, _ in kept if t.suggestion is not None),
        "applied": sum(1 for t, _ in kept if t.suggestion is not None and t.applied is not None),
        "states": states,
        "reviewers": sorted(reviewers.values(), key=lambda r: (-r["threads"], -r["replies"], r["name"].casefold())),
        "sections": [{"kind": g.kind, "key": g.key, "title": g.title, "threads": len(g.threads),
                      "open": sum(1 for t in g.threads if t["status"] == "open"),
                      "resolved": sum(1 for t in g.threads if t["status"] == "resolved")} for g in ordered],
        "review": review if review is not None else {"verdicts": [], "requests": [], "withdrawn_requests": [],
                                                     "viewed": [], "viewed_version": None},
    }
    return {
        "schema": SCHEMA_VERSION,
        "title": title,
        "draft": draft,
        "version": _version_json(version),
        "scope": scope if scope is not None else {"kind": "version", "from": None},
        "filters": {"status": status, "author": author, "since": since},
        "summary": summary,
        "sections": [{"kind": g.kind, "key": g.key, "title": g.title, "threads": g.threads} for g in ordered],
    }


def export(items: Sequence[tuple[Any, Any]], fmt: str, *, title: str | None = None, draft: str,
           version: Any, document: Any = None, status: str = "all", author: str | None = None,
           since: str | None = None, scope: dict[str, Any] | None = None,
           review: dict[str, Any] | None = None) -> str:
    """Render the review of *draft* at *version* as ``markdown``, ``json`` or ``html``.

    *items* are ``(Thread, Placement)`` pairs in document order; *document* (the
    parsed draft at *version*) supplies section titles and order. Filters:
    *status* (``open``/``resolved``/``all``), *author* (email), *since* (ISO date).
    *scope* and *review*: see :func:`build`.
    """
    if fmt not in FORMATS:
        raise UsageError(f"invalid format {fmt!r}: use markdown, json or html")
    data = build(items, draft=draft, version=version, title=title, document=document,
                 status=status, author=author, since=since, scope=scope, review=review)
    if fmt == "json":
        return to_json(data)
    if fmt == "html":
        return to_html(data)
    return to_markdown(data)


# ---------------------------------------------------------------------- JSON

def to_json(data: dict[str, Any]) -> str:
    """Indented JSON; characters a terminal could act on are escaped as ``\\uXXXX``."""
    return json_text(data) + "\n"


# ---------------------------------------------------------------------- shared text


def _date(stamp: str | None) -> str:
    if not stamp:
        return ""
    when = _when(stamp)
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _state_label(anchor: dict[str, Any]) -> str:
    state: str = anchor["state"]
    if state == "fuzzy":
        return f"fuzzy match ({anchor['score']:.2f})"
    if anchor["scope"] == "version":
        return "on this version" if state == "exact" else "on an earlier version"
    return _STATE_NOTES.get(state, state)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _summary_line(s: dict[str, Any]) -> str:
    return (f"{_plural(s['threads'], 'thread')}: {s['open']} open, {s['resolved']} resolved; "
            f"{_plural(s['replies'], 'reply', 'replies')}; "
            f"{_plural(s['suggestions'], 'suggested edit')} ({s['applied']} applied).")


def _scope_words(data: dict[str, Any]) -> str:
    """What the export covers, in words: the whole draft, one version, or from a version on."""
    scope = data.get("scope") or {}
    v = data["version"]
    at = f" (threads shown on version {v['short']})" if v.get("short") else ""
    if scope.get("kind") == "draft":
        return f"Scope: the whole draft, every version{at}."
    if scope.get("kind") == "from":
        return f"Scope: from version {str(scope.get('from') or '')[:8]} to the newest{at}."
    return f"Scope: version {v.get('short') or ''} only."


# ---------------------------------------------------------------------- Markdown

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&#!])")
_MD_LINE_START = re.compile(r"^([-+=>])")
_MD_ORDERED = re.compile(r"^(\d+)([.)])")


def md_escape(text: str) -> str:
    """One line of untrusted text as literal Markdown (backslash escapes; no control chars)."""
    text = _MD_INLINE.sub(r"\\\1", clean(text, keep_newlines=False).replace("\t", " "))
    text = text.lstrip()
    text = _MD_LINE_START.sub(r"\\\1", text)
    return _MD_ORDERED.sub(r"\1\\\2", text)


def md_block(text: str, prefix: str = "") -> list[str]:
    """Untrusted multi-line text as Markdown lines (hard breaks kept, blank lines = paragraphs)."""
    lines = clean(text).split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        escaped = md_escape(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if escaped and nxt.strip():
            escaped += "\\"  # a hard line break
        out.append((prefix + escaped).rstrip() if escaped else prefix.rstrip())
    while out and out[-1] == prefix.rstrip():
        out.pop()
    return out


def _md_cell(text: str) -> str:
    return md_escape(one_line(text)) or " "


def to_markdown(data: dict[str, Any]) -> str:
    """The export as CommonMark."""
    s = data["summary"]
    out: list[str] = []
    title = data.get("title") or data["draft"]
    out.append(f"# Review: {md_escape(title)}")
    out.append("")
    v = data["version"]
    where = f"Draft {md_escape(data['draft'])}"
    if v.get("short"):
        where += f" at version {md_escape(v['short'])}"
        if v.get("subject"):
            where += f" ({md_escape(v['subject'])})"
    out.append(where + ".")
    out.append("")
    out.append(md_escape(_scope_words(data)))
    out.append("")
    out.append(f"**{_summary_line(s)}**")
    out.append("")
    review = s.get("review") or {}
    verdicts = review_lines(review)
    out += ["**Verdicts:**", ""]
    out += [f"- {md_escape(who)}: {md_escape(text)}" for who, text in verdicts] or ["- none"]
    out += ["", "**Open review requests:**", ""]
    out += [f"- {md_escape(line)}" for line in request_lines(review)] or ["- none"]
    if withdrawn_lines(review):
        out += ["", "**Withdrawn review requests:**", ""] + [f"- {md_escape(x)}" for x in withdrawn_lines(review)]
    out += ["", "**Viewed sections**" + (f" (at {md_escape(str(review['viewed_version'])[:8])})"
                                         if review.get("viewed_version") else "") + ":", ""]
    out += [f"- {md_escape(line)}" for line in viewed_lines(review)] or ["- none"]
    out.append("")
    if s["reviewers"]:
        out += ["| Reviewer | Threads | Open | Resolved | Replies |", "|---|---:|---:|---:|---:|"]
        for r in s["reviewers"]:
            out.append(f"| {_md_cell(_who(r['name'], r['email']))} | {r['threads']} | {r['open']} | "
                       f"{r['resolved']} | {r['replies']} |")
        out.append("")
    if s["sections"]:
        out += ["| Section | Threads | Open | Resolved |", "|---|---:|---:|---:|"]
        for g in s["sections"]:
            out.append(f"| {_md_cell(g['title'])} | {g['threads']} | {g['open']} | {g['resolved']} |")
        out.append("")
    for group in data["sections"]:
        out.append(f"## {md_escape(group['title'])}")
        out.append("")
        for t in group["threads"]:
            out += _md_thread(t)
    if not data["sections"]:
        out += ["No comments match.", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _md_thread(t: dict[str, Any]) -> list[str]:
    out = [f"### {t['status'].capitalize()}: {md_escape(_who(t['author'], t['email']))}, {_date(t['created'])}", ""]
    out.append(f"*Anchor: {md_escape(_state_label(t['anchor']))}; id {md_escape(t['id'][:8])}*")
    out.append("")
    if t["quote"]:
        out += md_block(t["quote"], "> ")
        out.append("")
        if t["quote_found"] and t["quote_found"] != t["quote"]:
            out.append("Now reads:")
            out.append("")
            out += md_block(t["quote_found"], "> ")
            out.append("")
    out += md_block(t["body"])
    if t["edited"]:
        out[-1] += " *(edited)*"
    out.append("")
    sug = t["suggestion"]
    if sug:
        out.append("**Suggested edit**" + (" (applied)" if sug["applied"] else "") + ":")
        out.append("")
        out += ["Before:", ""]
        out += md_block(sug["before"] or "", "> ")
        out += ["", "After:", ""]
        out += md_block(sug["after"], "> ") or ["> *(delete the passage)*"]
        out.append("")
    for r in t["replies"]:
        head = f"- **{md_escape(_who(r['author'], r['email']))}**, {_date(r['time'])}:"
        if r["retracted"]:
            out.append(head + " *(retracted)*")
            continue
        body = md_block(r["body"] or "", "  ")
        out.append(head + ("\\" if body else ""))  # a hard break: the body starts on its own line
        out += [line if line.strip() else "" for line in body]
    if t["replies"]:
        out.append("")
    return out


# ---------------------------------------------------------------------- HTML

_CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.meta{color:#666;font-size:.9rem}table{border-collapse:collapse;margin:1rem 0}th,td{padding:.2rem .7rem;border-bottom:1px solid #eee;text-align:left}
td.n,th.n{text-align:right}.thread{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.thread.resolved{opacity:.75}.badge{display:inline-block;font-size:.75rem;padding:0 .45rem;border-radius:9px;background:#eee;margin-right:.3rem}
.open{background:#fff3cd}.resolved .badge.status{background:#d1e7dd}.state-outdated,.state-orphaned{background:#f8d7da}.state-fuzzy{background:#ffe5b4}
blockquote{margin:.5rem 0;padding:.2rem .8rem;border-left:3px solid #bbb;color:#444;white-space:pre-wrap}
.body{white-space:pre-wrap;margin:.5rem 0}.before{text-decoration:line-through;color:#a00}.after{color:#070}
.replies{margin:.4rem 0 0 1rem;padding-left:.8rem;border-left:2px solid #eee}.reply{margin:.4rem 0}
.hidden-char{font:.8em monospace;background:#fde2e1;color:#8a1c1c;border-radius:3px;padding:0 .15em}
"""  # noqa: E501 (one rule set per line)


_HTML_REVEALED = re.compile(r"&lt;U\+([0-9A-F]{4,6})&gt;")


def _h(text: Any) -> str:
    """Untrusted text as HTML: controls removed, escaped, hidden characters shown and named."""
    escaped = html.escape(clean("" if text is None else str(text)), quote=True)
    if "&lt;U+" not in escaped:
        return escaped
    return _HTML_REVEALED.sub(_html_hidden, escaped)


def _html_hidden(m: re.Match[str]) -> str:
    name = unicodedata.name(chr(int(m.group(1), 16)), "")
    title = f' title="{name}"' if name else ""
    return f'<span class="hidden-char"{title}>{m.group()}</span>'


def to_html(data: dict[str, Any]) -> str:
    """The export as one self-contained HTML page (inline CSS, no scripts, no external resources)."""
    s = data["summary"]
    title = data.get("title") or data["draft"]
    v = data["version"]
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>Review: {_h(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
             f"<h1>Review: {_h(title)}</h1>",
             f'<p class="meta">Draft <code>{_h(data["draft"])}</code>'
             + (f' at version <code>{_h(v.get("short"))}</code>' if v.get("short") else "")
             + (f" ({_h(v.get('subject'))})" if v.get("subject") else "") + "</p>",
             f'<p class="meta">{_h(_scope_words(data))}</p>',
             f"<p><strong>{_h(_summary_line(s))}</strong></p>"]
    review = s.get("review") or {}
    parts.append("<h3>Verdicts</h3><ul>" + ("".join(f"<li><strong>{_h(who)}</strong>: {_h(text)}</li>"
                                                    for who, text in review_lines(review)) or "<li>none</li>")
                 + "</ul>")
    parts.append("<h3>Open review requests</h3><ul>"
                 + ("".join(f"<li>{_h(line)}</li>" for line in request_lines(review)) or "<li>none</li>") + "</ul>")
    if withdrawn_lines(review):
        parts.append("<h3>Withdrawn review requests</h3><ul>"
                     + "".join(f"<li>{_h(line)}</li>" for line in withdrawn_lines(review)) + "</ul>")
    parts.append("<h3>Viewed sections</h3><ul>"
                 + ("".join(f"<li>{_h(line)}</li>" for line in viewed_lines(review)) or "<li>none</li>") + "</ul>")
    if s["reviewers"]:
        parts.append('<table><tr><th>Reviewer</th><th class="n">Threads</th><th class="n">Open</th>'
                     '<th class="n">Resolved</th><th class="n">Replies</th></tr>')
        for r in s["reviewers"]:
            parts.append(f"<tr><td>{_h(_who(r['name'], r['email']))}</td><td class=\"n\">{r['threads']}</td>"
                         f"<td class=\"n\">{r['open']}</td><td class=\"n\">{r['resolved']}</td>"
                         f"<td class=\"n\">{r['replies']}</td></tr>")
        parts.append("</table>")
    if s["sections"]:
        parts.append('<table><tr><th>Section</th><th class="n">Threads</th><th class="n">Open</th>'
                     '<th class="n">Resolved</th></tr>')
        for g in s["sections"]:
            parts.append(f"<tr><td>{_h(g['title'])}</td><td class=\"n\">{g['threads']}</td>"
                         f"<td class=\"n\">{g['open']}</td><td class=\"n\">{g['resolved']}</td></tr>")
        parts.append("</table>")
    for group in data["sections"]:
        parts.append(f"<h2>{_h(group['title'])}</h2>")
        for t in group["threads"]:
            parts.append(_html_thread(t))
    if not data["sections"]:
        parts.append("<p>No comments match.</p>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _html_thread(t: dict[str, Any]) -> str:
    state = t["anchor"]["state"]
    out = [f'<div class="thread {_h(t["status"])}" id="c-{_h(t["id"])}">',
           f'<div class="meta"><span class="badge status {_h(t["status"])}">{_h(t["status"])}</span>'
           f'<span class="badge state-{_h(state)}">{_h(_state_label(t["anchor"]))}</span>'
           f'<strong>{_h(_who(t["author"], t["email"]))}</strong>, {_h(_date(t["created"]))}'
           f'{" (edited)" if t["edited"] else ""} &middot; <code>{_h(t["id"][:8])}</code></div>']
    if t["quote"]:
        out.append(f"<blockquote>{_h(t['quote'])}</blockquote>")
        if t["quote_found"] and t["quote_found"] != t["quote"]:
            out.append(f"<div class=\"meta\">Now reads:</div><blockquote>{_h(t['quote_found'])}</blockquote>")
    out.append(f'<div class="body">{_h(t["body"])}</div>')
    sug = t["suggestion"]
    if sug:
        out.append(f"<div><strong>Suggested edit</strong>{' (applied)' if sug['applied'] else ''}:"
                   f"<blockquote><span class=\"before\">{_h(sug['before'])}</span></blockquote>"
                   f"<blockquote><span class=\"after\">{_h(sug['after'])}</span></blockquote></div>")
    if t["replies"]:
        out.append('<div class="replies">')
        for r in t["replies"]:
            who = f"<strong>{_h(_who(r['author'], r['email']))}</strong>, {_h(_date(r['time']))}"
            if r["retracted"]:
                out.append(f'<div class="reply">{who}: <em>retracted</em></div>')
            else:
                edited = " (edited)" if r["edited"] else ""
                out.append(f'<div class="reply">{who}{edited}<div class="body">{_h(r["body"])}</div></div>')
        out.append("</div>")
    out.append("</div>")
    return "\n".join(out)


# ---------------------------------------------------------------------- writing a file


def write_export(path: str | os.PathLike[str], text: str, *, force: bool, shown: str | None = None,
                 force_hint: str = "use --force to {}") -> int:
    """Write *text* (UTF-8) to the file *path*; returns the number of bytes written.

    Without *force* nothing that exists is touched: an existing file, and a symbolic
    link even when it points nowhere (writing through it would create a file wherever it
    points), are refused with one line built from *shown* (the name as the user gave it)
    and *force_hint*. A new file is created exclusively (``link``/``O_EXCL``: never
    through a link that appears meanwhile). With *force* a link is followed and its
    target written; a regular file is replaced atomically (a temporary file beside it,
    then ``rename``) and keeps its permission bits; anything else (``/dev/stdout``, a
    FIFO) is written in place.
    """
    where = os.fspath(path)
    shown = where if shown is None else shown
    data = text.encode("utf-8")
    try:
        info = os.lstat(where)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise ReviewtoolError(f"cannot write {shown}: {exc.strerror}") from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        target = os.readlink(where)
        if not force:
            if not os.path.exists(where):
                raise ReviewtoolError(f"{shown} is a symbolic link to {target}, which does not exist: "
                                      + force_hint.format("write there"))
            raise ReviewtoolError(f"{shown} already exists: " + force_hint.format("overwrite it"))
        where = os.path.realpath(where)
        try:
            info = os.stat(where)
        except FileNotFoundError:
            info = None
        except OSError as exc:
            raise ReviewtoolError(f"cannot write {shown}: {exc.strerror}") from None
    try:
        if info is None:
            _create_exclusively(where, data)
        elif not force:
            raise ReviewtoolError(f"{shown} already exists: " + force_hint.format("overwrite it"))
        elif stat.S_ISDIR(info.st_mode):
            raise ReviewtoolError(f"{shown} is a folder")
        elif stat.S_ISREG(info.st_mode):
            _replace_atomically(where, data, stat.S_IMODE(info.st_mode))
        else:  # a device or a FIFO: write into it
            with open(where, "wb") as handle:
                handle.write(data)
    except FileExistsError:
        raise ReviewtoolError(f"{shown} already exists: " + force_hint.format("overwrite it")) from None
    except OSError as exc:
        raise ReviewtoolError(f"cannot write {shown}: {exc.strerror}") from None
    return len(data)


def _temp_beside(where: str) -> tuple[str, int]:
    folder, name = os.path.split(where)
    while True:
        tmp = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.reviewtool")
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
        except FileExistsError:  # pragma: no cover - 48 random bits collided
            continue


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _create_exclusively(where: str, data: bytes) -> None:
    """A new file *where* holding *data*, appearing whole (a hard link from a temporary file);
    where hard links are not allowed, created with ``O_EXCL`` and written."""
    tmp, fd = _temp_beside(where)
    try:
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        try:
            os.link(tmp, where, follow_symlinks=False)
            return
        except FileExistsError:
            raise
        except OSError:  # no hard links here (some file systems)
            pass
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    fd = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    try:
        _write_all(fd, data)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(where)
        raise
    os.close(fd)


def _replace_atomically(where: str, data: bytes, mode: int) -> None:
    tmp, fd = _temp_beside(where)
    try:
        try:
            _write_all(fd, data)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, where)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
