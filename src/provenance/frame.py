"""Results as pandas DataFrames (pandas is optional: imported only when called)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from provenance.labels import LABELS
from provenance.results import ArticleScore


def to_frame(results: Iterable[ArticleScore]) -> Any:
    """One row per sentence: article number, offsets, text, labels, every probability, cues.

    ``labels`` is a list of label ids and ``cues`` a list of ``{"label", "text", "start", "end",
    "weight"}`` dicts (list columns, so ``frame.explode("cues")`` gives one row per cue and nothing is
    joined into a string that would need parsing back). Needs pandas (``pip install pandas``).
    """
    try:
        import pandas as pd
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("to_frame() needs pandas: pip install pandas") from error
    rows = [
        {
            "article": number,
            "start": sentence.start,
            "end": sentence.end,
            "text": sentence.text,
            "labels": list(sentence.labels),
            **{f"p_{label}": sentence.probabilities[label] for label in LABELS},
            "cues": [cue.model_dump() for cue in sentence.cues],
            "article_risk": result.risk,
            "article_level": result.level,
            "article_language": result.language,
        }
        for number, result in enumerate(results)
        for sentence in result.sentences
    ]
    columns = ["article", "start", "end", "text", "labels", *[f"p_{label}" for label in LABELS], "cues",
               "article_risk", "article_level", "article_language"]
    return pd.DataFrame(rows, columns=columns)


def article_row(result: ArticleScore) -> dict[str, Any]:
    """One article as a flat row: risk, level, sentence count and per-label counts."""
    return {
        "risk": result.risk,
        "level": result.level,
        "language": result.language,
        "supported": result.supported,
        "sentences": len(result.sentences),
        **{f"n_{label}": result.counts[label] for label in LABELS},
    }
