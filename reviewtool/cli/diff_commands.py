"""`diff` (section-level word diff between two versions, or since a review) and `coverage`
(which outline bullets the prose has developed).

The text output is drawn by :mod:`reviewtool.cli.diff_render`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from reviewtool.cli.group import Context, draft_option, emit_json, json_option, main, pass_ctx, render
from reviewtool.cli.output import out as output_stream
from reviewtool.collector import collector_paused
from reviewtool.diff.hunks import DEFAULT_CONTEXT
from reviewtool.errors import ReviewtoolError, UsageError

if TYPE_CHECKING:
    from reviewtool.draft.history import DraftHistory, Version


@main.command("diff")
@click.argument("rev_a", required=False, metavar="[A]")
@click.argument("rev_b", required=False, metavar="[B]")
@draft_option
@click.option("-s", "--section", "section_key", metavar="NAME",
              help="Only the pairs involving this section (old or new) or its subsections: its key, the end "
                   "of its key or its title, as at B (else as at A).")
@click.option("--since-review", is_flag=True,
              help="From the version of the last verdict of --reviewer (default: you) to the newest.")
@click.option("--reviewer", metavar="EMAIL",
              help="With --since-review: whose last verdict (default: git's user.email).")
@click.option("--side-by-side", is_flag=True, help="Old and new text in two columns, paragraph by paragraph.")
@click.option("-U", "--context", "context", type=click.IntRange(min=0), default=DEFAULT_CONTEXT, show_default=True,
              metavar="N", help="Unchanged paragraphs shown around each change; longer runs collapse to one line.")
@click.option("--full", is_flag=True, help="Show every paragraph of a changed section (no collapsing).")
@click.option("--format", "fmt", type=click.Choice(["rich", "markdown", "json"]), default="rich",
              show_default=True, help="rich: redline (plain [-old-]{+new+} when piped); "
                                      "markdown: CriticMarkup; json: same as --json.")
@json_option
@pass_ctx
def diff_command(ctx: Context, rev_a: str | None, rev_b: str | None, draft: str | None, section_key: str | None,
                 since_review: bool, reviewer: str | None, side_by_side: bool, context: int, full: bool, fmt: str,
                 as_json: bool) -> None:
    """Section-level diff of the draft from version A to version B, word by word.

    Without revisions: the newest version against its first parent (what it changed,
    as git sees it); ``X^!``: version X against its first parent. With A alone: A
    against the newest version. Sections are aligned
    first, so moved, renamed, split and merged sections show only the words that
    changed in them; markup changes (heading levels, link targets...) are named.
    Unchanged paragraphs farther than N (--context) from a change collapse into one
    line, like git's -U.

    With --since-review: from the version a reviewer (default: you) last gave a verdict
    on to the newest committed version, the changes a returning reviewer has not seen.
    """
    # Pairs, word operations, rows and their JSON are many small objects that live until
    # the output is written: the collector scanning them again and again cost a tenth of a
    # book-size diff. Paused for the command (the process ends after it), restored after,
    # with what it built settled (no young collection over all of it at the next allocation).
    with collector_paused(settle=True):
        _diff(ctx, rev_a, rev_b, draft, section_key, since_review, reviewer, side_by_side, context, full, fmt,
              as_json)


def _diff(ctx: Context, rev_a: str | None, rev_b: str | None, draft: str | None, section_key: str | None,
          since_review: bool, reviewer: str | None, side_by_side: bool, context: int, full: bool, fmt: str,
          as_json: bool) -> None:
    ctx.open_soon(draft)  # git finds the repository and the draft while the modules below load
    from reviewtool.diff.stored_diff import document_diff

    since: dict[str, Any] | None = None
    if reviewer is not None and not since_review:
        raise UsageError("--reviewer goes with --since-review")
    hist = ctx.history(draft, reads_documents=True, include_worktree=not _named_commits(rev_a, rev_b, since_review))
    if since_review:
        if rev_a or rev_b:
            raise UsageError("--since-review compares from the last review to the newest version: "
                             "give no revisions with it")
        old_v, new_v, since = _since_review(ctx, hist, reviewer)
    else:
        if rev_a and rev_a.endswith("^!") and rev_b is None:  # git's X^!: X against its first parent
            rev_b, rev_a = rev_a[:-2], None
        hist.find_soon(rev_b, rev_a)  # git resolves them while it walks the history (in find)
        new_v = hist.find(rev_b)
    if since is not None:
        pass
    elif rev_a:
        old_v = hist.find(rev_a)
    else:
        base = hist.first_parent(new_v)
        if base is None:
            raise ReviewtoolError(f"{new_v.short} added {new_v.path}: nothing to compare it with "
                                  "(no first parent had the draft; name two versions)")
        old_v = base
    old_doc, new_doc = hist.documents(old_v, new_v, meanwhile=lambda: _load_ahead(hist, old_v, new_v,
                                                                                  as_json or fmt == "json"))
    diff = document_diff(hist, old_v, new_v)
    if section_key is not None:
        from reviewtool.draft.section_names import find_section_in

        # Named as at B (the newer side), else as at A (a section B removed).
        key = find_section_in([(new_doc, new_v.short), (old_doc, old_v.short)], section_key).key
        diff = diff.only(key)
    shown = None if full else context
    if as_json or fmt == "json":
        from reviewtool.diff.diff_json import diff_json

        extra = {"since_review": since} if since is not None else {}
        emit_json({"draft": hist.draft, **extra, **diff_json(diff, old_v.to_dict(), new_v.to_dict(), shown)})
        return
    title = f"{hist.draft} {old_v.short}..{new_v.short}"
    if since is not None:
        who = since["reviewer"]["name"] or since["reviewer"]["email"]
        title += f" (since the review by {who}: {since['verdict'].replace('_', ' ')})"
    from reviewtool.cli import diff_render

    if fmt == "markdown":
        output_stream().write(diff_render.render_markdown_diff(diff, title=title, context=shown))
        return
    diff_render.print_diff(diff, title, side_by_side=side_by_side, context=shown)


def _load_ahead(hist: DraftHistory, old_v: Version, new_v: Version, as_json: bool) -> None:
    """Import what the diff of *old_v* and *new_v* and its output will import anyway, while git
    reads their blobs (:meth:`DraftHistory.documents`): the differ's stages when the diff is
    not kept (:func:`reviewtool.diff.stored_diff.computes`), and what prints it."""
    from reviewtool.diff.stored_diff import computes

    if computes(hist, old_v, new_v):
        from reviewtool.diff.version_change import load_differ

        load_differ()
    if as_json:
        from reviewtool.diff import diff_json  # noqa: F401
    else:
        from reviewtool.cli import diff_render  # noqa: F401


def _named_commits(rev_a: str | None, rev_b: str | None, since_review: bool) -> bool:
    """Whether the diff compares two named revisions, neither the working tree: then the history
    needs no working-tree version (``git diff --quiet`` against HEAD, which hashes a racily clean
    file again: 6 ms of git for a book), and :meth:`DraftHistory.find` finds the same two versions
    without it (a commit, ``~N`` among the committed versions, a commit's newest version before it)."""
    from reviewtool.draft.history import names_worktree

    if since_review or not rev_a or not rev_b:
        return False
    return not (names_worktree(rev_a) or names_worktree(rev_b))


def _since_review(ctx: Context, hist: DraftHistory, reviewer: str | None) -> tuple[Version, Version, dict[str, Any]]:
    """``(reviewed version, newest committed version, what --json says about the review)``."""
    from reviewtool.review.status import last_reviewed, load_review_data, newest_committed
    from reviewtool.review.workflow import valid_email

    if reviewer is not None:
        email = reviewer.strip()
        if not valid_email(email):
            raise UsageError(f"invalid reviewer {reviewer!r}: give an email address")
    else:
        email = ctx.repo.identity()[1]
        if not email:
            raise ReviewtoolError("git names no user.email: say whose review with --reviewer EMAIL")
    found = last_reviewed(hist, load_review_data(ctx.repo).workflow, email)
    if found is None:
        who = "you have" if reviewer is None else f"{email} has"
        raise ReviewtoolError(f"{who} given no verdict on {hist.draft} (see `reviewtool status`)")
    verdict, old_v = found
    new_v = newest_committed(hist)
    return old_v, new_v, {"reviewer": verdict.reviewer.to_dict(), "verdict": verdict.verdict,
                          "version": verdict.version.commit, "time": verdict.time}


# ------------------------------------------------------------------ coverage / section history


@main.command("coverage")
@click.argument("outline_rev", required=False, metavar="[OUTLINE_REV]")
@click.argument("prose_rev", required=False, metavar="[PROSE_REV]")
@draft_option
@json_option
@pass_ctx
def coverage_command(ctx: Context, outline_rev: str | None, prose_rev: str | None, draft: str | None,
                     as_json: bool) -> None:
    """Which outline bullets (and sub-points) the prose has developed, and where.

    PROSE_REV defaults to the newest version. OUTLINE_REV defaults to the
    fullest outline up to PROSE_REV: the version whose outline bullets hold the
    most words (ties: the newest).
    """
    from reviewtool.diff.coverage import coverage, pick_outline_version

    hist = ctx.history(draft, reads_documents=True)
    prose_v = hist.find(prose_rev)
    if outline_rev:
        outline_v = hist.find(outline_rev)
    else:
        found = pick_outline_version(hist, prose_v)
        if found is None:
            raise ReviewtoolError(f"no version of {hist.draft} up to {prose_v.short} has outline bullets "
                                  "(name OUTLINE_REV)")
        outline_v = found
    outline_doc = hist.document(outline_v)
    if not any(s.kind == "outline" for s in outline_doc.sections):
        raise ReviewtoolError(f"{hist.draft} at {outline_v.short} has no outline bullets")
    cov = coverage(outline_doc, hist.document(prose_v))
    if as_json:
        emit_json({"draft": hist.draft, "outline_version": outline_v.to_dict(),
                          "prose_version": prose_v.to_dict(), "outline_default": outline_rev is None,
                          **cov.to_dict()})
        return
    render.print_text(render.coverage_text(cov, hist.draft, outline_v, prose_v))
