"""markdown-it's rules for link labels and destinations, read without importing markdown-it,
are markdown-it's own.

:func:`reviewtool.draft.link_rules.normalize_label` against ``normalizeReference`` on any
text; :func:`reviewtool.draft.link_rules.link_href` against ``normalizeLink`` then
``validateLink`` on URLs built from the parts its URL parser reads (schemes, hosts, ports,
addresses, escapes) and on every link target of the RFC corpus; the whitespace set against
markdown-it's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it.common.normalize_url import normalizeLink, validateLink
from markdown_it.common.utils import MD_TRIM_CHARS, normalizeReference

from reviewtool.draft.link_rules import PLAIN_DESTINATION, WHITESPACE, link_href, normalize_label
from tests.gitutil import clone_corpus
from tests.test_plain_chunks import _versions


def markdown_it_href(target: str) -> str | None:
    href = normalizeLink(target)
    return href if validateLink(href) else None


def test_the_whitespace_is_markdown_its():
    assert WHITESPACE == MD_TRIM_CHARS


@given(st.text(alphabet=st.sampled_from([*"aZé ßẞΘϴθϑİK\u212a", *WHITESPACE, "\u00a0", "-", "#", "x"])))
def test_a_label_is_normalised_as_markdown_it_normalises_it(label: str):
    assert normalize_label(label) == normalizeReference(label)


@given(st.text())
def test_any_label_is_normalised_as_markdown_it_normalises_it(label: str):
    assert normalize_label(label) == normalizeReference(label)


PARTS = ["http://", "https://", "HTTP://", "mailto:", "//", "///", "www.", "x.org", "A.B", ":80", "/", "@", "%41", "%zz",
         "%", "#", "?q=1", "javascript:", "data:", "file:", "a", "-", ".", ":", "xn--", "..", "~", "*", "'", "!", "$",
         ",", ";", "+", "=", "_", "\u00e9", " ", "(", ")", "<", "[", "\\", "&"]


@given(st.lists(st.sampled_from(PARTS), min_size=1, max_size=8).map("".join))
def test_a_destination_is_kept_as_markdown_it_keeps_it(target: str):
    link_href.cache_clear()
    assert link_href(target) == markdown_it_href(target)
    if PLAIN_DESTINATION.fullmatch(target):
        assert normalizeLink(target) == target


@given(st.text(alphabet="aZ09-._~/#?=+!$',;*%:@", min_size=1))
def test_destinations_of_url_characters_are_kept_as_markdown_it_keeps_them(target: str):
    link_href.cache_clear()
    assert link_href(target) == markdown_it_href(target)


@pytest.mark.slow
def test_every_link_target_of_the_rfc_corpus(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    targets: set[str] = set()
    for text in [*_versions(repo, "README.md"), *_versions(repo, "text/3537-msrv-resolver.md")]:
        targets.update(re.findall(r"\]\(([^)\s]+)\)", text))
        targets.update(re.findall(r"^ {0,3}\[[^\]]+\]:[ \t]*(\S+)", text, re.M))
    plain = 0
    for target in targets:
        link_href.cache_clear()
        assert link_href(target) == markdown_it_href(target), target
        plain += PLAIN_DESTINATION.fullmatch(target) is not None
    assert plain > 50, plain
