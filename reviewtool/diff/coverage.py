"""Outline coverage: which outline bullets (and sub-points) the prose has developed, and where.

:func:`coverage` maps every outline bullet of one version (sections of kind
``outline``) and each of its sub-points to the prose section and paragraph that
develops it, with a score from 0 to 1, or marks it "not written yet".

How a bullet is placed:

1. The two versions are aligned (:func:`reviewtool.diff.align.align`). When the
   alignment pairs the bullet with prose (promoted, or merged into a prose
   section), those prose sections and their descendants are the candidates.
2. Otherwise every prose section is a candidate, and the bar is higher
   (:data:`ELSEWHERE_THRESHOLD`).
3. A candidate's score is the containment of the bullet's content words
   (title and sub-points; stopwords removed, light stemming) in the section's
   own words (title included) and those of its descendants. Outside the
   alignment, bullets with fewer than :data:`reviewtool.diff.lexicon.MIN_TOKENS`
   content words are scaled down: one word is thin evidence.
4. The bullet is covered when the best score reaches the bar
   (:data:`BULLET_THRESHOLD` for the alignment's candidates).

Each sub-point is placed on a paragraph: first among the paragraphs of the
bullet's section and its descendants, then, if none reaches
:data:`POINT_THRESHOLD`, among all prose paragraphs, where it needs
:data:`ELSEWHERE_THRESHOLD`. Paragraphs are the
top-level Markdown blocks of a section's body (blank-line separated
paragraphs, block quotes, lists), numbered from 1.

Core module: no Textual, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reviewtool.diff.align import align
from reviewtool.diff.lexicon import MIN_TOKENS, content_words
from reviewtool.draft.document import MARKDOWN, Document, Section, inline_plain

if TYPE_CHECKING:
    from reviewtool.draft.history import DraftHistory, Version

#: A bullet counts as written when at least this share of its content words
#: (title and sub-points) occur in the prose section found for it. Half is the
#: point where a paraphrase still keeps most key terms (the research note's
#: outline->prose test used bullets with 40% noise words).
BULLET_THRESHOLD = 0.5
#: A sub-point counts as written when at least this share of its content words
#: occur in one paragraph.
POINT_THRESHOLD = 0.5
#: A bullet placed without the alignment's help, or a sub-point found away
#: from its bullet's section, needs this much: a passing mention elsewhere in
#: the essay ("... when we get to deceptive alignment") is not the point developed.
ELSEWHERE_THRESHOLD = 0.75
#: Words of a paragraph shown as its start.
FIRST_WORDS = 8



@dataclass
class Paragraph:
    """A top-level block of a prose section's body."""

    section: Section
    index: int  # 1-based within the section's body
    line: int  # 1-based line in the document
    text: str  # plain text: no markup, no URLs
    words: frozenset[str] = field(repr=False, default=frozenset())

    @property
    def first_words(self) -> str:
        words = self.text.split()
        head = " ".join(words[:FIRST_WORDS])
        return head + (" …" if len(words) > FIRST_WORDS else "")


@dataclass
class Placement:
    """Where a bullet or sub-point is developed (or not)."""

    score: float = 0.0
    section: Section | None = None
    paragraph: Paragraph | None = None

    @property
    def covered(self) -> bool:
        return self.section is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "covered": self.covered,
            "state": "written" if self.covered else "not written yet",
            "score": round(self.score, 4),
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
            "bullet_share": round(self.bullet_share, 4),
            "points_total": self.points_total,
            "points_covered": self.points_covered,
            "point_share": round(self.point_share, 4),
            "thresholds": {"bullet": BULLET_THRESHOLD, "point": POINT_THRESHOLD, "elsewhere": ELSEWHERE_THRESHOLD},
            "bullets": [b.to_dict() for b in self.bullets],
        }


# ---------------------------------------------------------------- paragraphs


def paragraphs(doc: Document, section: Section) -> list[Paragraph]:
    """The top-level blocks of *section*'s own body, as plain-text paragraphs (1-based)."""
    body = doc.body_text(section)
    if not body.strip():
        return []
    first_line = doc.text.count("\n", 0, section.body_start)
    result: list[Paragraph] = []
    tokens = MARKDOWN.parse(body)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.level != 0 or tok.map is None:
            i += 1
            continue
        texts: list[str] = []
        j = i
        if tok.nesting == 1:
            depth = 0
            while j < len(tokens):
                t = tokens[j]
                if t.type == "inline":
                    texts.append(inline_plain(t))
                elif t.type in ("fence", "code_block"):
                    texts.append(t.content)
                if t.level == 0 and t.nesting == 1:
                    depth += 1
                elif t.level == 0 and t.nesting == -1:
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
        elif tok.type in ("fence", "code_block", "html_block"):
            texts.append(tok.content)
        text = " ".join(" ".join(texts).split())
        if text:
            result.append(Paragraph(section, len(result) + 1, first_line + tok.map[0] + 1, text,
                                    frozenset(content_words(text))))
        i = j + 1
    return result


# ---------------------------------------------------------------- placing


def _containment(part: frozenset[str], whole: frozenset[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


class _Prose:
    """Prose sections of a document with their words and paragraphs, computed once."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.sections = [s for s in doc.sections if s.kind in ("heading", "preamble") and s.prose_words > 0]
        self.keys = {s.key for s in self.sections}
        self.own = {s.key: frozenset(content_words(s.title + "\n" + s.plain)) for s in doc.sections}
        self.paras = {s.key: paragraphs(doc, s) for s in self.sections}
        self._all: dict[str, frozenset[str]] = {}
        self.titles: dict[str, frozenset[str]] = {}
        self._postings: dict[str, list[Paragraph]] | None = None
        self.order = {s.key: k for k, s in enumerate(self.sections)}

    def words_all(self, section: Section) -> frozenset[str]:
        got = self._all.get(section.key)
        if got is None:
            got = self.own[section.key].union(*(self.words_all(self.doc.by_key[k]) for k in section.children))
            self._all[section.key] = got
        return got

    def subtree(self, section: Section) -> list[Section]:
        """*section* and its descendants that are prose sections, in document order."""
        out = [section] if section.key in self.keys else []
        for k in section.children:
            out.extend(self.subtree(self.doc.by_key[k]))
        return out

    def best_paragraph_anywhere(self, words: frozenset[str]) -> tuple[float, Paragraph | None]:
        """:meth:`best_paragraph` over every prose section, through an inverted index of words."""
        if self._postings is None:
            self._postings = {}
            for s in self.sections:
                for p in self.paras[s.key]:
                    for w in p.words | (self.title_words(s) if p.index == 1 else frozenset()):
                        self._postings.setdefault(w, []).append(p)
        seen: dict[int, Paragraph] = {}
        for w in sorted(words):
            for p in self._postings.get(w, ()):
                seen.setdefault(id(p), p)
        candidates = sorted(seen.values(), key=lambda p: (self.order[p.section.key], p.index))
        best: tuple[float, Paragraph | None] = (0.0, None)
        for p in candidates:
            score = self._paragraph_score(words, p)
            if score > best[0]:
                best = (score, p)
        return best

    def title_words(self, s: Section) -> frozenset[str]:
        title = self.titles.get(s.key)
        if title is None:
            title = self.titles[s.key] = frozenset(content_words(s.title))
        return title

    def _paragraph_score(self, words: frozenset[str], p: Paragraph) -> float:
        score = _containment(words, p.words)
        if p.index == 1:
            score = max(score, _containment(words, self.title_words(p.section)))
        return score

    def best_paragraph(self, words: frozenset[str], sections: list[Section]) -> tuple[float, Paragraph | None]:
        """The paragraph containing most of *words*; a section's title counts for its first paragraph
        (a sub-point that became a subsection heading is developed right there)."""
        best: tuple[float, Paragraph | None] = (0.0, None)
        for s in sections:
            for p in self.paras.get(s.key, ()):
                score = self._paragraph_score(words, p)
                if score > best[0]:
                    best = (score, p)
        return best


def coverage(outline_doc: Document, prose_doc: Document) -> Coverage:
    """Map each outline bullet of *outline_doc* (and its sub-points) to the prose of *prose_doc*.

    Deterministic; ties go to the earlier section or paragraph.
    """
    prose = _Prose(prose_doc)
    alignment = align(outline_doc, prose_doc)
    bullets: list[BulletCoverage] = []
    for bullet in outline_doc.sections:
        if bullet.kind != "outline":
            continue
        words = frozenset(content_words(bullet.plain))
        pair = alignment.for_old(bullet.key)
        aligned = [s for s in (pair.new if pair else []) if s.key in prose.keys]
        candidates: list[Section] = []
        for s in aligned:
            candidates.extend(x for x in prose.subtree(s) if x not in candidates)
        placement = Placement()
        via_alignment = False
        if candidates:
            score, section = _best_section(prose, words, candidates, scale=False)
            if score >= BULLET_THRESHOLD:
                placement, via_alignment = Placement(score, section), True
        if not placement.covered:
            score, section = _best_section(prose, words, prose.sections, scale=True)
            if score >= ELSEWHERE_THRESHOLD:
                placement = Placement(score, section)
            else:
                placement = Placement(max(score, placement.score))
        home: list[Section] = []
        if placement.section is not None:
            # Sub-points are looked for in every prose section the bullet went to
            # (all parts of a split), then in the found section's subtree.
            home = list(candidates) if via_alignment else []
            home.extend(x for x in prose.subtree(placement.section) if x not in home)
            title_words = frozenset(content_words(bullet.title)) or words
            _, para = prose.best_paragraph(title_words, [placement.section])
            placement.paragraph = para if para is not None else next(iter(prose.paras[placement.section.key]), None)
        points = [PointCoverage(p.text, p.depth, _place_point(prose, p.text, home)) for p in bullet.subpoints]
        bullets.append(BulletCoverage(bullet, placement, points, via_alignment))
    return Coverage(outline_doc, prose_doc, bullets)


def _best_section(prose: _Prose, words: frozenset[str], sections: list[Section],
                  scale: bool) -> tuple[float, Section | None]:
    """The section whose words (with its descendants') contain most of *words*."""
    if not words:
        return 0.0, None
    factor = min(1.0, len(words) / MIN_TOKENS) if scale else 1.0
    best: tuple[float, Section | None] = (0.0, None)
    for s in sections:
        # Own words first: a parent always contains its children's words, so it
        # only wins on the words of its whole subtree when its own are not enough.
        own = _containment(words, prose.own[s.key])
        score = max(own, 0.9 * _containment(words, prose.words_all(s))) * factor
        if score > best[0]:
            best = (score, s)
    return best


def _place_point(prose: _Prose, text: str, home: list[Section]) -> Placement:
    words = frozenset(content_words(text))
    if not words:
        return Placement()
    score, para = prose.best_paragraph(words, home) if home else (0.0, None)
    if score >= POINT_THRESHOLD and para is not None:
        return Placement(score, para.section, para)
    factor = min(1.0, len(words) / 2)  # a one-word point elsewhere in the essay is thin evidence
    other_score, other = prose.best_paragraph_anywhere(words)
    other_score *= factor
    if other is not None and other_score >= ELSEWHERE_THRESHOLD:
        return Placement(other_score, other.section, other)
    return Placement(max(score, other_score))


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
