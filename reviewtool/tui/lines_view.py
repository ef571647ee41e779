"""A scrollable view of pre-rendered lines, and the functions that render them off the UI thread.

Rendering a long section (Markdown layout, or wrapping a word diff with
thousands of spans) costs tens of milliseconds; doing it in a worker keeps the
UI thread free. :func:`markdown_lines` and :func:`content_lines` turn a
Markdown string or a :class:`~textual.content.Content` into :class:`Strip`
lines for a given width in any thread; :class:`LinesView` only copies the
visible ones to the screen (the Line API), so even ten thousand lines cost
nothing to scroll.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rich.console import Console
from rich.markdown import Markdown as RichMarkdown
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.markup import parse_style
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style

from reviewtool.tui.passages import overlay

#: How the current commented passage stands out from the others.
CURRENT_PASSAGE = RichStyle(bold=True, reverse=True)


class StyleResolver:
    """Parse Content style strings (``"bold $accent"``) with a fixed set of theme variables.

    Safe in worker threads: it never looks up the running app.
    """

    def __init__(self, variables: Mapping[str, str]) -> None:
        self.variables = dict(variables)
        self._cache: dict[str, Style] = {}

    def __call__(self, style: str | Style) -> Style:
        if isinstance(style, Style):
            return style
        cached = self._cache.get(style)
        if cached is None:
            try:
                cached = parse_style(style, self.variables)
            except Exception:  # an unknown variable: render unstyled rather than fail
                cached = Style.null()
            self._cache[style] = cached
        return cached


def content_lines(content: Content, width: int, base: Style, resolve: StyleResolver) -> list[Strip]:
    """*content* wrapped to *width* cells, as strips styled over *base*."""
    strips = []
    width = max(1, width)
    for line in content.wrap(width):
        segments = [Segment(text, (base + style).rich_style)
                    for text, style in line.render(base, end="", parse_style=resolve)]
        strips.append(Strip(segments).extend_cell_length(width, base.rich_style))
    return strips


def markdown_lines(markdown: str, width: int, base: Style) -> list[Strip]:
    """*markdown* laid out by Rich's Markdown renderer at *width* cells (links shown, not clickable)."""
    width = max(1, width)
    console = Console(width=width, file=io.StringIO(), force_terminal=True, color_system="truecolor",
                      legacy_windows=False, markup=False, emoji=False, highlight=False)
    options = console.options.update_width(width)
    base_rich = base.rich_style
    lines = console.render_lines(RichMarkdown(markdown, hyperlinks=False, code_theme="ansi_dark"),
                                 options, style=base_rich, pad=True)
    return [Strip(line).extend_cell_length(width, base_rich) for line in lines]


@dataclass(frozen=True)
class Block:
    """Text laid out on lines of its own: across the width (``content``: Content, or Markdown
    source), or in two columns (``two_columns``: ``left`` and ``right``, each wrapped to its
    column and padded to the taller; a missing side stays blank). ``blank_before`` puts an
    empty line first. The diff views tag blocks: ``piece`` (which section), ``change`` (a
    change starts here), ``gap`` (a collapsed run: the section's index and its first row)."""

    content: Content | str | None = None
    left: Content | None = None
    right: Content | None = None
    two_columns: bool = False
    blank_before: bool = False
    piece: int = -1
    change: bool = False
    gap: tuple[int, int] | None = None


@dataclass
class Layout:
    """Blocks laid out: the lines, the first line of every change (and its piece), the lines
    of every collapsed run."""

    lines: list[Strip] = field(default_factory=list)
    changes: list[int] = field(default_factory=list)
    change_pieces: list[int] = field(default_factory=list)
    gaps: dict[int, tuple[int, int]] = field(default_factory=dict)


#: Between the two columns of a two-column block.
COLUMN_RULE = " │ "


def layout_blocks(blocks: list[Block], width: int, base: Style, resolve: StyleResolver,
                  cancelled: Callable[[], bool] = lambda: False) -> Layout | None:
    """Lay *blocks* out at *width* cells (None when *cancelled* says to stop)."""
    width = max(1, width)
    layout = Layout()
    lines = layout.lines
    blank = Strip.blank(width, base.rich_style)
    left_width = max(1, (width - len(COLUMN_RULE)) // 2)
    right_width = max(1, width - len(COLUMN_RULE) - left_width)
    rule = Strip([Segment(COLUMN_RULE, (base + resolve("$text-muted")).rich_style)])
    for block in blocks:
        if cancelled():
            return None
        if block.blank_before:
            lines.append(Strip.join([Strip.blank(left_width, base.rich_style), rule,
                                     Strip.blank(right_width, base.rich_style)]) if block.two_columns else blank)
        start = len(lines)
        if block.two_columns:
            left = content_lines(block.left, left_width, base, resolve) if block.left is not None else []
            right = content_lines(block.right, right_width, base, resolve) if block.right is not None else []
            for k in range(max(len(left), len(right), 1)):
                lines.append(Strip.join([
                    left[k] if k < len(left) else Strip.blank(left_width, base.rich_style), rule,
                    right[k] if k < len(right) else Strip.blank(right_width, base.rich_style)]))
        elif isinstance(block.content, str):
            lines.extend(markdown_lines(block.content, width, base) if block.content else [])
        elif block.content is not None:
            lines.extend(content_lines(block.content, width, base, resolve))
        if block.change:
            layout.changes.append(start)
            layout.change_pieces.append(block.piece)
        if block.gap is not None:
            for y in range(start, len(lines)):
                layout.gaps[y] = block.gap
    return layout


class LinesView(ScrollView, can_focus=False):
    """Shows a list of strips; scrolls; reports its width so the owner can re-render."""

    DEFAULT_CSS = """
    LinesView { height: 1fr; overflow-x: hidden; scrollbar-gutter: stable; }
    """

    class WidthChanged(Message):
        """The view's width changed: lines must be rendered again."""

        def __init__(self, view: LinesView, width: int) -> None:
            super().__init__()
            self.view = view
            self.width = width

        @property
        def control(self) -> LinesView:
            return self.view

    class Clicked(Message):
        """A line of the view was clicked (*line*: its index among all lines)."""

        def __init__(self, view: LinesView, line: int) -> None:
            super().__init__()
            self.view = view
            self.line = line

        @property
        def control(self) -> LinesView:
            return self.view

    class PassageClicked(Message):
        """A highlighted passage was clicked."""

        def __init__(self, view: LinesView, passage: int) -> None:
            super().__init__()
            self.view = view
            self.passage = passage

        @property
        def control(self) -> LinesView:
            return self.view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """An empty view."""
        super().__init__(id=id, classes=classes)
        self.lines: list[Strip] = []
        self.rendered_width = 0
        self.shown_generation = -1
        self.spans: dict[int, list[tuple[int, int, int]]] = {}  # line -> (x0, x1, passage)
        self.current: int | None = None

    def set_lines(self, lines: list[Strip], width: int, generation: int, keep_scroll: bool = False) -> None:
        """Show *lines* (rendered for *width* cells)."""
        self.lines = lines
        self.rendered_width = width
        self.shown_generation = generation
        self.virtual_size = Size(width, len(lines))
        self.spans = {}
        if not keep_scroll:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    @property
    def text(self) -> str:
        """The plain text of all lines (for tests and search)."""
        return "\n".join("".join(seg.text for seg in strip).rstrip() for strip in self.lines)

    def set_overlay(self, spans: dict[int, list[tuple[int, int, int]]], current: int | None) -> None:
        """Where the passages are on the lines (from :func:`~reviewtool.tui.passages.highlight_lines`),
        and which one is current (drawn reversed)."""
        self.spans = spans
        self.current = current
        self.refresh()

    def set_current(self, current: int | None) -> None:
        """Draw passage *current* as the current one."""
        if current != self.current:
            self.current = current
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        base = self.get_visual_style().rich_style
        if 0 <= index < len(self.lines):
            line = self.lines[index]
            if self.current is not None and index in self.spans:
                line = overlay(line, self.spans[index], self.current, CURRENT_PASSAGE)
            return line.crop_extend(0, width, base).apply_style(base)
        return Strip.blank(width, base)

    def on_click(self, event: events.Click) -> None:
        passage = event.style.meta.get("passage") if event.style else None
        if isinstance(passage, int):
            event.stop()
            self.post_message(self.PassageClicked(self, passage))
            return
        offset = event.get_content_offset(self)
        if offset is not None:
            self.post_message(self.Clicked(self, int(self.scroll_offset.y) + offset.y))

    def on_resize(self, event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if width and width != self.rendered_width:
            self.post_message(self.WidthChanged(self, width))

