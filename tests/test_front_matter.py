"""Front matter fields are loaded once per distinct text, and every document gets its own copy."""

from __future__ import annotations

import datetime as dt

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
