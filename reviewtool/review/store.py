"""The review store: validate and write review events, load and find threads.

:class:`ReviewStore` is what the front ends use: every write is checked against the
current threads and appended as one event line to the note of the thread's root commit
(a compare-and-swap on the notes ref); :meth:`ReviewStore.load` reads every note
(:mod:`reviewtool.review.codec`) and folds the events (:mod:`reviewtool.review.fold`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from operator import attrgetter

from reviewtool.collector import collector_paused
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.notes_ref import NotesStore
from reviewtool.git.repo import GitRepo
from reviewtool.review.codec import parse_notes
from reviewtool.review.events import (
    CONTEXT_CHARS,
    FORMAT_VERSION,
    Anchor,
    Event,
    Problem,
    Reply,
    Thread,
    now_iso,
    same_person,
)
from reviewtool.review.events import time_after as _after
from reviewtool.review.fold import _fold, dangling_problems, dedupe
from reviewtool.textsafe import unsafe_characters

_HEXID = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_PROBLEM_ORDER = attrgetter("commit", "line_no")


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

    def now(self) -> str:
        """The time for a new event: the *clock* given at construction, else now (UTC)."""
        return self._clock()

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
        with collector_paused(settle=True):
            events, problems = self.events()
            unique, dup_problems = dedupe(events)
            threads = _fold(unique, lost)
        return threads, problems + dup_problems + dangling_problems(lost)

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
        quote: tuple[int | None, int | None, str | None, str | None, str | None] | None = None,
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
        if suggestion is not None:
            _check_suggestion(suggestion)
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

    def edit(self, target_id: str, body: str, suggestion: str | None = None) -> Event:
        """Replace the text of your own comment or reply (the old text stays in the history).

        *suggestion*, for a comment that has a quote, replaces its suggested text too (the
        event carries it; the folded thread's ``suggestion`` becomes it). ``None`` keeps the
        suggestion as it is.
        """
        body = _check_body(body, "edit")
        if suggestion is not None:
            _check_suggestion(suggestion)
        return self._event("edit", target_id, body, own=True, suggestion=suggestion)

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
        return same_person(item.author, item.email, name, email)

    def mark_applied(self, target_id: str, body: str | None = None) -> Event:
        """Record that a thread's suggestion was applied (e.g. in a later version)."""
        return self._event("applied", target_id, _optional_body(body), needs_suggestion=True)

    # ------------------------------------------------------------------ internals
    def _event(self, etype: str, target_id: str, body: str | None, own: bool = False,
               status: str | None = None, needs_suggestion: bool = False,
               threads: list[Thread] | None = None, suggestion: str | None = None) -> Event:
        threads = self.threads() if threads is None else threads
        item = self._find(threads, target_id)
        thread = item if isinstance(item, Thread) else next(t for t in threads if t.id == item.thread_id)
        what = "comment" if isinstance(item, Thread) else "reply"
        name, email = self.identity()
        if own:
            if not same_person(item.author, item.email, name, email):
                verb = "edit" if etype == "edit" else "retract"
                raise ReviewtoolError(f"cannot {verb} {what} {item.id[:12]}: it was written by "
                                      f"{item.author or item.email}, not by you")
            if item.retracted:
                raise ReviewtoolError(f"{what} {item.id[:12]} is retracted")
        if status is not None and thread.status != status:
            raise ReviewtoolError(f"thread {thread.id[:12]} is already {thread.status}")
        if needs_suggestion and thread.suggestion is None:
            raise ReviewtoolError(f"thread {thread.id[:12]} has no suggestion to apply")
        if suggestion is not None and (not isinstance(item, Thread) or not item.anchor.has_quote):
            raise UsageError(f"{what} {item.id[:12]} has no quoted passage: a suggestion replaces a quote")
        latest = max((e.time for e in thread.events), default=None)
        # Thread-level events name the thread; replies, edits and retractions their item.
        target = thread.id if etype in ("resolve", "reopen", "applied") else item.id
        event = Event(FORMAT_VERSION, uuid.uuid4().hex, etype, target, name, email,
                      _after(self._clock(), latest), body, suggestion=suggestion)
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


def _check_suggestion(suggestion: str) -> None:
    if unsafe_characters(suggestion):
        raise UsageError(f"the suggestion holds characters a reader would not see "
                         f"({unsafe_characters(suggestion)}: control or invisible format characters)")


def _optional_body(body: str | None) -> str | None:
    if body is None or not body.strip():
        return None
    return body
