"""The screen shown when there is nothing to browse yet: how to start, or which draft to open.

Shown instead of a traceback when the folder is not a repository, the
repository has no commits or no drafts, or it has several drafts (then the
drafts are listed to choose from).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from reviewtool.textsafe import one_line
from reviewtool.tui import bindings

HOW_TO_START = (
    "To start a draft:\n\n"
    "  mkdir -p drafts\n"
    "  $EDITOR drafts/my-essay.md          # Markdown, optional Jekyll front matter\n"
    "  git add drafts/my-essay.md\n"
    "  git commit -m \"First draft\"\n"
    "  reviewtool                          # opens this UI on the draft\n\n"
    "Any tracked Markdown file works too:  reviewtool -d README.md\n"
    "To look around first:                 reviewtool demo"
)

TITLES = {
    "not-a-repo": "This folder is not a git repository",
    "no-commits": "This repository has no commits yet",
    "no-drafts": "This repository has no drafts yet",
    "many-drafts": "Choose a draft",
    "error": "Cannot open the draft",
}


class StartScreen(Screen[str | None]):
    """Explains how to start, or lets the user pick one of several drafts (dismisses with its path)."""

    BINDINGS = bindings.START

    DEFAULT_CSS = """
    StartScreen { align: center middle; }
    StartScreen > Vertical { width: 90; max-width: 100%; height: auto; max-height: 100%;
                             border: round $accent; padding: 1 2; }
    StartScreen #start-title { text-style: bold; color: $accent; margin-bottom: 1; }
    StartScreen #start-reason { color: $text-warning; margin-bottom: 1; }
    StartScreen OptionList { height: auto; max-height: 15; }
    """

    def __init__(self, reason: str, kind: str = "error", drafts: list[str] | None = None) -> None:
        """*reason* is the one-line error; *kind* picks the explanation; *drafts* to choose from."""
        super().__init__()
        self.reason = reason
        self.kind = kind
        self.drafts = drafts or []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(TITLES.get(self.kind, TITLES["error"])), id="start-title")
            yield Static(Content(one_line(self.reason)), id="start-reason")
            if self.kind == "many-drafts" and self.drafts:
                yield Static(Content("Pick one with j/k and enter (or start with: reviewtool -d PATH):"))
                yield OptionList(*[Option(Content(one_line(d)), id=d) for d in self.drafts], id="drafts")
            elif self.kind in ("no-drafts", "no-commits", "not-a-repo"):
                text = HOW_TO_START if self.kind != "not-a-repo" else "Run `git init` first.\n\n" + HOW_TO_START
                yield Static(Content(text), id="start-help")
            yield Static(Content.styled("q: quit", "$text-muted"))
        yield Footer()

    def on_mount(self) -> None:
        if self.drafts and self.kind == "many-drafts":
            self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_quit_app(self) -> None:
        """Leave the app."""
        self.dismiss(None)

    def action_cursor_down(self) -> None:
        """Next draft."""
        if self.drafts and self.kind == "many-drafts":
            self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous draft."""
        if self.drafts and self.kind == "many-drafts":
            self.query_one(OptionList).action_cursor_up()
