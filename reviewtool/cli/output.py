"""Where command output goes, and what every command may print without loading Rich: JSON
on stdout, one-line messages on stderr.

Kept apart from :mod:`reviewtool.cli.render` (Rich tables, redlines) so that a command
run with ``--json``, or one that fails early, never pays for importing Rich.

Output normally goes to stdout. While a command's output is being collected for the pager
(:mod:`reviewtool.cli.pager`), it goes to a buffer that stands for the terminal it will be
shown on: :func:`is_terminal` is true and :func:`destination` gives that terminal's width and
colours, so the text is laid out for it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

from reviewtool.textsafe import json_text


@dataclass(frozen=True)
class Destination:
    """A stream standing for a terminal: its width and colour system (Rich's names)."""

    file: TextIO
    width: int
    color_system: str | None


_DESTINATION: Destination | None = None


@contextmanager
def redirected(destination: Destination) -> Iterator[None]:
    """Send command output to *destination* for the duration of the block."""
    global _DESTINATION
    saved = _DESTINATION
    _DESTINATION = destination
    try:
        yield
    finally:
        _DESTINATION = saved


def destination() -> Destination | None:
    """Where output is collected for the pager (None: straight to stdout)."""
    return _DESTINATION


def out() -> TextIO:
    """The stream command output is written to."""
    return _DESTINATION.file if _DESTINATION is not None else sys.stdout


def is_terminal() -> bool:
    """Whether output ends up on a terminal (directly, or through the pager)."""
    return _DESTINATION is not None or sys.stdout.isatty()


def emit_json(data: Any) -> None:
    """Write *data* as JSON to the output, safe for a terminal (:func:`reviewtool.textsafe.json_text`)."""
    out().write(json_text(data, default=str) + "\n")
