"""Errors that reach the user as one clear line (no traceback)."""

from __future__ import annotations


class ReviewtoolError(Exception):
    """A user-facing error: one clear line on stderr, exit status 1."""

    exit_code = 1


class UsageError(ReviewtoolError):
    """The command line itself is wrong (bad argument, ambiguous choice): exit status 2."""

    exit_code = 2
