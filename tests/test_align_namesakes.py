"""Sibling sections with the same title ("namesakes") align by what they are, not by their keys.

A namesake's key says where it stood (the first ``## Copper`` is ``copper``, the
second ``copper-1``), so when namesakes are reordered their keys trade places.
The aligner must still pair every section with its own counterpart.

Every case below once failed. The first two are the property test's counterexample
(``test_shuffled_siblings_are_only_moved``: two sections titled ``Copper``,
reported renamed or moved in 12 of 24 orders) and are checked in all 24 orders; the
others were found by a wider search that also checks *which* section each one is
paired with, and are checked in every order of their blocks.
"""

from __future__ import annotations

import itertools

import pytest

from reviewtool.diff.align import align, unchanged_in_place
from reviewtool.draft.document import Document, Section, parse

#: The shrunk counterexample of the property test: two ``## Copper`` sections (the
#: first with prose and bullets, the second with a bullet ``copper``), two ``Origins``.
COPPER_SHRUNK = [
    "## Copper\n\nriver marble oyster quarry.\n\nriver ember river pepper river thistle velvet.\n\n"
    "- river marble harbor\n- river\n  - harbor canyon velvet beacon\n  - timber\n- river\n"
    "  - velvet river\n  - canyon\n\n",
    "## Origins\n\npepper canyon.\n\nvelvet.\n\n- timber\n- river marble river walnut\n  - river\n  - river\n\n",
    "## Copper\n\n- river river ember quarry\n  - canyon\n- copper\n\n### Origins\n\n",
    "## Origins\n\n",
]

#: The same failure as first drawn: a ``## Copper`` of bullets only, and a ``## Copper``
#: with prose whose bullet ``copper`` looked just like the first heading.
COPPER_DRAWN = [
    "## Copper\n\n- quarry ember\n  - harbor marble thistle meadow\n  - ember timber\n"
    "- quarry copper timber beacon\n- copper ember pepper\n  - falcon copper\n  - river compass harvest harvest\n\n"
    "### Tools\n\nmarble compass timber.\n\n- bridge canyon\n  - walnut compass walnut timber\n  - bridge\n"
    "- copper meadow pepper\n\n",
    "## Bridges\n\n- saddle\n  - quarry walnut\n  - ember marble river\n\n### Lanterns\n\n- lantern oyster\n"
    "- compass marble velvet beacon\n- orchard copper harvest falcon\n  - saddle\n  - lantern\n\n"
    "### Tools\n\norchard timber harvest saddle walnut compass copper.\n\nglacier saddle saddle glacier velvet "
    "lantern marble saddle harvest timber falcon meadow.\n\n- pepper\n  - compass quarry beacon harvest\n"
    "- walnut\n  - marble\n\n",
    "## Copper\n\nriver ember timber ember marble ember beacon.\n\nbeacon thistle violin glacier timber.\n\n"
    "- copper\n- copper\n  - bridge saddle copper falcon\n  - marble velvet\n- thistle violin\n"
    "  - glacier violin marble violin\n  - marble falcon violin\n\n### Costs\n\nthistle bridge lantern lantern "
    "beacon bridge thistle glacier meadow harvest thistle beacon.\n\n### Weather\n\nmarble.\n\nglacier lantern "
    "violin.\n\n- lantern meadow marble\n  - glacier beacon meadow violin\n- lantern compass harvest saddle\n"
    "  - lantern orchard harbor quarry\n\n",
    "## Results\n\noyster walnut oyster glacier compass pepper glacier compass compass ember violin timber.\n\n",
]

#: Found by the wider search (each: the blocks; every order is checked).
FOUND = {
    # Same (empty) bodies, told apart only by a child.
    "empty-namesakes-one-with-a-child": ["## Copper\n\n### Copper\n\n", "## Copper\n\n", "## Copper\n\n"],
    # Same own body, different subsections.
    "same-body-different-children": [
        "## Copper\n\n",
        "## Origins\n\nriver compass.\n\n- lantern\n- beacon harbor\n  - river violin\n  - lantern timber ember harbor\n\n"
        "### Origins\n\n- harbor violin pepper\n- ember oyster\n\n### Origins\n\nriver compass.\n\n- quarry walnut falcon\n\n",
        "## Origins\n\nriver compass.\n\n### Origins\n\n- harbor violin pepper\n- ember oyster\n\n",
    ],
    # A heading of bullets only, and a namesake whose prose is word for word a subsection of the first.
    "outline-heading-and-prose-namesake": [
        "## Copper\n\n- oyster marble\n  - compass\n- ember violin\n\n### Copper\n\nharbor compass canyon marble.\n\n",
        "## Copper\n\nharbor compass canyon marble.\n\n- walnut velvet ember thistle\n- harvest oyster saddle\n"
        "  - timber\n\n### Copper\n\npepper bridge glacier.\n\n### Origins\n\nbeacon meadow thistle.\n\n",
        "## Notes\n\norchard timber harbor falcon.\n\n",
    ],
    # The same words in both subtrees, in different places: only their shapes differ.
    "same-words-different-shape": [
        "## Copper\n\n- glacier river glacier velvet\n- thistle meadow harbor quarry\n\n### Copper\n\n### Notes\n\n"
        "- beacon pepper pepper\n- velvet glacier\n\n",
        "## Origins\n\nbridge marble glacier.\n\n",
        "## Copper\n\n- glacier river glacier velvet\n- thistle meadow harbor quarry\n\n### Copper\n\n"
        "- glacier river glacier velvet\n- thistle meadow harbor quarry\n\n### Notes\n\n- beacon pepper pepper\n"
        "- velvet glacier\n\n",
    ],
    # Namesake subtrees that differ in one word deep down, where a bullet keeps its sub-points.
    "one-word-deep-down": [
        "## Notes\n\n- lantern bridge\n- glacier saddle\n\n### Copper\n\n",
        "## Origins\n\nbeacon canyon.\n\n- lantern bridge\n\n### Copper\n\nbeacon canyon.\n\n"
        "- pepper harbor saddle falcon\n  - pepper\n\n",
        "## Origins\n\nbeacon canyon.\n\n- lantern bridge\n\n### Copper\n\nbeacon canyon.\n\n"
        "- pepper harbor saddle harbor\n  - pepper\n\n",
    ],
    # Sibling bullets ``river`` whose sub-points differ only in how often a word repeats.
    "bullets-differing-in-repeats": [
        "## Copper\n\nthistle velvet canyon.\n\n### Origins\n\norchard lantern.\n\n- river\n  - river\n  - river\n"
        "- river\n  - river\n- ember\n  - ember\n\n",
        "## Copper\n\nthistle velvet violin.\n\n### Origins\n\norchard lantern.\n\n- river\n  - river\n  - river\n"
        "- river\n  - river\n- ember\n  - ember\n\n",
        "## Origins\n\n### Origins\n\norchard lantern.\n\n- river\n  - river\n  - river\n- river\n  - river\n\n",
    ],
    # A bullet ``copper`` and a subsection ``### Copper`` under the same parent, both with no body.
    "bullet-and-heading-namesakes": [
        "## Origins\n\nember orchard thistle.\n\n",
        "## Copper\n\n- lantern ember\n  - meadow violin\n- copper\n\n### Copper\n\n### Origins\n\n- ember violin\n\n",
        "## Copper\n\n- thistle beacon\n  - ember harbor\n\n### Copper\n\npepper pepper.\n\n",
    ],
}


def _identity(blocks: list[str], section: Section) -> tuple[int, int]:
    """(block, offset in block) of a section of ``"".join(blocks)``."""
    offset = 0
    for k, block in enumerate(blocks):
        if offset <= section.start < offset + len(block):
            return k, section.start - offset
        offset += len(block)
    raise AssertionError(section.key)


def _subtree(doc: Document, section: Section | None) -> str | None:
    return None if section is None else " ".join(doc.full_text(section).split())


def check_reordering(blocks: list[str], order: tuple[int, ...]) -> None:
    """Reorder the top-level *blocks*: every section pairs with itself, 1:1, only moved."""
    shuffled = [blocks[k] for k in order]
    old, new = parse("".join(blocks)), parse("".join(shuffled))
    al = align(old, new)
    assert sorted(s.key for p in al.pairs for s in p.old) == sorted(s.key for s in old.sections)
    assert sorted(s.key for p in al.pairs for s in p.new) == sorted(s.key for s in new.sections)
    for pair in al.pairs:
        assert len(pair.old) == 1 and len(pair.new) == 1, pair.to_dict()
        assert set(pair.status) <= {"moved", "unchanged"}, (order, pair.to_dict())
        a, b = pair.old[0], pair.new[0]
        block, offset = _identity(shuffled, b)
        if _identity(blocks, a) == (order[block], offset):
            continue
        # Two copies that are the same in every respect may pair either way.
        same = _subtree(old, a) == _subtree(new, b) and a.title == b.title and \
            _subtree(old, old.get(a.parent or "")) == _subtree(new, new.get(b.parent or ""))
        assert same, (order, pair.to_dict())


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))), ids=str)
def test_copper_counterexample_in_every_order(order):
    check_reordering(COPPER_SHRUNK, order)


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))), ids=str)
def test_copper_as_first_drawn_in_every_order(order):
    check_reordering(COPPER_DRAWN, order)


@pytest.mark.parametrize("name", sorted(FOUND))
def test_found_cases_in_every_order(name):
    blocks = FOUND[name]
    for order in itertools.permutations(range(len(blocks))):
        check_reordering(blocks, order)


def test_namesakes_swapped_report_the_move_of_the_right_one():
    """Two ``## Notes`` with different subsections trade places: the one that moved is
    reported, with its subsection following it, not the subsections as moved between parents."""
    first = "## Notes\n\n### Costs\n\nFuel and parking every month, and the insurance renewal.\n\n"
    second = "## Notes\n\n### Health\n\nResting heart rate down by nine beats within two months.\n\n"
    intro = "## Intro\n\nWhy I went from driving to cycling, told in three parts.\n\n"
    old, new = parse(intro + first + second), parse(intro + second + first)
    al = align(old, new)
    assert al.for_old("notes").new_keys == ["notes-1"]
    assert al.for_old("notes-1").new_keys == ["notes"]
    assert al.for_old("notes/costs").new_keys == ["notes-1/costs"]
    assert al.for_old("notes/costs").status == ["unchanged"]
    assert al.for_old("notes-1/health").status == ["unchanged"]
    moved = [p.old_keys for p in al.pairs if "moved" in p.status]
    assert len(moved) == 1 and moved[0][0] in ("notes", "notes-1")


def test_unchanged_in_place_does_not_vouch_for_namesakes():
    """The section-history shortcut must not call a namesake unchanged when namesakes traded places."""
    body = "Same words in both.\n\n"
    old = parse("## Copper\n\n" + body + "### A\n\nalpha.\n\n## Copper\n\n" + body + "### B\n\nbeta.\n\n")
    new = parse("## Copper\n\n" + body + "### B\n\nbeta.\n\n## Copper\n\n" + body + "### A\n\nalpha.\n\n")
    assert not unchanged_in_place(old, new, "copper")
    al = align(old, new)
    assert al.for_old("copper").new_keys == ["copper-1"]
    assert al.for_old("copper/a").new_keys == ["copper-1/a"]
