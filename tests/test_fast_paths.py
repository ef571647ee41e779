"""The faster paths of issue 13 give exactly what the plain ones gave.

Each test runs a path made faster for speed beside the plain code it replaced (kept here
as the reference) on inputs large enough to take it, and compares the results: the
aligner's blocking (the best candidates without sorting them all), and the search for
the pair holding the section above a removed or added heading (a map instead of a scan),
and the word clean-up's sentence-break checks (a yes/no test, a walk by runs).
"""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import align as align_module
from reviewtool.diff import heading_moves, word_cleanup
from reviewtool.diff.align import CANDIDATES, DENSE_PAIRS, PROBE_WORDS, _Aligner
from reviewtool.diff.section_diff import diff_documents
from reviewtool.diff.word_ops import WordOp
from reviewtool.draft.document import parse

WORDS = ["crate", "resolver", "version", "rust", "cargo", "toolchain", "policy", "minimum", "supported", "edition", "feature", "lint", "workspace", "package", "registry", "index", "lockfile", "dependency", "upgrade", "fallback", "config", "manifest"]


def _essay(rng: random.Random, sections: int) -> str:
    parts = ["# Book\n"]
    for i in range(sections):
        title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i % 37}"
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 40)))
        parts.append(f"## {title}\n\n{body}.\n")
    return "\n".join(parts)


def _reference_candidates(self: _Aligner, olds: list[int], news: list[int]) -> dict[int, list[int]]:
    """The candidates as computed before issue 13 (full sorts)."""
    if len(olds) * len(news) <= DENSE_PAIRS:
        return {i: list(news) for i in olds}
    o, n = self.o, self.n
    total = len(olds) + len(news)
    df: dict[str, int] = {}
    for toks in [o.tok[i] for i in olds] + [n.tok[j] for j in news]:
        for t in toks:
            df[t] = df.get(t, 0) + 1
    idf = {t: math.log(total / c) for t, c in df.items() if c <= total / 2}
    postings: dict[str, list[int]] = {}
    title_postings: dict[str, list[int]] = {}
    for j in news:
        for t in n.tok[j]:
            if t in idf:
                postings.setdefault(t, []).append(j)
        for t in n.title_words[j]:
            title_postings.setdefault(t, []).append(j)
    result: dict[int, list[int]] = {}
    for i in olds:
        shared: dict[int, float] = {}
        probe = sorted((t for t in o.tok[i] if t in idf), key=lambda t: (-idf[t], t))[:PROBE_WORDS]
        for t in probe:
            for j in postings.get(t, ()):
                shared[j] = shared.get(j, 0.0) + idf[t]
        for t in o.title_words[i]:
            weight = 2 * idf.get(t, 0.1)
            for j in title_postings.get(t, ()):
                shared[j] = shared.get(j, 0.0) + weight
        best = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:CANDIDATES]
        result[i] = sorted(j for j, _ in best)
    return result


@pytest.mark.parametrize("seed", range(3))
def test_blocking_picks_the_candidates_a_full_sort_picks(seed: int):
    rng = random.Random(seed)
    old, new = parse(_essay(rng, 160)), parse(_essay(rng, 170))
    aligner = _Aligner(old, new)
    olds, news = list(range(len(old.sections))), list(range(len(new.sections)))
    assert len(olds) * len(news) > DENSE_PAIRS  # the blocking path, not the dense one
    assert aligner.candidates(olds, news) == _reference_candidates(aligner, olds, news)


def _scan(self: heading_moves._Owners, section, old_side: bool):  # type: ignore[no-untyped-def]
    """The pair holding *section*, found as before issue 13: a scan of every pair."""
    return next((i for i, p in enumerate(self.pairs) if any(s is section for s in (p.old if old_side else p.new))),
                None)


@pytest.mark.parametrize("seed", range(3))
def test_headings_removed_and_added_are_joined_as_a_scan_joins_them(seed: int, monkeypatch):
    rng = random.Random(seed)
    text = _essay(rng, 120)
    lines = text.split("\n")
    # Remove some headings (their bodies join the section above) and add some mid-body.
    edited = [line for line in lines if not (line.startswith("## ") and rng.random() < 0.2)]
    edited = [f"## Added {k}\n\n{line}" if line and not line.startswith("#") and rng.random() < 0.1 else line
              for k, line in enumerate(edited)]
    old, new = parse(text), parse("\n".join(edited))
    fast = diff_documents(old, new).to_dict()
    align_module.clear_cache()
    monkeypatch.setattr(heading_moves._Owners, "find", _scan)
    plain = diff_documents(parse(text), parse("\n".join(edited))).to_dict()
    assert fast == plain
    by_status = fast["summary"]["by_status"]
    assert by_status.get("merged", 0) + by_status.get("split", 0) > 0  # headings were joined


# ------------------------------------------------ word clean-up: sentence breaks

_CLEANUP_TEXT = st.text(alphabet=st.sampled_from([*"ab .!?\n\t\"')", "é", "\u00a0", "\u2003"]), max_size=60)


def _visible_walk(text: str, count: int) -> int:
    """The char-by-char walk :func:`offset_after_visible` replaced (the oracle)."""
    i = n = 0
    while i < len(text) and n < count:
        if not text[i].isspace():
            n += 1
        i += 1
    return i


@given(_CLEANUP_TEXT, st.integers(min_value=-2, max_value=70))
def test_offset_after_visible_is_the_char_walk(text: str, count: int):
    assert word_cleanup.offset_after_visible(text, count) == _visible_walk(text, count)


@given(_CLEANUP_TEXT, _CLEANUP_TEXT, st.booleans(), _CLEANUP_TEXT, _CLEANUP_TEXT)
def test_has_break_is_shared_break_found(old: str, new: str, after_change: bool, prev_old: str, prev_new: str):
    op = WordOp("equal", old, new)
    prev = WordOp("replace", prev_old, prev_new) if after_change else None
    assert word_cleanup._has_break(op, prev) == (word_cleanup._shared_break(op, prev, last=False) >= 0)
