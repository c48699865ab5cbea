"""Plain metric functions over arrays: per-label precision/recall/F1, calibration, ranking."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from provenance.labels import LABELS


@dataclass(frozen=True)
class LabelReport:
    """Precision, recall and F1 of one label, with the counts they come from."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int

    def as_dict(self) -> dict[str, float | int | str]:
        """Rounded, JSON-ready."""
        row = asdict(self)
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}


def per_label_report(truth: np.ndarray, predicted: np.ndarray) -> list[LabelReport]:
    """One row per label from binary (n, n_labels) truth and prediction matrices."""
    rows = []
    for k, label in enumerate(LABELS):
        t = truth[:, k].astype(bool)
        p = predicted[:, k].astype(bool)
        tp = int(np.sum(t & p))
        precision = tp / int(p.sum()) if p.any() else 0.0
        recall = tp / int(t.sum()) if t.any() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append(LabelReport(label, precision, recall, f1, int(t.sum()), int(p.sum())))
    return rows


def macro_f1(rows: list[LabelReport]) -> float:
    """Unweighted mean F1 over the labels that occur in the data (support > 0).

    A label with no gold sentences has no recall to measure, so counting it as F1 0 would only
    measure the data set's coverage; when no label occurs at all, the mean is over every label.
    """
    supported = [row.f1 for row in rows if row.support] or [row.f1 for row in rows]
    return float(np.mean(supported))


def format_table(rows: list[LabelReport]) -> str:
    """Markdown table of a per-label report with a macro row."""
    lines = ["| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row.label} | {row.precision:.3f} | {row.recall:.3f} | {row.f1:.3f} | {row.support} |")
    supported = sum(1 for row in rows if row.support)
    lines.append(f"| **macro** ({supported} of {len(rows)} labels with support) | | | **{macro_f1(rows):.3f}** | |")
    return "\n".join(lines)


def brier_score(truth: np.ndarray, probability: np.ndarray) -> float:
    """Mean squared error of probabilities against 0/1 truth."""
    return float(np.mean((probability - truth) ** 2))


def expected_calibration_error(truth: np.ndarray, probability: np.ndarray, bins: int = 10) -> float:
    """Weighted mean gap between confidence and accuracy over equal-width probability bins."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probability, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            error += mask.mean() * abs(float(probability[mask].mean()) - float(truth[mask].mean()))
    return error


def roc_auc(positive_scores: list[float], negative_scores: list[float]) -> float:
    """Probability that a random positive outranks a random negative (ties count half)."""
    if not positive_scores or not negative_scores:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in positive_scores for n in negative_scores)
    return wins / (len(positive_scores) * len(negative_scores))
