"""Finding a stored quote in a text: verbatim, approximate, snapped to words and sentences.

The search half of re-anchoring (:mod:`reviewtool.review.anchoring` owns the policy
that turns its results into placements). :class:`QuoteSearch` finds one stored quote
(with its prefix/suffix context) in one new text: its verbatim occurrences ranked by
context, nearness and section, and a scored approximate match -- Myers' bit-parallel
edit distance over candidate windows found by word matches; score = 50 quote + 20
prefix + 20 suffix + 2 nearness, normalised to 0..1, with minimum quote *and* context
scores so that a lookalike sentence elsewhere does not win. Approximate matches are
moved to word boundaries, and to sentence boundaries when the quote was whole
sentences. :func:`find_verbatim` finds a new quote up to whitespace, and
:func:`edit_distance` is plain Levenshtein distance.

Word indexes of a text are cached by blob (:func:`clear_word_indexes` forgets them).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reviewtool.draft.document import Document, Section
from reviewtool.draft.text_rules import CLOSERS, SENTENCE_END
from reviewtool.lru import LRU
from reviewtool.review.events import CONTEXT_CHARS

#: Hypothesis' weights for scoring an approximate match.
QUOTE_WEIGHT = 50
PREFIX_WEIGHT = 20
SUFFIX_WEIGHT = 20
NEARNESS_WEIGHT = 2
_MAX_SCORE = QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + NEARNESS_WEIGHT

#: A fuzzy match needs at least this quote similarity (1 - edits / quote length)...
MIN_QUOTE_SIMILARITY = 0.6
#: ... at least this mean prefix/suffix similarity (the lookalike-sentence guard) ...
MIN_CONTEXT_SIMILARITY = 0.5
#: ... and at least this normalised total score.
FUZZY_THRESHOLD = 0.7
#: A verbatim quote at least this long identifies itself anywhere; a shorter one found
#: outside its section also needs the context guard (MIN_CONTEXT_SIMILARITY).
DISTINCTIVE_QUOTE = 2 * CONTEXT_CHARS
#: The approximate search allows at most this share of the quote's length in edits.
MAX_ERROR_SHARE = 0.4
#: Exact occurrences considered for one quote (the best by context wins).
MAX_OCCURRENCES = 500
#: Candidate windows examined by the approximate search.
MAX_WINDOWS = 8
#: Match ends (the fewest edits first) per window whose start is looked for.
MAX_ENDS = 8
#: Best raw matches whose boundaries are refined to word boundaries.
REFINED_CANDIDATES = 6

#: Search keys, deliberately finer than the product's words
#: (:data:`reviewtool.draft.document.WORD_PATTERN`): runs of word characters, cut at
#: apostrophes and hyphens, so that a quote whose hyphenation or contractions
#: were edited still finds its passage (candidate windows of the approximate
#: search, body similarity in :class:`reviewtool.review.section_follow.SectionMap`'s fallback).
SEARCH_WORD = re.compile(r"\w+")

_indexes: LRU[str, dict[str, list[int]]] = LRU(16)  # blob -> word index


def clear_word_indexes() -> None:
    """Forget the cached word indexes."""
    _indexes.clear()


def find_verbatim(text: str, quote: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The first span of ``text[lo:hi]`` holding *quote*, or the same words with other whitespace."""
    i = text.find(quote, lo, hi)
    if i >= 0:
        return i, i + len(quote)
    words = quote.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    m = pattern.search(text, lo, hi)
    return (m.start(), m.end()) if m else None


# ---------------------------------------------------------------------- approximate matching


@functools.lru_cache(maxsize=2048)
def _peq(pattern: str) -> dict[str, int]:
    """The bit mask of each character's positions in *pattern* (shared: never mutate)."""
    peq: dict[str, int] = {}
    for i, ch in enumerate(pattern):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    return peq


def _myers(pattern: str, text: str, anchored: bool) -> list[int]:
    """Myers' (1999) bit-parallel edit distance, one score per text position.

    With ``anchored=False`` (search), ``scores[j]`` is the least edit distance
    between *pattern* and any substring of *text* ending at ``j + 1``. With
    ``anchored=True``, it is the edit distance between *pattern* and
    ``text[:j + 1]``. Python integers hold the bit vectors, so any pattern
    length works.
    """
    m = len(pattern)
    if m == 0:
        return [0 if not anchored else j + 1 for j in range(len(text))]
    peq = _peq(pattern)
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    carry = 1 if anchored else 0
    scores: list[int] = []
    append = scores.append
    for ch in text:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & mask) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | carry) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
        append(score)
    return scores


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between *a* and *b*."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    return _myers(a, b, anchored=True)[-1]


def _anchored_distance(pattern: str, text: str) -> int:
    """Least edit distance between *pattern* and a prefix of *text* (free tail)."""
    if not pattern:
        return 0
    if not text:
        return len(pattern)
    return min(len(pattern), min(_myers(pattern, text, anchored=True)))


def _context_similarity(stored: str, actual_near_first: str) -> float:
    """1 - edits / length for a stored context against the text next to a match.

    *actual_near_first* starts at the match boundary (for a prefix, pass both
    strings reversed). The far end is free, so a word inserted next to the
    quote costs its length, not a shift of the whole context.
    """
    if not stored:
        return 1.0
    d = _anchored_distance(stored, actual_near_first)
    return max(0.0, 1.0 - d / len(stored))


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    errors: int


def _local_minima(scores: Sequence[int], limit: int) -> list[int]:
    """End positions (exclusive) whose score is within *limit* and no worse than its neighbours.

    Of a run of such positions a few characters apart (a plateau), only the best
    (the first on ties) is kept: word-boundary refinement adjusts the end later.
    """
    ends: list[int] = []
    last = len(scores) - 1
    for j, s in enumerate(scores):
        if s <= limit and (j == 0 or scores[j - 1] >= s) and (j == last or scores[j + 1] >= s):
            if ends and j + 1 - ends[-1] <= 3:
                if s < scores[ends[-1] - 1]:
                    ends[-1] = j + 1
                continue
            ends.append(j + 1)
    return ends


def _approx_matches(text: str, quote: str, lo: int, hi: int, max_errors: int) -> list[_Candidate]:
    """Approximate occurrences of *quote* in ``text[lo:hi]`` with at most *max_errors* edits."""
    window = text[lo:hi]
    if not window:
        return []
    scores = _myers(quote, window, anchored=False)
    ends = _local_minima(scores, max_errors)
    if ends:  # far worse than the window's best match: not the passage
        floor = min(scores[e - 1] for e in ends) + max(3, len(quote) // 10)
        ends = [e for e in ends if scores[e - 1] <= floor]
    if len(ends) > MAX_ENDS:
        ends = sorted(ends, key=lambda e: scores[e - 1])[:MAX_ENDS]
    rquote = quote[::-1]
    out: list[_Candidate] = []
    for e in ends:
        errors = scores[e - 1]
        back_from = max(0, e - len(quote) - max_errors)
        rev = window[back_from:e][::-1]
        back = _myers(rquote, rev, anchored=True)
        best = min(back)
        # Among the starts with the least edits, take the match closest to the quote's length.
        length = min((j + 1 for j, s in enumerate(back) if s == best), key=lambda n: abs(n - len(quote)))
        out.append(_Candidate(lo + e - length, lo + e, max(errors, best)))
    return out


def _boundary_variants(text: str, quote: str, start: int, end: int) -> list[tuple[int, int]]:
    """*start*/*end* and their nearest word boundaries (whitespace trimmed unless the quote has it)."""
    def word(i: int) -> bool:  # inside a whitespace-delimited token
        return 0 <= i < len(text) and not text[i].isspace()

    starts = {start}
    if word(start) and word(start - 1):
        back = start
        while word(back - 1):
            back -= 1
        fwd = start
        while word(fwd):
            fwd += 1
        while fwd < end and text[fwd].isspace():
            fwd += 1
        starts |= {back, fwd}
    ends = {end}
    if word(end - 1) and word(end):
        fwd = end
        while word(fwd):
            fwd += 1
        back = end
        while word(back - 1):
            back -= 1
        while back > start and text[back - 1].isspace():
            back -= 1
        ends |= {fwd, back}
    if not quote[:1].isspace():
        starts = {_skip_space(text, s, end) for s in starts}
    if not quote[-1:].isspace():
        ends = {_trim_space(text, start, e) for e in ends}
    return sorted((s, e) for s in starts for e in ends if s < e)


def _is_sentence_start(text: str, i: int) -> bool:
    if i <= 0 or text[i - 1] == "\n":
        return True
    if not text[i - 1].isspace():
        return False
    before = text[:i].rstrip().rstrip(CLOSERS)
    return not before or before[-1] in SENTENCE_END or text[:i].rstrip(" \t").endswith("\n")


def _sentence_spans(text: str, quote: str, prefix: str, suffix: str, start: int,
                    end: int) -> list[tuple[int, int]]:
    """Spans close to ``start:end`` that begin and end on sentence boundaries where the quote did.

    Empty when nothing needs to change. Boundaries are looked for on both sides,
    within the match's paragraph and at most a quarter of the quote's length
    (at least 40 characters) away.
    """
    limit = max(40, len(quote) // 4)
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    starts, ends = [start], [end]
    if _is_sentence_start(prefix + quote, len(prefix)) and not _is_sentence_start(text, start):
        back = next((j for j in range(start - 1, max(para_start, start - limit) - 1, -1)
                     if _is_sentence_start(text, j) and not text[j].isspace()), None)
        fwd = next((j for j in range(start + 1, min(end, start + limit))
                    if _is_sentence_start(text, j) and not text[j].isspace()), None)
        starts = [j for j in (back, fwd) if j is not None] or starts

    def ends_sentence(j: int) -> bool:  # text[:j] ends a sentence
        return text[j - 1] in SENTENCE_END and (j == len(text) or text[j].isspace() or text[j] in CLOSERS)

    after = (quote + suffix)[len(quote):len(quote) + 1]
    quote_ends_sentence = quote.rstrip(CLOSERS)[-1:] in SENTENCE_END and (not after or after.isspace()
                                                                          or after in CLOSERS)
    if quote_ends_sentence and not ends_sentence(end):
        fwd = next((j for j in range(end + 1, min(para_end, end + limit) + 1) if ends_sentence(j)), None)
        back = next((j for j in range(end - 1, max(start, end - limit), -1) if ends_sentence(j)), None)
        ends = [j for j in (fwd, back) if j is not None] or ends
    spans = [(a, b) for a in starts for b in ends if a < b]
    return [] if spans == [(start, end)] else spans


def _skip_space(text: str, i: int, limit: int) -> int:
    while i < limit and text[i].isspace():
        i += 1
    return i


def _trim_space(text: str, limit: int, i: int) -> int:
    while i > limit and text[i - 1].isspace():
        i -= 1
    return i


def _word_index(text: str) -> dict[str, list[int]]:
    """Where each search word (lower-cased) starts in *text*."""
    index: dict[str, list[int]] = {}
    for m in SEARCH_WORD.finditer(text):
        index.setdefault(m.group().lower(), []).append(m.start())
    return index


def _index_for(doc: Document, blob: str | None) -> dict[str, list[int]]:
    """The word index of *doc*, cached by its *blob* when it has one."""
    if blob is None:
        return _word_index(doc.text)
    return _indexes.get_or_compute(blob, lambda: _word_index(doc.text))


def _candidate_windows(text: str, index: dict[str, list[int]], quote: str, hint: int,
                       max_errors: int) -> list[tuple[int, int]]:
    """Windows of *text* likely to hold an edited copy of *quote*.

    Every quote word found in the text votes for a start position (text offset
    minus the word's offset in the quote); votes within a quarter quote length
    of each other form a cluster, and the clusters with the most distinct quote
    words become windows, plus the window around *hint* (the position the
    section alignment predicts).
    """
    m = len(quote)
    words = [(w.group().lower(), w.start()) for w in SEARCH_WORD.finditer(quote)]
    votes: list[tuple[int, int]] = []  # (diagonal, word number)
    for n, (word, offset) in enumerate(words):
        hits = index.get(word, ())
        if len(hits) > 200:  # a very common word says nothing about where the quote is
            continue
        votes.extend((pos - offset, n) for pos in hits)
    votes.sort()
    spread = max(8, m // 4)
    clusters: list[tuple[int, int, int]] = []  # (-distinct words, first diagonal, last diagonal)
    counts: dict[int, int] = {}
    j = 0
    for diagonal, number in votes:
        counts[number] = counts.get(number, 0) + 1
        while diagonal - votes[j][0] > spread:
            gone = votes[j][1]
            counts[gone] -= 1
            if not counts[gone]:
                del counts[gone]
            j += 1
        clusters.append((-len(counts), votes[j][0], diagonal))
    clusters.sort()
    needed = max(1, (len(words) + 3) // 4, (-clusters[0][0] + 1) // 2 if clusters else 0)
    windows: list[tuple[int, int]] = []
    pad = max_errors + 8
    for neg, first, last in clusters:
        if -neg < needed or len(windows) >= MAX_WINDOWS:
            break
        lo, hi = max(0, first - pad), min(len(text), last + m + pad)
        if any(lo < b and a < hi for a, b in windows):
            continue
        windows.append((lo, hi))
    windows.append((max(0, hint - pad), min(len(text), hint + m + pad)))
    windows.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in windows:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def within(section: Section | None, pos: int) -> bool:
    """Whether offset *pos* lies in *section* (with its children; an empty section holds its start)."""
    return section is not None and section.start <= pos < max(section.end_all, section.start + 1)


class QuoteSearch:
    """Finding one stored quote in one new text: verbatim occurrences, then approximate matches."""

    def __init__(self, anchor: Any, doc: Document, blob: str | None) -> None:
        self.doc = doc
        self.blob = blob
        self.text = text = doc.text
        self.quote = quote = anchor.exact
        self.start = anchor.start or 0
        self.prefix, self.suffix = anchor.prefix or "", anchor.suffix or ""
        self._rprefix = self.prefix[::-1]
        self._prefix_at: dict[int, float] = {}
        self._suffix_at: dict[int, float] = {}
        occurrences: list[int] = []
        i = text.find(quote)
        while i >= 0 and len(occurrences) < MAX_OCCURRENCES:
            occurrences.append(i)
            i = text.find(quote, i + 1)
        self.occurrences = occurrences

    def context(self, s: int, e: int) -> tuple[float, float]:
        """Similarity of the stored prefix before *s* and suffix after *e* (memoised)."""
        prefix, suffix, text = self.prefix, self.suffix, self.text
        p = self._prefix_at.get(s)
        if p is None:
            p = self._prefix_at[s] = _context_similarity(self._rprefix, text[max(0, s - len(prefix) - 8):s][::-1])
        x = self._suffix_at.get(e)
        if x is None:
            x = self._suffix_at[e] = _context_similarity(suffix, text[e:e + len(suffix) + 8])
        # An empty stored context (quote at the very start or end) is neutral.
        if not prefix and suffix:
            p = x
        if not suffix and prefix:
            x = p
        return p, x

    def intact(self, s: int) -> bool:
        """Whether the occurrence at *s* still has its whole stored prefix and suffix around it."""
        return self.context(s, s + len(self.quote)) == (1.0, 1.0)

    def identifies(self, s: int) -> bool:
        """Whether the verbatim occurrence at *s* is the passage wherever it stands: the quote
        is long enough to identify itself, or the context around it is similar enough."""
        if len(self.quote) >= DISTINCTIVE_QUOTE:
            return True
        p, x = self.context(s, s + len(self.quote))
        return (p + x) / 2 >= MIN_CONTEXT_SIMILARITY

    def nearness(self, s: int, hint: int) -> float:
        return 1.0 - abs(s - hint) / max(1, len(self.text))

    def best_occurrence(self, target: Section | None, hint: int) -> int:
        """The verbatim occurrence with the best context, inside *target*, nearest *hint*."""
        def rank(s: int) -> float:
            p, x = self.context(s, s + len(self.quote))
            inside = 1.0 if within(target, s) else 0.0
            return PREFIX_WEIGHT * p + SUFFIX_WEIGHT * x + 10 * inside + NEARNESS_WEIGHT * self.nearness(s, hint)

        best = min(self.occurrences, key=lambda s: (-rank(s), s))
        if self.start in self.occurrences and rank(self.start) >= rank(best) - 1e-9:
            best = self.start
        return best

    def fuzzy(self, hint: int) -> tuple[float, int, int] | None:
        """The best accepted approximate match ``(score, start, end)``, or ``None``."""
        text, quote = self.text, self.quote
        if not text or not quote:
            return None

        def scored(s: int, e: int, errors: int) -> tuple[float, float, float, float]:
            q = max(0.0, 1.0 - errors / len(quote))
            p, x = self.context(s, e)
            total = (QUOTE_WEIGHT * q + PREFIX_WEIGHT * p + SUFFIX_WEIGHT * x
                     + NEARNESS_WEIGHT * self.nearness(s, hint)) / _MAX_SCORE
            return total, q, p, x

        max_errors = max(1, int(len(quote) * MAX_ERROR_SHARE))
        raw: dict[tuple[int, int], tuple[float, int]] = {}
        for lo, hi in _candidate_windows(text, _index_for(self.doc, self.blob), quote, hint, max_errors):
            for cand in _approx_matches(text, quote, lo, hi, max_errors):
                if (cand.start, cand.end) not in raw:
                    raw[(cand.start, cand.end)] = (scored(cand.start, cand.end, cand.errors)[0], cand.errors)
        best: tuple[float, int, int] | None = None
        for (s0, e0), (_, errors0) in sorted(raw.items(), key=lambda item: -item[1][0])[:REFINED_CANDIDATES]:
            # Edit distance alone may start a match mid-word ("itable. Inner" for "It means
            # that inner"); try the nearby word boundaries and let the context decide.
            for s1, e1 in _boundary_variants(text, quote, s0, e0):
                errors = errors0 if (s1, e1) == (s0, e0) else edit_distance(quote, text[s1:e1])
                total, q, p, x = scored(s1, e1, errors)
                if q < MIN_QUOTE_SIMILARITY or (p + x) / 2 < MIN_CONTEXT_SIMILARITY or total < FUZZY_THRESHOLD:
                    continue
                if best is None or total > best[0] + 1e-9:
                    best = (total, s1, e1)
        if best is None:
            return None
        score, s1, e1 = best
        # A quote that was a whole sentence maps to whole sentences, even when the edit
        # distance would rather drop a reworded opening or ending. The match was
        # accepted on its own score, which is the one reported.
        spans = _sentence_spans(text, quote, self.prefix, self.suffix, s1, e1)
        if spans:
            s1, e1 = max(spans, key=lambda se: scored(se[0], se[1], edit_distance(quote, text[se[0]:se[1]]))[0])
        return score, s1, e1

