"""Stage 4: the labels shown and their probabilities -> article risk in [0, 1] and its level.

Risk is computed from what a reader of the result sees, and nothing else: a probability counts only
where its label is shown (over threshold, explained by a cue, allowed by the structural rules). An
article with nothing flagged has risk 0, whatever the hidden probabilities were.

  risk = W / (W + ON_RECORD_WEIGHT * R + NEUTRAL_WEIGHT * U + PRIOR), where over the sentences
  w = the probability of the sentence's strongest shown flag (0 when it shows none),
  r = its on_record probability when on_record is shown (else 0),
  W = sum of w,  R = sum of r * (1 - w),  U = sum of 1 - max(w, r).

R is on-record credit for the part of a sentence that carries no flag ("Ruiz told donors at a private
dinner" earns none); U is narrative with no sourcing either way. Weak sourcing weighs double against
on-record sourcing: a claim nobody can check is not cancelled by one somebody can, since the reader
cannot tell which of them the article rests on. Plain narrative dilutes a little, and PRIOR keeps a
one-sentence article from swinging to 0 or 1. An empty article has risk 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

from provenance import speedups
from provenance.labels import FLAGS, LABEL_INDEX, LABELS, POSITIVE, LabelId
from provenance.results import RiskLevel, SentenceScore

ON_RECORD_WEIGHT: Final = 0.5
NEUTRAL_WEIGHT: Final = 0.1
PRIOR: Final = 1.0
MEDIUM_FROM: Final = 0.33
HIGH_FROM: Final = 0.55

_FLAG_COLUMNS: Final = tuple(LABEL_INDEX[label] for label in FLAGS)
_POSITIVE_COLUMN: Final = LABEL_INDEX[POSITIVE]


def article_risk(probabilities: np.ndarray, labels: Sequence[Sequence[LabelId]]) -> float:
    """Combine an (n_sentences, n_labels) probability matrix and the labels shown per sentence into
    one risk in [0, 1]; probabilities of labels not shown count as 0."""
    if probabilities.shape[0] == 0:
        return 0.0
    native = speedups.native()
    if native is not None and probabilities.dtype == np.float64:  # the same sums in one compiled pass
        # (other dtypes, such as a caller's float32, are summed in their own precision by numpy below)
        return native.article_risk(probabilities, labels if isinstance(labels, list) else list(labels), LABEL_INDEX,
                                   _FLAG_COLUMNS, _POSITIVE_COLUMN, ON_RECORD_WEIGHT, NEUTRAL_WEIGHT, PRIOR)
    shown = np.zeros(probabilities.shape, dtype=bool)
    for i, sentence_labels in enumerate(labels):
        for label in sentence_labels:
            shown[i, LABEL_INDEX[label]] = True
    visible = np.where(shown, probabilities, 0.0)
    weak = visible[:, list(_FLAG_COLUMNS)].max(axis=1)
    on_record = visible[:, _POSITIVE_COLUMN]
    total_weak = float(weak.sum())
    credit = float((on_record * (1.0 - weak)).sum())
    neutral = float((1.0 - np.maximum(weak, on_record)).sum())
    denominator = total_weak + ON_RECORD_WEIGHT * credit + NEUTRAL_WEIGHT * neutral + PRIOR
    return min(1.0, max(0.0, total_weak / denominator))


def risk_of(sentences: Sequence[SentenceScore]) -> float:
    """:func:`article_risk` recomputed from scored sentences (after filtering which labels are shown)."""
    probabilities = np.array([[s.probabilities[label] for label in LABELS] for s in sentences], dtype=float)
    return article_risk(probabilities.reshape(len(sentences), len(LABELS)), [s.labels for s in sentences])


def risk_level(risk: float) -> RiskLevel:
    """Name the band a risk falls in: low < MEDIUM_FROM <= medium < HIGH_FROM <= high."""
    if risk >= HIGH_FROM:
        return "high"
    if risk >= MEDIUM_FROM:
        return "medium"
    return "low"
