"""The one LRU (reviewtool/lru.py): get_many is get of each key in turn, at C speed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reviewtool.lru import LRU


@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 3))), st.lists(st.integers(0, 12), max_size=20))
def test_get_many_is_get_of_each_key_in_turn(puts: list[tuple[int, int]], keys: list[int]):
    one, many = LRU[int, int](6), LRU[int, int](6)
    for key, value in puts:
        one.put(key, value)
        many.put(key, value)
    assert many.get_many(keys) == [one.get(key) for key in keys]
    assert many.keys() == one.keys()  # the same order: the same entries go first
    one.put(99, 0)
    many.put(99, 0)
    assert many.keys() == one.keys()
