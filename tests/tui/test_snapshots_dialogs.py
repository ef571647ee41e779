"""SVG snapshots at 120x40: comments, dialogs, help and search (regenerate with ``--snapshot-update``)."""

from __future__ import annotations

from tests.tui.snapshots import driver, to_section, to_version

SIZE = (120, 40)


def test_comments_on_a_section(snap_compare, make_app):
    steps = driver(to_version("Draft the behavioral"), to_section("Behavioral versus mechanistic study"), "4")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)


def test_comment_editor(snap_compare, make_app):
    steps = driver(to_section("Conclusion"), "c", "down", "down", "home", *["shift+right"] * 20, "tab")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)


def test_help_screen(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=driver("question_mark"))


def test_marked_base_and_search(snap_compare, make_app):
    steps = driver("G", "b", "g", "d", "slash", "s", "e", "c", "t")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)


def test_search_over_the_text_and_comments(snap_compare, make_app):
    steps = driver("slash", *"inner alignment")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)


def test_section_history(snap_compare, make_app):
    steps = driver(to_section("Introduction"), "H", "j")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)


def test_commented_passage_in_the_text(snap_compare, make_app):
    steps = driver(to_section("Why large language models are likely mesa-optimizers"), "right_curly_bracket")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)
