"""Hostile and broken model files: each fails with its own error, and nothing in them runs."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest

import provenance
from provenance.errors import ModelFileError
from provenance.modelfile import ARRAYS_NAME, MANIFEST_NAME, load_default_model, load_model

SHIPPED = Path(provenance.__file__).parent / "data"


@pytest.fixture()
def model_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped model directory."""
    target = tmp_path / "model"
    target.mkdir()
    for name in ("model.json", "model.npz", "lexicon.json"):
        shutil.copy(SHIPPED / name, target / name)
    return target


def test_shipped_model_loads_and_is_cached() -> None:
    assert load_default_model() is load_default_model()
    assert load_default_model().weights.shape[1] == len(provenance.LABELS)


def test_copy_loads(model_copy: Path) -> None:
    assert load_model(model_copy).version == load_default_model().version


def test_tampered_arrays_are_rejected(model_copy: Path) -> None:
    data = bytearray((model_copy / ARRAYS_NAME).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (model_copy / ARRAYS_NAME).write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=r"model\.npz.*does not match the manifest"):
        load_model(model_copy)


def test_truncated_file_is_rejected(model_copy: Path) -> None:
    data = (model_copy / ARRAYS_NAME).read_bytes()
    (model_copy / ARRAYS_NAME).write_bytes(data[:100])
    with pytest.raises(ModelFileError, match="changed or truncated"):
        load_model(model_copy)


def test_other_format_version_is_rejected(model_copy: Path) -> None:
    manifest = json.loads((model_copy / MANIFEST_NAME).read_text())
    manifest["format_version"] = 99
    (model_copy / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(ModelFileError, match="format version 99"):
        load_model(model_copy)


def test_missing_manifest_and_missing_file(model_copy: Path, tmp_path: Path) -> None:
    (model_copy / ARRAYS_NAME).unlink()
    with pytest.raises(ModelFileError, match=r"model\.npz.*the file is missing"):
        load_model(model_copy)
    (model_copy / MANIFEST_NAME).unlink()
    with pytest.raises(ModelFileError, match="manifest is missing"):
        load_model(model_copy)
    with pytest.raises(ModelFileError, match="no such directory"):
        load_model(tmp_path / "nowhere")
    with pytest.raises(ModelFileError, match="not a model directory"):
        load_model(model_copy / "lexicon.json")


class _Exploit:
    """Unpickling this would create the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (eval, (f"open({str(self.marker)!r}, 'w').write('pwned')",))


def test_crafted_pickle_never_runs(model_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "marker"
    # An object array inside the npz would need pickle to load; make sure that path is never reached.
    np.save(model_copy / "evil.npy", np.array([_Exploit(marker)], dtype=object), allow_pickle=True)
    payload = pickle.dumps(_Exploit(marker))
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: pytest.fail("pickle.loads was called"))
    lexicon = (model_copy / "lexicon.json").read_bytes()
    for name in (ARRAYS_NAME, "lexicon.json"):
        (model_copy / name).write_bytes(payload)
    with pytest.raises(ModelFileError, match="does not match the manifest"):
        load_model(model_copy)
    (model_copy / "lexicon.json").write_bytes(lexicon)
    # Even with a manifest forged to match the pickle, allow_pickle=False refuses to build objects.
    manifest = json.loads((model_copy / MANIFEST_NAME).read_text())
    import hashlib

    manifest["sha256"][ARRAYS_NAME] = hashlib.sha256(payload).hexdigest()
    (model_copy / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(ModelFileError, match="unreadable arrays"):
        load_model(model_copy)
    assert not marker.exists()


def test_directory_in_place_of_a_file(model_copy: Path) -> None:
    (model_copy / ARRAYS_NAME).unlink()
    (model_copy / ARRAYS_NAME).mkdir()
    with pytest.raises(ModelFileError, match=r"model\.npz.*cannot be read"):
        load_model(model_copy)


def test_user_model_needs_its_manifest(model_copy: Path) -> None:
    (model_copy / MANIFEST_NAME).unlink()
    with pytest.raises(ModelFileError, match="manifest is missing"):
        provenance.Scorer.from_directory(model_copy)
