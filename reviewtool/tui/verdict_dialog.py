"""The verdict dialog: review one version as a whole (approve, request changes, comment).

The dialog returns a :class:`VerdictDraft` (the verdict and the summary body); the app
hands the write to its review write queue (:func:`reviewtool.tui.review.start_verdict`),
so nothing here touches git. A ``commented`` review needs a summary, as the CLI's
``review submit --comment`` does; the dialog says so before closing.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import RadioButton, RadioSet, Static, TextArea

from reviewtool.tui import bindings

#: The choices, in order: (verdict as stored, label). The first is the default.
VERDICT_CHOICES = (("approved", "Approve"), ("changes_requested", "Request changes"),
                   ("commented", "Comment (no verdict; needs a summary)"))


@dataclass(frozen=True)
class VerdictDraft:
    """What the dialog returns: the verdict and the summary body (may be empty)."""

    verdict: str
    body: str


class VerdictScreen(ModalScreen[VerdictDraft | None]):
    """Choose a verdict on a version and write a summary; ctrl+s submits, escape cancels."""

    BINDINGS = bindings.VERDICT

    DEFAULT_CSS = """
    VerdictScreen { align: center middle; }
    VerdictScreen > Vertical { width: 84; max-width: 100%; height: auto; max-height: 100%;
                               border: round $accent; background: $surface; padding: 0 1; }
    VerdictScreen #verdict-title { margin-bottom: 1; }
    VerdictScreen #verdict-standing { color: $text-muted; height: auto; }
    VerdictScreen RadioSet { width: 100%; }
    VerdictScreen .verdict-label { color: $text-muted; margin-top: 1; height: 1; }
    VerdictScreen TextArea { height: 8; }
    VerdictScreen #verdict-error { color: $text-error; height: auto; }
    VerdictScreen #verdict-hint { color: $text-muted; height: 1; }
    """

    def __init__(self, title: Content, standing: Content | None = None, verdict: str = "approved") -> None:
        """*title* names the version; *standing* (optional) says what I said before. Both are
        Content, never markup."""
        super().__init__()
        self.title_content = title
        self.standing = standing
        self.initial = verdict if verdict in dict(VERDICT_CHOICES) else "approved"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_content, id="verdict-title")
            if self.standing is not None:
                yield Static(self.standing, id="verdict-standing")
            with RadioSet(id="verdict-choice"):
                for value, label in VERDICT_CHOICES:
                    yield RadioButton(label, value=value == self.initial, id=f"verdict-{value}")
            yield Static(Content("Summary"), classes="verdict-label")
            yield TextArea("", id="verdict-body", soft_wrap=True, show_line_numbers=False)
            yield Static(Content(""), id="verdict-error")
            yield Static(Content("ctrl+s submit · tab next field · escape cancel"), id="verdict-hint")

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()

    @property
    def verdict(self) -> str:
        """The chosen verdict."""
        pressed = self.query_one(RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return self.initial
        return pressed.id.removeprefix("verdict-")

    def action_submit(self) -> None:
        """Return the verdict and the summary (a comment review needs a summary)."""
        body = self.query_one("#verdict-body", TextArea).text
        verdict = self.verdict
        if verdict == "commented" and not body.strip():
            self.query_one("#verdict-error", Static).update(
                Content("A comment review needs a summary: write one, or choose a verdict."))
            self.query_one("#verdict-body", TextArea).focus()
            return
        self.dismiss(VerdictDraft(verdict, body))

    def action_cancel(self) -> None:
        """Close without submitting."""
        self.dismiss(None)
