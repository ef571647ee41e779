"""The top-level blocks of a Markdown text: what the document model needs of markdown-it's tokens.

markdown-it's level-0 tokens are grouped into blocks (a heading, a paragraph, a list, or
anything else: code, quotes, tables, HTML), and each block is reduced to plain facts: its
line range, its words (prose, outline, other), its plain text, a heading's level and
title, a list's top-level items with their sub-points. :class:`Block` holds no tokens, so
blocks can be kept and shared between documents (:mod:`reviewtool.draft.chunks` parses each
distinct heading chunk once) and moved to other lines (:meth:`Block.shifted`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from reviewtool.draft.markdown import inline_plain
from reviewtool.draft.text_rules import count_words, is_title_like

if TYPE_CHECKING:
    from markdown_it.token import Token

#: One sub-point of a list item: its text (whitespace folded), depth (1 = directly under
#: the item) and 0-based source line.
SubPointFacts = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class ListItem:
    """A top-level item of a list: its lines, its first line's plain text, its nested bullets."""

    line_start: int
    line_end: int
    title: str
    subpoints: tuple[SubPointFacts, ...]

    def shifted(self, lines: int) -> ListItem:
        return ListItem(self.line_start + lines, self.line_end + lines, self.title,
                        tuple((text, depth, line + lines) for text, depth, line in self.subpoints))


@dataclass(frozen=True, slots=True)
class Block:
    """A top-level block: kind (``heading``, ``paragraph``, ``list``, ``other``), 0-based lines
    (end exclusive), word counts and plain text; a heading's level and title; a list's items."""

    kind: str
    line_start: int
    line_end: int
    prose_words: int = 0
    outline_words: int = 0
    other_words: int = 0
    plain: str = ""
    level: int = 0
    title: str = ""
    items: tuple[ListItem, ...] = ()

    def shifted(self, lines: int) -> Block:
        """The same block *lines* lines further down."""
        if not lines:
            return self
        return replace(self, line_start=self.line_start + lines, line_end=self.line_end + lines,
                       items=tuple(item.shifted(lines) for item in self.items))


@dataclass
class _Counts:
    prose_words: int = 0
    outline_words: int = 0
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
    if kind == "heading":
        # A heading's words are its title's: neither counted nor part of a body.
        title = " ".join(inline_plain(tokens[1]).split()) or "(untitled)"
        return Block(kind, line_start, line_end, level=int(tokens[0].tag[1]), title=title)
    counts = _count(kind, tokens)
    items = tuple(_list_items(tokens)) if kind == "list" else ()
    return Block(kind, line_start, line_end, counts.prose_words, counts.outline_words, counts.other_words,
                 counts.plain, items=items)


def _count(kind: str, tokens: list[Token]) -> _Counts:
    counts = _Counts()
    if kind == "paragraph" and len(tokens) == 3:
        # The common case: paragraph_open, inline, paragraph_close.
        text = inline_plain(tokens[1])
        counts.prose_words = count_words(text)
        counts.plain = text
        return counts
    texts: list[str] = []
    if kind == "list":
        # Each list item: title-like items are outline words, sentences are prose.
        stack: list[bool] = []
        for k, tok in enumerate(tokens):
            if tok.type == "list_item_open":
                stack.append(False)
            elif tok.type == "list_item_close":
                stack.pop()
            elif tok.type == "inline":
                text = inline_plain(tok)
                texts.append(text)
                n = count_words(text)
                first_of_item = bool(stack) and tokens[k - 2].type == "list_item_open"
                if first_of_item and is_title_like(text):
                    counts.outline_words += n
                else:
                    counts.prose_words += n
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
                title = ""
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
                            seen_title = True
                        elif text:
                            line = t.map[0] if t.map else first.map[0]
                            subpoints.append((" ".join(text.split()), max(1, sub_depth), line))
                items.append(ListItem(first.map[0], first.map[1], title, tuple(subpoints)))
                current = None
            depth -= 1
    return items
