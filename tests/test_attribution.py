"""The attribution stage: lexicon examples tables, spans, follow-ups, gold frames, and the public API."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

import provenance
from provenance.attribution import SOURCE_KINDS, default_lexicon
from provenance.evaluation.frames import evaluate_frames, gold_pairs

CUE_F1_FLOOR = 0.90
KIND_ACCURACY_FLOOR = 0.85


def _examples(name: str) -> list[dict[str, str | None]]:
    document = json.loads((resources.files("provenance") / "data" / "attribution" / f"{name}.json").read_bytes())
    examples: list[dict[str, str | None]] = document["examples"]
    return examples


def _frames_of(text: str) -> list[tuple[str, str | None, str]]:
    """(cue, source, kind) of every frame of a one-sentence text."""
    sentence = provenance.score(text).sentences[0]
    return [(a.cue.text, a.source.text if a.source else None, a.kind) for a in sentence.attributions]


@pytest.mark.parametrize("example", _examples("cues"), ids=lambda e: str(e["text"])[:40])
def test_cue_lexicon_examples(example: dict[str, str | None]) -> None:
    frames = _frames_of(str(example["text"]))
    assert (example["cue"], example["source"], example["kind"]) in frames, frames


@pytest.mark.parametrize(
    "example", _examples("sources") + _examples("records"), ids=lambda e: str(e["text"])[:40]
)
def test_source_and_record_lexicon_examples(example: dict[str, str | None]) -> None:
    frames = _frames_of(str(example["text"]))
    assert any(source == example["source"] and kind == example["kind"] for _, source, kind in frames), frames


def test_gold_frames_on_fixtures_and_seeds() -> None:
    pairs = gold_pairs(ROOT)
    assert len(pairs) == 21  # 17 fixtures and 4 seeds
    report = evaluate_frames(pairs)
    print(
        f"\ngold frames: cue P {report.precision:.3f} R {report.recall:.3f} F1 {report.f1:.3f}; "
        f"kind accuracy {report.kind_accuracy:.3f} ({report.true_positive} matched)"
    )
    assert report.f1 >= CUE_F1_FLOOR
    assert report.kind_accuracy >= KIND_ACCURACY_FLOOR


def test_follow_ups_take_the_kind_they_point_back_to() -> None:
    text = (
        "Finance Minister Ana Ruiz said the budget was final. She added that taxes would not rise. "
        "A senior official said talks had stalled. The official added that a deal was near. "
        "Diplomats said the summit was off. The diplomats said it could resume."
    )
    result = provenance.score(text)
    kinds = [[a.kind for a in s.attributions] for s in result.sentences]
    assert kinds == [["named_person"], ["named_person"], ["anonymous_person"], ["anonymous_person"],
                     ["unnamed_group"], ["unnamed_group"]]
    follow_up = result.sentences[1].attributions[0]
    assert follow_up.source is not None and follow_up.source.text == "She"
    assert follow_up.refers_to is not None and text[follow_up.refers_to.start : follow_up.refers_to.end] == "Finance Minister Ana Ruiz"
    assert "on_record" in result.sentences[1].labels


def test_pronoun_with_nothing_to_point_back_to_stays_a_pronoun() -> None:
    sentence = provenance.score("She said the talks had failed.").sentences[0]
    assert [a.kind for a in sentence.attributions] == ["pronoun"]
    assert "on_record" not in sentence.labels


def test_impersonal_voice_has_no_source() -> None:
    sentence = provenance.score("The striker is said to be unhappy in Lyon.").sentences[0]
    assert [(a.source, a.kind) for a in sentence.attributions] == [(None, "none")]


def test_declined_to_comment_credits_nothing() -> None:
    assert provenance.score("The ministry declined to comment.").sentences[0].attributions == ()


def test_names_alone_are_not_a_frame() -> None:
    sentence = provenance.score("Mayor Dana Obi opened the Harlow bridge on Tuesday.").sentences[0]
    assert sentence.attributions == () and sentence.labels == ()


def test_attributions_survive_the_json_round_trip() -> None:
    result = provenance.score("A memo seen by the Herald lists 40 job cuts, Reuters reported.")
    assert provenance.ArticleScore.from_json(result.to_json()) == result
    assert json.loads(result.to_json())["sentences"][0]["attributions"][0]["kind"] in SOURCE_KINDS


_PIECES = [*"aAsS ,.'\"\u201c\u201d()-\n", "said ", "according to ", "The ", "officials ", "Ruiz ", "she ", "seen by ",
           "it is understood ", "the source ", "one of them ", "\u00e9 ", "\ud800"]


@given(st.lists(st.sampled_from(_PIECES), max_size=80).map("".join))
def test_every_span_slices_back_to_its_text(text: str) -> None:
    result = provenance.score(text)
    for sentence in result.sentences:
        for frame in sentence.attributions:
            for span in (frame.cue, frame.source):
                if span is not None:
                    assert sentence.start <= span.start < span.end <= sentence.end
                    assert text[span.start : span.end] == span.text
            if frame.refers_to is not None:
                assert text[frame.refers_to.start : frame.refers_to.end] == frame.refers_to.text
                assert frame.refers_to.end <= sentence.start or frame.refers_to.end <= frame.cue.start


def test_frames_of_many_sentences_equal_frames_one_by_one() -> None:
    """One scan over joined sentences must find what a scan per sentence finds."""
    lexicon = default_lexicon()
    sentences = [s.text for s in provenance.segment.segment((ROOT / "fixtures" / "low_museum_theft.txt").read_text(encoding="utf-8"))]
    joined = lexicon.find_many(sentences)
    assert joined == [lexicon.find_many([sentence])[0] for sentence in sentences]


def test_a_source_read_rightwards_stops_at_the_next_sourcing_verb() -> None:
    """Found by the property test above in a fresh clone: "said the source said" read the first
    source as "the source said" (swallowing the second cue), and the second frame then pointed back
    to that phrase, which contains it."""
    (sentence,) = provenance.score("said the source said A").sentences
    first, second = sentence.attributions
    assert first.source is not None and first.source.text == "the source"
    assert second.source is not None and second.source.text == "the source"
    assert second.refers_to is None, "a phrase shared by two cues is not its own antecedent"
    (_, later) = provenance.score("The source said so. Later the source said more.").sentences
    assert later.attributions[0].refers_to is not None and later.attributions[0].refers_to.text == "The source"
