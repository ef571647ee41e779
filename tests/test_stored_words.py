"""A version's stored section words give the aligner the very sets it computes, and a diff of
two stored versions the very alignment and output of the versions computed afresh.

:mod:`reviewtool.diff.stored_words` keeps the content words the aligner computed of a large
version's sections (by its blob) and gives them back to a later diff of it instead of cutting
and stemming its texts again. Compared here with the words computed (every section's, and
those one diff read), and the diff of the versions with the words read back with the diff of
the versions computed afresh (pairs, statuses, scores, JSON), on generated essays, the RFC
corpus's long histories and a book made of it; through the command line (the pair's diff
forgotten, as the benchmark's "seen before in other runs" row); and data of another format,
or that does not fit the version, is refused (the words computed again).
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest

from reviewtool.diff import stored_words
from reviewtool.diff.align import clear_cache
from reviewtool.diff.diff_json import diff_json
from reviewtool.diff.section_diff import DocumentDiff, diff_documents
from reviewtool.diff.section_facts import document_facts
from reviewtool.draft.document import Document, parse
from tests.benchmarks.bench_diff import edit_essay, make_essay
from tests.gitutil import Repo, clone_corpus, followed_texts, make_repo
from tests.test_cache import cache_root, cli, keys, new_process, packs
from tests.test_fast_paths import _corpus_book


def _forget() -> None:
    """What a new process starts without: the aligner's facts, stems and sets read back."""
    clear_cache()
    stored_words.clear_stored_words()


def _stored(doc: Document) -> Any:
    """What :func:`stored_words.dump` made of *doc*, through JSON as the cache keeps it (None:
    no words read, nothing stored)."""
    data = stored_words.dump(doc)
    if data is None:
        assert set(document_facts(doc).tok.known()) == {None}
        return None
    return orjson.loads(orjson.dumps(data))


def _pairs(diff: DocumentDiff) -> list[tuple[Any, ...]]:
    return [(tuple(s.index for s in p.old), tuple(s.index for s in p.new), tuple(p.status), p.similarity,
             p.title_similarity) for p in diff.alignment.pairs]


def _same_diff_with_stored_words(old_text: str, new_text: str) -> None:
    """The diff of the two texts computed afresh, and again with the words it computed read back."""
    _forget()
    old, new = parse(old_text), parse(new_text)
    computed = diff_documents(old, new)
    known = [document_facts(old).tok.known(), document_facts(new).tok.known()]
    data = [_stored(old), _stored(new)]
    expected = (_pairs(computed), orjson.dumps(diff_json(computed)))
    _forget()
    old, new = parse(old_text), parse(new_text)
    for stored, doc in zip(data, (old, new)):
        assert stored is None or stored_words.load(stored, doc)
    assert [document_facts(old).tok.known(), document_facts(new).tok.known()] == known
    read = diff_documents(old, new)
    assert (_pairs(read), orjson.dumps(diff_json(read))) == expected


def _same_words_as_computed(text: str) -> None:
    """Every section's words read back are the words computed, twins the very same set."""
    _forget()
    doc = parse(text)
    facts = document_facts(doc)
    computed = [facts.tok[i] for i in range(len(doc.sections))]
    data = _stored(doc)
    _forget()
    again = parse(text)
    assert stored_words.load(data, again)
    read = document_facts(again).tok.known()
    assert read == computed
    twins: dict[tuple[str, str, str], int] = {}
    for section, words in zip(again.sections, read):  # twin sections hold the very same set
        assert twins.setdefault((section.kind, section.title, section.plain), id(words)) == id(words)


def _generated_pairs() -> list[tuple[str, str]]:
    pairs = []
    for size in (3000, 10000):
        essay = make_essay(size, seed=size)
        edited, _truth = edit_essay(essay, seed=size + 1)
        pairs.append((essay.text(), edited.text()))
    return pairs


@pytest.mark.parametrize("pair", range(2))
def test_generated_essays(pair: int):
    old, new = _generated_pairs()[pair]
    _same_words_as_computed(old)
    _same_words_as_computed(new)
    _same_diff_with_stored_words(old, new)
    _same_diff_with_stored_words(new, old)


@pytest.mark.slow
def test_rfc_corpus_histories(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        texts = followed_texts(repo, path)
        for text in texts[:: max(1, len(texts) // 8)]:
            _same_words_as_computed(text)
        for new, old in itertools.pairwise(texts[:40]):
            _same_diff_with_stored_words(old, new)


@pytest.mark.slow
def test_a_book_of_the_rfc_corpus(tmp_path: Path):
    old, new = _corpus_book(tmp_path)
    _same_words_as_computed(old)
    _same_words_as_computed(new)
    _same_diff_with_stored_words(old, new)


def test_only_the_words_read_are_stored_and_the_rest_computed_when_asked():
    old_text, new_text = _generated_pairs()[0]
    _forget()
    old, new = parse(old_text), parse(new_text)
    diff_documents(old, new)
    data = _stored(old)
    _forget()
    again = parse(old_text)
    assert stored_words.load(data, again)
    facts = document_facts(again)
    assert [w is None for w in facts.tok.known()] == [code == 0 for code in data["codes"]]
    _forget()
    fresh = document_facts(parse(old_text))
    assert [facts.tok[i] for i in range(len(again.sections))] == [fresh.tok[i] for i in range(len(again.sections))]


def test_nothing_read_is_nothing_stored():
    _forget()
    assert stored_words.dump(parse("# Title\n\nSome words here.\n")) is None


def _refused(data: Any, doc: Document) -> None:
    _forget()
    assert not stored_words.load(data, doc)
    assert document_facts(doc).tok.known() == [None] * len(doc.sections)


def test_data_of_another_format_or_that_does_not_fit_is_refused():
    text = _generated_pairs()[0][0]
    _forget()
    doc = parse(text)
    facts = document_facts(doc)
    for i in range(len(doc.sections)):
        facts.tok[i]
    data = _stored(doc)
    doc = parse(text)
    for change in ({"format": stored_words.FORMAT + 1}, {"format": None}, {"chars": data["chars"] + 1},
                   {"codes": data["codes"][:-1]}, {"codes": [*data["codes"][:-1], len(data["sets"]) + 1]},
                   {"codes": [-1, *data["codes"][1:]]}, {"codes": [1.0, *data["codes"][1:]]},
                   {"sets": [*data["sets"][:-1], 7]}, {"sets": None}, {"codes": None}):
        _refused({**data, **change}, doc)
    _refused([], doc)
    _refused(None, doc)
    _forget()
    assert stored_words.load(data, doc)


def _book_repo(tmp_path: Path, old: str, new: str) -> Repo:
    repo = make_repo(tmp_path / "repo")
    repo.commit("The book", {"book.md": old})
    repo.commit("The book, later", {"book.md": new})
    return repo


def test_the_command_line_reads_the_words_a_diff_before_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """As the benchmark's "both versions seen before (in other runs)": the versions and their
    words stored, the pair's diff not."""
    monkeypatch.setattr(stored_words, "WORDS_FROM_CHARS", 0)
    old, new = _generated_pairs()[1]
    repo = _book_repo(tmp_path, old, new)
    args = ("-d", "book.md", "diff", "HEAD~1", "HEAD")
    expected = [cli(repo, "--no-cache", *args, "--json"), cli(repo, "--no-cache", *args)]
    _forget()
    new_process()
    assert [cli(repo, *args, "--json"), cli(repo, *args)] == expected
    assert len(keys(repo, "words")) == 2  # both versions' words, by blob
    for folder in cache_root(repo).glob("diff-*"):
        shutil.rmtree(folder)
    _forget()
    new_process()
    read: list[bool] = []
    real = stored_words.load

    def counted(data: Any, doc: Document) -> bool:
        read.append(real(data, doc))
        return read[-1]

    monkeypatch.setattr(stored_words, "load", counted)
    assert [cli(repo, *args, "--json"), cli(repo, *args)] == expected
    assert read == [True, True]  # read back (the second command reads the pair's diff)
    assert len(packs(repo, "words")) == 1  # nothing written again


def test_small_versions_store_no_words(tmp_path: Path):
    old, new = _generated_pairs()[0]
    repo = _book_repo(tmp_path, old, new)
    cli(repo, "-d", "book.md", "diff", "HEAD~1", "HEAD", "--json")
    assert not packs(repo, "words")
