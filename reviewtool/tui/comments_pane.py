"""The comments pane: review threads that apply to the selected version and section.

One option per thread: anchor state on this version (exact, moved, fuzzy,
outdated, orphaned), open or resolved, author, age, the quoted passage, the
body, a suggested edit, and the replies. Every piece of user text goes in as
:class:`~textual.content.Content`, never as markup.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reviewtool.render import relative_date
from reviewtool.textsafe import clean, one_line

STATE_STYLES = {
    "exact": "$text-success",
    "moved": "$text-primary",
    "fuzzy": "$text-warning",
    "outdated": "$text-warning italic",
    "orphaned": "$text-error",
}
MAX_BODY_LINES = 8


def _when(value: Any, now: datetime | None) -> str:
    if isinstance(value, datetime):
        return relative_date(value, now)
    if isinstance(value, str) and value:
        try:
            return relative_date(datetime.fromisoformat(value), now)
        except ValueError:
            return one_line(value)
    return ""


def _body(text: str, indent: str = "") -> list[Content]:
    lines = clean(text or "").splitlines() or [""]
    out = [Content(indent + line) for line in lines[:MAX_BODY_LINES]]
    if len(lines) > MAX_BODY_LINES:
        out.append(Content.styled(f"{indent}… {len(lines) - MAX_BODY_LINES} more lines", "$text-muted"))
    return out


def quote_of(thread: Any) -> str:
    """The quoted passage of a thread's anchor, if it has one."""
    anchor = getattr(thread, "anchor", None)
    if anchor is None:
        return ""
    quote = anchor.get("quote") if isinstance(anchor, dict) else getattr(anchor, "quote", None)
    if quote is None:
        return ""
    if isinstance(quote, dict):
        return quote.get("exact") or ""
    if isinstance(quote, (tuple, list)):
        return next((q for q in quote if isinstance(q, str)), "")
    return getattr(quote, "exact", "") or ""


def thread_content(thread: Any, placement: Any, section_title: str, now: datetime | None) -> Content:
    """The multi-line display of one thread with its placement on this version."""
    state = getattr(placement, "state", "?") if placement is not None else "?"
    status = "resolved" if getattr(thread, "status", "open") == "resolved" else "open"
    if getattr(thread, "retracted", False):
        status = "retracted"
    head: list[tuple[str, str] | str | Content] = [
        (f" {state} ", f"reverse {STATE_STYLES.get(state, '')}"), " ",
        (status, "bold $text-success" if status == "open" else "$text-muted"), "  ",
        (one_line(getattr(thread, "author", "") or "someone"), "bold $secondary"), "  ",
        (_when(getattr(thread, "created", None), now), "$text-muted"),
    ]
    if section_title:
        head += ["  ", ("§ " + one_line(section_title), "$text-muted")]
    lines: list[Content] = [Content.assemble(*head)]
    quote = quote_of(thread)
    if quote:
        short = one_line(quote)
        if len(short) > 160:
            short = short[:159] + "…"
        lines.append(Content.styled(f"❝{short}❞", "italic $text-muted"))
    lines.extend(_body(getattr(thread, "body", "") or ""))
    suggestion = getattr(thread, "suggestion", None)
    if suggestion:
        label = "suggested edit (applied): " if getattr(thread, "applied", False) else "suggested edit: "
        lines.append(Content.assemble((label, "bold $text-accent"), (one_line(str(suggestion)), "$text-success")))
    for reply in getattr(thread, "replies", []) or []:
        author = reply.get("author") if isinstance(reply, dict) else getattr(reply, "author", "")
        created = reply.get("created") if isinstance(reply, dict) else getattr(reply, "created", None)
        body = reply.get("body") if isinstance(reply, dict) else getattr(reply, "body", "")
        lines.append(Content.assemble(("  ↳ ", "$text-muted"), (one_line(author or ""), "bold $secondary"),
                                      ("  " + _when(created, now), "$text-muted")))
        lines.extend(_body(body or "", indent="    "))
    return Content("\n").join(lines)


class CommentsPane(OptionList):
    """Threads on the selection; the highlighted thread is the target of reply, resolve..."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="comments.down"),
        Binding("k", "cursor_up", "Up", show=False, id="comments.up"),
        Binding("g", "first", "First", show=False, id="comments.first"),
        Binding("G", "last", "Last", show=False, id="comments.last"),
    ]

    DEFAULT_CSS = """
    CommentsPane { height: 1fr; }
    CommentsPane > .option-list--option { padding: 0 1; }
    """

    def __init__(self, *, now: Callable[[], datetime] | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        """An empty pane; :meth:`show` fills it."""
        super().__init__(id=id, classes=classes, markup=False)
        self.now = now
        self.threads: list[tuple[Any, Any]] = []
        self.note = ""

    def show(self, placed: list[tuple[Any, Any]], titles: dict[str, str], note: str = "") -> None:
        """Show *placed* ``(thread, placement)`` pairs; *titles* maps section keys to titles."""
        keep = self.current_thread_id
        self.threads = placed
        self.note = note
        now = self.now() if self.now else None
        self.clear_options()
        if not placed:
            message = note or "no comments here — press c to add one"
            self.add_option(Option(Content.styled(message, "$text-muted italic"), disabled=True))
            return
        options = []
        for thread, placement in placed:
            key = getattr(placement, "section_key", None) or ""
            options.append(Option(thread_content(thread, placement, titles.get(key, ""), now),
                                  id=str(getattr(thread, "id"))))
        self.add_options(options)
        index = 0
        if keep is not None:
            for i, (thread, _) in enumerate(placed):
                if str(thread.id) == keep:
                    index = i
                    break
        self.highlighted = index

    @property
    def current_thread_id(self) -> str | None:
        """The id of the highlighted thread."""
        if self.highlighted is None or not self.threads:
            return None
        if 0 <= self.highlighted < len(self.threads):
            return str(self.threads[self.highlighted][0].id)
        return None

    @property
    def current(self) -> tuple[Any, Any] | None:
        """The highlighted ``(thread, placement)``."""
        if self.highlighted is None or not self.threads:
            return None
        if 0 <= self.highlighted < len(self.threads):
            return self.threads[self.highlighted]
        return None
