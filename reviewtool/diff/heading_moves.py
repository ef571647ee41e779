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
    """Which pair holds each section (the first one that does), on each side: looked up by
    identity in a map built once, and again only after a join changed the pairs."""

    def __init__(self, pairs: list[SectionPair]) -> None:
        self.pairs = pairs
        self._maps: tuple[dict[int, int], dict[int, int]] | None = None

    def find(self, section: Section, old_side: bool) -> int | None:
        if self._maps is None:
            old: dict[int, int] = {}
            new: dict[int, int] = {}
            for i, p in enumerate(self.pairs):
                for s in p.old:
                    old.setdefault(id(s), i)
                for s in p.new:
                    new.setdefault(id(s), i)
            self._maps = (old, new)
        return self._maps[0 if old_side else 1].get(id(section))

    def changed(self) -> None:
        self._maps = None


def _absorb_one(old_doc: Document, new_doc: Document, pairs: list[SectionPair], k: int,
                owners: _Owners | None = None) -> bool:
    """Try to join lone pair ``pairs[k]`` (removed or added) to the pair of the section above
    it; True when it was joined (``pairs`` is changed in place)."""
    lone = pairs[k]
    removed = not lone.new
    (section,) = lone.old if removed else lone.new
    doc = old_doc if removed else new_doc
    if section.kind != "heading" or section.index == 0:
        return False
    above = doc.sections[section.index - 1]
    if above.kind == "frontmatter":
        return False
    owners = owners if owners is not None else _Owners(pairs)
    j = owners.find(above, removed)
    if j is None:
        return False
    host = pairs[j]
    # The host keeps one section on the other side, and is not compared as plain text.
    if len(host.new if removed else host.old) != 1 or not (host.old and host.new) \
            or {"promoted", "condensed"} & set(host.status):
        return False
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
        return False
    apart = _changed("".join(_body(old_doc, s) for s in host.old),
                     "".join(_body(new_doc, s) for s in host.new)) + words
    together = _changed(joined_old, joined_new)
    if together > ABSORB_SHARE * apart:
        return False
    status = _status(host, "merged" if removed else "split", together > 0)
    pairs[j] = SectionPair(parts if removed else list(host.old), list(host.new) if removed else parts,
                           status, host.similarity, host.title_similarity)
    del pairs[k]
    return True


def absorb_headings(alignment: Alignment) -> Alignment:
    """*alignment* with every removed (added) heading whose body joined the section above it
    (came out of it) read as a merge (a split) with that section; the same alignment when
    there is none."""
    pairs = list(alignment.pairs)
    owners = _Owners(pairs)
    changed = False
    k = 0
    while k < len(pairs):
        pair = pairs[k]
        lone = (len(pair.old) == 1 and not pair.new) or (len(pair.new) == 1 and not pair.old)
        if lone and _absorb_one(alignment.old, alignment.new, pairs, k, owners):
            owners.changed()
            changed = True  # pairs[k] is gone; a chain of removed headings joins one by one
            continue
        k += 1
    return Alignment(alignment.old, alignment.new, pairs) if changed else alignment


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
