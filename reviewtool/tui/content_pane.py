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

MODES = ("text", "diff", "side", "coverage")
MODE_TITLES = {"text": "text", "diff": "diff (inline)", "side": "diff (side by side)",
               "coverage": "outline coverage"}

DELETE_STYLE = "strike $text-error on $error-muted"
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

        def __init__(self, generation: int, mode: str, lines: list[list[Strip]], width: int) -> None:
            super().__init__()
            self.generation = generation
            self.mode = mode
            self.lines = lines
            self.width = width

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """An empty pane; :meth:`show` fills it."""
        super().__init__(id=id, classes=classes)
        self.view = ContentView()
        self.generation = 0

    def compose(self) -> ComposeResult:
        yield Static(Content("no version selected"), id="content-title", markup=False)
        with ContentSwitcher(initial="content-single"):
            yield LinesView(id="content-single")
            with Horizontal(id="content-side"):
                yield LinesView(id="side-old")
                yield LinesView(id="side-new")

    # ------------------------------------------------------------ showing
    def show(self, view: ContentView) -> None:
        """Display *view* in the current mode (rendered in a worker)."""
        self.view = view
        self._render_mode()

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
        self.layout_view(self.generation, mode, sources, widths, base, resolve, keep_scroll)

    @work(thread=True, exclusive=True, group="content-render", exit_on_error=False)
    def layout_view(self, generation: int, mode: str, sources: list[Content | str], widths: list[int],
                     base: Style, resolve: StyleResolver, keep_scroll: bool) -> None:
        """Lay out the view's text for the pane's width (Markdown or Content), off the UI thread."""
        worker = get_current_worker()
        rendered: list[list[Strip]] = []
        for source, width in zip(sources, widths):
            if worker.is_cancelled:
                return
            if isinstance(source, str):
                rendered.append(markdown_lines(source, width, base) if source else [])
            else:
                rendered.append(content_lines(source, width, base, resolve))
        message = self.Rendered(generation, mode, rendered, widths[0])
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
            self.query_one("#content-single", LinesView).set_lines(message.lines[0], message.width,
                                                                   message.generation, keep)

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
