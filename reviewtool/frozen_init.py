"""A quicker ``__init__`` for frozen slotted dataclasses (ground floor).

``@dataclass(frozen=True, slots=True)`` makes records that cannot be changed, and its
``__init__`` sets each field through ``object.__setattr__(self, "name", value)`` (the
class's own ``__setattr__`` refuses): a call that looks the name up again for every field
of every record. The parser builds such records by the thousand per version (a block, a
chunk, a segment and the chunk's facts for every paragraph), and for a record of ten
fields that is about a microsecond. :func:`frozen_init` gives the class an ``__init__``
that sets each slot through its own descriptor (the very slot ``object.__setattr__``
finds), taken once: the same parameters, defaults and default factories, the same record,
in half the time. The class stays frozen: setting a field afterwards still raises.
``tests/test_frozen_init.py`` builds every record the product decorates both ways.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

_T = TypeVar("_T")


def frozen_init(cls: type[_T]) -> type[_T]:
    """Replace the ``__init__`` of *cls*, a ``@dataclass(frozen=True, slots=True)`` without
    ``__post_init__`` or init-only variables (decorate outside the dataclass decorator), by
    one that sets its slots directly; the dataclass's own stays as ``_dataclass_init``."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__ \
            or hasattr(cls, "__post_init__"):
        raise TypeError(f"frozen_init: {cls.__name__} is not a frozen slotted dataclass without __post_init__")
    namespace: dict[str, Any] = {"_MISSING": dataclasses.MISSING}
    arguments: list[str] = []
    body: list[str] = []
    for number, f in enumerate(dataclasses.fields(cls)):  # type: ignore[arg-type]
        setter = f"_set{number}"
        namespace[setter] = cls.__dict__[f.name].__set__
        if not f.init:
            raise TypeError(f"frozen_init: {cls.__name__}.{f.name} is not set by __init__")
        if f.default is not dataclasses.MISSING:
            namespace[f"_default{number}"] = f.default
            arguments.append(f"{f.name}=_default{number}")
            body.append(f"    {setter}(self, {f.name})")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory{number}"] = f.default_factory
            arguments.append(f"{f.name}=_MISSING")
            body.append(f"    {setter}(self, _factory{number}() if {f.name} is _MISSING else {f.name})")
        else:
            arguments.append(f.name)
            body.append(f"    {setter}(self, {f.name})")
    source = f"def __init__(self, {', '.join(arguments)}):\n" + "\n".join(body or ["    pass"]) + "\n"
    exec(source, namespace)  # built from the dataclass's own field names, as dataclasses does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls._dataclass_init = cls.__init__  # type: ignore[attr-defined]
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
