"""The public contract of provenance.score() and friends."""

from __future__ import annotations

import pydantic
import pytest
from conftest import FixtureArticle

import provenance
from provenance import LABELS, ArticleScore

ARTICLE = (
    "Council Approves Budget\n\n"
    "Mayor Ana Ruiz said on Tuesday that the budget passed 7-2. "
    "A senior official, speaking on condition of anonymity, said the vote was arranged in advance. "
    "Internal emails seen by this newspaper suggest the plan was drafted in June, though this remains unconfirmed."
)


def test_labels_are_the_taxonomy_ids() -> None:
    assert set(LABELS) == {
        "anonymous_source", "vague_attribution", "exclusive_access", "leaked_document",
        "closed_channel", "unverified_claim", "on_record",
    }
    assert len(LABELS) == 7


def test_result_shape_and_offsets(scorer: provenance.Scorer) -> None:
    result = scorer.score(ARTICLE)
    assert isinstance(result, ArticleScore) and isinstance(result, pydantic.BaseModel)
    assert 0.0 <= result.risk <= 1.0 and result.level in {"low", "medium", "high"}
    assert set(result.counts) == set(LABELS)
    assert result.model_version
    assert len(result.sentences) == 4
    last = 0
    for s in result.sentences:
        assert ARTICLE[s.start : s.end] == s.text and s.start >= last
        last = s.end
        assert set(s.probabilities) == set(LABELS)
        assert all(0.0 <= p <= 1.0 for p in s.probabilities.values())
        for cue in s.cues:
            assert ARTICLE[cue.start : cue.end] == cue.text and cue.label in s.labels
        for label in s.labels:
            assert any(c.label == label for c in s.cues), f"{label} without a cue in {s.text!r}"
    assert sum(result.counts.values()) == sum(len(s.labels) for s in result.sentences)


def test_expected_labels_on_a_clear_article(scorer: provenance.Scorer) -> None:
    labels = [set(s.labels) for s in scorer.score(ARTICLE).sentences]
    assert "on_record" in labels[1]
    assert "anonymous_source" in labels[2]
    assert {"leaked_document", "unverified_claim"} <= labels[3]


def test_cues_are_words_not_punctuation(
    scorer: provenance.Scorer, seed_texts: dict[str, str], fixture_articles: list[FixtureArticle]
) -> None:
    """An editor is shown words: no cue starts or ends on a comma, a quote mark or a space."""
    texts = [*seed_texts.values(), *(article.text for article in fixture_articles)]
    cues = [cue for text in texts for s in scorer.score(text).sentences for cue in s.cues]
    assert len(cues) > 100
    for cue in cues:
        assert cue.text[0].isalnum() and cue.text[-1].isalnum(), cue


def test_results_are_frozen(scorer: provenance.Scorer) -> None:
    result = scorer.score(ARTICLE)
    with pytest.raises(pydantic.ValidationError):
        result.risk = 0.5  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        result.sentences[0].start = 3  # type: ignore[misc]


def test_json_round_trip(scorer: provenance.Scorer) -> None:
    result = scorer.score(ARTICLE)
    assert ArticleScore.model_validate_json(result.model_dump_json()) == result


@pytest.mark.parametrize(
    ("value", "message"),
    [(b"bytes", "Decode bytes first"), (None, "Got NoneType"), (42, "Got int"), (["a"], "Got list")],
)
def test_non_str_input_raises_type_error_with_the_fix(value: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        provenance.score(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \r\n"])
def test_empty_text_gives_an_empty_result(text: str) -> None:
    result = provenance.score(text)
    assert result.sentences == () and result.risk == 0.0 and result.level == "low"
    assert result.counts == {label: 0 for label in LABELS}


def test_size_limit_names_the_limit_and_is_adjustable() -> None:
    with pytest.raises(ValueError, match="over the limit of 100 characters"):
        provenance.score("x" * 101, max_chars=100)
    assert provenance.score("x" * 101, max_chars=200).sentences[0].text == "x" * 101
    with pytest.raises(ValueError, match="max_chars"):
        provenance.Scorer(max_chars=0)


@pytest.mark.parametrize(
    "text",
    [
        "Sources say \x00\x07 the deal\x1b[31m collapsed.",
        "Officials said \U0001f525\U0001f525 it was fine. \u202eRTL text\u202c here.",
        "<script>alert(1)</script><p>The minister said <b>no</b>.</p>",
        "Mixed: Москва, 北京, القاهرة, and Paris. Done.",
        "\ud800 lone surrogate. Then text.",
    ],
)
def test_odd_input_never_crashes(text: str) -> None:
    result = provenance.score(text)
    for s in result.sentences:
        assert text[s.start : s.end] == s.text


def test_input_is_not_mutated_and_results_repeat() -> None:
    text = "Sources said it was over. " * 3
    copy = str(text)
    first = provenance.score(text)
    assert text == copy
    assert provenance.score(text) == first


def test_score_many_keeps_order_and_is_lazy() -> None:
    texts = ["The mayor said the road reopened.", "Sources say the deal collapsed.", "It rained."]
    results = provenance.score_many(iter(texts))
    assert not isinstance(results, list)
    assert [r.sentences[0].text for r in results] == texts


def test_score_many_rejects_a_single_string() -> None:
    with pytest.raises(TypeError, match="expected an iterable of str, got a str"):
        provenance.score_many("one article")
    with pytest.raises(TypeError, match="Decode bytes first"):
        list(provenance.score_many([b"bytes"]))  # type: ignore[list-item]


def test_score_many_in_processes_matches_sequential() -> None:
    texts = [f"Article {i}. Sources said item {i} was leaked in a private meeting." for i in range(70)]
    assert list(provenance.score_many(texts, n_jobs=2)) == [provenance.score(t) for t in texts]
