"""Properties of :func:`reviewtool.diff.align.align` on generated documents (hypothesis)."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtool.diff.align import align, unchanged_in_place
from reviewtool.draft.document import parse
from tests.test_align_namesakes import check_reordering

WORDS = ["river", "bridge", "lantern", "harvest", "copper", "meadow", "violin", "glacier", "orchard", "compass", "falcon", "ember", "quarry", "thistle", "harbor", "saddle", "pepper", "marble", "canyon", "walnut", "beacon", "timber", "velvet", "oyster"]
TITLES = ["Origins", "Methods", "Results", "Harvest", "Bridges", "Lanterns", "Notes", "Summary", "Tools", "Weather", "Costs", "Travel", "Copper", "Meadows"]

paragraph = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(lambda ws: " ".join(ws) + ".")
bullet = st.tuples(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
                   st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4), max_size=2))


@st.composite
def section_block(draw, level: int) -> str:
    title = draw(st.sampled_from(TITLES))
    paras = draw(st.lists(paragraph, max_size=2))
    text = "#" * level + " " + title + "\n\n" + "".join(p + "\n\n" for p in paras)
    bullets = draw(st.lists(bullet, max_size=3))
    if bullets:
        for head, subs in bullets:
            text += "- " + " ".join(head) + "\n" + "".join("  - " + " ".join(s) + "\n" for s in subs)
        text += "\n"
    return text


@st.composite
def subtree(draw) -> str:
    """A level-2 section with up to two level-3 children."""
    return draw(section_block(2)) + "".join(draw(st.lists(section_block(3), max_size=2)))


trees = st.lists(subtree(), min_size=1, max_size=6)


def document(blocks: list[str]):
    return parse("".join(blocks))


def sides(alignment):
    old = Counter(s.key for p in alignment.pairs for s in p.old)
    new = Counter(s.key for p in alignment.pairs for s in p.new)
    return old, new


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(trees)
def test_self_alignment_is_all_unchanged(blocks):
    d = document(blocks)
    al = align(d, d)
    assert all(p.status == ["unchanged"] for p in al.pairs)
    assert [(p.old_keys, p.new_keys) for p in al.pairs] == [([s.key], [s.key]) for s in d.sections]


@SETTINGS
@given(trees, trees)
def test_every_section_is_in_exactly_one_pair(a, b):
    old, new = document(a), document(b)
    al = align(old, new)
    old_seen, new_seen = sides(al)
    assert old_seen == Counter(s.key for s in old.sections)
    assert new_seen == Counter(s.key for s in new.sections)
    for pair in al.pairs:
        assert pair.old or pair.new
        for key in pair.old_keys:
            assert al.for_old(key) is pair
        for key in pair.new_keys:
            assert al.for_new(key) is pair


@SETTINGS
@given(trees, st.randoms(use_true_random=False))
def test_shuffled_siblings_are_only_moved(blocks, rnd):
    """Reordered top-level sections are moved or unchanged, and each pairs with itself
    (a namesake with its own counterpart, not the one that took its key)."""
    order = list(range(len(blocks)))
    rnd.shuffle(order)
    check_reordering(blocks, tuple(order))


@st.composite
def namesake_subtree(draw) -> str:
    """A level-2 section titled from only three names, with up to two children: namesakes everywhere."""
    def block(level: int) -> str:
        text = draw(section_block(level))
        return "#" * level + " " + draw(st.sampled_from(["Copper", "Origins", "Notes"])) + text[text.index("\n"):]
    return block(2) + "".join(block(3) for _ in range(draw(st.integers(0, 2))))


@SETTINGS
@given(st.lists(namesake_subtree(), min_size=2, max_size=4), st.randoms(use_true_random=False))
def test_shuffled_namesakes_pair_with_themselves(blocks, rnd):
    order = list(range(len(blocks)))
    rnd.shuffle(order)
    check_reordering(blocks, tuple(order))


@SETTINGS
@given(trees, trees)
def test_alignment_is_deterministic(a, b):
    old, new = document(a), document(b)
    first = [p.to_dict() for p in align(old, new).pairs]
    again = [p.to_dict() for p in align(document(a), document(b)).pairs]
    assert first == again


@SETTINGS
@given(trees, st.integers(min_value=0, max_value=5), subtree())
def test_unchanged_in_place_agrees_with_align(blocks, index, replacement):
    changed = list(blocks)
    changed[index % len(changed)] = replacement
    old, new = document(blocks), document(changed)
    al = align(old, new)
    for section in new.sections:
        if unchanged_in_place(old, new, section.key):
            pair = al.for_new(section.key)
            assert pair.status == ["unchanged"] and pair.old_keys == [section.key], pair.to_dict()
