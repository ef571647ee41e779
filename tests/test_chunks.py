"""Parsing chunks one by one gives exactly the blocks of one parse of the whole text.

:func:`reviewtool.draft.chunks.read_blocks` cuts a text before its column-0 ATX headings
and before lines starting with a letter after an empty line, parses each distinct chunk once and reassembles the blocks. The reference is markdown-it
on the whole text (``_parse_chunk(text, None)``, no cache). Checked on generated Markdown
built to put every construct that could reach across a heading (fences, HTML blocks,
lists, quotes, tables, reference definitions, setext underlines, indented code) right
before a cut, and on every version of every file of the real RFC corpus.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.draft import chunks
from reviewtool.draft.chunks import _parse_chunk, clear_chunk_cache, read_blocks
from reviewtool.draft.document import parse
from tests.gitutil import corpus_bundle


def whole(text: str) -> list:
    return list(_parse_chunk(text, None).blocks)


def check(text: str) -> None:
    assert read_blocks(text) == whole(text), text


LINES = [
    "# Title", "## Sub", "### Deep", "#\tTabbed", "#", "####### seven", "#hashtag", " # indented heading",
    "```", "```python", "````", "~~~", "``` with `tick", "  ```", "    ```",
    "<div>", "</div>", "<!-- comment", "-->", "<pre>", "</pre>", "<custom-tag>", "<?php", "?>",
    "- item", "  - sub item", "1. first", "* star", "  continued", "   ```",
    "> quote", "> ```", ">", "| a | b |", "|---|---|", "| c | d |",
    "[foo]: /url", "[Foo]", "see [foo] and [bar]", "[bar]: <https://e.org> 'title'", "[baz]:", "/later-url",
    "Some words.", "More *emphasis* here.", "===", "---", "    indented code", "", "", "",
    # Lines starting with a letter after an empty line start a chunk too: what could carry on past one.
    "<script>", "</script>", "<style>", "<![CDATA[", "]]>", "-", "2) second", "   lazy", "Word", "Plain text",
    "Term: value", "a | b", "-- | --", "", "",
]


@given(st.lists(st.sampled_from(LINES), max_size=40), st.booleans())
def test_chunked_blocks_equal_the_whole_parse(lines: list[str], trailing_newline: bool):
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    check(text)


@given(st.lists(st.sampled_from(LINES), max_size=30))
def test_cached_chunks_give_the_same_blocks_in_another_text(lines: list[str]):
    """A chunk met again (in another text, at another line) is taken from the cache."""
    text = "\n".join(lines) + "\n"
    read_blocks(text)
    check("Intro line.\n\n" + text)
    check(text + "# Appended\n\nText.\n")


@pytest.mark.parametrize("text", [
    "```\n# not a heading\n```\n# heading\n",
    "````\n# inside\n```\n# still inside\n````\n# out\n",
    "<!-- start\n# inside a comment\n-->\n# out\n",
    "<div>\n# swallowed by the HTML block\n\n# a heading\n",
    "- item\n# heading closes the list\n",
    "> quote\n# heading closes the quote\n",
    "| a |\n|---|\n| b |\n# heading closes the table\n",
    "See [foo].\n# Next\n[foo]: /url\n",
    "[foo]: /url\n# Next\n[Foo] is a link, [bar] is not.\n",
    "```\nnever closed\n# in code\n# still code\n",
    "Title\n# Heading\n===\n",
    "\ufeff# BOM first\n",
    "# a\r\n# b\r\n",
    "",
    "#",
    "```\ncode\n\nstill code\n```\n\nText\n",
    "<!-- open\n\nstill a comment\n-->\n\nText\n",
    "<script>\n\nvar x\n</script>\n\nText\n",
    "- item\n\n  more of the item\n\nText after the list\n",
    "- a\n\n- b\n\nText\n",
    "> quote\n\nText\n",
    "<div>\ntext\n\nText after the HTML block\n",
    "    code\n\n    more code\n\nText\n",
    "Para\n\nSetext\n===\n",
    "[foo]: /url\n\nSee [foo].\n\nAnd [foo] again.\n",
])
def test_edge_cases(text: str):
    check(text)


def test_references_change_what_a_cached_chunk_means():
    """The same chunk text with and without a definition elsewhere: "[foo]" is a link or text."""
    chunk = "# Uses\n\nSee [foo] here.\n"
    without = parse(chunk + "# Other\n\nText.\n")
    with_ref = parse(chunk + "# Other\n\n[foo]: /url\n")
    assert without.sections[0].plain == "See [foo] here."
    assert with_ref.sections[0].plain == "See foo here."


def test_a_chunk_is_parsed_once(monkeypatch):
    clear_chunk_cache()
    calls = []
    real = chunks._parse_chunk
    monkeypatch.setattr(chunks, "_parse_chunk", lambda text, refs: calls.append(text) or real(text, refs))
    body = "".join(f"## Part {i}\n\nWords of part {i}.\n\n" for i in range(10))
    read_blocks("# Essay\n\n" + body)
    assert len(calls) == 21  # the title, and each part's heading and paragraph
    calls.clear()
    read_blocks("# Essay\n\n" + body.replace("Words of part 3.", "Changed words of part 3."))
    assert calls == ["Changed words of part 3.\n\n"]  # the edited paragraph alone


def _corpus_texts(tmp_path: Path) -> list[str]:
    bundle = corpus_bundle()
    if bundle is None:
        pytest.skip("the RFC corpus (../shared/corpus/rust-rfcs-essays.bundle) is absent")
    repo = tmp_path / "rfcs"
    subprocess.run(["git", "clone", "-q", str(bundle), str(repo)], check=True)
    out = subprocess.run(["git", "log", "--all", "--format=", "--raw", "--no-abbrev", "--no-renames"], cwd=repo,
                         capture_output=True, text=True, check=True).stdout
    blobs = sorted({line.split()[3] for line in out.splitlines()
                    if line.startswith(":") and line.endswith(".md") and line.split()[3].strip("0")})
    data = subprocess.run(["git", "cat-file", "--batch"], cwd=repo, input="\n".join(blobs).encode() + b"\n",
                          capture_output=True, check=True).stdout
    texts, i = [], 0
    while i < len(data):
        header_end = data.index(b"\n", i)
        size = int(data[i:header_end].split()[2])
        texts.append(data[header_end + 1 : header_end + 1 + size].decode("utf-8"))
        i = header_end + 1 + size + 1
    return texts


@pytest.mark.slow
def test_every_version_of_the_rfc_corpus(tmp_path: Path):
    texts = _corpus_texts(tmp_path)
    assert len(texts) > 500
    clear_chunk_cache()
    for text in texts:
        check(text)
