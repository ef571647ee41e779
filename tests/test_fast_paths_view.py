"""The faster paths of the view of a diff give exactly what the plain ones gave (issue 13).

Beside tests/test_fast_paths.py (the diff's own shortcuts): each test here runs a shortcut
of what is shown of a diff beside the plain code it replaced, kept here or in the module as
the reference, and compares the results: the JSON escape check that scans only the
non-ASCII bytes.
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from reviewtool import textsafe

#: Characters near the ones JSON output escapes (same lead bytes, neighbouring code points),
#: the escaped ones, ASCII with DEL, and emoji: what could fool a scan of the non-ASCII bytes.
_NEAR = [chr(cp) for base in (0x80, 0xAD, 0x61C, 0x115F, 0x180E, 0x200B, 0x2028, 0x2060, 0x2066, 0x3164, 0xFEFF,
                              0xFFA0, 0xFFF9, 0x13430, 0x1BCA0, 0x1D173, 0xE0001, 0xE0020, 0xE007F)
         for cp in range(base - 2, base + 3)]
_TEXT = st.text(st.one_of(st.sampled_from(_NEAR), st.characters(max_codepoint=0x7F),
                          st.sampled_from("“”—é😀👍🏽\U0001f3f4\u00a0\u00ff\u0100"),
                          st.characters(exclude_categories=("Cs",))), max_size=60)


def _plain_check(raw: bytes) -> bool:
    """The check as it was: the pattern over every byte."""
    return textsafe._json_escapes_utf8().search(raw) is not None


@given(_TEXT)
def test_the_non_ascii_scan_finds_what_the_whole_scan_finds(text: str):
    for raw in (text.encode("utf-8"), json.dumps({"t": text}, ensure_ascii=False).encode("utf-8")):
        assert textsafe._json_escapes_in(raw) == _plain_check(raw)


def test_the_non_ascii_scan_on_every_character_next_to_ascii_and_to_each_other():
    for cp in [*range(0x7F, 0x3200), *range(0xFE00, 0x10000), *range(0x13400, 0x13500), *range(0x1BC80, 0x1BD00),
               *range(0x1D100, 0x1D200), *range(0xE0000, 0xE0100)]:
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        for raw in ((ch + "a").encode(), ("“" + ch + "é").encode(), ("x" + ch + ch).encode()):
            assert textsafe._json_escapes_in(raw) == _plain_check(raw), hex(cp)
