"""Matching the two token sequences of a word diff, fast: the uncleaned operations
(:func:`raw_ops`) that :mod:`reviewtool.diff.word_cleanup` then makes readable.

The non-whitespace tokens are compared with :class:`difflib.SequenceMatcher`
(``autojunk=False``, so function words such as "the" still anchor matches) and the
whitespace is given back to the operations, so that joining the ``old``
parts rebuilds the old text exactly and joining the ``new`` parts rebuilds the new one.

Speed. difflib is quadratic-ish on repetitive input, and even on an ordinary
200-word section it costs about 0.5 ms, so the problem is cut small before
difflib sees it (a single section of 100,000 words diffs in about 0.3 s):

1. units cut at single spaces (``str.split(" ")``) are compared first; only
   replaced units that are not plain words (punctuation, line breaks) are
   re-tokenised into words and punctuation and diffed again;
2. common prefixes and suffixes are stripped;
3. units that occur exactly once on both sides anchor the match (their longest
   increasing run, as in patience diff); anchors on one diagonal are checked as
   one slice comparison, so unchanged stretches cost C-speed list comparisons;
4. difflib runs on the short gaps that remain (a one-unit gap is looked up
   directly), and on a whole gap without anchors up to a size guard.

This replaces the paragraph-by-hash pre-alignment: an unchanged paragraph is an
unchanged stretch between anchors, found at the same cost. Paragraphs moved
inside one section are not detected as moves (sections moved in a document are:
see :mod:`reviewtool.diff.section_diff`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from difflib import SequenceMatcher
from itertools import compress, count, pairwise
from operator import ne, sub

from reviewtool.diff.word_ops import WordOp, normalise
from reviewtool.diff.word_tokens import token_parts
from reviewtool.draft.text_rules import count_words

#: Gaps whose two sides multiply to at most this many token pairs go straight to difflib.
_SMALL_GAP = 1600
#: With no anchor at all, difflib is still used up to this many token pairs; above it
#: the gap is reported as one replacement (a guard against quadratic blow-ups).
_HUGE_GAP = 4_000_000
#: Anchoring recurses into the gaps between anchors at most this deep.
_MAX_DEPTH = 40


def _matching_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    """Matching blocks ``(i, j, size)`` in order, like ``SequenceMatcher.get_matching_blocks``
    (with the ``(len(a), len(b), 0)`` sentinel)."""
    out = _blocks(a, b)
    out.pop()
    merged: list[tuple[int, int, int]] = []
    for i, j, n in out:
        if merged:
            pi, pj, pn = merged[-1]
            if pi + pn == i and pj + pn == j:
                merged[-1] = (pi, pj, pn + n)
                continue
        merged.append((i, j, n))
    merged.append((len(a), len(b), 0))
    return merged


def _blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    """The blocks of :func:`_matching_blocks` (sentinel included) before adjacent ones are
    joined: each one is not empty, and a block may start where the one before it ends."""
    out: list[tuple[int, int, int]] = []
    _match(a, b, 0, len(a), 0, len(b), out, 0)
    out.append((len(a), len(b), 0))
    return out


def _match(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int,
           out: list[tuple[int, int, int]], depth: int) -> None:
    """Append the matching blocks of ``a[alo:ahi]`` and ``b[blo:bhi]`` to *out*, in order."""
    # Common prefix and suffix.
    i, j = alo, blo
    while i < ahi and j < bhi and a[i] == b[j]:
        i += 1
        j += 1
        if i - alo == _LOOKED_AT_ONCE:  # a long common run: found at C speed
            i, j = _run_end(a, b, i, ahi, j, bhi)
            break
    if i > alo:
        out.append((alo, blo, i - alo))
    ia, jb = ahi, bhi
    while ia > i and jb > j and a[ia - 1] == b[jb - 1]:
        ia -= 1
        jb -= 1
        if ahi - ia == _LOOKED_AT_ONCE:
            ia, jb = _run_start(a, b, i, ia, j, jb)
            break
    na, nb = ia - i, jb - j
    if na and nb:
        if na == 1 or nb == 1:
            # What difflib would find: the first occurrence of the lone token.
            if na == 1:
                if a[i] in b[j:jb]:
                    out.append((i, b.index(a[i], j, jb), 1))
            elif b[j] in a[i:ia]:
                out.append((a.index(b[j], i, ia), j, 1))
        elif na * nb <= _SMALL_GAP:
            _difflib(a, b, i, ia, j, jb, out)
        else:
            anchors = _unique_anchors(a, b, i, ia, j, jb) if depth < _MAX_DEPTH else None
            if anchors:
                _between_anchors(a, b, i, ia, j, jb, anchors[0], anchors[1], out, depth)
            elif na * nb <= _HUGE_GAP:
                _difflib(a, b, i, ia, j, jb, out)
    if ia < ahi:
        out.append((ia, jb, ahi - ia))


#: A common prefix (suffix) is walked token by token this far, then found with list
#: comparisons at C speed (most gaps differ at once; a section's unchanged start does not).
_LOOKED_AT_ONCE = 8


def _run_end(a: list[str], b: list[str], i: int, ahi: int, j: int, bhi: int) -> tuple[int, int]:
    """Where the run of equal tokens ``a[i:] == b[j:]`` (within ``ahi``, ``bhi``) ends: the
    first pair that differs, compared at C speed."""
    n = min(ahi - i, bhi - j)
    k = next(compress(count(), map(ne, a[i:i + n], b[j:j + n])), n)
    return i + k, j + k


def _run_start(a: list[str], b: list[str], i: int, ia: int, j: int, jb: int) -> tuple[int, int]:
    """Where the run of equal tokens ending at ``a[:ia] == b[:jb]`` starts, going back no
    further than ``i`` and ``j``: the last pair that differs, compared at C speed."""
    n = min(ia - i, jb - j)
    k = next(compress(count(), map(ne, reversed(a[ia - n:ia]), reversed(b[jb - n:jb]))), n)
    return ia - k, jb - k


def _between_anchors(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int,
                     ai: list[int], bj: list[int], out: list[tuple[int, int, int]], depth: int) -> None:
    """Match the stretches between anchors: equal tokens at increasing positions
    ``ai[k]`` in *a* and ``bj[k]`` in *b*.

    Anchors on one diagonal (same ``bj[k] - ai[k]``) usually enclose unchanged
    text, so each diagonal run is first compared as one slice (in C); only the
    gaps between runs and the gaps inside a run that hold a difference are matched
    piece by piece.
    """
    diagonals = list(map(sub, bj, ai))
    # Runs of anchors on one diagonal: [starts[r], starts[r + 1]).
    starts = [0, *compress(range(1, len(ai)), map(ne, diagonals[1:], diagonals)), len(ai)]
    pi, pj = alo, blo
    for s, e in pairwise(starts):
        fi, fj = ai[s], bj[s]
        if pi < fi and pj < fj:  # _gap written out (most gaps between runs are empty on one side)
            if fi - pi == fj - pj and a[pi:fi] == b[pj:fj]:
                out.append((pi, pj, fi - pi))
            else:
                _match(a, b, pi, fi, pj, fj, out, depth + 1)
        if e - s == 1:
            out.append((fi, fj, 1))  # a run of one anchor: its token, the same on both sides
        else:
            _diagonal_run(a, b, ai, s, e, diagonals[s], out, depth)
        pi, pj = ai[e - 1] + 1, bj[e - 1] + 1
    _gap(a, b, pi, ahi, pj, bhi, out, depth)


def _diagonal_run(a: list[str], b: list[str], ai: list[int], s: int, e: int, d: int,
                  out: list[tuple[int, int, int]], depth: int) -> None:
    """Match the stretch from anchor ``s`` to anchor ``e - 1`` (all on diagonal *d*):
    one block if it is unchanged; else the gaps between consecutive anchors that
    hold a difference are matched apart, and everything else is one block each.

    A gap whose only difference is one position *p* (one word replaced by one between
    repeated words) is not matched apart: :func:`_match` would find the gap's tokens before
    *p* as its common prefix and those after it as its common suffix, and *p* alone in
    between, which differs, matches nothing. So the stretch runs on up to *p* and resumes
    after it (the same blocks joined: a block that continues the one before it is no change,
    and :func:`_matching_blocks` joins them)."""
    fi, li = ai[s], ai[e - 1] + 1
    sa, sb = a[fi:li], b[fi + d:li + d]
    if sa == sb:
        out.append((fi, fi + d, li - fi))
        return
    cursor = fi  # start of the stretch not emitted yet (an anchor, or just after a lone difference)
    differ = list(compress(range(fi, li), map(ne, sa, sb)))  # positions in a that differ
    last = len(differ) - 1
    for n, p in enumerate(differ):
        if p < cursor:
            continue  # in the gap just matched
        k = bisect_right(ai, p, s, e)  # the anchors around p: ai[k - 1] < p < ai[k]
        gap_hi = ai[k]
        if n == last or differ[n + 1] >= gap_hi:  # p is its gap's only difference
            out.append((cursor, cursor + d, p - cursor))
            cursor = p + 1
            continue
        gap_lo = ai[k - 1] + 1
        out.append((cursor, cursor + d, gap_lo - cursor))
        _match(a, b, gap_lo, gap_hi, gap_lo + d, gap_hi + d, out, depth + 1)
        cursor = gap_hi
    out.append((cursor, cursor + d, li - cursor))


def _gap(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int,
         out: list[tuple[int, int, int]], depth: int) -> None:
    if alo < ahi and blo < bhi:
        if ahi - alo == bhi - blo and a[alo:ahi] == b[blo:bhi]:
            out.append((alo, blo, ahi - alo))
        else:
            _match(a, b, alo, ahi, blo, bhi, out, depth + 1)


def _difflib(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int,
             out: list[tuple[int, int, int]]) -> None:
    """Append to *out* the matching blocks :class:`difflib.SequenceMatcher` finds in
    ``a[alo:ahi]`` and ``b[blo:bhi]`` (``autojunk=False``; but its sentinel), at their places
    in *a* and *b*: difflib is the word differ (the product's design), on the short gaps that
    are left once the anchors are matched."""
    sm = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
    for bi, bj, n in sm.get_matching_blocks():
        if n:
            out.append((alo + bi, blo + bj, n))


def _unique_anchors(a: list[str], b: list[str], alo: int, ahi: int, blo: int,
                    bhi: int) -> tuple[list[int], list[int]] | None:
    """Tokens occurring exactly once on each side, longest run in the same order
    (as in patience diff), as their positions in *a* and in *b*; None if there is
    no such token. Built from C-level operations where possible."""
    sa, sb = a[alo:ahi], b[blo:bhi]
    ca, cb = Counter(sa), Counter(sb)
    in_b = cb.get
    # One walk over the distinct tokens of a (was: the tokens once on each side as two sets,
    # then intersected).
    common = {t for t, n in ca.items() if n == 1 and in_b(t) == 1}
    if not common:
        return None
    is_common = common.__contains__
    ai = list(compress(range(alo, ahi), map(is_common, sa)))  # in order of a
    bj = list(compress(range(blo, bhi), map(is_common, sb)))  # in order of b
    in_a = list(map(a.__getitem__, ai))
    if in_a == list(map(b.__getitem__, bj)):
        # The usual case, no token moved: the anchors come in the same order on both sides
        # (each is unique on each side), so their b positions are increasing as they are.
        return ai, bj
    bpos = dict(zip(sb, range(blo, bhi)))
    js = list(map(bpos.__getitem__, in_a))
    run = longest_increasing_run(js)
    return [ai[n] for n in run], [js[n] for n in run]


def longest_increasing_run(values: list[int]) -> list[int]:
    """The indexes of a longest strictly increasing subsequence of *values* (not empty), in
    order: patience sorting, the earliest-ending run of each length kept."""
    tails: list[int] = []  # the value ending the best run of each length
    tail_idx: list[int] = []
    back: list[int] = [-1] * len(values)
    for n, value in enumerate(values):
        pos = bisect_left(tails, value)
        if pos == len(tails):
            tails.append(value)
            tail_idx.append(n)
        else:
            tails[pos] = value
            tail_idx[pos] = n
        back[n] = tail_idx[pos - 1] if pos else -1
    run: list[int] = []
    n = tail_idx[-1]
    while n >= 0:
        run.append(n)
        n = back[n]
    run.reverse()
    return run


def _opcodes(blocks: list[tuple[int, int, int]]) -> list[tuple[str, int, int, int, int]]:
    codes: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for ai, bj, n in blocks:
        if i < ai and j < bj:
            codes.append(("replace", i, ai, j, bj))
        elif i < ai:
            codes.append(("delete", i, ai, j, bj))
        elif j < bj:
            codes.append(("insert", i, ai, j, bj))
        if n:
            codes.append(("equal", ai, ai + n, bj, bj + n))
        i, j = ai + n, bj + n
    return codes


def _side_texts(parts: list[str], codes: list[tuple[str, int, int, int, int]],
                lo_idx: int) -> tuple[list[str], str, str]:
    """Each opcode's text on one side, with every gap given to exactly one opcode.

    A gap between two opcodes goes to the left one if it is ``equal``, else to the
    right one if that is ``equal``, else to the left one. The outer gaps (leading
    and trailing whitespace) go to the first/last opcode with units on this side
    if it is ``equal``; otherwise they are returned apart, as ``(texts, lead,
    trail)``, so that a change never starts or ends with them. Each opcode's text
    is a contiguous slice of ``parts`` (gaps at even, units at odd indices).
    """
    # (lo, hi) unit indices of each opcode on this side.
    spans = [(c[1], c[2]) for c in codes] if lo_idx == 1 else [(c[3], c[4]) for c in codes]
    texts = [""] * len(codes)
    present = [k for k, (lo, hi) in enumerate(spans) if hi > lo]
    if not present:
        return texts, "", ""
    lead = trail = ""
    start = 0
    if codes[present[0]][0] != "equal":
        lead, start = parts[0], 1
    end = len(parts)
    if codes[present[-1]][0] != "equal":
        trail, end = parts[-1], len(parts) - 1
    prev = present[0]
    for k in present[1:]:
        c = codes[k]
        lo = spans[k][0]
        cut = 2 * lo + 1 if codes[prev][0] == "equal" or c[0] != "equal" else 2 * lo
        texts[prev] = "".join(parts[start:cut])
        start = cut
        prev = k
    texts[prev] = "".join(parts[start:end])
    return texts, lead, trail


def _assemble(pa: list[str], pb: list[str], codes: list[tuple[str, int, int, int, int]]) -> list[WordOp]:
    olds, lead_a, trail_a = _side_texts(pa, codes, 1)
    news, lead_b, trail_b = _side_texts(pb, codes, 3)
    ops = [_new(WordOp, (c[0], o, n)) for c, o, n in zip(codes, olds, news)]
    if len(pa) == 1:
        lead_a = pa[0]  # the old side is whitespace only
    if len(pb) == 1:
        lead_b = pb[0]  # the new side is whitespace only
    if lead_a or lead_b:
        ops.insert(0, _new(WordOp, ("equal", lead_a, lead_b)))
    if trail_a or trail_b:
        ops.append(_new(WordOp, ("equal", trail_a, trail_b)))
    return ops


def _diff_sides(pa: list[str], pb: list[str]) -> list[WordOp]:
    ta, tb = pa[1::2], pb[1::2]
    if ta and tb and set(ta).isdisjoint(tb):
        # No token on both sides (most re-diffed words: "word," for "other"): nothing can match,
        # so the opcodes are one replacement (what matching the tokens gives, without it), and
        # _assemble's texts are built directly: the change spans every unit and the gaps
        # between them, the outer gaps are its lead and trail.
        ops = [_new(WordOp, ("replace", "".join(pa[1:-1]), "".join(pb[1:-1])))]
        if pa[0] or pb[0]:
            ops.insert(0, _new(WordOp, ("equal", pa[0], pb[0])))
        if pa[-1] or pb[-1]:
            ops.append(_new(WordOp, ("equal", pa[-1], pb[-1])))
        return ops
    return _assemble(pa, pb, _opcodes(_matching_blocks(ta, tb)))


def raw_ops(old: str, new: str, ua: list[str], ub: list[str]) -> list[WordOp]:
    """The uncleaned operations of *old* → *new*, without their counts (:func:`counted_raw_ops`)."""
    return counted_raw_ops(old, new, ua, ub)[0]


def counted_raw_ops(old: str, new: str, ua: list[str], ub: list[str]) -> tuple[list[WordOp], int, int]:
    """The uncleaned operations (:func:`raw_ops`), and the words of their changes' old texts
    and of their new texts (``count_words`` of each side's changes joined by spaces), counted
    as each change is built (an all-alphanumeric unit is one word); ``-1, -1`` for the counts
    when the operations were normalised (then the caller counts them).

    The operations: a diff of the space-cut units *ua*/*ub* of
    *old*/*new*, with replaced units re-diffed by word and punctuation token.

    A replacement made only of words separated by single spaces is not re-diffed:
    its units already are its tokens.

    Texts are cut from *old* and *new* directly. The space between two units
    always goes to the ``equal`` operation beside it (to the left one when both
    are ``equal``, as happens on the side where a change has no units), so a
    change spans exactly its units, ``old[start(lo):start(hi) - 1]``, and the
    ``equal`` operations fill the rest. ``start(u)``, the offset of unit *u*, is
    the length of the units before it plus one space each.
    """
    ops: list[WordOp] = []
    append = ops.append
    i = j = 0  # unit cursors: everything before them is in ops or pending
    at = 0  # where the units of old before the cursor not yet measured start...
    oa = ob = 0  # ...and their offset on each side
    pos_a = pos_b = 0  # where the pending equal operation's texts start
    pending = False  # an equal operation waiting for the offset where it ends
    # Whether ops is already what normalise makes of it (see below); then it is not walked again.
    regular = True
    removed = added = 0  # the changes' words, each side (kept while regular)
    # The blocks as found: one that continues the block before it is no change, as if joined.
    for ai, bj, n in _blocks(ua, ub):
        if i < ai or j < bj:
            # A change: units i..ai of old, j..bj of new. What lies before it since the last
            # change is one matching block, the same units on both sides: measured once, as
            # their length joined by single spaces plus the space after the last (one join at
            # C speed; summing each unit's length took twice as long).
            if i > at:
                step = len(" ".join(ua[at:i])) + 1
                oa += step
                ob += step
            if pending:
                append(_new(WordOp, ("equal", old[pos_a:oa], new[pos_b:ob])))
                pending = False
            elif ops:
                regular = False  # two changes side by side (normalise joins them)
            # The change's texts are its units joined by spaces; the unit after it
            # starts one space later.
            if i < ai:
                o = ua[i] if ai - i == 1 else " ".join(ua[i:ai])
                pos_a = oa + len(o)
                if j < bj:
                    t = ub[j] if bj - j == 1 else " ".join(ub[j:bj])
                    pos_b = ob + len(t)
                    # Units that are all single words are their own tokens: no re-diff.
                    if (o.isalnum() if ai - i == 1 else all(map(str.isalnum, ua[i:ai]))) and (
                            t.isalnum() if bj - j == 1 else all(map(str.isalnum, ub[j:bj]))):
                        append(_new(WordOp, ("replace", o, t)))
                        removed += ai - i
                        added += bj - j
                    else:
                        tokens = _diff_sides(token_parts(o), token_parts(t))
                        if len(tokens) == 1 and tokens[0][0] != "equal" and (o.strip() or t.strip()):
                            append(tokens[0])  # one change, its texts o and t: as regular as the above
                            removed += count_words(o)
                            added += count_words(t)
                        else:
                            ops.extend(tokens)
                            regular = False
                    ob = pos_b + 1
                else:
                    pos_b = ob
                    append(_new(WordOp, ("delete", o, "")))
                    removed += 1 if o.isalnum() else count_words(o)  # (count_words' own first test)
                    if not o.strip():
                        regular = False  # whitespace alone, or nothing: normalise's to judge
                oa = pos_a + 1
            else:
                t = ub[j] if bj - j == 1 else " ".join(ub[j:bj])
                pos_a = oa
                pos_b = ob + len(t)
                append(_new(WordOp, ("insert", "", t)))
                added += 1 if t.isalnum() else count_words(t)
                if not t.strip():
                    regular = False
                ob = pos_b + 1
            at = ai
        if n:
            pending = True
        i, j = ai + n, bj + n
    if pending:
        append(_new(WordOp, ("equal", old[pos_a:], new[pos_b:])))
    # Regular: the operations alternate between equal and a change (an equal one is never
    # empty: it holds at least one unit, and a space of the old text after a change; the
    # last one is checked), and every change holds a character that is not whitespace. Then
    # normalise has nothing to drop, turn to equal or join (tests/test_fast_paths_word_passes.py).
    if regular and ops and (ops[-1][1] or ops[-1][2]):
        return ops, removed, added
    return normalise(ops), -1, -1


#: ``_new(WordOp, (op, old, new))`` builds an operation without the Python-level ``__new__``
#: of a named tuple (the same tuple, a third of the time).
_new = tuple.__new__
