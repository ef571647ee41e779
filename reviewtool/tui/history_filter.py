"""Which versions the history pane shows: all of them, merges hidden, or the first-parent line.

The same words as ``reviewtool log``: ``--first-parent`` lists the line of first parents
from ``HEAD`` (``git log --first-parent``: a merge is one version, its change the whole
branch it brought; the branch's own commits are not listed) and ``--no-merges`` leaves
merges out. In the TUI ``F`` and ``M`` toggle them (``reviewtool tui --first-parent
--no-merges`` starts with them on). Pure functions: the git work (the first-parent
``git log``) happens in the history loader's worker (:mod:`reviewtool.tui.history_loading`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content

from reviewtool.draft.history import Version
from reviewtool.textsafe import one_line
from reviewtool.wording import counted


@dataclass(frozen=True)
class HistoryFilter:
    """What the history shows: the first-parent line only, and whether merges are hidden."""

    first_parent: bool = False
    hide_merges: bool = False

    @property
    def active(self) -> bool:
        """Whether some versions may be left out."""
        return self.first_parent or self.hide_merges

    def label(self) -> str:
        """``first parent``, ``merges hidden``, both joined by `` · ``, or "" (no filter)."""
        parts = (["first parent"] if self.first_parent else []) + (["merges hidden"] if self.hide_merges else [])
        return " · ".join(parts)

    def apply(self, versions: Sequence[Version]) -> list[Version]:
        """*versions* (already the first-parent line when asked) without the merges when hidden."""
        return [v for v in versions if not (self.hide_merges and v.is_merge)]


def nearest_shown(previous: Sequence[Version], commit: str | None, shown: Sequence[Version]) -> str | None:
    """The commit to keep the cursor on once the list changes from *previous* to *shown*:
    *commit* itself when it is still shown; else a shown version with the same text (a merge
    that took one side's text: that side's commit); else the nearest row of the *previous*
    list that is shown (the older one on a tie, as when a row is taken out from under the
    cursor). None: start at the top."""
    if commit is None:
        return None
    commits = {v.commit for v in shown}
    if commit in commits:
        return commit
    index = next((i for i, v in enumerate(previous) if v.commit == commit), None)
    if index is None:
        return None
    blob = previous[index].blob
    same_text = next((v.commit for v in shown if blob is not None and v.blob == blob), None)
    if same_text is not None:
        return same_text
    for distance in range(1, len(previous)):
        for i in (index + distance, index - distance):
            if 0 <= i < len(previous) and previous[i].commit in commits:
                return previous[i].commit
    return None


def history_title(draft: str, shown: int, total: int, history_filter: HistoryFilter) -> Content:
    """The history pane's title: the draft, the filter in effect and how many versions show."""
    if not history_filter.active:
        return Content.assemble(("History", "bold"), "  ", (one_line(draft), "$text-accent"),
                                (f"  {counted(shown, 'version')}", "$text-muted"))
    return Content.assemble(("History", "bold"), "  ", (one_line(draft), "$text-accent"),
                            (f"  {history_filter.label()}", "bold $text-warning"),
                            (f"  {shown:,} of {total:,} versions", "$text-muted"))
