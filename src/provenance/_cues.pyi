"""Types of the compiled cue choice (``_cues.pyx``); see :func:`provenance.speedups.cue_chooser`."""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

class Chooser:
    def __init__(
        self, cue_type: type[Any], labels: tuple[str, ...], frame_kinds: dict[str, frozenset[str]],
        kind_index: dict[str, int], max_cues: int, min_share: float, max_gap: int, checkable: frozenset[str],
        gated: int, source_labels: frozenset[int],
    ) -> None: ...
    def flagged(
        self, probabilities: np.ndarray, thresholds: np.ndarray, frames: Sequence[tuple[Any, ...]],
        hits: Sequence[Sequence[Any]], /,
    ) -> tuple[list[int], list[int]]: ...
    def choose_all(
        self, rows: list[int], ks: list[int], lexicon_weights: list[float], candidates: Sequence[Sequence[tuple[int, float]]],
        kind_weights: np.ndarray, frames: Sequence[tuple[Any, ...]], sentences: Sequence[str],
        hits: Sequence[Sequence[Any]], span_of: Callable[[int, int], tuple[int, int] | None], /,
    ) -> list[Sequence[Any]]: ...
    def shown(
        self, n_sentences: int, rows: list[int], ks: list[int], chosen: Sequence[Sequence[Any]], /,
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]: ...

def weigh_pairs(
    indptr: np.ndarray, indices: np.ndarray, contributions: np.ndarray, rows: list[int], ks: list[int],
    cue_ok: np.ndarray, judge: Callable[[int], bool], frame_kinds: np.ndarray, lexicon_columns: np.ndarray,
    n_kinds: int, keep: int, /,
) -> tuple[list[Sequence[tuple[int, float]]], list[float], np.ndarray]: ...
