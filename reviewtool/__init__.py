"""reviewtool: a terminal-first review workflow for Markdown essays kept in git.

The core modules (document model, alignment, word diff, history, notes storage,
comments, export) never import Textual; the UI lives in ``reviewtool.tui`` and
``reviewtool.cli.commands``.
"""

__version__ = "0.1.0"
