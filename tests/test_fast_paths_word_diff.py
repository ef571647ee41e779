"""The word diff's faster paths give exactly what the plain ones gave.

Each shortcut runs beside the code it replaced (kept here as the reference): link
destinations blanked out by joined slices and a regex that takes a run of plain characters
whole (was: a list of characters, one character per repetition); the units of a replaced
stretch cut by one ``re.split`` (was: the tokens regrouped in a loop); the words added and
removed counted once a side on the changed pieces joined by spaces, and the masked text and
the words of a text kept by the text (was: one count per operation, every text masked and
counted on every call). Compared on hypothesis texts (links, references, every kind of
character) and on consecutive versions of the RFC corpus's longest histories.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import link_targets, word_diff, word_matching, word_tokens
from reviewtool.diff.word_cleanup import clean_up
from reviewtool.diff.word_ops import WordDiff, WordOp
from reviewtool.draft.document import count_words
from tests.gitutil import clone_corpus, git

# ------------------------------------------------ the code replaced (the references)

_REFERENCE_INLINE = re.compile(r"\]\(\s*(<[^<>\n]*>|(?:[^\s()]|\([^\s()]*\))+)")
_REFERENCE_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*(<[^<>\n]*>|\S+)", re.M)


def _reference_mask(text: str) -> str:
    if "](" not in text and "]:" not in text:
        return text
    spans = [m.span(1) for pattern in (_REFERENCE_INLINE, _REFERENCE_DEFINITION) for m in pattern.finditer(text)]
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _reference_token_parts(text: str) -> list[str]:
    parts = [""]
    for tok in word_tokens.TOKEN.findall(text):
        if tok[0].isspace():
            if len(parts) % 2:
                parts[-1] += tok
            else:
                parts.append(tok)
        else:
            if len(parts) % 2 == 0:
                parts.append("")
            parts.append(tok)
    if len(parts) % 2 == 0:
        parts.append("")
    return parts


def _reference_word_diff(old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> WordDiff:
    """:func:`word_diff.plain_word_diff` as it was: every text masked and counted on each call,
    one count per operation, the replaced units cut by the token loop."""
    if old == new:
        ops = [WordOp("equal", old, new)] if old else []
        words = count_words(_reference_mask(old))
        return WordDiff(ops, 0, 0, words, words, raw_ops=list(ops))
    with monkeypatch.context() as m:
        m.setattr(word_matching, "token_parts", _reference_token_parts)
        raw = word_matching.raw_ops(old, new, word_tokens.space_units(old), word_tokens.space_units(new))
    counted_old, counted_new = _reference_mask(old), _reference_mask(new)
    added = removed = 0
    at_old = at_new = 0
    for op in raw:
        if op.op != "equal":
            removed += count_words(counted_old[at_old:at_old + len(op.old)]) if op.old else 0
            added += count_words(counted_new[at_new:at_new + len(op.new)]) if op.new else 0
        at_old += len(op.old)
        at_new += len(op.new)
    words_old = count_words(counted_old)
    return WordDiff(clean_up(raw), added, removed, words_old, words_old - removed + added, raw_ops=raw)


# ------------------------------------------------ generated texts

_LINKISH = st.lists(st.sampled_from([
    "[a](http://x.org/a_(b)c)", "](", "]:", "[lbl]: http://y.org/z", "\n[lbl]: <u v>\n", "](<a b>)", "]( \n url)",
    "(", ")", "(x)", "[", "]", "<", ">", " ", "\n", "\n\n", "word", "é", "x-y", "don't", ".", "\u00a0", "\t",
    "[t](u) ", "  [d]: e\n", "![i](p.png)", "`c`", "*e*", "\u0301", "1)", "- ", "\u3000",
]), max_size=25).map("".join)

_ANY_TEXT = st.text(max_size=40)


@given(st.one_of(_LINKISH, _ANY_TEXT))
def test_link_targets_masked_by_slices_are_masked_as_by_characters(text: str):
    assert link_targets.mask_link_targets(text) == _reference_mask(text)


@given(st.one_of(_LINKISH, _ANY_TEXT, st.text(alphabet=st.characters(), max_size=12)))
def test_token_parts_cut_by_one_split_are_the_tokens_regrouped(text: str):
    assert word_tokens.token_parts(text) == _reference_token_parts(text)


def test_token_parts_of_every_character_beside_words_and_spaces():
    """Each code point of the BMP alone and between words: whitespace, marks, punctuation."""
    for code in range(0x10000):
        c = chr(code)
        for text in (c, f"a{c}b", f" {c} ", f"x-{c}", f"{c}{c}\u0301"):
            assert word_tokens.token_parts(text) == _reference_token_parts(text), repr(text)


@given(st.one_of(_LINKISH, _ANY_TEXT), st.one_of(_LINKISH, _ANY_TEXT))
def test_word_diff_counted_once_a_side_is_the_diff_counted_per_operation(old: str, new: str):
    with pytest.MonkeyPatch.context() as monkeypatch:
        reference = _reference_word_diff(old, new, monkeypatch)
    word_diff.clear_word_diffs()
    assert word_diff.plain_word_diff(old, new) == reference
    assert word_diff.plain_word_diff(old, new) == reference  # the masked texts and counts kept now
    assert word_diff.plain_word_diff(new, old) == _reference_word_diff(new, old, pytest.MonkeyPatch())


def _followed(repo: Path, path: str) -> list[tuple[str, str]]:
    """``(commit, path at that commit)`` of every version of *path*, newest first (renames followed)."""
    found: list[tuple[str, str]] = []
    commit = ""
    for line in git(repo, "log", "--follow", "--format=@%H", "--name-only", "--", path).splitlines():
        if line.startswith("@"):
            commit = line[1:]
        elif line.strip() and commit:
            found.append((commit, line.strip()))
            commit = ""
    return found


@pytest.mark.slow
def test_word_diff_of_the_rfc_corpus_is_the_plain_one(tmp_path: Path, monkeypatch):
    """Consecutive versions of the corpus's longest histories (a README whose list of links grows,
    an essay), each section pair as a diff compares it, and whole texts."""
    from reviewtool.diff.section_diff import diff_documents, pair_texts
    from reviewtool.draft.document import parse

    repo = clone_corpus(tmp_path / "rfcs")
    word_diff.clear_word_diffs()
    compared = 0
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        texts = [git(repo, "show", f"{commit}:{name}") for commit, name in reversed(_followed(repo, path))]
        for old_text, new_text in itertools.pairwise(texts):
            diff = diff_documents(parse(old_text), parse(new_text))
            for change in diff.changes:
                a, b = pair_texts(diff.old, diff.new, change.pair)
                assert word_diff.plain_word_diff(a, b) == _reference_word_diff(a, b, monkeypatch)
                compared += 1
        for old_text, new_text in ((texts[0], texts[-1]), (texts[len(texts) // 2], texts[-1])):
            assert word_diff.plain_word_diff(old_text, new_text) == _reference_word_diff(old_text, new_text,
                                                                                       monkeypatch)
    assert compared > 300
