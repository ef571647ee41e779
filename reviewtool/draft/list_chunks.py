"""The chunks that are one simple tight bullet list, their block tokens built without
markdown-it's block parser: item lines of one indentation and bullet, each one paragraph
(its lines continued, not interrupted), followed only by empty lines.

A list is cut at its items (:mod:`reviewtool.draft.chunks`), so most parts of the steps of a
process or of a list of points are such lists, and each is parsed on its own. markdown-it's
block parser reads them a line at a time, trying each rule that may end a paragraph on every
continuation line (its pure-Python rules, each logging its entry), which is most of the
cost of such a parse; the inline content of the items is a small part. :func:`list_tokens`
recognises these texts with regular expressions and builds the very block tokens
markdown-it's block rule gives (the list, its items and their paragraphs, with their maps,
markers and inline content); the caller runs markdown-it's own core rules after the block
rule on them (:func:`reviewtool.draft.markdown.parse_inline`), so the inline content is
parsed by markdown-it, whatever markup it holds. Any other text gets None, and the caller
parses it with markdown-it.

What is taken, conservatively (anything else, however harmless, goes to markdown-it):

* no tab, carriage return, NUL or ``|`` anywhere (tabs make columns, markdown-it rewrites
  the next two, a pipe may start a table);
* the first line an item line: at most three spaces, a bullet (``-``, ``*`` or ``+``), one
  space, then its content (not empty); every item line after it with the same indentation and bullet;
* every other line before the last item's end a continuation line: spaces, then content;
* an item's and a continuation line's content starts with nothing that may start a block
  inside the item or end its paragraph: ``#`` (a heading), ``>`` (a quote), ``-``, ``+`` (a
  list, a rule, a setext underline), ``=`` (a setext underline), ``*`` then a space, or only
  ``*`` and spaces (a list, a rule), only ``_`` and spaces (a rule), three backticks or
  tildes (a fence), ``<`` (HTML), ``[`` (a definition: on an item line only, as a definition
  cannot interrupt the paragraph a continuation line continues) or a number then ``.`` or
  ``)`` and a space or the line's end (an ordered list), nor a space (an item's content would
  start further on);
  so each continuation line continues the paragraph of the item before it (indented as its
  content, more, or less: a lazy continuation), and each item line starts the next item of
  the same list;
* then only empty lines (spaces).

Such a text is one tight bullet list: item *i* spans from its line to the next item's (the
last one to the text's last line, empty lines included, as the list does), its paragraph
the lines up to its last content line, hidden (tight); the paragraph's inline content is its
lines with as many leading spaces as the content's column taken off each (the first from
after its bullet), trimmed with markdown-it's own ``mdTrim``.

``tests/test_list_chunks.py`` compares the tokens and every chunk of every version of the RFC
corpus, the parts its lists are cut into, and generated text biased to the edge cases with
markdown-it's parse of it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from reviewtool.draft.markdown import md_trim

if TYPE_CHECKING:
    from markdown_it.token import Token

#: A line that may start a block inside an item or end its paragraph (see the module
#: docstring), from its first character after the indentation (a paragraph's too:
#: :mod:`reviewtool.draft.inline_chunks`).
#: On a line that would continue a paragraph, a ``[`` (its only match starting with one)
#: does not end it: a link reference definition cannot interrupt a paragraph (markdown-it's
#: ``reference`` rule is no paragraph terminator), so such a line continues it, as a letter
#: does; on a block's first line it may start a definition.
BLOCK_START = re.compile(r"[ #>\-+=<\[]|```|~~~|\*(?: |[* ]*$)|_[_ ]*$|\d{1,9}[.)](?: |$)")


def ends_paragraph(rest: str) -> bool:
    """Whether a line that would continue a paragraph, *rest* (its indentation stripped), may
    end it instead: it is empty or may start a block (:data:`BLOCK_START`), except for a
    ``[``, since a link reference definition cannot interrupt a paragraph."""
    return not rest or (rest[0] != "[" and BLOCK_START.match(rest) is not None)


#: An item line: indentation, bullet, one space (content follows).
_ITEM = re.compile(r"( {0,3})([-*+]) ")


@functools.cache
def token_and_trim() -> tuple[type[Token], Callable[[str], str]]:
    """markdown-it's Token and its trim of inline content (imported when first needed)."""
    from markdown_it.token import Token

    return Token, md_trim()


def list_tokens(text: str) -> list[Token] | None:
    """markdown-it's block tokens of *text* when it is one simple tight bullet list (see the
    module docstring), before the core rules that follow the block rule; None for any other
    text."""
    first = _ITEM.match(text)
    if first is None or "\t" in text or "\r" in text or "\0" in text or "|" in text:
        return None
    indent, bullet = first.groups()
    lines = text.split("\n")
    if lines[-1].strip(" ") == "":
        lines.pop()  # the text's end (after its last newline), or spaces after it: no line
    count = len(lines)
    end = count
    while end and not lines[end - 1].strip(" "):
        end -= 1  # the empty lines after the list
    column = len(indent) + 2
    starts: list[int] = []
    contents: list[list[str]] = []
    for number in range(end):
        line = lines[number]
        item = _ITEM.match(line)
        if item is not None and item.group(1) == indent and item.group(2) == bullet:
            content = line[column:]
            if not content or BLOCK_START.match(content):
                return None  # an empty item, or one that starts with a block
            starts.append(number)
            contents.append([content])
            continue
        rest = line.lstrip(" ")
        if ends_paragraph(rest):
            return None  # an empty line inside, or a line that may end the paragraph
        spaces = len(line) - len(rest)
        contents[-1].append(line[min(spaces, column):])
    Token, trim = token_and_trim()
    tokens = [Token("bullet_list_open", "ul", 1, map=[0, count], level=0, markup=bullet, block=True)]
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else count
        last = starts[k + 1] if k + 1 < len(starts) else end
        tokens += [
            Token("list_item_open", "li", 1, map=[start, stop], level=1, markup=bullet, block=True),
            Token("paragraph_open", "p", 1, map=[start, last], level=2, block=True, hidden=True),
            Token("inline", "", 0, map=[start, last], level=3, content=trim("\n".join(contents[k])), block=True,
                  children=[]),
            Token("paragraph_close", "p", -1, level=2, block=True, hidden=True),
            Token("list_item_close", "li", -1, level=1, markup=bullet, block=True),
        ]
    tokens.append(Token("bullet_list_close", "ul", -1, level=0, markup=bullet, block=True))
    return tokens
