"""Records (:mod:`reviewtool.records`) are the dataclasses the same classes make: every record
of the product is compared with ``@dataclass`` applied to its own definition (fields,
parameters, ``__init__``'s signature, ``__match_args__``, the docstring), and every record a
parse, a diff and a log of two corpus histories build is rebuilt both ways from its fields:
the same fields, the same repr, equality and hash; a frozen one refuses the same changes."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import re
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reviewtool.diff import hunks, paragraphs, section_diff, section_pairs, version_change, view, word_ops
from reviewtool.diff.align import _Group
from reviewtool.draft import assembly, blocks, cache, chunks, discovery, document, history, markup_features
from reviewtool.git.repo import GitRepo
from reviewtool.records import TWIN_FIELDS, record
from tests.gitutil import clone_corpus, followed_texts

ROOT = Path(__file__).resolve().parent.parent

#: Every record the product defines, by module.
RECORDS = [
    assembly.ChunkFacts, assembly.Segment, blocks.Block, blocks.ListItem, blocks._Counts, cache.CacheReport,
    cache.NamespaceReport, chunks._Chunk, discovery.DraftChoice, document.Document, document.Section,
    document.SubPoint, history.Version, hunks.Gap, markup_features.Features, _Group, paragraphs.Row,
    paragraphs.SideRow,
    section_diff.DocumentDiff, section_diff.SectionChange, section_pairs.Alignment, section_pairs.SectionPair,
    version_change.ChangeCounts, version_change.VersionChange, view.SectionView, word_ops.WordDiff,
]
#: What @record (and @dataclass) put in a class's namespace.
_MADE = {"__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__", "__getstate__",
         "__setstate__", "__dataclass_fields__", "__dataclass_params__", "__match_args__", "__slots__", "__dict__",
         "__weakref__", "__doc__"}


def _generated_doc(cls: type) -> str:
    return cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")


@pytest.fixture(scope="module")
def references() -> dict[type, type]:
    return {cls: _reference(cls) for cls in RECORDS}


def _reference(cls: Any) -> Any:
    """``@dataclass`` applied to the definition of record *cls*: its fields (with their
    options), its own methods and properties, its docstring."""
    fields = dataclasses.fields(cls)
    namespace: dict[str, Any] = {k: v for k, v in cls.__dict__.items()
                                 if k not in _MADE and not isinstance(v, types.MemberDescriptorType)}
    for f in fields:
        namespace[f.name] = field(default=f.default, default_factory=f.default_factory, init=f.init, repr=f.repr,
                                  hash=f.hash, compare=f.compare, metadata=dict(f.metadata) or None)
    namespace["__annotations__"] = {f.name: f.type for f in fields}
    namespace["__qualname__"] = cls.__qualname__
    namespace["__doc__"] = None if cls.__doc__ == _generated_doc(cls) else cls.__doc__
    made = type(cls.__name__, (), namespace)
    return dataclass(frozen=cls.__dataclass_params__.frozen, slots="__slots__" in cls.__dict__)(made)


def test_every_record_of_the_product_is_listed():
    """The list above names every class decorated with @record (so every one is compared)."""
    decorated = set()
    for path in (ROOT / "reviewtool").rglob("*.py"):
        for m in re.finditer(r"^@record\b.*\nclass (\w+)", path.read_text(encoding="utf-8"), re.M):
            decorated.add(m.group(1))
    assert decorated == {cls.__name__ for cls in RECORDS}


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_a_record_is_the_dataclass_of_its_definition(cls, references):
    ref = references[cls]
    fields, ref_fields = dataclasses.fields(cls), dataclasses.fields(ref)
    assert [repr(f) for f in fields] == [repr(f) for f in ref_fields]
    assert repr(cls.__dataclass_params__) == repr(ref.__dataclass_params__)
    assert cls.__match_args__ == ref.__match_args__
    assert str(inspect.signature(cls)) == str(inspect.signature(ref))
    assert cls.__init__.__annotations__ == ref.__init__.__annotations__
    assert cls.__doc__ == ref.__doc__
    assert (cls.__hash__ is None) == (ref.__hash__ is None)
    assert set(cls.__dict__) == set(ref.__dict__)
    assert getattr(cls, "__slots__", None) == getattr(ref, "__slots__", None)
    for name in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
        if isinstance(cls.__dict__.get(name), types.FunctionType):
            assert cls.__dict__[name].__qualname__ == ref.__dict__[name].__qualname__


def _values(record: Any) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def _corpus_records(repo: Path) -> list[Any]:
    """Records of every kind the product builds from two corpus histories: the parse of their
    versions (its chunks, blocks, segments, facts, markup), the diffs of consecutive versions
    (pairs, changes, word diffs, rows, views and their gaps), their log (versions, changes, counts), the draft chosen."""
    found: list[Any] = []
    git = GitRepo.open(repo)
    try:
        for path in ("README.md", "text/3537-msrv-resolver.md"):
            texts = followed_texts(repo, path)[:30]
            docs = []
            for text in texts:
                doc = document.parse(text)
                docs.append(doc)
                found += [doc, *doc.sections, *(p for s in doc.sections for p in s.subpoints)]
                _, _, parsed = chunks.read_chunks(text)
                for chunk in parsed:
                    found += [chunk, *chunk.blocks, chunk.features]
                    found += [item for block in chunk.blocks for item in block.items]
                    found += [fact for facts in chunk.facts for fact in (facts, facts.lead, *(s for _, s in facts.heads))]
            for old, new in zip(docs[1:], docs):
                diff = section_diff.diff_documents(old, new)
                found += [diff, diff.alignment, *diff.alignment.pairs, *diff.changes]
                views = view.section_views(diff)
                found += [*views, *(item for v in views for item in v.items(0) if isinstance(item, hunks.Gap))]
                for change in diff.changes:
                    if change.word_diff is not None:
                        rows = paragraphs.paragraph_rows(change.word_diff.ops)
                        found += [change.word_diff, *rows, *paragraphs.side_rows(rows)]
            hist = history.DraftHistory(git, path, use_cache=False)
            found += [discovery.choose_draft(git, path)]
            for version in hist.versions[:20]:
                found.append(version)
                change = version_change.version_change(hist, version)
                if change is not None:
                    found += [change, change.counts]
        # (those the histories do not build: the cache's report, an outline's sub-points...)
        report = cache.CacheReport("root", False, 1, namespaces=[cache.NamespaceReport("doc-x", 1, 2, 3)],
                                   problems=["a problem"])
        found += [report, *report.namespaces, _Group([1], [2], "exact"), blocks._Counts(1, 2, "a", ["b"]),
                  document.SubPoint("a point", 1, 3), document.SubPoint("a point", 2, 4)]
    finally:
        git.close()
    return found


def test_every_record_of_the_corpus_is_built_and_behaves_as_the_dataclass(tmp_path: Path, references):
    repo = clone_corpus(tmp_path / "rfcs")
    records = _corpus_records(repo)
    assert {type(r) for r in records} == set(RECORDS)
    previous: dict[type, Any] = {}
    for r in records:
        cls = type(r)
        ref = references[cls]
        values = _values(r)
        quick, slow = cls(**values), ref(**values)
        assert all(getattr(quick, name) is value for name, value in values.items())
        assert repr(quick) == repr(slow) == repr(r)
        assert quick == r and slow == ref(**values) and (quick != r) is False
        assert (quick == slow) is False and quick.__eq__(slow) is NotImplemented
        if cls.__hash__ is not None:
            assert _hash(quick) == _hash(slow) == _hash(r)
        other = previous.get(cls)
        if other is not None:  # equality of two different records, as the dataclass has it
            assert (r == other) == (slow == ref(**_values(other)))
        previous[cls] = r
        if cls.__dataclass_params__.frozen:
            _refuses_alike(quick, slow)
            assert copy.copy(quick) == quick and copy.deepcopy(quick) == quick
    for r in previous.values():
        if type(r).__dataclass_params__.frozen and type(r) is not chunks._Chunk:
            assert pickle.loads(pickle.dumps(r)) == r


def _hash(record: Any) -> int | tuple[type, str]:
    """The hash of *record*, or the error hashing it raises (a record holding a dict)."""
    try:
        return hash(record)
    except TypeError as exc:
        return type(exc), str(exc)


def _refuses_alike(quick: Any, slow: Any) -> None:
    """Setting or deleting a field, or another attribute, fails alike (the same error and message)."""
    name = dataclasses.fields(quick)[0].name
    for attribute in (name, "not_a_field"):
        for change in (lambda o, a=attribute: setattr(o, a, 1), lambda o, a=attribute: delattr(o, a)):
            errors = []
            for obj in (quick, slow):
                with pytest.raises((dataclasses.FrozenInstanceError, TypeError, AttributeError)) as info:
                    change(obj)
                errors.append((type(info.value), str(info.value)))
            assert errors[0] == errors[1]


def test_defaults_factories_and_bad_calls():
    block = blocks.Block("paragraph", 0, 2)
    assert (block.prose_words, block.plain, block.items, block.role) == (0, "", (), "")
    a, b = chunks._Chunk(None, {}, False, (), None, ()), chunks._Chunk(None, {}, False, (), None, ())
    assert a._at == {} and a.facts == [] and a._mentions == {}
    assert a._at is not b._at and a.facts is not b.facts  # a factory's value is each record's own
    given: dict[int, tuple[blocks.Block, ...]] = {1: ()}
    assert chunks._Chunk(None, {}, False, (), None, (), _at=given)._at is given
    assert blocks.Block("heading", 0, 1, level=2, title="T") == blocks.Block("heading", 0, 1, 0, 0, "", 2, "T")
    with pytest.raises(TypeError):
        blocks.Block("paragraph", 0)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        blocks.Block("paragraph", 0, 1, colour="red")  # type: ignore[call-arg]
    assert dataclasses.replace(block, level=3) == blocks.Block("paragraph", 0, 2, level=3)


@pytest.mark.parametrize("frozen", [False, True])
@pytest.mark.parametrize("slots", [False, True])
def test_made_classes_of_every_kind_match(frozen, slots):
    """Undocumented classes, one field, no field, a field out of repr, compare and hash, an
    explicit hash, a record inside itself (repr), __post_init__ (not frozen)."""
    made = []
    for decorate in (dataclass(frozen=frozen, slots=slots), record(frozen=frozen, slots=slots)):

        @decorate
        class One:
            a: int

        @decorate
        class Empty:
            pass

        @decorate
        class Options:
            """Options."""

            a: int
            b: list[Any] = field(default_factory=list, repr=False)
            c: str = field(default="c", compare=False)
            d: int = field(default=0, hash=False)
            e: float = field(default=1.5, hash=True, compare=False)

        @decorate
        class Hashed:
            a: int

            def __hash__(self) -> int:
                return 7

        made.append((One, Empty, Options, Hashed))
    for ref, cls in zip(*made):
        assert str(inspect.signature(cls)) == str(inspect.signature(ref)) and cls.__doc__ == ref.__doc__
        assert set(cls.__dict__) == set(ref.__dict__)
        assert (cls.__hash__ is None) == (ref.__hash__ is None)
    (one, empty, options, hashed), (r_one, r_empty, r_options, _) = made[1], made[0]
    assert repr(one(1)) == repr(r_one(1)) and one(1) == one(1) and one(1) != one(2) and empty() == empty()
    nan = float("nan")
    assert one(nan) != one(float("nan")) and (lambda x: one(x) == one(x))(nan)  # a tuple compares by identity first
    assert repr(options(1, [options(2)])) == repr(r_options(1, [r_options(2)]))
    calls = [(1,), (1, [1], "x"), (1, [1], "y"), (1, [2], "x"), (1, [], "c", 1), (1, [], "c", 0, 2.5), (2,)]
    for a in calls:
        for b in calls:
            assert (options(*a) == options(*b)) == (r_options(*a) == r_options(*b))
            assert (options(*a) != options(*b)) == (r_options(*a) != r_options(*b))
    if frozen:
        assert hash(one(3)) == hash(r_one(3)) and hash(empty()) == hash(r_empty())
        assert _hash(options(1, [], "c", 2, 3.5)) == _hash(r_options(1, [], "c", 2, 3.5))  # (a list)
        assert hash(options(1, (), "c", 2, 3.5)) == hash(r_options(1, (), "c", 2, 3.5))
        assert hash(options(1, (), "x", 2, 3.5)) == hash(r_options(1, (), "c", 5, 3.5))  # c, d: not hashed
    assert hash(hashed(1)) == 7
    inner: list[Any] = []
    looped = options(1, inner)
    inner.append(looped)
    r_inner: list[Any] = []
    r_looped = r_options(1, r_inner)
    r_inner.append(r_looped)
    assert repr(looped) == repr(r_looped)
    if not frozen:
        inside = one(1)
        inside.a = inside  # type: ignore[assignment]
        r_inside = r_one(1)
        r_inside.a = r_inside  # type: ignore[assignment]
        assert repr(inside) == repr(r_inside) == "test_made_classes_of_every_kind_match.<locals>.One(a=...)"


def test_what_records_do_not_take():
    def posted() -> type:
        class Posted:
            a: int

            def __post_init__(self) -> None:
                pass

        return Posted

    def later() -> type:
        class Later:
            a: int = field(init=False, default=1)

        return Later

    def keyword_only() -> type:
        class KeywordOnly:
            a: int = field(kw_only=True)

        return KeywordOnly

    for make, frozen in ((posted, True), (later, True), (keyword_only, False), (keyword_only, True)):
        with pytest.raises(TypeError):
            record(frozen=frozen)(make())

    class Guarded:
        a: int

        def __setattr__(self, name: str, value: Any) -> None:
            pass

    with pytest.raises(TypeError):
        record(frozen=True)(Guarded)


def test_a_record_of_many_slotted_frozen_fields_is_built_as_its_twin_and_a_subclass_as_before():
    """A frozen slotted record of :data:`reviewtool.records.TWIN_FIELDS` fields or more is
    built as its twin (its fields stored as plain attributes); one of fewer through its
    descriptors. Either way the record equals the dataclass's (see the corpus test above); an
    instance of a subclass is built through the descriptors, and keeps its class."""
    twins = {cls: cls.__init__.__globals__.get("_twin") for cls in RECORDS  # type: ignore[misc]
             if cls.__dataclass_params__.frozen and "__slots__" in cls.__dict__}
    assert {cls for cls, twin in twins.items() if twin is not None} == {
        cls for cls in twins if len(dataclasses.fields(cls)) >= TWIN_FIELDS}
    assert {blocks.Block, blocks.ListItem, chunks._Chunk, assembly.Segment} <= {
        cls for cls, twin in twins.items() if twin is not None}
    for cls, twin in twins.items():
        if twin is not None:
            assert twin.__slots__ == cls.__slots__ and twin.__bases__ == cls.__bases__ and "__setattr__" not in twin.__dict__

    class Sub(blocks.Block):
        __slots__ = ("extra",)

    sub = Sub("heading", 0, 1, level=2, title="T")
    assert type(sub) is Sub and _values(sub) == _values(blocks.Block("heading", 0, 1, 0, 0, "", 2, "T"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        sub.level = 3  # type: ignore[misc]

    @record(frozen=True, slots=True)
    class Many:
        a: int
        b: list[Any] = field(default_factory=list)
        c: str = "c"
        d: int = 0
        e: float = 1.5

    @dataclass(frozen=True, slots=True)
    class Reference:
        a: int
        b: list[Any] = field(default_factory=list)
        c: str = "c"
        d: int = 0
        e: float = 1.5

    assert Many.__init__.__globals__.get("_twin") is not None
    for args in [(1,), (1, [2]), (1, [2], "x", 3, 4.5)]:
        many, ref = Many(*args), Reference(*args)
        assert type(many) is Many and repr(many).split("(", 1)[1] == repr(ref).split("(", 1)[1]
    assert Many(1).b is not Many(1).b
    with pytest.raises(dataclasses.FrozenInstanceError):
        Many(1).a = 2  # type: ignore[misc]
