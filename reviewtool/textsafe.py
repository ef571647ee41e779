"""Make untrusted text safe for a terminal: strip control characters and escape sequences.

Essay text, commit messages, author names and comment bodies can hold ANSI
escapes or other control characters; printed raw they can rewrite the screen or
the window title. CLI output passes every untrusted string through
:func:`clean`. (Markup safety is separate: render through Rich ``Text`` /
Textual ``Content`` or with ``markup=False``, never through markup strings.)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

# CSI / OSC / other ESC sequences first, then any remaining C0/C1 control
# character except newline and tab.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC ... ST
    r"|\x1b[@-Z\\-_]?"  # two-byte sequences and a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: Lone surrogates (from a JSON escape such as \ud83d cut from its pair) cannot be encoded.
_SURROGATES = re.compile("[\ud800-\udfff]")
#: Characters json.dumps(ensure_ascii=False) leaves raw that a terminal would act on, or
#: that cannot be encoded at all (lone surrogates).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean(text: str, keep_newlines: bool = True) -> str:
    """Remove escape sequences and control characters (newline and tab are kept).

    Carriage returns are dropped (CRLF becomes LF), bidirectional overrides
    are removed so text cannot visually reorder itself, and a lone surrogate
    (which no encoding can write) becomes U+FFFD.
    """
    if not text:
        return text
    text = text.replace("\r\n", "\n")
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    text = without_lone_surrogates(text)
    if not keep_newlines:
        text = " ".join(text.split("\n"))
    return text


def without_lone_surrogates(text: str) -> str:
    """*text* with every lone surrogate (which no encoding can write) replaced by U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def one_line(text: str) -> str:
    """:func:`clean` and fold onto one line (for table cells and subjects)."""
    return " ".join(clean(text).split())


def shorten(text: str, width: int) -> str:
    """:func:`one_line`, cut to at most *width* characters with an ellipsis."""
    line = one_line(text)
    return line if len(line) <= width else line[: width - 1] + "…"


def json_text(data: Any, default: Callable[[Any], Any] | None = None) -> str:
    """*data* as indented JSON that is safe to print (no trailing newline).

    Encoded by orjson (a dependency; several times faster than the stdlib), which writes
    the same text as ``json.dumps(data, indent=2, ensure_ascii=False)`` for the data
    reviewtool prints; what orjson refuses (lone surrogates, integers beyond 64 bits) is
    encoded by the stdlib. Non-ASCII text stays readable; C0 controls are escaped by
    both encoders, and the C1 controls and bidirectional overrides they leave raw are
    written as ``\\uXXXX`` escapes (they only occur inside strings, so the JSON stays
    valid). *default* converts what neither encoder knows (datetimes and dataclasses go
    through it too, as with the stdlib).
    """
    import orjson  # here, not at the top: most commands print no JSON

    options = (orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
               | orjson.OPT_PASSTHROUGH_DATACLASS)
    try:
        text = orjson.dumps(data, default=default, option=options).decode("utf-8")
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        import json

        text = json.dumps(data, indent=2, ensure_ascii=False, default=default)
    if _JSON_UNSAFE.search(text) is None:
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: Invisible format characters a suggestion may keep: zero-width joiner and non-joiner
#: (emoji sequences and several scripts need them).
_ALLOWED_FORMAT = frozenset("\u200c\u200d")


def unsafe_characters(text: str) -> str:
    """The characters of *text* a suggestion may not carry into a draft, as ``U+XXXX`` (empty: none).

    None of them shows where a reviewer looks: control characters other than tab and newline
    (escape sequences hide or restyle text in a terminal), format characters (bidirectional
    overrides and marks, zero-width space, word joiner, tag characters, BOM; Unicode category
    Cf, but for the zero-width joiners), line and paragraph separators, lone surrogates, and
    U+FFFD (a character that was damaged on the way).
    """
    found: dict[str, None] = {}
    for ch in text or "":
        if (ch < " " and ch not in "\t\n") or ch == "\ufffd" or (
                ch >= "\x7f" and ch not in _ALLOWED_FORMAT
                and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")):
            found[ch] = None
    return ", ".join(f"U+{ord(ch):04X}" for ch in found)
