"""Withdrawing a review request (`reviewtool review withdraw`): the requester takes it back,
or the reviewer declines it; an append-only `withdraw` event aimed at the request, folded
so that `status` no longer lists it as waiting, and a later request re-opens. Two clones
and a bare remote (real git, `reviewtool sync`), concurrent request + withdraw merged by
union, exports, and what is refused (one line, exit 2 for usage, 1 otherwise)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from reviewtool.draft.history import DraftHistory
from reviewtool.git.repo import GitRepo
from reviewtool.review import anchoring
from reviewtool.review.codec import parse_events
from reviewtool.review.fold import _fold
from reviewtool.review.status import review_status, version_line
from reviewtool.review.store import ReviewStore
from reviewtool.review.workflow import parse_workflow, request_states
from reviewtool.review.workflow_store import WorkflowStore
from tests.gitutil import Repo, git, make_repo

DRAFT = "drafts/essay.md"
ESSAY = "# Intro\n\nGardens lower stress for most people.\n\n# Method\n\nWe asked forty gardeners.\n"
ADA = ("Ada Author", "ada@example.org")
BEN = ("Ben Reviewer", "ben@example.org")
CY = ("Cy Critic", "cy@example.org")


@pytest.fixture(autouse=True)
def _fresh_caches():
    anchoring.clear_caches()


def rt(repo: Repo, *args: str):
    return CliRunner().invoke(main, ["-C", str(repo.path), *args])


def ok(repo: Repo, *args: str) -> str:
    result = rt(repo, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def ok_json(repo: Repo, *args: str) -> dict:
    return json.loads(ok(repo, *args, "--json"))


def as_(repo: Repo, who: tuple[str, str]) -> None:
    repo.git("config", "user.name", who[0])
    repo.git("config", "user.email", who[1])


def waiting(status: dict) -> list[str]:
    return [r["reviewer"]["email"] for r in status["requests"] if not r["answered"]]


def withdrawn(status: dict) -> list[tuple[str, str, bool]]:
    return [(r["reviewer"]["email"], r["withdrawn"]["by"]["email"], r["withdrawn"]["declined"])
            for r in status["withdrawn_requests"]]


@pytest.fixture
def world(tmp_path: Path) -> tuple[Repo, Repo, Repo]:
    """A bare remote, Ada's clone (the author) and Ben's (a reviewer), both configured to sync."""
    remote = make_repo(tmp_path / "remote.git", bare=True)
    ada = make_repo(tmp_path / "ada")
    as_(ada, ADA)
    ada.commit("v1", {DRAFT: ESSAY})
    ada.git("remote", "add", "origin", str(remote.path))
    ada.git("push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", str(remote.path), "ben")
    ben = Repo(tmp_path / "ben")
    as_(ben, BEN)
    return remote, ada, ben


def test_request_withdraw_sync_and_status_in_both_clones(world):
    remote, ada, ben = world
    v1 = ada.head()
    ok(ada, "review", "request", "-r", "ben@example.org", "-r", "cy@example.org", "-m", "First round.")
    ok(ada, "sync")
    ok(ben, "sync")
    assert waiting(ok_json(ben, "status")) == ["ben@example.org", "cy@example.org"]
    assert [r["version"] for r in ok_json(ben, "status")["for_me"]["requests"]] == [v1]

    # Ben declines, with a reason; Ada withdraws Cy's request.
    out = ok_json(ben, "review", "withdraw", "-m", "Away this week.")
    assert [(w["reviewers"], w["declined"], w["version"], w["body"]) for w in out["withdrawn"]] == [
        (["ben@example.org"], True, v1, "Away this week.")]
    assert ok(ada, "review", "withdraw", "-r", "cy@example.org") == (
        f"withdrew the request for cy@example.org to review {DRAFT} at {v1[:8]}\n")
    # Before the sync each clone sees only its own withdrawal.
    assert waiting(ok_json(ben, "status")) == ["cy@example.org"]
    assert waiting(ok_json(ada, "status")) == ["ben@example.org"]
    ok(ben, "sync")
    ok(ada, "sync")
    ok(ben, "sync")
    for clone in (ada, ben):
        status = ok_json(clone, "status")
        assert status["requests"] == [] and status["for_me"]["requests"] == []
        assert withdrawn(status) == [("ben@example.org", "ben@example.org", True),
                                     ("cy@example.org", "ada@example.org", False)]
        text = ok(clone, "status")
        assert "Ben Reviewer asked by Ada Author on " + v1[:8] + ": declined - Away this week." in text
        assert "cy@example.org asked by Ada Author on " + v1[:8] + ": withdrawn by Ada Author" in text
        assert "waiting" not in text
    # The events are appended, nothing removed: the request and both withdrawals are on the remote.
    types = sorted(json.loads(line)["type"]
                   for line in git(remote.path, "notes", "--ref", "reviewtool", "show", v1).splitlines())
    assert types == ["request", "withdraw", "withdraw"]

    # Asking again re-opens: a new request stands, and Ben sees it waiting for him.
    ok(ada, "review", "request", "-r", "ben@example.org", "-m", "Second try.")
    ok(ada, "sync")
    ok(ben, "sync")
    status = ok_json(ben, "status")
    assert waiting(status) == ["ben@example.org"]
    assert withdrawn(status) == [("cy@example.org", "ada@example.org", False)]
    assert [r["version"] for r in status["for_me"]["requests"]] == [v1]


def test_concurrent_request_and_withdraw_merge_the_same_in_both_orders(world, tmp_path):
    """Ben declines the first request while Ada, not knowing, asks again on the same version:
    after a union of the notes both clones agree, whichever synced first. The withdrawal
    aims at the request it saw, so Ada's new request stands."""
    remote, ada, ben = world
    ok(ada, "review", "request", "-r", "ben@example.org")
    ok(ada, "sync")
    ok(ben, "sync")
    git(tmp_path, "clone", "-q", str(remote.path), "ada2")
    ada2 = Repo(tmp_path / "ada2")
    as_(ada2, ADA)
    ok(ada2, "sync")
    ok(ben, "review", "withdraw", "-m", "Not my field.")
    ok(ada, "review", "request", "-r", "ben@example.org", "-m", "Please, it is short.")
    # Ada's clone syncs first, Ben's second; ada2 is a third copy that only ever fetches.
    ok(ada, "sync")
    ok(ben, "sync")
    ok(ada, "sync")
    ok(ada2, "sync")
    results = [ok_json(clone, "status") for clone in (ada, ben, ada2)]
    for status in results:
        assert waiting(status) == ["ben@example.org"]
        assert status["withdrawn_requests"] == []
    assert results[0]["requests"] == results[1]["requests"] == results[2]["requests"]


def fold_status(lines: list[str], repo: Repo, me=ADA) -> list[tuple[str, str]]:
    """Fold these note lines (in this order) into (reviewer, state) for the draft of *repo*."""
    events, problems = parse_events("c1", lines)
    assert problems == []
    workflow, problems = parse_workflow(events)
    assert problems == []
    r = GitRepo.open(repo.path)
    history = DraftHistory(r, DRAFT, include_worktree=False)
    states = request_states(workflow.requests, workflow.verdicts, version_line(history),
                            withdrawals=workflow.withdrawals)
    return [(s.reviewer.email, s.state) for s in states]


def test_the_fold_is_the_same_for_every_line_order_and_orders_by_time_then_id(world):
    _, ada, _ = world
    v1 = ada.head()
    blob = ada.git("rev-parse", f"{v1}:{DRAFT}").strip()
    anchor = {"commit": v1, "path": DRAFT, "blob": blob}

    def line(eid, etype, who, time, **fields):
        data = {"v": 1, "id": eid, "type": etype, "author": who[0], "email": who[1],
                "time": f"2024-05-01T10:00:{time:02d}.000000Z", "anchor": anchor, **fields}
        return json.dumps(data)

    req = line("a" * 32, "request", ADA, 1, reviewers=["ben@example.org", "cy@example.org"])
    # Two withdrawals of Cy's request at the same time: the smaller id is the one that counts.
    w1 = line("c" * 32, "withdraw", ADA, 2, target="a" * 32, reviewers=["cy@example.org"], body="second")
    w2 = line("b" * 32, "withdraw", CY, 2, target="a" * 32, reviewers=["cy@example.org"], body="first")
    # Someone who neither asked nor was asked: no effect.
    stranger = line("d" * 32, "withdraw", ("Eve", "eve@example.org"), 3, target="a" * 32,
                    reviewers=["ben@example.org"])
    lines = [req, w1, w2, stranger]
    expected = [("ben@example.org", "waiting"), ("cy@example.org", "withdrawn")]
    for order in (lines, lines[::-1], [w2, stranger, req, w1]):
        assert fold_status(order, ada) == expected
    events, _ = parse_events("c1", lines)
    workflow, _ = parse_workflow(events)
    r = GitRepo.open(ada.path)
    states = request_states(workflow.requests, workflow.verdicts,
                            version_line(DraftHistory(r, DRAFT, include_worktree=False)),
                            withdrawals=workflow.withdrawals)
    cy = states[1]
    assert (cy.withdrawn.id, cy.withdrawn.body, cy.declined) == ("b" * 32, "first", True)
    # A withdrawal aimed at another request (an older one) leaves a newer request standing.
    newer = line("e" * 32, "request", ADA, 4, reviewers=["cy@example.org"])
    assert fold_status([*lines, newer], ada) == [("ben@example.org", "waiting"), ("cy@example.org", "waiting")]
    # A verdict answers a request whatever withdrawals say (the review happened).
    verdict = line("f" * 32, "verdict", CY, 5, verdict="approved")
    assert fold_status([*lines, verdict], ada) == [("ben@example.org", "waiting"), ("cy@example.org", "answered")]


def test_withdraw_lines_are_workflow_events_threads_ignore_and_malformed_ones_are_reported(world):
    _, ada, _ = world
    v1 = ada.head()
    anchor = {"commit": v1, "path": DRAFT, "blob": "0" * 40}
    good = {"v": 1, "id": "1" * 32, "type": "withdraw", "target": "9" * 32, "author": "Ada", "email": "a@x.org",
            "time": "2024-05-01T10:00:00Z", "anchor": anchor, "reviewers": ["b@x.org"], "x-client": "later"}
    no_target = {**good, "id": "2" * 32}
    del no_target["target"]
    no_reviewers = {**good, "id": "3" * 32, "reviewers": []}
    events, problems = parse_events("c1", [json.dumps(d) for d in (good, no_target, no_reviewers)])
    assert problems == []  # readers that do not know the type parse and keep it
    lost: list = []
    assert _fold(events, lost) == [] and lost == []  # no thread event, so its target is no dangling one
    workflow, problems = parse_workflow(events)
    assert [(w.id, w.target, w.reviewers) for w in workflow.withdrawals] == [("1" * 32, "9" * 32, ("b@x.org",))]
    assert workflow.withdrawals[0].event.extra["x-client"] == "later"  # unknown fields kept
    assert sorted(p.reason.split(":", 1)[1].strip() for p in problems) == [
        "a withdraw needs reviewers: a list of emails",
        "a withdrawal needs a target: the id of the request it withdraws"]


def test_the_withdrawal_is_later_than_the_request_whatever_the_clock(world):
    _, ada, _ = world
    repo = GitRepo.open(ada.path)
    history = DraftHistory(repo, DRAFT, include_worktree=False)
    late = WorkflowStore(ReviewStore(repo, identity=ADA, clock=lambda: "2030-01-01T00:00:00.000000Z"))
    req = late.request_review(history.versions[0], ["ben@example.org"])
    early = WorkflowStore(ReviewStore(repo, identity=BEN, clock=lambda: "2020-01-01T00:00:00.000000Z"))
    [w] = early.withdraw_requests(history, [])
    assert w.time > req.time and w.target == req.id
    report = review_status(history, [], early.load().workflow, BEN)
    assert report.requests == [] and [s.reviewer.email for s in report.withdrawn] == ["ben@example.org"]


@pytest.mark.parametrize(("who", "args", "code", "message"), [
    (ADA, ("-r", "not-an-email"), 2, "invalid reviewer 'not-an-email'"),
    (ADA, ("-r", "dan@example.org"), 1, "nobody asked dan@example.org to review drafts/essay.md"),
    (("Eve", "eve@example.org"), ("-r", "ben@example.org"), 2,
     "only Ada Author <ada@example.org> (who asked) or ben@example.org (who was asked) can withdraw"),
    (("Eve", "eve@example.org"), (), 1, "nobody asked eve@example.org to review"),
])
def test_what_is_refused_is_one_line_and_writes_nothing(world, who, args, code, message):
    _, ada, _ = world
    ok(ada, "review", "request", "-r", "ben@example.org")
    before = ada.git("rev-parse", "refs/notes/reviewtool")
    as_(ada, who)
    result = rt(ada, "review", "withdraw", *args)
    assert result.exit_code == code
    assert result.stderr.startswith("reviewtool: error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert ada.git("rev-parse", "refs/notes/reviewtool") == before


def test_an_answered_or_already_withdrawn_request_is_refused(world):
    _, ada, _ = world
    ok(ada, "review", "request", "-r", "ben@example.org", "-r", "cy@example.org")
    ok(ada, "review", "withdraw", "-r", "cy@example.org")
    result = rt(ada, "review", "withdraw", "-r", "cy@example.org")
    assert result.exit_code == 1
    assert "already withdrawn (Ada Author <ada@example.org> withdrew it)" in result.stderr
    as_(ada, BEN)
    ok(ada, "review", "submit", "--approve")
    as_(ada, ADA)
    result = rt(ada, "review", "withdraw", "-r", "ben@example.org")
    assert result.exit_code == 1 and "ben@example.org already answered the request" in result.stderr


def test_exports_list_withdrawn_requests_apart_from_open_ones(world, tmp_path):
    _, ada, _ = world
    ok(ada, "review", "request", "-r", "ben@example.org", "-r", "cy@example.org")
    as_(ada, CY)
    ok(ada, "review", "withdraw", "-m", "On leave <until May>")
    as_(ada, ADA)
    data = json.loads(ok(ada, "export", "--format", "json"))
    review = data["summary"]["review"]
    assert [r["reviewer"]["email"] for r in review["requests"]] == ["ben@example.org"]
    assert [(r["reviewer"]["email"], r["withdrawn"]["declined"], r["withdrawn"]["body"])
            for r in review["withdrawn_requests"]] == [("cy@example.org", True, "On leave <until May>")]
    md = ok(ada, "export", "--format", "markdown")
    open_part = md.split("**Open review requests:**")[1].split("**Withdrawn review requests:**")
    assert "ben@example.org" in open_part[0] and "cy@example.org" not in open_part[0]
    assert "- Cy Critic \\<cy@example.org\\>, asked by Ada Author \\<ada@example.org\\> on " in open_part[1]
    assert "declined (On leave \\<until May\\>)" in open_part[1]
    page = ok(ada, "export", "--format", "html")
    assert "<h3>Withdrawn review requests</h3>" in page
    assert "declined (On leave &lt;until May&gt;)" in page
