"""Stage 4: the documented risk formula, including the README's worked example."""

from __future__ import annotations

import numpy as np
import pytest

from provenance.labels import LABEL_INDEX, LABELS
from provenance.risk import article_risk, risk_level


def matrix(rows: list[tuple[float, float]]) -> np.ndarray:
    """Sentences given as (strongest flag, on_record) probabilities."""
    out = np.zeros((len(rows), len(LABELS)))
    for i, (flag, on_record) in enumerate(rows):
        out[i, LABEL_INDEX["anonymous_source"]] = flag
        out[i, LABEL_INDEX["on_record"]] = on_record
    return out


def test_readme_worked_example() -> None:
    rows = [(0.95, 0.02), (0.10, 0.92), (0.05, 0.90), (0.04, 0.03)]
    assert article_risk(matrix(rows)) == pytest.approx(0.366, abs=1e-3)
    assert risk_level(article_risk(matrix(rows))) == "medium"
    longer = article_risk(matrix(rows + [(0.95, 0.02)] * 2))
    assert longer == pytest.approx(0.605, abs=1e-3) and risk_level(longer) == "high"


def test_a_flagged_sentence_earns_no_on_record_credit() -> None:
    plain = article_risk(matrix([(0.9, 0.0), (0.0, 0.9)]))
    both = article_risk(matrix([(0.9, 0.0), (0.9, 0.9)]))
    assert both > plain


def test_direction_and_bounds() -> None:
    assert article_risk(np.zeros((0, len(LABELS)))) == 0.0
    weak = article_risk(matrix([(0.9, 0.0)] * 10))
    sourced = article_risk(matrix([(0.0, 0.9)] * 10))
    mixed = article_risk(matrix([(0.9, 0.0)] * 5 + [(0.0, 0.9)] * 5))
    assert 0.0 <= sourced < mixed < weak <= 1.0
    assert article_risk(matrix([(1.0, 0.0)] * 1000)) > 0.99
