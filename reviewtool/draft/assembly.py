"""Assembling a document's sections from its parsed chunks, each chunk's part read once.

:func:`reviewtool.draft.document.parse` needs, of a text's blocks, where its sections start
(front matter, preamble, headings, the items of an outline list), their words and plain
text. Versions of a draft share most chunks (:mod:`reviewtool.draft.chunks`), so what a
chunk gives is kept on it (:class:`ChunkFacts`: its blocks grouped between its headings,
each group's words and plain text summed, its line offsets), with lines and characters
counted from the chunk's start: a version then costs a step per chunk and per section,
and no block is moved to its line (:meth:`reviewtool.draft.blocks.Block.shifted`) or
looked at again, but for the lists that end a section's body (a possible outline).

:func:`walk_sections` gives each section's start as the parse of the whole text's blocks
would (``tests/test_assembly.py`` compares the two on every version of the RFC corpus and
on generated Markdown). What a version shares with the version read before it (the
sections of the chunks both start with, and of those both end with) is taken from that
version's walk (:class:`_Walk`), so a version that edits a paragraph walks a few chunks.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Callable
from itertools import accumulate
from operator import is_

from reviewtool.draft.blocks import Block, ListItem, SubPointFacts
from reviewtool.draft.chunks import read_chunks
from reviewtool.draft.outline_rules import outline_verdict
from reviewtool.records import record

_NEWLINE = re.compile(r"\r\n?|\n")


@record(frozen=True, slots=True)
class Segment:
    """A chunk's blocks between two of its headings (the heading excluded), with what a
    section takes of them: their prose words, all their words, their plain texts (the
    non-empty ones, a line each), and how many lists end them."""

    blocks: tuple[Block, ...]
    prose: int
    words: int
    plain: str
    trailing_lists: int


@record(frozen=True, slots=True)
class ChunkFacts:
    """What a section assembly reads of one chunk: the offset of each of its lines (and of
    the end of its last newline; none for a chunk of one paragraph, see :func:`chunk_facts`),
    the blocks before its first heading, each heading with the blocks after it."""

    offsets: list[int]
    lead: Segment
    heads: tuple[tuple[Block, Segment], ...]


#: One section as found: its first line, kind, level, title, the offsets (in the parsed
#: source) of its start and of its body, its sub-points (outline items; else None), and,
#: for a heading or the preamble, its prose words, words and plain text.
RawSection = tuple[int, str, int, str, int, int, "list[SubPointFacts] | None", int, int, str]


def _segment(blocks: list[Block]) -> Segment:
    if len(blocks) == 1:  # the common case (a paragraph's chunk), as _segment_of reads it
        block = blocks[0]
        return Segment((block,), block.prose_words, block.prose_words + block.other_words, block.plain,
                       1 if block.kind == "list" else 0)
    return _segment_of(blocks)


def _segment_of(blocks: list[Block]) -> Segment:
    trailing = 0
    while trailing < len(blocks) and blocks[-1 - trailing].kind == "list":
        trailing += 1
    return Segment(tuple(blocks), sum(b.prose_words for b in blocks),
                   sum(b.prose_words + b.other_words for b in blocks),
                   "\n".join(b.plain for b in blocks if b.plain), trailing)


#: The segment of no blocks (:func:`_segment_of` of none): shared, as a segment is never changed.
_NO_BLOCKS = Segment((), 0, 0, "", 0)


#: The offsets of a chunk of one paragraph: none (shared: offsets are never changed).
_NO_OFFSETS: list[int] = []


def chunk_facts(text: str, blocks: tuple[Block, ...]) -> ChunkFacts:
    """The :class:`ChunkFacts` of a chunk of *text* parsed into *blocks*. A chunk of one
    paragraph (most of them) has no offsets: nothing in it is placed (:meth:`_Walk.offset`
    reads the lines of headings and of list items only)."""
    if len(blocks) == 1 and blocks[0].kind == "paragraph":
        block = blocks[0]
        prose = block.prose_words
        return ChunkFacts(_NO_OFFSETS, Segment(blocks, prose, prose + block.other_words, block.plain, 0), ())
    if "\r" in text:
        offsets = [0, *(m.end() for m in _NEWLINE.finditer(text))]
    else:
        offsets = [0, *accumulate(map((1).__add__, map(len, text.split("\n"))))]
        offsets.pop()
    if len(blocks) == 1:  # the common case (a heading's chunk, a list's), as the loop reads it
        block = blocks[0]
        if block.kind == "heading":
            return ChunkFacts(offsets, _NO_BLOCKS, ((block, _NO_BLOCKS),))
        prose = block.prose_words
        segment = Segment(blocks, prose, prose + block.other_words, block.plain, 1 if block.kind == "list" else 0)
        return ChunkFacts(offsets, segment, ())
    lead: list[Block] = []
    heads: list[tuple[Block, list[Block]]] = []
    current = lead
    for block in blocks:
        if block.kind == "heading":
            current = []
            heads.append((block, current))
        else:
            current.append(block)
    return ChunkFacts(offsets, _segment(lead), tuple((h, _segment(after)) for h, after in heads))


class _Walk:
    """One walk over a text's chunks (:func:`walk_sections`): the sections found, and for each
    one where its heading is and where the heading that closed it is, as (chunk index,
    heading index in the chunk): ``(-1, 0)`` for the front matter and the preamble's own
    place, ``(len(found), 0)`` for the text's end; an outline item has its owner's."""

    __slots__ = (
        "after",
        "chars",
        "closed",
        "found",
        "front_matter_lines",
        "line_count",
        "lines",
        "owned",
        "raw",
        "same",
        "serial",
        "size",
        "texts",
    )

    def __init__(self, source: str, front_matter_lines: int, line_count: int) -> None:
        self.texts, self.lines, self.found = read_chunks(source)
        self.chars = list(accumulate(map(len, self.texts), initial=0))
        self.size = len(source)
        self.front_matter_lines = front_matter_lines
        self.line_count = line_count
        self.raw: list[RawSection] = []
        self.owned: list[tuple[int, int]] = []
        self.closed: list[tuple[int, int]] = []
        #: This walk's number, the number of the walk it took sections from (:meth:`resume`),
        #: and which: (first index here, count, first index there) per run of them.
        self.serial = next(_SERIALS)
        self.after: int | None = None
        self.same: list[tuple[int, int, int]] = []
        if front_matter_lines:
            self._add((0, "frontmatter", 0, "Front matter", 0, self._fm_offset(), None, 0, 0, ""), (-1, 0), (-1, 0))

    def _fm_offset(self) -> int:
        return self.front_matter_lines if self.front_matter_lines < self.line_count else self.size

    def _add(self, section: RawSection, owned: tuple[int, int], closed: tuple[int, int]) -> None:
        self.raw.append(section)
        self.owned.append(owned)
        self.closed.append(closed)

    def offset(self, index: int, line: int) -> int:
        """The offset of *line* of chunk *index* in the source (its end past the last line);
        the chunk's facts are known (the walk went over it)."""
        if self.lines[index] + line >= self.line_count:
            return self.size
        facts: ChunkFacts = self.found[index].facts[0]
        return self.chars[index] + facts.offsets[line]

    def walk(self, start: tuple[int, int] | None = None, stop: int | None = None,
             last: _Walk | None = None) -> None:
        """Walk the chunks from the text's start, or from heading *start* (its owner: the
        sections before it are known), up to the first heading in chunk *stop* or after it
        whose section *last* has (then the sections from there on are *last*'s, moved)."""
        found, texts, lines, offset = self.found, self.texts, self.lines, self.offset
        # The owner (a heading, or the preamble) whose body the walk is in, that body's segments
        # (those with blocks) with their chunks' indices, and their words and plain texts so far.
        owner: tuple[int, str, int, str, int, int] | None = None
        owned = (-1, 0)
        body: list[tuple[Segment, int]] = []
        prose = words = 0
        plains: list[str] = []
        first, skip = start if start is not None else (0, -1)
        stop = len(found) if stop is None else stop
        for index in range(first, len(found)):
            chunk = found[index]
            kept = chunk.facts
            if not kept:
                kept.append(chunk_facts(texts[index], chunk.blocks))
            chunk_fact = kept[0]
            heads = chunk_fact.heads
            number = 0
            if index == first and skip >= 0:
                heads = heads[skip:]  # the lead and the headings before belong to sections known
                number = skip
            else:
                lead = chunk_fact.lead
                if lead.blocks:
                    if owner is None:  # the text's first block, not a heading: the preamble's
                        fm_offset = self._fm_offset()
                        owner = (self.front_matter_lines, "preamble", 0, "Preamble", fm_offset, fm_offset)
                    body.append((lead, index))
                    prose += lead.prose
                    words += lead.words
                    if lead.plain:
                        plains.append(lead.plain)
            for heading, segment in heads:
                if index >= stop and last is not None:
                    at = bisect_left(last.owned, (index - len(found) + len(last.found), number))
                    if at < len(last.owned) and last.owned[at][1] == number \
                            and last.owned[at][0] == index - len(found) + len(last.found):
                        if owner is not None:
                            self._close(owner, owned, (index, number), body, (prose, words, "\n".join(plains)))
                        self._moved(last, at)
                        return
                if owner is not None:
                    self._close(owner, owned, (index, number), body, (prose, words, "\n".join(plains)))
                owner = (lines[index] + heading.line_start, "heading", heading.level, heading.title,
                         offset(index, heading.line_start), offset(index, heading.line_end))
                owned = (index, number)
                number += 1
                if segment.blocks:
                    body = [(segment, index)]
                    prose, words, plains = segment.prose, segment.words, [segment.plain] if segment.plain else []
                else:
                    body, prose, words, plains = [], 0, 0, []
        if owner is not None:
            self._close(owner, owned, (len(found), 0), body, (prose, words, "\n".join(plains)))

    def _close(self, owner: tuple[int, str, int, str, int, int], owned: tuple[int, int], closed: tuple[int, int],
               body: list[tuple[Segment, int]], counted: tuple[int, int, str]) -> None:
        raw = self.raw
        before = len(raw)
        _close(raw, owner, body, counted, self.lines, self.offset)
        added = len(raw) - before
        self.owned += [owned] * added
        self.closed += [closed] * added

    def _moved(self, last: _Walk, at: int) -> None:
        """*last*'s sections from its *at*-th on (those of the chunks both texts end with), moved
        to their places in this text."""
        lines = self.line_count - last.line_count
        chars = self.size - last.size
        chunks = len(self.found) - len(last.found)
        self.same.append((len(self.raw), len(last.raw) - at, at))
        if lines or chars:
            self.raw += [(line + lines, kind, level, title, start + chars, body + chars,
                          None if points is None else [(text, depth, row + lines) for text, depth, row in points],
                          prose, words, plain)
                         for line, kind, level, title, start, body, points, prose, words, plain in last.raw[at:]]
        else:
            self.raw += last.raw[at:]
        if chunks:
            self.owned += [(index + chunks, number) for index, number in last.owned[at:]]
            self.closed += [(index + chunks, number) for index, number in last.closed[at:]]
        else:
            self.owned += last.owned[at:]
            self.closed += last.closed[at:]

    def resume(self, last: _Walk) -> None:
        """Walk this text, taking from *last* (the walk of the text read before, with the same
        front matter lines) the sections of the chunks both texts start and end with."""
        found, before = self.found, last.found
        same = list(map(is_, found, before))
        shared = same.index(False) if False in same else len(same)
        # Sections closed by a heading in the chunks both start with are as they were.
        fm = 1 if self.front_matter_lines else 0
        kept = bisect_left(last.closed, (shared, 0), fm)
        self.after = last.serial
        if kept > fm:
            self.same.append((len(self.raw), kept - fm, fm))
            self.raw += last.raw[fm:kept]
            self.owned += last.owned[fm:kept]
            self.closed += last.closed[fm:kept]
        start = last.closed[kept - 1] if kept > fm else None
        # The chunks both end with (past those they start with).
        room = min(len(found), len(before)) - shared
        same = list(map(is_, reversed(found[len(found) - room:]), reversed(before[len(before) - room:])))
        ending = same.index(False) if False in same else len(same)
        self.walk(start, len(found) - ending if ending else None, last)


#: Numbers for the walks (:attr:`_Walk.serial`), so that what was made of a walk's sections is
#: known to be its without keeping the walk.
_SERIALS = itertools.count()

#: The walk of the text :func:`walk_sections` read last: the next text read is most often the
#: next version of the same draft, which shares most of its chunks, at its start and its end.
_LAST_WALK: _Walk | None = None


def clear_walk() -> None:
    """Forget the walk of the text read last (for benchmarks that measure a cold parse)."""
    global _LAST_WALK
    _LAST_WALK = None


#: What :func:`walk_sections` tells of the sections it took from the walk before: that walk's
#: number (None: it took none), this walk's, and the runs of sections taken, each as (first
#: index here, count, first index there). Each of them spans the very same source there.
Shared = tuple[int | None, int, list[tuple[int, int, int]]]


def walk_sections(source: str, front_matter_lines: int, line_count: int) -> tuple[list[RawSection], Shared]:
    """The sections of Markdown *source* (front matter blanked to its *front_matter_lines*
    empty lines), in order: see :data:`RawSection`. *line_count*: the source's lines as
    markdown-it counts them. And which sections it took from the walk of the text read
    before (:data:`Shared`), so the caller may reuse what it made of them
    (:func:`reviewtool.draft.document.parse`: their fingerprints).

    The sections the text shares with the text read before it (:data:`_LAST_WALK`, most
    often the previous version of the same draft) are that text's: those closed by a
    heading in the chunks both start with (the very same chunk objects) as they were, and
    those whose heading is in the chunks both end with moved by the difference of lines and
    of characters (a heading's section, its words and its outline depend only on the chunks
    from its heading's to the next heading, and its places count from the end then); a
    section taken spans the same source as the one it was taken from. The walk goes over
    the chunks between. ``tests/test_assembly.py`` compares this with the walk over every
    chunk."""
    global _LAST_WALK
    walk = _Walk(source, front_matter_lines, line_count)
    last = _LAST_WALK
    if last is not None and last.front_matter_lines == front_matter_lines:
        walk.resume(last)
    else:
        walk.walk()
    _LAST_WALK = walk
    return walk.raw, (walk.after, walk.serial, walk.same)


def _close(raw: list[RawSection], owner: tuple[int, str, int, str, int, int], body: list[tuple[Segment, int]],
           counted: tuple[int, int, str], lines: list[int], offset: Callable[[int, int], int]) -> None:
    """Add *owner* with the words of its *body* (*counted*: its prose words, words and plain
    text), then the outline items its body's trailing lists are cut into when they are an
    outline (:func:`reviewtool.draft.outline_rules.outline_verdict`): they are not the
    owner's words then."""
    kind, level = owner[1], owner[2]
    if not body or not body[-1][0].trailing_lists:
        raw.append((*owner, None, *counted))
        return
    # The lists that end the body (they may run over chunks), and the block before them.
    trailing: list[tuple[Block, int]] = []
    lead: tuple[Block, int] | None = None
    for segment, index in reversed(body):
        blocks = segment.blocks
        k = len(blocks) - segment.trailing_lists
        trailing[:0] = [(b, index) for b in blocks[k:]]
        if k:
            lead = (blocks[k - 1], index)
            break
    items = [(item, index) for block, index in trailing for item in block.items]
    if not items:
        raw.append((*owner, None, *counted))
        return
    paragraph = lead if lead is not None and lead[0].kind == "paragraph" else None
    attached = paragraph is not None and \
        paragraph[0].line_end + lines[paragraph[1]] >= trailing[0][0].line_start + lines[trailing[0][1]]
    whole_body = len(trailing) == sum(len(segment.blocks) for segment, _ in body) and kind == "heading"
    if outline_verdict([item for item, _ in items], [block.role for block, _ in trailing],
                       paragraph[0].plain if paragraph is not None else None, attached, whole_body=whole_body):
        raw.append((*owner, None, *counted))  # not an outline: the lists stay body text (see outline_rules)
        return
    kept = [b for segment, _ in body for b in segment.blocks][: -len(trailing)]
    raw.append((*owner, None, sum(b.prose_words for b in kept), sum(b.prose_words + b.other_words for b in kept),
                "\n".join(b.plain for b in kept if b.plain)))
    base_level = level if kind == "heading" else 0
    for item, index in items:
        raw.append(_outline_item(item, index, lines[index], base_level + 1, offset))


def _outline_item(item: ListItem, index: int, first_line: int, level: int,
                  offset: Callable[[int, int], int]) -> RawSection:
    return (first_line + item.line_start, "outline", level, " ".join(item.title.split()),
            offset(index, item.line_start), offset(index, item.line_start + 1),
            [(text, depth, line + first_line) for text, depth, line in item.subpoints], 0, 0, "")
