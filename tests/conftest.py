"""Shared fixtures: real git repositories in temp folders, a fixed identity."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.gitutil import Repo, make_repo

# Property tests: derandomized in CI and under `make test` (the same examples every run,
# no example database, so a failure found once cannot haunt later runs); random exploration
# with the database when a developer asks for it (HYPOTHESIS_PROFILE=explore).
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True,
                          database=None, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
# Based on Hypothesis's own "default" profile: when the CI variable is set,
# Hypothesis loads its built-in (derandomized) "ci" profile before this file
# runs, and a profile without a parent would inherit that.
settings.register_profile("explore", parent=settings.get_profile("default"), print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "drafts" / "2023-05-05-seri-mats-problem-2.md"


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch, tmp_path_factory):
    """Never read the developer's ~/.gitconfig: a fresh HOME whose global config
    names a default identity (a repository's own user.name/user.email wins)."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Ada Author\n\temail = ada@example.org\n[init]\n\tdefaultBranch = main\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("LC_ALL", "C")
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)


@pytest.fixture(autouse=True)
def _caches_closed():
    """The persistent caches a test opened in this process are flushed and forgotten after it
    (their packs stay open otherwise, one test's repository after another)."""
    yield
    import sys

    cache = sys.modules.get("reviewtool.draft.cache")
    if cache is not None:
        cache.forget_all()


@pytest.fixture
def repo(tmp_path) -> Repo:
    """An empty repository with a configured user."""
    return make_repo(tmp_path / "repo")


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Path:
    """The demo repository, built once per test process and shared: for tests that only
    read it (the terminal-layout tests). A test that writes to its repository builds its own."""
    from reviewtool.demo.builder import build_demo

    return build_demo(tmp_path_factory.mktemp("demo") / "repo")


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


# Fault injection (tests/test_fault_injection.py): each test records its tally with
# record_property; reports reach this process (the xdist controller too), which prints the sum.
_FAULT_TALLIES: list[str] = []


def pytest_runtest_logreport(report):
    if report.when == "call":
        _FAULT_TALLIES.extend(value for name, value in report.user_properties if name == "fault_tally")


def pytest_terminal_summary(terminalreporter):
    if not _FAULT_TALLIES:
        return
    from tests.faults import Tally

    total = Tally()
    for text in _FAULT_TALLIES:
        total.add(Tally.from_json(text))
    terminalreporter.write_sep("-", "fault injection")
    for line in total.summary():
        terminalreporter.write_line(line)
