"""The content pane's diff views as blocks: an inline redline, or side by side, trimmed to the changes.

Built from the core's section views (:mod:`reviewtool.diff.view`), so the pane shows the
same rows, collapsed runs and notes as ``reviewtool diff``. Each :class:`Block` is laid out
on lines of its own (:func:`reviewtool.tui.lines_view.layout_blocks`), which tells the
pane where every change starts (for ``]``/``[``) and which lines are a collapsed run (a
click, or ``z``, expands it).

Inline, a deletion is struck through in red and an insertion underlined in green; when
colours are off (``NO_COLOR``), changes are marked in the text instead, ``[-old-]{+new+}``,
so a deletion and the insertion beside it never read as one word. Side by side, each row
holds the base's paragraph on the left and the version's on the right; where one side has
nothing the column stays blank. Pure functions over untrusted text, never parsed as
markup: safe in workers.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from textual.content import Content

from reviewtool.diff.hunks import Gap
from reviewtool.diff.paragraphs import Row, Segment, SideRow
from reviewtool.diff.view import SectionView
from reviewtool.textsafe import clean, one_line
from reviewtool.tui.lines_view import Block
from reviewtool.wording import change_mark

DELETE_STYLE = "strike $text-error on $error-muted"
INSERT_STYLE = "underline $text-success on $success-muted"
GAP_STYLE = "italic $text-accent"
NOTE_STYLE = "italic $text-muted"
_STYLES = {"equal": "", "delete": DELETE_STYLE, "insert": INSERT_STYLE}


@dataclass
class DiffPiece:
    """One changed section (or the selected section, unchanged) as the content pane shows it.

    ``view`` holds its paragraph rows (None: no text to redline, see ``note``); ``index``
    is its place among the diff's changes and ``key`` the section to select to see it
    (``""``: the whole document, for a section that is gone).
    """

    title: str
    status: list[str]
    view: SectionView | None
    words_added: int = 0
    words_removed: int = 0
    similarity: float | None = None
    note: str = ""
    text: str = ""  # plain text shown under the note (an unchanged section)
    notes: list[str] = field(default_factory=list)  # where it moved from, a heading removed...
    index: int = -1
    key: str = ""


def segments_content(segments: Iterable[Segment], marks: bool = False) -> Content:
    """Redline segments as Content: styled, or with ``[-…-]``/``{+…+}`` marks when *marks*."""
    parts: list[tuple[str, str] | str] = []
    for kind, text in segments:
        text = clean(text)
        parts.append(change_mark(kind, text) if marks else (text, _STYLES[kind]) if _STYLES[kind] else text)
    return Content.assemble(*parts)


def piece_header(piece: DiffPiece) -> Content:
    """The title line of one section's diff: title, statuses, words added and removed, similarity."""
    parts: list[tuple[str, str] | str] = [(one_line(piece.title), "bold")]
    for status in piece.status:
        if status != "unchanged":
            parts += ["  ", (status, "reverse $warning")]
    if piece.words_added or piece.words_removed:
        parts += ["  ", (f"+{piece.words_added}", "$text-success"), " ",
                  (f"-{piece.words_removed}", "$text-error")]
    if piece.similarity is not None and piece.status and piece.status[0] not in ("unchanged", "added", "removed"):
        parts += [("  " + f"{piece.similarity * 100:.0f}% similar", "$text-muted")]
    return Content.assemble(*parts)


def _gap_block(gap: Gap, piece: DiffPiece, number: int) -> Block:
    return Block(Content.styled(f"  {gap.label}", GAP_STYLE), piece=number, gap=(piece.index, gap.start))


def _head_blocks(piece: DiffPiece, number: int, first: bool) -> list[Block]:
    """The header, the notes, and for a piece without text changes its note (one change, at the header)."""
    lines = [piece_header(piece)]
    lines += [Content.styled(f"  {one_line(note)}", NOTE_STYLE) for note in piece.notes]
    if piece.note:
        lines.append(Content.styled(piece.note, NOTE_STYLE))
    if piece.text:
        lines.append(Content(piece.text))
    no_text = piece.view is None or not piece.view.has_text
    is_change = no_text and piece.status != ["unchanged"]
    return [Block(Content("\n").join(lines), blank_before=not first, piece=number, change=is_change)]


def _expanded_for(piece: DiffPiece, expanded: Collection[tuple[int, int]]) -> set[int]:
    return {start for index, start in expanded if index == piece.index}


def inline_blocks(pieces: list[DiffPiece], context: int | None, expanded: Collection[tuple[int, int]] = (),
                  marks: bool = False) -> list[Block]:
    """The pieces as an inline redline: per piece its header and notes, then its rows with
    unchanged runs collapsed (a blank line between paragraphs, none between list items)."""
    blocks: list[Block] = []
    for number, piece in enumerate(pieces):
        blocks += _head_blocks(piece, number, not blocks)
        if piece.view is None or not piece.view.has_text:
            continue
        rows = piece.view.items(context, _expanded_for(piece, expanded))
        blocks += _piece_rows(rows, piece, number, partial(_row_block, marks=marks))
    return blocks


def _piece_rows(items: Iterable[Any], piece: DiffPiece, number: int,
                make: Callable[[Any, int, bool, bool], Block]) -> list[Block]:
    """One piece's rows and gaps as blocks: *make(row, number, starts_change, blank_before)* builds a row's
    block; a change starts where a changed row follows an unchanged one, and no blank line
    follows a gap marker."""
    blocks: list[Block] = []
    previous_changed = False
    after_gap = True
    for item in items:
        if isinstance(item, Gap):
            blocks.append(_gap_block(item, piece, number))
            previous_changed, after_gap = False, True
            continue
        blocks.append(make(item, number, item.changed and not previous_changed, item.blank_before and not after_gap))
        previous_changed, after_gap = item.changed, False
    return blocks


def _row_block(row: Row, number: int, starts_change: bool, blank_before: bool, marks: bool) -> Block:
    return Block(segments_content(row.inline(), marks), blank_before=blank_before, piece=number,
                 change=starts_change)


def side_blocks(pieces: list[DiffPiece], context: int | None, expanded: Collection[tuple[int, int]] = (),
                marks: bool = False, labels: tuple[str, str] = ("base", "version")) -> list[Block]:
    """The pieces side by side: a row of column titles (*labels*), then per piece its header
    and notes across both columns and its rows in two columns, base left, version right."""
    titles = Block(left=Content.styled(one_line(labels[0]), "bold $text-muted"),
                   right=Content.styled(one_line(labels[1]), "bold $text-muted"), two_columns=True)
    blocks: list[Block] = [titles]
    for number, piece in enumerate(pieces):
        blocks += _head_blocks(piece, number, False)
        if piece.view is None or not piece.view.has_text:
            continue
        rows = piece.view.side_items(context, _expanded_for(piece, expanded))
        blocks += _piece_rows(rows, piece, number, partial(_side_block, marks=marks))
    return blocks


def _side_block(row: SideRow, number: int, starts_change: bool, blank_before: bool, marks: bool) -> Block:
    left = segments_content(row.old, marks) if row.old is not None else None
    right = segments_content(row.new, marks) if row.new is not None else None
    return Block(left=left, right=right, two_columns=True, blank_before=blank_before, piece=number,
                 change=starts_change)
