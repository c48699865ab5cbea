"""The typed API as a new user meets it: rules built in code, the rules parameter, reprs."""

from __future__ import annotations

import pytest

import provenance
from provenance.errors import RulesError
from provenance.rules import HouseRules

TEXT = "Sources said the deal collapsed. Mayor Ana Ruiz said the road reopened."


def test_rules_in_code_take_tuples_and_a_single_label_string() -> None:
    rules = HouseRules.create(cues={"anonymous_source": ("a mole",)}, disable="on_record")
    assert rules.cues == {"anonymous_source": ("a mole",)} and rules.disabled == frozenset({"on_record"})
    assert "A mole" in [c.text for s in provenance.score("A mole told us.", rules=rules).sentences for c in s.cues]


def test_errors_from_rules_in_code_name_no_file_or_line() -> None:
    with pytest.raises(RulesError) as caught:
        HouseRules.create(cues={"gossip": ["x"]})
    assert str(caught.value).startswith("house rules given in code") and "<rules>" not in str(caught.value)
    assert "unknown label 'gossip'" in str(caught.value)


def test_score_with_a_rules_path_says_to_load_it() -> None:
    with pytest.raises(TypeError, match=r"'rules' parameter of provenance\.score .*load_rules\('x\.toml'\)"):
        provenance.score(TEXT, rules="x.toml")  # type: ignore[arg-type]


def test_reprs_are_short_and_say_what_matters() -> None:
    assert repr(provenance.Scorer()) == "Scorer(model='shipped (not loaded yet)', max_chars=1000000, rules=None)"
    result = provenance.score(TEXT)
    shown = repr(result)
    assert shown.startswith(f"ArticleScore(risk={result.risk:.2f}, level='{result.level}', sentences=2, ")
    assert len(shown) < 200
