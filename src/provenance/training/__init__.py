"""Offline training. Never imported by the scoring path.

``train()`` reads labelled JSONL, cross-validates, fits and writes a verified model directory.
Same data and seed give byte-identical arrays and identical predictions.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from provenance.evaluation.metrics import format_table
from provenance.modelfile import LEXICON_NAME, save_model
from provenance.training.corpus import Corpus, default_data_directory, read_corpus
from provenance.training.fit import CrossValidation, Progress, fit_model


def default_model_directory() -> Path:
    """Where the shipped model lives (inside the package)."""
    return Path(str(resources.files("provenance") / "data"))


def train(
    data: Sequence[Path] | None = None,
    out: Path | None = None,
    *,
    seed: int = 0,
    progress: Progress = lambda message: print(message, file=sys.stderr),
) -> tuple[Path, CrossValidation]:
    """Train on ``data`` (the shipped sentences by default) and write the model to ``out``."""
    corpus: Corpus = read_corpus(data or [default_data_directory()])
    progress(f"read {len(corpus.sentences)} labelled sentences in {len(set(corpus.groups))} groups")
    lexicon_bytes = (resources.files("provenance") / "data" / LEXICON_NAME).read_bytes()
    model, validation = fit_model(corpus, lexicon_bytes, seed=seed, progress=progress)
    path = save_model(model, out or default_model_directory(), lexicon_bytes)
    progress(f"C={validation.c:g}; grouped {validation.n_folds}-fold cross-validation:")
    progress(format_table(validation.report))
    progress(f"wrote {path} (model {model.version}, {len(model.vocabulary)} features)")
    return path, validation


__all__ = ["train"]
