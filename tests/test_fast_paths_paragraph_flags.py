"""Paragraph rows with each fragment's "shows text" read once, compared with the rows cut as before.

:func:`reviewtool.diff.paragraphs.plain_paragraph_rows` reads whether each fragment of the
stream shows text on either side once (``str.isspace``), for both of its passes; it searched
each fragment for a non-whitespace character (``\\S``) in each pass. The loop as it was is kept
here and compared on hypothesis operation lists (whitespace of every kind Unicode has, breaks
and list items), and the two tests of what a text shows on every code point.
"""

from __future__ import annotations

import re
import sys

from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import paragraphs
from reviewtool.diff.paragraphs import LINE_BREAK, PARAGRAPH_BREAK, Row, _Break, _stream
from reviewtool.diff.word_ops import WordOp

_NON_WS = re.compile(r"\S")


def _rows_as_before(ops: list[WordOp], plain: bool) -> list[Row]:
    stream = _stream(list(ops), LINE_BREAK if plain else PARAGRAPH_BREAK)
    old_ahead = [False] * len(stream)
    new_ahead = [False] * len(stream)
    seen_old = seen_new = False
    for i in range(len(stream) - 1, -1, -1):
        item = stream[i]
        if isinstance(item, _Break):
            old_ahead[i], new_ahead[i] = seen_old, seen_new
            if item.old:
                seen_old = False
            if item.new:
                seen_new = False
        else:
            seen_old = seen_old or bool(_NON_WS.search(item.old))
            seen_new = seen_new or bool(_NON_WS.search(item.new))
    rows: list[Row] = []
    current: list[WordOp] = []
    has_old = has_new = False
    blank = False
    for i, item in enumerate(stream):
        if not isinstance(item, _Break):
            current.append(item)
            has_old = has_old or bool(_NON_WS.search(item.old))
            has_new = has_new or bool(_NON_WS.search(item.new))
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
            blank = item.blank
        else:
            blank = blank or item.blank
        current, has_old, has_new = [], False, False
    if has_old or has_new:
        rows.append(Row(tuple(current), blank and bool(rows)))
    return rows


_PIECES = st.lists(st.sampled_from(["a", "word ", " ", "\n", "\n\n", "\n \n", "\t", "- ", "1. ", "| ", "\xa0", "\u2003",
                                    "\x1c", "\x85", "\u2028", "é", "."]), max_size=25).map("".join)
_OPS = st.lists(st.tuples(st.sampled_from(["equal", "insert", "delete", "replace"]), _PIECES, _PIECES), max_size=8)


@given(_OPS, st.booleans())
def test_rows_are_the_rows_cut_as_before(ops: list[tuple[str, str, str]], plain: bool):
    word_ops = [WordOp(kind, old if kind != "insert" else "", new if kind != "delete" else "")
                for kind, old, new in ops]
    assert paragraphs.plain_paragraph_rows(word_ops, plain) == _rows_as_before(word_ops, plain)


def test_what_shows_is_what_the_pattern_finds_on_every_code_point():
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        assert (not c.isspace()) == bool(_NON_WS.search(c)), hex(code)
