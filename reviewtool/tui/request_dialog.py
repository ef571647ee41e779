"""The "request review" dialog (``Q``): ask reviewers to review the selected version.

The TUI face of ``reviewtool review request -r EMAIL… -m TEXT``: reviewer emails
(comma- or space-separated) and an optional message. The emails are checked as the
CLI checks them (:func:`reviewtool.review.workflow.valid_email`, not yourself) before the
dialog closes; the write goes through the app's review write queue and is the very event
the CLI writes (:meth:`reviewtool.review.workflow_store.WorkflowStore.request_review`), so
nothing here touches git.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from reviewtool.review.workflow import valid_email
from reviewtool.review.workflow_store import WorkflowStore
from reviewtool.textsafe import one_line
from reviewtool.tui import bindings

if TYPE_CHECKING:
    from reviewtool.tui.app import ReviewApp


@dataclass(frozen=True)
class RequestDraft:
    """What the dialog returns: the reviewers' emails and the message (may be empty)."""

    reviewers: tuple[str, ...]
    message: str


def parse_reviewers(text: str, me: str = "") -> tuple[tuple[str, ...], str]:
    """The emails in *text* (separated by commas or spaces), and an error ("" when fine):
    each must be an email address, at least one, never *me* (as the CLI refuses)."""
    emails: list[str] = []
    for raw in re.split(r"[,\s]+", text.strip()):
        if not raw:
            continue
        if not valid_email(raw):
            return (), f"invalid reviewer {one_line(raw)!r}: give an email address (name@example.org)"
        if raw.casefold() not in {e.casefold() for e in emails}:
            emails.append(raw)
    if not emails:
        return (), "name at least one reviewer (an email address)"
    if me and me.casefold() in {e.casefold() for e in emails}:
        return (), "you cannot request a review from yourself"
    return tuple(emails), ""


class RequestReviewScreen(ModalScreen[RequestDraft | None]):
    """Reviewers and an optional message; ctrl+s asks them, escape cancels."""

    BINDINGS = bindings.REQUEST

    DEFAULT_CSS = """
    RequestReviewScreen { align: center middle; }
    RequestReviewScreen > Vertical { width: 84; max-width: 100%; height: auto; max-height: 100%;
                                     border: round $accent; background: $surface; padding: 0 1; }
    RequestReviewScreen #request-title { margin-bottom: 1; }
    RequestReviewScreen .request-label { color: $text-muted; margin-top: 1; height: 1; }
    RequestReviewScreen TextArea { height: 6; }
    RequestReviewScreen #request-error { color: $text-error; height: auto; }
    RequestReviewScreen #request-hint { color: $text-muted; height: 1; }
    """

    def __init__(self, title: Content, me: str = "") -> None:
        """*title* names the version (Content, never markup); *me* is my email (not a reviewer)."""
        super().__init__()
        self.title_content = title
        self.me = me

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_content, id="request-title")
            yield Static(Content("Reviewers (emails, comma-separated)"), classes="request-label")
            yield Input(placeholder="ben@example.org, cy@example.org", id="request-reviewers")
            yield Static(Content("Message (optional)"), classes="request-label")
            yield TextArea("", id="request-message", soft_wrap=True, show_line_numbers=False)
            yield Static(Content(""), id="request-error")
            yield Static(Content("ctrl+s ask · tab next field · escape cancel"), id="request-hint")

    def on_mount(self) -> None:
        self.query_one("#request-reviewers", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#request-message", TextArea).focus()

    def action_submit(self) -> None:
        """Return the reviewers and the message, or say what is wrong with the reviewers."""
        reviewers, error = parse_reviewers(self.query_one("#request-reviewers", Input).value, self.me)
        if error:
            self.query_one("#request-error", Static).update(Content(error))
            self.query_one("#request-reviewers", Input).focus()
            return
        self.dismiss(RequestDraft(reviewers, self.query_one("#request-message", TextArea).text))

    def action_cancel(self) -> None:
        """Close without asking."""
        self.dismiss(None)


def start_request(app: ReviewApp) -> None:
    """Ask reviewers to review the selected version (``review request``), through the write queue."""
    from reviewtool.tui.review import committed_version, review_store, short

    version = committed_version(app, "request review")
    if version is None:
        return
    if app.identity is None:
        app.notify("who are you? set git config user.name and user.email", title="request review",
                   severity="error")
        return
    title = Content.assemble("Ask for a review of ", (version.short, "bold $text-warning"), "  ",
                             (short(version.subject), "italic"))

    def save(draft: RequestDraft | None) -> None:
        if draft is None:
            return

        def call() -> str:
            event = WorkflowStore(review_store(app)).request_review(version, list(draft.reviewers), draft.message)
            asked = ", ".join(one_line(r) for r in event.extra["reviewers"])
            return f"asked {asked} to review {version.short}"

        app.write_review("request", call)

    app.push_screen(RequestReviewScreen(title, app.identity[1]), save)
