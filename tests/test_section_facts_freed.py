"""Per-document facts are freed when the last reference goes, without the cyclic collector.

``reviewtool log`` pauses the collector for its walk over the versions; a
:class:`reviewtool.diff.section_facts.DocumentFacts` that held itself in a cycle (its lazy
lists' functions were its own bound methods and closures over it) kept its document alive
until a full collection: with the collector paused, every version read stayed in memory.
"""

from __future__ import annotations

import gc
import weakref

from reviewtool.diff.section_facts import DocumentFacts
from reviewtool.draft.document import parse

TEXT = "# Essay\n\nOpening words.\n\n## Part\n\nMore words here.\n\n- Point one\n- Point two\n"


def test_document_facts_are_freed_by_reference_counting():
    doc = parse(TEXT)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        facts = DocumentFacts(doc)
        last = len(doc.sections) - 1
        # Every lazy list used, as the aligner uses them.
        assert facts.fp[1] == doc.fingerprint(doc.sections[1])
        assert "point" in facts.tok[2] and "word" in facts.tok[1]
        assert facts.title_norm[1] and facts.title_words[1] and facts.title_grams[1]
        assert facts.score_class[0] == 0 and facts.desc_class[last] == facts.desc_class[last]
        alive = weakref.ref(facts)
        kept = weakref.ref(doc.sections[0])
        del facts, doc
        assert alive() is None
        assert kept() is None
    finally:
        if was_enabled:
            gc.enable()
