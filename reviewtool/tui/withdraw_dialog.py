"""The "withdraw or decline a review request" dialog (``W``).

The TUI face of ``reviewtool review withdraw -r EMAIL… -m TEXT``: it lists the requests still
waiting on the draft that the user may take back, the ones they asked (withdraw) and the ones
asking them (decline), read from what the threads worker loaded (:attr:`ReviewApp.requests`);
the user ticks some and may give a reason. The write goes through the app's review write
queue and is the very event the CLI writes
(:meth:`reviewtool.review.workflow_store.WorkflowStore.withdraw_requests`, which checks
again, against the notes as they are then, that each request still waits), so nothing here
touches git.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from reviewtool.review.workflow import Person, RequestState, may_withdraw
from reviewtool.review.workflow_store import WorkflowStore
from reviewtool.textsafe import one_line
from reviewtool.tui import bindings
from reviewtool.wording import counted

if TYPE_CHECKING:
    from reviewtool.tui.app import ReviewApp


@dataclass(frozen=True)
class Takeable:
    """One waiting request the user may take back: from *reviewer* (an email), on *commit*."""

    reviewer: str
    commit: str
    requester: str  # their name (or email when the event has no name)
    declining: bool  # the user is the reviewer asked (declining), not the one who asked


@dataclass(frozen=True)
class WithdrawDraft:
    """What the dialog returns: the reviewers whose requests to take back, and the reason."""

    reviewers: tuple[str, ...]
    message: str


def takeable(states: Iterable[RequestState], me: Person) -> list[Takeable]:
    """The waiting requests among *states* that *me* may withdraw (asked by them) or decline
    (asking them), as :func:`reviewtool.review.workflow.may_withdraw` decides; oldest first."""
    found = [s for s in states if s.state == "waiting" and may_withdraw(me, s.request, s.reviewer.email)]
    found.sort(key=lambda s: (s.request.time, s.request.id, s.reviewer.email.casefold()))
    return [Takeable(s.reviewer.email, s.request.version.commit, s.request.author.name or s.request.author.email,
                     me.is_(s.reviewer.email)) for s in found]


def option_label(item: Takeable) -> Content:
    """``decline  asked by Ana on 1a2b3c4d`` / ``withdraw  ben@example.org, asked on 1a2b3c4d``."""
    if item.declining:
        return Content.assemble(("decline", "bold $text-warning"), "  your review, asked by ",
                                (one_line(item.requester), "bold"), " on ", (item.commit[:8], "$text-accent"))
    return Content.assemble(("withdraw", "bold $text-warning"), "  ", (one_line(item.reviewer), "bold"),
                            ", asked by you on ", (item.commit[:8], "$text-accent"))


class WithdrawRequestScreen(ModalScreen[WithdrawDraft | None]):
    """The waiting requests the user may take back; ctrl+s takes back the ticked ones, escape cancels."""

    BINDINGS = bindings.WITHDRAW

    DEFAULT_CSS = """
    WithdrawRequestScreen { align: center middle; }
    WithdrawRequestScreen > Vertical { width: 96; max-width: 100%; height: auto; max-height: 100%;
                                       border: round $accent; background: $surface; padding: 0 1; }
    WithdrawRequestScreen #withdraw-title { margin-bottom: 1; }
    WithdrawRequestScreen .withdraw-label { color: $text-muted; margin-top: 1; height: 1; }
    WithdrawRequestScreen SelectionList { height: auto; max-height: 10; }
    WithdrawRequestScreen TextArea { height: 4; }
    WithdrawRequestScreen #withdraw-error { color: $text-error; height: auto; }
    WithdrawRequestScreen #withdraw-hint { color: $text-muted; height: 1; }
    """

    def __init__(self, draft: str, items: list[Takeable]) -> None:
        """*draft* names the draft (untrusted: shown as Content); *items* are never empty."""
        super().__init__()
        self.draft = draft
        self.items = items

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content.assemble("Take back review requests on ", (one_line(self.draft), "bold")),
                         id="withdraw-title")
            yield Static(Content(f"{counted(len(self.items), 'request')} waiting that you may take back "
                                 "(space ticks)"), classes="withdraw-label")
            yield SelectionList[str](*(Selection(option_label(item), item.reviewer, len(self.items) == 1)
                                       for item in self.items), id="withdraw-requests")
            yield Static(Content("Reason (optional)"), classes="withdraw-label")
            yield TextArea("", id="withdraw-message", soft_wrap=True, show_line_numbers=False)
            yield Static(Content(""), id="withdraw-error")
            yield Static(Content("ctrl+s take back the ticked · tab next field · escape cancel"),
                         id="withdraw-hint")

    def on_mount(self) -> None:
        self.query_one("#withdraw-requests", SelectionList).focus()

    def action_submit(self) -> None:
        """Return the ticked reviewers and the reason, or ask for a tick."""
        ticked = tuple(self.query_one("#withdraw-requests", SelectionList).selected)
        if not ticked:
            self.query_one("#withdraw-error", Static).update(Content("tick at least one request (space)"))
            self.query_one("#withdraw-requests", SelectionList).focus()
            return
        self.dismiss(WithdrawDraft(ticked, self.query_one("#withdraw-message", TextArea).text))

    def action_cancel(self) -> None:
        """Close without taking anything back."""
        self.dismiss(None)


def start_withdraw(app: ReviewApp) -> None:
    """Withdraw or decline waiting review requests on the draft (``review withdraw``), through the write queue."""
    what = "withdraw request"
    history = app.history
    if history is None or app.repo is None:
        app.notify("no draft loaded yet", title=what, severity="warning")
        return
    if app.identity is None:
        app.notify("who are you? set git config user.name and user.email", title=what, severity="error")
        return
    me = Person(*app.identity)
    items = takeable((s for states in app.requests.values() for s in states), me)
    if not items:
        app.notify(f"no review request waits on {one_line(history.draft)} that you asked or were asked",
                   title=what, severity="information", markup=False)
        return

    def save(draft: WithdrawDraft | None) -> None:
        if draft is None:
            return

        def call() -> str:
            from reviewtool.tui.review import review_store

            made = WorkflowStore(review_store(app)).withdraw_requests(history, list(draft.reviewers),
                                                                      draft.message.strip() or None)
            declined = [r for w in made for r in w.reviewers if w.declined_by(r)]
            withdrawn = [r for w in made for r in w.reviewers if not w.declined_by(r)]
            parts = (["declined the request to review"] if declined else []) + (
                [f"withdrew the request for {', '.join(one_line(r) for r in withdrawn)}"] if withdrawn else [])
            return f"{' and '.join(parts)} on {one_line(history.draft)}"

        app.write_review("withdraw", call)

    app.push_screen(WithdrawRequestScreen(history.draft, items), save)
