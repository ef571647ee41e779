"""The fault-injection harness: seeded schedules, writer processes, and the tally pytest prints.

Each test of ``tests/test_fault_injection.py`` builds real repositories, injects faults on
a schedule drawn from a seeded :class:`random.Random` (``REVIEWTOOL_FAULT_SEED``, default
12), and after each *run* checks the promise: every *acknowledged* event (its write
returned) is present in every clone after a final sync, and ``reviewtool doctor`` reports
clean. ``REVIEWTOOL_FAULT_SCALE`` (default 1) multiplies the number of runs: the default
takes about a minute on 2 cores; ``REVIEWTOOL_FAULT_SCALE=10`` is the long run.

What each test did is a :class:`Tally`, recorded with pytest's ``record_property`` so it
travels from xdist workers to the controller, where ``tests/conftest.py`` prints the sum in
the terminal summary (also under ``-q``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewtool.git.repo import GitRepo
from reviewtool.review.doctor import run_doctor
from reviewtool.review.store import ReviewStore

ROOT = Path(__file__).resolve().parent.parent
SEED = int(os.environ.get("REVIEWTOOL_FAULT_SEED", "12"))
SCALE = max(1, int(os.environ.get("REVIEWTOOL_FAULT_SCALE", "1")))
#: The ``record_property`` name a tally travels under.
PROPERTY = "fault_tally"


@dataclass
class Tally:
    """What one test did: runs, faults injected (by kind), events acknowledged and found."""

    runs: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    acknowledged: int = 0
    found: int = 0
    detected: Counter[str] = field(default_factory=Counter)
    repaired: int = 0

    def to_json(self) -> str:
        return json.dumps({"runs": self.runs, "faults": dict(self.faults), "acknowledged": self.acknowledged,
                           "found": self.found, "detected": dict(self.detected), "repaired": self.repaired})

    @classmethod
    def from_json(cls, text: str) -> Tally:
        data = json.loads(text)
        return cls(data["runs"], Counter(data["faults"]), data["acknowledged"], data["found"],
                   Counter(data["detected"]), data["repaired"])

    def add(self, other: Tally) -> None:
        self.runs += other.runs
        self.faults.update(other.faults)
        self.acknowledged += other.acknowledged
        self.found += other.found
        self.detected.update(other.detected)
        self.repaired += other.repaired

    def summary(self) -> list[str]:
        """Three lines: what was injected, what was found, what was detected and repaired."""
        groups: dict[str, Counter[str]] = {}
        for kind, n in self.faults.items():
            head, _, detail = kind.partition(": ")
            groups.setdefault(head, Counter())[detail] += n
        parts = []
        for head, details in sorted(groups.items()):
            total = sum(details.values())
            named = [d for d in details if d]
            parts.append(f"{head} {total}" + (f" ({', '.join(sorted(named))})" if named else ""))
        lines = [f"{self.runs} runs, {sum(self.faults.values())} faults injected: {'; '.join(parts)}",
                 f"{self.acknowledged} events acknowledged, {self.found} of them found in every copy after the "
                 f"final sync; doctor clean after every run"]
        if self.detected or self.repaired:
            seen = ", ".join(f"{kind} {n}" for kind, n in sorted(self.detected.items()))
            lines.append(f"damage detected: {seen}; doctor --repair runs: {self.repaired}")
        return lines


#: Tallies collected by the controller (see tests/conftest.py).
COLLECTED: list[Tally] = []


class Writer:
    """A ``tests.fault_writer`` process writing *count* events to the repository at *path*."""

    def __init__(self, path: Path, draft: str, prefix: str, count: int) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.fault_writer", str(path), draft, prefix,
                                      str(count)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        self.killed = False
        self.lines: list[str] = []

    def wait_ready(self) -> None:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.strip() == "ready", line + (self.proc.stderr.read() if self.proc.stderr else "")

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.killed = True

    def finish(self) -> tuple[list[str], str]:
        """Wait for the process; the ids it acknowledged and how it ended (``done``, ``killed``,
        ``damaged``, ``error``)."""
        out, err = self.proc.communicate()
        self.lines = out.splitlines()
        if self.killed and not out.endswith("\n"):
            # Killed while printing a line: its id may be cut short (an "ack" printed whole is
            # one the writer acknowledged; a cut one proves nothing).
            self.lines = self.lines[:-1]
        acked = [line.split()[1] for line in self.lines if line.startswith("ack ") and len(line.split()) > 1]
        if self.killed and self.proc.returncode == -signal.SIGKILL:
            return acked, "killed"
        ends = {0: "done", 3: "damaged", 2: "error"}
        assert self.proc.returncode in ends, f"writer failed ({self.proc.returncode}): {err[-2000:]}"
        return acked, ends[self.proc.returncode]


def event_ids(path: Path) -> set[str]:
    """Every event id in the notes of the repository at *path* (a damaged ref raises)."""
    events, _ = ReviewStore(GitRepo.open(path)).events()
    return {e.id for e in events}


def doctor_report(path: Path, repair: bool = False) -> Any:
    repo = GitRepo.open(path)
    try:
        return run_doctor(repo, repair=repair, fetch=True)
    finally:
        repo.close()


def assert_clean(path: Path) -> None:
    report = doctor_report(path)
    assert report.clean, [f.to_dict() for f in report.problems]
