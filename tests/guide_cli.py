"""The user guide's console excerpts on the demo repository, played for real.

docs/user-guide.md shows what `reviewtool` prints on the bundled demo (``reviewtool demo
--path DIR --no-tui``): a side-by-side diff, outline coverage, and a full review round
between Alex (the author) and Priya (a reviewer), each in a clone sharing a bare remote.
:func:`play` builds the demo once and runs every command of those excerpts (click's
runner, in process; git for what the guide does with git), recording each ``$ command``
line and what it printed; ``tests/test_guide_cli.py`` compares each
``<!-- cli: NAME -->`` block of the guide with that run. The guide's abridged
``diff --json`` outputs (``<!-- cli-json: NAME -->`` before a ``json`` fence: keys left
out, long strings cut to ``…``) are checked value by value against the real output
(:func:`abridges`).

Deterministic: the demo's commits have fixed dates, and the one commit the round adds
(Alex's "Conclusion: claim less") is made with fixed author and committer dates, so every
commit id is the same on every run. Event ids and event times are not (random ids, the
real clock): :func:`tests.doc_excerpts.normalized` sets them aside. No excerpt prints a
relative date ("3 days ago").

Rewrite the guide's blocks (from the repository root)::

    .venv/bin/python -m tests.guide_cli

The excerpts on the Rust RFC repository (``<!-- rfcs: NAME -->``) are played the same
way on a clone of the corpus bundle (:func:`play_rfcs`; none when it is absent). Excerpts on
small example repositories stay hand-made; the guide says where each one comes from.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reviewtool.cli.commands import main
from reviewtool.demo.builder import build_demo
from tests.doc_excerpts import Transcript, guide_excerpts, with_excerpts
from tests.gitutil import corpus_bundle, git

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "user-guide.md"
TAG = "cli"
ALEX = ("Alex Rivera", "alex@example.org")
PRIYA = ("Priya Natarajan", "priya@example.org")
DRAFT = "drafts/2023-05-05-mesa-optimizers-are-already-here.md"

#: Alex's edit of the conclusion, and when it was committed (fixed: a stable commit id).
TONED_FROM = "We should expect them to have learned to optimize"
TONED_TO = "We should expect some of them to have learned to optimize"
CLAIM_LESS_DATE = "2023-05-08T10:15:00-04:00"

#: The guide's abridged ``diff --json`` outputs (``<!-- cli-json: NAME -->`` before a ``json``
#: fence): the command, and whether the block is the whole output or one of its changes.
JSON_TAG = "cli-json"
JSON_EXCERPTS = {
    "split-hunks": (("diff", "--json", "-U0", "b9df3a6e^!"), "output"),
    "moved": (("diff", "--json", "64d7ba95^!"), "change"),
}

#: The excerpt names, in the guide's order.
NAMES = ("side-by-side", "coverage", "round-ask", "round-review", "round-revise", "round-approve",
         "round-close")


def _head(n: int):
    return lambda text: "\n".join(text.splitlines()[:n]) + "\n"


def _lines(start: int, stop: int):
    """``sed -n START,STOPp``: lines START to STOP, counted from 1."""
    return lambda text: "\n".join(text.splitlines()[start - 1:stop]) + "\n"


def _shell(t: Transcript, excerpt: str, line: str, *commands: tuple[str, ...],
           env: dict[str, str] | None = None) -> None:
    """Record *line* as typed and run each git command it stands for in the transcript's clone."""
    t.note(excerpt, "$ " + line)
    for args in commands:
        git(t.path, *args, env=env)


def play(folder: Path) -> dict[str, str]:
    """Build the demo under *folder* and run the guide's commands there; excerpts by name."""
    x, remote, xp = folder / "x", folder / "x-remote.git", folder / "x-priya"
    build_demo(x)
    alex = Transcript(x)
    alex.be(ALEX)

    # Browsing the demo.
    alex.rt("side-by-side", "diff", "--side-by-side", "241ac961", "cd0bcf45", env={"COLUMNS": "90"},
            pipe=" | sed -n 5,18p", cut=_lines(5, 18))
    alex.rt("coverage", "coverage", "80ac6a4d", "241ac961")

    # The round's set-up (not shown): a bare remote, Priya's clone, `init` in each.
    git(folder, "clone", "-q", "--bare", str(x), str(remote))
    git(x, "remote", "add", "origin", str(remote))
    git(x, "fetch", "-q", "origin")
    git(x, "branch", "-q", "--set-upstream-to=origin/main", "main")
    git(folder, "clone", "-q", str(remote), str(xp))
    priya = Transcript(xp)
    priya.excerpts = alex.excerpts
    priya.be(PRIYA)
    alex.rt("setup", "init")
    priya.rt("setup", "init")
    del alex.excerpts["setup"]

    alex.rt("round-ask", "review", "request", "--reviewer", "priya@example.org",
            "-m", "Second round: the LLM section is new.")
    alex.rt("round-ask", "sync")

    priya.rt("round-review", "sync")
    priya.rt("round-review", "status")
    priya.rt("round-review", "review", "viewed", "-s", "introduction")
    priya.rt("round-review", "review", "viewed", "-s", "conclusion")
    priya.rt("round-review", "review", "submit", "--request-changes",
             "-m", "The conclusion overstates what the evidence section shows.")
    priya.rt("round-review", "sync")

    alex.rt("round-revise", "sync")
    alex.rt("round-revise", "status")
    draft = x / DRAFT
    text = draft.read_text(encoding="utf-8")
    assert TONED_FROM in text, "the demo's conclusion changed: update TONED_FROM"
    draft.write_text(text.replace(TONED_FROM, TONED_TO), encoding="utf-8")
    dated = {"GIT_AUTHOR_NAME": ALEX[0], "GIT_AUTHOR_EMAIL": ALEX[1], "GIT_COMMITTER_NAME": ALEX[0],
             "GIT_COMMITTER_EMAIL": ALEX[1], "GIT_AUTHOR_DATE": CLAIM_LESS_DATE,
             "GIT_COMMITTER_DATE": CLAIM_LESS_DATE}
    _shell(alex, "round-revise", 'git commit -qam "Conclusion: claim less" && git push -q origin main',
           ("commit", "-qam", "Conclusion: claim less"), ("push", "-q", "origin", "main"), env=dated)
    alex.rt("round-revise", "review", "request", "-r", "priya@example.org", "-m", "Toned down the conclusion.")
    alex.rt("round-revise", "sync")

    git(xp, "pull", "-q")
    priya.rt("round-approve", "sync")
    priya.excerpts["round-approve"][0] = "$ git pull -q && reviewtool sync"
    priya.rt("round-approve", "sections")
    priya.rt("round-approve", "diff", "--since-review")
    priya.rt("round-approve", "review", "viewed", "-s", "conclusion")
    priya.rt("round-approve", "review", "submit", "--approve", "-m", "Good now.")
    priya.rt("round-approve", "sync")

    alex.rt("round-close", "sync")
    alex.rt("round-close", "status")
    alex.rt("round-close", "status", "--json", pipe=" | head -46", cut=_head(46))
    alex.rt("round-close", "export", pipe=" | head -19", cut=_head(19))
    return alex.texts()


def json_blocks(text: str) -> dict[str, Any]:
    """The guide's ``cli-json`` blocks, parsed, by name."""
    block = re.compile(rf"<!-- {JSON_TAG}: (?P<name>[\w-]+) -->\n```json\n(?P<body>.*?)\n```", re.S)
    return {m["name"]: json.loads(m["body"]) for m in block.finditer(text)}


def json_outputs(folder: Path) -> dict[str, Any]:
    """What each abridged JSON block's command prints now on the demo under *folder*, parsed."""
    outputs = {}
    for name, (args, _) in JSON_EXCERPTS.items():
        result = CliRunner().invoke(main, ["-C", str(folder / "x"), *args])
        assert result.exit_code == 0, result.output
        outputs[name] = json.loads(result.stdout)
    return outputs


def abridges(shown: Any, real: Any, where: str = "") -> list[str]:
    """Where *shown* is not an abridgement of *real* (empty: it is). An abridgement keeps some
    keys of each object, every item of each list, and may cut a string to a prefix ending
    with ``…``; everything it shows is equal."""
    if isinstance(shown, dict):
        if not isinstance(real, dict):
            return [f"{where or '/'}: an object in the guide, {type(real).__name__} in the output"]
        return [problem for key, value in shown.items()
                for problem in (abridges(value, real[key], f"{where}/{key}") if key in real
                                else [f"{where}/{key}: not in the output"])]
    if isinstance(shown, list):
        if not isinstance(real, list) or len(real) != len(shown):
            return [f"{where}: {len(shown)} items in the guide, output has {real!r:.80}"]
        return [p for i, (a, b) in enumerate(zip(shown, real, strict=True)) for p in abridges(a, b, f"{where}/{i}")]
    if isinstance(shown, str) and shown.endswith("…") and isinstance(real, str) and real != shown:
        return [] if real.startswith(shown[:-1]) else [f"{where}: {real!r:.80} does not start {shown[:-1]!r}"]
    return [] if shown == real else [f"{where}: {shown!r:.80} in the guide, {real!r:.80} in the output"]


def json_problems(shown: dict[str, Any], outputs: dict[str, Any]) -> dict[str, list[str]]:
    """Per abridged JSON block, where it differs from what its command prints now."""
    problems = {}
    for name, (_, part) in JSON_EXCERPTS.items():
        real = outputs[name]
        if part == "output":
            problems[name] = abridges(shown[name], real)
        else:  # one change of the output: any that it abridges
            tries = [abridges(shown[name], change, f"/changes/{i}") for i, change in enumerate(real["changes"])]
            problems[name] = [] if any(not t for t in tries) else [p for t in tries for p in t]
    return problems


#: The guide's excerpts on the Rust RFC repository (``<!-- rfcs: NAME -->``), played on the
#: corpus bundle's clone (its newest commit: RFC_HEAD) when the bundle is there.
RFC_TAG = "rfcs"
RFC_HEAD = "bbae63a"
RFC_DRAFT = "text/3537-msrv-resolver.md"
RFC_NAMES = ("section-errors", "log-readme", "log-first-parent", "one-word-diff", "heading-levels")


def play_rfcs(folder: Path) -> dict[str, str] | None:
    """Clone the RFC corpus into *folder*/rfcs and run the guide's commands on it (as
    ``reviewtool -C rfcs ...`` from *folder*); excerpts by name, None without the corpus."""
    bundle = corpus_bundle()
    if bundle is None:
        return None
    git(folder, "clone", "-q", str(bundle), "rfcs")
    assert git(folder / "rfcs", "rev-parse", "HEAD").startswith(RFC_HEAD), "the corpus moved: update RFC_HEAD"
    t = Transcript(folder)
    rfcs = ("-C", "rfcs")
    t.rt("section-errors", *rfcs, "show", "-d", RFC_DRAFT, "-s", "cargo publish", code=2)
    t.rt("section-errors", *rfcs, "show", "-d", RFC_DRAFT, "-s", "Statu Quo", code=1)
    t.rt("log-readme", *rfcs, "log", "-d", "README.md", "-n", "6")
    t.rt("log-first-parent", *rfcs, "log", "-d", RFC_DRAFT, "--first-parent")
    t.rt("one-word-diff", *rfcs, "diff", "-d", RFC_DRAFT, "2b000dc~1", "2b000dc")
    t.rt("heading-levels", *rfcs, "diff", "-d", RFC_DRAFT, "de5ab83^!", pipe=" | sed -n '1p;51,56p'",
         cut=lambda text: "\n".join(text.splitlines()[:1] + text.splitlines()[50:56]) + "\n")
    return t.texts()


def commits(folder: Path) -> set[str]:
    """Every commit id of the played repositories (Alex's clone has them all)."""
    return set(git(folder / "x", "rev-list", "HEAD").split())


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        played = {TAG: play(Path(tmp))}
        rfc_excerpts = play_rfcs(Path(tmp))
    if rfc_excerpts is None:
        print("the RFC corpus is absent: its excerpts are left as they are")
    else:
        played[RFC_TAG] = rfc_excerpts
    text = GUIDE.read_text(encoding="utf-8")
    for tag, excerpts in played.items():
        missing = set(excerpts) ^ set(guide_excerpts(text, tag))
        if missing:
            sys.exit(f"the guide's {tag} blocks and the excerpts differ: {sorted(missing)}")
        text = with_excerpts(text, tag, excerpts)
        print(f"{GUIDE.relative_to(ROOT)}: {len(excerpts)} {tag} excerpts rewritten")
    GUIDE.write_text(text, encoding="utf-8")
