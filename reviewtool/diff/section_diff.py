"""The section diff of two versions of a draft: align sections, then word-diff each pair.

:func:`diff_documents` aligns the sections (:func:`reviewtool.diff.align.align`) and
runs :func:`reviewtool.diff.word_diff.word_diff` on every pair that is not
``unchanged``. What is compared:

* a section's own source body (:meth:`Document.body_text`, after its heading
  line), so Markdown shows as written; a changed title is reported separately
  (``old_title``/``new_title``), never as changed words;
* the front matter: its whole source;
* a split or a merge: the parts' bodies concatenated in document order;
* an outline bullet promoted to prose (or prose condensed to a bullet): the
  plain texts, i.e. the bullet's title and sub-points against the prose
  without markup;
* an added or removed section: its body against nothing.

Because pairs are aligned first, a moved section is diffed against itself and
reports only the edits made inside it, not a deletion plus an insertion.

Markup is a change too (:mod:`reviewtool.diff.markup`): every pair whose source
differs gets its markup changes named (``heading level 1→2``, ``link target``,
``emphasis``, ``list markers``...). A pair the aligner found ``unchanged`` (same
title, same words) whose source still differs, e.g. a heading moved one level down,
is a change with the status ``markup``; so a version that changed the file never
reads as "no change". ``markup_changed`` counts the pairs with markup changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from typing import TYPE_CHECKING, Any

from reviewtool.collector import LARGE_TEXT_CHARS, collector_paused
from reviewtool.diff.section_pairs import STATUSES, Alignment, SectionPair
from reviewtool.diff.word_ops import WordDiff, WordOp
from reviewtool.draft.document import Document, Section
from reviewtool.records import record

if TYPE_CHECKING:
    from reviewtool.diff.paragraphs import Row  # (the rows are cut by the view: a log never loads them)

# The stages that compute a diff (align, heading_moves, markup, word_diff) are imported by
# the functions that run them: a diff read from the cache (reviewtool.diff.stored_diff) only
# needs the classes below, and importing the aligner and the word differ was a tenth of a
# warm book diff.


def section_text(doc: Document, section: Section, plain: bool = False) -> str:
    """The text of *section* that the diff compares (see the module docstring)."""
    if plain:
        return section.plain
    if section.kind == "frontmatter":
        return doc.own_text(section)
    return doc.body_text(section)


def pair_texts(old_doc: Document, new_doc: Document, pair: SectionPair) -> tuple[str, str]:
    """The old and new texts compared for *pair*."""
    plain = "promoted" in pair.status or "condensed" in pair.status
    if len(pair.old) == 1 and len(pair.new) == 1:  # (most pairs: nothing to join)
        return section_text(old_doc, pair.old[0], plain), section_text(new_doc, pair.new[0], plain)
    sep = "\n\n" if plain else ""
    old = sep.join(section_text(old_doc, s, plain) for s in pair.old)
    new = sep.join(section_text(new_doc, s, plain) for s in pair.new)
    return old, new


def _titles(sections: list[Section]) -> str | None:
    return " + ".join(s.title for s in sections) if sections else None


@record
class SectionChange:
    """One aligned pair with the word diff of its texts and its markup changes.

    ``word_diff`` is ``None`` for an ``unchanged`` pair (nothing was compared).
    ``markup`` names the markup changes (:func:`reviewtool.diff.markup.markup_changes`).
    """

    pair: SectionPair
    word_diff: WordDiff | None
    markup: list[str] = field(default_factory=list)
    #: The paragraph rows of the word diff once cut (:func:`reviewtool.diff.view.change_rows`
    #: cuts them; a stored diff brings them along): a function of the diff, not part of it.
    rows: list[Row] | None = field(default=None, compare=False, repr=False)

    @property
    def status(self) -> list[str]:
        """The pair's statuses; ``["markup"]`` for a pair whose words are unchanged but not its markup."""
        if self.markup and not self.pair.changed:
            return ["markup"]
        return list(self.pair.status)

    @property
    def old_key(self) -> str | None:
        return self.pair.old_key

    @property
    def new_key(self) -> str | None:
        return self.pair.new_key

    @property
    def old_title(self) -> str | None:
        """The old title (titles of all parts, joined with `` + ``, for a merge)."""
        return _titles(self.pair.old)

    @property
    def new_title(self) -> str | None:
        """The new title (titles of all parts, joined with `` + ``, for a split)."""
        return _titles(self.pair.new)

    @property
    def title_changed(self) -> bool:
        return bool(self.pair.old and self.pair.new) and self.old_title != self.new_title

    @property
    def words_added(self) -> int:
        return self.word_diff.words_added if self.word_diff else 0

    @property
    def words_removed(self) -> int:
        return self.word_diff.words_removed if self.word_diff else 0

    @property
    def changed_share(self) -> float:
        return self.word_diff.changed_share if self.word_diff else 0.0

    def involves(self, key: str) -> bool:
        """Whether section *key* (or a subsection of it) is on either side of the pair."""
        prefix = key + "/"
        return any(k == key or k.startswith(prefix) for k in (*self.pair.old_keys, *self.pair.new_keys))

    def to_dict(self, kept_ops: dict[tuple[int, ...], list[dict[str, str]]] | None = None) -> dict[str, Any]:
        """JSON-friendly form. *kept_ops*: the ``ops`` lists already built, by the identities of their
        operations (:meth:`DocumentDiff.to_dict` shares one list among changes with the very same
        operations: a book repeats whole chapters; word diffs kept by texts share their operations)."""
        return {
            "status": self.status,
            "old_key": self.old_key,
            "new_key": self.new_key,
            "old_keys": list(self.pair.old_keys),
            "new_keys": list(self.pair.new_keys),
            "old_title": self.old_title,
            "new_title": self.new_title,
            "similarity": round(self.pair.similarity, 4),
            "title_similarity": round(self.pair.title_similarity, 4),
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "changed_share": round(self.changed_share, 4),
            "markup": list(self.markup),
            "ops": _ops_json(self.word_diff.ops, kept_ops) if self.word_diff else [],
        }


def _ops_json(ops: list[WordOp], kept: dict[tuple[int, ...], list[dict[str, str]]] | None) -> list[dict[str, str]]:
    """``[op.to_dict() for op in ops]``, taken from *kept* when the very same operation objects
    (alive while their diff is) were turned into JSON before; the list is then shared."""
    if kept is None:
        return [op.to_dict() for op in ops]
    key = tuple(map(id, ops))
    got = kept.get(key)
    if got is None:
        got = kept[key] = [op.to_dict() for op in ops]
    return got


@record
class DocumentDiff:
    """The section diff of two documents: every pair of the alignment, with word diffs.

    ``changes`` holds the pairs that are not ``unchanged``, in new-document order
    (removed sections where they used to be); ``unchanged`` the others.
    """

    old: Document
    new: Document
    alignment: Alignment
    changes: list[SectionChange]
    unchanged: list[SectionChange] = field(default_factory=list)

    @property
    def words_added(self) -> int:
        return sum(c.words_added for c in self.changes)

    @property
    def words_removed(self) -> int:
        return sum(c.words_removed for c in self.changes)

    @property
    def markup_changed(self) -> int:
        """Changed pairs with markup changes (markup-only ones included)."""
        return sum(1 for c in self.changes if c.markup)

    @property
    def by_status(self) -> dict[str, int]:
        """How many pairs carry each status (a pair may carry several)."""
        counts: dict[str, int] = {}
        for c in (*self.changes, *self.unchanged):
            for s in c.status:
                counts[s] = counts.get(s, 0) + 1
        order = (*STATUSES[:-1], "markup", STATUSES[-1])
        return {s: counts[s] for s in order if s in counts}

    def only(self, key: str) -> DocumentDiff:
        """The same diff limited to the pairs that involve section *key* (or its subsections)."""
        return DocumentDiff(self.old, self.new, self.alignment,
                            [c for c in self.changes if c.involves(key)],
                            [c for c in self.unchanged if c.involves(key)])

    def summary(self) -> dict[str, Any]:
        words_old, words_new = self.old.words, self.new.words
        return {
            "words_old": words_old,
            "words_new": words_new,
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "sections_old": len(self.old.content_sections),
            "sections_new": len(self.new.content_sections),
            "sections_changed": len(self.changes),
            "sections_unchanged": len(self.unchanged),
            "markup_changed": self.markup_changed,
            "by_status": self.by_status,
        }

    def to_dict(self, old_info: dict[str, Any] | None = None,
                new_info: dict[str, Any] | None = None) -> dict[str, Any]:
        """JSON-friendly form; *old_info*/*new_info* describe the versions (default: path and title).
        Changes with the very same operations share their ``ops`` list (read it, do not change it)."""
        kept: dict[tuple[int, ...], list[dict[str, str]]] = {}
        return {
            "old": old_info if old_info is not None else _doc_info(self.old),
            "new": new_info if new_info is not None else _doc_info(self.new),
            "summary": self.summary(),
            "changes": [c.to_dict(kept) for c in self.changes],
        }


def _doc_info(doc: Document) -> dict[str, Any]:
    return {"path": doc.path, "title": doc.title, "words": doc.words}


def same_source(old_doc: Document, old: list[Section], new_doc: Document, new: list[Section]) -> bool:
    """Whether a pair of one section a side has the very same source (then it has no markup
    change: :func:`reviewtool.diff.markup.markup_changes` is ``[]`` for equal sources).
    Most pairs of a version that edited a few sections; False means "ask markup_changes"."""
    if len(old) != 1 or len(new) != 1:
        return False
    a, b = old[0], new[0]
    return a.end - a.start == b.end - b.start and old_doc.own_text(a) == new_doc.own_text(b)


def diff_pairs(old: Document, new: Document, pairs: Iterable[SectionPair],
               counts_only: bool = False) -> tuple[list[SectionChange], list[SectionChange]]:
    """Word-diff each pair and name its markup changes; returns ``(changes, unchanged)``.

    An ``unchanged`` pair whose source differs (markup only) is a change. *counts_only*: the
    word diffs are :func:`reviewtool.diff.word_diff.counted_word_diff` (the same counts, their
    operations not cleaned up for reading: for a caller that shows none).
    """
    from reviewtool.diff.markup import markup_changes
    from reviewtool.diff.word_diff import counted_word_diff, word_diff

    if counts_only:
        word_diff = counted_word_diff

    changes: list[SectionChange] = []
    unchanged: list[SectionChange] = []
    for pair in pairs:
        if not pair.changed:
            if same_source(old, pair.old, new, pair.new):
                unchanged.append(SectionChange(pair, None))  # what markup_changes would say: nothing
                continue
            markup = markup_changes(old, pair.old, new, pair.new)
            if not markup:
                unchanged.append(SectionChange(pair, None))
                continue
            a, b = pair_texts(old, new, pair)
            changes.append(SectionChange(pair, word_diff(a, b), markup))
            continue
        a, b = pair_texts(old, new, pair)
        wd = word_diff(a, b)
        structural = "promoted" in pair.status or "condensed" in pair.status
        markup = [] if structural else markup_changes(old, pair.old, new, pair.new)
        changes.append(SectionChange(pair, wd, markup))
    return changes, unchanged


def diff_documents(old: Document, new: Document, counts_only: bool = False) -> DocumentDiff:
    """Align the sections of *old* and *new* and word-diff every changed pair.

    A heading removed over text that stays reads as a merge with the section above, not
    as words removed (:func:`reviewtool.diff.heading_moves.absorb_headings`). When the
    texts differ but no pair changed, the pairs whose sources differ in the blank lines
    at their edges are changes (``whitespace``): a changed text is never "no change".
    *counts_only*: for a caller that reads the counts and shows no operation (see
    :func:`diff_pairs`); the pairs, statuses, markup and counts are the same, and the pairs'
    similarity figures are not measured (:func:`reviewtool.diff.align.align`).
    Over :data:`reviewtool.collector.LARGE_TEXT_CHARS` of text in the two versions the
    cyclic collector is paused while they are aligned and diffed, as for a large parse, and
    what was built settled in the oldest generation (``settle``: the young collection that
    resuming starts would scan every object of the result once more).
    """
    from reviewtool.diff.align import align
    from reviewtool.diff.heading_moves import absorb_headings
    from reviewtool.diff.markup import edge_whitespace_changed
    from reviewtool.diff.word_diff import counted_word_diff, word_diff

    if counts_only:
        word_diff = counted_word_diff
    # Settled: what the diff built (its result, most of it) goes to the oldest generation
    # when the collector resumes, not to a young collection that would scan all of it.
    with collector_paused(len(old.text) + len(new.text) > LARGE_TEXT_CHARS, settle=True):
        alignment = absorb_headings(align(old, new, similarities=not counts_only))
        changes, unchanged = diff_pairs(old, new, alignment.pairs, counts_only)
        if not changes and old.text != new.text:
            edges = [c for c in unchanged if edge_whitespace_changed(old, c.pair.old, new, c.pair.new)]
            changes = [SectionChange(c.pair, word_diff(*pair_texts(old, new, c.pair)), ["whitespace"]) for c in edges]
            unchanged = [c for c in unchanged if c not in edges]
    return DocumentDiff(old, new, alignment, changes, unchanged)
