"""The sections assembled from each chunk's facts equal the plain parse's.

:func:`reviewtool.draft.document.parse` assembles a version's sections from facts kept per
parsed chunk (:mod:`reviewtool.draft.assembly`); :func:`tests.plain_parse.plain_parse` is the
parse as it was, over every block of the text moved to its line. Compared field by field
(``to_dict`` with the text, the plain texts, the sub-points and the fingerprint hashes) on
generated Markdown (outline lists at chunk edges, lists over several chunks, front matter,
byte order marks, carriage returns, setext headings) and on every version of the RFC corpus,
each text met with the chunk caches warm from other texts and again cold.
"""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Iterator
from operator import is_
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtool.draft import assembly, blocks
from reviewtool.draft.blocks import Block
from reviewtool.draft.chunks import clear_chunk_cache
from reviewtool.draft.document import Document, parse
from reviewtool.draft.markdown import markdown
from tests.gitutil import clone_corpus
from tests.plain_parse import plain_parse
from tests.test_chunks import LINES, LIST_LINES, _corpus_texts, every_item_a_cut


def facts(doc: Document) -> list:
    return [doc.problems, doc.fingerprint_hashes, doc.to_dict(with_text=True),
            [dataclasses.asdict(s) for s in doc.sections]]


def edited_pair(lines: list[str], edits: list[tuple[int, int, list[str]]], head: str,
                edited_head: str) -> tuple[str, str]:
    """A text of *lines* under *head*, and the same with each ``(at, deleted, inserted)`` of
    *edits* applied in turn (*at* taken modulo the length) under *edited_head*."""
    edited = list(lines)
    for at, deleted, inserted in edits:
        at %= len(edited) + 1
        edited[at : at + deleted] = inserted
    return head + "\n".join(lines) + "\n", edited_head + "\n".join(edited) + "\n"


def check(text: str) -> None:
    assert facts(parse(text)) == facts(plain_parse(text)), text


#: Lines of outlines and of what may end a section's body: headings of every kind, short
#: and long items, sub-points, lead-in paragraphs, links, metadata.
OUTLINE_LINES = [
    "# Title", "## Part", "### Deep", "Setext", "===", "---", "- Short point", "- Another point",
    "  - a sub-point", "    - deeper sub-point", "- A much longer item that reads as a sentence, not a title.",
    "1. First step", "2. Second step", "* [link](x)", "- Key: value", "Lead-in:", "The reasons are:",
    "Plain paragraph.", "", "", "", "> quote", "```", "code", "- ", "+ plus item", "<div>", "</div>",
]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(OUTLINE_LINES + LINES + LIST_LINES), max_size=40), st.booleans(),
       st.sampled_from(["", "---\ntitle: T\n---\n", "\ufeff", "---\nx: [\n---\n", "---\nunclosed\n", "---\n",
                        "\ufeff---\ntitle: T\n...\n", "--- \nx: 1\n---  \n", "---\n---\n", "---\ntitle: T\n---"]))
def test_assembled_sections_equal_the_plain_parse(lines: list[str], trailing_newline: bool, head: str):
    text = head + "\n".join(lines) + ("\n" if trailing_newline else "")
    check(text)
    check(text.replace("\n", "\r\n"))


@given(st.lists(st.sampled_from(OUTLINE_LINES + LIST_LINES), max_size=30))
def test_assembled_sections_with_lists_cut_at_their_items(lines: list[str]):
    text = "# Outline\n\n" + "\n".join(lines) + "\n"
    with every_item_a_cut():
        clear_chunk_cache()
        check(text)
        check("Intro\n\n" + text)
    clear_chunk_cache()
    check(text)


@pytest.mark.parametrize("text", [
    "", "\n", "x", "# Only a heading", "\ufeff# BOM heading\n\nText.\n", "[foo]: /url\n", "\n\n[foo]: /url\n\n",
    "---\ntitle: Only front matter\n---\n", "---\ntitle: T\n---", "---\na: 1\n---\n# H\n\n- One\n- Two\n",
    "---\na: 1\n---\nPreamble text.\n\n- One\n- Two\n",
    "# H\n\n- One\n- Two\n\n# I\n\n- Three\n", "# H\nLead-in:\n- One\n- Two\n",
    "# H\n\nText.\n\n- One\n\n- Two\n\nMore [link](x).\n\n- Three\n- Four\n",
    "# H\n\n- One\n  - sub\n- Two\n\n```\ncode\n\nmore\n```\n\n- Three\n- Four",
    "# H\r\n\r\n- One\r\n- Two\r\n", "\ufeff- Short point\n- Short point", "\ufeff- A\n- B\n\n# H\n\n- C\n- D\n", "Title\n===\n\n- a\n- b\n", "# H\n\n1. One\n2. Two\n\n- Three\n",
])
def test_edge_cases(text: str):
    clear_chunk_cache()
    check(text)
    check(text)  # the chunks met again


@pytest.mark.slow
def test_every_version_of_the_rfc_corpus(tmp_path: Path):
    texts = _corpus_texts(tmp_path)
    clear_chunk_cache()
    for text in texts:
        check(text)
    clear_chunk_cache()
    for text in reversed(texts):
        check(text)


#: What an edit puts in a version in :func:`test_a_version_read_after_another`.
EDIT_LINES = [*OUTLINE_LINES, "# New heading", "## New part", "New paragraph.", "- New point", ""]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(OUTLINE_LINES + LIST_LINES), max_size=30),
       st.lists(st.tuples(st.integers(0, 40), st.integers(0, 2), st.lists(st.sampled_from(EDIT_LINES), max_size=3)),
                min_size=1, max_size=3),
       st.sampled_from(["", "---\ntitle: T\n---\n", "---\ntitle: Other\n---\n", "\ufeff"]),
       st.sampled_from(["", "---\ntitle: T\n---\n", "\ufeff"]))
def test_a_version_read_after_another(lines: list[str], edits: list[tuple[int, int, list[str]]], head: str,
                                      edited_head: str):
    """A version read right after another one takes the sections of the chunks both start and
    end with from that one's walk (moved where they are now): the same sections as the
    plain parse, and as a walk over every chunk."""
    text, changed = edited_pair(lines, edits, head, edited_head)
    for before, after in ((text, changed), (changed, text)):
        parse(before)
        check(after)
        parse(before)
        walked = parse(after)
        assembly._LAST_WALK = None
        assert facts(walked) == facts(parse(after))


def _histories(tmp_path: Path) -> Iterator[list[str]]:
    """The versions of each Markdown file of the RFC corpus, in the order ``git log`` lists them."""
    repo = clone_corpus(tmp_path / "rfcs")
    out = subprocess.run(["git", "log", "--format=", "--raw", "--no-abbrev", "--no-renames", "--", "*.md"],
                         cwd=repo, capture_output=True, text=True, check=True).stdout
    by_path: dict[str, list[str]] = {}
    for line in out.splitlines():
        fields = line.split()
        if line.startswith(":") and fields[3].strip("0"):
            by_path.setdefault(fields[5], []).append(fields[3])
    blobs = sorted({blob for versions in by_path.values() for blob in versions})
    data = subprocess.run(["git", "cat-file", "--batch"], cwd=repo, input="\n".join(blobs).encode() + b"\n",
                          capture_output=True, check=True).stdout
    texts, i = {}, 0
    while i < len(data):
        header_end = data.index(b"\n", i)
        blob, _, size = data[i:header_end].decode().split()
        texts[blob] = data[header_end + 1 : header_end + 1 + int(size)].decode("utf-8")
        i = header_end + 1 + int(size) + 1
    for versions in by_path.values():
        yield [texts[blob] for blob in versions]


@pytest.mark.slow
def test_every_version_of_the_rfc_corpus_after_the_one_before(tmp_path: Path):
    """Each version of each file read right after the one before it (as ``log`` reads them):
    the sections taken from the walk before (walk_sections) equal those of a walk over every
    chunk, and in a file with many versions, the plain parse's."""
    histories = list(_histories(tmp_path))
    assert sum(map(len, histories)) > 600
    clear_chunk_cache()
    reused = 0
    for versions in histories:
        walk = None
        for number, text in enumerate(versions):
            document = parse(text)
            before, walk = walk, assembly._LAST_WALK
            assert walk is not None
            reused += before is not None and any(map(is_, walk.raw, before.raw))
            assembly._LAST_WALK = None
            assert facts(document) == facts(parse(text)), text
            if len(versions) > 100 and number % 5 == 0:
                assert facts(document) == facts(plain_parse(text))
            assembly._LAST_WALK = walk
    assert reused > 300, reused


@given(st.lists(st.sampled_from(OUTLINE_LINES + LINES + LIST_LINES), max_size=30))
def test_shortcuts_for_one_block(lines: list[str]):
    """A paragraph of one inline token is a block as the general count makes it, and a segment
    of one block is what the general sums make of it."""
    tokens = markdown().parse("\n".join(lines) + "\n")
    for block_tokens in _top_level(tokens):
        first = block_tokens[0]
        if first.type == "paragraph_open" and first.map is not None:
            counts = blocks._count("paragraph", block_tokens)
            assert blocks._block("paragraph", *first.map, block_tokens) == Block(
                "paragraph", *first.map, counts.prose_words, counts.other_words, counts.plain)
    for block in blocks.blocks_of(tokens):
        assert assembly._segment([block]) == assembly._segment_of([block])


def _top_level(tokens: list) -> Iterator[list]:
    i = 0
    while i < len(tokens):
        j = i
        if tokens[i].nesting == 1:
            j += 1
            while tokens[j].level:
                j += 1
        yield tokens[i : j + 1]
        i = j + 1


def _plain_stats(doc: Document) -> dict:
    """Document.stats as it was computed, from the properties one by one."""
    return {
        "words": doc.words,
        "sections": len(doc.content_sections),
        "prose_sections": sum(1 for s in doc.content_sections if s.body_kind == "prose"),
        "outline_sections": sum(1 for s in doc.content_sections if s.body_kind == "outline"),
        "prose_share": round(doc.prose_share, 4),
    }


@given(st.lists(st.sampled_from(OUTLINE_LINES + LINES + LIST_LINES), max_size=40),
       st.sampled_from(["", "---\ntitle: T\n---\n", "\ufeff"]))
def test_stats_in_one_pass(lines: list[str], head: str):
    """A document's statistics, counted once in one pass, are those of its properties, and
    each caller gets its own dict."""
    doc = parse(head + "\n".join(lines) + "\n")
    first = doc.stats()
    assert first == _plain_stats(doc)
    first["words"] = -1
    assert doc.stats() == _plain_stats(doc)
