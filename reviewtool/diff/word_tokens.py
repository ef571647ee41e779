"""Tokens of the word diff: words (the product's one word definition,
:data:`reviewtool.draft.document.WORD_PATTERN`: letters/digits with combining marks,
inner apostrophes and hyphens), single punctuation marks (Markdown markup characters
included) and whitespace runs; and the two cuts the matcher compares (units cut at single
spaces, then words and punctuation with the whitespace between them).
"""

from __future__ import annotations

import re

from reviewtool.draft.text_rules import WordRegex

#: Words, single punctuation marks and whitespace runs (``TOKEN(text)`` is the regex for *text*).
TOKEN = WordRegex(r"\s+|{word}|.", re.S)


def tokenize(text: str) -> list[str]:
    """Split *text* into words, single punctuation marks and whitespace runs.

    ``"".join(tokenize(text)) == text`` always holds.
    """
    return TOKEN(text).findall(text)


def space_units(text: str) -> list[str]:
    """*text* cut at single spaces (``str.split(" ")`` speed); no units if it is empty.

    Units may be empty (runs of spaces) or hold other whitespace (line breaks);
    changes found between such units are re-diffed by token, and a change of
    whitespace alone becomes ``equal`` (see :func:`reviewtool.diff.word_ops.normalise`).
    """
    return text.split(" ") if text else []


def token_parts(text: str) -> list[str]:
    """*text* as ``[G0, U0, G1, ..., U(n-1), Gn]``: words and single punctuation
    marks as units ``U``, whole whitespace runs (or nothing) as the gaps ``G``.

    One :func:`re.split` at C speed: a unit is what :data:`TOKEN` finds where no whitespace
    starts (a word, else one character), and what lies between two units is whitespace or
    nothing (``tests/test_fast_paths_word_diff.py`` compares it with the tokens regrouped)."""
    return _UNIT(text).split(text)


#: A unit of :func:`token_parts`: a word, else one character that is not whitespace.
_UNIT = WordRegex(r"({word}|\S)")
