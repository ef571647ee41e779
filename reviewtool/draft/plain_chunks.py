"""The blocks of the commonest chunks, read without markdown-it: one plain paragraph, or one
plain ATX heading, followed only by empty lines.

markdown-it's cost per parse (building its line tables, running every block rule on the
first line, then the core rules) is about 24 us for a paragraph of 70 words and 50 us for
a one-line ``## Title``, and most chunks a text is cut into (:mod:`reviewtool.draft.chunks`)
are just that: a paragraph of prose, or a section's heading line. :func:`plain_blocks`
recognises those texts with regular expressions and builds the very block markdown-it's
tokens give (:func:`reviewtool.draft.blocks.blocks_of`); any other text gets None, and the
caller parses it with markdown-it.

What is taken, conservatively (anything else, however harmless, goes to markdown-it):

* no character that may start inline markup (:func:`reviewtool.draft.markdown.plain_of`:
  escapes and hard breaks with ``\\``, code, emphasis, strikethrough, links, link reference
  definitions, images, HTML, autolinks, entities), no ``|`` anywhere (the GFM table rule
  needs one in its header row), no carriage return and no NUL (markdown-it rewrites both
  before parsing); but a paragraph may hold brackets, with neither ``](`` (an inline link or
  image) nor ``]:`` (a link reference definition) anywhere: the text is parsed alone
  (:mod:`reviewtool.draft.chunks` gives a chunk that mentions a label its text defines the
  definition, and markdown-it parses it), so with no definition to refer to, a reference
  (full, collapsed or shortcut, of a link or an image) is its text, brackets included, as
  markdown-it's inline parse leaves it;
* a paragraph: lines in a row, each starting in column 0 with neither a space nor a tab
  (indented code, and the continuation lines whose indentation the inline rule skips) nor
  anything that can start a block or end a paragraph: ``#`` (a heading), ``>`` (a block
  quote), ``=`` and ``-`` (a setext underline, a rule, a bullet), ``+`` (a bullet), a number
  followed by ``.`` or ``)`` and a space, a tab or the line's end (an ordered item; any
  count of digits); ``*``, ``_``, backticks, ``~`` and ``<`` are excluded everywhere
  already (rules, bullets, fences, HTML blocks), and so is ``]:`` (definitions). Its plain text is markdown-it's
  inline content (the lines, trimmed with markdown-it's own ``mdTrim``) read as the inline
  fast path reads it (soft and hard breaks one newline, the spaces around it dropped);
* a heading: ``#`` to ``######`` in column 0 then a space, a tab or the line's end; its
  title is cut from the line exactly as markdown-it's ``heading`` rule cuts it (trailing
  spaces and tabs, then a closing run of ``#`` when a space or tab is before it), trimmed;
* then only empty lines (spaces and tabs);
* or empty lines only, no block (the first piece of a draft with front matter, whose lines
  the parse reads blanked: :func:`reviewtool.draft.document.parse`), as markdown-it gives none.

``tests/test_plain_chunks.py`` compares every chunk of every version of the RFC corpus and
generated text biased to the edge cases with markdown-it's parse of it.
"""

from __future__ import annotations

import re

from reviewtool.draft.blocks import Block
from reviewtool.draft.markdown import md_trim, plain_lines
from reviewtool.draft.text_rules import count_words

#: What a text taken holds nowhere (a class's body): what may start inline markup (as
#: :data:`reviewtool.draft.markdown._INLINE_SYNTAX`), a table's pipe, a carriage return, a NUL.
_NEVER = r"\\`~*_\[<&|\r\0"
#: What a paragraph taken holds nowhere: :data:`_NEVER` but brackets (see the module docstring).
_NEVER_IN_PARAGRAPH = _NEVER.replace("\\[", "")
#: One paragraph (group 1: its lines, each ending with its newline but maybe the last), then
#: empty lines. A line starts with no space or tab and nothing that starts a block (see the
#: module docstring), so it is neither empty nor indented. Possessive: a line is never tried
#: again shorter (it would fail at the same character).
_PARAGRAPH = re.compile(rf"((?:(?![ \t#>=+\-]|\d+[.)](?:[ \t\n]|\Z))[^\n{_NEVER_IN_PARAGRAPH}]++(?:\n|\Z))++)[ \t\n]*+")
#: What an empty line holds (markdown-it's: spaces and tabs), and the newlines between such lines.
_EMPTY = " \t\n"
#: One ATX heading line (group 1: its ``#`` run, group 2: the rest of the line), then empty lines.
_HEADING = re.compile(rf"(#{{1,6}})(?=[ \t\n]|\Z)([^\n{_NEVER}]*+)[ \t\n]*+")


def plain_blocks(text: str) -> tuple[Block, ...] | None:
    """The one block of *text* when it is one plain paragraph or one plain ATX heading followed
    only by empty lines (see the module docstring): the block markdown-it's parse gives, lines
    counted from the text's start; no block when it is empty lines only (spaces and tabs:
    the front matter's lines blanked for the parse); None for any other text."""
    if not text.strip(_EMPTY):
        return ()
    found = _PARAGRAPH.fullmatch(text)
    if found is not None and ("[" not in text or ("](" not in text and "]:" not in text)):
        end = found.end(1)  # the lines' end (its newline, or the text's end)
        count = text.count("\n", 0, end)
        if text[end - 1] == "\n":
            end -= 1
        else:
            count += 1
        plain = plain_lines(md_trim()(text[:end]))
        return (Block("paragraph", 0, count, count_words(plain), 0, plain),)
    found = _HEADING.fullmatch(text)
    if found is not None:
        hashes, rest = found.groups()
        # markdown-it's heading rule: trailing spaces and tabs off, then a closing run of
        # "#" when a space or a tab is before it (the run after the opening one is the rest).
        rest = rest.rstrip(" \t")
        closing = rest.rstrip("#")
        if closing and closing[-1] in " \t":
            rest = closing
        plain = md_trim()(rest)
        return (Block("heading", 0, 1, level=len(hashes), title=" ".join(plain.split()) or "(untitled)"),)
    return None
