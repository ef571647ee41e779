"""Problems in the review notes, told to a person: one line per problem, except that all
the events caught in one reply loop are one line (a loop of 16,000 replies is one warning,
not 16,000), with a total when there are several loops. Scripts get every problem, one per
event (``--json``); this is only how they are told.
"""

from __future__ import annotations

from collections.abc import Iterable

from reviewtool.review.events import Problem
from reviewtool.textsafe import shorten
from reviewtool.wording import counted

#: How many of a loop's event ids its line names.
IDS_NAMED = 3


def problem_lines(problems: Iterable[Problem]) -> list[str]:
    """One line per problem, or per reply loop (in the place of its first event), then, when
    there are several loops, a line with their total."""
    lines: list[str] = []
    loops: dict[str, list[Problem]] = {}
    place: dict[str, int] = {}
    for problem in problems:
        if problem.loop is None:
            lines.append(str(problem))
            continue
        key = problem.loop[0]
        if key not in loops:
            loops[key] = []
            place[key] = len(lines)
            lines.append("")
        loops[key].append(problem)
    for key, caught in loops.items():
        lines[place[key]] = loop_line(caught)
    if len(loops) > 1:
        total = sum(len(caught) for caught in loops.values())
        lines.append(f"{len(loops):,} reply loops: {total:,} events never reach a comment and are not shown")
    return lines


def loop_line(caught: list[Problem]) -> str:
    """The line for one reply loop: where its first event is, how many replies go round it,
    the first ids, and how many more events lead into it or aim at its replies."""
    first = caught[0]
    assert first.loop is not None
    size = first.loop[1]
    ids = ", ".join(shorten(p.event, 12) for p in caught[:IDS_NAMED]) + (", …" if len(caught) > IDS_NAMED else "")
    others = len(caught) - size
    more = f", and {counted(others, 'event')} caught with it" if others > 0 else ""
    return (f"note on {first.commit[:12]} line {first.line_no}: reply loop of {size:,} "
            f"repl{'ies' if size != 1 else 'y'} ({ids}){more}: never reaches a comment, not shown "
            f"(--json lists each event)")
