"""Front matter fields are loaded once per distinct text, and every document gets its own copy."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtool.draft import front_matter
from reviewtool.draft.document import parse

ESSAY = "---\ntitle: An essay\ndate: 2023-05-05\ntags: [a, b]\nmeta: {x: 1}\n---\n\n# Intro\n\nSome words.\n"


def test_versions_with_one_front_matter_load_it_once_and_share_nothing():
    front_matter.clear_loaded()
    first = parse(ESSAY)
    second = parse(ESSAY.replace("Some words.", "Other words here."))
    assert len(front_matter._LOADED) == 1  # the same front matter text: loaded once
    assert first.front_matter == second.front_matter == {
        "title": "An essay", "date": dt.date(2023, 5, 5), "tags": ["a", "b"], "meta": {"x": 1}}
    # A caller changing one document's fields changes neither the other nor a later parse.
    first.front_matter["tags"].append("c")
    first.front_matter["meta"]["x"] = 2
    assert second.front_matter["tags"] == ["a", "b"] and second.front_matter["meta"] == {"x": 1}
    assert parse(ESSAY).front_matter["tags"] == ["a", "b"]


def test_a_problem_is_reported_every_time_the_text_is_met():
    front_matter.clear_loaded()
    bad = "---\ntitle: [unclosed\n---\n\n# Intro\n"
    for _ in range(2):
        doc = parse(bad)
        assert doc.front_matter == {}
        assert len(doc.problems) == 1 and doc.problems[0].startswith("malformed front matter at line ")
    impossible = "---\ndate: 2023-02-30\n---\n\nText.\n"
    assert [parse(impossible).problems, parse(impossible).problems] == [["malformed front matter: day is out of range for month"]] * 2


def test_alias_bombs_stay_refused_when_met_again():
    front_matter.clear_loaded()
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n---\n\nText.\n"
    for _ in range(2):
        doc = parse(bomb)
        assert doc.front_matter == {}
        assert doc.problems == ["front matter too large or self-referencing: fields ignored"]


def _plain_copies(raw: str) -> None:
    """The fields as :func:`copy.deepcopy` copied them, beside the shortcut's copy."""
    import copy

    fields, problems = front_matter._load(raw)
    assert problems == () and len(fields) == 9
    own = front_matter._own(fields)
    assert own == copy.deepcopy(fields)
    assert type(own) is type(fields)
    for value, kept in zip(own.values(), fields.values()):
        if type(value) in (dict, list, set):
            assert value is not kept  # the caller's own: mutable values copied, at every depth


@settings(max_examples=200)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
                    | st.dates() | st.datetimes(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(min_size=1, max_size=5), inner,
                                                                                   max_size=4),
                    max_leaves=20))
def test_own_copy_equals_a_deep_copy(value):
    """The fields handed out are equal to a deep copy of those kept, and share nothing mutable."""
    import copy

    fields = {"value": value, "again": [value, {"x": value}]}
    own = front_matter._own(fields)
    assert own == copy.deepcopy(fields)
    stack = [(own, fields)]
    while stack:
        a, b = stack.pop()
        if type(a) in (dict, list):
            assert a is not b
            stack.extend(zip(a.values(), b.values()) if type(a) is dict else zip(a, b))


def test_own_copy_of_yaml_values():
    """What YAML itself loads: dates, timestamps, sets, binary, aliases, nested mappings."""
    _plain_copies("title: T\ndate: 2023-05-05\nwhen: 2023-05-05 10:00:00\ntags: [a, b]\nmeta: {x: [1, {y: 2}]}\n"
                  "s: !!set {a, b}\nbin: !!binary aGVsbG8=\nref: &r [1, 2]\nagain: *r\n")
