"""Cues explain: a sourcing flag's cue is its attribution frame, an n-gram is shown only when it holds
a sourcing word, house rules keep to two cues a label, and non-news text is not flagged on page
furniture (issue 10). The recipe and contract are written for this test."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import provenance
from provenance.classify import MAX_CUES_PER_LABEL, can_cue

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "fixtures").glob("*.txt"))

RECIPE = """Lemon Barley Soup

Serves 4. Prep time: 15 minutes. Cook time: 40 minutes.

INGREDIENTS
1 cup pearl barley
2 tablespoons olive oil
1 onion, finely chopped

METHOD
Rinse the barley under cold water until the water runs clear. Heat the oil in a large pot over medium heat.
Stir in the barley and toast it for two minutes. Pour in the stock and simmer for 30 minutes. Stir in the
lemon juice just before serving. Some cooks swear by a spoonful of yoghurt on top.
"""
CONTRACT = """SERVICES AGREEMENT

This Services Agreement is made between Halden Logistics Ltd ("the Company") and Marrow Systems LLC.

1. SERVICES. The Supplier shall provide the services described in Schedule A.

2. CONFIDENTIALITY. Each party shall keep confidential all information disclosed to it by the other party
and shall not disclose such information to any third party without prior written consent.

3. CONFIDENTIALITY.

4. TERMINATION. Either party may terminate this Agreement on sixty days' written notice.
"""


def cues_of(text: str) -> list[provenance.Cue]:
    return [cue for sentence in provenance.score(text).sentences for cue in sentence.cues]


@pytest.mark.parametrize(
    ("text", "label", "cue"),
    [
        ("A senior official, speaking on condition of anonymity, said the plan was dead.", "anonymous_source",
         "A senior official, speaking on condition of anonymity, said"),
        ("Sources say the deal collapsed.", "vague_attribution", "Sources say"),
        ("Mayor Ana Ruiz told reporters the road reopened on Friday.", "on_record", "Mayor Ana Ruiz told"),
    ],
)
def test_a_sourcing_flag_is_explained_by_its_frame(text: str, label: str, cue: str) -> None:
    (sentence,) = provenance.score(text).sentences
    assert label in sentence.labels
    assert [c.text for c in sentence.cues if c.label == label][0] == cue


def test_a_far_away_verb_leaves_the_source_alone_as_the_cue() -> None:
    text = ("Officials, who have spent the better part of three weeks reviewing the harbour authority's spending "
            "records line by line, said the accounts did not balance.")
    (sentence,) = provenance.score(text).sentences
    vague = [c.text for c in sentence.cues if c.label == "vague_attribution"]
    assert vague and vague[0] == "Officials"


def test_cues_on_the_articles_are_sourcing_words_not_topic_words() -> None:
    cues = [cue for path in ARTICLES for cue in cues_of(path.read_text(encoding="utf-8"))]
    single = Counter(cue.text.lower() for cue in cues if len(cue.text.split()) == 1)
    # v1 showed 199 single words out of 419 cues ("said" as anonymous_source 8 times, "radar", "local", "None")
    assert sum(single.values()) / len(cues) < 0.25
    for junk in ("radar", "local", "none", "months", "though", "kursk", "two", "some", "the"):
        assert junk not in single, junk
    assert sum(1 for c in cues if c.label == "anonymous_source" and c.text.lower() == "said") <= 1
    assert all(cue.text == cue.text.strip() and cue.text for cue in cues)


@pytest.mark.parametrize(
    ("feature", "shown"),
    [("w:radar", False), ("w:kursk", False), ("w:though", False), ("b:the weather", False), ("w:said", True),
     ("b:officials said", True), ("s:C said", True), ("p:offic", True), ("p:radar", False), ("k:SEC DOC", True), ("k:NEG", False),
     ("l:anonymous_source", False), ("f:k=anonymous_person", False)],
)
def test_which_ngrams_may_be_cues(feature: str, shown: bool) -> None:
    assert can_cue(feature) is shown


def test_house_rules_keep_to_two_cues_a_label() -> None:
    rules = provenance.HouseRules.create(cues={"anonymous_source": ("a mole", "the mole said", "mole")})
    text = "A senior official, speaking on condition of anonymity, said a mole said the mole said it was over."
    (sentence,) = provenance.score(text, rules=rules).sentences
    shown = [c for c in sentence.cues if c.label == "anonymous_source"]
    assert len(shown) == MAX_CUES_PER_LABEL
    assert all(c.weight == provenance.rules.RULE_WEIGHT for c in shown), "the house's own phrases come first"


@pytest.mark.parametrize("text", [RECIPE, CONTRACT], ids=["recipe", "contract"])
def test_non_news_text_is_not_flagged_on_page_furniture(text: str) -> None:
    result = provenance.score(text)
    assert result.level == "low"
    assert not result.flagged, [(s.text, s.labels) for s in result.flagged]
