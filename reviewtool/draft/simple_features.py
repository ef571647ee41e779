"""The markup features of a paragraph or a bullet list (nested lists and lazy lines too) with
simple inline markup, read without markdown-it.

The diff's markup check reads the changed blocks of a section alone
(:func:`reviewtool.draft.chunks.read_features`); most are paragraphs and list items already
parsed with their version, but two changed blocks of a list in a stored version (a list
indented under its parent item, with lazy continuation lines, a deeper list and emphasis)
made a book diff of two stored versions import markdown-it (about 20 ms) to parse them.
:func:`simple_features` reads the features (:class:`reviewtool.draft.markup_features.Features`)
of such a text from its lines: which lines are list items (their bullets are the list
markers), the inline content of each paragraph, and in it the emphasis, code spans and
links, turned into the few inline tokens :func:`reviewtool.draft.markup_features.inline_features`
reads, so that the features are read by the same code as markdown-it's tokens. Any other
text gets None, and the caller parses it with markdown-it.

What is taken, conservatively (anything else, however harmless, goes to markdown-it):

* no tab, carriage return, NUL, ``|`` (a table), ``\\`` (an escape), ``<`` (HTML, an
  autolink), ``&`` (an entity), ``~`` (strikethrough), ``![`` (an image) nor ``]:`` (a
  definition) anywhere;
* lines in a row, then only empty lines (spaces); no empty line between them;
* the first line a paragraph's (at most three spaces, then content) or a list item's (at
  most three spaces, a bullet ``-``, ``*`` or ``+``, one space, then its content);
* every line after it an item line (a bullet and one space after its indentation) at most
  three columns past the content column of the deepest open item its indentation reaches
  (0 for none): an item, whatever its bullet, nested in that one; or a line that continues
  the paragraph before it: one indented at least as the deepest open item's content, or
  lazily (less) when at most three columns past that of the item it reaches (a lazy line
  further in, where an indented code block would start but for the open paragraph, is
  not taken: the walk does not model markdown-it's reading of it);
* a paragraph's lines and an item's content start with nothing that may start a block or
  end a paragraph (:data:`reviewtool.draft.list_chunks.BLOCK_START`; on a line that
  continues a paragraph, a ``[`` is taken);
* in the inline content: emphasis and strong emphasis of ``*`` and ``_``, each run with
  ASCII characters on both sides (whether it may open or close depends on them); code
  spans on one line; links ``[text](destination)`` whose text holds no bracket nor
  backtick and whose destination is one that markdown-it keeps as it is and accepts
  (:data:`reviewtool.draft.link_rules.PLAIN_DESTINATION`), right after the parenthesis and
  right before the closing one (no title, no space).

The inline content is read as markdown-it's inline parser reads it: from left to right, a
code span consumed where its backtick run starts (closed by the next run of as many
backticks, else the run is text), a link where its ``[`` is (its text read apart, with its
own emphasis), each character of a run of ``*`` or ``_`` a delimiter that may open or
close emphasis by CommonMark's flanking rules, matched and turned into emphasis as
markdown-it's ``balance_pairs`` and ``emphasis`` rules do (:func:`_balance`,
:func:`_emphasis`); a line break is a soft break (no text; the spaces around it are not
text either).

``tests/test_simple_features.py`` compares the features with markdown-it's parse of the
text on every piece of every version of the RFC corpus, on the changed blocks its diffs
read, and on generated text biased to the edge cases.
Core module: no Textual, no Rich.
"""

from __future__ import annotations

import re
from typing import Any

from reviewtool.draft.link_rules import PLAIN_DESTINATION
from reviewtool.draft.list_chunks import BLOCK_START, ends_paragraph
from reviewtool.draft.markup_features import NO_FEATURES, Features, inline_features

#: What a text taken holds none of (see the module docstring).
_REFUSED = ("\t", "\r", "\0", "|", "\\", "<", "&", "~", "![", "]:")
#: A link's destination that markdown-it keeps as it is and accepts
#: (:data:`reviewtool.draft.link_rules.PLAIN_DESTINATION`), then the parenthesis that closes
#: the link: group 1 the destination.
_LINK = re.compile(f"({PLAIN_DESTINATION.pattern})\\)")
#: What inline content is read at (the text between is text): a delimiter, a backtick, a bracket.
_SPECIAL = re.compile(r"[*_`\[]")
#: ASCII whitespace and punctuation, as CommonMark's flanking rules read them.
_SPACE = frozenset(" \t\n\x0b\x0c\r")
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


class _Token:
    """One inline token as :func:`reviewtool.draft.markup_features.inline_features` reads it."""

    __slots__ = ("attrs", "children", "content", "type")

    def __init__(self, kind: str, content: str = "", attrs: dict[str, Any] | None = None) -> None:
        self.type = kind
        self.content = content
        self.attrs: dict[str, Any] = attrs or {}
        self.children: list[_Token] | None = None


def simple_features(text: str) -> Features | None:
    """The markup features of *text* parsed alone (no definitions given), as markdown-it's
    tokens give them (:func:`reviewtool.draft.markup_features.features_of`), when it is a
    paragraph or bullet list of simple inline markup (see the module docstring); else None."""
    if any(refused in text for refused in _REFUSED):
        return None
    paragraphs = _paragraphs(text)
    if paragraphs is None:
        return None
    markers, contents = paragraphs
    links: list[tuple[str, str]] = []
    emphasis: list[tuple[str, str]] = []
    code: list[str] = []
    tags: list[str] = []
    for content in contents:
        tokens: list[_Token] = []
        if not _scan(content, 0, len(content), tokens, False):
            return None
        inline_features(tokens, links, emphasis, code, tags)
    if not (links or emphasis or code or markers):
        return NO_FEATURES
    return Features(tuple(links), {}, tuple(emphasis), tuple(code), (), tuple(markers), ())


def _paragraphs(text: str) -> tuple[list[str], list[str]] | None:
    """The bullets of *text*'s list items and the inline content of each of its paragraphs
    (their lines without the spaces around them, joined by newlines), when its lines are
    taken (see the module docstring); else None."""
    lines = text.split("\n")
    while lines and not lines[-1].strip(" "):
        lines.pop()  # the empty lines after the last one
    if not lines:
        return None
    columns: list[int] = []  # the content column of each open item, outermost first
    markers: list[str] = []
    paragraphs: list[list[str]] = []
    for number, line in enumerate(lines):
        rest = line.lstrip(" ")
        if not rest:
            return None  # an empty line between
        indent = len(line) - len(rest)
        reached = 0
        while reached < len(columns) and columns[reached] <= indent:
            reached += 1
        past = indent - (columns[reached - 1] if reached else 0)
        if past < 4 and rest[0] in "-*+" and rest[1:2] == " ":
            content = rest[2:].rstrip(" ")
            if not content or BLOCK_START.match(content):
                return None  # an empty item, or one that starts with a block
            del columns[reached:]
            columns.append(indent + 2)
            markers.append(rest[0])
            paragraphs.append([content])
            continue
        if number == 0:
            if past >= 4 or BLOCK_START.match(rest):
                return None
            paragraphs.append([rest.rstrip(" ")])
            continue
        if (past >= 4 and reached < len(columns)) or ends_paragraph(rest):
            return None
        paragraphs[-1].append(rest.rstrip(" "))
    return markers, ["\n".join(lines) for lines in paragraphs]


def _scan(src: str, pos: int, end: int, out: list[_Token], label: bool) -> bool:
    """Read the inline content *src* from *pos* to *end* (a link's text when *label*) into
    the tokens *out*; False when it holds what is not taken (see the module docstring)."""
    delimiters: list[_Delimiter] = []
    text_at = pos
    special = _SPECIAL.search
    while True:
        found = special(src, pos, end)
        if found is None:
            break
        pos = found.start()
        char = src[pos]
        if char == "*" or char == "_":
            run_end = pos + 1
            while run_end < end and src[run_end] == char:
                run_end += 1
            last = src[pos - 1] if pos > 0 else " "
            after = src[run_end] if run_end < end else " "
            if not (last.isascii() and after.isascii()):
                return False
            _text(src, text_at, pos, out)
            can_open, can_close = _flanks(last, after, char)
            length = run_end - pos
            for _ in range(length):  # one token a character, as markdown-it's emphasis rule
                delimiters.append(_Delimiter(char, length, len(out), can_open, can_close))
                out.append(_Token("text", char))
            pos = text_at = run_end
        elif char == "`":
            if label:
                return False
            run_end = pos + 1
            while run_end < end and src[run_end] == "`":
                run_end += 1
            closing = _closing_run(src, run_end, end, run_end - pos)
            if closing is None:
                pos = run_end  # no run of as many backticks after it: text
                continue
            content = src[run_end : closing[0]]
            if "\n" in content:
                return False
            if content.startswith(" ") and content.endswith(" ") and content.strip():
                content = content[1:-1]
            _text(src, text_at, pos, out)
            out.append(_Token("code_inline", content))
            pos = text_at = closing[1]
        elif char == "[":
            if label:
                return False
            close = src.find("]", pos + 1, end)
            if close < 0:
                pos += 1
                continue
            inside = src[pos + 1 : close]
            if "[" in inside or "`" in inside:
                return False
            if src[close + 1 : close + 2] != "(":
                pos += 1  # no link without definitions: the bracket is text
                continue
            link = _LINK.match(src, close + 2, end)
            if link is None:
                return False
            _text(src, text_at, pos, out)
            out.append(_Token("link_open", attrs={"href": link.group(1)}))
            if not _scan(src, pos + 1, close, out, True):
                return False
            out.append(_Token("link_close"))
            pos = text_at = link.end()
    _text(src, text_at, end, out)
    _balance(delimiters)
    _emphasis(delimiters, out)
    return True


class _Delimiter:
    """One character of a run of ``*`` or ``_`` (markdown-it's ``Delimiter``): its character,
    the run's length, its text token, the delimiter that closes it (-1: none), and whether
    it may open and close emphasis."""

    __slots__ = ("can_close", "can_open", "end", "length", "marker", "token")

    def __init__(self, marker: str, length: int, token: int, can_open: bool, can_close: bool) -> None:
        self.marker = marker
        self.length = length
        self.token = token
        self.end = -1
        self.can_open = can_open
        self.can_close = can_close


def _balance(delimiters: list[_Delimiter]) -> None:
    """Match each delimiter that may close emphasis with an opener, as markdown-it's
    ``balance_pairs`` rule does (``processDelimiters``: the nearest opener of its character
    not matched yet, skipping those between a pair matched before, and no pair whose run
    lengths CommonMark's "rule of three" forbids)."""
    bottoms: dict[str, list[int]] = {}
    jumps: list[int] = []
    header = 0
    last_token = -2
    for closer_at, closer in enumerate(delimiters):
        jumps.append(0)
        if delimiters[header].marker != closer.marker or last_token != closer.token - 1:
            header = closer_at
        last_token = closer.token
        if not closer.can_close:
            continue
        bottom = bottoms.setdefault(closer.marker, [-1] * 6)
        kind = (3 if closer.can_open else 0) + closer.length % 3
        opener_at = header - jumps[header] - 1
        lowest = opener_at
        while opener_at > bottom[kind]:
            opener = delimiters[opener_at]
            if opener.marker == closer.marker and opener.can_open and opener.end < 0 and not (
                    (opener.can_close or closer.can_open) and (opener.length + closer.length) % 3 == 0
                    and (opener.length % 3 != 0 or closer.length % 3 != 0)):
                jump = jumps[opener_at - 1] + 1 if opener_at > 0 and not delimiters[opener_at - 1].can_open else 0
                jumps[closer_at] = closer_at - opener_at + jump
                jumps[opener_at] = jump
                closer.can_open = False
                opener.end = closer_at
                opener.can_close = False
                lowest = -1
                last_token = -2
                break
            opener_at -= jumps[opener_at] + 1
        if lowest != -1:
            bottom[(3 if closer.can_open else 0) + closer.length % 3] = lowest


def _emphasis(delimiters: list[_Delimiter], out: list[_Token]) -> None:
    """Turn the matched delimiters' tokens into emphasis (strong where two pairs nest right
    inside each other), as markdown-it's ``emphasis`` post-processing rule does."""
    i = len(delimiters) - 1
    while i >= 0:
        start = delimiters[i]
        if start.end == -1:
            i -= 1
            continue
        end = delimiters[start.end]
        strong = (i > 0 and delimiters[i - 1].end == start.end + 1 and delimiters[i - 1].marker == start.marker
                  and delimiters[i - 1].token == start.token - 1
                  and delimiters[start.end + 1].token == end.token + 1)
        kind = "strong" if strong else "em"
        out[start.token].type, out[start.token].content = f"{kind}_open", ""
        out[end.token].type, out[end.token].content = f"{kind}_close", ""
        if strong:
            out[delimiters[i - 1].token].content = ""
            out[delimiters[start.end + 1].token].content = ""
            i -= 1
        i -= 1


def _flanks(last: str, after: str, char: str) -> tuple[bool, bool]:
    """Whether a run of delimiters *char* (``*`` or ``_``) between *last* and *after* may
    open and may close emphasis (CommonMark's flanking rules, as markdown-it's
    ``scanDelims`` reads them)."""
    last_space, after_space = last in _SPACE, after in _SPACE
    last_punct, after_punct = last in _PUNCTUATION, after in _PUNCTUATION
    left = not after_space and (not after_punct or last_space or last_punct)
    right = not last_space and (not last_punct or after_space or after_punct)
    if char == "_":
        return left and (not right or last_punct), right and (not left or after_punct)
    return left, right


def _closing_run(src: str, at: int, end: int, size: int) -> tuple[int, int] | None:
    """Where the first run of exactly *size* backticks after *at* starts and ends, as
    markdown-it's ``backtick`` rule finds it; None when there is none."""
    while True:
        start = src.find("`", at)
        if start < 0:
            return None
        stop = start + 1
        while stop < end and src[stop] == "`":
            stop += 1
        if stop - start == size:
            return start, stop
        at = stop


def _text(src: str, start: int, stop: int, out: list[_Token]) -> None:
    """The text from *start* to *stop* as a text token (its line breaks are soft breaks,
    which hold no text)."""
    if stop > start:
        out.append(_Token("text", src[start:stop].replace("\n", "")))
