"""A document's keys and nesting kept by its shape, the aligner's facts read from them, and
the fingerprints of the sections a version takes from the version parsed before it.

:func:`reviewtool.draft.document.parse` nests a version's sections once per distinct shape
(each section's kind, level and title: :class:`reviewtool.draft.document.Outline`, kept in
``document._OUTLINES``), and :class:`reviewtool.diff.section_facts.DocumentFacts` reads its
keys' indices, parents, children, subtrees, normalised titles and trusted keys from that
outline. Each is compared here with the code it replaced: the outline with one read from the
sections as they are, and the facts with the per-document computation they had (kept below),
on generated Markdown (documents of one shape with other words, repeated titles, outline
lists, front matter), on stored documents read back, and on the RFC corpus's long histories.
A version's sections taken from the walk of the version parsed before
(:func:`reviewtool.draft.assembly.walk_sections`) take that version's fingerprint hashes; they
are compared with each section's fingerprint hashed, on edited texts and on the corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtool.diff.section_facts import DocumentFacts
from reviewtool.draft import document, stored_document
from reviewtool.draft.document import Document, Outline, fingerprint_hash, parse, slugify
from tests.plain_parse import plain_parse
from tests.test_assembly import EDIT_LINES, OUTLINE_LINES, _histories, edited_pair, facts
from tests.test_chunks import LINES, LIST_LINES


def _plain_trusted(doc: Document, parent: list[int | None]) -> list[bool]:
    """DocumentFacts._trusted_keys as it was."""
    natural: list[str] = []
    for s in doc.sections:
        if s.kind in ("frontmatter", "preamble"):
            natural.append(s.key)
        else:
            natural.append(f"{s.parent}/{slugify(s.title)}" if s.parent else slugify(s.title))
    uses: dict[str, int] = {}
    for base in natural:
        uses[base] = uses.get(base, 0) + 1
    trusted: list[bool] = []
    for i, s in enumerate(doc.sections):
        p = parent[i]
        trusted.append(s.key == natural[i] and uses[natural[i]] == 1 and (p is None or trusted[p]))
    return trusted


def _plain_outlineish(doc: Document, s: document.Section) -> bool:
    if s.kind == "outline" or s.body_kind == "outline":
        return True
    if s.kind == "heading" and s.body_kind == "empty":
        return any(doc.by_key[k].kind == "outline" for k in s.children)
    return False


def plain_facts(doc: Document) -> dict:
    """What DocumentFacts computed per document before it read the outline."""
    secs = doc.sections
    index = {s.key: i for i, s in enumerate(secs)}
    parent = [index.get(s.parent) if s.parent else None for s in secs]
    subtree_end = list(range(1, len(secs) + 1))
    for i in range(len(secs) - 1, -1, -1):
        p = parent[i]
        if p is not None:
            subtree_end[p] = max(subtree_end[p], subtree_end[i])
    return {
        "index": index,
        "ntitle": [" ".join(s.title.split()) for s in secs],
        "outlineish": [_plain_outlineish(doc, s) for s in secs],
        "proseish": [s.kind in ("heading", "preamble") and s.body_kind == "prose" for s in secs],
        "parent": parent,
        "kids": [[index[k] for k in s.children] for s in secs],
        "trusted": _plain_trusted(doc, parent),
        "subtree_end": subtree_end,
    }


def fast_facts(doc: Document) -> dict:
    f = DocumentFacts(doc)
    return {"index": f.index, "ntitle": list(f.ntitle), "outlineish": list(f.outlineish),
            "proseish": list(f.proseish), "parent": list(f.parent), "kids": [list(k) for k in f.kids],
            "trusted": list(f.trusted), "subtree_end": list(f.subtree_end)}


def _outline_fields(outline: Outline) -> tuple:
    return (outline.shape, outline.keys, outline.parents, outline.child_keys, outline.children,
            outline.subtree_end, outline.index, outline.titles, outline.trusted, outline.has_outline_child)


def check(text: str) -> None:
    doc = parse(text)
    # The outline kept by shape is the one read from the sections it gave.
    assert _outline_fields(doc.outline) == _outline_fields(Outline.of_sections(doc.sections)), text
    assert fast_facts(doc) == plain_facts(doc), text
    # Read back from the cache: the outline is read from the stored sections.
    stored = stored_document.dump(doc)
    assert stored is not None
    loaded = stored_document.load(*stored, text, None)
    assert loaded is not None and "outline" not in loaded.__dict__
    assert fast_facts(loaded) == plain_facts(loaded) == plain_facts(doc)


HEADS = ["", "---\ntitle: T\n---\n", "\ufeff"]
#: Titles that repeat and nest: namesakes, slugs that collide, empty titles.
TITLE_LINES = ["# Copper", "## Copper", "## copper", "### Copper!", "# Tin", "## Tin-1", "## Tin 1", "#", "## ",
               "- Copper", "- Tin", "  - sub", "Text of a body.", "", ""]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(OUTLINE_LINES + LINES + LIST_LINES + TITLE_LINES), max_size=40),
       st.sampled_from(HEADS))
def test_outline_and_facts_equal_the_plain_ones(lines: list[str], head: str):
    check(head + "\n".join(lines) + "\n")


@settings(max_examples=200)
@given(st.lists(st.sampled_from(TITLE_LINES + OUTLINE_LINES), min_size=1, max_size=30),
       st.lists(st.sampled_from(["Other words.", "More text here, and more.", "", "- x", "`code`"]),
                min_size=1, max_size=5),
       st.sampled_from(HEADS))
def test_documents_of_one_shape(lines: list[str], bodies: list[str], head: str):
    """A document read after another of the same shape (its headings the same, its bodies not)
    takes the kept outline: the same sections as the plain parse, with their own spans and words
    with children; with the outlines forgotten, the same again."""
    text = head + "\n".join(lines) + "\n"
    other = head + "\n".join(line if line.startswith("#") else bodies[i % len(bodies)]
                             for i, line in enumerate(lines)) + "\n"
    for first, second in ((text, other), (other, text)):
        parse(first)
        kept = parse(second)
        assert facts(kept) == facts(plain_parse(second)), second
        document._OUTLINES.clear()
        assert facts(parse(second)) == facts(kept)
        assert fast_facts(kept) == plain_facts(kept)


def plain_hashes(doc: Document) -> list[str]:
    """Each section's fingerprint hashed (what Document.fingerprint_hashes holds)."""
    return [fingerprint_hash(doc.fingerprint(s)) for s in doc.sections]


def _parse_taking(text: str) -> tuple[Document, bool]:
    """The parse of *text*, and whether it took fingerprints from the document parsed before."""
    doc = parse(text)
    return doc, "_known_fingerprints" in doc.__dict__


@settings(max_examples=300)
@given(st.lists(st.sampled_from(OUTLINE_LINES + LIST_LINES + TITLE_LINES), max_size=30),
       st.lists(st.tuples(st.integers(0, 40), st.integers(0, 2), st.lists(st.sampled_from(EDIT_LINES), max_size=3)),
                min_size=1, max_size=3),
       st.sampled_from(["", "---\ntitle: T\n---\n", "---\ntitle: Other\n---\n", "\ufeff"]),
       st.sampled_from(["", "---\ntitle: T\n---\n", "\ufeff"]))
def test_fingerprints_taken_from_the_version_before(lines: list[str], edits: list[tuple[int, int, list[str]]],
                                                    head: str, edited_head: str):
    """A version parsed right after another, whose fingerprint hashes were asked for, has
    each section's own fingerprint hashed (front matter changed or not, byte order marks
    on one side only); and one parsed after a version whose hashes were not asked for too."""
    text, changed = edited_pair(lines, edits, head, edited_head)
    for before, after in ((text, changed), (changed, text), (text, text)):
        first = parse(before)
        assert first.fingerprint_hashes == plain_hashes(first)
        doc, _ = _parse_taking(after)
        assert doc.fingerprint_hashes == plain_hashes(doc), (before, after)
        parse(before)  # its hashes not asked for: nothing to take
        doc, took = _parse_taking(after)
        assert not took and doc.fingerprint_hashes == plain_hashes(doc)


@pytest.mark.slow
def test_the_rfc_corpus_long_histories(tmp_path: Path):
    """Every version of the corpus's files with many versions, read in order as ``log`` reads
    them: the facts read from the kept outlines equal the plain ones, and the fingerprint
    hashes taken from the version before are each section's own."""
    checked = took = 0
    for versions in _histories(tmp_path):
        if len(versions) < 60:
            continue
        for text in versions:
            doc, taking = _parse_taking(text)
            took += taking
            assert doc.fingerprint_hashes == plain_hashes(doc)
            assert fast_facts(doc) == plain_facts(doc)
            checked += 1
    assert checked > 300, checked
    assert took > 300, took
