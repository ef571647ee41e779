"""The diff layer's shortcuts for a version that edited a few sections in place, beside the
code they skip (issue 13: every output byte-identical).

* :meth:`reviewtool.diff.align._Aligner.in_place`: both documents have the same sections by
  key in the same order; the pairs are built directly, without the stages, the moved check
  and the ordering. Compared with the stages (the shortcut turned off) pair by pair.
* :func:`reviewtool.diff.section_diff.same_source`: a pair of one section a side with the very
  same source is unchanged without asking :func:`reviewtool.diff.markup.markup_changes`.
  Compared with markup_changes on every such pair, and the diff JSON with it turned off.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtool.diff import align as align_module
from reviewtool.diff import section_diff
from reviewtool.diff.align import _Aligner, align
from reviewtool.diff.diff_json import diff_json
from reviewtool.diff.markup import markup_changes
from reviewtool.diff.section_diff import diff_documents
from reviewtool.draft.document import parse
from tests.gitutil import clone_corpus, git

WORDS = ["crate", "resolver", "version", "rust", "cargo", "toolchain", "policy", "minimum", "supported",
         "edition", "feature", "lint", "workspace", "package", "registry", "index", "lockfile"]


def _pairs(old_text: str, new_text: str) -> list[tuple[Any, ...]]:
    """Everything of each pair: the very sections (by identity), statuses, both similarities."""
    got = align(parse(old_text), parse(new_text))
    return [(tuple(s.key for s in p.old), tuple(s.key for s in p.new), tuple(p.status), p.similarity,
             p.title_similarity, tuple(s.start for s in p.old), tuple(s.start for s in p.new)) for p in got.pairs]


def _compare(old_text: str, new_text: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    """The alignment and the diff JSON with both shortcuts and without; True when the in-place
    shortcut answered."""
    align_module.clear_cache()
    answered: list[bool] = []
    real = _Aligner.in_place

    def watched(self: _Aligner) -> Any:
        got = real(self)
        answered.append(got is not None)
        return got

    with monkeypatch.context() as m:
        m.setattr(_Aligner, "in_place", watched)
        fast = _pairs(old_text, new_text)
        fast_json = diff_json(diff_documents(parse(old_text), parse(new_text)))
    with monkeypatch.context() as m:
        m.setattr(_Aligner, "in_place", lambda self: None)
        m.setattr(section_diff, "same_source", lambda *args: False)
        align_module.clear_cache()
        plain = _pairs(old_text, new_text)
        plain_json = diff_json(diff_documents(parse(old_text), parse(new_text)))
    assert fast == plain
    assert fast_json == plain_json
    return answered[0]


def _sections(rng: random.Random, count: int) -> list[list[str]]:
    """[level, title, body] of each section; titles unique (their keys are trusted)."""
    out = []
    for i in range(count):
        title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}"
        body = ". ".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))) for _ in range(rng.randint(0, 4)))
        out.append([rng.choice(["##", "##", "###"]) if i else "##", title, body])
    return out


def _text(sections: list[list[str]]) -> str:
    return "# Essay\n\nAn opening line.\n\n" + "".join(f"{lv} {t}\n\n{b}\n\n" if b else f"{lv} {t}\n\n"
                                                       for lv, t, b in sections)


def _edit(rng: random.Random, sections: list[list[str]]) -> list[list[str]]:
    new = [list(s) for s in sections]
    kind = rng.randrange(8)
    k = rng.randrange(len(new))
    other = rng.randrange(len(new))
    if kind <= 2:  # a sentence edited (the generated history's edit), in one or two sections
        for idx in {k, other}:
            new[idx][2] = (new[idx][2] + " " + rng.choice(WORDS)).strip()
    elif kind == 3:  # two bodies traded places (hash stage)
        new[k][2], new[other][2] = new[other][2], new[k][2]
    elif kind == 4:  # emphasis added: same words, other markup
        new[k][2] = f"*{new[k][2]}*" if new[k][2] else "*x*"
    elif kind == 5:  # a title's case changed: the same key
        new[k][1] = new[k][1].upper()
    elif kind == 6:  # a body copied onto another section
        new[k][2] = new[other][2]
    else:  # a section removed (not in place)
        del new[k]
    return new


@pytest.mark.parametrize("seed", range(6))
def test_in_place_pairs_are_the_stages_pairs_on_edited_essays(seed: int, monkeypatch):
    rng = random.Random(seed)
    sections = _sections(rng, 16)
    answered = []
    for _ in range(25):
        new = _edit(rng, sections)
        answered.append(_compare(_text(sections), _text(new), monkeypatch))
        sections = new if len(new) > 4 else _sections(rng, 16)
    assert any(answered)  # the shortcut was exercised, and declined where it must
    assert not all(answered)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 4), st.integers(2, 3)), min_size=1, max_size=12),
       st.lists(st.tuples(st.integers(0, 5), st.integers(0, 4), st.integers(2, 3)), min_size=1, max_size=12))
def test_in_place_pairs_are_the_stages_pairs_on_any_mix(old_picks, new_picks):
    """Titles and bodies from a small pool: namesakes, twins, bodies traded, levels changed."""
    bodies = ["", "crate resolver", "crate resolver.", "*crate* resolver", "lint index lockfile", "rust\n\n\nrust"]

    def doc(picks: list[tuple[int, int, int]]) -> str:
        return "# Book\n\n" + "".join(f"{'#' * lv} {WORDS[t].title()}\n\n{bodies[b]}\n\n" for b, t, lv in picks)

    with pytest.MonkeyPatch.context() as monkeypatch:
        _compare(doc(old_picks), doc(new_picks), monkeypatch)
        # The same headings with the other side's bodies: in place where no title repeats.
        edited = [(b, t, lv) for (_, t, lv), (b, _, _) in zip(old_picks, itertools.cycle(new_picks))]
        _compare(doc(old_picks), doc(edited), monkeypatch)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["crate", "*crate*", "[crate](u)", "`c`", " ", "\n", "\n\n", "- a", "## T"]),
                max_size=8).map("".join),
       st.lists(st.sampled_from(["crate", "*crate*", "[crate](v)", "`c`", " ", "\n", "\n\n", "- a"]),
                max_size=8).map("".join))
def test_a_pair_with_the_same_source_has_no_markup_change(body: str, other: str):
    """same_source is True only where markup_changes says nothing."""
    old_doc = parse(f"# A\n\n{body}\n\n## B\n\n{other}\n")
    new_doc = parse(f"# A\n\n{body}\n\n## B\n\n{body}\n\n## C\n\n{other}\n")
    for a, b in itertools.product(old_doc.sections, new_doc.sections):
        same = section_diff.same_source(old_doc, [a], new_doc, [b])
        assert same == (old_doc.own_text(a) == new_doc.own_text(b))
        if same:
            assert markup_changes(old_doc, [a], new_doc, [b]) == []
    assert not section_diff.same_source(old_doc, old_doc.sections[:2], new_doc, new_doc.sections[:2])


@pytest.mark.slow
def test_in_place_shortcuts_on_the_rfc_corpus(tmp_path: Path, monkeypatch):
    """Consecutive versions of the corpus's longest histories."""
    repo = clone_corpus(tmp_path / "rfcs")
    answered = []
    for path in ("text/3537-msrv-resolver.md", "README.md"):
        commits = git(repo, "log", "--format=%H", "--", path).split()[:50]
        texts = [git(repo, "show", f"{c}:{path}") for c in reversed(commits)]
        for old_text, new_text in itertools.pairwise(texts):
            answered.append(_compare(old_text, new_text, monkeypatch))
    assert any(answered)
