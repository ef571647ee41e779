"""SVG snapshots at 120x40 of the review workflow: the verdict dialog, the history's review
state with the section tree's viewed marks, and the withdraw dialog (regenerate with
``--snapshot-update``)."""

from __future__ import annotations

from tests.tui.snapshots import driver, to_section
from tests.tui.test_withdraw_dialog import ask
from tests.tui.test_workflow import BEN, ME, submit

SIZE = (120, 40)


def test_verdict_dialog(snap_compare, make_app, demo):
    submit(demo, ("Ada Author", "ada@example.org"), 2, "changes_requested", "the middle drags")
    steps = driver("V", "down", "tab", *"Better", "space", *"now.")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)


def test_review_state_and_viewed_marks(snap_compare, make_app, demo):
    submit(demo, BEN, 2, "approved", "fine then")
    submit(demo, ("Cy Critic", "cy@example.org"), 0, "changes_requested", "not yet")
    steps = driver(to_section("Prompt"), "v", to_section("Conclusion"), "v", "1")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)


def test_withdraw_dialog(snap_compare, make_app, demo):
    ask(demo, ("Ada Author", ME), 2, ["ben@example.org", "cy@example.org"], "Is the method clear?")
    ask(demo, BEN, 1, [ME], "Your turn")
    steps = driver("W", "down", "space", "tab", *"Ben has it covered.")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)
