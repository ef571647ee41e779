"""Comment anchors: build them on one version, re-anchor them onto any other.

An anchor (see :mod:`reviewtool.review.events`) names the version a comment was made
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
* else a scored approximate search (:class:`reviewtool.review.quote_search.QuoteSearch`:
  Myers' bit-parallel edit distance over candidate windows found by word matches;
  score = 50 quote + 20 prefix + 20 suffix + 2 nearness, normalised to 0..1) with
  minimum quote *and* context scores, so that a lookalike sentence elsewhere does
  not win: ``fuzzy``;
* else, when the section still exists (followed through renames, moves and
  splits by :mod:`reviewtool.review.section_follow`): ``outdated``, placed at the section;
* else ``orphaned``: still shown, with its stored quote.

When the section kept its key and the quote (verbatim or fuzzy) is found
inside it, or nowhere, the old text is not even parsed: no alignment is needed
for the common case. Whole-version and section-only comments use the same
vocabulary (see :func:`reanchor`). :func:`comments_for_version` applies all this to the threads
of a draft for one version, in document order. Placements are cached by (blob, anchor);
:func:`clear_caches` forgets them with the search's and the section maps' caches.

This module never imports Textual or Rich.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reviewtool.draft.document import Document, Section, parse
from reviewtool.draft.history import decode_draft
from reviewtool.draft.section_names import find_section
from reviewtool.errors import ReviewtoolError
from reviewtool.lru import LRU
from reviewtool.review.events import CONTEXT_CHARS, Anchor
from reviewtool.review.quote_search import QuoteSearch, clear_word_indexes, find_verbatim, within
from reviewtool.review.section_follow import clear_section_maps, section_at, section_map

#: The states a placement can have, best first.
STATES = ("exact", "moved", "fuzzy", "outdated", "orphaned")

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
        section = find_section(doc, section_key, version.short)  # a key, the end of a key, or a title
        anchor.section_key, anchor.section_title = section.key, section.title
    if quote is not None:
        if not quote.strip():
            raise ReviewtoolError("the quote is empty")
        text = doc.text
        lo, hi = (section.start, section.end_all) if section is not None else (0, len(text))
        if at is not None and lo <= at and at + len(quote) <= hi and text.startswith(quote, at):
            span: tuple[int, int] | None = (at, at + len(quote))
        else:
            span = find_verbatim(text, quote, lo, hi)
        where = f"section {section.key}" if section is not None else "the draft"
        if span is None:
            raise ReviewtoolError(f"the quote does not occur in {where} at {version.short}")
        start, end = span
        anchor.start, anchor.end, anchor.exact = start, end, text[start:end]
        anchor.prefix = text[max(0, start - CONTEXT_CHARS):start]
        anchor.suffix = text[end:end + CONTEXT_CHARS]
    return anchor


# ---------------------------------------------------------------------- caches

_AnchorKey = tuple[str, str | None, str | None, int | None, int | None, str | None, str | None, str | None]

_placements: LRU[tuple[str, _AnchorKey, bool], Placement] = LRU(4096)  # (new blob, anchor, old text given)


#: Per history: which old paths of renamed-away comments are files at its start (HEAD).
_AT_HEAD: weakref.WeakKeyDictionary[Any, dict[str, bool]] = weakref.WeakKeyDictionary()


def clear_caches() -> None:
    """Forget cached alignments, word indexes and placements."""
    clear_section_maps()
    clear_word_indexes()
    _placements.clear()
    _AT_HEAD.clear()


# ---------------------------------------------------------------------- re-anchoring


def _anchor_key(anchor: Any) -> _AnchorKey:
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
    key: str = anchor.section_key
    sec = doc.get(key)
    if same_blob and sec is not None:
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
    key: str | None = anchor.section_key
    if key:
        return key
    if old_doc is not None and anchor.start is not None and anchor.start <= len(old_doc.text):
        sec = section_at(old_doc, anchor.start)
        return sec.key if sec is not None else None
    return None


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

    search = QuoteSearch(anchor, doc, blob)
    n = len(quote)

    # Pass 1, without the old text: the section kept its key (the common case), and
    # what is found inside it needs no alignment to be placed.
    same_key = doc.get(anchor.section_key) if anchor.section_key else None
    if same_key is not None:
        hint = min(max(0, start), len(text))
        if search.occurrences:
            at = search.best_occurrence(same_key, hint)
            if within(same_key, at):
                state = "exact" if at == start or search.intact(at) else "moved"
                return Placement(state, same_key.key, at, at + n, 1.0, quote, "quote")
        else:
            found = search.fuzzy(hint)
            if found is None:
                return Placement("outdated", same_key.key, None, None, 0.0, None, "quote")
            score, s1, e1 = found
            if within(same_key, s1):
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
        if target is not None and within(target, pos):
            return target.key
        sec = section_at(doc, pos)
        return sec.key if sec is not None else None

    # 1. Verbatim occurrences. Outside the section the old one became, a short quote in
    # other words is a lookalike, not the passage (the guard of the fuzzy search).
    best = search.best_occurrence(target, hint) if search.occurrences else None
    if best is not None and (within(target, best) or search.identifies(best)):
        key = place_key(best)
        expected = anchor.section_key or old_key
        same_section = expected is None or key == expected
        same_place = best == start
        if not same_place and old_sec is not None and target is not None and within(target, best):
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
    sec = doc.get(placement.section_key) if placement.section_key is not None else None
    if sec is not None:
        return (1, sec.start)
    return (2, 0)


class VersionIndex:
    """Which comments are on a draft (:meth:`claims`) and which version of its history
    each was made on (:meth:`index_of`)."""

    def __init__(self, history: Any) -> None:
        self.history = history
        self.paths = set(history.paths)
        self._by_commit: dict[str, int] = {}
        self._by_blob: dict[str, int] = {}
        for i, v in enumerate(history.versions):
            self._by_commit.setdefault(v.commit, i)
            if v.blob is not None and not v.is_worktree:
                self._by_blob[v.blob] = i  # the oldest version with this blob wins

    def claims(self, anchors: Sequence[Any]) -> list[bool]:
        """Whether each of *anchors* is on this draft.

        It is when its path is one the draft has had. It is too when its path is no file
        at ``HEAD`` (the history's start) any more but its text (blob) is one of the draft's versions: the draft
        was renamed by a history rewrite (``filter-repo``, a rebase that renamed it all
        along), so its comments' commits and path are gone while their texts are still
        here. A file that still exists at the old path keeps its comments, even when its
        text is the same as one of ours (a copy). One ``git ls-tree`` for all anchors
        that need it, none usually.
        """
        result = [a.path in self.paths for a in anchors]
        maybe = {a.path for a, ok in zip(anchors, result) if not ok and a.blob in self._by_blob}
        if not maybe:
            return result
        present = self._present_at_head(maybe)
        return [ok or (a.blob in self._by_blob and a.path not in present) for a, ok in zip(anchors, result)]

    def _present_at_head(self, paths: set[str]) -> set[str]:
        repo = self.history.repo
        start = getattr(self.history, "start", "HEAD")
        known: dict[str, bool] = _AT_HEAD.setdefault(self.history, {})
        ask = sorted(p for p in paths if p not in known)
        if ask:
            found = set(repo.ls_tree(start, *ask)) if repo.has_commits() else set()
            for p in ask:
                known[p] = p in found
        return {p for p in paths if known[p]}

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
    :class:`reviewtool.review.events.Thread` objects (any draft: the others are
    skipped, see :meth:`VersionIndex.claims`, which follows a draft renamed by a history
    rewrite). A thread whose commit is no longer in the history is matched by its
    blob; when neither matches (but its path was the draft's) it counts as older
    than every version. Retracted threads are left out unless asked for.
    Returns ``(thread, placement)`` pairs in document order.
    """
    target_index = history.index(version)
    doc = history.document(version)
    blob = version.blob
    old_docs = BlobDocuments(history)
    versions = VersionIndex(history)
    result: list[tuple[Any, Placement, tuple[int, int, str]]] = []
    shown = [t for t in threads if include_retracted or not getattr(t, "retracted", False)]
    # Another draft's threads are skipped (a commit can touch several drafts).
    claimed = versions.claims([t.anchor for t in shown])
    for thread, ours in zip(shown, claimed):
        if not ours:
            continue
        anchor = thread.anchor
        index = versions.index_of(anchor)
        if index is not None and index < target_index:
            continue  # made on a newer version
        placement = reanchor(anchor, doc, blob, functools.partial(old_docs.get, anchor.blob))
        order = (*placement_order(placement, doc), str(getattr(thread, "created", "")))
        result.append((thread, placement, order))
    result.sort(key=lambda item: item[2])
    return [(t, p) for t, p, _ in result]
