"""Types of the compiled result builder (``_results.pyx``); see :func:`provenance.speedups.result_builder`."""

from collections.abc import Sequence
from typing import Any

class Builder:
    def __init__(
        self, article_type: type[Any], sentence_type: type[Any], cue_type: type[Any], attribution_type: type[Any],
        span_type: type[Any], frozen_dict: type[Any], labels: tuple[str, ...],
    ) -> None: ...
    def article(
        self, text: str, sentences: Sequence[tuple[str, int, int]], frames: Sequence[tuple[Any, ...]],
        labels: list[tuple[str, ...]], probabilities: Any, cues: list[tuple[Any, ...]],
        risk: float, level: str, version: str, language: str | None, supported: bool,
    ) -> Any: ...

def plain(value: Any) -> Any: ...
