"""House rules without retraining: extra cue phrases per label, and labels switched off.

A rules file is TOML (``.toml``) or JSON (any other suffix), UTF-8 with or without a BOM::

    disable = ["unverified_claim"]          # never show these labels; they add nothing to the risk

    [cues]                                  # literal phrases, matched case-insensitively on word edges
    anonymous_source = ["a little bird told", "a mole inside"]

A house-rule phrase in a sentence sets its label, raises that label's probability to at least
``RULE_PROBABILITY`` and adds a ``Cue`` with weight ``RULE_WEIGHT``. How phrases match (Unicode word
edges, whitespace) is defined in :mod:`provenance.phrases`.

Everything is checked when the rules are built, never at score time: label ids, each phrase (no lone
surrogates or control characters, at most ``MAX_PHRASE_CHARS``), the totals (``MAX_PHRASES``,
``MAX_TOTAL_CHARS``, which keep matching fast) and the compiled pattern itself. A file's errors name
the file, the line and the fix.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any, Final

import re2

from provenance.classify import MAX_CUES_PER_LABEL, CueSpan, Predictions
from provenance.errors import RulesError
from provenance.labels import LABEL_INDEX, LABELS, LabelId
from provenance.phrases import PhraseMatcher, normalise
from provenance.safefile import FileProblem, FileTooLarge, read_limited
from provenance.strictjson import JSONProblem, decode_utf8, loads

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

RULE_PROBABILITY: Final = 0.95
RULE_WEIGHT: Final = 5.0
_START: Final = attrgetter("start")
#: Limits that keep matching at most a fraction of scoring time (measured: 2,000 short phrases add
#: about 0.2 s per MB of text); longer lists belong in the lexicon of a retrained model.
MAX_PHRASES: Final = 2_000
MAX_PHRASE_CHARS: Final = 200
MAX_TOTAL_CHARS: Final = 20_000
MAX_FILE_BYTES: Final = 1 << 20
_SOURCE_IN_CODE: Final = RulesError.IN_CODE


@dataclass(frozen=True)
class HouseRules:
    """Validated house rules. Build with :func:`load_rules` or :meth:`HouseRules.create`.

    Constructing one checks and compiles it, so a bad phrase fails here and not at score time.
    """

    cues: Mapping[LabelId, tuple[str, ...]] = field(default_factory=dict)
    disabled: frozenset[LabelId] = frozenset()
    _matcher: PhraseMatcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        in_code = _Lines(_SOURCE_IN_CODE)
        checked = _checked_cues(self.cues, in_code)
        object.__setattr__(self, "cues", checked)
        object.__setattr__(self, "disabled", _checked_disable(self.disabled, in_code))
        object.__setattr__(self, "_matcher", _compiled(checked, in_code))

    @classmethod
    def create(
        cls, cues: Mapping[str, Sequence[str]] | None = None, disable: str | Sequence[str] = ()
    ) -> HouseRules:
        """Check label ids and phrases given in code; raise ``RulesError`` naming the problem.

        ``disable`` may be one label id as a plain string (``disable="on_record"``): a string is never
        read as a sequence of one-letter labels.
        """
        return _validated(cues or {}, (disable,) if isinstance(disable, str) else disable, _Lines(_SOURCE_IN_CODE))

    def apply(self, sentences: Sequence[str], predictions: Predictions) -> Predictions:
        """Add house-rule cues and labels, then drop disabled labels everywhere."""
        probabilities = predictions.probabilities.copy()
        labels = [list(x) for x in predictions.labels]
        cues = [list(x) for x in predictions.cues]
        for i, hits in enumerate(self._matcher.find_many(sentences)):
            for label, start, end in hits:
                k = LABEL_INDEX[label]
                label_id = LABELS[k]
                probabilities[i, k] = max(probabilities[i, k], RULE_PROBABILITY)
                if label_id not in labels[i]:
                    labels[i].append(label_id)
                cues[i].insert(0, CueSpan(label_id, start, end, RULE_WEIGHT))  # the house's own words first
        for label_id in self.disabled:
            probabilities[:, LABEL_INDEX[label_id]] = 0.0
        order = {label_id: i for i, label_id in enumerate(LABELS)}
        return Predictions(
            probabilities,
            [tuple(sorted((x for x in row if x not in self.disabled), key=order.__getitem__)) for row in labels],
            [tuple(sorted(_at_most_per_label(c for c in row if c.label not in self.disabled), key=_START))
             for row in cues],
        )


def _at_most_per_label(cues: Iterable[CueSpan]) -> list[CueSpan]:
    """The first :data:`MAX_CUES_PER_LABEL` cues of each label, in the order given, none overlapping
    another of its label (a house phrase that the model also found is shown once)."""
    kept: list[CueSpan] = []
    for cue in cues:
        same = [other for other in kept if other.label == cue.label]
        if len(same) < MAX_CUES_PER_LABEL and all(cue.end <= o.start or cue.start >= o.end for o in same):
            kept.append(cue)
    return kept


def load_rules(path: str | Path) -> HouseRules:
    """Read a TOML (``.toml``) or JSON (any other suffix) rules file."""
    path = Path(path)
    try:
        data = read_limited(path, MAX_FILE_BYTES)
    except FileTooLarge as problem:
        raise RulesError(path, 0, f"the file {problem}; house rules are short lists of phrases") from None
    except FileProblem as problem:
        raise RulesError(path, 0, f"the file {problem}; give the path of a TOML or JSON rules file") from None
    except OSError as error:
        raise RulesError(path, 0, f"cannot read the file ({error.strerror or error})") from None
    toml = path.suffix.lower() == ".toml"
    try:
        raw = decode_utf8(data)
        document = _parse_toml(raw) if toml else loads(raw)
    except JSONProblem as problem:
        raise RulesError(path, problem.line, problem.message) from None
    lines = _Lines(path, raw, toml)
    if not isinstance(document, dict):
        raise RulesError(path, 1, "expected a table/object with 'cues' and/or 'disable'")
    unknown = sorted(str(key) for key in document if key not in ("cues", "disable"))
    if unknown:
        raise RulesError(path, lines.key(unknown[0]), f"unknown key {unknown[0]!r}; use 'cues' and 'disable'")
    return _validated(document.get("cues", {}), document.get("disable", []), lines)


def _parse_toml(raw: str) -> Any:
    """TOML, with its errors (and deep nesting) as a :class:`JSONProblem` carrying the line."""
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        line = int(match.group(1)) if match else raw.rstrip().count("\n") + 1  # "at end of document"
        raise JSONProblem(f"not valid TOML ({error})", line) from None
    except RecursionError:
        raise JSONProblem("not valid TOML (nested too deeply)") from None


def _validated(cues: Any, disable: Any, lines: _Lines) -> HouseRules:
    """Check with line numbers, then build (which compiles); the first problem raises ``RulesError``."""
    checked, disabled = _checked_cues(cues, lines), _checked_disable(disable, lines)
    try:
        return HouseRules(checked, disabled)
    except RulesError as error:  # only compiling can fail here, and it concerns the cues as a whole
        raise RulesError(lines.path, lines.key("cues"), error.problem) from None


def _checked_cues(cues: Any, lines: _Lines) -> dict[LabelId, tuple[str, ...]]:
    """Label ids and phrases, normalised; a copy, so the caller's mapping is never kept or changed."""
    if not isinstance(cues, Mapping):
        raise RulesError(lines.path, lines.key("cues"), "'cues' must map label ids to lists of phrases")
    checked: dict[LabelId, tuple[str, ...]] = {}
    total_phrases = total_chars = 0
    for label, phrases in cues.items():
        label_id = _label(label, lines.key(label), lines)
        if isinstance(phrases, (str, bytes)) or not isinstance(phrases, Sequence) or not phrases:
            raise RulesError(lines.path, lines.key(label), f"cues for {label!r} must be a non-empty list of phrases")
        normalised = tuple(_phrase(label, phrase, lines) for phrase in phrases)
        checked[label_id] = normalised
        total_phrases += len(normalised)
        total_chars += sum(len(p) for p in normalised)
    if total_phrases > MAX_PHRASES or total_chars > MAX_TOTAL_CHARS:
        raise RulesError(
            lines.path, lines.key("cues"),
            f"{total_phrases:,} phrases of {total_chars:,} characters in all, over the limits of "
            f"{MAX_PHRASES:,} phrases and {MAX_TOTAL_CHARS:,} characters; keep the phrases that matter, "
            "or retrain the model with them as labelled sentences",
        )
    return checked


def _checked_disable(disable: Any, lines: _Lines) -> frozenset[LabelId]:
    """The disabled label ids."""
    if isinstance(disable, (str, bytes)) or not isinstance(disable, (Sequence, frozenset, set)):
        raise RulesError(lines.path, lines.key("disable"), "'disable' must be a list of label ids")
    return frozenset(_label(label, lines.value("disable", label), lines) for label in disable)


def _label(label: Any, line: int, lines: _Lines) -> LabelId:
    """A label id of the taxonomy, or ``RulesError``."""
    if not isinstance(label, str) or label not in LABEL_INDEX:
        raise RulesError(lines.path, line, f"unknown label {label!r}; use one of {', '.join(LABELS)}")
    return LABELS[LABEL_INDEX[label]]


def _phrase(label: str, phrase: Any, lines: _Lines) -> str:
    """One phrase, whitespace-normalised; anything that could not match (or match sanely) is refused."""
    where = lines.phrase(label, phrase)
    if not isinstance(phrase, str) or not phrase.strip():
        raise RulesError(lines.path, where, f"cues for {label!r}: {phrase!r} is not a non-empty phrase")
    for character in phrase:
        category = unicodedata.category(character)
        if category == "Cs":
            raise RulesError(lines.path, where, f"cues for {label!r}: {phrase!r} holds a lone surrogate "
                             f"(U+{ord(character):04X}), which is not a character; remove it")
        if category == "Cc" and not character.isspace():
            raise RulesError(lines.path, where, f"cues for {label!r}: {phrase!r} holds the control character "
                             f"U+{ord(character):04X}; remove it")
    normalised = normalise(phrase)
    if len(normalised) > MAX_PHRASE_CHARS:
        raise RulesError(lines.path, where, f"cues for {label!r}: a phrase of {len(normalised):,} characters, "
                         f"over the limit of {MAX_PHRASE_CHARS}; use the words that signal the label")
    return normalised


def _compiled(cues: Mapping[LabelId, tuple[str, ...]], lines: _Lines) -> PhraseMatcher:
    """Compile now, so that RE2's own limits fail here rather than at score time."""
    try:
        return PhraseMatcher.compile(cues.items())
    except re2.error as error:
        raise RulesError(lines.path, lines.key("cues"), f"the phrases do not compile ({error}); use fewer or "
                         "shorter phrases") from None


class _Lines:
    """Find the line an error is about: a key, a value under a key, or a phrase (0 when unknown)."""

    def __init__(self, path: Path | str, raw: str = "", toml: bool = False) -> None:
        self.path = path
        self.lines = raw.split("\n")
        self.toml = toml

    def key(self, key: Any) -> int:
        """The line where ``key`` is written as a key."""
        return self._first(self._key_pattern(key), 0)

    def value(self, key: str, value: Any) -> int:
        """The line where the string ``value`` appears, at or after ``key``'s line."""
        start = self.key(key)
        found = self._first(self._string_pattern(value), max(start - 1, 0))
        return found or start

    def phrase(self, label: str, phrase: Any) -> int:
        """The line of ``phrase`` in ``label``'s list (``label``'s own line if it cannot be found)."""
        return self.value(label, phrase) if isinstance(phrase, str) else self.key(label)

    def _first(self, pattern: re.Pattern[str] | None, start: int) -> int:
        if pattern is None:
            return 0
        for number in range(start, len(self.lines)):
            line = self.lines[number]
            if self.toml and line.lstrip().startswith("#"):
                continue
            if pattern.search(line):
                return number + 1
        return 0

    def _key_pattern(self, key: Any) -> re.Pattern[str] | None:
        if not isinstance(key, str):
            return None
        quoted = re.escape(json.dumps(key, ensure_ascii=False))
        if not self.toml:
            return re.compile(quoted + r"\s*:")
        return re.compile(rf"(?:^|[\s{{,.\[])(?:{re.escape(key)}|{quoted}|'{re.escape(key)}')\s*[=\]]")

    def _string_pattern(self, value: Any) -> re.Pattern[str] | None:
        if not isinstance(value, str) or not value:
            return None
        forms = {json.dumps(value, ensure_ascii=False), json.dumps(value), f"'{value}'" if self.toml else ""}
        return re.compile("|".join(re.escape(form) for form in sorted(forms) if form))


__all__ = ["MAX_PHRASES", "MAX_PHRASE_CHARS", "MAX_TOTAL_CHARS", "RULE_PROBABILITY", "RULE_WEIGHT", "HouseRules",
           "load_rules"]
