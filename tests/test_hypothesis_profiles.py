"""The property tests' settings: derandomized, with no example database, unless a developer asks to explore.

An example database replays every example that ever failed on this machine, so
one failure would make every later run fail until the database was cleared
(issue 11). Under the default profile (``ci``: CI and ``make test``) nothing is
read from or written to a database, and every run draws the same examples.
"""

from __future__ import annotations

import importlib
import os

import pytest
from hypothesis import settings

PROPERTY_MODULES = ["tests.test_align_properties", "tests.test_document_properties",
                    "tests.test_note_decoders_properties", "tests.test_notes_merge_properties",
                    "tests.test_worddiff"]

exploring = os.environ.get("HYPOTHESIS_PROFILE", "ci") != "ci"


@pytest.mark.skipif(exploring, reason="HYPOTHESIS_PROFILE asks for random exploration")
def test_default_profile_is_derandomized_without_a_database():
    assert settings.default.derandomize is True
    assert settings.default.database is None


@pytest.mark.skipif(exploring, reason="HYPOTHESIS_PROFILE asks for random exploration")
@pytest.mark.parametrize("module", PROPERTY_MODULES)
def test_no_property_test_brings_its_own_database(module):
    mod = importlib.import_module(module)
    tests = [getattr(mod, name) for name in dir(mod) if name.startswith("test_")]
    found = [t for t in tests if getattr(t, "_hypothesis_internal_use_settings", None) is not None]
    assert found, f"{module} has no property tests any more: update PROPERTY_MODULES"
    for test in found:
        used = test._hypothesis_internal_use_settings
        assert used.database is None, f"{module}.{test.__name__} uses an example database"
        assert used.derandomize is True, f"{module}.{test.__name__} is not derandomized"


def test_explore_profile_is_registered():
    explore = settings.get_profile("explore")
    assert explore.derandomize is False


def test_default_profile_has_no_deadline():
    """Timing never decides a pass: the same settings with or without a CI variable."""
    if not exploring:
        assert settings.default.deadline is None


def test_profiles_do_not_depend_on_the_ci_variable():
    """Hypothesis loads its own "ci" profile when CI is set; ours name their parent."""
    explore = settings.get_profile("explore")
    assert explore.database is not None
    ours = settings.get_profile("ci")
    assert (ours.derandomize, ours.database, ours.deadline) == (True, None, None)
