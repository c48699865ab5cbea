"""Which code runs: the compiled extension or the pure-Python reference.

The extension's modules are ``_speedups`` (segmentation, RE2 match loops, featuriser, linear model,
language share, risk), ``_frames`` (frame reading, follow-ups, frame features), ``_cues`` (flagged
pairs, cue weighing and choice) and ``_results`` (result building); ``_chars.pxd``, ``_strings.pxd``
and ``_tuples.pxd`` hold what they share at compile time. It is optional (an install without a C
compiler is pure Python) and gives identical results, only faster; ``PROVENANCE_PURE_PYTHON=1`` in
the environment forces the pure-Python path, for example to compare the two. Callers ask this module at each call, so
:func:`pure_python` can switch paths in one process (for the equality tests and the benchmark).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

if TYPE_CHECKING:
    import numpy as np

    from provenance.attribution import AttributionLexicon, RawFrame
    from provenance.cues import CueMatch

#: Set to anything but "" or "0" to use pure Python even where the extension is built.
PURE_PYTHON_VARIABLE: Final = "PROVENANCE_PURE_PYTHON"
_T = TypeVar("_T", bound=tuple[Any, ...])
_S = TypeVar("_S", bound=tuple[Any, ...])
_H = TypeVar("_H", bound=tuple[Any, ...])
#: (sentences, cue matches in the sentences joined by newlines) -> frames of each sentence.
FrameReader = Callable[[Sequence[str], list[tuple[int, int]]], "list[list[RawFrame]]"]


class TokenIndex(Protocol):
    """The compiled index of distinct feature tokens (``_speedups.TokenIndex``)."""

    def locate(self, sentences: list[str], max_tokens: int, /) -> tuple[np.ndarray, np.ndarray, int]:
        """(each token's row, where each sentence's tokens start, the first row added)."""

    def tokens_from(self, row: int, /) -> list[str]:
        """The tokens of rows ``row`` onwards."""


class NativeCues(Protocol):
    """What ``_cues`` provides besides the Chooser."""

    def weigh_pairs(
        self, indptr: np.ndarray, indices: np.ndarray, contributions: np.ndarray, rows: list[int], ks: list[int],
        cue_ok: np.ndarray, judge: Callable[[int], bool], frame_kinds: np.ndarray, lexicon_columns: np.ndarray,
        n_kinds: int, keep: int, /,
    ) -> tuple[list[Sequence[tuple[int, float]]], list[float], np.ndarray]:
        """``classify._pair_weights``."""


class CueChooser(Protocol):
    """The compiled loops of ``classify`` (``_cues.Chooser``), with the cue-choice constants it holds."""

    def flagged(self, probabilities: np.ndarray, thresholds: np.ndarray, frames: Sequence[tuple[Any, ...]],
                hits: Sequence[Sequence[Any]], /) -> tuple[list[int], list[int]]:
        """``classify.flagged``."""

    def choose_all(self, rows: list[int], ks: list[int], lexicon_weights: list[float],
                   candidates: Sequence[Sequence[tuple[int, float]]], kind_weights: np.ndarray, frames: Sequence[tuple[Any, ...]],
                   sentences: Sequence[str], hits: Sequence[Sequence[Any]], span_of: Callable[[int, int], Any], /,
                   ) -> list[Sequence[Any]]:
        """The loop of ``classify.select_cues``: the cues of each flagged pair."""

    def shown(self, n_sentences: int, rows: list[int], ks: list[int], chosen: Sequence[Sequence[Any]], /,
              ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """The loop of ``classify.labels_and_cues``: each sentence's labels and cues."""

#: (text, sentences, frames, labels, probabilities, cues, risk, level, version, language, supported)
#: -> the ArticleScore; the arguments of ``pipeline._article_score``'s validation, as values.
ResultBuilder = Callable[..., Any]


class Native(Protocol):
    """What the extension provides (mypy checks ``_speedups.pyi`` against this)."""

    def attribution_tokens(self, sentence: str, tok_type: type[_T], /) -> tuple[list[_T], list[int]]: ...

    def TokenIndex(self) -> TokenIndex: ...  # noqa: N802 - the extension's class

    def lexicon_hits(
        self, labels: tuple[str, ...], spans: list[list[tuple[int, int]]], sentences: list[str], hit_type: type[_H], /,
    ) -> list[tuple[_H, ...]]: ...

    def cue_span(
        self, columns: np.ndarray, first: int, stop: int, width: int, column: int, wordy: np.ndarray, sentence: str, /,
    ) -> tuple[int, int] | None: ...

    def tfidf_rows(
        self, families: list[np.ndarray], first_token: np.ndarray, structural_rows: np.ndarray,
        structural_columns: np.ndarray, structural_values: np.ndarray, idf: np.ndarray, /,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...

    def sentences(
        self, text: str, max_sentence_chars: int, sentence_type: type[_S], is_hard_break: Callable[[str, int, int, int], bool],
        sentence_end_words: tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]], cap_length: Callable[[str, int, int, int], list[tuple[int, int]]], /,
    ) -> tuple[_S, ...]: ...

    def structural_entries(
        self, hits: Sequence[Sequence[CueMatch]], frame_features: Sequence[Sequence[str]], kinds: np.ndarray, rows: np.ndarray,
        vocabulary: dict[str, int], pair_columns: np.ndarray, n_columns: int, lexicon_value: float,
        frame_value: float, window: int, /,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...

    def english_share(self, sample: str, function_words: frozenset[str], longest: int, /) -> float: ...

    def character_spans(
        self, match: Callable[..., list[tuple[int, int]]], anchor: Any, data: bytes, ascii: bool, /,
    ) -> list[tuple[int, int]]: ...

    def article_risk(
        self, probabilities: np.ndarray, labels: list[Sequence[str]], label_index: dict[str, int],
        flag_columns: tuple[int, ...], positive: int, on_record_weight: float, neutral_weight: float, prior: float, /,
    ) -> float: ...

    def hash_table(self, keys: np.ndarray, columns: np.ndarray, /) -> tuple[np.ndarray, np.ndarray]: ...

    def linear_rows(
        self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, weights: np.ndarray, bias: np.ndarray, /,
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def ngram_columns(
        self, described: np.ndarray, rows: np.ndarray, first_token: np.ndarray, capital: int, acronym: int,
        base: int, bigram_keys: np.ndarray, bigram_columns: np.ndarray, shape2_keys: np.ndarray,
        shape2_columns: np.ndarray, shape3_keys: np.ndarray, shape3_columns: np.ndarray,
        class2_keys: np.ndarray, class2_columns: np.ndarray, /,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]: ...


def _load() -> tuple[Native | None, Any, Any, Any]:
    """The extension modules (featuriser loops, frame reading, cue choice, result building), or None
    when not built or switched off."""
    if os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return None, None, None, None
    try:
        from provenance import _cues, _frames, _results, _speedups
    except ImportError:
        return None, None, None, None
    return _speedups, _frames, _cues, _results


_native, _frames, _cues, _results = _load()
#: id(owner) -> (owner, the compiled object built from it): a lexicon's Reader, the cue-choice
#: constants' Chooser, the result types' Builder.
_built: dict[int, tuple[object, Any]] = {}
_resolver: tuple[Any, Any] | None = None  # (the _frames module, its Resolver)


def native() -> Native | None:
    """The compiled module when it is in use, else None (run the pure-Python reference)."""
    return _native


def frame_reader(lexicon: AttributionLexicon) -> FrameReader | None:
    """The compiled per-cue loop of ``lexicon.find_many`` (None: run the pure-Python one)."""
    if _frames is None:
        return None
    reader: FrameReader = partial(_frames.read_frames, _built_once(lexicon, _frames.Reader, lexicon))
    return reader


def _built_once(owner: object, build: Callable[..., Any], *arguments: Any) -> Any:
    """``build(*arguments)``, made once per ``owner`` (compared by identity) and kept while it lives."""
    entry = _built.get(id(owner))
    if entry is None or entry[0] is not owner:
        if len(_built) >= 16:  # owners are few (a lexicon and two constant tuples per process, plus tests)
            _built.clear()
        entry = _built[id(owner)] = (owner, build(*arguments))
    return entry[1]


def frame_resolver() -> Callable[[list[list[RawFrame]], Sequence[str]], list[tuple[Any, ...]]] | None:
    """The compiled ``attribution.resolve`` (None: run the pure-Python one)."""
    global _resolver
    if _frames is None:
        return None
    if _resolver is None or _resolver[0] is not _frames:
        _resolver = (_frames, _frames.Resolver())
    resolve: Callable[[list[list[RawFrame]], Sequence[str]], list[tuple[Any, ...]]] = _resolver[1].resolve
    return resolve


def frame_featurer() -> Callable[[Sequence[Sequence[Any]], Sequence[str]], list[tuple[str, ...]]] | None:
    """The compiled ``attribution.frame_features_many`` (None: run the pure-Python one)."""
    if _frames is None:
        return None
    featurise: Callable[[Sequence[Sequence[Any]], Sequence[str]], list[tuple[str, ...]]] = _frames.frame_features_many
    return featurise


def cue_chooser(constants: tuple[Any, ...]) -> CueChooser | None:
    """The compiled loop of ``classify.select_cues`` over flagged pairs, built once per tuple of cue-choice
    constants (cue type, labels, frame kinds, kind index, cues per label, share of top, frame gap);
    None: run the pure-Python one."""
    if _cues is None:
        return None
    choose: CueChooser = _built_once(constants, _cues.Chooser, *constants)
    return choose


def plain_tuples() -> Callable[[Any], Any] | None:
    """The compiled ``_results.plain`` (NamedTuples within tuples and lists made plain tuples, which the
    compiled result builder reads as well), or None when the builder is not compiled."""
    if _results is None:
        return None
    plain: Callable[[Any], Any] = _results.plain
    return plain


def result_builder(types: tuple[Any, ...]) -> ResultBuilder | None:
    """The compiled body of ``pipeline._article_score``, built once per tuple of result types (article,
    sentence, cue, attribution, span, frozen mapping, labels); None: validate plain data instead."""
    if _results is None:
        return None
    build: ResultBuilder = _built_once(types, _results.Builder, *types).article
    return build


def native_cues() -> NativeCues | None:
    """The compiled module of cue weighing (``_cues``); None: run the pure-Python functions."""
    cues: NativeCues | None = _cues
    return cues


def speedups_enabled() -> bool:
    """Whether scoring runs the compiled featuriser (False: pure Python, same results)."""
    return _native is not None


def extension_built() -> bool:
    """Whether the compiled extension is importable, whether or not it is in use."""
    try:
        from provenance import _cues, _frames, _results, _speedups  # noqa: F401
    except ImportError:
        return False
    return True


@contextmanager
def pure_python() -> Iterator[None]:
    """Run the pure-Python reference inside the block (not thread-safe: for tests and benchmarks)."""
    global _native, _frames, _cues, _results
    saved = _native, _frames, _cues, _results
    _native = _frames = _cues = _results = None
    try:
        yield
    finally:
        _native, _frames, _cues, _results = saved


@contextmanager
def compiled() -> Iterator[None]:
    """Run the extension inside the block even where the environment forces pure Python (for the
    equality tests); raises ImportError when it is not built."""
    global _native, _frames, _cues, _results
    from provenance import _cues as cues
    from provenance import _frames as frames
    from provenance import _results as results
    from provenance import _speedups

    saved = _native, _frames, _cues, _results
    _native, _frames, _cues, _results = _speedups, frames, cues, results
    try:
        yield
    finally:
        _native, _frames, _cues, _results = saved
