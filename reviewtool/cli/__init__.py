"""The command line: click commands (:mod:`reviewtool.cli.commands` gathers them) and their output
(:mod:`reviewtool.cli.render`). The top of the stack, beside the TUI, which it starts."""

from __future__ import annotations


def main() -> None:
    """The ``reviewtool`` console script.

    However the command ends, the objects still alive are frozen out of the cyclic collector
    (``gc.freeze()``): the process ends next, and the interpreter's last full collection would
    only scan them all once more (30 ms of a book-size diff, a tenth of it) to free nothing the
    exit does not free anyway. Output, the cache and the exit status are settled by then
    (the command group flushes the cache; the interpreter still flushes stdout and stderr).
    """
    from reviewtool.cli.commands import main as run

    try:
        run()
    finally:
        import gc

        gc.freeze()
