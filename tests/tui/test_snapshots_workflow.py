"""SVG snapshots at 120x40 of the review workflow: the verdict dialog, and the history's review
state with the section tree's viewed marks (regenerate with ``--snapshot-update``)."""

from __future__ import annotations

from tests.tui.snapshots import driver, to_section
from tests.tui.test_workflow import BEN, submit

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
