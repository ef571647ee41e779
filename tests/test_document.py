"""The draft model: front matter, headings, outline sections, keys, words, spans, odd text."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.draft.document import MAX_TITLE_WORDS, WORD_PATTERN, count_words, is_title_like, parse, slugify

SEED_OWNER = "were-not-in-the-best-of-all-possible-worlds"


def keys(doc) -> list[str]:
    return [s.key for s in doc.sections]


def heading_keys(doc) -> list[str]:
    return [s.key for s in doc.sections if s.kind == "heading"]


def assert_tiles(doc) -> None:
    assert doc.rebuild() == doc.text
    if doc.sections:
        assert doc.sections[0].start == 0
        assert doc.sections[-1].end == len(doc.text)
        for a, b in zip(doc.sections, doc.sections[1:]):
            assert a.end == b.start


# ---------------------------------------------------------------- front matter


def test_front_matter_fields_are_parsed():
    text = ("---\nlayout: post\ntitle: SERI MATS Summer 2023 Problem 2\n"
            "date: 2023-05-05 12:12:12 -0400\ncategories:\ntags: [ai, essays]\n---\n\n## Prompt\n\nHello there.\n")
    doc = parse(text)
    fm = doc.sections[0]
    assert fm.kind == "frontmatter" and fm.key == "front-matter"
    assert fm.start == 0 and fm.line_start == 0
    assert fm.fields["layout"] == "post"
    assert fm.fields["title"] == "SERI MATS Summer 2023 Problem 2"
    assert fm.fields["categories"] is None
    assert fm.fields["tags"] == ["ai", "essays"]
    # Jekyll's "-0400" offset is not a YAML timestamp: the date stays a string.
    assert fm.fields["date"] == "2023-05-05 12:12:12 -0400"
    assert doc.front_matter is fm.fields
    assert doc.title == "SERI MATS Summer 2023 Problem 2"
    assert doc.problems == []
    # The front matter is not essay text: no words, not counted as a section.
    assert fm.words == 0 and doc.words == 2
    assert doc.stats()["sections"] == 1
    # A real YAML timestamp becomes a datetime, and a string in JSON output.
    doc = parse("---\ndate: 2023-05-05 12:12:12 -04:00\n---\n")
    assert doc.front_matter["date"].utcoffset() == dt.timedelta(hours=-4)
    data = json.loads(json.dumps(doc.to_dict()))
    assert data["front_matter"]["date"].startswith("2023-05-05")


def test_malformed_front_matter_is_a_problem_and_parsing_goes_on():
    text = "---\ntitle: [unclosed\nlayout: post\n---\n# Real heading\n\nBody text.\n"
    doc = parse(text)
    assert len(doc.problems) == 1
    assert doc.problems[0].startswith("malformed front matter at line ")
    assert doc.sections[0].kind == "frontmatter"
    assert doc.sections[0].fields == {}
    assert doc.sections[0].end == text.index("# Real")
    assert heading_keys(doc) == ["real-heading"]
    assert doc.get("real-heading").words == 2
    assert doc.title == "Real heading"
    assert_tiles(doc)


@pytest.mark.parametrize("body, problem", [
    ("date: 2023-02-30\n", "day is out of range"),  # valid YAML, impossible date
    ("- just\n- a list\n", "expected key: value fields"),
    ("a: &a [*a]\n", "self-referencing"),
    ("a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
     "too large"),
])
def test_front_matter_problems_never_raise(body, problem):
    text = f"---\n{body}---\n# After\n\nStill parsed.\n"
    doc = parse(text)
    assert len(doc.problems) == 1 and problem in doc.problems[0]
    assert doc.front_matter == {}
    assert heading_keys(doc) == ["after"]
    json.dumps(doc.to_dict())
    assert_tiles(doc)


def test_unclosed_front_matter():
    text = "---\ntitle: Never closed\n\n# Heading\n\nBody.\n"
    doc = parse(text)
    assert doc.problems == ["front matter is not closed: no '---' line after the opening one"]
    assert all(s.kind != "frontmatter" for s in doc.sections)
    assert doc.front_matter == {}
    assert heading_keys(doc) == ["heading"]
    assert_tiles(doc)


def test_empty_front_matter_and_dot_terminator():
    doc = parse("---\n---\n# A\n")
    assert doc.sections[0].kind == "frontmatter" and doc.sections[0].fields == {} and doc.problems == []
    doc = parse("---\ntitle: Dots\n...\n# A\n")
    assert doc.front_matter == {"title": "Dots"}
    # A thematic break later in the text is not front matter.
    doc = parse("# A\n\n---\n\ntitle: no\n")
    assert doc.front_matter == {} and keys(doc) == ["a"]


# ---------------------------------------------------------------- headings


def test_atx_headings_nest_by_level_at_every_level():
    text = "# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n###### Six\n\n## Two b\n\n# One b\n"
    doc = parse(text)
    assert keys(doc) == [
        "one", "one/two", "one/two/three", "one/two/three/four", "one/two/three/four/five",
        "one/two/three/four/five/six", "one/two-b", "one-b",
    ]
    assert [s.level for s in doc.sections] == [1, 2, 3, 4, 5, 6, 2, 1]
    assert doc.get("one").children == ["one/two", "one/two-b"]
    assert doc.get("one/two/three/four/five/six").parent == "one/two/three/four/five"
    assert [s.key for s in doc.roots()] == ["one", "one-b"]
    assert_tiles(doc)


def test_setext_headings_nest_with_atx():
    text = "Title\n=====\n\nIntro words here.\n\nPart\n----\n\nPart body.\n\n### Detail\n\nMore.\n\nNext part\n---\n"
    doc = parse(text)
    assert keys(doc) == ["title", "title/part", "title/part/detail", "title/next-part"]
    assert [s.level for s in doc.sections] == [1, 2, 3, 2]
    part = doc.get("title/part")
    # A setext heading spans two lines; its body starts after the underline.
    assert part.line_start == 5 and doc.body_text(part).startswith("\nPart body.")
    assert part.words == 2


def test_skipped_levels_nest_under_the_nearest_shallower_heading():
    doc = parse("# A\n\n### Deep\n\n## Mid\n\n#### Deeper\n")
    assert keys(doc) == ["a", "a/deep", "a/mid", "a/mid/deeper"]


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_hash_inside_a_code_fence_is_not_a_heading(fence):
    text = f"# Real\n\n{fence}python\n# not a heading\n## nor this\n{fence}\n\nAfter.\n"
    doc = parse(text)
    assert keys(doc) == ["real"]
    real = doc.get("real")
    # Code words count as "other" words (not the info string); "After." is prose.
    assert real.words == 5 + 1 and real.prose_words == 1
    assert real.body_kind == "prose"


def test_hash_in_indented_code_is_not_a_heading():
    doc = parse("# Real\n\nText.\n\n    # indented code\n    ## still code\n\n\t# tab-indented code\n")
    assert keys(doc) == ["real"]


def test_headings_inside_blockquotes_and_lists_are_not_sections():
    text = ("# Top\n\n> # Quoted heading\n> text\n\n- # Heading in a list\n- item\n\n"
            "1. ## Ordered\n\n<div>\n\n# html-ish\n\n</div>\n")
    doc = parse(text)
    assert heading_keys(doc)[0] == "top"
    assert "top/quoted-heading" not in keys(doc)
    assert all("heading-in-a-list" not in k for k in keys(doc))
    assert all("ordered" not in k for k in keys(doc))


def test_empty_heading_gets_a_title():
    doc = parse("#\n\nBody.\n\n## \n")
    assert [s.title for s in doc.sections] == ["(untitled)", "(untitled)"]
    assert keys(doc) == ["untitled", "untitled/untitled"]


def test_heading_title_is_plain_text():
    doc = parse("## A [link](https://example.org/x) and `code` and *emph* ##\n")
    s = doc.sections[0]
    assert s.title == "A link and code and emph"
    assert s.key == "a-link-and-code-and-emph"


# ---------------------------------------------------------------- outline sections


def test_seed_outline_sections(seed_text):
    doc = parse(seed_text, path="drafts/2023-05-05-seri-mats-problem-2.md")
    assert doc.problems == []
    assert keys(doc) == [
        "front-matter",
        "prompt",
        SEED_OWNER,
        f"{SEED_OWNER}/introduction",
        f"{SEED_OWNER}/why-we-might-expect-llms-to-be-mesa-optimizers",
        f"{SEED_OWNER}/behavioral-vs-mechanistic-study",
        f"{SEED_OWNER}/conclusion",
        "resources",
    ]
    owner = doc.get(SEED_OWNER)
    assert owner.kind == "heading" and owner.level == 2
    outline = [doc.get(k) for k in owner.children]
    assert [s.title for s in outline] == [
        "introduction", "Why we might expect LLMs to be mesa-optimizers",
        "behavioral vs mechanistic study", "Conclusion",
    ]
    assert all(s.kind == "outline" and s.level == 3 and s.parent == SEED_OWNER for s in outline)
    assert all(s.body_kind == "outline" for s in outline)
    intro, why, behav, concl = outline
    assert [(p.text, p.depth) for p in intro.subpoints] == [
        ("We're probably already living with mesa-optimizers", 1),
        ("we don't need better interpretability tools to check", 1),
        ("Even if non-mesa-optimizing TAI are possible, that doesn't mean that that's what we should focus on", 1),
    ]
    assert [(p.text, p.depth) for p in why.subpoints][:3] == [
        ("deep double descent", 1), ("also see OpenAI Article", 2), ("Subprocess interdependence", 2),
    ]
    assert [p.text for p in why.subpoints if p.depth == 1] == [
        "deep double descent", "human modeling", "depth", "diverse environments",
    ]
    assert behav.subpoints[-1].text == "Bootstrapping deceptive alignment" and behav.subpoints[-1].depth == 2
    assert concl.subpoints == [] and concl.words == 1
    # Sub-point lines are 0-based source lines.
    assert intro.subpoints[0].line == seed_text.splitlines().index("    1. We're probably already living with mesa-optimizers")
    # The owner's own body holds only blank lines: every bullet became an outline section.
    assert owner.words == 0 and owner.body_kind == "empty"
    assert owner.words_all == sum(s.words_all for s in outline)
    assert doc.full_text(owner) == seed_text[owner.start:doc.get("resources").start]
    assert doc.own_text(intro).startswith("- introduction\n")
    assert doc.get("prompt").body_kind == "other"  # a blockquote
    assert doc.get("resources").body_kind == "prose"
    assert doc.stats() == {"words": doc.words, "sections": 7, "prose_sections": 1,
                           "outline_sections": 4, "prose_share": 0.2}
    assert_tiles(doc)


def test_long_prose_bullets_are_body_text_not_sections():
    text = ("## Writing tips\n\n"
            "- Write the first draft quickly and without stopping to fix every sentence.\n"
            "- Read it aloud the next day; you will hear what your eyes skip over.\n"
            "- Cut the first paragraph, because it is almost always throat clearing.\n\n"
            "## Next\n")
    doc = parse(text)
    assert keys(doc) == ["writing-tips", "next"]
    tips = doc.get("writing-tips")
    assert tips.children == []
    assert tips.body_kind == "prose"
    assert tips.prose_words == tips.words == count_words(
        "Write the first draft quickly and without stopping to fix every sentence. "
        "Read it aloud the next day; you will hear what your eyes skip over. "
        "Cut the first paragraph, because it is almost always throat clearing.")


def test_one_sentence_item_keeps_the_whole_list_as_body():
    text = "## Plan\n\n- Costs\n- Health\n- This one is a full sentence.\n"
    doc = parse(text)
    assert keys(doc) == ["plan"]
    plan = doc.get("plan")
    # A list that is not an outline is body text: all its words are prose (one rule: outline_rules).
    assert plan.outline_words == 0 and plan.prose_words == 8 and plan.body_kind == "prose"


def test_outline_list_must_end_the_body():
    text = "## Plan\n\n- Costs\n- Health\n\nA closing paragraph after the list.\n"
    doc = parse(text)
    assert keys(doc) == ["plan"]
    # With nothing after it, the same list is an outline.
    doc = parse("## Plan\n\nAn opening paragraph.\n\n- Costs\n- Health\n")
    assert keys(doc) == ["plan", "plan/costs", "plan/health"]
    plan = doc.get("plan")
    assert plan.words == 3 and plan.body_kind == "prose"
    assert plan.words_all == 5


def test_single_item_needs_sub_points_or_the_whole_body():
    assert keys(parse("## Plan\n\nWhat to cover.\n\n- Costs\n")) == ["plan"]
    assert keys(parse("## Plan\n\n- Costs\n")) == ["plan", "plan/costs"]  # the whole body
    doc = parse("## Plan\n\n- Costs\n  - fuel and parking\n")
    assert keys(doc) == ["plan", "plan/costs"]
    costs = doc.get("plan/costs")
    assert [(p.text, p.depth) for p in costs.subpoints] == [("fuel and parking", 1)]
    assert costs.words == 4 and costs.outline_words == 4


def test_ordered_and_consecutive_lists_form_one_outline():
    doc = parse("## Plan\n\n1. First part\n2. Second part\n\n- Third part\n- Fourth part\n")
    assert [s.title for s in doc.sections[1:]] == ["First part", "Second part", "Third part", "Fourth part"]


def test_outline_in_the_preamble_and_headings_after_it():
    text = "- Alpha\n- Beta\n\n## Heading\n\nBody.\n"
    doc = parse(text)
    assert keys(doc) == ["preamble", "preamble/alpha", "preamble/beta", "heading"]
    assert doc.get("preamble").children == ["preamble/alpha", "preamble/beta"]
    # The heading is a root, not a child of the last bullet.
    assert doc.get("heading").parent is None
    assert_tiles(doc)


def test_a_deeper_heading_after_an_outline_belongs_to_the_heading_not_the_bullet():
    doc = parse("## Plan\n\n- Costs\n- Health\n\n#### Aside\n\nText.\n\n## Next\n")
    assert doc.get("plan/aside") is not None
    assert doc.get("plan/aside").parent == "plan"
    assert doc.get("plan/health").children == []
    assert keys(doc) == ["plan", "plan/costs", "plan/health", "plan/aside", "next"]


@pytest.mark.parametrize("title, expected", [
    ("Costs", True),
    ("Why we might expect LLMs to be mesa-optimizers", True),
    (" ".join(["word"] * MAX_TITLE_WORDS), True),
    (" ".join(["word"] * (MAX_TITLE_WORDS + 1)), False),
    ("This is a sentence.", False),
    ("Is this a question?", False),
    ("Wow!", False),
    ("Lead-in:", False),
    ("clause;", False),
    ('He said "stop."', False),
    ("two\nlines", False),
    ("", False),
    ("—", False),
    ("e.g. examples", True),
])
def test_title_like_rule(title, expected):
    assert is_title_like(title) is expected


# ---------------------------------------------------------------- keys


def test_duplicate_titles_get_unique_keys():
    text = "## Notes\n\n### Sub\n\n## Notes\n\n### Sub\n\n## Notes\n\n## Notes 1\n\n## Front matter\n"
    doc = parse("---\ntitle: t\n---\n" + text)
    assert keys(doc) == ["front-matter", "notes", "notes/sub", "notes-1", "notes-1/sub", "notes-2",
                         "notes-1-1", "front-matter-1"]
    assert len(set(keys(doc))) == len(doc.sections)
    assert doc.get("notes-1").children == ["notes-1/sub"]


def test_duplicate_outline_titles():
    doc = parse("## Plan\n\n- Idea\n- Idea\n- Idea\n")
    assert keys(doc) == ["plan", "plan/idea", "plan/idea-1", "plan/idea-2"]


def test_slugify():
    assert slugify("We're not in the best of all possible worlds") == "were-not-in-the-best-of-all-possible-worlds"
    assert slugify("  A -- B  ") == "a-b"
    assert slugify("???") == "section"
    assert slugify("日本語 タイトル") == "日本語-タイトル"
    assert slugify("Cafe\u0301") == "café"  # combining accent composed (NFKC)


# ---------------------------------------------------------------- words


def test_words_own_and_with_children():
    text = ("# Essay\n\nOne two three.\n\n## Part\n\nFour five.\n\n### Deep\n\nSix.\n\n"
            "## Plan\n\n- Seven eight\n  - nine ten\n- Eleven\n")
    doc = parse(text)
    w = {s.key: (s.words, s.words_all) for s in doc.sections}
    assert w == {
        "essay": (3, 3 + 2 + 1 + 0 + 4 + 1),
        "essay/part": (2, 3),
        "essay/part/deep": (1, 1),
        "essay/plan": (0, 5),
        "essay/plan/seven-eight": (4, 4),  # an outline item counts its title and sub-points
        "essay/plan/eleven": (1, 1),
    }
    # Heading titles are not counted; the document's words are the sum of the own words.
    assert doc.words == sum(s.words for s in doc.sections) == 11


def test_count_words():
    assert count_words("don't stop-gap well-known") == 3
    assert count_words("a, b; c. 42 3.14") == 6
    assert count_words("— * # -- __") == 0
    assert count_words("naïve café résumé") == 3
    assert count_words("🙂 🚀") == 0
    assert count_words("हिन्दी भाषा") == 2  # vowel signs are combining marks
    assert count_words("cafe\u0301 e\u0301te\u0301") == 2


#: What words are made of and what surrounds them: letters (with combining marks), digits,
#: inner apostrophes and hyphens, every punctuation mark count_words strips from a chunk's ends.
WORD_BITS = ["a", "Z", "9", "é", "e\u0301", "\u0301", "ि", "हि", "_", "'", "’", "-", "—", ".", ",", ";", ":", "!", "?",
             "(", ")", "[", "]", '"', "“", "”", "*", "`", "~", "/", "\\", "|", "…", "#", "&", "%", "$", "@", "^", "=",
             "+", "🙂", "don't", "word", "3.14", "x-y", " ", " ", "\n", "\t"]


@given(st.lists(st.sampled_from(WORD_BITS), max_size=120))
def test_count_words_equals_the_word_pattern(bits: list[str]):
    """count_words's shortcuts (a chunk of letters and digits is a word; so is one with
    punctuation around it) count what the word pattern finds."""
    text = "".join(bits)
    assert count_words(text) == len(re.findall(WORD_PATTERN, text))


#: ASCII only: count_words's one-translate path (a run of letters, digits, "_", "'" and "-").
ASCII_WORD_BITS = ["a", "Z", "9", "_", "'", "-", "--", ".", ",", ";", "!", "?", "(", ")", "[", "]", '"', "*", "`",
                   "~", "/", "\\", "|", "#", "&", "%", "$", "@", "^", "=", "+", "<", ">", "don't", "word", "3.14",
                   "x-y", "a_b", "_x_", "'q'", "-z-", " ", "  ", "\n", "\t", "\r", "\x0b", "\x00", "\x7f"]


@given(st.lists(st.sampled_from(ASCII_WORD_BITS), max_size=120))
def test_count_words_of_ascii_text_equals_the_word_pattern(bits: list[str]):
    """The ASCII shortcut (one translate, one count of the runs) counts what the pattern finds."""
    text = "".join(bits)
    assert text.isascii()
    assert count_words(text) == len(re.findall(WORD_PATTERN, text))


def test_count_words_of_every_ascii_character_around_words():
    """Each ASCII character alone, before, after and between words, and each pair of them."""
    chars = [chr(c) for c in range(128)]
    texts = [f"{x}{y}" for x in chars for y in chars]
    texts += [t for c in chars for t in (f"a{c}b", f"{c}ab", f"ab{c}", f"a{c}{c}b", f"x {c} y", f"{c}a{c}", f"1{c}")]
    for text in texts:
        assert count_words(text) == len(re.findall(WORD_PATTERN, text)), repr(text)


def test_plain_drops_markup_and_urls():
    doc = parse("## Links\n\nSee [the paper](https://example.org/paper.pdf) and **bold** `code`.\n")
    s = doc.get("links")
    assert s.plain == "See the paper and bold code."
    assert "https" not in s.plain and s.words == 6


# ---------------------------------------------------------------- body kinds


def test_body_kinds():
    text = ("## Prose\n\nA paragraph of text.\n\n"
            "## Quote\n\n> Quoted words only.\n\n"
            "## Code\n\n```\nprint(1)\n```\n\n"
            "## Empty\n\n"
            "## Short list\n\n- apples\n\nNot the end of the body.\n\n- pears\n- plums\n\nEnd.\n\n"
            "## Bullets\n\n- Alpha\n- Beta\n")
    doc = parse(text)
    kinds = {s.key: s.body_kind for s in doc.sections}
    assert kinds == {
        "prose": "prose", "quote": "other", "code": "other", "empty": "empty",
        "short-list": "prose", "bullets": "empty", "bullets/alpha": "outline", "bullets/beta": "outline",
    }
    short = doc.get("short-list")
    assert short.outline_words == 0 and short.prose_words == 3 + 7
    # Prose share counts sections with a written body: prose, short-list vs alpha, beta.
    assert doc.prose_share == pytest.approx(2 / 4)


def test_prose_share_with_no_written_sections():
    assert parse("# A\n\n# B\n").prose_share == 0.0
    assert parse("").prose_share == 0.0


def test_content_hash_ignores_whitespace_and_case():
    a = parse("## S\n\nSome   words\nhere.\n").get("s")
    b = parse("## S\n\nsome words here.\n").get("s")
    c = parse("## S\n\nother words here.\n").get("s")
    assert a.content_hash == b.content_hash != c.content_hash


# ---------------------------------------------------------------- spans


def test_spans_lines_and_offsets():
    text = "---\ntitle: T\n---\n\nIntro line.\n\n# Head\n\nBody one.\n\n## Sub\nBody two.\n"
    doc = parse(text)
    assert keys(doc) == ["front-matter", "preamble", "head", "head/sub"]
    fm, pre, head, sub = doc.sections
    # The front matter's span is its block; the preamble starts on the next line.
    assert (fm.start, fm.end, fm.line_start, fm.line_end) == (0, text.index("\n\nIntro") + 1, 0, 3)
    assert (pre.start, pre.end, pre.line_start, pre.line_end) == (fm.end, text.index("# Head"), 3, 6)
    assert pre.body_start == pre.start and pre.words == 2
    assert (head.start, head.line_start, head.line_end) == (text.index("# Head"), 6, 10)
    assert head.end == text.index("## Sub") and head.end_all == len(text)
    assert head.body_start == text.index("\nBody one") and doc.body_text(head) == "\nBody one.\n\n"
    assert (sub.start, sub.end, sub.line_start, sub.line_end) == (text.index("## Sub"), len(text), 10, 12)
    assert doc.body_text(sub) == "Body two.\n" and doc.own_text(sub) == "## Sub\nBody two.\n"
    assert doc.full_text(head) == text[head.start:]
    # JSON spans use 1-based line numbers, end inclusive.
    span = head.to_dict(doc)["span"]
    assert span == {"start": head.start, "end": head.end, "end_with_children": len(text),
                    "line_start": 7, "line_end": 10}
    assert head.to_dict(doc, with_text=True)["text"] == "# Head\n\nBody one.\n\n"


def test_text_before_the_first_heading_without_blocks_joins_the_first_section():
    text = "\n\n[ref]: https://example.org\n\n# Title\n\nBody.\n"
    doc = parse(text)
    assert keys(doc) == ["title"]
    assert doc.sections[0].start == 0 and doc.sections[0].line_start == 0
    assert_tiles(doc)


# ---------------------------------------------------------------- odd text


def test_crlf_matches_lf_structure_and_offsets_follow_the_crlf_text(seed_text):
    crlf = seed_text.replace("\n", "\r\n")
    lf_doc, crlf_doc = parse(seed_text), parse(crlf)
    assert keys(crlf_doc) == keys(lf_doc)
    assert [(s.words, s.line_start, s.line_end) for s in crlf_doc.sections] == \
           [(s.words, s.line_start, s.line_end) for s in lf_doc.sections]
    assert crlf_doc.front_matter == lf_doc.front_matter
    for s in crlf_doc.sections:
        # Each own span starts at the start of its line in the CRLF text.
        assert s.start == 0 or crlf[s.start - 2:s.start] == "\r\n"
    assert_tiles(crlf_doc)


def test_cr_only_line_endings():
    text = "---\rtitle: Old Mac\r---\r# A\r\rText.\r## B\r"
    doc = parse(text)
    assert doc.front_matter == {"title": "Old Mac"}
    assert keys(doc) == ["front-matter", "a", "a/b"]
    assert doc.get("a").words == 1
    assert_tiles(doc)


def test_tabs():
    doc = parse("#\tTab title\n\nword\tword\n\n-\tOne\n-\tTwo\n\nAfter list.\n\n\t# tab-indented code\n")
    assert keys(doc) == ["tab-title"]
    # The list is not at the end of the body, so it stays body text; the
    # tab-indented line is code ("other" words).
    tab = doc.get("tab-title")
    assert (tab.words, tab.prose_words, tab.outline_words) == (2 + 2 + 2 + 2, 6, 0)
    assert_tiles(doc)
    # Right after a "-<tab>" item, a tab-indented line continues the item.
    doc = parse("# T\n\n-\tOne\n-\tTwo\n\n\tmore about two\n")
    assert keys(doc) == ["t", "t/one", "t/two"]
    assert [p.text for p in doc.get("t/two").subpoints] == ["more about two"]


def test_non_ascii_titles_and_words():
    text = ("# 🙂 Émoji title 🚀\n\nCafé crème, naïve façade.\n\n## 日本語の見出し\n\n日本語 の 文章\n\n"
            "## Cafe\u0301 combining\n\nZ\u0335\u0321a\u0336lgo text.\n")
    doc = parse(text)
    assert keys(doc) == ["émoji-title", "émoji-title/日本語の見出し", "émoji-title/café-combining"]
    assert doc.sections[0].title == "🙂 Émoji title 🚀"
    assert doc.sections[0].words == 4
    assert doc.get("émoji-title/日本語の見出し").words == 3  # CJK words are the space-separated runs
    # Combining marks stay inside their word.
    assert doc.get("émoji-title/café-combining").words == 2
    assert_tiles(doc)


def test_empty_file():
    doc = parse("")
    assert doc.sections == [] and doc.words == 0 and doc.problems == [] and doc.rebuild() == ""
    assert doc.title == "untitled"


@pytest.mark.parametrize("text", [" ", "\n", "\n\n\n", "   \t\n\r\n  "])
def test_whitespace_only_file_is_one_empty_preamble(text):
    doc = parse(text)
    assert keys(doc) == ["preamble"]
    assert doc.sections[0].body_kind == "empty" and doc.words == 0
    assert_tiles(doc)


def test_no_headings_is_a_preamble_only():
    doc = parse("Just a paragraph of thoughts.\n\nAnd another one.\n", path="notes.md")
    assert keys(doc) == ["preamble"]
    pre = doc.sections[0]
    assert pre.kind == "preamble" and pre.body_kind == "prose" and pre.words == 8
    assert doc.title == "notes.md"
    assert_tiles(doc)


def test_byte_order_mark_is_kept_in_the_text_and_ignored_by_the_parser():
    text = "\ufeff---\ntitle: BOM\n---\n# Title\n\nBody.\n"
    doc = parse(text)
    assert doc.text == text
    assert doc.front_matter == {"title": "BOM"}
    assert keys(doc) == ["front-matter", "title"]
    doc = parse("\ufeff# Heading\n")
    assert keys(doc) == ["heading"] and doc.sections[0].start == 0
    assert_tiles(doc)


def test_nul_and_control_characters_do_not_break_parsing():
    text = "# A\x00B\n\nText\x1b[31m red\x07.\n\n## C\x0cD\n"
    doc = parse(text)
    assert len(heading_keys(doc)) == 2
    assert_tiles(doc)
