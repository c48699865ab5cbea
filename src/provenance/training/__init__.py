"""Offline training. Never imported by the scoring path.

``train()`` reads labelled JSONL, checks that it can be cross-validated, cross-validates, fits and
writes a verified model directory. Same data and seed give byte-identical arrays and identical
predictions. Models go to a directory the caller names, never into the installed package.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from provenance.errors import ModelFileError
from provenance.evaluation.metrics import format_table
from provenance.modelfile import LEXICON_NAME, check_save_target, save_model
from provenance.training.corpus import Corpus, default_data_directory, read_corpus, require_trainable
from provenance.training.fit import CrossValidation, Progress, fit_model


def package_directory() -> Path:
    """The installed ``provenance`` package, which training never writes into."""
    return Path(str(resources.files("provenance"))).resolve()


def train(
    data: Sequence[Path] | None,
    out: Path,
    *,
    seed: int = 0,
    progress: Progress = lambda message: print(message, file=sys.stderr),
) -> tuple[Path, CrossValidation]:
    """Train on ``data`` (the shipped sentences when None) and write the model directory ``out``.

    ``out`` must be new, empty or hold a model, and outside the installed package (a bad run there
    would break every later ``score()``); both are checked before the minutes of fitting.
    """
    target = Path(out).resolve()
    package = package_directory()
    if target == package or package in target.parents:
        raise ModelFileError(out, f"it is inside the installed provenance package ({package}); write the "
                             "model to a directory of your own and load it with --model", action="save")
    check_save_target(out)
    sources = list(data or [default_data_directory()])
    corpus: Corpus = read_corpus(sources)
    require_trainable(corpus, sources[0])
    progress(f"read {len(corpus.sentences)} labelled sentences in {len(set(corpus.groups))} groups")
    lexicon_bytes = (resources.files("provenance") / "data" / LEXICON_NAME).read_bytes()
    model, validation = fit_model(corpus, lexicon_bytes, seed=seed, progress=progress)
    path = save_model(model, out, lexicon_bytes)
    progress(f"C={validation.c:g}; grouped {validation.n_folds}-fold cross-validation:")
    progress(format_table(validation.report))
    progress(f"wrote {path} (model {model.version}, {len(model.vocabulary)} features)")
    return path, validation


__all__ = ["train"]
