"""``reviewtool doctor [--repair] [--no-fetch] [--json]``: the command over :mod:`reviewtool.review.doctor`.

Prints one line per finding (status, check, message); exits 0 when everything is in order
and 1 when a problem (or a warning) remains. ``--repair`` mends what can be mended first,
then checks again and reports the state after repair.
"""

from __future__ import annotations

from typing import Any

import click

from reviewtool.cli.output import emit_json
from reviewtool.textsafe import clean
from reviewtool.wording import counted

#: How the status column reads.
_STATUS_STYLE = {"ok": "green", "warning": "yellow", "problem": "bold red"}


@click.command("doctor")
@click.option("--repair", is_flag=True,
              help="Mend what is found: rebuild a damaged notes ref from every version that can be read, "
                   "restore lost lines, remove a stale lock, drop a damaged remote copy, remove damaged cache "
                   "entries.")
@click.option("--no-fetch", "no_fetch", is_flag=True,
              help="With --repair: never fetch the remotes' copies (repair from this repository alone).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def doctor_command(ctx: Any, repair: bool, no_fetch: bool, as_json: bool) -> None:
    """Check the review data (the notes ref, its history, lost lines, locks, remote copies) and the
    cache of parsed versions (its size against its bound, damaged entries)."""
    from reviewtool.cli import render
    from reviewtool.review.doctor import run_doctor

    report = run_doctor(ctx.repo, repair=repair, fetch=not no_fetch)
    if as_json:
        emit_json(report.to_dict())
    else:
        from rich.text import Text

        for done in report.repairs:
            for action in done["actions"]:
                render.print_text(f"repaired: {action}")
        width = max((len(f.check) for f in report.findings), default=0)
        for finding in report.findings:
            line = Text()
            line.append(f"{finding.status:<8}", style=_STATUS_STYLE.get(finding.status, ""))
            line.append(f" {finding.check:<{width}}  {clean(finding.message)}")
            if finding.status != "ok" and finding.repair and not repair:
                line.append(f" (--repair: {clean(finding.repair)})")
            render.print_text(line)
        problems = report.problems
        if not problems:
            render.print_text("everything is in order")
        else:
            mendable = [f for f in problems if f.repair] if not repair else []
            hint = "; run `reviewtool doctor --repair`" if mendable else ""
            render.print_text(f"{counted(len(problems), 'problem')} found{hint}")
    if not report.clean:
        raise SystemExit(1)
