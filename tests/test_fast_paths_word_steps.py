"""The word diff's per-pair steps, made cheaper, give exactly what the plain ones gave.

Each shortcut runs beside the code it replaced (kept here as the reference):

* the clean-up (:mod:`reviewtool.diff.word_cleanup`): a sentence break looked for with the
  regex only in text that holds a line break or an end mark (was: the regex tried at every
  character of every unchanged run between changes); an island's paragraph break looked
  for only in text with a line break; the island's cheap test first; a region of one
  insertion or deletion judged without counting its words; a change list with no
  replacement holding line breaks on both sides not walked again to cut paragraphs;
* the unique anchors (:mod:`reviewtool.diff.word_matching`): when the anchors come in the
  same order on both sides their new positions are read off the new side at C speed (was:
  a map of every new token to its position, looked up anchor by anchor);
* the words added and removed (:mod:`reviewtool.diff.word_diff`): with no link destination
  on either side the changed pieces are the changes' own texts (was: sliced from the masked
  texts at running offsets);
* a sentence region of several changes (:func:`word_cleanup._mostly_rewritten`): its changes
  counted first, and no more words once its unchanged runs hold as many as its changes on
  each side (was: every operation counted, then the share weighed);
* a re-diffed replacement with no token on both sides (:func:`word_matching._diff_sides`):
  its operations built directly (was: assembled from one ``replace`` opcode);
* a gap between anchors on one diagonal whose only difference is one token
  (:func:`word_matching._diagonal_run`): the stretch runs on up to it and resumes after it
  (was: the gap matched apart, its common prefix and suffix walked).

Compared on hypothesis texts (sentence marks, closers, line breaks, links, every kind of
character), on bench_diff's generated essays and on consecutive versions of the RFC corpus's
longest histories, operation by operation and as diff JSON.
"""

from __future__ import annotations

import itertools
import json
import math
from bisect import bisect_right
from collections import Counter
from itertools import compress
from operator import ne
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import word_cleanup, word_diff, word_matching, word_tokens
from reviewtool.diff.section_diff import diff_documents, pair_texts
from reviewtool.diff.word_ops import WordDiff, WordOp, change_op, normalise
from reviewtool.draft.document import count_words, parse
from reviewtool.draft.text_rules import SENTENCE_BREAK, SENTENCE_END, SENTENCE_TAIL, STOPWORDS
from tests.benchmarks.bench_diff import edit_essay, make_essay
from tests.gitutil import clone_corpus, git
from tests.word_edits import edited

# ------------------------------------------------ the code replaced (the references)


def _reference_is_island(op: WordOp) -> bool:
    text = op.new
    if len(text) > 200:
        return False
    chunks = text.split(None, 3)
    if len(chunks) >= 3 and chunks[0].isalnum() and chunks[1].isalnum() and chunks[2].isalnum():
        return False
    if word_cleanup._BLANK_LINE.search(text):
        return False
    words = word_cleanup._WORD.full.findall(text)
    if len(words) <= 1:
        return True
    return len(words) == 2 and all(w.lower() in STOPWORDS for w in words)


def _reference_merge_islands(ops: list[WordOp]) -> list[WordOp]:
    out: list[WordOp] = []
    for op in ops:
        if (op.op != "equal" and len(out) >= 2 and out[-1].op == "equal"
                and out[-2].op != "equal" and word_cleanup._is_island(out[-1])
                and (word_cleanup._has_word(op) or word_cleanup._has_word(out[-2]))
                and word_cleanup._both_sides(out[-2], op)):
            island = out.pop()
            prev = out.pop()
            op = change_op(prev.old + island.old + op.old, prev.new + island.new + op.new)
        out.append(op)
    return out


def _reference_first_break(op: WordOp, prev: WordOp | None, side: int = 0) -> int:
    text = op.old if side == 0 else op.new
    if prev is not None and text[:1].isspace() and SENTENCE_TAIL.search(prev.old if side == 0 else prev.new):
        return word_cleanup._LEADING_WS.match(text).end()  # type: ignore[union-attr]
    m = SENTENCE_BREAK.search(text)
    return m.end() if m else -1


def _reference_has_break(op: WordOp, prev: WordOp | None) -> bool:
    return _reference_first_break(op, prev, 0) >= 0 or _reference_first_break(op, prev, 1) >= 0


def _reference_mostly_rewritten(ops: list[WordOp], first: int, last: int) -> bool:
    changed_old = changed_new = same_old = same_new = 0
    for op in ops[first:last + 1]:
        if op.op == "equal":
            same_old += count_words(op.old)
            same_new += count_words(op.new)
        else:
            changed_old += count_words(op.old)
            changed_new += count_words(op.new)
    if first == last and not (changed_old and changed_new):
        return False
    before = ops[first - 1] if first > 0 else None
    after = ops[last + 1] if last + 1 < len(ops) else None
    for side, changed, same in ((0, changed_old, same_old), (1, changed_new, same_new)):
        room = changed / word_cleanup.REWRITE_SHARE - changed - same
        if room <= 0:
            continue
        if before is not None and room <= word_cleanup._TAIL_WORDS and word_cleanup._ends_with_words(
                before.old if side == 0 else before.new, math.ceil(room)):
            continue
        context = 0
        if before is not None:
            context += word_cleanup._context_words(before, ops[first - 2] if first > 1 else None, side, room, True)
        if after is not None and context < room:
            context += word_cleanup._context_words(after, ops[last], side, room - context, False)
        if context < room:
            return True
    return False


def _reference_split_paragraphs(ops: list[WordOp]) -> list[WordOp]:
    out: list[WordOp] = []
    split = False
    for op in ops:
        if op.op == "replace" and word_cleanup._BLANK_LINE.search(op.old) and word_cleanup._BLANK_LINE.search(op.new):
            old_parts = word_cleanup._PARAGRAPH_SPLIT.split(op.old)
            new_parts = word_cleanup._PARAGRAPH_SPLIT.split(op.new)
            if len(old_parts) == len(new_parts):
                split = True
                for k, (o, n) in enumerate(zip(old_parts, new_parts)):
                    if k % 2:
                        out.append(WordOp("equal", o, n))
                    elif o != n:
                        out.append(change_op(o, n))
                    elif o:
                        out.append(WordOp("equal", o, n))
                continue
        out.append(op)
    return normalise(out) if split else out


def _reference_clean_up(raw: list[WordOp], monkeypatch: pytest.MonkeyPatch) -> list[WordOp]:
    """:func:`word_cleanup.clean_up` as it was (every step above, the rest as it is)."""
    with monkeypatch.context() as m:
        for name, ref in (("_is_island", _reference_is_island), ("_merge_islands", _reference_merge_islands),
                          ("_first_break", _reference_first_break), ("_has_break", _reference_has_break),
                          ("_mostly_rewritten", _reference_mostly_rewritten),
                          ("_split_paragraphs", _reference_split_paragraphs)):
            m.setattr(word_cleanup, name, ref)
        return word_cleanup.clean_up(raw)


def _reference_unique_anchors(a: list[str], b: list[str], alo: int, ahi: int, blo: int,
                              bhi: int) -> tuple[list[int], list[int]] | None:
    sa, sb = a[alo:ahi], b[blo:bhi]
    ca, cb = Counter(sa), Counter(sb)
    common = set(compress(ca, map((1).__eq__, ca.values())))
    common.intersection_update(compress(cb, map((1).__eq__, cb.values())))
    if not common:
        return None
    bpos = dict(zip(sb, range(blo, bhi)))
    keep = list(map(common.__contains__, sa))
    ai = list(compress(range(alo, ahi), keep))
    js = list(map(bpos.__getitem__, compress(sa, keep)))
    if js == sorted(js):
        return ai, js
    run = word_matching.longest_increasing_run(js)  # (unchanged by the step under test)
    return [ai[n] for n in run], [js[n] for n in run]


def _reference_diff_sides(pa: list[str], pb: list[str]) -> list[WordOp]:
    """:func:`word_matching._diff_sides` as it was: sides with no token in common assembled from
    one ``replace`` opcode like any other opcodes."""
    ta, tb = pa[1::2], pb[1::2]
    if ta and tb and set(ta).isdisjoint(tb):
        return word_matching._assemble(pa, pb, [("replace", 0, len(ta), 0, len(tb))])
    return word_matching._assemble(pa, pb, word_matching._opcodes(word_matching._matching_blocks(ta, tb)))


def _reference_diagonal_run(a: list[str], b: list[str], ai: list[int], s: int, e: int, d: int,
                            out: list[tuple[int, int, int]], depth: int) -> None:
    """:func:`word_matching._diagonal_run` as it was: every gap holding a difference matched apart."""
    fi, li = ai[s], ai[e - 1] + 1
    sa, sb = a[fi:li], b[fi + d:li + d]
    if sa == sb:
        out.append((fi, fi + d, li - fi))
        return
    cursor = fi
    for p in compress(range(fi, li), map(ne, sa, sb)):
        if p < cursor:
            continue
        k = bisect_right(ai, p, s, e)
        gap_lo, gap_hi = ai[k - 1] + 1, ai[k]
        out.append((cursor, cursor + d, gap_lo - cursor))
        if gap_hi - gap_lo > 1:
            word_matching._match(a, b, gap_lo, gap_hi, gap_lo + d, gap_hi + d, out, depth + 1)
        cursor = gap_hi
    out.append((cursor, cursor + d, li - cursor))


def _reference_counted(old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> WordDiff:
    """:func:`word_diff.counted_word_diff` as it was: the changed pieces always sliced from the
    masked texts at running offsets, the anchors found and the replaced units re-diffed as above."""
    if old == new:
        return word_diff.counted_word_diff(old, new)
    with monkeypatch.context() as m:
        m.setattr(word_matching, "_unique_anchors", _reference_unique_anchors)
        m.setattr(word_matching, "_diff_sides", _reference_diff_sides)
        m.setattr(word_matching, "_diagonal_run", _reference_diagonal_run)
        raw = word_matching.raw_ops(old, new, word_tokens.space_units(old), word_tokens.space_units(new))
    return WordDiff(list(raw), *_counts_of(old, new, raw), raw_ops=raw)


def _counts_of(old: str, new: str, raw: list[WordOp]) -> tuple[int, int, int, int]:
    """Words added, removed, of the old text and of the new one, as the counting was: the
    changed pieces sliced from the masked texts at running offsets."""
    counted_old, counted_new = word_diff._masked(old), word_diff._masked(new)
    removed_parts: list[str] = []
    added_parts: list[str] = []
    at_old = at_new = 0
    for op in raw:
        if op.op != "equal":
            if op.old:
                removed_parts.append(counted_old[at_old:at_old + len(op.old)])
            if op.new:
                added_parts.append(counted_new[at_new:at_new + len(op.new)])
        at_old += len(op.old)
        at_new += len(op.new)
    removed, added = count_words(" ".join(removed_parts)), count_words(" ".join(added_parts))
    words_old = word_diff._words_of(old)
    return added, removed, words_old, words_old - removed + added


def _reference_word_diff(old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> WordDiff:
    counted = _reference_counted(old, new, monkeypatch)
    if old == new:
        return counted
    return WordDiff(_reference_clean_up(counted.raw_ops, monkeypatch), counted.words_added, counted.words_removed,
                    counted.words_old, counted.words_new, raw_ops=counted.raw_ops)


def _same_as_reference(old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> None:
    word_diff.clear_word_diffs()
    fast = word_diff.plain_word_diff(old, new)
    assert fast == _reference_word_diff(old, new, monkeypatch)
    assert word_cleanup.clean_up(fast.raw_ops) == _reference_clean_up(fast.raw_ops, monkeypatch)


# ------------------------------------------------ generated texts

_PROSE = st.lists(st.sampled_from([
    "word", "the", "of", "and", "Quick", "x-y", "don't", "é", "1.5", "a", "it", ".", ",", ";", ":", "!", "?", "…",
    ".)", '."', "?'", ".*", "._", "”", "’", ")", "]", "(", "[", "*", "_", " ", "  ", "\n", "\n\n", "\n  \n", "\t",
    "- ", "1. ", "| ", "[t](http://x.org/a.b) ", "[l]: http://y.org\n", "`c`", "\u00a0", "\u3000", "\u0301",
]), max_size=40).map("".join)

_ANY_TEXT = st.text(max_size=40)


_SENTENCES = st.lists(st.sampled_from(["The", "cat", "sat.", "It", "ran!", "Why?", "the", "and", "a", "(so)", "end.\n",
                                       "\n\n", "list:", "- item", "x,", "y;", "Done.)", "\"Yes.\""]),
                      min_size=0, max_size=80)
_EDITS = st.lists(st.tuples(st.integers(0, 80), st.sampled_from(["", "new", "words here.", "Other", "\n\n", "x."])),
                  max_size=8)


@given(st.one_of(_PROSE, _ANY_TEXT), st.one_of(_PROSE, _ANY_TEXT))
def test_word_diff_of_texts_is_the_plain_one(old: str, new: str):
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same_as_reference(old, new, monkeypatch)
        _same_as_reference(new, old, monkeypatch)


@given(_SENTENCES, _EDITS)
def test_word_diff_of_edited_sentences_is_the_plain_one(words: list[str], edits):
    """Sentences edited in a few places: regions of several changes, rewrites, islands."""
    old, new = " ".join(words), " ".join(edited(words, edits))
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same_as_reference(old, new, monkeypatch)


@given(st.lists(st.integers(0, 30), max_size=60), st.lists(st.integers(0, 30), max_size=60))
def test_unique_anchors_are_the_plain_ones(a: list[int], b: list[int]):
    """Tokens with repeats and moves (the longest increasing run) and in the same order."""
    ta, tb = [f"w{x}" for x in a], [f"w{x}" for x in b]
    for lo_a, lo_b in ((0, 0), (min(2, len(ta)), min(1, len(tb)))):
        assert word_matching._unique_anchors(ta, tb, lo_a, len(ta), lo_b, len(tb)) == \
            _reference_unique_anchors(ta, tb, lo_a, len(ta), lo_b, len(tb))
    same = sorted(set(ta))
    assert word_matching._unique_anchors(same, same, 0, len(same), 0, len(same)) == \
        _reference_unique_anchors(same, same, 0, len(same), 0, len(same))


def test_the_sentence_marks_looked_for_are_the_rules_own():
    """The shortcut looks for ``.``, ``?``, ``!`` and a line break: the end marks of
    ``text_rules`` and the second branch of its break."""
    assert set(SENTENCE_END) == {".", "?", "!"}
    for code in range(0x10000):
        c = chr(code)
        for text in (c, f"a{c} b", f"{c}\n", f" {c}", f"x{c})", f"{c}\"  "):
            fast, plain = word_cleanup._sentence_break(text), SENTENCE_BREAK.search(text)
            assert (fast and fast.span()) == (plain and plain.span()), repr(text)
            assert word_cleanup._ends_sentence(text) == (SENTENCE_TAIL.search(text) is not None), repr(text)


@pytest.mark.parametrize("size", [3000, 10000])
def test_word_diffs_of_generated_essays_are_the_plain_ones(size: int, monkeypatch):
    """bench_diff's essays (every section edited), pair by pair and as diff JSON."""
    essay = make_essay(size, seed=size)
    edited, _truth = edit_essay(essay, seed=size + 1)
    old_doc, new_doc = parse(essay.text()), parse(edited.text())
    word_diff.clear_word_diffs()
    diff = diff_documents(old_doc, new_doc)
    reference = []
    for change in diff.changes:
        a, b = pair_texts(old_doc, new_doc, change.pair)
        plain = _reference_word_diff(a, b, monkeypatch)
        assert change.word_diff == plain
        reference.append([op.to_dict() for op in plain.ops])
    assert [[op.to_dict() for op in c.word_diff.ops] for c in diff.changes if c.word_diff] == reference
    assert json.dumps(diff.to_dict()) == json.dumps(diff_documents(old_doc, new_doc).to_dict())
    assert len(diff.changes) >= size // 200 - 2


def _followed(repo: Path, path: str) -> list[str]:
    commits = [line[1:] for line in git(repo, "log", "--follow", "--format=@%H", "--name-only", "--", path).splitlines()
               if line.startswith("@")]
    names = [line.strip() for line in git(repo, "log", "--follow", "--format=", "--name-only", "--", path).splitlines()
             if line.strip()]
    return [f"{commit}:{name}" for commit, name in zip(reversed(commits), reversed(names))]


@pytest.mark.slow
def test_word_diffs_of_the_rfc_corpus_are_the_plain_ones(tmp_path: Path, monkeypatch):
    """Consecutive versions of the corpus's longest histories, each changed pair as a diff
    compares it, and whole texts."""
    repo = clone_corpus(tmp_path / "rfcs")
    compared = 0
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        texts = [git(repo, "show", spec) for spec in _followed(repo, path)]
        for old_text, new_text in itertools.pairwise(texts):
            old_doc, new_doc = parse(old_text), parse(new_text)
            for change in diff_documents(old_doc, new_doc).changes:
                a, b = pair_texts(old_doc, new_doc, change.pair)
                _same_as_reference(a, b, monkeypatch)
                compared += 1
        for old_text, new_text in ((texts[0], texts[-1]), (texts[len(texts) // 2], texts[-1])):
            _same_as_reference(old_text, new_text, monkeypatch)
    assert compared > 300


def test_a_sentence_region_of_one_insertion_is_judged_without_its_words():
    """The shortcut's own case: one change with text on one side only is never a rewrite,
    however few words stand around it."""
    for kind, old, new in (("insert", "", "many new words here"), ("delete", "all of these words", "")):
        ops = [WordOp("equal", "A. ", "A. "), WordOp(kind, old, new), WordOp("equal", " b.", " b.")]
        assert word_cleanup._mostly_rewritten(ops, 1, 1) is False
        assert _reference_mostly_rewritten(ops, 1, 1) is False
    ops = [WordOp("equal", "A. ", "A. "), WordOp("replace", "old words", "new words"), WordOp("equal", " b.", " b.")]
    assert word_cleanup._mostly_rewritten(ops, 1, 1) is _reference_mostly_rewritten(ops, 1, 1) is True


@pytest.mark.parametrize("ops", [
    [WordOp("equal", "A b. ", "A b. "), WordOp("replace", "word", "other"), WordOp("equal", " c", " c")],
    [WordOp("equal", "A b. ", "A  b.\n"), WordOp("replace", "café", "thé"), WordOp("equal", " c d", " c\nd")],
    [WordOp("equal", "x ", "x "), WordOp("delete", "two words", ""), WordOp("equal", " y ", "  y "),
     WordOp("insert", "", "it's well-known"), WordOp("equal", ". Z", ". Z")],
    [WordOp("replace", "a, b", "c; d"), WordOp("equal", " e ", " e "), WordOp("replace", "f", "g (h)"),
     WordOp("equal", "", "")],
    [WordOp("equal", "Étage ", "Étage "), WordOp("replace", "naïve", "naive"), WordOp("equal", " x-y ", " x-y "),
     WordOp("replace", "'q'", "--"), WordOp("equal", " 42.", " 42.")],
])
def test_region_words_counted_without_the_call_are_count_words(ops: list[WordOp]):
    """:func:`word_cleanup._mostly_rewritten` counts a side's words without calling
    ``count_words`` when it is empty, one all-alphanumeric chunk, or the same text as the
    other side: every region of these operations is judged as the reference judges it."""
    for first in range(len(ops)):
        for last in range(first, len(ops)):
            if ops[first].op != "equal" and ops[last].op != "equal":
                assert word_cleanup._mostly_rewritten(ops, first, last) \
                    is _reference_mostly_rewritten(ops, first, last), (first, last)


@pytest.mark.parametrize("ops", [
    # As many unchanged words as changed on both sides after the first run: judged without the rest.
    [WordOp("replace", "a b", "c d"), WordOp("equal", " e f ", " e f "), WordOp("replace", "g", "h"),
     WordOp("equal", " i ", " i "), WordOp("replace", "j k l m", "n")],
    # Fewer unchanged than changed on the new side only, then enough after the second run.
    [WordOp("equal", "Start ", "Start "), WordOp("replace", "a", "b c d"), WordOp("equal", " e ", " e "),
     WordOp("insert", "", "f g h"), WordOp("equal", " i j k l m n ", " i j k l m n "),
     WordOp("delete", "o", ""), WordOp("equal", ".", ".")],
    # Never as many: the share is weighed (a rewrite).
    [WordOp("equal", "X. ", "X. "), WordOp("replace", "one two three", "four five six"),
     WordOp("equal", " and ", " and "), WordOp("replace", "seven eight", "nine ten"), WordOp("equal", ". Y", ". Y")],
    # Unchanged runs that differ in whitespace, punctuation only, words of no letters.
    [WordOp("replace", "a, b", "c; d"), WordOp("equal", " -- ", "  --  "), WordOp("replace", "f", "g (h)"),
     WordOp("equal", " 1.5 x-y ", "\n1.5 x-y "), WordOp("replace", "é", "è"), WordOp("equal", "", "")],
    # Exactly as many unchanged as changed, and one fewer.
    [WordOp("replace", "a b", "c d"), WordOp("equal", " e f ", " e f "), WordOp("replace", "g", "h")],
    [WordOp("replace", "a b", "c d"), WordOp("equal", " e ", " e "), WordOp("replace", "g", "h")],
])
def test_a_region_of_several_changes_stops_counting_once_its_unchanged_words_match(ops: list[WordOp]):
    """:func:`word_cleanup._mostly_rewritten` returns no rewrite once a region's unchanged runs
    hold as many words as its changes on each side: with ``REWRITE_SHARE`` at least a half,
    changed / (changed + unchanged + context) cannot pass it. Every region is judged as the
    reference, which counts every operation, judges it."""
    assert word_cleanup.REWRITE_SHARE >= 0.5  # the shortcut's premise
    for first in range(len(ops)):
        for last in range(first, len(ops)):
            if ops[first].op != "equal" and ops[last].op != "equal":
                assert word_cleanup._mostly_rewritten(ops, first, last) \
                    is _reference_mostly_rewritten(ops, first, last), (first, last)


_NO_COMMON_OLD = st.lists(st.sampled_from(["a", "b.", "(c)", "d-e", "f,", " ", "  ", "\n", "\n\n", "\t", ""]),
                          max_size=12).map("".join)
_NO_COMMON_NEW = st.lists(st.sampled_from(["X", "Y!", "[z]", "q;", "é", " ", "\n", "\n \n", ""]),
                          max_size=12).map("".join)


@given(st.one_of(_NO_COMMON_OLD, _PROSE), st.one_of(_NO_COMMON_NEW, _PROSE))
def test_re_diffed_units_with_no_token_in_common_are_the_assembled_ones(old: str, new: str):
    """Sides with no token in common (their texts, lead and trail built directly) and sides
    with some (unchanged by the step): the operations :func:`word_matching._assemble` gives."""
    pa, pb = word_tokens.token_parts(old), word_tokens.token_parts(new)
    assert word_matching._diff_sides(pa, pb) == _reference_diff_sides(pa, pb)
    assert word_matching._diff_sides(pb, pa) == _reference_diff_sides(pb, pa)


def _joined(blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Blocks with each one that continues the one before it joined to it (what raw_ops and
    _matching_blocks read of them)."""
    out: list[tuple[int, int, int]] = []
    for i, j, n in blocks:
        if out and out[-1][0] + out[-1][2] == i and out[-1][1] + out[-1][2] == j:
            out[-1] = (out[-1][0], out[-1][1], out[-1][2] + n)
        else:
            out.append((i, j, n))
    return out


@given(st.lists(st.integers(0, 12), min_size=40, max_size=90),
       st.lists(st.tuples(st.integers(0, 90), st.sampled_from(["", "r", "i", "x0", "x5"])), max_size=12))
def test_lone_differences_between_anchors_are_matched_as_their_gaps_were(words: list[int], edits):
    """Tokens with many repeats (gaps between anchors of several tokens), edited by one-token
    replacements, deletions and insertions: the blocks, joined, are those of the gaps matched
    apart, and so are the raw operations of the texts."""
    a = [f"w{x}" if x < 6 else f"u{k}" for k, x in enumerate(words)]  # u: once on each side
    b = list(a)
    for at, kind in sorted(edits, reverse=True):
        at = min(at, len(b) - 1)
        if kind == "":
            del b[at]
        elif kind == "i":
            b.insert(at, "w1")
        elif kind == "r":
            b[at] = "w9" if b[at] != "w9" else "w8"
        else:
            b[at] = kind
    fast = word_matching._blocks(a, b)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(word_matching, "_diagonal_run", _reference_diagonal_run)
        plain = word_matching._blocks(a, b)
        plain_matching = word_matching._matching_blocks(a, b)
        old, new = " ".join(a), " ".join(b)
        plain_ops = word_matching.raw_ops(old, new, old.split(" "), new.split(" "))
    assert all(n > 0 for _, _, n in fast[:-1])
    assert _joined(fast) == _joined(plain)
    assert word_matching._matching_blocks(a, b) == plain_matching
    assert word_matching.raw_ops(old, new, old.split(" "), new.split(" ")) == plain_ops
