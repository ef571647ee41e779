"""Dataclasses defined at a fraction of the cost, built quickly when frozen (ground floor).

``@dataclass`` writes the source of each method it makes (``__init__``, ``__repr__``,
``__eq__``, ``__hash__``, and a frozen class's ``__setattr__`` and ``__delattr__``) and
compiles each one: about 0.1 ms a method, 0.5 to 0.7 ms a class, paid by every process that
imports it. A cold ``reviewtool log`` defines some two dozen records before it reads a
version: about 14 ms, a twentieth of the README's log. :func:`record` is ``@dataclass`` with
the same fields, parameters and behaviour, whose comparison, hash, repr and frozen guards are
shared functions reading the fields the class names (no source to compile), and whose only
compiled method is ``__init__`` (the one that runs by the thousand): about a third of the cost.

A frozen record's ``__init__`` sets each field as dataclasses' does but without looking the
setter up again for every field: through the slot's own descriptor (``slots=True``) or
``object.__setattr__`` taken once. A frozen dataclass's sets each field through
``object.__setattr__(self, "name", value)`` (the class's own ``__setattr__`` refuses): a
record of ten fields built twice as fast (the parser builds blocks, chunks and segments by
the thousand per version). A slotted one of five fields or more is faster still as its twin:
a class of the same slots with no ``__setattr__``, which the instance is made for its
fields' stores (plain attribute stores, the interpreter's quickest) and then made a record
again (a ten-field block 0.71 -> 0.39 us).

What is the same as ``@dataclass(frozen=..., slots=...)``: the fields (``dataclasses.fields``,
``replace``), ``__dataclass_params__``, ``__match_args__``, ``__init__``'s parameters (defaults,
default factories, ``__post_init__`` for a class that is not frozen), equality (the fields
that compare, as a tuple, only with the same class), the hash (those of them that hash; none
for a class neither frozen nor defining one), the repr (with dataclasses' guard against
recursion), the frozen class's refusals (the same errors, even dataclasses' own quirk with
slots), pickling and copying. What is not supported (a ``TypeError`` at definition): ordering,
``unsafe_hash``, keyword-only fields, and a frozen record with ``__post_init__``, init-only
variables or fields left out of ``__init__``. ``tests/test_records.py`` compares every record
of the product with the dataclass the same class makes, on records of the corpus's parse.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")

#: The methods :func:`record` makes (a class that defines one of them keeps its own, as with
#: ``@dataclass``; a frozen one may not define ``__setattr__`` or ``__delattr__``).
MADE = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")


class _Factory:
    """The default of a parameter whose field has a default factory (shown as dataclasses shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(*, frozen: bool = False, slots: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[_T] | None = None, /, *, frozen: bool = False,
           slots: bool = False) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """``@dataclass``, ``@dataclass(frozen=True)``, ``@dataclass(slots=True)``...: the same class
    (see the module docstring), defined at a third of the cost."""

    def wrap(cls: type[_T]) -> type[_T]:
        return _record(cls, frozen, slots)

    return wrap if cls is None else wrap(cls)


def _record(cls: type[_T], frozen: bool, slots: bool) -> type[_T]:
    body = cls.__dict__
    class_hash = body.get("__hash__", dataclasses.MISSING)
    explicit_hash = not (class_hash is dataclasses.MISSING or (class_hash is None and "__eq__" in body))
    documented = bool(body.get("__doc__"))
    if frozen and ("__setattr__" in body or "__delattr__" in body):
        raise TypeError(f"record: frozen {cls.__name__} defines __setattr__ or __delattr__")
    # dataclasses finds the fields, makes __match_args__, the slots and (not frozen) __init__.
    made: Any = dataclasses.dataclass(cls, init=not frozen, repr=False, eq=False, slots=slots)
    fields = dataclasses.fields(made)
    if frozen:
        if hasattr(made, "__post_init__") or any(not f.init or f.kw_only for f in fields) \
                or len(fields) != len(made.__dataclass_fields__):
            raise TypeError(f"record: frozen {cls.__name__} has __post_init__, init-only variables, "
                            "or fields out of __init__ or keyword-only")
        if "__init__" not in body:
            _set(made, "__init__", _frozen_init(made, fields, slots))
            if not documented:  # dataclasses read its signature before it had this __init__
                made.__doc__ = _signature_doc(made)
    elif any(f.kw_only for f in fields):
        raise TypeError(f"record: {cls.__name__} has keyword-only fields")
    _set(made, "__repr__", _repr([f.name for f in fields if f.repr]))
    _set(made, "__eq__", _eq([f.name for f in fields if f.compare]))
    if not explicit_hash:
        # As dataclasses: a frozen record hashes its fields that compare (or say hash=True); one
        # that can change has no hash.
        made.__hash__ = _hash([f.name for f in fields if (f.compare if f.hash is None else f.hash)]) \
            if frozen else None
        if made.__hash__ is not None:
            made.__hash__.__qualname__ = f"{made.__qualname__}.__hash__"
    if frozen:
        names = tuple(f.name for f in fields)
        # dataclasses' guards name the class as it was before slots made a new one (``cls``).
        setattr_, delattr_ = _frozen_guards(cls, names)
        _set(made, "__setattr__", setattr_)
        _set(made, "__delattr__", delattr_)
        if slots and "__getstate__" not in body:
            made.__getstate__ = _getstate
            made.__setstate__ = _setstate
    # The parameters of @dataclass(frozen=..., slots=...): those dataclasses was asked for above
    # but the methods this module makes, read by name (each Python version adds its own).
    params = made.__dataclass_params__
    given = {name: getattr(params, name) for name in type(params).__slots__}
    given.update(init=True, repr=True, eq=True, order=False, unsafe_hash=False, frozen=frozen)
    made.__dataclass_params__ = type(params)(**given)
    return made  # type: ignore[no-any-return]


def _signature_doc(cls: Any) -> str:
    """The docstring dataclasses gives a class without one: its name and ``__init__``'s signature."""
    import inspect

    name: str = cls.__name__
    return name + str(inspect.signature(cls)).replace(" -> None", "")


def _set(cls: Any, name: str, value: Any) -> None:
    """Give *cls* the method *value* unless its body defines one (as dataclasses does)."""
    if name not in cls.__dict__:
        value.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, value)


def _frozen_init(cls: Any, fields: tuple[dataclasses.Field[Any], ...], slots: bool) -> Any:
    """The ``__init__`` of a frozen record: each field set through its slot's descriptor
    (*slots*) or ``object.__setattr__``, taken once; the dataclass's parameters and defaults.
    A slotted record of :data:`TWIN_FIELDS` fields or more is built as its twin
    (:func:`_twin`) when it is of its own class (not a subclass's): its fields set as plain
    attributes (the interpreter's own store into a slot), then its class given back."""
    namespace: dict[str, Any] = {"_FACTORY": _FACTORY, "_set": object.__setattr__}
    arguments: list[str] = []
    body: list[str] = []
    plain: list[str] = []  # the same, each set as an attribute of the twin
    for number, f in enumerate(fields):
        if slots:
            setter = f"_set{number}"
            namespace[setter] = cls.__dict__[f.name].__set__
            assign = f"{setter}(self, {{}})"
        else:
            assign = f"_set(self, {f.name!r}, {{}})"
        if f.default is not dataclasses.MISSING:
            namespace[f"_default{number}"] = f.default
            arguments.append(f"{f.name}=_default{number}")
            value = f.name
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory{number}"] = f.default_factory
            arguments.append(f"{f.name}=_FACTORY")
            built = _LITERALS.get(f.default_factory, f"_factory{number}()")
            value = f"{built} if {f.name} is _FACTORY else {f.name}"
        else:
            arguments.append(f.name)
            value = f.name
        body.append("    " + assign.format(value))
        plain.append(f"        self.{f.name} = {value}")
    twin = _twin(cls) if slots and len(fields) >= TWIN_FIELDS else None
    if twin is not None:
        namespace["_cls"], namespace["_twin"] = cls, twin
        body = ["    if self.__class__ is _cls:", "        _set(self, '__class__', _twin)", *plain,
                "        self.__class__ = _cls", "    else:", *("    " + line for line in body)]
    source = f"def __init__(self, {', '.join(arguments)}):\n" + "\n".join(body or ["    pass"]) + "\n"
    exec(source, namespace)  # built from the dataclass's own field names, as dataclasses does
    init = namespace["__init__"]
    init.__annotations__ = {**{f.name: f.type for f in fields}, "return": None}
    return init


#: Default factories whose value a literal builds (a display, not a call of the type).
_LITERALS: dict[Callable[[], Any], str] = {dict: "{}", list: "[]"}

#: The fields from which a frozen slotted record is built as its twin (:func:`_frozen_init`):
#: giving its class away and back costs about as much as storing three fields through
#: their descriptors, and each field stored as a plain attribute about a third of one.
TWIN_FIELDS = 5


def _twin(cls: Any) -> type | None:
    """A class of the same layout as the slotted record *cls* (its slots, in order, on the
    same base) with no ``__setattr__`` of its own, so that an instance of *cls* may be made
    one of it for a moment (``__class__`` assigned) and back; None when *cls* is not made
    only of its own slots on ``object``, or the interpreter refuses the assignment."""
    names = cls.__dict__.get("__slots__")
    if cls.__bases__ != (object,) or not isinstance(names, tuple) or "__weakref__" in names:
        return None
    twin = type(cls.__name__, (object,), {"__slots__": names, "__module__": cls.__module__,
                                          "__qualname__": cls.__qualname__})
    probe = object.__new__(cls)
    try:
        object.__setattr__(probe, "__class__", twin)
        probe.__class__ = cls
    except TypeError:
        return None
    return twin


def _values(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of the fields *names* of a record (dataclasses' ``(self.a, self.b,)``)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda record: (one(record),)
    return lambda record: ()


def _eq(names: list[str]) -> Callable[[Any, Any], Any]:
    values = _values(names)

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__


def _hash(names: list[str]) -> Callable[[Any], int]:
    values = _values(names)

    def __hash__(self: Any) -> int:
        return hash(values(self))

    return __hash__


def _repr(names: list[str]) -> Callable[[Any], str]:
    running: set[tuple[int, int]] = set()  # dataclasses' guard: a record shown inside itself is "..."
    get_ident = threading.get_ident

    def __repr__(self: Any) -> str:
        key = id(self), get_ident()
        if key in running:
            return "..."
        running.add(key)
        try:
            qualname: str = self.__class__.__qualname__
            return qualname + "(" + ", ".join(
                [f"{name}={getattr(self, name)!r}" for name in names]) + ")"
        finally:
            running.discard(key)

    return __repr__


def _frozen_guards(cls: Any, names: tuple[str, ...]) -> tuple[Callable[..., None], Callable[..., None]]:
    """dataclasses' ``__setattr__`` and ``__delattr__`` of a frozen class."""
    error = dataclasses.FrozenInstanceError

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise error(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise error(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __setattr__, __delattr__


def _getstate(self: Any) -> list[Any]:
    """dataclasses' state of a frozen slotted record (for pickling and copying)."""
    return [getattr(self, f.name) for f in dataclasses.fields(self)]


def _setstate(self: Any, state: list[Any]) -> None:
    for f, value in zip(dataclasses.fields(self), state):
        object.__setattr__(self, f.name, value)  # (its own __setattr__ refuses)
