"""Paragraph rows of a word diff: the unit a reviewer reads, and how two sides line up.

A section's word diff (:class:`~reviewtool.diff.word_ops.WordDiff`) is one stream of
operations over the whole body. A reviewer reads it by paragraph: which paragraphs
changed, which stayed, which were added. :func:`paragraph_rows` cuts the stream into
:class:`Row` s, one per paragraph, each holding the operations inside it, so that

* the unchanged rows can be collapsed around the changes (:mod:`reviewtool.diff.hunks`);
* the old and the new side of a row sit next to each other in a side-by-side view
  (:func:`side_rows`), with a blank filler where one side has nothing.

What is a paragraph: the text between blank lines; besides, every list item and every
table row (a line starting with a list marker or ``|``) is one of its own, so a long
list with one changed item reads as that item, not as the whole list.

How the sides line up:

* a paragraph break inside unchanged text that both versions have ends the row on both
  sides;
* a break only one side has (inside a change, or where whitespace changed) ends the row
  when the other side has nothing more in it: an added or removed paragraph gets a row
  of its own, empty on the other side;
* otherwise the row goes on, holding two paragraphs on one side against one on the
  other (two paragraphs joined, or one cut in two).

Rows never lose text: joining the ``old`` texts of every row's operations, with the
separators between rows, rebuilds the old text's words, and likewise for the new one.
The rows of the last :data:`KEPT_ROWS` operation lists are kept (a book repeats whole
chapters, so many of its changes are the same operations); a row's ``changed``,
``has_old`` and ``has_new`` are worked out once.
The core of reviewtool: no Rich, no Textual.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import zip_longest
from typing import NamedTuple

from reviewtool.diff.word_ops import WordOp, inline_segments
from reviewtool.records import record

#: A paragraph break: blank lines, or the line break before a list item or a table row.
#: A row starts where the match ends (a list item keeps its indentation).
PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t]*\n)+|\n(?=[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]|\|))")
#: In plain text (markup stripped, one block per line) every line is a paragraph.
LINE_BREAK = re.compile(r"\n(?:[ \t]*\n)*")
_NON_WS = re.compile(r"\S")

#: One piece of displayed text: ``equal``, ``delete`` or ``insert``, and the text.
Segment = tuple[str, str]


@record(frozen=True)
class Row:
    """One paragraph of a word diff (see the module docstring).

    ``ops`` are the word-diff operations inside the row (texts include their
    whitespace; a change cut at a paragraph break is cut into a deletion and an
    insertion). ``blank_before`` says whether a blank line separates the row from the
    one before it (else a single line break: list items, table rows).
    """

    ops: tuple[WordOp, ...]
    blank_before: bool = True

    @functools.cached_property
    def changed(self) -> bool:
        """Whether any word of the row changed."""
        return any(op.op != "equal" for op in self.ops)

    @functools.cached_property
    def has_old(self) -> bool:
        """Whether the row has text on the old side."""
        return any(_NON_WS.search(op.old) for op in self.ops)

    @functools.cached_property
    def has_new(self) -> bool:
        """Whether the row has text on the new side."""
        return any(_NON_WS.search(op.new) for op in self.ops)

    @property
    def old_text(self) -> str:
        return "".join(op.old for op in self.ops).strip("\r\n")

    @property
    def new_text(self) -> str:
        return "".join(op.new for op in self.ops).strip("\r\n")

    def inline(self) -> list[Segment]:
        """The row as one redline: unchanged text, deletions, insertions (outer line breaks trimmed)."""
        return _trim(inline_segments(list(self.ops)))

    def old_side(self) -> list[Segment]:
        """The old side: unchanged text and deletions."""
        return _trim([("equal" if op.op == "equal" else "delete", op.old) for op in self.ops if op.old])

    def new_side(self) -> list[Segment]:
        """The new side: unchanged text and insertions."""
        return _trim([("equal" if op.op == "equal" else "insert", op.new) for op in self.ops if op.new])


def _trim(segments: list[Segment]) -> list[Segment]:
    """Drop the line breaks that open the first segment and the whitespace that ends the last."""
    out = [s for s in segments if s[1]]
    while out:
        kind, text = out[0]
        text = text.lstrip("\r\n")
        if text:
            out[0] = (kind, text)
            break
        out.pop(0)
    while out:
        kind, text = out[-1]
        text = text.rstrip()
        if text:
            out[-1] = (kind, text)
            break
        out.pop()
    return out


# ---------------------------------------------------------------- cutting the stream


class _Break(NamedTuple):
    """A paragraph break between fragments, on one side or both."""

    old: bool
    new: bool
    blank: bool


def _breaks(text: str, pattern: re.Pattern[str]) -> dict[int, bool]:
    """Offsets where a paragraph starts in *text* (after a break), mapped to "after a blank line"
    (always in plain text, where every line is a paragraph of its own)."""
    plain = pattern is LINE_BREAK
    return {m.end(): plain or m.group(0).count("\n") > 1 for m in pattern.finditer(text)}


def _within(offsets: list[int], start: int, size: int) -> list[int]:
    """The *offsets* (increasing) in ``(start, start + size]``, as offsets from *start*: two
    bisections and a slice, not a look at every break of the side (a long section has
    hundreds of breaks, and each operation of its diff looked at all of them)."""
    here = offsets[bisect_right(offsets, start):bisect_right(offsets, start + size)]
    return list(map(start.__rsub__, here)) if start else here


def _cut(text: str, start: int, breaks: dict[int, bool], offsets: list[int]) -> list[tuple[str, bool | None]]:
    """*text* (at offset *start* of its side) cut after each break inside it or at its end:
    ``[(piece, blank or None when no break follows)]``. *offsets*: those of *breaks*, in order."""
    cuts = _within(offsets, start, len(text))
    pieces: list[tuple[str, bool | None]] = []
    prev = 0
    for at in cuts:
        pieces.append((text[prev:at], breaks[start + at]))
        prev = at
    if prev < len(text) or not pieces:
        pieces.append((text[prev:], None))
    return pieces


def _non_ws(text: str) -> int:
    """How many non-whitespace characters *text* holds (at C speed)."""
    return len("".join(text.split()))


_CHUNK = re.compile(r"\S+")


def _cut_at(text: str, p: int) -> int:
    """Where to cut *text* so that *p* non-whitespace characters come before the cut: after
    the last line break of the whitespace there, else just before the next character."""
    i = 0
    if p > 0:
        n = 0
        i = len(text)
        for m in _CHUNK.finditer(text):
            size = m.end() - m.start()
            if n + size >= p:
                i = m.start() + (p - n)
                break
            n += size
    j = i
    while j < len(text) and text[j].isspace():
        j += 1
    newline = text.rfind("\n", i, j)
    return newline + 1 if newline >= 0 else j


def _equal_pieces(op: WordOp, oa: int, ob: int, old_breaks: dict[int, bool],
                  new_breaks: dict[int, bool], old_at: list[int], new_at: list[int]) -> list[WordOp | _Break]:
    """An unchanged operation cut at the breaks of either side, cut at the same word on both.
    *old_at*, *new_at*: the offsets of each side's breaks, in order."""
    old_here = _within(old_at, oa, len(op.old))
    new_here = _within(new_at, ob, len(op.new))
    if not old_here and not new_here:
        return [op]
    # Breaks by position in the (shared) non-whitespace text: p -> [old offset, new offset].
    # The same text on both sides (the usual case): positions are offsets, nothing to count.
    same = op.old == op.new
    at: dict[int, list[int | None]] = {}
    for side, here, text in ((0, old_here, op.old), (1, new_here, op.new)):
        prev_x = prev_p = 0
        for x in here:
            if same:
                p = x
            else:
                p = prev_p + _non_ws(text[prev_x:x])
                prev_x, prev_p = x, p
            at.setdefault(p, [None, None])[side] = x
    out: list[WordOp | _Break] = []
    po = pn = 0
    for p in sorted(at):
        xo, xn = at[p]
        if same:
            old_cut = new_cut = p
        else:
            old_cut = xo if xo is not None else max(po, _cut_at(op.old, p))
            new_cut = xn if xn is not None else max(pn, _cut_at(op.new, p))
        out.append(WordOp("equal", op.old[po:old_cut], op.new[pn:new_cut]))
        blank = new_breaks[ob + xn] if xn is not None else old_breaks[oa + xo]  # type: ignore[operator]
        out.append(_Break(xo is not None, xn is not None, blank))
        po, pn = old_cut, new_cut
    out.append(WordOp("equal", op.old[po:], op.new[pn:]))
    return out


def _change_pieces(op: WordOp, oa: int, ob: int, old_breaks: dict[int, bool],
                   new_breaks: dict[int, bool], old_at: list[int], new_at: list[int]) -> list[WordOp | _Break]:
    """A change cut at the breaks inside it. The k-th paragraph of its old text goes with
    the k-th of its new text (a rewrite keeps its order); each is followed by its break.
    Without a break inside, the change stays whole. *old_at*, *new_at* as for
    :func:`_equal_pieces`."""
    olds = _cut(op.old, oa, old_breaks, old_at) if op.old else []
    news = _cut(op.new, ob, new_breaks, new_at) if op.new else []
    if len(olds) <= 1 and len(news) <= 1 and all(b is None for _, b in (*olds, *news)):
        return [op]
    out: list[WordOp | _Break] = []
    for o, n in zip_longest(olds, news):
        # The whitespace before a break separates rows: it follows both pieces, so that a row
        # shows "[-old-]{+new+}" and text after a break the row goes on over stays apart.
        old_text, old_ws = _split_tail(o[0]) if o is not None and o[1] is not None else (o[0] if o else "", "")
        new_text, new_ws = _split_tail(n[0]) if n is not None and n[1] is not None else (n[0] if n else "", "")
        if old_text:
            out.append(_change_piece("delete", old_text, ""))
        if new_text:
            out.append(_change_piece("insert", "", new_text))
        if old_ws or new_ws:
            out.append(WordOp("equal", old_ws, new_ws))
        old_break = o is not None and o[1] is not None
        new_break = n is not None and n[1] is not None
        if old_break or new_break:
            blank = bool(n[1]) if new_break and n is not None else bool(o is not None and o[1])
            out.append(_Break(old_break, new_break, blank))
    return out


def _split_tail(text: str) -> tuple[str, str]:
    """*text* and the whitespace that ends it."""
    core = text.rstrip()
    return core, text[len(core):]


def _change_piece(kind: str, old: str, new: str) -> WordOp:
    if (old + new).strip():
        return WordOp(kind, old, new)
    return WordOp("equal", old, new)  # whitespace alone is never a change


def _stream(ops: Sequence[WordOp], pattern: re.Pattern[str]) -> list[WordOp | _Break]:
    old_breaks = _breaks("".join(op.old for op in ops), pattern)
    new_breaks = _breaks("".join(op.new for op in ops), pattern)
    # The breaks' offsets in order (a dict keeps the order they were found in, and each
    # match ends after the one before).
    old_at, new_at = list(old_breaks), list(new_breaks)
    out: list[WordOp | _Break] = []
    oa = ob = 0
    for op in ops:
        if op.op == "equal":
            out.extend(_equal_pieces(op, oa, ob, old_breaks, new_breaks, old_at, new_at))
        else:
            out.extend(_change_pieces(op, oa, ob, old_breaks, new_breaks, old_at, new_at))
        oa += len(op.old)
        ob += len(op.new)
    return out


#: Operation lists whose paragraph rows are kept (most recently used first).
KEPT_ROWS = 1024


def paragraph_rows(ops: Iterable[WordOp], plain: bool = False) -> list[Row]:
    """The word-diff operations *ops* cut into paragraph rows (see the module docstring).

    *plain*: the texts are plain text, one block per line (an outline bullet compared
    with the prose it became): every line is a paragraph.
    """
    return list(_kept_rows(tuple(ops), plain))


def clear_rows() -> None:
    """Forget the rows kept between calls (for benchmarks and memory)."""
    _kept_rows.cache_clear()


@functools.lru_cache(maxsize=KEPT_ROWS)
def _kept_rows(ops: tuple[WordOp, ...], plain: bool) -> tuple[Row, ...]:
    return tuple(plain_paragraph_rows(ops, plain))


def plain_paragraph_rows(ops: Iterable[WordOp], plain: bool = False) -> list[Row]:
    """:func:`paragraph_rows` cut afresh, without the rows kept."""
    stream = _stream(list(ops), LINE_BREAK if plain else PARAGRAPH_BREAK)
    # Whether each fragment shows text on the old (new) side, read once for both passes (at a
    # break: False): a text shows something when it is not all whitespace (``str.isspace``
    # and the pattern's ``\S`` read the same Unicode whitespace).
    is_break = [type(item) is _Break for item in stream]
    shows_old = [not brk and item.old != "" and not item.old.isspace()  # type: ignore[union-attr]
                 for brk, item in zip(is_break, stream)]
    shows_new = [not brk and item.new != "" and not item.new.isspace()  # type: ignore[union-attr]
                 for brk, item in zip(is_break, stream)]
    # For each break: does the old (new) side have text after it, before its next break?
    old_ahead = [False] * len(stream)
    new_ahead = [False] * len(stream)
    seen_old = seen_new = False
    for i in range(len(stream) - 1, -1, -1):
        if is_break[i]:
            item = stream[i]
            old_ahead[i], new_ahead[i] = seen_old, seen_new
            if item.old:
                seen_old = False
            if item.new:
                seen_new = False
        else:
            seen_old = seen_old or shows_old[i]
            seen_new = seen_new or shows_new[i]
    rows: list[Row] = []
    current: list[WordOp] = []
    has_old = has_new = False
    blank = False  # whether a blank line is among the breaks before the current row
    for i, item in enumerate(stream):
        if not is_break[i]:
            current.append(item)  # type: ignore[arg-type]  # not a break
            has_old = has_old or shows_old[i]
            has_new = has_new or shows_new[i]
            continue
        if item.old and item.new:
            close = True
        elif item.old:
            close = not has_new or not new_ahead[i]
        else:
            close = not has_old or not old_ahead[i]
        if not close:
            continue
        if has_old or has_new:
            rows.append(Row(tuple(current), blank and bool(rows)))
            blank = item.blank  # type: ignore[union-attr]  # a break
        else:
            blank = blank or item.blank  # type: ignore[union-attr]  # nothing shown yet: the break joins the separator
        current, has_old, has_new = [], False, False
    if has_old or has_new:
        rows.append(Row(tuple(current), blank and bool(rows)))
    return rows


# ---------------------------------------------------------------- side by side


@record(frozen=True)
class SideRow:
    """One line-up of a side-by-side view: the old and the new paragraph.

    ``old``/``new`` are ``None`` where that side has nothing (a blank filler);
    ``blank_before`` as in :class:`Row`.
    """

    old: tuple[Segment, ...] | None
    new: tuple[Segment, ...] | None
    changed: bool
    blank_before: bool = True


def side_rows(rows: Iterable[Row]) -> list[SideRow]:
    """*rows* for a side-by-side view: a row with both sides as it is; runs of one-sided
    changed rows (paragraphs removed, paragraphs added) paired up in order, the rest
    against a blank filler."""
    out: list[SideRow] = []
    olds: list[Row] = []
    news: list[Row] = []

    def flush() -> None:
        for o, n in zip_longest(olds, news):
            blank = (o.blank_before if o else False) or (n.blank_before if n else False)
            out.append(SideRow(tuple(o.old_side()) if o else None, tuple(n.new_side()) if n else None, True, blank))
        olds.clear()
        news.clear()

    for row in rows:
        if row.changed and row.has_old != row.has_new:
            (olds if row.has_old else news).append(row)
            continue
        flush()
        out.append(SideRow(tuple(row.old_side()), tuple(row.new_side()), row.changed, row.blank_before))
    flush()
    return out
