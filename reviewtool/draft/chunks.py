"""Parse each distinct chunk once per run: the blocks of a text, cut at its headings and
between its paragraphs.

Parsing (markdown-it, in pure Python) is most of the cost of reading a history, and
versions of a draft share most of their text: in the RFC corpus only 8% (an essay, 186
versions) to 21% (a README, 132 versions) of the bytes of heading chunks are distinct
across all versions, and 3.7% to 19% of the bytes of chunks cut between paragraphs too.
So :func:`read_blocks` cuts the text before every line that starts with an ATX heading
(``#`` to ``######`` then a space, a tab or the end of the line, in column 0) and before
every line that starts with a letter after an empty line, parses each chunk alone and
keeps its blocks (:class:`reviewtool.draft.blocks.Block`, lines counted from the chunk's
start) in a cache keyed by the chunk's text, shared by every document of the process: an
edit of one paragraph parses that paragraph again, not its section.

The result equals parsing the whole text at once, because a chunk boundary is kept only
where the whole parse starts afresh:

* a column-0 ATX heading closes every open paragraph, list, block quote, table and
  reference definition (it is among their terminators in markdown-it), so those never
  reach into the next chunk;
* after an empty line, a line starting with a letter in column 0 continues no block: an
  empty line ends paragraphs, tables and HTML blocks of the kinds that end there, and
  nothing is continued lazily after it; a list item or a block quote goes on after one
  only on an indented line, a ``>`` or another list marker, never on a letter; indented
  code needs indentation. Fences and the HTML blocks that run past empty lines are
  handled as for headings (below);
* a fenced code block or an HTML block that runs to the end of its chunk could swallow the
  heading line: the chunk is then joined with the next one and parsed again (a fence is
  open when its token spans more lines than its content plus the two fence lines; an
  HTML block that reaches the end is treated as open, whatever its type);
* link reference definitions are global: when any chunk defines one, a chunk that
  mentions a defined label is parsed with those definitions of the text (the first
  definition of a label wins, in document order), and cached under those labels;
* texts with a carriage return are parsed whole (markdown-it normalises line ends first).

``tests/test_chunks.py`` checks the equality on every version of the real RFC corpus and
on generated Markdown (fences, HTML, lists, quotes, tables, references at chunk edges).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reviewtool.draft.blocks import Block, blocks_of
from reviewtool.draft.markdown import markdown
from reviewtool.lru import LRU

if TYPE_CHECKING:
    from markdown_it.token import Token

#: Where a chunk may start: before an ATX heading in column 0, and before a line starting with
#: a letter after an empty line (found after a newline: a literal start, which the regex engine
#: finds at C speed; the first chunk starts at 0 anyway).
_CHUNK_START = re.compile(r"\n(?=#{1,6}(?:[ \t\n]|$))|\n\n(?=[A-Za-z])")
#: Distinct chunks kept per process (a 10,000-word essay has about 200).
CHUNK_CACHE_SIZE = 16384
#: Chunks longer than this are parsed but not kept (one huge chunk would crowd the cache).
_MAX_CACHED_CHUNK = 1_000_000


@dataclass(frozen=True, slots=True)
class _Chunk:
    """One chunk parsed alone: its blocks (lines from its start), the link reference
    definitions it was parsed with (label -> markdown-it's entry: its own, or those of the
    whole text that it mentions), and whether it ends inside a fence or HTML block that
    could swallow the next chunk's heading."""

    blocks: tuple[Block, ...]
    references: dict[str, Any]
    open_end: bool
    #: The labels of :attr:`references`, sorted.
    labels: tuple[str, ...]
    #: The blocks moved to a first line (a chunk sits at a few lines across versions).
    _at: dict[int, tuple[Block, ...]] = field(default_factory=dict, compare=False)
    #: The labels of a text's reference definitions -> those this chunk's text mentions.
    _mentions: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict, compare=False)

    def at(self, line: int) -> tuple[Block, ...]:
        """The blocks with their lines counted from the text's start, the chunk starting at *line*."""
        found = self._at.get(line)
        if found is None:
            if len(self._at) >= 8:
                self._at.clear()
            found = self._at[line] = tuple(b.shifted(line) for b in self.blocks)
        return found


#: (chunk text, None) -> the chunk parsed alone; (chunk text, labels) -> parsed with those
#: reference definitions of the whole text.
_CHUNKS: LRU[tuple[str, tuple[str, ...] | None], _Chunk] = LRU(CHUNK_CACHE_SIZE)


def clear_chunk_cache() -> None:
    """Forget the parsed chunks (for benchmarks that measure a cold parse)."""
    _CHUNKS.clear()


def read_blocks(source: str) -> list[Block]:
    """The blocks of Markdown *source*, equal to those of one parse of the whole text."""
    if "\r" in source:
        return list(_parse_chunk(source, None).blocks)
    chunks = _join_open_ends(_cut(source))
    references: dict[str, Any] = {}
    for _, _, chunk in chunks:
        if chunk.references:
            for label, ref in chunk.references.items():
                references.setdefault(label, ref)
    blocks: list[Block] = []
    if not references:
        for _, line, chunk in chunks:
            blocks.extend(chunk.at(line))
        return blocks
    labels = tuple(sorted(references))
    for text, line, chunk in chunks:
        blocks.extend(_with_references(text, chunk, references, labels).at(line))
    return blocks


def _with_references(text: str, chunk: _Chunk, references: dict[str, Any], labels: tuple[str, ...]) -> _Chunk:
    """*chunk* as parsed with the text's *references* (*labels*: their labels, sorted): only
    the labels its text mentions can change it (a label is normalised as markdown-it does,
    and so is the chunk's text, so a label used in the chunk is always found in it), so it
    is cached under those."""
    mentioned = chunk._mentions.get(labels)
    if mentioned is None:
        from markdown_it.common.utils import normalizeReference

        normalised = normalizeReference(text)
        if len(chunk._mentions) >= 8:
            chunk._mentions.clear()
        mentioned = chunk._mentions[labels] = tuple(label for label in labels if label in normalised)
    if mentioned == chunk.labels:
        return chunk
    return _chunk(text, {label: references[label] for label in mentioned})


def _cut(source: str) -> list[tuple[str, int]]:
    """*source* cut where a chunk may start (:data:`_CHUNK_START`): ``(chunk text, its first line)``."""
    starts = [0, *(m.end() for m in _CHUNK_START.finditer(source))]
    pieces: list[tuple[str, int]] = []
    line = 0
    starts.append(len(source))
    for k in range(len(starts) - 1):
        text = source[starts[k] : starts[k + 1]]
        pieces.append((text, line))
        line += text.count("\n")
    return pieces


def _join_open_ends(pieces: list[tuple[str, int]]) -> list[tuple[str, int, _Chunk]]:
    """Parse each piece (from the cache when seen before), joining a piece whose end is open
    with the next one until the joined chunk ends closed (or the text ends)."""
    result: list[tuple[str, int, _Chunk]] = []
    k = 0
    while k < len(pieces):
        text, line = pieces[k]
        chunk = _chunk(text, None)
        while chunk.open_end and k + 1 < len(pieces):
            k += 1
            text += pieces[k][0]
            chunk = _chunk(text, None)
        result.append((text, line, chunk))
        k += 1
    return result


def _chunk(text: str, references: dict[str, Any] | None) -> _Chunk:
    key = (text, None if references is None else tuple(sorted(references)))
    found = _CHUNKS.get(key)
    if found is None:
        found = _parse_chunk(text, references)
        if len(text) <= _MAX_CACHED_CHUNK:
            _CHUNKS.put(key, found)
    return found


def _parse_chunk(text: str, references: dict[str, Any] | None) -> _Chunk:
    """Parse *text* alone; with *references*, as if they were defined elsewhere in the text."""
    env: dict[str, Any] = {"references": dict(references)} if references is not None else {}
    tokens = markdown().parse(text, env)
    own = references if references is not None else env.get("references", {})
    return _Chunk(tuple(blocks_of(tokens)), own, _open_end(tokens, _line_count(text)), tuple(sorted(own)))


def _line_count(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def _open_end(tokens: list[Token], lines: int) -> bool:
    """Whether the last top-level block is a fence or HTML block running to the chunk's end
    that the next line could continue (see the module docstring)."""
    for tok in reversed(tokens):
        if tok.level != 0 or tok.map is None:
            continue
        if tok.map[1] < lines:
            return False
        if tok.type == "fence":
            closed = tok.map[1] - tok.map[0] == tok.content.count("\n") + 2
            return not closed
        return tok.type == "html_block"
    return False
