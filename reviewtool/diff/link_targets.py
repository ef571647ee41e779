"""Link destinations in Markdown source: text a reader never sees as words, so no word count counts it.

A link's target (``[text](https://example.org/a)``, ``![alt](img.png)``, a reference
definition ``[label]: https://example.org/a``) is markup: the rendered text shows the
link's words, not its URL, and the document's word counts (markdown-it's text tokens) never
count it. The word diff compares source, so it finds a changed target as changed tokens;
:func:`mask_link_targets` blanks the destinations out (same length, so offsets hold) for
counting, and a changed target reads as the markup change it is (``link target``), not as
words added and removed. An autolink (``<https://…>``) and a bare URL are shown as they are
written: they stay words. Core module: no Textual, no Rich.
"""

from __future__ import annotations

import re

# An inline link or image destination: after "](", up to the closing ")" (balanced
# parentheses one level deep, as in Wikipedia URLs), or in angle brackets. A run of plain
# characters is taken whole (``[^\s()]+``, not one character per repetition: the same
# match, several times faster on long URLs).
_INLINE = re.compile(r"\]\(\s*(<[^<>\n]*>|(?:[^\s()]+|\([^\s()]*\))+)")
# A reference definition: "[label]: destination" at the start of a line (up to 3 spaces in):
# at the text's start, and after a newline (a literal the regex engine finds at C speed, where
# a multiline "^" is tried at every character). A match holds no newline, so the one after
# it is there for the next.
_REFERENCE_LINE = r"[ ]{0,3}\[[^\]\n]+\]:[ \t]*(<[^<>\n]*>|\S+)"
_FIRST_REFERENCE = re.compile(_REFERENCE_LINE)
_NEXT_REFERENCE = re.compile("\n" + _REFERENCE_LINE)


def mask_link_targets(text: str) -> str:
    """*text* with every link destination replaced by spaces (the same length)."""
    # (Both marks start with "]": prose without one is answered by one scan, at memchr speed.)
    if "]" not in text or ("](" not in text and "]:" not in text):
        return text
    spans = [m.span(1) for m in _INLINE.finditer(text)]
    if "]:" in text:
        first = _FIRST_REFERENCE.match(text)
        if first is not None:
            spans.append(first.span(1))
        spans += [m.span(1) for m in _NEXT_REFERENCE.finditer(text)]
    if not spans:
        return text
    # The text between the destinations as it is, each destination (or overlap of two) as
    # spaces: joined slices, not a list of characters.
    pieces: list[str] = []
    at = 0
    for start, end in sorted(spans):
        if end <= at:
            continue  # inside the destination before (a reference line holding "](")
        if start > at:
            pieces.append(text[at:start])
        else:
            start = at
        pieces.append(" " * (end - start))
        at = end
    pieces.append(text[at:])
    return "".join(pieces)
