"""Every label has boundary examples, every row holds, and the label metadata is complete."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from examples import COMBINED, EXAMPLES

import provenance
from provenance.labels import LABEL_INFO, LABELS


def labels_of(scorer: provenance.Scorer, sentence: str) -> tuple[str, ...]:
    result = scorer.score(sentence)
    assert len(result.sentences) == 1, sentence
    return result.sentences[0].labels


def test_every_label_has_examples() -> None:
    missing = set(LABELS) - {label for label, _, _ in EXAMPLES}
    assert missing == set(), f"Labels lack examples: {sorted(missing)}"


@pytest.mark.parametrize(("label", "positive", "negative"), EXAMPLES)
def test_example(scorer: provenance.Scorer, label: str, positive: str, negative: str) -> None:
    assert label in labels_of(scorer, positive), f"False negative against {label}: {positive!r}"
    assert label not in labels_of(scorer, negative), f"False positive against {label}: {negative!r}"


@pytest.mark.parametrize(("sentence", "expected"), COMBINED)
def test_combined_labels(scorer: provenance.Scorer, sentence: str, expected: set[str]) -> None:
    assert expected <= set(labels_of(scorer, sentence)), sentence


def test_label_metadata_is_complete() -> None:
    lexicon = json.loads((resources.files("provenance") / "data" / "lexicon.json").read_text(encoding="utf-8"))
    for info in LABEL_INFO:
        assert info.definition and info.colour.startswith("#")
        assert lexicon["labels"][info.id]["patterns"] and lexicon["labels"][info.id]["source"]
