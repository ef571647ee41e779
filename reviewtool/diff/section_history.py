"""The history of one section: the versions in which it changed, followed through renames.

What a version changed is its difference from its first parent
(:meth:`DraftHistory.first_parent`), as everywhere else: on a history with
branches and merges the versions are not a chain, and the version listed next
(older) is often on another branch. :func:`section_history` starts at a version
where the section exists and goes through the older versions; for each version
whose text is known to hold the section (under which key), it aligns the draft
at its first parent with it (:func:`reviewtool.diff.align.align`) and follows the
section to its counterpart there:

* renamed or moved (even under a new parent): the paired section;
* promoted from an outline bullet: back into the bullet;
* split from a larger section: that section;
* merged from several sections: the one with the same key if there is one,
  otherwise the biggest part.

Where the section is is remembered by text (blob): every version with the first
parent's text has it under that key, whichever branch it is on. A merge's other
parents are followed the same way (without an entry: their own versions show
what the branch changed), so the versions of a merged branch are found too.

Each version in which the pair is not ``unchanged``, or changed only its markup
(status ``markup``: a heading level, a link target...), becomes an entry with the
statuses, the markup changes and the words added and removed (the same texts,
word diff and markup rules as ``reviewtool diff``; a created section counts all
its words). A version without first parent (the one
that added the draft) counts as adding everything in it; a version whose change
created the section ends the line it is on.

Every version's document comes from :meth:`DraftHistory.document` (cached);
versions whose text is identical to their first parent's, or where the section
and its siblings are identical (:func:`reviewtool.diff.align.unchanged_in_place`)
and its source too, are stepped over without aligning. Core module: no Textual, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reviewtool.diff.align import align, unchanged_in_place
from reviewtool.diff.markup import markup_changes
from reviewtool.diff.section_diff import diff_pairs
from reviewtool.diff.section_pairs import SectionPair
from reviewtool.draft.document import Document, Section
from reviewtool.draft.history import DraftHistory, Version
from reviewtool.draft.section_names import find_section


@dataclass
class SectionChangeEntry:
    """One version in which the followed section changed (or was created)."""

    version: Version
    key: str  # the section's key at this version
    title: str
    status: list[str]
    words_added: int
    words_removed: int
    previous_keys: list[str] = field(default_factory=list)  # its counterpart(s) at the first parent
    keys: list[str] = field(default_factory=list)  # every section of the pair at this version
    markup: list[str] = field(default_factory=list)  # markup changes (see diff.markup)

    @property
    def created(self) -> bool:
        return "added" in self.status

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version.to_dict(),
            "key": self.key,
            "title": self.title,
            "status": list(self.status),
            "created": self.created,
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "previous_keys": list(self.previous_keys),
            "keys": list(self.keys),
            "markup": list(self.markup),
        }


def _follow(pair: SectionPair, key: str) -> Section:
    """The old section to keep following: same key, else the biggest part."""
    for s in pair.old:
        if s.key == key:
            return s
    return max(pair.old, key=lambda s: (s.words_all, -s.index))


def _entry(version: Version, section: Section, pair: SectionPair, old_doc: Document | None,
           new_doc: Document) -> SectionChangeEntry:
    if old_doc is None:  # created: all its words (a bullet's title and sub-points, a heading's body)
        return SectionChangeEntry(version, section.key, section.title, ["added"], section.words, 0,
                                  [], [section.key])
    changes, _ = diff_pairs(old_doc, new_doc, [pair])
    change = changes[0]
    return SectionChangeEntry(version, section.key, section.title, change.status, change.words_added,
                              change.words_removed, pair.old_keys, pair.new_keys, change.markup)


def section_history(history: DraftHistory, key: str, rev: str | None = None) -> list[SectionChangeEntry]:
    """The versions, newest first, whose change (against their first parent) touched section
    *key* (as named at *rev*: a key, the end of a key or a title, see
    :func:`reviewtool.draft.section_names.find_section`).

    *rev* defaults to the newest version. Raises :class:`ReviewtoolError` when
    no section has that name at that version. The last entry is the version
    that created the section (on the line of first parents that leads to *rev*,
    usually the only one).
    """
    start = history.find(rev)
    key = find_section(history.document(start), key, start.short).key
    #: The section's key in each text (by blob) known to hold it.
    keys: dict[str, str] = {_text_id(start): key}
    listed = {_text_id(v) for v in history.versions if v.blob is not None}
    entries: list[SectionChangeEntry] = []
    for version in history.versions[history.index(start):] if start.listed else [start]:
        step: Version | None = version
        while step is not None:
            step = _step(history, step, keys, entries)
            if step is not None and _text_id(step) in listed:
                break  # a listed version's text: reached in its turn
    return entries


def _step(history: DraftHistory, version: Version, keys: dict[str, str],
          entries: list[SectionChangeEntry]) -> Version | None:
    """Compare *version* with its first parent for the followed section: add an entry when
    the section changed, and remember its key in the parent's text. Returns the parent
    when the section goes on there (else None)."""
    if version.blob is None and not version.is_worktree:
        return None  # the commit deleted the draft
    here = keys.get(_text_id(version))
    if here is None:
        return None  # a text that does not lead to the start (another branch), or before the section
    doc = history.document(version)
    section = doc.by_key[here]
    for n in range(2, len(version.parents) + 1):
        _follow_into(history, history.parent(version, n), doc, section.key, keys)
    older = history.first_parent(version)
    if older is None:
        entries.append(_entry(version, section, SectionPair([], [section], ["added"]), None, doc))
        return None
    old_doc = history.document(older)
    if old_doc.text == doc.text or (unchanged_in_place(old_doc, doc, section.key)
                                    and old_doc.own_text(old_doc.by_key[section.key]) == doc.own_text(section)):
        keys.setdefault(_text_id(older), section.key)
        return older
    pair = align(old_doc, doc).for_new(section.key)
    assert pair is not None  # every section is in exactly one pair
    if not pair.old:
        entries.append(_entry(version, section, pair, None, doc))
        return None
    if pair.changed or _markup_only(old_doc, doc, pair):
        entries.append(_entry(version, section, pair, old_doc, doc))
    keys.setdefault(_text_id(older), _follow(pair, section.key).key)
    return older


def _markup_only(old_doc: Document, doc: Document, pair: SectionPair) -> bool:
    """Whether an ``unchanged`` pair changed its markup (a heading level, a link target...)."""
    return bool(markup_changes(old_doc, pair.old, doc, pair.new))


def _follow_into(history: DraftHistory, other: Version | None, doc: Document, key: str,
                 keys: dict[str, str]) -> None:
    """Remember where section *key* of a merge's text *doc* is in the text of another parent
    (*other*): the branch it merged is followed too (its own versions show its changes)."""
    if other is None or _text_id(other) in keys:
        return
    other_doc = history.document(other)
    if other_doc.text == doc.text or unchanged_in_place(other_doc, doc, key):
        keys[_text_id(other)] = key
        return
    pair = align(other_doc, doc).for_new(key)
    if pair is not None and pair.old:
        keys[_text_id(other)] = _follow(pair, key).key


def _text_id(version: Version) -> str:
    return version.blob or f"{version.commit}:{version.path}"
