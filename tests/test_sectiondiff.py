"""Section diff: alignment plus word diff per pair, with counts that track the true edits."""

from __future__ import annotations

import pytest

from reviewtool.diff.section_diff import diff_documents, pair_texts
from reviewtool.draft.document import parse
from tests.benchmarks.bench_diff import edit_essay, make_essay
from tests.essays import FM, HEALTH, INTRO, MONEY, WEATHER, doc


def change_for(diff, new_key=None, old_key=None):
    for c in diff.changes:
        if (new_key is None or new_key in c.pair.new_keys) and (old_key is None or old_key in c.pair.old_keys):
            return c
    raise AssertionError(f"no change for {new_key or old_key}")


def test_identical_documents_have_no_changes():
    old = doc(FM, INTRO, HEALTH)
    diff = diff_documents(old, doc(FM, INTRO, HEALTH))
    assert diff.changes == []
    assert diff.words_added == diff.words_removed == 0
    assert all(c.word_diff is None for c in diff.unchanged)
    assert diff.summary()["sections_unchanged"] == len(diff.unchanged) == 3


def test_moved_section_is_not_a_deletion_plus_insertion():
    old = doc(FM, INTRO, HEALTH, MONEY, WEATHER)
    edited_money = MONEY.replace("roughly two hundred", "about two hundred")
    new = doc(FM, INTRO, edited_money, WEATHER, HEALTH)  # Health moved to the end, Money edited
    diff = diff_documents(old, new)
    statuses = {s for c in diff.changes for s in c.status}
    assert "added" not in statuses and "removed" not in statuses
    moved = change_for(diff, new_key="health")
    assert "moved" in moved.status
    assert moved.words_added == moved.words_removed == 0
    assert moved.word_diff is not None and moved.word_diff.is_equal
    money = change_for(diff, new_key="money")
    assert (money.words_removed, money.words_added) == (1, 1)
    assert (diff.words_removed, diff.words_added) == (1, 1)


def test_renamed_title_is_reported_apart_from_the_words():
    old = doc(FM, INTRO, HEALTH)
    new = doc(FM, INTRO, HEALTH.replace("## Health", "## Fitness and health"))
    diff = diff_documents(old, new)
    [change] = diff.changes
    assert "renamed" in change.status
    assert (change.old_title, change.new_title) == ("Health", "Fitness and health")
    assert change.title_changed
    assert change.words_added == change.words_removed == 0  # the body did not change
    data = change.to_dict()
    assert (data["old_key"], data["new_key"]) == ("health", "fitness-and-health")


def test_split_section_diffs_the_parts_together():
    safety = ("## Safety\n\nTraffic is the real worry. Drivers on the ring road overtake far too close, so I changed "
              "my route through the park and now ride on the cycle path by the river.\n\n"
              "Theft is the quieter risk: a heavy lock through the frame and a cable for the front wheel, inside "
              "the car park of the office where the guard knows my bike by now.\n")
    split = safety.replace("\n\nTheft is", "\n\n## Theft\n\nTheft is")
    diff = diff_documents(doc(FM, INTRO, safety), doc(FM, INTRO, split))
    [change] = diff.changes
    assert "split" in change.status
    assert change.pair.new_keys == ["safety", "theft"]
    assert change.words_added == change.words_removed == 0  # only the heading was added
    assert change.new_title == "Safety + Theft"


def test_added_and_removed_sections_count_their_body_words():
    old = doc(FM, INTRO, HEALTH)
    new = doc(FM, INTRO, WEATHER)
    diff = diff_documents(old, new)
    by_status = {tuple(c.status): c for c in diff.changes}
    assert set(by_status) == {("added",), ("removed",)}
    assert by_status[("removed",)].words_removed == parse(HEALTH).words
    assert by_status[("added",)].words_added == parse(WEATHER).words
    assert by_status[("added",)].changed_share == 1.0


def test_promoted_outline_bullet_is_compared_as_plain_text():
    outline = "## Plan\n\n- Why cycling pays\n    - fuel and parking cost\n    - the bike costs little\n- Weather\n"
    prose = ("## Plan\n\n## Why cycling pays\n\nFuel and parking cost me two hundred euros a month; "
             "the *bike* costs little to run.\n\n## Weather\n\nRain matters least.\n")
    old, new = parse(FM + outline), parse(FM + prose)
    diff = diff_documents(old, new)
    change = change_for(diff, old_key="plan/why-cycling-pays")
    assert "promoted" in change.status
    old_text, new_text = pair_texts(old, new, change.pair)
    assert "- " not in old_text and "*" not in new_text  # plain text, no list or emphasis markup
    assert old_text.startswith("Why cycling pays")
    assert change.word_diff.old_text() == old_text and change.word_diff.new_text() == new_text


def test_front_matter_is_diffed_as_source():
    old = doc(FM, INTRO)
    new = doc(FM.replace("Riding to work", "Cycling to work"), INTRO)
    [change] = diff_documents(old, new).changes
    assert change.pair.old[0].kind == "frontmatter"
    assert (change.words_removed, change.words_added) == (1, 1)
    assert "title:" in change.word_diff.old_text()


def test_only_limits_to_the_pairs_of_a_key_and_its_subsections():
    old = doc(FM, INTRO, HEALTH, MONEY)
    new = doc(FM, INTRO.replace("six years", "seven years"), HEALTH, MONEY.replace("roughly", "about"))
    diff = diff_documents(old, new)
    assert len(diff.changes) == 2
    only = diff.only("money")
    assert [c.new_key for c in only.changes] == ["money"]
    assert only.words_added == 1
    assert diff.only("nothing-here").changes == []


def test_to_dict_shape():
    old = doc(FM, INTRO, HEALTH)
    new = doc(FM, INTRO.replace("six years", "seven years"), HEALTH)
    data = diff_documents(old, new).to_dict()
    assert set(data) == {"old", "new", "summary", "changes"}
    summary = data["summary"]
    assert summary["words_added"] == summary["words_removed"] == 1
    assert summary["sections_changed"] == 1 and summary["by_status"] == {"edited": 1, "unchanged": 2}
    [change] = data["changes"]
    assert {"status", "old_key", "new_key", "old_title", "new_title", "similarity", "words_added",
            "words_removed", "changed_share", "ops"} <= set(change)
    assert change["status"] == ["edited"]
    assert {op["op"] for op in change["ops"]} == {"equal", "replace"}
    body = old.body_text(old.section("introduction"))
    assert body.lstrip().startswith("For six years")
    assert "".join(op["old"] for op in change["ops"]) == body


@pytest.mark.parametrize("seed", [3, 11])
def test_changed_words_track_the_true_edits_on_a_generated_pair(seed):
    essay = make_essay(3000, seed=seed)
    edited, truth = edit_essay(essay, seed=seed + 1)
    old, new = parse(essay.text()), parse(edited.text())
    diff = diff_documents(old, new)
    reported = diff.words_added + diff.words_removed
    assert abs(reported - truth.body_words) <= 0.10 * truth.body_words
    statuses = {s for c in diff.changes for s in c.status}
    assert {"moved", "renamed", "split"} <= statuses
    assert "added" not in statuses and "removed" not in statuses
    for change in diff.changes:
        a, b = pair_texts(old, new, change.pair)
        assert change.word_diff.old_text() == a and change.word_diff.new_text() == b
