"""Following a section of one version of the draft into another.

:class:`SectionMap` says which section of a new document an old section became
(renames, moves and splits through :func:`reviewtool.diff.align.align`; key, body and
title similarity when the old text is unknown). :func:`section_map` caches maps by
their two blobs (:func:`clear_section_maps` forgets them); :func:`section_at` finds
the section holding an offset.
"""

from __future__ import annotations

import bisect
import difflib

from reviewtool.diff.align import align
from reviewtool.draft.document import Document, Section
from reviewtool.lru import LRU
from reviewtool.review.quote_search import SEARCH_WORD

#: Title similarity needed to follow a section by title alone (fallback only).
TITLE_SIMILARITY = 0.8
#: Word-set (Jaccard) similarity needed to follow a section by its body alone (fallback only).
BODY_SIMILARITY = 0.5


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
    return {w.lower() for w in SEARCH_WORD.findall(text)}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


_maps: LRU[tuple[str, str, bool], SectionMap] = LRU(64)  # (old blob, new blob, old text known) -> map


def clear_section_maps() -> None:
    """Forget the cached section maps."""
    _maps.clear()


def section_map(old_doc: Document | None, new_doc: Document, old_blob: str | None,
                new_blob: str | None) -> SectionMap:
    """The (cached) :class:`SectionMap` between two versions, keyed by their blobs."""
    if old_blob is None or new_blob is None:
        return SectionMap(old_doc, new_doc)
    key = (old_blob, new_blob, old_doc is not None)
    return _maps.get_or_compute(key, lambda: SectionMap(old_doc, new_doc))


def section_at(doc: Document, offset: int) -> Section | None:
    """The innermost section whose own span contains *offset* (own spans tile the text)."""
    if not doc.sections:
        return None
    starts = [s.start for s in doc.sections]
    i = bisect.bisect_right(starts, offset) - 1
    return doc.sections[max(0, i)]

