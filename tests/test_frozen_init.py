"""The quicker ``__init__`` of frozen slotted dataclasses (:mod:`reviewtool.frozen_init`) builds
the very record the dataclass's own ``__init__`` builds, for every record the product decorates,
with every field given, with defaults, with default factories; the record stays frozen."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reviewtool.draft import chunks, document
from reviewtool.draft.assembly import ChunkFacts, Segment
from reviewtool.draft.blocks import Block, ListItem
from reviewtool.draft.markup_features import Features
from reviewtool.frozen_init import frozen_init
from tests.gitutil import clone_corpus, followed_texts

#: Every record the product gives the quicker __init__.
RECORDS = [Block, ListItem, Segment, ChunkFacts, Features, chunks._Chunk]


def _slots(record: object) -> dict[str, object]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}  # type: ignore[arg-type]


def _rebuilt(record: object) -> tuple[object, object]:
    """*record* built again from its fields both ways: by the quicker __init__ and by the
    dataclass's own."""
    cls = type(record)
    values = _slots(record)
    quick = cls(**values)
    slow = object.__new__(cls)
    cls._dataclass_init(slow, **values)  # type: ignore[attr-defined]
    return quick, slow


@pytest.mark.parametrize("cls", RECORDS)
def test_every_decorated_record_has_the_quicker_init(cls):
    assert cls.__init__ is not cls._dataclass_init
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"


def test_defaults_and_factories_are_the_dataclass_s():
    quick = Block("paragraph", 0, 2)
    slow = object.__new__(Block)
    Block._dataclass_init(slow, "paragraph", 0, 2)  # type: ignore[attr-defined]
    assert _slots(quick) == _slots(slow) and quick == slow
    a, b = chunks._Chunk(None, {}, False, (), None, ()), chunks._Chunk(None, {}, False, (), None, ())
    assert a._at == {} and a.facts == [] and a._mentions == {}
    assert a._at is not b._at and a.facts is not b.facts  # a factory's value is each record's own
    given: dict[int, tuple[Block, ...]] = {1: ()}
    assert chunks._Chunk(None, {}, False, (), None, (), _at=given)._at is given


def test_keywords_positions_and_bad_calls():
    assert Block("heading", 0, 1, level=2, title="T") == Block("heading", 0, 1, 0, 0, "", 2, "T")
    with pytest.raises(TypeError):
        Block("paragraph", 0)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Block("paragraph", 0, 1, colour="red")  # type: ignore[call-arg]


def test_the_record_stays_frozen():
    block = Block("paragraph", 0, 1, 3, 0, "a b c")
    with pytest.raises(dataclasses.FrozenInstanceError):
        block.kind = "heading"  # type: ignore[misc]
    assert hash(block) == hash(Block("paragraph", 0, 1, 3, 0, "a b c"))


def test_only_frozen_slotted_dataclasses_are_taken():
    @dataclass
    class Loose:
        a: int

    @dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclass(frozen=True, slots=True)
    class Posted:
        a: int

        def __post_init__(self) -> None:
            pass

    for cls in (Loose, NoSlots, Posted):
        with pytest.raises(TypeError):
            frozen_init(cls)

    @frozen_init
    @dataclass(frozen=True, slots=True)
    class Taken:
        a: int
        b: list[int] = field(default_factory=list)
        c: str = "c"

    assert Taken(1) == Taken(1, [], "c") and Taken(1).b is not Taken(1).b


def test_every_record_of_the_corpus_s_parse_builds_alike(tmp_path: Path):
    """Every block, list item, chunk, segment and chunk facts two essays' histories and their
    markup make, rebuilt both ways from its fields: equal records, field for field."""
    repo = clone_corpus(tmp_path / "rfcs")
    seen: dict[type, int] = {}
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        for text in followed_texts(repo, path)[:40]:
            document.parse(text)
            _, _, found = chunks.read_chunks(text)
            for chunk in found:
                records: list[object] = [chunk, *chunk.blocks, chunk.features]
                records += [item for block in chunk.blocks for item in block.items]
                records += [fact for facts in chunk.facts for fact in (facts, facts.lead, *(s for _, s in facts.heads))]
                for record in records:
                    quick, slow = _rebuilt(record)
                    assert _slots(quick) == _slots(slow), record
                    if type(record) is not chunks._Chunk:  # a chunk's lazy fields compare as set
                        assert quick == slow == record
                    seen[type(record)] = seen.get(type(record), 0) + 1
    assert set(seen) == set(RECORDS), seen
