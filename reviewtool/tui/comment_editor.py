"""The comment editor: a modal with the passage to quote, the comment body and a suggested edit.

Passage selection works with keys: the section's text sits in a read-only
``TextArea``; move with the arrows and select with ``shift+arrows`` (or drag
with the mouse). Whatever is selected when saving becomes the quoted passage;
with nothing selected the comment is on the whole section (or version).
``tab`` moves to the comment body, ``ctrl+s`` saves, ``escape`` cancels (asking first when
something was typed: ``y`` discards it, ``n`` or ``escape`` goes back to the editor).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.document._document import Document
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from reviewtool.tui import bindings


@dataclass(frozen=True)
class CommentDraft:
    """What the editor returns: the body, and the quoted passage with its offsets in the passage."""

    body: str
    quote: str | None = None
    quote_start: int | None = None  # offset in the passage text
    quote_end: int | None = None
    suggestion: str | None = None


class CommentEditor(ModalScreen[CommentDraft | None]):
    """Write a comment, reply or edit. Dismisses with a :class:`CommentDraft`, or None when cancelled."""

    BINDINGS = bindings.COMMENT_EDITOR

    DEFAULT_CSS = """
    CommentEditor { align: center middle; }
    CommentEditor > Vertical { width: 100; max-width: 100%; height: auto; max-height: 100%;
                               border: round $accent; background: $surface; padding: 0 1; }
    CommentEditor.-with-passage > Vertical { height: 90%; }
    CommentEditor .editor-label { color: $text-muted; height: 1; }
    CommentEditor #editor-title { text-style: bold; height: auto; }
    CommentEditor #passage { height: 1fr; min-height: 3; }
    CommentEditor #body { height: 5; }
    CommentEditor #editor-error { color: $text-error; height: auto; }
    CommentEditor #editor-hint { color: $text-muted; height: 1; }
    """

    def __init__(self, title: Content | str, *, passage: str | None = None, body: str = "",
                 allow_suggestion: bool = False, placeholder: str = "Write your comment…",
                 suggestion: str | None = None, quoted: bool = False) -> None:
        """*title* says what is commented; *passage* (optional) is the text to quote from.

        Editing: *body* and *suggestion* are the current texts; *quoted* says the comment
        already quotes a passage (so a suggestion needs no selection).
        """
        super().__init__()
        self.title_content = title if isinstance(title, Content) else Content(title)
        self.passage = passage
        self.initial_body = body
        self.initial_suggestion = suggestion
        self.allow_suggestion = allow_suggestion
        self.placeholder = placeholder
        self.quoted = quoted

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_content, id="editor-title")
            yield Static(Content(""), id="editor-error")
            if self.passage is not None:
                yield Static(Content("Passage: shift+arrows select a quote (none selected: the whole "
                                     "section)"), classes="editor-label")
                yield TextArea(self.passage, id="passage", read_only=True, soft_wrap=True,
                               show_line_numbers=False)
            yield Static(Content("Comment"), classes="editor-label")
            yield TextArea(self.initial_body, id="body", soft_wrap=True, placeholder=self.placeholder)
            if self.allow_suggestion:
                yield Static(Content("Suggested replacement for the quoted passage (optional)"),
                             classes="editor-label")
                yield Input(self.initial_suggestion or "", placeholder="replacement text", id="suggestion")
            yield Static(Content("ctrl+s save · escape cancel · tab next field"), id="editor-hint")

    def on_mount(self) -> None:
        self.set_class(self.passage is not None, "-with-passage")
        self.query_one("#passage" if self.passage is not None else "#body").focus()

    def selected_quote(self) -> tuple[str, int, int] | None:
        """The selected passage and its offsets in the passage text (None: nothing selected)."""
        if self.passage is None:
            return None
        area = self.query_one("#passage", TextArea)
        selection = area.selection
        if selection.start == selection.end:
            return None
        start_loc, end_loc = sorted((selection.start, selection.end))
        document = area.document
        assert isinstance(document, Document)  # a plain TextArea holds a Document
        start = document.get_index_from_location(start_loc)
        end = document.get_index_from_location(end_loc)
        text = area.selected_text
        return text, start, end

    def action_save(self) -> None:
        """Return the comment (refuses an empty body, or a suggestion without a quote)."""
        body = self.query_one("#body", TextArea).text
        error = self.query_one("#editor-error", Static)
        if not body.strip():
            error.update(Content("The comment is empty."))
            self.query_one("#body").focus()
            return
        quote = self.selected_quote()
        suggestion = None
        if self.allow_suggestion:
            suggestion = self.query_one("#suggestion", Input).value or None
            if suggestion is not None and quote is None and not self.quoted:
                error.update(Content("A suggested edit replaces a quoted passage: select one first."))
                return
            if suggestion is None and self.initial_suggestion:
                error.update(Content("A suggestion cannot be removed, only changed (the notes keep no "
                                     "'no suggestion' edit): write a new one, or retract the comment."))
                self.query_one("#suggestion").focus()
                return
            if suggestion == self.initial_suggestion:
                suggestion = None  # unchanged: the edit does not carry it
        if quote is not None and not quote[0].strip():
            error.update(Content("The selected passage is blank."))
            return
        text, start, end = quote or (None, None, None)
        self.dismiss(CommentDraft(body, text, start, end, suggestion=suggestion))

    def typed(self) -> bool:
        """Whether anything was typed (the body or the suggestion differs from how it opened)."""
        if self.query_one("#body", TextArea).text != self.initial_body:
            return True
        if self.allow_suggestion:
            return self.query_one("#suggestion", Input).value != (self.initial_suggestion or "")
        return False

    def action_cancel(self) -> None:
        """Close without saving; asks first when text was typed (escape again, or n, keeps editing)."""
        if not self.typed():
            self.dismiss(None)
            return
        from reviewtool.tui.dialogs import ConfirmScreen

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(Content("Discard what you typed? (y discards, n or escape "
                                                   "goes back to the editor)")), answer)
