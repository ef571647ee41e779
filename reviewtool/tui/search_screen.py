"""Search (``/``): section titles, versions, the essay's text and the comments.

Type to search (case-insensitive, literal). Results come in groups: section
titles of the selected version, versions (subject, author, sha prefix), the
text of the selected version (each occurrence, in its section), comments
(bodies, replies, quotes, suggestions). ``ctrl+t`` widens the text search from
the selected version to every version (one result per version holding the
text, found in the background with progress). The search runs in a thread
worker a moment after the last key, so typing never waits.

``enter`` jumps to the highlighted result (the first one while typing);
``escape`` closes. The screen dismisses with a :class:`SearchChoice`; its
``matches`` are the versions that matched (versions, or versions whose text
holds the query), which the history marks and ``n``/``N`` step through.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reviewtool.draft.document import Document
from reviewtool.draft.history import DraftHistory, Version
from reviewtool.review.events import Thread
from reviewtool.textsafe import one_line
from reviewtool.tui import bindings
from reviewtool.tui.search import (
    CommentHit,
    Snippet,
    TextHit,
    VersionTextHit,
    comment_hits,
    pattern,
    text_hits,
    version_text_hits,
)
from reviewtool.wording import counted

MAX_RESULTS = 200
#: Seconds after the last key before searching (every keystroke would restart a long search).
DEBOUNCE = 0.12
#: Every-version results are shown in batches at most this often (seconds).
FLUSH = 0.1


@dataclass(frozen=True)
class SearchChoice:
    """The chosen result: *kind* (``section``, ``version``, ``text``, ``version-text`` or ``comment``),
    its *value*, the *query*, and the versions that matched (indices) for ``n``/``N``."""

    kind: str
    value: Any
    query: str
    matches: list[int] = field(default_factory=list)


def search(versions: list[Version], doc: Document | None, query: str) -> list[tuple[str, Any, Content]]:
    """Section titles and versions matching *query* (case-insensitive substring): sections first,
    then versions, newest first."""
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


def _snippet(s: Snippet) -> Content:
    return Content.assemble((s.before, "$text-muted"), (s.match, "bold reverse $text-warning"),
                            (s.after, "$text-muted"))


def text_row(hit: TextHit) -> Content:
    """A result row for an occurrence in the selected version."""
    where = ("§ " + one_line(hit.section_title)) if hit.section_title else "(before the first section)"
    return Content.assemble(("text ", "$text-accent"), (where, "bold"), "  ", _snippet(hit.snippet))


def version_text_row(hit: VersionTextHit, version: Version) -> Content:
    """A result row for a version whose text holds the query."""
    parts: list[tuple[str, str] | str | Content] = [
        ("text ", "$text-accent"), (version.short, "$text-warning"),
        (f"  {counted(hit.count, 'hit')}", "bold"), "  "]
    if hit.heading:
        parts += [("§ " + hit.heading, "$text-muted"), "  "]
    parts.append(_snippet(hit.first))
    return Content.assemble(*parts)


def comment_row(hit: CommentHit, versions_by_commit: dict[str, Version]) -> Content:
    """A result row for a comment."""
    made_on = versions_by_commit.get(hit.thread.anchor.commit)
    short = made_on.short if made_on is not None else hit.thread.anchor.commit[:8]
    parts: list[tuple[str, str] | str | Content] = [
        ("comment ", "$text-accent"), (one_line(hit.author or "someone"), "bold $secondary"), "  ",
        (f"on {one_line(short)}", "$text-muted"), "  "]
    if hit.where != "comment":
        parts += [(f"({hit.where}) ", "$text-muted italic")]
    if hit.thread.status == "resolved":
        parts += [("resolved ", "$text-muted")]
    parts.append(_snippet(hit.snippet))
    return Content.assemble(*parts)


class SearchScreen(ModalScreen[SearchChoice | None]):
    """Incremental search over sections, versions, the essay's text and the comments."""

    BINDINGS = bindings.SEARCH

    DEFAULT_CSS = """
    SearchScreen { align: center top; }
    SearchScreen > Vertical { width: 110; max-width: 100%; height: auto; max-height: 85%;
                              margin-top: 2; border: round $accent; background: $surface; }
    SearchScreen OptionList { height: auto; max-height: 24; }
    SearchScreen #search-count { color: $text-muted; height: 1; padding: 0 1; }
    SearchScreen #search-scope { color: $text-muted; height: 1; padding: 0 1; }
    """

    class Results(Message):
        """Results of one search (*final*: no more will come for it)."""

        def __init__(self, generation: int, rows: list[tuple[str, Any, Content]], final: bool,
                     progress: str = "", matches: list[int] | None = None) -> None:
            super().__init__()
            self.generation = generation
            self.rows = rows
            self.final = final
            self.progress = progress
            self.matches = matches

    def __init__(self, versions: list[Version], doc: Document | None, *, history: DraftHistory | None = None,
                 threads: list[Thread] | None = None, every_version: bool = False, query: str = "",
                 on_scope: Callable[[bool], None] | None = None) -> None:
        """Search *versions*, the sections and text of *doc* (the selected version), every
        version's text through *history*, and *threads*. *on_scope* hears of ``ctrl+t``
        (the caller remembers the scope for the next search)."""
        super().__init__()
        self.versions = versions
        self.doc = doc
        self.history = history
        self.threads = threads or []
        self.every_version = every_version
        self.on_scope = on_scope
        self.initial_query = query
        self.results: list[tuple[str, Any, Content]] = []
        self.text_matches: list[int] = []  # versions whose text holds the query (every version)
        self.generation = 0
        self._shown_generation = -1
        self._choose_when_ready = False
        self.done = True
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(self.initial_query, placeholder="search sections, versions, the text and the comments",
                        id="search-input")
            yield Static(self._scope_label(), id="search-scope")
            yield Static(Content(""), id="search-count")
            yield OptionList(id="search-results", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.initial_query:
            self._schedule(0)

    def _scope_label(self) -> Content:
        scope = "every version" if self.every_version else "the selected version"
        return Content.assemble(("text of ", "$text-muted"), (scope, "bold"),
                                ("  (ctrl+t: ", "$text-muted"),
                                ("the selected version" if self.every_version else "every version", "$text-muted"),
                                (")  · section titles · versions · comments", "$text-muted"))

    # ------------------------------------------------------------ searching
    def on_input_changed(self, event: Input.Changed) -> None:
        self._schedule(DEBOUNCE)

    def _schedule(self, delay: float) -> None:
        self.generation += 1
        self.done = False
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(max(delay, 0.001), self._start)

    def _start(self) -> None:
        self._timer = None
        query = self.query_one(Input).value
        self.run_search(self.generation, query, self.every_version)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, generation: int, query: str, every_version: bool) -> None:
        """Search; the every-version text search posts its results in batches as it goes."""
        worker = get_current_worker()
        rows = search(self.versions, self.doc, query)
        if not every_version and self.doc is not None:
            rows += [("text", hit, text_row(hit)) for hit in text_hits(self.doc, query, MAX_RESULTS)]
        by_commit = {v.commit: v for v in self.versions}
        rows += [("comment", hit, comment_row(hit, by_commit)) for hit in comment_hits(self.threads, query)]
        if worker.is_cancelled:
            return
        if not every_version or self.history is None or pattern(query) is None:
            self.post_message(self.Results(generation, rows, True))
            return
        self.post_message(self.Results(generation, rows, False, "searching every version…"))
        batch: list[tuple[str, Any, Content]] = []
        matches: list[int] = []
        last = time.perf_counter()
        total = len(self.versions)
        for item in version_text_hits(self.history, self.versions, query, lambda: worker.is_cancelled):
            now = time.perf_counter()
            if isinstance(item, int):
                if now - last >= FLUSH:
                    last = now
                    self.post_message(self.Results(generation, batch, False,
                                                   f"searching every version… {item:,}/{total:,}", list(matches)))
                    batch = []
                continue
            matches.append(item.index)
            batch.append(("version-text", item, version_text_row(item, self.versions[item.index])))
        if worker.is_cancelled:
            return
        self.post_message(self.Results(generation, batch, True, "", matches))

    def on_search_screen_results(self, message: Results) -> None:
        if message.generation != self.generation:
            return
        options = self.query_one(OptionList)
        if message.generation != self._shown_generation:  # the first batch of a new search
            self._shown_generation = message.generation
            self.results = []
            self.text_matches = []
            options.clear_options()
        rows = message.rows[:max(0, MAX_RESULTS * 2 - len(self.results))]
        self.results.extend(rows)
        options.add_options([Option(prompt) for _, _, prompt in rows])
        if self.results and options.highlighted is None:
            options.highlighted = 0
        if message.matches is not None:
            self.text_matches = message.matches
        self.done = message.final
        query = self.query_one(Input).value.strip()
        count = len(self.results)
        label = counted(count, "result") if query else ""
        if message.progress:
            label += ("  · " if label else "") + message.progress
        self.query_one("#search-count", Static).update(Content(label))
        if self._choose_when_ready:
            self._choose_when_ready = False
            self._choose(options.highlighted)

    # ------------------------------------------------------------ choosing
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._shown_generation != self.generation:
            self._choose_when_ready = True  # enter right after typing: take the first result when it comes
            return
        self._choose(self.query_one(OptionList).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int | None) -> None:
        if index is None or not (0 <= index < len(self.results)):
            return
        kind, value, _ = self.results[index]
        query = self.query_one(Input).value.strip()
        if kind == "version-text":
            matches = list(self.text_matches)
        else:
            matches = [v for k, v, _ in self.results if k == "version"]
        self.dismiss(SearchChoice(kind, value, query, matches))

    def action_move(self, delta: int) -> None:
        """Move the highlight through the results."""
        options = self.query_one(OptionList)
        if not self.results:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.results) - 1, current + delta))

    def action_toggle_every_version(self) -> None:
        """Search the text of every version, or of the selected version only."""
        self.every_version = not self.every_version
        if self.on_scope is not None:
            self.on_scope(self.every_version)
        self.query_one("#search-scope", Static).update(self._scope_label())
        self._schedule(0)

    def action_close(self) -> None:
        """Close without jumping."""
        self.dismiss(None)
