"""SVG snapshots of the main screens at 80x24 (regenerate with ``--snapshot-update``)."""

from __future__ import annotations

from tests.gitutil import make_repo
from tests.tui.snapshots import driver, to_section, to_version

SIZE = (80, 24)


def test_main_screen(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=driver())


def test_inline_diff(snap_compare, make_app):
    steps = driver(to_version("Split the behavioral"), to_section("Behavior is evidence enough"), "d")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)


def test_comment_editor(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=driver(to_section("Conclusion"), "c"))


def test_how_to_start_without_drafts(snap_compare, make_app, tmp_path):
    repo = make_repo(tmp_path / "nodrafts")
    repo.commit("README only", {"README.txt": "hello\n"}, date=1_680_000_000)
    assert snap_compare(make_app(repo.path), terminal_size=SIZE, run_before=driver())
