"""What ``/`` searches: section titles, versions, the essay's text and the comments (pure functions).

Matching is case-insensitive and literal (the query is no pattern). The text of
the selected version is searched occurrence by occurrence, each shown in its
section with some context; with every version in scope, each version whose text
holds the query is one result (the number of hits and the first one), and a
text shared by several versions (same blob) is searched once. Comments are
searched in their bodies, replies, quoted passages and suggestions (a retracted
comment's text is hidden, so it is not searched).

Run in the search screen's worker; nothing here touches a widget.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from reviewtool.draft.document import Document
from reviewtool.draft.history import DraftHistory, Version
from reviewtool.errors import ReviewtoolError
from reviewtool.review.events import Thread
from reviewtool.textsafe import one_line

#: Characters of context on each side of a hit.
CONTEXT = 40
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)


def pattern(query: str) -> re.Pattern[str] | None:
    """The literal, case-insensitive pattern of *query* (None for a blank query)."""
    query = query.strip()
    if not query:
        return None
    return re.compile(re.escape(query), re.IGNORECASE)


@dataclass(frozen=True)
class Snippet:
    """A hit with its context: ``before``, the matched text, ``after`` (one line each)."""

    before: str
    match: str
    after: str


def snippet(text: str, start: int, end: int, context: int = CONTEXT) -> Snippet:
    """The hit ``text[start:end]`` with up to *context* characters around it, folded onto one line."""
    lo = max(0, start - context)
    hi = min(len(text), end + context)
    before = one_line(text[lo:start])
    after = one_line(text[end:hi])
    if lo > 0:
        before = "…" + before
    if hi < len(text):
        after += "…"
    if text[lo:start][-1:].isspace():
        before += " "
    if text[end:hi][:1].isspace():
        after = " " + after
    return Snippet(before, one_line(text[start:end]), after)


@dataclass(frozen=True)
class TextHit:
    """An occurrence of the query in the selected version's text."""

    section_key: str  # "" when before the first section
    section_title: str
    start: int
    end: int
    nth: int  # the occurrence's number within its section (0-based)
    snippet: Snippet


def text_hits(doc: Document, query: str, limit: int = 200) -> list[TextHit]:
    """Occurrences of *query* in *doc*'s text, in order, each in the innermost section holding it."""
    pat = pattern(query)
    if pat is None:
        return []
    hits: list[TextHit] = []
    sections = [s for s in doc.sections if s.kind != "frontmatter"]
    counts: dict[str, int] = {}
    index = 0
    for match in pat.finditer(doc.text):
        while index + 1 < len(sections) and sections[index + 1].start <= match.start():
            index += 1
        section = sections[index] if sections and sections[index].start <= match.start() < \
            sections[index].end else None
        key = section.key if section is not None else ""
        nth = counts.get(key, 0)
        counts[key] = nth + 1
        hits.append(TextHit(key, section.title if section is not None else "", match.start(), match.end(), nth,
                            snippet(doc.text, match.start(), match.end())))
        if len(hits) >= limit:
            break
    return hits


@dataclass(frozen=True)
class VersionTextHit:
    """A version whose text holds the query: how often, and the first occurrence."""

    index: int  # in the version list (0 = newest)
    count: int
    heading: str  # the heading above the first occurrence ("" when none)
    first: Snippet


def _heading_before(text: str, pos: int) -> str:
    heading = ""
    for match in _HEADING.finditer(text, 0, pos):
        heading = match.group(1)
    return one_line(heading)


def version_text_hits(history: DraftHistory, versions: Sequence[Version], query: str,
                      cancelled: Callable[[], bool] = lambda: False) -> Iterator[VersionTextHit | int]:
    """For every version (newest first) whose text holds *query*, a :class:`VersionTextHit`;
    an ``int`` (versions searched so far) now and then, for progress. Stops when *cancelled*."""
    pat = pattern(query)
    if pat is None:
        return
    by_blob: dict[str, tuple[int, str, Snippet] | None] = {}
    for i, version in enumerate(versions):
        if cancelled():
            return
        if i and i % 50 == 0:
            yield i
        if version.blob is None:
            continue
        found = by_blob.get(version.blob, ())
        if found == ():
            try:
                text = history.text(version)
            except ReviewtoolError:
                by_blob[version.blob] = None
                continue
            matches = list(pat.finditer(text))
            found = None
            if matches:
                first = matches[0]
                found = (len(matches), _heading_before(text, first.start()),
                         snippet(text, first.start(), first.end()))
            by_blob[version.blob] = found
        if found:
            count, heading, first_snippet = found
            yield VersionTextHit(i, count, heading, first_snippet)
    yield len(versions)


@dataclass(frozen=True)
class CommentHit:
    """A comment (or one of its replies) whose text holds the query."""

    thread: Thread
    where: str  # comment | reply | quote | suggestion
    author: str
    snippet: Snippet


def comment_hits(threads: Sequence[Thread], query: str, limit: int = 200) -> list[CommentHit]:
    """Threads whose comment, replies, quoted passage or suggestion hold *query* (one hit each)."""
    pat = pattern(query)
    if pat is None:
        return []
    hits: list[CommentHit] = []
    for thread in threads:
        fields: list[tuple[str, str, str]] = []
        if not thread.retracted:
            fields.append(("comment", thread.author or thread.email, thread.body))
        fields += [("reply", r.author or r.email, r.body) for r in thread.replies if not r.retracted]
        if thread.anchor.exact:
            fields.append(("quote", thread.author or thread.email, thread.anchor.exact))
        if thread.suggestion and not thread.retracted:
            fields.append(("suggestion", thread.author or thread.email, thread.suggestion))
        for where, author, text in fields:
            match = pat.search(text or "")
            if match:
                hits.append(CommentHit(thread, where, author, snippet(text, match.start(), match.end())))
                break
        if len(hits) >= limit:
            break
    return hits
