"""Types of the compiled frame reader (``_frames.pyx``); see :func:`provenance.speedups.frame_reader`."""

from collections.abc import Sequence

from provenance.attribution import AttributionLexicon, Frame, RawFrame

class Reader:
    def __init__(self, lex: AttributionLexicon, interned_limit: int = ...) -> None: ...

def read_frames(
    r: Reader, sentences: Sequence[str], starts: list[int], matches: list[tuple[int, int]]
) -> list[list[RawFrame]]: ...

class Resolver:
    def __init__(self) -> None: ...
    def resolve(self, found: list[list[RawFrame]], sentences: Sequence[str]) -> list[tuple[Frame, ...]]: ...

def frame_features_many(frames_of: Sequence[Sequence[Frame]], sentences: Sequence[str]) -> list[tuple[str, ...]]: ...
