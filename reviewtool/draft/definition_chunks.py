"""The chunks that are link reference definitions, read without markdown-it: ``[label]: target``
lines, after at most one plain ATX heading line, with only empty lines between and after them.

A draft that links to its own sections gives each heading a definition of its title (the
RFC repository's README: ``## What the process is`` then ``[What the process is]:
#what-the-process-is``) and keeps its other targets in a block of definitions at its end;
each such chunk is parsed when the text is first read, to know the text's definitions before
its other chunks are parsed (:mod:`reviewtool.draft.chunks`), and again alone when the diff
reads the markup of a section body that holds one. markdown-it's parse of such a chunk costs
about 100 us (its line tables, every block rule tried on each line, the core rules), and it
yields a heading's block at most. :func:`definition_chunk` recognises these texts with a
regular expression and builds what markdown-it's parse gives: the heading's block (that of
:func:`reviewtool.draft.plain_chunks.plain_blocks`), and the definitions as markdown-it's
``reference`` rule enters them in the parse's env (the label normalised by its
``normalizeReference``, the target by its ``normalizeLink``, checked by its ``validateLink``,
no title, the line as the map), keeping the first definition of a label and treating those
of labels the chunk is given (defined before it in its text) as duplicates, as
:func:`reviewtool.draft.chunks._markdown_it_chunk` reads them; any other text gets None, and
the caller parses it with markdown-it.

What is taken, conservatively (anything else, however harmless, goes to markdown-it):

* first, maybe, one plain ATX heading line (no character that may start inline markup, as
  :mod:`reviewtool.draft.plain_chunks` takes it);
* then lines that are each empty (spaces and tabs) or a definition, at least one: at most
  three spaces, ``[``, a label of no bracket, backslash, newline, carriage return or NUL
  that is not only whitespace (markdown-it's label ends at the first ``]``, and refuses
  one that normalises to nothing), ``]:``, spaces or tabs, a target of printable ASCII
  without ``<``, ``>``, ``(``, ``)``, ``\\`` or ``&`` (markdown-it's destination then ends
  at the first space or control character, with no angle brackets, nesting, escapes or
  entities to read), then only spaces and tabs to the line's end: no title. A line after a
  definition is empty or another definition, neither of which markdown-it reads as the
  definition's title, so each definition spans its own line;
* no carriage return or NUL anywhere (markdown-it rewrites both before parsing).

Such a text's tokens are the heading's alone: its markup is none (the definitions are the
parse's env, not tokens: :meth:`reviewtool.draft.markup_features.Features.with_references`
adds a text's), it has no open end, and it holds no list (no ``head`` or ``tail``).

``tests/test_definition_chunks.py`` compares every chunk of every version of the RFC corpus
and generated text biased to the edge cases with markdown-it's parse of it, alone and with
definitions given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from reviewtool.draft.blocks import Block
from reviewtool.draft.link_rules import link_href, normalize_label
from reviewtool.draft.plain_chunks import plain_blocks

#: One definition line (groups: the label, the target: printable ASCII but ``&()<>\\``), or
#: an empty line; each ends at its newline (taken) or the text's end.
_LINE = re.compile(
    r" {0,3}\[([^\[\]\\\n\r\0]+)\]:[ \t]*+([!-%'*-;=?-\[\]-~]++)[ \t]*+(?:\n|\Z)"
    r"|[ \t]*+(?:\n|\Z)")

#: What :func:`definition_chunk` gives: the blocks, the chunk's own definitions (label ->
#: markdown-it's env entry) and those it is parsed with (label, target, title; sorted), as
#: :class:`reviewtool.draft.chunks._Chunk` keeps them.
DefinitionChunk = tuple[tuple[Block, ...], dict[str, Any], tuple[tuple[str, str, str], ...]]


def definition_chunk(text: str, given: Sequence[tuple[str, str, str]] | None = None) -> DefinitionChunk | None:
    """The definitions (and heading) *text* is (see the module docstring), as markdown-it's
    parse gives them when the definitions *given* (label, target, title; labels normalised)
    are defined before it in its text; None for any other text."""
    if "\r" in text or "\0" in text:
        return None
    blocks: tuple[Block, ...] = ()
    start = 0
    line = 0
    if text.startswith("#"):
        end = text.find("\n") + 1
        if not end:
            return None
        heading = plain_blocks(text[:end])
        if heading is None or heading[0].kind != "heading":
            return None
        blocks = heading
        start = end
        line = 1
    found: list[tuple[str, str, int]] = []  # (label, target, line) in text order
    match = _LINE.match
    size = len(text)
    while start < size:
        m = match(text, start)
        if m is None:
            return None
        label = m.group(1)
        if label is not None:
            found.append((label, m.group(2), line))
        start = m.end()
        line += 1
    if not found:
        return None
    entries = []
    for label, target, at in found:
        key = normalize_label(label)
        href = link_href(target)
        if not key or href is None:
            return None  # markdown-it reads no definition there: a paragraph
        entries.append((key, {"title": "", "href": href, "map": [at, at + 1]}))
    given_labels = {label for label, _, _ in given} if given else set()
    own: dict[str, Any] = {}
    duplicates = []
    for key, entry in entries:
        if key in given_labels or key in own:
            duplicates.append((key, entry))
        else:
            own[key] = entry
    seen = tuple(sorted([*(given or ()), *((key, entry["href"], "") for key, entry in own.items())]))
    for key, entry in duplicates:  # its own definitions of labels it was given (the first one)
        if key in given_labels and key not in own:
            own[key] = entry
    return blocks, own, seen
