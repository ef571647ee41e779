"""Markup changes kept by what they read of a pair are the markup changes computed afresh,
and plain prose is found plain by three searches as by the one regex it replaced.

:func:`reviewtool.diff.markup.markup_changes` keeps its answer by the pair's kinds, levels,
titles, plain texts, sources and heading lines (a book repeats whole chapters); each call is
compared with :func:`reviewtool.diff.markup.plain_markup_changes` on the same pair, and the
diff JSON with nothing kept, on books that repeat themselves, hypothesis's mixes of twins
with markup, and the RFC corpus. A pair whose texts have no markup syntax on either side has
no markup changes without cutting its changed blocks: compared with the blocks cut and read.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtool.diff import markup, section_diff
from reviewtool.diff.align import clear_cache
from reviewtool.diff.diff_json import diff_json
from reviewtool.diff.section_diff import diff_documents
from reviewtool.draft.document import Document, Section, parse
from reviewtool.draft.markup_features import SYNTAX as _SYNTAX
from reviewtool.draft.markup_features import has_syntax as _has_syntax
from tests.gitutil import clone_corpus, git
from tests.test_fast_paths import WORDS, _corpus_book, _volumes


def _checked_and_fresh(old_text: str, new_text: str) -> tuple[int, int]:
    """Diff the texts with every kept answer checked against a fresh one, then compare the diff
    JSON with one computed with nothing kept; returns (calls, distinct pairs)."""
    calls: list[tuple[object, ...]] = []
    real = markup.markup_changes

    def checked(old_doc: Document, old: list[Section], new_doc: Document, new: list[Section]) -> list[str]:
        got = real(old_doc, old, new_doc, new)
        assert got == markup.plain_markup_changes(old_doc, old, new_doc, new)
        calls.append((markup._read_of(old_doc, old), markup._read_of(new_doc, new)))
        return got

    markup.clear_markup_changes()
    clear_cache()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(markup, "markup_changes", checked)
        kept = diff_json(diff_documents(parse(old_text), parse(new_text)))
        again = diff_json(diff_documents(parse(old_text), parse(new_text)))  # every answer kept now
    assert again == kept
    with pytest.MonkeyPatch.context() as m:
        m.setattr(markup, "markup_changes", markup.plain_markup_changes)
        clear_cache()
        assert diff_json(diff_documents(parse(old_text), parse(new_text))) == kept
    assert section_diff  # the module whose pairs ask
    return len(calls), len(set(calls))


def _marked(rng: random.Random, text: str) -> str:
    """*text* with markup put on some words: links, emphasis, code, list items, headings moved."""
    out = []
    for line in text.split("\n"):
        if line.startswith("### ") and rng.random() < 0.2:
            line = "#" + line
        elif line and not line.startswith("#") and rng.random() < 0.5:
            words = line.split()
            k = rng.randrange(len(words))
            words[k] = rng.choice([f"[{words[k]}](http://x/{k})", f"*{words[k]}*", f"`{words[k]}`"])
            line = " ".join(words)
            if rng.random() < 0.3:
                line = "- " + line
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("seed", range(4))
def test_books_that_repeat_themselves_keep_their_markup_changes(seed: int):
    rng = random.Random(seed)
    old_text = _volumes(rng, 4, 30)
    # The same markup in every volume, which repeats the essay: the pairs repeat too.
    word = rng.choice(WORDS)
    new_text = old_text.replace(f" {word} ", f" [{word}](http://x/{word}) ").replace(" policy", " *policy*")
    calls, distinct = _checked_and_fresh(old_text, new_text)
    assert distinct < calls  # twins: kept answers were used
    _checked_and_fresh(old_text, _marked(rng, old_text))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(0, 3)), min_size=1, max_size=30),
       st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(0, 3)), min_size=1, max_size=30))
def test_any_mix_of_twins_with_markup_keeps_its_markup_changes(old_picks, new_picks):
    bodies = ["", "plain words here", "[plain](http://a) words here", "*plain* words here", "`plain` words here",
              "plain [words](http://b) here", "- plain\n- words here", "* plain\n* words here"]
    shapes = ["## {t}\n\n{b}\n\n", "### {t}\n\n{b}\n\n", "- {t}\n  - {b}\n\n", "## {t} ##\n\n{b}\n\n"]

    def book(picks: list[tuple[int, int, int]]) -> str:
        return "# Book\n\n" + "".join(shapes[k].format(t=f"{WORDS[t].title()}", b=bodies[b]) for t, b, k in picks)

    _checked_and_fresh(book(old_picks), book(new_picks))


@pytest.mark.slow
def test_the_rfc_corpus_keeps_its_markup_changes(tmp_path: Path):
    """Consecutive versions of the corpus's longest histories, and a book of the corpus."""
    repo = clone_corpus(tmp_path / "rfcs")
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        commits = git(repo, "log", "--format=%H", "--", path).split()[:60]
        texts = [git(repo, "show", f"{c}:{path}") for c in reversed(commits)]
        for old_text, new_text in itertools.pairwise(texts):
            _checked_and_fresh(old_text, new_text)
    old_text, new_text = _corpus_book(tmp_path / "book")
    calls, distinct = _checked_and_fresh(old_text, new_text)
    assert distinct < calls


_MARKUPISH = st.lists(st.sampled_from([
    "word", " ", "\n", "\n\n", "\n \n", "-", "+", "*", "1.", "12)", "1234567890.", "> ", "\t", "x", "_", "`", "~",
    "[", "<", "&", "\\", "-x", "- ", "2.5", "é", "\u00a0", "\r\n",
]), max_size=20).map("".join)


@given(st.one_of(_MARKUPISH, st.text(max_size=30)))
def test_syntax_found_by_three_searches_is_what_the_one_regex_finds(text: str):
    assert _has_syntax(text) == (_SYNTAX.search(text) is not None)


def _plain_prose_skipped(monkeypatch: pytest.MonkeyPatch, old_text: str, new_text: str) -> None:
    old, new = parse(old_text), parse(new_text)
    pairs = list(zip(old.sections, new.sections))
    fast = [markup.plain_markup_changes(old, [a], new, [b]) for a, b in pairs]
    with monkeypatch.context() as m:
        m.setattr(markup, "has_syntax", lambda text: True)  # the blocks always cut and read
        assert [markup.plain_markup_changes(old, [a], new, [b]) for a, b in pairs] == fast


@given(st.lists(st.sampled_from(["plain words", "more words here", "- item", "1. first", "a\n  - b", "*em*",
                                 "[l](u)", "", "\n", "x\n\ny", "2) two"]), min_size=1, max_size=6),
       st.lists(st.sampled_from(["plain words", "other words", "- item", "* item", "a\n  + b", "`c`", "",
                                 "x\n \ny", "3. three"]), min_size=1, max_size=6))
def test_plain_prose_has_no_markup_changes_as_its_blocks_read(old_blocks: list[str], new_blocks: list[str]):
    with pytest.MonkeyPatch.context() as monkeypatch:
        _plain_prose_skipped(monkeypatch, "# T\n\n## S\n\n" + "\n\n".join(old_blocks) + "\n",
                             "# T\n\n## S\n\n" + "\n\n".join(new_blocks) + "\n")
        _plain_prose_skipped(monkeypatch, "# T\n\n- S\n  " + "\n  ".join(old_blocks) + "\n",
                             "# T\n\n- S\n  " + "\n  ".join(new_blocks) + "\n")


_LINKS = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "", "a b", "B"]), st.sampled_from(["x", "y", "", "z", "#a"])),
                  max_size=10)


@given(_LINKS, _LINKS, st.lists(st.integers(0, 9), max_size=4))
def test_links_retargeted_from_sets_as_from_each_texts_targets(old: list[tuple[str, str]],
                                                               new: list[tuple[str, str]], shared: list[int]):
    """Whether a link text on both sides points elsewhere, from the pairs on one side only
    (:func:`markup._retargeted`), is what comparing each text's targets says (the code it
    replaced): any links, repeated ones, texts with several targets, lists that share most."""
    new = new + [old[i] for i in shared if i < len(old)]  # lists that share links, as versions do
    for a, b in ((old, new), (new, old), (old, old), (old, old + new)):
        assert markup._retargeted(tuple(a), tuple(b)) == markup.plain_retargeted(a, b)
