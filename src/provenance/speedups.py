"""Which featuriser loops run: the compiled extension ``provenance._speedups`` or the pure-Python reference.

The extension is optional (an install without a C compiler is pure Python) and gives identical
results, only faster; ``PROVENANCE_PURE_PYTHON=1`` in the environment forces the pure-Python path,
for example to compare the two. Callers ask :func:`native` at each call, so :func:`pure_python`
can switch paths in one process (for the equality tests and the benchmark).
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
#: (sentences, where each starts in the joined text, cue matches in it) -> frames of each sentence.
FrameReader = Callable[[Sequence[str], list[int], list[tuple[int, int]]], "list[list[RawFrame]]"]


class Native(Protocol):
    """What the extension provides (mypy checks ``_speedups.pyi`` against this)."""

    def attribution_tokens(self, sentence: str, tok_type: type[_T], /) -> tuple[list[_T], list[int]]: ...

    def feature_tokens(self, sentences: list[str], /) -> list[list[str]]: ...

    def sentences(
        self, text: str, max_sentence_chars: int, sentence_type: type[_S], is_hard_break: Callable[[str, int, int, int], bool],
        ends_sentence: Callable[[str, int, int, int], bool], cap_length: Callable[[str, int, int, int], list[tuple[int, int]]], /,
    ) -> tuple[_S, ...]: ...

    def structural_entries(
        self, hits: list[list[CueMatch]], frame_features: Sequence[Sequence[str]], kinds: np.ndarray, rows: np.ndarray,
        vocabulary: dict[str, int], pair_columns: np.ndarray, n_columns: int, lexicon_value: float,
        frame_value: float, window: int, /,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...

    def ngram_columns(
        self, described: np.ndarray, rows: np.ndarray, first_token: np.ndarray, capital: int, acronym: int,
        base: int, bigram_keys: np.ndarray, bigram_columns: np.ndarray, shape2_keys: np.ndarray,
        shape2_columns: np.ndarray, shape3_keys: np.ndarray, shape3_columns: np.ndarray,
        class2_keys: np.ndarray, class2_columns: np.ndarray, /,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]: ...


def _load() -> tuple[Native | None, Any]:
    """The extension modules (featuriser loops, frame reading), or None when not built or switched off."""
    if os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return None, None
    try:
        from provenance import _frames, _speedups
    except ImportError:
        return None, None
    return _speedups, _frames


_native, _frames = _load()
_readers: dict[int, tuple[object, Any]] = {}  # id(lexicon) -> (lexicon, its compiled Reader)


def native() -> Native | None:
    """The compiled module when it is in use, else None (run the pure-Python reference)."""
    return _native


def frame_reader(lexicon: AttributionLexicon) -> FrameReader | None:
    """The compiled per-cue loop of ``lexicon.find_many`` (None: run the pure-Python one)."""
    if _frames is None:
        return None
    entry = _readers.get(id(lexicon))
    if entry is None or entry[0] is not lexicon:
        if len(_readers) >= 16:  # lexicons are few (one per process, plus tests): never grow without bound
            _readers.clear()
        entry = _readers[id(lexicon)] = (lexicon, _frames.Reader(lexicon))
    reader: FrameReader = partial(_frames.read_frames, entry[1])
    return reader


def speedups_enabled() -> bool:
    """Whether scoring runs the compiled featuriser (False: pure Python, same results)."""
    return _native is not None


def extension_built() -> bool:
    """Whether the compiled extension is importable, whether or not it is in use."""
    try:
        from provenance import _frames, _speedups  # noqa: F401
    except ImportError:
        return False
    return True


@contextmanager
def pure_python() -> Iterator[None]:
    """Run the pure-Python reference inside the block (not thread-safe: for tests and benchmarks)."""
    global _native, _frames
    saved = _native, _frames
    _native = _frames = None
    try:
        yield
    finally:
        _native, _frames = saved


@contextmanager
def compiled() -> Iterator[None]:
    """Run the extension inside the block even where the environment forces pure Python (for the
    equality tests); raises ImportError when it is not built."""
    global _native, _frames
    from provenance import _frames as frames
    from provenance import _speedups

    saved = _native, _frames
    _native, _frames = _speedups, frames
    try:
        yield
    finally:
        _native, _frames = saved
