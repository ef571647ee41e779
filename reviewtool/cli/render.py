"""Terminal output for the CLI: Rich on a terminal, plain text when piped, JSON for scripts.

Every untrusted string (essay text, commit subjects, author names, comment
bodies) goes through :func:`reviewtool.textsafe.clean` and into Rich ``Text``
objects; nothing user-supplied is ever parsed as markup.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import Any, cast

from rich import box
from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from reviewtool.cli import output
from reviewtool.review.export import md_escape
from reviewtool.textsafe import clean, one_line
from reviewtool.wording import change_label


def make_console(stderr: bool = False) -> Console:
    """A console that never interprets markup, emoji codes or highlighting."""
    return Console(stderr=stderr, markup=False, emoji=False, highlight=False, soft_wrap=False)


def is_terminal() -> bool:
    return sys.stdout.isatty()


emit_json = output.emit_json  # where it lives now: commands print JSON without loading Rich


def table(
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
) -> None:
    """Print rows as a Rich table on a terminal, or tab-separated plain text when piped.

    *columns* are ``(header, justify)`` pairs. Cells may be ``Text`` (styled) or
    plain values; plain values are cleaned of control characters.
    """
    rows = list(rows)
    if not is_terminal():
        out = sys.stdout
        if title:
            out.write(one_line(title) + "\n")
        for row in rows:
            out.write(_plain_row(row) + "\n")
        return
    make_console().print(_rich_table(columns, rows, title))


def _rich_table(columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]],
                title: str | None = None) -> Table:
    tbl = Table(title=Text(one_line(title)) if title else None, box=None, header_style="bold",
                pad_edge=False, show_edge=False)
    for header, justify in columns:
        tbl.add_column(header, justify=cast(JustifyMethod, justify), no_wrap=justify == "right")
    for row in rows:
        tbl.add_row(*(_rich_cell(c) for c in row))
    return tbl


def _plain_row(row: Sequence[Any]) -> str:
    return "\t".join(_plain_cell(c) for c in row)


def _plain_cell(value: Any) -> str:
    if isinstance(value, Text):
        return one_line(value.plain)
    return one_line("" if value is None else str(value))


def _rich_cell(value: Any) -> Text:
    if isinstance(value, Text):
        return value
    return Text(one_line("" if value is None else str(value)))


def print_text(text: str | Text, style: str | None = None) -> None:
    """Print untrusted text literally (cleaned of control characters)."""
    if isinstance(text, Text):
        if is_terminal():
            make_console().print(text)
        else:
            sys.stdout.write(clean(text.plain) + "\n")
        return
    if is_terminal():
        make_console().print(Text(clean(text), style=style or ""))
    else:
        sys.stdout.write(clean(text) + ("" if text.endswith("\n") else "\n"))


def share_bar(share: float, width: int = 10) -> Text:
    """A small bar for a 0..1 share (prose share, change share)."""
    filled = round(max(0.0, min(1.0, share)) * width)
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "grey50"),
                         f" {share * 100:3.0f}%")


def share_cell(share: float) -> Text | str:
    """A table cell for a 0..1 share: a :func:`share_bar` on a terminal, ``42%`` when piped."""
    return share_bar(share) if is_terminal() else f"{share * 100:.0f}%"


# ------------------------------------------------------------------ section diffs
# (reviewtool diff). Essay text is untrusted: it is cleaned of control characters
# and appended to Rich Text objects with explicit styles, never parsed as markup.

DELETE_STYLE = "red strike"
INSERT_STYLE = "green underline"
_STYLES = {"equal": "", "delete": DELETE_STYLE, "insert": INSERT_STYLE}
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# CriticMarkup delimiters that must not appear literally inside a mark.
_CRITIC_CLOSERS = re.compile(r"(--\}|\+\+\}|~~\}|~>|==\}|<<\}|\{--|\{\+\+|\{~~|\{==|\{>>)")
_CRITIC_OPENERS = re.compile(r"(\{--|\{\+\+|\{~~|\{==|\{>>)")


def _status_text(change: Any) -> Text:
    styles = {"added": "green", "removed": "red", "moved": "cyan", "renamed": "magenta",
              "split": "yellow", "merged": "yellow", "promoted": "blue", "condensed": "blue"}
    text = Text()
    for i, status in enumerate(change.status):
        if i:
            text.append(", ")
        text.append(status, style=styles.get(status, ""))
    return text


def diff_summary_rows(diff: Any) -> list[tuple[Any, ...]]:
    """One row per changed pair: status, titles, change share, words added, words removed."""
    rows = []
    for change in diff.changes:
        rows.append((_status_text(change), change_label(change),
                     share_cell(change.changed_share),
                     Text(f"+{change.words_added}", style="green"),
                     Text(f"-{change.words_removed}", style="red")))
    return rows


_SUMMARY_COLUMNS = [("status", "left"), ("section", "left"), ("changed", "left"), ("added", "right"),
                    ("removed", "right")]


def render_diff_summary(diff: Any) -> Table:
    """A Rich table of the changed sections: status, old → new title, change share bar, +/- words."""
    return _rich_table(_SUMMARY_COLUMNS, diff_summary_rows(diff))


def _segments(change: Any) -> list[tuple[str, str]]:
    """Inline redline segments of a change, without the blank lines that open a body."""
    from reviewtool.diff.word_diff import inline_segments

    segments = inline_segments(change.word_diff.ops) if change.word_diff is not None else []
    if segments and segments[0][0] == "equal":
        first = segments[0][1].lstrip("\r\n")
        segments[0] = ("equal", first)
    return segments


def render_redline(change: Any) -> Text:
    """The change as one inline redline: deletions red and struck through, insertions
    green and underlined, unchanged text plain."""
    text = Text()
    for kind, part in _segments(change):
        text.append(clean(part), style=_STYLES[kind])
    text.rstrip()
    return text


def _plain_mark(kind: str, part: str) -> str:
    """*part* (cleaned) with the ``[-…-]``/``{+…+}`` mark of its *kind* (none when equal)."""
    part = clean(part)
    if kind == "delete":
        return f"[-{part}-]"
    if kind == "insert":
        return f"{{+{part}+}}"
    return part


def render_plain_redline(change: Any) -> str:
    """The change as plain text with ``[-deleted-]`` and ``{+inserted+}`` marks
    (like ``git diff --word-diff=plain``)."""
    return "".join(_plain_mark(kind, part) for kind, part in _segments(change)).rstrip()


def _side_rows(change: Any) -> list[tuple[list[tuple[str, str]], list[tuple[str, str]]]]:
    """Rows of (old pieces, new pieces), cut at paragraph breaks both sides share."""
    rows: list[tuple[list[tuple[str, str]], list[tuple[str, str]]]] = []
    old: list[tuple[str, str]] = []
    new: list[tuple[str, str]] = []
    ops = change.word_diff.ops if change.word_diff is not None else []
    for op in ops:
        if op.op != "equal":
            if op.old:
                old.append(("delete", op.old))
            if op.new:
                new.append(("insert", op.new))
            continue
        if op.old != op.new:
            old.append(("equal", op.old))
            new.append(("equal", op.new))
            continue
        pieces = _PARAGRAPH_BREAK.split(op.old)
        for k, piece in enumerate(pieces):
            if k:
                rows.append((old, new))
                old, new = [], []
            if piece:
                old.append(("equal", piece))
                new.append(("equal", piece))
    if old or new:
        rows.append((old, new))
    return [(o, n) for o, n in rows if any(p.strip() for _, p in (*o, *n))]


def _side_cell(pieces: list[tuple[str, str]], plain: bool) -> Text:
    if pieces and pieces[0][0] == "equal":
        pieces = [("equal", pieces[0][1].lstrip("\r\n")), *pieces[1:]]
    text = Text()
    for kind, part in pieces:
        if plain:
            text.append(_plain_mark(kind, part))
        else:
            text.append(clean(part), style=_STYLES[kind])
    text.rstrip()
    return text


def render_side_by_side(change: Any, width: int | None = None, plain: bool = False) -> Table:
    """The change as two columns: the old text with deletions marked, the new text with
    insertions marked; one row per paragraph. *plain* marks changes with
    ``[-…-]``/``{+…+}`` instead of styles (for output without colour)."""
    tbl = Table(width=width, expand=width is not None, show_header=True, header_style="bold",
                box=box.SIMPLE_HEAD, pad_edge=False)
    tbl.add_column(Text(one_line(change.old_title or "(added)")), ratio=1, overflow="fold")
    tbl.add_column(Text(one_line(change.new_title or "(removed)")), ratio=1, overflow="fold")
    for old, new in _side_rows(change):
        tbl.add_row(_side_cell(old, plain), _side_cell(new, plain))
    return tbl


def _critic_escape(text: str) -> str:
    """Markdown source made safe inside a CriticMarkup mark: a backslash breaks up any
    delimiter (``--}`` becomes ``-\\-}``; Markdown still renders ``--}``)."""
    return _CRITIC_CLOSERS.sub(lambda m: m.group(0)[0] + "\\" + m.group(0)[1:], text)


def _critic(mark: str, text: str) -> str:
    """Wrap *text* in a CriticMarkup *mark* (``--`` or ``++``), one mark per paragraph,
    whitespace kept outside the marks."""
    out = []
    pos = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        out.append(_critic_piece(mark, text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_critic_piece(mark, text[pos:]))
    return "".join(out)


def _critic_piece(mark: str, text: str) -> str:
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return f"{lead}{{{mark}{_critic_escape(core)}{mark}}}{trail}"


def render_markdown_change(change: Any) -> str:
    """The changed text as Markdown with CriticMarkup: ``{--deleted--}``, ``{++inserted++}``
    and ``{~~old~>new~~}`` (marks never span a paragraph break)."""
    out = []
    ops = change.word_diff.ops if change.word_diff is not None else []
    for op in ops:
        old, new = clean(op.old), clean(op.new)
        if op.op == "equal":
            # Unchanged text must not open a mark of its own.
            out.append(_CRITIC_OPENERS.sub(lambda m: m.group(0)[0] + "\\" + m.group(0)[1:], new))
        elif op.op == "delete":
            out.append(_critic("--", old))
        elif op.op == "insert":
            out.append(_critic("++", new))
        elif _PARAGRAPH_BREAK.search(old) or _PARAGRAPH_BREAK.search(new) or not old.strip() or not new.strip():
            out.append(_critic("--", old) + (" " if old.strip() else "") + _critic("++", new))
        else:
            lead = old[: len(old) - len(old.lstrip())]
            trail = new[len(new.rstrip()):]
            out.append(f"{lead}{{~~{_critic_escape(old.strip())}~>{_critic_escape(new.strip())}~~}}{trail}")
    return "".join(out).lstrip("\r\n").rstrip() + "\n"


def render_markdown_diff(diff: Any, title: str | None = None) -> str:
    """The whole section diff as a Markdown document (CriticMarkup marks, one heading per change)."""
    lines = []
    if title:
        lines += [f"# {md_escape(title)}", ""]
    summary = diff.summary()
    lines += [f"**+{summary['words_added']} / -{summary['words_removed']} words** in "
              f"{summary['sections_changed']} changed sections "
              f"({summary['sections_unchanged']} unchanged).", ""]
    for change in diff.changes:
        head = md_escape(change_label(change)) or "(untitled)"
        lines += [f"## {head}", "",
                  f"*{', '.join(change.status)}; +{change.words_added} / -{change.words_removed} words, "
                  f"{change.changed_share * 100:.0f}% changed*", ""]
        if change.word_diff is None or change.word_diff.is_equal:
            continue  # moved or renamed only
        if any(s.kind == "frontmatter" for s in (*change.pair.old, *change.pair.new)):
            # YAML, not Markdown: a fenced block with plain marks (no setext headings).
            plain = render_plain_redline(change)
            fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", plain)), default=0) + 1)
            body = f"{fence}\n{plain}\n{fence}\n"
        else:
            body = render_markdown_change(change)
        if body.strip():
            lines += [body.rstrip(), ""]
    return "\n".join(lines).rstrip() + "\n"


def print_diff(diff: Any, title: str, side_by_side: bool = False) -> None:
    """Print a section diff: a summary, then each change as a redline (or side by side).

    On a terminal with Rich styles; piped, as plain text with ``[-…-]``/``{+…+}`` marks.
    """
    summary = diff.summary()
    head = (f"{one_line(title)}: +{summary['words_added']} -{summary['words_removed']} words, "
            f"{summary['sections_changed']} sections changed")
    if not diff.changes:
        print_text(head + " (no changes)")
        return
    if is_terminal():
        console = make_console()
        console.print(Text(head, style="bold"))
        console.print(render_diff_summary(diff))
        for change in diff.changes:
            console.print()
            console.print(_change_header(change))
            if change.word_diff is None or change.word_diff.is_equal:
                continue  # moved or renamed only: the header says it all
            if side_by_side:
                console.print(render_side_by_side(change, console.width))
            else:
                console.print(render_redline(change))
        return
    out = sys.stdout
    out.write(head + "\n")
    for row in diff_summary_rows(diff):
        out.write(_plain_row(row) + "\n")
    for change in diff.changes:
        out.write("\n" + _change_header(change).plain + "\n")
        if change.word_diff is None or change.word_diff.is_equal:
            continue
        if side_by_side:
            console = Console(file=out, width=_plain_width(), markup=False, emoji=False, highlight=False,
                              color_system=None)
            console.print(render_side_by_side(change, _plain_width(), plain=True))
        else:
            body = render_plain_redline(change)
            if body:
                out.write(body + "\n")


def _plain_width() -> int:
    return max(40, shutil.get_terminal_size((120, 24)).columns)


def _change_header(change: Any) -> Text:
    text = Text()
    text.append("@@ ", style="cyan")
    text.append_text(_status_text(change))
    text.append(": ")
    text.append(change_label(change), style="bold")
    keys = " + ".join(change.pair.old_keys) or "-"
    new_keys = " + ".join(change.pair.new_keys) or "-"
    text.append(f" ({keys if keys == new_keys else keys + ' -> ' + new_keys})", style="grey50")
    text.append(" ")
    text.append(f"+{change.words_added}", style="green")
    text.append(" ")
    text.append(f"-{change.words_removed}", style="red")
    return text


# ------------------------------------------------------------------ coverage and comments


def coverage_text(cov: Any, draft: str, outline_version: Any, prose_version: Any) -> Text:
    """Outline coverage (``reviewtool coverage``): each bullet and sub-point, where it is written, totals."""
    warn = "yellow"
    out = Text()
    out.append(f"{one_line(draft)}: outline {outline_version.short} -> prose {prose_version.short}\n", style="bold")

    def where(placement: Any, with_section: bool) -> Text:
        if not placement.covered:
            return Text(f"not written yet ({placement.score:.2f})", style=warn)
        part = Text()
        if with_section:
            part.append(one_line(placement.section.title), style="bold")
            part.append(f" [{one_line(placement.section.key)}]", style="grey50")
        if placement.paragraph is not None:
            part.append(f"{', ' if with_section else ''}paragraph {placement.paragraph.index}: ")
            part.append(one_line(placement.paragraph.first_words), style="italic")
        part.append(f" ({placement.score:.2f})", style="grey50")
        return part

    for b in cov.bullets:
        line = Text("- ")
        line.append(one_line(b.title), style="bold" if b.covered else warn)
        if b.points:
            line.append(f"  {b.points_covered}/{len(b.points)} sub-points",
                        style="green" if b.points_covered == len(b.points) else warn)
        line.append("  -> ")
        line.append_text(where(b.placement, True))
        out.append_text(line)
        out.append("\n")
        for p in b.points:
            sub = Text("    " * p.depth + "- ")
            sub.append(one_line(p.text), style="" if p.covered else warn)
            sub.append("  -> ")
            same = p.placement.section is not None and p.placement.section is b.placement.section
            sub.append_text(where(p.placement, not same))
            out.append_text(sub)
            out.append("\n")
    out.append(f"bullets written: {cov.bullets_covered}/{len(cov.bullets)} ({cov.bullet_share * 100:.0f}%), "
               f"sub-points: {cov.points_covered}/{cov.points_total} ({cov.point_share * 100:.0f}%)",
               style="bold")
    return out


def thread_text(thread: Any, placement: Any, doc: Any, version: Any) -> Text:
    """One review thread with its placement on *version* (``reviewtool comments``)."""
    state_style = {"exact": "green", "moved": "cyan", "fuzzy": "yellow", "outdated": "red",
                   "orphaned": "red"}.get(placement.state, "")
    sec = doc.get(placement.section_key) if placement.section_key else None
    where = sec.title if sec is not None else ("whole draft" if placement.scope == "version" else "(section gone)")
    state = placement.state + (f" {placement.score:.2f}" if placement.state == "fuzzy" else "")
    text = Text()
    text.append(one_line(thread.id[:8]), style="yellow")  # ids come from the notes: untrusted
    text.append("  ")
    if thread.retracted:
        text.append("retracted", style="grey50 italic")
    else:
        text.append(thread.status, style="bold" if thread.status == "open" else "grey50")
    text.append("  ")
    text.append(state, style=state_style)
    text.append("  ")
    text.append(one_line(where), style="bold")
    if thread.anchor.commit != version.commit:
        text.append(f"  (made on {one_line(thread.anchor.commit[:8])})", style="grey50")
    text.append(f"\n{one_line(thread.author)} <{one_line(thread.email)}>, {thread.created[:16].replace('T', ' ')} UTC",
                style="grey50")
    if thread.anchor.exact:
        for line in clean(thread.anchor.exact).splitlines() or [""]:
            text.append(f"\n  > {line}", style="italic")
        if placement.quote_found and placement.quote_found != thread.anchor.exact:
            text.append(f"\n  now: {one_line(placement.quote_found)}", style="yellow")
    if thread.retracted:
        text.append("\n  (retracted by its author)", style="grey50 italic")
    else:
        for line in clean(thread.body).splitlines():
            text.append(f"\n  {line}")
    if thread.suggestion is not None:
        applied = " (applied)" if thread.applied is not None else ""
        text.append(f"\n  suggested{applied}: ", style="bold")
        text.append(one_line(thread.anchor.exact or ""), style="red strike")
        text.append(" -> ")
        text.append(one_line(thread.suggestion), style="green")
    for reply in thread.replies:
        text.append(f"\n    ↳ {one_line(reply.author)}: ", style="grey50")
        text.append("(retracted)" if reply.retracted else one_line(reply.body))
    for event in thread.refused:  # kept in the notes, shown, without effect
        text.append(f"\n  refused: {one_line(event.type)} by {one_line(event.author or event.email)} "
                    f"(only the author may {one_line(event.type)} a comment)", style="grey50 italic")
    return text
