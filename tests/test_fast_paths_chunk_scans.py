"""The chunk machinery's shortcuts give what the code they replaced gives.

* :func:`chunks._unbracketed`, :func:`chunks._runs_on` and :func:`chunks._may_define` look
  for a line start after a newline (and at the text's start) where the multiline patterns
  :data:`_UNBRACKETED`, :data:`_RUNS_ON` and :data:`_MAY_DEFINE` (kept here as the reference:
  the product compiles only the scans) try ``^`` at every character; they must match exactly
  where those do (``findall`` the same list).
* :meth:`reviewtool.lru.LRU.put_many` leaves the entries and their order as :meth:`put` of
  each key in turn does.
* :func:`chunks._parsed_parts` looks the parts of a list up at once and parses only the
  others; the chunk it builds must equal the one of the loop it replaced (kept below as
  :func:`_plain_parsed_parts`), field by field, and so must its blocks and markup.

Checked on generated text biased to the characters the patterns turn on, on each edge case by
name, and on every piece and version of the RFC corpus's README and 3537 essay.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.draft import chunks
from reviewtool.draft.chunks import _Chunk, _definition, _Definitions, _settled
from reviewtool.lru import LRU
from tests.gitutil import clone_corpus
from tests.test_plain_chunks import _versions

# ---------------------------------------------------------------- the scans

#: The multiline patterns the scans replace: a line inside a block quote or an escaped pipe
#: (:func:`chunks._unbracketed`), a fence or an HTML line (:func:`chunks._runs_on`), a line that
#: may start a link reference definition (:func:`chunks._may_define`).
_UNBRACKETED = re.compile(r"^[ \t]*>|\\\|", re.M)
_RUNS_ON = re.compile(r"```|~~~|^[ \t>*+\-.)\d]*<", re.M)
_MAY_DEFINE = re.compile(r"^[ \t>*+\-.)\d]*\[((?:[^\[\]\\]|\\.)*)\]:", re.M)

EDGES = [
    "", ">", " >", "\t> quote", "a\n>", "a\n   > b", "a > b", "a\n a >", "\\|", "a \\| b", "\\", "|",
    "```", "``", "~~~", "~~", "<", "a <b>", "a\n<div>", "- <b>", "> <p>", "1. <x>", "a\n  *+-.)9 <",
    "a\nb <", "[a]: b", " [a]: b", "> - [a]: b\n[c]:", "x [a]: b", "[a\nb]: c", "[a]:[b]: c\n[d]: e",
    "[a\\]]: b", "[a]\n: b", "[]: x", "1) [a]: b\n2. [c]: d", "text\n\n[a]: b\n  [c]: d\n",
]

#: Characters the three patterns turn on, and a few others.
ALPHABET = st.sampled_from([*" \t\n>\\|`~<[]:-*+.)1a", "\\|", "```", "~~~", "]:", "\n>", "\n["])
TEXTS = st.lists(ALPHABET, max_size=40).map("".join)


def check_scans(text: str) -> None:
    assert chunks._unbracketed(text) == (_UNBRACKETED.search(text) is not None), text
    assert chunks._runs_on(text) == (_RUNS_ON.search(text) is not None), text
    assert chunks._may_define(text) == _MAY_DEFINE.findall(text), text


@pytest.mark.parametrize("text", EDGES)
def test_scans_on_edge_cases(text: str) -> None:
    check_scans(text)
    check_scans(text + "\n")
    check_scans("a\n" + text)


@given(TEXTS)
def test_scans_on_generated_text(text: str) -> None:
    check_scans(text)


# ---------------------------------------------------------------- LRU.put_many


@given(st.integers(1, 6), st.lists(st.integers(0, 9), max_size=8), st.lists(st.integers(0, 9), max_size=12))
def test_put_many_is_put_of_each(size: int, before: list[int], keys: list[int]) -> None:
    one, many = LRU[int, str](size), LRU[int, str](size)
    for key in before:
        one.put(key, f"old {key}")
        many.put(key, f"old {key}")
    values = [f"new {k} {i}" for i, k in enumerate(keys)]
    for key, value in zip(keys, values):
        one.put(key, value)
    many.put_many(keys, values)
    assert one.keys() == many.keys()
    assert [one.get(k) for k in range(10)] == [many.get(k) for k in range(10)]


# ---------------------------------------------------------------- _parsed_parts


def _plain_parsed_parts(text: str, given: tuple[chunks.Definition, ...] | None, cuts: list[int]) -> _Chunk | None:
    """:func:`chunks._parsed_parts` as it was: each part looked up (or parsed) in turn."""
    starts = [0, *cuts, len(text)]
    parts: list[tuple[str, int, _Chunk]] = []
    definitions = _Definitions(dict(zip([d[0] for d in given], given))) if given else None
    line = 0
    for k in range(len(starts) - 1):
        part = text[starts[k] : starts[k + 1]]
        chunk = definitions.parsed(part, True) if definitions is not None else chunks._chunk(part, None, True)
        if parts and (chunk.head is None or (parts[-1][2].tail[0] != chunk.head[0] if parts[-1][2].tail is not None
                                             else not chunks._fresh_list(text, starts[k], parts[-1][2]))):
            return None
        parts.append((part, line, chunk))
        line += part.count("\n")
    own: dict[str, Any] = {}
    for _, _, chunk in parts:
        for label, ref in chunk.references.items():
            own.setdefault(label, ref)
    seen = dict(zip([d[0] for d in given], given)) if given else {}
    for label, ref in own.items():
        if label not in seen:
            seen[label] = _definition(label, ref)
    if seen:
        settled = _settled([part for part, _, _ in parts], [chunk for _, _, chunk in parts], _Definitions(seen))
        parts = [(part, line, chunk) for (part, line, _), chunk in zip(parts, settled)]
    return _Chunk(None, own, parts[-1][2].open_end, tuple(sorted(own)), None, tuple(sorted(seen.values())),
                  _parts=tuple((line, chunk) for _, line, chunk in parts))


def check_parts(text: str, given: tuple[chunks.Definition, ...] | None = None) -> int:
    """Compare both on *text* cut at every item line and at its chosen cuts with some others
    (as :func:`chunks._parse_items` cuts: every chosen cut, and maybe more), once with the
    cache empty and once with its parts met; the number of cuts that held. No part has a
    cut of its own (so :func:`chunks._chunk` does not look for them in a part)."""
    held = 0
    chosen, every = chunks._item_cuts(text)
    cut_sets = [every, sorted({*chosen, *every[::3]}), sorted({*chosen, *every[1::2]})]
    for fresh in (True, False):
        for cuts in cut_sets:
            if not cuts:
                continue
            starts = [0, *cuts, len(text)]
            for start, end in pairwise(starts):
                assert chunks._item_cuts(text[start:end])[0] == [], (text, cuts, start)
            if fresh:
                chunks.clear_chunk_cache()
            fast = chunks._parsed_parts(text, given, cuts)
            if fresh:
                chunks.clear_chunk_cache()
            plain = _plain_parsed_parts(text, given, cuts)
            assert (fast is None) == (plain is None), (text, cuts)
            if fast is None or plain is None:
                continue
            held += 1
            assert fast == plain, (text, cuts)
            assert fast._parts == plain._parts, (text, cuts)
            assert fast.blocks == plain.blocks, (text, cuts)
            assert fast.features == plain.features, (text, cuts)
            assert (fast.head, fast.tail, fast.references) == (plain.head, plain.tail, plain.references)
    return held


ITEMS = st.sampled_from([
    "- [a](x)\n", "- [b]\n", "- item\n", "* star\n", "- two\n  lines\n", "  - nested\n", "- [a]: y\n",
    "- see [a] and [b]\n", "1. one\n", "2) two\n", "\n", "- > quote\n", "- `code`\n", "text\n", "- <b>\n",
    "- [c]\n  [c]: z\n",
])
DEFINITIONS = st.sampled_from([None, (("a", "d", ""),), (("a", "d", ""), ("b", "e", "t"))])


@given(st.lists(ITEMS, min_size=2, max_size=12).map("".join), DEFINITIONS)
def test_parsed_parts_on_generated_lists(text: str, definitions: tuple[chunks.Definition, ...] | None) -> None:
    check_parts(text, definitions)
    chunks.clear_chunk_cache()


@pytest.mark.slow
def test_scans_and_parts_on_the_rfc_corpus(tmp_path: Path) -> None:
    repo = clone_corpus(tmp_path / "rfcs")
    texts = [*_versions(repo, "README.md"), *_versions(repo, "text/3537-msrv-resolver.md")]
    pieces: set[str] = set()
    for text in texts:
        check_scans(text)
        pieces.update(chunks._cut(text))
    for piece in pieces:
        check_scans(piece)
    lists = sorted(piece for piece in pieces if len(chunks._item_cuts(piece)[1]) >= 2)
    assert len(lists) > 20
    held = sum(check_parts(piece) for piece in lists[::4])
    assert held > 10
    chunks.clear_chunk_cache()
