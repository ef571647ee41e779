"""A review writer for the fault-injection suite (run as a process: ``python -m tests.fault_writer``).

``python -m tests.fault_writer REPO DRAFT PREFIX COUNT`` writes COUNT events through the
real write path (:class:`~reviewtool.review.store.ReviewStore`: compare-and-swap, then the
objects checked once no ``git gc`` runs), alternating new comments and replies to its own
comments (a reply reads every thread first). It prints ``ready`` once started, then
``ack <id>`` for each event once the write returned — an *acknowledged* event — and
``damaged <message>`` / ``error <message>`` when a write is refused (exit 3 / 2).
The suite kills it with SIGKILL at random moments.
"""

from __future__ import annotations

import sys

from reviewtool.errors import ReviewtoolError
from reviewtool.git.notes_damage import DamagedNotesRef
from reviewtool.git.repo import GitRepo
from reviewtool.review.store import ReviewStore


def main(argv: list[str]) -> int:
    path, draft, prefix, count = argv[0], argv[1], argv[2], int(argv[3])
    store = ReviewStore(GitRepo.open(path))
    head = store.repo.resolve_commit("HEAD")
    blob = store.repo.blob_ids([f"{head}:{draft}"])[0]
    assert blob is not None
    mine: list[str] = []
    print("ready", flush=True)
    for i in range(count):
        try:
            if i % 3 == 2 and mine:
                event = store.reply(mine[-1], f"{prefix} reply {i}")
            else:
                event = store.add_comment(head, draft, blob, f"{prefix} comment {i}")
                mine.append(event.id)
        except DamagedNotesRef as exc:
            print("damaged", exc, flush=True)
            return 3
        except ReviewtoolError as exc:
            print("error", exc, flush=True)
            return 2
        print("ack", event.id, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
