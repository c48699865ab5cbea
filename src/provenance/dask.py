"""Dask integration for corpora that outgrow one machine (``pip install 'provenance-news[dask]'``).

Point it at any cluster::

    from dask.distributed import Client
    client = Client("tcp://scheduler:8786")
    scores = provenance.dask.score_frame(ddf, column="text").compute()

Each worker process loads the shipped model once (it is cached per process) and scores its partition.
"""

from __future__ import annotations

from typing import Any

from provenance.frame import article_row
from provenance.labels import LABELS
from provenance.pipeline import DEFAULT_MAX_CHARS, Scorer
from provenance.rules import HouseRules


def score_bag(bag: Any, *, max_chars: int = DEFAULT_MAX_CHARS, rules: HouseRules | None = None) -> Any:
    """A Dask Bag of texts -> a Dask Bag of ``ArticleScore`` (same order)."""
    return bag.map_partitions(_score_partition, max_chars, rules)


def score_frame(
    frame: Any, column: str = "text", *, max_chars: int = DEFAULT_MAX_CHARS, rules: HouseRules | None = None
) -> Any:
    """A Dask DataFrame with a text column -> one row per article: risk, level, sentences, n_<label>.

    The index is kept, so the result joins back onto ``frame``.
    """
    import pandas as pd

    if column not in frame.columns:
        raise KeyError(f"score_frame(): no column {column!r}; the frame has {list(frame.columns)}")
    meta = pd.DataFrame(
        {"risk": pd.Series(dtype="float64"), "level": pd.Series(dtype="object"),
         "sentences": pd.Series(dtype="int64"), **{f"n_{label}": pd.Series(dtype="int64") for label in LABELS}}
    )
    return frame[column].map_partitions(_frame_partition, max_chars, rules, meta=meta)


def flagged_sentences(
    frame: Any, column: str = "text", *, max_chars: int = DEFAULT_MAX_CHARS, rules: HouseRules | None = None
) -> Any:
    """One row per flagged sentence: the article's index, offsets, text, flags and strongest flag probability."""
    import pandas as pd

    meta = pd.DataFrame(
        {"article": pd.Series(dtype=frame.index.dtype), "start": pd.Series(dtype="int64"),
         "end": pd.Series(dtype="int64"), "text": pd.Series(dtype="object"), "flags": pd.Series(dtype="object"),
         "probability": pd.Series(dtype="float64")}
    )
    return frame[column].map_partitions(_flagged_partition, max_chars, rules, meta=meta)


def _score_partition(texts: Any, max_chars: int, rules: HouseRules | None) -> list[Any]:
    scorer = Scorer(max_chars=max_chars, rules=rules)
    return [scorer.score(text) for text in texts]


def _frame_partition(texts: Any, max_chars: int, rules: HouseRules | None) -> Any:
    import pandas as pd

    scorer = Scorer(max_chars=max_chars, rules=rules)
    rows = [article_row(scorer.score(text)) for text in texts]
    return pd.DataFrame(rows, index=texts.index, columns=["risk", "level", "sentences", *[f"n_{x}" for x in LABELS]])


def _flagged_partition(texts: Any, max_chars: int, rules: HouseRules | None) -> Any:
    import pandas as pd

    scorer = Scorer(max_chars=max_chars, rules=rules)
    rows = [
        {"article": index, "start": s.start, "end": s.end, "text": s.text, "flags": ",".join(s.flags),
         "probability": max(s.probabilities[flag] for flag in s.flags)}
        for index, text in texts.items()
        for s in scorer.score(text).flagged
    ]
    return pd.DataFrame(rows, columns=["article", "start", "end", "text", "flags", "probability"])
