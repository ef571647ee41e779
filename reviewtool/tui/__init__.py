"""The Textual terminal UI of reviewtool (the UI layer: only this package imports Textual)."""

from __future__ import annotations

__all__ = ["ReviewApp"]


def __getattr__(name: str) -> object:
    # Lazy so that `import reviewtool.tui` stays cheap for the CLI's --help.
    if name == "ReviewApp":
        from reviewtool.tui.app import ReviewApp

        return ReviewApp
    raise AttributeError(name)
