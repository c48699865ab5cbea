"""Stage 4: sentence probabilities -> article risk in [0, 1] and its level.

risk = W / (W + ON_RECORD_WEIGHT * R + NEUTRAL_WEIGHT * U + PRIOR), where over the article's sentences
  W = sum of each sentence's strongest flag probability w (weak provenance),
  R = sum of r * (1 - w), r the on_record probability: on-record credit for the part of a sentence
      that carries no flag ("Ruiz told donors at a private dinner" earns none),
  U = sum of 1 - max(w, r) (narrative with no sourcing either way).
Weak sourcing weighs double against on-record sourcing: a claim nobody can check is not cancelled by
one somebody can, since the reader cannot tell which of them the article rests on. Plain narrative
dilutes a little, and PRIOR keeps a one-sentence article from swinging to 0 or 1. An empty article
has risk 0.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from provenance.labels import FLAGS, LABEL_INDEX, POSITIVE
from provenance.results import RiskLevel

ON_RECORD_WEIGHT: Final = 0.5
NEUTRAL_WEIGHT: Final = 0.1
PRIOR: Final = 1.0
MEDIUM_FROM: Final = 0.33
HIGH_FROM: Final = 0.55

_FLAG_COLUMNS: Final = [LABEL_INDEX[label] for label in FLAGS]
_POSITIVE_COLUMN: Final = LABEL_INDEX[POSITIVE]


def article_risk(probabilities: np.ndarray) -> float:
    """Combine an (n_sentences, n_labels) probability matrix into one risk in [0, 1]."""
    if probabilities.shape[0] == 0:
        return 0.0
    weak = probabilities[:, _FLAG_COLUMNS].max(axis=1)
    on_record = probabilities[:, _POSITIVE_COLUMN]
    neutral = 1.0 - np.maximum(weak, on_record)
    total_weak = float(weak.sum())
    credit = float((on_record * (1.0 - weak)).sum())
    denominator = total_weak + ON_RECORD_WEIGHT * credit + NEUTRAL_WEIGHT * float(neutral.sum()) + PRIOR
    return min(1.0, max(0.0, total_weak / denominator))


def risk_level(risk: float) -> RiskLevel:
    """Name the band a risk falls in: low < MEDIUM_FROM <= medium < HIGH_FROM <= high."""
    if risk >= HIGH_FROM:
        return "high"
    if risk >= MEDIUM_FROM:
        return "medium"
    return "low"
