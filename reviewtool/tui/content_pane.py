"""The content pane: the selected section as Markdown, as a word diff, or as outline coverage.

Modes (switched with keys by the app):

``text``
    the section (with its subsections) rendered by Textual's ``Markdown`` widget;
``diff``
    an inline redline against the comparison base: deleted words struck out in
    red, inserted words underlined in green;
``side``
    the same diff side by side, base on the left, selected version on the right;
``coverage``
    which outline bullets the prose covers (from :mod:`reviewtool.diff.coverage`).

Diffs are built as :class:`~textual.content.Content` spans from the core's
word-diff operations, so essay text is never parsed as markup. Markdown is laid
out by Rich's Markdown renderer. Either way the lines are rendered for the
pane's width in a worker and shown by a :class:`LinesView`, so a long section
never blocks the UI thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.style import Style
from textual.widgets import ContentSwitcher, Static
from textual.worker import get_current_worker

from reviewtool.diff.word_diff import WordOp
from reviewtool.draft.document import Document, Section
from reviewtool.draft.history import Version
from reviewtool.textsafe import clean, one_line
from reviewtool.tui import bindings
from reviewtool.tui.lines_view import LinesView, StyleResolver, content_lines, markdown_lines
from reviewtool.tui.passages import Highlighted, Passage, find_in_lines, highlight_lines

MODES = ("text", "diff", "side", "coverage")
MODE_TITLES = {"text": "text", "diff": "diff (inline)", "side": "diff (side by side)",
               "coverage": "outline coverage"}

DELETE_STYLE = "strike $text-error on $error-muted"
#: Commented passages in the text view, and the current one (whose thread the comments pane shows).
PASSAGE_STYLE = "on $warning-muted"
#: Occurrences of the searched text (``/``, a text result) in the text view.
FIND_STYLE = "bold $text-accent on $accent-muted"
INSERT_STYLE = "underline $text-success on $success-muted"


@dataclass
class DiffPiece:
    """One section's part of a diff: a title line and the word-diff operations (or a note)."""

    title: str
    status: list[str]
    ops: list[WordOp] | None  # None: nothing to redline (see note)
    words_added: int = 0
    words_removed: int = 0
    similarity: float | None = None
    note: str = ""
    text: str = ""  # plain text shown under the note (an unchanged section)


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


def redline(ops: Iterable[WordOp]) -> Content:
    """Inline redline from word-diff ops: deletions struck in red, insertions underlined green."""
    parts: list[tuple[str, str] | str] = []
    for op in ops:
        kind = op.op
        if kind == "equal":
            parts.append(clean(op.new or op.old))
        elif kind == "delete":
            parts.append((clean(op.old), DELETE_STYLE))
        elif kind == "insert":
            parts.append((clean(op.new), INSERT_STYLE))
        else:  # replace
            parts.append((clean(op.old), DELETE_STYLE))
            parts.append((clean(op.new), INSERT_STYLE))
    return Content.assemble(*parts)


def sides(ops: Iterable[WordOp]) -> tuple[Content, Content]:
    """The base text (deletions marked) and the new text (insertions marked) from word-diff ops."""
    old: list[tuple[str, str] | str] = []
    new: list[tuple[str, str] | str] = []
    for op in ops:
        kind = op.op
        if kind == "equal":
            old.append(clean(op.old))
            new.append(clean(op.new))
        if kind in ("delete", "replace"):
            old.append((clean(op.old), DELETE_STYLE))
        if kind in ("insert", "replace"):
            new.append((clean(op.new), INSERT_STYLE))
    return Content.assemble(*old), Content.assemble(*new)


def piece_header(piece: DiffPiece) -> Content:
    """The title line of one section's diff."""
    parts: list[tuple[str, str] | str] = [(one_line(piece.title), "bold")]
    for status in piece.status:
        if status != "unchanged":
            parts += ["  ", (status, "reverse $warning")]
    if piece.words_added or piece.words_removed:
        parts += ["  ", (f"+{piece.words_added}", "$text-success"), " ",
                  (f"-{piece.words_removed}", "$text-error")]
    if piece.similarity is not None and piece.status and piece.status[0] not in ("unchanged", "added", "removed"):
        parts += [("  " + f"{piece.similarity * 100:.0f}% similar", "$text-muted")]
    return Content.assemble(*parts)


class ContentPane(Vertical, can_focus=True):
    """Shows the selected section in one of :data:`MODES`."""

    BINDINGS = bindings.CONTENT

    DEFAULT_CSS = """
    ContentPane { height: 1fr; }
    ContentPane #content-title { height: 1; padding: 0 1; background: $boost; }
    ContentPane ContentSwitcher { height: 1fr; }
    ContentPane LinesView { padding: 0 0 0 1; }
    ContentPane #content-side > LinesView { width: 1fr; }
    ContentPane #side-old { border-right: vkey $foreground 20%; }
    """

    mode: reactive[str] = reactive("text", init=False)
    """The display mode, one of :data:`MODES`."""

    class Rendered(Message):
        """Lines for the current view are ready (posted by the render worker)."""

        def __init__(self, generation: int, mode: str, lines: list[list[Strip]], width: int,
                     highlighted: Highlighted | None = None) -> None:
            super().__init__()
            self.generation = generation
            self.mode = mode
            self.lines = lines
            self.width = width
            self.highlighted = highlighted  # where the commented passages are (text mode)
            self.found: list[tuple[int, int, int]] = []  # where the searched text is (line, x0, x1)

    class PassageFocused(Message):
        """The current commented passage changed (keys or a click): its thread is *thread_id*."""

        def __init__(self, thread_id: str) -> None:
            super().__init__()
            self.thread_id = thread_id

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """An empty pane; :meth:`show` fills it."""
        super().__init__(id=id, classes=classes)
        self.view = ContentView()
        self.generation = 0
        self.passage_rows: dict[int, tuple[int, int]] = {}  # passage -> first and last line shown
        self.current_passage: int | None = None
        self._pending_step = 0  # a passage move asked for before the text was laid out
        self._pending_thread: str | None = None  # a thread to show once the text is laid out
        #: The searched text to highlight in the text view, and which occurrence to scroll to:
        #: (query, section key, n-th occurrence in that section). None: nothing searched.
        self.find: tuple[str, str, int] | None = None
        self._scroll_to_find = False
        self._find_commit = ""

    def compose(self) -> ComposeResult:
        yield Static(Content("no version selected"), id="content-title", markup=False)
        with ContentSwitcher(initial="content-single"):
            yield LinesView(id="content-single")
            with Horizontal(id="content-side"):
                yield LinesView(id="side-old")
                yield LinesView(id="side-new")

    # ------------------------------------------------------------ showing
    def show(self, view: ContentView, keep_scroll: bool = False) -> None:
        """Display *view* in the current mode (rendered in a worker); *keep_scroll*: stay where
        the reader is (the same text, redrawn because its comments changed)."""
        current = self.current_thread_id
        self.view = view
        self.current_passage = next((i for i, p in enumerate(view.passages) if p.thread_id == current), None) \
            if keep_scroll else None
        self._render_mode(keep_scroll=keep_scroll)

    def watch_mode(self, old: str, new: str) -> None:
        self._render_mode()

    def on_lines_view_width_changed(self, event: LinesView.WidthChanged) -> None:
        event.stop()
        self._render_mode(keep_scroll=True)

    def _title(self) -> Content:
        view = self.view
        if view.version is None or view.doc is None:
            return Content("no version selected")
        what = view.section.title if view.section is not None else view.doc.title
        parts: list[tuple[str, str] | str] = [(MODE_TITLES[self.mode], "bold $accent"), "  ",
                                             (one_line(what), "bold")]
        if self.mode in ("diff", "side"):
            base = view.base.short if view.base is not None else "nothing"
            parts += ["  ", (f"{base} → {view.version.short}", "$text-muted")]
        else:
            parts += ["  ", (f"at {view.version.short}", "$text-muted")]
        if self.mode == "text" and self.find is not None:
            parts += ["  ", ("found: ", "$text-muted"), (one_line(self.find[0]), FIND_STYLE)]
        return Content.assemble(*parts)

    def _render_mode(self, keep_scroll: bool = False) -> None:
        if not self.is_mounted:
            return
        self.generation += 1
        self.query_one("#content-title", Static).update(self._title())
        switcher = self.query_one(ContentSwitcher)
        mode = self.mode
        switcher.current = "content-side" if mode == "side" else "content-single"
        if mode == "side":
            widths = [self.query_one("#side-old", LinesView).scrollable_content_region.width,
                      self.query_one("#side-new", LinesView).scrollable_content_region.width]
            sources: list[Content | str] = list(self.side_contents())
        else:
            widths = [self.query_one("#content-single", LinesView).scrollable_content_region.width]
            if mode == "text":
                sources = [self.view.markdown if self.view.doc is not None else ""]
            elif mode == "diff":
                sources = [self.diff_content()]
            else:
                sources = [self.coverage_content()]
        if not all(widths):
            # Not laid out yet (or hidden): render at the pane's width for now.
            fallback = max(10, self.size.width - 4)
            widths = [w or (fallback // len(widths)) for w in widths]
        resolve = StyleResolver(getattr(self.app, "theme_variables", {}) or self.app.get_css_variables())
        base = self.get_visual_style()
        find = self.find[0] if self.find is not None and mode == "text" else ""
        self.layout_view(self.generation, mode, sources, widths, base, resolve, keep_scroll,
                         bool(self.view.passages) and mode == "text", find)

    @work(thread=True, exclusive=True, group="content-render", exit_on_error=False)
    def layout_view(self, generation: int, mode: str, sources: list[Content | str], widths: list[int],
                     base: Style, resolve: StyleResolver, keep_scroll: bool, passages: bool = False,
                     find: str = "") -> None:
        """Lay out the view's text for the pane's width (Markdown or Content), off the UI thread;
        with *passages*, the commented passages marked in the Markdown are highlighted."""
        worker = get_current_worker()
        rendered: list[list[Strip]] = []
        for source, width in zip(sources, widths):
            if worker.is_cancelled:
                return
            if isinstance(source, str):
                rendered.append(markdown_lines(source, width, base) if source else [])
            else:
                rendered.append(content_lines(source, width, base, resolve))
        highlighted = None
        if passages and rendered:
            highlighted = highlight_lines(rendered[0], resolve(PASSAGE_STYLE).rich_style)
            rendered[0] = highlighted.lines
        message = self.Rendered(generation, mode, rendered, widths[0], highlighted)
        if find and rendered:
            rendered[0], message.found = find_in_lines(rendered[0], find, resolve(FIND_STYLE).rich_style)
        message.keep_scroll = keep_scroll  # type: ignore[attr-defined]
        self.post_message(message)

    def on_content_pane_rendered(self, message: ContentPane.Rendered) -> None:
        message.stop()
        if message.generation != self.generation:
            return
        keep = getattr(message, "keep_scroll", False)
        if message.mode == "side":
            old, new = message.lines
            self.query_one("#side-old", LinesView).set_lines(old, message.width, message.generation, keep)
            self.query_one("#side-new", LinesView).set_lines(new, message.width, message.generation, keep)
        else:
            single = self.query_one("#content-single", LinesView)
            single.set_lines(message.lines[0], message.width, message.generation, keep)
            highlighted = message.highlighted
            self.passage_rows = highlighted.rows if highlighted is not None else {}
            single.set_overlay(highlighted.spans if highlighted is not None else {}, self.current_passage)
            if self._pending_step:
                step, self._pending_step = self._pending_step, 0
                self.move_passage(step)
            if self._pending_thread is not None:
                thread_id, self._pending_thread = self._pending_thread, None
                self.focus_thread(thread_id)
            self.found = message.found
            if self._scroll_to_find and message.mode == "text" and self._shows_find_target():
                self._scroll_to_occurrence()

    def diff_content(self) -> Content:
        """The inline redline of the current view (or why there is none)."""
        view = self.view
        if view.diff_note:
            return Content.styled(view.diff_note, "$text-muted italic")
        if not view.pieces:
            return Content.styled("no changes against the base", "$text-muted italic")
        blocks: list[Content] = []
        for piece in view.pieces:
            block = [piece_header(piece)]
            if piece.note:
                block.append(Content.styled(piece.note, "$text-muted italic"))
            if piece.text:
                block.append(Content(piece.text))
            if piece.ops is not None:
                block.append(redline(piece.ops))
            blocks.append(Content("\n").join(block))
        return Content("\n\n").join(blocks)

    def side_contents(self) -> tuple[Content, Content]:
        """Base and new text side by side (or a note on the left)."""
        view = self.view
        if view.diff_note:
            return Content.styled(view.diff_note, "$text-muted italic"), Content("")
        olds: list[Content] = []
        news: list[Content] = []
        for piece in view.pieces:
            header = piece_header(piece)
            if piece.ops is None:
                note = Content.styled(piece.note, "$text-muted italic")
                olds.append(Content("\n").join([header, note, Content(piece.text)]))
                news.append(Content("\n").join([header, note, Content(piece.text)]))
                continue
            old, new = sides(piece.ops)
            olds.append(Content("\n").join([header, old]))
            news.append(Content("\n").join([header, new]))
        base = view.base.short if view.base else "base"
        version = view.version.short if view.version else "version"
        left = Content("\n\n").join([Content.styled(base, "bold $text-muted"), *olds])
        right = Content("\n\n").join([Content.styled(version, "bold $text-muted"), *news])
        return left, right

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
        if self.mode == "side":
            return (self.query_one("#side-old", LinesView).text + "\n" +
                    self.query_one("#side-new", LinesView).text)
        return self.query_one("#content-single", LinesView).text

    # ------------------------------------------------------------ commented passages
    @property
    def current_thread_id(self) -> str | None:
        """The thread of the current passage (None: no passage is current)."""
        index = self.current_passage
        if index is None or not 0 <= index < len(self.view.passages):
            return None
        return self.view.passages[index].thread_id

    def _laid_out(self) -> bool:
        single = self.query_one("#content-single", LinesView)
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
            view = self.query_one("#content-single", LinesView)
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
        view = self.query_one("#content-single", LinesView)
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
        view = self.query_one("#content-single", LinesView)
        height = max(1, view.scrollable_content_region.height)
        view.scroll_to(y=max(0, y - min(3, height // 4)), animate=False, immediate=True)

    # ------------------------------------------------------------ actions
    def _views(self) -> list[LinesView]:
        if self.mode == "side":
            return [self.query_one("#side-old", LinesView), self.query_one("#side-new", LinesView)]
        return [self.query_one("#content-single", LinesView)]

    def action_scroll_down(self) -> None:
        """Scroll the content down one line."""
        for view in self._views():
            view.scroll_relative(y=1, animate=False)

    def action_scroll_up(self) -> None:
        """Scroll the content up one line."""
        for view in self._views():
            view.scroll_relative(y=-1, animate=False)

    def action_scroll_top(self) -> None:
        """Scroll to the top."""
        for view in self._views():
            view.scroll_home(animate=False)

    def action_scroll_bottom(self) -> None:
        """Scroll to the bottom."""
        for view in self._views():
            view.scroll_end(animate=False)

    def action_page_down(self) -> None:
        """Scroll down one page."""
        for view in self._views():
            view.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        """Scroll up one page."""
        for view in self._views():
            view.scroll_page_up(animate=False)
