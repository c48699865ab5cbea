"""Attribution frames against hand-annotated gold frames (``fixtures/frames/*.frames.jsonl``).

A predicted frame matches a gold frame of the same sentence when their cue spans overlap (one to
one, in reading order). Cue precision/recall/F1 count matches; source-kind accuracy is the share of
matched frames whose kind agrees.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from provenance.attribution import AttributionLexicon, Frame, default_lexicon
from provenance.segment import segment


@dataclass(frozen=True)
class GoldFrame:
    """A hand-annotated frame, as offsets into its sentence."""

    cue: tuple[int, int]
    source: tuple[int, int] | None
    kind: str


@dataclass
class FrameReport:
    """Counts behind cue F1 and kind accuracy, plus the disagreements for study."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    kind_agree: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 0.0

    @property
    def recall(self) -> float:
        gold = self.true_positive + self.false_negative
        return self.true_positive / gold if gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def kind_accuracy(self) -> float:
        return self.kind_agree / self.true_positive if self.true_positive else 0.0


def read_gold(path: Path) -> list[tuple[str, list[GoldFrame]]]:
    """One (sentence, frames) pair per line of a ``.frames.jsonl`` file."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        sentence = record["sentence"]
        frames = []
        for frame in record["frames"]:
            cue_at = _nth(sentence, frame["cue"], int(frame.get("cue_occurrence", 1)))
            source = frame.get("source")
            source_at = None
            if source:
                start = sentence.find(source)
                source_at = (start, start + len(source)) if start >= 0 else None
            frames.append(GoldFrame((cue_at, cue_at + len(frame["cue"])), source_at, frame["kind"]))
        rows.append((sentence, frames))
    return rows


def evaluate_frames(
    pairs: Iterable[tuple[Path, Path]], lexicon: AttributionLexicon | None = None
) -> FrameReport:
    """Score the attribution stage on (article text, gold frames) file pairs."""
    lexicon = lexicon or default_lexicon()
    report = FrameReport()
    for text_path, gold_path in pairs:
        gold = read_gold(gold_path)
        sentences = [s.text for s in segment(text_path.read_text(encoding="utf-8"))]
        if sentences != [sentence for sentence, _ in gold]:
            raise ValueError(f"{gold_path}: its sentences are not the segmenter's sentences of {text_path}")
        for sentence, predicted, expected in zip(sentences, lexicon.attribute(sentences), (g for _, g in gold)):
            _compare(sentence, predicted, expected, report, gold_path.stem)
    return report


def _compare(sentence: str, predicted: tuple[Frame, ...], expected: list[GoldFrame], report: FrameReport, name: str) -> None:
    unmatched = list(expected)
    for frame in predicted:
        raw = frame.raw
        if raw.negated:
            continue  # "declined to comment": no information credited, not shown
        match = next((g for g in unmatched if raw.cue_start < g.cue[1] and g.cue[0] < raw.cue_end), None)
        cue_text = sentence[raw.cue_start : raw.cue_end]
        if match is None:
            report.false_positive += 1
            report.misses.append(f"{name}: extra {cue_text!r} ({frame.kind}) in {sentence[:90]!r}")
            continue
        unmatched.remove(match)
        report.true_positive += 1
        if match.kind == frame.kind:
            report.kind_agree += 1
        else:
            source = sentence[raw.source_start : raw.source_end] if raw.source_start >= 0 else None
            report.misses.append(f"{name}: kind {frame.kind} != gold {match.kind} for {cue_text!r} / {source!r}")
    for gold in unmatched:
        report.false_negative += 1
        report.misses.append(f"{name}: missed {sentence[gold.cue[0]:gold.cue[1]]!r} ({gold.kind}) in {sentence[:90]!r}")


def _nth(text: str, needle: str, occurrence: int) -> int:
    """Offset of the ``occurrence``-th (1-based) ``needle`` in ``text``; -1 if absent."""
    at = -1
    for _ in range(occurrence):
        at = text.find(needle, at + 1)
        if at < 0:
            return -1
    return at


def gold_pairs(repository: Path) -> list[tuple[Path, Path]]:
    """The (article, gold frames) pairs of a checkout: fixtures and seeds with a frames file."""
    pairs = []
    for gold in sorted((repository / "fixtures" / "frames").glob("*.frames.jsonl")):
        stem = gold.name[: -len(".frames.jsonl")]
        for folder in ("fixtures", "seeds"):
            text = repository / folder / f"{stem}.txt"
            if text.exists():
                pairs.append((text, gold))
    return pairs
