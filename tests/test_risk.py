"""Stage 4: the documented risk formula, a function of the labels shown, and the README's worked
example (issue 10: a file of NUL bytes was "medium" with nothing flagged)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import provenance
from provenance.labels import LABEL_INDEX, LABELS, LabelId
from provenance.risk import article_risk, risk_level, risk_of

ROOT = Path(__file__).resolve().parent.parent
COMMAND = str(Path(sys.executable).parent / "provenance")


def matrix(rows: list[tuple[float, float]]) -> tuple[np.ndarray, list[tuple[LabelId, ...]]]:
    """Sentences given as (strongest flag, on_record) probabilities, every non-zero one shown."""
    out = np.zeros((len(rows), len(LABELS)))
    shown: list[tuple[LabelId, ...]] = []
    for i, (flag, on_record) in enumerate(rows):
        out[i, LABEL_INDEX["anonymous_source"]] = flag
        out[i, LABEL_INDEX["on_record"]] = on_record
        shown.append(tuple(label for label, p in (("anonymous_source", flag), ("on_record", on_record)) if p))
    return out, shown


def risk(rows: list[tuple[float, float]]) -> float:
    return article_risk(*matrix(rows))


def test_formula() -> None:
    rows = [(0.95, 0.0), (0.0, 0.92), (0.0, 0.90), (0.0, 0.0)]
    # W = 0.95, C = 1.82, U = 0.05 + 0.08 + 0.10 + 1
    assert risk(rows) == pytest.approx(0.95 / (0.95 + 0.5 * 1.82 + 0.1 * 1.23 + 1))
    assert risk_level(risk(rows)) == "low"
    longer = risk(rows + [(0.95, 0.0)] * 2)
    assert risk_level(longer) == "high"


def test_a_flagged_sentence_earns_no_on_record_credit() -> None:
    plain = risk([(0.9, 0.0), (0.0, 0.9)])
    both = risk([(0.9, 0.0), (0.9, 0.9)])
    assert both > plain


def test_direction_and_bounds() -> None:
    assert article_risk(np.zeros((0, len(LABELS))), []) == 0.0
    weak = risk([(0.9, 0.0)] * 10)
    sourced = risk([(0.0, 0.9)] * 10)
    mixed = risk([(0.9, 0.0)] * 5 + [(0.0, 0.9)] * 5)
    assert 0.0 <= sourced < mixed < weak <= 1.0
    assert risk([(1.0, 0.0)] * 1000) > 0.99


def test_probabilities_that_are_not_shown_count_for_nothing() -> None:
    probabilities = np.full((3, len(LABELS)), 0.45)  # under every threshold: nothing shown
    assert article_risk(probabilities, [(), (), ()]) == 0.0
    shown = article_risk(probabilities, [("closed_channel",), (), ()])
    assert shown == pytest.approx(0.45 / (0.45 + 0.1 * (0.55 + 1 + 1) + 1))


def test_nothing_flagged_means_no_risk() -> None:
    for text in ["\x00" * 5000, "It rained in Leeds on Sunday. The match was called off.", "Stir in the flour."]:
        result = provenance.score(text)
        if not result.flagged:
            assert (result.risk, result.level) == (0.0, "low"), repr(text[:20])
    assert not provenance.score("\x00" * 5000).flagged


def test_risk_follows_a_label_filter() -> None:
    result = provenance.score(readme_example())
    kept = [s.model_copy(update={"labels": tuple(x for x in s.labels if x == "on_record")}) for s in result.sentences]
    assert risk_of(result.sentences) == pytest.approx(result.risk) and risk_of(kept) == 0.0


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- risk-example -->\n```text\n(.+?)\n```", readme, re.S)
    assert found, "the README's worked example is missing"
    return found.group(1)


def test_readme_worked_example_matches_the_output(tmp_path: Path) -> None:
    text = readme_example()
    result = provenance.score(text)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    w = [max((s.probabilities[x] for x in s.flags), default=0.0) for s in result.sentences]
    r = [s.probabilities["on_record"] if "on_record" in s.labels else 0.0 for s in result.sentences]
    big_w, big_c = sum(w), sum(b * (1 - a) for a, b in zip(w, r))
    big_u = sum(1 - max(a, b) for a, b in zip(w, r))
    stated = f"`W = {big_w:.2f}`, `C = {big_c:.2f}`, `U = {big_u:.2f}`"
    assert stated in readme, stated
    assert f"= {result.risk:.2f}`: **{result.level}**" in readme
    example = tmp_path / "example.txt"
    example.write_text(text, encoding="utf-8")
    shown = subprocess.run([COMMAND, "score", str(example)], capture_output=True, text=True, check=True).stdout
    block = re.search(r"\$ provenance score example.txt\n(.+?)\n```", readme, re.S)
    assert block and shown.replace(str(example), "example.txt").strip() == block.group(1).strip()
