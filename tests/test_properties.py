"""Invariants over arbitrary Unicode: never raises, offsets slice back, order, coverage, ranges,
determinism, JSON round trip."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import provenance
from provenance import LABELS, ArticleScore

PIECES = st.sampled_from(
    [
        "Sources said", " a senior official, speaking on condition of anonymity,", " leaked memo", ". ", "? ",
        "!\u201d ", "\n", "\r\n", "\n\n", "\r", "\u2028", "\u200b", "\u200e", "\u202e", "\ufeff", "\x00",
        "\x07", "\u0301", "\U0001f525", "Mr. ", "U.S. ", "3.5 ", "...", "\u00ab", "\u201c", "'", '"',
        "\u3002", "\u0964", "Москва. ", "北京。", "<b>", "</script>", "reportedly", "\ud800", "\udfff", "\t",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(st.characters(exclude_categories=()), max_size=12)), max_size=40).map("".join)


@given(TEXT)
def test_invariants_hold_for_any_text(text: str) -> None:
    result = provenance.score(text)
    covered: set[int] = set()
    last = 0
    for sentence in result.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.start >= last and sentence.end > sentence.start
        last = sentence.end
        covered.update(range(sentence.start, sentence.end))
        assert set(sentence.probabilities) == set(LABELS)
        assert all(0.0 <= p <= 1.0 for p in sentence.probabilities.values())
        for cue in sentence.cues:
            assert text[cue.start : cue.end] == cue.text and sentence.start <= cue.start < cue.end <= sentence.end
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    assert 0.0 <= result.risk <= 1.0
    assert provenance.score(text) == result
    assert ArticleScore.from_json(result.to_json()) == result
