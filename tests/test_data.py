"""The labelled data follows the taxonomy's format and meets the issue's minimums."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter

import pytest
from conftest import DATA, FIXTURES, SEEDS

from provenance import LABELS
from provenance.segment import segment
from provenance.training.corpus import read_corpus

# Trigger words whose innocent use makes an unlabelled sentence a hard negative.
TRIGGERS = re.compile(
    r"\b(leak\w*|anonym\w*|exclusiv\w*|sources?|insiders?|private\w*|closed|confidential\w*|classified|"
    r"internal\w*|encrypt\w*|secret\w*|alleg\w*|report\w*|rumou?r\w*|unconfirmed|unverified|speculat\w*|"
    r"briefing|officials?|experts?|analysts?|memo\w*|documents?|access\w*|restricted|familiar|"
    r"claim\w*|evidence|verif\w*|believed?|understood|revealed?)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    return read_corpus([DATA])


def test_every_line_is_valid_taxonomy_jsonl() -> None:
    for path in sorted(DATA.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            row = json.loads(line)
            assert set(row) == {"text", "labels", "source"}, f"{path.name}:{number}"
            assert set(row["labels"]) <= set(LABELS), f"{path.name}:{number}"
            assert row["text"].strip() and row["text"] == row["text"].strip(), f"{path.name}:{number}"


def test_minimums(corpus) -> None:  # type: ignore[no-untyped-def]
    authored = [s for s in corpus.sentences if s.source == "authored"]
    positives = Counter(label for s in corpus.sentences for label in s.labels)
    unlabelled = [s for s in corpus.sentences if not s.labels]
    hard_negatives = [s for s in unlabelled if TRIGGERS.search(s.text)]
    print(f"\n{len(corpus.sentences)} sentences, {len(authored)} authored; positives {dict(positives)};")
    print(f"unlabelled {len(unlabelled)} ({len(unlabelled) / len(corpus.sentences):.0%}), hard negatives {len(hard_negatives)}")
    assert len(authored) >= 2000
    assert all(positives[label] >= 150 for label in LABELS), positives
    assert len(unlabelled) >= 0.35 * len(corpus.sentences)
    assert len(hard_negatives) >= 300


ORIGINAL_SEEDS = {
    "000_325d432c3ea24cc0.txt": "8515286f56502aa82fc81e4095ebcf3581ce249bfb87a68adbb4ffc03b46640d",
    "001_5e97fbfff901c4a5.txt": "0e352373165cf785f27c246183dfca43f4e3d862098d0aa773798dfeb43ea62a",
    "002_2a785cc1392cbf2b.txt": "18a852469a54093a308ee41a9ca511e693ffcbf5a1249cf97d1f102c22e33ac1",
    "003_1de9ae526bba7a7b.txt": "6f9da86e2f132f812d2721975374200777a20c6f7c94e0bccb3aaff147c819cf",
}


def test_seeds_are_the_originals_byte_for_byte() -> None:
    found = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in SEEDS.glob("*.txt")}
    assert found == ORIGINAL_SEEDS


def test_every_seed_sentence_is_labelled_in_order() -> None:
    rows = [json.loads(line) for line in (DATA / "seeds.jsonl").read_text(encoding="utf-8").splitlines()]
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(seeds) == 4
    for path in seeds:
        expected = [s.text for s in segment(path.read_text(encoding="utf-8"))]
        labelled = [row["text"] for row in rows if row["source"] == f"seed:{path.name}"]
        assert labelled == expected, path.name


def test_fixtures_are_held_out(corpus) -> None:  # type: ignore[no-untyped-def]
    trained = {" ".join(s.text.split()).lower() for s in corpus.sentences}
    for gold in sorted(FIXTURES.glob("*.gold.jsonl")):
        for line in gold.read_text(encoding="utf-8").splitlines():
            text = " ".join(json.loads(line)["text"].split()).lower()
            assert text not in trained, f"{gold.name}: {text[:60]!r} is also training data"


def test_every_data_file_ships_in_the_wheel() -> None:
    """A data file the package-data globs miss works from a checkout and breaks every installed copy."""
    import sys
    from fnmatch import fnmatch

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    root = DATA.parent.parent.parent.parent
    patterns = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]["provenance"]
    package = DATA.parent.parent
    for path in sorted((package / "data").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(package).as_posix()
            assert any(fnmatch(relative, pattern) and relative.count("/") == pattern.count("/") for pattern in patterns), relative
