"""Commented passages in the text view: marked in the Markdown source, highlighted after layout.

Rich lays Markdown out without telling where a source character ends up, so the
passages a comment quotes are found the other way round: :func:`mark_source`
puts an invisible marker at the start and at the end of each passage in the
Markdown source, the source is laid out as usual (markers are zero cells wide,
so the wrapping is the one the reader gets without them), and
:func:`highlight_lines` removes the markers from the laid-out lines and styles
what lies between them. It also records which cells of which line each passage
covers, so that the pane can show the *current* passage (the one whose thread
the comments pane shows) and scroll to it, and a click can tell which passage
was clicked.

A marker is ``MARK``, ``OPEN`` or ``CLOSE``, and the passage's number in two
characters of Unicode's tag block (U+E0000–U+E007F): zero-width characters
that essays do not use (the only real use of tags, flag emoji, never has
``MARK`` = U+E0001, which is removed from the text before marking).
Markers never go into a line's block syntax (``# ``, ``- ``, ``> ``, ``1. ``):
a passage starting at a heading starts after its ``#``, so the heading stays a
heading.

Pure functions, safe in worker threads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.strip import Strip

from reviewtool.textsafe import clean

MARK = "\U000e0001"
OPEN = "\U000e0002"
CLOSE = "\U000e0003"
_DIGIT0 = 0xE0020
_BASE = 64
#: More passages than this in one view are not marked (two marker digits).
MAX_PASSAGES = _BASE * _BASE
_MARKER = re.compile("\U000e0001([\U000e0002\U000e0003])([\U000e0020-\U000e005f]{2})")
#: The block syntax at the start of a line, which a marker must not precede.
_BLOCK_PREFIX = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*(?:#{1,6}[ \t]+|[-*+][ \t]+|\d{1,9}[.)][ \t]+)?")


@dataclass(frozen=True)
class Passage:
    """A quoted passage on the shown version: its thread and its span in the version's text."""

    thread_id: str
    start: int
    end: int


def passages_in(placed: Iterable[tuple[object, object]], lo: int, hi: int) -> list[Passage]:
    """The found quote placements of ``(thread, placement)`` pairs within ``[lo, hi)``, in text order.

    Retracted threads are left out (their text is hidden); a passage that only
    overlaps the range is clipped to it.
    """
    out: list[Passage] = []
    for thread, placement in placed:
        if getattr(thread, "retracted", False) or getattr(placement, "scope", "") != "quote":
            continue
        start, end = getattr(placement, "start", None), getattr(placement, "end", None)
        if not getattr(placement, "found", False) or start is None or end is None:
            continue
        start, end = max(start, lo), min(end, hi)
        if start < end:
            out.append(Passage(str(getattr(thread, "id", "")), start, end))
    out.sort(key=lambda p: (p.start, -p.end, p.thread_id))
    return out[:MAX_PASSAGES]


def _marker(kind: str, index: int) -> str:
    return MARK + kind + chr(_DIGIT0 + index // _BASE) + chr(_DIGIT0 + index % _BASE)


def _outside_prefix(text: str, pos: int) -> int:
    """*pos* moved past the block syntax of its line when it falls inside it."""
    line_start = text.rfind("\n", 0, pos) + 1
    match = _BLOCK_PREFIX.match(text, line_start)
    end = match.end() if match else line_start
    return max(pos, end)


def _end_position(text: str, start: int, end: int) -> int:
    """Where a passage's end marker goes: before trailing blanks and before the next line's syntax."""
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    line_start = text.rfind("\n", 0, end) + 1
    match = _BLOCK_PREFIX.match(text, line_start)
    if match and line_start < end <= match.end() and line_start > start:
        end = line_start - 1
        while end > start and text[end - 1] in " \t\n":
            end -= 1
    return end


def mark_source(text: str, offset: int, passages: Sequence[Passage]) -> str:
    """*text* (the version's text from *offset* on), made safe with :func:`~reviewtool.textsafe.clean`,
    with the markers of *passages* inserted.

    Passage numbers are their indices in *passages*; passages outside *text* are skipped.
    The text between markers is cleaned piece by piece (cleaning shows hidden characters
    as ``<U+XXXX>``, which would show the markers too, and moves offsets).
    """
    text = text.replace(MARK, "")  # a stray one must never start a marker
    inserts: list[tuple[int, int, str]] = []
    for index, passage in enumerate(passages):
        start, end = passage.start - offset, passage.end - offset
        start, end = max(0, start), min(len(text), end)
        if start >= end:
            continue
        start = _outside_prefix(text, start)
        end = _end_position(text, start, end)
        if start >= end:
            continue
        # Closing markers sort before opening ones at the same position (adjacent passages).
        inserts.append((start, 1, _marker(OPEN, index)))
        inserts.append((end, 0, _marker(CLOSE, index)))
    if not inserts:
        return clean(text)
    inserts.sort(key=lambda item: (item[0], item[1]))
    parts: list[str] = []
    last = 0
    for pos, _, marker in inserts:
        parts.append(clean(text[last:pos]))
        parts.append(marker)
        last = pos
    parts.append(clean(text[last:]))
    return "".join(parts)


@dataclass
class Highlighted:
    """Laid-out lines with the passages styled, and where each passage is.

    ``spans[y]``: ``(first cell, end cell, passage)`` runs on line *y*; ``rows[p]``:
    the first and last line of passage *p*.
    """

    lines: list[Strip]
    spans: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    rows: dict[int, tuple[int, int]] = field(default_factory=dict)


def _decode(match: re.Match[str]) -> tuple[bool, int]:
    digits = match.group(2)
    return match.group(1) == OPEN, (ord(digits[0]) - _DIGIT0) * _BASE + ord(digits[1]) - _DIGIT0


def highlight_lines(lines: Sequence[Strip], style: RichStyle) -> Highlighted:
    """Remove the markers from *lines* and style the passages between them with *style*.

    A passage whose end marker never shows (it fell into Markdown syntax that is
    not displayed, such as a link target) ends with the line it started on.
    """
    out = Highlighted([])
    texts = ["".join(seg.text for seg in strip) for strip in lines]
    closed = {index for text in texts if MARK in text
              for opening, index in map(_decode, _MARKER.finditer(text)) if not opening}
    active: list[int] = []  # open passages, innermost last
    for y, strip in enumerate(lines):
        segments = list(strip)
        line_text = texts[y]
        if MARK not in line_text and not active:
            out.lines.append(strip)
            continue
        # Blanks before the first and after the last visible character (indentation, padding)
        # are not part of a passage.
        plain = _MARKER.sub(lambda m: "\0" * len(m.group()), line_text)
        visible_start = len(plain) - len(plain.lstrip(" \0"))
        visible_end = len(plain.rstrip(" \0"))
        new_segments: list[Segment] = []
        line_spans: list[tuple[int, int, int]] = []
        cell = 0
        run_start_cell = 0
        run_owner: int | None = None

        seg_start = 0  # index of the segment's first character in line_text
        for seg in segments:
            text, seg_style = seg.text, seg.style
            pieces: list[tuple[int, str, int | None]] = []  # (start in line_text, text, passage)
            pos = 0
            for match in _MARKER.finditer(text):
                if match.start() > pos:
                    pieces.append((seg_start + pos, text[pos:match.start()], active[-1] if active else None))
                opening, index = _decode(match)
                if opening:
                    active.append(index)
                elif index in active:
                    active.remove(index)
                pos = match.end()
            if pos < len(text):
                pieces.append((seg_start + pos, text[pos:], active[-1] if active else None))
            seg_start += len(text)
            for at, piece, owner in pieces:
                lo = max(0, min(len(piece), visible_start - at))
                hi = max(lo, min(len(piece), visible_end - at))
                for chunk, chunk_owner in ((piece[:lo], None), (piece[lo:hi], owner), (piece[hi:], None)):
                    if not chunk:
                        continue
                    if chunk_owner != run_owner:
                        _close_run(line_spans, run_owner, run_start_cell, cell)
                        run_owner, run_start_cell = chunk_owner, cell
                    if chunk_owner is not None:
                        meta = RichStyle.from_meta({"passage": chunk_owner})
                        new_segments.append(Segment(chunk, (seg_style or RichStyle()) + style + meta))
                    else:
                        new_segments.append(Segment(chunk, seg_style))
                    cell += cell_len(chunk)
        _close_run(line_spans, run_owner, run_start_cell, cell)
        # An end marker that never appears: the passage ends with its first line.
        active = [index for index in active if index in closed]
        width = strip.cell_length
        out.lines.append(Strip(new_segments).adjust_cell_length(width))
        if line_spans:
            out.spans[y] = line_spans
            for _, _, index in line_spans:
                first, _last = out.rows.get(index, (y, y))
                out.rows[index] = (first, y)
    return out


def _close_run(spans: list[tuple[int, int, int]], owner: int | None, start: int, end: int) -> None:
    if owner is not None and end > start:
        spans.append((start, end, owner))


def overlay(strip: Strip, spans: Iterable[tuple[int, int, int]], passage: int, style: RichStyle) -> Strip:
    """*strip* with *style* laid over the cells of *passage* (the current one)."""
    return style_cells(strip, [(x0, x1) for x0, x1, index in spans if index == passage], style)


def style_cells(strip: Strip, ranges: Iterable[tuple[int, int]], style: RichStyle) -> Strip:
    """*strip* with *style* laid over the cells of each ``(first, end)`` range (sorted, disjoint)."""
    parts: list[Strip] = []
    cursor = 0
    for x0, x1 in ranges:
        if x1 <= cursor:
            continue
        x0 = max(x0, cursor)
        if x0 > cursor:
            parts.append(strip.crop(cursor, x0))
        parts.append(Strip([Segment(seg.text, (seg.style or RichStyle()) + style, seg.control)
                            for seg in strip.crop(x0, x1)]))
        cursor = x1
    if not parts:
        return strip
    parts.append(strip.crop(cursor, strip.cell_length))
    return Strip.join(parts)


def find_in_lines(lines: Sequence[Strip], query: str,
                  style: RichStyle) -> tuple[list[Strip], list[tuple[int, int, int]]]:
    """*lines* with every case-insensitive occurrence of *query* styled, and where each starts
    (``(line, first cell, end cell)`` of its first part, in order). Lines are read as one text
    (a wrapped line continues the one above after a space), so an occurrence broken over two
    lines is found, and styled on both."""
    words = query.split()
    if not words:
        return list(lines), []
    needle = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
    texts = ["".join(seg.text for seg in strip) for strip in lines]
    # One text: each line's visible part, joined by a space; starts[y] = where line y begins in it.
    parts: list[str] = []
    starts: list[int] = []
    leads: list[int] = []
    pos = 0
    for text in texts:
        visible = text.rstrip()
        lead = len(visible) - len(visible.lstrip())
        starts.append(pos)
        leads.append(lead)
        parts.append(visible[lead:])
        pos += len(visible) - lead + 1
    joined = " ".join(parts)
    ranges: dict[int, list[tuple[int, int]]] = {}
    hits: list[tuple[int, int, int]] = []
    y = 0
    for match in needle.finditer(joined):
        while y + 1 < len(starts) and starts[y + 1] <= match.start():
            y += 1
        first = True
        line = y
        lo = match.start()
        while line < len(starts) and lo < match.end():
            line_end = starts[line] + len(parts[line])
            hi = min(match.end(), line_end)
            if hi > lo:
                text = texts[line]
                a = leads[line] + lo - starts[line]
                b = leads[line] + hi - starts[line]
                x0, x1 = cell_len(text[:a]), cell_len(text[:b])
                ranges.setdefault(line, []).append((x0, x1))
                if first:
                    hits.append((line, x0, x1))
                    first = False
            line += 1
            lo = starts[line] if line < len(starts) else match.end()
    out = [style_cells(strip, ranges[y], style) if y in ranges else strip for y, strip in enumerate(lines)]
    return out, hits
