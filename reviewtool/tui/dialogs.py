"""Small modal dialogs: a yes/no confirmation and the export dialog (format, path, overwrite)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, Static

from reviewtool.tui import bindings

EXPORT_FORMATS = (("Markdown", "markdown"), ("JSON", "json"), ("HTML", "html"))
EXPORT_SUFFIXES = {"markdown": ".md", "json": ".json", "html": ".html"}
EXPORT_STATUSES = (("All threads", "all"), ("Open threads", "open"), ("Resolved threads", "resolved"))


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question: ``y``/enter confirms, ``n``/escape declines."""

    BINDINGS = bindings.CONFIRM

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 70; max-width: 100%; height: auto; border: round $warning;
                               background: $surface; padding: 1 2; }
    ConfirmScreen Horizontal { height: auto; margin-top: 1; }
    ConfirmScreen Button { margin-right: 2; }
    """

    def __init__(self, question: Content | str) -> None:
        """*question* is shown literally (Content or plain text, never markup)."""
        super().__init__()
        self.question = question if isinstance(question, Content) else Content(question)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="confirm-question")
            with Horizontal():
                yield Button("Yes (y)", id="yes", variant="warning")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        """Answer the question."""
        self.dismiss(yes)


@dataclass(frozen=True)
class ExportRequest:
    """What the export dialog returns."""

    fmt: str
    path: Path
    overwrite: bool
    status: str = "all"
    scope: str = "draft"  # "version" (the selected one), "draft" (every version) or "from" (the base on)


class ExportScreen(ModalScreen[ExportRequest | None]):
    """Choose the format and file of the review summary; refuses to overwrite unless ticked."""

    BINDINGS = bindings.EXPORT

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical { width: 80; max-width: 100%; height: auto; border: round $accent;
                              background: $surface; padding: 0 1; }
    ExportScreen .export-label { color: $text-muted; margin-top: 1; height: 1; }
    ExportScreen #export-error { color: $text-error; height: auto; }
    ExportScreen #export-hint { color: $text-muted; height: 1; margin-top: 1; }
    """

    def __init__(self, root: Path, default_name: str = "review-summary",
                 scopes: list[tuple[str, str]] | None = None, default_dir: Path | None = None) -> None:
        """Paths are relative to *root* (the repository's working tree) unless absolute. The
        default file is *default_name* in *default_dir* (default: *root*'s parent folder, so an
        export leaves no untracked file in the work tree). *scopes* are ``(label, value)``
        choices of what to export (the first is the default)."""
        super().__init__()
        self.root = root
        self.default_name = default_name
        self.scopes = scopes or [("Whole draft (every version)", "draft")]
        self.default_dir = default_dir if default_dir is not None else root.parent

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content.styled("Export the review summary", "bold"))
            yield Static(Content("Scope"), classes="export-label")
            yield Select(self.scopes, value=self.scopes[0][1], allow_blank=False, id="export-scope")
            yield Static(Content("Format"), classes="export-label")
            yield Select(EXPORT_FORMATS, value="markdown", allow_blank=False, id="export-format")
            yield Static(Content("Threads"), classes="export-label")
            yield Select(EXPORT_STATUSES, value="all", allow_blank=False, id="export-status")
            yield Static(Content("File (absolute, or relative to the repository)"), classes="export-label")
            yield Input(str(self.default_dir / (self.default_name + EXPORT_SUFFIXES["markdown"])),
                        id="export-path")
            yield Checkbox("Overwrite if the file exists", id="export-overwrite")
            yield Static(Content(""), id="export-error")
            yield Static(Content("ctrl+s export · escape cancel"), id="export-hint")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "export-format":
            return
        path_input = self.query_one("#export-path", Input)
        current = Path(path_input.value)
        if current.suffix in EXPORT_SUFFIXES.values() and isinstance(event.value, str):
            path_input.value = str(current.with_suffix(EXPORT_SUFFIXES[event.value]))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_export()

    def resolved_path(self) -> Path:
        """The chosen file as an absolute path."""
        raw = Path(self.query_one("#export-path", Input).value.strip()).expanduser()
        return raw if raw.is_absolute() else self.root / raw

    def action_export(self) -> None:
        """Validate and return the request."""
        error = self.query_one("#export-error", Static)
        value = self.query_one("#export-path", Input).value.strip()
        if not value:
            error.update(Content("Give a file name."))
            return
        path = self.resolved_path()
        overwrite = self.query_one("#export-overwrite", Checkbox).value
        if path.is_dir():
            error.update(Content(f"{path.name} is a directory."))
            return
        if path.is_symlink() and not path.exists() and not overwrite:
            error.update(Content(f"{value} is a symbolic link to a file that does not exist: "
                                 "tick 'Overwrite' (space) to write where it points."))
            return
        if path.exists() and not overwrite:
            error.update(Content(f"{value} exists: tick 'Overwrite' (space) to replace it."))
            return
        if not path.parent.is_dir():
            error.update(Content(f"No such folder: {path.parent}"))
            return
        fmt = self.query_one("#export-format", Select).value
        status = self.query_one("#export-status", Select).value
        scope = self.query_one("#export-scope", Select).value
        self.dismiss(ExportRequest(str(fmt), path, overwrite, str(status), str(scope)))

    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss(None)
