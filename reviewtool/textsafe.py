"""Make untrusted text safe for a terminal: strip control characters and escape sequences.

Essay text, commit messages, author names and comment bodies can hold ANSI
escapes or other control characters; printed raw they can rewrite the screen or
the window title. CLI output passes every untrusted string through
:func:`clean`. (Markup safety is separate: render through Rich ``Text`` /
Textual ``Content`` or with ``markup=False``, never through markup strings.)
"""

from __future__ import annotations

import re

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


def clean(text: str, keep_newlines: bool = True) -> str:
    """Remove escape sequences and control characters (newline and tab are kept).

    Carriage returns are dropped (CRLF becomes LF), and bidirectional overrides
    are removed so text cannot visually reorder itself.
    """
    if not text:
        return text
    text = text.replace("\r\n", "\n")
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    if not keep_newlines:
        text = " ".join(text.split("\n"))
    return text


def one_line(text: str) -> str:
    """:func:`clean` and fold onto one line (for table cells and subjects)."""
    return " ".join(clean(text).split())
