"""Model directories for tests: written with save_model, then edited the way an attacker would."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from provenance.attribution import default_lexicon
from provenance.cues import Lexicon
from provenance.labels import LABELS
from provenance.modelfile import (
    ARRAYS_NAME,
    LEXICON_NAME,
    MANIFEST_NAME,
    Model,
    _manifest_digest,
    load_default_model,
    save_model,
)

LEXICON_BYTES = (resources.files("provenance") / "data" / LEXICON_NAME).read_bytes()


def write_default(directory: Path) -> Path:
    """The shipped model, saved by save_model into ``directory``."""
    save_model(load_default_model(), directory, LEXICON_BYTES)
    return directory


def write_tiny(directory: Path, lexicon_bytes: bytes = LEXICON_BYTES) -> Path:
    """A fourteen-feature model (fast to write and fuzz); it flags 'sources' and credits 'said'."""
    features = ["w:sources", "w:said", "w:the", "w:mayor", "b:sources said", "p:sourc", "s:C said"]
    features += ["l:" + label for label in LABELS]
    weights = np.zeros((len(features), len(LABELS)))
    weights[0, LABELS.index("vague_attribution")] = 6.0
    weights[1, LABELS.index("on_record")] = 6.0
    model = Model(
        version="tiny.1", vocabulary={f: i for i, f in enumerate(features)}, idf=np.ones(len(features)),
        weights=weights, bias=np.full(len(LABELS), -2.0), platt_scale=np.ones(len(LABELS)),
        platt_shift=np.zeros(len(LABELS)), thresholds=np.full(len(LABELS), 0.5),
        lexicon=Lexicon.from_json(lexicon_bytes), metadata={"purpose": "tests", "attribution_sha256": default_lexicon().sha256},
    )
    save_model(model, directory, lexicon_bytes)
    return directory


def manifest(directory: Path) -> dict[str, Any]:
    """The parsed manifest."""
    document: dict[str, Any] = json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8"))
    return document


def write_manifest(directory: Path, document: dict[str, Any], *, sign: bool = True) -> None:
    """Write a manifest; ``sign`` recomputes its own hash, as an attacker who edits it would."""
    if sign:
        try:
            document = {**document, "manifest_sha256": _manifest_digest(document)}
        except ValueError:  # NaN or infinity: not JSON, so there is nothing canonical to sign
            pass
    (directory / MANIFEST_NAME).write_text(json.dumps(document), encoding="utf-8")


def replace_file(directory: Path, name: str, data: bytes) -> None:
    """Replace a model file and record its hash in a re-signed manifest (a consistent forgery)."""
    (directory / name).write_bytes(data)
    document = manifest(directory)
    document["sha256"][name] = hashlib.sha256(data).hexdigest()
    write_manifest(directory, document)


__all__ = ["ARRAYS_NAME", "LEXICON_NAME", "MANIFEST_NAME", "manifest", "replace_file", "write_default",
           "write_manifest", "write_tiny"]
