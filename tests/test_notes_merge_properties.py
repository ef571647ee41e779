"""Property: merging review notes is a union that does not depend on order and is idempotent.

Random event sets (comments, replies to comments and replies, edits by the author and by
others, resolve/reopen, retractions) are split between two clones with overlaps, either on
top of a shared base notes commit or as unrelated histories holding some identical lines.
Merging A into B and B into A must fold to the same threads as folding every event at
once, lose no event id, and merging again must change nothing. Both "clones" are notes refs
of one real repository, merged with :func:`reviewtool.review.notes_merge.merge_notes`.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtool.git.notes_ref import NotesStore
from reviewtool.git.repo import GitRepo
from reviewtool.review.codec import parse_events
from reviewtool.review.events import encode_line
from reviewtool.review.fold import fold
from reviewtool.review.notes_merge import merge_notes
from tests.gitutil import make_repo

PEOPLE = [("Ada Author", "ada@example.org"), ("Ben Reviewer", "ben@example.org")]
NOTE_COMMITS = ["1" * 40, "2" * 40, "3" * 40]
ANCHOR = {"path": "drafts/essay.md", "blob": "b" * 40}


@st.composite
def event_sets(draw) -> tuple[list[tuple[str, str]], list[str]]:
    """``[(note commit, line)]`` for a few threads, and how each event is shared: 'a', 'b' or 'both'."""
    ids = iter(draw(st.lists(st.text("0123456789abcdef", min_size=8, max_size=8), min_size=40, max_size=40,
                             unique=True)))
    events: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(1, 3))):
        note = draw(st.sampled_from(NOTE_COMMITS))
        root = next(ids)
        author = draw(st.sampled_from(PEOPLE))
        t = draw(st.integers(0, 50))
        events.append((note, encode_line({"v": 1, "id": root, "type": "comment", "author": author[0],
                                          "email": author[1], "time": _time(t), "body": "root",
                                          "anchor": {"commit": note, **ANCHOR}})))
        targets = [(root, author)]
        for _ in range(draw(st.integers(0, 6))):
            kind = draw(st.sampled_from(["reply", "edit", "resolve", "reopen", "retract"]))
            who = draw(st.sampled_from(PEOPLE))
            target, _owner = draw(st.sampled_from(targets))
            eid = next(ids)
            # Times may tie (ordering then falls back to ids) and may even precede the target.
            data = {"v": 1, "id": eid, "type": kind, "target": target, "author": who[0], "email": who[1],
                    "time": _time(draw(st.integers(0, 60)))}
            if kind in ("reply", "edit"):
                data["body"] = f"{kind} {eid}"
            if kind == "reply":
                targets.append((eid, who))
            events.append((note, encode_line(data)))
    shares = draw(st.lists(st.sampled_from(["a", "b", "both"]), min_size=len(events), max_size=len(events)))
    return events, shares


def _time(second: int) -> str:
    return f"2024-05-01T10:00:{second:02d}.000000Z" if second < 60 else "2024-05-01T10:01:00.000000Z"


def _group(lines: list[tuple[str, str]]) -> dict[str, list[str]]:
    notes: dict[str, list[str]] = {}
    for note, line in lines:
        notes.setdefault(note, []).append(line)
    return notes


def _threads(store: NotesStore) -> list[dict]:
    events = []
    for commit, lines in store.read_all().items():
        parsed, problems = parse_events(commit, lines)
        assert problems == []
        events.extend(parsed)
    return [t.to_dict() for t in fold(events)]


def _ids(store: NotesStore) -> set[str]:
    return {e.id for commit, lines in store.read_all().items() for e in parse_events(commit, lines)[0]}


@pytest.fixture(scope="module")
def gitrepo(tmp_path_factory) -> GitRepo:
    path: Path = tmp_path_factory.mktemp("merge-props") / "repo"
    make_repo(path)
    return GitRepo.open(path)


_counter = itertools.count()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=event_sets(), shared_base=st.booleans())
def test_merge_is_an_order_independent_idempotent_union(gitrepo: GitRepo, data, shared_base: bool):
    events, shares = data
    n = next(_counter)
    a = NotesStore(gitrepo, f"refs/notes/p{n}-a")
    b = NotesStore(gitrepo, f"refs/notes/p{n}-b")
    both = [e for e, s in zip(events, shares) if s == "both"]
    only_a = [e for e, s in zip(events, shares) if s == "a"]
    only_b = [e for e, s in zip(events, shares) if s == "b"]
    if shared_base and both:
        a.append_many(_group(both))
        gitrepo.run("update-ref", b.ref, a.head())
        a.append_many(_group(only_a))
        b.append_many(_group(only_b))
    else:
        # Unrelated histories: the shared events written separately, in a different order.
        a.append_many(_group(both + only_a))
        b.append_many(_group(list(reversed(only_b + both))))
    expected = [t.to_dict() for t in fold(
        [e for commit, lines in _group(events).items() for e in parse_events(commit, lines)[0]])]
    ids_before = _ids(a) | _ids(b)
    a_tip, b_tip = a.head(), b.head()

    ab, _kind_ab, _ = merge_notes(a, b_tip, "b")
    ba, _kind_ba, _ = merge_notes(b, a_tip, "a")
    assert _threads(a) == _threads(b) == expected
    assert _ids(a) == _ids(b) == ids_before == {e.id for e in fold_all(events)}
    # Idempotent: merging the same side again, or each other's merge results, adds nothing.
    lines_a = {k: sorted(v) for k, v in a.read_all().items()}
    again, kind_again, counts = merge_notes(a, b_tip, "b")
    assert again == ab and kind_again in ("ours", "up-to-date") and counts.new_from_remote == 0
    merge_notes(a, ba, "b")
    merge_notes(b, a.head(), "a")
    assert {k: sorted(v) for k, v in a.read_all().items()} == lines_a
    assert {k: sorted(v) for k, v in b.read_all().items()} == lines_a
    assert _threads(a) == _threads(b) == expected


def fold_all(events: list[tuple[str, str]]):
    """Every event (not only thread roots) parsed from the lines, deduplicated by id."""
    parsed = [e for commit, lines in _group(events).items() for e in parse_events(commit, lines)[0]]
    return list({e.id: e for e in parsed}.values())
