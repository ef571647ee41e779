"""SVG snapshots at 120x40: the main screen and the content modes (regenerate with ``--snapshot-update``)."""

from __future__ import annotations

from tests.tui.snapshots import driver, to_section, to_version

SIZE = (120, 40)


def test_main_screen(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=driver())


def test_inline_diff_of_a_section(snap_compare, make_app):
    steps = driver(to_version("Write the introduction"), to_section("Conclusion"), "d")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)


def test_side_by_side_diff(snap_compare, make_app):
    steps = driver(to_version("Split the behavioral"), "s")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)


def test_outline_coverage(snap_compare, make_app):
    steps = driver(to_version("Write up the LLM"), "o")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)
