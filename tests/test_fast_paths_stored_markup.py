"""The markup of stored documents' pieces gives a diff of two stored versions the very
markup changes of the versions parsed afresh.

A version read from the persistent cache has no parsed chunks, so the diff's markup check
(:func:`reviewtool.diff.markup.markup_changes`) parsed the changed blocks of its pairs with
markdown-it. A stored document now keeps the markup of the pieces its text was cut into
(:func:`reviewtool.draft.stored_document.dump_pieces`), and
:func:`reviewtool.draft.chunks.read_features` reads a text that defines no link label from
its pieces' markup: the chunk met, else the stored markup, else none for a piece with no
syntax, else the piece parsed alone. Compared here with one parse of the whole text
(:func:`reviewtool.diff.markup.parsed_features`) and with the diff of the same versions
parsed afresh, on hypothesis Markdown, a book of the RFC corpus and its long histories; and a
stored document of the format before (no pieces), or with damaged pieces, is read as none.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtool.diff import markup
from reviewtool.diff.align import clear_cache
from reviewtool.diff.diff_json import diff_json
from reviewtool.diff.section_diff import diff_documents
from reviewtool.draft import chunks, stored_document
from reviewtool.draft.document import Document, parse
from tests.gitutil import Repo, git
from tests.test_cache import DRAFT, V1, V2, V3, cache_root, cli, new_process, outputs, packs
from tests.test_fast_paths import _corpus_book

_BLANK = re.compile(r"\n[ \t]*\n")


@pytest.fixture(autouse=True)
def _pieces_of_every_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces stored for texts of any size (only large ones are, by default)."""
    monkeypatch.setattr(stored_document, "PIECES_FROM_CHARS", 0)


def _forget() -> None:
    """What a new process starts without: parsed chunks, kept markup, aligner facts."""
    chunks.clear_chunk_cache()
    markup.clear_markup_changes()
    markup._features.cache_clear()
    clear_cache()


def _stored(text: str) -> Callable[[], Document | None]:
    """*text* parsed and stored (as JSON, both parts), and a function that loads it back as a
    new process reads it: with the pieces' markup to read when asked."""
    doc = parse(text)
    dumped = stored_document.dump(doc)
    assert dumped is not None
    data = orjson.dumps(dumped[0])
    pieces = orjson.dumps(stored_document.dump_pieces(doc))
    plains = dumped[1]
    return lambda: stored_document.load(orjson.loads(data), plains, text, None, pieces=lambda: orjson.loads(pieces))


def _read_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every stored piece's markup read back (:func:`stored_document._features_from_json`)."""
    read: list[str] = []
    real = stored_document._features_from_json

    def counted(stored: Any) -> Any:
        read.append(stored)
        return real(stored)

    monkeypatch.setattr(stored_document, "_features_from_json", counted)
    return read


def _same_diff(old_text: str, new_text: str) -> dict[str, Any]:
    """The diff JSON of the two texts read from stored documents, checked against the texts
    parsed afresh (every cache emptied before each)."""
    old_stored, new_stored = _stored(old_text), _stored(new_text)
    _forget()
    old, new = old_stored(), new_stored()
    assert old is not None and new is not None
    from_store = diff_json(diff_documents(old, new))
    _forget()
    fresh = diff_json(diff_documents(parse(old_text), parse(new_text)))
    assert from_store == fresh
    return fresh


def _kinds(found: dict[str, Any]) -> set[str]:
    return {kind for change in found["changes"] for kind in change.get("markup", [])}


def _some_blocks(rng: random.Random, text: str) -> str:
    """Some blocks of *text* (cut at blank lines), in order, joined as the markup check joins
    a pair's changed blocks."""
    blocks = _BLANK.split(text)
    start = rng.randrange(len(blocks))
    picked = [b for b in blocks[start : start + rng.randrange(1, 12)] if rng.random() < 0.7]
    return "\n\n".join(picked).strip("\n") + "\n\n"


def _features_check(texts: list[str], samples: int, seed: int) -> int:
    """read_features of blocks of *texts*, each read with the texts' stored pieces only (no
    chunk met), equals one parse of the blocks; returns how many were read."""
    rng = random.Random(seed)
    loads = [_stored(text) for text in texts]
    checked = 0
    for text, load in zip(texts, loads):
        for _ in range(samples):
            source = _some_blocks(rng, text)
            chunks.clear_chunk_cache()
            assert load() is not None
            assert chunks.read_features(source) == markup.parsed_features(source), source
            checked += 1
    return checked


_BLOCKS = st.sampled_from([
    "Plain words here.", "A [link](http://a/1) and *em*.", "- one\n- two [x](u)", "1. first\n2. `code`",
    "  - nested [RFC repository]\n  - more", "> quoted **strong**", "```rust\nfn main() {}\n```",
    "<div>\nhtml\n</div>", "Words with a_b and R&D.", "| a | b |\n|---|:-:|\n| 1 | 2 |", "# Title",
    "## Sub *title*", "text ~~gone~~ <b>x</b>", "- [ ] task\n  continued", "    indented code",
    "[label]: http://defined", "See [label] here.", "![img](p.png)", "* star\n+ plus", "~~~\nopen fence",
])


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_BLOCKS, min_size=1, max_size=12), st.lists(_BLOCKS, min_size=1, max_size=12),
       st.integers(0, 1000))
def test_markup_read_from_stored_pieces_is_one_parse(first: list[str], second: list[str], seed: int):
    texts = ["\n\n".join(first) + "\n", "\n\n".join(second) + "\n"]
    _features_check(texts, 4, seed)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_BLOCKS, min_size=1, max_size=10), st.lists(_BLOCKS, min_size=1, max_size=10))
def test_a_diff_of_stored_versions_is_the_diff_parsed_afresh(old: list[str], new: list[str]):
    _same_diff("# Essay\n\n" + "\n\n".join(old) + "\n", "# Essay\n\n" + "\n\n".join(new) + "\n")


def test_only_a_large_text_stores_its_pieces(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.undo()
    small = "# Essay\n\nSee [the docs](https://a.org).\n"
    large = small + "".join(f"\n## Part {k}\n\nWords of part {k}, *some* of them.\n" for k in range(3000))
    assert len(small) < stored_document.PIECES_FROM_CHARS <= len(large)
    assert stored_document.dump_pieces(parse(small)) == [[], [], []]
    lengths, codes, table = stored_document.dump_pieces(parse(large))
    assert sum(lengths) == len(large) and len(codes) == len(lengths) and table


def test_stored_pieces_are_read_and_spare_the_parse(monkeypatch: pytest.MonkeyPatch):
    old_text = ("# Essay\n\n## Links\n\nSee [the docs](https://a.org) and *this*.\n\n## Code\n\nRun `make` now.\n\n"
                "Then **rest**.\n\n## End\n\nDone.\n")
    new_text = old_text.replace("https://a.org", "https://b.org").replace("`make`", "make")
    read = _read_counted(monkeypatch)
    parsed: list[str] = []
    real = chunks._parse_chunk

    def counted(text: str, given: Any) -> Any:
        parsed.append(text)
        return real(text, given)

    found = _same_diff(old_text, new_text)
    assert {"link target", "code"} <= _kinds(found)
    assert read  # the stored markup was read...
    old_stored, new_stored = _stored(old_text), _stored(new_text)
    _forget()
    old, new = old_stored(), new_stored()
    assert old is not None and new is not None
    monkeypatch.setattr(chunks, "_parse_chunk", counted)
    assert diff_json(diff_documents(old, new)) == found
    assert parsed == []  # ...and no piece parsed: each changed block is a piece of its version


@pytest.mark.slow
def test_the_rfc_corpus_diffs_alike_from_stored_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A book of the corpus (the benchmark's), and consecutive and distant versions of its
    longest histories: the diff JSON from stored versions is the diff parsed afresh, with
    link targets and other markup changes among them; blocks of them read from the stored
    pieces have the markup of one parse."""
    read = _read_counted(monkeypatch)
    old_text, new_text = _corpus_book(tmp_path / "book")
    kinds = _kinds(_same_diff(old_text, new_text))
    read_by_diffs = len(read)
    repo = tmp_path / "book" / "rfcs"
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        commits = git(repo, "log", "--format=%H", "--", path).split()[:40]
        texts = [git(repo, "show", f"{c}:{path}") for c in reversed(commits)]
        for old, new in [*itertools.pairwise(texts), (texts[0], texts[-1])]:
            before = len(read)
            kinds |= _kinds(_same_diff(old, new))
            read_by_diffs += len(read) - before
        assert _features_check(texts[::8], 10, len(path)) > 0
    # (the book's changed blocks that its words do not explain are none of its pieces:
    # markup_changes reads no stored piece for it, the histories' diffs do)
    assert read_by_diffs > 0
    assert {"link target", "links", "code", "list markers"} <= kinds
    assert _features_check([old_text, new_text], 60, 3) == 120


def _rewrite_doc_entries(repo: Repo, change: Callable[[list[Any]], list[Any]]) -> None:
    """Each stored document of *repo* rewritten: its parts changed by *change*."""
    from reviewtool.draft import cache as cache_module
    from reviewtool.draft.cache_pack import build_pack, encode_entry, pack_contents

    fmt = cache_module.CACHE_FORMAT
    for path in packs(repo):
        kind, _, fingerprint = path.parent.name.partition("-")
        found, _, bodies, _ = pack_contents(path.read_bytes(), fmt, kind, fingerprint)
        entries = []
        for key, entry in found:
            _, _, payload = entry.partition(b"\n")
            refs, *parts = [orjson.loads(line) for line in payload.split(b"\n")]
            entries.append((key, encode_entry(tuple(change(parts)), fmt, kind, fingerprint, key, refs)))
        path.write_bytes(build_pack(entries, fmt, kind, fingerprint, bodies)[0])


def _format_one(parts: list[Any]) -> list[Any]:
    """A stored document as the format before wrote it: no version, no pieces."""
    stats, data, _ = parts
    del data["format"]
    return [stats, data]


def _pieces_past_the_text(parts: list[Any]) -> list[Any]:
    """Pieces that run past the text."""
    stats, data, (lengths, codes, table) = parts
    return [stats, data, [[10**9, *lengths], [0, *codes], table]]


def _markup_not_written_so(parts: list[Any]) -> list[Any]:
    """Every piece's markup replaced: not JSON, or JSON that is not markup."""
    stats, data, (lengths, codes, _) = parts
    junk = ["[not, json", "[1, 2]", '[[["a"]], [], [], [], [], []]', '{"links": []}', "0"]
    return [stats, data, [lengths, [1 + k % len(junk) if code else 0 for k, code in enumerate(codes)], junk]]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    from tests.gitutil import make_repo

    repo = make_repo(tmp_path / "repo")
    for i, text in enumerate((V1, V2, V3)):
        repo.commit(f"Version {i + 1}", {DRAFT: text})
    return repo


@pytest.mark.parametrize("change", [_format_one, _pieces_past_the_text, _markup_not_written_so])
def test_a_stored_document_of_the_format_before_or_with_damaged_pieces_is_read_as_none(repo: Repo, change):
    expected = outputs(repo, "--no-cache")
    outputs(repo)
    _rewrite_doc_entries(repo, change)
    new_process()
    _forget()
    assert outputs(repo) == expected  # no error, the same output
    if change is _format_one:
        # Refused and stored again as it is now: every entry read back in the current format.
        new_process()
        cli(repo, "sections", "--json")
        found = []
        _rewrite_doc_entries(repo, lambda parts: found.append(parts) or parts)
        # (the packs of the format before stay until the cache is repacked: their entries are refused)
        assert sum(len(parts) == 3 and parts[1].get("format") == stored_document.FORMAT for parts in found) >= 3
    assert cache_root(repo).is_dir()
