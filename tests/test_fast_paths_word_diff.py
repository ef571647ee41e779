"""The word diff's faster paths give exactly what the plain ones gave.

Each shortcut runs beside the code it replaced (kept here as the reference): link
destinations blanked out by joined slices and a regex that takes a run of plain characters
whole (was: a list of characters, one character per repetition); the units of a replaced
stretch cut by one ``re.split`` (was: the tokens regrouped in a loop); a long common prefix
or suffix of two token lists found by list comparisons at C speed after eight tokens (was:
walked token by token); the words added and
removed counted once a side on the changed pieces joined by spaces, and the masked text and
the words of a text kept by the text, a text without ``]`` (so without a link destination)
counted as it is, not looked up among the masked texts kept (was: one count per operation,
every text masked and counted on every call); ``reviewtool log``'s change counts from word diffs not cleaned up for
reading, the pairs that only moved or were renamed read from the diff shown (was: every word
diff cleaned up). Compared on hypothesis texts (links, references, every kind of
character), on essays with sections moved, renamed, split and merged, and on consecutive
versions of the RFC corpus's longest histories.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import link_targets, version_change, word_diff, word_matching, word_tokens
from reviewtool.diff.section_diff import diff_documents
from reviewtool.diff.word_cleanup import clean_up
from reviewtool.diff.word_ops import WordDiff, WordOp
from reviewtool.draft.document import Document, count_words, parse
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
    for tok in word_tokens.TOKEN.full.findall(text):
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


def _reference_match(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int,
                     out: list[tuple[int, int, int]], depth: int) -> None:
    """:func:`word_matching._match` as it was: the common prefix and suffix walked token by token."""
    i, j = alo, blo
    while i < ahi and j < bhi and a[i] == b[j]:
        i += 1
        j += 1
    if i > alo:
        out.append((alo, blo, i - alo))
    ia, jb = ahi, bhi
    while ia > i and jb > j and a[ia - 1] == b[jb - 1]:
        ia -= 1
        jb -= 1
    na, nb = ia - i, jb - j
    if na and nb:
        if na == 1 or nb == 1:
            if na == 1:
                if a[i] in b[j:jb]:
                    out.append((i, b.index(a[i], j, jb), 1))
            elif b[j] in a[i:ia]:
                out.append((a.index(b[j], i, ia), j, 1))
        elif na * nb <= word_matching._SMALL_GAP:
            word_matching._difflib(a, b, i, ia, j, jb, out)
        else:
            anchors = word_matching._unique_anchors(a, b, i, ia, j, jb) if depth < word_matching._MAX_DEPTH else None
            if anchors:
                word_matching._between_anchors(a, b, i, ia, j, jb, anchors[0], anchors[1], out, depth)
            elif na * nb <= word_matching._HUGE_GAP:
                word_matching._difflib(a, b, i, ia, j, jb, out)
    if ia < ahi:
        out.append((ia, jb, ahi - ia))


def _reference_raw_ops(old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> list[WordOp]:
    with monkeypatch.context() as m:
        m.setattr(word_matching, "token_parts", _reference_token_parts)
        m.setattr(word_matching, "_match", _reference_match)
        return word_matching.raw_ops(old, new, word_tokens.space_units(old), word_tokens.space_units(new))


def _reference_word_diff(old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> WordDiff:
    """:func:`word_diff.plain_word_diff` as it was: every text masked and counted on each call,
    one count per operation, the replaced units cut by the token loop."""
    if old == new:
        ops = [WordOp("equal", old, new)] if old else []
        words = count_words(_reference_mask(old))
        return WordDiff(ops, 0, 0, words, words, raw_ops=list(ops))
    raw = _reference_raw_ops(old, new, monkeypatch)
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


def _reference_change_counts(old: Document, new: Document) -> version_change.ChangeCounts:
    """:func:`version_change.change_counts` as it was: every word diff cleaned up."""
    if old.text == new.text:
        return version_change.ChangeCounts(0, 0, 0, 0)
    diff = diff_documents(old, new)
    moved = sum(1 for c in diff.changes if not c.markup and set(c.status) <= {"moved", "renamed"}
                and (c.word_diff is None or c.word_diff.is_equal))
    return version_change.ChangeCounts(diff.words_added, diff.words_removed, len(diff.changes),
                                       diff.markup_changed, moved)


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


_LONG_WORDS = st.lists(st.sampled_from(["a", "b", "the", "word", "x.", "(y)", "a\n", "\n\n", ""]), min_size=0,
                       max_size=60)


@given(_LONG_WORDS, st.lists(st.tuples(st.integers(0, 60), st.sampled_from(["", "z", "a", "new words", "b."])),
                             max_size=4))
def test_long_common_runs_found_at_c_speed_are_the_runs_walked(words: list[str], edits):
    """Texts sharing long prefixes and suffixes, edited in a few places (also on the suffix's
    eighth token and past either end)."""
    old = " ".join(words)
    edited = list(words)
    for at, text in edits:
        edited[min(at, len(edited)):min(at, len(edited)) + 1] = [text] if text else []
    new = " ".join(edited)
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert word_matching.raw_ops(old, new, word_tokens.space_units(old), word_tokens.space_units(new)) == \
            _reference_raw_ops(old, new, monkeypatch)
        token_a, token_b = word_tokens.token_parts(old)[1::2], word_tokens.token_parts(new)[1::2]
        fast = word_matching._matching_blocks(token_a, token_b)
        monkeypatch.setattr(word_matching, "_match", _reference_match)
        assert fast == word_matching._matching_blocks(token_a, token_b)


@pytest.mark.parametrize("at", [0, 1, 7, 8, 9, 20, 31, 32, 33, 39, 40])
def test_an_edit_between_long_common_runs_is_matched_as_by_the_walk(at: int, monkeypatch):
    """Forty words with one edited, at every distance from either end around the eight tokens
    walked first: the runs before and after it are found at C speed."""
    words = [f"w{k % 13}" for k in range(40)]
    found: list[str] = []
    run_end, run_start = word_matching._run_end, word_matching._run_start
    monkeypatch.setattr(word_matching, "_run_end", lambda *a: (found.append("end"), run_end(*a))[1])
    monkeypatch.setattr(word_matching, "_run_start", lambda *a: (found.append("start"), run_start(*a))[1])
    for edited in ([*words[:at], "new", *words[at + 1:]], [*words[:at], "x", "y", *words[at:]],
                   [*words[:at], *words[at + 1:]]):
        old, new = " ".join(words), " ".join(edited)
        fast = word_matching.raw_ops(old, new, word_tokens.space_units(old), word_tokens.space_units(new))
        assert fast == _reference_raw_ops(old, new, monkeypatch)
    if 8 <= at <= 32:
        assert "end" in found and "start" in found


@pytest.mark.slow
def test_word_diff_of_the_rfc_corpus_is_the_plain_one(tmp_path: Path, monkeypatch):
    """Consecutive versions of the corpus's longest histories (a README whose list of links grows,
    an essay), each section pair as a diff compares it, and whole texts."""
    from reviewtool.diff.section_diff import pair_texts

    repo = clone_corpus(tmp_path / "rfcs")
    word_diff.clear_word_diffs()
    compared = 0
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        texts = [git(repo, "show", f"{commit}:{name}") for commit, name in reversed(_followed(repo, path))]
        for old_text, new_text in itertools.pairwise(texts):
            old_doc, new_doc = parse(old_text), parse(new_text)
            assert version_change.change_counts(old_doc, new_doc) == _reference_change_counts(old_doc, new_doc)
            diff = diff_documents(old_doc, new_doc)
            for change in diff.changes:
                a, b = pair_texts(diff.old, diff.new, change.pair)
                assert word_diff.plain_word_diff(a, b) == _reference_word_diff(a, b, monkeypatch)
                compared += 1
        for old_text, new_text in ((texts[0], texts[-1]), (texts[len(texts) // 2], texts[-1])):
            assert word_diff.plain_word_diff(old_text, new_text) == _reference_word_diff(old_text, new_text,
                                                                                       monkeypatch)
    assert compared > 300


@given(st.one_of(_LINKISH, _ANY_TEXT), st.one_of(_LINKISH, _ANY_TEXT))
def test_a_word_diff_counted_only_has_the_counts_and_raw_operations_of_the_diff(old: str, new: str):
    counted, plain = word_diff.counted_word_diff(old, new), word_diff.plain_word_diff(old, new)
    assert counted.raw_ops == plain.raw_ops == counted.ops
    assert (counted.words_added, counted.words_removed, counted.words_old, counted.words_new) == \
        (plain.words_added, plain.words_removed, plain.words_old, plain.words_new)


_SECTION_WORDS = ["alpha", "beta", "gamma", "delta", "the", "of", "link", "list", "resolver", "crate"]


def _essay(picks: list[tuple[int, int]]) -> str:
    """Sections drawn from a small pool of titles and bodies: twins, moves and renames between
    two draws; some bodies hold links, lists and emphasis."""
    bodies = ["", "[a](http://x/a) and [b][ref]", "- one\n- [two](t)\n", "*some* `code`."] + [
        " ".join(_SECTION_WORDS[(k * 3 + m) % len(_SECTION_WORDS)] for m in range(k * 3)) for k in range(1, 6)]
    return "# Essay\n\n" + "".join(f"## {_SECTION_WORDS[t].title()} {t % 4}\n\n{bodies[b]}\n\n" for t, b in picks) \
        + "[ref]: http://x/ref\n"


@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 8)), max_size=14),
       st.lists(st.tuples(st.integers(0, 9), st.integers(0, 8)), max_size=14))
def test_change_counts_from_diffs_counted_only_are_the_counts_of_the_diffs_shown(old_picks, new_picks):
    old, new = parse(_essay(old_picks)), parse(_essay(new_picks))
    assert version_change.change_counts(old, new) == _reference_change_counts(old, new)


def test_change_counts_of_sections_moved_and_renamed_are_the_counts_of_the_diffs_shown():
    picks = [(t, t % 9) for t in range(10)]
    old = parse(_essay(picks))
    for new_picks in (picks[::-1], [(t, b) if t != 3 else (7, b) for t, b in picks], picks[2:] + picks[:2]):
        new = parse(_essay(new_picks))
        counts = version_change.change_counts(old, new)
        assert counts == _reference_change_counts(old, new)
        assert counts.sections_moved
