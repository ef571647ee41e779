"""Headings removed over text that stays, or added over text that was there: a move of words.

Removing a heading whose body stays joins that body to the section above it. The
aligner may pair that as a merge (two old sections, one new), but when the section
above also changed, or the body is short, it sees an edited section and a removed one:
hundreds of words added to the one and removed from the other, although not a word
was written or deleted. Adding a heading in the middle of a section is the mirror
image (an edited section and an added one, where the words only moved).

:func:`absorb_headings` reads such pairs again as the merge (the split) they are, when
that explains the text with far fewer changed words; :func:`heading_note` words every
such merge or split for a reader: "heading “Cargo config” removed: 120 words moved into
“Cargo Resolver”". The core of reviewtool: no Rich, no Textual.
"""

from __future__ import annotations

from reviewtool.diff.section_pairs import STATUSES, Alignment, SectionPair
from reviewtool.draft.document import Document, Section, count_words
from reviewtool.wording import counted

#: Read as a merge (split) only when that leaves at most this share of the changed words
#: the two pairs report apart.
ABSORB_SHARE = 0.5


def _body(doc: Document, section: Section) -> str:
    return doc.own_text(section) if section.kind == "frontmatter" else doc.body_text(section)


def _changed(old: str, new: str) -> int:
    from reviewtool.diff.word_diff import word_diff  # here: heading_note (the view of a stored diff) needs none

    wd = word_diff(old, new)
    return wd.words_added + wd.words_removed


def _status(base: SectionPair, joined: str, changed: bool) -> list[str]:
    keep = {s for s in base.status if s not in ("edited", "unchanged", "split", "merged")}
    keep.add(joined)
    if changed:
        keep.add("edited")
    return sorted(keep, key=STATUSES.index)


class _Owners:
    """Which pair holds each section, on each side: looked up by identity in a map built
    once. A join leaves its lone pair's place empty (``None``) instead of closing the gap,
    so no index moves, and moves the lone section to its host in the map."""

    def __init__(self, pairs: list[SectionPair | None]) -> None:
        self.pairs = pairs
        self._maps: tuple[dict[int, int], dict[int, int]] | None = None

    def find(self, section: Section, old_side: bool) -> int | None:
        if self._maps is None:
            old: dict[int, int] = {}
            new: dict[int, int] = {}
            for i, p in enumerate(self.pairs):
                if p is None:
                    continue
                for s in p.old:
                    old.setdefault(id(s), i)
                for s in p.new:
                    new.setdefault(id(s), i)
            self._maps = (old, new)
        return self._maps[0 if old_side else 1].get(id(section))

    def joined(self, section: Section, old_side: bool, host: int) -> None:
        """*section* (the only one of its pair) now belongs to pair *host*."""
        if self._maps is not None:
            self._maps[0 if old_side else 1][id(section)] = host


def _join(old_doc: Document, new_doc: Document, pairs: list[SectionPair | None], k: int,
          owners: _Owners) -> tuple[int, SectionPair] | None:
    """Lone pair ``pairs[k]`` (removed or added) joined to the pair of the section above it:
    the host's index and the joined pair; None when it stays apart."""
    lone = pairs[k]
    assert lone is not None
    removed = not lone.new
    (section,) = lone.old if removed else lone.new
    doc = old_doc if removed else new_doc
    if section.kind != "heading" or section.index == 0:
        return None
    above = doc.sections[section.index - 1]
    if above.kind == "frontmatter":
        return None
    j = owners.find(above, removed)
    if j is None:
        return None
    host = pairs[j]
    assert host is not None
    # The host keeps one section on the other side, and is not compared as plain text.
    if len(host.new if removed else host.old) != 1 or not (host.old and host.new) \
            or {"promoted", "condensed"} & set(host.status):
        return None
    if removed:
        parts = sorted([*host.old, section], key=lambda s: s.index)
        joined_old = "".join(_body(old_doc, s) for s in parts)
        joined_new = "".join(_body(new_doc, s) for s in host.new)
    else:
        parts = sorted([*host.new, section], key=lambda s: s.index)
        joined_old = "".join(_body(old_doc, s) for s in host.old)
        joined_new = "".join(_body(new_doc, s) for s in parts)
    words = count_words(_body(doc, section))
    if words == 0:
        return None
    apart = _changed("".join(_body(old_doc, s) for s in host.old),
                     "".join(_body(new_doc, s) for s in host.new)) + words
    together = _changed(joined_old, joined_new)
    if together > ABSORB_SHARE * apart:
        return None
    status = _status(host, "merged" if removed else "split", together > 0)
    return j, SectionPair(parts if removed else list(host.old), list(host.new) if removed else parts,
                          status, host.similarity, host.title_similarity)


def absorb_headings(alignment: Alignment) -> Alignment:
    """*alignment* with every removed (added) heading whose body joined the section above it
    (came out of it) read as a merge (a split) with that section; the same alignment when
    there is none."""
    pairs: list[SectionPair | None] = list(alignment.pairs)
    owners = _Owners(pairs)
    changed = False
    for k, pair in enumerate(pairs):
        assert pair is not None  # (only places before k are emptied)
        removed = len(pair.old) == 1 and not pair.new
        if not (removed or (len(pair.new) == 1 and not pair.old)):
            continue
        join = _join(alignment.old, alignment.new, pairs, k, owners)
        if join is None:
            continue
        # A chain of removed headings joins one by one: the next joins the host just made.
        j, host = join
        pairs[j] = host
        pairs[k] = None
        owners.joined((pair.old if removed else pair.new)[0], removed, j)
        changed = True
    if not changed:
        return alignment
    return Alignment(alignment.old, alignment.new, [p for p in pairs if p is not None])


def heading_note(pair: SectionPair, old_doc: Document, new_doc: Document) -> str | None:
    """``heading “B” removed: 120 words moved into “A”`` for a merge that keeps the first
    part's title (``heading “B” added: 120 words moved from “A”`` for such a split); None
    for any other pair."""
    if len(pair.new) == 1 and len(pair.old) > 1 and pair.old[0].title == pair.new[0].title:
        gone, into, doc, verb, where = pair.old[1:], pair.new[0], old_doc, "removed", "into"
    elif len(pair.old) == 1 and len(pair.new) > 1 and pair.new[0].title == pair.old[0].title:
        gone, into, doc, verb, where = pair.new[1:], pair.old[0], new_doc, "added", "from"
    else:
        return None
    if any(s.kind != "heading" for s in gone):
        return None
    words = sum(count_words(_body(doc, s)) for s in gone)
    titles = ", ".join(f"“{s.title}”" for s in gone)
    heading = "heading" if len(gone) == 1 else "headings"
    return f"{heading} {titles} {verb}: {counted(words, 'word')} moved {where} “{into.title}”"
