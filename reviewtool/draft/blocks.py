"""The top-level blocks of a Markdown text: what the document model needs of markdown-it's tokens.

markdown-it's level-0 tokens are grouped into blocks (a heading, a paragraph, a list, or
anything else: code, quotes, tables, HTML), and each block is reduced to plain facts: its
line range, its words (prose, outline, other), its plain text, a heading's level and
title, a list's top-level items with their sub-points. :class:`Block` holds no tokens, so
blocks can be kept and shared between documents (:mod:`reviewtool.draft.chunks` parses each
distinct heading chunk once) and moved to other lines (:meth:`Block.shifted`); the parts of one
list parsed apart are joined back into one block (:func:`joined_list`).
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING

from reviewtool.draft.markdown import inline_plain
from reviewtool.draft.outline_rules import list_role
from reviewtool.draft.text_rules import count_words
from reviewtool.records import record

if TYPE_CHECKING:
    from markdown_it.token import Token

#: One sub-point of a list item: its text (whitespace folded), depth (1 = directly under
#: the item) and 0-based source line.
SubPointFacts = tuple[str, int, int]


@record(frozen=True, slots=True)
class ListItem:
    """A top-level item of a list: its lines, its first line's plain text and Markdown source,
    whether that line is one link and nothing else, its nested bullets."""

    line_start: int
    line_end: int
    title: str
    subpoints: tuple[SubPointFacts, ...]
    source: str = ""
    link_only: bool = False

    def shifted(self, lines: int) -> ListItem:
        return ListItem(self.line_start + lines, self.line_end + lines, self.title,
                        tuple((text, depth, line + lines) for text, depth, line in self.subpoints),
                        self.source, self.link_only)


@record(frozen=True, slots=True)
class Block:
    """A top-level block: kind (``heading``, ``paragraph``, ``list``, ``other``), 0-based lines
    (end exclusive), word counts and plain text; a heading's level and title; a list's items
    and role (:func:`reviewtool.draft.outline_rules.list_role`: ``list``, ``metadata``, ``links``).

    A block's words are prose or other: outline words belong to the outline sections the
    parser cuts from a list (:mod:`reviewtool.draft.outline_rules`), never to a block."""

    kind: str
    line_start: int
    line_end: int
    prose_words: int = 0
    other_words: int = 0
    plain: str = ""
    level: int = 0
    title: str = ""
    items: tuple[ListItem, ...] = ()
    role: str = ""

    def shifted(self, lines: int) -> Block:
        """The same block *lines* lines further down."""
        if not lines:
            return self
        return Block(self.kind, self.line_start + lines, self.line_end + lines, self.prose_words,
                     self.other_words, self.plain, self.level, self.title,
                     tuple(item.shifted(lines) for item in self.items) if self.items else (), self.role)


@record
class _Counts:
    prose_words: int = 0
    other_words: int = 0
    plain: str = ""
    texts: list[str] = field(default_factory=list)


_BLOCK_KINDS = {
    "heading_open": "heading",
    "paragraph_open": "paragraph",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
}


def blocks_of(tokens: list[Token]) -> list[Block]:
    """Group level-0 tokens into blocks and reduce each to its facts."""
    blocks: list[Block] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        if tok.level != 0 or tok.map is None:
            i += 1
            continue
        if tok.nesting == 1:
            # The matching close token: the next level-0 token (markdown-it nests
            # everything between an opening token and its close one level deeper).
            j = i + 1
            while j < n and tokens[j].level:
                j += 1
            group = tokens[i : j + 1]
        else:
            j = i
            group = [tok]
        blocks.append(_block(_BLOCK_KINDS.get(tok.type, "other"), tok.map[0], tok.map[1], group))
        i = j + 1
    return blocks


def _block(kind: str, line_start: int, line_end: int, tokens: list[Token]) -> Block:
    if kind == "paragraph" and len(tokens) == 3:
        # The common case (paragraph_open, inline, paragraph_close), as _count_words reads it.
        text = inline_plain(tokens[1])
        return Block(kind, line_start, line_end, count_words(text), 0, text)
    if kind == "heading":
        # A heading's words are its title's: neither counted nor part of a body.
        title = " ".join(inline_plain(tokens[1]).split()) or "(untitled)"
        return Block(kind, line_start, line_end, level=int(tokens[0].tag[1]), title=title)
    items = tuple(_list_items(tokens)) if kind == "list" else ()
    role = list_role(items) if kind == "list" else ""
    counts = _count(kind, tokens, role)
    return Block(kind, line_start, line_end, counts.prose_words, counts.other_words, counts.plain,
                 items=items, role=role)


def _count(kind: str, tokens: list[Token], role: str = "") -> _Counts:
    counts = _count_words(kind, tokens)
    if role in ("metadata", "links"):
        # Metadata and links are neither prose nor outline: other words, like a table's.
        counts.other_words += counts.prose_words
        counts.prose_words = 0
    return counts


def _count_words(kind: str, tokens: list[Token]) -> _Counts:
    counts = _Counts()
    if kind == "paragraph" and len(tokens) == 3:
        # The common case: paragraph_open, inline, paragraph_close.
        text = inline_plain(tokens[1])
        counts.prose_words = count_words(text)
        counts.plain = text
        return counts
    texts: list[str] = []
    if kind == "list":
        # List text is prose (an outline list's words are its outline sections', not the block's).
        for tok in tokens:
            if tok.type == "inline":
                text = inline_plain(tok)
                texts.append(text)
                counts.prose_words += count_words(text)
            elif tok.type in ("fence", "code_block", "html_block"):
                texts.append(tok.content)
                counts.other_words += count_words(tok.content)
    else:
        for tok in tokens:
            if tok.type == "inline":
                texts.append(inline_plain(tok))
            elif tok.type in ("fence", "code_block", "html_block"):
                texts.append(tok.content)
        n = sum(count_words(t) for t in texts)
        if kind == "paragraph":
            counts.prose_words = n
        else:
            counts.other_words = n
    counts.plain = "\n".join(t for t in texts if t)
    return counts


def _link_only(token: Token) -> bool:
    """Whether an inline token is one or more links and nothing else but spaces and punctuation."""
    children = token.children
    if not children:
        return False  # plain text (the fast path leaves no children): no link at all
    depth = links = 0
    for child in children:
        if child.type == "link_open":
            depth += 1
            links += 1
        elif child.type == "link_close":
            depth -= 1
        elif depth == 0 and child.type not in ("softbreak", "hardbreak") \
                and (child.type != "text" or any(ch.isalnum() for ch in child.content)):
            return False
    return links > 0


def _list_items(tokens: list[Token]) -> list[ListItem]:
    """Top-level items of a list block."""
    items = []
    depth = 0
    current: list[Token] | None = None
    for tok in tokens:
        if tok.type == "list_item_open":
            depth += 1
            if depth == 1:
                current = [tok]
                continue
        if current is not None:
            current.append(tok)
        if tok.type == "list_item_close":
            if depth == 1 and current is not None:
                first = current[0]
                assert first.map is not None
                title = source = ""
                link_only = False
                subpoints: list[SubPointFacts] = []
                sub_depth = 0
                seen_title = False
                for t in current[1:]:
                    if t.type in ("bullet_list_open", "ordered_list_open"):
                        sub_depth += 1
                    elif t.type in ("bullet_list_close", "ordered_list_close"):
                        sub_depth -= 1
                    elif t.type == "inline":
                        text = inline_plain(t).strip()
                        if not seen_title and sub_depth == 0:
                            title = text
                            source = t.content
                            link_only = _link_only(t)
                            seen_title = True
                        elif text:
                            line = t.map[0] if t.map else first.map[0]
                            subpoints.append((" ".join(text.split()), max(1, sub_depth), line))
                items.append(ListItem(first.map[0], first.map[1], title, tuple(subpoints), source, link_only))
                current = None
            depth -= 1
    return items


def list_words(tokens: list[Token]) -> tuple[int, int]:
    """The prose and other words of a list block's tokens before its role moves them
    (:func:`_count`): what :func:`joined_list` adds up."""
    counts = _count_words("list", tokens)
    return counts.prose_words, counts.other_words


def joined_list(parts: list[tuple[Block, int, int]]) -> Block:
    """One list block from consecutive list blocks that one parse reads as one list: each
    part with its words before its role moved them (:func:`list_words`). Its items are the
    parts' items, its role that of all of them (:func:`reviewtool.draft.outline_rules.list_role`),
    and its words and plain text what the one list's tokens would give."""
    if len(parts) == 1:
        return parts[0][0]
    items = tuple(item for block, _, _ in parts for item in block.items)
    role = list_role(items)
    prose = sum(p for _, p, _ in parts)
    other = sum(o for _, _, o in parts)
    if role in ("metadata", "links"):
        prose, other = 0, other + prose
    plain = "\n".join(block.plain for block, _, _ in parts if block.plain)
    return Block("list", parts[0][0].line_start, parts[-1][0].line_end, prose, other, plain, items=items, role=role)
