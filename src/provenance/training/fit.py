"""Fit the shipped model: TF-IDF features, one-vs-rest logistic regression, Platt calibration and
per-label thresholds, all chosen by grouped cross-validation. Deterministic for a given seed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from provenance.cues import Lexicon
from provenance.evaluation.metrics import LabelReport, per_label_report
from provenance.features import LEXICON_VALUE, analyze
from provenance.labels import LABELS
from provenance.modelfile import Model
from provenance.training.corpus import Corpus

C_GRID: Final = (1.0, 4.0, 16.0)
# Thresholds start at 0.5: a flag means "more likely than not". Lower thresholds win a little F1 on
# our own (flag-rich) sentences but cost precision on real news, where flags are rarer.
THRESHOLD_GRID: Final = np.round(np.arange(0.5, 0.91, 0.025), 3)
MIN_DF: Final = 2
N_FOLDS: Final = 5

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold results of grouped cross-validation."""

    c: float
    probabilities: np.ndarray  # calibrated, out-of-fold
    platt_scale: np.ndarray
    platt_shift: np.ndarray
    thresholds: np.ndarray
    report: list[LabelReport]
    n_folds: int


def label_matrix(corpus: Corpus) -> np.ndarray:
    """Binary (n_sentences, n_labels) matrix of the gold labels."""
    y = np.zeros((len(corpus.sentences), len(LABELS)), dtype=np.int8)
    for i, sentence in enumerate(corpus.sentences):
        for label in sentence.labels:
            y[i, LABELS.index(label)] = 1
    return y


class SentenceVectorizer:
    """Training-time twin of ``features.vectorize``: scikit-learn TF-IDF over ``features.analyze``,
    then one 0/1 column per label's lexicon hits (``l:<label>``), outside the TF-IDF norm."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.tfidf = TfidfVectorizer(
            analyzer=partial(analyze, lexicon=lexicon), sublinear_tf=True, min_df=MIN_DF, dtype=np.float64
        )

    def fit_transform(self, texts: Sequence[str]) -> Any:
        return self._with_lexicon(self.tfidf.fit_transform(texts), texts)

    def transform(self, texts: Sequence[str]) -> Any:
        return self._with_lexicon(self.tfidf.transform(texts), texts)

    @property
    def vocabulary_(self) -> dict[str, int]:
        """Feature string -> column, lexicon columns last in label order."""
        vocabulary = {feature: int(i) for feature, i in self.tfidf.vocabulary_.items()}
        n_words = len(vocabulary)
        vocabulary.update({"l:" + label: n_words + k for k, label in enumerate(LABELS)})
        return vocabulary

    @property
    def idf_(self) -> np.ndarray:
        """IDF per column (1.0 for the lexicon columns, which are not TF-IDF weighted)."""
        return np.concatenate([np.asarray(self.tfidf.idf_, dtype=np.float64), np.ones(len(LABELS))])

    def _with_lexicon(self, words: Any, texts: Sequence[str]) -> Any:
        hits = np.zeros((len(texts), len(LABELS)))
        for i, found in enumerate(self.lexicon.find_many(list(texts))):
            for hit in found:
                hits[i, LABELS.index(hit.label)] = LEXICON_VALUE
        return sparse.hstack([words, sparse.csr_matrix(hits)], format="csr")


def make_vectorizer(lexicon: Lexicon) -> SentenceVectorizer:
    """The feature matrix builder used for every fit."""
    return SentenceVectorizer(lexicon)


def fit_linear(x: Any, y: np.ndarray, c: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per label; returns weights (n_features, n_labels) and bias."""
    weights = np.zeros((x.shape[1], y.shape[1]))
    bias = np.zeros(y.shape[1])
    for k in range(y.shape[1]):
        model = LogisticRegression(
            C=c, class_weight="balanced", solver="liblinear", random_state=seed, max_iter=1000
        )
        model.fit(x, y[:, k])
        weights[:, k] = model.coef_[0]
        bias[k] = model.intercept_[0]
    return weights, bias


def out_of_fold_logits(
    texts: Sequence[str], y: np.ndarray, groups: Sequence[str], lexicon: Lexicon, c: float, seed: int
) -> tuple[np.ndarray, int]:
    """Log-odds for every sentence from a model that never saw its group (vectorizer refit per fold)."""
    n_folds = min(N_FOLDS, len(set(groups)))
    logits = np.zeros(y.shape, dtype=np.float64)
    for train, test in GroupKFold(n_splits=n_folds).split(texts, y, groups):
        vectorizer = make_vectorizer(lexicon)
        x_train = vectorizer.fit_transform([texts[i] for i in train])
        weights, bias = fit_linear(x_train, y[train], c, seed)
        logits[test] = vectorizer.transform([texts[i] for i in test]) @ weights + bias
    return logits, n_folds


def fit_platt(logits: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-label sigmoid calibration of out-of-fold log-odds."""
    scale = np.ones(y.shape[1])
    shift = np.zeros(y.shape[1])
    for k in range(y.shape[1]):
        model = LogisticRegression(C=1e4, solver="lbfgs")
        model.fit(logits[:, [k]], y[:, k])
        scale[k] = model.coef_[0, 0]
        shift[k] = model.intercept_[0]
    return scale, shift


def choose_thresholds(probabilities: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per label, the grid threshold with the best out-of-fold F1 (ties go to the higher threshold)."""
    thresholds = np.zeros(y.shape[1])
    for k in range(y.shape[1]):
        scores = [_f1(y[:, k], probabilities[:, k] >= t) for t in THRESHOLD_GRID]
        best = max(range(len(scores)), key=lambda i: (round(scores[i], 9), i))
        thresholds[k] = THRESHOLD_GRID[best]
    return thresholds


def cross_validate(corpus: Corpus, lexicon: Lexicon, seed: int, progress: Progress) -> CrossValidation:
    """Pick C, calibration and thresholds from grouped out-of-fold predictions."""
    texts = [s.text for s in corpus.sentences]
    y = label_matrix(corpus)
    best: CrossValidation | None = None
    for c in C_GRID:
        logits, n_folds = out_of_fold_logits(texts, y, corpus.groups, lexicon, c, seed)
        scale, shift = fit_platt(logits, y)
        probabilities = 1.0 / (1.0 + np.exp(-(logits * scale + shift)))
        thresholds = choose_thresholds(probabilities, y)
        report = per_label_report(y, probabilities >= thresholds)
        macro = float(np.mean([row.f1 for row in report]))
        progress(f"C={c:g}: grouped {n_folds}-fold macro-F1 {macro:.3f}")
        if best is None or macro > float(np.mean([row.f1 for row in best.report])):
            best = CrossValidation(c, probabilities, scale, shift, thresholds, report, n_folds)
    assert best is not None
    return best


def fit_model(
    corpus: Corpus, lexicon_bytes: bytes, *, seed: int = 0, progress: Progress = lambda _: None
) -> tuple[Model, CrossValidation]:
    """Cross-validate, then fit on all data; returns the model and the cross-validation it rests on."""
    lexicon = Lexicon.from_json(lexicon_bytes)
    validation = cross_validate(corpus, lexicon, seed, progress)
    texts = [s.text for s in corpus.sentences]
    vectorizer = make_vectorizer(lexicon)
    x = vectorizer.fit_transform(texts)
    weights, bias = fit_linear(x, label_matrix(corpus), validation.c, seed)
    data_hash = _corpus_hash(corpus)
    metadata = {
        "seed": seed,
        "C": validation.c,
        "sentences": len(texts),
        "groups": sorted(set(corpus.groups)),
        "data_sha256": data_hash,
        "cross_validation": {
            "folds": validation.n_folds,
            "grouping": "seed article or authored file",
            "per_label": [row.as_dict() for row in validation.report],
            "macro_f1": round(float(np.mean([row.f1 for row in validation.report])), 4),
        },
    }
    vocabulary = vectorizer.vocabulary_
    model = Model(
        version=f"1.{data_hash[:10]}.s{seed}",
        vocabulary=vocabulary,
        idf=np.asarray(vectorizer.idf_, dtype=np.float64),
        weights=weights,
        bias=bias,
        platt_scale=validation.platt_scale,
        platt_shift=validation.platt_shift,
        thresholds=validation.thresholds,
        lexicon=lexicon,
        metadata=metadata,
    )
    return model, validation


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """F1 of one binary label."""
    tp = float(np.sum(truth & predicted))
    denominator = float(np.sum(truth)) + float(np.sum(predicted))
    return 2 * tp / denominator if denominator else 0.0


def _corpus_hash(corpus: Corpus) -> str:
    """SHA-256 of the corpus content, so the model version names the data it was trained on."""
    digest = hashlib.sha256()
    for sentence, group in zip(corpus.sentences, corpus.groups):
        digest.update(f"{group}\t{sentence.text}\t{','.join(sentence.labels)}\n".encode())
    return digest.hexdigest()
