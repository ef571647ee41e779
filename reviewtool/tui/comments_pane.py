"""The comments pane: review threads that apply to the selected version and section.

One option per thread: anchor state on this version (exact, moved, fuzzy,
outdated, orphaned), open or resolved, author, age, the quoted passage, the
body, a suggested edit, and the replies. Every piece of user text goes in as
:class:`~textual.content.Content`, never as markup; invisible characters are shown as
``<U+XXXX>`` (:func:`reviewtool.textsafe.clean`) and marked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reviewtool.review.anchoring import Placement
from reviewtool.review.events import Thread
from reviewtool.textsafe import REVEALED, clean, one_line, shorten
from reviewtool.tui import bindings
from reviewtool.wording import relative_date

STATE_STYLES = {
    "exact": "$text-success",
    "moved": "$text-primary",
    "fuzzy": "$text-warning",
    "outdated": "$text-warning italic",
    "orphaned": "$text-error",
}
MAX_BODY_LINES = 8
#: A hidden character, shown as ``<U+XXXX>`` by textsafe.clean, is marked so it does not
#: read as typed text.
HIDDEN_STYLE = "reverse $text-error"


def when(stamp: str | None, now: datetime | None) -> str:
    """``3 days ago`` for an event time (ISO 8601, as stored in the notes)."""
    if not stamp:
        return ""
    try:
        return relative_date(datetime.fromisoformat(stamp), now)
    except ValueError:
        return one_line(stamp)


def _body(text: str, indent: str = "") -> list[Content]:
    lines = clean(text or "").splitlines() or [""]
    out = [Content(indent + line) for line in lines[:MAX_BODY_LINES]]
    if len(lines) > MAX_BODY_LINES:
        out.append(Content.styled(f"{indent}… {len(lines) - MAX_BODY_LINES} more lines", "$text-muted"))
    return out


#: Characters of a quote or suggestion shown on its line.
SHORT_WIDTH = 160


def thread_content(thread: Thread, placement: Placement, section_title: str, now: datetime | None) -> Content:
    """The multi-line display of one thread with its placement on this version."""
    state = placement.state
    status = "retracted" if thread.retracted else thread.status
    head: list[tuple[str, str] | str] = [
        (f" {state} ", f"reverse {STATE_STYLES.get(state, '')}"), " ",
        (status, "bold $text-success" if status == "open" else "$text-muted"), "  ",
        (one_line(thread.author or thread.email or "someone"), "bold $secondary"), "  ",
        (when(thread.created, now), "$text-muted"),
    ]
    if thread.edits:
        head.append(("  (edited)", "$text-muted italic"))
    if section_title:
        head += ["  ", ("§ " + one_line(section_title), "$text-muted")]
    elif placement.scope == "version":
        head += ["  ", ("whole version", "$text-muted")]
    lines: list[Content] = [Content.assemble(*head)]
    anchor = thread.anchor
    if anchor.exact:
        found = placement.quote_found
        if state == "fuzzy" and found and found != anchor.exact:
            lines.append(Content.styled(f"❝{shorten(anchor.exact, SHORT_WIDTH)}❞  now: ❝{shorten(found, 80)}❞",
                                        "italic $text-muted"))
        else:
            lines.append(Content.styled(f"❝{shorten(anchor.exact, SHORT_WIDTH)}❞", "italic $text-muted"))
    if thread.retracted:
        lines.append(Content.styled("(retracted by its author)", "italic $text-muted"))
    else:
        lines.extend(_body(thread.body))
    if thread.suggestion is not None and not thread.retracted:
        label = "suggested edit (applied): " if thread.applied is not None else "suggested edit: "
        lines.append(Content.assemble((label, "bold $text-accent"),
                                      (shorten(thread.suggestion, SHORT_WIDTH), "$text-success")))
    for reply in thread.replies:
        who = one_line(reply.author or reply.email or "someone")
        lines.append(Content.assemble(("  ↳ ", "$text-muted"), (who, "bold $secondary"),
                                      ("  " + when(reply.time, now), "$text-muted"),
                                      ("  (retracted)" if reply.retracted else "", "$text-muted italic")))
        if not reply.retracted:
            lines.extend(_body(reply.body, indent="    "))
    return Content("\n").join(lines).highlight_regex(REVEALED, style=HIDDEN_STYLE)


class CommentsPane(OptionList):
    """Threads on the selection; the highlighted thread is the target of reply, resolve..."""

    BINDINGS = bindings.COMMENTS

    DEFAULT_CSS = """
    CommentsPane { height: 1fr; }
    CommentsPane > .option-list--option { padding: 0 1; }
    """

    def __init__(self, *, now: Callable[[], datetime] | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        """An empty pane; :meth:`show` fills it."""
        super().__init__(id=id, classes=classes, markup=False)
        self.now = now
        self.threads: list[tuple[Thread, Placement]] = []
        self.note = ""
        #: The message shown when the pane lists no thread (None: it lists threads, or nothing yet).
        self._empty_shown: str | None = None

    def show(self, placed: list[tuple[Thread, Placement]], titles: dict[str, str], note: str = "") -> None:
        """Show *placed* ``(thread, placement)`` pairs; *titles* maps section keys to titles."""
        message = note or "no comments here — press c to add one"
        if not placed and self._empty_shown == message:
            # The same empty pane: clearing and filling the list again would lay the screen
            # out again (on every cursor move in the history of a draft without comments).
            self.threads = placed
            self.note = note
            return
        keep = self.current_thread_id
        self.threads = placed
        self.note = note
        now = self.now() if self.now else None
        self.clear_options()
        self._empty_shown = None
        if not placed:
            self.add_option(Option(Content.styled(message, "$text-muted italic"), disabled=True))
            self._empty_shown = message
            return
        options = []
        for thread, placement in placed:
            key = placement.section_key or ""
            options.append(Option(thread_content(thread, placement, titles.get(key, ""), now), id=thread.id))
        self.add_options(options)
        index = 0
        if keep is not None:
            for i, (thread, _) in enumerate(placed):
                if thread.id == keep:
                    index = i
                    break
        self.highlighted = index

    def highlight_thread(self, thread_id: str) -> bool:
        """Highlight *thread_id*'s thread (scrolled into view); False when it is not listed."""
        for i, (thread, _) in enumerate(self.threads):
            if thread.id == thread_id:
                self.highlighted = i
                return True
        return False

    @property
    def current_thread_id(self) -> str | None:
        """The id of the highlighted thread."""
        current = self.current
        return current[0].id if current is not None else None

    @property
    def current(self) -> tuple[Thread, Placement] | None:
        """The highlighted ``(thread, placement)``."""
        if self.highlighted is not None and 0 <= self.highlighted < len(self.threads):
            return self.threads[self.highlighted]
        return None
