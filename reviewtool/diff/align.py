"""Section alignment: pair the sections of two versions of a draft and classify each pair.

:func:`align` runs in five stages (``docs/diff-algorithm.md`` explains the
reasoning and the thresholds):

1. **Exact, same place**: same key and same content fingerprint.
2. **Exact, anywhere**: same non-empty content fingerprint (unique on both
   sides, or with the same title), whatever the key: moved or re-parented
   sections, children of a renamed heading.
3. **Same key**: the section kept its title path; its content changed.
4. **Scored**: everything left is scored pairwise (title similarity combined
   with bag-of-words Jaccard/containment, or containment of an outline bullet
   in the prose that develops it) and solved by optimal assignment (our own
   sparse Hungarian / Jonker-Volgenant implementation,
   :func:`reviewtool.diff.assignment.max_weight_matching`,
   on the graph of pairs scoring at least :data:`MATCH_THRESHOLD`; the rest
   stay unmatched).
5. **Splits and merges**: a window of neighbouring unmatched sections grows
   around each pair (and around each unmatched section) while it covers the
   other side better, in the manner of wikidiff2's split detection.

Statuses (several may apply) come from :data:`STATUSES`. ``moved`` is decided
per group of siblings with a longest increasing subsequence (fewest sections
moved, then fewest words moved), so a single moved section does not mark its
neighbours as moved; a changed parent also counts as a move.

This module owns the stages and the thresholds. The result types (:class:`Alignment`,
:class:`SectionPair`, :data:`STATUSES`) live in :mod:`reviewtool.diff.section_pairs`, the
order test for ``moved`` in :mod:`reviewtool.diff.weighted_lis`. The words and similarity measures live in
:mod:`reviewtool.diff.lexicon`, the per-document facts and their cache in
:mod:`reviewtool.diff.section_facts`, the assignment solver in
:mod:`reviewtool.diff.assignment`.

The core of reviewtool: no Textual, no Rich.
"""

from __future__ import annotations

import bisect
import difflib
import math
from collections import Counter
from itertools import chain, repeat

from reviewtool.diff.assignment import max_weight_matching
from reviewtool.diff.lexicon import (
    MIN_TOKENS,
    clear_stems,
    containment,
    content_words,
    normalised_title_similarity,
    plain_similarity,
    title_similarity,
)
from reviewtool.diff.section_facts import DocumentFacts, clear_facts, document_facts
from reviewtool.diff.section_pairs import STATUS_ORDER, Alignment, SectionPair
from reviewtool.diff.weighted_lis import weighted_lis
from reviewtool.draft.document import EMPTY_FINGERPRINT, Document, Section
from reviewtool.records import record

# ---------------------------------------------------------------- thresholds
#: Weight of the title in the combined score (the rest is content). The
#: outline->prose experiment in the research note measured 0.3 title + 0.7
#: containment as the best mix (0.95 accuracy at 500 sections with LSA).
W_TITLE = 0.3
#: Weight of the content (bag of words) in the combined score.
W_CONTENT = 1.0 - W_TITLE
#: Weight of the structural context in the scored stage's assignment (not in the
#: threshold): when two candidates are about as similar, the one whose parent and
#: children are paired with its own wins (see ``_Aligner.context``). Small next to
#: real differences of similarity: a pair must be within 0.05 of the best to win on place.
W_CONTEXT = 0.05
#: Below this combined score a leftover pair is not matched: the sections are
#: reported as removed and added. wikidiff2 treats paragraphs as moved when 0.2
#: to 0.3 of their words are unchanged (0.3 was preferred on 5,304 revisions);
#: we sit at the top of that range because our score also rewards title
#: similarity.
MATCH_THRESHOLD = 0.3
#: A neighbouring unmatched section joins a split (merge) only if at least this
#: share of its own content words occur in the section it was split from
#: (merged into). Docxodus calls a block moved at word Jaccard >= 0.8; a part
#: of a split also gains a new title and linking sentences, hence lower.
PART_THRESHOLD = 0.6
#: ...and only if adding it raises the coverage of the other side by at least this much.
MIN_GAIN = 0.02
#: A split (merge) of a section that found no 1:1 partner needs its parts to
#: cover at least this share of its content words.
COVER_THRESHOLD = 0.5
#: Title pairs whose letter-bigram Dice is below this skip difflib (its ratio
#: would be low as well): the bigram Dice is used in its place. Speed only.
BIGRAM_FLOOR = 0.3
#: Leftover sets up to this many pairs are scored exhaustively (100 x 100);
#: larger ones go through blocking (see ``_Aligner.candidates``).
DENSE_PAIRS = 10_000
#: Blocking: each old section probes the index with this many of its rarest words.
PROBE_WORDS = 40
#: Blocking: new sections scored per old section.
CANDIDATES = 12
#: Most parts in one split or merge (wikidiff2's ``maxSplitSize`` is 3; 10 was proposed).
MAX_PARTS = 8

# ---------------------------------------------------------------- the aligner


@record
class _Group:
    old: list[int]
    new: list[int]
    via: str  # exact | hash | key | score | split | merge | lone-split | lone-merge
    score: float = 1.0


def _document_frequencies(sets: list[frozenset[str]]) -> Counter[str]:
    """In how many of *sets* each word is: twin sections hold the very same set
    (:mod:`reviewtool.diff.section_facts`), so each distinct set is counted once and its
    words weighed by its copies (a book repeats whole chapters)."""
    copies = Counter(sets)
    if len(copies) == len(sets):
        return Counter(chain.from_iterable(sets))
    df: Counter[str] = Counter(chain.from_iterable(s for s, m in copies.items() if m == 1))
    by_copies: dict[int, list[frozenset[str]]] = {}
    for s, m in copies.items():
        if m > 1:
            by_copies.setdefault(m, []).append(s)
    for m, group in by_copies.items():
        for word, count in Counter(chain.from_iterable(group)).items():
            df[word] += count * m
    return df


def clear_cache() -> None:
    """Forget the per-document facts and the word stems kept between calls (for benchmarks and memory)."""
    clear_facts()
    clear_stems()


#: An edge of the scored stage kept for its second solution: (row, column), the old and new
#: sections, the weight before context, the subtrees' and the kinds' agreements.
_Rest = tuple[tuple[int, int], int, int, float, float, float]


class _Blocking:
    """The index :meth:`_Aligner.candidates` probes: per rank of a weighed word (rarest first),
    its weight and the classes of new sections holding it; per title word, the classes whose
    title holds it; each class's new sections."""

    def __init__(self, idf: dict[str, float], rank: dict[str, int], unranked: int, weights: list[float],
                 postings: list[list[int]], title_postings: dict[str, list[int]], members: list[list[int]],
                 sizes: list[int]) -> None:
        self.idf, self.rank, self.unranked, self.weights = idf, rank, unranked, weights
        self.postings, self.title_postings, self.members, self.sizes = postings, title_postings, members, sizes

    def best(self, shape: tuple[frozenset[str], frozenset[str]]) -> list[int]:
        """The best :data:`CANDIDATES` new sections for an old section of *shape* (words, title
        words), in order: those of the highest summed weights, ties to the first.

        Each class's sum is kept in a list by class (every weight is positive, so a class no
        word reached sums to 0.0), its words' weights added in the order of the probe (rarest
        first) and then of the title words, as a dict of sums did (tests/test_fast_paths_blocking.py
        keeps it); the best sums are found by one C sort of the non-zero floats, and only the
        classes at or above the :data:`CANDIDATES`-th best class's sum are looked at further (the
        best members are among them: each class has at least one)."""
        postings, weights = self.postings, self.weights
        sums = [0.0] * len(self.members)
        # The probe: the PROBE_WORDS rarest words (unranked words sort last and hold no class).
        for r in sorted(map(self.rank.get, shape[0], repeat(self.unranked)))[:PROBE_WORDS]:
            weight = weights[r]
            for c in postings[r]:
                sums[c] += weight
        idf, title_postings = self.idf, self.title_postings
        for t in shape[1]:
            found = title_postings.get(t)
            if found:
                weight = 2 * idf.get(t, 0.1)
                for c in found:
                    sums[c] += weight
        reached = sorted(filter(None, sums), reverse=True)  # the sums of the classes reached (not 0.0)
        if not reached:
            return []
        cut = reached[min(CANDIDATES, len(reached)) - 1]
        top = [c for c, total in enumerate(sums) if total >= cut]
        sizes, members = self.sizes, self.members
        # The CANDIDATES-th best member's sum: every member at or above it is in the running.
        floor = cut
        count = 0
        for total, size in sorted([(sums[c], sizes[c]) for c in top], reverse=True)[:CANDIDATES]:
            count += size
            floor = total
            if count >= CANDIDATES:
                break
        running = [(-sums[c], j) for c in top if sums[c] >= floor for j in members[c]]
        running.sort()
        return sorted([j for _, j in running[:CANDIDATES]])


#: The similarity figures of a pair :func:`align` was asked not to measure (not a number).
NOT_MEASURED = math.nan


class _Aligner:
    def __init__(self, old: Document, new: Document, similarities: bool = True) -> None:
        self.similarities = similarities
        self.o = document_facts(old)
        self.n = document_facts(new)
        self.groups: list[_Group] = []
        self.g_old: dict[int, _Group] = {}
        self.g_new: dict[int, _Group] = {}
        self._matchers: dict[int, difflib.SequenceMatcher[str]] = {}
        self._anchored_old: list[list[int]] = []
        self._anchored_new: list[int] = []
        self._context_rest: dict[tuple[int, int], tuple[float, float]] = {}
        #: Scores of pairs of twin classes (:attr:`DocumentFacts.score_class`), and title
        #: similarities by the pair of titles: a book repeats whole chapters.
        self._scores: dict[tuple[int, int, float], tuple[float, float, float]] = {}
        self._titles: dict[tuple[str, str], float] = {}
        self._subtrees: dict[tuple[int, int], float] = {}
        self._seeds: dict[tuple[str, bool, frozenset[str]], list[tuple[int, int]]] = {}
        #: The sections of each side left unmatched when the lone splits and merges start.
        self._free: dict[str, list[int]] = {}

    # ------------------------------------------------------------ bookkeeping
    def _add(self, group: _Group) -> None:
        self.groups.append(group)
        for i in group.old:
            self.g_old[i] = group
        for j in group.new:
            self.g_new[j] = group

    def _remove(self, group: _Group) -> None:
        self.groups.remove(group)
        for i in group.old:
            del self.g_old[i]
        for j in group.new:
            del self.g_new[j]

    def _left_old(self) -> list[int]:
        return [i for i in range(len(self.o.secs)) if i not in self.g_old]

    def _left_new(self) -> list[int]:
        return [j for j in range(len(self.n.secs)) if j not in self.g_new]

    # ------------------------------------------------------------ scoring
    def shape(self, i: int, j: int) -> str:
        if self.o.outlineish[i] and self.n.proseish[j]:
            return "promoted"
        if self.o.proseish[i] and self.n.outlineish[j]:
            return "condensed"
        return "plain"

    def content_similarity(self, i: int, j: int) -> float | None:
        o, n = self.o, self.n
        if o.fph[i] != EMPTY_FINGERPRINT and o.fph[i] == n.fph[j] and o.secs[i].kind == n.secs[j].kind:
            return 1.0  # the same body, word for word (the sets of words cannot tell "a a" from "a")
        shape = self.shape(i, j)
        if shape == "promoted":
            return containment(self.o.tok_eff(i), self.n.tok_all(j))
        if shape == "condensed":
            return containment(self.n.tok_eff(j), self.o.tok_all(i))
        if self.o.outlineish[i] and self.n.outlineish[j]:
            # Two outlines: a heading whose content is its bullets is compared with them.
            return plain_similarity(self.o.tok_eff(i), self.n.tok_eff(j))
        return plain_similarity(self.o.tok[i], self.n.tok[j])

    def title_similarity(self, i: int, j: int) -> float:
        """:func:`reviewtool.diff.lexicon.title_similarity` of the two sections' titles, kept by the
        pair of titles (everything it reads comes from the titles alone). The same title is 1.0
        (equal titles normalise alike) with no title read further: most pairs keep their title."""
        key = (self.o.secs[i].title, self.n.secs[j].title)
        if key[0] == key[1]:
            return 1.0
        got = self._titles.get(key)
        if got is None:
            got = self._titles[key] = self._title_similarity(i, j)
        return got

    def _title_similarity(self, i: int, j: int) -> float:
        o, n = self.o, self.n
        if o.title_norm[i] == n.title_norm[j]:
            return 1.0  # what normalised_title_similarity says, without building a matcher
        ga, gb = o.title_grams[i], n.title_grams[j]
        grams = 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0
        if grams < BIGRAM_FLOOR:
            # Titles that share few letter pairs: difflib's ratio would be low
            # too and costs far more; the bigram Dice stands in for it.
            tw_o, tw_n = o.title_words[i], n.title_words[j]
            dice = 2 * len(tw_o & tw_n) / (len(tw_o) + len(tw_n)) if tw_o and tw_n else grams
            return (grams + dice) / 2
        matcher = self._matchers.get(j)
        if matcher is None:
            matcher = difflib.SequenceMatcher(None, autojunk=False)
            matcher.set_seq2(self.n.title_norm[j])
            self._matchers[j] = matcher
        return normalised_title_similarity(o.title_norm[i], n.title_norm[j], o.title_words[i], n.title_words[j],
                                           matcher)

    def score(self, i: int, j: int, floor: float = 0.0) -> tuple[float, float, float]:
        """(combined, content, title) similarity of old section *i* and new section *j*.

        When even identical titles could not lift the pair to *floor*, the
        (comparatively slow) title similarity is skipped and 0 returned for it.

        Kept by the pair of twin classes (:attr:`DocumentFacts.score_class`: kind, fingerprint,
        title, words, shape) when neither section reads as an outline: then nothing else is
        read (an outline's score reads its children's words).
        """
        o, n = self.o, self.n
        if o.outlineish[i] or n.outlineish[j]:
            return self._score(i, j, floor)
        key = (o.score_class[i], n.score_class[j], floor)
        got = self._scores.get(key)
        if got is None:
            got = self._scores[key] = self._score(i, j, floor)
        return got

    def _score(self, i: int, j: int, floor: float) -> tuple[float, float, float]:
        cs = self.content_similarity(i, j)
        if cs is not None and floor > 0.0:
            tw_o, tw_n = self.o.title_words[i], self.n.title_words[j]
            dice = 2 * len(tw_o & tw_n) / (len(tw_o) + len(tw_n)) if tw_o and tw_n else 1.0
            if W_TITLE * (1.0 + dice) / 2 + W_CONTENT * cs < floor:
                return W_CONTENT * cs, cs, 0.0
        ts = self.title_similarity(i, j)
        if cs is None:
            return ts, 1.0 if ts == 1.0 else 0.0, ts
        return W_TITLE * ts + W_CONTENT * cs, cs, ts

    # ------------------------------------------------------------ stages
    def stage_exact(self) -> None:
        o, n = self.o, self.n
        for i, s in enumerate(o.secs):
            j = n.index.get(s.key)
            if j is not None and j not in self.g_new and o.trusted[i] and n.trusted[j] and o.fph[i] == n.fph[j] \
                    and o.secs[i].kind == n.secs[j].kind:
                self._add(_Group([i], [j], "exact"))

    def stage_hash(self) -> None:
        o, n = self.o, self.n
        # Only content found on both sides can pair: the words of the others are not read.
        left_old = [i for i in self._left_old() if o.fph[i] != EMPTY_FINGERPRINT]
        left_new = [j for j in self._left_new() if n.fph[j] != EMPTY_FINGERPRINT]
        both = {o.fph[i] for i in left_old}.intersection([n.fph[j] for j in left_new])
        by_fp_old: dict[str, list[int]] = {}
        by_fp_new: dict[str, list[int]] = {}
        for i in left_old:
            if o.fph[i] in both and o.tok[i]:
                by_fp_old.setdefault(o.fph[i], []).append(i)
        for j in left_new:
            if n.fph[j] in both and n.tok[j]:
                by_fp_new.setdefault(n.fph[j], []).append(j)
        for fp, olds in by_fp_old.items():
            news = by_fp_new.get(fp)
            if not news:
                continue
            if len(olds) == 1 and len(news) == 1:
                self._add(_Group(olds, news, "hash"))
                continue
            # Duplicated content: only a title that is unique among the copies on both
            # sides identifies a section; namesakes with the same body are left to the
            # scored stage, where their parents and children tell them apart.
            by_title_old: dict[str, list[int]] = {}
            by_title_new: dict[str, list[int]] = {}
            for i in olds:
                by_title_old.setdefault(o.ntitle[i], []).append(i)
            for j in news:
                by_title_new.setdefault(n.ntitle[j], []).append(j)
            for title, same_old in by_title_old.items():
                same_new = by_title_new.get(title, [])
                if len(same_old) == 1 and len(same_new) == 1:
                    self._add(_Group(same_old, same_new, "hash"))

    def stage_key(self) -> None:
        for i in self._left_old():
            if not self.o.trusted[i]:
                continue
            j = self.n.index.get(self.o.secs[i].key)
            if j is not None and j not in self.g_new and self.n.trusted[j]:
                self._add(_Group([i], [j], "key"))

    def candidates(self, olds: list[int], news: list[int]) -> dict[int, list[int]]:
        """Which leftover new sections to score against each leftover old section.

        Up to :data:`DENSE_PAIRS` pairs: all of them. Beyond that, blocking: each
        old section probes an inverted index of the new sections with its
        :data:`PROBE_WORDS` rarest content words (words in more than half the
        leftovers are ignored) and its title words; new sections are ranked by
        the summed inverse document frequency of the shared words (title words
        count double) and the best :data:`CANDIDATES` are scored (ties: the first).

        Sections with the same words and title words (a book repeats whole sections)
        probe and rank alike: the index holds one entry per such class of new sections,
        whose members all get its sum (the same weights added in the same order), and
        each class of old sections is ranked once.
        """
        if len(olds) * len(news) <= DENSE_PAIRS:
            return {i: list(news) for i in olds}
        o, n = self.o, self.n
        total = len(olds) + len(news)
        df = _document_frequencies([o.tok[i] for i in olds] + [n.tok[j] for j in news])
        idf = {t: math.log(total / c) for t, c in df.items() if c <= total / 2}
        # Rarest first, then by spelling (a stable sort by weight, descending, of the sorted
        # words): a word's rank orders a probe without a key function.
        by_rarity = sorted(idf)
        by_rarity.sort(key=idf.__getitem__, reverse=True)
        unranked = len(by_rarity)  # the rank of a word that is not weighed: after every other
        rank = dict(zip(by_rarity, range(unranked)))
        # Per rank, the word's weight and the classes holding it (one more, empty, for unranked
        # words): the probes read lists by rank, not dicts by word.
        weights = [idf[t] for t in by_rarity]
        weights.append(0.0)
        postings: list[list[int]] = [[] for _ in range(unranked + 1)]
        members: list[list[int]] = []  # the new sections of each class, in order
        classes: dict[tuple[frozenset[str], frozenset[str]], int] = {}
        title_postings: dict[str, list[int]] = {}
        ranked_get = rank.get
        for j in news:
            shape = (n.tok[j], n.title_words[j])
            c = classes.get(shape)
            if c is not None:
                members[c].append(j)
                continue
            c = classes[shape] = len(members)
            members.append([j])
            for r in map(ranked_get, shape[0], repeat(unranked)):
                postings[r].append(c)
            for t in shape[1]:
                title_postings.setdefault(t, []).append(c)
        postings[unranked] = []  # (what the unranked words were put in)
        sizes = [len(m) for m in members]
        ranked: dict[tuple[frozenset[str], frozenset[str]], list[int]] = {}
        result: dict[int, list[int]] = {}
        blocking = _Blocking(idf, rank, unranked, weights, postings, title_postings, members, sizes)
        for i in olds:
            shape = (o.tok[i], o.title_words[i])
            found = ranked.get(shape)
            if found is None:
                found = ranked[shape] = blocking.best(shape)
            result[i] = list(found)
        return result

    def context(self, i: int, j: int) -> float:
        """How well old section *i* and new section *j* sit in corresponding places, 0..1.

        The mean of three agreements. The kinds: 1 for the same kind at the same level,
        0.5 at another level, 0 for another kind. The parents: 1 when both are roots or the parents
        are paired with each other, 0 when they are paired elsewhere or only one is a
        root, 0.5 while a parent is unpaired. The descendants: the mean of the similarity
        of the content words of all descendants and the Dice coefficient of their
        shapes (the multisets of their titles and bodies; both 1 when neither has
        descendants), averaged, when
        either has descendants the earlier stages paired (exact, same content, same
        key), with the Dice coefficient of those paired with each other. Two sections
        alike on their own (say two ``## Copper`` headings with empty bodies) are told
        apart by this.
        """
        parent = self._parent_agreement(i, j)
        rest = self._context_rest.get((i, j))
        if rest is None:
            rest = self._context_rest[(i, j)] = self._children_and_kind(i, j)
        children, kind = rest
        return (parent + children + kind) / 3

    def _parent_agreement(self, i: int, j: int) -> float:
        """The parents' agreement of :meth:`context`: 1 when both are roots or their parents are
        paired with each other, 0 when they are paired elsewhere or only one is a root, 0.5
        while a parent is unpaired."""
        op, np = self.o.parent[i], self.n.parent[j]
        if op is None and np is None:
            return 1.0
        if op is None or np is None:
            known = self.g_old.get(op) if op is not None else self.g_new.get(np)  # type: ignore[arg-type]
            return 0.0 if known is not None else 0.5
        go, gn = self.g_old.get(op), self.g_new.get(np)
        return 0.5 if go is None or gn is None else (1.0 if go is gn else 0.0)

    def _children_and_kind(self, i: int, j: int) -> tuple[float, float]:
        """The agreements of :meth:`context` that do not change while the scored stage
        solves: the descendants' and the kinds' (kept between its two solutions)."""
        o, n = self.o, self.n
        classes = (o.desc_class[i], n.desc_class[j])
        children = self._subtrees.get(classes)
        if children is None:
            children = self._subtrees[classes] = self._subtree_agreement(i, j)
        # Only pairs of the earlier stages count: a descendant paired by this very
        # stage may have been told apart from a namesake by its parent, which would be circular.
        partners = self._anchored_old[i]
        held_new = self._anchored_new[j]
        if partners or held_new:
            end = n.subtree_end[j]
            agree = bisect.bisect_left(partners, end) - bisect.bisect_right(partners, j)
            children = (children + 2 * agree / (len(partners) + held_new)) / 2
        a, b = o.secs[i], n.secs[j]
        kind = (1.0 if a.level == b.level else 0.5) if a.kind == b.kind else 0.0
        return children, kind

    def _subtree_agreement(self, i: int, j: int) -> float:
        """The descendants' agreement of :meth:`context` before the paired ones count: it reads
        the words and the shapes of the two subtrees alone (kept by their classes,
        :attr:`DocumentFacts.desc_class`)."""
        o, n = self.o, self.n
        desc = plain_similarity(o.tok_desc(i), n.tok_desc(j))
        shape_o, shape_n = o.shape_desc(i), n.shape_desc(j)
        sizes = shape_o.total() + shape_n.total()
        shape = 2 * (shape_o & shape_n).total() / sizes if sizes else 1.0
        return ((1.0 if desc is None else desc) + shape) / 2

    def _anchor_descendants(self) -> None:
        """For :meth:`context`: per old section, the sorted new partners of its descendants
        paired so far; per new section, how many of its descendants are paired."""
        o, n = self.o, self.n
        self._anchored_old = [[] for _ in o.secs]
        self._anchored_new = [0] * len(n.secs)
        for g in self.groups:
            i, j = g.old[0], g.new[0]
            p = o.parent[i]
            while p is not None:
                self._anchored_old[p].append(j)
                p = o.parent[p]
            p = n.parent[j]
            while p is not None:
                self._anchored_new[p] += 1
                p = n.parent[p]
        for partners in self._anchored_old:
            partners.sort()

    def stage_score(self) -> None:
        """Optimal assignment of the leftovers on similarity plus context, solved twice.

        The similarity decides whether a pair may match at all (:data:`MATCH_THRESHOLD`).
        Where it may, agreeing context (:meth:`context`) adds up to :data:`W_CONTEXT`, and
        a tiny tie-break prefers similar relative positions. The first solution's pairs
        are context for the second (a section's parent may itself be a leftover), and the
        second solution is kept.

        :meth:`score` and :meth:`context` are written out in the loops below (their memos and
        the facts read once per section, not once per pair: a book's blocking scores some
        9,000 pairs and keeps 7,000 edges); ``tests/test_fast_paths_align_reads.py`` compares
        this with the stage calling them pair by pair.
        """
        olds, news = self._left_old(), self._left_new()
        if not olds or not news:
            return
        similar = self._similar(olds, news)
        if not similar:
            return
        self._anchor_descendants()
        row = {i: a for a, i in enumerate(olds)}
        col = {j: b for b, j in enumerate(news)}
        o_parent, n_parent = self.o.parent, self.n.parent

        def solve(edges: dict[tuple[int, int], float]) -> list[_Group]:
            return [_Group([olds[a]], [news[b]], "score", edges[(a, b)])
                    for a, b in max_weight_matching(len(olds), len(news), edges)]

        first_edges, rests = self._first_edges(similar, row, col)
        first = solve(first_edges)
        for g in first:
            self._add(g)
        # Between the two solutions only the parents' agreement changes, and only where a
        # parent was paired by the first: the other edges are what they were.
        paired_old = frozenset(g.old[0] for g in first)
        paired_new = frozenset(g.new[0] for g in first)
        second_edges = dict(first_edges)
        g_old, g_new = self.g_old, self.g_new
        for edge, i, j, w, children, kind in rests:
            op, np = o_parent[i], n_parent[j]
            if op in paired_old or np in paired_new:
                # _parent_agreement(i, j), written out (one parent at least is not None here).
                if op is not None and np is not None:
                    go, gn = g_old.get(op), g_new.get(np)
                    parent = 0.5 if go is None or gn is None else (1.0 if go is gn else 0.0)
                elif op is not None:
                    parent = 0.0 if g_old.get(op) is not None else 0.5
                else:
                    parent = 0.0 if np is not None and g_new.get(np) is not None else 0.5
                second_edges[edge] = w + W_CONTEXT * ((parent + children + kind) / 3)
        second = solve(second_edges)
        for g in first:
            self._remove(g)
        for g in second:
            self._add(g)

    def _first_edges(self, similar: dict[tuple[int, int], float], row: dict[int, int],
                     col: dict[int, int]) -> tuple[dict[tuple[int, int], float], list[_Rest]]:
        """The first solution's edges (by row and column) of the pairs of *similar*: the weight
        plus :data:`W_CONTEXT` times :meth:`context`, written out (the subtree classes and the
        parents' groups read once per section, :meth:`_children_and_kind` and
        :meth:`_parent_agreement` inline); and per edge its pair, weight and the agreements of
        :meth:`_children_and_kind`, which the second solution reuses."""
        o, n = self.o, self.n
        osecs, nsecs = o.secs, n.secs
        o_parent, n_parent = o.parent, n.parent
        g_old, g_new = self.g_old, self.g_new
        subtrees = self._subtrees
        anchored_old, anchored_new, n_end = self._anchored_old, self._anchored_new, n.subtree_end
        o_desc, n_desc = o.desc_class, n.desc_class
        w_context = W_CONTEXT
        bisect_left, bisect_right = bisect.bisect_left, bisect.bisect_right
        # Per new section: its column, subtree class, parent, the parent's group, kind, level,
        # descendants paired and subtree's end.
        per_new: dict[int, tuple[int, int, int | None, _Group | None, str, int, int, int]] = {}
        edges: dict[tuple[int, int], float] = {}
        rests: list[_Rest] = []
        last = -1
        a = ci = level_i = 0
        kind_i = ""
        op: int | None = None
        go: _Group | None = None
        partners: list[int] = []
        for (i, j), w in similar.items():
            if i != last:  # (the pairs of one old section follow each other)
                last = i
                sec_i = osecs[i]
                a, ci, op, partners, kind_i, level_i = row[i], o_desc[i], o_parent[i], anchored_old[i], sec_i.kind, \
                    sec_i.level
                go = g_old.get(op) if op is not None else None
            got = per_new.get(j)
            if got is None:
                np = n_parent[j]
                sec_j = nsecs[j]
                got = per_new[j] = (col[j], n_desc[j], np, g_new.get(np) if np is not None else None, sec_j.kind,
                                    sec_j.level, anchored_new[j], n_end[j])
            b, cj, np, gn, kind_j, level_j, held_new, end_j = got
            children = subtrees.get((ci, cj))
            if children is None:
                children = subtrees[(ci, cj)] = self._subtree_agreement(i, j)
            if partners or held_new:
                agree = bisect_left(partners, end_j) - bisect_right(partners, j)
                children = (children + 2 * agree / (len(partners) + held_new)) / 2
            kind = (1.0 if level_i == level_j else 0.5) if kind_i == kind_j else 0.0
            if op is None:
                parent = 1.0 if np is None else (0.0 if gn is not None else 0.5)
            elif np is None:
                parent = 0.0 if go is not None else 0.5
            else:
                parent = 0.5 if go is None or gn is None else (1.0 if go is gn else 0.0)
            edge = (a, b)
            edges[edge] = w + w_context * ((parent + children + kind) / 3)
            rests.append((edge, i, j, w, children, kind))
        return edges, rests

    def _similar(self, olds: list[int], news: list[int]) -> dict[tuple[int, int], float]:
        """The pairs of the scored stage that may match (combined :meth:`score` at least
        :data:`MATCH_THRESHOLD`), with their weight before context: the score plus a tiny
        tie-break for similar relative positions.

        An old section that reads as no outline gets, from each new one that reads as none, the
        score of their twin classes: so its twins (the same class and the same candidates: a book
        repeats whole chapters) find the pairs that may match once, and each adds its own
        tie-break (a pair with an outline is scored for each section: its words are its children's).
        """
        o, n = self.o, self.n
        n_old, n_new = max(1, len(o.secs)), max(1, len(n.secs))  # (both at least 1 when there are pairs)
        osecs, nsecs, oout, nout = o.secs, n.secs, o.outlineish, n.outlineish
        scores, threshold = self._scores, MATCH_THRESHOLD
        new_class: dict[int, int] = {}
        #: (old class, candidates) -> the candidates that may match in order, each with its
        #: combined score (None: a new section read as an outline, scored for each old one).
        rows: dict[tuple[int, tuple[int, ...]], list[tuple[int, float | None]]] = {}
        similar: dict[tuple[int, int], float] = {}
        for i, js in self.candidates(olds, news).items():
            if osecs[i].kind == "frontmatter":
                continue
            place = i / n_old
            if oout[i]:
                for j in js:
                    if nsecs[j].kind == "frontmatter":
                        continue
                    combined = self._score(i, j, threshold)[0]
                    if combined >= threshold:
                        similar[(i, j)] = combined + 1e-6 * (1.0 - abs(place - j / n_new))
                continue
            old_class = o.score_class[i]
            row_key = (old_class, tuple(js))
            row = rows.get(row_key)
            if row is None:
                row = rows[row_key] = []
                for j in js:
                    if nsecs[j].kind == "frontmatter":
                        continue
                    if nout[j]:
                        row.append((j, None))
                        continue
                    c = new_class.get(j)  # score()'s memo by the pair of twin classes
                    if c is None:
                        c = new_class[j] = n.score_class[j]
                    key = (old_class, c, threshold)
                    got = scores.get(key)
                    if got is None:
                        got = scores[key] = self._score(i, j, threshold)
                    if got[0] >= threshold:
                        row.append((j, got[0]))
            for j, known in row:
                combined = self._score(i, j, threshold)[0] if known is None else known
                if combined >= threshold:
                    similar[(i, j)] = combined + 1e-6 * (1.0 - abs(place - j / n_new))
        return similar

    # ------------------------------------------------------------ splits and merges
    def _grow(self, group: _Group, side: str) -> bool:
        """Grow *group*'s window on *side* (``new`` = split, ``old`` = merge); True if it grew."""
        this, other = (self.n, self.o) if side == "new" else (self.o, self.n)
        window = group.new if side == "new" else group.old
        anchor = (group.old if side == "new" else group.new)[0]
        taken = self.g_new if side == "new" else self.g_old
        if self._neighbour(this, window, taken, 1) is None and self._neighbour(this, window, taken, -1) is None:
            return False  # both neighbours taken (most groups): no words to read
        target_outline = other.outlineish[anchor]
        target = other.tok_eff(anchor) if target_outline else other.tok[anchor]
        if not target:
            return False
        covered = frozenset().union(*(this.tok[k] for k in window)) & target
        grew = False
        while len(window) < MAX_PARTS:
            best: tuple[float, int] | None = None
            for direction in (1, -1):
                k = self._neighbour(this, window, taken, direction)
                if k is None:
                    continue
                part = this.tok[k]
                if len(part) < MIN_TOKENS or containment(part, target) < PART_THRESHOLD:
                    continue
                if target_outline and this.proseish[k]:
                    continue  # prose dwarfs a bullet: containment cannot tell a part from a neighbour
                gain = len((covered | part) & target) / len(target) - len(covered) / len(target)
                if gain >= MIN_GAIN and (best is None or gain > best[0]):
                    best = (gain, k)
            if best is None:
                break
            k = best[1]
            window.append(k)
            window.sort()
            taken[k] = group
            covered = (covered | this.tok[k]) & target
            grew = True
        return grew

    @staticmethod
    def _neighbour(this: DocumentFacts, window: list[int], taken: dict[int, _Group], direction: int) -> int | None:
        """The section next to *window* in *direction* (1: after it, -1: before it) that could
        join it: past the taken descendants of its sections (a matched child travels with its
        parent); None when that section is taken or there is none."""
        if direction == 1:
            # A section's descendants are the sections after it up to its subtree's end, so those
            # of the window's sections at or after its last are the ones before the furthest end
            # (nothing before the window descends from it: the other direction skips none).
            k = max(window) + 1
            end = max(map(this.subtree_end.__getitem__, window))
            while k < end and k in taken:
                k += 1
            if k >= len(this.secs) or k in taken:
                return None
            return k
        k = min(window) - 1
        if k < 0 or k in taken:
            return None
        return k

    def stage_split_merge(self) -> None:
        for group in sorted(self.groups, key=lambda g: g.new[0]):
            # An exact match kept all its content in one place: nothing was split off or merged in.
            if group.via in ("key", "score"):
                if self._grow(group, "new"):
                    group.via = "split"
                elif self._grow(group, "old"):
                    group.via = "merge"
        # Unmatched old sections whose content went to several new ones. From here on a section
        # taken stays taken (a try gives back only its own parts), so the seeds of every try are
        # among the sections left now (_lone reads these, not every section).
        self._free = {"old": self._left_old(), "new": self._left_new()}
        for i in self._free["old"]:
            if i in self.g_old:
                continue
            self._lone(i, "new")
        for j in self._left_new():
            if j in self.g_new:
                continue
            self._lone(j, "old")

    def _lone(self, idx: int, side: str) -> None:
        """Try to explain unmatched section *idx* (on the other side) by several parts on *side*."""
        this, other = (self.n, self.o) if side == "new" else (self.o, self.n)
        taken = self.g_new if side == "new" else self.g_old
        outline = other.outlineish[idx]
        target = other.tok_eff(idx) if outline else other.tok[idx]
        if len(target) < MIN_TOKENS:
            return
        # The parts that could seed it depend on its words alone, so twins find them once. A
        # section taken when they were found stays taken: only a try's own parts are given back.
        found = self._seeds.get((side, outline, target))
        if found is None:
            found = self._seeds[(side, outline, target)] = [
                (-len(this.tok[k] & target), k) for k in self._free[side]
                if not (k in taken or len(this.tok[k]) < MIN_TOKENS or (outline and this.proseish[k]))
                and containment(this.tok[k], target) >= PART_THRESHOLD]
        seeds = [seed for seed in found if seed[1] not in taken]
        if not seeds:
            return
        seed = min(seeds)[1]
        group = _Group([idx], [seed], "lone-split") if side == "new" else _Group([seed], [idx], "lone-merge")
        taken[seed] = group
        self._grow(group, side)
        window = group.new if side == "new" else group.old
        covered = frozenset().union(*(this.tok[k] for k in window)) & target
        if len(window) >= 2 and len(covered) / len(target) >= COVER_THRESHOLD:
            self._add(group)
        else:
            for k in window:
                del taken[k]

    # ------------------------------------------------------------ statuses
    def statuses(self, g: _Group) -> list[str]:
        o, n = self.o, self.n
        if len(g.old) == 1 and len(g.new) == 1:  # most groups: the rules below for one pair
            i, j = g.old[0], g.new[0]
            if o.outlineish[i] and n.proseish[j] and not o.proseish[i]:
                return ["promoted", "renamed"] if o.ntitle[i] != n.ntitle[j] else ["promoted"]
            if o.proseish[i] and n.outlineish[j] and not n.proseish[j]:
                return ["condensed", "renamed"] if o.ntitle[i] != n.ntitle[j] else ["condensed"]
            one = ["renamed"] if o.ntitle[i] != n.ntitle[j] else []
            if o.fph[i] != n.fph[j]:
                one.append("edited")
            return one
        return self._group_statuses(g)

    def _group_statuses(self, g: _Group) -> list[str]:
        """:meth:`statuses` of any group (the rules the short ones for one pair follow)."""
        o, n = self.o, self.n
        if not g.new:
            return ["removed"]
        if not g.old:
            return ["added"]
        status: list[str] = []
        if len(g.new) > 1:
            status.append("split")
        if len(g.old) > 1:
            status.append("merged")
        if any(o.outlineish[i] for i in g.old) and all(n.proseish[j] for j in g.new) \
                and not all(o.proseish[i] for i in g.old):
            status.append("promoted")
        elif any(o.proseish[i] for i in g.old) and all(n.outlineish[j] for j in g.new) \
                and not all(n.proseish[j] for j in g.new):
            status.append("condensed")
        structural = "promoted" in status or "condensed" in status
        if len(g.old) == 1 and len(g.new) == 1:
            i, j = g.old[0], g.new[0]
            if o.ntitle[i] != n.ntitle[j]:
                status.append("renamed")
            if not structural and o.fph[i] != n.fph[j]:
                status.append("edited")
        elif not structural:
            # Titles are left out: the parts of a split get new titles by nature.
            old_words = sorted(w for i in g.old for w in content_words(o.fp[i]))
            new_words = sorted(w for j in g.new for w in content_words(n.fp[j]))
            if old_words != new_words:
                status.append("edited")
        return status

    def representative(self, g: _Group) -> tuple[int, int]:
        """The largest old and the largest new section of a group (ties: first)."""
        if len(g.old) == 1 and len(g.new) == 1:  # most groups: nothing to choose
            return g.old[0], g.new[0]
        i = max(g.old, key=lambda k: (self.o.secs[k].words_all, -k))
        j = max(g.new, key=lambda k: (self.n.secs[k].words_all, -k))
        return i, j

    def parent_changed(self, g: _Group) -> bool:
        i, j = self.representative(g)
        op, np = self.o.parent[i], self.n.parent[j]
        go = self.g_old.get(op) if op is not None else None
        gn = self.g_new.get(np) if np is not None else None
        if op is not None and np is not None:
            if go is None and gn is None:
                return False  # both parents are gone/new: the structure around it was replaced
            return go is not gn
        if op is not None:
            return go is not None and bool(go.new)
        if np is not None:
            return gn is not None and bool(gn.old)
        return False

    def moved(self, status: dict[int, list[str]]) -> set[int]:
        """Ids of groups that moved: parent changed, or out of the weighted LIS of their siblings."""
        moved: set[int] = set()
        siblings: dict[int | None, list[_Group]] = {}
        for g in self.groups:
            if not g.old or not g.new:
                continue
            st = status[id(g)]
            if "promoted" in st or "condensed" in st:
                continue  # a change of kind is a change of place: "moved" would add nothing
            if self.parent_changed(g):
                moved.add(id(g))
                continue
            j = self.representative(g)[1]
            siblings.setdefault(self.n.parent[j], []).append(g)
        for members in siblings.values():
            members.sort(key=lambda g: self.representative(g)[1])
            seq = [self.representative(g)[0] for g in members]
            # Fewest moved sections first; among equally short answers, the
            # fewest moved words (in a swap, the smaller section is the one that moved).
            sizes = [self.o.secs[i].words_all + 1 for i in seq]
            total = sum(sizes)  # (once: summed again for each sibling, 500 siblings cost 250,000 additions)
            weights = [total + size for size in sizes]
            keep = weighted_lis(seq, weights)
            for k, g in enumerate(members):
                if k not in keep:
                    moved.add(id(g))
        return moved

    # ------------------------------------------------------------ result
    def run(self) -> Alignment:
        in_place = self.in_place()
        if in_place is not None:
            return in_place
        self.stage_exact()
        self.stage_hash()
        self.stage_key()
        self.stage_score()
        self.stage_split_merge()
        for i in self._left_old():
            self._add(_Group([i], [], "removed"))
        for j in self._left_new():
            self._add(_Group([], [j], "added"))
        for g in self.groups:
            g.old.sort()
            g.new.sort()
        status = {id(g): self.statuses(g) for g in self.groups}
        for gid in self.moved(status):
            status[gid].append("moved")
        pairs_by_group: dict[int, SectionPair] = {}
        for g in self.groups:
            st = sorted(set(status[id(g)]), key=STATUS_ORDER.__getitem__) or ["unchanged"]
            pairs_by_group[id(g)] = self._pair(g, st)
        ordered = self._order()
        return Alignment(self.o.doc, self.n.doc, [pairs_by_group[id(g)] for g in ordered])

    def in_place(self) -> Alignment | None:
        """What :meth:`run` finds when both documents have the same sections by key, in the same
        order (a version that edited some bodies); None otherwise (the stages find it).

        Then every old section ``i`` pairs with new section ``i``: the exact stage pairs those with
        the same fingerprint and kind; no fingerprint left on one side is left on the other, so the
        hash stage pairs nothing and the key stage pairs the rest by their (trusted, unique) keys;
        nothing is left to score, split or merge (a group grows only into sections left over), and
        nothing moved (each pair's parents are a pair, siblings are in order). So the pairs are
        those of :meth:`run` in new-document order, with the same statuses and similarities.
        """
        o, n = self.o, self.n
        count = len(o.secs)
        if count != len(n.secs) or len(o.index) != count or len(n.index) != count \
                or o.parent != n.parent or not all(o.trusted) or not all(n.trusted):
            return None
        if any(a.key != b.key for a, b in zip(o.secs, n.secs)):
            return None
        ofph, nfph = o.fph, n.fph
        left = [i for i in range(count) if ofph[i] != nfph[i] or o.secs[i].kind != n.secs[i].kind]
        if {ofph[i] for i in left} & {nfph[i] for i in left}:
            return None  # content that changed place: the hash stage decides
        pairs: list[SectionPair] = []
        osecs, nsecs, oout, nout, opros, npros = o.secs, n.secs, o.outlineish, n.outlineish, o.proseish, n.proseish
        for i in range(count):
            a, b = osecs[i], nsecs[i]
            if ofph[i] == nfph[i] and a.title == b.title and not (oout[i] and npros[i] and not opros[i]) \
                    and not (opros[i] and nout[i] and not npros[i]):
                # What statuses and _pair find for the same body under the same title: no status,
                # content 1.0 (same fingerprint), title 1.0 (same normalised title).
                pairs.append(SectionPair([a], [b], ["unchanged"], 1.0, 1.0))
                continue
            g = _Group([i], [i], "exact")
            st = sorted(set(self.statuses(g)), key=STATUS_ORDER.__getitem__) or ["unchanged"]
            pairs.append(self._pair(g, st))
        return Alignment(o.doc, n.doc, pairs)

    def _pair(self, g: _Group, status: list[str]) -> SectionPair:
        o, n = self.o, self.n
        old = [o.secs[i] for i in g.old]
        new = [n.secs[j] for j in g.new]
        if not old or not new:
            return SectionPair(old, new, status, 0.0, 0.0)
        if not self.similarities:
            return SectionPair(old, new, status, NOT_MEASURED, NOT_MEASURED)
        if len(old) == 1 and len(new) == 1:
            i, j = g.old[0], g.new[0]
            if o.fph[i] == n.fph[j]:
                content = 1.0
            else:
                c = self.content_similarity(i, j)
                content = (1.0 if o.ntitle[i] == n.ntitle[j] else 0.0) if c is None else c
            return SectionPair(old, new, status, content, self.title_similarity(i, j))
        a = frozenset().union(*(o.tok[i] for i in g.old))
        b = frozenset().union(*(n.tok[j] for j in g.new))
        if "promoted" in status:
            content = containment(frozenset().union(*(o.tok_eff(i) for i in g.old)), b)
        elif "condensed" in status:
            content = containment(frozenset().union(*(n.tok_eff(j) for j in g.new)), a)
        else:
            content = plain_similarity(a, b) or 0.0
        titles = max(title_similarity(x.title, y.title) for x in old for y in new)
        return SectionPair(old, new, status, content, titles)

    def _order(self) -> list[_Group]:
        """Groups in new-document order; removed groups after the pair of their previous old neighbour."""
        keyed: list[tuple[tuple[int, int, int], _Group]] = []
        for g in self.groups:
            if g.new:
                keyed.append(((min(g.new), 0, 0), g))
                continue
            i = min(g.old)
            anchor = -1
            k = i - 1
            while k >= 0:
                ga = self.g_old.get(k)
                if ga is not None and ga.new:
                    anchor = min(ga.new)
                    break
                k -= 1
            keyed.append(((anchor, 1, i), g))
        keyed.sort(key=lambda t: t[0])
        return [g for _, g in keyed]


def unchanged_in_place(old: Document, new: Document, key: str) -> bool:
    """A cheap check that :func:`align` would report section *key* as ``unchanged``.

    True when the section, its parent and all its siblings have the same keys,
    titles and content fingerprints, in the same order, in both documents (so
    every one of them is an exact match and none moved), and none of them is
    one of several namesakes (whose keys say where they stood, not which they are). False means "align to
    find out", not "changed".
    """
    a, b = old.get(key), new.get(key)
    if a is None or b is None or a.parent != b.parent:
        return False
    facts_a, facts_b = document_facts(old), document_facts(new)
    if not (facts_a.trusted[facts_a.index[key]] and facts_b.trusted[facts_b.index[key]]):
        return False  # a namesake's key says where it stood, not which it is
    if a.parent is None:
        sib_a = [s for s in old.sections if s.parent is None]
        sib_b = [s for s in new.sections if s.parent is None]
    else:
        pa, pb = old.by_key[a.parent], new.by_key[a.parent]  # b.parent == a.parent
        if pa.kind != pb.kind or pa.title != pb.title or _fph(old, pa) != _fph(new, pb):
            return False
        sib_a, sib_b = old.children(pa), new.children(pb)
    if len(sib_a) != len(sib_b):
        return False
    if not all(facts_a.trusted[facts_a.index[x.key]] for x in sib_a) or \
            not all(facts_b.trusted[facts_b.index[y.key]] for y in sib_b):
        return False  # namesakes among the siblings may have traded places
    return all(x.key == y.key and x.kind == y.kind and x.title == y.title
               and _fph(old, x) == _fph(new, y) for x, y in zip(sib_a, sib_b))


def _fph(doc: Document, section: Section) -> str:
    """The fingerprint hash of *section* (computed once per document, or from the cache)."""
    return doc.fingerprint_hashes[section.index]


def align(old: Document, new: Document, similarities: bool = True) -> Alignment:
    """Pair the sections of *old* with those of *new* and classify every pair.

    Every section of both documents appears in exactly one pair. Deterministic.
    See the module docstring and ``docs/diff-algorithm.md`` for the algorithm.
    *similarities*: False for a caller that reads no pair's :attr:`SectionPair.similarity` or
    :attr:`SectionPair.title_similarity` (the counts of a version's change): a pair of
    sections that changed then gets :data:`NOT_MEASURED` for both, not the figures the
    pairing did not need (the content words of every edited section); the pairs, their order
    and their statuses are the same.
    """
    return _Aligner(old, new, similarities).run()
