"""Anchors and re-anchoring: every state, lookalikes, renames, amended commits."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from reviewtool.draft.document import parse
from reviewtool.draft.history import DraftHistory
from reviewtool.errors import ReviewtoolError
from reviewtool.git.repo import GitRepo
from reviewtool.review import anchoring
from reviewtool.review.anchoring import (
    CONTEXT_CHARS,
    Placement,
    anchor_scope,
    comments_for_version,
    make_anchor,
    reanchor,
)
from reviewtool.review.quote_search import FUZZY_THRESHOLD, edit_distance
from reviewtool.review.section_follow import section_map
from reviewtool.review.store import ReviewStore

DRAFT = "drafts/essay.md"

BASE = """---
title: Mesa-optimizers
---

## Introduction

We are probably already living with mesa-optimizers. The conditions the paper lists are all present in current training runs.

## Evidence

Double descent suggests that interesting structure appears late in training. A model first memorises, then generalises.

Human modeling pushes the same way, because predicting planners requires planning.

## Conclusion

Inner alignment is a present-tense problem, not a hypothetical one.
"""


def version(name: str, text: str) -> SimpleNamespace:
    """A stand-in for history.Version: what make_anchor reads."""
    return SimpleNamespace(commit=f"c-{name}", path=DRAFT, blob=f"b-{name}", short=name, is_worktree=False)


def anchor_on(text: str, name: str = "v1", section: str | None = None, quote: str | None = None):
    return make_anchor(parse(text), version(name, text), section, quote)


def place(anchor, new_text: str, name: str, old_text: str) -> Placement:
    return reanchor(anchor, parse(new_text), f"b-{name}", parse(old_text))


@pytest.fixture(autouse=True)
def _fresh_caches():
    anchoring.clear_caches()
    yield
    anchoring.clear_caches()


# ---------------------------------------------------------------------- make_anchor


def test_make_anchor_records_offsets_and_context():
    quote = "interesting structure appears late"
    a = anchor_on(BASE, section="evidence", quote=quote)
    assert BASE[a.start:a.end] == quote == a.exact
    assert a.prefix == BASE[a.start - CONTEXT_CHARS:a.start]
    assert a.suffix == BASE[a.end:a.end + CONTEXT_CHARS]
    assert (a.section_key, a.section_title) == ("evidence", "Evidence")


def test_make_anchor_takes_the_first_occurrence_inside_the_section():
    text = BASE.replace("Inner alignment is", "Inner alignment: training runs. It is")
    a = anchor_on(text, section="conclusion", quote="training runs")
    conclusion = parse(text).get("conclusion")
    assert conclusion.start <= a.start < conclusion.end_all
    assert text.find("training runs") < conclusion.start  # an earlier occurrence elsewhere was skipped


def test_make_anchor_refuses_unknown_section_and_missing_quote():
    with pytest.raises(ReviewtoolError, match="no section 'nowhere' at v1"):
        anchor_on(BASE, section="nowhere")
    with pytest.raises(ReviewtoolError, match="does not occur in section conclusion"):
        anchor_on(BASE, section="conclusion", quote="Double descent")
    with pytest.raises(ReviewtoolError, match="does not occur in the draft"):
        anchor_on(BASE, quote="not in the essay")
    with pytest.raises(ReviewtoolError, match="empty"):
        anchor_on(BASE, quote="   ")


def test_make_anchor_refuses_the_working_tree():
    wt = SimpleNamespace(commit="WORKTREE", path=DRAFT, blob="x", short="worktree", is_worktree=True)
    with pytest.raises(ReviewtoolError, match="commit first"):
        make_anchor(parse(BASE), wt, None, None)


def test_make_anchor_accepts_a_quote_across_a_line_break():
    text = BASE.replace("memorises, then generalises", "memorises,\nthen generalises")
    a = anchor_on(text, quote="memorises, then generalises")
    assert a.exact == "memorises,\nthen generalises"
    assert text[a.start:a.end] == a.exact


def test_edit_distance():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert edit_distance("same", "same") == 0


# ---------------------------------------------------------------------- quote states


def test_same_blob_is_exact():
    a = anchor_on(BASE, section="evidence", quote="A model first memorises")
    p = reanchor(a, parse(BASE), "b-v1", parse(BASE))
    assert (p.state, p.section_key, p.start, p.end, p.score) == ("exact", "evidence", a.start, a.end, 1.0)
    assert p.quote_found == "A model first memorises"


def test_edit_in_an_earlier_section_keeps_a_quote_exact():
    a = anchor_on(BASE, section="conclusion", quote="present-tense problem")
    new = BASE.replace("We are probably already", "We are, I will argue, very probably already")
    p = place(a, new, "v2", BASE)
    assert p.state == "exact"
    assert p.section_key == "conclusion"
    assert new[p.start:p.end] == "present-tense problem"
    assert p.start != a.start  # the offsets shifted with the earlier edit


def test_quote_moved_to_another_section():
    sentence = "Human modeling pushes the same way, because predicting planners requires planning."
    a = anchor_on(BASE, section="evidence", quote=sentence)
    new = BASE.replace("\n" + sentence + "\n", "\n").replace(
        "Inner alignment is a present-tense", sentence + "\n\nInner alignment is a present-tense")
    p = place(a, new, "v2", BASE)
    assert p.state == "moved"
    assert p.section_key == "conclusion"
    assert new[p.start:p.end] == sentence


def test_several_occurrences_choose_by_context():
    phrase = "training runs"
    a = anchor_on(BASE, section="introduction", quote=phrase)
    # The same phrase now also appears, earlier, with a different context.
    new = BASE.replace("## Introduction\n", "## Introduction\n\nAbout training runs in general.\n")
    p = place(a, new, "v2", BASE)
    assert new.find(phrase) < p.start  # not the first occurrence ...
    assert p.start == new.index("current training runs") + len("current ")  # ... the one with the context
    assert p.state == "exact"  # same section, context intact


def test_small_edit_inside_the_quote_is_fuzzy():
    quote = "Double descent suggests that interesting structure appears late in training."
    a = anchor_on(BASE, section="evidence", quote=quote)
    new = BASE.replace("interesting structure appears late", "interesting structure emerges late")
    p = place(a, new, "v2", BASE)
    assert p.state == "fuzzy"
    assert p.section_key == "evidence"
    assert FUZZY_THRESHOLD <= p.score < 1.0
    assert p.quote_found == quote.replace("appears", "emerges")
    assert new[p.start:p.end] == p.quote_found


@pytest.mark.parametrize("old_sentence, new_sentence", [
    # Edit distance alone would start the match inside "inevitable." ...
    ("It means that inner alignment is a present-tense problem.", "Inner alignment is a present-tense problem."),
    # ... or at "two objectives", dropping the reworded opening of the sentence.
    ("But the distinction cuts in a particular direction, and most of the worries are about behavior.",
     "The distinction between the two objectives cuts in a particular direction, though, and most of the "
     "worries are about behavior."),
])
def test_fuzzy_match_covers_whole_words_and_sentences(old_sentence, new_sentence):
    paragraph = "Deception is not inevitable. {} The practical upshot is a change of priorities.\n"
    old = BASE.replace("Inner alignment is a present-tense problem, not a hypothetical one.\n",
                       paragraph.format(old_sentence))
    new = old.replace(old_sentence, new_sentence)
    a = anchor_on(old, section="conclusion", quote=old_sentence)
    p = place(a, new, "v2", old)
    assert p.state == "fuzzy"
    assert p.quote_found == new_sentence


def test_lookalike_sentence_elsewhere_does_not_win():
    quote = "We are probably already living with mesa-optimizers."
    a = anchor_on(BASE, section="introduction", quote=quote)
    lookalike = "We are probably not already living with mesa-optimizers."
    # The original sentence is rewritten beyond recognition; a lookalike appears in another section.
    new = (BASE.replace(quote, "Current systems, I think, already optimize internally.")
               .replace("Inner alignment is", lookalike + " Inner alignment is"))
    # The lookalike is close to the quote (this is what fooled Hypothesis) ...
    assert 1 - edit_distance(quote, lookalike) / len(quote) > 0.85
    p = place(a, new, "v2", BASE)
    # ... but its context is wrong, so the comment stays with its section as outdated.
    assert p.state == "outdated"
    assert p.section_key == "introduction"
    assert p.start is None and p.quote_found is None


def test_short_quote_found_verbatim_only_in_another_context_is_not_moved():
    """A few words replaced in place (say, by an applied suggestion) that also occur
    elsewhere, in other words around them: that occurrence is a lookalike, not the passage."""
    phrase = "interesting structure"
    a = anchor_on(BASE, section="evidence", quote=phrase)
    new = (BASE.replace("that interesting structure appears", "that useful structure appears")
               .replace("Inner alignment is", "Finding interesting structure is not the point. Inner alignment is"))
    p = place(a, new, "v2", BASE)
    assert (p.state, p.section_key, p.start) == ("outdated", "evidence", None)
    # Edited a little instead: found where it was, not at the lookalike.
    new = (BASE.replace("that interesting structure appears", "that interesting stucture appears")
               .replace("Inner alignment is", "Finding interesting structure is not the point. Inner alignment is"))
    p = place(a, new, "v3", BASE)
    assert (p.state, p.section_key) == ("fuzzy", "evidence")
    assert new[p.start:p.end] == "interesting stucture"


def test_short_quote_moved_with_its_context_is_moved():
    phrase = "interesting structure"
    sentence = "Double descent suggests that interesting structure appears late in training."
    a = anchor_on(BASE, section="evidence", quote=phrase)
    new = BASE.replace(sentence + " ", "").replace("Inner alignment is", sentence + " Inner alignment is")
    p = place(a, new, "v2", BASE)
    assert (p.state, p.section_key) == ("moved", "conclusion")
    assert new[p.start:p.end] == phrase


def test_changed_passage_is_outdated_at_its_section():
    quote = "A model first memorises, then generalises."
    a = anchor_on(BASE, section="evidence", quote=quote)
    new = BASE.replace(quote, "Loss curves over training show two distinct phases.")
    p = place(a, new, "v2", BASE)
    assert (p.state, p.section_key, p.start, p.end) == ("outdated", "evidence", None, None)


def test_section_renamed_is_followed():
    quote = "A model first memorises, then generalises."
    a = anchor_on(BASE, section="evidence", quote=quote)
    new = BASE.replace("## Evidence", "## Why we should expect them").replace(quote, "Loss curves show phases.")
    p = place(a, new, "v2", BASE)
    assert p.state == "outdated"
    assert p.section_key == "why-we-should-expect-them"
    # An unchanged quote in the renamed section is found there too.
    b = anchor_on(BASE, section="evidence", quote="Double descent suggests")
    q = place(b, new, "v2", BASE)
    assert q.state == "moved" and q.section_key == "why-we-should-expect-them"


def test_section_removed_orphans_the_comment_but_keeps_its_quote():
    quote = "Inner alignment is a present-tense problem"
    a = anchor_on(BASE, section="conclusion", quote=quote)
    new = BASE[:BASE.index("## Conclusion")]
    p = place(a, new, "v2", BASE)
    assert p.state == "orphaned"
    assert p.section_key is None and p.start is None
    assert a.exact == quote  # the stored quote is what the reader is shown


def test_quote_without_a_section_uses_the_section_it_was_in():
    quote = "A model first memorises, then generalises."
    a = anchor_on(BASE, quote=quote)
    assert a.section_key is None
    new = BASE.replace(quote, "Loss curves show phases.")
    assert place(a, new, "v2", BASE).section_key == "evidence"


# ---------------------------------------------------------------------- section and version comments


def test_section_comment_states():
    a = anchor_on(BASE, section="evidence")
    assert reanchor(a, parse(BASE), "b-v1", parse(BASE)).state == "exact"
    whitespace_only = BASE.replace("Double descent suggests", "Double  descent\nsuggests")
    p = place(a, whitespace_only, "v2", BASE)
    assert p.state == "exact"
    assert p.scope == "section" and p.section_key == "evidence"
    edited = BASE.replace("late in training", "late in a training run")
    assert place(a, edited, "v3", BASE).state == "outdated"
    renamed = BASE.replace("## Evidence", "## The evidence")
    p = place(a, renamed, "v4", BASE)
    assert (p.state, p.section_key) == ("moved", "the-evidence")
    gone = BASE[:BASE.index("## Evidence")] + BASE[BASE.index("## Conclusion"):]
    assert place(a, gone, "v5", BASE).state == "orphaned"


def test_section_comment_moved_when_the_section_moves():
    a = anchor_on(BASE, section="conclusion")
    intro_end = BASE.index("## Evidence")
    conclusion = BASE[BASE.index("## Conclusion"):]
    moved = BASE[:intro_end] + conclusion + "\n" + BASE[intro_end:BASE.index("## Conclusion")]
    p = place(a, moved, "v2", BASE)
    assert p.state == "moved"
    assert p.section_key == "conclusion"


def test_whole_version_comment():
    a = anchor_on(BASE)
    assert anchor_scope(a) == "version"
    p = reanchor(a, parse(BASE), "b-v1", parse(BASE))
    assert (p.state, p.section_key, p.scope) == ("exact", None, "version")
    assert place(a, BASE + "\nMore.\n", "v2", BASE).state == "outdated"


def test_placements_and_alignments_are_cached():
    a = anchor_on(BASE, section="evidence", quote="Double descent suggests")
    new_doc, old_doc = parse(BASE + "\nMore.\n"), parse(BASE)
    first = reanchor(a, new_doc, "b-v2", old_doc)
    assert reanchor(a, new_doc, "b-v2", old_doc) is first
    assert section_map(old_doc, new_doc, "b-v1", "b-v2") is section_map(old_doc, new_doc, "b-v1", "b-v2")


# ---------------------------------------------------------------------- threads of a version (real git)


def _add(store: ReviewStore, hist: DraftHistory, rev: str, body: str, section=None, quote=None) -> str:
    v = hist.find(rev)
    anchor = make_anchor(hist.document(v), v, section, quote)
    return store.comment_on(anchor, body).id


def test_comment_on_stores_the_anchor_as_made(repo):
    repo.commit("v1", {DRAFT: BASE})
    git_repo = GitRepo.open(repo.path)
    store = ReviewStore(git_repo)
    hist = DraftHistory(git_repo, DRAFT)
    v = hist.versions[0]
    made = [make_anchor(hist.document(v), v, section, quote) for section, quote in
            [(None, None), ("conclusion", None), ("evidence", "interesting structure appears late")]]
    ids = [store.comment_on(anchor, f"comment {i}").id for i, anchor in enumerate(made)]
    stored = {t.id: t.anchor for t in store.threads()}
    assert [stored[i] for i in ids] == made


def test_comments_for_version_orders_filters_and_reanchors(repo):
    v1 = repo.commit("v1", {DRAFT: BASE, "drafts/other.md": "# Other\n\nText.\n"})
    v2 = repo.commit("v2", {DRAFT: BASE.replace("appears late", "emerges late")})
    v3 = repo.commit("v3", {DRAFT: BASE.replace("appears late", "emerges late") + "\n## Appendix\n\nNotes.\n"})
    git_repo = GitRepo.open(repo.path)
    store = ReviewStore(git_repo)
    hist = DraftHistory(git_repo, DRAFT)
    c_conclusion = _add(store, hist, v1, "conclusion", section="conclusion")
    c_quote = _add(store, hist, v1, "quote", section="evidence",
                   quote="Double descent suggests that interesting structure appears late in training.")
    c_version = _add(store, hist, v1, "whole version")
    c_v2 = _add(store, hist, v2, "on v2", section="introduction", quote="We are probably already")
    other_hist = DraftHistory(git_repo, "drafts/other.md")
    _add(store, other_hist, v1, "other draft")
    retracted = _add(store, hist, v3, "never mind", section="appendix")
    store.retract(retracted)
    threads = store.threads()

    on_v1 = comments_for_version(hist, threads, hist.find(v1))
    assert [t.id for t, _ in on_v1] == [c_version, c_quote, c_conclusion]
    assert {p.state for _, p in on_v1} == {"exact"}

    on_v3 = comments_for_version(hist, threads, hist.find(v3))
    ids = [t.id for t, _ in on_v3]
    assert ids == [c_version, c_v2, c_quote, c_conclusion]  # document order, version comments first
    states = {t.id: p.state for t, p in on_v3}
    assert states[c_version] == "outdated"
    assert states[c_quote] == "fuzzy"
    assert states[c_conclusion] == "exact"
    assert states[c_v2] == "exact"
    assert retracted in [t.id for t, _ in comments_for_version(hist, threads, hist.find(v3), include_retracted=True)]


def test_comment_whose_commit_was_amended_away_is_found_by_blob(repo):
    repo.commit("v1", {DRAFT: BASE})
    repo.commit("v2", {DRAFT: BASE + "\nA second version.\n"})
    git_repo = GitRepo.open(repo.path)
    store = ReviewStore(git_repo)
    hist = DraftHistory(git_repo, DRAFT)
    cid = _add(store, hist, "HEAD", "on v2", section="conclusion", quote="present-tense problem")
    old_head = repo.head()
    repo.git("commit", "-q", "--amend", "-m", "v2 (reworded)")
    assert repo.head() != old_head
    repo.commit("v3", {DRAFT: BASE + "\nA second version.\n\n## Appendix\n\nMore.\n"})

    hist = DraftHistory(GitRepo.open(repo.path), DRAFT)
    threads = store.threads()
    assert threads[0].anchor.commit == old_head  # the stored commit is gone from the history
    assert all(v.commit != old_head for v in hist.versions)
    amended = hist.find("HEAD~1")
    assert [t.id for t, _ in comments_for_version(hist, threads, amended)] == [cid]
    assert comments_for_version(hist, threads, hist.find("HEAD"))[0][1].state == "exact"
    # ... and it is not shown on the version before the one it was made on.
    assert comments_for_version(hist, threads, hist.find("HEAD~2")) == []


def test_old_text_is_read_only_when_needed():
    loads = []

    def old_doc():
        loads.append(1)
        return parse(BASE)

    a = anchor_on(BASE, section="conclusion", quote="present-tense problem")
    new = BASE.replace("We are probably", "We are, I think, probably")
    assert reanchor(a, parse(new), "b-v2", old_doc).state == "exact"
    assert loads == []  # the section kept its key and the quote its context
    gone = new.replace("## Conclusion", "## Closing thoughts")
    p = reanchor(a, parse(gone), "b-v3", old_doc)
    assert (p.state, p.section_key) == ("moved", "closing-thoughts")
    assert loads == [1]  # following a renamed section needs the old text, once
