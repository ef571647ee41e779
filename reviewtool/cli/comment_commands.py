"""Comment commands: `comment add|reply|edit|resolve|reopen|retract|apply` and `comments`
(the threads carried onto a version).

Comments are review events in git notes (:mod:`reviewtool.review.store`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from reviewtool.cli.group import (
    Context,
    ReviewtoolGroup,
    draft_option,
    emit_json,
    json_option,
    main,
    message_text,
    pass_ctx,
    render,
    revision_argument,
)
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.textsafe import one_line

if TYPE_CHECKING:
    from reviewtool.draft.history import DraftHistory, Version
    from reviewtool.review.store import ReviewStore


def review_store(ctx: Context) -> ReviewStore:
    """The review data (comments, verdicts) in the repository's notes."""
    from reviewtool.review.store import ReviewStore

    return ReviewStore(ctx.repo)


def _emit_event(event: Any, verb: str, as_json: bool) -> None:
    if as_json:
        emit_json({"id": event.id, "type": event.type, "target": event.target, "time": event.time})
        return
    target = f" on {event.target[:8]}" if event.target else ""
    render.print_text(f"{verb} {event.id[:8]}{target}")


def _comment_version(hist: DraftHistory, rev: str | None) -> Version:
    v = hist.find(rev)
    if v.is_worktree:
        raise ReviewtoolError("the draft has uncommitted changes: commit first "
                              "(comments are made on committed versions; or name one, e.g. HEAD)")
    return v


@main.group("comment", cls=ReviewtoolGroup)
def comment_group() -> None:
    """Write review comments (stored as git notes): add, reply, edit, resolve, reopen, retract, apply."""


@comment_group.command("add")
@revision_argument()
@draft_option
@click.option("-s", "--section", "section_key", metavar="NAME",
              help="Comment on this section: its key, the end of its key or its title (see `sections`).")
@click.option("-q", "--quote", metavar="TEXT", help="Comment on this passage (it must occur in the section).")
@click.option("--suggest", "suggestion", metavar="TEXT", help="Suggested replacement for the quoted passage.")
@click.option("-m", "--message", metavar="BODY", help="The comment (without it, $EDITOR opens).")
@json_option
@pass_ctx
def comment_add_command(ctx: Context, rev: str | None, draft: str | None, section_key: str | None,
                        quote: str | None, suggestion: str | None, message: str | None, as_json: bool) -> None:
    """Comment on version REV (default: the newest), a section of it, or a quoted passage."""
    from reviewtool.review.anchoring import make_anchor

    if suggestion is not None and quote is None:
        raise UsageError("--suggest needs --quote: the passage the suggestion replaces")
    hist = ctx.history(draft)
    v = _comment_version(hist, rev)
    anchor = make_anchor(hist.document(v), v, section_key, quote)
    store = review_store(ctx)
    body = message_text(message, "comment")
    event = store.comment_on(anchor, body, suggestion)
    if as_json:
        emit_json({"id": event.id, "type": event.type, "time": event.time, "version": v.commit,
                          "anchor": event.anchor.to_json() if event.anchor else None})
        return
    where = f" section {anchor.section_key}" if anchor.section_key else ""
    render.print_text(f"added comment {event.id[:8]} on {v.short}{where}")


@comment_group.command("reply")
@click.argument("comment_id", metavar="ID")
@click.option("-m", "--message", metavar="BODY", help="The reply (without it, $EDITOR opens).")
@json_option
@pass_ctx
def comment_reply_command(ctx: Context, comment_id: str, message: str | None, as_json: bool) -> None:
    """Reply to comment (or reply) ID; a unique prefix of the id is enough."""
    store = review_store(ctx)
    store.find(comment_id)  # fail before opening an editor
    _emit_event(store.reply(comment_id, message_text(message, "reply")), "replied", as_json)


@comment_group.command("edit")
@click.argument("comment_id", metavar="ID")
@click.option("-m", "--message", metavar="BODY", help="The new text (without it, $EDITOR opens).")
@json_option
@pass_ctx
def comment_edit_command(ctx: Context, comment_id: str, message: str | None, as_json: bool) -> None:
    """Replace the text of your own comment or reply ID (the old text stays in the history)."""
    store = review_store(ctx)
    item = store.find(comment_id)
    body = message_text(message, "comment", template=item.body + "\n")
    if body == item.body:
        raise ReviewtoolError(f"the text of {item.id[:8]} is unchanged: nothing written")
    _emit_event(store.edit(comment_id, body), "edited", as_json)


def _simple_comment_command(name: str, verb: str, doc: str, with_message: bool = False) -> None:
    @comment_group.command(name, help=doc)
    @click.argument("comment_id", metavar="ID")
    @json_option
    @pass_ctx
    def command(ctx: Context, comment_id: str, as_json: bool, message: str | None = None) -> None:
        store = review_store(ctx)
        method = getattr(store, name)
        event = method(comment_id, message) if with_message else method(comment_id)
        _emit_event(event, verb, as_json)

    if with_message:
        click.option("-m", "--message", metavar="TEXT", help="An optional note.")(command)


_simple_comment_command("resolve", "resolved", "Mark the thread of comment ID resolved.", with_message=True)
_simple_comment_command("reopen", "reopened", "Reopen the resolved thread of comment ID.", with_message=True)
_simple_comment_command("retract", "retracted", "Withdraw your own comment or reply ID (kept, shown as retracted).")


def _history_for_thread(ctx: Context, draft: str | None, thread: Any) -> DraftHistory:
    """The history of the draft a thread was made on (its path may have been renamed since)."""
    from reviewtool.draft.discovery import history_of_path

    if draft is not None or ctx.default_draft is not None:
        return ctx.history(draft)
    hist = history_of_path(ctx.repo, thread.anchor.path, thread.anchor.blob, use_cache=ctx.use_cache)
    if hist is None:
        raise ReviewtoolError(f"the draft of comment {thread.id[:8]} ({thread.anchor.path}) is not in the "
                              "working tree; name it with -d")
    return hist


@comment_group.command("apply")
@click.argument("comment_id", metavar="ID")
@draft_option
@json_option
@pass_ctx
def comment_apply_command(ctx: Context, comment_id: str, draft: str | None, as_json: bool) -> None:
    """Apply the suggested edit of comment ID to the working-tree draft (never commits)."""
    from reviewtool.review.suggestions import apply_suggestion, thread_of

    store = review_store(ctx)
    thread = thread_of(store, comment_id)
    hist = _history_for_thread(ctx, draft, thread)
    result = apply_suggestion(hist, store, thread.id)
    if as_json:
        emit_json(result.to_json())
        return
    render.print_text(f"applied the suggestion of {result.thread_id[:8]} to {result.path} "
                      f"(not committed; review with git diff)")


def threads_on(ctx: Context, draft: str | None, rev: str | None,
                include_retracted: bool = False) -> tuple[DraftHistory, Version, list[Any], list[Any]]:
    from reviewtool.review.anchoring import comments_for_version

    hist = ctx.history(draft)
    v = hist.find(rev)
    threads, problems = review_store(ctx).load()
    return hist, v, comments_for_version(hist, threads, v, include_retracted=include_retracted), problems


@main.command("comments")
@revision_argument()
@draft_option
@click.option("--status", type=click.Choice(["open", "resolved", "all"]), default="all", show_default=True,
              help="Which threads to show.")
@json_option
@pass_ctx
def comments_command(ctx: Context, rev: str | None, draft: str | None, status: str, as_json: bool) -> None:
    """The review threads carried onto REV (default: the newest version), with their anchor state."""
    from reviewtool.review.export import filter_threads

    # Retracted threads stay visible (marked, with their replies) among all threads.
    hist, v, items, problems = threads_on(ctx, draft, rev, include_retracted=status == "all")
    items = filter_threads(items, status)
    if as_json:
        emit_json({"draft": hist.draft, "version": v.to_dict(),
                          "threads": [{**t.to_dict(), "placement": p.to_json()} for t, p in items],
                          "problems": [p.to_dict() for p in problems]})
        return
    from reviewtool.review.problem_report import problem_lines

    for warning in problem_lines(problems):
        click.echo(f"reviewtool: warning: {one_line(warning)}", err=True)
    if not items:
        render.print_text(f"no {'' if status == 'all' else status + ' '}comments on {hist.draft} at {v.short}")
        return
    doc = hist.document(v)
    for i, (thread, placement) in enumerate(items):
        if i:
            render.print_text("")
        render.print_hanging(render.thread_text(thread, placement, doc, v))
