"""Word-level diff of two texts, cleaned up so that a rewrite reads as a rewrite.

Tokens are words (the product's one word definition,
:data:`reviewtool.draft.document.WORD_PATTERN`: letters/digits with combining marks,
inner apostrophes and hyphens), single punctuation marks (Markdown markup
characters included) and whitespace runs.
The diff compares the non-whitespace tokens with :class:`difflib.SequenceMatcher`
(``autojunk=False``, so function words such as "the" still anchor matches) and
gives the whitespace back to the operations, so that joining the ``old`` parts of
:attr:`WordDiff.ops` rebuilds the old text exactly and joining the ``new`` parts
rebuilds the new one. Whitespace-only differences are not changes: an ``equal``
operation's two texts differ at most in whitespace.

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

Then the raw operations are cleaned up for reading:

* an ``equal`` island between two changes (one of them changing a word) that
  holds at most one word, or only punctuation, or at most two stopwords, and no
  paragraph break, is merged into the surrounding change;
* a sentence (cut at sentence ends and line breaks that both versions share)
  with more than :data:`REWRITE_SHARE` of its words changed is shown as one
  whole-sentence replacement;
* a change spanning paragraph breaks is cut at the breaks when both sides have
  as many.

The counts (:attr:`WordDiff.words_added`, :attr:`WordDiff.words_removed`) come
from the raw operations, before cleanup: they measure the edit volume, and a
word that was only merged into a replacement for readability is not counted as
changed.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import compress, pairwise
from operator import ne, sub
from typing import Any, NamedTuple

from reviewtool.draft.document import WORD_PATTERN, count_words
from reviewtool.draft.text_rules import SENTENCE_BREAK, SENTENCE_TAIL, STOPWORDS

#: A sentence with more than this share of its words changed is shown replaced whole.
REWRITE_SHARE = 0.6
#: Gaps whose two sides multiply to at most this many token pairs go straight to difflib.
_SMALL_GAP = 1600
#: With no anchor at all, difflib is still used up to this many token pairs; above it
#: the gap is reported as one replacement (a guard against quadratic blow-ups).
_HUGE_GAP = 4_000_000
#: Anchoring recurses into the gaps between anchors at most this deep.
_MAX_DEPTH = 40
#: Rewrite checks needing at most this many words of context look at the words just
#: before the change first (see :func:`_ends_with_words`).
_TAIL_WORDS = 4

_WORD = re.compile(WORD_PATTERN)
_TOKEN = re.compile(r"\s+|" + WORD_PATTERN + r"|.", re.S)
_WS_SPLIT = re.compile(r"(\s+)")
_LEADING_WS = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_PARAGRAPH_SPLIT = re.compile(r"(\s*\n[ \t]*\n\s*)")



def tokenize(text: str) -> list[str]:
    """Split *text* into words, single punctuation marks and whitespace runs.

    ``"".join(tokenize(text)) == text`` always holds.
    """
    return _TOKEN.findall(text)


class WordOp(NamedTuple):
    """One operation: ``equal``, ``insert``, ``delete`` or ``replace``, with both texts.

    Texts include whitespace; an ``insert`` has ``old == ""`` and a ``delete``
    has ``new == ""``. For ``equal`` the two texts differ at most in whitespace.
    """

    op: str
    old: str
    new: str

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op, "old": self.old, "new": self.new}


@dataclass
class WordDiff:
    """The word-level difference between two texts (see the module docstring).

    ``ops`` are cleaned up for reading; ``raw_ops`` are the operations before
    cleanup, which the counts come from. ``words_old``/``words_new`` count the
    word tokens of each text; ``words_added``/``words_removed`` the word tokens
    inserted and deleted (a replacement counts on both sides).
    """

    ops: list[WordOp]
    words_added: int
    words_removed: int
    words_old: int
    words_new: int
    raw_ops: list[WordOp] = field(default_factory=list, repr=False)

    @property
    def changed_words(self) -> int:
        """Words changed: the larger of the words added and the words removed."""
        return max(self.words_added, self.words_removed)

    @property
    def changed_share(self) -> float:
        """Changed words over the larger side's word count (0 when both are empty)."""
        denom = max(self.words_old, self.words_new)
        return self.changed_words / denom if denom else 0.0

    @property
    def is_equal(self) -> bool:
        """Whether the two texts have the same words (whitespace may differ)."""
        return all(op.op == "equal" for op in self.ops)

    def old_text(self) -> str:
        """The old text, rebuilt from the operations."""
        return "".join(op.old for op in self.ops)

    def new_text(self) -> str:
        """The new text, rebuilt from the operations."""
        return "".join(op.new for op in self.ops)

    def to_dict(self) -> dict[str, Any]:
        return {
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "words_old": self.words_old,
            "words_new": self.words_new,
            "changed_share": round(self.changed_share, 4),
            "ops": [op.to_dict() for op in self.ops],
        }


# ---------------------------------------------------------------- sequences


def _space_units(text: str) -> list[str]:
    """*text* cut at single spaces (``str.split(" ")`` speed); no units if it is empty.

    Units may be empty (runs of spaces) or hold other whitespace (line breaks);
    changes found between such units are re-diffed by token, and a change of
    whitespace alone becomes ``equal`` (see :func:`_normalise`).
    """
    return text.split(" ") if text else []


def _token_parts(text: str) -> list[str]:
    """*text* as ``[G0, U0, G1, ..., U(n-1), Gn]``: words and single punctuation
    marks as units ``U``, whole whitespace runs (or nothing) as the gaps ``G``."""
    parts = [""]
    for tok in _TOKEN.findall(text):
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


def _matching_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    """Matching blocks ``(i, j, size)`` in order, like ``SequenceMatcher.get_matching_blocks``
    (with the ``(len(a), len(b), 0)`` sentinel)."""
    out: list[tuple[int, int, int]] = []
    _match(a, b, 0, len(a), 0, len(b), out, 0)
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


def _match(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int,
           out: list[tuple[int, int, int]], depth: int) -> None:
    """Append the matching blocks of ``a[alo:ahi]`` and ``b[blo:bhi]`` to *out*, in order."""
    # Common prefix and suffix.
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
        _gap(a, b, pi, fi, pj, fj, out, depth)
        _diagonal_run(a, b, ai, s, e, diagonals[s], out, depth)
        pi, pj = ai[e - 1] + 1, bj[e - 1] + 1
    _gap(a, b, pi, ahi, pj, bhi, out, depth)


def _diagonal_run(a: list[str], b: list[str], ai: list[int], s: int, e: int, d: int,
                  out: list[tuple[int, int, int]], depth: int) -> None:
    """Match the stretch from anchor ``s`` to anchor ``e - 1`` (all on diagonal *d*):
    one block if it is unchanged; else the gaps between consecutive anchors that
    hold a difference are matched apart, and everything else is one block each."""
    fi, li = ai[s], ai[e - 1] + 1
    sa, sb = a[fi:li], b[fi + d:li + d]
    if sa == sb:
        out.append((fi, fi + d, li - fi))
        return
    cursor = fi  # start of the stretch not emitted yet (an anchor)
    for p in compress(range(fi, li), map(ne, sa, sb)):  # positions in a that differ
        if p < cursor:
            continue  # in the gap just matched
        k = bisect_right(ai, p, s, e)  # the anchors around p: ai[k - 1] < p < ai[k]
        gap_lo, gap_hi = ai[k - 1] + 1, ai[k]
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
    common = set(compress(ca, map((1).__eq__, ca.values())))
    common.intersection_update(compress(cb, map((1).__eq__, cb.values())))
    if not common:
        return None
    bpos = dict(zip(sb, range(blo, bhi)))
    keep = list(map(common.__contains__, sa))
    ai = list(compress(range(alo, ahi), keep))  # in order of a
    js = list(map(bpos.__getitem__, compress(sa, keep)))
    if js == sorted(js):
        return ai, js  # the usual case: no token moved
    # Longest increasing subsequence of the b positions (patience sorting).
    tails: list[int] = []  # b position ending the best run of each length
    tail_idx: list[int] = []
    back: list[int] = [-1] * len(js)
    for n, bj in enumerate(js):
        pos = bisect_left(tails, bj)
        if pos == len(tails):
            tails.append(bj)
            tail_idx.append(n)
        else:
            tails[pos] = bj
            tail_idx[pos] = n
        back[n] = tail_idx[pos - 1] if pos else -1
    run: list[int] = []
    n = tail_idx[-1]
    while n >= 0:
        run.append(n)
        n = back[n]
    run.reverse()
    return [ai[n] for n in run], [js[n] for n in run]


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
    ops = [WordOp(c[0], o, n) for c, o, n in zip(codes, olds, news)]
    if len(pa) == 1:
        lead_a = pa[0]  # the old side is whitespace only
    if len(pb) == 1:
        lead_b = pb[0]  # the new side is whitespace only
    if lead_a or lead_b:
        ops.insert(0, WordOp("equal", lead_a, lead_b))
    if trail_a or trail_b:
        ops.append(WordOp("equal", trail_a, trail_b))
    return ops


def _diff_sides(pa: list[str], pb: list[str]) -> list[WordOp]:
    return _assemble(pa, pb, _opcodes(_matching_blocks(pa[1::2], pb[1::2])))


def _raw_ops(old: str, new: str, ua: list[str], ub: list[str]) -> list[WordOp]:
    """The uncleaned operations: a diff of the space-cut units *ua*/*ub* of
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
    ua_at = ub_at = 0  # a unit index on each side...
    oa = ob = 0  # ...and its offset
    pos_a = pos_b = 0  # where the pending equal operation's texts start
    pending = False  # an equal operation waiting for the offset where it ends
    for ai, bj, n in _matching_blocks(ua, ub):
        if i < ai or j < bj:
            # A change: units i..ai of old, j..bj of new.
            oa += sum(map(len, ua[ua_at:i])) + i - ua_at
            ob += sum(map(len, ub[ub_at:j])) + j - ub_at
            ua_at, ub_at = i, j
            if pending:
                append(WordOp("equal", old[pos_a:oa], new[pos_b:ob]))
                pending = False
            # The change's texts are its units joined by spaces; the unit after it
            # starts one space later.
            units_o, units_t = ua[i:ai], ub[j:bj]
            o, t = " ".join(units_o), " ".join(units_t)
            pos_a = oa + len(o)
            pos_b = ob + len(t)
            if units_o and units_t:
                # Units that are all single words are their own tokens: no re-diff.
                if all(map(str.isalnum, units_o)) and all(map(str.isalnum, units_t)):
                    append(WordOp("replace", o, t))
                else:
                    ops.extend(_diff_sides(_token_parts(o), _token_parts(t)))
            else:
                append(WordOp("delete" if units_o else "insert", o, t))
            ua_at, ub_at = ai, bj
            oa = pos_a + 1 if units_o else oa
            ob = pos_b + 1 if units_t else ob
        if n:
            pending = True
        i, j = ai + n, bj + n
    if pending:
        append(WordOp("equal", old[pos_a:], new[pos_b:]))
    return _normalise(ops)


def _normalise(ops: list[WordOp]) -> list[WordOp]:
    """Drop empty operations and merge neighbours of the same kind (changes into one)."""
    out: list[WordOp] = []
    for op in ops:
        if not op.old and not op.new:
            continue
        if op.op != "equal" and not op.old.strip() and not op.new.strip():
            op = WordOp("equal", op.old, op.new)  # whitespace is not a change
        if out:
            prev = out[-1]
            if prev.op == "equal" and op.op == "equal":
                out[-1] = WordOp("equal", prev.old + op.old, prev.new + op.new)
                continue
            if prev.op != "equal" and op.op != "equal":
                out[-1] = _change(prev.old + op.old, prev.new + op.new)
                continue
        out.append(op)
    return out


def _change(old: str, new: str) -> WordOp:
    if old and new:
        return WordOp("replace", old, new)
    return WordOp("delete", old, new) if old else WordOp("insert", old, new)


# ---------------------------------------------------------------- cleanup


def _is_island(op: WordOp) -> bool:
    """An unchanged run too small to stand between two changes."""
    text = op.new
    if len(text) > 200:
        return False  # cheap exit: three words or more, or a long run of punctuation
    chunks = text.split(None, 3)
    if len(chunks) >= 3 and chunks[0].isalnum() and chunks[1].isalnum() and chunks[2].isalnum():
        return False  # three words (an all-alphanumeric chunk is one word)
    if _BLANK_LINE.search(text):
        return False  # never join changes across a paragraph break
    words = _WORD.findall(text)
    if len(words) <= 1:
        return True
    return len(words) == 2 and all(w.lower() in STOPWORDS for w in words)


def _has_word(op: WordOp) -> bool:
    return _WORD.search(op.old) is not None or _WORD.search(op.new) is not None


def _merge_islands(ops: list[WordOp]) -> list[WordOp]:
    out: list[WordOp] = []
    for op in ops:
        if (op.op != "equal" and len(out) >= 2 and out[-1].op == "equal"
                and out[-2].op != "equal" and _is_island(out[-1])
                and (_has_word(op) or _has_word(out[-2]))):
            island = out.pop()
            prev = out.pop()
            op = _change(prev.old + island.old + op.old, prev.new + island.new + op.new)
        out.append(op)
    return out


def _split_paragraphs(ops: list[WordOp]) -> list[WordOp]:
    """Cut a change that spans paragraph breaks into one change per paragraph, when
    both sides have the same number of breaks (the whitespace between is not a change)."""
    out: list[WordOp] = []
    split = False
    for op in ops:
        if op.op == "replace" and _BLANK_LINE.search(op.old) and _BLANK_LINE.search(op.new):
            old_parts = _PARAGRAPH_SPLIT.split(op.old)
            new_parts = _PARAGRAPH_SPLIT.split(op.new)
            if len(old_parts) == len(new_parts):
                split = True
                for k, (o, n) in enumerate(zip(old_parts, new_parts)):
                    if k % 2:
                        out.append(WordOp("equal", o, n))
                    elif o != n:
                        out.append(_change(o, n))
                    elif o:
                        out.append(WordOp("equal", o, n))
                continue
        out.append(op)
    return _normalise(out) if split else out


def _split_equal(op: WordOp, at_old: int) -> tuple[WordOp, WordOp]:
    """Split an equal op after ``op.old[:at_old]``; the new text is cut at the same token
    (the two texts differ at most in whitespace)."""
    old, new = op.old, op.new
    if old == new:
        at_new = at_old
    else:
        head = old[:at_old]
        want = len(head) - sum(map(str.isspace, head))  # non-whitespace characters to keep
        at_new = 0
        parts = _WS_SPLIT.split(new)  # chunk, whitespace, chunk, ...
        for idx, part in enumerate(parts):
            if idx % 2 == 0:
                if want <= len(part):
                    at_new += want
                    break
                want -= len(part)
            at_new += len(part)
        if head[-1:].isspace():
            at_new = len(new) - len(new[at_new:].lstrip())
    return (WordOp("equal", old[:at_old], new[:at_new]), WordOp("equal", old[at_old:], new[at_new:]))


def _first_break(op: WordOp, prev: WordOp | None, side: int = 0) -> int:
    """End of the first sentence break in equal *op* (after change *prev*), or -1.

    *side* 0 looks at the old texts, 1 at the new ones.
    """
    text = op.old if side == 0 else op.new
    if prev is not None and text[:1].isspace() and SENTENCE_TAIL.search(prev.old if side == 0 else prev.new):
        return _LEADING_WS.match(text).end()  # type: ignore[union-attr]
    m = SENTENCE_BREAK.search(text)
    return m.end() if m else -1


def _last_break(op: WordOp, prev: WordOp | None, side: int = 0) -> int:
    """End of the last sentence break in equal *op*, or -1."""
    text = op.old if side == 0 else op.new
    start = max(0, len(text) - 300)
    while True:
        end = -1
        for m in SENTENCE_BREAK.finditer(text, start):
            end = m.end()
        if end >= 0 or start == 0:
            break
        start = max(0, start - 3000)
    if end < 0:
        end = _first_break(op, prev, side)
    return end


def _shared_break(op: WordOp, prev: WordOp | None, last: bool) -> int:
    """The sentence break of equal *op* nearest to the change beside it (its last break when
    *op* comes before the change, else its first), as an offset in the old text; -1 if none.

    Both texts are looked at: they differ only in whitespace, and a break often shows on
    one side only (the blank line before a paragraph added at the end belongs to the new
    text alone). A break found on the new side is carried to the same word of the old side.
    """
    best: int | None = None
    for side in (0, 1):
        at = _last_break(op, prev, side) if last else _first_break(op, prev, side)
        if at < 0:
            continue
        head = (op.old if side == 0 else op.new)[:at]
        p = len(head) - sum(map(str.isspace, head))  # non-whitespace characters before the break
        best = p if best is None else (max(best, p) if last else min(best, p))
    if best is None:
        return -1
    text = op.old
    i = n = 0
    while i < len(text) and n < best:
        if not text[i].isspace():
            n += 1
        i += 1
    return len(text) - len(text[i:].lstrip())


def _ends_with_words(text: str, k: int) -> bool:
    """Whether *text* ends with *k* words, each one all-alphanumeric chunk, joined and
    followed by single spaces, all within the last 160 characters.

    Then :func:`_context_words` counts at least *k* words before a change that
    follows *text*: no sentence break ends after the first of them (a break is
    whitespace after sentence punctuation, or holding a line break), and its first
    window (160 characters) holds them all.
    """
    if text[-1:] != " ":
        return False
    parts = text[-160:].rsplit(" ", k + 1)  # [rest, w1, ..., wk, ""]
    return len(parts) == k + 2 and all(map(str.isalnum, parts[1:-1]))


def _context_words(op: WordOp, prev: WordOp | None, side: int, limit: float, backward: bool) -> int:
    """Words of equal *op* that share a sentence with the change next to it.

    *backward*: the words after the last break of *op* (it precedes the change);
    else the words before its first break. Looks at a growing window from the
    change's side and stops once *limit* words are seen (the caller needs no more).
    """
    text = op.old if side == 0 else op.new
    width = 160
    while True:
        whole = width >= len(text)
        if backward:
            window = text if whole else text[-width:]
            end = -1
            for m in SENTENCE_BREAK.finditer(window):
                end = m.end()
            if end < 0 and whole:
                end = _first_break(op, prev, side)  # the leading-whitespace rule
            words = count_words(window[end:] if end >= 0 else window)
        else:
            window = text if whole else text[:width]
            end = _first_break(op, prev, side)
            if end > len(window):
                end = -1
            words = count_words(window[:end] if end >= 0 else window)
        if end >= 0 or whole or words >= limit:
            return words
        width *= 4


def _rewrite_sentences(ops: list[WordOp]) -> list[WordOp]:
    """Replace whole sentences whose words mostly changed (see :data:`REWRITE_SHARE`).

    A region runs between sentence breaks found in unchanged text (a break inside
    a change cannot be matched on the other side); the changes of a region
    together with the unchanged words around them decide.
    """
    n = len(ops)
    groups: list[tuple[int, int]] = []
    k = 0
    while k < n:
        if ops[k].op == "equal":
            k += 1
            continue
        first = last = k
        while last + 2 < n and ops[last + 2].op != "equal" and _shared_break(ops[last + 1], ops[last], last=False) < 0:
            last += 2
        groups.append((first, last))
        k = last + 1
    ops = list(ops)
    collapsed = False
    for first, last in reversed(groups):
        if not _mostly_rewritten(ops, first, last):
            continue
        collapsed = True
        before = ops[first - 1] if first > 0 else None
        after = ops[last + 1] if last + 1 < len(ops) else None
        lead = trail = None
        if before is not None:
            left = max(0, _shared_break(before, ops[first - 2] if first > 1 else None, last=True))
            lead = _split_equal(before, left)
        if after is not None:
            right = _shared_break(after, ops[last], last=False)
            trail = _split_equal(after, right if right >= 0 else len(after.old))
        region = ([lead[1]] if lead else []) + ops[first:last + 1] + ([trail[0]] if trail else [])
        new_ops = ([lead[0]] if lead else []) + _collapse(region) + ([trail[1]] if trail else [])
        ops[max(0, first - 1):last + 2] = new_ops
    return _merge_islands(_normalise(ops)) if collapsed else ops


def _mostly_rewritten(ops: list[WordOp], first: int, last: int) -> bool:
    """Whether more than :data:`REWRITE_SHARE` of the words of the sentence region around
    changes ``ops[first..last]`` changed, on either side."""
    changed_old = changed_new = same_old = same_new = 0
    for op in ops[first:last + 1]:
        if op.op == "equal":
            same_old += count_words(op.old)
            same_new += count_words(op.new)
        else:
            changed_old += count_words(op.old)
            changed_new += count_words(op.new)
    before = ops[first - 1] if first > 0 else None
    after = ops[last + 1] if last + 1 < len(ops) else None
    for side, changed, same in ((0, changed_old, same_old), (1, changed_new, same_new)):
        # Rewritten when changed / (changed + same + context) > REWRITE_SHARE, i.e.
        # when the context holds fewer than `room` words.
        room = changed / REWRITE_SHARE - changed - same
        if room <= 0:
            continue
        if before is not None and room <= _TAIL_WORDS and _ends_with_words(before.old if side == 0 else before.new,
                                                                            math.ceil(room)):
            continue  # the words just before the change are enough context
        context = 0
        if before is not None:
            context += _context_words(before, ops[first - 2] if first > 1 else None, side, room, True)
        if after is not None and context < room:
            context += _context_words(after, ops[last], side, room - context, False)
        if context < room:
            return True
    return False


def _collapse(region: list[WordOp]) -> list[WordOp]:
    """A sentence region as one replacement, its outer whitespace left unchanged."""
    old = "".join(op.old for op in region)
    new = "".join(op.new for op in region)
    old_core, new_core = old.strip(), new.strip()
    ol = len(old) - len(old.lstrip())
    nl = len(new) - len(new.lstrip())
    return [WordOp("equal", old[:ol], new[:nl]), _change(old_core, new_core),
            WordOp("equal", old[ol + len(old_core):], new[nl + len(new_core):])]


# ---------------------------------------------------------------- display


def inline_segments(ops: list[WordOp]) -> list[tuple[str, str]]:
    """The operations as one inline sequence of ``(kind, text)`` for a redline.

    *kind* is ``equal``, ``delete`` or ``insert`` (a replacement gives a deletion
    then an insertion). Unchanged text comes from the new side, except that the
    whitespace beside a deletion is taken from the old side when the new side has
    none there (``a [-b-] c``, not ``a [-b-]c``).
    """
    out: list[tuple[str, str]] = []
    for k, op in enumerate(ops):
        if op.op == "equal":
            text = op.new
            if k and ops[k - 1].op == "delete" and not text[:1].isspace():
                text = op.old[:len(op.old) - len(op.old.lstrip())] + text
            if k + 1 < len(ops) and ops[k + 1].op == "delete" and not text[-1:].isspace():
                text += op.old[len(op.old.rstrip()):]
            if text:
                out.append(("equal", text))
            continue
        if op.old:
            out.append(("delete", op.old))
        if op.new:
            out.append(("insert", op.new))
    return out


# ---------------------------------------------------------------- entry point


def word_diff(old: str, new: str) -> WordDiff:
    """The word-level diff of *old* and *new* (see the module docstring)."""
    if old == new:
        ops = [WordOp("equal", old, new)] if old else []
        words = count_words(old)
        return WordDiff(ops, 0, 0, words, words, raw_ops=list(ops))
    ua, ub = _space_units(old), _space_units(new)
    raw = _raw_ops(old, new, ua, ub)
    added = removed = 0
    for op in raw:
        if op.op != "equal":
            removed += count_words(op.old)
            added += count_words(op.new)
    # Equal operations hold the same tokens on both sides, hence the same words.
    words_old = count_words(old)
    words_new = words_old - removed + added
    ops = _split_paragraphs(_rewrite_sentences(_merge_islands(raw)))
    return WordDiff(ops, added, removed, words_old, words_new, raw_ops=raw)
