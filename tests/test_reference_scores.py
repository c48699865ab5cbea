"""Speed work changes nothing a user sees: every saved reference result (fixtures, seeds, labelled
sentences as texts, offset-stressing mixtures) comes back with the same labels, cues, attributions and
offsets, and probabilities, weights and risk within 1e-12, through ``score`` and ``score_many`` alike."""

from __future__ import annotations

import json
from typing import Any

import pytest
from reference import differences, load_reference, reference_texts

import provenance


@pytest.fixture(scope="module")
def cases() -> list[tuple[str, str, dict[str, Any]]]:
    """(name, text, saved score) for every reference row."""
    rows = load_reference()
    texts = list(reference_texts())
    assert [name for name, _ in texts] == [row["name"] for row in rows], "reference inputs changed"
    return [(name, text, row["score"]) for (name, text), row in zip(texts, rows)]


def _report(name: str, found: list[str]) -> str:
    return f"{name}: {len(found)} differences, first: {found[:5]}"


def test_score_reproduces_the_reference(cases: list[tuple[str, str, dict[str, Any]]]) -> None:
    for name, text, expected in cases:
        found = differences(expected, json.loads(provenance.score(text).to_json()))
        assert not found, _report(name, found)


def test_score_many_reproduces_the_reference(cases: list[tuple[str, str, dict[str, Any]]]) -> None:
    results = list(provenance.score_many(text for _, text, _ in cases))
    assert len(results) == len(cases)
    for (name, _, expected), result in zip(cases, results):
        found = differences(expected, json.loads(result.to_json()))
        assert not found, _report(name, found)


def test_the_comparison_catches_a_change() -> None:
    saved = {"p": 0.5, "cues": [{"start": 3, "text": "said"}]}
    assert differences(saved, {"p": 0.5 + 1e-13, "cues": [{"start": 3, "text": "said"}]}) == []
    assert differences(saved, {"p": 0.5 + 1e-9, "cues": [{"start": 3, "text": "said"}]})
    assert differences(saved, {"p": 0.5, "cues": [{"start": 4, "text": "said"}]})
    assert differences(saved, {"p": 0.5, "cues": []})
