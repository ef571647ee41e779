"""Assembling a document's sections from its parsed chunks, each chunk's part read once.

:func:`reviewtool.draft.document.parse` needs, of a text's blocks, where its sections start
(front matter, preamble, headings, the items of an outline list), their words and plain
text. Versions of a draft share most chunks (:mod:`reviewtool.draft.chunks`), so what a
chunk gives is kept on it (:class:`ChunkFacts`: its blocks grouped between its headings,
each group's words and plain text summed, its line offsets), with lines and characters
counted from the chunk's start: a version then costs a step per chunk and per section,
and no block is moved to its line (:meth:`reviewtool.draft.blocks.Block.shifted`) or
looked at again, but for the lists that end a section's body (a possible outline).

:func:`raw_sections` gives each section's start as the parse of the whole text's blocks
would (``tests/test_assembly.py`` compares the two on every version of the RFC corpus and
on generated Markdown).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from reviewtool.draft.blocks import Block, ListItem, SubPointFacts
from reviewtool.draft.chunks import read_chunks
from reviewtool.draft.outline_rules import outline_verdict

_NEWLINE = re.compile(r"\r\n?|\n")


@dataclass(frozen=True, slots=True)
class Segment:
    """A chunk's blocks between two of its headings (the heading excluded), with what a
    section takes of them: their prose words, all their words, their plain texts (the
    non-empty ones, a line each), and how many lists end them."""

    blocks: tuple[Block, ...]
    prose: int
    words: int
    plain: str
    trailing_lists: int


@dataclass(frozen=True, slots=True)
class ChunkFacts:
    """What a section assembly reads of one chunk: the offset of each of its lines (and of
    the end of its last newline), the blocks before its first heading, each heading with the
    blocks after it."""

    offsets: list[int]
    lead: Segment
    heads: tuple[tuple[Block, Segment], ...]


#: One section as found: its first line, kind, level, title, the offsets (in the parsed
#: source) of its start and of its body, its sub-points (outline items; else None), and,
#: for a heading or the preamble, its prose words, words and plain text.
RawSection = tuple[int, str, int, str, int, int, "list[SubPointFacts] | None", int, int, str]


def _segment(blocks: list[Block]) -> Segment:
    trailing = 0
    while trailing < len(blocks) and blocks[-1 - trailing].kind == "list":
        trailing += 1
    return Segment(tuple(blocks), sum(b.prose_words for b in blocks),
                   sum(b.prose_words + b.other_words for b in blocks),
                   "\n".join(b.plain for b in blocks if b.plain), trailing)


def chunk_facts(text: str, blocks: tuple[Block, ...]) -> ChunkFacts:
    """The :class:`ChunkFacts` of a chunk of *text* parsed into *blocks*."""
    if "\r" in text:
        offsets = [0, *(m.end() for m in _NEWLINE.finditer(text))]
    else:
        offsets = [0, *accumulate(map((1).__add__, map(len, text.split("\n"))))]
        offsets.pop()
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


def raw_sections(source: str, front_matter_lines: int, line_count: int) -> list[RawSection]:
    """The sections of Markdown *source* (front matter blanked to its *front_matter_lines*
    empty lines), in order: see :data:`RawSection`. *line_count*: the source's lines as
    markdown-it counts them."""
    texts, lines, found = read_chunks(source)
    chars = list(accumulate(map(len, texts), initial=0))
    facts: list[ChunkFacts] = []  # filled by the walk below, as far as it went
    size = len(source)

    def offset(index: int, line: int) -> int:
        """The offset of *line* of chunk *index* in *source* (its end past the last line)."""
        if lines[index] + line >= line_count:
            return size
        return chars[index] + facts[index].offsets[line]

    raw: list[RawSection] = []
    fm_offset = front_matter_lines if front_matter_lines < line_count else size
    if front_matter_lines:
        raw.append((0, "frontmatter", 0, "Front matter", 0, fm_offset, None, 0, 0, ""))
    # The owner (a heading, or the preamble) whose body the walk is in, that body's segments
    # (those with blocks) with their chunks' indices, and their words and plain texts so far.
    owner: tuple[int, str, int, str, int, int] | None = None
    body: list[tuple[Segment, int]] = []
    prose = words = 0
    plains: list[str] = []
    for index, chunk in enumerate(found):
        kept = chunk.facts
        if not kept:
            kept.append(chunk_facts(texts[index], chunk.blocks))
        chunk_fact = kept[0]
        facts.append(chunk_fact)
        lead = chunk_fact.lead
        if lead.blocks:
            if owner is None:  # the text's first block, not a heading: the preamble's
                owner = (front_matter_lines, "preamble", 0, "Preamble", fm_offset, fm_offset)
            body.append((lead, index))
            prose += lead.prose
            words += lead.words
            if lead.plain:
                plains.append(lead.plain)
        for heading, segment in chunk_fact.heads:
            if owner is not None:
                _close(raw, owner, body, (prose, words, "\n".join(plains)), lines, offset)
            owner = (lines[index] + heading.line_start, "heading", heading.level, heading.title,
                     offset(index, heading.line_start), offset(index, heading.line_end))
            if segment.blocks:
                body = [(segment, index)]
                prose, words, plains = segment.prose, segment.words, [segment.plain] if segment.plain else []
            else:
                body, prose, words, plains = [], 0, 0, []
    if owner is not None:
        _close(raw, owner, body, (prose, words, "\n".join(plains)), lines, offset)
    return raw


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
