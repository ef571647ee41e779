"""Review flows of the app: open the right dialog, then hand the write to a worker.

Each ``start_*`` function checks that the action makes sense for the current
selection (telling the user why not in a notification), opens a dialog, and
passes a closure to one of the app's thread workers (:meth:`ReviewApp.write_review`,
``run_export``, ``run_sync``). The closures call the core modules
(:mod:`reviewtool.review.store`, :mod:`reviewtool.review.anchoring`, :mod:`reviewtool.review.export`,
:mod:`reviewtool.review.sync`) and return the line to show when they succeed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.content import Content

from reviewtool.draft.history import DraftHistory
from reviewtool.review import export, suggestions, sync
from reviewtool.review.anchoring import comments_for_version, make_anchor
from reviewtool.review.status import review_summary, version_line
from reviewtool.review.store import ReviewStore
from reviewtool.review.viewed import viewed_sections
from reviewtool.review.workflow_store import WorkflowStore
from reviewtool.textsafe import one_line, shorten
from reviewtool.tui.comment_editor import CommentDraft, CommentEditor
from reviewtool.tui.dialogs import ConfirmScreen, ExportRequest, ExportScreen
from reviewtool.wording import counted

if TYPE_CHECKING:
    from reviewtool.tui.app import ReviewApp


def short(text: str) -> str:
    """A body or quote shortened for a dialog's title line."""
    return shorten(text, 60)


def _id(item: Any) -> str:
    """The short id of a thread or event, cleaned (ids are read from the notes: untrusted text)."""
    return one_line(item.id[:8])


def _current_thread(app: ReviewApp) -> Any | None:
    current = app.comments_pane.current
    if current is None:
        app.notify("no comment highlighted: pick one in the comments pane (4, then j/k)",
                   title="review", severity="warning")
        return None
    return current[0]


# ---------------------------------------------------------------- comment


def start_comment(app: ReviewApp) -> None:
    """Comment on the selected version / section / passage."""
    sel, version = app.selection, app.version
    if sel is None or version is None or app.repo is None:
        app.notify("no version selected yet", title="comment", severity="warning")
        return
    if version.is_worktree:
        app.notify("cannot comment on uncommitted changes: commit the draft first, or pick a commit",
                   title="comment", severity="warning")
        return
    if version.blob is None:
        app.notify(f"the draft does not exist at {version.short}", title="comment", severity="warning")
        return
    doc = sel["doc"]
    section = doc.get(app.section_key) if app.section_key else None
    passage = doc.full_text(section) if section is not None else doc.text
    offset = section.start if section is not None else 0
    where = Content.assemble("Comment on ", (version.short, "bold $text-warning"), "  ",
                             (("§ " + one_line(section.title)) if section else "the whole version", "bold"))

    def save(draft: CommentDraft | None) -> None:
        if draft is None:
            return
        repo, key = app.repo, (section.key if section is not None else None)
        assert repo is not None  # a version is shown, so the repository is open
        at = offset + draft.quote_start if draft.quote_start is not None else None

        def call() -> str:
            anchor = make_anchor(doc, version, key, draft.quote, at=at)
            store = ReviewStore(repo)
            event = store.comment_on(anchor, draft.body, draft.suggestion)
            what = "passage" if anchor.exact is not None else ("section" if key else "version")
            return f"comment {_id(event)} added on the {what} at {version.short}"

        app.write_review("comment", call)

    app.push_screen(CommentEditor(where, passage=passage, allow_suggestion=True), save)


# ---------------------------------------------------------------- thread actions


def review_store(app: ReviewApp) -> ReviewStore:
    """The review store as the user, with the identity the threads worker read (no git here)."""
    assert app.repo is not None
    return ReviewStore(app.repo, identity=app.identity)


def _mine(app: ReviewApp, thread: Any, verb: str) -> bool:
    """Whether *thread* is the user's own; otherwise say so now, before anything is typed."""
    if app.identity is None:
        message = "who are you? set git config user.name and user.email"
    elif review_store(app).is_mine(thread):
        return True
    else:
        message = (f"cannot {verb} comment {_id(thread)}: it was written by "
                   f"{one_line(thread.author or thread.email)}, not by you")
    app.notify(message, title=verb, severity="error", markup=False)
    return False


def start_reply(app: ReviewApp) -> None:
    """Reply to the highlighted thread."""
    thread = _current_thread(app)
    if thread is None:
        return
    title = Content.assemble("Reply to ", (one_line(thread.author), "bold"), ": ", short(thread.body))

    def save(draft: CommentDraft | None) -> None:
        if draft is None:
            return

        def call() -> str:
            event = review_store(app).reply(thread.id, draft.body)
            return f"reply {_id(event)} added"

        app.write_review("reply", call)

    app.push_screen(CommentEditor(title, placeholder="Write your reply…"), save)


def start_edit(app: ReviewApp) -> None:
    """Edit the highlighted comment (your own): its text and, when it quotes a passage, its
    suggested replacement. On someone else's thread, edit your latest reply there."""
    thread = _current_thread(app)
    if thread is None:
        return
    if app.identity is not None and not review_store(app).is_mine(thread) and _my_reply(app, thread) is not None:
        start_edit_reply(app)
        return
    if not _mine(app, thread, "edit"):
        return
    title = Content.assemble("Edit your comment ", (_id(thread), "$text-muted"))
    quoted = thread.anchor.exact is not None

    def save(draft: CommentDraft | None) -> None:
        if draft is None:
            return

        def call() -> str:
            review_store(app).edit(thread.id, draft.body, suggestion=draft.suggestion)
            extra = " and its suggested edit" if draft.suggestion is not None else ""
            return f"comment {_id(thread)}{extra} edited"

        app.write_review("edit", call)

    app.push_screen(CommentEditor(title, body=thread.body, allow_suggestion=quoted,
                                  suggestion=thread.suggestion, quoted=quoted), save)


def _my_reply(app: ReviewApp, thread: Any) -> Any | None:
    """My latest reply in *thread* that is not retracted (None: none)."""
    store = review_store(app)
    mine = [r for r in thread.replies if not r.retracted and store.is_mine(r)]
    return max(mine, key=lambda r: (r.time, r.id)) if mine else None


def start_edit_reply(app: ReviewApp) -> None:
    """Edit your latest reply in the highlighted thread."""
    thread = _current_thread(app)
    if thread is None:
        return
    if app.identity is None:
        app.notify("who are you? set git config user.name and user.email", title="edit", severity="error")
        return
    reply = _my_reply(app, thread)
    if reply is None:
        app.notify(f"you have no reply in thread {_id(thread)} to edit", title="edit", severity="warning")
        return
    title = Content.assemble("Edit your reply ", (_id(reply), "$text-muted"), " in ",
                             (one_line(thread.author or thread.email), "bold"), "'s thread: ",
                             short(thread.body))

    def save(draft: CommentDraft | None) -> None:
        if draft is None:
            return

        def call() -> str:
            review_store(app).edit(reply.id, draft.body)
            return f"reply {_id(reply)} edited"

        app.write_review("edit", call)

    app.push_screen(CommentEditor(title, body=reply.body, placeholder="Write your reply…"), save)


def simple_action(app: ReviewApp, action: str) -> None:
    """Resolve or reopen the highlighted thread."""
    thread = _current_thread(app)
    if thread is None:
        return

    def call() -> str:
        getattr(review_store(app), action)(thread.id)
        return f"thread {_id(thread)} {'resolved' if action == 'resolve' else 'reopened'}"

    app.write_review(action, call)


def toggle_resolved(app: ReviewApp) -> None:
    """Resolve an open thread, reopen a resolved one: decided when the write runs, on the
    notes as they are then, so that quick presses alternate instead of repeating."""
    thread = _current_thread(app)
    if thread is None:
        return

    def call() -> str:
        event = review_store(app).toggle_resolved(thread.id)
        return f"thread {_id(thread)} {'resolved' if event.type == 'resolve' else 'reopened'}"

    app.write_review("resolve", call)


def start_retract(app: ReviewApp) -> None:
    """Retract the highlighted comment (your own), after confirming."""
    thread = _current_thread(app)
    if thread is None or not _mine(app, thread, "retract"):
        return

    def answer(yes: bool | None) -> None:
        if not yes:
            return

        def call() -> str:
            review_store(app).retract(thread.id)
            return f"comment {_id(thread)} retracted"

        app.write_review("retract", call)

    app.push_screen(ConfirmScreen(Content.assemble("Retract your comment ", (_id(thread), "bold"), "?\n",
                                                   (short(thread.body), "italic"))), answer)


def start_apply(app: ReviewApp) -> None:
    """Apply the highlighted thread's suggested edit to the draft in the working tree."""
    thread = _current_thread(app)
    if thread is None:
        return
    if not thread.suggestion:
        app.notify("this comment has no suggested edit", title="apply", severity="warning")
        return
    history = app.history

    def answer(yes: bool | None) -> None:
        if not yes:
            return

        def call() -> str:
            result = suggestions.apply_suggestion(history, review_store(app), thread.id)
            return (f"suggestion of {_id(thread)} applied to {one_line(result.path)} "
                    f"({result.state}); the working tree now differs from HEAD")

        app.write_review("apply", call, reload_history=True)

    app.push_screen(ConfirmScreen(Content.assemble(
        "Replace ", (short(thread.anchor.exact or ""), "strike"), " with ",
        (short(thread.suggestion), "bold"), " in the working tree?")), answer)


# ---------------------------------------------------------------- workflow: verdicts, viewed marks


def committed_version(app: ReviewApp, what: str) -> Any | None:
    """The selected version when it can be reviewed (committed, draft present); else say why."""
    version = app.version
    if app.selection is None or version is None or app.repo is None or app.history is None:
        app.notify("no version selected yet", title=what, severity="warning")
        return None
    if version.is_worktree:
        app.notify("reviews are of committed versions: commit the draft first, or pick a commit",
                   title=what, severity="warning")
        return None
    if version.blob is None:
        app.notify(f"the draft does not exist at {version.short}", title=what, severity="warning")
        return None
    return version


def start_verdict(app: ReviewApp) -> None:
    """Review the selected version: approve, request changes, or comment, with a summary."""
    from reviewtool.tui.verdict_dialog import VerdictDraft, VerdictScreen

    version = committed_version(app, "review")
    if version is None:
        return
    if app.identity is None:
        app.notify("who are you? set git config user.name and user.email", title="review", severity="error")
        return
    email = app.identity[1]
    standing = next((e for entries in app.reviews.values() for e in entries
                     if e.verdict.reviewer.is_(email)), None)
    note = None
    if standing is not None:
        where = "this version" if standing.verdict.version.commit == version.commit else \
            standing.verdict.version.commit[:8]
        note = Content.assemble("You said ", (standing.verdict.label, "bold"), f" on {where}",
                                "" if standing.current else " (stale: the draft changed since)",
                                "; a new review supersedes it.")
    title = Content.assemble("Review ", (version.short, "bold $text-warning"), "  ",
                             (short(version.subject), "italic"))

    def save(draft: VerdictDraft | None) -> None:
        if draft is None:
            return

        def call() -> str:
            event = WorkflowStore(review_store(app)).submit_verdict(version, draft.verdict, draft.body)
            label = {"approved": "approved", "changes_requested": "changes requested",
                     "commented": "commented"}[draft.verdict]
            return f"review {_id(event)} submitted on {version.short}: {label}"

        app.write_review("review", call)

    app.push_screen(VerdictScreen(title, note, standing.verdict.verdict if standing else "approved"), save)


def toggle_viewed(app: ReviewApp) -> None:
    """Mark the selected section viewed (or take the mark back); decided on the notes as they
    are when the write runs, so quick presses alternate."""
    version = committed_version(app, "viewed")
    if version is None:
        return
    assert app.selection is not None and app.history is not None
    doc, history = app.selection["doc"], app.history
    section = doc.get(app.section_key) if app.section_key else None
    if section is None:
        app.notify("select a section first (2, then j/k): viewed marks are per section",
                   title="viewed", severity="warning")
        return
    if app.identity is None:
        app.notify("who are you? set git config user.name and user.email", title="viewed", severity="error")
        return
    email = app.identity[1]
    title = one_line(section.title)

    def call() -> str:
        store = WorkflowStore(review_store(app))
        marks = viewed_sections(history, store.load().workflow.marks, version, email)
        viewed = not marks.is_viewed(section.key)
        store.set_viewed(version, doc, section.key, viewed=viewed)
        return f"§ {title} {'marked viewed' if viewed else 'no longer viewed'} at {version.short}"

    app.write_review("viewed", call)


# ---------------------------------------------------------------- export and sync


def start_export(app: ReviewApp) -> None:
    """Ask for the scope (this version / the whole draft / from the marked base to the newest),
    the format and a file (by default beside the repository, never inside its work tree),
    then write the review summary there in a worker, as ``reviewtool export`` does."""
    version, history, repo = app.version, app.history, app.repo
    if repo is None or history is None or app.selection is None or version is None:
        app.notify("nothing to export yet", title="export", severity="warning")
        return
    base = app.marked_base()
    scopes = [("Whole draft (every version)", "draft"), (f"This version ({version.short})", "version")]
    if base is not None and not base.is_worktree:
        scopes.append((f"From the marked base {base.short} to the newest", "from"))
    stem = Path(history.draft).stem or "review"

    def chosen(request: ExportRequest | None) -> None:
        if request is None:
            return

        def call() -> str:
            return _export(repo, history, version, base, request)

        app.run_export(call)

    app.push_screen(ExportScreen(repo.root, f"{stem}-review", scopes=scopes), chosen)


def _export(repo: Any, history: Any, version: Any, base: Any, request: ExportRequest) -> str:
    """Write the summary of *request*'s scope (runs in the export worker)."""
    committed = DraftHistory(repo, history.draft, include_worktree=False)
    line = version_line(committed)
    data = WorkflowStore(ReviewStore(repo)).load()
    at = version if request.scope == "version" else history.find(None)
    items = comments_for_version(history, data.threads, at)
    in_scope: Callable[[Any], bool] | None = None
    first = None
    if request.scope == "version":
        def in_scope(anchor: Any) -> bool:
            return bool(anchor.commit == version.commit)
    elif request.scope == "from":
        first = base

        def in_scope(anchor: Any) -> bool:
            return bool(line.at_or_after(anchor.commit, anchor.blob, base.commit, base.blob))

        items = [(t, p) for t, p in items if in_scope(t.anchor)]
    review = review_summary(committed, data.workflow, at, in_scope, line)
    doc = history.document(at)
    text = export.export(items, request.fmt, title=doc.title, draft=history.draft, version=at, document=doc,
                         status=request.status, review=review,
                         scope={"kind": request.scope, "from": first.commit if first is not None else None})
    export.write_export(request.path, text, force=request.overwrite, shown=request.path.name,
                        force_hint="tick overwrite to {}")
    shown = len(export.filter_threads(items, request.status))
    what = {"version": f"version {version.short}", "draft": "the whole draft",
            "from": f"{base.short if base is not None else '?'} to the newest"}[request.scope]
    return (f"review summary of {what} ({request.fmt}, {counted(shown, 'thread')}) "
            f"written to {request.path}")


def start_sync(app: ReviewApp, remote: str = "origin") -> None:
    """Fetch, merge and push the review notes with *remote*."""
    if app.repo is None:
        app.notify("no repository open", title="sync", severity="warning")
        return
    if any(w.group == "sync" and not w.is_finished for w in app.workers):
        app.notify("a sync is already running", title="sync", severity="warning")
        return
    repo = app.repo

    def call(progress: Callable[[str], None]) -> str:
        result = sync.sync(repo, remote=remote, progress=progress)
        if result.merge == "empty":
            return f"no review notes here or on {remote} yet"
        if result.merge == "up-to-date":
            return f"review notes already in sync with {remote}"
        return (f"synced with {remote}: {counted(result.new_from_remote, 'new event')} from {remote}, "
                f"{result.pushed} pushed ({result.merge})" + "".join(f"; {n}" for n in result.notices()))

    app.run_sync(remote, call)
