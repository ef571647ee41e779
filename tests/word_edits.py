"""The edit the word-diff property tests apply to a list of words: each ``(at, text)`` replaces
the word at *at* (clamped to the end) with *text*, or removes it when *text* is empty."""

from __future__ import annotations


def edited(words: list[str], edits: list[tuple[int, str]]) -> list[str]:
    """*words* with *edits* applied in order (see the module docstring)."""
    out = list(words)
    for at, text in edits:
        at = min(at, len(out))
        out[at:at + 1] = [text] if text else []
    return out
