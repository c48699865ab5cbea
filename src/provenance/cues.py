"""Stage 2b: the cue lexicon. Finds the phrases that signal each label, as offsets.

Lexicon hits are model features (``l:<label>``) and the first explanation offered for a flag. The
phrase lists live in ``data/lexicon.json`` with the source of each list.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, NamedTuple

import re2

from provenance import speedups
from provenance.labels import LABELS, LabelId
from provenance.scan import find_spans


class CueMatch(NamedTuple):
    """A lexicon phrase found in a sentence; offsets are relative to the sentence."""

    label: LabelId
    start: int
    end: int


@dataclass(frozen=True)
class Lexicon:
    """Compiled cue phrases: one case-insensitive alternation per label."""

    patterns: tuple[tuple[LabelId, Any], ...]  # compiled RE2 patterns

    @classmethod
    def from_json(cls, raw: str | bytes) -> Lexicon:
        """Compile a lexicon document (see ``data/lexicon.json``)."""
        document: dict[str, Any] = json.loads(raw)
        compiled: list[tuple[LabelId, Any]] = []
        for label in LABELS:
            entry = document["labels"].get(label)
            if not entry:
                continue
            compiled.append((label, compile_phrases(entry["patterns"])))
        return cls(tuple(compiled))

    def find(self, sentence: str) -> list[CueMatch]:
        """Return every non-overlapping cue phrase of every label in ``sentence``."""
        return self.find_many([sentence])[0]

    def find_many(self, sentences: Sequence[str]) -> list[list[CueMatch]]:
        """``find`` for each sentence, in one scan per label over the sentences joined by newlines.

        A newline is a word boundary, so for the shipped phrases (none can match a newline) the result
        equals calling ``find`` sentence by sentence; one scan saves the per-call cost of the matcher.
        A model's lexicon is input like any other: a match that is empty or runs past the end of its
        sentence is refused, so every cue is words inside one sentence.
        """
        return [list(hits) for hits in self.hits_of(sentences)]

    def hits_of(self, sentences: Sequence[str]) -> list[tuple[CueMatch, ...]]:
        """:meth:`find_many` as scoring holds it: each sentence's hits as a tuple (most are the empty
        tuple), which the cyclic garbage collector need not follow, however long a batch keeps them."""
        spans = find_spans([pattern for _, pattern in self.patterns], "\n".join(sentences))
        native = speedups.native()
        if native is not None:  # the loop below, compiled (where each sentence starts, too)
            return native.lexicon_hits(tuple(label for label, _ in self.patterns), spans, list(sentences), CueMatch)
        starts = list(accumulate((len(s) + 1 for s in sentences[:-1]), initial=0))
        found: list[list[CueMatch]] = [[] for _ in sentences]
        for (label, _), label_spans in zip(self.patterns, spans):
            for start, end in label_spans:
                i = bisect_right(starts, start) - 1
                if start < end <= starts[i] + len(sentences[i]):
                    found[i].append(CueMatch(label, start - starts[i], end - starts[i]))
        return [tuple(hits) for hits in found]


def compile_phrases(phrases: list[str]) -> Any:
    """Join phrase fragments into one word-bounded, case-insensitive RE2 pattern.

    RE2 matches in time linear in the text whatever the pattern, and it is about ten times faster
    than the standard library on these long alternations.
    """
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # a bad pattern is reported by the caller, not printed by RE2
    return re2.compile(r"\b(?:" + "|".join(phrases) + r")\b", options=options)
