"""The git layer: the only code that starts git processes.

- :mod:`reviewtool.git.repo`: :class:`GitRepo`: repository discovery (bare repositories and
  linked worktrees included), creating one (``init``, ``fast_import``), running git with a
  fixed environment, resolving revisions, reading blobs.
- :mod:`reviewtool.git.object_reader`: the repository's one persistent, pipelined
  ``git cat-file --batch`` (blobs, trees and notes all go through it).
- :mod:`reviewtool.git.notes_ref`: the notes ref: compare-and-swap writes, tree building, bulk reads.

No other package starts a git process.
"""
