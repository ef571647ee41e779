"""The command line: click commands (:mod:`reviewtool.cli.commands` gathers them) and their output
(:mod:`reviewtool.cli.render`). The top of the stack, beside the TUI, which it starts."""

from __future__ import annotations


def main() -> None:
    """The ``reviewtool`` console script.

    When the command is done, the process ends at once where nothing could differ from a
    usual exit (:func:`reviewtool.cli.group.end_process`: its exit handlers run, its output is
    flushed, the interpreter is not torn down). Otherwise, however the command ends, the
    objects still alive are frozen out of the cyclic collector
    (``gc.freeze()``): the process ends next, and the interpreter's last full collection would
    only scan them all once more (30 ms of a book-size diff, a tenth of it) to free nothing the
    exit does not free anyway. Output, the cache and the exit status are settled by then
    (the command group flushes the cache; the interpreter still flushes stdout and stderr).
    """
    import gc

    from reviewtool.collector import collector_paused

    # Importing the command line (click, the group) builds thousands of objects that live as long
    # as the process: the collector scanned them in some twenty young collections (3 to 5 ms) to
    # free nothing. Paused, then they go straight to the oldest generation, where they would end up.
    with collector_paused(settle=True):
        from reviewtool.cli.commands import main as run
    try:
        run()
    except SystemExit as exc:
        from reviewtool.cli.group import end_process

        end_process(exc.code)
        raise
    finally:
        gc.freeze()
