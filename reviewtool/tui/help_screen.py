"""The help screen (``?`` or F1): every key, what it does, and its binding id for the keymap file."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reviewtool.tui import bindings
from reviewtool.tui.commands import catalog
from reviewtool.tui.keymap import keymap_path

INTRO = (
    "Panes: history (top), sections (left), content (right), comments (below content). "
    "tab / shift+tab or 1-4 move between them; the mouse works too. "
    "The comparison base is the first parent (what the version changed) unless you mark one with b."
)


def help_content(keymap: dict[str, str] | None = None) -> Content:
    """The key reference as Content: one block per pane, columns keys / action / binding id."""
    lines: list[Content] = [Content(INTRO), Content("")]
    group = None
    for entry in catalog(keymap):
        if entry.group != group:
            group = entry.group
            if len(lines) > 2:
                lines.append(Content(""))
            lines.append(Content.styled(group.upper(), "bold $accent"))
        lines.append(Content.assemble(
            (f"  {entry.keys:<22}", "bold $text-warning"),
            (f"{entry.description:<22}", ""),
            (entry.binding_id, "$text-muted"),
        ))
    path = keymap_path()
    lines += [Content(""), Content.styled(
        "Remap keys in $XDG_CONFIG_HOME/reviewtool/keymap.toml (binding id = \"keys\"), e.g. "
        "\"app.mark_base\" = \"ctrl+b\"" + (f" — using {path}" if path else ""), "$text-muted")]
    lines.append(Content.styled("Command palette: ctrl+p lists every action.", "$text-muted"))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """A scrollable key reference; any of q, escape, ? or F1 closes it."""

    BINDINGS = bindings.HELP

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 100; max-width: 100%; height: 90%; border: round $accent;
                            background: $surface; padding: 0 1; }
    HelpScreen #help-title { text-style: bold; height: 1; }
    HelpScreen VerticalScroll { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content.styled("reviewtool keys  (q or escape closes)", "bold"), id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(help_content(getattr(self.app, "_keymap", {})), id="help-body")

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        """Scroll down."""
        self.query_one(VerticalScroll).scroll_relative(y=1, animate=False)

    def action_scroll_up(self) -> None:
        """Scroll up."""
        self.query_one(VerticalScroll).scroll_relative(y=-1, animate=False)
