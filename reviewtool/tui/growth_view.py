"""The growth view: words, sections and prose share over the history, one column per version.

Oldest version on the left, newest on the right; the selected version's column
is highlighted. Long histories are sampled: each column stands for the version
at the middle of its slice of history, so the widget never needs statistics
for more versions than it has columns.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from reviewtool.draft.history import Version
from reviewtool.tui.history_pane import RowStats

BLOCKS = " ▁▂▃▄▅▆▇█"
LABEL_WIDTH = 10
MAX_COLUMN_WIDTH = 3
METRICS = (("words", "words"), ("sections", "sections"), ("prose", "prose %"))


def level(value: float, top: float) -> str:
    """A block character for *value* on a 0..*top* scale (a space for 0)."""
    if top <= 0 or value <= 0:
        return BLOCKS[0]
    return BLOCKS[max(1, min(8, round(8 * value / top)))]


class GrowthView(Widget):
    """Sparklines of words, sections and prose share across the versions."""

    DEFAULT_CSS = """
    GrowthView { height: 3; padding: 0 1; }
    """

    cursor: reactive[int] = reactive(0)
    """Index (newest first) of the selected version."""

    class Clicked(Message):
        """A version's column was clicked."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, stats_for: Callable[[Version], RowStats | None] | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        """Empty until :meth:`set_versions`; *stats_for* looks up computed statistics."""
        super().__init__(id=id, classes=classes)
        self.versions: list[Version] = []
        self.stats_for = stats_for or (lambda v: None)

    def set_versions(self, versions: list[Version]) -> None:
        """The versions to plot (newest first, as in the history)."""
        self.versions = versions
        self.refresh()

    def columns(self) -> int:
        """How many version columns fit."""
        return max(1, self.size.width - LABEL_WIDTH - 2 - 12)

    def column_width(self) -> int:
        """Cells per version column: short histories get wider columns (up to 3 cells)."""
        n = len(self.versions)
        return max(1, min(MAX_COLUMN_WIDTH, self.columns() // n)) if n else 1

    def sample_indices(self) -> list[int]:
        """Version indices (newest-first numbering) shown, oldest column first."""
        n = len(self.versions)
        if n == 0:
            return []
        cols = min(n, self.columns())
        out = []
        for c in range(cols):
            # Column c covers the oldest->newest slice [c*n/cols, (c+1)*n/cols).
            lo = c * n // cols
            hi = max(lo + 1, (c + 1) * n // cols)
            oldest_first = (lo + hi - 1) // 2 if c not in (0, cols - 1) else (lo if c == 0 else hi - 1)
            out.append(n - 1 - oldest_first)
        return out

    def _column_of_cursor(self, indices: list[int]) -> int:
        best, best_d = 0, None
        for c, i in enumerate(indices):
            d = abs(i - self.cursor)
            if best_d is None or d < best_d:
                best, best_d = c, d
        return best

    def render(self) -> Content:
        indices = self.sample_indices()
        if not indices:
            return Content.styled("no versions", "$text-muted")
        stats = [self.stats_for(self.versions[i]) for i in indices]
        known = [s for s in stats if s is not None and not s.deleted]
        tops = {
            "words": max((s.words for s in known), default=0),
            "sections": max((s.sections for s in known), default=0),
            "prose": 1.0,
        }
        cursor_col = self._column_of_cursor(indices)
        width = self.column_width()
        current = self.stats_for(self.versions[self.cursor]) if self.versions else None
        lines = []
        for metric, label in METRICS:
            parts: list[tuple[str, str] | str] = [(f"{label:<{LABEL_WIDTH}}", "$text-muted")]
            for c, s in enumerate(stats):
                if s is None:
                    ch, style = "·", "$text-muted"
                elif s.deleted:
                    ch, style = "x", "$text-error"
                else:
                    value = {"words": s.words, "sections": s.sections, "prose": s.prose_share}[metric]
                    ch = level(value, tops[metric])
                    style = {"words": "$primary", "sections": "$secondary", "prose": "$success"}[metric]
                if c == cursor_col:
                    style += " reverse"
                if len(parts) > 1 and parts[-1][1] == style:
                    # One span per run of a style, not per column: the same cells, and turning
                    # a hundred spans into a line took most of a cursor move's redraw.
                    parts[-1] = (parts[-1][0] + ch * width, style)
                else:
                    parts.append((ch * width, style))
            if current is not None and not current.deleted:
                shown = {"words": f"{current.words:,}", "sections": str(current.sections),
                         "prose": f"{current.prose_share * 100:.0f}%"}[metric]
            else:
                shown = "…"
            parts.append((f"  {shown:>9}", "bold"))
            lines.append(Content.assemble(*parts))
        return Content("\n").join(lines)

    def on_click(self, event: events.Click) -> None:
        col = (event.x - 1 - LABEL_WIDTH) // self.column_width()
        indices = self.sample_indices()
        if 0 <= col < len(indices):
            self.post_message(self.Clicked(indices[col]))
