"""The model on disk: a directory of exactly three files, read as untrusted input.

``model.json`` (the manifest: format version, labels, thresholds, vocabulary, metadata and the SHA-256
of the two other files and of its own content), ``model.npz`` (float arrays, never unpickled) and
``lexicon.json`` (the cue phrases). Loading reads only those fixed names, only regular files inside the
directory (no symbolic links, devices or FIFOs), checks each file's size before reading it, validates
the manifest against one schema, checks every hash, and checks each array header's dtype and shape
before allocating it. Every problem is a :class:`ModelFileError` naming the file, the field and the fix.

Saving writes the three files into a new directory that then replaces the old one in one step, so a
model directory holds the old model or the new one, never a mix.

Format rules: bump ``FORMAT_VERSION`` whenever a file is added or removed, an array changes meaning,
shape or dtype, or the feature definition in ``features.py``/``data/lexicon.json`` changes in a way
that old weights would misread. A loader accepts exactly its own version.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final

import numpy as np
import re2
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable

from provenance.cues import Lexicon, compile_phrases
from provenance.errors import ModelFileError
from provenance.labels import LABELS
from provenance.npzfile import ArrayFileError, read_float_arrays
from provenance.safefile import FileProblem, check_replaceable, read_limited, replace_directory
from provenance.strictjson import JSONProblem, decode_utf8, loads

FORMAT_VERSION: Final = 2
MANIFEST_NAME: Final = "model.json"
ARRAYS_NAME: Final = "model.npz"
LEXICON_NAME: Final = "lexicon.json"
MODEL_FILES: Final = frozenset({MANIFEST_NAME, ARRAYS_NAME, LEXICON_NAME})
_ARRAY_NAMES: Final = ("idf", "weights", "bias", "platt_scale", "platt_shift")

#: Size limits, checked before a file is read (the shipped files are 0.25 MB, 0.95 MB and 15 kB).
MAX_FEATURES: Final = 1_000_000
MAX_MANIFEST_BYTES: Final = 64 << 20
MAX_LEXICON_BYTES: Final = 1 << 20
#: Compiled size of one label's lexicon pattern (the shipped ones are under 2,300).
MAX_LEXICON_PROGRAM: Final = 50_000
#: Largest magnitude of any weight, bias or calibration value; real models stay far below it, and it
#: keeps every sum of contributions finite.
MAX_ABS_VALUE: Final = 1e6
_ARCHIVE_SLACK: Final = 1 << 16  # zip directory and .npy headers
_FIX: Final = "restore the file, or retrain with `provenance train --out DIR`"

_Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
_Threshold = Annotated[float, Field(gt=0.0, lt=1.0, allow_inf_nan=False)]


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


class _Hashes(BaseModel):
    """The ``sha256`` map: exactly the two other files, by their fixed names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    arrays: _Hex64 = Field(alias=ARRAYS_NAME)
    lexicon: _Hex64 = Field(alias=LEXICON_NAME)


class _Manifest(BaseModel):
    """The schema of ``model.json``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    format_version: int
    model_version: str = Field(min_length=1, max_length=200)
    labels: list[str]
    thresholds: list[_Threshold] = Field(min_length=len(LABELS), max_length=len(LABELS))
    sha256: _Hashes
    manifest_sha256: _Hex64 | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    vocabulary: list[Annotated[str, Field(max_length=1_000)]] = Field(min_length=1, max_length=MAX_FEATURES)

    @field_validator("labels")
    @classmethod
    def _our_labels(cls, labels: list[str]) -> list[str]:
        if labels != list(LABELS):
            raise ValueError(f"must be {list(LABELS)} in this order")
        return labels

    @field_validator("vocabulary")
    @classmethod
    def _unique(cls, vocabulary: list[str]) -> list[str]:
        if len(set(vocabulary)) != len(vocabulary):
            raise ValueError("a feature is listed twice; each column has one feature")
        return vocabulary


class _LexiconEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    source: str = ""
    patterns: list[Annotated[str, Field(min_length=1, max_length=10_000)]] = Field(min_length=1)


class _LexiconDocument(BaseModel):
    """The schema of ``lexicon.json``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    version: int
    note: str = ""
    labels: dict[str, _LexiconEntry]

    @field_validator("labels")
    @classmethod
    def _known_labels(cls, labels: dict[str, _LexiconEntry]) -> dict[str, _LexiconEntry]:
        unknown = sorted(set(labels) - set(LABELS))
        if unknown:
            raise ValueError(f"unknown label {unknown[0]!r}; use one of {', '.join(LABELS)}")
        return labels


def save_model(model: Model, directory: Path, lexicon_bytes: bytes) -> Path:
    """Write the model directory in one step (see the module docstring); return the manifest path.

    ``directory`` must be new, empty or hold only a model: anything else in it is refused.
    """
    files = model_files(model, lexicon_bytes)
    try:
        replace_directory(directory, files, replaceable=MODEL_FILES)
    except FileProblem as problem:
        raise ModelFileError(directory, str(problem), action="save") from None
    return Path(directory) / MANIFEST_NAME


def check_save_target(directory: Path) -> None:
    """Refuse now a directory that :func:`save_model` would refuse later (before minutes of training)."""
    try:
        check_replaceable(Path(os.path.realpath(directory)), MODEL_FILES)
    except FileProblem as problem:
        raise ModelFileError(directory, str(problem), action="save") from None


def model_files(model: Model, lexicon_bytes: bytes) -> dict[str, bytes]:
    """The three files of a model directory, encoded (nothing is written)."""
    buffer = io.BytesIO()
    columns: dict[str, Any] = {name: np.asarray(getattr(model, name), dtype=np.float64) for name in _ARRAY_NAMES}
    np.savez(buffer, **columns)
    arrays = buffer.getvalue()
    manifest: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "model_version": model.version,
        "labels": list(LABELS),
        "thresholds": [round(float(t), 6) for t in model.thresholds],
        "sha256": {ARRAYS_NAME: _sha256(arrays), LEXICON_NAME: _sha256(lexicon_bytes)},
        "metadata": model.metadata,
        "vocabulary": list(model.feature_names),
    }
    manifest = json.loads(json.dumps(manifest, allow_nan=False))  # the form a loader will see
    manifest["manifest_sha256"] = _manifest_digest(manifest)
    text = json.dumps(manifest, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    return {ARRAYS_NAME: arrays, LEXICON_NAME: lexicon_bytes, MANIFEST_NAME: text.encode("utf-8")}


def load_model(directory: str | Path | Traversable) -> Model:
    """Verify and load a model directory written by :func:`save_model`."""
    return _load(Path(directory) if isinstance(directory, str) else directory)


@lru_cache(maxsize=1)
def load_default_model() -> Model:
    """Load the model shipped inside the package, once per process.

    Its manifest may predate ``manifest_sha256`` (the package's files are as trusted as its code);
    every other check applies.
    """
    return _load(resources.files("provenance") / "data")


def _load(directory: Path | Traversable) -> Model:
    """Read, verify and build, in that order; nothing is parsed before its size and hash are checked."""
    if isinstance(directory, Path) and not directory.is_dir():
        problem = "it is a file, not a model directory" if directory.exists() else "no such directory"
        raise ModelFileError(directory, problem)
    manifest_path = directory / MANIFEST_NAME
    manifest = _parse_manifest(manifest_path, _read(manifest_path, MAX_MANIFEST_BYTES))
    n_features = len(manifest.vocabulary)
    arrays_path, lexicon_path = directory / ARRAYS_NAME, directory / LEXICON_NAME
    arrays_bytes = _read(arrays_path, 64 * n_features + 64 * len(LABELS) + _ARCHIVE_SLACK)
    _verify(arrays_path, arrays_bytes, manifest.sha256.arrays)
    lexicon_bytes = _read(lexicon_path, MAX_LEXICON_BYTES)
    _verify(lexicon_path, lexicon_bytes, manifest.sha256.lexicon)
    arrays = _parse_arrays(arrays_path, arrays_bytes, n_features)
    lexicon = _parse_lexicon(lexicon_path, lexicon_bytes)
    vocabulary = {feature: i for i, feature in enumerate(manifest.vocabulary)}
    missing = [label for label, _ in lexicon.patterns if "l:" + label not in vocabulary]
    if missing:
        raise ModelFileError(
            manifest_path, f"field 'vocabulary' lacks 'l:{missing[0]}', the column of a lexicon label; {_FIX}"
        )
    _check_attribution(manifest_path, manifest.metadata)
    thresholds = np.asarray(manifest.thresholds, dtype=np.float64)
    thresholds.flags.writeable = False
    return Model(
        version=manifest.model_version,
        vocabulary=vocabulary,
        thresholds=thresholds,
        lexicon=lexicon,
        metadata=dict(manifest.metadata),
        **arrays,
    )


def _check_attribution(path: Path | Traversable, metadata: dict[str, Any]) -> None:
    """Frames are features: a model trained on other attribution lexicons would misread this package's."""
    from provenance.attribution import default_lexicon

    trained_with = metadata.get("attribution_sha256")
    if trained_with != default_lexicon().sha256:
        raise ModelFileError(
            path, "field 'metadata.attribution_sha256' is not the SHA-256 of "
            "this provenance's attribution lexicons (data/attribution/*.json); the model was trained with "
            f"other lexicons and would misread its frame features; {_FIX}"
        )


def _read(path: Path | Traversable, limit: int) -> bytes:
    """One model file: a regular file, not a link, at most ``limit`` bytes, read no further."""
    if not isinstance(path, Path):  # inside a zipped package: as trusted as the code beside it
        try:
            return path.read_bytes()
        except OSError as error:
            raise ModelFileError(path, f"cannot be read ({error})") from None
    try:
        return read_limited(path, limit, regular_only=True, no_symlink=True)
    except FileNotFoundError:
        problem = "the manifest is missing; only models saved with one are loaded"
        raise ModelFileError(path, problem if path.name == MANIFEST_NAME else "the file is missing") from None
    except FileProblem as problem:
        raise ModelFileError(path, f"it {problem}; model files are regular files inside the model directory, "
                             "of the sizes their manifest implies") from None
    except OSError as error:
        raise ModelFileError(path, f"cannot be read ({error.strerror or error})") from None


def _parse_manifest(path: Path | Traversable, data: bytes) -> _Manifest:
    """Decode, check the format version and the manifest's own hash, then validate the schema."""
    try:
        document = loads(decode_utf8(data))
    except JSONProblem as problem:
        where = f" (line {problem.line})" if problem.line else ""
        raise ModelFileError(path, f"the manifest is not valid{where}: {problem}; {_FIX}") from None
    if not isinstance(document, dict):
        raise ModelFileError(path, f"the manifest is not a JSON object; {_FIX}")
    version = document.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise ModelFileError(
            path, f"format version {version!r}, this provenance reads {FORMAT_VERSION}; retrain with "
            "`provenance train --out DIR` or install the provenance version that wrote it"
        )
    recorded = document.get("manifest_sha256")
    if recorded is None:
        raise ModelFileError(
            path, "field 'manifest_sha256' is missing, so the thresholds and vocabulary are unverified; "
            "models saved by provenance 1.0 lack it: retrain with `provenance train --out DIR`"
        )
    if recorded is not None and recorded != _manifest_digest(document):
        raise ModelFileError(
            path, "field 'manifest_sha256' does not match the manifest's content; the manifest was "
            f"changed after training; {_FIX}"
        )
    try:
        return _Manifest.model_validate(document)
    except ValidationError as error:
        raise ModelFileError(path, f"{_describe(error)}; {_FIX}") from None


def _verify(path: Path | Traversable, data: bytes, expected: str) -> None:
    """Check a file's SHA-256 against the manifest before anything parses it (no hash is echoed)."""
    if _sha256(data) != expected:
        raise ModelFileError(
            path, "its SHA-256 does not match the manifest; the file was changed or truncated after training"
        )


def _parse_arrays(path: Path | Traversable, data: bytes, n_features: int) -> dict[str, np.ndarray]:
    """The arrays, with shapes from the vocabulary and labels, finite and in range."""
    n_labels = len(LABELS)
    shapes = {
        "idf": (n_features,), "weights": (n_features, n_labels), "bias": (n_labels,),
        "platt_scale": (n_labels,), "platt_shift": (n_labels,),
    }
    try:
        arrays = read_float_arrays(data, shapes)
    except ArrayFileError as error:
        raise ModelFileError(path, f"unreadable arrays: {error}; {_FIX}") from None
    for name, array in arrays.items():
        if not np.all(np.isfinite(array)):
            raise ModelFileError(path, f"array {name!r} holds NaN or infinite values; {_FIX}")
        if np.any(np.abs(array) > MAX_ABS_VALUE):
            raise ModelFileError(path, f"array {name!r} holds a value beyond ±{MAX_ABS_VALUE:g}; {_FIX}")
    if np.any(arrays["idf"] <= 0):
        raise ModelFileError(path, f"array 'idf' holds a value <= 0 (an IDF is at least 1); {_FIX}")
    return arrays


def _parse_lexicon(path: Path | Traversable, data: bytes) -> Lexicon:
    """Validate the lexicon's schema, then compile it; a bad pattern is named by label and position."""
    try:
        text = decode_utf8(data)
        document = _LexiconDocument.model_validate(loads(text))
    except JSONProblem as problem:
        where = f" (line {problem.line})" if problem.line else ""
        raise ModelFileError(path, f"the lexicon is not valid{where}: {problem}; {_FIX}") from None
    except ValidationError as error:
        raise ModelFileError(path, f"{_describe(error)}; {_FIX}") from None
    try:
        lexicon = Lexicon.from_json(text)
    except re2.error:
        raise ModelFileError(path, f"{_bad_pattern(document)}; {_FIX}") from None
    for label, pattern in lexicon.patterns:
        if pattern.programsize > MAX_LEXICON_PROGRAM:
            raise ModelFileError(path, f"field 'labels.{label}.patterns': too many or too large patterns; {_FIX}")
    return lexicon


def _bad_pattern(document: _LexiconDocument) -> str:
    """Name the first pattern that does not compile (called only once compiling has failed)."""
    for label, entry in document.labels.items():
        for position, pattern in enumerate(entry.patterns):
            try:
                compile_phrases([pattern])
            except re2.error as error:
                return f"field 'labels.{label}.patterns.{position}': not a valid RE2 pattern ({error})"
    return "the patterns of a label do not compile together (too large for RE2)"


def _describe(error: ValidationError) -> str:
    """Pydantic's report as one line naming each field (at most three) and what is wrong with it."""
    problems = []
    for item in error.errors()[:3]:
        field = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = "unexpected field" if item["type"] == "extra_forbidden" else item["msg"]
        problems.append(f"field {field!r}: {message}")
    more = len(error.errors()) - 3
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def _manifest_digest(manifest: dict[str, Any]) -> str:
    """SHA-256 of the manifest's content without its own hash, in canonical JSON."""
    body = {key: value for key, value in manifest.items() if key != "manifest_sha256"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return _sha256(canonical.encode("ascii"))


def _sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()
