"""The section-history view (``H``): the versions in which the selected section changed.

The TUI face of ``reviewtool history --section``
(:func:`reviewtool.diff.section_history.section_history`): the section is
followed back through renames, moves, splits and promotions; each row is a
version that changed it, with the statuses, the words added and removed, and the
title it had then (a rename shows ``old → new``). The highlighted row's change
(the section's word diff against the version before) shows below the list.
``enter`` opens that version in the main screen, in the diff view, with the
section selected; ``escape`` closes.

Both the walk and each change's diff run in thread workers; the list says
"following the section…" until the walk is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.style import Style
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reviewtool.diff.hunks import DEFAULT_CONTEXT
from reviewtool.diff.section_history import SectionChangeEntry, section_history
from reviewtool.draft.history import DraftHistory, Version
from reviewtool.errors import ReviewtoolError
from reviewtool.textsafe import clean, one_line
from reviewtool.tui import bindings, view_models
from reviewtool.tui.diff_blocks import INSERT_STYLE, DiffPiece, inline_blocks
from reviewtool.tui.lines_view import Block, LinesView, StyleResolver, layout_blocks

if TYPE_CHECKING:
    from reviewtool.tui.app import ReviewApp
from reviewtool.wording import counted, relative_date


@dataclass(frozen=True)
class SectionHistoryChoice:
    """What the view returns on ``enter``: open *version* with section *key* in the diff view."""

    version: Version
    key: str


def entry_content(entry: SectionChangeEntry, previous_title: str | None, now: datetime | None) -> Content:
    """One row: version, date, author, statuses, words changed, title (``old → new`` when renamed), subject."""
    v = entry.version
    parts: list[tuple[str, str] | str] = [
        (v.short, "$text-warning"), "  ", (relative_date(v.date, now), "$text-muted"), "  ",
        (one_line(v.author), "$secondary"), "  "]
    for status in entry.status:
        if status != "unchanged":
            parts += [(f" {status} ", "reverse $warning"), " "]
    parts += [(f"+{entry.words_added}", "$text-success"), " ", (f"-{entry.words_removed}", "$text-error"), "  "]
    title = one_line(entry.title)
    if previous_title is not None and previous_title != entry.title:
        parts += [(one_line(previous_title), "$text-muted strike"), (" → ", "$text-muted")]
    parts += [(title, "bold"), ("  " + one_line(v.subject), "$text-muted")]
    return Content.assemble(*parts)


def _diff_body(pieces: list[DiffPiece], note: str) -> list[Block]:
    """The change as the content pane's inline diff shows it: trimmed to its changes."""
    if note:
        return [Block(Content.styled(note, "$text-muted italic"))]
    if not pieces:
        return [Block(Content.styled("no change in the text", "$text-muted italic"))]
    return inline_blocks(pieces, DEFAULT_CONTEXT)


class SectionHistoryScreen(ModalScreen[SectionHistoryChoice | None]):
    """Versions where one section changed (through renames), and the highlighted one's change."""

    BINDINGS = bindings.SECTION_HISTORY

    DEFAULT_CSS = """
    SectionHistoryScreen { align: center middle; }
    SectionHistoryScreen > Vertical { width: 95%; height: 92%; border: round $accent; background: $surface; }
    SectionHistoryScreen #sh-title { height: auto; padding: 0 1; text-style: bold; }
    SectionHistoryScreen #sh-status { height: 1; padding: 0 1; color: $text-muted; }
    SectionHistoryScreen #sh-list { height: 2fr; min-height: 4; border-bottom: hkey $foreground 20%; }
    SectionHistoryScreen #sh-change-title { height: 1; padding: 0 1; background: $boost; }
    SectionHistoryScreen #sh-change { height: 3fr; padding: 0 0 0 1; }
    SectionHistoryScreen #sh-hint { height: 1; padding: 0 1; color: $text-muted; }
    """

    class Walked(Message):
        """The walk back through the history is done (or failed)."""

        def __init__(self, entries: list[SectionChangeEntry], error: str = "") -> None:
            super().__init__()
            self.entries = entries
            self.error = error

    class ChangeReady(Message):
        """The change of one entry is laid out."""

        def __init__(self, index: int, title: Content, lines: list[Strip], width: int) -> None:
            super().__init__()
            self.index = index
            self.title = title
            self.lines = lines
            self.width = width

    def __init__(self, history: DraftHistory, version: Version, key: str, title: str,
                 now: datetime | None = None) -> None:
        """Follow section *key* (titled *title*) back from *version*."""
        super().__init__()
        self.history = history
        self.version = version
        self.key = key
        self.section_title = title
        self.now = now
        self.entries: list[SectionChangeEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content.assemble("History of ", ("§ " + one_line(self.section_title), "bold $accent"),
                                          ("  from " + self.version.short + " back", "$text-muted")),
                         id="sh-title")
            yield Static(Content("following the section back through the history…"), id="sh-status")
            yield OptionList(id="sh-list", markup=False)
            yield Static(Content(""), id="sh-change-title")
            yield LinesView(id="sh-change")
            yield Static(Content("j/k move · enter open this version's diff · escape close"), id="sh-hint")

    def on_mount(self) -> None:
        self.query_one("#sh-list", OptionList).focus()
        self.walk()

    # ------------------------------------------------------------ the walk
    @work(thread=True, exclusive=True, group="section-history", exit_on_error=False)
    def walk(self) -> None:
        """Follow the section back (one alignment per version where its text changed)."""
        try:
            entries = section_history(self.history, self.key, self.version.commit)
        except ReviewtoolError as exc:
            self.post_message(self.Walked([], str(exc)))
            return
        self.post_message(self.Walked(entries))

    def on_section_history_screen_walked(self, message: Walked) -> None:
        self.entries = message.entries
        status = self.query_one("#sh-status", Static)
        options = self.query_one("#sh-list", OptionList)
        options.clear_options()
        if message.error:
            status.update(Content.styled(message.error, "$text-error"))
            return
        count = len(self.entries)
        renames = {e.title for e in self.entries}
        status.update(Content(
            f"{counted(count, 'version')} changed this section"
            + (f", under {len(renames)} titles" if len(renames) > 1 else "")))
        rows = []
        for i, entry in enumerate(self.entries):
            older = self.entries[i + 1].title if i + 1 < len(self.entries) else None
            previous = older if "renamed" in entry.status or (older and older != entry.title) else None
            rows.append(Option(entry_content(entry, previous, self.now), id=str(i)))
        options.add_options(rows)
        if rows:
            options.highlighted = 0

    # ------------------------------------------------------------ the change of one entry
    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        index = event.option_index
        if not 0 <= index < len(self.entries):
            return
        view = self.query_one("#sh-change", LinesView)
        width = view.scrollable_content_region.width or max(20, self.size.width - 8)
        resolve = StyleResolver(getattr(self.app, "theme_variables", {}) or self.app.get_css_variables())
        self.show_change(index, self.entries[index], width, view.get_visual_style(), resolve)

    @work(thread=True, exclusive=True, group="section-history-change", exit_on_error=False)
    def show_change(self, index: int, entry: SectionChangeEntry, width: int, base: Style,
                    resolve: StyleResolver) -> None:
        """The section's word diff at *entry* against the version before it, laid out."""
        older = self.history.first_parent(entry.version)
        title = Content.assemble(("change  ", "bold $accent"),
                                 (f"{older.short if older else 'nothing'} → {entry.version.short}", "$text-muted"))
        try:
            if older is None:  # the first version: the whole section is new
                doc = self.history.document(entry.version)
                section = doc.get(entry.key)
                text = clean(doc.full_text(section)) if section is not None else ""
                body = [Block(Content.assemble(("added in the first version", "$text-muted italic"), "\n\n",
                                               (text, INSERT_STYLE)))]
            else:
                pieces, note = view_models.diff_pieces(view_models.compare(self.history, entry.version, older),
                                                       entry.key)
                body = _diff_body(pieces, note)
        except ReviewtoolError as exc:
            body = [Block(Content.styled(str(exc), "$text-error"))]
        worker = get_current_worker()
        layout = layout_blocks(body, width, base, resolve, lambda: worker.is_cancelled)
        if layout is None or worker.is_cancelled:
            return
        self.post_message(self.ChangeReady(index, title, layout.lines, width))

    def on_section_history_screen_change_ready(self, message: ChangeReady) -> None:
        options = self.query_one("#sh-list", OptionList)
        if options.highlighted != message.index:
            return
        self.query_one("#sh-change-title", Static).update(message.title)
        self.query_one("#sh-change", LinesView).set_lines(message.lines, message.width, message.index)

    def change_text(self) -> str:
        """The plain text of the change shown (for tests)."""
        return self.query_one("#sh-change", LinesView).text

    # ------------------------------------------------------------ actions
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """Open the highlighted version's diff in the main screen, with the section selected."""
        index = self.query_one("#sh-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.entries):
            return
        entry = self.entries[index]
        self.dismiss(SectionHistoryChoice(entry.version, entry.key))

    def action_move(self, step: int) -> None:
        """Move through the versions."""
        options = self.query_one("#sh-list", OptionList)
        if self.entries:
            options.highlighted = max(0, min(len(self.entries) - 1, (options.highlighted or 0) + step))

    def action_close(self) -> None:
        """Close without moving."""
        self.dismiss(None)

    def action_scroll_change(self, lines: int) -> None:
        """Scroll the change below the list."""
        self.query_one("#sh-change", LinesView).scroll_relative(y=lines, animate=False)


def open_section_history(app: ReviewApp) -> None:
    """Open the view on the app's selected section (``H``); ``enter`` there shows the chosen change."""
    sel = app.selection
    if sel is None or app.history is None:
        app.notify("no version loaded yet", title="section history", severity="warning")
        return
    section = sel["doc"].get(app.section_key) if app.section_key else None
    if section is None:
        app.notify("select a section first (2, then j/k): the history pane is the whole draft's history",
                   title="section history", severity="warning")
        return
    app.push_screen(SectionHistoryScreen(app.history, sel["version"], section.key, section.title,
                                         now=app.now()), lambda choice: _open_change(app, choice))


def _open_change(app: ReviewApp, choice: SectionHistoryChoice | None) -> None:
    """Show the chosen version's diff against its previous version, on the followed section."""
    if choice is None:
        return
    if app.base_commit is not None:
        app.base_commit = None
        app.notify("base cleared: the diff is against the previous version", title="section history")
    index = next((i for i, v in enumerate(app.versions) if v.commit == choice.version.commit), None)
    if index is None:
        app.notify(f"{choice.version.short} is hidden: the history shows {app.history_filter.label()} (F, M)",
                   title="section history", severity="warning", markup=False)
        return
    app.mode = "diff"
    if app.version is not None and app.version.commit == choice.version.commit:
        app.sections_pane.select_key(choice.key)
    else:
        app.set_reactive(type(app).section_key, choice.key)  # kept when the version loads
        app.history_pane.cursor = index
    app.content_pane.focus()
