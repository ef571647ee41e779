"""Hostile review data: reply loops cannot make folding quadratic, and are reported once
(one warning per loop, however long; --json keeps a problem per event).

Work is counted, not timed: :func:`lines_run` counts the lines of ``reviewtool/review/fold.py``
that execute while folding (``sys.settrace``), so the test means the same on any machine.
Doubling the events must at most about double the work, whatever the events target.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

import reviewtool.review.fold as fold_module
from reviewtool.git.notes_ref import NotesStore
from reviewtool.git.repo import GitRepo
from reviewtool.review.codec import parse_events
from reviewtool.review.events import Event, Problem, encode_line
from reviewtool.review.fold import _fold, dangling_problems, dedupe
from reviewtool.review.store import ReviewStore

ADA = ("Ada Author", "ada@example.org")
BEN = ("Ben Reviewer", "ben@example.org")
ANCHOR = {"commit": "c" * 40, "path": "drafts/essay.md", "blob": "b" * 40}


def line(eid: str, etype: str, t: int, target: str | None = None, body: str | None = "text",
         who: tuple[str, str] = ADA) -> str:
    data = {"v": 1, "id": eid, "type": etype, "author": who[0], "email": who[1],
            "time": f"2024-01-01T{t // 3600 % 24:02d}:{t // 60 % 60:02d}:{t % 60:02d}.{t:06d}Z"}
    if target is not None:
        data["target"] = target
    if body is not None:
        data["body"] = body
    if etype == "comment":
        data["anchor"] = ANCHOR
    return encode_line(data)


def events_of(lines: list[str]) -> list[Event]:
    events, problems = parse_events("c" * 40, lines)
    assert problems == []
    return events


def fold_with_problems(events: list[Event]) -> tuple[list, list[Problem]]:
    lost: list[Event] = []
    unique, _ = dedupe(events)
    threads = _fold(unique, lost)
    return threads, dangling_problems(lost)


def lines_run(work: Callable[[], object]) -> int:
    """How many lines of fold.py execute while *work* runs."""
    count = 0
    code_file = fold_module.__file__

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename == code_file else None

    sys.settrace(tracer)
    try:
        work()
    finally:
        sys.settrace(None)
    return count


# ---------------------------------------------------------------------------- shapes of hostile data


def ring(n: int) -> list[str]:
    """One comment, then *n* replies each targeting the next, the last the first: a loop."""
    out = [line("c0", "comment", 1)]
    out += [line(f"r{i}", "reply", 10 + i, target=f"r{(i + 1) % n}") for i in range(n)]
    return out


def lasso(n: int) -> list[str]:
    """A chain of *n* replies running into a loop of three (each walk would go round it)."""
    out = [line("c0", "comment", 1)]
    out += [line(f"r{i}", "reply", 10 + i, target=f"r{i + 1}") for i in range(n)]
    out += [line(f"r{n}", "reply", 10 + n, target=f"r{n + 1}"), line(f"r{n + 1}", "reply", 11 + n, target=f"r{n}")]
    return out


def chain_to_nowhere(n: int) -> list[str]:
    """*n* replies in a chain whose end targets an id nobody wrote."""
    out = [line("c0", "comment", 1)]
    out += [line(f"r{i}", "reply", 10 + i, target=f"r{i + 1}" if i + 1 < n else "gone") for i in range(n)]
    return out


def ordinary(n: int) -> list[str]:
    """*n* comments, each with one reply: what a large, healthy review looks like."""
    out = []
    for i in range(n // 2):
        out.append(line(f"c{i}", "comment", 2 * i + 1))
        out.append(line(f"r{i}", "reply", 2 * i + 2, target=f"c{i}"))
    return out


@pytest.mark.parametrize("shape", [ring, lasso, chain_to_nowhere, ordinary])
def test_folding_work_is_linear_in_events_whatever_they_target(shape):
    small, big = events_of(shape(400)), events_of(shape(1600))
    work_small = lines_run(lambda: fold_with_problems(list(small)))
    work_big = lines_run(lambda: fold_with_problems(list(big)))
    # Four times the events: linear work is about four times (quadratic would be sixteen).
    assert work_big <= 4.6 * work_small, (shape.__name__, work_small, work_big)
    # And within a small constant of the work a healthy review of the same size takes
    # (set-aside events are folded twice, then each is reported: about 4.5 times).
    healthy = lines_run(lambda: fold_with_problems(events_of(ordinary(1600))))
    assert work_big <= 6 * healthy, (shape.__name__, work_big, healthy)


def test_loop_members_are_reported_once_as_never_reaching_a_comment():
    threads, problems = fold_with_problems(events_of(ring(5)))
    assert [len(t.replies) for t in threads] == [0]
    assert len(problems) == 5
    assert sorted(p.text.split('"id":"')[1][:2] for p in problems) == ["r0", "r1", "r2", "r3", "r4"]
    for p in problems:
        assert p.reason.endswith("reply chain never reaches a comment (it loops)"), p.reason
        assert "unknown target" not in p.reason


def test_a_chain_ending_nowhere_names_the_missing_target_once():
    _, problems = fold_with_problems(events_of(chain_to_nowhere(4)))
    reasons = sorted(p.reason for p in problems)
    assert reasons == [
        "reply r0: reply chain never reaches a comment (it ends at unknown target gone)",
        "reply r1: reply chain never reaches a comment (it ends at unknown target gone)",
        "reply r2: reply chain never reaches a comment (it ends at unknown target gone)",
        "reply r3: unknown target gone",
    ]


def test_events_on_a_loop_member_say_so():
    lines = [*ring(3), line("e1", "edit", 100, target="r1", body="new"),
             line("x1", "resolve", 101, target="r2", body=None, who=BEN)]
    _, problems = fold_with_problems(events_of(lines))
    by_id = {p.reason.split(":")[0]: p.reason for p in problems}
    assert by_id["edit e1"] == "edit e1: its target r1 is a reply whose chain never reaches a comment"
    assert by_id["resolve x1"] == "resolve x1: its target r2 is a reply whose chain never reaches a comment"
    assert len(problems) == 5


def test_healthy_threads_beside_a_loop_still_fold():
    lines = [*ring(50), line("c9", "comment", 500), line("r-ok", "reply", 501, target="c9"),
             line("r-ok2", "reply", 502, target="r-ok")]
    threads, problems = fold_with_problems(events_of(lines))
    by_id = {t.id: t for t in threads}
    assert [r.id for r in by_id["c9"].replies] == ["r-ok", "r-ok2"]
    assert len(problems) == 50


def test_a_note_full_of_reply_loops_loads_and_reports_through_the_store(repo):
    """End to end on a real repository: 4,000 lines of replies in pairs that target each
    other, in a real note; the store loads it and reports every line once."""
    repo.commit("v1", {"drafts/essay.md": "# Essay\n\nText.\n"})
    head = repo.head()
    lines = [line("c0", "comment", 1)]
    for i in range(0, 4000, 2):
        lines += [line(f"a{i}", "reply", 10 + i, target=f"a{i + 1}"),
                  line(f"a{i + 1}", "reply", 11 + i, target=f"a{i}")]
    NotesStore(GitRepo.open(repo.path)).append(head, lines)
    store = ReviewStore(GitRepo.open(repo.path))
    work = lines_run(store.load)
    threads, problems = store.load()
    assert [t.id for t in threads] == ["c0"] and threads[0].replies == []
    assert len(problems) == 4000
    assert {p.reason.split(": ", 1)[1] for p in problems} == {"reply chain never reaches a comment (it loops)"}
    assert work < 80 * 4000, work  # about 56 lines per event; quadratic would be thousands


# ---------------------------------------------------------------------------- told once per loop


def test_each_problem_of_a_loop_names_its_loop():
    lines = [*ring(5), line("l0", "reply", 50, target="l1"), line("l1", "reply", 51, target="l2"),
             line("l2", "reply", 52, target="l1"), line("e1", "edit", 100, target="r1", body="new"),
             line("x9", "reply", 200, target="gone")]
    _, problems = fold_with_problems(events_of(lines))
    loop_of = {p.event: p.loop for p in problems}
    assert loop_of["x9"] is None  # an unknown target is no loop
    ring_loop = loop_of["r0"]
    assert ring_loop is not None and ring_loop[0] in {f"r{i}" for i in range(5)} and ring_loop[1] == 5
    assert {loop_of[f"r{i}"] for i in range(5)} == {ring_loop}
    assert loop_of["e1"] == ring_loop  # an event aimed at a reply on the loop
    # l0 runs into the loop l1 <-> l2: the same loop, of two replies.
    assert loop_of["l0"] == loop_of["l1"] == loop_of["l2"] and loop_of["l0"][1] == 2
    assert loop_of["l0"] != ring_loop


def test_a_loop_of_16000_replies_in_a_real_note_is_one_warning(repo):
    """End to end: a real notes ref holding a ring of 16,000 replies, and a second loop of
    two; `comments` and `status` print one warning per loop and their total, not one per
    event; --json still lists every event's problem."""
    import json

    from click.testing import CliRunner

    from reviewtool.cli.commands import main

    repo.commit("v1", {"drafts/essay.md": "# Essay\n\nText.\n"})
    head = repo.head()
    store = NotesStore(GitRepo.open(repo.path))
    store.append(head, ring(16_000))
    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(main, ["-C", str(repo.path), *args], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        return result

    for command in ("comments", "status"):
        warnings = run(command).stderr.splitlines()
        assert len(warnings) == 1, warnings[:5]
        assert warnings[0].startswith(f"reviewtool: warning: note on {head[:12]} line 2: reply loop of 16,000 "
                                      "replies (r0, r1, r2, …): never reaches a comment, not shown")
    data = json.loads(run("comments", "--json").stdout)
    assert len(data["problems"]) == 16_000
    assert {p["reason"].split(": ", 1)[1] for p in data["problems"]} == {
        "reply chain never reaches a comment (it loops)"}

    store.append(head, [line("p0", "reply", 90_000, target="p1"), line("p1", "reply", 90_001, target="p0"),
                        line("t0", "reply", 90_002, target="p0"), line("u1", "reply", 90_003, target="nowhere")])
    warnings = run("comments").stderr.splitlines()
    assert len(warnings) == 4, warnings
    assert "reply loop of 16,000 replies" in warnings[0]
    assert "line 16002: reply loop of 2 replies (p0, p1, t0), and 1 event caught with it" in warnings[1]
    assert warnings[2].endswith("reply u1: unknown target nowhere")
    assert warnings[3] == ("reviewtool: warning: 2 reply loops: 16,003 events never reach a comment "
                           "and are not shown")
    assert len(json.loads(run("comments", "--json").stdout)["problems"]) == 16_004
