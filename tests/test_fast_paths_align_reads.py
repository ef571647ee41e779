"""The aligner reads no words it does not need, and finds what it found reading them.

Each shortcut runs beside the code it replaced (kept here as the reference): the hash stage
reads the words of only the sections whose content is left over on both sides (was: of
every leftover section, to drop those without words before looking for the other side),
and a group grows into a split or merge only after a neighbour not taken is found (was: the
words of the group and its partner read first); the blocking's document frequencies count
each distinct set of words once, weighed by its copies (was: every section's words); the
scored stage's second solution computes again only the edges whose parents the first one
paired (was: every edge); a pair of sections with the same title is 1.0 as titles (was: their
titles normalised and compared). Compared group by group (the stages' order
included) and as diff JSON, on generated books that repeat themselves, hypothesis's mixes of
twins, edited essays where every section is paired by key, and the RFC corpus.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtool.diff import align as align_module
from reviewtool.diff.align import (
    MATCH_THRESHOLD,
    MAX_PARTS,
    MIN_GAIN,
    MIN_TOKENS,
    PART_THRESHOLD,
    W_CONTEXT,
    _Aligner,
    _document_frequencies,
    _Group,
)
from reviewtool.diff.assignment import max_weight_matching
from reviewtool.diff.diff_json import diff_json
from reviewtool.diff.lexicon import containment
from reviewtool.diff.section_diff import diff_documents
from reviewtool.draft.document import EMPTY_FINGERPRINT, parse
from tests.gitutil import clone_corpus, git
from tests.test_fast_paths import WORDS, _corpus_book, _volumes


def _reference_stage_hash(self: _Aligner) -> None:
    o, n = self.o, self.n
    by_fp_old: dict[str, list[int]] = {}
    by_fp_new: dict[str, list[int]] = {}
    for i in self._left_old():
        if o.fph[i] != EMPTY_FINGERPRINT and o.tok[i]:
            by_fp_old.setdefault(o.fph[i], []).append(i)
    for j in self._left_new():
        if n.fph[j] != EMPTY_FINGERPRINT and n.tok[j]:
            by_fp_new.setdefault(n.fph[j], []).append(j)
    for fp, olds in by_fp_old.items():
        news = by_fp_new.get(fp)
        if not news:
            continue
        if len(olds) == 1 and len(news) == 1:
            self._add(_Group(olds, news, "hash"))
            continue
        by_title_old: dict[str, list[int]] = {}
        by_title_new: dict[str, list[int]] = {}
        for i in olds:
            by_title_old.setdefault(o.ntitle[i], []).append(i)
        for j in news:
            by_title_new.setdefault(n.ntitle[j], []).append(j)
        for title, same_old in by_title_old.items():
            same_new = by_title_new.get(title, [])
            if len(same_old) == 1 and len(same_new) == 1:
                self._add(_Group(same_old, same_new, "hash"))


def _reference_grow(self: _Aligner, group: _Group, side: str) -> bool:
    this, other = (self.n, self.o) if side == "new" else (self.o, self.n)
    window = group.new if side == "new" else group.old
    anchor = (group.old if side == "new" else group.new)[0]
    taken = self.g_new if side == "new" else self.g_old
    target_outline = other.outlineish[anchor]
    target = other.tok_eff(anchor) if target_outline else other.tok[anchor]
    if not target:
        return False
    covered = frozenset().union(*(this.tok[k] for k in window)) & target
    grew = False
    while len(window) < MAX_PARTS:
        best: tuple[float, int] | None = None
        for direction in (1, -1):
            k = (max(window) if direction == 1 else min(window)) + direction
            while 0 <= k < len(this.secs):
                if k in taken and any(this.is_descendant(k, w) for w in window):
                    k += direction
                    continue
                break
            if not 0 <= k < len(this.secs) or k in taken:
                continue
            part = this.tok[k]
            if len(part) < MIN_TOKENS or containment(part, target) < PART_THRESHOLD:
                continue
            if target_outline and this.proseish[k]:
                continue
            gain = len((covered | part) & target) / len(target) - len(covered) / len(target)
            if gain >= MIN_GAIN and (best is None or gain > best[0]):
                best = (gain, k)
        if best is None:
            break
        k = best[1]
        window.append(k)
        window.sort()
        taken[k] = group
        covered = (covered | this.tok[k]) & target
        grew = True
    return grew


def _reference_stage_score(self: _Aligner) -> None:
    olds, news = self._left_old(), self._left_new()
    if not olds or not news:
        return
    n_old, n_new = len(self.o.secs), len(self.n.secs)
    row = {i: a for a, i in enumerate(olds)}
    col = {j: b for b, j in enumerate(news)}
    similar: dict[tuple[int, int], float] = {}
    for i, js in self.candidates(olds, news).items():
        if self.o.secs[i].kind == "frontmatter":
            continue
        for j in js:
            if self.n.secs[j].kind == "frontmatter":
                continue
            combined = self.score(i, j, MATCH_THRESHOLD)[0]
            if combined >= MATCH_THRESHOLD:
                drift = abs(i / max(1, n_old) - j / max(1, n_new))
                similar[(i, j)] = combined + 1e-6 * (1.0 - drift)
    if not similar:
        return
    self._anchor_descendants()

    def solve() -> list[_Group]:
        edges = {(row[i], col[j]): w + W_CONTEXT * self.context(i, j) for (i, j), w in similar.items()}
        return [_Group([olds[a]], [news[b]], "score", edges[(a, b)])
                for a, b in max_weight_matching(len(olds), len(news), edges)]

    first = solve()
    for g in first:
        self._add(g)
    second = solve()
    for g in first:
        self._remove(g)
    for g in second:
        self._add(g)


def _reference_title_similarity(self: _Aligner, i: int, j: int) -> float:
    key = (self.o.secs[i].title, self.n.secs[j].title)
    got = self._titles.get(key)
    if got is None:
        got = self._titles[key] = self._title_similarity(i, j)
    return got


def _groups(old_text: str, new_text: str) -> list[tuple[tuple[int, ...], tuple[int, ...], str, float]]:
    """The aligner's groups after its stages, in the order they were found."""
    align_module.clear_cache()
    aligner = _Aligner(parse(old_text), parse(new_text))
    aligner.run()
    return [(tuple(g.old), tuple(g.new), g.via, g.score) for g in aligner.groups]


def _fast_and_plain(old_text: str, new_text: str) -> tuple[tuple[object, dict], tuple[object, dict]]:  # type: ignore[type-arg]
    align_module.clear_cache()
    fast = (_groups(old_text, new_text), diff_json(diff_documents(parse(old_text), parse(new_text))))
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_Aligner, "stage_hash", _reference_stage_hash)
        m.setattr(_Aligner, "_grow", _reference_grow)
        m.setattr(_Aligner, "stage_score", _reference_stage_score)
        m.setattr(_Aligner, "title_similarity", _reference_title_similarity)
        align_module.clear_cache()
        plain = (_groups(old_text, new_text), diff_json(diff_documents(parse(old_text), parse(new_text))))
    return fast, plain


def _edited(rng: random.Random, text: str) -> str:
    """*text* with some sections' words changed, one moved, one split and one pair merged."""
    blocks = text.split("\n\n")
    for k in range(len(blocks)):
        if not blocks[k].startswith("#") and rng.random() < 0.5:
            words = blocks[k].split()
            words[rng.randrange(len(words))] = rng.choice(WORDS) if words else ""
            blocks[k] = " ".join(words)
    if len(blocks) > 6:
        blocks.insert(2, blocks.pop(len(blocks) - 2))
        blocks.insert(4, "## Split off\n\n" + " ".join(rng.choice(WORDS) for _ in range(12)))
        del blocks[5]  # a heading (or body) gone: its neighbours merge
    return "\n\n".join(blocks)


@pytest.mark.parametrize("seed", range(4))
def test_books_that_repeat_themselves_align_as_before(seed: int):
    rng = random.Random(seed)
    old_text = _volumes(rng, 3, 30)
    # A volume renamed: its sections' keys change, their content is found by the hash stage.
    new_text = old_text.replace("## Volume 1\n", "## Tome 1\n") + _volumes(rng, 1, 32)
    fast, plain = _fast_and_plain(old_text, new_text)
    assert fast == plain
    assert any(via == "hash" for _, _, via, _ in fast[0])
    assert any(via == "score" for _, _, via, _ in fast[0])
    fast, plain = _fast_and_plain(old_text, _volumes(rng, 4, 32))
    assert fast == plain


@pytest.mark.parametrize("seed", range(6))
def test_edited_essays_align_as_before(seed: int):
    rng = random.Random(seed)
    parts = ["# Essay\n"]
    for i in range(40):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 30)))
        parts.append(f"## {rng.choice(WORDS).title()} {i}\n\n{body}.\n")
    old_text = "\n".join(parts)
    new_text = _edited(rng, old_text)
    fast, plain = _fast_and_plain(old_text, new_text)
    assert fast == plain
    assert any(via == "key" for _, _, via, _ in fast[0])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 7), st.integers(0, 3)), min_size=1, max_size=40),
       st.lists(st.tuples(st.integers(0, 11), st.integers(0, 7), st.integers(0, 3)), min_size=1, max_size=40))
def test_any_mix_of_twins_aligns_as_before(old_picks, new_picks):
    """Headings, outlines and prose drawn from a small pool: twins, empty bodies, splits, merges."""
    bodies = ["", ". ,", "the of a"] + [" ".join(WORDS[(k * 7 + m) % len(WORDS)] for m in range(k * 2))
                                        for k in range(1, 6)]
    shapes = ["## {t}\n\n{b}\n\n", "### {t}\n\n{b}\n\n", "- {t}\n  - {b}\n\n", "## {t}\n\n- {b}\n\n"]

    def book(picks: list[tuple[int, int, int]]) -> str:
        return "# Book\n\n" + "".join(shapes[k].format(t=f"{WORDS[t].title()} {t % 5}", b=bodies[b])
                                        for t, b, k in picks)

    fast, plain = _fast_and_plain(book(old_picks), book(new_picks))
    assert fast == plain


_TITLE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=24)


@settings(max_examples=60, deadline=None)
@given(st.lists(_TITLE, min_size=1, max_size=6), st.lists(_TITLE, max_size=3), st.randoms(use_true_random=False))
def test_sections_under_one_title_are_as_similar_as_their_titles_compared(titles, others, rng):
    """Any title (non-ASCII, punctuation, markup, whitespace): a pair whose titles are equal
    gets from the shortcut what the titles normalised and compared give (1.0)."""
    old_text = "# Essay\n\n" + "".join(f"## {t}\n\nbody {k}\n\n" for k, t in enumerate(titles))
    new_titles = titles + others
    rng.shuffle(new_titles)
    new_text = "# Essay\n\n" + "".join(f"## {t}\n\nother {k}\n\n" for k, t in enumerate(new_titles))
    align_module.clear_cache()
    aligner = _Aligner(parse(old_text), parse(new_text))
    same = [(i, j) for i, a in enumerate(aligner.o.secs) for j, b in enumerate(aligner.n.secs) if a.title == b.title]
    assert same
    for i, j in same:
        assert aligner.title_similarity(i, j) == aligner._title_similarity(i, j) == 1.0
    fast, plain = _fast_and_plain(old_text, new_text)
    assert fast == plain


@given(st.lists(st.frozensets(st.sampled_from(WORDS), max_size=8), max_size=6), st.lists(st.integers(0, 5), max_size=40))
def test_document_frequencies_of_twin_sets_are_counted_as_of_every_set(pool, picks):
    """Twins are the very same set (as section_facts hands them out), distinct sets may be equal."""
    sets = [pool[k % len(pool)] for k in picks] if pool else []
    sets += [frozenset(s) for s in sets[:3]]  # equal sets that are other objects
    assert _document_frequencies(sets) == Counter(itertools.chain.from_iterable(sets))


@pytest.mark.slow
def test_the_rfc_corpus_aligns_as_before(tmp_path: Path):
    """Consecutive versions of the corpus's longest histories, and a book of the corpus."""
    repo = clone_corpus(tmp_path / "rfcs")
    for path in ("text/3537-msrv-resolver.md", "README.md"):
        commits = git(repo, "log", "--format=%H", "--", path).split()[:60]
        texts = [git(repo, "show", f"{c}:{path}") for c in reversed(commits)]
        for old_text, new_text in [*itertools.pairwise(texts), (texts[0], texts[-1])]:
            fast, plain = _fast_and_plain(old_text, new_text)
            assert fast == plain
    old_text, new_text = _corpus_book(tmp_path / "book")
    fast, plain = _fast_and_plain(old_text, new_text)
    assert fast == plain
