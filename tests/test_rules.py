"""House rules: extra cue phrases and disabled labels, from code or from a TOML/JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import provenance
from provenance import HouseRules, RulesError, load_rules
from provenance.cli import run
from provenance.rules import MAX_PHRASES, MAX_TOTAL_CHARS, RULE_PROBABILITY, RULE_WEIGHT

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


# --- hostile and careless rules: every attack is performed here -------------------------------------

BIRD = HouseRules.create(cues={"anonymous_source": ["a little bird told"]})


def test_lone_surrogates_in_text_score_with_rules() -> None:
    text = "A little bird told us \ud800. Sources said \udfff so \ud83d\udd25."
    result = provenance.score(text, rules=BIRD)
    assert "anonymous_source" in result.sentences[0].labels
    for sentence in result.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert all(text[c.start : c.end] == c.text for c in sentence.cues)
    assert list(provenance.score_many([text] * 40, n_jobs=2, rules=BIRD)) == [result] * 40


@pytest.mark.parametrize("phrase", ["bird \ud800", "\udfff", "a\x00b", "x\x1b[31m"])
def test_phrases_with_surrogates_or_control_characters_are_refused_at_load(tmp_path: Path, phrase: str) -> None:
    with pytest.raises(RulesError, match="lone surrogate|control character"):
        HouseRules.create(cues={"anonymous_source": [phrase]})
    path = tmp_path / "r.json"
    path.write_text('{"cues": {\n "anonymous_source": [\n  ' + json.dumps(phrase) + "\n ]\n}}", encoding="utf-8")
    with pytest.raises(RulesError, match=r"r\.json:3: .*(lone surrogate|control character)"):
        load_rules(path)


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("источник", "Как сказал ИСТОЧНИК, всё решено.", ["ИСТОЧНИК"]),
        ("café", "At the Café, a waiter said so.", ["Café"]),
        ("消息人士", "据消息人士称，交易失败。", ["消息人士"]),
        ("U.S.", "The U.S. said no. (U.S.)", ["U.S.", "U.S."]),
        ("C++", "Written in C++ since 2001; not ABC++.", ["C++"]),
        ("#metoo", "The #metoo movement grew.", ["#metoo"]),
        ("(sources)", "It was confirmed (sources) today.", ["(sources)"]),
        ("mole", "Une émole. A mole. Moles. mole mole", ["mole", "mole", "mole"]),
        ("a  mole   inside", "There was a mole inside. A\nmole\tinside too.", ["a mole inside", "A\nmole\tinside"]),
        ("new york", "New\u00a0York said; New Yorkers did not.", ["New\u00a0York"]),
        ("straße", "Die STRASSE und die Straße.", ["Straße"]),
    ],
)
def test_phrases_match_on_unicode_word_edges(phrase: str, text: str, found: list[str]) -> None:
    rules = HouseRules.create(cues={"anonymous_source": [phrase]})
    cues = [c.text for s in provenance.score(text, rules=rules).sentences for c in s.cues if c.weight == RULE_WEIGHT]
    assert cues == found


def test_rules_over_the_limits_are_refused_at_load(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    many = [f"phrase number {i}" for i in range(10_000)]
    with pytest.raises(RulesError, match="10,000 phrases .* over the limits"):
        HouseRules.create(cues={"anonymous_source": many})
    with pytest.raises(RulesError, match="a phrase of 1,000,000 characters, over the limit"):
        HouseRules.create(cues={"anonymous_source": ["x" * 1_000_000]})
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"cues": {"anonymous_source": [f"p{i}" for i in range(200_000)]}}), encoding="utf-8")
    with pytest.raises(RulesError, match=r"big\.json:0: the file is 2,\d{3},\d{3} bytes, over the limit of 1,048,576 bytes"):
        load_rules(path)
    assert capfd.readouterr().err == ""


def test_rules_at_the_limits_stay_fast_and_quiet(capfd: pytest.CaptureFixture[str]) -> None:
    import time

    import random

    rng = random.Random(0)
    words = ["".join(rng.choices("abcdefghijklmnoprstuvwyzéж", k=rng.randint(3, 8))) for _ in range(6_000)]
    phrases = [" ".join(rng.sample(words, 2))[: MAX_TOTAL_CHARS // MAX_PHRASES] for _ in range(MAX_PHRASES)]
    rules = HouseRules.create(cues={"vague_attribution": phrases})
    text = " ".join(rng.choices(words, k=20_000)) + ". " + TEXT * 200

    def best(rules: HouseRules | None) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            provenance.score(text, rules=rules)
            times.append(time.perf_counter() - start)
        return min(times)

    assert best(rules) < 2.0 * best(None)
    assert capfd.readouterr().err == "", "RE2 printed to stderr"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("r.json", b"[" * 100_000 + b"]" * 100_000, r"r\.json:0: nested more than"),
        ("r.json", b'{"cues": ' + b"[" * 50 + b"]" * 50 + b"}", r"r\.json:0: nested more than"),
        ("r.toml", b"x = " + b"[" * 100_000 + b"]" * 100_000, r"r\.toml:\d+: not valid TOML"),
        ("r.json", b'{"disable": ["on_record"]}\xff', r"r\.json:1: not UTF-8 \(byte 0xff"),
        ("r.toml", b'disable = []\n\xc3(', r"r\.toml:2: not UTF-8"),
        ("r.json", b'{"disable": [],\n "disable": ["on_record"]}', r"r\.json:2: key 'disable' appears twice"),
        ("r.json", b'{"cues": {"on_record": ["x"],\n "on_record": ["y"]}}', r"r\.json:2: key 'on_record' appears twice"),
        ("r.toml", b'disable = []\ndisable = ["on_record"]\n', r"r\.toml:2: not valid TOML"),
        ("r.json", b'{"disable": NaN}', r"r\.json:\d: NaN is not a JSON number"),
        ("r.json", b'{"disable": "on_record"}', r"r\.json:1: 'disable' must be a list"),
        ("r.json", b'{"cues": ["on_record"]}', r"r\.json:1: 'cues' must map"),
        ("r.json", b'{"cues": {"on_record": "said"}}', r"r\.json:1: cues for 'on_record' must be a non-empty list"),
        ("r.json", b'{"cues": {"on_record": [1]}}', r"r\.json:1: cues for 'on_record': 1 is not"),
        ("r.json", b'{"cues": {"on_record": [null]}}', r"r\.json:1: cues for 'on_record': None is not"),
        ("r.json", b'{"cues": {"on_record": [["said"]]}}', r"r\.json:1: cues for 'on_record'"),
        ("r.json", b'{"disable": [1]}', r"r\.json:1: unknown label 1"),
        ("r.json", b'{"disable": [null]}', r"r\.json:1: unknown label None"),
        ("r.toml", b'[cues]\nanonymous_source = ["rumour has it"]\nrumour = ["x"]\n', r"r\.toml:3: unknown label 'rumour'"),
        ("r.toml", b'# rumour = ["x"]\n[cues]\nrumour = ["x"]\n', r"r\.toml:3: unknown label 'rumour'"),
        ("r.json", b'{"cues": {"on_record": ["rumour"],\n "rumour": ["x"]}}', r"r\.json:2: unknown label 'rumour'"),
        ("r.toml", b'disable = ["on_record",\n  "gossip"]\n', r"r\.toml:2: unknown label 'gossip'"),
        ("r.toml", b"[cues.anonymous_source]\nx = 1\n", r"r\.toml:1: cues for 'anonymous_source' must be"),
        ("r.toml", b"disable = 2026-01-01\n", r"r\.toml:1: 'disable' must be a list"),
        ("r.json", b"", r"r\.json:1: not valid JSON"),
        ("r.json", b"null", r"r\.json:1: expected a table"),
        ("r.json", b'{"cues": {}, "disable": [], "extra": 1}', r"r\.json:1: unknown key 'extra'"),
        ("r.json", b"\xff\xfe{\x00}\x00", r"r\.json:1: not UTF-8"),
        ("r.json", b'{"x": 1' + b"1" * 5000 + b"}", r"r\.json:0: not valid JSON"),
    ],
)
def test_malformed_files_raise_rules_error_with_the_right_line(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RulesError, match=message):
        load_rules(path)


def test_a_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_bytes(b"\xef\xbb\xbf" + 'disable = ["on_record"]\n'.encode())
    assert load_rules(path).disabled == {"on_record"}
    path = tmp_path / "r.json"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"disable": ["on_record"]}')
    assert load_rules(path).disabled == {"on_record"}


@pytest.mark.parametrize(
    ("cues", "disable", "message"),
    [
        ("anonymous_source", (), "'cues' must map"),
        ({"anonymous_source": "a mole"}, (), "must be a non-empty list"),
        ({}, 5, "'disable' must be a list"),
        ({"gossip": ["x"]}, (), "unknown label 'gossip'"),
        ({1: ["x"]}, (), "unknown label 1"),
    ],
)
def test_create_checks_types_and_never_mutates_its_arguments(cues: Any, disable: Any, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        HouseRules.create(cues=cues, disable=disable)
    given = {"anonymous_source": ["  a   little bird  "]}
    rules = HouseRules.create(cues=given, disable=["on_record"])
    assert given == {"anonymous_source": ["  a   little bird  "]}
    assert rules.cues == {"anonymous_source": ("a little bird",)}


def test_directory_and_unreadable_rules_paths(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r":0: the file is a directory"):
        load_rules(tmp_path)
    with pytest.raises(RulesError, match=r"nope\.toml:0: cannot read the file"):
        load_rules(tmp_path / "nope.toml")


def test_rules_pickle_for_worker_processes() -> None:
    import pickle

    copy = pickle.loads(pickle.dumps(BIRD))
    assert copy == BIRD
    assert provenance.score(TEXT, rules=copy) == provenance.score(TEXT, rules=BIRD)
