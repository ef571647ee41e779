"""A section's fingerprint read without cutting its body into words is the split and join.

:func:`reviewtool.draft.document.normalised_space` reads ASCII text whose only whitespace is
spaces and newlines by its lines (the non-empty ones joined by spaces, no two spaces left
together, none at either end) instead of ``" ".join(raw.split())``, the definition. Compared on every ASCII whitespace character, on hypothesis text (runs of spaces
and newlines, the other whitespace, non-ASCII spaces), on every section body of bench_diff's
generated essays and of the RFC corpus's longest histories; and the fingerprint hashes of
those documents are those of the definition.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.draft import document
from reviewtool.draft.document import Document, fingerprint_hash, normalised_space, parse
from tests.benchmarks.bench_diff import edit_essay, make_essay
from tests.gitutil import clone_corpus, followed_texts


def _same(raw: str) -> None:
    assert normalised_space(raw) == " ".join(raw.split()), repr(raw)


def _check_document(doc: Document) -> None:
    """Every section's fingerprint and hash are those of the definition (fresh, not from the cache)."""
    document._FINGERPRINTS.clear()
    doc.__dict__.pop("fingerprint_hashes", None)
    doc.__dict__.pop("_known_fingerprints", None)
    for s, got in zip(doc.sections, doc.fingerprint_hashes):
        raw = doc.own_text(s) if s.kind == "frontmatter" else doc.body_text(s)
        _same(raw)
        assert doc.fingerprint(s) == " ".join(raw.split())
        assert got == fingerprint_hash(" ".join(raw.split()))


def test_the_other_ascii_whitespace_is_what_split_cuts_at():
    spaces = [c for c in map(chr, range(128)) if c.isspace()]
    assert sorted(spaces) == sorted(" \n" + document._OTHER_ASCII_SPACE)


def test_every_ascii_character_between_words_and_at_the_ends():
    for c in map(chr, range(128)):
        for raw in (c, f"a{c}b", f"{c}a{c}{c}b{c}", f"\n\na{c}\n\nb\n", f" a {c} b  ", f"a\n\n\n{c}b"):
            _same(raw)


_RAW = st.text(alphabet=st.sampled_from([*"ab. ", " ", "\n", "\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1f",
                                         "\u00a0", "\u2028", "\u3000", "\u00e9", "\x85"]), max_size=60)
_ASCII = st.text(alphabet=st.characters(max_codepoint=127), max_size=100)


@given(_RAW)
def test_hypothesis_whitespace(raw: str):
    _same(raw)


@given(_ASCII)
def test_hypothesis_ascii(raw: str):
    _same(raw)


@pytest.mark.parametrize("size", [3000, 10000])
def test_generated_essays(size: int):
    essay = make_essay(size, seed=size)
    edited, _truth = edit_essay(essay, seed=size + 1)
    for text in (essay.text(), edited.text()):
        _same(text)
        _check_document(parse(text))


@pytest.mark.slow
def test_rfc_corpus_sections(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    seen: set[str] = set()
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        for text in followed_texts(repo, path):
            if text not in seen:
                seen.add(text)
                _check_document(parse(text))
    assert len(seen) > 300
