"""The word diff's passes made fewer and cheaper give exactly what the plain ones gave.

Each shortcut runs beside the code it replaced (kept here as the reference):

* the matching (:mod:`reviewtool.diff.word_matching`): a gap of one token between two anchors
  on one diagonal, and a gap empty on one side between two runs of anchors, not matched by a
  call (nothing matches in them); the operations not walked again by ``normalise`` when they
  already are what it makes, a re-diffed change that stays one change included (was: always
  walked), built as tuples without the named tuple's
  Python-level ``__new__``, from the blocks as found (was: adjacent blocks joined first);
* a replaced stretch re-diffed by token with no token on both sides taken as one replacement
  without matching its tokens;
* the clean-up (:mod:`reviewtool.diff.word_cleanup`): an island's three words or more told
  by ``count_words`` (was: every word found by the regex), a change's word told by
  ``str.isalnum`` first, the island tests of ``_merge_islands`` written out, an unchanged run
  of three words or more some of which carry punctuation told by its word count before the
  changes around it are looked at (was: after them); a sentence
  break between changes looked for without the helper calls; the words just before a change
  taken as context when they end with a comma, a semicolon or a colon too (was: only
  all-alphanumeric words, else the context counted by sentence breaks);
* the unique anchors: their positions in *a* and *b* taken at once, and the tokens from them
  (was: a list of flags a side, then the positions and the tokens from it);
* the sentence regions: one insertion or deletion alone not judged (it never is a rewrite), one
  word replaced by one judged by the word just before or just after it on each side (was:
  counted as any region);
* the counts (:mod:`reviewtool.diff.word_diff`): the changes and their texts taken at C speed,
  the empty sides of changes joined with the others (was: left out; an empty piece adds a
  space and no word);
* the markup changes (:mod:`reviewtool.diff.markup`) of a pair of one section a side, and the
  texts it compares (:func:`reviewtool.diff.section_diff.pair_texts`): read as they are (was:
  joined from a one-element list).

Compared on hypothesis texts (sentence marks, commas, line breaks, links, every kind of
character), on bench_diff's generated essays and on consecutive versions of the RFC corpus's
longest histories.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections import Counter
from itertools import compress, pairwise
from operator import ne, sub
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import markup, section_diff, word_cleanup, word_diff, word_matching, word_tokens
from reviewtool.diff.align import align
from reviewtool.diff.section_diff import diff_documents, pair_texts
from reviewtool.diff.section_pairs import SectionPair
from reviewtool.diff.word_ops import WordDiff, WordOp, change_op, normalise
from reviewtool.draft.document import Document, Section, count_words, parse
from reviewtool.draft.text_rules import SENTENCE_BREAK, SENTENCE_END, STOPWORDS
from tests.benchmarks.bench_diff import edit_essay, make_essay
from tests.gitutil import clone_corpus, git
from tests.test_fast_paths_word_diff import _essay
from tests.test_fast_paths_word_steps import _counts_of
from tests.word_edits import edited

# ------------------------------------------------ the code replaced (the references)


def _reference_between_anchors(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int,
                               ai: list[int], bj: list[int], out: list[tuple[int, int, int]], depth: int) -> None:
    diagonals = list(map(sub, bj, ai))
    starts = [0, *compress(range(1, len(ai)), map(ne, diagonals[1:], diagonals)), len(ai)]
    pi, pj = alo, blo
    for s, e in pairwise(starts):
        fi, fj = ai[s], bj[s]
        word_matching._gap(a, b, pi, fi, pj, fj, out, depth)
        _reference_diagonal_run(a, b, ai, s, e, diagonals[s], out, depth)
        pi, pj = ai[e - 1] + 1, bj[e - 1] + 1
    word_matching._gap(a, b, pi, ahi, pj, bhi, out, depth)


def _reference_diagonal_run(a: list[str], b: list[str], ai: list[int], s: int, e: int, d: int,
                            out: list[tuple[int, int, int]], depth: int) -> None:
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
        word_matching._match(a, b, gap_lo, gap_hi, gap_lo + d, gap_hi + d, out, depth + 1)
        cursor = gap_hi
    out.append((cursor, cursor + d, li - cursor))


def _reference_raw_ops(old: str, new: str, ua: list[str], ub: list[str]) -> list[WordOp]:
    """:func:`word_matching.raw_ops` as it was: named tuples, the blocks joined, always normalised."""
    ops: list[WordOp] = []
    append = ops.append
    i = j = 0
    at = 0
    oa = ob = 0
    pos_a = pos_b = 0
    pending = False
    for ai, bj, n in word_matching._matching_blocks(ua, ub):
        if i < ai or j < bj:
            step = sum(map(len, ua[at:i])) + i - at
            oa += step
            ob += step
            if pending:
                append(WordOp("equal", old[pos_a:oa], new[pos_b:ob]))
                pending = False
            units_o, units_t = ua[i:ai], ub[j:bj]
            o, t = " ".join(units_o), " ".join(units_t)
            pos_a = oa + len(o)
            pos_b = ob + len(t)
            if units_o and units_t:
                if all(map(str.isalnum, units_o)) and all(map(str.isalnum, units_t)):
                    append(WordOp("replace", o, t))
                else:
                    ops.extend(word_matching._diff_sides(word_tokens.token_parts(o), word_tokens.token_parts(t)))
            else:
                append(WordOp("delete" if units_o else "insert", o, t))
            at = ai
            oa = pos_a + 1 if units_o else oa
            ob = pos_b + 1 if units_t else ob
        if n:
            pending = True
        i, j = ai + n, bj + n
    if pending:
        append(WordOp("equal", old[pos_a:], new[pos_b:]))
    return normalise(ops)


def _reference_is_island(op: WordOp) -> bool:
    text = op.new
    if len(text) > 200:
        return False
    chunks = text.split(None, 3)
    if len(chunks) >= 3 and chunks[0].isalnum() and chunks[1].isalnum() and chunks[2].isalnum():
        return False
    if "\n" in text and word_cleanup._BLANK_LINE.search(text):
        return False
    words = word_cleanup._WORD(text).findall(text)
    if len(words) <= 1:
        return True
    return len(words) == 2 and all(w.lower() in STOPWORDS for w in words)


def _reference_has_word(op: WordOp) -> bool:
    old, new = op.old, op.new
    return word_cleanup._WORD(old).search(old) is not None or word_cleanup._WORD(new).search(new) is not None


def _reference_merge_islands(ops: list[WordOp]) -> list[WordOp]:
    out: list[WordOp] = []
    for op in ops:
        if (op.op != "equal" and len(out) >= 2 and out[-1].op == "equal"
                and out[-2].op != "equal" and word_cleanup._both_sides(out[-2], op)
                and _reference_is_island(out[-1])
                and (_reference_has_word(op) or _reference_has_word(out[-2]))):
            island = out.pop()
            prev = out.pop()
            op = change_op(prev.old + island.old + op.old, prev.new + island.new + op.new)
        out.append(op)
    return out


def _reference_has_break(op: WordOp, prev: WordOp | None) -> bool:
    old, new = op.old, op.new
    if word_cleanup._sentence_break(old) is not None or (new != old and word_cleanup._sentence_break(new) is not None):
        return True
    return prev is not None and ((old[:1].isspace() and word_cleanup._ends_sentence(prev.old))
                                 or (new[:1].isspace() and word_cleanup._ends_sentence(prev.new)))


def _reference_ends_with_words(text: str, k: int) -> bool:
    if text[-1:] != " ":
        return False
    parts = text[-160:].rsplit(" ", k + 1)
    return len(parts) == k + 2 and all(map(str.isalnum, parts[1:-1]))


def _reference_rewrite_sentences(ops: list[WordOp]) -> list[WordOp]:
    """:func:`word_cleanup._rewrite_sentences` as it was: every region judged, one insertion or
    deletion alone too."""
    n = len(ops)
    groups: list[tuple[int, int]] = []
    k = 0
    while k < n:
        if ops[k].op == "equal":
            k += 1
            continue
        first = last = k
        while last + 2 < n and ops[last + 2].op != "equal" and not _reference_has_break(ops[last + 1], ops[last]):
            last += 2
        groups.append((first, last))
        k = last + 1
    ops = list(ops)
    collapsed = False
    for first, last in reversed(groups):
        if not _reference_mostly_rewritten(ops, first, last):
            continue
        collapsed = True
        before = ops[first - 1] if first > 0 else None
        after = ops[last + 1] if last + 1 < len(ops) else None
        lead = trail = None
        if before is not None:
            left = max(0, word_cleanup._shared_break(before, ops[first - 2] if first > 1 else None, last=True))
            lead = word_cleanup._split_equal(before, left)
        if after is not None:
            right = word_cleanup._shared_break(after, ops[last], last=False)
            trail = word_cleanup._split_equal(after, right if right >= 0 else len(after.old))
        region = ([lead[1]] if lead else []) + ops[first:last + 1] + ([trail[0]] if trail else [])
        new_ops = ([lead[0]] if lead else []) + word_cleanup._collapse(region) + ([trail[1]] if trail else [])
        ops[max(0, first - 1):last + 2] = new_ops
    return _reference_merge_islands(normalise(ops)) if collapsed else ops


def _reference_mostly_rewritten(ops: list[WordOp], first: int, last: int) -> bool:
    """:func:`word_cleanup._mostly_rewritten` as it was: one word replaced by one counted as any region."""
    if first == last and not (ops[first].old and ops[first].new):
        return False
    changed_old = changed_new = same_old = same_new = 0
    for op in ops[first:last + 1]:
        old, new = op.old, op.new
        words_old = (1 if old.isalnum() else count_words(old)) if old else 0
        words_new = words_old if new == old else (1 if new.isalnum() else count_words(new)) if new else 0
        if op.op == "equal":
            same_old += words_old
            same_new += words_new
        else:
            changed_old += words_old
            changed_new += words_new
    if first == last and not (changed_old and changed_new):
        return False
    before = ops[first - 1] if first > 0 else None
    after = ops[last + 1] if last + 1 < len(ops) else None
    for side, changed, same in ((0, changed_old, same_old), (1, changed_new, same_new)):
        room = changed / word_cleanup.REWRITE_SHARE - changed - same
        if room <= 0:
            continue
        if before is not None and room <= word_cleanup._TAIL_WORDS and _reference_ends_with_words(
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


def _reference_pair_texts(old_doc: Document, new_doc: Document, pair: SectionPair) -> tuple[str, str]:
    """:func:`section_diff.pair_texts` as it was: always joined."""
    plain = "promoted" in pair.status or "condensed" in pair.status
    sep = "\n\n" if plain else ""
    return (sep.join(section_diff.section_text(old_doc, s, plain) for s in pair.old),
            sep.join(section_diff.section_text(new_doc, s, plain) for s in pair.new))


def _reference_word_diff(old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> WordDiff:
    """:func:`word_diff.plain_word_diff` as it was: every step above, the changed pieces
    counted without their empty sides."""
    with monkeypatch.context() as m:
        for name, ref in (("_between_anchors", _reference_between_anchors),
                          ("_diagonal_run", _reference_diagonal_run), ("_unique_anchors", _reference_unique_anchors)):
            m.setattr(word_matching, name, ref)
        for name, ref in (("_is_island", _reference_is_island), ("_has_word", _reference_has_word),
                          ("_merge_islands", _reference_merge_islands), ("_has_break", _reference_has_break),
                          ("_ends_with_words", _reference_ends_with_words),
                          ("_rewrite_sentences", _reference_rewrite_sentences),
                          ("_mostly_rewritten", _reference_mostly_rewritten)):
            m.setattr(word_cleanup, name, ref)
        if old == new:
            return word_diff.plain_word_diff(old, new)
        raw = _reference_raw_ops(old, new, word_tokens.space_units(old), word_tokens.space_units(new))
        return WordDiff(word_cleanup.clean_up(raw), *_counts_of(old, new, raw), raw_ops=raw)


def _reference_unique_anchors(a: list[str], b: list[str], alo: int, ahi: int, blo: int,
                              bhi: int) -> tuple[list[int], list[int]] | None:
    sa, sb = a[alo:ahi], b[blo:bhi]
    ca, cb = Counter(sa), Counter(sb)
    in_b = cb.get
    common = {t for t, n in ca.items() if n == 1 and in_b(t) == 1}
    if not common:
        return None
    keep = list(map(common.__contains__, sa))
    ai = list(compress(range(alo, ahi), keep))
    in_a = list(compress(sa, keep))
    keep_b = list(map(common.__contains__, sb))
    if in_a == list(compress(sb, keep_b)):
        return ai, list(compress(range(blo, bhi), keep_b))
    bpos = dict(zip(sb, range(blo, bhi)))
    js = list(map(bpos.__getitem__, in_a))
    run = word_matching.longest_increasing_run(js)
    return [ai[n] for n in run], [js[n] for n in run]


def _reference_markup_changes(old_doc: Document, old: list[Section], new_doc: Document,
                              new: list[Section]) -> list[str]:
    """:func:`markup.plain_markup_changes` as it was: sources and bodies always joined."""
    old_src = "".join(old_doc.own_text(s) for s in old).strip()
    new_src = "".join(new_doc.own_text(s) for s in new).strip()
    if old_src == new_src or not old or not new:
        return []
    words_changed = markup._words_changed(old_doc, old, new_doc, new)
    kinds: list[str] = []
    if len(old) == 1 and len(new) == 1 and old[0].kind == new[0].kind and old[0].kind in ("heading", "outline"):
        a, b = old[0], new[0]
        if a.kind == "heading" and a.level != b.level:
            kinds.append(f"heading level {a.level}→{b.level}")
        elif a.kind == "heading" and a.title == b.title and \
                markup._heading_line(old_doc, a) != markup._heading_line(new_doc, b):
            kinds.append("heading markup")
    kinds.extend(markup._body_kinds(markup._bodies(old_doc, old), markup._bodies(new_doc, new), words_changed, old,
                                    new, old_doc, new_doc))
    if not kinds and not words_changed:
        kinds.append("whitespace" if old_src.split() == new_src.split() else "markup")
    return kinds


def _markup_as_reference(old_text: str, new_text: str) -> int:
    """Every aligned pair's markup changes (and each part against each) as the reference's;
    returns how many pairs of one section a side were compared."""
    old_doc, new_doc = parse(old_text), parse(new_text)
    single = 0
    for pair in align(old_doc, new_doc).pairs:
        assert markup.plain_markup_changes(old_doc, pair.old, new_doc, pair.new) == \
            _reference_markup_changes(old_doc, pair.old, new_doc, pair.new)
        assert section_diff.pair_texts(old_doc, new_doc, pair) == _reference_pair_texts(old_doc, new_doc, pair)
        single += len(pair.old) == 1 and len(pair.new) == 1
    for a, b in itertools.product(old_doc.sections[:12], new_doc.sections[:12]):
        assert markup.plain_markup_changes(old_doc, [a], new_doc, [b]) == \
            _reference_markup_changes(old_doc, [a], new_doc, [b])
    return single


def _same_as_reference(old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> None:
    word_diff.clear_word_diffs()
    fast = word_diff.plain_word_diff(old, new)
    reference = _reference_word_diff(old, new, monkeypatch)
    assert fast == reference
    assert [tuple(op) for op in fast.ops] == [tuple(op) for op in reference.ops]  # (the kinds too, as text)
    counted = word_diff.counted_word_diff(old, new)
    assert (counted.raw_ops, counted.words_added, counted.words_removed, counted.words_new) == \
        (reference.raw_ops, reference.words_added, reference.words_removed, reference.words_new)


# ------------------------------------------------ generated texts

_PROSE = st.lists(st.sampled_from([
    "word", "the", "of", "and", "Quick", "x-y", "don't", "é", "1.5", "a", "it", ".", ",", ";", ":", "!", "?", "…",
    ".)", '."', "?'", ".*", "._", "”", "’", ")", "]", "(", "[", "*", "_", " ", "  ", "\n", "\n\n", "\n  \n", "\t",
    "- ", "1. ", "| ", "[t](http://x.org/a.b) ", "[l]: http://y.org\n", "`c`", "\u00a0", "\u3000", "\u0301",
    "word,", "it;", "so:", "x,,", ",", " , ", "²", "e\u0301,",
]), max_size=40).map("".join)

_ANY_TEXT = st.text(max_size=40)

_SENTENCES = st.lists(st.sampled_from(["The", "cat", "sat.", "It", "ran!", "Why?", "the", "and", "a", "(so)", "end.\n",
                                       "\n\n", "list:", "- item", "x,", "y;", "Done.)", "\"Yes.\"", "of", "to",
                                       "first,", "then;", "say:", "", "  ", "word.\n\n", "naïve,"]),
                      min_size=0, max_size=80)
_EDITS = st.lists(st.tuples(st.integers(0, 80), st.sampled_from(["", "new", "words here.", "Other", "\n\n", "x.",
                                                                  "and,", "the", "b;", "  "])),
                  max_size=10)


@given(st.one_of(_PROSE, _ANY_TEXT), st.one_of(_PROSE, _ANY_TEXT))
def test_word_diff_of_texts_is_the_plain_one(old: str, new: str):
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same_as_reference(old, new, monkeypatch)
        _same_as_reference(new, old, monkeypatch)


@given(_SENTENCES, _EDITS)
def test_word_diff_of_edited_sentences_is_the_plain_one(words: list[str], edits):
    """Sentences edited in a few places: runs of anchors, gaps of one token, islands, regions
    of several changes, rewrites, words before a change ending with a comma."""
    old, new = " ".join(words), " ".join(edited(words, edits))
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same_as_reference(old, new, monkeypatch)
        _same_as_reference(new, old, monkeypatch)


@given(st.lists(st.integers(0, 40), max_size=120), st.lists(st.tuples(st.integers(0, 120), st.integers(0, 45)),
                                                             max_size=12))
def test_raw_operations_of_long_token_lists_are_the_plain_ones(words: list[int], edits):
    """Long lists with repeats, edited in places (anchors on several diagonals, moved tokens):
    the operations, and the matching blocks as found joined, are the reference's."""
    ta = [f"w{x}" for x in words]
    tb = edited(ta, [(at, f"w{x}" if x < 41 else ("" if x < 43 else "w1,")) for at, x in edits])
    old, new = " ".join(ta), " ".join(tb)
    ua, ub = word_tokens.space_units(old), word_tokens.space_units(new)
    with pytest.MonkeyPatch.context() as m:
        fast = word_matching.raw_ops(old, new, ua, ub)
        found = word_matching._blocks(ua, ub)
        m.setattr(word_matching, "_between_anchors", _reference_between_anchors)
        m.setattr(word_matching, "_diagonal_run", _reference_diagonal_run)
        m.setattr(word_matching, "_unique_anchors", _reference_unique_anchors)
        assert fast == _reference_raw_ops(old, new, ua, ub)
        assert word_matching._matching_blocks(ua, ub) == _joined(found)
    assert all(n for _i, _j, n in found[:-1])


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


def _joined(blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    merged: list[tuple[int, int, int]] = []
    for i, j, n in blocks[:-1]:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + n)
        else:
            merged.append((i, j, n))
    return [*merged, blocks[-1]]


@given(st.one_of(_PROSE, _ANY_TEXT, st.lists(st.sampled_from(["a", "b", ",", ".", "(", "x-y", " ", "\n", "é"]),
                                             max_size=6).map("".join)),
       st.one_of(_PROSE, _ANY_TEXT, st.lists(st.sampled_from(["a", "c", ",", ";", ")", "x-y", " ", "\n\n", "e"]),
                                             max_size=6).map("".join)))
def test_re_diffed_units_without_a_shared_token_are_one_replacement_as_matched(old: str, new: str):
    """Replaced units re-diffed by token: with no token on both sides the opcodes are taken as
    one replacement without matching (was: always matched); the operations are the matched ones."""
    pa, pb = word_tokens.token_parts(old), word_tokens.token_parts(new)
    reference = word_matching._assemble(pa, pb, word_matching._opcodes(word_matching._matching_blocks(pa[1::2],
                                                                                                  pb[1::2])))
    assert word_matching._diff_sides(pa, pb) == reference


@given(st.lists(st.sampled_from(["", " ", "\n", "\n\n", "a", "b", "the", "of", "x.", ",", "—", "\t", "e\u0301"]),
                max_size=30))
def test_raw_operations_of_spaces_and_line_breaks_are_the_plain_ones(units: list[str]):
    """Units empty (runs of spaces), holding line breaks or only punctuation: the changes that
    normalise drops, turns to equal or joins (the operations are then normalised)."""
    for cut in range(0, len(units) + 1, 3):
        old, new = " ".join(units), " ".join([*units[:cut], "z", *units[cut + 1:]])
        for a, b in ((old, new), (new, old), (old, old.replace(" ", "  ")), (old + " ", new)):
            ua, ub = word_tokens.space_units(a), word_tokens.space_units(b)
            fast = word_matching.raw_ops(a, b, ua, ub)
            assert fast == _reference_raw_ops(a, b, ua, ub)
            assert normalise(fast) == fast


@given(st.one_of(_PROSE, _ANY_TEXT, st.lists(st.sampled_from(["the", "of", "a", "I", "x", "word", " ", "  ", ",", ".",
                                                               "\n", "\n\n", "don't", "1"]),
                                             max_size=8).map("".join)))
def test_island_and_word_tests_are_the_plain_ones(text: str):
    for op in (WordOp("equal", text, text), WordOp("equal", " " + text, text + "\n"), WordOp("replace", text, "x"),
               WordOp("insert", "", text), WordOp("delete", text, "")):
        assert word_cleanup._is_island(op) == _reference_is_island(op)
        assert word_cleanup._has_word(op) == _reference_has_word(op)
    assert count_words(text) == len(word_cleanup._WORD.full.findall(text))  # what _is_island relies on


@given(st.lists(st.one_of(_PROSE, _SENTENCES.map(" ".join)), min_size=3, max_size=9))
def test_merged_islands_are_the_plain_ones(texts: list[str]):
    """Operations alternating change and equal, any texts: the islands merged are the reference's."""
    ops = [WordOp("equal", t, t) if k % 2 else (WordOp("replace", t, t[::-1] or "x") if k % 3
                                                else WordOp("insert", "", t or "y"))
           for k, t in enumerate(texts)]
    assert word_cleanup._merge_islands(ops) == _reference_merge_islands(ops)


def test_the_break_marks_written_out_are_the_rules_own():
    """The test written out in ``_has_break`` looks for ``.``, ``?``, ``!`` and a line break: the
    end marks of ``text_rules`` and the second branch of its break."""
    assert set(SENTENCE_END) == {".", "?", "!"}
    prev = WordOp("replace", "x.", "y")
    for code in range(0x10000):
        c = chr(code)
        for text in (c, f"a{c} b", f"{c}\n", f" {c}", f"x{c})", f"{c}\"  "):
            for op in (WordOp("equal", text, text), WordOp("equal", text, " " + text)):
                assert word_cleanup._has_break(op, prev) == _reference_has_break(op, prev), repr(text)
                assert word_cleanup._has_break(op, None) == _reference_has_break(op, None), repr(text)
    assert SENTENCE_BREAK.search("a, b") is None and SENTENCE_BREAK.search("a; b") is None  # (no break at , ; :)


_TAIL = st.lists(st.sampled_from(["word", "Word", "it", "x,", "y;", "z:", "a.", "b!", "(c)", "d)", "e,,", ",", ";", "",
                                  "\n", "é,", "\u00a0", "don't", "1,", "²;", "e\u0301,", "w\n,", "end.\n\n"]),
                  max_size=12)


@given(_TAIL, st.integers(1, 4), st.sampled_from([None, WordOp("replace", "x.", "y"), WordOp("insert", "", "z")]))
def test_words_ending_with_a_comma_are_context_the_context_counts(words: list[str], k: int, prev: WordOp | None):
    """Whenever :func:`word_cleanup._ends_with_words` says *k* words end the text (a comma,
    semicolon or colon after one of them allowed now), the context counted before a change
    that follows holds at least *k* words: the sentence region is judged as without it."""
    for text in (" ".join(words) + " ", "x " * 70 + " ".join(words) + " ", " ".join(words)):
        if word_cleanup._ends_with_words(text, k):
            op = WordOp("equal", text, text)
            for side in (0, 1):
                assert word_cleanup._context_words(op, prev, side, k, True) >= k
        if _reference_ends_with_words(text, k):
            assert word_cleanup._ends_with_words(text, k)


@given(st.lists(st.one_of(_ANY_TEXT, st.sampled_from(["", " ", "a", "x-y", "\n"])), max_size=8))
def test_empty_pieces_add_no_word(parts: list[str]):
    assert count_words(" ".join(parts)) == count_words(" ".join(p for p in parts if p))


@pytest.mark.parametrize("size,share", [(3000, 0.05), (3000, 0.3), (10000, 0.05), (10000, 0.6)])
def test_word_diffs_of_generated_essays_are_the_plain_ones(size: int, share: float, monkeypatch):
    """bench_diff's essays (every section edited), pair by pair."""
    essay = make_essay(size, seed=size)
    edited, _truth = edit_essay(essay, seed=size + 1, share=share)
    old_doc, new_doc = parse(essay.text()), parse(edited.text())
    word_diff.clear_word_diffs()
    diff = diff_documents(old_doc, new_doc)
    for change in diff.changes:
        a, b = pair_texts(old_doc, new_doc, change.pair)
        assert change.word_diff == _reference_word_diff(a, b, monkeypatch)
        _same_as_reference(a, b, monkeypatch)
    assert len(diff.changes) >= size // 200 - 2
    assert _markup_as_reference(essay.text(), edited.text()) >= size // 200 - 2


@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 8)), max_size=14),
       st.lists(st.tuples(st.integers(0, 9), st.integers(0, 8)), max_size=14))
def test_markup_changes_of_essays_with_markup_are_the_plain_ones(old_picks, new_picks):
    """Sections drawn from a pool of titles and bodies (links, lists, emphasis, code, empty
    bodies): twins, moves, renames, splits and merges between two draws; the front matter
    and outline items of the essays below."""
    _markup_as_reference(_essay(old_picks), _essay(new_picks))


@pytest.mark.parametrize("old,new", [
    ("---\ntitle: A\n---\n\n# A\n\nText *here*.\n", "---\ntitle: B\n---\n\n## A\n\nText here.\n"),
    ("# T\n\n- One item\n- Two [x](u)\n\n## S\n\nx\n", "# T\n\n* One item\n* Two [x](v)\n\n### S\n\nx y\n"),
    ("# T\n\n## A\n\nb\n\n## C\n\nd\n", "# T\n\n## A C\n\nb\n\nd\n"),
])
def test_markup_changes_of_small_drafts_are_the_plain_ones(old: str, new: str):
    _markup_as_reference(old, new)
    _markup_as_reference(new, old)


def _followed(repo: Path, path: str) -> list[str]:
    commits = [line[1:] for line in git(repo, "log", "--follow", "--format=@%H", "--name-only", "--", path).splitlines()
               if line.startswith("@")]
    names = [line.strip() for line in git(repo, "log", "--follow", "--format=", "--name-only", "--", path).splitlines()
             if line.strip()]
    return [f"{commit}:{name}" for commit, name in zip(reversed(commits), reversed(names))]


@pytest.mark.slow
def test_word_diffs_of_the_rfc_corpus_are_the_plain_ones(tmp_path: Path, monkeypatch):
    """Consecutive versions of the corpus's longest histories (and one with code fences), each
    changed pair as a diff compares it, and whole texts."""
    repo = clone_corpus(tmp_path / "rfcs")
    compared = 0
    for path in ("README.md", "text/3537-msrv-resolver.md", "text/2873-inline-asm.md"):
        texts = [git(repo, "show", spec) for spec in _followed(repo, path)]
        for old_text, new_text in itertools.pairwise(texts):
            old_doc, new_doc = parse(old_text), parse(new_text)
            for change in diff_documents(old_doc, new_doc).changes:
                a, b = pair_texts(old_doc, new_doc, change.pair)
                _same_as_reference(a, b, monkeypatch)
                compared += 1
            _markup_as_reference(old_text, new_text)
        for old_text, new_text in ((texts[0], texts[-1]), (texts[len(texts) // 2], texts[-1])):
            _same_as_reference(old_text, new_text, monkeypatch)
            _markup_as_reference(old_text, new_text)
    assert compared > 300


@pytest.mark.parametrize("before", ["A b ", "A b, ", "The end. ", "x\n\n", "", " ", "b;  ", "(a) ", "it: ", "é, "])
@pytest.mark.parametrize("change", [("word", "other"), ("word", "two words"), ("a,", "b"), ("x", ""), ("", "y")])
def test_sentence_regions_of_one_change_are_judged_as_before(before: str, change: tuple[str, str]):
    """One change after unchanged text ending in every way (a word, a comma, a sentence end, a
    paragraph break, nothing), before unchanged text starting in every way (a word after a
    space, two spaces, a line break, punctuation), either side."""
    old, new = change
    for after in (" c d.", ". E f g h", "", " and so on for a while.", " é.", " 2", "  x y", "\nz", " (a) b", " b\n\nC"):
        for before_new in (before, before.replace(",", ""), before + "\n"):
            ops = [WordOp("equal", before, before_new), change_op(old, new), WordOp("equal", after, after)]
            if not before:
                ops = ops[1:]
            k = 1 if before else 0
            assert word_cleanup._mostly_rewritten(ops, k, k) is _reference_mostly_rewritten(ops, k, k)
            assert word_cleanup._rewrite_sentences(ops) == _reference_rewrite_sentences(ops)
