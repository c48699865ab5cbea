"""provenance: where a news article's claims come from, sentence by sentence.

Import is cheap: the model loads on the first call to :func:`score`.
"""

from provenance.errors import (
    InputTooLargeError,
    InputTypeError,
    ModelFileError,
    ProvenanceError,
    RulesError,
    TooManySentencesError,
    TrainingDataError,
)
from provenance.frame import to_frame
from provenance.labels import FLAGS, LABELS, LabelId
from provenance.pipeline import DEFAULT_MAX_CHARS, Scorer, score, score_many
from provenance.results import ArticleScore, Cue, RiskLevel, SentenceScore
from provenance.rules import HouseRules, load_rules
from provenance.segment import Sentence
from provenance.speedups import speedups_enabled
from provenance.summary import GroupSummary, Summary, summarize

__version__ = "1.0.0"

__all__ = [
    "DEFAULT_MAX_CHARS",
    "FLAGS",
    "LABELS",
    "ArticleScore",
    "Cue",
    "GroupSummary",
    "HouseRules",
    "InputTooLargeError",
    "InputTypeError",
    "LabelId",
    "ModelFileError",
    "ProvenanceError",
    "RiskLevel",
    "RulesError",
    "Scorer",
    "Sentence",
    "SentenceScore",
    "Summary",
    "TooManySentencesError",
    "TrainingDataError",
    "__version__",
    "load_rules",
    "score",
    "score_many",
    "speedups_enabled",
    "summarize",
    "to_frame",
]
