"""Coverage quality on a labelled set of real outline -> prose pairs.

``tests/data/coverage_cases/`` (its README says where every text comes from):

* ``demo.json``: the seed's own outline (``drafts/``, which is demo v04; and the thinner
  v03) against the prose the demo history writes from it, version by version;
* ``<case>/outline.md``, ``prose.md``, ``expected.json``: real essays from the RFC corpus
  (``prose.md``, unmodified) with an outline written for each by hand, before reading the
  tool's answers: working titles, notes, a metadata header where the RFC has one, and
  bullets the essay never develops.

Each label names the prose section that develops a bullet or a sub-point (``section``;
``also`` lists other sections that develop it just as well), or ``null`` when no prose
does. The test scores the whole set at once, bullets and sub-points apart:

* a bullet (sub-point) is *placed* when coverage names a section for it; a placement is
  *right* when that section is the label's ``section`` or one of its ``also``;
* precision = right placements / placements; recall = right placements / labels that name a
  section. "Not enough text to judge" and "not written yet" place nothing.

The numbers are printed, with every miss, and reported in docs/diff-algorithm.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from reviewtool.diff.coverage import CONFIDENCE_LEVELS, coverage
from reviewtool.draft.document import parse

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "coverage_cases"
DEMO = ROOT / "reviewtool" / "demo" / "history"


@dataclass
class Case:
    name: str
    outline: str
    prose: str
    bullets: list[dict]


def labelled_cases() -> list[Case]:
    cases: list[Case] = []
    for folder in sorted(p for p in DATA.iterdir() if p.is_dir()):
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        cases.append(Case(folder.name, (folder / "outline.md").read_text(encoding="utf-8"),
                          (folder / "prose.md").read_text(encoding="utf-8"), expected["bullets"]))
    demo = json.loads((DATA / "demo.json").read_text(encoding="utf-8"))
    for pair in demo["pairs"]:
        cases.append(Case(f"demo {pair['outline']} -> {pair['prose']}",
                          (DEMO / pair["outline"]).read_text(encoding="utf-8"),
                          (DEMO / pair["prose"]).read_text(encoding="utf-8"), pair["bullets"]))
    return cases


def _point_label(labels: list[dict], text: str) -> dict:
    for label in labels:
        if label["text"] == text or (label.get("prefix") and text.startswith(label["text"])):
            return label
    raise AssertionError(f"no label for sub-point {text!r}")


def _acceptable(label: dict) -> set[str]:
    return {label["section"], *label.get("also", [])} if label["section"] else set()


class Tally:
    def __init__(self) -> None:
        self.right = self.placed = self.expected = 0
        self.by_confidence: dict[str, list[int]] = {level: [0, 0] for level in CONFIDENCE_LEVELS}

    def add(self, label: dict, placement, what: str, misses: list[str]) -> None:
        ok = _acceptable(label)
        got = placement.section.key if placement.section is not None else None
        self.expected += bool(ok)
        if got is not None:
            self.placed += 1
            self.right += got in ok
            self.by_confidence[placement.confidence_level][0] += got in ok
            self.by_confidence[placement.confidence_level][1] += 1
        if got is not None and got not in ok:
            misses.append(f"{what}: placed on {got}, expected {label['section']}")
        elif got is None and ok:
            misses.append(f"{what}: {placement.state}, expected {label['section']}")

    @property
    def precision(self) -> float:
        return self.right / self.placed if self.placed else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0


def evaluate() -> dict:
    bullets, points = Tally(), Tally()
    misses: list[str] = []
    cases = labelled_cases()
    for case in cases:
        cov = coverage(parse(case.outline), parse(case.prose))
        assert [b.title for b in cov.bullets] == [label["title"] for label in case.bullets], case.name
        for b, label in zip(cov.bullets, case.bullets):
            bullets.add(label, b.placement, f"{case.name}: {b.title!r}", misses)
            for p in b.points:
                points.add(_point_label(label.get("points", []), p.text), p.placement,
                           f"{case.name}: {b.title!r} / {p.text[:40]!r}", misses)
    return {"cases": len(cases), "bullets": bullets, "points": points, "misses": misses}


def test_labelled_set_is_large_enough():
    cases = labelled_cases()
    assert len(cases) >= 10
    assert sum(len(c.bullets) for c in cases) >= 100


@pytest.mark.parametrize("case", labelled_cases(), ids=lambda c: c.name)
def test_labels_name_every_bullet_and_real_sections(case):
    """Every bullet of the outline is labelled (and nothing else: a metadata header gives no
    bullets), every sub-point too, and every labelled section exists in the prose."""
    outline, prose = parse(case.outline), parse(case.prose)
    found = [s for s in outline.sections if s.kind == "outline"]
    assert [s.title for s in found] == [label["title"] for label in case.bullets]
    for s, label in zip(found, case.bullets):
        for p in s.subpoints:
            _point_label(label.get("points", []), p.text)
        for item in [label, *label.get("points", [])]:
            for key in _acceptable(item):
                assert prose.get(key) is not None, f"{case.name}: no section {key}"


def test_precision_and_recall_on_labelled_set(capsys):
    result = evaluate()
    b, p = result["bullets"], result["points"]
    with capsys.disabled():
        print(f"\ncoverage on {result['cases']} labelled outline -> prose pairs:")
        for name, tally in (("bullets", b), ("sub-points", p)):
            shares = ", ".join(f"{level} {right}/{n}" for level, (right, n) in tally.by_confidence.items() if n)
            print(f"  {name}: {tally.expected} developed, {tally.placed} placed, {tally.right} right: "
                  f"precision {tally.precision:.3f}, recall {tally.recall:.3f} (right by confidence: {shares})")
        for miss in result["misses"]:
            print("  " + miss)
    # Measured 0.975 / 0.830 and 0.974 / 0.881 (docs/diff-algorithm.md §8): a drop is a regression.
    assert b.precision >= 0.95 and b.recall >= 0.80, result["misses"]
    assert p.precision >= 0.95 and p.recall >= 0.85, result["misses"]


def test_high_confidence_is_right_more_often():
    """What a confidence says is measured: placements called high are right at least as often
    as the rest, and at least 95% of the time."""
    result = evaluate()
    for tally in (result["bullets"], result["points"]):
        right, n = tally.by_confidence["high"]
        assert n and right / n >= 0.95
