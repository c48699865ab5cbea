"""Construction families: the grouping that keeps cross-validation honest.

Our authored files reuse phrasings across files, so folds grouped by file reward memorised wording.
Here every sentence is put in the family of the sourcing construction it is built on, and a family
never straddles folds:

1. the first cue-lexicon phrase pattern that fires in it (``lex:<label>:<pattern number>``): every
   "sources say" sentence lands in one family, every "speaking on condition of anonymity" in another;
2. else its first attribution frame, by cue lemma and source kind (``frame:say:named_person``);
3. else the file it came from (narrative and negatives with no sourcing construction at all).

A model scored on held-out families must read structure (frame kinds, cue classes) to get a family
right: its exact wording never occurs in training.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import re2

from provenance.attribution import AttributionLexicon, Frame
from provenance.labels import LABELS


def construction_families(
    texts: Sequence[str],
    frames: Sequence[tuple[Frame, ...]],
    files: Sequence[str],
    lexicon_document: bytes,
    attribution: AttributionLexicon,
) -> list[str]:
    """The construction family of each sentence (see the module docstring)."""
    patterns = _patterns(lexicon_document)
    families = []
    for text, sentence_frames, file in zip(texts, frames, files):
        families.append(_lexicon_family(text, patterns) or _frame_family(text, sentence_frames, attribution) or f"file:{file}")
    return families


def _patterns(lexicon_document: bytes) -> list[tuple[str, Any]]:
    """Each lexicon phrase pattern compiled on its own, so a hit names its pattern."""
    document = json.loads(lexicon_document)
    options = re2.Options()
    options.case_sensitive = False
    compiled = []
    for label in LABELS:
        entry = document["labels"].get(label)
        for number, pattern in enumerate(entry["patterns"] if entry else []):
            compiled.append((f"lex:{label}:{number}", re2.compile(r"\b(?:" + pattern + r")\b", options=options)))
    return compiled


def _lexicon_family(text: str, patterns: list[tuple[str, Any]]) -> str | None:
    """The family of the leftmost lexicon phrase in ``text`` (ties: the first pattern)."""
    best: tuple[int, str] | None = None
    for name, pattern in patterns:
        match = pattern.search(text)
        if match is not None and (best is None or match.start() < best[0]):
            best = (match.start(), name)
    return best[1] if best else None


def _frame_family(text: str, frames: tuple[Frame, ...], attribution: AttributionLexicon) -> str | None:
    """``frame:<cue lemma>:<kind>`` of the first frame, or None without one."""
    for frame in frames:
        cue = text[frame.raw.cue_start : frame.raw.cue_end].lower()
        lemma = attribution.cue_classes.get(cue, ("", "", cue))[2]
        return f"frame:{lemma}:{frame.kind}"
    return None
