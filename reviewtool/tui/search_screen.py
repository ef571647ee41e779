"""Search (``/``): version subjects and authors, and the section titles of the selected version.

Type to filter; ``enter`` jumps to the highlighted result (the first one when
the input has focus); ``escape`` closes. Dismisses with ``("version", index,
matches)`` or ``("section", key, matches)``, where *matches* are the indices of
every matching version (the history marks them; ``n``/``N`` step through them).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reviewtool.draft.document import Document
from reviewtool.draft.history import Version
from reviewtool.textsafe import one_line
from reviewtool.tui import bindings

MAX_RESULTS = 200


def search(versions: list[Version], doc: Document | None, query: str) -> list[tuple[str, Any, Content]]:
    """Matches of *query* (case-insensitive substring): sections first, then versions, newest first."""
    q = query.strip().casefold()
    if not q:
        return []
    out: list[tuple[str, Any, Content]] = []
    if doc is not None:
        for s in doc.sections:
            if q in s.title.casefold() or q in s.key.casefold():
                out.append(("section", s.key, Content.assemble(("§ ", "$text-accent"), one_line(s.title),
                                                               (f"  {s.key}", "$text-muted"))))
    for i, v in enumerate(versions):
        if len(out) >= MAX_RESULTS:
            break
        if q in v.subject.casefold() or q in v.author.casefold() or v.commit.startswith(q):
            out.append(("version", i, Content.assemble((v.short, "$text-warning"), "  ",
                                                       one_line(v.subject), "  ",
                                                       (one_line(v.author), "$text-muted"))))
    return out


class SearchScreen(ModalScreen[tuple[str, Any, list[int]] | None]):
    """Incremental search over versions and sections."""

    BINDINGS = bindings.SEARCH

    DEFAULT_CSS = """
    SearchScreen { align: center top; }
    SearchScreen > Vertical { width: 90; max-width: 100%; height: auto; max-height: 80%;
                              margin-top: 2; border: round $accent; background: $surface; }
    SearchScreen OptionList { height: auto; max-height: 20; }
    SearchScreen #search-count { color: $text-muted; height: 1; padding: 0 1; }
    """

    def __init__(self, versions: list[Version], doc: Document | None) -> None:
        """Search *versions* and the sections of *doc*."""
        super().__init__()
        self.versions = versions
        self.doc = doc
        self.results: list[tuple[str, Any, Content]] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(placeholder="search subjects, authors, section titles", id="search-input")
            yield Static(Content(""), id="search-count")
            yield OptionList(id="search-results", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.results = search(self.versions, self.doc, event.value)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(prompt) for _, _, prompt in self.results])
        if self.results:
            options.highlighted = 0
        label = f"{len(self.results)} match{'es' if len(self.results) != 1 else ''}" if event.value else ""
        self.query_one("#search-count", Static).update(Content(label))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._choose(self.query_one(OptionList).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int | None) -> None:
        if index is None or not (0 <= index < len(self.results)):
            return
        kind, value, _ = self.results[index]
        versions = [v for k, v, _ in self.results if k == "version"]
        self.dismiss((kind, value, versions))

    def action_move(self, delta: int) -> None:
        """Move the highlight through the results."""
        options = self.query_one(OptionList)
        if not self.results:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.results) - 1, current + delta))

    def action_close(self) -> None:
        """Close without jumping."""
        self.dismiss(None)
