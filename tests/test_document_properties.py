"""Properties of the draft model over generated Markdown (hypothesis).

Whatever the text, parsing never raises, the sections' own spans tile the
text exactly, keys are unique, the tree is consistent (parents first, children
inside their parent's span) and word counts add up.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtool.draft.document import parse

WORDS = ["alpha", "beta", "gamma", "Costs", "plan", "why?", "end.", "café", "日本語", "🙂", "x_y",
         "don't", "#", "*", "`code`", "[link](http://e.org)", "**bold**", "-", "1.", ">", "---", "~~~"]

word = st.sampled_from(WORDS)
phrase = st.lists(word, min_size=1, max_size=8).map(" ".join)
junk = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
inline = st.one_of(phrase, phrase, junk)


def lines_of(*parts: str) -> list[str]:
    return [line for part in parts for line in part.split("\n")]


atx = st.builds(lambda n, t, closing: "#" * n + " " + t + (" " + "#" * n if closing else ""),
                st.integers(1, 7), phrase, st.booleans())
setext = st.builds(lambda t, ch, n: f"{t}\n{ch * n}", phrase, st.sampled_from("=-"), st.integers(1, 5))
paragraph = st.lists(inline, min_size=1, max_size=4).map("\n".join)


@st.composite
def bullet_list(draw) -> str:
    marker = draw(st.sampled_from(["-", "*", "+", "1.", "2)"]))
    out = []
    for _ in range(draw(st.integers(1, 5))):
        out.append(f"{marker} {draw(inline)}")
        for _ in range(draw(st.integers(0, 3))):
            depth = draw(st.integers(1, 3))
            out.append("  " * depth + "- " + draw(inline))
        if draw(st.booleans()):
            out.append("")
    return "\n".join(out)


@st.composite
def code_fence(draw) -> str:
    fence = draw(st.sampled_from(["```", "~~~", "````"]))
    body = draw(st.lists(st.one_of(atx, paragraph, st.just("# not a heading")), max_size=4))
    closed = draw(st.booleans())
    return "\n".join([fence + draw(st.sampled_from(["", "python", "md"])), *body] + ([fence] if closed else []))


title = st.lists(st.sampled_from(["Costs", "plan", "alpha", "beta", "café", "日本語", "Why LLMs"]),
                min_size=1, max_size=4).map(" ".join)


@st.composite
def outline(draw) -> str:
    """A heading whose body ends with a list of title-like items (an outline)."""
    out = [draw(atx), ""]
    if draw(st.booleans()):
        out += [draw(paragraph), ""]
    for _ in range(draw(st.integers(1, 4))):
        out.append(f"- {draw(title)}")
        for _ in range(draw(st.integers(0, 3))):
            out.append("  " * draw(st.integers(1, 2)) + "- " + draw(inline))
    return "\n".join(out)


indented_code = st.lists(st.one_of(atx, phrase), min_size=1, max_size=3).map(
    lambda ls: "\n".join("    " + line for line in ls))
blockquote = st.lists(st.one_of(atx, inline, st.just("- item")), min_size=1, max_size=4).map(
    lambda ls: "\n".join("> " + line for line in ls))
blank = st.sampled_from(["", "   ", "\t"])
block = st.one_of(outline(), outline(), atx, atx, setext, paragraph, paragraph, bullet_list(), bullet_list(), code_fence(),
                  indented_code, blockquote, blank, st.just("---"), st.just("<!-- note -->"),
                  st.just("[ref]: https://example.org"), st.just("| a | b |\n|---|---|\n| 1 | 2 |"))
front_matter = st.sampled_from([
    "", "---\ntitle: A title\nlayout: post\n---", "---\ntitle: [broken\n---", "---\n---",
    "---\ntitle: never closed", "---\n- a list\n---", "---\ndate: 2023-02-30\n---", "\ufeff---\ntitle: BOM\n---",
])


@st.composite
def markdown(draw) -> str:
    parts = [draw(front_matter)]
    for b, sep in draw(st.lists(st.tuples(block, st.one_of(st.just(""), blank)), max_size=14)):
        parts.append(b)
        parts.append(sep)
    lines = lines_of(*parts)
    endings = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    out = []
    for line in lines:
        end = draw(st.sampled_from(["\n", "\r\n", "\r"])) if endings == "mixed" else endings
        out.append(line + end)
    text = "".join(out)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no final newline
    return text


def check_document(text: str) -> None:
    doc = parse(text)
    sections = doc.sections
    # Tiling: own spans are contiguous, from 0 to the end of the text.
    assert doc.rebuild() == text
    if text:
        assert sections, "a non-empty text has at least one section"
    if sections:
        assert sections[0].start == 0
        assert sections[-1].end == len(text)
    for a, b in itertools.pairwise(sections):
        assert a.end == b.start
        assert a.line_end == b.line_start
    for s in sections:
        assert s.start <= s.body_start <= s.end
        assert s.line_start <= s.line_end
    # Keys unique, lookups consistent.
    keys = [s.key for s in sections]
    assert len(set(keys)) == len(keys)
    assert all(doc.get(k) is s for k, s in zip(keys, sections))
    # Tree: parents precede children; children lie inside the parent's full span.
    index = {s.key: i for i, s in enumerate(sections)}
    for i, s in enumerate(sections):
        assert s.index == i
        if s.parent is not None:
            p = sections[index[s.parent]]
            assert index[s.parent] < i
            assert s.key in p.children
            assert p.start <= s.start and s.end_all <= p.end_all
            assert s.kind in ("heading", "outline")
            assert s.level > p.level
        for child in s.children:
            assert sections[index[child]].parent == s.key
        assert s.end_all >= s.end
        kids = [sections[index[k]] for k in s.children]
        assert s.end_all == max([s.end, *(k.end_all for k in kids)])
        # Words add up.
        assert s.words_all == s.words + sum(k.words_all for k in kids)
        assert s.words >= s.prose_words + s.outline_words >= 0
        assert s.body_kind in ("prose", "outline", "other", "empty")
    # A section's descendants are exactly the sections inside its full span.
    for i, s in enumerate(sections):
        inside = [t for t in sections[i + 1:] if t.start < s.end_all]
        assert all(t.key.startswith(s.key + "/") for t in inside)
    assert doc.words == sum(s.words for s in sections if s.kind != "frontmatter")
    assert 0.0 <= doc.prose_share <= 1.0
    doc.to_dict(with_text=True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown())
def test_generated_markdown_tiles_and_keeps_the_tree_consistent(text):
    check_document(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_arbitrary_text_never_breaks_parsing(text):
    check_document(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["# ", "## ", "- ", "  - ", "> ", "```", "~~~", "---", "    ", "\t", "1. ",
                                 "a", "B.", "\n", "\r\n", "\r", "=", "\ufeff", "\x00"]), max_size=60).map("".join))
def test_markdown_fragments_never_break_parsing(text):
    check_document(text)
