"""The subtree classes the scored stage keeps its subtree agreements by, and the descendants' words.

:meth:`DocumentFacts._desc_class` keys a section's descendants by the multiset of their
(normalised title, fingerprint hash, words), read once each (was: the union of their words
and the multiset of their titles and fingerprints, both built level by level), and
:meth:`DocumentFacts.tok_desc` is one union of the descendants' words (was: each child's words
and its own descendants', recursively). Compared with the code they replaced (kept here): two
sections of one class have the same words and shape below them (all that the context of a pair
reads of its subtrees), the words are the same set, and the alignments are checked against the
stage that computes every context afresh in tests/test_fast_paths.py and
tests/test_fast_paths_align_reads.py. On generated books that repeat whole volumes, hypothesis's
mixes of twin sections at several levels, and the RFC corpus (its book and consecutive versions).
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtool.diff import align as align_module
from reviewtool.diff.section_facts import DocumentFacts
from reviewtool.draft.document import parse
from tests.gitutil import clone_corpus, git
from tests.test_fast_paths import WORDS, _corpus_book, _volumes


def _reference_tok_desc(facts: DocumentFacts, i: int) -> frozenset[str]:
    return frozenset().union(*(facts.tok[k] | _reference_tok_desc(facts, k) for k in facts.kids[i]))


def _reference_shape_desc(facts: DocumentFacts, i: int) -> Counter[tuple[str, str]]:
    got: Counter[tuple[str, str]] = Counter()
    for k in facts.kids[i]:
        got[(facts.ntitle[k], facts.fph[k])] += 1
        got.update(_reference_shape_desc(facts, k))
    return got


def _reference_key(facts: DocumentFacts, i: int) -> tuple[frozenset[str], frozenset[tuple[tuple[str, str], int]]]:
    """The class key as it was: (the descendants' words, their shape)."""
    return _reference_tok_desc(facts, i), frozenset(_reference_shape_desc(facts, i).items())


def _check(text: str) -> int:
    """Every pair of sections of one class has one reference key, and the words and shapes are
    the reference's; returns how many sections share their class with another."""
    align_module.clear_cache()
    facts = DocumentFacts(parse(text))
    n = len(facts.secs)
    by_class: dict[int, list[int]] = {}
    for i in range(n):
        assert facts.tok_desc(i) == _reference_tok_desc(facts, i)
        assert facts.shape_desc(i) == _reference_shape_desc(facts, i)
        by_class.setdefault(facts.desc_class[i], []).append(i)
    for cls, members in by_class.items():
        keys = {_reference_key(facts, i) for i in members}
        assert len(keys) == 1, (cls, members)
        if cls == 0:
            assert all(not facts.kids[i] for i in members)
    return sum(len(m) for c, m in by_class.items() if c and len(m) > 1)


@pytest.mark.parametrize("seed", range(4))
def test_classes_of_books_that_repeat_their_volumes(seed: int):
    rng = random.Random(seed)
    _check(_volumes(rng, 4, 20))  # volumes of twin sections, a fifth of them edited in each

    def chapter() -> str:
        return "".join(f"### {rng.choice(WORDS).title()}\n\n{' '.join(rng.sample(WORDS, 4))}\n\n"
                       f"#### {rng.choice(WORDS).title()}\n\n{' '.join(rng.sample(WORDS, 3))}\n\n" for _ in range(3))

    chapters = [chapter() for _ in range(3)]
    text = "# Book\n\n" + "".join(f"## Volume {v}\n\n{rng.choice(chapters)}" for v in range(8))
    assert _check(text) > 0  # whole volumes repeat: their classes are shared


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 4), st.integers(0, 3)), min_size=1, max_size=40))
def test_classes_of_any_mix_of_twins(picks):
    """Headings at three levels, outlines and prose drawn from a small pool: twins with the
    same words in other shapes, the same shapes with other words, empty bodies."""
    bodies = ["", "the of a", *(" ".join(WORDS[(k * 5 + m) % len(WORDS)] for m in range(k + 1)) for k in range(3))]
    shapes = ["## {t}\n\n{b}\n\n", "### {t}\n\n{b}\n\n", "#### {t}\n\n{b}\n\n", "- {t}\n  - {b}\n\n"]
    _check("# Book\n\n" + "".join(shapes[k].format(t=f"{WORDS[t].title()}", b=bodies[b]) for t, b, k in picks))


def test_words_in_other_places_make_other_classes():
    """The same descendants' words in another shape (a body moved to another title): the
    reference keys differ, so do the classes."""
    text = ("# A\n\n## X\n\ncargo crate\n\n## Y\n\nrust\n\n"
            "# B\n\n## X\n\nrust\n\n## Y\n\ncargo crate\n\n"
            "# C\n\n## X\n\ncargo crate\n\n## Y\n\nrust\n")
    facts = DocumentFacts(parse(text))
    a, b, c = (facts.index[s.key] for s in facts.secs if s.level == 1)
    assert facts.desc_class[a] == facts.desc_class[c] != facts.desc_class[b]
    assert facts.tok_desc(a) == facts.tok_desc(b)
    _check(text)


@pytest.mark.slow
def test_classes_of_the_rfc_corpus(tmp_path: Path):
    old_text, new_text = _corpus_book(tmp_path / "book")
    assert _check(old_text) > 0 and _check(new_text) > 0
    repo = clone_corpus(tmp_path / "rfcs")
    for path in ("text/3537-msrv-resolver.md", "README.md"):
        commits = git(repo, "log", "--format=%H", "--", path).split()[:12]
        for c in commits:
            _check(git(repo, "show", f"{c}:{path}"))
