"""Offline evaluation of a Scorer on labelled sentences. Never imported by the scoring path."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from provenance.classify import predict
from provenance.evaluation.metrics import LabelReport, per_label_report
from provenance.labels import LABELS
from provenance.pipeline import Scorer
from provenance.training.corpus import LabelledSentence


def evaluate(scorer: Scorer, sentences: Sequence[LabelledSentence]) -> list[LabelReport]:
    """Per-label precision/recall/F1 of ``scorer`` on sentences, each scored as it stands.

    Raises ``ValueError`` for no sentences: all-zero scores would read as a model that fails.
    """
    if not sentences:
        raise ValueError("evaluate() needs at least one labelled sentence; got none (is the file empty?)")
    texts = [s.text for s in sentences]
    predictions = predict(texts, scorer.model)
    if scorer.rules is not None:
        predictions = scorer.rules.apply(texts, predictions)
    truth = np.array([[label in s.labels for label in LABELS] for s in sentences], dtype=bool)
    predicted = np.array([[label in row for label in LABELS] for row in predictions.labels], dtype=bool)
    return per_label_report(truth.reshape(-1, len(LABELS)), predicted.reshape(-1, len(LABELS)))


__all__ = ["evaluate"]
