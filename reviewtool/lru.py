"""The one small least-recently-used cache every layer uses (ground floor).

``functools.lru_cache`` covers pure functions of hashable arguments; this covers the
rest: caches keyed by object id (a blob id, a document's identity) that several threads
share. Values are computed outside the lock, so a slow computation never blocks readers;
two threads computing the same key at once both compute, and the last one is kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Sequence
from itertools import repeat
from operator import is_not
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A thread-safe mapping of at most *size* entries, dropping the least recently used."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: K) -> V | None:
        """The value under *key* (now the most recently used), or ``None``."""
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def get_many(self, keys: Sequence[K]) -> list[V | None]:
        """The values under *keys* (``None`` where absent), as :meth:`get` of each in turn
        would return them and leave the order, at C speed when every key is present."""
        with self._lock:
            data = self._data
            values = list(map(data.get, keys))
            if all(map(is_not, values, repeat(None))):
                deque(map(data.move_to_end, keys), maxlen=0)
            else:
                for key, value in zip(keys, values):
                    if value is not None:
                        data.move_to_end(key)
            return values

    def put(self, key: K, value: V) -> V:
        """Store *value* under *key*, evicting the oldest entries past :attr:`size`; returns *value*."""
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value

    def put_many(self, keys: Sequence[K], values: Sequence[V]) -> None:
        """:meth:`put` of each of *keys* with its value of *values*, in order."""
        with self._lock:
            data = self._data
            size = len(data)
            data.update(zip(keys, values))
            if len(data) - size != len(keys):  # (else every key is new and once: in order already)
                deque(map(data.move_to_end, keys), maxlen=0)
            while len(data) > self.size:
                data.popitem(last=False)

    def get_or_compute(self, key: K, compute: Callable[[], V]) -> V:
        """The cached value under *key*, computing and storing it when absent."""
        value = self.get(key)
        return value if value is not None else self.put(key, compute())

    def keys(self) -> list[K]:
        """The keys, least recently used first (a copy)."""
        with self._lock:
            return list(self._data)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._data.clear()
