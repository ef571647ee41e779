"""The inbox (``I``): what waits for me in the review of the draft, and a way to go there.

The TUI face of ``reviewtool status``'s "For you" part: the same fold
(:func:`reviewtool.review.status.review_status`, run in a thread worker on the notes as
they are now) listed in sections: review requests for me, threads where someone answered
after my last word, my suggestions not applied yet, and for an author of the draft the
change requests no newer version answered and the open threads. ``enter`` closes the
screen and selects the item's version (a thread: its version, section and thread, as a
search result does: :meth:`reviewtool.tui.search_flow.SearchFlow.show_thread`); ``escape``
closes. Names and bodies are untrusted: they go into :class:`~textual.content.Content`
as plain text, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reviewtool.errors import ReviewtoolError
from reviewtool.review.events import Thread
from reviewtool.review.status import StatusReport, load_review_data, review_status
from reviewtool.textsafe import one_line
from reviewtool.tui import bindings
from reviewtool.tui.comments_pane import when
from reviewtool.wording import counted

if TYPE_CHECKING:
    from reviewtool.draft.history import DraftHistory
    from reviewtool.git.repo import GitRepo
    from reviewtool.tui.app import ReviewApp


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting: its section, its row, and where ``enter`` goes (a version's
    commit, or a thread)."""

    section: str
    label: Content
    commit: str | None = None
    thread: Thread | None = None


#: The inbox's sections, in display order.
SECTIONS = ("Review requests for you", "Threads awaiting your reply", "Your suggestions not applied",
            "Changes requested on your draft", "Open threads on your draft")


def _who(person: Any) -> str:
    return one_line(person.name or person.email)


def _excerpt(text: str, width: int = 70) -> str:
    flat = one_line(" ".join(text.split()))
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _thread_label(thread: Thread, text: str, now: datetime | None) -> Content:
    last = max([(thread.created, thread.author or thread.email)]
               + [(r.time, r.author or r.email) for r in thread.replies if not r.retracted])
    anchor = thread.anchor
    where = "§ " + one_line(anchor.section_title or anchor.section_key) if anchor.section_key else "whole draft"
    return Content.assemble((where, "bold"), "  ",
                            (f"last: {one_line(last[1])} {when(last[0], now)}", "$text-muted"),
                            "  ", _excerpt(text))


def inbox_items(report: StatusReport, now: datetime | None = None) -> list[InboxItem]:
    """The rows of the inbox for *report* (``reviewtool status``'s fold), section by section."""
    mine = report.for_me
    items: list[InboxItem] = []
    for r in mine.requests:
        commit = r.request.version.commit
        parts: list[tuple[str, str] | str] = [
            (commit[:8], "$text-warning"), "  ", ("requested by ", "$text-muted"), (_who(r.request.author), "bold"),
            "  ", (when(r.request.time, now), "$text-muted")]
        if r.request.body:
            parts += ["  ", _excerpt(r.request.body)]
        items.append(InboxItem(SECTIONS[0], Content.assemble(*parts), commit=commit))
    for t in mine.threads_awaiting_reply:
        items.append(InboxItem(SECTIONS[1], _thread_label(t, t.body, now), thread=t))
    for t in mine.suggestions_unapplied:
        items.append(InboxItem(SECTIONS[2], _thread_label(t, t.suggestion or "", now), thread=t))
    if mine.is_author:
        for e in mine.changes_requested:
            v = e.verdict
            parts = [(v.version.commit[:8], "$text-warning"), "  ", ("changes requested by ", "$text-error"),
                     (_who(v.reviewer), "bold"), "  ", (when(v.time, now), "$text-muted")]
            if v.body:
                parts += ["  ", _excerpt(v.body)]
            items.append(InboxItem(SECTIONS[3], Content.assemble(*parts), commit=v.version.commit))
        for t in mine.open_threads:
            items.append(InboxItem(SECTIONS[4], _thread_label(t, t.body, now), thread=t))
    return items


class InboxScreen(ModalScreen[InboxItem | None]):
    """What waits for me: requests, threads awaiting my reply, my suggestions; enter goes there."""

    BINDINGS = bindings.INBOX

    DEFAULT_CSS = """
    InboxScreen { align: center middle; }
    InboxScreen > Vertical { width: 90%; height: 85%; border: round $accent; background: $surface; }
    InboxScreen #inbox-title { height: auto; padding: 0 1; text-style: bold; }
    InboxScreen #inbox-status { height: auto; padding: 0 1; color: $text-muted; }
    InboxScreen #inbox-list { height: 1fr; }
    InboxScreen #inbox-hint { height: 1; padding: 0 1; color: $text-muted; }
    """

    class Loaded(Message):
        """The status fold is done (or failed)."""

        def __init__(self, report: StatusReport | None, error: str = "") -> None:
            super().__init__()
            self.report = report
            self.error = error

    def __init__(self, repo: GitRepo, history: DraftHistory, identity: tuple[str, str],
                 now: datetime | None = None) -> None:
        super().__init__()
        self.repo = repo
        self.history = history
        self.identity = identity
        self.now = now
        self.items: list[InboxItem] = []
        #: The option index of each item (section headings are disabled options in between).
        self._rows: dict[int, int] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            me = one_line(self.identity[1] or self.identity[0])
            yield Static(Content.assemble("Waiting for ", (me, "bold $accent")), id="inbox-title")
            yield Static(Content("reading the review notes…"), id="inbox-status")
            yield OptionList(id="inbox-list", markup=False)
            yield Static(Content("j/k move · enter go there · escape close"), id="inbox-hint")

    def on_mount(self) -> None:
        self.query_one("#inbox-list", OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="inbox", exit_on_error=False)
    def load(self) -> None:
        """Fold the notes as ``reviewtool status`` does (one bulk read of the notes)."""
        try:
            data = load_review_data(self.repo)
            report = review_status(self.history, data.threads, data.workflow, self.identity)
        except ReviewtoolError as exc:
            self.post_message(self.Loaded(None, str(exc)))
            return
        self.post_message(self.Loaded(report))

    def on_inbox_screen_loaded(self, message: Loaded) -> None:
        status = self.query_one("#inbox-status", Static)
        options = self.query_one("#inbox-list", OptionList)
        options.clear_options()
        if message.report is None:
            status.update(Content.styled(message.error, "$text-error"))
            return
        self.items = inbox_items(message.report, self.now)
        v = message.report.version
        if not self.items:
            status.update(Content.assemble(("Nothing waits for you", "bold"),
                                           f" on {one_line(message.report.draft)} at {v.short}."))
            return
        count = len(self.items)
        status.update(Content(f"{counted(count, 'item')} on {one_line(message.report.draft)} "
                              f"(newest version {v.short})"))
        rows: list[Option] = []
        section = ""
        for i, item in enumerate(self.items):
            if item.section != section:
                section = item.section
                n = sum(1 for it in self.items if it.section == section)
                rows.append(Option(Content.assemble((section, "bold $accent"), (f"  {n}", "$text-muted")),
                                   disabled=True))
            self._rows[len(rows)] = i
            rows.append(Option(Content.assemble("  ", item.label)))
        options.add_options(rows)
        options.highlighted = min(self._rows)

    def highlighted_item(self) -> InboxItem | None:
        """The item under the cursor (None: none)."""
        index = self.query_one("#inbox-list", OptionList).highlighted
        return None if index is None or index not in self._rows else self.items[self._rows[index]]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """Close and go to the highlighted item."""
        item = self.highlighted_item()
        if item is not None:
            self.dismiss(item)

    def action_move(self, step: int) -> None:
        """Move through the items (skipping the section headings)."""
        options = self.query_one("#inbox-list", OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_close(self) -> None:
        """Close without moving."""
        self.dismiss(None)


def open_inbox(app: ReviewApp) -> None:
    """Open the inbox (``I``); ``enter`` there selects the chosen item's version or thread."""
    if app.repo is None or app.history is None:
        app.notify("no history loaded yet", title="inbox", severity="warning")
        return
    identity = app.identity
    if identity is None or not identity[1]:
        app.notify("who are you? set git config user.email to see what waits for you",
                   title="inbox", severity="warning")
        return
    app.push_screen(InboxScreen(app.repo, app.history, identity, now=app.now()),
                    lambda item: go_to_item(app, item))


def go_to_item(app: ReviewApp, item: InboxItem | None) -> None:
    """Select *item*'s thread (its version, section and the thread) or version."""
    if item is None:
        return
    if item.thread is not None:
        app.search_flow.show_thread(item.thread)
        return
    row = next((i for i, v in enumerate(app.versions) if v.commit == item.commit), None)
    if row is None:
        app.notify(f"{(item.commit or '')[:8]} is hidden: the history shows {app.history_filter.label()} (F, M)",
                   title="inbox", severity="warning", markup=False)
        return
    app.history_pane.cursor = row
    app.history_pane.focus()
