"""Property: notes merged by plain git fold to the same threads as notes merged by sync (issue 12, item 3).

``reviewtool init`` sets ``notes.reviewtool.mergeStrategy = cat_sort_uniq`` and the format
page endorses plain ``git notes merge -s cat_sort_uniq`` (and ``-s union``). Random review
events — comments, replies, edits, resolutions, retractions — with arbitrary bodies (NUL,
CR, U+2028, lone surrogates written as JSON escapes, bodies of 1 MB) are split between two
notes refs of one real repository, on a shared base or as unrelated histories. The refs
are merged three ways: ``git notes merge -s cat_sort_uniq``, ``git notes merge -s union``
and :func:`~reviewtool.review.notes_merge.merge_notes` (what ``reviewtool sync`` does). All
three must fold to the same threads, and to the threads of all events folded at once, so a
codec change that broke plain-git merging could not pass silently.
"""

from __future__ import annotations

import itertools
import json
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
from tests.gitutil import git, make_repo

PEOPLE = [("Ada Author", "ada@example.org"), ("Ben Reviewer", "ben@example.org")]
NOTE_COMMITS = ["1" * 40, "2" * 40]
ANCHOR = {"path": "drafts/essay.md", "blob": "b" * 40}
#: A body of 1 MB holding every awkward character, in a fixed order (drawn as a whole).
HUGE = ("line\r\nNUL\x00 sep\u2028 para\u2029 nel\x85 tab\t é 🌱 " * 24_000)[:1_000_000]
AWKWARD = "\x00\r\n\u2028\u2029\x85\t\ufeff\u200b\U0001f331\ud83d\udfff é\\\"{}"


@st.composite
def bodies(draw) -> str:
    """Arbitrary text (lone surrogates included) with at least one awkward character in it;
    one body in ten is the 1 MB one."""
    if draw(st.integers(0, 9)) == 0:
        return HUGE
    text = draw(st.text(st.characters(blacklist_categories=()), max_size=30))
    awkward = draw(st.text(st.sampled_from(AWKWARD), min_size=1, max_size=4))
    cut = draw(st.integers(0, len(text)))
    return text[:cut] + awkward + text[cut:]


def _line(data: dict) -> str:
    """One event line. A body with a lone surrogate is written with JSON escapes (as other
    tools do: raw, it cannot be UTF-8); the rest as reviewtool writes them."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, separators=(",", ":"))
    return encode_line(data)


@st.composite
def event_sets(draw) -> tuple[list[tuple[str, str]], list[str]]:
    """``[(note commit, line)]`` for a few threads, and how each line is shared: 'a', 'b', 'both'."""
    ids = iter(f"{n:032x}" for n in draw(st.lists(st.integers(0, 2**128 - 1), min_size=30, max_size=30,
                                                     unique=True)))
    events: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(1, 3))):
        note = draw(st.sampled_from(NOTE_COMMITS))
        root = next(ids)
        who = draw(st.sampled_from(PEOPLE))
        events.append((note, _line({"v": 1, "id": root, "type": "comment", "author": who[0], "email": who[1],
                                    "time": _time(draw(st.integers(0, 50))), "body": draw(bodies()),
                                    "anchor": {"commit": note, **ANCHOR}})))
        targets = [root]
        for _ in range(draw(st.integers(0, 4))):
            kind = draw(st.sampled_from(["reply", "edit", "resolve", "retract"]))
            who = draw(st.sampled_from(PEOPLE))
            eid = next(ids)
            data = {"v": 1, "id": eid, "type": kind, "target": draw(st.sampled_from(targets)), "author": who[0],
                    "email": who[1], "time": _time(draw(st.integers(0, 59)))}
            if kind in ("reply", "edit"):
                data["body"] = draw(bodies())
            if kind == "reply":
                targets.append(eid)
            events.append((note, _line(data)))
    shares = draw(st.lists(st.sampled_from(["a", "b", "both"]), min_size=len(events), max_size=len(events)))
    return events, shares


def _time(second: int) -> str:
    return f"2024-05-01T10:00:{second:02d}.000000Z"


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


@pytest.fixture(scope="module")
def gitrepo(tmp_path_factory) -> GitRepo:
    path: Path = tmp_path_factory.mktemp("plain-merge-props") / "repo"
    make_repo(path)
    return GitRepo.open(path)


_counter = itertools.count()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.data_too_large])
@given(data=event_sets(), shared_base=st.booleans())
def test_plain_git_merges_fold_like_sync(gitrepo: GitRepo, data, shared_base: bool):
    events, shares = data
    n = next(_counter)
    a, b = (NotesStore(gitrepo, f"refs/notes/q{n}-{side}") for side in "ab")
    both = [e for e, s in zip(events, shares) if s == "both"]
    only_a = [e for e, s in zip(events, shares) if s == "a"]
    only_b = [e for e, s in zip(events, shares) if s == "b"]
    if shared_base and both:
        a.append_many(_group(both))
        gitrepo.run("update-ref", b.ref, a.head() or "")
        a.append_many(_group(only_a))
        b.append_many(_group(only_b))
    else:  # unrelated histories holding some identical lines, written in another order
        a.append_many(_group(both + only_a))
        b.append_many(_group(list(reversed(only_b + both))))
    expected = [t.to_dict() for t in fold(
        [e for commit, lines in _group(events).items() for e in parse_events(commit, lines)[0]])]
    merged: dict[str, list[dict]] = {}
    for how in ("cat_sort_uniq", "union", "sync"):
        into = NotesStore(gitrepo, f"refs/notes/q{n}-{how}")
        if a.head() is not None:
            gitrepo.run("update-ref", into.ref, a.head() or "")
        if how == "sync":
            merge_notes(into, b.head(), "b")
        elif b.head() is not None:
            git(gitrepo.root, "notes", "--ref", into.ref, "merge", "-q", "-s", how, b.ref)
        merged[how] = _threads(into)
    assert merged["cat_sort_uniq"] == merged["union"] == merged["sync"] == expected
