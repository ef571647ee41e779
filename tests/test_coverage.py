"""Outline coverage: bullets and sub-points mapped to prose sections and paragraphs."""

from __future__ import annotations

import json

import pytest

from reviewtool.cli.commands import run
from reviewtool.demo.builder import demo_version
from reviewtool.diff.coverage import coverage, paragraphs, pick_outline_version
from reviewtool.draft.document import parse
from reviewtool.draft.history import DraftHistory
from reviewtool.git.repo import GitRepo
from tests.gitutil import fast_import_history

FM = "---\ntitle: Riding to work\n---\n"

OUTLINE = FM + """
## Introduction

Why I went from driving to cycling.

## Plan

- Body and mind
  - resting heart rate down
  - back pain gone
  - switching off after work
- Costs of the car
  - fuel and parking every month
  - insurance renewal
- Safety on the road
  - lights and a yellow jacket
  - theft and locks
- Conclusion
"""

PROSE = FM + """
## Introduction

Why I went from driving to cycling.

## What cycling did for my health

Within two months my resting heart rate was down by nine beats a minute, and the pain in my
lower back had gone.

The ride home is where work stops. By the time I lock the bike in the shed I have switched off.

## Money

Fuel and parking cost me roughly two hundred euros every month.

## Staying safe

Traffic is the real worry, and I changed my route to avoid the ring road.

### Being seen

I ride with lights on all day and wear a yellow jacket from October to March.
"""


def by_title(cov):
    return {b.title: b for b in cov.bullets}


def test_promoted_bullets_map_to_sections_and_paragraphs():
    cov = coverage(parse(OUTLINE), parse(PROSE))
    bullets = by_title(cov)
    body = bullets["Body and mind"]
    assert body.covered and body.via_alignment
    assert body.placement.section.key == "what-cycling-did-for-my-health"
    points = {p.text: p for p in body.points}
    assert points["resting heart rate down"].placement.paragraph.index == 1
    assert points["back pain gone"].placement.paragraph.index == 1
    switching = points["switching off after work"].placement
    assert switching.paragraph.index == 2 and switching.paragraph.first_words.startswith("The ride home is where")
    assert body.share == 1.0


def test_unwritten_points_and_bullets_are_not_written_yet():
    bullets = by_title(coverage(parse(OUTLINE), parse(PROSE)))
    costs = bullets["Costs of the car"]
    assert costs.placement.section.key == "money"
    points = {p.text: p for p in costs.points}
    assert points["fuel and parking every month"].covered
    assert not points["insurance renewal"].covered
    assert points["insurance renewal"].placement.section is None
    assert costs.points_covered == 1 and costs.share == 0.5
    conclusion = bullets["Conclusion"]
    assert not conclusion.covered and conclusion.placement.section is None


def test_sub_point_developed_in_a_subsection():
    safety = by_title(coverage(parse(OUTLINE), parse(PROSE)))["Safety on the road"]
    assert safety.placement.section.key == "staying-safe"
    points = {p.text: p for p in safety.points}
    seen = points["lights and a yellow jacket"].placement
    assert seen.section.key == "staying-safe/being-seen" and seen.paragraph.index == 1
    assert not points["theft and locks"].covered


def test_totals():
    cov = coverage(parse(OUTLINE), parse(PROSE))
    assert (len(cov.bullets), cov.bullets_covered) == (4, 3)
    assert (cov.points_total, cov.points_covered) == (7, 5)
    assert cov.bullet_share == 0.75 and cov.point_share == pytest.approx(5 / 7)
    data = json.loads(json.dumps(cov.to_dict()))
    assert data["bullets_covered"] == 3 and data["points_total"] == 7
    first = data["bullets"][0]
    assert set(first) >= {"key", "title", "covered", "score", "section_key", "paragraph", "paragraph_start",
                          "points"}
    assert set(first["points"][0]) >= {"text", "depth", "covered", "score", "section_key", "paragraph"}


def test_bullets_merged_into_their_heading_prose():
    outline = FM + ("## Introduction\n\n- Six years of driving\n  - twelve kilometres each way\n"
                    "  - the car seemed the only sensible option\n- The broken clutch\n"
                    "  - borrowed the neighbour's touring bike\n")
    prose = FM + ("## Introduction\n\nFor six years I drove twelve kilometres to the office, and I told myself "
                  "the car was the only sensible option.\n\nThen a broken clutch left me with my neighbour's "
                  "old touring bike for a month.\n")
    cov = coverage(parse(outline), parse(prose))
    assert [b.placement.section.key for b in cov.bullets] == ["introduction", "introduction"]
    assert all(b.via_alignment for b in cov.bullets)
    assert [p.placement.paragraph.index for b in cov.bullets for p in b.points] == [1, 1, 2]


def test_passing_mentions_elsewhere_do_not_count():
    outline = FM + "## Plan\n\n- Conclusion\n- Deceptive alignment bootstrapping\n"
    prose = FM + ("## Plan\n\n- Conclusion\n- Deceptive alignment bootstrapping\n\n## Argument\n\n"
                  "None of this is conclusive, which will matter when we get to deceptive alignment.\n")
    cov = coverage(parse(outline), parse(prose))
    assert cov.bullets_covered == 0


def test_same_document_outline_and_prose():
    text = PROSE + "\n## Still to write\n\n- Fuel and parking every month\n- A section on riding with children\n"
    cov = coverage(parse(text), parse(text))
    bullets = by_title(cov)
    assert bullets["Fuel and parking every month"].placement.section.key == "money"
    assert not bullets["A section on riding with children"].covered


def test_paragraphs_are_top_level_blocks():
    text = FM + ("## Notes\n\nFirst paragraph, hard\nwrapped over [two lines](https://example.org/x).\n\n"
                 "> A quoted\n> passage.\n\n- a list item\n- another item here.\n\nLast one.\n")
    doc = parse(text)
    paras = paragraphs(doc, doc.get("notes"))
    assert [p.index for p in paras] == [1, 2, 3, 4]
    assert paras[0].text == "First paragraph, hard wrapped over two lines."
    assert "example" not in paras[0].words
    assert paras[1].text == "A quoted passage."
    assert paras[3].text == "Last one."
    lines = text.splitlines()
    assert [lines[p.line - 1] for p in paras] == ["First paragraph, hard", "> A quoted", "- a list item",
                                                   "Last one."]


def test_demo_outline_is_fully_written_by_the_last_version():
    outline, prose = parse(demo_version("v04.md").decode()), parse(demo_version("v10.md").decode())
    cov = coverage(outline, prose)
    assert cov.bullets_covered == len(cov.bullets) == 4
    assert cov.points_covered == cov.points_total
    why = by_title(cov)["Why we might expect LLMs to be mesa-optimizers"]
    assert why.placement.section.key == "why-large-language-models-are-likely-mesa-optimizers"
    assert [p.placement.paragraph.index for p in why.points if p.text in ("human modeling", "depth")] == [6, 7]


def test_demo_first_prose_version_covers_one_bullet():
    cov = coverage(parse(demo_version("v04.md").decode()), parse(demo_version("v05.md").decode()))
    written = [b.title for b in cov.bullets if b.covered]
    assert written == ["Why we might expect LLMs to be mesa-optimizers"]


# ---------------------------------------------------------------- evidence and confidence

RFC_PROSE = FM + """
## Summary

The msrv resolver prefers dependency versions whose minimum supported Rust version is met.

## Resolver

The msrv resolver reads each candidate's rust-version field before it picks a version, and falls back
to the running toolchain when a package declares nothing.

## Config

A resolver precedence setting in the config file turns the msrv resolver off for CI jobs that test the
newest dependencies.

## License

Dual licensed under MIT and Apache-2.0.
"""


def test_a_short_bullet_whose_words_are_everywhere_is_not_judged():
    """Issue 11: a two-word bullet was "developed at 1.00" by an unrelated paragraph holding both
    words. Words that every section uses cannot place it, nor can the aligner alone (it pairs by
    the same words): no verdict, no confidence."""
    outline = FM + "## Plan\n\n- msrv resolver\n"
    cov = coverage(parse(outline), parse(RFC_PROSE))
    short = by_title(cov)["msrv resolver"]
    assert not short.covered
    assert short.placement.state == "not enough text to judge" and short.placement.confidence == 0.0
    assert cov.bullets_undecided == 1
    data = short.placement.to_dict()
    assert data["state"] == "not enough text to judge" and data["section_key"] is None


def test_telling_words_decide_where_not_common_ones():
    """A bullet's rare word ('toolchain') says where it went; 'msrv' and 'resolver' are everywhere."""
    outline = FM + "## Plan\n\n- Summary of the msrv resolver\n- Falling back to the toolchain\n  - msrv resolver\n"
    cov = coverage(parse(outline), parse(RFC_PROSE))
    fallback = by_title(cov)["Falling back to the toolchain"]
    assert fallback.placement.section.key == "resolver"
    assert "words" in fallback.placement.evidence


def test_a_title_matches_across_spelling_and_compounds():
    outline = FM + "## Plan\n\n- Licence\n- The info string\n"
    prose = FM + ("## Infostring\n\nAn infostring names the tool that reads the block.\n\n"
                  "## License\n\nDual licensed under MIT and Apache-2.0.\n")
    bullets = by_title(coverage(parse(outline), parse(prose)))
    assert bullets["Licence"].placement.section.key == "license"
    assert "title" in bullets["Licence"].placement.evidence
    assert bullets["The info string"].placement.section.key == "infostring"


def test_bullets_under_template_headings_go_to_those_headings():
    """An outline in the RFC template's shape: each heading says where its bullets go, even when
    another section holds as many of the words."""
    outline = FM + ("## Motivation\n\n- Teams keep old toolchains\n\n"
                    "## Alternatives\n\n- Teams keep old toolchains longer\n")
    prose = FM + ("## Motivation\n\nTeams keep old toolchains for years: distributions, embedded images.\n\n"
                  "## Alternatives\n\nWe could tell teams that keep old toolchains to pin every dependency.\n")
    cov = coverage(parse(outline), parse(prose))
    assert [b.placement.section.key for b in cov.bullets] == ["motivation", "alternatives"]
    assert all("under its heading" in b.placement.evidence for b in cov.bullets)


def test_confidence_and_evidence_in_json():
    cov = coverage(parse(OUTLINE), parse(PROSE))
    data = json.loads(json.dumps(cov.to_dict()))
    body = data["bullets"][0]
    assert body["state"] == "written" and body["confidence_level"] in ("high", "medium", "low")
    assert 0.0 < body["confidence"] <= 1.0 and "words" in body["evidence"]
    conclusion = data["bullets"][3]
    assert conclusion["state"] == "not written yet" and conclusion["confidence"] >= 0.5
    assert set(data["thresholds"]) >= {"words", "words_in_place", "title", "thin", "confidence_high"}
    assert data["bullets_undecided"] == 0


# ---------------------------------------------------------------- choosing the outline version, CLI

V1 = FM + "## Plan\n\n- Health\n- Money\n"
V2 = FM + "## Plan\n\n- Health\n  - heart rate and back pain\n- Money\n  - fuel and parking every month\n"
V3 = FM + "## Plan\n\n- Money\n  - fuel and parking every month\n- Later\n\n" + \
     "## Health\n\nMy heart rate dropped and the back pain went away.\n"
V4 = FM + "## Health\n\nMy heart rate dropped and the back pain went away.\n\n" + \
     "## Money\n\nFuel and parking cost me two hundred euros every month.\n"


@pytest.fixture
def history_repo(tmp_path):
    return fast_import_history(tmp_path / "repo", [V1, V2, V3, V4])


def test_pick_outline_version_takes_the_fullest_outline(history_repo):
    hist = DraftHistory(GitRepo.open(history_repo.path), "drafts/essay.md")
    newest = hist.versions[0]
    assert pick_outline_version(hist, newest) == hist.versions[2]  # V2
    assert pick_outline_version(hist, hist.versions[3]) == hist.versions[3]  # only V1 is available


def test_pick_outline_version_none_without_bullets(tmp_path):
    repo = fast_import_history(tmp_path / "repo", [V4])
    hist = DraftHistory(GitRepo.open(repo.path), "drafts/essay.md")
    assert pick_outline_version(hist, hist.versions[0]) is None


def test_cli_coverage_json(history_repo, capsys):
    assert run(["-C", str(history_repo.path), "coverage", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outline_default"] is True
    assert data["outline_version"]["subject"] == "Version 2"
    assert data["prose_version"]["subject"] == "Version 4"
    assert (data["bullets_covered"], data["points_covered"], data["points_total"]) == (2, 2, 2)
    assert data["bullets"][1]["section_key"] == "money"


def test_cli_coverage_text_marks_unwritten(history_repo, capsys):
    assert run(["-C", str(history_repo.path), "coverage", "~2", "~1"]) == 0
    out = capsys.readouterr().out
    assert "Money" in out and "not written yet" in out
    assert "bullets written: 1/2 (50%)" in out
    assert "confidence" in out  # every verdict says how sure it is


def test_cli_coverage_without_outline_is_an_error(tmp_path, capsys):
    repo = fast_import_history(tmp_path / "repo", [V4])
    assert run(["-C", str(repo.path), "coverage"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("reviewtool: error: no version of drafts/essay.md") and "Traceback" not in err


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "rich-terminal"])
def test_cli_coverage_prints_hostile_text_literally(repo, monkeypatch, capsys, terminal):
    from reviewtool.cli import render

    hostile = "[bold]fuel[/bold] \x1b[31mparking\x1b[0m"
    repo.commit("outline", {"drafts/essay.md": FM + f"## Plan\n\n- {hostile}\n  - {hostile} costs\n- Later\n"})
    repo.commit("prose", {"drafts/essay.md": FM + f"## Plan\n\n- Later\n- Notes\n\n## {hostile}\n\n"
                                                  f"The {hostile} costs every month.\n"})
    monkeypatch.setattr(render, "is_terminal", lambda: terminal)
    monkeypatch.setenv("COLUMNS", "300")
    assert run(["-C", str(repo.path), "coverage"]) == 0
    out = capsys.readouterr().out
    assert "[bold]fuel[/bold]" in out and "parking" in out
    assert "\x1b" not in out
