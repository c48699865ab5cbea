"""Immutable, typed results. Offsets are 0-based and half-open, like Python slices:
``text[s.start:s.end] == s.text`` for every sentence and cue, on the caller's own string.

Immutable all the way down: the models are frozen, ``counts`` and ``probabilities`` are read-only
mappings, and every result is hashable. JSON round trips are exact, lone surrogates included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, NoReturn, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler
from pydantic_core import PydanticSerializationError, core_schema

from provenance import lonesurrogates
from provenance.attribution import SourceKind
from provenance.labels import FLAGS, LabelId

#: "unsupported": the text is in a language the model does not read, so nothing was flagged or rated.
RiskLevel = Literal["low", "medium", "high", "unsupported"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_K = TypeVar("_K")
_V = TypeVar("_V")


class FrozenDict(dict[_K, _V]):
    """A ``dict`` that refuses every change once built, and hashes by its items.

    It stays a ``dict`` (pydantic serialises it, ``json.dumps`` writes it, ``==`` compares it with
    plain dicts); ``copy()`` returns a plain ``dict`` for callers who want to edit one.
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("scores are read-only; use dict(...) or .copy() for an editable copy")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def __hash__(self) -> int:  # type: ignore[override]  # dict sets __hash__ = None
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[type[FrozenDict[_K, _V]], tuple[dict[_K, _V]]]:
        return type(self), (dict(self),)

    def copy(self) -> dict[_K, _V]:
        """An editable plain ``dict`` with the same items."""
        return dict(self)


class _ReadOnly:
    """Pydantic marker: validate as ``dict[K, V]``, store as :class:`FrozenDict`, dump as a dict."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        key, value = get_args(source)
        return core_schema.no_info_after_validator_function(FrozenDict, handler.generate_schema(dict[key, value]))  # type: ignore[valid-type]


class Span(BaseModel):
    """A piece of the input text, by half-open character offsets."""

    model_config = _FROZEN

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Cue(Span):
    """Words that drove a label: the attribution frame behind a sourcing label (its source and
    sourcing verb, "a senior official said"), a lexicon phrase, a house-rule phrase, or a sourcing word
    the model weighs heavily.

    ``weight`` is the cue's own contribution to the label's log-odds, before calibration: the model's
    weight for the cue's feature times that feature's value in this sentence (for a frame, summed over
    the features of its source kind: the kind, and the kind with its cue class, side and position). It
    is an absolute amount, not a share: +1.0 multiplies the odds by about
    e (2.7); cues of one sentence can be compared, and they need not add up to anything. House-rule
    cues carry a fixed weight (``provenance.rules.RULE_WEIGHT``).
    """

    label: LabelId
    weight: float


class Attribution(BaseModel):
    """One act of sourcing in a sentence: who or what a claim is credited to.

    ``cue`` is the sourcing predicate ("said", "according to", "seen by"); ``source`` the phrase that
    fills it, or None for an impersonal voice ("it is understood"); ``kind`` the source's kind, read
    from its shape. A pronoun or follow-up source ("she", "the official") takes the kind of the
    earlier source it points back to, given as ``refers_to`` (anywhere earlier in the article).
    """

    model_config = _FROZEN

    cue: Span
    source: Span | None
    kind: SourceKind
    refers_to: Span | None = None


class SentenceScore(Span):
    """A sentence with its label probabilities, the labels over threshold, their cues and its
    attribution frames."""

    labels: tuple[LabelId, ...]
    probabilities: Annotated[Mapping[LabelId, float], _ReadOnly]
    cues: tuple[Cue, ...]
    attributions: tuple[Attribution, ...] = ()

    @property
    def flags(self) -> tuple[LabelId, ...]:
        """The weak-provenance labels this sentence carries (``on_record`` left out)."""
        return tuple(label for label in self.labels if label in FLAGS)


class ArticleScore(BaseModel):
    """The score of one article: its risk, its level and every sentence in text order.

    ``language`` is the detected ISO 639-1 code (None when the text is too short or mixed to tell).
    When ``supported`` is False the model cannot read that language: level is "unsupported" and the
    model labels nothing; only house-rule phrases (which may be in any language) label sentences, and
    risk counts only them (0.0 without rules). The probabilities are the model's raw output on text it
    was not trained for; do not read them as evidence.
    """

    model_config = _FROZEN

    risk: float = Field(ge=0.0, le=1.0)
    level: RiskLevel
    counts: Annotated[Mapping[LabelId, int], _ReadOnly]
    sentences: tuple[SentenceScore, ...]
    model_version: str
    language: str | None = None
    supported: bool = True

    @property
    def flagged(self) -> tuple[SentenceScore, ...]:
        """The sentences that carry at least one weak-provenance flag."""
        return tuple(s for s in self.sentences if s.flags)

    def to_json(self, indent: int | None = None) -> str:
        """The stable JSON form: ``model_dump_json``, except that text holding lone surrogates (which
        UTF-8 cannot encode) has each one written as its own ``\\uXXXX`` escape."""
        try:
            return self.model_dump_json(indent=indent)
        except PydanticSerializationError:
            return lonesurrogates.dumps(self.model_dump(), indent=indent)

    @classmethod
    def from_json(cls, data: str | bytes) -> ArticleScore:
        """Read what :meth:`to_json` (or ``model_dump_json``) wrote, exactly.

        An escaped surrogate pair is read as two code points (as :meth:`to_json` meant it) unless the
        offsets say that the writer escaped a real character as a pair (``json.dumps`` does).
        """
        if not lonesurrogates.has_escaped_surrogate(data):
            return cls.model_validate_json(data)
        exact = cls.model_validate(lonesurrogates.loads(data))
        if _offsets_agree(exact):
            return exact
        return cls.model_validate_json(data)

    def __repr__(self) -> str:
        """One short line: risk, level, sentence and flag counts, the labels found; the full data is in
        ``to_json()`` and the fields."""
        found = ", ".join(f"{label}={n}" for label, n in self.counts.items() if n) or "none"
        if not self.supported:
            return f"ArticleScore(language={self.language!r} not supported, sentences={len(self.sentences)})"
        return (f"ArticleScore(risk={self.risk:.2f}, level={self.level!r}, sentences={len(self.sentences)}, "
                f"flagged={len(self.flagged)}, labels: {found})")

    def _repr_html_(self) -> str:
        """Jupyter shows the highlighted report inline."""
        from provenance.report import render_fragment  # the report is periphery: import it only here

        return render_fragment(self)


def _offsets_agree(result: ArticleScore) -> bool:
    """Whether every sentence and cue text is as long as its offsets say."""
    return all(
        len(span.text) == span.end - span.start
        for sentence in result.sentences
        for span in (sentence, *sentence.cues)
    )
