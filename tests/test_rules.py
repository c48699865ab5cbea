"""House rules: extra cue phrases and disabled labels, from code or from a TOML/JSON file."""

from __future__ import annotations

from pathlib import Path

import pytest

import provenance
from provenance import HouseRules, RulesError, load_rules
from provenance.cli import run
from provenance.rules import RULE_PROBABILITY, RULE_WEIGHT

TEXT = "A little bird told us the club is for sale. Sources said it was reportedly sold."


def test_extra_cue_sets_its_label_with_documented_probability_and_weight() -> None:
    rules = HouseRules.create(cues={"anonymous_source": ["a little bird"]})
    first = provenance.score(TEXT, rules=rules).sentences[0]
    assert "anonymous_source" in first.labels
    assert first.probabilities["anonymous_source"] >= RULE_PROBABILITY
    assert any(c.text == "A little bird" and c.weight == RULE_WEIGHT for c in first.cues)


def test_disabled_label_never_appears_and_adds_no_risk() -> None:
    plain = provenance.score(TEXT)
    rules = HouseRules.create(disable=["unverified_claim", "vague_attribution"])
    result = provenance.score(TEXT, rules=rules)
    for sentence in result.sentences:
        assert not {"unverified_claim", "vague_attribution"} & set(sentence.labels)
        assert sentence.probabilities["unverified_claim"] == 0.0
        assert all(c.label not in {"unverified_claim", "vague_attribution"} for c in sentence.cues)
    assert result.counts["unverified_claim"] == 0 and result.risk <= plain.risk


def test_toml_and_json_files(tmp_path: Path) -> None:
    toml = tmp_path / "rules.toml"
    toml.write_text('disable = ["on_record"]\n\n[cues]\nanonymous_source = ["a little bird"]\n', encoding="utf-8")
    json_file = tmp_path / "rules.json"
    json_file.write_text('{"cues": {"anonymous_source": ["a little bird"]}, "disable": ["on_record"]}', encoding="utf-8")
    assert load_rules(toml) == load_rules(json_file)
    assert run(["score", str(tmp_path / "a.txt"), "--rules", str(toml)]) == 2  # missing article, rules parsed fine


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("r.toml", 'disable = ["on_record"]\n[cues]\nanonymous_source = ["x"\n', r"r\.toml:3: not valid TOML"),
        ("r.json", '{"cues": {\n "anonymous_source": ["x"],\n}}', r"r\.json:3: not valid JSON"),
        ("r.toml", 'disable = ["on_record"]\n\n[cues]\nrumour = ["x"]\n', r"r\.toml:4: unknown label 'rumour'"),
        ("r.toml", '[cues]\nanonymous_source = []\n', r"r\.toml:2: cues for 'anonymous_source' must be a non-empty list"),
        ("r.toml", 'disabled = ["x"]\n', r"r\.toml:1: unknown key 'disabled'"),
        ("r.json", '{"disable": ["on_record", "nope"]}', r"r\.json:1: unknown label 'nope'"),
    ],
)
def test_invalid_files_name_the_line(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_rules(path)


def test_rules_parameter_is_type_checked() -> None:
    with pytest.raises(TypeError, match="HouseRules"):
        provenance.Scorer(rules={"disable": ["on_record"]})  # type: ignore[arg-type]
