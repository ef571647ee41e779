"""``make test-pythons``: the whole suite on every other CPython 3.11+ this machine has.

``pyproject.toml`` says ``requires-python = ">=3.11"``, and ``make test`` runs on one
interpreter (``python3``). A break that only another version shows passes there unseen: on
Python 3.12 and 3.13 every import of reviewtool failed (3.12 gave dataclasses' parameters four
more fields), and on 3.12 what a large parse or diff built was never settled again after the
first full collection (3.12's collector parks the interpreter's immortal objects in the
permanent generation). So the suite runs on the others too.

Each interpreter found -- ``python3.N`` on ``PATH`` that answers, and pyenv's versions (a pyenv
shim of a version not selected does not answer) -- gets its own virtual environment
(``.venv-3.N``, made once, installed again when ``pyproject.toml`` changes), the package with
its test extras, and the whole suite (``pytest -n auto``, with ``PYTEST_ARGS``). One interpreter
a minor version (the newest), that of ``make test`` left out. The guards (ruff, mypy,
import-linter) read the code, not the interpreter: ``make test`` runs them once.

``PYTHONS`` (paths, separated by spaces) names the interpreters instead of looking for them.
Exit status 0 when every suite passed or no other interpreter was found (then said), 1 when
one failed (setting up its environment included), 2 when ``PYTHONS`` names one that is not
CPython 3.11 or newer able to make a virtual environment.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The oldest minor version ``pyproject.toml`` allows (``requires-python = ">=3.11"``).
OLDEST = 11
#: The newest minor version looked for.
NEWEST = 20
#: What an interpreter is asked: its name and version, once it has imported what making a virtual
#: environment needs (a Python without them, as Debian's without python3-venv, cannot host one).
_PROBE = "import sys, venv, ensurepip; print(sys.implementation.name, *sys.version_info[:3])"


def version_of(python: str) -> tuple[int, int, int] | None:
    """The version of CPython *python* is, when it runs, is CPython 3.11 or newer and can make a
    virtual environment; else None."""
    try:
        done = subprocess.run([python, "-c", _PROBE], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = done.stdout.split()
    if done.returncode != 0 or len(parts) != 4 or parts[0] != "cpython":
        return None
    major, minor, micro = map(int, parts[1:])
    return (major, minor, micro) if (major, minor) >= (3, OLDEST) else None


def candidates() -> list[str]:
    """Interpreters to ask: ``python3.N`` on ``PATH``, then pyenv's."""
    found = [path for minor in range(OLDEST, NEWEST + 1) if (path := shutil.which(f"python3.{minor}"))]
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    if pyenv.is_dir():
        found += sorted(str(p) for p in pyenv.glob("3.*/bin/python3.*") if p.name[len("python3."):].isdigit())
    return found


def newest_by_minor(pythons: list[str]) -> dict[int, tuple[tuple[int, int, int], str]]:
    """The newest interpreter of each minor version among *pythons* that answer."""
    best: dict[int, tuple[tuple[int, int, int], str]] = {}
    for python in pythons:
        version = version_of(python)
        if version is not None and (version[1] not in best or version > best[version[1]][0]):
            best[version[1]] = (version, python)
    return best


def installed(python: str, minor: int) -> Path:
    """The virtual environment of *python* with the package and its test extras installed:
    the Makefile's own ``install`` (made once, installed again when ``pyproject.toml``
    changes), into ``.venv-3.N`` from *python*."""
    venv = f".venv-3.{minor}"
    subprocess.run(["make", "--no-print-directory", "install", f"VENV={venv}", f"PYTHON={python}"],
                   cwd=ROOT, check=True)
    return ROOT / venv / "bin" / "python"


def main() -> int:
    named = os.environ.get("PYTHONS", "").split()
    wrong = [python for python in named if version_of(python) is None]
    if wrong:
        print(f"test-pythons: PYTHONS names what is not CPython 3.{OLDEST} or newer with venv: {' '.join(wrong)}",
              file=sys.stderr)
        return 2
    found = newest_by_minor(named or candidates())
    found.pop(sys.version_info[1], None)  # make test's own
    if not found:
        print(f"test-pythons: no CPython 3.{OLDEST}+ other than {sys.version.split()[0]} on this machine: "
              "nothing more to run")
        return 0
    extra = shlex.split(os.environ.get("PYTEST_ARGS", ""))
    results: list[tuple[str, int, float]] = []
    for minor in sorted(found):
        version, python = found[minor]
        label = ".".join(map(str, version))
        print(f"\n== Python {label} ({python})", flush=True)
        started = time.monotonic()
        try:
            bin_python = installed(python, minor)
            status = subprocess.run([str(bin_python), "-m", "pytest", "-q", "-n", "auto", *extra], cwd=ROOT).returncode
        except subprocess.CalledProcessError as exc:
            print(f"test-pythons: setting up Python {label} failed: {exc}", file=sys.stderr)
            status = exc.returncode or 1
        results.append((label, status, time.monotonic() - started))
    print()
    for label, status, seconds in results:
        print(f"Python {label}: {'passed' if status == 0 else f'FAILED (exit {status})'} in {seconds:.0f} s")
    return 0 if all(status == 0 for _, status, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
