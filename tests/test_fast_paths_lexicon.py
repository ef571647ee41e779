"""The aligner's similarity tokens read at C speed are the regex's tokens.

:func:`reviewtool.diff.lexicon.tokens` reads ASCII text with one ``bytes.translate`` that
lowers the capitals and turns every other character but letters and digits into a space,
then ``str.split`` (was: ``str.lower``, then ``str.translate`` to spaces, then the split).
:func:`reviewtool.diff.lexicon.plain_tokens` is the definition, the regex over the
lowercase text. Compared on every ASCII character alone and between letters, on hypothesis
text (ASCII, and mixed with characters whose lowercase is ASCII or longer), on bench_diff's
generated essays and on every section of the RFC corpus's longest histories; and so is
:func:`reviewtool.diff.lexicon.content_set`'s cut of ASCII text as bytes, its words stemmed
through a table of their bytes, by :func:`reviewtool.diff.lexicon.stem`, whose rules are
picked by the word's last letter (was: the four asked in order, kept here as the reference).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import lexicon
from reviewtool.diff.lexicon import clear_stems, content_set, plain_tokens, stem, tokens
from reviewtool.draft.document import parse
from reviewtool.draft.text_rules import STOPWORDS
from tests.benchmarks.bench_diff import edit_essay, make_essay
from tests.gitutil import clone_corpus, followed_texts


def _reference_stem(word: str) -> str:
    """:func:`reviewtool.diff.lexicon.stem` as it was: the four rules asked in order."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word[:lexicon.STEM_LENGTH]


def _same(text: str) -> None:
    assert tokens(text) == plain_tokens(text), repr(text)


def _reference_content_set(text: str) -> frozenset[str]:
    return frozenset(_reference_stem(w) for w in plain_tokens(text) if len(w) >= 2 and w not in STOPWORDS)


def test_every_ascii_character_alone_and_between_letters():
    for c in map(chr, range(128)):
        for text in (c, f"Ab{c}cD", f"{c}x{c}", f"Q {c}{c} 9"):
            _same(text)


def test_text_whose_lowercase_is_ascii_or_longer():
    # The Kelvin sign lowers to "k"; the dotted capital I lowers to two characters.
    for text in ("\u212a", "A\u212aB c", "\u0130stanbul Is", "Stra\u00dfe STRASSE", "\u00c9t\u00e9 \u00e9T\u00c9"):
        _same(text)


_ASCII = st.text(alphabet=st.characters(max_codepoint=127), max_size=200)
_MIXED = st.text(alphabet=st.sampled_from([*"aZ09 _-'.,\n\t\x0b\x1c\x1f", "\u212a", "\u0130", "\u00e9", "\u00c9",
                                            "\u00df", "\u0301", "\u00a0", "\u2019", "\u03a3"]), max_size=80)


@given(_ASCII)
def test_ascii_text_is_the_regex(text: str):
    _same(text)
    assert content_set(text) == _reference_content_set(text)


def test_ascii_content_words_through_the_bytes_table(monkeypatch: pytest.MonkeyPatch):
    """ASCII text's words are looked up as bytes (:data:`lexicon._ASCII_STEMS`), filled by the
    rule of the stems of the words as strings (was: from their table); forgotten with them, and
    emptied when full, as they are."""
    clear_stems()
    text = "Models modeling, the MODEL's 2 models: diversity diverse; a b cd"
    assert content_set(text) == _reference_content_set(text) == frozenset({"model", "divers", "cd"})
    assert {w.encode(): lexicon._STEMS[w] for w in tokens(text)} == lexicon._ASCII_STEMS
    clear_stems()
    assert not lexicon._ASCII_STEMS and not lexicon._STEMS
    monkeypatch.setattr(lexicon, "_STEMS_MAX", 3)
    for word in ("alpha", "beta", "gamma", "delta", "epsilon"):
        assert content_set(word) == frozenset({stem(word)})
        assert len(lexicon._ASCII_STEMS) <= 3
    clear_stems()


@given(_MIXED)
def test_mixed_text_is_the_regex(text: str):
    _same(text)
    assert content_set(text) == _reference_content_set(text)


def _section_texts(text: str) -> list[str]:
    doc = parse(text)
    return [t for s in doc.sections for t in (s.title, s.plain, s.title + "\n" + s.plain, doc.body_text(s))]


@pytest.mark.parametrize("size", [3000, 10000])
def test_generated_essays(size: int):
    essay = make_essay(size, seed=size)
    edited, _truth = edit_essay(essay, seed=size + 1)
    for text in (essay.text(), edited.text()):
        _same(text)
        for piece in _section_texts(text):
            _same(piece)
            assert content_set(piece) == _reference_content_set(piece)


@pytest.mark.slow
def test_rfc_corpus_sections(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    seen: set[str] = set()
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        for text in followed_texts(repo, path):
            for piece in (text, *_section_texts(text)):
                if piece not in seen:
                    seen.add(piece)
                    _same(piece)
                    assert content_set(piece) == _reference_content_set(piece)
    assert len(seen) > 300


def test_stem_by_last_letter_is_the_rules_in_order():
    endings = ["", "s", "ies", "ing", "ed", "ss", "us", "is", "es", "ings", "ied", "g", "d", "y", "sing", "ssed"]
    for stem_part in ("", "a", "ab", "abc", "abcd", "abcdef", "abcdefgh", "\u00e9t\u00e9"):
        for ending in endings:
            word = stem_part + ending
            assert stem(word) == _reference_stem(word), word


@given(st.text(alphabet=st.sampled_from([*"abdegins", "\u00e9"]), max_size=12))
def test_stem_of_hypothesis_words(word: str):
    assert stem(word) == _reference_stem(word)
