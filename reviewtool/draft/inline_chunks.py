"""The chunks that are one paragraph or one ATX heading holding inline markup, their block
tokens built without markdown-it's block parser, followed only by empty lines.

A paragraph with a link, a reference, code or emphasis in it is not plain
(:mod:`reviewtool.draft.plain_chunks`), and one that uses a label its text defines is parsed
with that definition, never as plain. markdown-it's block parser reads it a line at a time,
trying each rule that may end a paragraph on every line after the first (its pure-Python
rules, each logging its entry) and, on the first, every rule including the setext heading's
own look ahead over all of them: most of the cost of parsing such a paragraph.
:func:`inline_tokens` recognises these texts with regular expressions and builds the very
block tokens markdown-it's block rule gives (the paragraph or heading, its map, level and
markup, its inline content); the caller runs markdown-it's own core rules after the block
rule on them (:func:`reviewtool.draft.markdown.parse_inline`), so the inline content is
parsed by markdown-it, whatever markup it holds. Any other text gets None, and the caller
parses it with markdown-it (or, when plain, reads it without: plain_chunks).

What is taken, conservatively (anything else, however harmless, goes to markdown-it):

* no tab, carriage return, NUL or ``|`` anywhere (tabs make columns, markdown-it rewrites
  the next two, a pipe may start a table);
* a heading: ``#`` to ``######`` in column 0 then a space or the line's end; its content
  cut from the line as markdown-it's ``heading`` rule cuts it (trailing spaces, then a
  closing run of ``#`` when a space is before it, then ``mdTrim``);
* a paragraph: lines in a row, the first in column 0, each starting (after its spaces) with
  nothing that may start a block or end a paragraph, as :mod:`reviewtool.draft.list_chunks`
  checks a line's content (a heading, a quote, a list, a rule, a setext underline, a fence,
  HTML, a definition, an ordered item; after the first line a ``[`` is taken, as a definition
  cannot interrupt a paragraph): so the first line starts a paragraph (no rule before it
  takes it: the reference rule needs a ``[`` first) and each next line continues it. Its
  inline content is its lines, trimmed with markdown-it's own ``mdTrim``;
* then only empty lines (spaces).

``tests/test_inline_chunks.py`` compares the tokens and every chunk of every version of the
RFC corpus and generated text biased to the edge cases with markdown-it's parse of it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reviewtool.draft.list_chunks import BLOCK_START, ends_paragraph, token_and_trim

if TYPE_CHECKING:
    from markdown_it.token import Token

#: An ATX heading line's opening run and what follows it (group 2: the rest of the line).
_HEADING = re.compile(r"(#{1,6})(?: ([^\n]*))?(?=\n|\Z)")


def inline_tokens(text: str) -> list[Token] | None:
    """markdown-it's block tokens of *text* when it is one paragraph or one ATX heading (see
    the module docstring), before the core rules that follow the block rule; None for any
    other text."""
    if not text or text[0] == " " or "\t" in text or "\r" in text or "\0" in text or "|" in text:
        return None
    lines = text.split("\n")
    if lines[-1].strip(" ") == "":
        lines.pop()  # the text's end (after its last newline), or spaces after it: no line
    end = len(lines)
    while end and not lines[end - 1].strip(" "):
        end -= 1  # the empty lines after the block
    if not end:
        return None
    Token, trim = token_and_trim()
    heading = _HEADING.match(lines[0]) if text[0] == "#" else None
    if heading is not None:
        if end > 1:
            return None
        hashes, rest = heading.group(1), heading.group(2) or ""
        # markdown-it's heading rule: trailing spaces off, then a closing run of "#" when a
        # space is before it (the run after the opening one is the rest).
        rest = rest.rstrip(" ")
        closing = rest.rstrip("#")
        if closing and closing[-1] == " ":
            rest = closing
        tag = f"h{len(hashes)}"
        return [Token("heading_open", tag, 1, map=[0, 1], level=0, markup=hashes, block=True),
                Token("inline", "", 0, map=[0, 1], level=1, content=trim(rest), block=True, children=[]),
                Token("heading_close", tag, -1, level=0, markup=hashes, block=True)]
    if not lines[0] or BLOCK_START.match(lines[0]):
        return None  # an empty first line, or one that may start another block
    for line in lines[1:end]:
        rest = line.lstrip(" ")
        if ends_paragraph(rest):
            return None  # an empty line inside, or a line that may end the paragraph
    return [Token("paragraph_open", "p", 1, map=[0, end], level=0, block=True),
            Token("inline", "", 0, map=[0, end], level=1, content=trim("\n".join(lines[:end])), block=True,
                  children=[]),
            Token("paragraph_close", "p", -1, level=0, block=True)]
