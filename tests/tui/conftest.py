"""Fixtures for the TUI tests: a real demo repository and a frozen clock."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reviewtool.demo.builder import build_demo
from reviewtool.tui.app import ReviewApp

#: Relative dates in the app are measured from this instant in tests.
FIXED_NOW = datetime(2023, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo repository, built once per test session (copied for each test).

    The demo is deterministic (fixed authors and dates, review comments stamped
    by the demo's own clock), so screens built from it can be snapshotted.
    """
    return build_demo(tmp_path_factory.mktemp("demo-template") / "demo")


@pytest.fixture
def demo(tmp_path, demo_template) -> Path:
    """A fresh copy of the demo repository: ten versions of one essay, a file rename, sample reviews."""
    target = tmp_path / "demo"
    shutil.copytree(demo_template, target, symlinks=True)
    return target


@pytest.fixture
def make_app(demo):
    """Build a ReviewApp on the demo repository (or another path) with the frozen clock."""

    def make(path: Path | None = None, **kwargs) -> ReviewApp:
        return ReviewApp(path or demo, now=FIXED_NOW, **kwargs)

    return make
