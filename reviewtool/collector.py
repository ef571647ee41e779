"""Pausing Python's cyclic garbage collector around work that builds many objects (ground floor).

Parsing a large draft, diffing a book or building a review's threads allocates many small
objects that live on (tokens, sections, word operations, events), none of them in cycles:
the collector scanning them again and again as they are created costs a tenth to two fifths
of such work. :func:`collector_paused` is the one way every layer pauses it.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

#: Work on more than this many characters of text pauses the collector (the parse of a
#: draft, the diff of two versions): markdown-it allocates ~25 tokens per KB and the diff a
#: few objects per word, none of them cyclic, and repeated collections cost a tenth to two
#: fifths of such work on multi-MB drafts. Below it a pause is not worth its own cost.
LARGE_TEXT_CHARS = 100_000
#: Whether ``gc.get_freeze_count()`` tells that the process keeps a frozen generation of its own.
#: Python 3.12's collector parks the interpreter's own immortal objects in the permanent
#: generation (every full collection moves them there: some 375 tuples), so there the count is
#: not 0 in a process that froze nothing, and a settle that waited for 0 would never come again.
FREEZE_COUNT_TELLS = sys.version_info[:2] != (3, 12)


@contextmanager
def collector_paused(pause: bool = True, settle: bool = False) -> Iterator[None]:
    """Pause the collector for the block (when *pause*), and restore it as it was.

    *settle*: the objects built are then moved straight to the oldest generation, where
    long-lived objects end up anyway: re-enabling the collector alone would make its next
    young collection scan every one of them (tens of milliseconds for a large review).
    ``gc.freeze()`` + ``gc.unfreeze()`` is that move. It also ages the process's other
    young objects, which only delays the collection of any garbage among them to the next
    full collection. Skipped when the process keeps a frozen generation of its own
    (``gc.unfreeze()`` would thaw it), but on Python 3.12, where the count cannot tell
    (:data:`FREEZE_COUNT_TELLS`): there a frozen generation of the process's own is thawed into
    the oldest generation, where its next ``gc.freeze()`` takes it back.
    """
    if not pause:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if settle and (gc.get_freeze_count() == 0 or not FREEZE_COUNT_TELLS):
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()
