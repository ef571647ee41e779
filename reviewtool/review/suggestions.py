"""Suggested edits: apply a comment's replacement text to the working-tree draft.

A comment on a quoted passage may carry a ``suggestion`` (the text that should
replace the quote). :func:`apply_suggestion` re-anchors the comment onto the
working-tree copy of the draft and, only when the quote is still there verbatim
(state ``exact`` or ``moved``), replaces it, leaving every other byte of the
file as it was (newline style, byte order mark). It then records an
``applied`` event. It never stages or commits anything. The file is written the
way :mod:`reviewtool.draft.worktree_file` promises: under a lock, compare-and-swap
on its content, atomically, only a regular file inside the work tree.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from reviewtool.draft.document import parse
from reviewtool.draft.history import decode_draft
from reviewtool.draft.worktree_file import WorktreeFile, edit_worktree_file
from reviewtool.errors import ReviewtoolError
from reviewtool.review.anchoring import BlobDocuments, VersionIndex, reanchor
from reviewtool.textsafe import unsafe_characters

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class ApplyResult:
    """What :func:`apply_suggestion` changed: where, the old and new text, the recorded event."""

    thread_id: str
    path: str
    start: int
    end: int
    before: str
    after: str
    state: str
    event_id: str

    def to_json(self) -> dict[str, Any]:
        return {"thread": self.thread_id, "path": self.path, "start": self.start, "end": self.end,
                "before": self.before, "after": self.after, "state": self.state, "event": self.event_id}


def thread_of(store: Any, comment_id: str) -> Any:
    """The thread of comment *comment_id* (a unique id prefix of the thread or of one of its replies)."""
    item = store.find(comment_id)
    if hasattr(item, "anchor"):
        return item
    return next(t for t in store.threads() if t.id == item.thread_id)


def _newline_style(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def apply_suggestion(history: Any, store: Any, thread_id: str) -> ApplyResult:
    """Apply the suggestion of thread *thread_id* (a unique id prefix) to the working tree.

    *history* is the draft's :class:`reviewtool.draft.history.DraftHistory`, *store* a
    :class:`reviewtool.review.store.ReviewStore`. Everything happens under the work
    tree's writer lock (:func:`reviewtool.draft.worktree_file.edit_worktree_file`), so
    parallel applies run one after another: the thread is read again there (another
    apply may have recorded it meanwhile), the draft is read and the quote re-anchored
    on those bytes, and the file is replaced atomically only if it still holds them. The
    ``applied`` event is recorded after the new text is on disk; if recording fails the
    old text is put back.

    Refuses with one clear line, writing nothing, when the thread has no suggestion, is
    retracted or already applied, the working-tree file is missing, is not a regular
    file, or is reached through a symbolic link, or the quoted passage is no longer found
    verbatim (fuzzy, outdated, orphaned).
    """
    thread = thread_of(store, thread_id)
    short = thread.id[:8]
    _check_thread(thread, short)
    repo = history.repo
    if repo.bare:
        raise ReviewtoolError("a bare repository has no working tree to apply a suggestion to")
    if not VersionIndex(history).claims([thread.anchor])[0]:
        raise ReviewtoolError(f"comment {short} is on {thread.anchor.path}, not on {history.draft}")
    path = history.draft

    def edit(file: WorktreeFile) -> ApplyResult:
        # Under the lock: what the notes say now, on the bytes the file holds now.
        current = thread_of(store, thread.id)
        _check_thread(current, short)
        return _apply_to(history, store, current, file)

    try:
        return edit_worktree_file(repo, path, edit)
    except ReviewtoolError as exc:
        message = str(exc)
        if message.startswith((f"cannot apply comment {short}", f"comment {short}", "the suggestion of")):
            raise  # already says which comment
        raise ReviewtoolError(f"cannot apply comment {short}: {message}") from None


def _check_thread(thread: Any, short: str) -> None:
    if thread.retracted:
        raise ReviewtoolError(f"comment {short} is retracted")
    if thread.suggestion is None:
        raise ReviewtoolError(f"comment {short} has no suggested edit")
    if thread.applied is not None:
        when = thread.applied.time[:10]
        who = thread.applied.author or thread.applied.email
        raise ReviewtoolError(f"the suggestion of comment {short} was already applied ({who}, {when})")
    if not thread.anchor.exact:
        raise ReviewtoolError(f"comment {short} does not quote a passage to replace")
    hidden = unsafe_characters(thread.suggestion)
    if hidden:
        raise ReviewtoolError(f"cannot apply comment {short}: its suggestion holds characters a reader "
                              f"would not see ({hidden}); edit the draft by hand")


def _apply_to(history: Any, store: Any, thread: Any, file: WorktreeFile) -> ApplyResult:
    """Replace the quote of *thread* in *file* (opened and locked), then record ``applied``."""
    short = thread.id[:8]
    anchor = thread.anchor
    path = file.rel
    raw = file.data
    text = decode_draft(raw, f"{path} (working tree)")
    doc = parse(text, path=path)
    blob = history.repo.hash_bytes(raw, path)
    placement = reanchor(anchor, doc, blob, lambda: BlobDocuments(history).get(anchor.blob))
    if placement.state not in ("exact", "moved"):
        why = {
            "fuzzy": f"changed (only a similar passage is there, score {placement.score:.2f})",
            "outdated": "changed",
            "orphaned": "gone, with its section",
        }[placement.state]
        raise ReviewtoolError(f"cannot apply comment {short}: the quoted passage is {why} in {path}; "
                              f"edit it by hand")
    start, end = placement.start, placement.end
    assert start is not None and end is not None and text[start:end] == anchor.exact

    newline = _newline_style(text)
    after = thread.suggestion.replace("\r\n", "\n")
    if newline != "\n":
        after = after.replace("\n", newline)
    new_text = text[:start] + after + text[end:]
    data = (_BOM if raw.startswith(_BOM) else b"") + new_text.encode("utf-8")
    file.replace(data)
    try:
        event = store.mark_applied(thread.id, f"applied to the working tree of {path}")
    except BaseException:
        # Only if nobody wrote after us; else their text stays. Either way nothing is recorded.
        with contextlib.suppress(ReviewtoolError):
            file.replace(raw, expected=data)
        raise
    return ApplyResult(thread.id, path, start, end, anchor.exact, after, placement.state, event.id)
