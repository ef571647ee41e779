"""Which items kept their order: a maximum-weight strictly increasing subsequence.

The aligner calls a section ``moved`` when it is not in the heaviest subsequence of its
siblings that kept their order (fewest sections moved, then fewest words moved), so one
moved section does not mark its neighbours as moved.

The core of reviewtool: no Textual, no Rich.
"""

from __future__ import annotations


def weighted_lis(seq: list[int], weights: list[int]) -> set[int]:
    """Positions of a maximum-weight strictly increasing subsequence of *seq*.

    O(n log n) with a Fenwick tree of prefix maxima over the ranks of the
    values. Ties keep the earliest predecessor, so the result is deterministic.
    """
    if seq and all(map(int.__lt__, seq, seq[1:])) and min(weights) > 0:
        return set(range(len(seq)))  # already in order (the usual case): the whole is heaviest
    return fenwick_lis(seq, weights)


def fenwick_lis(seq: list[int], weights: list[int]) -> set[int]:
    """:func:`weighted_lis` without its shortcut for a sequence already in order."""
    if not seq:
        return set()
    ranks = {v: r + 1 for r, v in enumerate(sorted(set(seq)))}
    size = len(ranks)
    tree: list[tuple[int, int]] = [(0, -1)] * (size + 1)  # (best weight, position)
    best_at = [0] * len(seq)
    prev = [-1] * len(seq)
    for pos, value in enumerate(seq):
        r = ranks[value] - 1
        best = (0, -1)
        while r > 0:
            if tree[r][0] > best[0]:
                best = tree[r]
            r -= r & -r
        best_at[pos] = best[0] + weights[pos]
        prev[pos] = best[1]
        r = ranks[value]
        while r <= size:
            if best_at[pos] > tree[r][0]:
                tree[r] = (best_at[pos], pos)
            r += r & -r
    end = max(range(len(seq)), key=lambda p: (best_at[p], -p))
    keep: set[int] = set()
    while end != -1:
        keep.add(end)
        end = prev[end]
    return keep
