"""Suggested edits: applied to the working tree only when the quote is still there verbatim."""

from __future__ import annotations

import pytest

from reviewtool.draft.history import DraftHistory
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.notes_ref import NotesStore
from reviewtool.git.repo import GitRepo
from reviewtool.review import anchoring
from reviewtool.review.anchoring import make_anchor
from reviewtool.review.store import ReviewStore
from reviewtool.review.suggestions import apply_suggestion

DRAFT = "drafts/essay.md"
TEXT = """---
title: Mesa-optimizers
---

## Argument

Hubinger et al are right to draw a distinction between the two objectives.

Behavior is evidence enough for most of the risks.

## Conclusion

The problem is present tense.
"""
QUOTE = "Hubinger et al are right"
FIXED = "Hubinger et al. are right"


@pytest.fixture(autouse=True)
def _fresh_caches():
    anchoring.clear_caches()


def setup(repo, text: str | bytes = TEXT, quote: str = QUOTE, suggestion: str | None = FIXED,
          section: str | None = "argument"):
    repo.commit("v1", {DRAFT: text})
    git_repo = GitRepo.open(repo.path)
    hist = DraftHistory(git_repo, DRAFT)
    store = ReviewStore(git_repo)
    v = hist.versions[0]
    anchor = make_anchor(hist.document(v), v, section, quote)
    cid = store.comment_on(anchor, "Spelling: et al. takes a period.", suggestion).id
    return git_repo, store, cid


def fresh_history(git_repo) -> DraftHistory:
    return DraftHistory(git_repo, DRAFT)


def state(repo) -> tuple[str, str, str]:
    """HEAD, the staged diff and the notes-independent status: nothing here may be committed."""
    return repo.head(), repo.git("diff", "--cached", "--stat"), repo.git("rev-list", "--count", "HEAD")


def test_apply_rewrites_only_the_quote_and_records_the_event(repo):
    git_repo, store, cid = setup(repo)
    before = state(repo)
    result = apply_suggestion(fresh_history(git_repo), store, cid[:7])
    assert (repo.path / DRAFT).read_text() == TEXT.replace(QUOTE, FIXED)
    assert (result.before, result.after, result.state) == (QUOTE, FIXED, "exact")
    assert state(repo) == before  # never commits, never stages
    assert repo.git("status", "--porcelain").strip() == f"M {DRAFT}"
    thread = store.find(cid)
    assert thread.applied is not None and thread.applied.id == result.event_id


def test_apply_follows_a_moved_quote(repo):
    git_repo, store, cid = setup(repo)
    edited = TEXT.replace("## Argument\n", "## Argument\n\nA new opening paragraph.\n")
    (repo.path / DRAFT).write_text(edited)
    result = apply_suggestion(fresh_history(git_repo), store, cid)
    assert result.state == "moved"
    assert (repo.path / DRAFT).read_text() == edited.replace(QUOTE, FIXED)


def test_apply_keeps_crlf_and_bom(repo):
    crlf = b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode()
    repo.git("config", "core.autocrlf", "false")
    git_repo, store, cid = setup(repo, crlf, quote="The problem is present tense.", section="conclusion",
                                 suggestion="The problem is present tense.\nIt is not hypothetical.")
    apply_suggestion(fresh_history(git_repo), store, cid)
    data = (repo.path / DRAFT).read_bytes()
    assert data == crlf.replace(b"The problem is present tense.",
                                b"The problem is present tense.\r\nIt is not hypothetical.")


def test_refuses_without_a_suggestion(repo):
    git_repo, store, cid = setup(repo, suggestion=None)
    with pytest.raises(ReviewtoolError, match="has no suggested edit"):
        apply_suggestion(fresh_history(git_repo), store, cid)
    assert (repo.path / DRAFT).read_text() == TEXT


def test_refuses_twice(repo):
    git_repo, store, cid = setup(repo)
    apply_suggestion(fresh_history(git_repo), store, cid)
    (repo.path / DRAFT).write_text(TEXT)  # even with the quote back in place
    with pytest.raises(ReviewtoolError, match="already applied"):
        apply_suggestion(fresh_history(git_repo), store, cid)
    assert (repo.path / DRAFT).read_text() == TEXT
    assert len([e for e in store.find(cid).events if e.type == "applied"]) == 1


@pytest.mark.parametrize("edit, why", [
    (lambda t: t.replace("Hubinger et al are right", "Hubinger et al were right"), "changed"),
    (lambda t: t.replace("Hubinger et al are right to draw a distinction between the two objectives.",
                         "The paper separates behavior from internals."), "changed"),
    (lambda t: t[:t.index("## Argument")] + t[t.index("## Conclusion"):], "gone"),
])
def test_refuses_when_the_quote_is_not_there_verbatim(repo, edit, why):
    git_repo, store, cid = setup(repo)
    edited = edit(TEXT)
    (repo.path / DRAFT).write_text(edited)
    with pytest.raises(ReviewtoolError, match=f"cannot apply comment {cid[:8]}: the quoted passage is {why}"):
        apply_suggestion(fresh_history(git_repo), store, cid)
    assert (repo.path / DRAFT).read_text() == edited
    assert store.find(cid).applied is None


def test_refuses_when_the_file_is_missing(repo):
    git_repo, store, cid = setup(repo)
    hist = fresh_history(git_repo)
    assert hist.versions  # the history is read while the file exists
    (repo.path / DRAFT).unlink()
    with pytest.raises(ReviewtoolError, match=f"working-tree file {DRAFT} is missing"):
        apply_suggestion(hist, store, cid)
    assert store.find(cid).applied is None


def test_refuses_a_retracted_comment(repo):
    git_repo, store, cid = setup(repo)
    store.retract(cid)
    with pytest.raises(ReviewtoolError, match="retracted"):
        apply_suggestion(fresh_history(git_repo), store, cid)
    assert (repo.path / DRAFT).read_text() == TEXT


def test_a_suggestion_with_hidden_characters_is_refused_when_written_and_when_applied(repo):
    """An escape sequence (or a bidi override) would land in the essay where nobody sees it."""
    import json

    git_repo, store, _cid = setup(repo)
    anchor = store.threads()[0].anchor
    for hidden, code in [("ALPHA\x1b[8m hidden\x1b[0m", "001B"), ("A\u200f rlm", "200F"),
                         ("A\U000E0041 tag", "E0041"), ("damaged \ufffd", "FFFD")]:
        with pytest.raises(UsageError, match=f"U\\+{code}"):
            store.comment_on(anchor, "hidden", hidden)
    # Joiners stay allowed: emoji sequences and several scripts need them.
    store.comment_on(anchor, "family", "Hubinger \U0001F468\u200d\U0001F469 et al")
    # Another tool wrote one anyway: applying it is refused, the draft untouched.
    thread = store.threads()[0]
    line = json.loads(thread.root.raw)
    line.update(id="f" * 32, suggestion="Hubinger\u202e et al")
    NotesStore(git_repo).append(thread.root.note_commit, [json.dumps(line)])
    before = (repo.path / DRAFT).read_bytes()
    with pytest.raises(ReviewtoolError, match="U\\+202E"):
        apply_suggestion(fresh_history(git_repo), store, "f" * 8)
    assert (repo.path / DRAFT).read_bytes() == before
