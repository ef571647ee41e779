"""Outline coverage: which outline bullets (and sub-points) the prose has developed, where, and how sure that is.

:func:`coverage` maps every outline bullet of one version (the sections of kind
``outline``: one rule decides what they are, :mod:`reviewtool.draft.outline_rules`) and
each of its sub-points to the prose section and paragraph that develops it, or says it is
*not written yet*, or that there is *not enough text to judge*. ``docs/diff-algorithm.md``
§7 gives the reasons, and the precision and recall measured on a labelled set of real
outline -> prose pairs (``tests/test_coverage_labelled.py``).

Evidence for a bullet and a prose section (:class:`_Candidate`):

* **words**: the share of the bullet's words (title and sub-points) found in the section
  (its own words or, a little discounted, with its prose descendants), each word weighing
  how rare it is across the prose sections (:meth:`ProseIndex.weight`): "cargo" in an RFC
  about cargo says nothing, "stagnation" a lot. A word the prose never uses weighs like the
  bullet's others (a paraphrase), or like the rarest when it is in the title (a topic the
  prose never names);
* **title**: the share of the bullet title's words in the section's title
  (:class:`reviewtool.diff.coverage_index.TitleMatcher`: "Hard error" and "Hard-error",
  "Licence" and "License", "info string" and "Infostring");
* **place**: the section is under the prose counterpart of the heading the bullet sits
  under (an outline in the RFC template's shape: bullets under ``## Motivation`` go to
  ``## Motivation``); or the aligner paired the bullet with it; or it keeps the bullets of
  a plan list in document order (:func:`_in_order`).

A section develops a bullet (:meth:`_Judge.passes`) when its title says so
(:data:`TITLE_BAR`), or when enough of the words are there: :data:`WORDS_BAR`, down to
:data:`WORDS_BAR_IN_PLACE` as the evidence of place grows, a partly matching title making
up for some. A *thin* bullet (fewer than :data:`THIN` telling words: "Feature Name:
msrv-resolver" in an RFC about the msrv-resolver) is placed by its words only where its
place is sure; otherwise, if its words are there, it is *not enough text to judge*. Among
the sections that pass, one titled as the bullet comes first, then those under its heading,
then the best ranked (telling words in the section and in one paragraph, title, place).

Every verdict has a confidence (0..1, and ``high``/``medium``/``low``:
:func:`_confidence`) and the evidence that agreed. Sub-points are placed on paragraphs
(:func:`_place_point`).

Core module: no Textual, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from reviewtool.diff.align import align
from reviewtool.diff.coverage_index import Paragraph, ProseIndex, paragraphs, title_evidence, title_tokens
from reviewtool.diff.lexicon import normalise_title
from reviewtool.draft.document import Document, Section

if TYPE_CHECKING:
    from reviewtool.diff.section_pairs import Alignment
    from reviewtool.draft.history import DraftHistory, Version

__all__ = [
    "CONFIDENCE_LEVELS",
    "STATES",
    "BulletCoverage",
    "Coverage",
    "Paragraph",
    "Placement",
    "PointCoverage",
    "coverage",
    "outline_words",
    "paragraphs",
    "pick_outline_version",
]

#: A bullet is written where its weighted words reach this share, with no evidence of place
#: (three quarters: a bullet developed, not a passing mention of two of its words)...
WORDS_BAR = 0.75
#: ... and where its place is sure (under its heading's counterpart; or paired by the aligner
#: and in outline order), half of them suffice (the old coverage's bar inside the alignment).
WORDS_BAR_IN_PLACE = 0.5
#: A bullet whose title's words are (nearly) all in a section's title is written there:
#: "Blank lines" and "### Blank lines", "Postponed RFCs" and "## RFC Postponement".
TITLE_BAR = 0.75
#: Bullets with fewer telling words than this (:meth:`ProseIndex.information`: a word in one
#: section counts 1, a word in every section nearly 0) are thin: their words alone cannot
#: place them ("Feature Name: msrv-resolver" in an RFC about the msrv-resolver).
THIN = 2.0
#: A sub-point is written in a paragraph of its bullet's sections holding this share of its words...
POINT_BAR = 0.5
#: ... or in any other paragraph holding this much (if it has :data:`THIN` telling words).
POINT_BAR_ELSEWHERE = 0.75
#: Ranking weights: words and title as in the aligner (the research note's best mix), plus place.
W_WORDS = 0.7
W_TITLE = 0.3
W_PLACE = 0.2
#: A runner-up this far behind the best section (in ranking score) leaves no doubt about the place.
CLEAR_MARGIN = 0.25
#: In the order evidence, a section is a possible place for a bullet from this much telling or title evidence.
ORDER_FLOOR = 0.3
#: In the order evidence, two neighbouring bullets on the same section cost this much.
SAME_SECTION = 0.05
#: Confidence levels: ``high`` from :data:`HIGH`, ``medium`` from :data:`MEDIUM`, else ``low``.
HIGH = 0.7
MEDIUM = 0.4
CONFIDENCE_LEVELS = ("high", "medium", "low")
#: What a placement says.
STATES = ("written", "not written yet", "not enough text to judge")


def confidence_level(confidence: float) -> str:
    return "high" if confidence >= HIGH else "medium" if confidence >= MEDIUM else "low"


@dataclass
class Placement:
    """Where a bullet or sub-point is developed (or not), and how sure that is.

    ``score`` is the weighted share of its words found there (or, not written, the most
    found anywhere); ``confidence`` how sure the verdict is, written or not; ``evidence``
    what agreed (``words``, ``title``, ``under its heading``, ``aligned``, ``in outline
    order``, ``alone``: no other section comes close).
    """

    score: float = 0.0
    section: Section | None = None
    paragraph: Paragraph | None = None
    confidence: float = 0.0
    evidence: list[str] = field(default_factory=list)
    thin: bool = False  # too little telling text to place by words alone

    @property
    def covered(self) -> bool:
        return self.section is not None

    @property
    def state(self) -> str:
        if self.section is not None:
            return "written"
        return "not enough text to judge" if self.thin else "not written yet"

    @property
    def confidence_level(self) -> str:
        return confidence_level(self.confidence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "covered": self.covered,
            "state": self.state,
            "score": round(self.score, 4),
            "confidence": round(self.confidence, 4),
            "confidence_level": self.confidence_level,
            "evidence": list(self.evidence),
            "section_key": self.section.key if self.section else None,
            "section_title": self.section.title if self.section else None,
            "paragraph": self.paragraph.index if self.paragraph else None,
            "paragraph_line": self.paragraph.line if self.paragraph else None,
            "paragraph_start": self.paragraph.first_words if self.paragraph else None,
        }


@dataclass
class PointCoverage:
    """One sub-point of a bullet and where it is written."""

    text: str
    depth: int
    placement: Placement

    @property
    def covered(self) -> bool:
        return self.placement.covered

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "depth": self.depth, **self.placement.to_dict()}


@dataclass
class BulletCoverage:
    """One outline bullet, the prose that develops it, and its sub-points."""

    bullet: Section
    placement: Placement
    points: list[PointCoverage]
    via_alignment: bool = False  # the section came from the alignment (promoted / merged)

    @property
    def key(self) -> str:
        return self.bullet.key

    @property
    def title(self) -> str:
        return self.bullet.title

    @property
    def covered(self) -> bool:
        return self.placement.covered

    @property
    def points_covered(self) -> int:
        return sum(p.covered for p in self.points)

    @property
    def share(self) -> float:
        """Share of sub-points written; for a bullet without sub-points, 1 or 0."""
        if not self.points:
            return 1.0 if self.covered else 0.0
        return self.points_covered / len(self.points)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            **self.placement.to_dict(),
            "via_alignment": self.via_alignment,
            "share": round(self.share, 4),
            "points_covered": self.points_covered,
            "points_total": len(self.points),
            "points": [p.to_dict() for p in self.points],
        }


@dataclass
class Coverage:
    """Coverage of *outline*'s bullets by *prose*: per bullet, and totals for the essay."""

    outline: Document
    prose: Document
    bullets: list[BulletCoverage]

    @property
    def bullets_covered(self) -> int:
        return sum(b.covered for b in self.bullets)

    @property
    def bullets_undecided(self) -> int:
        return sum(b.placement.state == "not enough text to judge" for b in self.bullets)

    @property
    def points_total(self) -> int:
        return sum(len(b.points) for b in self.bullets)

    @property
    def points_covered(self) -> int:
        return sum(b.points_covered for b in self.bullets)

    @property
    def bullet_share(self) -> float:
        return self.bullets_covered / len(self.bullets) if self.bullets else 0.0

    @property
    def point_share(self) -> float:
        return self.points_covered / self.points_total if self.points_total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "bullets_total": len(self.bullets),
            "bullets_covered": self.bullets_covered,
            "bullets_undecided": self.bullets_undecided,
            "bullet_share": round(self.bullet_share, 4),
            "points_total": self.points_total,
            "points_covered": self.points_covered,
            "point_share": round(self.point_share, 4),
            "thresholds": {"words": WORDS_BAR, "words_in_place": WORDS_BAR_IN_PLACE, "title": TITLE_BAR,
                           "thin": THIN, "point": POINT_BAR, "point_elsewhere": POINT_BAR_ELSEWHERE,
                           "confidence_high": HIGH, "confidence_medium": MEDIUM},
            "bullets": [b.to_dict() for b in self.bullets],
        }


# ---------------------------------------------------------------- evidence


@dataclass
class _Candidate:
    """One prose section weighed against one bullet."""

    section: Section
    words: float  # how much of the bullet it holds (ProseIndex.share): does it develop the bullet?
    telling: float  # how much of the bullet's telling words (ProseIndex.containment): this one, not another?
    focus: float  # how much of them one of its paragraphs holds: discussed together, not scattered
    title: float  # title evidence
    home: bool  # under the counterpart of the bullet's heading
    aligned: bool  # paired with the bullet by the aligner
    in_order: bool = False  # where the bullet's place in its plan list puts it (that section or one above it)

    @property
    def place(self) -> float:
        """Evidence of place, 0..1: the heading says so (1), or the aligner and the order agree
        (0.5 each)."""
        if self.home:
            return 1.0
        return min(1.0, 0.5 * self.aligned + 0.5 * self.in_order)

    @property
    def rank(self) -> float:
        """Which section, among those that pass: its telling words (in the section and in one
        paragraph: a long section holds many words by sheer length), title and place."""
        return W_WORDS * (self.telling + self.focus) / 2 + W_TITLE * self.title + W_PLACE * self.place

    @property
    def bar(self) -> float:
        """The share of words this section needs: :data:`WORDS_BAR`, down to
        :data:`WORDS_BAR_IN_PLACE` as the evidence of place grows."""
        return WORDS_BAR - (WORDS_BAR - WORDS_BAR_IN_PLACE) * self.place


class _Judge:
    """Weighs outline bullets against the prose sections and decides where each is written."""

    def __init__(self, outline: Document, prose: ProseIndex, alignment: Alignment) -> None:
        self.outline = outline
        self.prose = prose
        self.alignment = alignment
        self._homes: dict[str, set[str] | None] = {}

    # ------------------------------------------------------------ place
    def home(self, bullet: Section) -> set[str] | None:
        """Keys of the prose sections under the counterpart of the heading *bullet* sits under:
        the prose section with the same key and title, or the heading the aligner paired it
        with when their titles agree.

        None when the heading has no such counterpart (a ``## Plan`` that the prose does not
        keep), or when it is the only heading of the outline with one: an outline in the RFC
        template's shape has bullets under several headings that stay, each saying where its
        bullets go, but one heading holding the whole plan (the seed draft's) is a plan list
        even if its title survives as the introduction's."""
        owner = bullet.parent
        if owner is None or self.outline.by_key[owner].kind != "heading":
            return None
        if not self._homes:
            owners = {s.parent for s in self.outline.sections if s.kind == "outline" and s.parent is not None}
            for key in sorted(owners):
                heading = self.outline.by_key[key]
                self._homes[key] = self._home(heading) if heading.kind == "heading" else None
            if sum(home is not None for home in self._homes.values()) < 2:
                self._homes = dict.fromkeys(self._homes)
        return self._homes.get(owner)

    def _home(self, heading: Section) -> set[str] | None:
        counterpart = self.prose.doc.get(heading.key)
        if counterpart is None or normalise_title(counterpart.title) != normalise_title(heading.title):
            counterpart = None
            pair = self.alignment.for_old(heading.key)
            if pair is not None and len(pair.new) == 1 and pair.new[0].kind == "heading" and \
                    title_evidence(heading.title, title_tokens(pair.new[0].title)) >= TITLE_BAR:
                counterpart = pair.new[0]
        if counterpart is None:
            return None
        return {s.key for s in self.prose.subtree(counterpart)} | {counterpart.key}

    def aligned(self, bullet: Section) -> list[Section]:
        """Prose sections the aligner paired *bullet* with (promoted, merged, split), with their subtrees."""
        pair = self.alignment.for_old(bullet.key)
        out: list[Section] = []
        for s in pair.new if pair else []:
            out.extend(x for x in self.prose.subtree(s) if x not in out)
        return out

    # ------------------------------------------------------------ evidence
    def in_order(self, cands: list[_Candidate], key: str) -> list[_Candidate]:
        """*cands* with the order evidence for section *key* (that section and those above it)."""
        out = [replace(c, in_order=c.section.key == key or key.startswith(c.section.key + "/")) for c in cands]
        if not any(c.section.key == key for c in out):
            return out  # no evidence there at all
        out.sort(key=lambda c: (-c.rank, self.prose.order[c.section.key]))
        return out

    def candidates(self, bullet: Section) -> list[_Candidate]:
        """The prose sections weighed against *bullet*, best ranked first (ties: document order).

        Only sections with some evidence are weighed: those holding one of its words (or
        whose descendants do), a title word, or its place (heading, aligner); any other
        section would score nothing.
        """
        prose = self.prose
        terms = prose.terms(bullet.plain)
        weighed = prose.weigh(terms, prose.terms(bullet.title).words)
        titles = prose.title_matcher(bullet.title)
        home = self.home(bullet)
        # Where the heading says where the bullet goes, the heading decides.
        aligned = {s.key for s in self.aligned(bullet)}
        if home is not None:
            aligned &= home
        by_title = prose.titled_like(titles)
        keys = {s.key for s in prose.sections_sharing(terms)} | (home or set()) | aligned | set(by_title)
        out: list[_Candidate] = []
        for s in prose.sections:
            if s.key not in keys:
                continue
            own, everything = prose.own[s.key], prose.words_all(s)
            out.append(_Candidate(
                s,
                max(weighed.share(own), 0.9 * weighed.share(everything)),
                max(weighed.containment(own), 0.9 * weighed.containment(everything)),
                max(map(weighed.containment, prose.paragraph_words[s.key]), default=0.0),
                by_title.get(s.key, 0.0),
                home is not None and s.key in home,
                s.key in aligned,
            ))
        out.sort(key=lambda c: (-c.rank, prose.order[c.section.key]))
        return out

    def passes(self, c: _Candidate, thin: bool) -> bool:
        """Whether *c* develops the bullet: its title says so, or enough of its words are there,
        a partly matching title making up for some (``words + 3/7 title >= bar``). A thin
        bullet's few common words are no evidence alone, nor with one hint of place: they count
        only where the heading says so, or where the aligner and the order agree."""
        if c.title >= TITLE_BAR:
            return True
        if thin and c.place < 1.0:
            return False
        return W_WORDS * c.words + W_TITLE * c.title >= W_WORDS * c.bar

    # ------------------------------------------------------------ verdict
    def decide(self, bullet: Section, cands: list[_Candidate]) -> tuple[Placement, bool, list[Section]]:
        """(placement, via the aligner, the sections its sub-points are looked for in)."""
        prose = self.prose
        words = prose.terms(bullet.plain)
        info = prose.information(words)
        thin = info < THIN
        passing = [c for c in cands if self.passes(c, thin)]
        if any(c.title >= TITLE_BAR for c in passing):
            # A section titled as the bullet is where it went ("Blank lines", "Hard error").
            passing = [c for c in passing if c.title >= TITLE_BAR]
        elif any(c.home for c in passing):
            # The heading the bullet sits under says where it goes.
            passing = [c for c in passing if c.home]
        best = passing[0] if passing else None
        if best is None:
            seen = max((c.words for c in cands), default=0.0)
            if thin and (not words or seen >= WORDS_BAR_IN_PLACE):
                # Its few words are there, or it has none that tell: no verdict either way.
                return Placement(seen, thin=True), False, []
            # Not written: surer the less of it is anywhere and the more telling words it has.
            confidence = max(0.0, 1.0 - seen / WORDS_BAR) * min(1.0, max(info, 0.5) / THIN)
            return Placement(seen, confidence=confidence), False, []
        runner = next((c for c in cands if c is not best and not prose.related(c.section, best.section)), None)
        margin = best.rank - (runner.rank if runner is not None else 0.0)
        evidence = [name for name, yes in (
            ("words", best.words >= best.bar), ("title", best.title >= TITLE_BAR),
            ("under its heading", best.home), ("aligned", best.aligned), ("in outline order", best.in_order),
            ("alone", margin >= CLEAR_MARGIN)) if yes]
        confidence = _confidence(best, info, margin)
        search = self.aligned(bullet) if best.aligned else []
        search.extend(x for x in prose.subtree(best.section) if x not in search)
        placement = Placement(best.words, best.section, None, min(1.0, confidence), evidence)
        heading_words = prose.terms(bullet.title)
        _, para = prose.best_paragraph(prose.weigh(heading_words if heading_words else words), [best.section])
        placement.paragraph = para if para is not None else next(iter(prose.paras[best.section.key]), None)
        return placement, best.aligned, search


def _confidence(best: _Candidate, info: float, margin: float) -> float:
    """How sure a placement is, 0..1: the product of

    * *strength*: the share of the bullet found there, or a matching title;
    * *support*: how much telling text the words rest on (``info / THIN``, up to 1), unless a
      title matches (a title is evidence of its own);
    * and the mean of *clarity* (how far ahead of the runner-up section, up to
      :data:`CLEAR_MARGIN`) and *agreement* (how many kinds of evidence agree: words, title,
      place; two are plenty).
    """
    by_title = best.title >= TITLE_BAR
    strength = max(best.title if by_title else 0.0, best.words)
    support = 1.0 if by_title else min(1.0, info / THIN)
    kinds = (best.words >= best.bar) + by_title + (best.place >= 0.5)
    clarity = min(1.0, margin / CLEAR_MARGIN)
    return min(1.0, strength * support * (0.5 + 0.25 * clarity + 0.25 * min(kinds, 2) / 2))


def _in_order(prose: ProseIndex, plan: list[Section], cands: dict[str, list[_Candidate]]) -> dict[str, str]:
    """For the bullets of one plan list, the sections that keep them in document order.

    Among all ways to give each bullet a section or none, in non-decreasing document order,
    the one with the largest summed rank, counting only sections with some evidence
    (:data:`ORDER_FLOOR`). A plan's bullets tend to be written in the order they were
    planned, so a bullet between two placed neighbours is looked for between their places.
    Dynamic programming over bullets and sections, O(bullets x sections). A bullet gets a
    section only where a neighbour in the solution sits in another one.
    """
    n = len(prose.sections)
    if not plan or not n:
        return {}
    # total[j + 1]: the best sum for the bullets so far with the last one placed at a section <= j
    # (total[0]: none placed yet); how[k][j + 1]: bullet k skipped (-1), or placed at section i.
    total = [0.0] * (n + 1)
    how: list[list[int]] = []
    for b in plan:
        gain = {prose.order[c.section.key]: c.rank for c in cands[b.key]
                if c.telling >= ORDER_FLOOR or c.title >= ORDER_FLOOR}
        cur = [total[0]] + [0.0] * n
        step = [-1] * (n + 1)
        best, best_at = float("-inf"), -1
        for j in range(n):
            # Placed at j after a neighbour placed before j, or (a little worse: a plan's
            # neighbours are usually different sections) on the same section as it.
            value = max(total[j] + gain[j], total[j + 1] + gain[j] - SAME_SECTION) if j in gain else best
            if value > best:
                best, best_at = value, j
            if best > total[j + 1]:
                cur[j + 1], step[j + 1] = best, best_at
            else:
                cur[j + 1] = total[j + 1]
        how.append(step)
        total = cur
    picks: list[int | None] = [None] * len(plan)
    j = n
    for k in range(len(plan) - 1, -1, -1):
        at = how[k][j]
        if at >= 0:
            picks[k] = at
            j = at + 1
    # A place is evidence only where a neighbour placed elsewhere pins it: two bullets on the
    # only section there is (or all on one) say nothing about order.
    out: dict[str, str] = {}
    for k, pick in enumerate(picks):
        if pick is None:
            continue
        before = next((p for p in reversed(picks[:k]) if p is not None), None)
        after = next((p for p in picks[k + 1:] if p is not None), None)
        if (before is not None and before != pick) or (after is not None and after != pick):
            out[plan[k].key] = prose.sections[pick].key
    return out


def coverage(outline_doc: Document, prose_doc: Document) -> Coverage:
    """Map each outline bullet of *outline_doc* (and its sub-points) to the prose of *prose_doc*.

    Deterministic; ties go to the earlier section or paragraph.
    """
    prose = ProseIndex(prose_doc)
    judge = _Judge(outline_doc, prose, align(outline_doc, prose_doc))
    found = [s for s in outline_doc.sections if s.kind == "outline"]
    cands = {b.key: judge.candidates(b) for b in found}
    # Position: the bullets of a plan list (a heading the prose does not keep) in order.
    plans: dict[str | None, list[Section]] = {}
    for b in found:
        if judge.home(b) is None:
            plans.setdefault(b.parent, []).append(b)
    for plan in plans.values():
        for key, section in _in_order(prose, plan, cands).items():
            cands[key] = judge.in_order(cands[key], section)
    result: list[BulletCoverage] = []
    for b in found:
        placement, via, search = judge.decide(b, cands[b.key])
        points = [PointCoverage(p.text, p.depth, _place_point(prose, p.text, search)) for p in b.subpoints]
        result.append(BulletCoverage(b, placement, points, via))
    return Coverage(outline_doc, prose_doc, result)


def _place_point(prose: ProseIndex, text: str, home: list[Section]) -> Placement:
    """Place a sub-point on a paragraph.

    1. In the sections its bullet went to (*home*): the paragraph holding most of it, at
       :data:`POINT_BAR`; a paragraph of a subsection titled as the sub-point comes first (a
       sub-point that became a subsection: "an attribute" and "Alternative 4: Attribute").
    2. Anywhere, a section titled as the sub-point ("Bootstrapping deceptive alignment").
    3. Anywhere, a paragraph holding :data:`POINT_BAR_ELSEWHERE` of it, if it has enough
       telling words to tell (:data:`THIN`); a thin one is "not enough text to judge".
    """
    words = prose.terms(text)
    if not words:
        return Placement()
    weighed = prose.weigh(words)
    titles = prose.title_matcher(text, fuzzy=False)
    info = prose.information(words)
    support = min(1.0, info / THIN)
    best: tuple[bool, float, Paragraph] | None = None
    by_title = prose.titled_like(titles)
    for s in home:
        titled = by_title.get(s.key, 0.0) >= TITLE_BAR
        for para in prose.paras.get(s.key, ()):
            score = prose.paragraph_score(weighed, para)
            if (score >= POINT_BAR or (titled and para.index == 1)) and \
                    (best is None or (titled, score) > (best[0], best[1])):
                best = (titled, score, para)
    if best is not None:
        titled, score, para = best
        evidence = ["words"] * (score >= POINT_BAR) + ["title"] * titled + ["under its bullet"]
        confidence = min(1.0, max(score * (0.6 + 0.4 * support), 0.9 if titled else 0.0))
        return Placement(score, para.section, para, confidence, evidence)
    titled_anywhere = [s for s in prose.sections if prose.paras[s.key] and by_title.get(s.key, 0.0) >= TITLE_BAR]
    if len(titled_anywhere) == 1:
        para = prose.paras[titled_anywhere[0].key][0]
        return Placement(prose.paragraph_score(weighed, para), para.section, para, 0.8, ["title", "alone"])
    score = prose.best_paragraph(weighed, home)[0] if home else 0.0
    ranked = prose.ranked_paragraphs(weighed)
    if ranked and info >= THIN:
        other_score, other = ranked[0]
        runner = next((s for s, p in ranked[1:] if p.section is not other.section), 0.0)
        if other_score >= POINT_BAR_ELSEWHERE:
            margin = other_score - runner
            confidence = min(1.0, other_score * (0.4 + 0.6 * min(1.0, margin / CLEAR_MARGIN)))
            evidence = ["words"] + (["alone"] if margin >= CLEAR_MARGIN else [])
            return Placement(other_score, other.section, other, confidence, evidence)
        score = max(score, other_score)
    elif ranked:
        score = max(score, ranked[0][0])
    thin = info < THIN and score >= POINT_BAR
    return Placement(score, confidence=0.0 if thin else max(0.0, 1.0 - score / POINT_BAR_ELSEWHERE) * support,
                     thin=thin)


# ---------------------------------------------------------------- choosing versions


def outline_words(doc: Document) -> int:
    """Words in the outline bullets of *doc* (titles and sub-points)."""
    return sum(s.words for s in doc.sections if s.kind == "outline")


def pick_outline_version(history: DraftHistory, prose_version: Version) -> Version | None:
    """The default outline to measure *prose_version* against.

    Among the versions up to and including *prose_version* (its ancestors: on a
    history with branches, not the versions of other branches), the one whose
    outline bullets hold the most words (the fullest plan); ties go to the newest.
    None when no such version has outline bullets.
    """
    best: tuple[int, Version] | None = None
    for v in history.ancestors(prose_version):
        if v.blob is None and not v.is_worktree:
            continue
        words = outline_words(history.document(v))
        if words and (best is None or words > best[0]):
            best = (words, v)
    return best[1] if best else None
