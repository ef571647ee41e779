"""What :func:`reviewtool.diff.align.align` returns: the statuses, :class:`SectionPair` and :class:`Alignment`.

A pair holds 0..n old and 0..n new sections with every status that applies; an alignment
holds every section of both versions in exactly one pair, with lookups by either side's
key. The section diff, the section history, coverage, heading moves and the diff view read
these types; only the aligner builds them.

The core of reviewtool: no Textual, no Rich.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from reviewtool.draft.document import Document, Section
from reviewtool.records import record

#: Every status a pair can carry, in the order they are listed in ``SectionPair.status``.
STATUSES = ("added", "removed", "split", "merged", "promoted", "condensed", "renamed", "moved", "edited",
            "unchanged")
#: A status's place in :data:`STATUSES` (a pair lists its statuses in this order).
STATUS_ORDER = {s: i for i, s in enumerate(STATUSES)}


@record
class SectionPair:
    """Sections of the old version paired with sections of the new version.

    ``old`` and ``new`` hold 0..n sections each: no old section means added, no
    new section removed, several new sections a split, several old a merge.
    ``status`` lists every status that applies (see :data:`STATUSES`);
    ``similarity`` is the content similarity (0..1) and ``title_similarity``
    the similarity of the titles.
    """

    old: list[Section]
    new: list[Section]
    status: list[str]
    similarity: float = 1.0
    title_similarity: float = 1.0

    @property
    def old_key(self) -> str | None:
        """Key of the first old section (document order), or None when added."""
        return self.old[0].key if self.old else None

    @property
    def new_key(self) -> str | None:
        """Key of the first new section (document order), or None when removed."""
        return self.new[0].key if self.new else None

    @property
    def old_keys(self) -> list[str]:
        return [s.key for s in self.old]

    @property
    def new_keys(self) -> list[str]:
        return [s.key for s in self.new]

    @property
    def old_title(self) -> str | None:
        return self.old[0].title if self.old else None

    @property
    def new_title(self) -> str | None:
        return self.new[0].title if self.new else None

    @property
    def changed(self) -> bool:
        return self.status != ["unchanged"]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly summary of the pair."""
        return {
            "status": list(self.status),
            "old_key": self.old_key,
            "new_key": self.new_key,
            "old_keys": self.old_keys,
            "new_keys": self.new_keys,
            "old_title": self.old_title,
            "new_title": self.new_title,
            "similarity": round(self.similarity, 4),
            "title_similarity": round(self.title_similarity, 4),
        }


@record
class Alignment:
    """The result of :func:`align`: every section of both versions in exactly one pair.

    ``pairs`` are in new-document order; a removed section sits where it was
    relative to its old neighbours.
    """

    old: Document
    new: Document
    pairs: list[SectionPair]
    _by_old: dict[str, SectionPair] = field(default_factory=dict, repr=False)
    _by_new: dict[str, SectionPair] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for pair in self.pairs:
            for s in pair.old:
                self._by_old[s.key] = pair
            for s in pair.new:
                self._by_new[s.key] = pair

    def for_old(self, key: str) -> SectionPair | None:
        """The pair holding the old version's section *key*."""
        return self._by_old.get(key)

    def for_new(self, key: str) -> SectionPair | None:
        """The pair holding the new version's section *key*."""
        return self._by_new.get(key)

    @property
    def changed(self) -> list[SectionPair]:
        """Pairs whose status is not ``unchanged``."""
        return [p for p in self.pairs if p.changed]

    def to_dict(self) -> dict[str, Any]:
        return {"pairs": [p.to_dict() for p in self.pairs]}
