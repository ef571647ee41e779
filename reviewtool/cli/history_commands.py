"""History commands: `drafts`, `log`, `sections`, `show` and `history` (one section's versions).

What the draft is and was: its versions, its section tree and text at a version, and the
versions in which one section changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from reviewtool.cli.group import (
    Context,
    draft_option,
    emit_json,
    json_option,
    main,
    pass_ctx,
    render,
    revision_argument,
)
from reviewtool.cli.output import Progress
from reviewtool.errors import ReviewtoolError
from reviewtool.textsafe import one_line
from reviewtool.wording import counted, short_date

if TYPE_CHECKING:
    from reviewtool.draft.history import DraftHistory, Version


@main.command("drafts")
@json_option
@pass_ctx
def drafts_command(ctx: Context, as_json: bool) -> None:
    """List the drafts to choose from: the Markdown files under drafts/ (else _drafts/ and
    _posts/, content/, docs/: the first of them that has any)."""
    from reviewtool.draft.discovery import CONFIG_KEY, draft_candidates
    from reviewtool.draft.history import DraftHistory

    repo = ctx.repo
    if not repo.has_commits():
        raise ReviewtoolError("the repository has no commits yet: commit a draft under drafts/ first")
    where, paths = draft_candidates(repo)
    configured = repo.config_get(CONFIG_KEY)
    rows: list[dict[str, Any]] = []
    for path in paths:
        hist = DraftHistory(repo, path, include_worktree=False, use_cache=ctx.use_cache)
        newest = hist.versions[0] if hist.versions else None
        doc = hist.document(newest) if newest and newest.blob else None
        rows.append({
            "path": path,
            "title": doc.title if doc else None,
            "versions": len(hist.versions),
            "words": doc.words if doc else 0,
            "last_commit": newest.commit if newest else None,
            "last_date": newest.date.isoformat() if newest else None,
        })
    if as_json:
        emit_json({"drafts": rows, "where": where or None, "configured": configured})
        return
    if configured:
        render.print_text(f"git config {CONFIG_KEY}: {configured} (the draft when -d is not given)")
    if not rows:
        render.print_text("no drafts under drafts/, _drafts/, _posts/, content/ or docs/ "
                          "(any tracked Markdown file works with -d PATH)")
        return
    if render.is_terminal():
        from reviewtool.cli.drafts_table import print_drafts

        print_drafts(f"drafts under {where}", rows)
        return
    render.table([("path", "left"), ("title", "left"), ("versions", "right"), ("words", "right"),
                  ("last change", "left")],
                 [(r["path"], r["title"], r["versions"], r["words"], (r["last_date"] or "")[:10]) for r in rows],
                 title=f"drafts under {where}")


# ------------------------------------------------------------------ log


@main.command("log")
@draft_option
@click.option("-n", "--max-count", type=click.IntRange(min=1), help="Show at most N versions.")
@click.option("--first-parent", is_flag=True,
              help="Only the first-parent line (as git): a merge is one version with its branch's change.")
@click.option("--no-merges", is_flag=True, help="Leave merges out.")
@json_option
@pass_ctx
def log_command(ctx: Context, draft: str | None, max_count: int | None, first_parent: bool, no_merges: bool,
                as_json: bool) -> None:
    """The draft's versions, newest first, following renames: words, sections, prose share, and
    what each version changed against its first parent (as git: a merge's change is against its
    first parent; `reviewtool diff M^2 M` shows the other side)."""
    from reviewtool.collector import collector_paused

    # Each version read builds many small objects (its sections, what it changed, markdown-it's
    # tokens on the way) that live until they are written or leave the caches: the collector
    # scanning them again and again was a tenth of a cold log of 1,000 versions. Paused for
    # the command (the process ends after it), restored after, with what it built settled:
    # resuming alone started a young collection over all of it (7 ms of the README's cold log).
    with collector_paused(settle=True):
        _log(ctx, draft, max_count, first_parent, no_merges, as_json)


def _load_orjson() -> None:
    import orjson  # noqa: F401


def _log(ctx: Context, draft: str | None, max_count: int | None, first_parent: bool, no_merges: bool,
         as_json: bool) -> None:
    ctx.open_soon(draft)  # git finds the repository and the draft while the modules below load
    from reviewtool.diff.version_change import load_differ, version_change

    # Cold, every version is diffed against its first parent: the differ loads while git runs,
    # and orjson (what the cache writes its entries with, and --json prints with).
    hist = ctx.history(draft, first_parent=first_parent, reads_documents=True,
                       cold_work=(load_differ, _load_orjson))
    hist.reads_changes = True  # every version's first parent: git looks them up beside the rest
    versions = [v for v in hist.versions if not (no_merges and v.is_merge)]
    shown = versions[:max_count] if max_count else versions
    changes = []
    entries = []
    with Progress("reading versions", len(shown)) as progress:
        for done, v in enumerate(shown, 1):
            c = version_change(hist, v)
            changes.append(c)
            entries.append({**v.to_dict(), **hist.stats(v), "change": c.to_dict() if c else None})
            progress(done)
    if as_json:
        emit_json({"draft": hist.draft, "first_parent": first_parent, "versions": entries})
        return
    line = " (first-parent line)" if first_parent else ""
    hidden = len(hist.versions) - len(versions)
    more = f", {counted(hidden, 'merge')} hidden" if hidden else ""
    title_rest = f": {counted(len(versions), 'version')}{line}{more}"
    if render.is_terminal():
        from reviewtool.cli.log_table import print_log

        print_log(hist.draft, title_rest, shown, entries, changes)
        return
    rows = []
    for v, e, c in zip(shown, entries, changes):
        subject = v.subject + (f" (renamed from {v.old_path})" if v.old_path else "")
        rows.append((
            v.short,
            short_date(v.date),
            v.author,
            f"[merge] {subject}" if v.is_merge else subject,
            e["words"],
            e["sections"],
            render.share_cell(e["prose_share"]),
            render.change_cell(c.counts if c else None, deleted=bool(e.get("deleted")), renamed=v.status == "R"),
        ))
    render.table([("version", "left"), ("date", "left"), ("author", "left"), ("subject", "left"),
                  ("words", "right"), ("sections", "right"), ("prose", "left"), ("change", "left")], rows,
                 title=hist.draft + title_rest)


# ------------------------------------------------------------------ sections / show


@main.command("sections")
@revision_argument()
@draft_option
@json_option
@pass_ctx
def sections_command(ctx: Context, rev: str | None, draft: str | None, as_json: bool) -> None:
    """The section tree of the draft at REV (default: the newest version), with your viewed
    marks (`reviewtool review viewed`) and how many of the sections that hold text you viewed."""
    hist = ctx.history(draft, reads_documents=True)
    v = hist.find(rev)
    doc = hist.document(v)
    marks = _my_viewed_marks(ctx, hist, v)
    if as_json:
        data = doc.to_dict()
        for entry in data.get("sections", []):
            entry["viewed"] = marks.is_viewed(entry["key"])
        emit_json({"draft": hist.draft, "version": v.to_dict(), **data, "viewed": marks.to_json()})
        return
    from rich.text import Text

    for problem in doc.problems:
        click.echo(f"reviewtool: warning: {one_line(problem)}", err=True)
    title_rest = f" at {v.short}: {doc.words} words, prose share {doc.prose_share * 100:.0f}%, {marks.summary}"
    if render.is_terminal():
        from reviewtool.cli.sections_table import print_sections

        print_sections(hist.draft, title_rest, doc.sections, [marks.is_viewed(s.key) for s in doc.sections])
        return
    rows = []
    for s in doc.sections:
        depth = len(s.key.split("/")) - 1
        kind_style = {"prose": "green", "outline": "magenta", "empty": "grey50"}.get(s.body_kind, "cyan")
        rows.append((
            Text("  " * depth + one_line(s.title), style="bold" if s.kind == "heading" else ""),
            Text(s.kind),
            Text(s.body_kind, style=kind_style),
            s.words,
            s.words_all,
            Text("viewed", style="green") if marks.is_viewed(s.key) else Text("-", style="grey50"),
            s.key,
        ))
    render.table([("section", "left"), ("kind", "left"), ("body", "left"), ("words", "right"),
                  ("with children", "right"), ("viewed", "left"), ("key", "left")], rows,
                 title=hist.draft + title_rest)


def _my_viewed_marks(ctx: Context, hist: DraftHistory, v: Version) -> Any:
    """My (git's user.email) viewed marks on version *v*; none when git names nobody."""
    from reviewtool.review.status import load_review_data
    from reviewtool.review.viewed import viewed_sections

    try:
        _, email = ctx.repo.identity()
    except ReviewtoolError:
        email = ""
    marks = load_review_data(ctx.repo).workflow.marks if email else []
    return viewed_sections(hist, marks, v, email)


@main.command("show")
@revision_argument()
@draft_option
@click.option("-s", "--section", "section_key", metavar="NAME",
              help="Only this section (with its children): its key, the end of its key or its title.")
@json_option
@pass_ctx
def show_command(ctx: Context, rev: str | None, draft: str | None, section_key: str | None, as_json: bool) -> None:
    """The draft's text at REV, or one section of it."""
    from reviewtool.draft.section_names import find_section

    hist = ctx.history(draft)
    v = hist.find(rev)
    if section_key is not None:
        doc = hist.document(v)
        section = find_section(doc, section_key, v.short)
        text = doc.full_text(section)
    else:
        section = None
        text = hist.text(v)  # the whole text needs no parse
    if as_json:
        emit_json({"draft": hist.draft, "version": v.to_dict(),
                          "section": section.to_dict(doc) if section else None, "text": text})
        return
    render.print_text(text)


@main.command("history")
@revision_argument()
@click.option("-s", "--section", "section_key", metavar="NAME", required=True,
              help="The section to follow, as named at REV: its key, the end of its key or its title.")
@draft_option
@json_option
@pass_ctx
def history_command(ctx: Context, rev: str | None, section_key: str, draft: str | None, as_json: bool) -> None:
    """The versions in which section KEY changed, newest first, followed through renames,
    moves, promotion from an outline bullet, splits and merges, back to where it was created."""
    ctx.open_soon(draft)  # git finds the repository and the draft while the modules below load
    from reviewtool.diff.section_history import section_history
    from reviewtool.draft.section_names import find_section

    hist = ctx.history(draft, reads_documents=True)
    start = hist.find(rev)
    section_key = find_section(hist.document(start), section_key, start.short).key
    entries = section_history(hist, section_key, start.commit if not start.is_worktree else "worktree")
    if as_json:
        emit_json({"draft": hist.draft, "key": section_key, "version": start.to_dict(),
                          "entries": [e.to_dict() for e in entries]})
        return
    if render.is_terminal():
        from reviewtool.cli.history_table import print_history

        print_history(hist.draft, section_key, entries)
        return
    from rich.text import Text

    rows = []
    for e in entries:
        status_style = "green" if e.created else ("yellow" if "moved" in e.status or "renamed" in e.status else "")
        rows.append((
            Text(e.version.short, style="yellow"),
            short_date(e.version.date),
            e.version.author,
            Text(one_line(e.title)) if e.key == section_key
            else Text.assemble(one_line(e.title), (f" [{one_line(e.key)}]", "grey50")),
            Text(", ".join(e.status) + (f": {', '.join(e.markup)}" if e.markup else ""), style=status_style),
            Text(f"+{e.words_added}", style="green"),
            Text(f"-{e.words_removed}", style="red"),
            e.version.subject,
        ))
    render.table([("version", "left"), ("date", "left"), ("author", "left"), ("section", "left"),
                  ("change", "left"), ("added", "right"), ("removed", "right"), ("subject", "left")], rows,
                 title=f"{hist.draft}: history of {section_key} "
                       f"({len(entries)} change{'' if len(entries) == 1 else 's'})")
