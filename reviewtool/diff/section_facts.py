"""Per-document facts the aligner compares sections on, computed once and cached.

:class:`DocumentFacts` holds, for every section of one document, its content
fingerprint hash (:attr:`Document.fingerprint_hashes`), its content words (alone, with its descendants,
with its outline children), its normalised title, title words and letter bigrams,
whether it reads as outline or as prose, and its parent. They depend on that document
only, so :func:`document_facts` keeps them for the last few documents
(:data:`FACTS_CACHE_SIZE`, by identity, in a :class:`reviewtool.lru.LRU`): walking a
history aligns every version twice.

The words of a section's text and of a title are kept by that text, shared by every
document (:func:`_text_words`, :func:`_title_norm`): versions share most sections, and a
book repeats whole chapters, so most sections' words were computed for another section
already; twin sections then hold the very same set, which the aligner's memo of scores
(:attr:`DocumentFacts.score_class`) and its blocking's classes lean on.
"""

from __future__ import annotations

import functools
import weakref
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar, cast

from reviewtool.diff.lexicon import bigrams, content_set, normalise_title
from reviewtool.draft.document import Document, Section
from reviewtool.lru import LRU

T = TypeVar("T")

#: Documents whose per-section facts stay cached (by identity, most recent first).
FACTS_CACHE_SIZE = 8
#: Distinct section texts (and titles) whose words stay cached, shared by all documents.
TEXT_CACHE_SIZE = 16_384

#: The content words of a text (:func:`reviewtool.diff.lexicon.content_set`), kept by the text.
_text_words = functools.lru_cache(maxsize=TEXT_CACHE_SIZE)(content_set)
#: The content words of a section's title and plain text (those of the two joined by a newline,
#: which no word crosses), kept by the pair: a pair's hash is its texts', which a text keeps
#: once computed (twin sections often share their text objects), where a joined text was
#: made and hashed anew for every section.
_section_words = functools.lru_cache(maxsize=TEXT_CACHE_SIZE)(lambda title, plain: content_set(title + "\n" + plain))
#: A normalised title (:func:`reviewtool.diff.lexicon.normalise_title`), kept by the title.
_title_norm = functools.lru_cache(maxsize=TEXT_CACHE_SIZE)(normalise_title)
#: The letter bigrams of a normalised title (:func:`reviewtool.diff.lexicon.bigrams`), kept by it.
_title_grams = functools.lru_cache(maxsize=TEXT_CACHE_SIZE)(bigrams)


def fingerprint(doc: Document, s: Section) -> str:
    """Whitespace-normalised source of a section's own body (:meth:`Document.fingerprint`)."""
    return doc.fingerprint(s)


class _Lazy(Generic[T]):
    """A list whose items are computed on first access, by a function of its owner (the
    :class:`DocumentFacts` it belongs to, held weakly) and the index: a facts object whose
    lists held functions of itself was a cycle, freed (with the document it keeps) only by
    the cyclic collector, which a long ``log`` pauses."""

    def __init__(self, owner: Any, fn: Callable[[Any, int], T], size: int) -> None:
        self._owner = weakref.ref(owner)
        self._fn = fn
        self._items: list[T | None] = [None] * size

    def __getitem__(self, i: int) -> T:
        got = self._items[i]
        if got is None:
            got = self._items[i] = self._fn(self._owner(), i)
        return got

    def known(self) -> list[T | None]:
        """The items computed so far (None: not asked for yet), in order."""
        return list(self._items)

    def fill(self, items: Sequence[T | None]) -> None:
        """Take *items* (one an index, None: unknown) for those not computed yet: what was
        computed before, kept (:mod:`reviewtool.diff.stored_words`)."""
        if len(items) != len(self._items):
            raise ValueError("not one item an index")
        if not any(x is not None for x in self._items):
            self._items = list(items)
            return
        self._items = [x if x is not None else y for x, y in zip(self._items, items)]


class DocumentFacts:
    """Facts about the sections of one document (indexed by position), computed once and lazily."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.secs = doc.sections
        n = len(self.secs)
        #: The keys' nesting, indices, normalised titles and trust (:attr:`Document.outline`):
        #: what the sections' kinds, levels and titles decide, shared by the documents of one
        #: shape (read-only).
        outline = doc.outline
        self.index = outline.index
        self.fph = doc.fingerprint_hashes
        self.fp = _Lazy(self, lambda f, i: f.doc.fingerprint(f.secs[i]), n)
        self.tok = _Lazy(self, DocumentFacts._tokens, n)
        self.ntitle = outline.titles
        self.title_norm = _Lazy(self, lambda f, i: _title_norm(f.secs[i].title), n)
        self.title_words = _Lazy(self, lambda f, i: _text_words(f.secs[i].title), n)
        self.title_grams = _Lazy(self, lambda f, i: _title_grams(f.title_norm[i]), n)
        #: Per section, the id of its class of twins for :meth:`_Aligner.score`: sections of
        #: one class have the same kind, fingerprint, title, words and shape (numbered per document).
        self.score_class = _Lazy(self, DocumentFacts._score_class, n)
        self._classes: dict[tuple[str, str, str, bool, bool, frozenset[str]], int] = {}
        self._tok_all: dict[int, frozenset[str]] = {}
        self._tok_eff: dict[int, frozenset[str]] = {}
        self.outlineish, self.proseish = self._shapes(outline.has_outline_child)
        self.parent = outline.parents
        self.kids = outline.children
        self.trusted = outline.trusted
        # Descendants follow their section in document order: i+1 .. subtree_end[i]-1.
        self.subtree_end = outline.subtree_end
        self._tok_desc: dict[int, frozenset[str]] = {}
        self._shape_desc: dict[int, Counter[tuple[str, str]]] = {}
        #: Per section, the id of its class of subtrees for :meth:`_Aligner.context`: sections
        #: of one class have descendants of the same words and shape (numbered per document).
        self.desc_class = _Lazy(self, DocumentFacts._desc_class, n)
        self._desc_classes: dict[tuple[int, ...], int] = {}
        #: Per section, the number of its (normalised title, fingerprint hash, words) among this
        #: document's (equal triples, one number), given when a subtree class first reads it.
        self._elements: list[int | None] = [None] * n
        self._numbers: dict[tuple[str, str, frozenset[str]], int] = {}

    def _tokens(self, i: int) -> frozenset[str]:
        s = self.secs[i]
        if s.kind == "frontmatter":
            return _text_words(self.fp[i])
        return _section_words(s.title, s.plain)

    def _score_class(self, i: int) -> int:
        s = self.secs[i]
        key = (s.kind, self.fph[i], s.title, self.outlineish[i], self.proseish[i], self.tok[i])
        return self._classes.setdefault(key, len(self._classes))

    def _shapes(self, has_outline_child: Sequence[bool]) -> tuple[list[bool], list[bool]]:
        """Whether each section reads as an outline (an outline item, or a heading with no
        words of its own and outline items under it), and whether it reads as prose (a
        heading or the preamble with a prose body)."""
        outlineish: list[bool] = []
        proseish: list[bool] = []
        for s, outline_child in zip(self.secs, has_outline_child):
            kind = s.kind
            if kind == "outline":
                outlineish.append(True)
                proseish.append(False)
            elif kind == "heading" or kind == "preamble":
                words = s.words
                outlineish.append(kind == "heading" and not words and outline_child)
                proseish.append(bool(words) and bool(s.prose_words))
            else:
                outlineish.append(False)
                proseish.append(False)
        return outlineish, proseish

    def tok_all(self, i: int) -> frozenset[str]:
        """Content words of a section and its descendants, outline bullets excepted
        (a bullet still in the outline is not prose that develops anything)."""
        got = self._tok_all.get(i)
        if got is None:
            s = self.secs[i]
            kids = [self.index[k] for k in s.children]
            got = self.tok[i].union(*(self.tok_all(k) for k in kids if self.secs[k].kind != "outline"))
            self._tok_all[i] = got
        return got

    def tok_eff(self, i: int) -> frozenset[str]:
        """Content words of an outline-ish section including its outline children."""
        got = self._tok_eff.get(i)
        if got is None:
            s = self.secs[i]
            kids = [self.index[k] for k in s.children if self.secs[self.index[k]].kind == "outline"]
            got = self.tok[i].union(*(self.tok[k] for k in kids))
            self._tok_eff[i] = got
        return got

    def tok_desc(self, i: int) -> frozenset[str]:
        """Content words of all of a section's descendants (titles included), not its own."""
        got = self._tok_desc.get(i)
        if got is None:
            # One union of the descendants' words (they follow the section in document order):
            # the aligner asks for a few sections' only, those of one class of subtrees each.
            tok = self.tok
            got = frozenset().union(*[tok[k] for k in range(i + 1, self.subtree_end[i])])
            self._tok_desc[i] = got
        return got

    def shape_desc(self, i: int) -> Counter[tuple[str, str]]:
        """The descendants of a section as a multiset of (title, fingerprint hash): its shape,
        which tells apart subtrees made of the same words in different places."""
        got = self._shape_desc.get(i)
        if got is None:
            start, end = i + 1, self.subtree_end[i]  # every descendant once, counted at C speed
            got = self._shape_desc[i] = Counter(zip(self.ntitle[start:end], self.fph[start:end]))
        return got

    def _desc_class(self, i: int) -> int:
        """The class of section *i*'s descendants: the multiset of their (normalised title,
        fingerprint hash, words). Two sections of one class have descendants of the same
        words (:meth:`tok_desc`, the union of theirs) and the same shape (:meth:`shape_desc`,
        the multiset of their first two), which is all :meth:`_Aligner.context` reads of them;
        the key reads each descendant once, with no union of words (a book's chapters hold
        thousands) and no Counter per level: each section's triple is numbered once per
        document (:attr:`_elements`, equal triples one number), and the key is the sorted
        numbers of the descendants, a multiset of triples as a tuple of integers."""
        if not self.kids[i]:
            return 0  # no descendants: every leaf is alike
        start, end = i + 1, self.subtree_end[i]
        elements = self._elements
        part = elements[start:end]
        if None in part:  # descendants not numbered yet (their words are read only now)
            tok, ntitle, fph, numbers = self.tok, self.ntitle, self.fph, self._numbers
            for k in range(start, end):
                if elements[k] is None:
                    elements[k] = numbers.setdefault((ntitle[k], fph[k], tok[k]), len(numbers))
            part = elements[start:end]
        key = tuple(sorted(cast("list[int]", part)))  # (every None numbered)
        return self._desc_classes.setdefault(key, len(self._desc_classes) + 1)

    def is_descendant(self, i: int, ancestor: int) -> bool:
        """Whether section *i* sits (at any depth) under section *ancestor*."""
        p = self.parent[i]
        while p is not None:
            if p == ancestor:
                return True
            p = self.parent[p]
        return False


#: id(document) -> (the document, its facts); the document is kept to check identity.
_FACTS: LRU[int, tuple[Document, DocumentFacts]] = LRU(FACTS_CACHE_SIZE)


def document_facts(doc: Document) -> DocumentFacts:
    """The (cached) facts of *doc*."""
    hit = _FACTS.get(id(doc))
    if hit is not None and hit[0] is doc:
        return hit[1]
    return _FACTS.put(id(doc), (doc, DocumentFacts(doc)))[1]


def clear_facts() -> None:
    """Forget the per-document facts and the words of texts kept between calls."""
    _FACTS.clear()
    _text_words.cache_clear()
    _section_words.cache_clear()
    _title_norm.cache_clear()
    _title_grams.cache_clear()
