"""The content pane: the selected section as Markdown, as a word diff, or as outline coverage.

Modes (switched with keys by the app):

``text``
    the section (with its subsections) rendered as Markdown, its commented passages
    highlighted (``}``/``{`` move through them) and a searched text marked;
``diff``
    an inline redline against the comparison base, trimmed to the changes: deleted words
    struck out in red, inserted words underlined in green, and every run of unchanged
    paragraphs farther than one paragraph from a change collapsed into one line
    ("… 73 unchanged paragraphs …"), as ``reviewtool diff`` prints it;
``side``
    the same side by side, base on the left, selected version on the right: each row
    holds a paragraph of each, padded to the taller, so rows line up; a paragraph added
    or removed faces a blank;
``coverage``
    which outline bullets the prose covers (from :mod:`reviewtool.diff.coverage`).

Moving through a diff: :meth:`ContentPane.step_change` goes to the next or previous
change (the app's ``]``/``[``), and the title says where ("change 3 of 11"). A collapsed
run expands when clicked; :meth:`ContentPane.expand_around` (``z``) expands the runs next
to the current change, :meth:`ContentPane.toggle_full` (``Z``) shows every paragraph.

Diffs are built as :class:`~textual.content.Content` from the core's section views
(:mod:`reviewtool.tui.diff_blocks`), so essay text is never parsed as markup. The view is
laid out for the pane's width in a worker, block by block (:func:`layout_blocks`), which
also tells where each change starts and which lines are collapsed runs; a
:class:`LinesView` shows the lines, so a long section never blocks the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.style import Style
from textual.widgets import Static
from textual.worker import get_current_worker

from reviewtool.diff.hunks import DEFAULT_CONTEXT
from reviewtool.draft.document import Document, Section
from reviewtool.draft.history import Version
from reviewtool.textsafe import one_line
from reviewtool.tui import bindings
from reviewtool.tui.diff_blocks import DiffPiece, inline_blocks, side_blocks
from reviewtool.tui.lines_view import Block, Layout, LinesView, StyleResolver, layout_blocks
from reviewtool.tui.passages import Highlighted, Passage, find_in_lines, highlight_lines
from reviewtool.wording import counted

__all__ = ["MODES", "ContentPane", "ContentView", "DiffPiece"]

MODES = ("text", "diff", "side", "coverage")
MODE_TITLES = {"text": "text", "diff": "diff (inline)", "side": "diff (side by side)",
               "coverage": "outline coverage"}
#: Lines of text kept above a change the view moves to.
CHANGE_MARGIN = 2
#: Commented passages in the text view, and the current one (whose thread the comments pane shows).
PASSAGE_STYLE = "on $warning-muted"
#: Occurrences of the searched text (``/``, a text result) in the text view.
FIND_STYLE = "bold $text-accent on $accent-muted"


@dataclass
class ContentView:
    """What the content pane shows: built by the app from the current selection."""

    version: Version | None = None
    base: Version | None = None
    doc: Document | None = None
    section: Section | None = None  # None: the whole document
    markdown: str = ""
    pieces: list[DiffPiece] = field(default_factory=list)
    diff_note: str = ""  # why there is no diff
    coverage_lines: list[Content] = field(default_factory=list)
    coverage_note: str = ""
    passages: list[Passage] = field(default_factory=list)  # commented passages, marked in markdown


class ContentPane(Vertical, can_focus=True):
    """Shows the selected section in one of :data:`MODES`."""

    BINDINGS = bindings.CONTENT

    DEFAULT_CSS = """
    ContentPane { height: 1fr; }
    ContentPane #content-title { height: 1; padding: 0 1; background: $boost; }
    ContentPane LinesView { padding: 0 0 0 1; }
    """

    mode: reactive[str] = reactive("text", init=False)
    """The display mode, one of :data:`MODES`."""

    class Rendered(Message):
        """Lines for the current view are ready (posted by the render worker)."""

        def __init__(self, generation: int, mode: str, blocks: list[Block], layout: Layout, width: int,
                     keep_scroll: bool) -> None:
            super().__init__()
            self.generation = generation
            self.mode = mode
            self.blocks = blocks
            self.lines_layout = layout
            self.width = width
            self.keep_scroll = keep_scroll
            self.highlighted: Highlighted | None = None  # where the commented passages are (text mode)
            self.found: list[tuple[int, int, int]] = []  # where the searched text is (line, x0, x1)

    class PassageFocused(Message):
        """The current commented passage changed (keys or a click): its thread is *thread_id*."""

        def __init__(self, thread_id: str) -> None:
            super().__init__()
            self.thread_id = thread_id

    class NoChange(Message):
        """Asked to go to a change the view does not have (*step* 1: after it, -1: before it)."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """An empty pane; :meth:`show` fills it."""
        super().__init__(id=id, classes=classes)
        self.view = ContentView()
        self.generation = 0
        #: Unchanged paragraphs kept around each change (None: every paragraph, ``Z``).
        self.context: int | None = DEFAULT_CONTEXT
        #: Collapsed runs opened so far: (the section's index among the changes, its first row).
        self.expanded: set[tuple[int, int]] = set()
        #: The change the view is on (an index into :attr:`layout`'s changes), if any.
        self.current: int | None = None
        #: Where to go once the next view is laid out: ("first" | "last", piece index or None).
        self.pending: tuple[str, int | None] | None = None
        self.lines_layout = Layout()
        self.blocks: list[Block] = []
        self._shown_for: tuple[str | None, str | None] = (None, None)
        self._refocus = False
        self.passage_rows: dict[int, tuple[int, int]] = {}  # passage -> first and last line shown
        self.current_passage: int | None = None
        self._pending_step = 0  # a passage move asked for before the text was laid out
        self._pending_thread: str | None = None  # a thread to show once the text is laid out
        #: The searched text to highlight in the text view, and which occurrence to scroll to:
        #: (query, section key, n-th occurrence in that section). None: nothing searched.
        self.find: tuple[str, str, int] | None = None
        self.found: list[tuple[int, int, int]] = []
        self._scroll_to_find = False
        self._find_commit = ""

    def compose(self) -> ComposeResult:
        yield Static(Content("no version selected"), id="content-title", markup=False)
        yield LinesView(id="content-single")

    @property
    def lines_view(self) -> LinesView:
        return self.query_one("#content-single", LinesView)

    # ------------------------------------------------------------ showing
    def show(self, view: ContentView, keep_scroll: bool = False) -> None:
        """Display *view* in the current mode (rendered in a worker); *keep_scroll*: stay where
        the reader is (the same text, redrawn because its comments changed)."""
        current_thread = self.current_thread_id
        shown_for = (view.version.commit if view.version else None, view.base.commit if view.base else None)
        other = shown_for != self._shown_for
        if other:
            self.expanded.clear()  # another comparison: its collapsed runs start closed
            self._shown_for = shown_for
        if other or self.view.section is not view.section:
            self.current = None
        self._refocus = self.current is not None  # the same view again: stay on its change
        self.view = view
        self.current_passage = next((i for i, p in enumerate(view.passages) if p.thread_id == current_thread),
                                    None) if keep_scroll else None
        self._render_mode(keep_scroll=keep_scroll)

    def watch_mode(self, old: str, new: str) -> None:
        self.current = None
        self._render_mode()

    def on_lines_view_width_changed(self, event: LinesView.WidthChanged) -> None:
        event.stop()
        self._refocus = self.current is not None
        self._render_mode(keep_scroll=True)

    @property
    def marks(self) -> bool:
        """Whether changes are marked in the text (``[-old-]{+new+}``): colours are off (``NO_COLOR``)."""
        return bool(getattr(self.app, "no_color", False))

    def _title(self) -> Content:
        view = self.view
        if view.version is None or view.doc is None:
            return Content("no version selected")
        what = view.section.title if view.section is not None else view.doc.title
        parts: list[tuple[str, str] | str] = [(MODE_TITLES[self.mode], "bold $accent"), "  "]
        if self.mode in ("diff", "side"):
            # The versions and the position first: the title may be cut at the pane's edge.
            base = view.base.short if view.base is not None else "nothing"
            parts += [(f"{base} → {view.version.short}", "$text-muted"), "  "]
            position = self.position_label()
            if position:
                parts += [(position, "bold $text-warning"), "  "]
            parts.append((one_line(what), "bold"))
        else:
            parts.append((one_line(what), "bold"))
            parts += ["  ", (f"at {view.version.short}", "$text-muted")]
        if self.mode == "text" and self.find is not None:
            parts += ["  ", ("found: ", "$text-muted"), (one_line(self.find[0]), FIND_STYLE)]
        return Content.assemble(*parts)

    def _set_title(self) -> None:
        """Show :meth:`_title`. Its box is one line across the pane whatever it says: no layout
        of the screen is needed (one was, twice on every cursor move in the history)."""
        self.query_one("#content-title", Static).update(self._title(), layout=False)

    def position_label(self) -> str:
        """``change 3 of 11``, ``11 changes`` (no change chosen yet), or ``""`` (none)."""
        count = len(self.lines_layout.changes)
        if not count or self.mode not in ("diff", "side"):
            return ""
        if self.current is None:
            return counted(count, "change") + ("" if self.context is not None else ", all text")
        return f"change {self.current + 1} of {count}"

    def _blocks(self) -> Callable[[], list[Block]]:
        """What to lay out, as a function the render worker calls (building a long diff's
        blocks is work for the worker, not for the UI thread)."""
        view = self.view
        mode = self.mode
        if mode == "text":
            markdown = view.markdown if view.doc is not None else ""
            return lambda: [Block(markdown)]
        if mode == "coverage":
            coverage = self.coverage_content()
            return lambda: [Block(coverage)]
        if view.diff_note:
            note = Content.styled(view.diff_note, "$text-muted italic")
            return lambda: [Block(note)]
        if not view.pieces:
            return lambda: [Block(Content.styled("no changes against the base", "$text-muted italic"))]
        pieces, context, expanded, marks = list(view.pieces), self.context, set(self.expanded), self.marks
        if mode == "side":
            labels = (view.base.short if view.base else "base", view.version.short if view.version else "version")
            return lambda: side_blocks(pieces, context, expanded, marks, labels)
        return lambda: inline_blocks(pieces, context, expanded, marks)

    def _render_mode(self, keep_scroll: bool = False) -> None:
        if not self.is_mounted:
            return
        self.generation += 1
        self._set_title()
        width = self.lines_view.scrollable_content_region.width or max(10, self.size.width - 4)
        resolve = StyleResolver(getattr(self.app, "theme_variables", {}) or self.app.get_css_variables())
        mode = self.mode
        find = self.find[0] if self.find is not None and mode == "text" else ""
        self.layout_view(self.generation, mode, self._blocks(), width, self.get_visual_style(), resolve,
                         keep_scroll, bool(self.view.passages) and mode == "text", find)

    @work(thread=True, exclusive=True, group="content-render", exit_on_error=False)
    def layout_view(self, generation: int, mode: str, build: Callable[[], list[Block]], width: int,
                    base: Style, resolve: StyleResolver, keep_scroll: bool, passages: bool = False,
                    find: str = "") -> None:
        """Build the view's blocks and lay them out for the pane's width, off the UI thread;
        with *passages*, the commented passages marked in the Markdown are highlighted, and
        the occurrences of *find* are marked."""
        worker = get_current_worker()
        blocks = build()
        layout = layout_blocks(blocks, width, base, resolve, lambda: worker.is_cancelled)
        if layout is None:
            return
        message = self.Rendered(generation, mode, blocks, layout, width, keep_scroll)
        if passages and layout.lines:
            message.highlighted = highlight_lines(layout.lines, resolve(PASSAGE_STYLE).rich_style)
            layout.lines = message.highlighted.lines
        if find and layout.lines:
            layout.lines, message.found = find_in_lines(layout.lines, find, resolve(FIND_STYLE).rich_style)
        self.post_message(message)

    def on_content_pane_rendered(self, message: ContentPane.Rendered) -> None:
        message.stop()
        if message.generation != self.generation:
            return
        self.blocks = message.blocks
        self.lines_layout = message.lines_layout
        single = self.lines_view
        single.set_lines(message.lines_layout.lines, message.width, message.generation, message.keep_scroll)
        highlighted = message.highlighted
        self.passage_rows = highlighted.rows if highlighted is not None else {}
        single.set_overlay(highlighted.spans if highlighted is not None else {}, self.current_passage)
        if message.mode == "text":
            if self._pending_step:
                step, self._pending_step = self._pending_step, 0
                self.move_passage(step)
            if self._pending_thread is not None:
                thread_id, self._pending_thread = self._pending_thread, None
                self.focus_thread(thread_id)
            self.found = message.found
            if self._scroll_to_find and self._shows_find_target():
                self._scroll_to_occurrence()
        if self.current is not None and self.current >= len(self.lines_layout.changes):
            self.current = None
        if self.pending is not None and self.mode in ("diff", "side"):
            self._go_pending()
        elif self._refocus and self.current is not None:
            self._scroll_to_change(self.current)
        self._refocus = False
        self._set_title()

    def _go_pending(self) -> None:
        assert self.pending is not None
        where, piece = self.pending
        changes = self.lines_layout.changes
        if piece is not None:
            numbers = [i for i, p in enumerate(self.lines_layout.change_pieces)
                       if p < len(self.view.pieces) and self.view.pieces[p].index == piece]
            if not numbers:
                return  # not this view yet: the section is being selected
            self.pending = None
            self.goto_change(numbers[0] if where == "first" else numbers[-1])
            return
        self.pending = None
        if changes:
            self.goto_change(0 if where == "first" else len(changes) - 1)
        else:
            self.post_message(self.NoChange(1 if where == "first" else -1))

    # ------------------------------------------------------------ changes
    def goto_change(self, number: int) -> bool:
        """Scroll to change *number* of the view (0-based) and make it the current one."""
        if not 0 <= number < len(self.lines_layout.changes):
            return False
        self.current = number
        self._scroll_to_change(number)
        self._set_title()
        return True

    def _scroll_to_change(self, number: int) -> None:
        line = self.lines_layout.changes[number]
        self.lines_view.scroll_to(y=max(0, line - CHANGE_MARGIN), animate=False, immediate=True)

    def step_change(self, step: int) -> bool:
        """Go to the next (*step* 1) or previous (-1) change of the view; False when there is
        none that way. Without a current change, the first one at or below the top of the
        view (the last one above it)."""
        changes = self.lines_layout.changes
        if not changes:
            return False
        if self.current is None:
            top = int(self.lines_view.scroll_offset.y) + CHANGE_MARGIN
            if step > 0:
                target = next((i for i, y in enumerate(changes) if y >= top - CHANGE_MARGIN), None)
            else:
                target = next((i for i in range(len(changes) - 1, -1, -1) if changes[i] < top), None)
            return target is not None and self.goto_change(target)
        return self.goto_change(self.current + step)

    def expand_gap(self, gap: tuple[int, int]) -> None:
        """Show the collapsed run *gap* in full (the view stays where it is)."""
        self.expanded.add(gap)
        self._render_mode(keep_scroll=True)

    def expand_around(self) -> bool:
        """Expand the collapsed runs just before and after the current change (without one,
        the first run on screen); False when there is none."""
        gaps = self._gaps_around()
        if not gaps:
            return False
        self.expanded.update(gaps)
        self._refocus = self.current is not None
        self._render_mode(keep_scroll=True)
        return True

    def _gaps_around(self) -> list[tuple[int, int]]:
        blocks = self.blocks
        if self.current is None:
            top = int(self.lines_view.scroll_offset.y)
            on_screen = sorted(y for y in self.lines_layout.gaps if y >= top)
            return [self.lines_layout.gaps[on_screen[0]]] if on_screen else []
        starts = [i for i, b in enumerate(blocks) if b.change]
        if self.current >= len(starts):
            return []
        at = starts[self.current]
        piece = blocks[at].piece
        found: list[tuple[int, int]] = []
        for direction in (-1, 1):
            k = at + direction
            while 0 <= k < len(blocks) and blocks[k].piece == piece:
                gap = blocks[k].gap
                if gap is not None:
                    found.append(gap)
                    break
                k += direction
        return found

    def toggle_full(self) -> None:
        """Every paragraph of the changed sections, or (again) only the changes with context."""
        self.context = DEFAULT_CONTEXT if self.context is None else None
        self._refocus = self.current is not None
        self._render_mode(keep_scroll=True)

    def on_lines_view_clicked(self, event: LinesView.Clicked) -> None:
        event.stop()
        gap = self.lines_layout.gaps.get(event.line)
        if gap is not None and self.mode in ("diff", "side"):
            self.expand_gap(gap)

    # ------------------------------------------------------------ commented passages
    @property
    def current_thread_id(self) -> str | None:
        """The thread of the current passage (None: no passage is current)."""
        index = self.current_passage
        if index is None or not 0 <= index < len(self.view.passages):
            return None
        return self.view.passages[index].thread_id

    def _laid_out(self) -> bool:
        single = self.lines_view
        return self.mode == "text" and single.shown_generation == self.generation

    def move_passage(self, step: int) -> bool:
        """Make the next (*step* > 0) or previous commented passage current, scrolling to it.

        Without a current passage, the first one from the top of the view (or the last one
        above its bottom) is next. Returns False when the view shows no commented passage;
        asked before the text is laid out, the move waits for it.
        """
        if not self._laid_out():
            self._pending_step = step
            return bool(self.view.passages)
        shown = sorted(self.passage_rows, key=lambda i: (self.passage_rows[i][0], i))
        if not shown:
            return False
        if self.current_passage in shown:
            position = shown.index(self.current_passage) + (1 if step > 0 else -1)
            target = shown[position % len(shown)]
        else:
            view = self.lines_view
            top = int(view.scroll_offset.y)
            bottom = top + max(1, view.scrollable_content_region.height) - 1
            if step > 0:
                target = next((i for i in shown if self.passage_rows[i][0] >= top), shown[0])
            else:
                target = next((i for i in reversed(shown) if self.passage_rows[i][0] <= bottom), shown[-1])
        self._set_current(target, announce=True)
        return True

    def focus_thread(self, thread_id: str) -> bool:
        """Make *thread_id*'s passage current and scroll to it (no announcement: the caller
        already shows the thread). False when the view does not show that passage."""
        index = next((i for i, p in enumerate(self.view.passages) if p.thread_id == thread_id), None)
        if index is None:
            return False
        if not self._laid_out():
            self._pending_thread = thread_id
            return True
        if index not in self.passage_rows:
            return False
        if index != self.current_passage:
            self._set_current(index, announce=False)
        return True

    def _set_current(self, index: int, announce: bool) -> None:
        self.current_passage = index
        view = self.lines_view
        view.set_current(index)
        first, last = self.passage_rows.get(index, (0, 0))
        top = int(view.scroll_offset.y)
        height = max(1, view.scrollable_content_region.height)
        if first < top or last >= top + height:
            view.scroll_to(y=max(0, first - min(3, height // 4)), animate=False, immediate=True)
        if announce:
            self.post_message(self.PassageFocused(self.view.passages[index].thread_id))

    def on_lines_view_passage_clicked(self, event: LinesView.PassageClicked) -> None:
        event.stop()
        if self.mode == "text" and 0 <= event.passage < len(self.view.passages):
            self.focus()
            self._set_current(event.passage, announce=True)

    # ------------------------------------------------------------ searched text
    def show_find(self, query: str, key: str, nth: int, commit: str) -> None:
        """Highlight *query* in the text view and scroll to its *nth* occurrence in section *key*
        (``""``: the whole version) once the view shows that section of version *commit*."""
        self.find = (query, key, nth)
        self._find_commit = commit
        self._scroll_to_find = True
        self._render_mode(keep_scroll=True)

    def _shows_find_target(self) -> bool:
        view = self.view
        if self.find is None or view.version is None or view.version.commit != self._find_commit:
            return False
        return (view.section.key if view.section is not None else "") == self.find[1]

    def _scroll_to_occurrence(self) -> None:
        if not self.found or self.find is None:
            return
        _, _key, nth = self.find
        y = self.found[min(nth, len(self.found) - 1)][0]
        # Laid out at another width (the pane was not sized yet), an occurrence may be missing:
        # try again on the next layout.
        self._scroll_to_find = nth >= len(self.found)
        view = self.lines_view
        height = max(1, view.scrollable_content_region.height)
        view.scroll_to(y=max(0, y - min(3, height // 4)), animate=False, immediate=True)

    # ------------------------------------------------------------ text of the view
    def coverage_content(self) -> Content:
        """The outline coverage lines (or why there are none)."""
        view = self.view
        if view.coverage_note:
            return Content.styled(view.coverage_note, "$text-muted italic")
        if not view.coverage_lines:
            return Content.styled("computing coverage…", "$text-muted italic")
        return Content("\n").join(view.coverage_lines)

    def rendered_text(self) -> str:
        """The plain text the pane shows now (for tests)."""
        return self.lines_view.text

    # ------------------------------------------------------------ actions
    def action_scroll_down(self) -> None:
        """Scroll the content down one line."""
        self.lines_view.scroll_relative(y=1, animate=False)

    def action_scroll_up(self) -> None:
        """Scroll the content up one line."""
        self.lines_view.scroll_relative(y=-1, animate=False)

    def action_scroll_top(self) -> None:
        """Scroll to the top."""
        self.lines_view.scroll_home(animate=False)

    def action_scroll_bottom(self) -> None:
        """Scroll to the bottom."""
        self.lines_view.scroll_end(animate=False)

    def action_page_down(self) -> None:
        """Scroll down one page."""
        self.lines_view.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        """Scroll up one page."""
        self.lines_view.scroll_page_up(animate=False)
