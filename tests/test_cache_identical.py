"""Cached and uncached output are identical: the demo history and generated histories.

Every read-only command that parses versions (log, sections, show -s, diff, history
--section, coverage) is run three times on the same repository: with ``--no-cache``, with
the cache folder deleted (cold: it is filled), and again (warm: read from it). The three
outputs must be byte for byte the same.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from reviewtool.demo.builder import build_demo
from tests.gitutil import clone_corpus, fast_import_history, git, make_repo


def cli(path: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(path), *args])
    assert result.exit_code == 0, (args, result.output)
    return result.output


def all_outputs(path: Path, draft: str, extra: tuple[str, ...]) -> dict[str, str]:
    base = (*extra, "-d", draft)
    out = {"log": cli(path, *base, "log", "--json")}
    versions = [v["commit"] or "worktree" for v in json.loads(out["log"])["versions"]]
    for rev in versions:
        out[f"sections {rev}"] = cli(path, *base, "sections", rev, "--json")
    for older, newer in zip(versions[1:], versions):
        out[f"diff {older} {newer}"] = cli(path, *base, "diff", older, newer, "--json")
        out[f"diff text {older} {newer}"] = cli(path, *base, "diff", older, newer, "-U", "1")
    if len(versions) > 2:  # far apart: more moved, renamed, split and merged sections
        out["diff far"] = cli(path, *base, "diff", versions[-1], versions[0], "--json", "--full")
        out["diff far markdown"] = cli(path, *base, "diff", versions[-1], versions[0], "--format", "markdown")
    newest = json.loads(out[f"sections {versions[0]}"])
    keys = [s["key"] for s in newest["sections"] if s["kind"] != "frontmatter"]
    for key in keys[:: max(1, len(keys) // 6)]:
        out[f"history {key}"] = cli(path, *base, "history", "-s", key, "--json")
        out[f"show {key}"] = cli(path, *base, "show", "-s", key, "--json")
    if any(s["kind"] == "outline" for v in versions[-3:] for s in json.loads(out[f"sections {v}"])["sections"]):
        out["coverage"] = cli(path, *base, "coverage", "--json")
    return out


def check_identical(path: Path, draft: str) -> None:
    shutil.rmtree(path / ".git" / "reviewtool", ignore_errors=True)
    uncached = all_outputs(path, draft, ("--no-cache",))
    cold = all_outputs(path, draft, ())
    assert (path / ".git" / "reviewtool" / "cache").is_dir()
    warm = all_outputs(path, draft, ())
    assert cold == uncached
    assert warm == uncached


@pytest.mark.slow
def test_the_demo_history(tmp_path: Path):
    path = build_demo(tmp_path / "demo")
    drafts = json.loads(cli(path, "drafts", "--json"))["drafts"]
    check_identical(path, drafts[0]["path"])


WORDS = ["the", "essay", "argues", "that", "riding", "works", "because", "habits", "need", "a", "reason", "and",
         "a", "route;", "evidence,", "costs,", "weather", "and", "safety", "all", "matter", "but", "none",
         "decides", "alone."]


def random_essay(rng: random.Random, sections: int) -> list[list[str]]:
    return [[" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))) for _ in range(rng.randint(1, 4))]
            for _ in range(sections)]


def render(titles: list[str], essay: list[list[str]], outline: bool) -> str:
    parts = ["---\ntitle: Generated\ndate: 2024-01-02\n---\n\n# Generated\n"]
    for title, paras in zip(titles, essay):
        parts.append(f"\n## {title}\n\n" + "\n\n".join(paras) + "\n")
    if outline:
        parts.append("\n## Plan\n\n- Costs\n  - fuel and parking\n- Health\n- Conclusion\n")
    return "".join(parts)


def edit(rng: random.Random, titles: list[str], essay: list[list[str]]) -> None:
    roll = rng.random()
    k = rng.randrange(len(essay))
    if roll < 0.15 and len(essay) > 3:  # move a section
        j = rng.randrange(len(essay))
        essay.insert(j, essay.pop(k))
        titles.insert(j, titles.pop(k))
    elif roll < 0.25:  # rename a heading
        titles[k] = titles[k] + " again"
    elif roll < 0.35:  # add a section
        essay.insert(k, [" ".join(rng.choice(WORDS) for _ in range(20))])
        titles.insert(k, f"Added {rng.randrange(10**6)}")
    else:  # edit words
        para = rng.randrange(len(essay[k]))
        words = essay[k][para].split()
        words[rng.randrange(len(words))] = rng.choice(WORDS)
        essay[k][para] = " ".join(words)


@pytest.mark.slow
def test_a_generated_linear_history_with_a_rename(tmp_path: Path):
    rng = random.Random(13)
    titles = [f"Part {i}" for i in range(8)]
    essay = random_essay(rng, 8)
    texts = []
    for i in range(24):
        if i:
            edit(rng, titles, essay)
        texts.append(render(titles, essay, outline=i < 12))
    repo = fast_import_history(tmp_path / "linear", texts, rename_at={12: "drafts/renamed.md"})
    (repo.path / "drafts" / "renamed.md").write_text(texts[-1] + "\nAn uncommitted line.\n", encoding="utf-8")
    check_identical(repo.path, "drafts/renamed.md")


@pytest.mark.slow
def test_a_generated_history_with_branches_and_merges(tmp_path: Path):
    rng = random.Random(11)
    repo = make_repo(tmp_path / "merges")
    titles = [f"Part {i}" for i in range(6)]
    essay = random_essay(rng, 6)
    draft = "drafts/essay.md"
    repo.commit("Start", {draft: render(titles, essay, outline=True)})
    for round_ in range(3):
        git(repo.path, "checkout", "-q", "-b", f"side-{round_}")
        side_titles, side_essay = list(titles), [list(p) for p in essay]
        for _ in range(2):
            side_essay[0][0] += " side words"
            repo.commit(f"Side {round_}", {draft: render(side_titles, side_essay, outline=True)})
        git(repo.path, "checkout", "-q", "main")
        for _ in range(2):
            edit(rng, titles, essay)
            essay[-1][-1] += " main words"
            repo.commit(f"Main {round_}", {draft: render(titles, essay, outline=True)})
        # Resolve by hand: main's text with the side's first paragraph (an evil merge).
        git(repo.path, "merge", "-q", "--no-ff", "-s", "ours", "--no-edit", f"side-{round_}")
        essay[0][0] = side_essay[0][0]
        (repo.path / draft).write_text(render(titles, essay, outline=True), encoding="utf-8")
        git(repo.path, "commit", "-q", "--amend", "-a", "--no-edit")
    check_identical(repo.path, draft)


@pytest.mark.slow
def test_pairs_of_the_rfc_corpus(tmp_path: Path):
    """``diff`` of real versions (the RFC essay and the README, whose long list of links
    changes in nearly every version): uncached, cold and warm, as JSON, text and Markdown."""
    path = clone_corpus(tmp_path / "rfcs")
    for draft in ("text/3537-msrv-resolver.md", "README.md"):
        commits = git(path, "log", "--format=%H", "--", draft).split()
        picked = commits[:: max(1, len(commits) // 4)]
        pairs = [(c, f"{c}~1") for c in picked[:-1]] + [(picked[-1], picked[0])]

        def outputs(*extra: str, draft: str = draft, pairs: list[tuple[str, str]] = pairs) -> dict[str, str]:
            out = {}
            for new, old in pairs:
                base = (*extra, "-d", draft, "diff", old, new)
                out[f"{old} {new} json"] = cli(path, *base, "--json")
                out[f"{old} {new} text"] = cli(path, *base)
                out[f"{old} {new} markdown"] = cli(path, *base, "--format", "markdown", "-U", "0")
            return out

        shutil.rmtree(path / ".git" / "reviewtool", ignore_errors=True)
        uncached = outputs("--no-cache")
        cold = outputs()
        assert list((path / ".git" / "reviewtool" / "cache").glob("diff-*/pack-*.pack"))  # the diffs were kept
        warm = outputs()
        assert cold == uncached
        assert warm == uncached
