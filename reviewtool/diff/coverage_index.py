"""The prose side of outline coverage: its sections, paragraphs, words and how telling each word is.

:class:`ProseIndex` holds, for one prose version, what :mod:`reviewtool.diff.coverage`
weighs a bullet against: the prose sections (headings and the preamble with prose
words), each one's words (its own, and with its prose descendants), its paragraphs
(:func:`paragraphs`), and the inverse document frequency of every word over the prose
sections (:meth:`ProseIndex.weight`: a word in every section says nothing about where a
bullet went; a word in one section says a lot).

Words are the aligner's stems (:func:`reviewtool.diff.lexicon.content_set`) with numbers
kept ("Tier 3"), plus, for long words, a *joined form* (``~infostring``) so that two
words a bullet writes apart match the one word the prose writes ("info string" and
"infostring", "front matter" and "frontmatter"): :class:`Terms`.

Titles are compared by :func:`title_evidence`.

Core module: no Textual, no Rich.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from reviewtool.diff.lexicon import content_set, stem, tokens
from reviewtool.draft.document import Document, Section
from reviewtool.draft.markdown import inline_plain, markdown
from reviewtool.draft.text_rules import STOPWORDS

#: Words of a paragraph shown as its start.
FIRST_WORDS = 8
#: Two title words of at least this many letters match when difflib's ratio of their
#: stems reaches :data:`FUZZY_TITLE_WORD` ("licence" and "license").
FUZZY_MIN_LETTERS = 5
FUZZY_TITLE_WORD = 0.8
#: Up to this many prose sections, every section sharing a word with a bullet is weighed;
#: beyond, only those sharing one of its :data:`PROBE_WORDS` most telling words.
DENSE_SECTIONS = 100
PROBE_WORDS = 12
CANDIDATES = 24
#: Words this long also get a joined form (``~infostring``): compounds are long.
JOINED_MIN_LETTERS = 7


def _joined(word: str) -> str:
    """The joined form of a (compound) word: lowercase, a plural ``s`` dropped, marked with ``~``."""
    word = word.lower()
    return "~" + (word[:-1] if word.endswith("s") and not word.endswith("ss") else word)


def text_words(text: str) -> frozenset[str]:
    """What a text offers to be matched: its stems, its numbers, the joined forms of its long words."""
    raw = tokens(text)
    joined = {_joined(t) for t in raw if len(t) >= JOINED_MIN_LETTERS}
    return content_set(text) | {t for t in raw if t.isdigit()} | joined


@dataclass(frozen=True)
class Terms:
    """The words of a bullet or a sub-point: ``words`` (stems and numbers), and for a word written
    next to another, the joined form of the two (``joins``: ``info`` -> ``~infostring``)."""

    words: frozenset[str]
    joins: dict[str, str] = field(default_factory=dict)

    def found(self, target: frozenset[str]) -> frozenset[str]:
        """The words found in *target* (a :func:`text_words` set), as themselves or joined."""
        return frozenset(w for w in self.words if w in target or self.joins.get(w) in target)

    def __bool__(self) -> bool:
        return bool(self.words)


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


def paragraphs(doc: Document, section: Section) -> list[Paragraph]:
    """The top-level blocks of *section*'s own body, as plain-text paragraphs (1-based)."""
    body = doc.body_text(section)
    if not body.strip():
        return []
    first_line = doc.text.count("\n", 0, section.body_start)
    result: list[Paragraph] = []
    toks = markdown().parse(body)
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.level != 0 or tok.map is None:
            i += 1
            continue
        texts: list[str] = []
        j = i
        if tok.nesting == 1:
            depth = 0
            while j < len(toks):
                t = toks[j]
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
            result.append(Paragraph(section, len(result) + 1, first_line + tok.map[0] + 1, text, text_words(text)))
        i = j + 1
    return result


# ---------------------------------------------------------------- titles


def _title_words(title: str) -> list[str]:
    """A title's words that can tell it apart, in order: no stop words; numbers kept
    (``Tier 3``'s ``3``, which the aligner's stems drop as a one-letter token)."""
    return [t for t in tokens(title) if t not in STOPWORDS and (len(t) > 1 or t.isdigit())]


def _term(word: str) -> str:
    return word if word.isdigit() else stem(word)


def title_tokens(title: str) -> frozenset[str]:
    """A title's terms for :func:`title_evidence`: the stems of its words (numbers as they are),
    the joined forms of its words, and of each two neighbouring words written as one."""
    words = _title_words(title)
    return frozenset([_term(w) for w in words] + [_joined(w) for w in words]
                     + [_joined(a + b) for a, b in pairwise(words)])


class TitleMatcher:
    """One bullet title, ready to be compared with many section titles (:func:`title_evidence`).

    Each of its words matches a section term that is its stem or its joined form, or a stem
    alike letter for letter ("licenc" and "licens": difflib's ratio at least
    :data:`FUZZY_TITLE_WORD`, both :data:`FUZZY_MIN_LETTERS` letters or more) among the
    stems of *vocabulary*, found once here; two neighbouring words match a section term
    that is the two written as one ("info string" and "Infostring").
    """

    def __init__(self, bullet_title: str, vocabulary: Iterable[str],
                 alike: dict[str, tuple[str, ...]] | None = None, fuzzy: bool = True) -> None:
        """*vocabulary*: the section title terms to look for alike stems in (a list: already
        :func:`fuzzy_candidates`); *alike*: a cache of those, shared by the caller; *fuzzy*:
        False to match stems and joined forms only."""
        if not fuzzy:
            alike = {}
        self.words = _title_words(bullet_title)
        stems: list[str] | None = None
        alike = {} if alike is None else alike  # stem -> the stems alike to it (a cache the caller may share)
        self.alternatives: list[frozenset[str]] = []
        for w in self.words:
            t = _term(w)
            if t not in alike:
                if stems is None:
                    stems = vocabulary if isinstance(vocabulary, list) else fuzzy_candidates(vocabulary)
                alike[t] = tuple(difflib.get_close_matches(t, stems, n=5, cutoff=FUZZY_TITLE_WORD)) \
                    if fuzzy and len(t) >= FUZZY_MIN_LETTERS else ()
            self.alternatives.append(frozenset([t, _joined(w), *alike[t]]))
        self.pairs = [_joined(a + b) for a, b in pairwise(self.words)]
        #: Every section term that can match something: a section title without one scores 0.
        self.reach = frozenset().union(*self.alternatives, self.pairs)

    def evidence(self, section: frozenset[str]) -> float:
        """Share of the bullet title's words found among a section title's terms, 0..1."""
        if not self.words:
            return 0.0
        matched = [not alt.isdisjoint(section) for alt in self.alternatives]
        for k, joined in enumerate(self.pairs):
            if joined in section:
                matched[k] = matched[k + 1] = True
        return sum(matched) / len(self.words)


def fuzzy_candidates(vocabulary: Iterable[str]) -> list[str]:
    """The stems of *vocabulary* long enough for a fuzzy match, sorted."""
    return sorted({u for u in vocabulary if not u.startswith("~") and len(u) >= FUZZY_MIN_LETTERS})


def title_evidence(bullet_title: str, section: frozenset[str]) -> float:
    """Share of a bullet title's words found in a section title's terms (:func:`title_tokens`), 0..1
    (:class:`TitleMatcher`)."""
    return TitleMatcher(bullet_title, section).evidence(section)


# ---------------------------------------------------------------- the index


class Weighed:
    """The words of one bullet or sub-point weighed against one prose version, ready to be
    measured against many sections and paragraphs (:meth:`ProseIndex.weigh`)."""

    def __init__(self, terms: Terms, weights: dict[str, float], used_total: float, share_total: float) -> None:
        self.terms = terms
        self._weights = weights  # the words the prose uses, with their weights
        self._keys = frozenset(weights)
        self._joins = [(w, j) for w, j in terms.joins.items() if w in weights]
        self.used_total = used_total
        self.share_total = share_total
        self._found: dict[int, tuple[frozenset[str], float]] = {}

    def found(self, target: frozenset[str]) -> float:
        """Summed weight of the used words found in *target* (as themselves or joined); remembered
        per target, which :meth:`share` and :meth:`containment` both ask for."""
        hit = self._found.get(id(target))
        if hit is not None and hit[0] is target:
            return hit[1]
        words = self._keys & target
        total = sum(map(self._weights.__getitem__, words))
        for w, joined in self._joins:
            if w not in words and joined in target:
                total += self._weights[w]
        self._found[id(target)] = (target, total)
        return total

    def share(self, target: frozenset[str]) -> float:
        """:meth:`ProseIndex.share` in *target*."""
        return self.found(target) / self.share_total if self.share_total > 0 else 0.0

    def containment(self, target: frozenset[str]) -> float:
        """:meth:`ProseIndex.containment` in *target*."""
        return self.found(target) / self.used_total if self.used_total > 0 else 0.0


class ProseIndex:
    """The prose sections of a document with their words, paragraphs and word weights, computed once."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.sections = [s for s in doc.sections if s.kind in ("heading", "preamble") and s.prose_words > 0]
        self.keys = {s.key for s in self.sections}
        self.order = {s.key: k for k, s in enumerate(self.sections)}
        self.own = {s.key: text_words(s.title + "\n" + s.plain) for s in doc.sections}
        self.titles = {s.key: title_tokens(s.title) for s in doc.sections}
        self.title_words = {s.key: text_words(s.title) for s in doc.sections}
        self.paras = {s.key: paragraphs(doc, s) for s in self.sections}
        self._all: dict[str, frozenset[str]] = {}
        self._postings: dict[str, list[Paragraph]] | None = None
        df: dict[str, int] = {}
        for s in self.sections:
            for w in self.own[s.key]:
                df[w] = df.get(w, 0) + 1
        self._n = len(self.sections)
        self._df = df
        #: word -> indices (in self.sections) of the sections whose own words hold it
        self._sections_with: dict[str, list[int]] = {}
        for k, sec in enumerate(self.sections):
            for w in self.own[sec.key]:
                self._sections_with.setdefault(w, []).append(k)
        self._title_stems = fuzzy_candidates(frozenset().union(*self.titles.values()) if self.titles else ())
        self._index_of = {sec.key: k for k, sec in enumerate(self.sections)}
        self._alike: dict[str, tuple[str, ...]] = {}
        self._titled: dict[str, list[Section]] = {}
        for sec in self.sections:
            for t in self.titles[sec.key]:
                self._titled.setdefault(t, []).append(sec)
        #: Per prose section, each paragraph's words (the first one with the section's title words).
        self.paragraph_words = {sec.key: [p.words | self.title_words[sec.key] if p.index == 1 else p.words
                                          for p in self.paras[sec.key]] for sec in self.sections}
        #: The weight of a word found in one section only.
        self.rare = math.log((self._n + 1) / 1.5)

    # ------------------------------------------------------------ words
    def terms(self, text: str) -> Terms:
        """The :class:`Terms` of a bullet or sub-point: its stems and numbers, and for two
        neighbouring words, their joined form where the prose writes them as one word."""
        words = _title_words(text)
        joins: dict[str, str] = {}
        for a, b in pairwise(words):
            joined = _joined(a + b)
            if joined in self._df:
                joins.setdefault(_term(a), joined)
                joins.setdefault(_term(b), joined)
        plain = content_set(text) | {t for t in tokens(text) if t.isdigit()}
        return Terms(frozenset(plain), {w: j for w, j in joins.items() if w in plain})

    def weight(self, word: str) -> float:
        """Inverse document frequency of *word* over the prose sections: ``log((n + 1) / (df + 0.5))``.
        Near 0 for a word in every section."""
        return math.log((self._n + 1) / (self._df.get(word, 0) + 0.5))

    def _weight(self, terms: Terms, word: str) -> float | None:
        """The weight of *word* (as itself, or joined with its neighbour), None when the prose never uses it."""
        if word in self._df:
            return self.weight(word)
        joined = terms.joins.get(word)
        return self.weight(joined) if joined is not None and joined in self._df else None

    def weigh(self, terms: Terms, topic: frozenset[str] = frozenset()) -> Weighed:
        """*terms* weighed for :meth:`share` and :meth:`containment` (with *topic* as in :meth:`share`)."""
        weights: dict[str, float] = {}
        absent: list[str] = []
        for w in terms.words:
            weight = self._weight(terms, w)
            if weight is None:
                absent.append(w)
            else:
                weights[w] = weight
        used_total = sum(weights.values())
        typical = used_total / len(weights) if weights else 1.0
        share_total = used_total + sum(self.rare if w in topic else typical for w in absent)
        return Weighed(terms, weights, used_total, share_total)

    def information(self, terms: Terms) -> float:
        """How many telling words *terms* hold: each counts ``min(1, weight / rare)``, so a word
        found in one section (or none) counts 1 and a word found everywhere nearly 0."""
        if self.rare <= 0:
            return float(len(terms.words))
        total = 0.0
        for w in terms.words:
            weight = self._weight(terms, w)
            total += 1.0 if weight is None else min(1.0, weight / self.rare)
        return total

    def containment(self, terms: Terms, target: frozenset[str]) -> float:
        """Which section holds the telling words: the weighted share of the words of *terms* that
        the prose uses at all found in *target* (each weighs :meth:`weight`)."""
        return self.weigh(terms).containment(target)

    def share(self, terms: Terms, target: frozenset[str], topic: frozenset[str] = frozenset()) -> float:
        """How much of a bullet *target* develops: the share of its words found there, each word
        weighing :meth:`weight`.

        A word the prose never uses weighs like the bullet's other words on average (a
        paraphrase: "bug reports" for "reproduction cases"), unless it is one of the *topic*
        words (the bullet's title): a topic the prose never names ("Telemetry on resolver
        decisions") weighs as much as a word of one section, :attr:`rare`.
        """
        return self.weigh(terms, topic).share(target)

    def sections_sharing(self, terms: Terms) -> list[Section]:
        """The prose sections holding one of *terms*' words (as itself or joined), or whose
        descendants do, in document order: the only ones its words can place it in.

        Beyond :data:`DENSE_SECTIONS` prose sections, as the aligner's blocking does: its
        :data:`PROBE_WORDS` most telling words probe, and the :data:`CANDIDATES` sections sharing
        the most weight of them are kept (with the sections above them)."""
        probe: list[tuple[str, str | None]] = [(w, terms.joins.get(w)) for w in terms.words]
        hit: set[int] = set()
        if self._n <= DENSE_SECTIONS:
            for w, joined in probe:
                hit.update(self._sections_with.get(w, ()))
                if joined is not None:
                    hit.update(self._sections_with.get(joined, ()))
        else:
            # Blocking, as the aligner does: rank the sections by the summed weight of the
            # telling words they share and keep the best CANDIDATES.
            shared: dict[int, float] = {}
            telling = [(w, j) for w, j in probe if (self._weight(terms, w) or 0.0) > 0.0]
            telling.sort(key=lambda wj: (-(self._weight(terms, wj[0]) or 0.0), wj[0]))
            for w, joined in telling[:PROBE_WORDS]:
                weight = self._weight(terms, w) or 0.0
                for k in {*self._sections_with.get(w, ()), *self._sections_with.get(joined or "", ())}:
                    shared[k] = shared.get(k, 0.0) + weight
            hit.update(k for k, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:CANDIDATES])
        keys = {self.sections[k].key for k in hit}
        for key in list(keys):
            parent = self.doc.by_key[key].parent
            while parent is not None:
                if parent in self._index_of:
                    keys.add(parent)
                parent = self.doc.by_key[parent].parent
        return sorted((self.doc.by_key[k] for k in keys), key=lambda s: self._index_of[s.key])

    def title_matcher(self, title: str, fuzzy: bool = True) -> TitleMatcher:
        """A :class:`TitleMatcher` for *title* against this prose's section titles (*fuzzy*: False
        for a sub-point: its words are many and the spelling matters less than its wording)."""
        return TitleMatcher(title, self._title_stems, self._alike, fuzzy)

    def titled_like(self, matcher: TitleMatcher) -> dict[str, float]:
        """The prose sections whose titles share a term with *matcher*'s title, with the evidence."""
        hit: dict[str, Section] = {}
        for t in matcher.reach:
            for sec in self._titled.get(t, ()):
                hit[sec.key] = sec
        return {key: matcher.evidence(self.titles[key]) for key in hit}

    # ------------------------------------------------------------ sections
    def words_all(self, section: Section) -> frozenset[str]:
        """A section's words and those of its descendants, outline bullets excepted (a bullet still
        in the outline is not prose that develops anything)."""
        got = self._all.get(section.key)
        if got is None:
            kids = [self.doc.by_key[k] for k in section.children]
            got = self.own[section.key].union(*(self.words_all(k) for k in kids if k.kind != "outline"))
            self._all[section.key] = got
        return got

    def subtree(self, section: Section) -> list[Section]:
        """*section* and its descendants that are prose sections, in document order."""
        out = [section] if section.key in self.keys else []
        for k in section.children:
            out.extend(self.subtree(self.doc.by_key[k]))
        return out

    @staticmethod
    def related(a: Section, b: Section) -> bool:
        """Whether one section is the other or sits under it."""
        return a.key == b.key or b.key.startswith(a.key + "/") or a.key.startswith(b.key + "/")

    # ------------------------------------------------------------ paragraphs
    def paragraph_score(self, weighed: Weighed, p: Paragraph) -> float:
        """The plain share of the words found in a paragraph; a section's title counts for its
        first paragraph (a sub-point that became a subsection heading is developed right there).

        Plain, not weighted: which paragraph of a section develops a sub-point does not depend on
        how rare its words are across the sections (on the labelled set, weighted, 3 of the 111
        right placements are lost and none gained)."""
        words = weighed.terms.words
        if not words:
            return 0.0
        score = len(weighed.terms.found(p.words)) / len(words)
        if p.index == 1:
            score = max(score, len(weighed.terms.found(self.title_words[p.section.key])) / len(words))
        return score

    def best_paragraph(self, weighed: Weighed, sections: Iterable[Section]) -> tuple[float, Paragraph | None]:
        """The paragraph of *sections* that holds most of the weighed words (ties: the earlier)."""
        best: tuple[float, Paragraph | None] = (0.0, None)
        for s in sections:
            for p in self.paras.get(s.key, ()):
                score = self.paragraph_score(weighed, p)
                if score > best[0]:
                    best = (score, p)
        return best

    def ranked_paragraphs(self, weighed: Weighed) -> list[tuple[float, Paragraph]]:
        """Every paragraph sharing a word with *terms*, best first (ties: document order), found
        through an inverted index of words."""
        if self._postings is None:
            self._postings = {}
            for s in self.sections:
                for p in self.paras[s.key]:
                    extra = self.title_words[s.key] if p.index == 1 else frozenset()
                    for w in p.words | extra:
                        self._postings.setdefault(w, []).append(p)
        seen: dict[int, Paragraph] = {}
        terms = weighed.terms
        for w in sorted(terms.words | set(terms.joins.values())):
            for p in self._postings.get(w, ()):
                seen.setdefault(id(p), p)
        scored = [(self.paragraph_score(weighed, p), p) for p in seen.values()]
        scored.sort(key=lambda sp: (-sp[0], self.order[sp[1].section.key], sp[1].index))
        return scored
