"""The cyclic collector is paused while a large text is parsed or a large pair is diffed.

Both build many small objects that are not in cycles (markdown-it tokens, sections, word
operations); the collector scanning them again and again as they are created costs a tenth
to two fifths of the work. The rule has one home, :data:`reviewtool.collector.LARGE_TEXT_CHARS`.
A collection started during the work is seen through :data:`gc.callbacks`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from reviewtool.collector import FREEZE_COUNT_TELLS, LARGE_TEXT_CHARS, collector_paused
from reviewtool.diff.section_diff import diff_documents
from reviewtool.draft.chunks import clear_chunk_cache
from reviewtool.draft.document import parse


def _essay(sections: int, edit: str = "") -> str:
    body = "Words of a paragraph that says something about the topic at hand. " * 6
    return "".join(f"## Part {i}\n\n{body}{edit if i % 3 == 0 else ''}\n\n" for i in range(sections))


@contextmanager
def _collections() -> Iterator[list[int]]:
    """The generations of the collections that start inside the block."""
    started: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    thresholds = gc.get_threshold()
    gc.set_threshold(10, 10, 10)  # a collection every 10 net allocations: work that runs
    gc.enable()  # with the collector on starts hundreds
    gc.callbacks.append(seen)
    try:
        yield started
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*thresholds)


def _run(work: Callable[[], object]) -> list[int]:
    was_enabled = gc.isenabled()
    try:
        with _collections() as started:
            work()
        assert gc.isenabled(), "the collector is left as it was"
        return started
    finally:
        if not was_enabled:
            gc.disable()


def _diff(edit: str) -> Callable[[], object]:
    diff_documents(parse(_essay(3)), parse(_essay(3, edit)))  # the diff's own imports, done once
    old, new = parse(_essay(400)), parse(_essay(400, edit))
    assert len(old.text) + len(new.text) > LARGE_TEXT_CHARS
    return lambda: diff_documents(old, new)


# Resuming the collector starts one young collection at the next allocation (the objects
# built while it was paused were still counted), and the work's own set-up and result may
# start one more: a paused run sees at most those, a running one dozens.
EDGES = 3


def test_a_large_diff_runs_without_a_collection(monkeypatch):
    paused = _run(_diff(" An added sentence, here."))
    monkeypatch.setattr("reviewtool.diff.section_diff.LARGE_TEXT_CHARS", 10**9)
    running = _run(_diff(" Another added sentence."))
    assert len(paused) <= EDGES < 50 < len(running)


def test_a_large_diff_leaves_what_it_built_settled(monkeypatch):
    """Resuming after a large diff starts no young collection over what the diff built (it
    was moved to the oldest generation, :func:`collector_paused`'s ``settle``); resuming
    without settling starts one at the next allocation. Both see no collection during the
    diff itself."""
    work = _diff(" A settled sentence.")
    settled = _run(lambda: (work(), [[] for _ in range(5)]))
    monkeypatch.setattr("reviewtool.diff.section_diff.collector_paused",
                        lambda pause, settle=False: collector_paused(pause))
    unsettled = _run(lambda: (work(), [[] for _ in range(5)]))
    assert len(settled) < len(unsettled) <= EDGES


def test_a_large_parse_runs_without_a_collection(monkeypatch):
    text = _essay(600)
    assert len(text) > LARGE_TEXT_CHARS
    parse(_essay(3))  # the parser's own set-up, done once
    clear_chunk_cache()  # each run parses every chunk
    paused = _run(lambda: parse(text))
    monkeypatch.setattr("reviewtool.draft.document.LARGE_TEXT_CHARS", 10**9)
    clear_chunk_cache()
    running = _run(lambda: parse(text))
    assert len(paused) <= EDGES < 50 < len(running)


def test_a_large_parse_leaves_what_it_built_settled(monkeypatch):
    """As a large diff does: what the parse built is moved to the oldest generation, so the
    next allocations start no young collection over it."""
    text = _essay(600)
    parse(_essay(3))
    clear_chunk_cache()
    _run(lambda: (parse(text), [[] for _ in range(5)]))  # the first run's own set-up collects once more
    clear_chunk_cache()
    settled = _run(lambda: (parse(text), [[] for _ in range(5)]))
    monkeypatch.setattr("reviewtool.draft.document.collector_paused",
                        lambda pause=True, settle=False: collector_paused(pause))
    clear_chunk_cache()
    unsettled = _run(lambda: (parse(text), [[] for _ in range(5)]))
    assert len(settled) < len(unsettled) <= EDGES


def test_a_pause_inside_a_pause_leaves_the_outer_one_in_force():
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        with collector_paused():
            with collector_paused():
                assert not gc.isenabled()
            assert not gc.isenabled(), "the inner pause does not end the outer one"
        assert gc.isenabled()
    finally:
        if not was_enabled:
            gc.disable()


def test_settling_goes_on_after_a_full_collection(monkeypatch):
    """A full collection first: on Python 3.12 it parks the interpreter's own immortal objects
    in the permanent generation (``gc.get_freeze_count()`` is then not 0 in a process that froze
    nothing), and a settle that waited for a count of 0 never came again (this test failed there)."""
    work = _diff(" A sentence after a full collection.")
    gc.collect()
    settled = _run(lambda: (work(), [[] for _ in range(5)]))
    monkeypatch.setattr("reviewtool.diff.section_diff.collector_paused",
                        lambda pause, settle=False: collector_paused(pause))
    unsettled = _run(lambda: (work(), [[] for _ in range(5)]))
    assert len(settled) < len(unsettled) <= EDGES


def test_a_frozen_generation_of_the_process_s_own_is_kept_where_the_count_tells():
    """Where ``gc.get_freeze_count()`` tells (all but 3.12), a process that keeps a frozen
    generation of its own keeps it through a settle: nothing of it is thawed."""
    kept = [[n] for n in range(1000)]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused(settle=True):
            built = [[n] for n in range(1000)]
        if FREEZE_COUNT_TELLS:
            assert gc.get_freeze_count() == frozen
        else:  # 3.12: settled whatever the count, the frozen generation thawed with what was built
            assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
    assert kept and built
