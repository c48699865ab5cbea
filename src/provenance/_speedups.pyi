"""Types of the compiled featuriser (``_speedups.pyx``); see that file and :mod:`provenance.speedups`."""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from provenance.cues import CueMatch

_T = TypeVar("_T", bound=tuple[Any, ...])

def attribution_tokens(sentence: str, tok_type: type[_T]) -> tuple[list[_T], list[int]]: ...
class TokenIndex:
    def __len__(self) -> int: ...
    def locate(self, sentences: list[str], max_tokens: int, /) -> tuple[np.ndarray, np.ndarray, int]: ...
    def tokens_from(self, row: int, /) -> list[str]: ...

def lexicon_hits(
    labels: tuple[str, ...], spans: list[list[tuple[int, int]]], sentences: list[str], hit_type: type[_T]
) -> list[tuple[_T, ...]]: ...
def feature_token_span(sentence: str, first: int, last: int) -> tuple[int, int]: ...
def cue_span(
    columns: np.ndarray, first: int, stop: int, width: int, column: int, wordy: np.ndarray, sentence: str
) -> tuple[int, int] | None: ...
def tfidf_rows(
    families: list[np.ndarray],
    first_token: np.ndarray,
    structural_rows: np.ndarray,
    structural_columns: np.ndarray,
    structural_values: np.ndarray,
    idf: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...
def sentences(
    text: str,
    max_sentence_chars: int,
    sentence_type: type[_T],
    is_hard_break: Callable[[str, int, int, int], bool],
    sentence_end_words: tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]],
    cap_length: Callable[[str, int, int, int], list[tuple[int, int]]],
) -> tuple[_T, ...]: ...
def hash_table(keys: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...
def linear_rows(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, weights: np.ndarray, bias: np.ndarray
) -> tuple[np.ndarray, np.ndarray]: ...
def ngram_columns(
    described: np.ndarray,
    rows: np.ndarray,
    first_token: np.ndarray,
    capital: int,
    acronym: int,
    base: int,
    bigram_keys: np.ndarray,
    bigram_columns: np.ndarray,
    shape2_keys: np.ndarray,
    shape2_columns: np.ndarray,
    shape3_keys: np.ndarray,
    shape3_columns: np.ndarray,
    class2_keys: np.ndarray,
    class2_columns: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]: ...
def structural_entries(
    hits: Sequence[Sequence[CueMatch]],
    frame_features: Sequence[Sequence[str]],
    kinds: np.ndarray,
    rows: np.ndarray,
    vocabulary: dict[str, int],
    pair_columns: np.ndarray,
    n_columns: int,
    lexicon_value: float,
    frame_value: float,
    window: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...
def english_share(sample: str, function_words: frozenset[str], longest: int) -> float: ...
def character_spans(
    match: Callable[..., list[tuple[int, int]]], anchor: Any, data: bytes, ascii: bool
) -> list[tuple[int, int]]: ...
def article_risk(
    probabilities: np.ndarray, labels: list[Sequence[str]], label_index: dict[str, int], flag_columns: tuple[int, ...],
    positive: int, on_record_weight: float, neutral_weight: float, prior: float,
) -> float: ...
