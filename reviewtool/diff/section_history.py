"""The history of one section: the versions in which it changed, followed through renames.

:func:`section_history` starts at a version where the section exists and walks
back one version at a time, aligning each adjacent pair
(:func:`reviewtool.diff.align.align`) and following the section to its counterpart
in the older version:

* renamed or moved (even under a new parent): the paired section;
* promoted from an outline bullet: back into the bullet;
* split from a larger section: that section;
* merged from several sections: the one with the same key if there is one,
  otherwise the biggest part.

Each version in which the pair is not ``unchanged`` becomes an entry with the
statuses and the words added and removed (the same texts and word diff as
``reviewtool diff``; a created section counts all its words). The walk stops where the section was added, which is the
last entry; the oldest version of the draft counts as adding everything in it.

Every version's document comes from :meth:`DraftHistory.document` (cached);
versions whose text is identical to the newer one, or where the section and
its siblings are identical (:func:`reviewtool.diff.align.unchanged_in_place`), are
stepped over without aligning. Core module: no Textual, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reviewtool.diff.align import SectionPair, align, unchanged_in_place
from reviewtool.diff.section_diff import pair_texts
from reviewtool.diff.word_diff import word_diff
from reviewtool.draft.document import Document, Section
from reviewtool.draft.history import DraftHistory, Version
from reviewtool.errors import ReviewtoolError


@dataclass
class SectionChangeEntry:
    """One version in which the followed section changed (or was created)."""

    version: Version
    key: str  # the section's key at this version
    title: str
    status: list[str]
    words_added: int
    words_removed: int
    previous_keys: list[str] = field(default_factory=list)  # its counterpart(s) one version older
    keys: list[str] = field(default_factory=list)  # every section of the pair at this version

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
    old_text, new_text = pair_texts(old_doc, new_doc, pair)
    diff = word_diff(old_text, new_text)
    return SectionChangeEntry(version, section.key, section.title, list(pair.status), diff.words_added,
                              diff.words_removed, pair.old_keys, pair.new_keys)


def section_history(history: DraftHistory, key: str, rev: str | None = None) -> list[SectionChangeEntry]:
    """The versions, newest first, in which section *key* (as named at *rev*) changed.

    *rev* defaults to the newest version. Raises :class:`ReviewtoolError` when
    the section does not exist at that version. The last entry is the version
    that created the section.
    """
    version = history.find(rev)
    doc = history.document(version)
    section = doc.get(key)
    if section is None:
        raise ReviewtoolError(f"no section {key!r} at {version.short} (see `reviewtool sections`)")
    entries: list[SectionChangeEntry] = []
    while True:
        older = history.previous(version)
        if older is None:
            entries.append(_entry(version, section, SectionPair([], [section], ["added"]), None, doc))
            return entries
        old_doc = history.document(older)
        if old_doc.text == doc.text:
            found = old_doc.get(section.key)
            if found is not None:
                version, doc, section = older, old_doc, found
                continue
        if unchanged_in_place(old_doc, doc, section.key):
            version, doc, section = older, old_doc, old_doc.by_key[section.key]
            continue
        pair = align(old_doc, doc).for_new(section.key)
        assert pair is not None  # every section is in exactly one pair
        if not pair.old:
            entries.append(_entry(version, section, pair, None, doc))
            return entries
        if pair.changed:
            entries.append(_entry(version, section, pair, old_doc, doc))
        version, doc, section = older, old_doc, _follow(pair, section.key)
