"""House rules without retraining: extra cue phrases per label, and labels switched off.

A rules file is TOML or JSON::

    disable = ["unverified_claim"]          # never show these labels; they add nothing to the risk

    [cues]                                  # literal phrases, matched case-insensitively on word bounds
    anonymous_source = ["a little bird told", "a mole inside"]

A house-rule phrase in a sentence sets its label, raises that label's probability to at least
``RULE_PROBABILITY`` and adds a ``Cue`` with weight ``RULE_WEIGHT``. Errors name the line and the fix.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Final

from provenance.classify import CueSpan, Predictions
from provenance.cues import compile_phrases
from provenance.errors import RulesError
from provenance.labels import LABEL_INDEX, LABELS, LabelId

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

RULE_PROBABILITY: Final = 0.95
RULE_WEIGHT: Final = 5.0


@dataclass(frozen=True)
class HouseRules:
    """Validated house rules. Build with :func:`load_rules` or :meth:`HouseRules.create`."""

    cues: Mapping[LabelId, tuple[str, ...]] = field(default_factory=dict)
    disabled: frozenset[LabelId] = frozenset()

    @classmethod
    def create(
        cls, cues: Mapping[str, Sequence[str]] | None = None, disable: Sequence[str] = ()
    ) -> HouseRules:
        """Check label ids and phrases given in code; raise ``RulesError`` naming the problem."""
        return _validated(dict(cues or {}), list(disable), lambda _: 0, "<rules>")

    def apply(self, sentences: Sequence[str], predictions: Predictions) -> Predictions:
        """Add house-rule cues and labels, then drop disabled labels everywhere."""
        probabilities = predictions.probabilities.copy()
        labels = [list(x) for x in predictions.labels]
        cues = [list(x) for x in predictions.cues]
        for label, pattern in self._patterns:
            k = LABEL_INDEX[label]
            for i, sentence in enumerate(sentences):
                hits = [CueSpan(label, m.start(), m.end(), RULE_WEIGHT) for m in pattern.finditer(sentence)]
                if hits:
                    probabilities[i, k] = max(probabilities[i, k], RULE_PROBABILITY)
                    if label not in labels[i]:
                        labels[i].append(label)
                    cues[i].extend(hits)
        for label in self.disabled:
            probabilities[:, LABEL_INDEX[label]] = 0.0
        order = {label: i for i, label in enumerate(LABELS)}
        return Predictions(
            probabilities,
            [tuple(sorted((x for x in row if x not in self.disabled), key=order.__getitem__)) for row in labels],
            [tuple(sorted((c for c in row if c.label not in self.disabled), key=lambda c: c.start)) for row in cues],
        )

    @cached_property
    def _patterns(self) -> list[tuple[LabelId, Any]]:
        return [(label, compile_phrases([re.escape(p) for p in phrases])) for label, phrases in self.cues.items()]


def load_rules(path: str | Path) -> HouseRules:
    """Read a TOML (``.toml``) or JSON (any other suffix) rules file."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RulesError(path, 0, f"cannot read the file ({error.strerror})") from None
    try:
        document = tomllib.loads(raw) if path.suffix.lower() == ".toml" else json.loads(raw)
    except json.JSONDecodeError as error:
        raise RulesError(path, error.lineno, f"not valid JSON ({error.msg})") from None
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        line = int(match.group(1)) if match else len(raw.splitlines())  # "at end of document"
        raise RulesError(path, line, f"not valid TOML ({error})") from None
    if not isinstance(document, dict):
        raise RulesError(path, 1, "expected a table/object with 'cues' and/or 'disable'")
    unknown = set(document) - {"cues", "disable"}
    if unknown:
        key = min(unknown)
        raise RulesError(path, _line_of(raw, key), f"unknown key {key!r}; use 'cues' and 'disable'")
    return _validated(document.get("cues", {}), document.get("disable", []), lambda word: _line_of(raw, word), path)


def _validated(cues: Any, disable: Any, line_of: Any, path: Path | str) -> HouseRules:
    """Check every label id and phrase; the first problem raises with its line."""
    if not isinstance(cues, dict):
        raise RulesError(path, line_of("cues"), "'cues' must map label ids to lists of phrases")
    if not isinstance(disable, list) or not all(isinstance(x, str) for x in disable):
        raise RulesError(path, line_of("disable"), "'disable' must be a list of label ids")
    for label in [*cues, *disable]:
        if label not in LABEL_INDEX:
            raise RulesError(path, line_of(label), f"unknown label {label!r}; use one of {', '.join(LABELS)}")
    checked: dict[LabelId, tuple[str, ...]] = {}
    for label, phrases in cues.items():
        if not isinstance(phrases, list) or not phrases:
            raise RulesError(path, line_of(label), f"cues for {label!r} must be a non-empty list of phrases")
        for phrase in phrases:
            if not isinstance(phrase, str) or not phrase.strip():
                raise RulesError(path, line_of(label), f"cues for {label!r}: {phrase!r} is not a non-empty phrase")
        checked[label] = tuple(p.strip() for p in phrases)
    return HouseRules(checked, frozenset(disable))


def _line_of(raw: str, word: str) -> int:
    """1-based number of the first line mentioning ``word`` (0 if none)."""
    for number, line in enumerate(raw.splitlines(), start=1):
        if word in line:
            return number
    return 0


__all__ = ["RULE_PROBABILITY", "RULE_WEIGHT", "HouseRules", "load_rules"]
