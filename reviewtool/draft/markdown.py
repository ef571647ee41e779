"""The Markdown parser every module shares: markdown-it-py configured once, built on first use.

CommonMark with HTML, tables and strikethrough. Parsing uses markdown-it's block tokens
and their line maps, never regular expressions over Markdown. Inline content free of
markup skips markdown-it's inline parser (:func:`_inline_core_rule`), and
:func:`inline_plain` reads the plain text of an inline token either way.

markdown-it is imported when a draft is first parsed, not when this module is, so
commands that parse nothing start quickly.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@functools.cache
def markdown() -> MarkdownIt:
    """The Markdown parser (CommonMark, HTML, tables, strikethrough), shared by every module
    that reads Markdown; plain inline content skips inline parsing (:func:`inline_plain`)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.core.ruler.at("inline", _inline_core_rule)
    return md


#: Characters that can start inline markup under :func:`markdown`'s rules (escape, code,
#: strikethrough, emphasis, link, image, autolink, HTML, entity). Inline content
#: without any of them parses to plain text and line breaks only.
_INLINE_SYNTAX = re.compile(r"[\\`~*_\[<&]")
#: A line break inside inline content, as markdown-it's ``newline`` rule treats it:
#: trailing spaces before it dropped, leading spaces and tabs after it skipped.
_INLINE_BREAK = re.compile(r" *\n[ \t]*")


def _inline_core_rule(state: Any) -> None:
    """markdown-it's core ``inline`` rule, with a fast path for plain content.

    Inline content free of :data:`_INLINE_SYNTAX` would parse to text and
    soft/hard breaks only, so its plain text is computed directly (one regex)
    and kept in ``token.meta["plain"]``; everything else is parsed as usual.
    The plain text is the same either way (see :func:`inline_plain`).
    """
    md, env = state.md, state.env
    parse_inline = md.inline.parse
    for token in state.tokens:
        if token.type == "inline":
            content = token.content
            plain = plain_of(content)
            if plain is not None:
                token.meta = {"plain": plain}
                continue
            if token.children is None:
                token.children = []
            parse_inline(content, md, env, token.children)


@functools.cache
def md_trim() -> Callable[[str], str]:
    """markdown-it's own trim of inline content (``mdTrim``; imported when first needed), for
    the chunks read without its block parser (:mod:`reviewtool.draft.plain_chunks`,
    :mod:`reviewtool.draft.list_chunks`, :mod:`reviewtool.draft.inline_chunks`)."""
    from markdown_it.common.utils import mdTrim

    return mdTrim


def parse_inline(text: str, tokens: list[Token], env: dict[str, Any]) -> list[Token]:
    """*tokens*, the block tokens of *text* as markdown-it's block rule gives them, through
    the core rules that follow that rule (:func:`_inline_core_rule`, then markdown-it's own),
    as :func:`markdown`'s parse of *text* with *env* runs them: its tokens. For texts whose
    block tokens are built without markdown-it (:mod:`reviewtool.draft.list_chunks`); *text*
    holds no carriage return nor NUL (what the rules before, which normalise the text, change)."""
    from markdown_it.rules_core import StateCore

    state = StateCore(text, markdown(), env, tokens)
    for rule in _after_block():
        rule(state)
    return state.tokens


@functools.cache
def _after_block() -> list[Any]:
    """The core rules of :func:`markdown` that follow its block rule, in order."""
    ruler = markdown().core.ruler
    names = ruler.get_active_rules()
    return ruler.getRules("")[names.index("block") + 1 :]


def plain_of(content: str) -> str | None:
    """The plain text of inline content free of :data:`_INLINE_SYNTAX` (what markdown-it's
    inline parse of it gives: text, and each soft or hard line break one newline); None when
    it may hold markup. :mod:`reviewtool.draft.plain_chunks` reads plain chunks with it too."""
    if _INLINE_SYNTAX.search(content) is not None:
        return None
    return plain_lines(content)


def plain_lines(content: str) -> str:
    """The plain text of inline content known to be free of :data:`_INLINE_SYNTAX`: each line
    break one newline, the spaces before it and the spaces and tabs after it dropped (as
    markdown-it's ``newline`` rule makes soft and hard breaks of them)."""
    return _INLINE_BREAK.sub("\n", content) if "\n" in content else content


def inline_plain(token: Token) -> str:
    """Plain text of an inline token: link text kept, URLs and markup dropped."""
    children = token.children
    if not children:
        return token.meta.get("plain", "") if token.meta else ""  # plain content (see _inline_core_rule)
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append("".join(c.content for c in child.children or []))
    return "".join(parts)
