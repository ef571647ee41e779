"""Comment anchors: build them on one version, re-anchor them onto any other.

An anchor (see :mod:`reviewtool.review.comments`) names the version a comment was made
on (``commit``, ``path``, ``blob``) and optionally a section (``key``, ``title``)
and a quoted passage: code point offsets ``start``/``end`` (end exclusive) into
the whole draft text at that blob, the ``exact`` text, and up to
:data:`CONTEXT_CHARS` characters of ``prefix`` and ``suffix`` context, like the
W3C ``TextQuoteSelector`` + ``TextPositionSelector`` pair Hypothesis stores.

:func:`reanchor` says where such a comment sits in another version, as a
:class:`Placement` whose ``state`` is one of ``exact``, ``moved``, ``fuzzy``,
``outdated`` or ``orphaned``. It is computed on read and never written back.
The rules (documented in ``docs/anchoring.md``):

* same blob: ``exact`` at the stored offsets;
* the quote occurs verbatim: ``exact`` when it is in the same section at the
  same place (same offset from the section start, or its stored context
  intact), else ``moved`` to the occurrence with the best prefix/suffix
  context, nearest to where the section alignment puts the old section;
* else a scored approximate search (Myers' bit-parallel edit distance over
  candidate windows found by word matches; score = 50 quote + 20 prefix + 20
  suffix + 2 nearness, normalised to 0..1) with minimum quote *and* context
  scores, so that a lookalike sentence elsewhere does not win: ``fuzzy``;
* else, when the section still exists (followed through renames, moves and
  splits by :func:`reviewtool.diff.align.align`): ``outdated``, placed at the section;
* else ``orphaned``: still shown, with its stored quote.

When the section kept its key and the quote (verbatim or fuzzy) is found
inside it, or nowhere, the old text is not even parsed: no alignment is needed
for the common case. Whole-version and section-only comments use the same
vocabulary (see :func:`reanchor`). :func:`comments_for_version` applies all this to the threads
of a draft for one version, in document order.

This module never imports Textual or Rich.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reviewtool.diff.align import align
from reviewtool.draft.document import Document, Section, parse
from reviewtool.draft.history import decode_draft
from reviewtool.errors import ReviewtoolError
from reviewtool.review.comments import CONTEXT_CHARS, Anchor

#: The states a placement can have, best first.
STATES = ("exact", "moved", "fuzzy", "outdated", "orphaned")

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
#: Title similarity needed to follow a section by title alone (fallback only).
TITLE_SIMILARITY = 0.8
#: Word-set (Jaccard) similarity needed to follow a section by its body alone (fallback only).
BODY_SIMILARITY = 0.5

#: Search keys, deliberately finer than the product's words
#: (:data:`reviewtool.draft.document.WORD_PATTERN`): runs of word characters, cut at
#: apostrophes and hyphens, so that a quote whose hyphenation or contractions
#: were edited still finds its passage (candidate windows of the approximate
#: search, body similarity in :class:`SectionMap`'s fallback).
_WORD = re.compile(r"\w+")
_FOUND_STATES = ("exact", "moved", "fuzzy")


@dataclass(frozen=True)
class Placement:
    """Where a comment sits in one version of the draft.

    ``state``: one of :data:`STATES`. ``section_key``: the section of this version
    it belongs to (``None`` for a whole-version comment or an orphan).
    ``start``/``end``: the anchored span in this version's text -- the quote for
    quote comments (``None`` when outdated or orphaned), the section with its
    children for section comments, ``None`` for whole-version comments.
    ``score``: 1.0 for exact and moved, the normalised match score for fuzzy,
    0.0 otherwise. ``quote_found``: the text at ``start:end`` for a quote that
    was found (it differs from the stored quote when fuzzy). ``scope``: ``quote``,
    ``section`` or ``version``.
    """

    state: str
    section_key: str | None
    start: int | None
    end: int | None
    score: float
    quote_found: str | None
    scope: str = "quote"

    @property
    def found(self) -> bool:
        """Whether the anchored text was found (exact, moved or fuzzy)."""
        return self.state in _FOUND_STATES

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "scope": self.scope, "section": self.section_key,
                "start": self.start, "end": self.end, "score": round(self.score, 3),
                "quote_found": self.quote_found}


def anchor_scope(anchor: Any) -> str:
    """``quote`` when the anchor quotes a passage, ``section`` for a section, else ``version``."""
    if getattr(anchor, "exact", None):
        return "quote"
    if getattr(anchor, "section_key", None):
        return "section"
    return "version"


# ---------------------------------------------------------------------- making anchors


def make_anchor(doc: Document, version: Any, section_key: str | None = None,
                quote: str | None = None, at: int | None = None) -> Anchor:
    """Validate a new comment's target on *version* (whose parsed text is *doc*).

    *version* is a :class:`reviewtool.draft.history.Version` (``commit``, ``path``,
    ``blob``, ``short``). The section must exist; the quote must occur inside the
    section (with its children), or anywhere when no section is given. Several
    occurrences: the one starting at offset *at* when given (a passage the user
    selected), else the first one. When the quote does not occur verbatim,
    an occurrence that differs only in whitespace (a line break inside a
    paragraph) is accepted and its real text stored. Raises
    :class:`ReviewtoolError` with one clear line otherwise.
    """
    if getattr(version, "is_worktree", False):
        raise ReviewtoolError("cannot comment on uncommitted changes: commit first")
    if not getattr(version, "blob", None):
        raise ReviewtoolError(f"the draft does not exist at {version.short}")
    anchor = Anchor(version.commit, version.path, version.blob)
    section: Section | None = None
    if section_key is not None:
        section = doc.get(section_key)
        if section is None:
            raise ReviewtoolError(f"no section {section_key} at {version.short} (see `reviewtool sections`)")
        anchor.section_key, anchor.section_title = section.key, section.title
    if quote is not None:
        if not quote.strip():
            raise ReviewtoolError("the quote is empty")
        text = doc.text
        lo, hi = (section.start, section.end_all) if section is not None else (0, len(text))
        if at is not None and lo <= at and at + len(quote) <= hi and text.startswith(quote, at):
            span: tuple[int, int] | None = (at, at + len(quote))
        else:
            span = _find_in(text, quote, lo, hi)
        where = f"section {section.key}" if section is not None else "the draft"
        if span is None:
            raise ReviewtoolError(f"the quote does not occur in {where} at {version.short}")
        start, end = span
        anchor.start, anchor.end, anchor.exact = start, end, text[start:end]
        anchor.prefix = text[max(0, start - CONTEXT_CHARS):start]
        anchor.suffix = text[end:end + CONTEXT_CHARS]
    return anchor


def _find_in(text: str, quote: str, lo: int, hi: int) -> tuple[int, int] | None:
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


_SENTENCE_END = ".!?"
_CLOSERS = "\"'”’)]*_"


def _is_sentence_start(text: str, i: int) -> bool:
    if i <= 0 or text[i - 1] == "\n":
        return True
    if not text[i - 1].isspace():
        return False
    before = text[:i].rstrip().rstrip(_CLOSERS)
    return not before or before[-1] in _SENTENCE_END or text[:i].rstrip(" \t").endswith("\n")


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
        return text[j - 1] in _SENTENCE_END and (j == len(text) or text[j].isspace() or text[j] in _CLOSERS)

    after = (quote + suffix)[len(quote):len(quote) + 1]
    quote_ends_sentence = quote.rstrip(_CLOSERS)[-1:] in _SENTENCE_END and (not after or after.isspace()
                                                                          or after in _CLOSERS)
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
    index: dict[str, list[int]] = {}
    for m in _WORD.finditer(text):
        index.setdefault(m.group().lower(), []).append(m.start())
    return index


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
    words = [(w.group().lower(), w.start()) for w in _WORD.finditer(quote)]
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
    for i, (diagonal, word) in enumerate(votes):
        counts[word] = counts.get(word, 0) + 1
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


# ---------------------------------------------------------------------- following sections


class SectionMap:
    """Follows sections of an old document into a new one.

    Uses :func:`reviewtool.diff.align.align` when the old document is known and has
    the section (renames, moves, splits: the biggest part of a split wins);
    otherwise key equality, then a unique equal body, a unique equal title, or
    the most similar title.
    """

    def __init__(self, old_doc: Document | None, new_doc: Document) -> None:
        self.old_doc = old_doc
        self.new_doc = new_doc
        self._alignment = align(old_doc, new_doc) if old_doc is not None else None

    def follow(self, key: str, title: str | None = None) -> tuple[Section | None, tuple[str, ...]]:
        """The section of the new document that old section *key* became, and how.

        Returns ``(section or None, statuses)``; statuses come from the alignment
        (``unchanged``, ``edited``, ``renamed``, ``moved``, ``split`` ...).
        """
        old = self.old_doc.get(key) if self.old_doc is not None else None
        if self._alignment is not None and old is not None:
            pair = self._alignment.for_old(key)
            if pair is None or not pair.new:
                return None, tuple(pair.status) if pair is not None else ("removed",)
            biggest = max(pair.new, key=lambda s: (s.words_all, s.end_all - s.start))
            return biggest, tuple(pair.status)
        return self._fallback(key, old, title)

    def _fallback(self, key: str, old: Section | None, title: str | None) -> tuple[Section | None, tuple[str, ...]]:
        new = self.new_doc
        same = new.get(key)
        if same is not None:
            if old is None or same.content_hash == old.content_hash:
                return same, ("unchanged",)
            return same, ("edited",)
        title = old.title if old is not None else title
        if old is not None and old.plain.strip():
            equal = [s for s in new.sections if s.content_hash == old.content_hash]
            if len(equal) == 1:
                status = ("renamed",) if equal[0].title != old.title else ("moved",)
                return equal[0], status
        if title:
            same_title = [s for s in new.sections if s.title.lower() == title.lower()]
            if len(same_title) == 1:
                return same_title[0], ("moved",)
            best, best_ratio = None, 0.0
            for s in new.sections:
                if old is not None and s.kind != old.kind and {s.kind, old.kind} != {"heading", "outline"}:
                    continue
                ratio = difflib.SequenceMatcher(None, s.title.lower(), title.lower()).ratio()
                if ratio > best_ratio:
                    best, best_ratio = s, ratio
            if best is not None and best_ratio >= TITLE_SIMILARITY:
                return best, ("renamed",)
        if old is not None:
            words = _word_set(old.plain)
            if len(words) >= 5:
                scored = [(_jaccard(words, _word_set(s.plain)), s) for s in new.sections if s.kind != "frontmatter"]
                share, best = max(scored, key=lambda item: item[0], default=(0.0, None))
                if best is not None and share >= BODY_SIMILARITY:
                    return best, ("renamed", "edited")
        return None, ("removed",)


def _word_set(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


# ---------------------------------------------------------------------- caches


class _LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> Any:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


_maps = _LRU(64)  # (old blob, new blob) -> SectionMap
_indexes = _LRU(16)  # new blob -> word index
_placements = _LRU(4096)  # (new blob, anchor key) -> Placement


def clear_caches() -> None:
    """Forget cached alignments, word indexes and placements."""
    _maps.clear()
    _indexes.clear()
    _placements.clear()


def section_map(old_doc: Document | None, new_doc: Document, old_blob: str | None,
                new_blob: str | None) -> SectionMap:
    """The (cached) :class:`SectionMap` between two versions, keyed by their blobs."""
    if old_blob is None or new_blob is None:
        return SectionMap(old_doc, new_doc)
    key = (old_blob, new_blob, old_doc is not None)
    cached = _maps.get(key)
    return cached if cached is not None else _maps.put(key, SectionMap(old_doc, new_doc))


def _index_for(doc: Document, blob: str | None) -> dict[str, list[int]]:
    if blob is None:
        return _word_index(doc.text)
    cached = _indexes.get(blob)
    return cached if cached is not None else _indexes.put(blob, _word_index(doc.text))


# ---------------------------------------------------------------------- re-anchoring


def section_at(doc: Document, offset: int) -> Section | None:
    """The innermost section whose own span contains *offset* (own spans tile the text)."""
    if not doc.sections:
        return None
    starts = [s.start for s in doc.sections]
    i = bisect.bisect_right(starts, offset) - 1
    return doc.sections[max(0, i)]


def _anchor_key(anchor: Any) -> tuple:
    return (anchor.blob, anchor.section_key, anchor.section_title, anchor.start, anchor.end,
            anchor.exact, anchor.prefix, anchor.suffix)


def reanchor(anchor: Anchor, doc: Document, blob: str | None,
             old_doc: Document | Callable[[], Document | None] | None = None) -> Placement:
    """Where the comment with *anchor* sits in *doc* (the draft text whose blob is *blob*).

    *old_doc* is the parsed text the anchor was made on (the version at
    ``anchor.blob``), or a function returning it, called only when needed (a
    quote found intact in its section needs neither the old text nor an
    alignment); without it sections are followed by key and title only.

    Quote comments follow the rules in the module docstring. Section comments:
    same blob, or the section found with the same content hash at the same key
    and not reported moved by the alignment -> ``exact``; same content but
    renamed or moved -> ``moved``; found with changed content -> ``outdated``;
    gone -> ``orphaned``. Whole-version comments: ``exact`` on their own blob,
    ``outdated`` on any other version (the draft they speak about has changed
    since; they are still shown, at the top).

    Results are cached by (blob, anchor), alignments by (old blob, new blob).
    """
    cache_key = (blob, _anchor_key(anchor), old_doc is not None) if blob is not None else None
    if cache_key is not None:
        cached = _placements.get(cache_key)
        if cached is not None:
            return cached
    loaded: list[Document | None] = []

    def load_old() -> Document | None:
        if not loaded:
            loaded.append(old_doc() if callable(old_doc) else old_doc)
        return loaded[0]

    placement = _reanchor(anchor, doc, blob, load_old)
    if cache_key is not None:
        _placements.put(cache_key, placement)
    return placement


def _reanchor(anchor: Any, doc: Document, blob: str | None, load_old: Callable[[], Document | None]) -> Placement:
    scope = anchor_scope(anchor)
    same_blob = blob is not None and blob == anchor.blob
    if scope == "version":
        return Placement("exact" if same_blob else "outdated", None, None, None,
                         1.0 if same_blob else 0.0, None, "version")
    if scope == "section":
        return _reanchor_section(anchor, doc, blob, load_old, same_blob)
    return _reanchor_quote(anchor, doc, blob, load_old, same_blob)


def _reanchor_section(anchor: Any, doc: Document, blob: str | None, load_old: Callable[[], Document | None],
                      same_blob: bool) -> Placement:
    key = anchor.section_key
    if same_blob and doc.get(key) is not None:
        sec = doc.get(key)
        return Placement("exact", key, sec.start, sec.end_all, 1.0, None, "section")
    old_doc = load_old()
    smap = section_map(old_doc, doc, anchor.blob, blob)
    new, status = smap.follow(key, anchor.section_title)
    if new is None:
        return Placement("orphaned", None, None, None, 0.0, None, "section")
    old = old_doc.get(key) if old_doc is not None else None
    unchanged_body = old is not None and old.content_hash == new.content_hash
    if old is None and new.key == key and "edited" not in status:
        unchanged_body = "unchanged" in status
    if unchanged_body:
        renamed = anchor.section_title is not None and new.title != anchor.section_title
        moved = new.key != key or renamed or any(s in status for s in ("moved", "renamed", "promoted"))
        state = "moved" if moved else "exact"
        return Placement(state, new.key, new.start, new.end_all, 1.0, None, "section")
    return Placement("outdated", new.key, new.start, new.end_all, 0.0, None, "section")


def _old_section_key(anchor: Any, old_doc: Document | None) -> str | None:
    if anchor.section_key:
        return anchor.section_key
    if old_doc is not None and anchor.start is not None and anchor.start <= len(old_doc.text):
        sec = section_at(old_doc, anchor.start)
        return sec.key if sec is not None else None
    return None


def _within(section: Section | None, pos: int) -> bool:
    return section is not None and section.start <= pos < max(section.end_all, section.start + 1)


class _QuoteSearch:
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
            inside = 1.0 if _within(target, s) else 0.0
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


def _reanchor_quote(anchor: Any, doc: Document, blob: str | None, load_old: Callable[[], Document | None],
                    same_blob: bool) -> Placement:
    text = doc.text
    quote: str = anchor.exact
    start = anchor.start or 0
    end = anchor.end if anchor.end is not None else start + len(quote)

    if same_blob and text[start:end] == quote:
        key = anchor.section_key if anchor.section_key and doc.get(anchor.section_key) else None
        if key is None:
            sec = section_at(doc, start)
            key = sec.key if sec is not None else None
        return Placement("exact", key, start, end, 1.0, quote, "quote")

    search = _QuoteSearch(anchor, doc, blob)
    n = len(quote)

    # Pass 1, without the old text: the section kept its key (the common case), and
    # what is found inside it needs no alignment to be placed.
    same_key = doc.get(anchor.section_key) if anchor.section_key else None
    if same_key is not None:
        hint = min(max(0, start), len(text))
        if search.occurrences:
            best = search.best_occurrence(same_key, hint)
            if _within(same_key, best):
                state = "exact" if best == start or search.intact(best) else "moved"
                return Placement(state, same_key.key, best, best + n, 1.0, quote, "quote")
        else:
            found = search.fuzzy(hint)
            if found is None:
                return Placement("outdated", same_key.key, None, None, 0.0, None, "quote")
            score, s1, e1 = found
            if _within(same_key, s1):
                return Placement("fuzzy", same_key.key, s1, e1, score, text[s1:e1], "quote")

    # Pass 2: follow the old section through the alignment; it is the search
    # target and gives the nearness hint.
    old_doc = load_old()
    old_key = _old_section_key(anchor, old_doc)
    target: Section | None = None
    if old_key is not None:
        target, _status = section_map(old_doc, doc, anchor.blob, blob).follow(old_key, anchor.section_title)
    hint = min(start, len(text))
    old_sec = old_doc.get(old_key) if old_doc is not None and old_key else None
    if target is not None and old_sec is not None:
        hint = target.start + min(max(0, start - old_sec.start), max(0, target.end_all - target.start))
    hint = min(max(0, hint), len(text))

    def place_key(pos: int) -> str | None:
        if _within(target, pos):
            return target.key
        sec = section_at(doc, pos)
        return sec.key if sec is not None else None

    # 1. Verbatim occurrences. Outside the section the old one became, a short quote in
    # other words is a lookalike, not the passage (the guard of the fuzzy search).
    best = search.best_occurrence(target, hint) if search.occurrences else None
    if best is not None and (_within(target, best) or search.identifies(best)):
        key = place_key(best)
        expected = anchor.section_key or old_key
        same_section = expected is None or key == expected
        same_place = best == start
        if not same_place and old_sec is not None and target is not None and _within(target, best):
            # Text changed earlier in the draft shifts every offset: compare the
            # position inside the section, or the intact context around the quote.
            same_place = best - target.start == start - old_sec.start or search.intact(best)
        state = "exact" if same_section and same_place else "moved"
        return Placement(state, key, best, best + n, 1.0, quote, "quote")

    # 2. Approximate search.
    found = search.fuzzy(hint)
    if found is not None:
        score, s1, e1 = found
        return Placement("fuzzy", place_key(s1), s1, e1, score, text[s1:e1], "quote")

    # 3. The passage changed: keep the comment at its section, or orphan it.
    if target is not None:
        return Placement("outdated", target.key, None, None, 0.0, None, "quote")
    return Placement("orphaned", None, None, None, 0.0, None, "quote")


# ---------------------------------------------------------------------- threads of a version


def placement_order(placement: Placement, doc: Document) -> tuple[int, int]:
    """A sort key in document order: whole-version comments first, orphans last."""
    if placement.scope == "version":
        return (0, 0)
    if placement.start is not None:
        return (1, placement.start)
    if placement.section_key is not None and doc.get(placement.section_key) is not None:
        return (1, doc.get(placement.section_key).start)
    return (2, 0)


class VersionIndex:
    """Which version of a history each comment was made on (see :meth:`index_of`)."""

    def __init__(self, history: Any) -> None:
        self.paths = set(history.paths)
        self._by_commit: dict[str, int] = {}
        self._by_blob: dict[str, int] = {}
        for i, v in enumerate(history.versions):
            self._by_commit.setdefault(v.commit, i)
            if v.blob is not None and not v.is_worktree:
                self._by_blob[v.blob] = i  # the oldest version with this blob wins

    def index_of(self, anchor: Any) -> int | None:
        """The index in ``history.versions`` (newest first) of the anchor's version.

        Found by commit, else by blob (a commit amended or rebased away leaves its
        blob behind; when several versions share it, the oldest). ``None`` when
        neither matches: the comment is older than every version.
        """
        return self._by_commit.get(anchor.commit, self._by_blob.get(anchor.blob))


class BlobDocuments:
    """Parsed draft texts by blob id: the history's document cache first, then the object store.

    ``get(blob)`` returns ``None`` when the blob cannot be read or parsed (a
    pruned object, not UTF-8): callers then follow sections by key and title.
    """

    def __init__(self, history: Any) -> None:
        self.history = history
        self._by_blob = {v.blob: v for v in history.versions if v.blob is not None}
        self._docs: dict[str, Document | None] = {}

    def get(self, blob: str | None) -> Document | None:
        if not blob:
            return None
        if blob in self._docs:
            return self._docs[blob]
        doc: Document | None
        version = self._by_blob.get(blob)
        try:
            if version is not None:
                doc = self.history.document(version)
            else:
                doc = parse(decode_draft(self.history.repo.read_blob(blob), f"blob {blob[:8]}"))
        except Exception:  # not a readable draft, or a pruned object (GitPython raises its own errors)
            doc = None
        self._docs[blob] = doc
        return doc


def comments_for_version(history: Any, threads: Iterable[Any], version: Any,
                         include_retracted: bool = False) -> list[tuple[Any, Placement]]:
    """Every thread made on *version* or an earlier one, re-anchored onto *version*.

    *history* is a :class:`reviewtool.draft.history.DraftHistory`, *threads* are
    :class:`reviewtool.review.comments.Thread` objects (any draft: the others are
    skipped). A thread whose commit is no longer in the history is matched by its
    blob; when neither matches (but its path was the draft's) it counts as older
    than every version. Retracted threads are left out unless asked for.
    Returns ``(thread, placement)`` pairs in document order.
    """
    target_index = history.index(version)
    doc = history.document(version)
    blob = version.blob
    old_docs = BlobDocuments(history)
    versions = VersionIndex(history)
    result: list[tuple[Any, Placement, tuple]] = []
    for thread in threads:
        if getattr(thread, "retracted", False) and not include_retracted:
            continue
        anchor = thread.anchor
        if anchor.path not in versions.paths:
            continue  # another draft (a commit can touch several)
        index = versions.index_of(anchor)
        if index is not None and index < target_index:
            continue  # made on a newer version
        placement = reanchor(anchor, doc, blob, lambda b=anchor.blob: old_docs.get(b))
        order = (*placement_order(placement, doc), str(getattr(thread, "created", "")))
        result.append((thread, placement, order))
    result.sort(key=lambda item: item[2])
    return [(t, p) for t, p, _ in result]
