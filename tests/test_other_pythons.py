"""``make test-pythons`` (``tests/other_pythons.py``) finds the interpreters it runs the suite on:
CPython 3.11 or newer that answers, the newest of each minor version, never the one ``make test``
used; an interpreter named in ``PYTHONS`` that is not one is an error (exit 2), none found is said."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests import other_pythons
from tests.other_pythons import newest_by_minor, version_of

SCRIPT = Path(other_pythons.__file__)


def _fake(path: Path, answer: str, status: int = 0) -> str:
    """An executable that answers the probe as an interpreter of *answer* would."""
    path.write_text(f"#!/bin/sh\necho '{answer}'\nexit {status}\n")
    path.chmod(0o755)
    return str(path)


def test_this_interpreter_is_read_as_what_it_is():
    assert version_of(sys.executable) == tuple(sys.version_info[:3])


def test_what_is_not_cpython_3_11_or_newer_or_does_not_answer_is_left_out(tmp_path: Path):
    assert version_of(str(tmp_path / "missing")) is None
    assert version_of(_fake(tmp_path / "old", "cpython 3 10 13")) is None
    assert version_of(_fake(tmp_path / "pypy", "pypy 3 11 9")) is None
    assert version_of(_fake(tmp_path / "shim", "", status=127)) is None  # a pyenv shim of a version not selected
    assert version_of(_fake(tmp_path / "new", "cpython 3 14 2")) == (3, 14, 2)


def test_the_newest_of_each_minor_version_is_taken(tmp_path: Path):
    pythons = [_fake(tmp_path / "a", "cpython 3 12 1"), _fake(tmp_path / "b", "cpython 3 12 8"),
               _fake(tmp_path / "c", "cpython 3 13 0"), _fake(tmp_path / "d", "cpython 3 9 1")]
    assert newest_by_minor(pythons) == {12: ((3, 12, 8), pythons[1]), 13: ((3, 13, 0), pythons[2])}


def _run(pythons: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONS": pythons})


def test_a_named_interpreter_that_is_not_one_is_a_usage_error(tmp_path: Path):
    done = _run(f"{sys.executable} {tmp_path / 'missing'}")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == f"test-pythons: PYTHONS names what is not CPython 3.11 or newer with venv: {tmp_path / 'missing'}"


def test_make_test_s_own_interpreter_is_not_run_again():
    done = _run(sys.executable)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith(f"test-pythons: no CPython 3.11+ other than {sys.version.split()[0]} on this machine")
