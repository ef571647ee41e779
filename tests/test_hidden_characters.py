"""Invisible and bidirectional characters are shown, never passed on silently; the notes keep them.

A reviewer must read what the notes hold. Zero-width spaces and joiners, bidirectional
marks, tag characters, a soft hyphen or a BOM in a comment body, a reviewer's name or a
quoted passage print as nothing (or reorder the text around them) in a terminal or a
browser. The CLI, the TUI and the exports show each of them as ``<U+XXXX>`` (JSON as a
``\\uXXXX`` escape, which decodes to the exact text); a joiner that is part of an emoji, or
of a word in a script that needs it, stays as it is. One rule: ``reviewtool.textsafe``.
"""

from __future__ import annotations

import html
import json

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from reviewtool import textsafe
from reviewtool.cli import render
from reviewtool.cli.commands import main
from reviewtool.git.notes_ref import NotesStore
from reviewtool.git.repo import GitRepo
from reviewtool.review import anchoring
from reviewtool.review.codec import parse_events
from reviewtool.review.store import ReviewStore
from reviewtool.textsafe import clean, hidden_at, json_bytes, json_text, one_line, reveal, unsafe_characters

#: The characters the issue names, one of each kind.
HIDDEN = {
    "\u200b": "U+200B",  # zero width space
    "\u200d": "U+200D",  # zero width joiner (between Latin letters: no reason to be there)
    "\ufeff": "U+FEFF",  # byte order mark / zero width no-break space
    "\u200f": "U+200F",  # right-to-left mark
    "\u061c": "U+061C",  # Arabic letter mark
    "\U000e0041": "U+E0041",  # tag letter A
    "\u00ad": "U+00AD",  # soft hyphen
    "\u202e": "U+202E",  # right-to-left override
    "\u2066": "U+2066",  # left-to-right isolate
    "\u2028": "U+2028",  # line separator
}
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, two joiners
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # a tag sequence
PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ inside a word
DEVANAGARI = "\u0915\u094d\u200d\u0937"  # ZWJ after a virama


@pytest.mark.parametrize("ch, code", HIDDEN.items())
def test_each_hidden_character_is_shown_by_its_code(ch, code):
    text = f"pay{ch}pal"
    assert clean(text) == f"pay<{code}>pal"
    assert one_line(text) == f"pay<{code}>pal"
    assert hidden_at(text) == [3]
    assert code in unsafe_characters(text)
    assert json.loads(json_text(text)) == text and ch not in json_text(text)


@pytest.mark.parametrize("text", [FAMILY, RAINBOW_FLAG, SCOTLAND, PERSIAN, DEVANAGARI,
                                  "\U0001f3c3\u200d\u2640\ufe0f", "\u2764\ufe0f\u200d\U0001f525"])
def test_joiners_inside_emoji_and_words_that_need_them_stay_as_they_are(text):
    assert clean(text) == text and reveal(text) == text and hidden_at(text) == []
    assert unsafe_characters(text) == ""
    assert json_text(text) == json.dumps(text, ensure_ascii=False)


def test_a_joiner_or_tag_outside_its_sequence_is_shown():
    assert reveal("\U0001f468\u200dx") == "\U0001f468<U+200D>x"  # emoji then a letter
    assert reveal("\u200d\U0001f469") == "<U+200D>\U0001f469"  # nothing before it
    assert reveal("flag \U0001f3f4\U000e0067\U000e0062") == "flag \U0001f3f4<U+E0067><U+E0062>"  # no CANCEL TAG
    assert reveal("\U000e0067\U000e007f") == "<U+E0067><U+E007F>"  # no black flag


def test_controls_are_still_removed_and_nothing_else_changes():
    assert clean("a\x1b[31mred\x1b[0m\u200b") == "ared<U+200B>"
    assert clean("caf\u00e9 \u00a0 \u2014 \u4e2d\u6587 \U0001f600") == "caf\u00e9 \u00a0 \u2014 \u4e2d\u6587 \U0001f600"


#: Any character (lone surrogates too), and often the ones the rule is about.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()) | st.sampled_from(
    [*HIDDEN, "\u200c", "\U0001f3f4", "\U0001f468", "\ufe0f", "\U000e0067", "\U000e007f", "\u0645"]))


@given(ANY_TEXT)
def test_json_always_decodes_to_the_exact_text_and_shows_no_hidden_character(text):
    shown = json_text({"body": text})
    assert json.loads(shown) == {"body": text}
    assert hidden_at(shown) == []
    assert hidden_at(reveal(text)) == []


@given(ANY_TEXT, ANY_TEXT)
def test_json_bytes_are_the_json_texts_bytes(text, key):
    """The bytes path (orjson's bytes printed as they are when nothing needs escaping) writes
    exactly what the text path writes, whatever the text holds."""
    data = {"body": text, key: [text, 1, None]}
    assert json_bytes(data) == json_text(data).encode("utf-8")


@pytest.mark.parametrize("ch", [*HIDDEN, "\x7f", "\x85", "\x9f", "\u200c", "\u200d", "\U000e0067",
                                "\U000e007f", "\U00013430", "\U0001bca3", "\U0001d173", "\U000e0001"])
def test_every_character_json_text_escapes_sends_the_bytes_path_to_it(ch):
    assert textsafe._json_escapes_utf8().search(json.dumps(ch, ensure_ascii=False).encode()) is not None


def test_the_bytes_check_covers_every_character_hidden_at_may_report():
    for cp in [*range(0x80, 0x3000), *range(0xFE00, 0x10000), *range(0x13400, 0x13500),
               *range(0x1BC00, 0x1BD00), *range(0x1D100, 0x1D200), *range(0xE0000, 0xE0100)]:
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        escaped = json_text(ch) != json.dumps(ch, ensure_ascii=False)
        if escaped:
            assert textsafe._json_escapes_utf8().search(ch.encode()) is not None, hex(cp)


def _escapes_in_all_bytes(raw: bytes) -> bool:
    """The reference of textsafe._json_escapes_in: the pattern over every non-ASCII byte at once."""
    return b"\x7f" in raw or textsafe._json_escapes_utf8().search(raw.translate(None, textsafe._ASCII_BYTES)) is not None


@given(ANY_TEXT, st.integers(0, 3 * textsafe._SCAN_STEP), st.integers(0, 40))
def test_the_escape_scan_by_slices_is_the_scan_of_all_bytes(text, at, spread):
    """Non-ASCII text placed anywhere in long ASCII JSON, across the slices' borders too."""
    step = textsafe._SCAN_STEP
    for start in (at, step - spread, 2 * step - 1 - spread):
        raw = json.dumps(["x" * max(start, 0), text, "y" * spread], ensure_ascii=False).encode()
        assert textsafe._json_escapes_in(raw) == _escapes_in_all_bytes(raw)


def test_the_escape_scan_by_slices_on_the_json_of_a_diff():
    """bench_diff's essays (their words drawn from the RFC corpus), with non-ASCII words and a
    hidden character or DEL put in here and there."""
    from reviewtool.diff.diff_json import diff_json
    from reviewtool.diff.section_diff import diff_documents
    from reviewtool.draft.document import parse
    from tests.benchmarks.bench_diff import edit_essay, make_essay

    essay = make_essay(20_000, seed=7)
    old, new = essay.text(), edit_essay(essay, seed=8)[0].text()
    for accented, every in (("naïve", 97), ("café ☕", 1013), ("x", 1)):
        words = new.split(" ")
        new_text = " ".join(accented if k % every == 5 else w for k, w in enumerate(words))
        raw = json_bytes(diff_json(diff_documents(parse(old), parse(new_text))))
        assert len(raw) > 3 * textsafe._SCAN_STEP
        for marked in (raw, raw.replace(b" the ", " the\u200b ".encode(), 1),
                       raw.replace(b" of ", b" of\x7f ", 1), raw[: len(raw) // 2] + "\u2066".encode()):
            assert textsafe._json_escapes_in(marked) == _escapes_in_all_bytes(marked)


class _Key(str):
    pass


@given(ANY_TEXT, ANY_TEXT)
def test_orjson_without_the_non_str_keys_option_writes_what_it_writes(text, key):
    """textsafe._orjson_bytes tries orjson without OPT_NON_STR_KEYS first: the same bytes for
    string keys, and keys of other types are encoded with the option."""
    import orjson

    options = (orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
               | orjson.OPT_PASSTHROUGH_DATACLASS)
    for data in ({"body": text, key: [text, 1, None, {key: 2.5}]}, {1: text, "a": {2: key}},
                 {_Key(key): text}, [{key: {None: 1, True: text}}]):
        assert textsafe._orjson_bytes(data, str) == orjson.dumps(data, default=str, option=options)


# ---------------------------------------------------------------------------- end to end

DRAFT = "drafts/essay.md"
QUOTE = "Hubinger\u200b et al are right"
TEXT = f"## Argument\n\n{QUOTE} to draw a distinction.\n"
NAME = "Eve\u202e reviewer"
BODY = "Looks fine\u200b.\nSecond line \u2066hidden\u2069 and a family " + FAMILY


@pytest.fixture
def hidden_review(repo):
    anchoring.clear_caches()
    repo.commit("v1", {DRAFT: TEXT})
    env = {"GIT_AUTHOR_NAME": NAME, "GIT_AUTHOR_EMAIL": "eve@example.org"}
    added = CliRunner().invoke(main, ["-C", str(repo.path), "comment", "add", "-s", "argument", "-q", QUOTE,
                                      "-m", BODY, "--json"], env=env)
    assert added.exit_code == 0, added.output
    return repo


def run(repo, *args):
    result = CliRunner().invoke(main, ["-C", str(repo.path), *args], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_notes_keep_the_exact_text(hidden_review):
    (thread,) = ReviewStore(GitRepo.open(hidden_review.path)).threads()
    assert (thread.body, thread.author, thread.anchor.exact) == (BODY, NAME, QUOTE)


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "rich-terminal"])
def test_comments_show_every_hidden_character(hidden_review, monkeypatch, terminal):
    monkeypatch.setattr(render, "is_terminal", lambda: terminal)
    out = run(hidden_review, "comments")
    assert "Eve<U+202E> reviewer" in out
    assert "Hubinger<U+200B> et al are right" in out
    assert "Looks fine<U+200B>." in out and "<U+2066>hidden<U+2069>" in out
    assert FAMILY in out
    assert hidden_at(out) == []


def test_comments_json_escapes_them_and_decodes_exactly(hidden_review):
    out = run(hidden_review, "comments", "--json")
    assert "\\u200b" in out and "\\u202e" in out and hidden_at(out) == [] and FAMILY in out
    (thread,) = json.loads(out)["threads"]
    assert (thread["body"], thread["author"], thread["anchor"]["quote"]["exact"]) == (BODY, NAME, QUOTE)


def test_exports_show_them(hidden_review):
    md = run(hidden_review, "export", "--format", "markdown")
    assert "Eve\\<U+202E\\> reviewer" in md and "Looks fine\\<U+200B\\>." in md
    assert "Hubinger\\<U+200B\\> et al are right" in md and hidden_at(md) == []
    page = run(hidden_review, "export", "--format", "html")
    assert hidden_at(page) == []
    assert ('Looks fine<span class="hidden-char" title="ZERO WIDTH SPACE">&lt;U+200B&gt;</span>.'
            in page)
    assert html.escape("Eve") in page and "RIGHT-TO-LEFT OVERRIDE" in page
    data = json.loads(run(hidden_review, "export", "--format", "json"))
    thread = data["sections"][0]["threads"][0]
    assert (thread["body"], thread["author"], thread["quote"]) == (BODY, NAME, QUOTE)


def test_an_event_id_of_only_spaces_is_refused_like_an_empty_one(repo):
    line = {"v": 1, "type": "comment", "author": "A", "email": "a@example.org",
            "time": "2024-01-01T00:00:00.000000Z", "body": "b",
            "anchor": {"commit": "c" * 40, "path": "p.md", "blob": "b" * 40}}
    lines = [json.dumps({**line, "id": ident}) for ident in ("", "   ", "\t", "\u3000", " padded ", "ok")]
    events, problems = parse_events("c" * 40, lines)
    assert [e.id for e in events] == ["ok"]
    assert [(p.line_no, p.reason) for p in problems] == [(n, "missing or invalid id") for n in range(1, 6)]
    # Through a real note and the store: the same.
    repo.commit("v1", {DRAFT: TEXT})
    NotesStore(GitRepo.open(repo.path)).append(repo.head(), lines)
    threads, found = ReviewStore(GitRepo.open(repo.path)).load()
    assert [t.id for t in threads] == ["ok"] and len(found) == 5
    blank = CliRunner().invoke(main, ["-C", str(repo.path), "comment", "reply", "   ", "-m", "x"])
    assert blank.exit_code == 2 and "empty comment id" in blank.stderr


@given(ANY_TEXT)
def test_json_output_through_a_byte_stream_is_the_json_text_and_one_newline(text):
    """emit_json writes orjson's bytes and the newline apart (no copy of a megabytes-long
    output for one byte): the stream holds what was written as text before, then exactly the
    JSON text's bytes and one newline."""
    import io
    import sys

    from reviewtool.cli.output import emit_json

    data = {"body": text, "rows": [text, 1, None]}
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    saved, sys.stdout = sys.stdout, stream
    try:
        stream.write("before\n")
        emit_json(data)
    finally:
        sys.stdout = saved
    stream.flush()
    assert raw.getvalue() == b"before\n" + json_text(data).encode("utf-8") + b"\n"
