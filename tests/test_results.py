"""Results are immutable all the way down, hashable, and their JSON round trip is exact."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import provenance
from provenance import ArticleScore

TEXT = "Sources said the deal collapsed. Mayor Ana Ruiz said the road reopened."

MUTATIONS: list[Callable[[Any], object]] = [
    lambda m: m.__setitem__("on_record", 99),
    lambda m: m.__delitem__("on_record"),
    lambda m: m.update(on_record=99),
    lambda m: m.pop("on_record"),
    lambda m: m.popitem(),
    lambda m: m.clear(),
    lambda m: m.setdefault("x", 1),
    lambda m: m.__ior__({"on_record": 99}),
]


@pytest.mark.parametrize("mutate", MUTATIONS)
def test_counts_and_probabilities_refuse_every_change(mutate: Callable[[Any], object]) -> None:
    result = provenance.score(TEXT)
    before = result.model_dump()
    for mapping in (result.counts, result.sentences[0].probabilities):
        with pytest.raises(TypeError, match="read-only"):
            mutate(mapping)
    assert result.model_dump() == before


def test_results_are_hashable_and_copy_exactly() -> None:
    result = provenance.score(TEXT)
    again = provenance.score(TEXT)
    assert hash(result) == hash(again) and len({result, again}) == 1
    assert hash(result.sentences[0]) == hash(again.sentences[0])
    for clone in (pickle.loads(pickle.dumps(result)), copy.deepcopy(result), copy.copy(result)):
        assert clone == result and hash(clone) == hash(result)
    editable = result.counts.copy()
    editable["on_record"] = 99
    assert result.counts["on_record"] != 99 and isinstance(result.model_dump()["counts"], dict)
    assert result.counts == dict(result.counts)


def test_a_split_surrogate_pair_round_trips_exactly() -> None:
    text = "Fire \ud83d\udd25 here and \U0001f525 there. Sources said \ud800\udfff so."
    assert len(text) == 45  # each surrogate is a code point of its own; the emoji is one
    result = provenance.score(text)
    encoded = result.to_json()
    encoded.encode("utf-8")  # valid UTF-8
    json.loads(encoded)  # valid JSON for any reader
    back = ArticleScore.from_json(encoded)
    assert back == result
    for sentence in back.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
    assert ArticleScore.from_json(encoded.encode("utf-8")) == result
    assert ArticleScore.from_json(result.to_json(indent=2)) == result


def test_json_written_with_escaped_real_characters_still_reads() -> None:
    text = "Fire \U0001f525 said sources, café."
    result = provenance.score(text)
    ascii_json = json.dumps(result.model_dump())  # escapes the emoji as a surrogate pair
    assert "\\ud83d\\udd25" in ascii_json
    assert ArticleScore.from_json(ascii_json) == result
    assert ArticleScore.model_validate_json(result.model_dump_json()) == result


PIECES = st.sampled_from(["Sources said", ". ", "\n\n", "\ud800", "\udbff", "\udc00", "\udfff", "\ud83d",
                          "\udd25", "\U0001f525", "é", "\\u", "\\ud83d", '"', "\\"])


@given(st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=30).map("".join))
def test_round_trip_is_exact_for_any_text(text: str) -> None:
    result = provenance.score(text)
    back = ArticleScore.from_json(result.to_json())
    assert back == result
    for sentence in back.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert all(text[c.start : c.end] == c.text for c in sentence.cues)
