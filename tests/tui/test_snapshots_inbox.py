"""SVG snapshot at 120x40 of the inbox (``I``): a review request for me and a thread awaiting
my reply (regenerate with ``--snapshot-update``)."""

from __future__ import annotations

from tests.tui.snapshots import driver
from tests.tui.test_inbox import seed_inbox

SIZE = (120, 40)


def test_inbox(snap_compare, make_app, demo):
    seed_inbox(demo)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=driver("I"))
