"""Fuzzed house-rules files and phrases: loading gives HouseRules or one RulesError naming the file and a
line, never another exception; rules that load always score, with every cue on its word edges."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import provenance
from provenance import HouseRules, RulesError, load_rules
from provenance.phrases import needs_edge
from provenance.rules import RULE_WEIGHT

LABEL_KEYS = st.sampled_from([*provenance.LABELS, "rumour", "", "cues", "disable"])
ODD_TEXT = st.text(st.characters(exclude_categories=()), max_size=15)
PHRASES = st.one_of(
    ODD_TEXT,
    st.sampled_from(["a little bird", "источник", "café", "消息人士", "U.S.", "C++", "#metoo", "(sources)",
                     "  a   mole ", "\ud800", "x\x00y", "", " ", "x" * 300]),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ODD_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ODD_TEXT, children, max_size=4),
    max_leaves=15,
)
DOCUMENTS = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "cues": st.one_of(st.dictionaries(LABEL_KEYS, st.one_of(st.lists(PHRASES, max_size=4), JSON_VALUES),
                                              max_size=4), JSON_VALUES),
            "disable": st.one_of(st.lists(LABEL_KEYS, max_size=3), JSON_VALUES),
        },
    ),
    JSON_VALUES,
)
TEXTS = ["A little bird told us \ud800 so. Sources said the U.S. café (sources) was sold.",
         "据消息人士称，交易失败。 Как сказал источник. #metoo C++ a\nmole", ""]


def check(path: Path) -> None:
    """The property for one file on disk."""
    try:
        rules = load_rules(path)
    except RulesError as error:
        assert str(error).startswith(f"{path}:") and error.line >= 0
        assert "\n" not in error.problem
        return
    check_scores(rules)


def check_scores(rules: HouseRules) -> None:
    """Rules that load score every text; each rule cue is inside its sentence and on word edges."""
    for text in TEXTS:
        for sentence in provenance.score(text, rules=rules).sentences:
            assert not set(sentence.labels) & rules.disabled
            for cue in sentence.cues:
                assert sentence.start <= cue.start < cue.end <= sentence.end
                assert text[cue.start : cue.end] == cue.text
                if cue.weight == RULE_WEIGHT:
                    assert_on_edges(text, cue.start, cue.end)


def assert_on_edges(text: str, start: int, end: int) -> None:
    """A word edge of a match is never glued to a word character of a spaced script."""
    if needs_edge(text[start]) and start > 0:
        assert not needs_edge(text[start - 1]), (text, start, end)
    if needs_edge(text[end - 1]) and end < len(text):
        assert not needs_edge(text[end]), (text, start, end)


def _toml(document: Any) -> str:
    """A TOML rendering (JSON strings are TOML basic strings, mostly): what a person would write."""
    if not isinstance(document, dict):
        return json.dumps(document)
    lines = []
    if "disable" in document:
        lines.append(f"disable = {json.dumps(document['disable'], ensure_ascii=False)}")
    cues = document.get("cues")
    if isinstance(cues, dict):
        lines.append("[cues]")
        lines += [f"{json.dumps(k, ensure_ascii=False)} = {json.dumps(v, ensure_ascii=False)}" for k, v in cues.items()]
    elif cues is not None:
        lines.append(f"cues = {json.dumps(cues)}")
    return "\n".join(lines) + "\n"


@given(DOCUMENTS, st.sampled_from(["json", "toml"]), st.booleans())
def test_fuzzed_rules_documents(document: Any, kind: str, bom: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"rules.{kind}"
        try:
            text = json.dumps(document, ensure_ascii=False, indent=1) if kind == "json" else _toml(document)
            data = text.encode("utf-8", "surrogatepass")
        except ValueError:
            return
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
        check(path)


@given(st.binary(max_size=300), st.sampled_from(["json", "toml"]))
def test_fuzzed_rules_bytes(data: bytes, kind: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"rules.{kind}"
        path.write_bytes(data)
        check(path)


VALID = b'disable = ["on_record"]\n\n[cues]\nanonymous_source = ["a little bird", "a mole"]\nvague_attribution = ["people say"]\n'


@given(st.lists(st.tuples(st.integers(0, len(VALID)), st.integers(0, 5), st.binary(max_size=4)), min_size=1, max_size=4),
       st.sampled_from(["json", "toml"]))
def test_mutated_rules_files(edits: list[tuple[int, int, bytes]], kind: str) -> None:
    data = VALID if kind == "toml" else json.dumps(
        {"disable": ["on_record"], "cues": {"anonymous_source": ["a little bird", "a mole"]}}, indent=1).encode()
    for at, delete, insert in edits:
        data = data[:at] + insert + data[at + delete :]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"rules.{kind}"
        path.write_bytes(data)
        check(path)


@given(st.lists(PHRASES, min_size=1, max_size=3), st.lists(st.one_of(ODD_TEXT, PHRASES), max_size=6).map(" ".join))
def test_fuzzed_phrases_match_only_on_edges(phrases: list[str], text: str) -> None:
    try:
        rules = HouseRules.create(cues={"anonymous_source": phrases})
    except RulesError:
        return
    result = provenance.score(text + " " + phrases[0], rules=rules)
    for sentence in result.sentences:
        for cue in sentence.cues:
            if cue.weight == RULE_WEIGHT:
                assert_on_edges(text + " " + phrases[0], cue.start, cue.end)
