"""Where command output goes, and what every command may print without loading Rich: JSON
on stdout, progress and one-line messages on stderr.

Kept apart from :mod:`reviewtool.cli.render` (Rich tables, redlines) so that a command
run with ``--json``, or one that fails early, never pays for importing Rich.

Output normally goes to stdout. While a command's output is being collected for the pager
(:mod:`reviewtool.cli.pager`), it goes to a buffer that stands for the terminal it will be
shown on: :func:`is_terminal` is true and :func:`destination` gives that terminal's width and
colours, so the text is laid out for it.
"""

from __future__ import annotations

import codecs
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO


class Destination:
    """A stream standing for a terminal: its width and colour system (Rich's names).

    A plain class, not a dataclass: every command imports this module, and building a
    dataclass (importing :mod:`dataclasses`, generating its methods) cost a millisecond
    of every start-up."""

    __slots__ = ("color_system", "file", "width")

    def __init__(self, file: TextIO, width: int, color_system: str | None) -> None:
        self.file = file
        self.width = width
        self.color_system = color_system


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
    """Write *data* as JSON to the output, safe for a terminal (:func:`reviewtool.textsafe.json_text`).

    A stream that encodes UTF-8 and has a byte buffer (stdout, the pager's pipe) gets the
    bytes of :func:`reviewtool.textsafe.json_bytes` (the same bytes, never decoded when
    nothing needs escaping); any other stream gets the text."""
    from reviewtool.textsafe import json_bytes, json_text  # here: --version and --help print no JSON

    stream = out()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None and _utf8(getattr(stream, "encoding", None)):
        stream.flush()  # what was written as text goes first
        # Two writes, not one of the JSON plus a newline: that copy of a book diff's 6.5 MB
        # cost a fresh megabytes-long buffer (1,600 pages faulted in) for one byte.
        buffer.write(json_bytes(data, default=str))
        buffer.write(b"\n")
        buffer.flush()
    else:
        stream.write(json_text(data, default=str) + "\n")


def _utf8(encoding: str | None) -> bool:
    """Whether *encoding* names UTF-8."""
    if not encoding:
        return False
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


class Progress:
    """``reading versions 45/186`` on stderr, for work that lasts: shown only on a terminal,
    only once the work has taken :attr:`delay` seconds (``REVIEWTOOL_PROGRESS_DELAY``
    overrides it), redrawn at most ten times a second, and erased when done. Never on
    stdout, so ``--json`` output and pipes stay clean."""

    def __init__(self, what: str, total: int, stream: TextIO | None = None) -> None:
        self.what = what
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() and total > 1
        try:
            self.delay = float(os.environ.get("REVIEWTOOL_PROGRESS_DELAY", "1.0"))
        except ValueError:
            self.delay = 1.0
        self._started = time.monotonic()
        self._drawn_at = 0.0
        self._width = 0

    def __call__(self, done: int) -> None:
        """*done* of :attr:`total` items are done."""
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._started < self.delay or (now - self._drawn_at < 0.1 and done < self.total):
            return
        line = f"{self.what} {done}/{self.total}"
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = max(self._width, len(line))
        self._drawn_at = now

    def close(self) -> None:
        """Erase the line (if one was drawn)."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
