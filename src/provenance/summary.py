"""A corpus at a glance: scored articles, grouped by a key, tallied into one frozen summary.

The tallies are what anonymous-source trackers count per outlet: sentences per label, the share of
sentences that carry a weak-provenance flag, article risk (mean, median, levels, a histogram) and the
phrasing that drove each label. Results are folded in one at a time and dropped, so a corpus of any
size is summarised in memory proportional to its groups and distinct cues (plus one float per article,
for the exact median), never to its text.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from provenance.labels import FLAGS, LABELS, LabelId
from provenance.results import ArticleScore, Cue, FrozenDict, RiskLevel, SentenceScore
from provenance.risk import HIGH_FROM, MEDIUM_FROM

#: Name of the row that totals every group (parenthesised so it reads as no real outlet or folder).
TOTAL: Final = "(all)"
#: Group of a record that lacks the field it is grouped by.
MISSING: Final = "(none)"
#: The article-risk histogram has this many equal bins over [0, 1] (a risk of 1 falls in the last).
HISTOGRAM_BINS: Final = 20
DEFAULT_TOP: Final = 5
#: Articles per level; "unsupported" counts texts in a language the model does not read (not rated).
LEVELS: Final[tuple[RiskLevel, ...]] = ("low", "medium", "high", "unsupported")
#: Column headings for the levels in tables (a short word for the long one).
LEVEL_HEADINGS: Final[dict[RiskLevel, str]] = {"low": "low", "medium": "medium", "high": "high", "unsupported": "unrated"}


@dataclass(frozen=True)
class CueCount:
    """A cue as written (case-folded, whitespace collapsed) and how many times it drove its label."""

    text: str
    count: int


@dataclass(frozen=True)
class GroupSummary:
    """The tallies of one group of articles (or of all of them: see :data:`TOTAL`).

    ``label_sentences`` counts the sentences carrying each label (a sentence can carry several);
    ``flagged_sentences`` those carrying at least one flag (any label but ``on_record``);
    ``unlabelled_sentences`` those carrying none. Risk figures cover the rated articles (those in a
    supported language) and are None for a group with none.
    """

    name: str
    articles: int
    sentences: int
    flagged_sentences: int
    unlabelled_sentences: int
    label_sentences: Mapping[LabelId, int]
    mean_risk: float | None
    median_risk: float | None
    levels: Mapping[RiskLevel, int]
    risk_histogram: tuple[int, ...]
    top_cues: Mapping[LabelId, tuple[CueCount, ...]]

    @property
    def flagged_share(self) -> float | None:
        """Share of sentences flagged, 0 to 1; None for a group with no sentences."""
        return self.flagged_sentences / self.sentences if self.sentences else None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (ratios rounded to 4 places)."""
        return {
            "group": self.name,
            "articles": self.articles,
            "sentences": self.sentences,
            "flagged_sentences": self.flagged_sentences,
            "flagged_share": _rounded(self.flagged_share),
            "unlabelled_sentences": self.unlabelled_sentences,
            "labels": dict(self.label_sentences),
            "mean_risk": _rounded(self.mean_risk),
            "median_risk": _rounded(self.median_risk),
            "levels": dict(self.levels),
            "risk_histogram": list(self.risk_histogram),
            "top_cues": {label: [{"cue": c.text, "count": c.count} for c in cues]
                         for label, cues in self.top_cues.items()},
        }


@dataclass(frozen=True)
class Summary:
    """Every group, sorted by name, then :attr:`total` over all of them."""

    groups: tuple[GroupSummary, ...]
    total: GroupSummary
    top: int

    def as_dict(self) -> dict[str, Any]:
        """One JSON-ready document: the groups, the total and what the numbers mean."""
        return {
            "groups": [group.as_dict() for group in self.groups],
            "total": self.total.as_dict(),
            "top": self.top,
            "risk_levels": {"medium_from": MEDIUM_FROM, "high_from": HIGH_FROM},
            "histogram_bins": HISTOGRAM_BINS,
        }


@dataclass
class _Tally:
    """The running counts of one group; turned into a :class:`GroupSummary` once, at the end."""

    articles: int = 0
    sentences: int = 0
    flagged: int = 0
    unlabelled: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    risks: list[float] = field(default_factory=list)
    levels: Counter[str] = field(default_factory=Counter)
    histogram: list[int] = field(default_factory=lambda: [0] * HISTOGRAM_BINS)
    cues: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, result: ArticleScore) -> None:
        self.articles += 1
        self.levels[result.level] += 1
        if result.supported:  # an unrated text has no risk to average
            self.risks.append(result.risk)
            self.histogram[min(HISTOGRAM_BINS - 1, int(result.risk * HISTOGRAM_BINS))] += 1
        for sentence in result.sentences:
            self.sentences += 1
            self.labels.update(sentence.labels)
            self.flagged += any(label in FLAGS for label in sentence.labels)
            self.unlabelled += not sentence.labels
            for cue in sentence.cues:
                self.cues.setdefault(cue.label, Counter())[_cue_key(_phrasing(cue, sentence))] += 1

    def merge(self, other: _Tally) -> None:
        self.articles += other.articles
        self.sentences += other.sentences
        self.flagged += other.flagged
        self.unlabelled += other.unlabelled
        self.labels.update(other.labels)
        self.risks.extend(other.risks)
        self.levels.update(other.levels)
        self.histogram = [a + b for a, b in zip(self.histogram, other.histogram)]
        for label, counter in other.cues.items():
            self.cues.setdefault(label, Counter()).update(counter)

    def freeze(self, name: str, top: int) -> GroupSummary:
        return GroupSummary(
            name=name,
            articles=self.articles,
            sentences=self.sentences,
            flagged_sentences=self.flagged,
            unlabelled_sentences=self.unlabelled,
            label_sentences=FrozenDict({label: self.labels[label] for label in LABELS}),
            mean_risk=math.fsum(self.risks) / len(self.risks) if self.risks else None,
            median_risk=statistics.median(self.risks) if self.risks else None,
            levels=FrozenDict({level: self.levels[level] for level in LEVELS}),
            risk_histogram=tuple(self.histogram),
            top_cues=FrozenDict({label: _top(self.cues.get(label, Counter()), top) for label in LABELS}),
        )


class SummaryBuilder:
    """Folds (group, result) pairs in as they arrive, so no result need outlive its turn."""

    def __init__(self, top: int = DEFAULT_TOP) -> None:
        if isinstance(top, bool) or not isinstance(top, int) or top < 0:
            raise ValueError(f"top must be a whole number of at least 0, not {top!r}")
        self.top = top
        self._groups: dict[str, _Tally] = {}

    def add(self, group: str, result: ArticleScore) -> None:
        """Count one scored article in ``group``."""
        self._groups.setdefault(group, _Tally()).add(result)

    def build(self) -> Summary:
        """The frozen summary of everything added so far."""
        total = _Tally()
        for tally in self._groups.values():
            total.merge(tally)
        groups = tuple(self._groups[name].freeze(name, self.top) for name in sorted(self._groups))
        return Summary(groups=groups, total=total.freeze(TOTAL, self.top), top=self.top)


def summarize(results: Iterable[tuple[str, ArticleScore]], *, top: int = DEFAULT_TOP) -> Summary:
    """Summarise ``(group, result)`` pairs: per group and in total, label counts, flagged share, risk
    and the ``top`` most frequent cues per label.

    The group is any name you choose: an outlet, a date, a folder. Pairs are consumed lazily:

    >>> import provenance
    >>> rows = [("Daily", "Sources said the talks failed."), ("Daily", "It rained."), ("Ledger", "It rained.")]
    >>> scores = provenance.score_many(text for _, text in rows)
    >>> summary = provenance.summarize((outlet, score) for (outlet, _), score in zip(rows, scores))
    >>> [(g.name, g.articles, g.sentences) for g in summary.groups], summary.total.articles
    ([('Daily', 2, 2), ('Ledger', 1, 1)], 3)
    """
    builder = SummaryBuilder(top)
    for group, result in results:
        builder.add(group, result)
    return builder.build()


def _phrasing(cue: Cue, sentence: SentenceScore) -> str:
    """What a cue is tallied as: its text, except that a cue spanning an attribution frame is tallied as
    the frame's source and verb alone ("a senior official ... said"), so that the insertions between them
    ("speaking on condition of anonymity", "who asked not to be named") do not make every frame unique."""
    for frame in sentence.attributions:
        if frame.source is None:
            continue
        first, second = sorted((frame.source, frame.cue), key=lambda span: span.start)
        if cue.start <= first.start and second.end <= cue.end:
            return f"{first.text} {second.text}" if second.start - first.end <= 1 else f"{first.text} ... {second.text}"
    return cue.text


def _cue_key(text: str) -> str:
    """How cues are counted together: case-folded, every run of whitespace one space."""
    return " ".join(text.casefold().split())


def _top(counter: Counter[str], top: int) -> tuple[CueCount, ...]:
    """The ``top`` commonest cues, most frequent first, ties in alphabetical order."""
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return tuple(CueCount(text, count) for text, count in ranked[:top])


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


__all__ = ["DEFAULT_TOP", "MISSING", "TOTAL", "CueCount", "GroupSummary", "Summary", "SummaryBuilder", "summarize"]
