"""Comment bodies and reviewer names are data, never markup: terminal, Markdown, JSON and HTML."""

from __future__ import annotations

import html
import json

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from reviewtool.cli import render
from reviewtool.cli.commands import main
from reviewtool.review import anchoring

DRAFT = "drafts/essay.md"
TEXT = "## Introduction\n\nWe are probably already living with mesa-optimizers.\n"

PIECES = ["[bold]x[/bold]", "[link=http://x]y[/link]", "[@click=app.quit]q[/]", "<b>html</b>"]
ESCAPE = "\x1b[31mred\x1b[0m"
BODY = " ".join(PIECES[:3]) + " " + ESCAPE + " " + PIECES[3]
NAME = "[bold]Eve[/bold] [@click=app.quit]E[/]"  # git drops < and > from names


@pytest.fixture
def hostile(repo):
    """A repository with one comment whose body and author name look like markup."""
    anchoring.clear_caches()
    repo.commit("v1", {DRAFT: TEXT})
    env = {"GIT_AUTHOR_NAME": NAME, "GIT_AUTHOR_EMAIL": "eve@example.org"}
    added = CliRunner().invoke(main, ["-C", str(repo.path), "comment", "add", "-s", "introduction",
                                      "-q", "mesa-optimizers", "-m", BODY, "--json"], env=env)
    assert added.exit_code == 0, added.output
    reply = CliRunner().invoke(main, ["-C", str(repo.path), "comment", "reply",
                                      json.loads(added.stdout)["id"][:8], "-m", BODY], env=env)
    assert reply.exit_code == 0, reply.output
    return repo


def run(repo, *args):
    result = CliRunner().invoke(main, ["-C", str(repo.path), *args], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.stdout


def assert_literal(out: str) -> None:
    for piece in PIECES:
        assert piece in out, piece
    assert "red" in out
    assert "\x1b" not in out and "[31m" not in out


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "rich-terminal"])
def test_terminal_output_is_literal(hostile, monkeypatch, terminal):
    monkeypatch.setattr(render, "is_terminal", lambda: terminal)
    out = run(hostile, "comments")
    assert_literal(out)
    assert NAME in out


def test_markdown_export_renders_literally(hostile):
    out = run(hostile, "export", "--format", "markdown")
    assert "\x1b" not in out
    rendered = MarkdownIt("commonmark").render(out)
    for piece in PIECES:
        assert html.escape(piece, quote=False) in rendered, piece
    assert "<b>html</b>" not in rendered  # shown as text, not as a tag
    assert html.escape(NAME, quote=False) in rendered


def test_json_export_round_trips_the_exact_text(hostile):
    out = run(hostile, "export", "--format", "json")
    assert "\x1b" not in out  # escaped as \u001b inside the JSON string
    data = json.loads(out)
    thread = data["sections"][0]["threads"][0]
    assert thread["body"] == BODY and thread["author"] == NAME
    assert thread["replies"][0]["body"] == BODY
    comments = json.loads(run(hostile, "comments", "--json"))
    assert comments["threads"][0]["body"] == BODY


def test_html_export_escapes_everything(hostile):
    out = run(hostile, "export", "--format", "html")
    assert "\x1b" not in out
    for piece in PIECES:
        assert html.escape(piece) in out, piece
    assert "<b>html</b>" not in out
    assert html.escape(NAME) in out
