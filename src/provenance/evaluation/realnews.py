"""Per-label quality on labelled single sentences scored as texts of their own (the real-news dev set).

Each line is scored as its own article, as a user would score a lone sentence; its predicted labels
are the union over the segments the segmenter splits it into. Measuring only: nothing here trains.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from provenance.evaluation.metrics import LabelReport, per_label_report
from provenance.labels import LABELS
from provenance.pipeline import Scorer


@dataclass(frozen=True)
class SentenceOutcome:
    """One labelled line: its text, gold labels and predicted labels."""

    text: str
    gold: frozenset[str]
    predicted: frozenset[str]


def score_lines(path: Path, scorer: Scorer) -> list[SentenceOutcome]:
    """Score every ``{"text", "labels", ...}`` line of a JSONL file as its own text."""
    outcomes = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        record = json.loads(line)
        result = scorer.score(record["text"])
        predicted = frozenset(label for sentence in result.sentences for label in sentence.labels)
        outcomes.append(SentenceOutcome(record["text"], frozenset(record["labels"]), predicted))
    return outcomes


def report(outcomes: list[SentenceOutcome]) -> list[LabelReport]:
    """Per-label precision/recall/F1 over scored lines."""
    truth = np.array([[label in o.gold for label in LABELS] for o in outcomes], dtype=bool).reshape(-1, len(LABELS))
    predicted = np.array([[label in o.predicted for label in LABELS] for o in outcomes], dtype=bool).reshape(-1, len(LABELS))
    return per_label_report(truth, predicted)
