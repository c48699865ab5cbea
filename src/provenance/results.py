"""Immutable, typed results. Offsets are 0-based and half-open, like Python slices:
``text[s.start:s.end] == s.text`` for every sentence and cue, on the caller's own string."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticSerializationError

from provenance.attribution import SourceKind
from provenance.labels import FLAGS, LabelId

RiskLevel = Literal["low", "medium", "high"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Span(BaseModel):
    """A piece of the input text, by half-open character offsets."""

    model_config = _FROZEN

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Cue(Span):
    """Words that drove a label: a lexicon phrase or the model's strongest n-gram.

    ``weight`` is the cue's contribution to the label's log-odds (larger = stronger).
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
    probabilities: dict[LabelId, float]
    cues: tuple[Cue, ...]
    attributions: tuple[Attribution, ...] = ()

    @property
    def flags(self) -> tuple[LabelId, ...]:
        """The weak-provenance labels this sentence carries (``on_record`` left out)."""
        return tuple(label for label in self.labels if label in FLAGS)


class ArticleScore(BaseModel):
    """The score of one article: its risk, its level and every sentence in text order."""

    model_config = _FROZEN

    risk: float = Field(ge=0.0, le=1.0)
    level: RiskLevel
    counts: dict[LabelId, int]
    sentences: tuple[SentenceScore, ...]
    model_version: str

    @property
    def flagged(self) -> tuple[SentenceScore, ...]:
        """The sentences that carry at least one weak-provenance flag."""
        return tuple(s for s in self.sentences if s.flags)

    def to_json(self, indent: int | None = None) -> str:
        """The stable JSON form. Same as ``model_dump_json`` except that text holding lone surrogates
        (which UTF-8 cannot encode) is written with ``\\udXXX`` escapes instead of failing."""
        try:
            return self.model_dump_json(indent=indent)
        except PydanticSerializationError:
            return json.dumps(self.model_dump(), ensure_ascii=True, indent=indent)

    @classmethod
    def from_json(cls, data: str | bytes) -> ArticleScore:
        """Read what :meth:`to_json` (or ``model_dump_json``) wrote."""
        try:
            return cls.model_validate_json(data)
        except ValidationError as error:
            if not any(e["type"] == "json_invalid" for e in error.errors()):
                raise
            return cls.model_validate(json.loads(data))

    def _repr_html_(self) -> str:
        """Jupyter shows the highlighted report inline."""
        from provenance.report import render_fragment  # the report is periphery: import it only here

        return render_fragment(self)
