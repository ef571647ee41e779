"""``reviewtool diff`` output: a summary, then each changed section trimmed to its changes.

Built on :mod:`reviewtool.diff.view` (the same rows, gaps and notes the TUI shows):
unchanged paragraphs farther than *context* from a change collapse into one line
("… 73 unchanged paragraphs …"), like ``git diff -U<n>``.

Changes are shown two ways:

* with styles on a terminal: deletions red and struck through, insertions green and
  underlined;
* with marks in the text, ``[-old-]{+new+}`` like ``git diff --word-diff=plain``, when
  the output is not a terminal, or ``NO_COLOR`` is set, or the terminal is ``dumb``:
  whitespace beside every mark is kept, so words never run together.

Side by side, each row holds the old and the new paragraph, wrapped to their column
and padded to the taller one, so the rows line up; where one side has nothing the
column stays blank. ``--format markdown`` writes CriticMarkup.

Essay text is untrusted: it is cleaned of control characters and appended to Rich
``Text`` objects with explicit styles, never parsed as markup.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from reviewtool.cli import output, render
from reviewtool.diff.hunks import DEFAULT_CONTEXT, Gap
from reviewtool.diff.paragraphs import Segment
from reviewtool.diff.view import SectionView, change_view, section_view, section_views
from reviewtool.review.export import md_escape
from reviewtool.textsafe import clean, one_line
from reviewtool.wording import change_label, change_mark

DELETE_STYLE = "red strike"
INSERT_STYLE = "green underline"
GAP_STYLE = "cyan italic"
NOTE_STYLE = "grey50 italic"
_STYLES = {"equal": "", "delete": DELETE_STYLE, "insert": INSERT_STYLE}
_STATUS_STYLES = {"added": "green", "removed": "red", "moved": "cyan", "renamed": "magenta", "markup": "cyan",
                  "split": "yellow", "merged": "yellow", "promoted": "blue", "condensed": "blue"}
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# CriticMarkup delimiters that must not appear literally inside a mark.
_CRITIC_CLOSERS = re.compile(r"(--\}|\+\+\}|~~\}|~>|==\}|<<\}|\{--|\{\+\+|\{~~|\{==|\{>>)")
_CRITIC_OPENERS = re.compile(r"(\{--|\{\+\+|\{~~|\{==|\{>>)")
#: Between the two columns of a side-by-side view.
COLUMN_RULE = " │ "


def marks_in_text() -> bool:
    """Whether changes are marked in the text (``[-old-]{+new+}``) rather than by styles:
    output that is not a terminal, ``NO_COLOR`` set (https://no-color.org), or a dumb terminal."""
    return (not render.is_terminal() or bool(os.environ.get("NO_COLOR"))
            or os.environ.get("TERM") == "dumb")


# ------------------------------------------------------------------ pieces


def status_text(change: Any) -> Text:
    """The statuses of a change, each in its colour."""
    text = Text()
    for i, status in enumerate(change.status):
        if i:
            text.append(", ")
        text.append(status, style=_STATUS_STYLES.get(status, ""))
    return text


def diff_summary_rows(diff: Any) -> list[tuple[Any, ...]]:
    """One row per changed pair: status, titles, change share, words added, words removed."""
    return [(status_text(change), change_label(change), render.share_cell(change.changed_share),
             Text(f"+{change.words_added}", style="green"), Text(f"-{change.words_removed}", style="red"))
            for change in diff.changes]


_SUMMARY_COLUMNS = [("status", "left"), ("section", "left"), ("changed", "left"), ("added", "right"),
                    ("removed", "right")]


def render_diff_summary(diff: Any, width: int | None = None) -> Table:
    """A Rich table of the changed sections: status, old → new title, change share bar, +/- words;
    for *width* cells, one line per section (``diff_summary_table``)."""
    if width is not None:
        from reviewtool.cli.diff_summary_table import diff_summary_table

        return diff_summary_table(diff, [status_text(c) for c in diff.changes], width)
    return render.rich_table(_SUMMARY_COLUMNS, diff_summary_rows(diff))


def plain_mark(kind: str, part: str) -> str:
    """*part* (cleaned) with the ``[-…-]``/``{+…+}`` mark of its *kind* (none when equal)."""
    return change_mark(kind, clean(part))


def segments_text(segments: Iterable[Segment], plain: bool) -> Text:
    """Redline segments as one Text: styled, or with marks in the text when *plain*."""
    text = Text()
    for kind, part in segments:
        if plain:
            text.append(plain_mark(kind, part))
        else:
            text.append(clean(part), style=_STYLES[kind])
    return text


def change_header(change: Any) -> Text:
    """``@@ edited: Money (money) +3 -1``: what changed in a section and its keys."""
    text = Text()
    text.append("@@ ", style="cyan")
    text.append_text(status_text(change))
    text.append(": ")
    text.append(change_label(change), style="bold")
    keys = " + ".join(change.pair.old_keys) or "-"
    new_keys = " + ".join(change.pair.new_keys) or "-"
    text.append(f" ({one_line(keys if keys == new_keys else keys + ' -> ' + new_keys)})", style="grey50")
    text.append(" ")
    text.append(f"+{change.words_added}", style="green")
    text.append(" ")
    text.append(f"-{change.words_removed}", style="red")
    if change.markup:
        prefix = "" if change.status == ["markup"] else "markup: "
        text.append(f" {prefix}{one_line(', '.join(change.markup))}", style="cyan")
    return text


def gap_text(gap: Gap) -> Text:
    return Text(f"  {gap.label}", style=GAP_STYLE)


# ------------------------------------------------------------------ inline


def inline_lines(view: SectionView, context: int | None = DEFAULT_CONTEXT, plain: bool = False) -> list[Text]:
    """The section's changes as redline lines: rows (a blank line between paragraphs, none
    between list items), collapsed runs as one marker line."""
    lines: list[Text] = []
    after_gap = True
    for item in view.items(context):
        if isinstance(item, Gap):
            lines.append(gap_text(item))
            after_gap = True
            continue
        if item.blank_before and not after_gap:
            lines.append(Text())
        lines.extend(segments_text(item.inline(), plain).split("\n"))
        after_gap = False
    return lines


def render_redline(change: Any, context: int | None = None) -> Text:
    """A change as one styled redline (all of it unless *context* is given)."""
    return Text("\n").join(inline_lines(change_view(change), context))


def render_plain_redline(change: Any, context: int | None = None) -> str:
    """A change with ``[-deleted-]`` and ``{+inserted+}`` marks, like ``git diff --word-diff=plain``."""
    return "\n".join(line.plain.rstrip() for line in inline_lines(change_view(change), context, plain=True))


# ------------------------------------------------------------------ side by side


def _cell_lines(segments: tuple[Segment, ...] | None, width: int, plain: bool, console: Console) -> list[Text]:
    if segments is None:
        return []
    text = segments_text(segments, plain)
    return list(text.wrap(console, width, overflow="fold")) or [Text()]


def _pad(line: Text, width: int) -> Text:
    line = line.copy()
    missing = width - line.cell_len
    if missing > 0:
        line.append(" " * missing)
    return line


def side_by_side_lines(view: SectionView, width: int, context: int | None = DEFAULT_CONTEXT,
                       plain: bool = False) -> list[Text]:
    """The section side by side in *width* cells: a title row, then one row per paragraph,
    each side wrapped to its column and padded to the taller one (a blank column where
    that side has nothing), collapsed runs as one marker line across both columns."""
    col = max(10, (width - len(COLUMN_RULE)) // 2)
    console = Console(width=col, file=io.StringIO(), markup=False, emoji=False, highlight=False)
    change = view.change

    def row(left: Text, right: Text) -> Text:
        return Text.assemble(_pad(left, col), (COLUMN_RULE, "grey50"), right)

    old_title = Text(one_line(change.old_title or "(added)"), style="bold")
    new_title = Text(one_line(change.new_title or "(removed)"), style="bold")
    old_title.truncate(col, overflow="ellipsis")
    new_title.truncate(col, overflow="ellipsis")
    lines = [row(old_title, new_title), Text("─" * col + "─┼─" + "─" * col, style="grey50")]
    first = True
    for item in view.side_items(context):
        if isinstance(item, Gap):
            lines.append(gap_text(item))
            first = True
            continue
        if not first and item.blank_before:
            lines.append(row(Text(), Text()))
        first = False
        left = _cell_lines(item.old, col, plain, console)
        right = _cell_lines(item.new, col, plain, console)
        for k in range(max(len(left), len(right), 1)):
            lines.append(row(left[k] if k < len(left) else Text(), right[k] if k < len(right) else Text()))
    return lines


def render_side_by_side(change: Any, width: int, context: int | None = None, plain: bool = False) -> Text:
    """A change side by side in *width* cells (all of it unless *context* is given)."""
    return Text("\n").join(side_by_side_lines(change_view(change), width, context, plain))


# ------------------------------------------------------------------ Markdown (CriticMarkup)


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


def _markdown_ops(ops: Iterable[Any]) -> str:
    out = []
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
    return "".join(out)


def render_markdown_change(change: Any, context: int | None = None) -> str:
    """The changed text as Markdown with CriticMarkup: ``{--deleted--}``, ``{++inserted++}``
    and ``{~~old~>new~~}`` (marks never span a paragraph break); unchanged runs beyond
    *context* (None: none) as an emphasised marker line."""
    if context is None:
        ops = change.word_diff.ops if change.word_diff is not None else []
        return _markdown_ops(ops).lstrip("\r\n").rstrip() + "\n"
    return _markdown_items(change_view(change), context)


def _markdown_items(view: SectionView, context: int | None) -> str:
    parts: list[str] = []
    after_gap = True
    for item in view.items(context):
        if isinstance(item, Gap):
            parts += ["\n\n" if parts else "", f"*{item.label}*"]
            after_gap = True
            continue
        if parts:
            parts.append("\n\n" if item.blank_before or after_gap else "\n")
        parts.append(_markdown_ops(item.ops).strip("\r\n").rstrip())
        after_gap = False
    return "".join(parts).strip() + "\n"


def render_markdown_diff(diff: Any, title: str | None = None, context: int | None = DEFAULT_CONTEXT) -> str:
    """The whole section diff as a Markdown document (CriticMarkup marks, one heading per change)."""
    lines = []
    if title:
        lines += [f"# {md_escape(title)}", ""]
    summary = diff.summary()
    lines += [f"**+{summary['words_added']} / -{summary['words_removed']} words** in "
              f"{summary['sections_changed']} changed section{'' if summary['sections_changed'] == 1 else 's'} "
              f"({summary['sections_unchanged']} unchanged).", ""]
    for view in section_views(diff):
        change = view.change
        head = md_escape(change_label(change)) or "(untitled)"
        markup = f"; markup: {md_escape(', '.join(change.markup))}" if change.markup else ""
        lines += [f"## {head}", "",
                  f"*{', '.join(change.status)}; +{change.words_added} / -{change.words_removed} words, "
                  f"{change.changed_share * 100:.0f}% changed{markup}*", ""]
        lines += [f"*{md_escape(note)}*\n" for note in view.notes]
        if not view.has_text:
            continue  # moved or renamed only
        if any(s.kind == "frontmatter" for s in (*change.pair.old, *change.pair.new)):
            # YAML, not Markdown: a fenced block with plain marks (no setext headings).
            plain = "\n".join(line.plain.rstrip() for line in inline_lines(view, context, plain=True))
            fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", plain)), default=0) + 1)
            body = f"{fence}\n{plain}\n{fence}\n"
        else:
            body = _markdown_items(view, context)
        if body.strip():
            lines += [body.rstrip(), ""]
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------ the command's output


def print_diff(diff: Any, title: str, side_by_side: bool = False, context: int | None = DEFAULT_CONTEXT) -> None:
    """Print a section diff: a summary, then each changed section trimmed to its changes
    (*context* paragraphs around each; None: everything), inline or side by side."""
    summary = diff.summary()
    head = (f"{one_line(title)}: +{summary['words_added']} -{summary['words_removed']} words, "
            f"{summary['sections_changed']} section{'' if summary['sections_changed'] == 1 else 's'} changed"
            + (f" ({summary['markup_changed']} with markup changes)" if summary["markup_changed"] else ""))
    if not diff.changes:
        render.print_text(head + " (no changes)")
        return
    terminal = render.is_terminal()
    plain = marks_in_text()
    width = render.output_width()
    console = render.make_console() if terminal else None
    out = output.out()

    def emit(line: Text | Table) -> None:
        if console is not None:
            console.print(line, no_wrap=side_by_side, overflow="crop" if side_by_side else "fold")
        else:
            out.write((line.plain.rstrip() if isinstance(line, Text) else str(line)) + "\n")

    if console is not None:
        console.print(Text(head, style="bold"))
        console.print(render_diff_summary(diff, console.width))
    else:
        out.write(head + "\n")
        for summary_row in diff_summary_rows(diff):
            out.write(render.plain_row(summary_row) + "\n")
    for change in diff.changes:
        view = section_view(diff, change)
        emit(Text())
        emit(change_header(change))
        for note in view.notes:
            emit(Text(f"   {one_line(note)}", style=NOTE_STYLE))
        if not view.has_text:
            continue  # moved or renamed only: the header says it all
        lines = side_by_side_lines(view, width, context, plain) if side_by_side else inline_lines(view, context, plain)
        for line in lines:
            emit(line)
