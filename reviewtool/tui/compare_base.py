"""What the selected version is compared with: its first parent, the marked base, or my last review.

``b`` marks the highlighted version as the base (again: clears it), ``B`` clears it, and
``R`` ("since my last review") finds, in a thread worker, the version I last gave a verdict
on and compares the newest version with it. :func:`effective_base` is the rule the
selection loader applies. Plain functions over the app, as :mod:`reviewtool.tui.review`:
the flow has no state of its own (the base is the app's ``base_commit`` reactive).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from reviewtool.draft.history import DraftHistory, Version
from reviewtool.errors import ReviewtoolError
from reviewtool.review.status import last_reviewed
from reviewtool.review.workflow import WorkflowEvents
from reviewtool.tui.messages import SinceReviewReady

if TYPE_CHECKING:
    from reviewtool.tui.app import ReviewApp


def effective_base(app: ReviewApp, version: Version) -> Version | None:
    """The comparison base of *version*: the marked base, else its first parent (what it changed)."""
    assert app.history is not None
    marked = app.marked_base() if app.base_commit != version.commit else None
    return marked if marked is not None else app.history.first_parent(version)


def mark_base(app: ReviewApp) -> None:
    """Mark the highlighted version as the comparison base (again: clear it)."""
    v = app.history_pane.current
    if v is None:
        return
    if app.base_commit == v.commit:
        clear_base(app)
        return
    app.base_commit = v.commit
    # Content renders in a toast as it does anywhere (notify's annotation says str only).
    app.notify(Content.assemble("comparing against ", (v.short, "bold"),  # type: ignore[arg-type]
                                "; move the cursor to compare any version with it"),
               title="base marked")


def clear_base(app: ReviewApp) -> None:
    """Compare each version with its first parent again."""
    if app.base_commit is not None:
        app.base_commit = None
        app.notify("each version is compared with its first parent", title="base cleared")


def since_review(app: ReviewApp) -> None:
    """Compare the newest version with the one I last gave a verdict on (git's user.email)."""
    history, workflow = app.history, app.workflow
    if history is None or workflow is None:
        app.notify("the review notes are not read yet", title="since my review", severity="warning")
        return
    if app.identity is None or not app.identity[1]:
        app.notify("who are you? set git config user.email (your verdicts are found by it)",
                   title="since my review", severity="error")
        return
    email = app.identity[1]
    app.run_worker(lambda: _find_last_review(app, history, workflow, email), name="find_last_review",
                   group="since-review", exclusive=True, thread=True, exit_on_error=False)


def _find_last_review(app: ReviewApp, history: DraftHistory, workflow: WorkflowEvents, email: str) -> None:
    """The version I last gave a verdict on (ancestry along the first-parent line). Worker thread."""
    try:
        found = last_reviewed(history, workflow, email)
    except ReviewtoolError as exc:
        app.post_message(SinceReviewReady(None, note=str(exc)))
        return
    if found is None:
        app.post_message(SinceReviewReady(None, note=f"you ({email}) have not reviewed this draft yet: "
                                                      "give a verdict with V, or mark a base with b"))
        return
    verdict, version = found
    app.post_message(SinceReviewReady(version, verdict.label))


def since_review_ready(app: ReviewApp, message: SinceReviewReady) -> None:
    """Mark my last reviewed version as the base and show the newest version's diff against it."""
    version = message.version
    if version is None:
        app.notify(message.note, title="since my review", severity="warning", markup=False)
        return
    newest = next((i for i, v in enumerate(app.versions) if not v.is_worktree), 0)
    if app.versions and app.versions[newest].commit == version.commit:
        app.notify(f"nothing changed since your review of {version.short} ({message.verdict}): "
                   "it is the newest version", title="since my review", markup=False)
        return
    app.base_commit = version.commit
    app.history_pane.cursor = newest
    if app.mode not in ("diff", "side"):
        app.mode = "diff"
    app.notify(f"comparing the newest version with {version.short}, your last review "
               f"({message.verdict})", title="since my review", markup=False)
