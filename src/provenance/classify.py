"""Stage 3: features -> per-label probabilities, decisions and the cues behind each decision.

Plain arithmetic on the loaded arrays: a linear model's log-odds, Platt-calibrated. Two rules sit on
top: every flag shown has a cue, and ``on_record`` is shown only where an attribution frame credits
the sentence to a checkable source (a named person or organisation, an outlet, a public record).

A cue is what an editor can check the flag against, in this order: for a sourcing label, the
attribution frame of a matching kind ("a senior official ... said"); then lexicon phrases; then the
model's strongest n-grams, but only those holding a sourcing word (a verb of saying, a role, a
document, a channel, a hedge: the attribution lexicons' word classes). A topic word the model happens
to weigh ("radar", "Kursk") explains nothing and is never shown; a flag left with no cue is not shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from itertools import islice
from typing import Final, NamedTuple, cast

import numpy as np

from provenance import speedups
from provenance.attribution import (
    CHECKABLE, SOURCE_KINDS, Frame, default_lexicon, frame_features, frame_features_many, is_checkable,
    only_unresolved_pronouns,
)
from provenance.columns import ColumnTables, Featured, featurise_columns, tables_for
from provenance.cues import CueMatch, Lexicon
from provenance.features import _TOKEN, Extracted, Matrix, extract
from provenance.labels import LABEL_INDEX, LABELS, POSITIVE, LabelId
from provenance.modelfile import Model

MAX_CUES_PER_LABEL: Final = 2
#: Sentences featurised at once; bounds working memory on very long texts. 384 rather than 256: the
#: chunk's fixed costs spread over more articles (score_many 2-4 % faster) for no measurable peak
#: memory (106 MB scoring a 1,000,000-character text either way, the result included).
CHUNK_SENTENCES: Final = 384
#: Beside a stronger cue, an n-gram is offered only if it carries at least this share of that cue's weight,
#: so a lexicon phrase ("closed-door") is not padded with weak context words ("on Sunday").
MIN_SHARE_OF_TOP: Final = 0.5
_NOT_CUES: Final = frozenset(
    ["a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "and", "or", "but", "nor", "yet", "so", "if", "as", "is", "was", "are", "were", "be", "been", "being", "has", "have", "had", "it", "its", "this", "that", "these", "those", "he", "she", "they", "we", "i", "you", "his", "her", "him", "their", "them", "our", "us", "who", "whom", "which", "what", "when", "where", "how", "with", "from", "into", "about", "after", "before", "over", "under", "than", "then", "there", "here", "also", "not", "no", "some", "any", "all", "each", "other", "such", "only", "own", "same", "too", "very", "can", "could", "will", "would", "may", "might", "should", "must", "just", "now", "one", ",", '"', ":", "?", "!", "0"]
)


#: A frame's source and verb are shown as one cue when at most this many characters separate them
#: ("a senior official, speaking on condition of anonymity, said"); further apart, the source alone.
MAX_FRAME_GAP: Final = 60
#: The source kinds whose frames explain each sourcing label.
FRAME_KINDS: Final[dict[LabelId, frozenset[str]]] = {
    "anonymous_source": frozenset({"anonymous_person"}),
    "vague_attribution": frozenset({"unnamed_group", "none"}),
    "leaked_document": frozenset({"document"}),
    "on_record": CHECKABLE,
}
_GATED: Final = LABEL_INDEX[POSITIVE]
_SOURCE_LABELS: Final = frozenset({LABEL_INDEX["anonymous_source"], LABEL_INDEX["vague_attribution"]})


class CueSpan(NamedTuple):
    """A cue relative to its sentence: label, half-open span and log-odds contribution."""

    label: LabelId
    start: int
    end: int
    weight: float


class Predictions(NamedTuple):
    """What the model says about a run of sentences (a NamedTuple: one is made per article scored)."""

    probabilities: np.ndarray  # (n_sentences, n_labels), calibrated
    labels: list[tuple[LabelId, ...]]
    cues: list[tuple[CueSpan, ...]]

    def part(self, start: int, end: int) -> Predictions:
        """The predictions of sentences ``start:end`` (one article of a batch)."""
        return Predictions(self.probabilities[start:end], self.labels[start:end], self.cues[start:end])

    def unlabelled(self) -> Predictions:
        """The same probabilities with no label and no cue shown (text the model cannot read)."""
        return Predictions(self.probabilities, [()] * len(self.labels), [()] * len(self.cues))


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
    tables = tables_for(model)
    hits = model.lexicon.hits_of(sentences)
    features = frame_features_many(frames, sentences)
    featured = featurise_columns(sentences, hits, features, tables)
    contributions, probabilities = score_matrix(featured.matrix, model)
    return labels_and_cues(featured, frames, contributions, probabilities, model, tables)


def score_matrix(matrix: Matrix, model: Model) -> tuple[np.ndarray, np.ndarray]:
    """Each stored entry's share of every label's log-odds, and the calibrated probabilities."""
    native = speedups.native()
    if native is not None:  # one pass over the entries: the same products and sums, in the same order
        contributions, logits = native.linear_rows(matrix.indptr, matrix.indices, matrix.data, model.weights, model.bias)
        return contributions, calibrated_probabilities(logits, model)
    contributions = model.weights[matrix.indices] * matrix.data[:, None]
    return contributions, calibrated_probabilities(log_odds(matrix, contributions, model), model)


def labels_and_cues(
    featured: Featured,
    frames: Sequence[tuple[Frame, ...]],
    contributions: np.ndarray,
    probabilities: np.ndarray,
    model: Model,
    tables: ColumnTables,
) -> Predictions:
    """Labels over threshold that a cue explains (and, for ``on_record``, a checkable frame backs)."""
    rows, ks = flagged(probabilities, model.thresholds, frames, featured.hits)
    chosen = select_cues(featured, frames, contributions, rows, ks, model, tables)
    compiled = speedups.cue_chooser(_CHOICE_CONSTANTS)
    if compiled is not None:  # the loop below, compiled
        return Predictions(probabilities, *compiled.shown(len(featured.sentences), rows, ks, chosen))
    labels: list[list[LabelId]] = [[] for _ in featured.sentences]
    cues: list[list[CueSpan]] = [[] for _ in featured.sentences]
    for i, k, label_cues in zip(rows, ks, chosen):
        if label_cues:  # no cue, no flag: every label shown comes with the words behind it
            labels[i].append(LABELS[k])
            cues[i].extend(label_cues)
    return Predictions(probabilities, [tuple(x) for x in labels], [tuple(x) for x in cues])


def featurise(sentences: Sequence[str], frames: Sequence[tuple[Frame, ...]], lexicon: Lexicon) -> list[Extracted]:
    """Word, lexicon and frame features of each sentence as strings: the definition training uses
    (scoring finds the same features as columns, see :mod:`provenance.columns`)."""
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


def flagged(
    probabilities: np.ndarray,
    thresholds: np.ndarray,
    frames: Sequence[tuple[Frame, ...]],
    hits: Sequence[Sequence[CueMatch]],
) -> tuple[list[int], list[int]]:
    """(sentence, label) pairs over threshold, in reading order; ``on_record`` only with a checkable
    frame; no anonymous or vague label from a lone pronoun that points back to nothing (settled
    convention 2) unless a lexicon phrase of that label says so."""
    compiled = speedups.cue_chooser(_CHOICE_CONSTANTS)
    if compiled is not None:  # the loop below, compiled
        return compiled.flagged(probabilities, thresholds, frames, hits)
    rows, ks = np.nonzero(probabilities >= thresholds)
    pairs = [(i, k) for i, k in zip(rows.tolist(), ks.tolist()) if _allowed(i, k, frames, hits)]
    return [i for i, _ in pairs], [k for _, k in pairs]


def _allowed(i: int, k: int, frames: Sequence[tuple[Frame, ...]], hits: Sequence[Sequence[CueMatch]]) -> bool:
    """The two structural rules on top of the probabilities, for sentence ``i`` and label ``k``."""
    if k == _GATED:
        return is_checkable(frames[i])
    if k in _SOURCE_LABELS and only_unresolved_pronouns(frames[i]):
        return any(hit.label == LABELS[k] for hit in hits[i])
    return True


def select_cues(
    featured: Featured,
    frames: Sequence[tuple[Frame, ...]],
    contributions: np.ndarray,
    rows: list[int],
    ks: list[int],
    model: Model,
    tables: ColumnTables,
) -> list[Sequence[CueSpan]]:
    """The cues of every flagged (sentence, label) pair: its frames, its lexicon hits, then its strongest
    sourcing-word n-grams.

    The n-gram candidates of all pairs are ranked at once (one lexsort here; one pass over each
    flagged row's entries in the compiled path); only the few at the top of
    each pair are then checked one by one for words and overlaps.
    """
    candidates, lexicon_weights, kind_weights = _pair_weights(featured.matrix, contributions, rows, ks, model, tables)
    spans = _Spans(featured, tables)
    compiled = speedups.cue_chooser(_CHOICE_CONSTANTS)
    if compiled is not None:  # the loop below, compiled
        return compiled.choose_all(rows, ks, lexicon_weights, candidates, kind_weights, frames, featured.sentences,
                                   featured.hits, spans.of)
    return [
        _choose(
            LABELS[k], _frame_cues(LABELS[k], frames[i], featured.sentences[i], weights),
            featured.hits[i], weight, found, partial(spans.of, i),
        )
        for i, k, weight, found, weights in zip(rows, ks, lexicon_weights, candidates, kind_weights.tolist())
    ]


def _pair_weights(
    matrix: Matrix, contributions: np.ndarray, rows: list[int], ks: list[int], model: Model, tables: ColumnTables
) -> tuple[list[Sequence[tuple[int, float]]], list[float], np.ndarray]:
    """Per flagged pair: its candidate n-grams, what its lexicon column adds, and what each source kind's
    frame features add (see the three functions below)."""
    compiled = speedups.native_cues()
    if compiled is not None:  # the three in one pass over each flagged row's entries
        return compiled.weigh_pairs(
            matrix.indptr, matrix.indices, contributions, rows, ks, tables.cue_verdicts,
            lambda column: can_cue(tables.names[column]), tables.frame_kinds,
            np.asarray(model.lexicon_columns, dtype=np.int64), len(SOURCE_KINDS), 2 * MAX_CUES_PER_LABEL,
        )
    entries = _PairEntries.of(matrix, contributions, rows, ks)
    return (_ranked_candidates(entries, len(rows), tables), _lexicon_weights(entries, len(rows), ks, model),
            _kind_weights(entries, len(rows), tables))


class _PairEntries(NamedTuple):
    """Every stored entry of the flagged sentences, once per (sentence, label) pair, in row order: the
    pair it belongs to, its column and what it adds to that pair's label."""

    pair: np.ndarray
    column: np.ndarray
    weight: np.ndarray

    @classmethod
    def of(cls, matrix: Matrix, contributions: np.ndarray, rows: list[int], ks: list[int]) -> _PairEntries:
        starts = matrix.indptr[rows]
        lengths = matrix.indptr[np.asarray(rows, dtype=np.int64) + 1] - starts
        pair = np.repeat(np.arange(len(rows)), lengths)
        entry = np.arange(int(lengths.sum())) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        return cls(pair, matrix.indices[entry], contributions[entry, np.asarray(ks, dtype=np.int64)[pair]])


def _kind_weights(entries: _PairEntries, n_pairs: int, tables: ColumnTables) -> np.ndarray:
    """Per pair, what the frame features of each source kind (``f:k=KIND`` and its combinations with cue
    class, side and position) add to the label's log-odds: one row per pair, one column per kind."""
    kind = tables.frame_kinds[entries.column]
    framed = kind >= 0
    weights = np.zeros((n_pairs, len(SOURCE_KINDS)))
    np.add.at(weights, (entries.pair[framed], kind[framed]), entries.weight[framed])
    return weights


_KIND_INDEX: Final = {kind: n for n, kind in enumerate(SOURCE_KINDS)}
#: What the compiled cue choice (``_cues.pyx``) reads from this module, once.
_CHOICE_CONSTANTS: Final = (CueSpan, LABELS, dict(FRAME_KINDS), _KIND_INDEX, MAX_CUES_PER_LABEL, MIN_SHARE_OF_TOP,
                            MAX_FRAME_GAP, CHECKABLE, _GATED, _SOURCE_LABELS)


def _frame_cues(label: LabelId, frames: tuple[Frame, ...], sentence: str, kind_weights: list[float]) -> list[CueSpan]:
    """The frames of a sentence whose source kind explains ``label``, as cues, strongest first.

    A frame weighs what the features of its kind add to the label's log-odds in this sentence; a frame
    whose features argue against the label does not explain it.
    """
    kinds = FRAME_KINDS.get(label)
    if not kinds or not frames:
        return []
    cues = []
    for frame in frames:
        if frame.kind not in kinds or frame.raw.negated:
            continue
        weight = kind_weights[_KIND_INDEX[frame.kind]]
        if weight > 0:
            start, end = _words_only(sentence, *_frame_span(frame))
            if start < end:
                cues.append(CueSpan(label, start, end, weight))
    return sorted(cues, key=lambda cue: -cue.weight)


def _frame_span(frame: Frame) -> tuple[int, int]:
    """The words a frame is shown as: source and verb together when close, else the source alone."""
    raw = frame.raw
    if raw.source_start < 0:
        return raw.cue_start, raw.cue_end
    gap = max(raw.cue_start - raw.source_end, raw.source_start - raw.cue_end)
    if gap > MAX_FRAME_GAP:
        return raw.source_start, raw.source_end
    return min(raw.cue_start, raw.source_start), max(raw.cue_end, raw.source_end)


def _ranked_candidates(entries: _PairEntries, n_pairs: int, tables: ColumnTables) -> list[Sequence[tuple[int, float]]]:
    """Per pair, up to ``2 * MAX_CUES_PER_LABEL`` (column, weight) that may explain it, strongest first
    (ties in stored order): entries that add to the label's log-odds and hold showable words."""
    positive = entries.weight > 0
    pair, column, weight = entries.pair[positive], entries.column[positive], entries.weight[positive]
    showable = tables.cue_columns(column, can_cue)
    pair, column, weight = pair[showable], column[showable], weight[showable]
    order = np.lexsort((np.arange(len(pair)), -weight, pair))
    pair, column, weight = pair[order], column[order], weight[order]
    top = np.arange(len(pair)) - np.searchsorted(pair, pair) < 2 * MAX_CUES_PER_LABEL
    found: list[list[tuple[int, float]]] = [[] for _ in range(n_pairs)]
    for p, c, w in zip(pair[top].tolist(), column[top].tolist(), weight[top].tolist()):
        found[p].append((c, w))
    return cast("list[Sequence[tuple[int, float]]]", found)  # lists are sequences; no copy


def _lexicon_weights(entries: _PairEntries, n_pairs: int, ks: list[int], model: Model) -> list[float]:
    """Per pair, the log-odds its label's lexicon column adds (0.0 when absent)."""
    wanted = np.asarray(model.lexicon_columns, dtype=np.int64)[np.asarray(ks, dtype=np.int64)]
    hit = entries.column == wanted[entries.pair]
    weights = np.zeros(n_pairs)
    weights[entries.pair[hit]] = entries.weight[hit]
    result: list[float] = weights.tolist()
    return result


def _choose(
    label: LabelId,
    frame_cues: list[CueSpan],
    hits: Sequence[CueMatch],
    lexicon_weight: float,
    candidates: Sequence[tuple[int, float]],
    span_of: Callable[[int], tuple[int, int] | None],
) -> list[CueSpan]:
    """Pick the words behind one label: its frames, then its lexicon hits, then the candidate columns'
    words that carry at least :data:`MIN_SHARE_OF_TOP` of the strongest cue's weight; no two overlap."""
    chosen: list[CueSpan] = []
    for cue in frame_cues:
        if len(chosen) < MAX_CUES_PER_LABEL and _apart(cue.start, cue.end, chosen):
            chosen.append(cue)
    lexicon_hits = [(hit.start, hit.end) for hit in hits if hit.label == label]
    weight = lexicon_weight if lexicon_hits else 0.0
    for start, end in lexicon_hits:
        if len(chosen) < MAX_CUES_PER_LABEL and _apart(start, end, chosen):
            chosen.append(CueSpan(label, start, end, weight))
    if not candidates:
        return sorted(chosen, key=lambda c: c.start)
    floor = MIN_SHARE_OF_TOP * max([weight, candidates[0][1], *(cue.weight for cue in chosen)])
    for column, candidate_weight in candidates:
        if len(chosen) >= MAX_CUES_PER_LABEL or (chosen and candidate_weight < floor):
            break
        span = span_of(column)
        if span is not None and _apart(span[0], span[1], chosen):
            chosen.append(CueSpan(label, span[0], span[1], candidate_weight))
    return sorted(chosen, key=lambda c: c.start)


def _words_only(sentence: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` without the punctuation at either edge, and without a bracket left open at its end
    ("the Ministry (EMERCOM)" is shown as "the Ministry")."""
    opened = sentence.rfind("(", start, end)
    if opened > start and sentence.find(")", opened, end - 1) < 0:
        end = opened
    while start < end and not sentence[start].isalnum():
        start += 1
    while end > start and not sentence[end - 1].isalnum():
        end -= 1
    return start, end


def _apart(start: int, end: int, chosen: list[CueSpan]) -> bool:
    """Whether ``start:end`` overlaps none of the cues already chosen."""
    return all(end <= other.start or start >= other.end for other in chosen)


class _Spans:
    """Where a feature's words are in its sentence, worked out only for the features shown as cues."""

    def __init__(self, featured: Featured, tables: ColumnTables) -> None:
        self._featured = featured
        self._tables = tables
        self._first_token: list[int] = featured.first_token.tolist()

    def of(self, sentence: int, column: int) -> tuple[int, int] | None:
        """The span of the first occurrence of ``column``'s feature, minus punctuation at either edge
        (None when no word is left): a cue shown to an editor is words, not the comma before them."""
        family, width = self._tables.family(column)
        first, stop = self._first_token[sentence], self._first_token[sentence + 1]
        native = speedups.native()
        if native is not None:  # the lines below in one compiled call
            return native.cue_span(self._featured.families[family], first, stop, width, column, self._featured.wordy,
                                   self._featured.sentences[sentence])
        # Only this sentence's part of the chunk-wide arrays is read (a few dozen tokens).
        start = first + self._featured.families[family][first : stop - width + 1].tolist().index(column)
        wordy = self._featured.wordy[start : start + width].tolist()
        left, right = 0, width - 1
        while left <= right and not wordy[left]:
            left += 1
        while right >= left and not wordy[right]:
            right -= 1
        if left > right:
            return None
        low, high = start + left, start + right
        text = self._featured.sentences[sentence]
        # Only two tokens' offsets are needed: the regex skips to them in C, building no list.
        matches = _TOKEN.finditer(text)
        opening = next(islice(matches, low - first, None))
        closing = opening if high == low else next(islice(matches, high - low - 1, None))
        return opening.start(), closing.end()


def can_cue(feature: str) -> bool:
    """Whether an n-gram feature's words can explain a flag: it must hold a sourcing word (one of the
    attribution lexicons' word classes, or a 5-letter prefix of one) that is not a bare function word.
    Lexicon counters and frame features are shown another way; punctuation and topic words never."""
    head, words = feature[:2], feature[2:].split(" ")
    if head == "k:":
        return words != ["NEG"]  # a word class is sourcing words by construction; a bare "no" is not
    if head not in ("w:", "p:", "b:", "s:"):
        return False
    vocabulary, prefixes = _sourcing_words()
    known = prefixes if head == "p:" else vocabulary
    return any(word not in _NOT_CUES and word.lower() in known for word in words)


@lru_cache(maxsize=1)
def _sourcing_words() -> tuple[frozenset[str], frozenset[str]]:
    """The words of the attribution lexicons' word classes, and their 5-letter prefixes."""
    words = frozenset(word for word in default_lexicon().word_classes if word not in _NOT_CUES)
    return words, frozenset(word[:5] for word in words if len(word) >= 5)
