"""Messages that background workers post back to the app.

Workers never touch widgets: they compute in a thread and post one of these
(``post_message`` is thread-safe). Flood-prone updates (:class:`StatsUpdated`)
carry no payload and coalesce through :meth:`Message.can_replace`; the data
they announce lives in the app's shared caches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from reviewtool.diff.coverage import Coverage
from reviewtool.diff.section_diff import DocumentDiff
from reviewtool.draft.document import Document
from reviewtool.draft.history import DraftHistory, Version
from reviewtool.review.anchoring import Placement
from reviewtool.review.events import Thread
from reviewtool.review.status import ReviewEntry
from reviewtool.review.viewed import ViewedSections
from reviewtool.review.workflow import RequestState, WorkflowEvents
from reviewtool.tui.history_filter import HistoryFilter


@dataclass
class HistoryLoaded(Message):
    """The version list of the draft is known (one ``git log``; two with the first-parent line)."""

    history: DraftHistory
    versions: list[Version]  # the versions to show (filtered)
    total: int = 0  # how many versions the unfiltered history has
    shown_filter: HistoryFilter = field(default_factory=HistoryFilter)  # what *versions* went through
    #: Every version either list holds, by commit (a marked base stays found when hidden).
    known: dict[str, Version] = field(default_factory=dict)


@dataclass
class HistoryFailed(Message):
    """The repository or draft could not be opened."""

    message: str
    kind: str = "error"  # error | no-drafts | many-drafts | no-commits | not-a-repo
    drafts: list[str] = field(default_factory=list)


@dataclass
class StatsUpdated(Message):
    """More per-version statistics are in the app's cache (coalesced: no payload)."""

    done: int = 0

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StatsUpdated)


@dataclass
class SelectionReady(Message):
    """The selected version, its comparison base, their documents and the diff between them."""

    generation: int
    version: Version
    base: Version | None
    doc: Document
    diff: DocumentDiff | None = None  # None: no base (the diff holds the base's document and the alignment)
    diff_note: str = ""  # why there is no diff (the first version)


@dataclass
class SelectionFailed(Message):
    """The selected version could not be read."""

    generation: int
    version: Version
    message: str


@dataclass
class ThreadsLoaded(Message):
    """Review threads read from the notes (all of them, every version)."""

    threads: list[Thread]
    problems: list[str]
    note: str = ""  # why there are none (the notes could not be read)
    identity: tuple[str, str] | None = None  # the user (git's user.name/email); None: not set
    workflow: WorkflowEvents | None = None  # requests, verdicts and viewed marks (None: unreadable)
    #: Standing verdicts grouped by the commit they were given on (for the history rows).
    reviews: dict[str, list[ReviewEntry]] = field(default_factory=dict)
    #: Requests still waiting (neither answered nor withdrawn) by the commit they ask about.
    requests: dict[str, list[RequestState]] = field(default_factory=dict)


@dataclass
class ViewedReady(Message):
    """My viewed marks on the selected version (None: none to show, *note* says why)."""

    generation: int
    commit: str
    viewed: ViewedSections | None
    note: str = ""


@dataclass
class SinceReviewReady(Message):
    """The version I last gave a verdict on (None: I gave none; *note* says why)."""

    version: Version | None
    verdict: str = ""
    note: str = ""


@dataclass
class PlacementsReady(Message):
    """Where the review threads land on the selected version."""

    generation: int
    version: Version
    placements: list[tuple[Thread, Placement]]
    note: str = ""


@dataclass
class CoverageReady(Message):
    """The outline coverage of the selected version (or why there is none)."""

    generation: int
    coverage: tuple[Coverage, Version] | None  # the coverage and the outline version measured against
    note: str = ""


@dataclass
class ReviewWritten(Message):
    """A review action (comment, reply, resolve...) finished."""

    action: str
    ok: bool
    message: str
    thread_id: str | None = None
    reload_history: bool = False


@dataclass
class TaskProgress(Message):
    """Progress of a long task (sync, export): a line for a notification."""

    task: str
    message: str


@dataclass
class TaskFinished(Message):
    """A long task (sync, export) finished."""

    task: str
    ok: bool
    message: str
