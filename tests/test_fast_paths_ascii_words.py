"""The word regexes compiled for ASCII text find exactly what the full ones find there.

:class:`reviewtool.draft.text_rules.WordRegex` compiles each regex built around the word
pattern twice: at once with :data:`~reviewtool.draft.text_rules.ASCII_WORD_PATTERN` (classes
without the Unicode combining marks and ``’``, which no ASCII text holds), and with the full
:data:`~reviewtool.draft.text_rules.WORD_PATTERN` on the first text that is not ASCII. Each
regex of the product is compared, both ways it is used (``findall``, ``split``, ``search``),
on hypothesis ASCII text biased to word edges (apostrophes, hyphens, underscores, digits,
markup), on named edge cases and on every version of the RFC corpus's longest histories;
and texts that are not ASCII get the full regex. Texts that are not ASCII but hold no
combining mark get the regex compiled with
:data:`~reviewtool.draft.text_rules.UNMARKED_WORD_PATTERN` (``’`` kept, the marks' class left
out) until the full one is compiled: compared alike, on hypothesis Unicode text without marks
and on the corpus's pieces that are not ASCII.
"""

from __future__ import annotations

import re
import string
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import word_cleanup, word_tokens
from reviewtool.draft import text_rules
from reviewtool.draft.text_rules import (
    ASCII_WORD_PATTERN,
    UNMARKED_WORD_PATTERN,
    WORD_PATTERN,
    WordRegex,
    count_words,
    unmarked,
)
from tests.gitutil import clone_corpus, git

#: Every regex of the product built around the word pattern.
REGEXES = {"tokens": word_tokens.TOKEN, "units": word_tokens._UNIT, "words": text_rules.WORD_REGEX}

EDGES = ["", "a", "_", "'", "-", "a'", "'a", "a-", "-a", "a_b", "_a_", "a'b-c", "9", "9'9", "x--y", "''",
         "don't", "well-known", "snake_case_word", "__init__", "a\tb\nc", "[link](text/0001-x.md)",
         "**bold**_em_", "- item\n  - sub", "`code`", "a.b,c;d:e!f?g", "1,000.50", "'quoted'", "a\x00b",
         "\x7f\x1b[31m", "word-", "-word-", "x'", "e\u0301", "caf\u00e9", "it\u2019s", "\u00e9t\u00e9"]

ascii_text = st.text(alphabet=st.sampled_from(list(string.ascii_letters[:6] + string.digits[:3] + "_'- \n\t.,[]()*`#")),
                     max_size=80)


def _same(text: str) -> None:
    assert text.isascii()
    for name, regex in REGEXES.items():
        fast, full = regex(text), regex.full
        assert fast is regex.ascii, name
        assert fast.findall(text) == full.findall(text), (name, text)
        assert fast.split(text) == full.split(text), (name, text)
        found, expected = fast.search(text), full.search(text)
        assert (found and found.span()) == (expected and expected.span()), (name, text)


@pytest.mark.parametrize("text", [t for t in EDGES if t.isascii()])
def test_named_edge_cases_match_alike(text):
    _same(text)


@given(ascii_text)
def test_hypothesis_ascii_text_matches_alike(text):
    _same(text)


def _same_unmarked(text: str) -> None:
    assert unmarked(text)
    for name, regex in REGEXES.items():
        fast, full = regex.unmarked, regex.full
        assert fast.findall(text) == full.findall(text), (name, text)
        assert fast.split(text) == full.split(text), (name, text)
        found, expected = fast.search(text), full.search(text)
        assert (found and found.span()) == (expected and expected.span()), (name, text)


def _is_mark(ch: str) -> bool:
    return ch <= "\uffff" and unicodedata.category(ch)[0] == "M"


#: Unicode text without combining marks, biased to word edges: letters and digits of other
#: scripts, curly quotes, dashes, astral characters (an astral mark is no mark of MARKS).
unmarked_text = st.text(alphabet=st.one_of(
    st.sampled_from(list("ab9_'- \n.,’‘“”—–éßЖא中١²Ⅰ𝐀𝅧")),
    st.characters(blacklist_categories=("Mn", "Mc", "Me", "Cs"))), max_size=60)


@pytest.mark.parametrize("text", [t for t in EDGES if not t.isascii() and not any(map(_is_mark, t))])
def test_named_unmarked_cases_match_alike(text):
    _same_unmarked(text)


@given(unmarked_text)
def test_hypothesis_unmarked_text_matches_alike(text):
    if not any(map(_is_mark, text)):  # a surrogate-free text of no M category can still be drawn
        _same_unmarked(text)


@pytest.mark.parametrize("text", ["e\u0301", "na\u0308ive \u2019", "\u0939\u093f\u0928\u094d\u0926\u0940"])
def test_a_combining_mark_is_found(text):
    assert not unmarked(text)


def test_the_regex_for_each_kind_of_text():
    regex = WordRegex(r"({word}|\S)")
    assert regex("plain ascii") is regex.ascii and regex._unmarked is None and regex._full is None
    assert regex("it\u2019s caf\u00e9") is regex.unmarked and regex._full is None
    assert regex("x" * 20_001 + "\u2019") is regex.full  # too long to check: the full regex
    fresh = WordRegex(r"({word}|\S)")
    assert fresh("cafe\u0301") is fresh.full
    assert fresh("it\u2019s") is fresh.full  # once compiled, the full regex serves every text
    assert re.fullmatch(UNMARKED_WORD_PATTERN, "it\u2019s") and not re.fullmatch(UNMARKED_WORD_PATTERN, "e\u0301")


@pytest.mark.parametrize("text", [t for t in EDGES if not t.isascii()])
def test_text_that_is_not_ascii_gets_a_regex_that_matches_alike(text):
    for name, regex in REGEXES.items():
        got = regex(text)
        assert got in (regex.unmarked, regex.full), name
        assert got.findall(text) == regex.full.findall(text), (name, text)
    # The full pattern keeps a combining mark and a curly apostrophe inside a word.
    assert re.fullmatch(WORD_PATTERN, "e\u0301") and re.fullmatch(WORD_PATTERN, "it\u2019s")
    assert not re.fullmatch(ASCII_WORD_PATTERN, "it\u2019s")


@pytest.mark.parametrize("text", [*EDGES, "(word), [other]; 'quoted' -dash- x_y caf\u00e9 " * 5,
                                  "(word), [other]; 'quoted' -dash- x_y it's " * 5])
def test_count_words_counts_what_the_full_pattern_finds(text):
    # count_words reaches the word regex for short texts and for the hard pieces of longer
    # ones (ASCII or not): always the count of the product's word definition.
    assert count_words(text) == len(re.findall(WORD_PATTERN, text))


def test_a_regex_compiles_its_full_pattern_only_when_asked():
    assert word_cleanup._WORD is text_rules.WORD_REGEX  # one word regex for counting and clean-up
    regex = WordRegex(r"({word}|\S)")
    assert regex("plain ascii") is regex.ascii and regex._full is None
    assert regex("cafe\u0301") is regex.full is regex._full


def _versions(repo: Path, path: str) -> list[str]:
    shas = git(repo, "log", "--follow", "--format=%H", "--", path).split()
    names = git(repo, "log", "--follow", "--format=", "--name-only", "--", path).split()
    return [git(repo, "show", f"{sha}:{name}") for sha, name in zip(shas, names)]


def test_every_version_of_the_rfc_corpus_matches_alike(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    texts = [*_versions(repo, "README.md"), *_versions(repo, "text/3537-msrv-resolver.md")]
    assert len(texts) > 250
    for text in texts:
        pieces = [text, *text.split("\n\n")]
        for piece in pieces:
            if piece.isascii():
                _same(piece)
            elif unmarked(piece):
                _same_unmarked(piece)
