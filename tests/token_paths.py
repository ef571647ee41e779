"""What the tests of the block-token paths (:mod:`reviewtool.draft.list_chunks`,
:mod:`reviewtool.draft.inline_chunks`) check of a text: the chunk it gives is markdown-it's, and
when the path takes the text its tokens are those of markdown-it's whole parse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reviewtool.draft import chunks
from reviewtool.draft.chunks import _markdown_it_chunk, _parse_chunk
from reviewtool.draft.markdown import markdown, parse_inline


def same_as_markdown_it(block_tokens: Callable[[str], Any], text: str,
                        given: tuple[chunks.Definition, ...] | None = None) -> bool:
    """Whether the path *block_tokens* takes *text* (parsed with the definitions *given*); when
    it does, its tokens and what they give are markdown-it's."""
    blocks = block_tokens(text)
    chunk = _parse_chunk(text, given)
    reference = _markdown_it_chunk(text, given)
    assert chunk == reference, text
    assert chunk.blocks == reference.blocks, text
    assert chunk.features == reference.features, text
    assert (chunk.head, chunk.tail, chunk.open_end) == (reference.head, reference.tail, reference.open_end), text
    if blocks is None:
        return False
    env = {"references": {label: {"title": title, "href": href, "map": None} for label, href, title in given}} \
        if given else {}
    tokens = parse_inline(text, blocks, env)
    expected = markdown().parse(text, {"references": dict(env["references"])} if given else {})
    assert [t.as_dict() for t in tokens] == [t.as_dict() for t in expected], text
    return True
