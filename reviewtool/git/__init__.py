"""The git layer: the only code that runs git or GitPython.

Repository discovery (bare repositories and linked worktrees included), bulk reads
(log, one persistent object reader), and the notes ref with compare-and-swap writes
(:mod:`reviewtool.git.notes_ref`). No other package starts a git process.
"""
