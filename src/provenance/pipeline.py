"""Wiring: text -> sentences -> attributions -> features -> probabilities -> article score.

``Scorer`` runs stages 1-4 with one model; ``score`` and ``score_many`` use the shipped model,
loaded lazily once per process. Input is checked here, at the door, and nowhere else.
"""

from __future__ import annotations

import pickle
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Final, NamedTuple

from provenance import speedups
from provenance.attribution import Frame, default_lexicon
from provenance.classify import CHUNK_SENTENCES, CueSpan, Predictions, predict
from provenance.errors import (
    CHARS_PER_SENTENCE, InputTooLargeError, InputTypeError, ProvenanceError, TooManySentencesError,
)
from provenance.labels import LABELS, LabelId
from provenance.language import UNDETERMINED, Language, detect_language
from provenance.modelfile import Model, load_default_model, load_model
from provenance.results import ArticleScore, Attribution, Cue, FrozenDict, SentenceScore, Span
from provenance.risk import article_risk, risk_level
from provenance.rules import HouseRules
from provenance.segment import Sentence, segment

#: Longest text ``score`` accepts by default (about 150,000 words). Raise it per call or per Scorer;
#: time and memory grow linearly with length.
DEFAULT_MAX_CHARS: Final = 1_000_000
_BATCH_SIZE: Final = 32
#: ``score_many`` scores a batch once it holds this many sentences (one featuriser chunk: an article
#: that would take it past this starts the next batch, so no batch ends in a sliver of a chunk) ...
BATCH_SENTENCES: Final = CHUNK_SENTENCES
#: ... or this many articles, so that a stream of empty texts still moves.
BATCH_ARTICLES: Final = 64
#: What the compiled result builder (``_results.pyx``) fills.
_RESULT_TYPES: Final = (ArticleScore, SentenceScore, Cue, Attribution, Span, FrozenDict, LABELS)


class Scorer:
    """Scores articles with one model. Cheap to create; the model loads on first use."""

    def __init__(
        self, model: Model | None = None, *, max_chars: int = DEFAULT_MAX_CHARS, rules: HouseRules | None = None
    ) -> None:
        if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
            raise ValueError(
                f"The 'max_chars' parameter of Scorer must be a positive int. Got {max_chars!r} instead."
            )
        _check_rules(rules, "Scorer")
        self._model = model
        self.max_chars = max_chars
        self.rules = rules

    def __repr__(self) -> str:
        """What scores: the model (without loading the shipped one), the length limit and the rules."""
        model = "shipped (not loaded yet)" if self._model is None else self._model.version
        return f"Scorer(model={model!r}, max_chars={self.max_chars}, rules={self.rules!r})"

    @classmethod
    def from_directory(
        cls, path: str | Path, *, max_chars: int = DEFAULT_MAX_CHARS, rules: HouseRules | None = None
    ) -> Scorer:
        """Load a model written by ``provenance train`` (its manifest is required and verified)."""
        return cls(load_model(Path(path)), max_chars=max_chars, rules=rules)

    @property
    def model(self) -> Model:
        """The model, loading the shipped one on first access."""
        if self._model is None:
            self._model = load_default_model()
        return self._model

    def score(self, text: str) -> ArticleScore:
        """Score one article given as a ``str``; see :func:`provenance.score`."""
        return self._score_segmented([(text, self._sentences(text))])[0]

    def score_many(self, texts: Iterable[str], n_jobs: int = 1) -> Iterator[ArticleScore]:
        """Score many articles lazily, in input order; ``n_jobs > 1`` uses joblib worker processes."""
        _check_iterable(texts, "score_many()")
        if n_jobs == 1:
            return self._batched_scores(texts)
        return _parallel_scores(self, texts, n_jobs)

    def _sentences(self, text: object) -> tuple[Sentence, ...]:
        """The text's sentences, checked at the door: not a str, too long, or more sentences than an
        article of this length could have raise a ProvenanceError naming the problem."""
        if not isinstance(text, str):
            raise InputTypeError.for_text("text", "score()", text)
        if len(text) > self.max_chars:
            raise InputTooLargeError(len(text), self.max_chars)
        sentences = segment(text)
        limit = max(1, self.max_chars // CHARS_PER_SENTENCE)
        if len(sentences) > limit:
            raise TooManySentencesError(len(sentences), limit, self.max_chars)
        return sentences

    def _batched_scores(self, texts: Iterable[str]) -> Iterator[ArticleScore]:
        """Score a stream a batch at a time: many short articles share one pass through the featuriser
        and the matrix product, whose fixed cost per call is paid once per batch, not per article.
        A bad text, or a stream that breaks, raises in its place, after the results of the texts before it."""
        batch: list[tuple[str, tuple[Sentence, ...]]] = []
        n_sentences = 0
        iterator = iter(texts)
        while True:
            try:
                text = next(iterator)
            except StopIteration:
                break
            except Exception:  # the input stream itself broke: deliver what was read, then raise
                yield from self._score_segmented(batch)
                raise
            try:
                sentences = self._sentences(text)
            except ProvenanceError:
                yield from self._score_segmented(batch)
                raise
            if batch and _overflows(n_sentences, sentences):
                yield from self._score_segmented(batch)
                batch, n_sentences = [], 0
            batch.append((text, sentences))
            n_sentences += len(sentences)
            if n_sentences >= BATCH_SENTENCES or len(batch) >= BATCH_ARTICLES:
                yield from self._score_segmented(batch)
                batch, n_sentences = [], 0
        yield from self._score_segmented(batch)

    def _score_segmented(self, batch: list[tuple[str, tuple[Sentence, ...]]]) -> list[ArticleScore]:
        """Score segmented articles: attribution per article, then all their sentences predicted together."""
        return [_article_score(text, *parts) for (text, _), parts in zip(batch, self._scored_parts(batch))]

    def _scored_parts(self, batch: list[tuple[str, tuple[Sentence, ...]]]) -> list[_Parts]:
        """What each article's result is made of, before it is made (a worker process sends these back)."""
        if not batch:
            return []
        model = self.model
        lexicon = default_lexicon()
        texts = [[s.text for s in sentences] for _, sentences in batch]
        # Tuples: a batch holds them through many collections, and the collector need not follow them.
        frames = [tuple(lexicon.attribute(article)) for article in texts]
        predictions = predict([t for article in texts for t in article], model, [f for fs in frames for f in fs])
        parts = []
        start = 0
        for (text, sentences), article, article_frames in zip(batch, texts, frames):
            part = predictions.part(start, start + len(sentences))
            start += len(sentences)
            language = detect_language(text) if sentences else UNDETERMINED
            if not language.supported:  # the model's labels would be guesses; the house's phrases are not
                part = part.unlabelled()
            if self.rules is not None:
                part = self.rules.apply(article, part)
            parts.append(_Parts(sentences, article_frames, part, model.version, language))
        return parts


def _overflows(n_sentences: int, sentences: tuple[Sentence, ...]) -> bool:
    """Whether an article would take a batch of ``n_sentences`` past one featuriser chunk: it then
    starts the next batch, so that no batch ends in a sliver of a chunk (a second pass through the
    featuriser's fixed costs for a few sentences)."""
    return n_sentences + len(sentences) > BATCH_SENTENCES


def _chunked(segmented: list[tuple[str, tuple[Sentence, ...]]]) -> Iterator[list[tuple[str, tuple[Sentence, ...]]]]:
    """``segmented`` in runs of articles that fill a featuriser chunk, cut as ``score_many`` cuts a stream."""
    run: list[tuple[str, tuple[Sentence, ...]]] = []
    n_sentences = 0
    for article in segmented:
        if run and _overflows(n_sentences, article[1]):
            yield run
            run, n_sentences = [], 0
        run.append(article)
        n_sentences += len(article[1])
    if run:
        yield run


class _Parts(NamedTuple):
    """An article's result before it is built: all of ``_article_score``'s arguments but the text."""

    sentences: tuple[Sentence, ...]
    frames: tuple[tuple[Frame, ...], ...]
    predictions: Predictions
    version: str
    language: Language


def _default_scorer(max_chars: int, rules: HouseRules | None = None) -> Scorer:
    """A Scorer over the shipped model (loaded once per process, shared by every Scorer)."""
    return Scorer(load_default_model(), max_chars=max_chars, rules=rules)


def score(text: str, *, max_chars: int = DEFAULT_MAX_CHARS, rules: HouseRules | None = None) -> ArticleScore:
    """Score one article with the shipped model.

    Parameters
    ----------
    text : str
        The article. Offsets in the result index this exact string.
    max_chars : int
        Longest text accepted; longer text raises ``ValueError`` (never a hang).
    rules : HouseRules, optional
        Extra cue phrases and disabled labels (see :mod:`provenance.rules`).

    Returns
    -------
    ArticleScore
        Risk in [0, 1], its level, label counts and every sentence with probabilities and cues.

    Raises
    ------
    TypeError
        If ``text`` is not a ``str`` (decode bytes first).
    ValueError
        If ``text`` is longer than ``max_chars``.

    Examples
    --------
    >>> result = score("Sources say the deal collapsed. Mayor Ana Ruiz told reporters the road reopened.")
    >>> [s.labels for s in result.sentences]
    [('vague_attribution',), ('on_record',)]
    >>> result.sentences[0].cues[0].text
    'Sources say'
    """
    _check_rules(rules, "provenance.score")
    return _default_scorer(max_chars, rules).score(text)


def score_many(
    texts: Iterable[str], n_jobs: int = 1, *, max_chars: int = DEFAULT_MAX_CHARS, rules: HouseRules | None = None
) -> Iterator[ArticleScore]:
    """Score an iterable of articles, yielding one ``ArticleScore`` per text in the same order.

    Inputs are consumed and results produced lazily, so memory stays flat on long streams.
    ``n_jobs`` > 1 (or -1 for every core) spreads batches over joblib worker processes, each of
    which loads the model once.
    """
    return _default_scorer(max_chars, rules).score_many(texts, n_jobs=n_jobs)


def _check_rules(rules: object, caller: str) -> None:
    """``rules`` is None or a HouseRules; a path gets told how to load it, naming the function called."""
    if rules is None or isinstance(rules, HouseRules):
        return
    if isinstance(rules, (str, Path)):
        raise InputTypeError(
            f"The 'rules' parameter of {caller} takes loaded house rules, not a path ({str(rules)!r}). "
            f"Load the file first: rules=provenance.load_rules({str(rules)!r})."
        )
    raise InputTypeError(
        f"The 'rules' parameter of {caller} must be a HouseRules. Got {type(rules).__name__} instead. "
        "Build one with provenance.load_rules(path) or HouseRules.create(cues=..., disable=...)."
    )


def _article_score(
    text: str,
    sentences: tuple[Sentence, ...],
    frames: tuple[tuple[Frame, ...], ...],
    predictions: Predictions,
    version: str,
    language: Language,
) -> ArticleScore:
    """The result model, validated in one pass (pydantic-core does it several times faster than
    building each nested model in Python), or built directly by the compiled builder from the same
    values. Text the model cannot read gets no rating at all."""
    risk = article_risk(predictions.probabilities, predictions.labels)
    level = risk_level(risk) if language.supported else "unsupported"
    build = speedups.result_builder(_RESULT_TYPES)
    if build is not None:  # counts the labels itself
        built: ArticleScore = build(text, sentences, frames, predictions.labels, predictions.probabilities,
                                    predictions.cues, risk, level, version, language.code, language.supported)
        return built
    counts: dict[LabelId, int] = {label: 0 for label in LABELS}
    for labels in predictions.labels:
        for label in labels:
            counts[label] += 1
    probabilities = predictions.probabilities.tolist()
    rows = [
        _sentence_row(text, sentence.text, sentence.start, sentence.end, labels, sentence_probabilities, cues)
        for sentence, labels, sentence_probabilities, cues in zip(
            sentences, predictions.labels, probabilities, predictions.cues
        )
    ]
    for i, row in enumerate(rows):
        row["attributions"] = _attribution_rows(text, sentences, i, frames[i]) if frames[i] else []
    return ArticleScore.model_validate(
        {"risk": risk, "level": level, "counts": counts,
         "sentences": rows, "model_version": version, "language": language.code, "supported": language.supported}
    )


def _sentence_row(
    text: str, sentence_text: str, start: int, end: int, labels: tuple[LabelId, ...], probabilities: list[float],
    cues: tuple[CueSpan, ...],
) -> dict[str, object]:
    """A SentenceScore as plain data, cue offsets moved from the sentence to the article."""
    return {
        "text": sentence_text,
        "start": start,
        "end": end,
        "labels": labels,
        "probabilities": dict(zip(LABELS, probabilities)),
        "cues": [
            {"label": cue.label, "start": start + cue.start, "end": start + cue.end,
             "text": text[start + cue.start : start + cue.end], "weight": cue.weight}
            for cue in cues
        ],
    }


def _attribution_rows(
    text: str, sentences: tuple[Sentence, ...], i: int, frames: tuple[Frame, ...]
) -> list[dict[str, object]]:
    """A sentence's frames as plain data, offsets moved to the article; negated acts ("declined to
    comment") credit nothing and are left out."""
    base = sentences[i].start
    rows: list[dict[str, object]] = []
    for frame in frames:
        raw = frame.raw
        if raw.negated:
            continue
        source = _span(text, base + raw.source_start, base + raw.source_end) if raw.source_start >= 0 else None
        refers_to = None
        if frame.antecedent is not None:
            where, start, end = frame.antecedent
            refers_to = _span(text, sentences[where].start + start, sentences[where].start + end)
        rows.append({"cue": _span(text, base + raw.cue_start, base + raw.cue_end), "source": source,
                     "kind": frame.kind, "refers_to": refers_to})
    return rows


def _span(text: str, start: int, end: int) -> dict[str, object]:
    return {"text": text[start:end], "start": start, "end": end}


def _check_iterable(texts: object, caller: str) -> None:
    """Catch the classic trap of passing one string where an iterable of strings is expected."""
    if isinstance(texts, (str, bytes, bytearray)):
        raise InputTypeError(
            f"{caller} expected an iterable of str, got a {type(texts).__name__}. "
            "Wrap a single article in a list, or call score() for one text."
        )
    if not isinstance(texts, Iterable):
        raise InputTypeError(
            f"{caller} expected an iterable of str, got {type(texts).__name__}. Pass a list or generator of str."
        )


def _parallel_scores(scorer: Scorer, texts: Iterable[str], n_jobs: int) -> Iterator[ArticleScore]:
    """Score batches in joblib worker processes, streaming inputs and results in order.

    Every result computed before a failure is delivered, then the failure is raised, as with
    ``n_jobs=1``: an error raised by ``texts`` waits until the batches before it are scored, and a
    worker sends back the results it finished before the text that failed. Stopping early (or a
    failure) stops reading ``texts`` and lets the few batches already handed out finish unread:
    closing joblib's generator mid-flight kills its workers, and loky's manager thread can then
    trip over the cancelled tasks (a KeyError traceback on stderr).
    """
    from joblib import Parallel, delayed

    shipped = scorer._model is None or scorer._model is load_default_model()
    payload = None if shipped else scorer.model
    failure: list[Exception] = []
    sent: deque[list[str]] = deque()  # batches handed to joblib, whose results come back in this order
    stop: list[bool] = []  # set once the caller is done: no further batch is read
    batches = _batches(texts, _BATCH_SIZE, failure, sent, stop)
    plain = speedups.result_builder(_RESULT_TYPES) is not None  # this process builds from plain tuples
    jobs = (delayed(_score_batch)(batch, payload, scorer.max_chars, scorer.rules, plain) for batch in batches)
    outcomes = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    try:
        for outcome in outcomes:
            batch = sent.popleft()
            yield from (_article_score(text, *parts) for text, parts in zip(batch, outcome.results))
            if outcome.error is not None:
                raise outcome.error
    finally:
        stop.append(True)
        with warnings.catch_warnings():  # only if draining is itself interrupted: joblib then warns
            warnings.filterwarnings("ignore", "[0-9]+ tasks (which were still being processed|have been)", UserWarning)
            try:
                for _ in outcomes:  # at most joblib's pre-dispatched batches (2 per worker)
                    pass
            finally:
                outcomes.close()
    if failure:
        raise failure[0]


def _batches(
    texts: Iterable[str], size: int, failure: list[Exception], sent: deque[list[str]], stop: list[bool]
) -> Iterator[list[str]]:
    """Cut a stream into lists of ``size`` without reading ahead further; each is also put in ``sent``.
    Nothing more is read once ``stop`` is set.

    An exception from the stream ends it: the texts read before it still form a batch, and the
    exception goes into ``failure`` for the caller to raise once those are delivered.
    """
    iterator = iter(texts)
    while not stop:
        batch: list[str] = []
        try:
            batch.extend(islice(iterator, size))  # keeps the texts read before an exception
        except Exception as error:  # noqa: BLE001 - re-raised by the caller, in order
            failure.append(error)
            if batch:
                sent.append(batch)
                yield batch
            return
        if batch:
            sent.append(batch)
            yield batch
        if len(batch) < size:
            return


class _Outcome(NamedTuple):
    """What a worker sends back: the parts of each result in order, then the error that stopped it
    (if any). The caller builds the results from the parts and the texts it sent: shipping built
    results cost more to pickle and unpickle than building them does, and the caller's process, not
    the worker's, should hold them."""

    results: list[_Parts]
    error: Exception | None


def _score_batch(
    texts: list[str], model: Model | None, max_chars: int, rules: HouseRules | None, plain: bool = False
) -> _Outcome:
    """Worker side: score a batch with the shipped model (cached per process) or the one sent.
    ``plain``: the caller builds with the compiled builder, which reads sentences, frames and cues as
    plain tuples; sent so, they pickle and unpickle several times faster than as NamedTuples."""
    scorer = Scorer(model, max_chars=max_chars, rules=rules)
    segmented: list[tuple[str, tuple[Sentence, ...]]] = []
    try:
        for text in texts:  # as score_many checks and cuts them, then one featuriser pass for the batch
            segmented.append((text, scorer._sentences(text)))
    except Exception as error:  # noqa: BLE001 - sent back and raised in the caller, after these results
        return _Outcome(_parts_of(scorer, segmented, plain), _picklable(error))
    return _Outcome(_parts_of(scorer, segmented, plain), None)


def _parts_of(scorer: Scorer, segmented: list[tuple[str, tuple[Sentence, ...]]], plain: bool) -> list[_Parts]:
    """The parts of each article of a worker's batch, scored a featuriser chunk at a time."""
    parts = [part for run in _chunked(segmented) for part in scorer._scored_parts(run)]
    flatten = speedups.plain_tuples() if plain else None
    if flatten is None:
        return parts
    return [part._replace(sentences=flatten(part.sentences), frames=flatten(part.frames),
                          predictions=part.predictions._replace(cues=flatten(part.predictions.cues))) for part in parts]


def _picklable(error: Exception) -> Exception:
    """``error`` if it can travel back to the caller's process, else a RuntimeError describing it."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001 - any failure to pickle means: describe it instead
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
