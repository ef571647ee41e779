"""The chunks that are a plain list of links, read without markdown-it: ``* [name](target)``
or ``* [name]`` item lines, one after the other, followed only by empty lines.

A list of links (an index of files, a table of contents) is cut at its items
(:mod:`reviewtool.draft.chunks`), and a list that gains an item parses that item alone; the
RFC repository's README is mostly such a list, edited an item at a time. markdown-it's
inline parser reads a link a character at a time, so one such item costs about 96 us
against 9 us for a plain paragraph. :func:`link_list` recognises these texts with one
regular expression and builds what markdown-it's tokens give: the list's block
(:func:`reviewtool.draft.blocks.blocks_of`), its markup
(:func:`reviewtool.draft.markup_features.features_of`: the links and the list markers), and
the facts a chunk cut at list items keeps of its first and last item (``head``, ``tail``);
any other text gets None, and the caller parses it with markdown-it.

What is taken, conservatively (anything else, however harmless, goes to markdown-it):

* one or more lines, each: the same indentation (at most three spaces) and the same bullet
  (``-``, ``*`` or ``+``) on every line, one space, ``[``, the link's text, ``](``, its
  target, ``)``, then at most one ``.``, ``,``, ``;`` or ``:``, then the line's end (no
  trailing space: markdown-it trims it from the last line only); or, a shortcut reference,
  ``[``, the link's text (not only spaces), ``]``, then at most one ``.``, ``,`` or ``;``
  (not ``:``, which could make the line a definition), then the line's end: a link to the
  definition of its label when the chunk is given one (the text's, :mod:`reviewtool.draft.chunks`;
  the label normalised as markdown-it normalises it), else the text in its brackets, as
  markdown-it reads a reference to no definition;
* the link's text: ASCII letters, digits, spaces and punctuation that starts no inline
  markup under :func:`reviewtool.draft.markdown.markdown`'s rules (no escape, code,
  emphasis, strikethrough, bracket, HTML, autolink, entity, table pipe); ``_`` only between
  two letters or digits (a ``_`` run that is both left- and right-flanking after an
  alphanumeric neither opens nor closes emphasis);
* the target: ASCII letters, digits and ``_./#-``, not starting with ``//`` (markdown-it
  normalises a host); markdown-it's ``normalizeLink`` leaves such a target as it is, and
  ``validateLink`` accepts it (it has no scheme);
* then only empty lines (spaces, tabs and newlines).

Such a text is one tight bullet list: item *i* spans line *i* (the last one also the empty
lines after it, as the list does, but for spaces after the last newline), its title is the
link's text and what follows it (a reference to no definition: with its brackets), its first
line's source the line after its bullet, and it is only a link unless it is a reference to
no definition; the list's role is :func:`reviewtool.draft.outline_rules.list_role`'s
(``links`` from two items on when all are links, else ``list``).

``tests/test_link_chunks.py`` compares every chunk of every version of the RFC corpus and
generated text biased to the edge cases with markdown-it's parse of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reviewtool.draft.blocks import Block, ListItem
from reviewtool.draft.link_rules import normalize_label
from reviewtool.draft.markup_features import Features
from reviewtool.draft.outline_rules import list_role
from reviewtool.draft.text_rules import count_words

#: One item line (see the module docstring): groups: indentation, bullet, the link's text;
#: then an inline link's target and what follows the link, or what follows a shortcut
#: reference. Ends at its newline (not taken) or the text's end.
_ITEM = re.compile(
    r"( {0,3})([-*+]) \[((?:[A-Za-z0-9 .,:;/'\"!?()+=#%@$^{}-]|(?<=[A-Za-z0-9])_(?=[A-Za-z0-9]))++)\]"
    r"(?:\((?!//)([A-Za-z0-9_./#-]++)\)([.,;:]?)|([.,;]?))(?=\n|\Z)")
#: What may follow the last item line: empty lines only.
_EMPTY_REST = re.compile(r"[ \t\n]*+")
#: markdown-it's longest link label.
_MAX_LABEL = 999

#: What :func:`link_list` gives: the list's block, its markup, and the list's key with its
#: prose and other words before its role moved them, at its first item (``head``) and, when
#: the text ends right after the last item's line, at its last (``tail``), as
#: :class:`reviewtool.draft.chunks._Chunk` keeps them.
LinkList = tuple[Block, Features, tuple[str, int, int], tuple[str, int, int] | None]


def link_list(text: str, given: Sequence[tuple[str, str, str]] | None = None) -> LinkList | None:
    """The list of links *text* is (see the module docstring), as markdown-it's tokens give
    it when the link reference definitions *given* (label, target, title; the labels
    normalised) are defined elsewhere in its text; None for any other text."""
    match = _ITEM.match
    found = match(text)
    if found is None:
        return None
    indent, bullet = found.group(1, 2)
    targets = {label: target for label, target, _ in given} if given else {}
    links: list[tuple[str, str]] = []
    items: list[ListItem] = []
    titles: list[str] = []
    size = len(text)
    line = 0
    while True:
        label, target, after, reference_after = found.group(3, 4, 5, 6)
        end = found.end()
        source = text[found.start(3) - 1 : end]
        if target is not None:
            links.append((label, target))
            title = label + after
            only = True
        else:  # a shortcut reference: a link to the definition of its label, if there is one
            if not label.strip() or len(label) > _MAX_LABEL:
                return None
            if targets:
                target = targets.get(normalize_label(label))
            if target is not None:
                links.append((label, target))
                title = label + reference_after
                only = True
            else:
                title = source
                only = False
        titles.append(title)
        items.append(ListItem(line, line + 1, title.strip(), (), source, only))
        line += 1
        if end == size:
            break  # the last line, with no newline
        found = match(text, end + 1)
        if found is None or found.group(1) != indent or found.group(2) != bullet:
            if _EMPTY_REST.fullmatch(text, end) is None:
                return None
            break
    count = len(titles)
    # The lines markdown-it counts: a last line with no newline only when it is an item's
    # (spaces and tabs after the last newline make no line of the list).
    lines = text.count("\n") + (end == size)
    if lines > count:  # the last item (and the list) runs over the empty lines after it
        last = items[-1]
        items[-1] = ListItem(last.line_start, lines, last.title, (), last.source, last.link_only)
    role = list_role(items)
    words = sum(map(count_words, titles))
    plain = "\n".join(filter(None, titles))
    if role in ("metadata", "links"):
        block = Block("list", 0, lines, 0, words, plain, items=tuple(items), role=role)
    else:
        block = Block("list", 0, lines, words, 0, plain, items=tuple(items), role=role)
    features = Features(tuple((" ".join(label.split()), target) for label, target in links),
                        list_markers=(bullet,) * count)
    key = indent + bullet
    head = (key, words, 0)
    tail = head if lines == count and text.endswith("\n") else None
    return block, features, head, tail

