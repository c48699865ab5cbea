"""The shipped model on disk: arrays in ``.npz`` (loaded with ``allow_pickle=False``) plus a JSON manifest.

Nothing here can run code from a file. Loading reads the manifest, checks its format version, checks
the SHA-256 of every file it lists, and only then parses the arrays and builds the model.

Format rules: bump ``FORMAT_VERSION`` whenever a file is added or removed, an array changes meaning,
shape or dtype, or the feature definition in ``features.py``/``data/lexicon.json`` changes in a way
that old weights would misread. A loader accepts exactly its own version.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable

from provenance.cues import Lexicon
from provenance.errors import ModelFileError
from provenance.labels import LABELS

FORMAT_VERSION: Final = 1
MANIFEST_NAME: Final = "model.json"
ARRAYS_NAME: Final = "model.npz"
LEXICON_NAME: Final = "lexicon.json"
_ARRAY_NAMES: Final = ("idf", "weights", "bias", "platt_scale", "platt_shift")


@dataclass(frozen=True, eq=False)
class Model:
    """Everything scoring needs, as plain arrays: arithmetic only, no scikit-learn at runtime."""

    version: str
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_features,)
    weights: np.ndarray  # (n_features, n_labels): linear model coefficients
    bias: np.ndarray  # (n_labels,)
    platt_scale: np.ndarray  # (n_labels,): calibration p = sigmoid(scale * logit + shift)
    platt_shift: np.ndarray  # (n_labels,)
    thresholds: np.ndarray  # (n_labels,): a label is set when its probability >= threshold
    lexicon: Lexicon
    metadata: dict[str, Any]

    @cached_property
    def feature_names(self) -> tuple[str, ...]:
        """Feature strings by column (the inverse of ``vocabulary``)."""
        return tuple(sorted(self.vocabulary, key=self.vocabulary.__getitem__))

    @cached_property
    def cue_columns(self) -> np.ndarray:
        """Boolean mask of the columns whose words may be shown as a cue."""
        from provenance.classify import can_cue

        return np.fromiter((can_cue(f) for f in self.feature_names), dtype=bool, count=len(self.feature_names))

    @cached_property
    def lexicon_columns(self) -> tuple[int, ...]:
        """Column of each label's ``l:<label>`` feature (-1 when it never occurred in training)."""
        return tuple(self.vocabulary.get("l:" + label, -1) for label in LABELS)


def save_model(model: Model, directory: Path, lexicon_bytes: bytes) -> Path:
    """Write the arrays, the lexicon and a manifest with their SHA-256; return the manifest path."""
    directory.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez(buffer, **{name: getattr(model, name) for name in _ARRAY_NAMES})
    arrays = buffer.getvalue()
    (directory / ARRAYS_NAME).write_bytes(arrays)
    (directory / LEXICON_NAME).write_bytes(lexicon_bytes)
    manifest = {
        "format_version": FORMAT_VERSION,
        "model_version": model.version,
        "labels": list(LABELS),
        "thresholds": [round(float(t), 6) for t in model.thresholds],
        "sha256": {ARRAYS_NAME: _sha256(arrays), LEXICON_NAME: _sha256(lexicon_bytes)},
        "metadata": model.metadata,
        "vocabulary": list(model.feature_names),
    }
    path = directory / MANIFEST_NAME
    path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_model(directory: Path | Traversable) -> Model:
    """Verify and load a model directory written by :func:`save_model`."""
    if isinstance(directory, Path) and not directory.is_dir():
        problem = "it is a file, not a model directory" if directory.exists() else "no such directory"
        raise ModelFileError(directory, problem)
    manifest_path = directory / MANIFEST_NAME
    manifest = _read_manifest(manifest_path)
    verified = {name: _read_verified(directory / name, digest) for name, digest in manifest["sha256"].items()}
    for name in (ARRAYS_NAME, LEXICON_NAME):
        if name not in verified:
            raise ModelFileError(manifest_path, f"the manifest lists no SHA-256 for {name}")
    try:
        with np.load(io.BytesIO(verified[ARRAYS_NAME]), allow_pickle=False) as npz:
            arrays = {name: np.asarray(npz[name], dtype=np.float64) for name in _ARRAY_NAMES}
        lexicon = Lexicon.from_json(verified[LEXICON_NAME])
    except (ValueError, KeyError, OSError) as error:
        raise ModelFileError(directory / ARRAYS_NAME, f"unreadable arrays ({error})") from None
    vocabulary = {feature: i for i, feature in enumerate(manifest["vocabulary"])}
    _check_shapes(directory / ARRAYS_NAME, arrays, len(vocabulary))
    return Model(
        version=str(manifest["model_version"]),
        vocabulary=vocabulary,
        thresholds=np.asarray(manifest["thresholds"], dtype=np.float64),
        lexicon=lexicon,
        metadata=dict(manifest.get("metadata", {})),
        **arrays,
    )


@lru_cache(maxsize=1)
def load_default_model() -> Model:
    """Load the model shipped inside the package, once per process."""
    return load_model(resources.files("provenance") / "data")


def _read_manifest(path: Path | Traversable) -> dict[str, Any]:
    """Parse the manifest and reject any format version but ours."""
    try:
        manifest = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise ModelFileError(path, "the manifest is missing; only models saved with one are loaded") from None
    except (OSError, ValueError) as error:
        raise ModelFileError(path, f"the manifest is not valid JSON ({error})") from None
    if not isinstance(manifest, dict):
        raise ModelFileError(path, "the manifest is not a JSON object")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(
            path, f"format version {version!r}, this provenance reads {FORMAT_VERSION}; retrain with "
            "`provenance train` or install the provenance version that wrote it"
        )
    missing = {"model_version", "labels", "thresholds", "sha256", "vocabulary"} - manifest.keys()
    if missing:
        raise ModelFileError(path, f"the manifest lacks {sorted(missing)}")
    if list(manifest["labels"]) != list(LABELS):
        raise ModelFileError(path, f"labels {manifest['labels']!r} differ from {list(LABELS)!r}")
    if len(manifest["thresholds"]) != len(LABELS):
        raise ModelFileError(path, f"{len(manifest['thresholds'])} thresholds for {len(LABELS)} labels")
    return manifest


def _read_verified(path: Path | Traversable, expected: str) -> bytes:
    """Read a file and check its SHA-256 against the manifest before anything parses it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelFileError(path, "the file is missing") from None
    except OSError as error:
        raise ModelFileError(path, f"cannot be read ({error})") from None
    actual = _sha256(data)
    if actual != expected:
        raise ModelFileError(
            path, f"SHA-256 {actual[:16]}... does not match the manifest's {str(expected)[:16]}...; "
            "the file was changed or truncated after training"
        )
    return data


def _check_shapes(path: Path | Traversable, arrays: dict[str, np.ndarray], n_features: int) -> None:
    """Reject arrays whose shapes disagree with the vocabulary and the labels."""
    n_labels = len(LABELS)
    expected = {
        "idf": (n_features,), "weights": (n_features, n_labels), "bias": (n_labels,),
        "platt_scale": (n_labels,), "platt_shift": (n_labels,),
    }
    for name, shape in expected.items():
        if arrays[name].shape != shape:
            raise ModelFileError(path, f"array {name!r} has shape {arrays[name].shape}, expected {shape}")
        if not np.all(np.isfinite(arrays[name])):
            raise ModelFileError(path, f"array {name!r} holds NaN or infinite values")


def _sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()
