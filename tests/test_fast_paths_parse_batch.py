"""The parse's per-piece shortcuts give what the code they replaced gives.

* :func:`chunks._plain_at_once`: in a text without link reference definitions, the new
  pieces that are plain (one plain paragraph or heading) or cached are read at once, before
  :func:`chunks._joined`'s loop, instead of one at a time through
  :meth:`chunks._Definitions.parsed`. What a text is read into (its chunks' texts, first
  lines and chunks, field by field, their blocks and markup, the pieces kept for the next
  text) must be what the loop alone gives (the shortcut turned off), version after version
  (each read starts from what the one before left), and the chunks kept must be those the
  loop keeps (the same entries, not one more).
* :func:`reviewtool.draft.assembly.chunk_facts` of a chunk of one block builds its facts
  directly; they must equal those of the loop over the blocks (kept below as
  :func:`_plain_chunk_facts`), but that a chunk of one paragraph has no line offsets
  (nothing in it is placed), and the documents must be the plain parse's.

Checked on generated Markdown biased to what ends or joins pieces (fences and HTML blocks
running over blank lines, lists, definitions and their uses, repeated pieces), on
bench_diff's essays, and on every version of the RFC corpus's README and 3537 essay.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.draft import chunks
from reviewtool.draft.assembly import ChunkFacts, _segment, chunk_facts
from reviewtool.draft.blocks import Block
from tests.gitutil import clone_corpus
from tests.test_assembly import check as assert_parsed_as_plain
from tests.test_plain_chunks import _versions

ROOT = Path(__file__).resolve().parents[1]


def _read_all(texts: list[str], batch: bool) -> list[tuple]:
    """Each text read in turn from empty caches: what it is read into, and what is kept for the next."""
    with pytest.MonkeyPatch.context() as patch:
        if not batch:
            patch.setattr(chunks, "_plain_at_once", lambda pieces: ({}, set()))
        chunks.clear_chunk_cache()
        out = []
        for text in texts:
            found_texts, lines, found = chunks.read_chunks(text)
            pieces, parsed = chunks._LAST
            out.append((found_texts, lines, found, [c.blocks for c in found], [c.features for c in found],
                        list(pieces), list(parsed)))
        kept = (set(chunks._CHUNKS.keys()), set(chunks._MET.keys()))
        chunks.clear_chunk_cache()
    return [*out, kept]


def check_same(texts: list[str]) -> None:
    fast = _read_all(texts, True)
    plain = _read_all(texts, False)
    for k, (got, want) in enumerate(zip(fast[:-1], plain[:-1])):
        assert got == want, texts[k]
    assert fast[-1] == plain[-1]  # the same chunks kept (a swallowed piece read at once is not)


LINES = st.sampled_from([
    "Plain words here.", "More plain prose, with a comma", "# Title", "## Part", "### Deeper ###", "",
    "", "", "- item", "- item two", "1. first", "   continued", "> quoted", "```", "~~~", "code line",
    "<div>", "</div>", "[a]: /target", "[b]: /other 'T'", "See [a] here.", "and [b][] too", "`code`",
    "*emphasis*", "| a | b |", "---", "Setext", "===", "\tindented", "    code", "text\r", "Plain words here.",
])
TEXTS = st.lists(LINES, max_size=30).map("\n".join)


@given(st.lists(TEXTS, min_size=1, max_size=3))
def test_plain_pieces_at_once_on_generated_text(texts: list[str]) -> None:
    check_same(texts)


@given(TEXTS, st.lists(st.tuples(st.integers(0, 29), LINES), max_size=4))
def test_plain_pieces_at_once_on_edited_versions(text: str, edits: list[tuple[int, str]]) -> None:
    versions = [text]
    lines = text.split("\n")
    for at, line in edits:
        lines = [*lines[:at], line, *lines[at:]]
        versions.append("\n".join(lines))
    check_same(versions)


@pytest.mark.parametrize("texts", [
    ["Plain.\n\n## A\n\nText.\n\nText.\n"],
    ["```\nfenced\n\nPlain inside the fence.\n\n```\n\nAfter.\n"],
    ["<div>\n\nPlain inside HTML.\n\n</div>\n\nAfter.\n", "<div>\n\nPlain inside HTML, edited.\n\n</div>\n"],
    ["Uses [a].\n\nPlain.\n\n[a]: /x\n", "Uses [a].\n\nPlain, edited.\n\n[a]: /y\n"],
    ["# T\n\nOne.\n\nTwo.\n", "# T\n\nOne.\n\nTwo, edited.\n", "# T\n\nOne.\n\nTwo, edited.\n\n- a\n- b\n"],
])
def test_plain_pieces_at_once_on_edge_cases(texts: list[str]) -> None:
    check_same(texts)


def test_plain_pieces_at_once_on_the_benchmark_essays() -> None:
    sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
    try:
        import bench_diff
    finally:
        sys.path.remove(str(ROOT / "tests" / "benchmarks"))
    essay = bench_diff.make_essay(10_000, seed=10_000)
    edited, _ = bench_diff.edit_essay(essay, seed=10_001)
    check_same([essay.text(), edited.text()])


@pytest.mark.slow
def test_plain_pieces_at_once_on_the_rfc_corpus(tmp_path: Path) -> None:
    repo = clone_corpus(tmp_path / "rfcs")
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        versions = _versions(repo, path)
        assert len(versions) >= 100
        check_same(versions[::-1])  # oldest first, as log reads them
        check_same(versions[:40])  # newest first


# ---------------------------------------------------------------- chunk_facts


def _plain_chunk_facts(text: str, blocks: tuple[Block, ...]) -> ChunkFacts:
    """:func:`chunk_facts` as it was: every chunk through the loop over its blocks, with
    the offsets of its lines."""
    facts = chunk_facts(text, ())  # its offsets (no block: the loop below alone builds the rest)
    lead: list[Block] = []
    heads: list[tuple[Block, list[Block]]] = []
    current = lead
    for block in blocks:
        if block.kind == "heading":
            current = []
            heads.append((block, current))
        else:
            current.append(block)
    return ChunkFacts(facts.offsets, _segment(lead), tuple((h, _segment(after)) for h, after in heads))


def check_facts(texts: list[str]) -> int:
    """Each chunk's facts against the loop's: the same but for a chunk of one paragraph,
    which has no offsets; and the documents' sections placed as the plain parse places them
    (:mod:`tests.plain_parse`), which would read them if it needed them."""
    chunks.clear_chunk_cache()
    single = 0
    for text in texts:
        found_texts, _, found = chunks.read_chunks(text)
        for piece, chunk in zip(found_texts, found):
            single += len(chunk.blocks) == 1
            got, want = chunk_facts(piece, chunk.blocks), _plain_chunk_facts(piece, chunk.blocks)
            if len(chunk.blocks) == 1 and chunk.blocks[0].kind == "paragraph":
                assert got.offsets == [] and (got.lead, got.heads) == (want.lead, want.heads), piece
            else:
                assert got == want, piece
    chunks.clear_chunk_cache()
    for text in texts:
        assert_parsed_as_plain(text)
    return single


@given(st.lists(TEXTS, min_size=1, max_size=2))
def test_chunk_facts_on_generated_text(texts: list[str]) -> None:
    check_facts(texts)


@pytest.mark.parametrize("text", ["# T\n", "# T", "Para.\n\n\n", "- a\n- b\n", "> q\n", "```\nx\n", "",
                                  "Para\nover lines\n\n", "    code\n", "<div>\n", "Title\n===\n", "| a |\n|---|\n"])
def test_chunk_facts_on_edge_cases(text: str) -> None:
    check_facts([text])


@pytest.mark.slow
def test_chunk_facts_on_the_rfc_corpus(tmp_path: Path) -> None:
    repo = clone_corpus(tmp_path / "rfcs")
    assert check_facts(_versions(repo, "README.md") + _versions(repo, "text/3537-msrv-resolver.md")) > 1000
