"""Property: loading notes gives the same events and problems with orjson as with the stdlib.

orjson is the fast decoder of :mod:`reviewtool.review.codec`; the stdlib ``json`` decoder is
the reference. The two differ on some input (orjson refuses NaN, lone surrogates and
invalid UTF-8, and turns integers beyond 64 bits into floats), and the loader must hide
every difference: a batch orjson refuses goes to the stdlib, and a note where a float
could change the outcome is decoded again by the stdlib. Random notes mix well-formed
events with exactly those values, in every field, plus malformed lines, so each fallback
is exercised; every note is parsed both ways (one batch of all notes, and one note at a
time) and compared field by field, raw lines included.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reviewtool.review.codec as codec
from reviewtool.review.codec import parse_notes
from reviewtool.review.events import encode_line

pytestmark = pytest.mark.skipif(codec._orjson is None, reason="orjson is not installed")

COMMIT = "c" * 40
TIME = "2024-01-01T00:00:01.000000Z"

# Values where the two decoders disagree before the loader evens them out, as JSON text.
AWKWARD = ["18446744073709551616", "-9223372036854775809", "123456789012345678901234567890", "1e400",
           "NaN", "-Infinity", "1.5", "-0", "0", "1", "9007199254740993", '"\\ud800"', '"\\udfff x"',
           '"\\u2028"', '"é"', "true", "null", "[]", "{}", '{"deep": [1, 2.5, 18446744073709551616]}']
FIELDS = ["v", "id", "type", "target", "author", "email", "time", "body", "suggestion", "x-extra", "anchor"]
QUOTE_FIELDS = ["start", "end", "exact", "prefix", "suffix", "x-extra"]


def _event(kind: str, n: int) -> dict:
    data = {"v": 1, "id": f"id{n:04d}", "type": kind, "author": "Ada", "email": "ada@example.org",
            "time": TIME, "body": f"body {n}"}
    if kind == "comment":
        data["anchor"] = {"commit": COMMIT, "path": "drafts/essay.md", "blob": "b" * 40,
                          "section": {"key": "intro", "title": "Intro"},
                          "quote": {"start": 3, "end": 9, "exact": "abcdef", "prefix": "pre", "suffix": "suf"}}
    else:
        data["target"] = "id0000"
    return data


@st.composite
def lines(draw) -> str:
    """One note line: an event, maybe with an awkward value put in (as raw JSON text), or junk."""
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(st.sampled_from(["", "   ", "{not json", "[1, 2]", '{"a": 1} {"b": 2}', "\xff\xfe",
                                     '{"v": 1, "id": "x"', "NaN", "9007199254740993"]))
    n = draw(st.integers(0, 9999))
    data = _event(draw(st.sampled_from(["comment", "reply", "resolve", "edit", "x-new"])), n)
    line = encode_line(data)
    if choice >= 4:
        marker = '"@@AWKWARD@@"'
        where = draw(st.sampled_from(FIELDS + [f"quote.{f}" for f in QUOTE_FIELDS]))
        if where.startswith("quote."):
            if "anchor" not in data:
                return line
            data["anchor"]["quote"][where.split(".", 1)[1]] = "@@AWKWARD@@"
        else:
            data[where] = "@@AWKWARD@@"
        line = encode_line(data).replace(marker, draw(st.sampled_from(AWKWARD)))
    return line


@st.composite
def notes(draw) -> list[tuple[str, bytes]]:
    result = []
    for i in range(draw(st.integers(1, 4))):
        body = "\n".join(draw(st.lists(lines(), min_size=1, max_size=6)))
        data = body.encode("utf-8", errors="surrogateescape")
        if draw(st.booleans()):
            data += b"\n"
        if draw(st.integers(0, 9)) == 0:
            data = data.replace(b"\n", b"\r\n")
        result.append((f"{i:040x}", data))
    return result


def _parsed(raw: list[tuple[str, bytes]], batch_bytes: int, use_orjson: bool, monkeypatch) -> list:
    monkeypatch.setattr(codec, "_BATCH_BYTES", batch_bytes)
    monkeypatch.setattr(codec, "_orjson", codec._orjson if use_orjson else None)
    out = []
    for commit, events, problems in parse_notes(raw):
        out.append((commit,
                    [(json.dumps(e.to_json(), sort_keys=True, default=repr), e.raw, e.note_commit, e.notes)
                     for e in events],
                    [(p.commit, p.line_no, p.text, p.reason) for p in problems]))
    return sorted(out)


@settings(max_examples=300, deadline=None)
@given(raw=notes())
def test_orjson_and_the_stdlib_load_the_same_events_and_problems(raw):
    with pytest.MonkeyPatch.context() as mp:
        reference = _parsed(raw, 1, False, mp)
        for batch_bytes in (1, 1 << 20):
            assert _parsed(raw, batch_bytes, True, mp) == reference


def test_an_integer_beyond_64_bits_is_kept_exactly():
    """orjson would read it as a float; the note goes to the stdlib, which keeps it an int."""
    big = "18446744073709551616"
    line = encode_line(_event("comment", 1)).replace('"v":1', f'"v":{big}').replace('"end":9', f'"end":{big}')
    extra = encode_line({**_event("reply", 2), "x-count": 1}).replace('"x-count":1', f'"x-count":{big}')
    data = (line + "\n" + extra + "\n").encode()
    ((_, events, problems),) = parse_notes([(COMMIT, data)])
    assert problems == []
    assert events[0].v == int(big) and events[0].anchor.end == int(big)
    assert events[1].extra == {"x-count": int(big)} and type(events[1].extra["x-count"]) is int
