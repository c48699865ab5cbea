"""Hostile and broken model directories: each attack is performed, and each ends in one ModelFileError
naming the file and the problem. Nothing in a model file runs, escapes the directory, blocks or
allocates beyond what the manifest's shapes need."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import pickle
import re
import tracemalloc
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from modeldirs import (
    ARRAYS_NAME,
    LEXICON_BYTES,
    LEXICON_NAME,
    MANIFEST_NAME,
    manifest,
    replace_file,
    write_default,
    write_manifest,
    write_tiny,
)

import provenance
from provenance.errors import ModelFileError
from provenance.modelfile import load_default_model, load_model, save_model
from provenance.safefile import FileProblem, FileTooLarge, read_limited

HEX_RUN = re.compile(r"[0-9a-f]{12,}")


@pytest.fixture()
def model_dir(tmp_path: Path) -> Path:
    """The shipped model, written by save_model into a fresh directory."""
    return write_default(tmp_path / "model")


@pytest.fixture()
def tiny_dir(tmp_path: Path) -> Path:
    """A small model: quick to rewrite."""
    return write_tiny(tmp_path / "tiny")


def test_shipped_model_loads_and_is_cached() -> None:
    assert load_default_model() is load_default_model()
    assert load_default_model().weights.shape[1] == len(provenance.LABELS)


def test_a_saved_model_loads_and_scores_alike(model_dir: Path) -> None:
    model = load_model(model_dir)
    assert model.version == load_default_model().version
    text = "Sources said the deal collapsed. Mayor Ana Ruiz said the road reopened."
    assert provenance.Scorer(model).score(text) == provenance.score(text)
    assert sorted(p.name for p in model_dir.iterdir()) == sorted([ARRAYS_NAME, LEXICON_NAME, MANIFEST_NAME])


def test_tampered_arrays_are_rejected(model_dir: Path) -> None:
    data = bytearray((model_dir / ARRAYS_NAME).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (model_dir / ARRAYS_NAME).write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=r"model\.npz.*does not match the manifest") as caught:
        load_model(model_dir)
    assert not HEX_RUN.search(str(caught.value)), "a hash of the file was echoed"


def test_truncated_file_is_rejected(model_dir: Path) -> None:
    (model_dir / ARRAYS_NAME).write_bytes((model_dir / ARRAYS_NAME).read_bytes()[:100])
    with pytest.raises(ModelFileError, match="changed or truncated"):
        load_model(model_dir)


def test_other_format_version_is_rejected(model_dir: Path) -> None:
    document = manifest(model_dir)
    document["format_version"] = 99
    write_manifest(model_dir, document)
    with pytest.raises(ModelFileError, match="format version 99"):
        load_model(model_dir)


def test_missing_manifest_and_missing_file(model_dir: Path, tmp_path: Path) -> None:
    (model_dir / ARRAYS_NAME).unlink()
    with pytest.raises(ModelFileError, match=r"model\.npz.*the file is missing"):
        load_model(model_dir)
    (model_dir / MANIFEST_NAME).unlink()
    with pytest.raises(ModelFileError, match="manifest is missing"):
        load_model(model_dir)
    with pytest.raises(ModelFileError, match="manifest is missing"):
        provenance.Scorer.from_directory(model_dir)
    with pytest.raises(ModelFileError, match="no such directory"):
        load_model(tmp_path / "nowhere")
    with pytest.raises(ModelFileError, match="not a model directory"):
        load_model(model_dir / LEXICON_NAME)


# --- the manifest names files: only the fixed names are ever read -------------------------------------


@pytest.mark.parametrize("name", ["/proc/self/environ", "../../etc/passwd", "model.npz/../../x", "evil.npy"])
def test_a_manifest_cannot_name_other_files(tiny_dir: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    document = manifest(tiny_dir)
    document["sha256"][name] = "0" * 64
    write_manifest(tiny_dir, document)
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda path, *a, **k: opened.append(str(path)) or real_open(path, *a, **k))
    with pytest.raises(ModelFileError, match=r"model\.json.*field 'sha256\..*unexpected field") as caught:
        load_model(tiny_dir)
    assert all(Path(path).name == MANIFEST_NAME for path in opened), opened
    assert not HEX_RUN.search(str(caught.value))


def test_a_symlink_out_of_the_directory_is_not_followed(tiny_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.npz"
    outside.write_bytes((tiny_dir / ARRAYS_NAME).read_bytes())  # even a valid file, same hash
    (tiny_dir / ARRAYS_NAME).unlink()
    (tiny_dir / ARRAYS_NAME).symlink_to(outside)
    with pytest.raises(ModelFileError, match=r"model\.npz.*symbolic link"):
        load_model(tiny_dir)


def test_a_symlink_to_dev_zero_is_refused_without_reading(tiny_dir: Path) -> None:
    (tiny_dir / ARRAYS_NAME).unlink()
    (tiny_dir / ARRAYS_NAME).symlink_to("/dev/zero")
    with pytest.raises(ModelFileError, match="symbolic link"):
        load_model(tiny_dir)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_blocking(tiny_dir: Path) -> None:
    (tiny_dir / LEXICON_NAME).unlink()
    os.mkfifo(tiny_dir / LEXICON_NAME)  # nobody writes to it: reading would block forever
    with pytest.raises(ModelFileError, match=r"lexicon\.json.*not a regular file"):
        load_model(tiny_dir)


def test_devices_are_refused_and_reads_are_capped() -> None:
    with pytest.raises(FileProblem, match="not a regular file"):
        read_limited("/dev/zero", 1 << 20, regular_only=True)
    with pytest.raises(FileTooLarge):
        read_limited("/dev/zero", 1 << 20)  # a stream is read up to the limit, then refused


def test_a_directory_in_place_of_a_file(tiny_dir: Path) -> None:
    (tiny_dir / ARRAYS_NAME).unlink()
    (tiny_dir / ARRAYS_NAME).mkdir()
    with pytest.raises(ModelFileError, match=r"model\.npz.*is a directory"):
        load_model(tiny_dir)


def test_oversized_files_are_refused_before_reading(tiny_dir: Path) -> None:
    with open(tiny_dir / ARRAYS_NAME, "r+b") as handle:
        handle.truncate(50 << 20)  # sparse: 50 MB on paper, far over what 14 features need
    with pytest.raises(ModelFileError, match=r"model\.npz.*over the limit"):
        load_model(tiny_dir)


# --- arrays: headers are checked before anything is allocated -----------------------------------------


def _npz(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _members(directory: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(directory / ARRAYS_NAME) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_header_declaring_huge_shape_allocates_nothing(tiny_dir: Path) -> None:
    members = _members(tiny_dir)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**11, len(provenance.LABELS))}
    )
    members["weights.npy"] = b"\x93NUMPY\x01\x00" + header.getvalue()[8:] + b"\x00" * 64
    replace_file(tiny_dir, ARRAYS_NAME, _npz(members))
    tracemalloc.start()
    with pytest.raises(ModelFileError, match=r"array 'weights' is declared <f8 \(100000000000, 7\)"):
        load_model(tiny_dir)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 10 << 20


def test_a_zip_bomb_is_not_inflated(tiny_dir: Path) -> None:
    members = _members(tiny_dir)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if name != "weights.npy":
                archive.writestr(name, data)
        with archive.open("weights.npy", "w", force_zip64=True) as member:
            member.write(data := members["weights.npy"])
            zeros = bytes(1 << 20)
            for _ in range(48):  # 48 MB of zeros after a valid array, in 48 kB
                member.write(zeros)
    bomb = buffer.getvalue()
    assert len(bomb) < 64_000
    replace_file(tiny_dir, ARRAYS_NAME, bomb)
    tracemalloc.start()
    with pytest.raises(ModelFileError, match="array 'weights' holds .* bytes of data"):
        load_model(tiny_dir)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(data) > 0 and peak < 20 << 20


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: m.update({"weights.npy": _npy(np.zeros((14, 7), dtype=np.float32))}), "declared <f4"),
        (lambda m: m.update({"bias.npy": _npy(np.zeros(6))}), r"'bias' is declared <f8 \(6,\)"),
        (lambda m: m.update({"bias.npy": _npy(np.array([np.nan] * 7))}), "NaN or infinite"),
        (lambda m: m.update({"bias.npy": _npy(np.full(7, 1e300))}), "beyond"),
        (lambda m: m.update({"idf.npy": _npy(np.zeros(14))}), "'idf' holds a value <= 0"),
        (lambda m: m.update({"extra.npy": _npy(np.zeros(1))}), "the archive holds"),
        (lambda m: m.pop("bias.npy"), "the archive holds"),
        (lambda m: m.update({"bias.npy": b"\x93NUMPY\x09\x00garbage"}), "format version|unreadable"),
        (lambda m: m.update({"bias.npy": _npy(np.zeros(7))[:-8]}), "holds 48 bytes"),
        (lambda m: m.update({"bias.npy": b"\x93NUMPY\x01\x00\x10\x00{'descr': 'O'}    "}), "unreadable|declared"),
    ],
)
def test_malformed_arrays(tiny_dir: Path, edit: Any, message: str) -> None:
    members = _members(tiny_dir)
    edit(members)
    replace_file(tiny_dir, ARRAYS_NAME, _npz(members))
    with pytest.raises(ModelFileError, match=message):
        load_model(tiny_dir)


class _Exploit:
    """Unpickling this would create the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (eval, (f"open({str(self.marker)!r}, 'w').write('pwned')",))


def test_crafted_pickle_never_runs(tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "marker"
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: pytest.fail("pickle.loads was called"))
    monkeypatch.setattr(pickle, "load", lambda *a, **k: pytest.fail("pickle.load was called"))
    buffer = io.BytesIO()
    np.save(buffer, np.array([_Exploit(marker)], dtype=object), allow_pickle=True)
    members = _members(tiny_dir)
    members["weights.npy"] = buffer.getvalue()
    replace_file(tiny_dir, ARRAYS_NAME, _npz(members))
    with pytest.raises(ModelFileError, match=r"array 'weights' is declared \|O"):
        load_model(tiny_dir)
    replace_file(tiny_dir, ARRAYS_NAME, pickle.dumps(_Exploit(marker)))
    with pytest.raises(ModelFileError, match="unreadable arrays"):
        load_model(tiny_dir)
    assert not marker.exists()


# --- the manifest: one schema, every field checked, its own content hashed -----------------------------

DEEP = "[" * 5000 + "]" * 5000

MANIFEST_EDITS: list[tuple[str, Any, str]] = [
    ("thresholds", 7, "thresholds"),
    ("thresholds", [0.5] * 6, "thresholds"),
    ("thresholds", [-1.0] * 7, r"thresholds\.0.*greater than 0"),
    ("thresholds", [0.0] * 7, r"thresholds\.0"),
    ("thresholds", [1.0] * 7, r"thresholds\.0.*less than 1"),
    ("thresholds", ["0.5"] * 7, r"thresholds\.0"),
    ("thresholds", [True] * 7, r"thresholds\.0"),
    ("labels", None, "labels"),
    ("labels", list(reversed(provenance.LABELS)), "labels.*in this order"),
    ("labels", [*provenance.LABELS, "rumour"], "labels"),
    ("vocabulary", None, "vocabulary"),
    ("vocabulary", "w:said", "vocabulary"),
    ("vocabulary", [], "vocabulary"),
    ("vocabulary", ["w:a"] * 14, "listed twice"),
    ("vocabulary", [1] * 14, r"vocabulary\.0"),
    ("sha256", None, "sha256"),
    ("sha256", [], "sha256"),
    ("sha256", {"model.npz": "0" * 64}, r"sha256\.lexicon\.json"),
    ("sha256", {"model.npz": 5, "lexicon.json": "0" * 64}, r"sha256\.model\.npz"),
    ("model_version", None, "model_version"),
    ("model_version", "", "model_version"),
    ("model_version", 12, "model_version"),
    ("metadata", [], "metadata"),
    ("metadata", {"a": json.loads("[" * 40 + "]" * 40)}, "nested more than"),
    ("format_version", "1", "format version '1'"),
    ("format_version", True, "format version True"),
    ("format_version", None, "format version None"),
    ("extra_field", 1, "extra_field.*unexpected field"),
    ("manifest_sha256", 5, "manifest_sha256"),
]


@pytest.mark.parametrize(("key", "value", "message"), MANIFEST_EDITS)
def test_every_malformed_manifest_field_is_named(tiny_dir: Path, key: str, value: Any, message: str) -> None:
    document = manifest(tiny_dir)
    document[key] = value
    write_manifest(tiny_dir, document, sign=key != "manifest_sha256")
    with pytest.raises(ModelFileError, match=r"model\.json.*" + message):
        load_model(tiny_dir)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (DEEP.encode(), "nested more than"),
        (b'{"format_version": 1, "format_version": 1}', "appears twice"),
        (b'{"format_version": NaN}', "NaN is not a JSON number"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"format_version": 1' + b"1" * 5000 + b"}", "not valid JSON"),
    ],
)
def test_undecodable_manifests(tiny_dir: Path, raw: bytes, message: str) -> None:
    (tiny_dir / MANIFEST_NAME).write_bytes(raw)
    with pytest.raises(ModelFileError, match=message):
        load_model(tiny_dir)


def test_hand_edited_thresholds_are_caught_by_the_manifest_hash(tiny_dir: Path) -> None:
    document = manifest(tiny_dir)
    document["thresholds"] = [0.99] * 7  # in range, so only the hash can tell
    write_manifest(tiny_dir, document, sign=False)
    with pytest.raises(ModelFileError, match="manifest_sha256' does not match"):
        load_model(tiny_dir)
    del document["manifest_sha256"]
    write_manifest(tiny_dir, document, sign=False)
    with pytest.raises(ModelFileError, match="manifest_sha256' is missing"):
        load_model(tiny_dir)


def test_a_bom_before_the_manifest_is_accepted(tiny_dir: Path) -> None:
    path = tiny_dir / MANIFEST_NAME
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_model(tiny_dir).version == "tiny.1"


# --- the lexicon: schema, RE2 compile errors and the cues it can produce --------------------------------

LEXICON_EDITS: list[tuple[Any, str]] = [
    ([], "lexicon.json.*valid dictionary|lexicon.json.*object"),
    ({"version": 1, "labels": []}, r"labels"),
    ({"version": 1, "labels": {"rumour": {"patterns": ["x"]}}}, "unknown label 'rumour'"),
    ({"version": 1, "labels": {"on_record": {"patterns": ["("]}}}, r"labels\.on_record\.patterns\.0.*RE2"),
    ({"version": 1, "labels": {"on_record": {"patterns": []}}}, r"labels\.on_record\.patterns"),
    ({"version": 1, "labels": {"on_record": {"patterns": [""]}}}, r"labels\.on_record\.patterns\.0"),
    ({"version": 1, "labels": {"on_record": {"patterns": [7]}}}, r"labels\.on_record\.patterns\.0"),
    ({"version": 1, "labels": {"on_record": {"patterns": ["a{1000}{1000}"]}}}, r"RE2|too large"),
    ({"version": 1, "labels": {"on_record": None}}, r"labels\.on_record"),
    ({"labels": {}}, "version"),
]


@pytest.mark.parametrize(("document", "message"), LEXICON_EDITS)
def test_every_malformed_lexicon_is_named(tiny_dir: Path, document: Any, message: str) -> None:
    replace_file(tiny_dir, LEXICON_NAME, json.dumps(document).encode())
    with pytest.raises(ModelFileError, match=message):
        load_model(tiny_dir)


def test_a_lexicon_label_needs_its_column(tiny_dir: Path) -> None:
    document = manifest(tiny_dir)
    document["vocabulary"][-1] = "w:other"  # was l:on_record
    write_manifest(tiny_dir, document)
    with pytest.raises(ModelFileError, match="lacks 'l:on_record'"):
        load_model(tiny_dir)


def test_lexicon_cues_are_never_empty_and_never_leave_their_sentence(tmp_path: Path) -> None:
    lexicon = {"version": 1, "labels": {
        "vague_attribution": {"patterns": ["x?", "sources[^z]*"]},
        "on_record": {"patterns": ["(?:)", "said\\s+\\S*"]},
    }}
    model = load_model(write_tiny(tmp_path / "m", json.dumps(lexicon).encode()))
    text = "Sources said so\nand more. The mayor said\nit. Yes."
    result = provenance.Scorer(model).score(text)
    for sentence in result.sentences:
        for cue in sentence.cues:
            assert sentence.start <= cue.start < cue.end <= sentence.end, cue
            assert text[cue.start : cue.end] == cue.text
    hits = model.lexicon.find_many(["Sources said so", "and more."])
    assert all(h.end > h.start for found in hits for h in found)
    assert all(h.end <= len("Sources said so") for h in hits[0])


# --- saving: one step, old model or new, never someone else's files -------------------------------------


def test_save_is_all_or_nothing(tiny_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import provenance.safefile as safefile

    before = {p.name: p.read_bytes() for p in tiny_dir.iterdir()}
    calls = 0
    real = safefile._write_new

    def interrupted(path: Path, data: bytes) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt  # the process is stopped half-way through writing
        real(path, data)

    monkeypatch.setattr(safefile, "_write_new", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_model(load_default_model(), tiny_dir, LEXICON_BYTES)
    assert {p.name: p.read_bytes() for p in tiny_dir.iterdir()} == before
    assert load_model(tiny_dir).version == "tiny.1"
    assert sorted(p.name for p in tiny_dir.parent.iterdir()) == ["tiny"], "a temporary directory was left"


def test_save_replaces_a_model_in_one_step(tiny_dir: Path) -> None:
    save_model(load_default_model(), tiny_dir, LEXICON_BYTES)
    assert load_model(tiny_dir).version == load_default_model().version
    assert sorted(p.name for p in tiny_dir.parent.iterdir()) == ["tiny"]


def test_save_never_replaces_a_directory_of_other_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("years of work", encoding="utf-8")
    with pytest.raises(ModelFileError, match=r"Cannot save the model at .*holds other files \('thesis\.tex'\)"):
        save_model(load_default_model(), home, LEXICON_BYTES)
    assert (home / "thesis.tex").read_text(encoding="utf-8") == "years of work"
    file = tmp_path / "file"
    file.write_text("x", encoding="utf-8")
    with pytest.raises(ModelFileError, match="is a file, not a directory"):
        save_model(load_default_model(), file, LEXICON_BYTES)


def test_manifest_hash_covers_every_field(tiny_dir: Path) -> None:
    document = manifest(tiny_dir)
    assert set(document["sha256"]) == {ARRAYS_NAME, LEXICON_NAME}
    for key in ("thresholds", "vocabulary", "labels", "metadata", "model_version", "sha256"):
        edited = json.loads(json.dumps(document))
        edited[key] = [*edited[key][1:], edited[key][0]] if isinstance(edited[key], list) else {"x": 1}
        if key == "thresholds":
            edited[key][0] = 0.75
        write_manifest(tiny_dir, edited, sign=False)
        with pytest.raises(ModelFileError, match="does not match"):
            load_model(tiny_dir)


def test_saved_arrays_are_read_only_once_loaded(tiny_dir: Path) -> None:
    model = load_model(tiny_dir)
    with pytest.raises(ValueError, match="read-only"):
        model.weights[0, 0] = 1.0
    assert hashlib.sha256((tiny_dir / ARRAYS_NAME).read_bytes()).hexdigest() == manifest(tiny_dir)["sha256"][ARRAYS_NAME]


def test_a_model_trained_with_other_attribution_lexicons_is_refused(tmp_path: Path) -> None:
    """Frames are features: a model whose recorded attribution-lexicon hash differs would misread them."""
    import json

    from provenance.modelfile import load_default_model, load_model, save_model

    model = load_default_model()
    lexicon_bytes = (resources.files("provenance") / "data" / "lexicon.json").read_bytes()
    other = dataclasses.replace(model, metadata={**model.metadata, "attribution_sha256": "0" * 64})
    save_model(other, tmp_path / "m", lexicon_bytes)
    with pytest.raises(ModelFileError, match="attribution_sha256.*retrain"):
        load_model(tmp_path / "m")
    assert json.loads((tmp_path / "m" / "model.json").read_text())["metadata"]["attribution_sha256"] == "0" * 64
