"""The markup check of a pair whose words changed, answered from the changed blocks' characters
when they can hold none of the markup it names then, compared with the markup read.

:func:`reviewtool.diff.markup._words_explain` says that a pair's changed blocks need not be
read (parsed, or looked up in the chunks and stored pieces) when one side has no ``](``,
``]:`` nor ``<`` (so no links and no definitions), one side has no fence, and every list
marker either side may hold is of one kind. Each of those three claims is checked against
markdown-it's parse of hypothesis Markdown biased to their edge cases (markers after quotes,
indentation, other markers and carriage returns; numbers with ``.`` and ``)``; links, images,
autolinks and definitions; ``](`` in code spans; fences of both kinds), and the whole check
with the shortcut against the check without it on the changed pairs of the RFC corpus.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import markup
from reviewtool.diff.align import align
from reviewtool.draft.document import parse
from tests.gitutil import clone_corpus, git

_BITS = ["a", "word", " ", "  ", "   ", "    ", "\t", "\n", "\n\n", "\r", "\r\n", ">", "> ", "- ", "* ", "+ ", "-",
         "*", "+", "1. ", "2) ", "1.", "10)", "123456789. ", "1234567890. ", "#", "## ", "`", "```", "~~~", "```rust",
         "_", "**", "[x]", "[x](http://a.b)", "![i](p.png)", "[x][y]", "[y]: http://c.d", "]:", "](", "<http://e.f>",
         "<b>", "&amp;", "\\", "|", "---", "***", "\xa0", "\u2003", "é"]
_TEXT = st.lists(st.sampled_from(_BITS), max_size=40).map("".join)


#: Where a list item's marker may be, as :func:`reviewtool.diff.markup._marker_kinds` found it
#: before (the reference): a bullet, or a number's ``.`` or ``)`` (group 2), after a line's start,
#: whitespace or a quote's ``>``, before a space, a tab or the line's end.
_MAY_MARK = re.compile(r"(?:^|(?<=[\s>]))([-*+]|\d{1,9}([.)]))(?=[ \t\r\n]|\Z)", re.M)


def _kinds(text: str) -> set[str]:
    return {m.group(2) or m.group(1) for m in _MAY_MARK.finditer(text)}


@given(_TEXT)
def test_every_list_marker_is_one_the_pattern_finds(text: str):
    found = markup.parsed_features(text)
    assert {marker[-1] for marker in found.list_markers} <= _kinds(text)


@pytest.mark.parametrize("text", ["-\r", "x\r\r-\ra", "1)\r\n", "- - + x", ">-\tx", "> 1. a\n>  * b", "\t-\tx",
                                  "   + x", "    - code", "- a\n  * b\n    1) c", "123456789) x", "1234567890) x",
                                  "* * *", "-", "a\n- b", "a\n2. b", "\xa0- x", "\u2003* x"])
def test_markers_at_their_edges(text: str):
    found = markup.parsed_features(text)
    assert {marker[-1] for marker in found.list_markers} <= _kinds(text)


@given(_TEXT)
def test_a_text_without_link_syntax_has_no_links_nor_definitions(text: str):
    found = markup.parsed_features(text)
    if markup._no_links(text):
        assert found.links == ()
        assert not found.references


@given(_TEXT)
def test_a_text_without_a_fence_string_has_no_fences(text: str):
    if markup._no_fences(text):
        assert markup.parsed_features(text).fences == ()


@given(_TEXT, _TEXT)
def test_a_pair_the_words_explain_has_no_markup_named(old: str, new: str):
    if markup._words_explain(old, new):
        assert markup._kinds_of(markup.parsed_features(old), markup.parsed_features(new), True) == []


def test_examples_by_name():
    assert markup._words_explain("- a\n- b\n", "- a\n- c\n- d\n")
    assert not markup._words_explain("- a\n", "* a\n")  # two kinds of marker
    assert not markup._words_explain("1. a\n", "1) a\n")
    assert markup._words_explain("1. a\n", "2. b\n")
    assert not markup._words_explain("[a](x)\n", "[a](y) b\n")  # a link on both sides
    assert markup._words_explain("[a](x)\n", "[a] b\n")  # one side has none
    assert not markup._words_explain("```\nx\n```\n", "~~~\ny\n~~~\n")
    assert markup._words_explain("```\nx\n```\n", "y\n")
    assert markup._kinds_of(markup.parsed_features("- a\n"), markup.parsed_features("* b\n"), True) == ["list markers"]


@pytest.mark.slow
def test_rfc_corpus_pairs_with_and_without_the_shortcut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    repo = clone_corpus(tmp_path / "rfcs")
    compared = explained = 0
    real = markup._words_explain
    asked: list[bool] = []

    def counting(old: str, new: str) -> bool:
        asked.append(real(old, new))
        return asked[-1]

    for path in ("README.md", "text/3537-msrv-resolver.md", "text/0000-template.md"):
        commits = git(repo, "log", "--format=%H", "--", path).split()
        texts = [git(repo, "show", f"{c}:{path}") for c in reversed(commits)]
        for old_text, new_text in itertools.pairwise(texts):
            old_doc, new_doc = parse(old_text), parse(new_text)
            for pair in align(old_doc, new_doc).pairs:
                monkeypatch.setattr(markup, "_words_explain", counting)
                fast = markup.plain_markup_changes(old_doc, pair.old, new_doc, pair.new)
                monkeypatch.setattr(markup, "_words_explain", lambda old, new: False)
                plain = markup.plain_markup_changes(old_doc, pair.old, new_doc, pair.new)
                assert fast == plain
                compared += 1
    explained = sum(asked)
    assert compared > 300
    assert explained > 20  # the shortcut was taken, and gave the same answer


# ---------------------------------------------------------------- the markers' kinds, found by their characters

#: What can be before or after a marker, or make a run of digits (decimal digits of other
#: scripts, a tenth digit), and whitespace of every kind ``\s`` and ``str.isspace`` name.
_MARK_BITS = ["-", "*", "+", ".", ")", "1", "12", "123456789", "0", "\u0663", "\U0001d7d9", "\u00b2", " ", "\t", "\n",
              "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2003", "\u2028", "\u3000", ">", "a", "x-", "(", "#", "_"]
_MARK_TEXT = st.lists(st.sampled_from(_MARK_BITS), max_size=30).map("".join)


@given(_MARK_TEXT)
def test_the_markers_kinds_are_the_patterns(text: str):
    assert markup._marker_kinds(text) == _kinds(text)


@given(_TEXT)
def test_the_markers_kinds_are_the_patterns_in_markdown(text: str):
    assert markup._marker_kinds(text) == _kinds(text)


@pytest.mark.parametrize("text", ["", "-", "- ", "a- ", " - ", ">- ", "x\n* a", "1.", "1. ", "a1. ", " 1) ",
                                  "123456789. ", "1234567890. ", " 1234567890) ", "\u0663. ", "\u00b2. ", "1.\r",
                                  "-\xa0", "\xa0- ", "\u2028+ x", "1.2. ", "x-\n- - +", "10.)", "9)\n8."])
def test_the_markers_kinds_at_their_edges(text: str):
    assert markup._marker_kinds(text) == _kinds(text)


@pytest.mark.slow
def test_the_markers_kinds_of_every_rfc_corpus_version(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        for commit in git(repo, "log", "--format=%H", "--", path).split():
            text = git(repo, "show", f"{commit}:{path}")
            for part in (text, *text.split("\n\n")):
                assert markup._marker_kinds(part) == _kinds(part)
