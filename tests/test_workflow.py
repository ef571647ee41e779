"""The review workflow's core on real repositories: requests, verdicts, viewed marks, status;
"later" by ancestry along the first-parent line (real branches and merges), never dates."""

from __future__ import annotations

import json

import pytest

from reviewtool.draft.history import DraftHistory
from reviewtool.git.repo import GitRepo
from reviewtool.review import anchoring
from reviewtool.review.codec import parse_events
from reviewtool.review.fold import fold
from reviewtool.review.status import last_reviewed, review_entries, review_status, version_line
from reviewtool.review.store import ReviewStore
from reviewtool.review.viewed import viewed_sections
from reviewtool.review.workflow import latest_verdicts, parse_workflow
from reviewtool.review.workflow_store import WorkflowStore

DRAFT = "drafts/essay.md"
V1 = """---
title: Gardens
---

# Intro

Gardens lower stress for most people.

# Method

We asked forty gardeners.

# End

So plant one.
"""
BEN = ("Ben Reviewer", "ben@example.org")
ADA = ("Ada Author", "ada@example.org")


@pytest.fixture(autouse=True)
def _fresh_caches():
    anchoring.clear_caches()


def clock(start: int = 0):
    """A clock that ticks one second per event (deterministic times)."""
    state = {"n": start}

    def now() -> str:
        state["n"] += 1
        return f"2024-05-01T10:{state['n'] // 60:02d}:{state['n'] % 60:02d}.000000Z"

    return now


def flow(repo, who=BEN, tick=None) -> WorkflowStore:
    return WorkflowStore(ReviewStore(GitRepo.open(repo.path), identity=who, clock=tick or clock()))


def hist(repo) -> DraftHistory:
    return DraftHistory(GitRepo.open(repo.path), DRAFT, include_worktree=False)


def newest(repo):
    return hist(repo).versions[0]


def test_events_round_trip_through_the_notes_with_their_fields(repo):
    repo.commit("v1", {DRAFT: V1})
    h = hist(repo)
    v = h.versions[0]
    ada = flow(repo, ADA)
    ada.request_review(v, ["ben@example.org", "Cy@Example.org", "ben@example.org"], "please read the intro")
    ben = flow(repo, BEN, clock(100))
    ben.submit_verdict(v, "approved", "Looks good.")
    ben.set_viewed(v, h.document(v), "intro")
    data = ben.load()
    assert data.problems == []
    [req] = data.workflow.requests
    assert req.reviewers == ("ben@example.org", "Cy@Example.org")  # duplicates dropped
    assert (req.author.email, req.body, req.version.commit, req.version.blob) == (
        "ada@example.org", "please read the intro", v.commit, v.blob)
    [verdict] = data.workflow.verdicts
    assert (verdict.verdict, verdict.body, verdict.reviewer.email) == ("approved", "Looks good.", "ben@example.org")
    [mark] = data.workflow.marks
    assert (mark.viewed, mark.version.section_key, mark.version.section_title) == (True, "intro", "Intro")
    # Stored on the note of the version's commit, one JSON object per line, readable by any JSON tool.
    note = repo.git("notes", "--ref", "reviewtool", "show", v.commit).splitlines()
    kinds = [json.loads(line)["type"] for line in note]
    assert kinds == ["request", "verdict", "viewed"]
    assert json.loads(note[1])["anchor"] == {"commit": v.commit, "path": DRAFT, "blob": v.blob}
    # Threads are untouched by them: an older reader folds no thread and reports nothing.
    assert data.threads == []


def test_unknown_fields_are_kept_and_bad_workflow_lines_reported_not_used():
    lines = [
        '{"v":1,"id":"a1","type":"verdict","author":"B","email":"b@x.org","time":"2024-01-01T00:00:00.000000Z",'
        '"anchor":{"commit":"c1","path":"d.md","blob":"b1"},"verdict":"approved","x-tool":{"k":1}}',
        '{"v":1,"id":"a2","type":"verdict","author":"B","email":"b@x.org","time":"2024-01-01T00:00:01.000000Z",'
        '"anchor":{"commit":"c1","path":"d.md","blob":"b1"},"verdict":"lgtm"}',
        '{"v":1,"id":"a3","type":"request","author":"A","email":"a@x.org","time":"2024-01-01T00:00:02.000000Z",'
        '"anchor":{"commit":"c1","path":"d.md","blob":"b1"},"reviewers":[]}',
        '{"v":1,"id":"a4","type":"viewed","author":"B","email":"b@x.org","time":"2024-01-01T00:00:03.000000Z",'
        '"anchor":{"commit":"c1","path":"d.md","blob":"b1"}}',
        '{"v":1,"id":"a5","type":"unviewed","author":"B","email":"b@x.org","time":"2024-01-01T00:00:04.000000Z"}',
    ]
    events, problems = parse_events("c1", lines)
    assert problems == [] and len(events) == 5  # the codec keeps them as events of types it does not fold
    assert fold(events) == []
    workflow, bad = parse_workflow(events)
    assert [v.id for v in workflow.verdicts] == ["a1"]
    assert workflow.verdicts[0].event.to_json()["x-tool"] == {"k": 1}
    assert json.loads(workflow.verdicts[0].event.to_line()) == json.loads(lines[0])
    assert [(p.line_no, p.reason.split(":")[0]) for p in bad] == [
        (2, "verdict a2"), (3, "request a3"), (4, "viewed a4"), (5, "unviewed a5")]
    assert "unknown verdict 'lgtm'" in bad[0].reason
    assert workflow.requests == [] and workflow.marks == []


def test_bad_input_is_refused_before_anything_is_written(repo):
    from reviewtool.errors import ReviewtoolError, UsageError

    repo.commit("v1", {DRAFT: V1})
    h = hist(repo)
    v = h.versions[0]
    ben = flow(repo, BEN)
    with pytest.raises(UsageError, match="invalid reviewer 'not an email'"):
        ben.request_review(v, ["not an email"])
    with pytest.raises(UsageError, match="yourself"):
        ben.request_review(v, ["BEN@example.org"])
    with pytest.raises(UsageError, match="unknown verdict"):
        ben.submit_verdict(v, "lgtm")
    with pytest.raises(UsageError, match="needs a summary"):
        ben.submit_verdict(v, "commented", "  ")
    with pytest.raises(ReviewtoolError, match="no section 'nope'"):
        ben.set_viewed(v, h.document(v), "nope")
    assert repo.git("for-each-ref", "refs/notes/").strip() == ""


def test_a_later_verdict_supersedes_and_later_means_ancestry_not_dates(repo):
    repo.commit("v1", {DRAFT: V1})
    repo.commit("v2", {DRAFT: V1.replace("forty", "fifty")})
    h = hist(repo)
    v2, v1 = h.versions
    ben = flow(repo, BEN)
    ben.submit_verdict(v2, "changes_requested", "Method is thin.")
    ben.submit_verdict(v1, "approved")  # written later, but on an older version
    ben.submit_verdict(v2, "commented", "Second look.")  # same version, later event: supersedes
    data = ben.load()
    line = version_line(h)
    [standing] = latest_verdicts(data.workflow.verdicts, line)
    assert (standing.verdict, standing.version.commit) == ("commented", v2.commit)
    # With clocks reversed (the older version's verdict has the later time) the answer is the same.
    cy = flow(repo, ("Cy", "cy@example.org"), clock(500))
    cy.submit_verdict(v2, "approved")
    cy_old = flow(repo, ("Cy", "cy@example.org"), clock(900))
    cy_old.submit_verdict(v1, "changes_requested", "old")
    standing = {v.reviewer.email: v for v in latest_verdicts(ben.load().workflow.verdicts, version_line(h))}
    assert standing["cy@example.org"].verdict == "approved"


def test_an_edit_to_one_section_makes_the_approval_stale_and_clears_only_that_mark(repo):
    repo.commit("v1", {DRAFT: V1})
    h = hist(repo)
    v1 = h.versions[0]
    ben = flow(repo, BEN)
    ben.submit_verdict(v1, "approved")
    doc = h.document(v1)
    for key in ("intro", "method", "end"):
        ben.set_viewed(v1, doc, key)
    marks = viewed_sections(h, ben.load().workflow.marks, v1, BEN[1])
    assert (marks.count, marks.total, marks.summary) == (3, 3, "3/3 viewed")
    assert [e.current for e in review_entries(h, ben.load().workflow)] == [True]

    repo.commit("v2", {DRAFT: V1.replace("forty gardeners", "forty *gardeners*")})  # markup only
    h = hist(repo)
    v2 = h.versions[0]
    data = ben.load()
    marks = viewed_sections(h, data.workflow.marks, v2, BEN[1])
    assert marks.viewed == {"front-matter": False, "intro": True, "method": False, "end": True}
    assert marks.summary == "2/3 viewed"
    [entry] = review_entries(h, data.workflow)
    assert (entry.current, entry.sections_changed_since, entry.verdict.version.commit) == (False, 1, v1.commit)
    # Marks are per reviewer: Ada sees none of Ben's.
    assert viewed_sections(h, data.workflow.marks, v2, ADA[1]).count == 0
    # Marking the changed section again, then taking it back.
    ben.set_viewed(v2, h.document(v2), "method")
    assert viewed_sections(h, ben.load().workflow.marks, v2, BEN[1]).summary == "3/3 viewed"
    assert ben.set_viewed(v2, h.document(v2), "method", history=h) is None  # already viewed: nothing written
    assert ben.set_viewed(v2, h.document(v2), "intro", viewed=False, history=h) is not None
    after = viewed_sections(h, ben.load().workflow.marks, v2, BEN[1])
    assert after.viewed["intro"] is False and after.viewed["method"] is True
    # The v1 mark on intro still holds on v1 (the unviewed was on v2's... same text: it applies there too).
    assert viewed_sections(h, ben.load().workflow.marks, v1, BEN[1]).viewed["intro"] is False


def test_marks_follow_a_moved_section_and_a_renamed_draft_and_heading_changes_clear(repo):
    repo.commit("v1", {DRAFT: V1})
    h = hist(repo)
    v1 = h.versions[0]
    ben = flow(repo, BEN)
    for key in ("intro", "method", "end"):
        ben.set_viewed(v1, h.document(v1), key)
    moved = V1.replace("# Method\n\nWe asked forty gardeners.\n\n", "")
    moved = moved.replace("# End\n", "# Method\n\nWe asked forty gardeners.\n\n# End\n", 1)
    moved = moved.replace("# Intro", "## Intro")  # heading markup: a change to intro's text
    repo.commit("move", {DRAFT: moved.replace("# Method", "# Method", 1)})
    repo.mv(DRAFT, "drafts/gardens.md")
    h = DraftHistory(GitRepo.open(repo.path), "drafts/gardens.md", include_worktree=False)
    marks = viewed_sections(h, ben.load().workflow.marks, h.versions[0], BEN[1])
    assert marks.viewed["method"] is True and marks.viewed["end"] is True
    assert marks.viewed["intro"] is False


def test_requests_are_answered_by_a_verdict_on_that_version_or_a_later_one(repo):
    repo.commit("v1", {DRAFT: V1})
    repo.commit("v2", {DRAFT: V1.replace("forty", "fifty")})
    h = hist(repo)
    v2, v1 = h.versions
    ada = flow(repo, ADA)
    ada.request_review(v2, ["ben@example.org", "cy@example.org"])
    ben = flow(repo, BEN, clock(50))
    ben.submit_verdict(v1, "approved")  # an older version does not answer
    report = review_status(h, [], ben.load().workflow, BEN)
    assert [(r.reviewer.email, r.answered) for r in report.requests] == [
        ("ben@example.org", False), ("cy@example.org", False)]
    assert [r.reviewer.email for r in report.for_me.requests] == ["ben@example.org"]
    assert report.requests[0].reviewer.name == "Ben Reviewer"  # known from his verdict
    ben.submit_verdict(v2, "changes_requested", "Needs a source.")
    report = review_status(h, [], ben.load().workflow, BEN)
    assert [(r.reviewer.email, r.answered) for r in report.requests] == [
        ("ben@example.org", True), ("cy@example.org", False)]
    assert report.for_me.requests == [] and not report.for_me.is_author
    # Ada (the author): Ben's change request waits until a newer version answers it.
    report = review_status(h, [], ben.load().workflow, ADA)
    assert [e.verdict.reviewer.email for e in report.for_me.changes_requested] == ["ben@example.org"]
    repo.commit("v3", {DRAFT: V1.replace("forty", "sixty")})
    h = hist(repo)
    report = review_status(h, [], ben.load().workflow, ADA)
    assert report.for_me.changes_requested == []
    assert [(e.current, e.sections_changed_since) for e in report.reviews] == [(False, 1)]
    json.dumps(report.to_json())


def test_a_reviewed_branch_commit_stands_where_the_branch_was_merged(repo):
    repo.commit("v1", {DRAFT: V1})
    base = repo.head()
    repo.git("checkout", "-q", "-b", "side")
    side = repo.commit("side edit", {DRAFT: V1.replace("So plant one.", "So plant two.")})
    repo.git("checkout", "-q", "main")
    main_edit = repo.commit("main edit", {"notes.txt": "x"})
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    merge = repo.head()
    after = repo.commit("after merge", {DRAFT: V1.replace("So plant one.", "So plant three.")})
    h = hist(repo)
    line = version_line(h)
    assert line.position(side) == line.position(merge)
    assert line.at_or_after(merge, None, side, None) and not line.at_or_after(side, None, merge, None)
    assert line.at_or_after(side, None, base, None) and line.at_or_after(after, None, side, None)
    assert line.at_or_after(side, None, main_edit, None)  # merged after main_edit: later, whatever the dates
    assert not line.at_or_after(after, None, "0" * 40, None)


def test_last_reviewed_finds_my_version_through_an_amended_commit(repo):
    repo.commit("v1", {DRAFT: V1})
    h = hist(repo)
    v1 = h.versions[0]
    flow(repo, BEN).submit_verdict(v1, "approved")
    repo.git("commit", "-q", "--amend", "-m", "v1 reworded")
    repo.commit("v2", {DRAFT: V1.replace("forty", "fifty")})
    h = hist(repo)
    found = last_reviewed(h, flow(repo).load().workflow, BEN[1])
    assert found is not None
    verdict, version = found
    assert version.commit == h.versions[1].commit != v1.commit and version.blob == v1.blob
    assert (verdict.verdict, verdict.version.commit) == ("approved", v1.commit)
    assert last_reviewed(h, flow(repo).load().workflow, "nobody@example.org") is None


def test_threads_awaiting_my_reply_and_my_unapplied_suggestions(repo):
    repo.commit("v1", {DRAFT: V1})
    h = hist(repo)
    v = h.versions[0]
    ben = ReviewStore(GitRepo.open(repo.path), identity=BEN, clock=clock())
    ada = ReviewStore(GitRepo.open(repo.path), identity=ADA, clock=clock(200))
    start = V1.index("forty")
    answered = ben.add_comment(v.commit, DRAFT, v.blob, "Which gardeners?", ("method", "Method"),
                               (start, start + 5, "forty", None, None), suggestion="fifty")
    quiet = ben.add_comment(v.commit, DRAFT, v.blob, "Nice ending.", ("end", "End"))
    ada.reply(answered.id, "Local ones.")
    ada_thread = ada.add_comment(v.commit, DRAFT, v.blob, "Note to self.")
    threads = ben.threads()
    report = review_status(h, threads, flow(repo).load().workflow, BEN)
    assert [t.id for t in report.for_me.threads_awaiting_reply] == [answered.id]
    assert [t.id for t in report.for_me.suggestions_unapplied] == [answered.id]
    # Ada wrote v1: she is an author and sees every open thread, but none awaits her.
    report = review_status(h, threads, flow(repo).load().workflow, ADA)
    assert report.for_me.is_author
    assert {t.id for t in report.for_me.open_threads} == {answered.id, quiet.id, ada_thread.id}
    assert report.for_me.threads_awaiting_reply == []
    # Once Ben answers, it no longer waits for him.
    ben.reply(answered.id, "Thanks.")
    report = review_status(h, ben.threads(), flow(repo).load().workflow, BEN)
    assert report.for_me.threads_awaiting_reply == []


def test_an_edit_may_carry_a_new_suggestion(repo):
    from reviewtool.errors import UsageError

    repo.commit("v1", {DRAFT: V1})
    v = hist(repo).versions[0]
    ben = ReviewStore(GitRepo.open(repo.path), identity=BEN, clock=clock())
    start = V1.index("forty")
    ev = ben.add_comment(v.commit, DRAFT, v.blob, "Which gardeners?", None,
                         (start, start + 5, "forty", None, None), suggestion="fifty")
    plain = ben.add_comment(v.commit, DRAFT, v.blob, "No quote here.")
    ben.edit(ev.id, "How many, really?", suggestion="sixty")
    with pytest.raises(UsageError, match="no quoted passage"):
        ben.edit(plain.id, "x", suggestion="y")
    [thread] = [t for t in ben.threads() if t.id == ev.id]
    assert (thread.body, thread.suggestion) == ("How many, really?", "sixty")
    assert json.loads(thread.edits[0].raw)["suggestion"] == "sixty"
    # Someone else's edit with a suggestion is refused, suggestion included.
    ada = ReviewStore(GitRepo.open(repo.path), identity=ADA, clock=clock(300))
    events, _ = ada.events()
    forged = parse_events(ev.id, [json.dumps({
        "v": 1, "id": "f" * 32, "type": "edit", "target": ev.id, "author": "Ada Author",
        "email": "ada@example.org", "time": "2024-06-01T00:00:00.000000Z", "body": "x", "suggestion": "evil"})])[0]
    [thread] = [t for t in fold(events + forged) if t.id == ev.id]
    assert thread.suggestion == "sixty" and len(thread.refused) == 1
