"""The faster paths of issue 13 give exactly what the plain ones gave.

Each test runs a path made faster for speed beside the plain code it replaced (kept here
as the reference) on inputs large enough to take it, and compares the results: the
aligner's blocking (the best candidates without sorting them all), and the search for
the pair holding the section above a removed or added heading (a map instead of a scan),
and the word clean-up's sentence-break checks (a yes/no test, a walk by runs); the
blocking's classes of twin sections (ranked once, on a book that repeats itself, on
hypothesis's mixes of twins and on a book of the RFC corpus), and the scored stage's
context kept between its two solutions; the scores kept by classes of twin sections, the
title similarities kept by the pair of titles, the words kept by a section's text and the
word diffs kept by the pair of texts (each beside the same run with nothing kept, on
generated books, hypothesis's mixes of twins and pairs of the RFC corpus), the paragraph
rows kept by their operations, the seeds of a lone split found once per twin, a pair's
statuses without the rules for groups, siblings in order kept whole without the LIS; the
stored rows' check without slices.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtool.diff import align as align_module
from reviewtool.diff import heading_moves, lexicon, paragraphs, section_facts, weighted_lis, word_cleanup
from reviewtool.diff import word_diff as word_diff_module
from reviewtool.diff.align import CANDIDATES, DENSE_PAIRS, MATCH_THRESHOLD, PROBE_WORDS, _Aligner
from reviewtool.diff.diff_json import diff_json
from reviewtool.diff.section_diff import diff_documents
from reviewtool.diff.section_pairs import Alignment, SectionPair
from reviewtool.diff.word_ops import WordOp
from reviewtool.draft.document import parse
from tests.gitutil import clone_corpus, git

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
    """The pair holding *section*, found as before issue 13: a scan of every pair (the places
    of pairs joined to another are empty)."""
    return next((i for i, p in enumerate(self.pairs)
                 if p is not None and any(s is section for s in (p.old if old_side else p.new))), None)


def _reference_absorb(alignment: Alignment) -> Alignment:
    """:func:`heading_moves.absorb_headings` as before: a join closes the gap its lone pair
    leaves, and the pair holding a section is found by a scan of every pair."""
    pairs: list[SectionPair | None] = list(alignment.pairs)
    changed = False
    k = 0
    while k < len(pairs):
        pair = pairs[k]
        assert pair is not None
        if (len(pair.old) == 1 and not pair.new) or (len(pair.new) == 1 and not pair.old):
            owners = heading_moves._Owners(pairs)
            owners.find = functools.partial(_scan, owners)  # type: ignore[method-assign]
            join = heading_moves._join(alignment.old, alignment.new, pairs, k, owners)
            if join is not None:
                pairs[join[0]] = join[1]
                del pairs[k]
                changed = True
                continue
        k += 1
    return Alignment(alignment.old, alignment.new, [p for p in pairs if p is not None]) if changed else alignment


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
    monkeypatch.setattr(heading_moves, "absorb_headings", _reference_absorb)
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


def _volumes(rng: random.Random, volumes: int, sections: int) -> str:
    """A book that repeats itself: *volumes* copies of one essay, each with a few sections
    edited, so that most sections have twins with the same words and title."""
    base = [(f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i % 29}",
             " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 40)))) for i in range(sections)]
    parts = ["# Book\n"]
    for v in range(volumes):
        parts.append(f"## Volume {v}\n")
        for title, body in base:
            if rng.random() < 0.2:
                body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))
            parts.append(f"### {title}\n\n{body}.\n")
    return "\n".join(parts)


@pytest.mark.parametrize("seed", range(4))
def test_blocking_ranks_twin_sections_as_a_full_sort_ranks_each(seed: int):
    rng = random.Random(seed)
    old, new = parse(_volumes(rng, 5, 40)), parse(_volumes(rng, 6, 45))
    aligner = _Aligner(old, new)
    olds, news = list(range(len(old.sections))), list(range(len(new.sections)))
    assert len(olds) * len(news) > DENSE_PAIRS
    shapes = {(aligner.n.tok[j], aligner.n.title_words[j]) for j in news}
    assert len(shapes) < len(news) * 0.7  # twins: the classes are taken
    assert aligner.candidates(olds, news) == _reference_candidates(aligner, olds, news)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 7)), min_size=101, max_size=160),
       st.lists(st.tuples(st.integers(0, 11), st.integers(0, 7)), min_size=101, max_size=160))
def test_blocking_equals_a_full_sort_on_any_mix_of_twins(old_picks, new_picks):
    """Sections drawn from a small pool of titles and bodies: many twins, many ties."""
    bodies = [" ".join(WORDS[(k * 7 + m) % len(WORDS)] for m in range(k + 3)) for k in range(8)]

    def book(picks: list[tuple[int, int]]) -> str:
        return "# Book\n\n" + "".join(f"## {WORDS[t].title()} {t}\n\n{bodies[b]}\n\n" for t, b in picks)

    old, new = parse(book(old_picks)), parse(book(new_picks))
    aligner = _Aligner(old, new)
    olds, news = list(range(len(old.sections))), list(range(len(new.sections)))
    assert len(olds) * len(news) > DENSE_PAIRS
    assert aligner.candidates(olds, news) == _reference_candidates(aligner, olds, news)


def _corpus_book(tmp_path: Path) -> tuple[str, str]:
    """A book from the RFC corpus as the benchmark builds one (every file at a few dates,
    concatenated), against the same files two years later."""
    repo = clone_corpus(tmp_path / "rfcs")
    tip = "main"

    def snapshot(date: str) -> str:
        commit = git(repo, "rev-list", "-1", "--first-parent", f"--before={date}", tip).strip()
        files = git(repo, "ls-tree", "-r", "--name-only", commit).split()
        return "\n\n".join(git(repo, "show", f"{commit}:{f}").strip("\n") for f in files)

    dates = [(2021, "07"), (2022, "07"), (2023, "01"), (2023, "07")]
    old = "\n\n".join(snapshot(f"{y}-{m}-01") for y, m in dates) + "\n"
    new = "\n\n".join(snapshot(f"{y + 2}-{m}-01") for y, m in dates) + "\n"
    return old, new


@pytest.mark.slow
def test_blocking_on_a_book_of_the_rfc_corpus(tmp_path: Path, monkeypatch):
    old_text, new_text = _corpus_book(tmp_path)
    old, new = parse(old_text), parse(new_text)
    seen: list[tuple[list[int], list[int]]] = []
    real = _Aligner.candidates

    def both(self: _Aligner, olds: list[int], news: list[int]) -> dict[int, list[int]]:
        seen.append((olds, news))
        fast = real(self, olds, news)
        assert fast == _reference_candidates(self, olds, news)
        return fast

    fast = diff_documents(old, new).to_dict()
    align_module.clear_cache()
    monkeypatch.setattr(_Aligner, "candidates", both)
    assert diff_documents(parse(old_text), parse(new_text)).to_dict() == fast
    assert seen and len(seen[0][0]) * len(seen[0][1]) > DENSE_PAIRS  # the blocking path was taken


def _reference_context(self: _Aligner, i: int, j: int) -> float:
    """:meth:`_Aligner.context` as before issue 13: everything computed on each call."""
    import bisect

    from reviewtool.diff.lexicon import plain_similarity

    o, n = self.o, self.n
    op, np = o.parent[i], n.parent[j]
    if op is None and np is None:
        parent = 1.0
    elif op is None or np is None:
        known = self.g_old.get(op) if op is not None else self.g_new.get(np) if np is not None else None
        parent = 0.0 if known is not None else 0.5
    else:
        go, gn = self.g_old.get(op), self.g_new.get(np)
        parent = 0.5 if go is None or gn is None else (1.0 if go is gn else 0.0)
    desc = plain_similarity(o.tok_desc(i), n.tok_desc(j))
    shape_o, shape_n = o.shape_desc(i), n.shape_desc(j)
    sizes = shape_o.total() + shape_n.total()
    shape = 2 * (shape_o & shape_n).total() / sizes if sizes else 1.0
    children = ((1.0 if desc is None else desc) + shape) / 2
    partners = self._anchored_old[i]
    held_new = self._anchored_new[j]
    if partners or held_new:
        end = n.subtree_end[j]
        agree = bisect.bisect_left(partners, end) - bisect.bisect_right(partners, j)
        children = (children + 2 * agree / (len(partners) + held_new)) / 2
    a, b = o.secs[i], n.secs[j]
    kind = (1.0 if a.level == b.level else 0.5) if a.kind == b.kind else 0.0
    return (parent + children + kind) / 3


@pytest.mark.parametrize("seed", range(4))
def test_the_scored_stage_keeps_what_its_second_solution_can_reuse(seed: int, monkeypatch):
    """The context of a pair is computed once for both solutions (its parents' part again), in
    loops that write out score() and context(): the same alignment as the stage asking
    context() (computing all of it each time) and score() pair by pair."""
    from tests.test_fast_paths_align_reads import _reference_stage_score

    rng = random.Random(seed)
    old_text, new_text = _volumes(rng, 3, 30), _volumes(rng, 3, 32)
    align_module.clear_cache()
    aligner = _Aligner(parse(old_text), parse(new_text))
    aligner.run()
    assert any(g.via == "score" for g in aligner.groups)
    fast = diff_documents(parse(old_text), parse(new_text)).to_dict()
    calls = []

    def checked(self: _Aligner, i: int, j: int) -> float:
        calls.append((i, j))
        return _reference_context(self, i, j)

    monkeypatch.setattr(_Aligner, "context", checked)
    monkeypatch.setattr(_Aligner, "stage_score", _reference_stage_score)
    align_module.clear_cache()
    assert diff_documents(parse(old_text), parse(new_text)).to_dict() == fast
    assert calls


# ------------------------------------------------ what is kept by text, by title, by class


def _reference_lone(self: _Aligner, idx: int, side: str) -> None:
    """:meth:`_Aligner._lone` as before: every section scanned for seeds on every call."""
    from reviewtool.diff.align import COVER_THRESHOLD, MIN_TOKENS, PART_THRESHOLD, _Group
    from reviewtool.diff.lexicon import containment

    this, other = (self.n, self.o) if side == "new" else (self.o, self.n)
    taken = self.g_new if side == "new" else self.g_old
    target = other.tok_eff(idx) if other.outlineish[idx] else other.tok[idx]
    if len(target) < MIN_TOKENS:
        return
    seeds = []
    for k in range(len(this.secs)):
        if k in taken or len(this.tok[k]) < MIN_TOKENS or (other.outlineish[idx] and this.proseish[k]):
            continue
        if containment(this.tok[k], target) >= PART_THRESHOLD:
            seeds.append((-len(this.tok[k] & target), k))
    if not seeds:
        return
    seed = min(seeds)[1]
    group = _Group([idx], [seed], "lone-split") if side == "new" else _Group([seed], [idx], "lone-merge")
    taken[seed] = group
    self._grow(group, side)
    window = group.new if side == "new" else group.old
    covered = frozenset().union(*(this.tok[k] for k in window)) & target
    if len(window) >= 2 and len(covered) / len(target) >= COVER_THRESHOLD:
        self._add(group)
    else:
        for k in window:
            del taken[k]


def _keep_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every memo of the diff layer turned off: scores, title similarities, subtree
    agreements and words computed on every call, word diffs computed afresh."""
    monkeypatch.setattr(_Aligner, "score", lambda self, i, j, floor=0.0: self._score(i, j, floor))
    monkeypatch.setattr(_Aligner, "title_similarity", _Aligner._title_similarity)
    monkeypatch.setattr(_Aligner, "context", _reference_context)
    # The stage that asks score() and context() pair by pair (the fast one writes them out).
    from tests.test_fast_paths_align_reads import _reference_stage_score
    monkeypatch.setattr(_Aligner, "stage_score", _reference_stage_score)
    monkeypatch.setattr(_Aligner, "_lone", _reference_lone)
    monkeypatch.setattr(_Aligner, "statuses", _Aligner._group_statuses)
    monkeypatch.setattr(align_module, "weighted_lis", weighted_lis.fenwick_lis)
    unkept = functools.lru_cache(maxsize=0)  # calls the function every time (and can be cleared)
    monkeypatch.setattr(section_facts, "_text_words", unkept(lexicon.content_set))
    monkeypatch.setattr(section_facts, "_section_words",
                        unkept(lambda title, plain: lexicon.content_set(title + "\n" + plain)))
    monkeypatch.setattr(section_facts, "_title_norm", unkept(lexicon.normalise_title))
    monkeypatch.setattr(section_facts, "_title_grams", unkept(lexicon.bigrams))
    monkeypatch.setattr(word_diff_module, "_kept_diff", unkept(word_diff_module.plain_word_diff))
    monkeypatch.setattr(paragraphs, "_kept_rows", unkept(lambda ops, plain: paragraphs.plain_paragraph_rows(ops, plain)))


def _kept_and_fresh(old_text: str, new_text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:  # type: ignore[type-arg]
    """The diff and its view (the JSON of ``reviewtool diff``) with everything kept, twice, and
    with nothing kept."""
    align_module.clear_cache()
    word_diff_module.clear_word_diffs()
    paragraphs.clear_rows()
    kept = diff_json(diff_documents(parse(old_text), parse(new_text)))
    again = diff_json(diff_documents(parse(old_text), parse(new_text)))  # everything kept is hit now
    assert again == kept
    with monkeypatch.context() as m:
        _keep_nothing(m)
        align_module.clear_cache()
        fresh = diff_json(diff_documents(parse(old_text), parse(new_text)))
    return kept, fresh


@pytest.mark.parametrize("seed", range(4))
def test_scores_kept_by_twin_classes_are_the_scores_computed_each_time(seed: int, monkeypatch):
    """The scored stage keeps scores by the pair of twin classes (written out in
    ``_Aligner._similar``): every pair it weighs has the score computed afresh for it."""
    rng = random.Random(seed)
    old_text, new_text = _volumes(rng, 4, 30), _volumes(rng, 5, 33)
    asked: list[tuple[int, int]] = []
    real = _Aligner._similar

    def checked(self: _Aligner, olds: list[int], news: list[int]) -> dict[tuple[int, int], float]:
        similar = real(self, olds, news)
        fresh: dict[tuple[int, int], float] = {}
        for i, js in self.candidates(olds, news).items():
            for j in js:
                if self.o.secs[i].kind == "frontmatter" or self.n.secs[j].kind == "frontmatter":
                    continue
                titles = {}
                self._titles, saved = titles, self._titles  # the title similarity afresh too
                value = self._score(i, j, MATCH_THRESHOLD)
                self._titles = saved
                if not (self.o.outlineish[i] or self.n.outlineish[j]):
                    asked.append((self.o.score_class[i], self.n.score_class[j]))
                    assert self._scores[(*asked[-1], MATCH_THRESHOLD)] == value
                if value[0] >= MATCH_THRESHOLD:
                    drift = abs(i / max(1, len(self.o.secs)) - j / max(1, len(self.n.secs)))
                    fresh[(i, j)] = value[0] + 1e-6 * (1.0 - drift)
        assert similar == fresh
        return similar

    with monkeypatch.context() as m:
        m.setattr(_Aligner, "_similar", checked)
        align_module.clear_cache()
        diff_documents(parse(old_text), parse(new_text))
    assert len(set(asked)) < len(asked) * 0.8  # twins: most scores were kept
    kept, fresh = _kept_and_fresh(old_text, new_text, monkeypatch)
    assert kept == fresh


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 7), st.integers(0, 3)), min_size=1, max_size=40),
       st.lists(st.tuples(st.integers(0, 11), st.integers(0, 7), st.integers(0, 3)), min_size=1, max_size=40))
def test_what_is_kept_changes_no_diff_of_any_mix_of_twins(old_picks, new_picks):
    """Headings, outlines and prose drawn from a small pool: twins everywhere, at several levels."""
    bodies = [" ".join(WORDS[(k * 7 + m) % len(WORDS)] for m in range(k * 2)) for k in range(8)]
    shapes = ["## {t}\n\n{b}\n\n", "### {t}\n\n{b}\n\n", "- {t}\n  - {b}\n\n", "## {t}\n\n- {b}\n\n"]

    def book(picks: list[tuple[int, int, int]]) -> str:
        return "# Book\n\n" + "".join(shapes[k].format(t=f"{WORDS[t].title()} {t % 5}", b=bodies[b])
                                        for t, b, k in picks)

    with pytest.MonkeyPatch.context() as monkeypatch:
        kept, fresh = _kept_and_fresh(book(old_picks), book(new_picks), monkeypatch)
    assert kept == fresh


_WORD_PIECES = st.lists(st.sampled_from([*"ab .,\n", "é", "[x](u)", "word "]), max_size=30).map("".join)


@given(_WORD_PIECES, _WORD_PIECES)
def test_a_kept_word_diff_is_the_word_diff_computed_afresh(old: str, new: str):
    first = word_diff_module.word_diff(old, new)
    assert first == word_diff_module.plain_word_diff(old, new)
    first.ops.clear()  # a caller's change to its copy reaches no other caller
    first.raw_ops.append(WordOp("equal", "x", "x"))
    assert word_diff_module.word_diff(old, new) == word_diff_module.plain_word_diff(old, new)


_OPS = st.lists(st.tuples(st.sampled_from(["equal", "insert", "delete", "replace"]), _WORD_PIECES, _WORD_PIECES),
                max_size=8)


@given(_OPS, st.booleans())
def test_kept_paragraph_rows_are_the_rows_cut_afresh(ops: list[tuple[str, str, str]], plain: bool):
    word_ops = [WordOp(kind, old if kind != "insert" else "", new if kind != "delete" else "")
                for kind, old, new in ops]
    fresh = paragraphs.plain_paragraph_rows(word_ops, plain)
    first = paragraphs.paragraph_rows(word_ops, plain)
    assert first == fresh
    first.clear()  # a caller's change to its list reaches no other caller
    again = paragraphs.paragraph_rows(iter(word_ops), plain)
    assert again == fresh
    for row in again:  # worked out once, the same as worked out each time
        assert row.changed == any(op.op != "equal" for op in row.ops)
        assert row.has_old == any(op.old.strip() for op in row.ops)
        assert row.has_new == any(op.new.strip() for op in row.ops)


def test_section_words_kept_by_text_are_the_words_of_each_section():
    rng = random.Random(7)
    doc = parse(_volumes(rng, 3, 20))
    align_module.clear_cache()
    facts = section_facts.document_facts(doc)
    for i, s in enumerate(doc.sections):
        text = doc.fingerprint(s) if s.kind == "frontmatter" else s.title + "\n" + s.plain
        assert facts.tok[i] == lexicon.content_set(text)
        assert facts.title_words[i] == lexicon.content_set(s.title)
        assert facts.title_norm[i] == lexicon.normalise_title(s.title)
        assert facts.title_grams[i] == lexicon.bigrams(lexicon.normalise_title(s.title))
    twins = [i for i in range(len(doc.sections)) if facts.tok[i] and any(
        facts.tok[k] is facts.tok[i] for k in range(i))]
    assert twins  # the same text: the very same set, which the classes of twins rely on


@pytest.mark.slow
def test_what_is_kept_changes_no_diff_of_the_rfc_corpus(tmp_path: Path, monkeypatch):
    """Pairs of versions of the corpus's longest histories, and a book of the corpus."""
    repo = clone_corpus(tmp_path / "rfcs")
    pairs: list[tuple[str, str]] = []
    for path in ("text/3537-msrv-resolver.md", "README.md"):
        commits = git(repo, "log", "--format=%H", "--", path).split()[:60]
        texts = [git(repo, "show", f"{c}:{path}") for c in reversed(commits)]
        pairs += list(itertools.pairwise(texts))
        pairs.append((texts[0], texts[-1]))
    for old_text, new_text in pairs:
        kept, fresh = _kept_and_fresh(old_text, new_text, monkeypatch)
        assert kept == fresh
    old_text, new_text = _corpus_book(tmp_path / "book")
    kept, fresh = _kept_and_fresh(old_text, new_text, monkeypatch)
    assert kept == fresh


@given(st.lists(st.integers(-5, 40), max_size=12), st.data())
def test_siblings_in_order_are_kept_as_the_weighted_lis_keeps_them(seq: list[int], data: st.DataObject):
    weights = data.draw(st.lists(st.integers(-2, 30), min_size=len(seq), max_size=len(seq)))
    assert weighted_lis.weighted_lis(seq, weights) == weighted_lis.fenwick_lis(seq, weights)
    ordered = sorted(set(seq))
    positive = [abs(w) + 1 for w in weights[:len(ordered)]]
    assert weighted_lis.weighted_lis(ordered, positive) == weighted_lis.fenwick_lis(ordered, positive)


@pytest.mark.parametrize("seed", range(3))
def test_the_statuses_of_one_pair_are_the_rules_for_groups(seed: int, monkeypatch):
    """Every 1:1 group of generated books (outlines promoted to prose, renames, edits): the
    short rules give what the rules for any group give."""
    rng = random.Random(seed)
    old_text, new_text = _volumes(rng, 2, 25), _volumes(rng, 2, 27)
    old_text += "\n## Plan\n\n- first point here\n- second point here\n"
    new_text += "\n## Plan\n\nThe first point here, and the second point here, in prose.\n"
    seen = 0
    real = _Aligner.statuses

    def checked(self: _Aligner, g) -> list[str]:  # type: ignore[no-untyped-def]
        nonlocal seen
        got = real(self, g)
        if g.old and g.new:
            assert sorted(got) == sorted(self._group_statuses(g))
            seen += 1
        return got

    monkeypatch.setattr(_Aligner, "statuses", checked)
    align_module.clear_cache()
    diff_documents(parse(old_text), parse(new_text))
    assert seen
