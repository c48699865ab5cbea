"""Fuzzed model directories: whatever the bytes, loading returns a working model or raises ModelFileError.

Each example starts from a valid (tiny) model directory and corrupts one file: a random JSON value at a
random manifest field, random or flipped bytes, a random lexicon document. Most edits re-sign the
hashes, as an attacker would, so that the parsers behind the hash checks are what gets fuzzed.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from modeldirs import ARRAYS_NAME, LEXICON_NAME, MANIFEST_NAME, manifest, replace_file, write_manifest, write_tiny

import provenance
from provenance.errors import ModelFileError
from provenance.modelfile import Model, load_model

TEMPLATE = write_tiny(Path(tempfile.mkdtemp(prefix="provenance-fuzz-")) / "tiny")
TEXTS = ["Sources said the deal collapsed.", "Mayor Ana Ruiz said the road reopened.\n\nIt rained.", ""]

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


@contextmanager
def model_copy() -> Iterator[Path]:
    """A fresh copy of the template directory."""
    with tempfile.TemporaryDirectory() as parent:
        target = Path(parent) / "m"
        shutil.copytree(TEMPLATE, target)
        yield target


def check_loads_or_refuses(directory: Path) -> None:
    """The property: a ModelFileError, or a model that scores every text into valid results."""
    try:
        model = load_model(directory)
    except ModelFileError:
        return
    assert isinstance(model, Model)
    scorer = provenance.Scorer(model)
    for text in TEXTS:
        result = scorer.score(text)
        assert 0.0 <= result.risk <= 1.0
        for sentence in result.sentences:
            assert all(0.0 <= p <= 1.0 and not math.isnan(p) for p in sentence.probabilities.values())
            for cue in sentence.cues:
                assert sentence.start <= cue.start < cue.end <= sentence.end


def _set(document: Any, path: list[Any], value: Any) -> None:
    """Replace the value at ``path`` (keys and indices) inside ``document``."""
    for key in path[:-1]:
        document = document[key]
    document[path[-1]] = value


MANIFEST_PATHS = st.sampled_from(
    [["format_version"], ["model_version"], ["labels"], ["labels", 0], ["thresholds"], ["thresholds", 3],
     ["sha256"], ["sha256", ARRAYS_NAME], ["metadata"], ["metadata", "seed"], ["vocabulary"],
     ["vocabulary", 0], ["vocabulary", -1], ["manifest_sha256"], ["new_key"]]
)


@given(MANIFEST_PATHS, JSON_VALUES, st.booleans())
def test_fuzzed_manifest_fields(path: list[Any], value: Any, sign: bool) -> None:
    with model_copy() as directory:
        document = manifest(directory)
        _set(document, path, value)
        (directory / MANIFEST_NAME).write_text(json.dumps(document), encoding="utf-8")
        if sign:
            write_manifest(directory, {k: v for k, v in document.items() if k != "manifest_sha256"})
        check_loads_or_refuses(directory)


@given(st.sampled_from([MANIFEST_NAME, ARRAYS_NAME, LEXICON_NAME]), st.data())
def test_fuzzed_file_bytes(name: str, data: st.DataObject) -> None:
    with model_copy() as directory:
        original = (directory / name).read_bytes()
        how = data.draw(st.sampled_from(["random", "flip", "truncate", "insert"]))
        if how == "random":
            new = data.draw(st.binary(max_size=2000))
        elif how == "flip":
            positions = data.draw(st.lists(st.integers(0, len(original) - 1), min_size=1, max_size=8))
            buffer = bytearray(original)
            for position in positions:
                buffer[position] ^= data.draw(st.integers(1, 255))
            new = bytes(buffer)
        elif how == "truncate":
            new = original[: data.draw(st.integers(0, len(original)))]
        else:
            at = data.draw(st.integers(0, len(original)))
            new = original[:at] + data.draw(st.binary(min_size=1, max_size=50)) + original[at:]
        if name == MANIFEST_NAME:
            (directory / name).write_bytes(new)
        else:
            replace_file(directory, name, new)
        check_loads_or_refuses(directory)


NPY_HEADERS = st.fixed_dictionaries({
    "descr": st.sampled_from(["<f8", ">f8", "<f4", "|O", "<i8", "<c16", "|V8", "<U3"]),
    "fortran_order": st.booleans(),
    "shape": st.lists(st.integers(0, 10**12), max_size=3).map(tuple),
})


@given(st.sampled_from(["idf", "weights", "bias", "platt_scale", "platt_shift"]), NPY_HEADERS,
       st.binary(max_size=600), st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
def test_fuzzed_array_headers(member: str, header: dict[str, Any], payload: bytes, compression: int) -> None:
    with model_copy() as directory:
        with zipfile.ZipFile(directory / ARRAYS_NAME) as archive:
            members = {n: archive.read(n) for n in archive.namelist()}
        buffer = io.BytesIO()
        np.lib.format.write_array_header_1_0(buffer, header)
        members[f"{member}.npy"] = buffer.getvalue() + payload
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression) as archive:
            for n, blob in members.items():
                archive.writestr(n, blob)
        replace_file(directory, ARRAYS_NAME, out.getvalue())
        check_loads_or_refuses(directory)


PATTERNS = st.lists(
    st.one_of(st.text(max_size=12), st.sampled_from(["(", "x?", "[^z]*", "(?:)", "\\", "a{1000}", "\\pL+", ".*", "\n"])),
    max_size=4,
)


@given(st.dictionaries(st.sampled_from([*provenance.LABELS, "rumour"]),
                       st.one_of(st.fixed_dictionaries({"patterns": PATTERNS}), JSON_VALUES), max_size=3),
       st.one_of(st.just(1), JSON_VALUES))
def test_fuzzed_lexicons(labels: dict[str, Any], version: Any) -> None:
    with model_copy() as directory:
        replace_file(directory, LEXICON_NAME, json.dumps({"version": version, "labels": labels}).encode())
        check_loads_or_refuses(directory)


def test_template_is_valid() -> None:
    assert load_model(TEMPLATE).version == "tiny.1"
    assert hashlib.sha256((TEMPLATE / ARRAYS_NAME).read_bytes()).hexdigest() == manifest(TEMPLATE)["sha256"][ARRAYS_NAME]
