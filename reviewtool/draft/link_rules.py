"""markdown-it's rules for link labels and link destinations, without importing markdown-it
for the common ones.

Importing any part of markdown-it imports all of it (about 20 ms): its package imports its
parser. A diff of two stored versions may parse nothing, yet read a definition's label
or target (:mod:`reviewtool.draft.definition_chunks`, :mod:`reviewtool.draft.chunks`'
definitions guessed before a parse, :mod:`reviewtool.draft.link_chunks`) or a link's
target (:mod:`reviewtool.draft.simple_features`). So:

* :func:`normalize_label` is markdown-it's ``normalizeReference`` (trim and collapse the
  CommonMark whitespace, then lower and upper case), written out: its two steps over the
  same set of characters;
* :func:`link_href` is markdown-it's ``normalizeLink`` then ``validateLink``: a
  destination that :data:`PLAIN_DESTINATION` matches whole is kept as it is and valid
  (markdown-it's ``normalizeLink`` leaves such a one unchanged, and no scheme
  ``validateLink`` refuses can be in it: no colon but after ``http`` or ``https``); any
  other is given to markdown-it.

``tests/test_link_rules.py`` compares both with markdown-it's own functions, on generated
text and URLs and on every label and target of the RFC corpus.
Core module: no Textual, no Rich.
"""

from __future__ import annotations

import functools
import re

#: The whitespace markdown-it trims from a label and collapses inside it (its
#: ``MD_TRIM_CHARS``, CommonMark's Unicode whitespace).
WHITESPACE = "\t\n\x0b\x0c\r \xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_WHITESPACE_RUN = re.compile(f"[{re.escape(WHITESPACE)}]+")
#: A link destination that markdown-it keeps as it is and accepts: an optional ``http://``
#: or ``https://``, then letters, digits, the URL punctuation its encoding keeps and no
#: ``@`` nor ``:`` (its URL parser reads an address or a port there), and ``%`` before two
#: hex digits only.
PLAIN_DESTINATION = re.compile(r"(?:https?://)?(?:[A-Za-z0-9\-._~/#?=+!$',;*]|%[0-9A-Fa-f]{2})+")


def normalize_label(label: str) -> str:
    """*label* as markdown-it keys a reference by it (its ``normalizeReference``)."""
    return _WHITESPACE_RUN.sub(" ", label.strip(WHITESPACE)).lower().upper()


@functools.lru_cache(maxsize=4096)
def link_href(target: str) -> str | None:
    """*target* as markdown-it keeps a link's or definition's destination (its
    ``normalizeLink``); None when its ``validateLink`` refuses it."""
    if PLAIN_DESTINATION.fullmatch(target):
        return target
    from markdown_it.common.normalize_url import normalizeLink, validateLink

    href = normalizeLink(target)
    return href if validateLink(href) else None
