"""The markup check's "did words change" answered without cutting texts whose words cannot be
the same, compared with the cut.

:func:`reviewtool.diff.markup._words_changed` says two ASCII texts differ in words when they
hold different numbers of characters that are not whitespace, and cuts them at whitespace
(``_words``, as before) otherwise; for one section a side under the same title it compares
the two plain texts so, without joining each title to its text (the title's words come first
on both sides). Compared on hypothesis documents (whitespace of every kind
``str.split`` knows, ASCII and not, titles, front matter, reflowed text), on every pair of
sections of bench_diff's essays and on the changed pairs of the RFC corpus's longest histories.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import markup
from reviewtool.diff.align import align
from reviewtool.draft.document import Document, Section, parse
from tests.benchmarks.bench_diff import edit_essay, make_essay
from tests.gitutil import clone_corpus, git


def _same(old_doc: Document, old: list[Section], new_doc: Document, new: list[Section]) -> None:
    expected = markup._words(old_doc, old) != markup._words(new_doc, new)
    assert markup._words_changed(old_doc, old, new_doc, new) is expected


def _all_pairs(old_doc: Document, new_doc: Document) -> None:
    for a in old_doc.sections:
        for b in new_doc.sections:
            _same(old_doc, [a], new_doc, [b])
    _same(old_doc, list(old_doc.sections), new_doc, list(new_doc.sections))


_BITS = ["a", "B", "word", "x-y", "don't", ".", ",", "*", "`", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\x0b", "\x0c",
         "\x1c", "\x1f", "\x85", "\xa0", "\u2003", "\u3000", "é", "\u212a", "[l](http://x.y)", "## ", "- "]
_BODY = st.lists(st.sampled_from(_BITS), max_size=40).map("".join)


def _doc(title: str, body: str, front: bool) -> Document:
    head = "---\ntitle: t\n---\n\n" if front else ""
    return parse(f"{head}# Top\n\n## {title}\n\n{body}\n")


@given(st.sampled_from(["T", "Two words", "T\u00e9"]), _BODY, st.sampled_from(["T", "Two  words", "Other"]), _BODY,
       st.booleans())
def test_hypothesis_documents(title_a: str, body_a: str, title_b: str, body_b: str, front: bool):
    a, b = _doc(title_a, body_a, front), _doc(title_b, body_b, not front)
    _all_pairs(a, b)
    _all_pairs(a, a)


def test_reflowed_and_respaced_text_has_the_same_words():
    a = _doc("T", "one two three\nfour five", False)
    b = _doc("T", "one two\nthree four\tfive", False)
    c = _doc("T", "one two thre efour five", False)  # as many characters, other words
    assert not markup._words_changed(a, a.sections, b, b.sections)
    assert markup._words_changed(a, a.sections, c, c.sections)
    _all_pairs(a, b)
    _all_pairs(a, c)


@pytest.mark.parametrize("size", [3000, 10000])
def test_generated_essays(size: int):
    essay = make_essay(size, seed=size)
    edited, _truth = edit_essay(essay, seed=size + 1)
    old_doc, new_doc = parse(essay.text()), parse(edited.text())
    for pair in align(old_doc, new_doc).pairs:
        _same(old_doc, pair.old, new_doc, pair.new)
    _all_pairs(old_doc, new_doc)


@pytest.mark.slow
def test_rfc_corpus_pairs(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    compared = 0
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        commits = git(repo, "log", "--format=%H", "--", path).split()
        texts = [git(repo, "show", f"{c}:{path}") for c in reversed(commits)]
        for old_text, new_text in itertools.pairwise(texts):
            old_doc, new_doc = parse(old_text), parse(new_text)
            for pair in align(old_doc, new_doc).pairs:
                _same(old_doc, pair.old, new_doc, pair.new)
                compared += 1
    assert compared > 300


@given(st.sampled_from(["T", "Two words", "T\u00e9", ""]), _BODY, _BODY)
def test_one_section_a_side_under_one_title(title: str, body_a: str, body_b: str):
    """The shortcut's own case: one section a side, the same title, any two bodies."""
    a, b = _doc(title, body_a, False), _doc(title, body_b, False)
    same_titles = [(sa, sb) for sa in a.sections for sb in b.sections if sa.title == sb.title]
    assert same_titles  # the title given, at least
    for sa, sb in same_titles:
        _same(a, [sa], b, [sb])
