"""Stage 3: features -> per-label probabilities, decisions and the cues behind each decision.

Plain arithmetic on the loaded arrays: a linear model's log-odds, Platt-calibrated. Two rules sit on
top: every flag shown has a cue, and ``on_record`` is shown only where an attribution frame credits
the sentence to a checkable source (a named person or organisation, an outlet, a public record).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

import numpy as np

from provenance.attribution import Frame, default_lexicon, frame_features, is_checkable, only_unresolved_pronouns
from provenance.cues import Lexicon
from provenance.features import Extracted, Matrix, extract, vectorize
from provenance.labels import LABEL_INDEX, LABELS, POSITIVE, LabelId
from provenance.modelfile import Model

MAX_CUES_PER_LABEL: Final = 2
#: Sentences featurised at once; bounds working memory on very long texts (about 40 MB at most).
CHUNK_SENTENCES: Final = 256
#: Beside a stronger cue, an n-gram is offered only if it carries at least this share of that cue's weight,
#: so a lexicon phrase ("closed-door") is not padded with weak context words ("on Sunday").
MIN_SHARE_OF_TOP: Final = 0.5
_NOT_CUES: Final = frozenset(
    ["a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "and", "or", "but", "nor", "yet", "so", "if", "as", "is", "was", "are", "were", "be", "been", "being", "has", "have", "had", "it", "its", "this", "that", "these", "those", "he", "she", "they", "we", "i", "you", "his", "her", "him", "their", "them", "our", "us", "who", "whom", "which", "what", "when", "where", "how", "with", "from", "into", "about", "after", "before", "over", "under", "than", "then", "there", "here", "also", "not", "no", "some", "any", "all", "each", "other", "such", "only", "own", "same", "too", "very", "can", "could", "will", "would", "may", "might", "should", "must", "just", "now", "one", ",", '"', ":", "?", "!", "0"]
)


_SOURCE_LABELS: Final = frozenset({LABEL_INDEX["anonymous_source"], LABEL_INDEX["vague_attribution"]})


class CueSpan(NamedTuple):
    """A cue relative to its sentence: label, half-open span and log-odds contribution."""

    label: LabelId
    start: int
    end: int
    weight: float


@dataclass(frozen=True)
class Predictions:
    """What the model says about a run of sentences."""

    probabilities: np.ndarray  # (n_sentences, n_labels), calibrated
    labels: list[tuple[LabelId, ...]]
    cues: list[tuple[CueSpan, ...]]


def predict(sentences: Sequence[str], model: Model, frames: Sequence[tuple[Frame, ...]] | None = None) -> Predictions:
    """Score sentences; a label is set when its probability reaches its threshold AND a cue explains it
    (and, for ``on_record``, a checkable source frame backs it).

    ``frames`` are the sentences' attribution frames, resolved over the whole article; when omitted
    the sentences are read as one article. Long texts go through in chunks of
    :data:`CHUNK_SENTENCES`, so the features held at any one time stay bounded however long the text.
    """
    if frames is None:
        frames = default_lexicon().attribute(sentences)
    if len(sentences) <= CHUNK_SENTENCES:
        return _predict_chunk(sentences, frames, model)
    parts = [
        _predict_chunk(sentences[i : i + CHUNK_SENTENCES], frames[i : i + CHUNK_SENTENCES], model)
        for i in range(0, len(sentences), CHUNK_SENTENCES)
    ]
    return Predictions(
        np.concatenate([part.probabilities for part in parts]),
        [labels for part in parts for labels in part.labels],
        [cues for part in parts for cues in part.cues],
    )


def _predict_chunk(sentences: Sequence[str], frames: Sequence[tuple[Frame, ...]], model: Model) -> Predictions:
    """:func:`predict` for one chunk of sentences."""
    extracted = featurise(sentences, frames, model.lexicon)
    matrix = vectorize(extracted, model.vocabulary, model.idf)
    contributions = model.weights[matrix.indices] * matrix.data[:, None]
    probabilities = calibrated_probabilities(log_odds(matrix, contributions, model), model)
    labels: list[list[LabelId]] = [[] for _ in sentences]
    cues: list[list[CueSpan]] = [[] for _ in sentences]
    cue_ok = model.cue_columns[matrix.indices]
    rows, ks = np.nonzero(probabilities >= model.thresholds)
    bounds = matrix.indptr.tolist()
    gated = LABEL_INDEX[POSITIVE]
    for i, k in zip(rows.tolist(), ks.tolist()):
        if k == gated and not is_checkable(frames[i]):
            continue
        if k in _SOURCE_LABELS and only_unresolved_pronouns(frames[i]) and LABELS[k] not in extracted[i].lexicon_labels:
            continue  # settled convention 2: a pronoun with nothing before it gives no source label
        a, b = bounds[i], bounds[i + 1]
        label_cues = explain(extracted[i], matrix.indices[a:b], contributions[a:b, k], cue_ok[a:b], k, model)
        if label_cues:  # no cue, no flag: every label shown comes with the words behind it
            labels[i].append(LABELS[k])
            cues[i].extend(label_cues)
    return Predictions(probabilities, [tuple(x) for x in labels], [tuple(x) for x in cues])


def featurise(sentences: Sequence[str], frames: Sequence[tuple[Frame, ...]], lexicon: Lexicon) -> list[Extracted]:
    """Word, lexicon and frame features of each sentence (training and scoring share this)."""
    hits = lexicon.find_many(sentences) if sentences else []
    classes = default_lexicon().word_classes
    return [
        extract(sentence, lexicon, found, frame_features(sentence_frames, len(sentence)), classes)
        for sentence, found, sentence_frames in zip(sentences, hits, frames)
    ]


def log_odds(matrix: Matrix, contributions: np.ndarray, model: Model) -> np.ndarray:
    """Linear-model log-odds for each sentence and label, shape (n_sentences, n_labels).

    ``contributions`` holds each stored value times its weights, one row per stored entry.
    """
    n_rows = len(matrix.indptr) - 1
    logits = np.tile(model.bias, (n_rows, 1))
    lengths = np.diff(matrix.indptr)
    non_empty = lengths > 0
    if non_empty.any():
        logits[non_empty] += np.add.reduceat(contributions, matrix.indptr[:-1][non_empty], axis=0)
    return logits


def calibrated_probabilities(logits: np.ndarray, model: Model) -> np.ndarray:
    """Map log-odds to probabilities with the Platt scaling fitted out-of-fold at training time."""
    z = np.clip(logits * model.platt_scale + model.platt_shift, -50.0, 50.0)
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def explain(
    item: Extracted, columns: np.ndarray, contribution: np.ndarray, cue_ok: np.ndarray, k: int, model: Model
) -> list[CueSpan]:
    """Pick the words behind label ``k``: its lexicon hits first, then the strongest n-grams.

    ``columns``, ``contribution`` and ``cue_ok`` describe one sentence's stored entries: their
    columns, their share of label ``k``'s log-odds, and whether their words may be shown.
    """
    label = LABELS[k]
    lexicon_hits = [span for span, hit_label in zip(item.lexicon_spans, item.lexicon_labels) if hit_label == label]
    lexicon_weight = 0.0
    if lexicon_hits:
        where = int(np.searchsorted(columns, model.lexicon_columns[k]))
        if where < len(columns) and columns[where] == model.lexicon_columns[k]:
            lexicon_weight = float(contribution[where])
    chosen = [CueSpan(label, start, end, lexicon_weight) for start, end in lexicon_hits[:MAX_CUES_PER_LABEL]]
    usable = np.flatnonzero((contribution > 0) & cue_ok)
    if not len(usable):
        return chosen
    top = usable[np.argsort(-contribution[usable], kind="stable")[: 2 * MAX_CUES_PER_LABEL]]
    floor = MIN_SHARE_OF_TOP * max(lexicon_weight, float(contribution[top[0]]))
    for position in top.tolist():
        weight = float(contribution[position])
        if len(chosen) >= MAX_CUES_PER_LABEL or (chosen and weight < floor):
            break
        span = item.word_span(item.features.index(model.feature_names[int(columns[position])]))
        if span is not None and all(span[1] <= other.start or span[0] >= other.end for other in chosen):
            chosen.append(CueSpan(label, span[0], span[1], weight))
    return sorted(chosen, key=lambda c: c.start)


def can_cue(feature: str) -> bool:
    """Words can explain a flag; lexicon counters, punctuation and bare function words cannot."""
    if feature.startswith(("l:", "f:")):
        return False
    return any(word not in _NOT_CUES and (word.isalnum() or word in ("C", "A")) for word in feature[2:].split(" "))
