"""Section alignment: one test per status, edge cases, the assignment solver."""

from __future__ import annotations

import itertools
import random

from reviewtool.diff.align import MATCH_THRESHOLD, align
from reviewtool.diff.assignment import max_weight_matching
from reviewtool.diff.lexicon import content_words, title_similarity
from reviewtool.diff.section_pairs import STATUSES
from reviewtool.diff.weighted_lis import weighted_lis
from reviewtool.draft.document import parse
from tests.essays import FM, HEALTH, INTRO, MONEY, SAFETY, WEATHER, doc


def pair_for_new(al, key):
    pair = al.for_new(key)
    assert pair is not None, key
    return pair


def only_changed(al):
    return {(tuple(p.old_keys), tuple(p.new_keys)): p.status for p in al.changed}


# ---------------------------------------------------------------- one test per status


def test_identical_versions_are_all_unchanged():
    d = doc(FM, INTRO, HEALTH, MONEY)
    al = align(d, doc(FM, INTRO, HEALTH, MONEY))
    assert al.changed == []
    assert [p.new_key for p in al.pairs] == [s.key for s in d.sections]
    assert all(p.status == ["unchanged"] and p.similarity == 1.0 for p in al.pairs)


def test_edited():
    al = align(doc(FM, INTRO, HEALTH, MONEY), doc(FM, INTRO, HEALTH.replace("nine beats", "eight beats"), MONEY))
    assert only_changed(al) == {(("health",), ("health",)): ["edited"]}
    assert 0.8 < pair_for_new(al, "health").similarity < 1.0


def test_renamed():
    new = HEALTH.replace("## Health", "## What it did for my body")
    al = align(doc(FM, INTRO, HEALTH, MONEY), doc(FM, INTRO, new, MONEY))
    assert only_changed(al) == {(("health",), ("what-it-did-for-my-body",)): ["renamed"]}
    pair = al.for_old("health")
    assert pair.similarity == 1.0 and pair.title_similarity < 0.5


def test_renamed_and_edited():
    new = HEALTH.replace("## Health", "## Healthier").replace("two months", "eight weeks")
    al = align(doc(FM, INTRO, HEALTH, MONEY), doc(FM, INTRO, new, MONEY))
    assert only_changed(al) == {(("health",), ("healthier",)): ["renamed", "edited"]}


def test_moved_marks_only_the_section_that_moved():
    al = align(doc(FM, INTRO, HEALTH, WEATHER, SAFETY, MONEY), doc(FM, INTRO, MONEY, HEALTH, WEATHER, SAFETY))
    assert only_changed(al) == {(("money",), ("money",)): ["moved"]}


def test_moved_by_a_change_of_parent():
    nested = WEATHER.replace("## Weather", "### Weather")
    al = align(doc(FM, INTRO, HEALTH, MONEY, WEATHER), doc(FM, INTRO, HEALTH, nested, MONEY))
    assert only_changed(al) == {(("weather",), ("health/weather",)): ["moved"]}


def test_children_of_a_moved_parent_are_not_moved():
    tree = SAFETY.replace("\n\nBeing seen", "\n\n### Being seen\n\nBeing seen").replace("\n\nTheft", "\n\n### Theft\n\nTheft")
    old = doc(FM, INTRO, HEALTH, MONEY, WEATHER, tree)
    new = doc(FM, INTRO, tree, HEALTH, MONEY, WEATHER)
    assert {"safety/being-seen", "safety/theft"} <= set(old.by_key)
    assert only_changed(align(old, new)) == {(("safety",), ("safety",)): ["moved"]}


def test_added_and_removed_are_placed_in_document_order():
    old = doc(FM, INTRO, HEALTH, MONEY, WEATHER)
    new = doc(FM, INTRO, HEALTH, WEATHER, SAFETY)
    al = align(old, new)
    assert only_changed(al) == {(("money",), ()): ["removed"], ((), ("safety",)): ["added"]}
    order = [(p.old_key, p.new_key) for p in al.pairs]
    # The removed section sits after its old predecessor (health), before weather.
    assert order == [("front-matter", "front-matter"), ("introduction", "introduction"), ("health", "health"),
                     ("money", None), ("weather", "weather"), (None, "safety")]


def test_unrelated_replacement_is_not_matched():
    parking = "## Parking\n\nThe barrier of the office car park has been broken since January; a new one is on order.\n"
    al = align(doc(FM, INTRO, HEALTH, MONEY), doc(FM, INTRO, HEALTH, parking))
    assert only_changed(al) == {(("money",), ()): ["removed"], ((), ("parking",)): ["added"]}


def test_split_in_three():
    paras = SAFETY.split("\n\n")
    parts = ["## Traffic\n\n" + paras[1], "## Being seen\n\n" + paras[2], "## Theft\n\n" + paras[3]]
    al = align(doc(FM, INTRO, SAFETY, MONEY), doc(FM, INTRO, *parts, MONEY))
    assert only_changed(al) == {(("safety",), ("traffic", "being-seen", "theft")): ["split"]}
    pair = al.for_new("being-seen")
    assert pair is al.for_new("theft") and pair.old_key == "safety" and pair.similarity > 0.8


def test_merged():
    merged = "## Body and wallet\n\n" + HEALTH.split("\n\n", 1)[1] + "\n" + MONEY.split("\n\n", 1)[1]
    al = align(doc(FM, INTRO, HEALTH, MONEY, WEATHER), doc(FM, INTRO, merged, WEATHER))
    assert only_changed(al) == {(("health", "money"), ("body-and-wallet",)): ["merged"]}


def test_promoted_outline_bullet_with_different_wording():
    outline = FM + """
## Plan

- Body and mind
  - resting heart rate down
  - back pain gone
- Staying safe
- Conclusion
"""
    prose = FM + """
## Plan

- Staying safe
- Conclusion

## What cycling did for my health

Within two months my resting heart rate was down and the pain in my back had gone.
"""
    al = align(parse(outline), parse(prose))
    assert only_changed(al) == {(("plan/body-and-mind",), ("what-cycling-did-for-my-health",)): ["promoted", "renamed"]}


def test_promoted_including_children_of_the_prose_section():
    outline = FM + "## Outline\n\n- Safety\n  - traffic on the ring road\n  - lights and a yellow jacket\n  - D-lock against theft\n- Costs\n"
    prose = FM + ("## Outline\n\n- Costs\n- Later\n\n## Safety\n\nTraffic is the worry on the ring road.\n\n"
                  "### Being seen\n\nLights all day and a yellow jacket.\n\n### Theft\n\nA heavy D-lock through the frame.\n")
    al = align(parse(outline), parse(prose))
    pair = al.for_old("outline/safety")
    assert pair.new_keys == ["safety"] and pair.status == ["promoted"]
    assert al.for_new("safety/theft").status == ["added"]


def test_condensed_prose_back_to_a_bullet():
    new = doc(FM, INTRO, HEALTH).text + "\n## Still to write\n\n- Money\n  - fuel and parking two hundred euros a month\n  - bike tyres chain brake pads\n- Riding with children\n"
    al = align(doc(FM, INTRO, HEALTH, MONEY), parse(new))
    changed = only_changed(al)
    assert changed[(("money",), ("still-to-write/money",))] == ["condensed"]
    assert changed[((), ("still-to-write",))] == ["added"]


def test_heading_filled_from_its_outline_is_merged_and_promoted():
    old = FM + "## Introduction\n\n- Six years of driving\n  - twelve kilometres each way\n  - the car was the only sensible option\n- The broken clutch\n  - the neighbour's old touring bike for a month\n"
    al = align(parse(old), doc(FM, INTRO))
    assert only_changed(al) == {
        (("introduction", "introduction/six-years-of-driving", "introduction/the-broken-clutch"), ("introduction",)):
            ["merged", "promoted"]}


# ---------------------------------------------------------------- edge cases


def test_empty_section_gets_written():
    al = align(doc(FM, INTRO, "## Money\n"), doc(FM, INTRO, MONEY))
    assert only_changed(al) == {(("money",), ("money",)): ["edited"]}


def test_empty_sections_with_new_titles_match_by_title():
    al = align(doc(FM, INTRO, "## Sources\n", "## Thanks\n"), doc(FM, INTRO, "## Source list\n", "## Thanks\n"))
    assert only_changed(al) == {(("sources",), ("source-list",)): ["renamed"]}


def test_empty_documents():
    al = align(parse(""), parse(""))
    assert al.pairs == []
    al = align(parse(""), doc(INTRO))
    assert [p.status for p in al.pairs] == [["added"]]


def test_headings_all_changed_level():
    old = doc(FM, INTRO, HEALTH, "### Sleep\n\nI sleep better since I started riding.\n", MONEY)
    shifted = parse(old.text.replace("\n## ", "\n# ").replace("\n### ", "\n## "))
    assert [s.key for s in shifted.sections] == [s.key for s in old.sections]
    assert align(old, shifted).changed == []


def test_new_title_heading_over_everything_moves_nothing():
    old = doc(FM, INTRO, HEALTH, MONEY)
    new = parse(FM + "\n# Riding to work\n\n" + doc(INTRO, HEALTH, MONEY).text)
    al = align(old, new)
    assert only_changed(al) == {((), ("riding-to-work",)): ["added"]}
    assert al.for_old("health").new_key == "riding-to-work/health"


def test_list_of_tips_rewritten():
    tips = "## Tips\n\nStart small.\n\n- Buy fenders before the rain starts\n- Ride your route on a Sunday first\n- Keep a spare shirt at work\n- Take the lane at junctions\n"
    tips2 = "## Tips\n\nStart small.\n\n- Take the lane at junctions\n- Buy proper fenders before the autumn rain starts\n- Ride your route on a quiet Sunday first\n- Lock the frame, not just the wheel\n"
    al = align(doc(FM, tips), doc(FM, tips2))
    assert only_changed(al) == {
        (("tips/take-the-lane-at-junctions",), ("tips/take-the-lane-at-junctions",)): ["moved"],
        (("tips/buy-fenders-before-the-rain-starts",), ("tips/buy-proper-fenders-before-the-autumn-rain-starts",)): ["renamed"],
        (("tips/ride-your-route-on-a-sunday-first",), ("tips/ride-your-route-on-a-quiet-sunday-first",)): ["renamed"],
        (("tips/keep-a-spare-shirt-at-work",), ()): ["removed"],
        ((), ("tips/lock-the-frame-not-just-the-wheel",)): ["added"],
    }


def test_front_matter_change_is_an_edit():
    al = align(doc(FM, INTRO), doc(FM.replace("Riding to work", "Twelve kilometres"), INTRO))
    assert only_changed(al) == {(("front-matter",), ("front-matter",)): ["edited"]}


def test_changed_link_target_is_an_edit():
    old = doc(FM, "## Sources\n\nSee [the study](https://example.org/a).\n")
    new = doc(FM, "## Sources\n\nSee [the study](https://example.org/b).\n")
    assert only_changed(align(old, new)) == {(("sources",), ("sources",)): ["edited"]}


def test_every_status_is_in_the_vocabulary_and_to_dict_is_json_friendly():
    al = align(doc(FM, INTRO, HEALTH, MONEY), doc(FM, MONEY, HEALTH.replace("## Health", "## Body"), SAFETY))
    for pair in al.pairs:
        assert pair.status and set(pair.status) <= set(STATUSES)
        data = pair.to_dict()
        assert set(data) >= {"status", "old_key", "new_key", "old_keys", "new_keys", "old_title", "new_title",
                             "similarity"}
    assert al.for_new("body").to_dict()["old_title"] == "Health"


def test_deterministic():
    old = doc(FM, INTRO, HEALTH, MONEY, WEATHER, SAFETY)
    new = doc(FM, SAFETY.replace("## Safety", "## Risks"), WEATHER, "## Notes\n\nTODO\n", MONEY, INTRO)
    runs = [[p.to_dict() for p in align(old, new).pairs] for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]


# ---------------------------------------------------------------- building blocks


def test_content_words_drop_stopwords_and_stem():
    assert content_words("The models were modeling diverse environments") == ["model", "model", "divers", "enviro"]
    assert content_words("We're not in the best of all possible worlds") == ["best", "possib", "world"]


def test_title_similarity():
    assert title_similarity("Behavioral vs mechanistic study", "Behavioral versus mechanistic study") > 0.8
    assert title_similarity("Money", "Parking at the office") < MATCH_THRESHOLD
    assert title_similarity("Health", "health") == 1.0


def _brute_force(n_rows, n_cols, edges):
    best = 0.0
    for perm in itertools.permutations(range(n_cols + n_rows), n_rows):
        total = sum(edges.get((r, c), 0.0) for r, c in enumerate(perm))
        best = max(best, total)
    return best


def test_matching_is_optimal_where_greedy_is_not():
    # Greedy takes (0,0)=0.9 and is left with (1,1)=0.1; the optimum is 0.8 + 0.8.
    edges = {(0, 0): 0.9, (0, 1): 0.8, (1, 0): 0.8, (1, 1): 0.1}
    assert max_weight_matching(2, 2, edges) == [(0, 1), (1, 0)]


def test_matching_equals_brute_force_on_random_graphs():
    rng = random.Random(7)
    for _ in range(150):
        n_rows, n_cols = rng.randint(1, 4), rng.randint(1, 4)
        edges = {(r, c): round(rng.uniform(0.05, 1.0), 3) for r in range(n_rows) for c in range(n_cols)
                 if rng.random() < 0.7}
        result = max_weight_matching(n_rows, n_cols, edges)
        assert len({c for _, c in result}) == len(result) == len({r for r, _ in result})
        assert all((r, c) in edges for r, c in result)
        assert abs(sum(edges[e] for e in result) - _brute_force(n_rows, n_cols, edges)) < 1e-9


def test_weighted_lis_keeps_the_heavy_sections_in_place():
    # Old order 0..3; the light section 3 moved to the front.
    assert weighted_lis([3, 0, 1, 2], [1, 5, 5, 5]) == {1, 2, 3}
    # The heavy section 3 moved to the front: the other three are lighter together.
    assert weighted_lis([3, 0, 1, 2], [100, 5, 5, 5]) == {0}
    assert weighted_lis([], []) == set()
