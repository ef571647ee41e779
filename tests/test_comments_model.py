"""The event model: parsing, folding rules, ReviewStore writes and their validation (real git)."""

from __future__ import annotations

import json

import pytest

from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.notes_ref import DEFAULT_NOTES_REF, NotesStore
from reviewtool.git.repo import GitRepo
from reviewtool.review.codec import parse_events, parse_note, parse_notes
from reviewtool.review.events import Anchor, Event, Reply, Thread, encode_line, normalize_time
from reviewtool.review.fold import fold
from reviewtool.review.store import ReviewStore
from tests.gitutil import Repo

ESSAY = ("---\ntitle: Essay\n---\n\n# Intro\n\nThe first paragraph makes a claim about gardens.\n\n"
         "# Body\n\nEvidence follows, with an example ünïcode word.\n")
ANCHOR = {"commit": "c" * 40, "path": "drafts/essay.md", "blob": "b" * 40}
ADA = ("Ada Author", "ada@example.org")
BEN = ("Ben Reviewer", "ben@example.org")


def ev(eid: str, etype: str, t: int, who=ADA, target: str | None = None, body: str | None = None,
       **extra) -> str:
    """One event line with time second *t* (2024-01-01T00:00:t)."""
    data = {"v": 1, "id": eid, "type": etype, "author": who[0], "email": who[1],
            "time": f"2024-01-01T00:{t // 60:02d}:{t % 60:02d}.000000Z"}
    if target is not None:
        data["target"] = target
    if body is not None:
        data["body"] = body
    if etype == "comment":
        data.setdefault("anchor", ANCHOR)
    data.update(extra)
    return encode_line(data)


def threads_of(*lines: str, commit: str = "c" * 40) -> list[Thread]:
    events, problems = parse_events(commit, list(lines))
    assert problems == []
    return fold(events)


# ---------------------------------------------------------------------------- parsing


def test_parse_keeps_unknown_fields_and_reports_malformed_lines():
    lines = [
        ev("c1", "comment", 1, body="Hello", mood="curious"),
        "",
        "{not json",
        "[1, 2]",
        '{"v": 1, "type": "reply"}',  # no id
        ev("r1", "reply", 2, target="c1"),  # reply without body
        ev("x1", "x-future-type", 3, target="c1", body="?"),
        '{"a": 1} {"b": 2}',
        ev("t1", "comment", 4, body="naive time").replace("00:00:04.000000Z", "00:00:04"),
    ]
    events, problems = parse_events("c" * 40, lines)
    assert [e.id for e in events] == ["c1", "x1"]
    assert events[0].extra == {"mood": "curious"} and events[0].raw == lines[0]
    assert events[0].note_commit == "c" * 40
    assert [(p.line_no, p.text) for p in problems] == [(3, lines[2]), (4, lines[3]), (5, lines[4]),
                                                       (6, lines[5]), (8, lines[7]), (9, lines[8])]
    assert "not JSON" in problems[0].reason and "not a JSON object" in problems[1].reason
    assert "id" in problems[2].reason and "body" in problems[3].reason
    # Unknown types are parsed but never folded into anything.
    (thread,) = fold(events)
    assert thread.events == [events[0]] and thread.body == "Hello"
    # Unknown fields survive a round trip.
    assert json.loads(events[0].to_line())["mood"] == "curious"


def test_time_normalisation_orders_foreign_timestamps():
    assert normalize_time("2024-01-01T00:00:01Z") == "2024-01-01T00:00:01.000000Z"
    assert normalize_time("2024-01-01T01:00:01.5+01:00") == "2024-01-01T00:00:01.500000Z"
    with pytest.raises(ValueError):
        normalize_time("2024-01-01T00:00:01")
    # A foreign writer without fractions still sorts in time order against ours.
    lines = [ev("c1", "comment", 1, body="x"),
             ev("e1", "edit", 3, target="c1", body="later").replace("00:00:03.000000Z", "00:00:03Z"),
             ev("e2", "edit", 2, target="c1", body="earlier")]
    (thread,) = threads_of(*lines)
    assert thread.body == "later" and [e.id for e in thread.edits] == ["e2", "e1"]


def test_anchor_json_round_trip():
    full = Anchor("c" * 40, "d.md", "b" * 40, "intro", "Intro", 3, 9, "abcdef", "pre", "suf")
    assert Anchor.from_json(full.to_json()) == full
    assert set(full.to_json()) == {"commit", "path", "blob", "section", "quote"}
    bare = Anchor("c" * 40, "d.md", "b" * 40)
    assert bare.to_json() == {"commit": "c" * 40, "path": "d.md", "blob": "b" * 40}
    assert Anchor.from_json(bare.to_json()) == bare and not bare.has_quote and not bare.has_section
    for bad in ({"commit": "c"}, {**ANCHOR, "quote": {"start": 5, "end": 2, "exact": ""}},
                {**ANCHOR, "quote": {"start": "1", "end": 2, "exact": ""}}, {**ANCHOR, "section": "x"}):
        with pytest.raises(ValueError):
            Anchor.from_json(bad)


def test_encode_line_never_contains_a_line_terminator():
    line = encode_line({"body": "a\nb\rc\u2028d\u2029e\x85f"})
    assert "\n" not in line and "\r" not in line and len(line.splitlines()) == 1
    assert json.loads(line)["body"] == "a\nb\rc\u2028d\u2029e\x85f"


# ---------------------------------------------------------------------------- folding


def test_edit_history_and_latest_text():
    (t,) = threads_of(
        ev("c1", "comment", 1, body="v1"),
        ev("e2", "edit", 5, target="c1", body="v3"),
        ev("e1", "edit", 3, target="c1", body="v2"),
    )
    assert t.body == "v3" and [e.body for e in t.edits] == ["v2", "v3"]
    assert t.created.endswith("00:01.000000Z") and t.updated.endswith("00:05.000000Z")
    assert t.root.body == "v1"  # the original stays in the history


def test_only_the_author_edits_or_retracts_others_are_refused():
    (t,) = threads_of(
        ev("c1", "comment", 1, who=ADA, body="mine"),
        ev("r1", "reply", 2, who=BEN, target="c1", body="ben's reply"),
        ev("e1", "edit", 3, who=BEN, target="c1", body="hijacked"),
        ev("x1", "retract", 4, who=BEN, target="c1"),
        ev("e2", "edit", 5, who=ADA, target="r1", body="put words in Ben's mouth"),
        ev("e3", "edit", 6, who=("Ben R.", "BEN@example.org"), target="r1", body="ben edits own"),
    )
    assert t.body == "mine" and not t.retracted and t.edits == []
    assert [e.id for e in t.refused] == ["e1", "x1", "e2"]
    assert t.replies[0].body == "ben edits own"  # same email (case-insensitive) is the same person
    assert [e.id for e in t.events] == ["c1", "r1", "e1", "x1", "e2", "e3"]


def test_retract_by_author():
    (t,) = threads_of(
        ev("c1", "comment", 1, body="oops"),
        ev("r1", "reply", 2, who=BEN, target="c1", body="hm"),
        ev("x1", "retract", 3, who=BEN, target="r1"),
        ev("x2", "retract", 4, target="c1"),
    )
    assert t.retracted and t.replies[0].retracted and t.refused == []


def test_resolve_and_reopen_apply_in_time_order_ties_by_id():
    (t,) = threads_of(
        ev("c1", "comment", 1, body="x"),
        ev("s3", "reopen", 9, who=BEN, target="c1"),
        ev("s1", "resolve", 5, who=BEN, target="c1"),
        ev("s2", "resolve", 9, target="c1"),
    )
    # At second 9 resolve "s2" comes before reopen "s3" (ties by id): open.
    assert t.status == "open" and not t.resolved
    (t,) = threads_of(
        ev("c1", "comment", 1, body="x"),
        ev("a3", "reopen", 9, target="c1"),
        ev("b2", "resolve", 9, target="c1"),
    )
    assert t.status == "resolved"


def test_replies_to_replies_belong_to_the_thread():
    (t,) = threads_of(
        ev("c1", "comment", 1, body="root"),
        ev("r1", "reply", 2, who=BEN, target="c1", body="first"),
        ev("r2", "reply", 3, target="r1", body="answer to first"),
        ev("r3", "reply", 4, who=BEN, target="r2", body="deeper"),
        ev("s1", "resolve", 5, target="r3"),  # a reply id resolves its thread
        ev("rx", "reply", 6, target="nowhere", body="dangling"),
    )
    assert [r.id for r in t.replies] == ["r1", "r2", "r3"]
    assert [r.target for r in t.replies] == ["c1", "r1", "r2"]
    assert t.resolved


def test_reply_with_skewed_clock_before_its_target_still_folds():
    (t,) = threads_of(
        ev("c1", "comment", 5, body="root"),
        ev("r1", "reply", 2, who=BEN, target="c1", body="clock behind"),
        ev("e1", "edit", 1, who=BEN, target="r1", body="edited, clock further behind"),
    )
    assert [r.body for r in t.replies] == ["edited, clock further behind"]


def test_reply_cycles_are_dropped():
    threads = threads_of(
        ev("c1", "comment", 1, body="root"),
        ev("r1", "reply", 2, target="r2", body="a"),
        ev("r2", "reply", 3, target="r1", body="b"),
    )
    assert [len(t.replies) for t in threads] == [0]


def test_suggestion_and_applied():
    (t,) = threads_of(
        ev("c1", "comment", 1, body="shorter?", suggestion="Gardens grow."),
        ev("a1", "applied", 2, who=BEN, target="c1"),
    )
    assert t.suggestion == "Gardens grow." and t.applied is not None and t.applied.id == "a1"


def test_duplicate_lines_count_once_and_conflicting_ids_are_deterministic():
    line = ev("c1", "comment", 1, body="same")
    other = ev("c1", "comment", 1, body="different content, same id")
    e1, _ = parse_events("a" * 40, [line, ev("r1", "reply", 2, target="c1", body="hi")])
    e2, _ = parse_events("b" * 40, [line])
    (t,) = fold(e1 + e2)
    assert len(t.replies) == 1 and t.root.notes == ("a" * 40, "b" * 40)
    e3, _ = parse_events("d" * 40, [other])
    assert fold(e1 + e3)[0].body == fold(e3 + e1)[0].body


def test_threads_are_ordered_by_creation():
    threads = threads_of(
        ev("zz", "comment", 1, body="first"),
        ev("aa", "comment", 2, body="second"),
    )
    assert [t.id for t in threads] == ["zz", "aa"]


# ---------------------------------------------------------------------------- ReviewStore


@pytest.fixture
def store(repo: Repo) -> tuple[Repo, ReviewStore, str, str]:
    head = repo.commit("v1", {"drafts/essay.md": ESSAY})
    gitrepo = GitRepo.open(repo.path)
    blob = gitrepo.blob_ids([f"{head}:drafts/essay.md"])[0]
    return repo, ReviewStore(gitrepo), head, blob


def as_user(repo: Repo, who: tuple[str, str]) -> None:
    repo.git("config", "user.name", who[0])
    repo.git("config", "user.email", who[1])


def note_state(repo: Repo) -> str:
    return repo.git("rev-parse", "--verify", "--quiet", DEFAULT_NOTES_REF, check=False).strip()


def test_store_writes_one_line_per_event_to_the_thread_note(store):
    repo, reviews, head, blob = store
    start = ESSAY.index("claim")
    c = reviews.add_comment(head, "drafts/essay.md", blob, "Which claim?", section=("intro", "Intro"),
                            quote=(start, start + 5, "claim", None, None), suggestion="thesis")
    assert c.anchor.prefix == ESSAY[start - 32:start] and c.anchor.suffix == ESSAY[start + 5:start + 37]
    as_user(repo, BEN)
    r = reviews.reply(c.id[:8], "The gardens one.")
    r2 = reviews.reply(r.id, "Nested.")
    reviews.resolve(r2.id, "fixed in v2")
    as_user(repo, ADA)
    reviews.edit(c.id, "Which claim exactly?")
    reviews.mark_applied(c.id)
    lines = NotesStore(reviews.repo).read(head)
    assert len(lines) == 6 and all(json.loads(x)["v"] == 1 for x in lines)
    assert [json.loads(x)["type"] for x in lines] == ["comment", "reply", "reply", "resolve", "edit", "applied"]
    (t,), problems = reviews.load()
    assert problems == []
    assert t.body == "Which claim exactly?" and t.resolved and t.applied is not None
    assert [x.body for x in t.replies] == ["The gardens one.", "Nested."]
    assert t.replies[0].author == "Ben Reviewer" and t.author == "Ada Author"
    assert t.anchor.section_key == "intro" and t.anchor.exact == "claim" and t.suggestion == "thesis"
    # Causal order even within one clock tick: each event is later than the thread's last one.
    times = [e.time for e in t.events]
    assert times == sorted(times) and len(set(times)) == len(times)
    # Times are canonical UTC with microseconds.
    assert all(len(x) == 27 and x.endswith("Z") for x in times)


def test_whole_version_and_unicode_offsets(store):
    _repo, reviews, head, blob = store
    whole = reviews.add_comment(head, "drafts/essay.md", blob, "Overall: good.")
    assert whole.anchor.to_json() == {"commit": head, "path": "drafts/essay.md", "blob": blob}
    start = ESSAY.index("word.")  # after the non-ASCII word: code points and bytes differ here
    c = reviews.add_comment(head, "drafts/essay.md", blob, "word?", quote=(start, start + 4, "word", "", ""))
    assert (c.anchor.start, c.anchor.end) == (start, start + 4)
    assert ESSAY.encode().index(b"word.") == start + 2
    (_, t), _ = reviews.load()
    assert t.anchor.exact == "word" and ESSAY[t.anchor.start:t.anchor.end] == "word"


def test_find_by_unique_prefix(store):
    _repo, reviews, head, blob = store
    # 17 ids over 16 hex digits: at least two share their first character.
    made = [reviews.add_comment(head, "drafts/essay.md", blob, f"c{i}") for i in range(17)]
    r = reviews.reply(made[0].id, "reply")
    assert isinstance(reviews.find(made[3].id), Thread) and reviews.find(made[3].id).body == "c3"
    found = reviews.find(r.id[:10].upper())
    assert isinstance(found, Reply) and found.thread_id == made[0].id
    ids = [m.id for m in made] + [r.id]
    shared = next(a[:1] for a in ids if sum(b.startswith(a[:1]) for b in ids) > 1)
    with pytest.raises(ReviewtoolError, match="ambiguous"):
        reviews.find(shared)
    with pytest.raises(ReviewtoolError, match="no comment"):
        reviews.find("zzzz")


def test_validation_errors_write_nothing(store):
    repo, reviews, head, blob = store
    c = reviews.add_comment(head, "drafts/essay.md", blob, "first")
    before = note_state(repo)
    start = ESSAY.index("claim")
    bad_calls = [
        (UsageError, lambda: reviews.add_comment(head, "drafts/essay.md", blob, "   ")),
        (UsageError, lambda: reviews.reply(c.id, "")),
        (UsageError, lambda: reviews.edit(c.id, "\n")),
        (ReviewtoolError, lambda: reviews.reply("feedface", "to nobody")),
        (ReviewtoolError, lambda: reviews.resolve("feedface")),
        (ReviewtoolError, lambda: reviews.add_comment("nosuchrev", "drafts/essay.md", blob, "x")),
        (ReviewtoolError, lambda: reviews.add_comment(head, "drafts/essay.md", "a" * 40, "x")),
        (UsageError, lambda: reviews.add_comment(head, "drafts/essay.md", blob, "x",
                                                 quote=(start, start + 5, "CLAIM", None, None))),
        (UsageError, lambda: reviews.add_comment(head, "drafts/essay.md", blob, "x",
                                                 quote=(0, 10_000, "x", None, None))),
        (UsageError, lambda: reviews.add_comment(head, "drafts/essay.md", blob, "x", suggestion="y")),
        (ReviewtoolError, lambda: reviews.reopen(c.id)),  # not resolved
        (ReviewtoolError, lambda: reviews.mark_applied(c.id)),  # no suggestion
    ]
    for exc, call in bad_calls:
        with pytest.raises(exc):
            call()
    assert note_state(repo) == before


def test_editing_or_retracting_someone_elses_comment_is_refused(store):
    repo, reviews, head, blob = store
    c = reviews.add_comment(head, "drafts/essay.md", blob, "Ada's comment")
    as_user(repo, BEN)
    before = note_state(repo)
    with pytest.raises(ReviewtoolError, match="written by Ada Author"):
        reviews.edit(c.id, "Ben rewrites it")
    with pytest.raises(ReviewtoolError, match="not by you"):
        reviews.retract(c.id)
    assert note_state(repo) == before
    reviews.resolve(c.id)  # anyone may resolve
    with pytest.raises(ReviewtoolError, match="already resolved"):
        reviews.resolve(c.id)
    as_user(repo, ADA)
    reviews.retract(c.id)
    with pytest.raises(ReviewtoolError, match="retracted"):
        reviews.edit(c.id, "too late")
    (t,), _ = reviews.load()
    assert t.retracted and t.resolved and t.body == "Ada's comment"


def test_foreign_edit_written_by_another_tool_is_shown_as_refused(store):
    _repo, reviews, head, blob = store
    c = reviews.add_comment(head, "drafts/essay.md", blob, "original")
    forged = Event(1, "f" * 32, "edit", c.id, *BEN, "2999-01-01T00:00:00.000000Z", "forged")
    NotesStore(reviews.repo).append(head, [forged.to_line()])
    (t,), problems = reviews.load()
    assert t.body == "original" and [e.body for e in t.refused] == ["forged"] and problems == []


def test_dangling_events_are_reported(store):
    _repo, reviews, head, _blob = store
    NotesStore(reviews.repo).append(head, [ev("r9", "reply", 1, target="gone", body="orphan")])
    threads, problems = reviews.load()
    assert threads == [] and len(problems) == 1 and "unknown target" in problems[0].reason


# ---------------------------------------------------------------------------- fast paths


def _per_line(lines: list[str]) -> tuple[list[tuple[int, str]], list[int]]:
    """Reference: (line number, id) of the lines that are JSON objects with an id, and the
    numbers of the other non-blank lines -- each line decoded on its own."""
    good, bad = [], []
    for no, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict) and "id" in data:
            good.append((no, data["id"]))
        else:
            bad.append(no)
    return good, bad


MISALIGNED = [
    ev("c1", "comment", 1, body="first"),
    '{"a": 1}, {"b": 2}',  # two values on one line ...
    '{"k": [{"a": 1}',  # ... and one value spread over two lines: together they keep the count
    '{"b": 2}]}',
    "   ",
    ev("r1", "reply", 3, target="c1", body="é ünïcode \u2028 and \"quotes\""),
    ev("r2", "reply", 4, target="c1", body="CRLF line") + "\r",
]


def test_whole_note_decoding_gives_what_line_by_line_decoding_gives():
    from reviewtool.review.codec import _decode_notes

    commit = "c" * 40
    for lines in (MISALIGNED, [*MISALIGNED[:1], ev("x", "comment", 9, body="has 9007199254740993 in it")],
                  [MISALIGNED[0], MISALIGNED[5], MISALIGNED[6]]):
        data = "".join(line + "\n" for line in lines).encode()
        good, bad = _per_line(lines)
        for events, problems in (parse_note(commit, data), parse_events(commit, lines)):
            assert [(lines.index(e.raw) + 1, e.id) for e in events] == good
            assert [(p.line_no, p.text) for p in problems] == [(no, lines[no - 1]) for no in bad]
            assert all(e.note_commit == commit and e.notes == (commit,) for e in events)
        decoded = _decode_notes([data])[0]
        if bad or "9007199254740993" in data.decode():
            assert decoded is None  # such notes are decoded line by line
        else:
            assert decoded == [json.loads(line) for line in lines]  # one call, the same values
    events, _ = parse_note(commit, "".join(line + "\n" for line in MISALIGNED).encode())
    assert events[1].body == "é ünïcode \u2028 and \"quotes\"" and events[2].raw == MISALIGNED[6]


def test_notes_decoded_together_stay_apart():
    notes = [("a" * 40, [ev("c1", "comment", 1, body="x"), ev("r1", "reply", 2, target="c1", body="y")]),
             ("b" * 40, [ev("c2", "comment", 3, body="z")]),
             ("d" * 40, [ev("c3", "comment", 4, body="w"), "{broken"]),  # makes the batch fall back
             ("e" * 40, [])]
    raw = [(commit, "".join(line + "\n" for line in lines).encode()) for commit, lines in notes]
    raw.append(("f" * 40, ev("c4", "comment", 5, body="no final newline").encode()))
    for size in (1, 1 << 20):  # one note per json call / all of them in one
        import reviewtool.review.codec as codec
        old, codec._BATCH_BYTES = codec._BATCH_BYTES, size
        try:
            parsed = {commit: (evs, probs) for commit, evs, probs in parse_notes(raw)}
        finally:
            codec._BATCH_BYTES = old
        assert {c: [e.id for e in evs] for c, (evs, _) in parsed.items()} == {
            "a" * 40: ["c1", "r1"], "b" * 40: ["c2"], "d" * 40: ["c3"], "e" * 40: [], "f" * 40: ["c4"]}
        assert [(p.commit, p.line_no, p.text) for p in parsed["d" * 40][1]] == [("d" * 40, 2, "{broken")]
        assert all(e.note_commit == c for c, (evs, _) in parsed.items() for e in evs)


def test_times_are_checked_together_and_normalised_one_by_one_when_needed():
    lines = [ev("c1", "comment", 1, body="canonical"),
             ev("c2", "comment", 2, body="offset").replace("00:00:02.000000Z", "01:00:02+01:00"),
             ev("c3", "comment", 3, body="bad").replace("2024-01-01T00:00:03.000000Z", "yesterday"),
             ev("c4", "comment", 4, body="fullwidth digits").replace("2024", "２０２４"),
             # Two wrong times that, put end to end, spell two right ones.
             ev("c5", "comment", 5, body="no Z").replace(".000000Z", ".000000"),
             ev("c6", "comment", 6, body="Z first").replace('"2024-01-01T00:00:06', '"Z2024-01-01T00:00:06')]
    events, problems = parse_note("c" * 40, "".join(line + "\n" for line in lines).encode())
    assert {e.id: e.time for e in events} == {"c1": "2024-01-01T00:00:01.000000Z",
                                              "c2": "2024-01-01T00:00:02.000000Z"}
    assert [p.line_no for p in problems] == [3, 4, 5, 6] and "invalid time" in problems[0].reason


def _random_events(rnd) -> list[Event]:
    """Threads, replies to replies, edits, resolutions, dangling targets, cycles; clocks in
    order (the one-pass fold decides) or skewed (it hands over to the any-order fold)."""
    people = [ADA, BEN, ("", "ada@example.org")]
    ids: list[str] = []
    lines = []
    skewed = rnd.random() < 0.5
    for n in range(rnd.randrange(1, 25)):
        eid = f"e{n:02d}"
        t = rnd.randrange(0, 40) if skewed else 2 * n + rnd.choice((0, 0, 0, 1))
        who = rnd.choice(people)
        kind = rnd.choice(["comment", "comment", "reply", "reply", "edit", "retract", "resolve", "reopen",
                           "applied", "x-other"])
        if kind == "comment" or not ids:
            lines.append(ev(eid, "comment", t, who=who, body=f"c{n}"))
        else:
            target = rnd.choice([*ids, "nowhere", eid])
            lines.append(ev(eid, kind, t, who=who, target=target, body=f"b{n}"))
        ids.append(eid)
    events, problems = parse_events("c" * 40, lines)
    assert problems == []
    return events


def test_one_pass_fold_matches_the_any_order_fold():
    import random

    from reviewtool.review.fold import _fold, _fold_any_order, _key

    for seed in range(400):
        events = _random_events(random.Random(seed))
        lost_fast: list[Event] = []
        lost_any: list[Event] = []
        fast = _fold(list(events), lost_fast)
        ordered = sorted(events, key=_key)
        reference = _fold_any_order(ordered, lost_any)
        assert [t.to_dict() for t in fast] == [t.to_dict() for t in reference], seed
        assert [[e.id for e in t.events] for t in fast] == [[e.id for e in t.events] for t in reference], seed
        assert [e.id for e in lost_fast] == [e.id for e in lost_any], seed
    # Hand-made events the parser would refuse: a reply to nothing is dangling in both.
    (root,), _ = parse_events("c" * 40, [ev("c1", "comment", 1, body="x")])
    orphan = Event(1, "r1", "reply", None, *BEN, "2024-01-01T00:00:02.000000Z", "?")
    lost_fast, lost_any = [], []
    assert len(_fold([root, orphan], lost_fast)) == len(_fold_any_order([root, orphan], lost_any)) == 1
    assert lost_fast == lost_any == [orphan]


def test_problems_are_reported_in_note_and_line_order(store):
    _repo, reviews, head, blob = store
    first = reviews.add_comment(head, "drafts/essay.md", blob, "one")
    NotesStore(reviews.repo).append(head, ["{broken", "[1]"])
    _, problems = reviews.load()
    assert [p.line_no for p in problems] == [2, 3]
    assert [e.id for e in reviews.events()[0]] == [first.id]


def test_lines_other_tools_may_write_never_break_loading():
    """Times out of range, NaN and overflowing numbers are malformed lines; a body with an
    emoji cut in half (a lone surrogate escape, valid JSON) loads with U+FFFD in its place."""
    commit = "c" * 40
    head = '{"v":1,"id":"%s","type":"resolve","target":"s1","author":"X","email":"x@x","time":"%s"%s}'
    lines = [
        ev("s1", "comment", 1, body="cut \\ud83d here").replace("\\\\ud83d", "\\ud83d"),
        head % ("t1", "0001-01-01T00:00:00+01:00", ""),
        head % ("t2", "9999-12-31T23:00:00-01:00", ""),
        head % ("n1", "2024-01-01T00:00:02.000000Z", ',"x":NaN'),
        head % ("n2", "2024-01-01T00:00:02.000000Z", ',"x":-Infinity'),
        head % ("n3", "2024-01-01T00:00:02.000000Z", ',"x":1e999'),
    ]
    assert "\\ud83d" in lines[0]
    for events, problems in (parse_note(commit, "".join(line + "\n" for line in lines).encode()),
                             parse_events(commit, lines)):
        assert [(e.id, e.body) for e in events] == [("s1", "cut \ufffd here")]
        assert [(p.line_no, p.reason.split(" (")[0].split(" '")[0]) for p in problems] == [
            (2, "invalid time"), (3, "invalid time"), (4, "not JSON"), (5, "not JSON"), (6, "not JSON")]
        assert "NaN is not JSON" in problems[2].reason and "1e999 is out of range" in problems[4].reason


def test_the_next_event_after_the_last_representable_time_does_not_overflow():
    from reviewtool.review.store import _after

    last = "9999-12-31T23:59:59.999999Z"
    assert _after("2024-01-01T00:00:00.000000Z", last) == last
    assert _after("2024-01-01T00:00:00.000000Z", "2024-01-01T00:00:00.000000Z") == "2024-01-01T00:00:00.000001Z"
