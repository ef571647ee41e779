"""The history pane: the draft's versions, newest first, one line each.

A Line-API widget (:class:`~textual.scroll_view.ScrollView` with
``render_line``), so ten thousand versions cost ten thousand small records, not
ten thousand widgets. The subject of a version that reviewers gave a verdict on starts with
their marks (``✓Ben`` approved, ``✗Ada`` changes requested, ``◆Cy`` commented; dimmed with
``(stale)`` once the draft changed after that version), then the reviewers asked to review
it who have not answered (``○Cy``; a withdrawn or declined request is not shown).
Per-version statistics (words, change bar, open comments) come from callables the app
provides; rows whose statistics are not computed yet show a placeholder, and
:meth:`HistoryPane.visible_range` tells the app which rows to compute first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.segment import Segment
from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style

from reviewtool.draft.history import Version
from reviewtool.review.status import ReviewEntry
from reviewtool.review.workflow import Person, RequestState
from reviewtool.textsafe import one_line
from reviewtool.tui import bindings
from reviewtool.wording import relative_date


@dataclass(frozen=True)
class RowStats:
    """What the history shows about one version (computed lazily in a worker)."""

    words: int
    sections: int
    prose_share: float
    added: int | None = None  # words added vs the first parent (None: not computed)
    removed: int | None = None
    deleted: bool = False  # the commit deleted the draft
    sections_changed: int = 0
    markup_changed: int = 0  # sections with markup changes (a version may change only markup)
    sections_moved: int = 0  # sections that only moved or were renamed

    @property
    def complete(self) -> bool:
        """Whether the change against the first parent is known (or moot: a deletion)."""
        return self.deleted or self.added is not None


#: The mark and style of each verdict in a history row (a stale verdict is dimmed and says so).
VERDICT_MARKS = {"approved": ("✓", "bold $text-success"), "changes_requested": ("✗", "bold $text-error"),
                 "commented": ("◆", "$text-accent")}


#: The mark of a review request still waiting on a version (neither answered nor withdrawn).
REQUEST_MARK = ("○", "$text-warning")


def _first_name(person: Person) -> str:
    name = one_line(person.name).strip()
    return (name.split(" ")[0] if name else one_line(person.email).split("@")[0]) or "?"


def review_marks(entries: list[ReviewEntry], requests: Sequence[RequestState] = ()) -> Content:
    """``✓Ben ✗Ada(stale) ○Cy `` for the standing verdicts given on one version (the mark, the
    reviewer's first name, and ``(stale)`` once the draft changed after that version), then
    the requests on it still waiting for an answer."""
    parts: list[Content] = []
    for entry in sorted(entries, key=lambda e: (e.verdict.verdict != "changes_requested",
                                                e.verdict.reviewer.key)):
        mark, style = VERDICT_MARKS.get(entry.verdict.verdict, ("?", ""))
        who = _first_name(entry.verdict.reviewer)
        if entry.current:
            parts.append(Content.assemble((mark + who, style), " "))
        else:
            parts.append(Content.assemble((mark + who, "$text-muted"), ("(stale)", "$text-muted italic"), " "))
    for state in sorted(requests, key=lambda s: s.reviewer.key):
        parts.append(Content.assemble((REQUEST_MARK[0] + _first_name(state.reviewer), REQUEST_MARK[1]), " "))
    return Content("").join(parts)


def change_cells(n: int, most: int = 5) -> int:
    """Cells of a change bar for *n* words: logarithmic, 0 for 0, at most *most*."""
    if n <= 0:
        return 0
    return min(most, max(1, math.ceil(math.log2(n + 1) / 2)))


class HistoryPane(ScrollView, can_focus=True):
    """Versions newest first: sha, date, author, subject, words, change bar, open comments."""

    BINDINGS = bindings.HISTORY

    DEFAULT_CSS = """
    HistoryPane {
        height: 1fr;
        overflow-x: hidden;
    }
    HistoryPane > .history--header { text-style: bold; color: $text-muted; }
    HistoryPane > .history--cursor { background: $block-cursor-blurred-background; }
    HistoryPane:focus > .history--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    HistoryPane > .history--base { background: $warning-muted; }
    """

    COMPONENT_CLASSES = {"history--header", "history--cursor", "history--base"}

    cursor: reactive[int] = reactive(0, always_update=False, init=False)
    """Index of the highlighted version (0 = newest)."""

    class Highlighted(Message):
        """The cursor moved to another version."""

        def __init__(self, pane: HistoryPane, index: int, version: Version) -> None:
            super().__init__()
            self.pane = pane
            self.index = index
            self.version = version

        @property
        def control(self) -> HistoryPane:
            return self.pane

    class Selected(Highlighted):
        """Enter (or a double click) on a version."""

    class Scrolled(Message):
        """The visible rows changed (coalesced)."""

        def __init__(self, first: int, last: int) -> None:
            super().__init__()
            self.first = first
            self.last = last

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, HistoryPane.Scrolled)

    def __init__(
        self,
        *,
        stats_for: Callable[[Version], RowStats | None] | None = None,
        open_comments: Callable[[Version], int] | None = None,
        reviews_for: Callable[[Version], list[ReviewEntry]] | None = None,
        requests_for: Callable[[Version], list[RequestState]] | None = None,
        now: Callable[[], datetime] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Create the pane; *stats_for* and *open_comments* look up per-version data."""
        super().__init__(name=name, id=id, classes=classes)
        self.versions: list[Version] = []
        self.stats_for = stats_for or (lambda v: None)
        self.open_comments = open_comments or (lambda v: 0)
        self.reviews_for = reviews_for or (lambda v: [])
        self.requests_for = requests_for or (lambda v: [])
        self.now = now
        self.base_commit: str | None = None
        self.matches: set[int] = set()
        self._last_range: tuple[int, int] | None = None

    # ------------------------------------------------------------ data
    def set_versions(self, versions: list[Version], keep: str | None = None) -> None:
        """Show *versions* (newest first); keep the cursor on commit *keep* when present."""
        self.versions = versions
        index = 0
        if keep is not None:
            for i, v in enumerate(versions):
                if v.commit == keep:
                    index = i
                    break
        self.virtual_size = Size(self.size.width, len(versions) + 1)
        self.set_reactive(HistoryPane.cursor, index)
        self._scroll_cursor_into_view()
        self.refresh()
        if versions:
            self.post_message(self.Highlighted(self, index, versions[index]))
        self._post_scrolled()

    @property
    def current(self) -> Version | None:
        """The highlighted version."""
        if 0 <= self.cursor < len(self.versions):
            return self.versions[self.cursor]
        return None

    def refresh_rows(self) -> None:
        """Redraw (statistics or comment counts changed)."""
        self.refresh()

    def visible_range(self) -> tuple[int, int]:
        """The first and last (inclusive) version index on screen."""
        first = int(self.scroll_offset.y)
        rows = max(1, self.size.height - 1)
        last = min(len(self.versions) - 1, first + rows - 1)
        return first, max(first, last)

    # ------------------------------------------------------------ cursor
    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        if 0 <= new < len(self.versions):
            self.post_message(self.Highlighted(self, new, self.versions[new]))

    def validate_cursor(self, value: int) -> int:
        if not self.versions:
            return 0
        return max(0, min(len(self.versions) - 1, value))

    def _scroll_cursor_into_view(self) -> None:
        rows = max(1, self.size.height - 1)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows:
            self.scroll_to(y=self.cursor - rows + 1, animate=False, immediate=True)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._post_scrolled()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.versions) + 1)
        self._post_scrolled()

    def _post_scrolled(self) -> None:
        if not self.versions:
            return
        rng = self.visible_range()
        if rng != self._last_range:
            self._last_range = rng
            self.post_message(self.Scrolled(*rng))

    # ------------------------------------------------------------ rendering
    def _columns(self, width: int) -> dict[str, int]:
        wide = width >= 100
        cols = {
            "mark": 2,
            "sha": 8,
            "date": 14 if wide else 9,
            "author": 14 if wide else 10,
            "words": 7,
            "change": 20 if wide else 10,
            "comments": 4,
        }
        fixed = sum(cols.values()) + 7  # one space between columns
        cols["subject"] = max(8, width - fixed)
        return cols

    def _date(self, version: Version) -> str:
        now = self.now() if self.now else None
        text = relative_date(version.date, now)
        if self.size.width < 100:
            text = (text.replace(" years", "y").replace(" year", "y").replace(" months", "mo")
                    .replace(" month", "mo").replace(" weeks", "w").replace(" week", "w")
                    .replace(" days", "d").replace(" day", "d").replace(" hours", "h")
                    .replace(" hour", "h").replace(" minutes", "m").replace(" minute", "m"))
        return text

    @staticmethod
    def _cell(text: str, width: int, style: str = "", right: bool = False) -> Content:
        content = Content(one_line(text))
        if content.cell_length > width:
            content = content.truncate(width, ellipsis=True)
        pad = width - content.cell_length
        if pad > 0:
            content = content.pad_left(pad) if right else content.pad_right(pad)
        return content.stylize(style) if style else content

    def _subject(self, marks: Content, subject: str, width: int, style: str) -> Content:
        """The subject cell: the review marks of the version first (when any), then its subject."""
        if not marks.cell_length:
            return self._cell(subject, width, style)
        content = Content.assemble(marks, Content(one_line(subject)).stylize(style) if style else one_line(subject))
        if content.cell_length > width:
            content = content.truncate(width, ellipsis=True)
        return content.pad_right(width - content.cell_length)

    def _change(self, stats: RowStats | None, width: int) -> Content:
        if stats is None:
            return self._cell("…", width, "dim")
        if stats.deleted:
            return self._cell("deleted", width, "red")
        if stats.added is None or stats.removed is None:
            return self._cell("", width)
        bar_width = 10 if width >= 20 else width
        half = bar_width // 2
        plus, minus = change_cells(stats.added, half), change_cells(stats.removed, half)
        bar = Content.assemble(("▮" * plus, "green"), ("▮" * minus, "red"),
                               " " * (bar_width - plus - minus))
        label = f"+{stats.added} -{stats.removed}"
        if not stats.added and not stats.removed and stats.sections_changed:
            # Markup only (heading levels, link targets...), sections only moved, or edited
            # without a word changed (punctuation, a heading removed): still a change.
            if stats.markup_changed or stats.sections_moved == stats.sections_changed:
                what = "markup" if stats.markup_changed else "moved"
                n = stats.markup_changed or stats.sections_changed
                label = f"{what} {n}§" if width - bar_width - 1 >= len(what) + 4 else what
            bar = Content.assemble(("▮", "$accent"), " " * (bar_width - 1))
        if width - bar_width - 1 >= 6:
            return Content.assemble(self._cell(label, width - bar_width - 1, "", right=True), " ", bar)
        return bar

    def render_row(self, index: int, width: int) -> Content:
        """The row for version *index* as Content (also used by tests)."""
        v = self.versions[index]
        cols = self._columns(width)
        stats = self.stats_for(v)
        mark = "B " if v.commit == self.base_commit else ("» " if index in self.matches else "  ")
        words = "…" if stats is None else ("" if stats.deleted else f"{stats.words:,}")
        comments = self.open_comments(v)
        subject = v.subject
        if v.is_merge:
            subject = "[merge] " + subject
        if v.old_path:
            subject += f"  (renamed from {v.old_path})"
        parts = [
            self._cell(mark, cols["mark"], "bold $warning"),
            self._cell(v.short, cols["sha"], "$warning" if not v.is_worktree else "bold $error"),
            self._cell(self._date(v), cols["date"], "$text-muted"),
            self._cell(v.author, cols["author"], "$secondary"),
            self._subject(review_marks(self.reviews_for(v), self.requests_for(v)), subject, cols["subject"],
                          "bold" if index in self.matches else ""),
            self._cell(words, cols["words"], "dim" if stats is None else "", right=True),
            self._change(stats, cols["change"]),
            self._cell(f"●{comments}" if comments else "", cols["comments"], "$accent", right=True),
        ]
        return Content(" ").join(parts)

    def _header(self, width: int) -> Content:
        cols = self._columns(width)
        parts = [
            self._cell("", cols["mark"]),
            self._cell("version", cols["sha"]),
            self._cell("date", cols["date"]),
            self._cell("author", cols["author"]),
            self._cell("subject", cols["subject"]),
            self._cell("words", cols["words"], right=True),
            self._cell("change", cols["change"], right=True),
            self._cell("cmt", cols["comments"], right=True),
        ]
        return Content(" ").join(parts)

    def _strip(self, content: Content, base: Style, width: int) -> Strip:
        parse = self.app.stylesheet.parse_style
        segments = [
            Segment(text, (base + style).rich_style)
            for text, style in content.render(base, end="", parse_style=parse)
        ]
        return Strip(segments).adjust_cell_length(width, base.rich_style)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.get_visual_style()
        if y == 0:
            return self._strip(self._header(width), self.get_visual_style("history--header"), width)
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self.versions):
            return Strip.blank(width, base.rich_style)
        if index == self.cursor:
            style = self.get_visual_style("history--cursor")
        elif self.versions[index].commit == self.base_commit:
            style = self.get_visual_style("history--base")
        else:
            style = base
        return self._strip(self.render_row(index, width), style, width).apply_meta({"row": index})

    # ------------------------------------------------------------ mouse
    def on_click(self, event: events.Click) -> None:
        index = event.style.meta.get("row") if event.style else None
        if index is None:
            return
        self.focus()
        if self.cursor == index and event.chain >= 2:
            self.action_select()
        self.cursor = index

    # ------------------------------------------------------------ actions
    def action_cursor_down(self) -> None:
        """Move to the next (older) version."""
        self.cursor += 1

    def action_cursor_up(self) -> None:
        """Move to the previous (newer) version."""
        self.cursor -= 1

    def action_first(self) -> None:
        """Jump to the newest version."""
        self.cursor = 0

    def action_last(self) -> None:
        """Jump to the oldest version."""
        self.cursor = len(self.versions) - 1

    def action_page_down(self) -> None:
        """Move down one screen."""
        self.cursor += max(1, self.size.height - 2)

    def action_page_up(self) -> None:
        """Move up one screen."""
        self.cursor -= max(1, self.size.height - 2)

    def action_select(self) -> None:
        """Open the highlighted version (focus moves to its sections)."""
        v = self.current
        if v is not None:
            self.post_message(self.Selected(self, self.cursor, v))
