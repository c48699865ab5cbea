"""Fuzzed training files: reading and the pre-fit check give a Corpus or one TrainingDataError naming
the file and line, never another exception, whatever the lines hold."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import provenance
from provenance.errors import TrainingDataError
from provenance.training.corpus import read_corpus, require_trainable

ODD_TEXT = st.text(st.characters(exclude_categories=()), max_size=20)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ODD_TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(ODD_TEXT, children, max_size=3),
    max_leaves=10,
)
RECORDS = st.fixed_dictionaries(
    {"text": st.one_of(ODD_TEXT, JSON_VALUES),
     "labels": st.one_of(st.lists(st.sampled_from([*provenance.LABELS, "rumour"]), max_size=3), JSON_VALUES),
     "source": st.one_of(ODD_TEXT, st.sampled_from(["authored", "seed:a.txt"]), JSON_VALUES)},
    optional={"extra": JSON_VALUES},
)


def _line(value: Any, ascii_only: bool) -> bytes:
    try:
        return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    except ValueError:
        return b"{}"


LINES = st.one_of(
    st.builds(_line, RECORDS, st.booleans()),
    st.builds(_line, JSON_VALUES, st.booleans()),
    st.binary(max_size=40),
    st.sampled_from([b"", b"   ", b"\r", b"\xef\xbb\xbf{}", b'{"text": "a", "text": "b"}', b"[" * 3000]),
)


def check(files: list[list[bytes]], ending: bytes) -> None:
    """The property over one set of files."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, lines in enumerate(files):
            path = Path(folder) / f"f{number}.jsonl"
            path.write_bytes(ending.join(lines))
            paths.append(path)
        try:
            corpus = read_corpus(paths)
        except TrainingDataError as error:
            assert str(error).startswith(f"{error.path}:{error.line}: ") and error.path.startswith(folder)
            assert "\n" not in error.problem
            return
        assert len(corpus.sentences) == len(corpus.groups) > 0
        try:
            require_trainable(corpus, paths[0])
        except TrainingDataError as error:
            assert "cannot cross-validate" in error.problem and "\n" not in error.problem


@given(st.lists(st.lists(LINES, max_size=6), min_size=1, max_size=3), st.sampled_from([b"\n", b"\r\n"]))
def test_fuzzed_training_files(files: list[list[bytes]], ending: bytes) -> None:
    check(files, ending)


@given(st.lists(st.lists(st.builds(_line, RECORDS, st.booleans()), min_size=1, max_size=8), min_size=1, max_size=4))
def test_fuzzed_records(files: list[list[bytes]]) -> None:
    check(files, b"\n")
