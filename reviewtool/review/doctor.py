"""``reviewtool doctor``: checks of a repository's review data, each able to repair what it finds.

A check is a :class:`Check`: a name, a ``run`` function returning :class:`Finding` s (``ok``,
``warning`` or ``problem``, one line each) and, optionally, a ``repair`` function. Several
checks may share one repair (the notes ref, its history and its lost lines are all mended by
one rebuild); a shared repair runs once. :func:`run_doctor` runs every check of
:func:`all_checks`; with ``repair=True`` it runs the repairs of the checks that found a
repairable problem, then every check again, so the report tells the state after repair.

Adding a check: write ``run(ctx) -> list[Finding]`` (and a repair) next to the data it
checks, and list the :class:`Check` in :func:`all_checks`. ``ctx`` (:class:`DoctorContext`)
gives the repository and a per-run cache for work several checks share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reviewtool.git.repo import GitRepo

#: Finding statuses, from fine to wrong.
STATUSES = ("ok", "warning", "problem")


@dataclass
class Finding:
    """One line of a check's report. ``repair`` says what ``--repair`` does about a problem
    (``None``: nothing to repair, or nothing doctor can do)."""

    check: str
    status: str
    message: str
    repair: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check, "status": self.status, "message": self.message, "repair": self.repair,
                **({"data": self.data} if self.data else {})}


class DoctorContext:
    """What checks share during one run: the repository, and a cache (cleared after repairs)."""

    def __init__(self, repo: GitRepo, notes_ref: str | None = None, fetch: bool = True) -> None:
        self.repo = repo
        self.notes_ref = notes_ref
        #: Repairs may fetch copies from the remotes (``doctor --repair --no-fetch``: never).
        self.fetch = fetch
        self.cache: dict[str, Any] = {}

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        """``make()`` once per run (per repair round) under *key*."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]


Run = Callable[[DoctorContext], list[Finding]]
Repair = Callable[[DoctorContext, list[Finding]], list[str]]


@dataclass(frozen=True)
class Check:
    """A named check and the repair for what it finds (shared repairs: the same function)."""

    name: str
    run: Run
    repair: Repair | None = None


@dataclass
class DoctorReport:
    """Findings (after repair, when repairing), what was found before, and what each repair did."""

    findings: list[Finding]
    found: list[Finding]
    repairs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return all(f.status == "ok" for f in self.findings)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.status != "ok"]

    def to_dict(self) -> dict[str, Any]:
        return {"clean": self.clean, "findings": [f.to_dict() for f in self.findings], "repairs": self.repairs,
                **({"found": [f.to_dict() for f in self.found]} if self.repairs else {})}


def all_checks() -> list[Check]:
    """Every check, in the order they run (and repair): the notes ref and its copies, the cache."""
    from reviewtool.review.cache_doctor import CACHE_CHECKS
    from reviewtool.review.notes_doctor import NOTES_CHECKS

    return [*NOTES_CHECKS, *CACHE_CHECKS]


def _run_all(ctx: DoctorContext, checks: list[Check]) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks:
        findings.extend(check.run(ctx))
    return findings


def run_doctor(repo: GitRepo, repair: bool = False, notes_ref: str | None = None,
               checks: list[Check] | None = None, fetch: bool = True) -> DoctorReport:
    """Run *checks* (default: :func:`all_checks`); with *repair*, mend what they found and check
    again. *fetch*: repairs may fetch copies from the remotes."""
    checks = all_checks() if checks is None else checks
    ctx = DoctorContext(repo, notes_ref, fetch)
    found = _run_all(ctx, checks)
    if not repair or all(f.status == "ok" or f.repair is None for f in found):
        return DoctorReport(found, found)
    report = DoctorReport([], found)
    done: list[Repair] = []
    for check in checks:
        mine = [f for f in found if f.check == check.name and f.status != "ok" and f.repair]
        if not mine or check.repair is None or check.repair in done:
            continue
        done.append(check.repair)
        sharing = {c.name for c in checks if c.repair is check.repair}
        actions = check.repair(ctx, [f for f in found if f.check in sharing and f.status != "ok" and f.repair])
        report.repairs.append({"check": check.name, "actions": actions})
        ctx.cache.clear()
    report.findings = _run_all(ctx, checks)
    return report
