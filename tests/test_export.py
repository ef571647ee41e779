"""Exports: JSON schema, HTML escaping and self-containment, Markdown escaping, filters, --force."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from reviewtool.cli.commands import main
from reviewtool.draft.history import DraftHistory
from reviewtool.errors import UsageError
from reviewtool.git.repo import GitRepo
from reviewtool.review import anchoring
from reviewtool.review.anchoring import comments_for_version, make_anchor
from reviewtool.review.export import export, filter_threads, md_escape
from reviewtool.review.store import ReviewStore

DRAFT = "drafts/essay.md"
V1 = """---
title: Mesa-optimizers & friends
---

## Introduction

We are probably already living with mesa-optimizers.

## Evidence

Double descent suggests that interesting structure appears late in training.

## Conclusion

Inner alignment is a present-tense problem.
"""
V2 = V1.replace("appears late", "emerges late")

PRIYA = ("Priya Natarajan", "priya@example.org")
JONAS = ("Jonas Weber", "jonas@example.org")


def store_as(monkeypatch, path, who) -> ReviewStore:
    """A store writing as *who* (GitRepo captures the environment when it opens)."""
    with monkeypatch.context() as m:
        m.setenv("GIT_AUTHOR_NAME", who[0])
        m.setenv("GIT_AUTHOR_EMAIL", who[1])
        return ReviewStore(GitRepo.open(path))


def add(store, hist, rev, body, section=None, quote=None, suggestion=None) -> str:
    v = hist.find(rev)
    anchor = make_anchor(hist.document(v), v, section, quote)
    return store.comment_on(anchor, body, suggestion).id


@pytest.fixture
def reviewed(repo, monkeypatch):
    """Two versions; Priya and Jonas comment, reply, resolve, suggest."""
    anchoring.clear_caches()
    v1 = repo.commit("v1", {DRAFT: V1})
    v2 = repo.commit("v2", {DRAFT: V2})
    priya, jonas = store_as(monkeypatch, repo.path, PRIYA), store_as(monkeypatch, repo.path, JONAS)
    hist = DraftHistory(GitRepo.open(repo.path), DRAFT)
    ids = {
        "version": add(priya, hist, v1, "The essay needs a thesis sentence up front."),
        "quote": add(jonas, hist, v1, "Which paper shows this?", "evidence",
                     "Double descent suggests that interesting structure appears late in training."),
        "suggest": add(priya, hist, v2, "Say it plainly.", "conclusion", "a present-tense problem",
                       suggestion="a problem for the systems we already have"),
        "intro": add(jonas, hist, v2, "Strong opening.", "introduction"),
    }
    priya.reply(ids["quote"], "Nakkiran et al. 2019, I think.")
    jonas.resolve(ids["intro"])
    threads = priya.threads()
    version = hist.find(v2)
    items = comments_for_version(hist, threads, version)
    return {"repo": repo, "hist": hist, "version": version, "items": items, "ids": ids,
            "doc": hist.document(version)}


def run_export(r, fmt, **kw) -> str:
    return export(r["items"], fmt, title=r["doc"].title, draft=DRAFT, version=r["version"],
                  document=r["doc"], **kw)


# ---------------------------------------------------------------------- JSON


def test_json_export_schema_and_summary(reviewed):
    data = json.loads(run_export(reviewed, "json"))
    assert set(data) == {"schema", "title", "draft", "version", "scope", "filters", "summary", "sections"}
    assert data["draft"] == DRAFT and data["version"]["commit"] == reviewed["version"].commit
    s = data["summary"]
    assert (s["threads"], s["open"], s["resolved"], s["replies"], s["suggestions"]) == (4, 3, 1, 1, 1)
    assert s["states"]["fuzzy"] == 1 and s["states"]["outdated"] == 1  # the quote and the v1 version comment
    by_email = {r["email"]: r for r in s["reviewers"]}
    assert by_email["priya@example.org"]["threads"] == 2 and by_email["priya@example.org"]["replies"] == 1
    assert by_email["jonas@example.org"]["resolved"] == 1
    # Sections in document order, whole-draft comments first.
    assert [(g["kind"], g["key"]) for g in data["sections"]] == [
        ("draft", None), ("section", "introduction"), ("section", "evidence"), ("section", "conclusion")]
    evidence = data["sections"][2]["threads"][0]
    assert evidence["anchor"]["state"] == "fuzzy"
    assert evidence["quote"].endswith("appears late in training.")
    assert evidence["quote_found"].endswith("emerges late in training.")
    assert evidence["replies"][0]["body"] == "Nakkiran et al. 2019, I think."
    suggestion = data["sections"][3]["threads"][0]["suggestion"]
    assert suggestion == {"before": "a present-tense problem", "after": "a problem for the systems we already have",
                          "applied": False, "applied_by": None, "applied_at": None}


def test_json_escapes_terminal_controls(reviewed):
    thread = reviewed["items"][0][0]
    thread.body = "c1 \x9b31m and bidi \u202e and esc \x1b[2J"
    text = run_export(reviewed, "json")
    assert "\x9b" not in text and "\u202e" not in text and "\x1b" not in text
    assert json.loads(text)["sections"][0]["threads"][0]["body"] == thread.body


# ---------------------------------------------------------------------- filters


def test_filters(reviewed):
    items = reviewed["items"]
    assert len(filter_threads(items, "open")) == 3
    assert [t.id for t, _ in filter_threads(items, "resolved")] == [reviewed["ids"]["intro"]]
    assert {t.email for t, _ in filter_threads(items, author="PRIYA@example.org")} == {"priya@example.org"}
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert filter_threads(items, since=tomorrow) == []
    assert len(filter_threads(items, since="2000-01-01")) == 4
    data = json.loads(run_export(reviewed, "json", status="open", author="jonas@example.org"))
    assert data["summary"]["threads"] == 1
    assert data["filters"] == {"status": "open", "author": "jonas@example.org", "since": None}
    with pytest.raises(UsageError, match="invalid date"):
        filter_threads(items, since="2023-13-01")
    with pytest.raises(UsageError, match="invalid status"):
        filter_threads(items, status="closed")


# ---------------------------------------------------------------------- HTML


def _tags(page: str) -> list[tuple[str, list]]:
    """Every start tag of an HTML page with its attributes (the real tags, not escaped text)."""
    found: list[tuple[str, list]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(page)
    return found


def test_html_escapes_and_is_self_contained(reviewed):
    thread = reviewed["items"][0][0]
    thread.body = '<script>alert("x")</script> & "quoted" <img src=http://evil/x.png>'
    thread.author = 'Eve "<b>" & co'
    page = run_export(reviewed, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot;" in page
    assert "Eve &quot;&lt;b&gt;&quot; &amp; co" in page
    assert "<script" not in page.lower() and "<img" not in page.lower()
    # One file: inline CSS, nothing fetched from elsewhere.
    assert "<style>" in page
    tags = _tags(page)
    assert not [(tag, name) for tag, attrs in tags for name, _ in attrs if name in ("src", "href")]
    assert not {"script", "link", "img", "iframe", "object"} & {tag for tag, _ in tags}
    assert "@import" not in page and "url(" not in page
    assert "Mesa-optimizers &amp; friends" in page  # the title is escaped too


# ---------------------------------------------------------------------- Markdown


def _md_texts(markdown: str) -> list[str]:
    """The literal text a CommonMark renderer shows, one string per inline block."""
    md = MarkdownIt("commonmark")
    out = []
    for tok in md.parse(markdown):
        if tok.type == "inline":
            out.append("".join(c.content if c.type in ("text", "code_inline") else "\n"
                               for c in tok.children or [] if c.type in ("text", "code_inline", "softbreak",
                                                                          "hardbreak")))
    return out


def _md_html(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


def test_markdown_escapes_bodies_names_and_quotes(reviewed):
    thread = reviewed["items"][0][0]
    thread.body = "*not bold* _not em_ `not code` [not a link](http://x) <b>raw</b>\n# not a heading\n1. not a list\n> not a quote"
    thread.author = "Eve | *Star* [x]"
    text = run_export(reviewed, "markdown")
    rendered = _md_html(text)
    start = rendered.index("*not bold*")
    paragraph = rendered[rendered.rindex("<p>", 0, start):rendered.index("</p>", start)]
    assert re.findall(r"<[a-z]+", paragraph) == ["<p", "<br", "<br", "<br"]  # only the line breaks
    assert "<h1>not" not in rendered and "<ol>" not in rendered and "<p>not a quote" not in rendered
    texts = _md_texts(text)
    assert any("*not bold* _not em_ `not code` [not a link](http://x) <b>raw</b>" in t for t in texts)
    assert any("# not a heading" in t and "1. not a list" in t and "> not a quote" in t for t in texts)
    # The reviewer table keeps one row per reviewer: the | in the name is escaped.
    row = next(line for line in text.splitlines() if "Eve" in line and line.startswith("|"))
    assert row.count(" | ") == 4


def test_markdown_escapes_ids_from_other_tools(reviewed):
    """An id is any non-empty string (notes-format §2): one holding HTML or a line break
    must not become markup or a heading."""
    thread = reviewed["items"][0][0]
    thread.id = "<b>x</b>\n# Injected"
    text = run_export(reviewed, "markdown")
    rendered = _md_html(text)
    assert "<b>x" not in rendered and "<h1>Injected" not in rendered
    assert any("id <b>x</b" in t for t in _md_texts(text))


def test_markdown_quote_is_a_blockquote_with_every_line_prefixed(reviewed):
    thread, _ = next((t, p) for t, p in reviewed["items"] if t.anchor.exact and t.suggestion is None)
    thread.anchor = dataclasses.replace(thread.anchor, exact="line one *a*\nline two\n\nline four")
    text = run_export(reviewed, "markdown")
    start = text.index("> line one")
    block = text[start:text.index("\n\n", text.index("> line four"))].splitlines()
    assert all(line.startswith(">") for line in block)
    html = _md_html("\n".join(block))
    assert html.startswith("<blockquote>") and "line one *a*" in html and "line four" in html


def test_md_escape_is_literal():
    for s in ["a*b*c", "_x_", "`code`", "[a](b)", "<x>", "# h", "- item", "+ item", "1. one", "2) two",
              "a | b", "~~s~~", "&amp;", "back\\slash", "!", "=== ", "    indented"]:
        rendered = _md_texts(md_escape(s))
        assert rendered == [s.strip()], (s, md_escape(s), rendered)


# ---------------------------------------------------------------------- CLI: -o and --force


def test_cli_export_writes_file_and_refuses_to_overwrite(reviewed):
    path = reviewed["repo"].path
    runner = CliRunner()
    out = path / "review.html"
    first = runner.invoke(main, ["-C", str(path), "export", "--format", "html", "-o", str(out)])
    assert first.exit_code == 0, first.output
    assert out.read_text().startswith("<!DOCTYPE html>")
    out.write_text("keep me")
    second = runner.invoke(main, ["-C", str(path), "export", "-o", str(out)])
    assert second.exit_code == 1
    assert "already exists" in second.stderr and "--force" in second.stderr
    assert out.read_text() == "keep me"
    third = runner.invoke(main, ["-C", str(path), "export", "--format", "json", "-o", str(out), "--force"])
    assert third.exit_code == 0
    assert json.loads(out.read_text())["summary"]["threads"] == 4


def test_cli_export_to_stdout_with_filters(reviewed):
    path = reviewed["repo"].path
    result = CliRunner().invoke(main, ["-C", str(path), "export", "--format", "json", "--status", "resolved"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["threads"] == 1
    bad = CliRunner().invoke(main, ["-C", str(path), "export", "--since", "yesterday"])
    assert bad.exit_code == 2 and "invalid date" in bad.stderr
    md = CliRunner().invoke(main, ["-C", str(path), "export", "--author", "jonas@example.org"])
    assert md.stdout.startswith("# Review: Mesa-optimizers \\& friends\n")
    assert "**2 threads: 1 open, 1 resolved;" in md.stdout  # Jonas's two threads only
    assert "The essay needs a thesis" not in md.stdout


def test_cli_export_refuses_a_dangling_symlink_without_force(reviewed, tmp_path):
    """`-o FILE` where FILE is a link to nowhere: writing would create a file wherever the
    link points (another folder, another user's file name). Refused unless --force."""
    path = reviewed["repo"].path
    target = tmp_path / "elsewhere" / "planted.md"
    target.parent.mkdir()
    link = path / "review.md"
    link.symlink_to(target)
    runner = CliRunner()
    refused = runner.invoke(main, ["-C", str(path), "export", "-o", str(link)])
    assert refused.exit_code == 1
    assert refused.stderr == (f"reviewtool: error: {link} is a symbolic link to {target}, which does not exist: "
                              "use --force to write there\n")
    assert not target.exists() and link.is_symlink()
    forced = runner.invoke(main, ["-C", str(path), "export", "-o", str(link), "--force"])
    assert forced.exit_code == 0, forced.output
    assert link.is_symlink() and target.read_text().startswith("# Review: ")


def test_cli_export_through_a_symlink_to_an_existing_file_needs_force(reviewed, tmp_path):
    path = reviewed["repo"].path
    target = tmp_path / "existing.md"
    target.write_text("keep me")
    link = path / "review.md"
    link.symlink_to(target)
    refused = CliRunner().invoke(main, ["-C", str(path), "export", "-o", "review.md"])
    assert refused.exit_code == 1 and "review.md already exists" in refused.stderr
    assert target.read_text() == "keep me"


def test_cli_export_dash_is_stdout_and_empty_is_a_usage_error(reviewed):
    path = reviewed["repo"].path
    runner = CliRunner()
    dash = runner.invoke(main, ["-C", str(path), "export", "--format", "json", "-o", "-"])
    assert dash.exit_code == 0, dash.output
    assert json.loads(dash.stdout)["summary"]["threads"] == 4
    assert not (path / "-").exists()
    empty = runner.invoke(main, ["-C", str(path), "export", "-o", ""])
    assert empty.exit_code == 2 and empty.stdout == ""
    assert empty.stderr.startswith("reviewtool: error: empty file name for -o")
    assert not any(p.name == "" for p in path.iterdir())


def test_cli_export_keeps_the_mode_of_a_file_it_overwrites_and_leaves_no_temporary(reviewed):
    import stat

    path = reviewed["repo"].path
    out = path / "review.md"
    out.write_text("old")
    out.chmod(0o640)
    forced = CliRunner().invoke(main, ["-C", str(path), "export", "-o", "review.md", "--force"])
    assert forced.exit_code == 0, forced.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o640 and out.read_text().startswith("# Review: ")
    assert not [p.name for p in path.iterdir() if p.name.startswith(".review.md")]
