"""What is an outline: the one rule that decides which lists are outline bullets.

A draft often starts as an outline: a heading whose body is a list of short working
titles, each with a few notes, which later become prose. The parser
(:mod:`reviewtool.draft.document`) cuts such a list into one ``outline`` section per
top-level item; ``reviewtool sections`` shows them, the aligner compares them with prose,
and ``reviewtool coverage`` measures which of them the prose develops. All of them take
"outline" from here, so they cannot disagree.

Two questions, answered separately:

* :func:`list_role`: what a list is by itself. ``metadata`` (``key: value`` lines such as
  an RFC's ``- Feature Name: `msrv-resolver```), ``links`` (every item only a link: a
  table of contents, a list of references) or ``list``. Metadata and link lists are neither
  outline nor prose; their words are *other* words, like a table's.
* :func:`outline_verdict`: whether the list (or run of lists) that ends a section's body
  is an outline, or why not.

``docs/sections.md`` states the rules with examples.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from reviewtool.draft.text_rules import MAX_TITLE_WORDS, count_words, is_title_like

__all__ = [
    "LIST_ROLES",
    "MAX_KEY_WORDS",
    "MAX_TITLE_WORDS",
    "is_metadata_item",
    "is_title_like",
    "list_role",
    "outline_verdict",
]

#: What a list can be by itself (:func:`list_role`).
LIST_ROLES = ("list", "metadata", "links")
#: The key of a ``key: value`` item has at most this many words ("Feature Name", "RFC PR").
MAX_KEY_WORDS = 4
#: ``Key: value`` at the start of an item's first line (Markdown source): a short key with no
#: sentence punctuation in it, a colon, then a value.
_KEY_VALUE = re.compile(r"^\s*(?:\*\*|__)?([^:.!?;`\[\]()<>*_]{1,40}?)(?:\*\*|__)?\s*:(?:\*\*|__)?\s+(\S.*)$")
#: A value that reads as data rather than words: a link, inline code, an autolink, a digit.
_DATA_MARK = re.compile(r"\]\(|\]\[|`|<[a-z]+:|\d|https?://", re.I)


class ItemLike(Protocol):
    """What the rules need of a top-level list item (:class:`reviewtool.draft.blocks.ListItem`)."""

    @property
    def title(self) -> str: ...  # the first line's plain text

    @property
    def source(self) -> str: ...  # the first line's Markdown source

    @property
    def link_only(self) -> bool: ...  # the first line is one link and nothing else

    @property
    def subpoints(self) -> Sequence[object]: ...


def is_metadata_item(source: str) -> tuple[bool, bool]:
    """Whether an item's first line (Markdown *source*) is shaped ``Key: value``, and whether
    its value reads as data (a link, code, a number or date, or a single token).

    ``Feature Name: `msrv-resolver``` is both; ``Costs: fuel and parking`` is shaped like
    metadata but its value is words, as an outline's note would be.
    """
    m = _KEY_VALUE.match(source)
    if m is None:
        return False, False
    key, value = m.group(1).strip(), m.group(2).strip()
    if not key or count_words(key) > MAX_KEY_WORDS:
        return False, False
    data = bool(_DATA_MARK.search(value)) or len(value.split()) == 1
    return True, data


def list_role(items: Sequence[ItemLike]) -> str:
    """What a list is by itself: ``metadata``, ``links`` or ``list``.

    * ``metadata``: two or more items, every one (and every sub-point) ``Key: value``, and
      at least half of the items' values data (:func:`is_metadata_item`).
    * ``links``: two or more items, every one nothing but a link (a table of contents, an
      index of files, a reading list).
    * otherwise ``list``.
    """
    if len(items) < 2:
        return "list"
    if all(item.link_only for item in items):
        return "links"
    shapes = [is_metadata_item(item.source) for item in items]
    if all(shaped for shaped, _ in shapes) and 2 * sum(data for _, data in shapes) >= len(shapes) \
            and all(is_metadata_item(_text(point))[0] for item in items for point in item.subpoints):
        return "metadata"
    return "list"


def _text(point: object) -> str:
    """A sub-point's text (a ``(text, depth, line)`` tuple or an object with ``text``)."""
    if isinstance(point, tuple):
        return str(point[0])
    return str(getattr(point, "text", ""))


def outline_verdict(items: Sequence[ItemLike], roles: Sequence[str], lead_in: str | None,
                    attached: bool = False, whole_body: bool = False) -> str:
    """Whether the lists that end a section's body are an outline: ``""`` when they are, else why not.

    *items* are the top-level items of the consecutive lists that end the body, *roles*
    their lists' :func:`list_role`, *lead_in* the plain text of the paragraph right before
    them (None when something else, or nothing, comes before), *attached* whether the
    list starts on the line after that paragraph, with no blank line between, and
    *whole_body* whether the lists are all there is in the body. An outline:

    1. is not metadata and not a list of links;
    2. is not announced by the paragraph before it: a lead-in that ends with ``:``
       ("Affects on workflows:", "**Pain points:**") or runs straight into the list
       ("Downsides" then "- ..." on the next line; "... or experimenting with" then the
       items) makes the list part of that paragraph's prose;
    3. has only title-like items (:func:`reviewtool.draft.text_rules.is_title_like`);
    4. has two or more items, or one with sub-points, or one that is the whole body of its
       heading (``## Summary`` then ``- Requirements per tier``) and not just a link.
    """
    if not items:
        return "no items"
    if any(role == "metadata" for role in roles):
        return "key: value metadata"
    if any(role == "links" for role in roles):
        return "a list of links"
    if lead_in is not None and (attached or lead_in.rstrip().rstrip("*_").rstrip().endswith(":")):
        return "announced by the paragraph before it"
    if not all(is_title_like(item.title) for item in items):
        return "a sentence among its items"
    if len(items) < 2 and not any(item.subpoints for item in items) and \
            not (whole_body and not items[0].link_only):
        return "a lone bullet"
    return ""
