"""The review workflow on the command line: ``review request|withdraw|submit|viewed`` and ``status``.

Registered on the main group (:mod:`reviewtool.cli.group`) when :mod:`reviewtool.cli.commands`
imports it. Each command also speaks ``--json``. The core is :mod:`reviewtool.review.workflow_store` (writes),
:mod:`reviewtool.review.status` and :mod:`reviewtool.review.viewed` (state).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from reviewtool.cli.group import (
    Context,
    ReviewtoolGroup,
    draft_option,
    json_option,
    main,
    message_text,
    pass_ctx,
    render,
    revision_argument,
)
from reviewtool.cli.output import emit_json
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.textsafe import one_line
from reviewtool.wording import counted, short_date

if TYPE_CHECKING:
    from rich.text import Text

    from reviewtool.draft.history import DraftHistory, Version


def workflow_store(ctx: Context) -> Any:
    from reviewtool.review.store import ReviewStore
    from reviewtool.review.workflow_store import WorkflowStore

    return WorkflowStore(ReviewStore(ctx.repo))


def committed_history(ctx: Context, draft: str | None) -> DraftHistory:
    """The draft's committed versions (reviews are of commits, not of the working tree)."""
    from reviewtool.draft.history import DraftHistory

    return DraftHistory(ctx.repo, ctx.draft(draft), include_worktree=False, use_cache=ctx.use_cache)


def review_version(hist: DraftHistory, rev: str | None) -> Version:
    """The version REV names (default: the newest committed one)."""
    from reviewtool.draft.history import names_worktree

    if names_worktree(rev):
        raise ReviewtoolError("the working tree is no version to review: commit first")
    return hist.find(rev)


@main.group("review", cls=ReviewtoolGroup)
def review_group() -> None:
    """The review workflow: ask for reviews (or withdraw them), give a verdict, mark sections viewed."""


@review_group.command("request")
@revision_argument()
@draft_option
@click.option("-r", "--reviewer", "reviewers", metavar="EMAIL", multiple=True, required=True,
              help="Whom to ask (repeat for several).")
@click.option("-m", "--message", metavar="TEXT", help="An optional message to the reviewers.")
@json_option
@pass_ctx
def request_command(ctx: Context, rev: str | None, draft: str | None, reviewers: tuple[str, ...],
                    message: str | None, as_json: bool) -> None:
    """Ask reviewers to review version REV (default: the newest committed one)."""
    hist = committed_history(ctx, draft)
    v = review_version(hist, rev)
    event = workflow_store(ctx).request_review(v, list(reviewers), message)
    asked = event.extra["reviewers"]
    if as_json:
        emit_json({"id": event.id, "type": event.type, "time": event.time, "draft": hist.draft,
                          "version": v.commit, "reviewers": asked, "body": event.body})
        return
    render.print_text(f"asked {', '.join(asked)} to review {hist.draft} at {v.short}")


@review_group.command("withdraw")
@draft_option
@click.option("-r", "--reviewer", "reviewers", metavar="EMAIL", multiple=True,
              help="Whose request to withdraw (repeat for several; default: yours, to decline it).")
@click.option("-m", "--message", metavar="TEXT", help="An optional reason.")
@json_option
@pass_ctx
def withdraw_command(ctx: Context, draft: str | None, reviewers: tuple[str, ...], message: str | None,
                     as_json: bool) -> None:
    """Withdraw a review request: the one standing for each reviewer on the draft.

    The author of the request may withdraw it; the reviewer asked may decline it (without
    --reviewer: your own). A request already answered by a verdict cannot be withdrawn.
    Asking again with `review request` opens a new request.
    """
    hist = committed_history(ctx, draft)
    store = workflow_store(ctx)
    made = store.withdraw_requests(hist, list(reviewers), message)
    if as_json:
        emit_json({"draft": hist.draft, "withdrawn": [
            {"id": w.id, "type": "withdraw", "time": w.time, "request": w.target, "version": w.version.commit,
             "reviewers": list(w.reviewers), "declined": any(w.declined_by(r) for r in w.reviewers),
             "body": w.body} for w in made]})
        return
    for w in made:
        if len(w.reviewers) == 1 and w.declined_by(w.reviewers[0]):
            render.print_text(f"declined the request to review {hist.draft} at {w.version.commit[:8]}")
        else:
            render.print_text(f"withdrew the request for {', '.join(w.reviewers)} to review {hist.draft} "
                              f"at {w.version.commit[:8]}")


@review_group.command("submit")
@revision_argument()
@draft_option
@click.option("--approve", is_flag=True, help="Approve the version.")
@click.option("--request-changes", is_flag=True, help="Ask for changes before it can be approved.")
@click.option("--comment", is_flag=True, help="A review without a decision (needs text).")
@click.option("-m", "--message", metavar="TEXT",
              help="The summary (optional with --approve/--request-changes; --comment without it opens $EDITOR).")
@json_option
@pass_ctx
def submit_command(ctx: Context, rev: str | None, draft: str | None, approve: bool, request_changes: bool,
                   comment: bool, message: str | None, as_json: bool) -> None:
    """Give your verdict on version REV (default: the newest committed one).

    A later verdict of yours (on this version or a later one) supersedes it.
    """
    chosen = [v for v, on in (("approved", approve), ("changes_requested", request_changes),
                              ("commented", comment)) if on]
    if len(chosen) != 1:
        raise UsageError("give exactly one of --approve, --request-changes or --comment")
    verdict = chosen[0]
    hist = committed_history(ctx, draft)
    v = review_version(hist, rev)
    store = workflow_store(ctx)
    if verdict == "commented" and message is None:
        message = message_text(None, "review summary")
    event = store.submit_verdict(v, verdict, message)
    if as_json:
        emit_json({"id": event.id, "type": event.type, "time": event.time, "draft": hist.draft,
                          "version": v.commit, "verdict": verdict, "body": event.body})
        return
    from reviewtool.review.workflow import VERDICT_LABELS

    render.print_text(f"{VERDICT_LABELS[verdict]}: {hist.draft} at {v.short}")


@review_group.command("viewed")
@revision_argument()
@draft_option
@click.option("-s", "--section", "section_key", metavar="KEY", required=True,
              help="The section (its key; see `reviewtool sections`).")
@click.option("--undo", is_flag=True, help="Take the viewed mark back.")
@json_option
@pass_ctx
def viewed_command(ctx: Context, rev: str | None, draft: str | None, section_key: str, undo: bool,
                   as_json: bool) -> None:
    """Mark section KEY of version REV (default: the newest committed one) as read.

    The mark holds on later versions while the section's text stays the same.
    """
    from reviewtool.review.viewed import viewed_sections

    hist = committed_history(ctx, draft)
    v = review_version(hist, rev)
    store = workflow_store(ctx)
    doc = hist.document(v)
    event = store.set_viewed(v, doc, section_key, viewed=not undo, history=hist)
    _, email = store.store.identity()
    marks = viewed_sections(hist, store.load().workflow.marks, v, email)
    if as_json:
        emit_json({"id": event.id if event else None, "type": event.type if event else None,
                          "written": event is not None, "draft": hist.draft, "version": v.commit,
                          "section": section_key, "viewed": marks.is_viewed(section_key), **marks.to_json()})
        return
    state = "not viewed" if undo else "viewed"
    if event is None:
        render.print_text(f"{section_key} at {v.short} is already {state}: nothing written ({marks.summary})")
    else:
        render.print_text(f"marked {section_key} {state} at {v.short} ({marks.summary})")


# ------------------------------------------------------------------ status


@main.command("status")
@draft_option
@json_option
@pass_ctx
def status_command(ctx: Context, draft: str | None, as_json: bool) -> None:
    """Where the review of the draft stands, and what waits for you (git's user.email).

    Verdicts per reviewer (current, or stale with the sections changed since), review
    requests (answered or not), and for you: requests waiting for you, threads where
    someone answered after your last word, your suggestions not applied; for an author of
    the draft also its open threads and the change requests no newer version answered.
    """
    from reviewtool.review.status import review_status

    hist = committed_history(ctx, draft)
    store = workflow_store(ctx)
    me = store.store.identity()
    data = store.load()
    report = review_status(hist, data.threads, data.workflow, me)
    if as_json:
        emit_json(report.to_json())
        return
    from reviewtool.review.problem_report import problem_lines

    for warning in problem_lines(data.problems):
        click.echo(f"reviewtool: warning: {one_line(warning)}", err=True)
    render.print_text(status_text(report))


def _who(person: Any) -> str:
    return one_line(person.name or person.email)


def status_text(report: Any) -> Text:
    """The status report as text (untrusted strings cleaned, never markup)."""
    from rich.text import Text

    v = report.version
    out = Text()
    out.append(f"{one_line(report.draft)}", style="bold")
    out.append(f" at {v.short} ({short_date(v.date)}, {one_line(v.subject)})\n")
    out.append("\nReviews\n", style="bold")
    if not report.reviews:
        out.append("  none yet\n", style="grey50")
    for e in report.reviews:
        verdict = e.verdict
        style = {"approved": "green", "changes_requested": "red"}.get(verdict.verdict, "cyan")
        out.append(f"  {_who(verdict.reviewer)}: ")
        out.append(verdict.label, style=style)
        out.append(f" on {verdict.version.commit[:8]}")
        if e.current:
            out.append(" (current)", style="green")
        else:
            changed = ("? sections" if e.sections_changed_since is None
                       else counted(e.sections_changed_since, "section"))
            out.append(f" (stale: {changed} changed since)", style="yellow")
        if verdict.body:
            out.append(f" - {one_line(verdict.body)[:80]}", style="grey50")
        out.append("\n")
    out.append("\nRequests\n", style="bold")
    if not report.requests and not report.withdrawn:
        out.append("  none\n", style="grey50")
    for r in report.requests:
        out.append(f"  {_who(r.reviewer)} asked by {_who(r.request.author)} on {r.request.version.commit[:8]}: ")
        out.append("answered" if r.answered else "waiting", style="green" if r.answered else "yellow")
        out.append("\n")
    for r in report.withdrawn:
        out.append(f"  {_who(r.reviewer)} asked by {_who(r.request.author)} on {r.request.version.commit[:8]}: ",
                   style="grey50")
        out.append("declined" if r.declined else f"withdrawn by {_who(r.withdrawn.author)}", style="grey50")
        if r.withdrawn.body:
            out.append(f" - {one_line(r.withdrawn.body)[:80]}", style="grey50")
        out.append("\n")
    mine = report.for_me
    out.append(f"\nFor you ({one_line(mine.me.email or mine.me.name)})\n", style="bold")
    lines: list[tuple[str, str]] = []
    for r in mine.requests:
        lines.append((f"review requested by {_who(r.request.author)} on {r.request.version.commit[:8]}", "yellow"))
    for t in mine.threads_awaiting_reply:
        lines.append((f"awaiting your reply: {t.id[:8]} {_thread_where(t)}{_excerpt(t.body)}", ""))
    for t in mine.suggestions_unapplied:
        lines.append((f"your suggestion not applied: {t.id[:8]} {_thread_where(t)}{_excerpt(t.suggestion or '')}", ""))
    if mine.is_author:
        for e in mine.changes_requested:
            lines.append((f"changes requested by {_who(e.verdict.reviewer)} on {e.verdict.version.commit[:8]}",
                          "red"))
        n = len(mine.open_threads)
        lines.append((f"{counted(n, 'open thread')} on the draft (reviewtool comments --status open)",
                      "grey50" if not n else ""))
    if not lines:
        lines.append(("nothing waits for you", "grey50"))
    for line, style in lines:
        out.append(f"  {line}\n", style=style)
    return out


def _thread_where(thread: Any) -> str:
    key = thread.anchor.section_key
    return f"[{one_line(key)}] " if key else ""


def _excerpt(text: str, width: int = 60) -> str:
    flat = one_line(" ".join(text.split()))
    return flat if len(flat) <= width else flat[: width - 3] + "..."
