"""Make untrusted text safe to show: strip control characters, show invisible ones.

Essay text, commit messages, author names and comment bodies can hold ANSI
escapes or other control characters; printed raw they can rewrite the screen or
the window title. They can also hold characters that print as nothing or reorder
what is around them (zero-width spaces and joiners, bidirectional marks and
overrides, tag characters, a soft hyphen, a byte order mark): a reviewer would read
one text and the notes would hold another. Everything the CLI, the TUI and the
exports show passes through :func:`clean`, which removes the controls and shows
each invisible character as ``<U+200B>`` (:func:`reveal`), the way GitHub reveals
hidden characters; JSON output escapes the same characters (``\\u200b``,
:func:`json_text`) so the data stays exact. The stored text is never changed.

The rule lives here and only here (:func:`hidden_at`): every character of Unicode
category Cf except the prepended concatenation marks (which print a glyph), the line
and paragraph separators, and the Hangul fillers; but a zero-width joiner inside an
emoji sequence, a zero-width (non-)joiner between letters of scripts that need them
(Arabic, Persian, Indic: letters of category Lo and combining marks), and the tag
characters of an emoji tag sequence (the flags of England, Scotland, Wales) are part
of what they join and stay as they are. :func:`unsafe_characters` (what a suggestion
may not carry into a draft) uses the same rule.

(Markup safety is separate: render through Rich ``Text`` / Textual ``Content`` or
with ``markup=False``, never through markup strings.)
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    """*pattern* compiled, on first use: of the patterns below, those that only text with
    escapes, controls, surrogates or a flag needs are left uncompiled by a command that
    meets none (``log --json``: a millisecond of its start)."""
    return re.compile(pattern)


# CSI / OSC / other ESC sequences first, then any remaining C0/C1 control
# character except newline and tab (patterns: see :func:`_regex`).
_ESCAPES = (
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC ... ST
    r"|\x1b[@-Z\\-_]?"  # two-byte sequences and a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
#: Lone surrogates (from a JSON escape such as \ud83d cut from its pair) cannot be encoded.
_SURROGATES = "[\ud800-\udfff]"

#: Characters that print as nothing or act on the text around them (see the module
#: docstring): Unicode category Cf without the prepended concatenation marks (U+0600-0605,
#: U+06DD, U+070F, U+0890-0891, U+08E2, U+110BD, U+110CD print a glyph), the line and
#: paragraph separators, and the Hangul fillers (letters that print blank). In the BMP:
_HIDDEN_BMP = (
    "\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\u3164\ufeff\uffa0\ufff9-\ufffb"
)
#: ... and beyond it (format controls of hieroglyphs, shorthand and music; tag characters).
_HIDDEN_ASTRAL = ((0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
                  (0xE0020, 0xE007F))
#: What may be hidden: the BMP ones, and any character beyond the BMP (checked one by one:
#: a regex class of scattered astral ranges is three times slower to scan an essay with).
_CANDIDATE = re.compile("[" + _HIDDEN_BMP + "\U00010000-\U0010ffff]")
#: An emoji tag sequence (a black flag, tag characters, CANCEL TAG) stays whole.
_TAG_SEQUENCE = "\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"
_JOINERS = "\u200c\u200d"
#: Variation selectors and the keycap mark may sit between an emoji and a joiner.
_EMOJI_MODIFIERS = "\ufe0e\ufe0f\u20e3"
#: Letters and marks of the scripts whose words take joiners (Latin, Greek and Cyrillic
#: letters are Lu/Ll: a joiner inside an English word stays visible).
_JOINING_CATEGORIES = frozenset(("Lo", "Mn", "Mc"))
#: JSON escapes for the characters a terminal would act on or a reader would not see,
#: beside the hidden ones: C1 controls and lone surrogates.
_JSON_ALSO = re.compile("[\x7f-\x9f\ud800-\udfff]")


def _pictographic(ch: str) -> bool:
    """Whether *ch* is an emoji (Extended_Pictographic, approximated by its blocks)."""
    cp = ord(ch)
    return (0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2190 <= cp <= 0x21FF
            or 0x2300 <= cp <= 0x23FF or 0x2B00 <= cp <= 0x2BFF or 0x25A0 <= cp <= 0x25FF
            or cp in (0xA9, 0xAE, 0x203C, 0x2049, 0x2122, 0x2139, 0x24C2, 0x2934, 0x2935, 0x3030,
                      0x303D, 0x3297, 0x3299))


def _joins(text: str, i: int) -> bool:
    """Whether the joiner at *text[i]* is part of what it joins: an emoji sequence (ZWJ
    between two emoji), or a word of a script that uses joiners."""
    if i == 0 or i + 1 >= len(text):
        return False
    j = i - 1
    while j > 0 and text[j] in _EMOJI_MODIFIERS:
        j -= 1
    before, after = text[j], text[i + 1]
    if text[i] == "\u200d" and _pictographic(before) and _pictographic(after):
        return True
    return (unicodedata.category(text[i - 1]) in _JOINING_CATEGORIES
            and unicodedata.category(after) in _JOINING_CATEGORIES)


def hidden_at(text: str) -> list[int]:
    """Offsets of the characters of *text* a reader would not see (the module's one rule)."""
    found: list[int] = []
    skip_to = -1
    for m in _CANDIDATE.finditer(text):
        i = m.start()
        if i < skip_to:
            continue
        ch = m.group()
        if ch >= "\U00010000":
            if ch == "\U0001f3f4":
                tags = _regex(_TAG_SEQUENCE).match(text, i)
                if tags is not None:
                    skip_to = tags.end()
                continue
            cp = ord(ch)
            if not any(lo <= cp <= hi for lo, hi in _HIDDEN_ASTRAL):
                continue
        elif ch in _JOINERS and _joins(text, i):
            continue
        found.append(i)
    return found


def _replace_at(text: str, offsets: list[int], form: Callable[[str], str]) -> str:
    """*text* with the character at each of *offsets* (ascending) replaced by ``form(ch)``."""
    out: list[str] = []
    last = 0
    for i in offsets:
        out.append(text[last:i])
        out.append(form(text[i]))
        last = i + 1
    out.append(text[last:])
    return "".join(out)


def visible_form(ch: str) -> str:
    """How a hidden character is shown: ``<U+200B>``."""
    return f"<U+{ord(ch):04X}>"


#: A shown hidden character, for front ends that style them (Rich, Textual, HTML).
REVEALED = re.compile(r"<U\+[0-9A-F]{4,6}>")


def reveal(text: str) -> str:
    """*text* with each hidden character shown as ``<U+XXXX>`` (everything else unchanged)."""
    if not text or _CANDIDATE.search(text) is None:
        return text
    offsets = hidden_at(text)
    return _replace_at(text, offsets, visible_form) if offsets else text


def clean(text: str, keep_newlines: bool = True) -> str:
    """Remove escape sequences and control characters (newline and tab are kept), and
    show invisible and bidirectional characters as ``<U+XXXX>`` (:func:`reveal`).

    Carriage returns are dropped (CRLF becomes LF), and a lone surrogate (which no
    encoding can write) becomes U+FFFD.
    """
    if not text:
        return text
    text = text.replace("\r\n", "\n")
    text = _regex(_ESCAPES).sub("", text)
    text = _regex(_CONTROLS).sub("", text)
    text = without_lone_surrogates(text)
    text = reveal(text)
    if not keep_newlines:
        text = " ".join(text.split("\n"))
    return text


def without_lone_surrogates(text: str) -> str:
    """*text* with every lone surrogate (which no encoding can write) replaced by U+FFFD."""
    return _regex(_SURROGATES).sub("\ufffd", text)


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
    both encoders, and the C1 controls, lone surrogates and hidden characters
    (:func:`hidden_at`) they leave raw are written as ``\\uXXXX`` escapes (a surrogate
    pair beyond the BMP). They only occur inside strings, so the JSON stays valid and
    decodes to the exact text. *default* converts what neither encoder knows (datetimes
    and dataclasses go through it too, as with the stdlib).
    """
    raw = _orjson_bytes(data, default)
    if raw is None:
        import json

        return _json_escaped(json.dumps(data, indent=2, ensure_ascii=False, default=default))
    return _json_escaped(raw.decode("utf-8"))


def json_bytes(data: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """:func:`json_text` encoded in UTF-8, with the same bytes; when orjson's bytes hold
    nothing :func:`json_text` would escape (:func:`_json_escapes_utf8`: the usual case) they
    are returned as they are, never decoded and scanned as text (on a 6.4 MB diff whose text
    holds an emoji, Python keeps it at four bytes a character: decoding, scanning and encoding
    it again took 80 ms)."""
    raw = _orjson_bytes(data, default)
    if raw is not None and not _json_escapes_in(raw):
        return raw
    return json_text(data, default).encode("utf-8")


#: Every ASCII byte: what :func:`_json_escapes_in` deletes before it scans.
_ASCII_BYTES = bytes(range(0x80))


def _json_escapes_in(raw: bytes) -> bool:
    """Whether valid UTF-8 *raw* holds a character :func:`json_text` escapes
    (:func:`_json_escapes_utf8`), scanning only its non-ASCII bytes.

    DEL is the one such character in ASCII. Every other is a whole multi-byte sequence, and
    every branch of the pattern starts with a lead byte: in UTF-8 a lead byte never occurs
    inside a sequence and fixes the sequence's length, so deleting the ASCII bytes (which no
    sequence holds) leaves each sequence whole, and a branch that matches at a lead byte
    matches that character alone, as it would in *raw*. A 6.4 MB diff of a book has 13 KB of
    non-ASCII bytes: 4 ms instead of 24 for the regex over all of it."""
    if b"\x7f" in raw:
        return True
    if raw.isascii():
        return False
    step = _SCAN_STEP  # the non-ASCII bytes of the slices that have any, in order: the same bytes
    rest = b"".join([part.translate(None, _ASCII_BYTES)
                     for part in (raw[at:at + step] for at in range(0, len(raw), step)) if not part.isascii()])
    return _json_escapes_utf8().search(rest) is not None


#: The slices :func:`_json_escapes_in` looks at (an all-ASCII one is passed over at memory
#: speed: most of a book's 6.4 MB of JSON; the scan went from 2.2 to 1.3 ms).
_SCAN_STEP = 16384


def _orjson_bytes(data: Any, default: Callable[[Any], Any] | None) -> bytes | None:
    """orjson's indented JSON of *data*, or None when orjson refuses it.

    First without ``OPT_NON_STR_KEYS``, which refuses any key that is not exactly a ``str``
    and writes what the option writes for such keys (a book's diff: 4.6 ms instead of 7.2);
    data with other keys (integers, ``str`` subclasses) is encoded again with it."""
    import orjson  # here, not at the top: most commands print no JSON

    options = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
    for option in (options, options | orjson.OPT_NON_STR_KEYS):
        try:
            return orjson.dumps(data, default=default, option=option)
        except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
            pass
    return None


def _json_escaped(text: str) -> str:
    """JSON *text* with the characters :func:`json_text` escapes written as escapes."""
    if _JSON_ALSO.search(text) is not None:
        text = _JSON_ALSO.sub(lambda m: _json_escape(m.group()), text)
    if _CANDIDATE.search(text) is None:
        return text
    offsets = hidden_at(text)
    return _replace_at(text, offsets, _json_escape) if offsets else text


def _utf8_alternatives(codepoints: Iterable[int]) -> str:
    """A bytes-regex alternation matching the UTF-8 form of each of *codepoints*: the
    forms sharing all bytes but the last are one branch with a class of last bytes."""
    groups: dict[bytes, list[int]] = {}
    for cp in codepoints:
        form = chr(cp).encode("utf-8")
        groups.setdefault(form[:-1], []).append(form[-1])
    return "|".join(re.escape(prefix.decode("latin-1")) + "[" + "".join(f"\\x{b:02x}" for b in sorted(lasts)) + "]"
                    for prefix, lasts in groups.items())


def _hidden_codepoints() -> Iterator[int]:
    """Every code point :func:`hidden_at` may report (the BMP list and the astral ranges)."""
    for m in re.finditer(r"(.)(?:-(.))?", _HIDDEN_BMP, re.S):
        yield from range(ord(m.group(1)), ord(m.group(2) or m.group(1)) + 1)
    for lo, hi in _HIDDEN_ASTRAL:
        yield from range(lo, hi + 1)


@functools.cache
def _json_escapes_utf8() -> re.Pattern[bytes]:
    """In UTF-8 JSON from orjson (valid UTF-8: no lone surrogates), what :func:`json_text` would
    escape: DEL, the C1 controls and every character :func:`hidden_at` may report. JSON
    without any of them is printed as it is. Built on first use (half a millisecond): most
    commands that import this module print no JSON."""
    return re.compile(
        ("\\x7f|\\xc2[\\x80-\\x9f]|" + _utf8_alternatives(_hidden_codepoints())).encode("latin-1"))


def _json_escape(ch: str) -> str:
    """One character as a JSON ``\\uXXXX`` escape (two, a surrogate pair, beyond the BMP)."""
    cp = ord(ch)
    if cp < 0x10000:
        return f"\\u{cp:04x}"
    cp -= 0x10000
    return f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}"


def unsafe_characters(text: str) -> str:
    """The characters of *text* a suggestion may not carry into a draft, as ``U+XXXX`` (empty: none).

    None of them shows where a reviewer looks: control characters other than tab and
    newline (escape sequences hide or restyle text in a terminal), the hidden characters
    of :func:`hidden_at` (bidirectional marks and overrides, zero-width spaces, joiners
    outside emoji and the scripts that need them, tag characters, BOM, soft hyphen), lone
    surrogates, and U+FFFD (a character that was damaged on the way).
    """
    if not text:
        return ""
    found: dict[str, None] = {}
    for ch in text:
        if (ch < " " and ch not in "\t\n") or "\x7f" <= ch <= "\x9f" or ch == "\ufffd" or "\ud800" <= ch <= "\udfff":
            found[ch] = None
    for i in hidden_at(text):
        found[text[i]] = None
    ordered = sorted(found, key=text.index)
    return ", ".join(f"U+{ord(ch):04X}" for ch in ordered)
