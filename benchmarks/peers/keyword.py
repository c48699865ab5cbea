"""Keyword baseline: the regular-expression phrase list a user would write first.

Written independently of provenance's own lexicon, a few dozen plain phrases per label. A sentence
gets a label when any of its phrases matches; its "probability" is 1.0 or 0.0.
"""

from __future__ import annotations

import re

import numpy as np

PHRASES: dict[str, list[str]] = {
    "anonymous_source": [
        "condition of anonymity", "spoke anonymously", "asked not to be named", "declined to be named",
        "not authorized to speak", "not authorised to speak", "person familiar with", "people familiar with",
        "a source", "one source", "an insider", "one insider", "a senior official", "a senior aide",
        "an official who", "a government source", "a source close to", "unnamed official", "anonymous source",
        "who declined to be identified", "a former official", "a person close to", "a person with knowledge",
        "a company insider", "a senior executive",
    ],
    "vague_attribution": [
        "sources say", "sources said", "sources claim", "according to sources", "intelligence sources",
        "sources within", "sources close to", "insiders say", "insiders said", "experts say", "experts said",
        "experts believe", "analysts say", "analysts said", "analysts suggest", "officials say",
        "officials said", "officials believe", "it is believed", "it is understood", "observers say",
        "critics say", "many believe", "some say", "according to reports", "people close to",
    ],
    "exclusive_access": [
        "exclusively", "this reporter has learned", "has learned", "can reveal", "obtained by this",
        "seen by this", "privileged access", "exclusive access", "insider access", "has access to",
        "access to restricted", "access to classified", "we have learned", "we can reveal",
        "this correspondent", "this newspaper has", "with direct knowledge", "inside knowledge",
        "shown to this", "told this reporter",
    ],
    "leaked_document": [
        "leaked", "leak of", "internal document", "internal documents", "internal memo", "internal email",
        "internal emails", "internal communications", "internal report", "confidential document",
        "confidential report", "confidential memo", "classified document", "classified report",
        "memo seen by", "documents seen by", "documents obtained", "documents reviewed", "draft report",
        "secret document", "unpublished report", "internal review", "classified review",
    ],
    "closed_channel": [
        "closed-door", "closed door", "behind closed doors", "private briefing", "private meeting",
        "private conversation", "private call", "private interview", "private dinner", "encrypted",
        "restricted alert", "restricted circular", "off the record", "off-the-record", "secret meeting",
        "select group", "whatsapp group", "telegram group", "in private", "privately told",
        "closed session", "confidential briefing", "backchannel", "back channel",
    ],
    "unverified_claim": [
        "reportedly", "allegedly", "alleged", "purportedly", "supposedly", "rumoured", "rumored", "rumours",
        "rumors", "unconfirmed", "unverified", "uncorroborated", "could not be verified",
        "could not be independently verified", "could not be confirmed", "no evidence", "without evidence",
        "remains unclear", "speculation", "speculated", "circumstantial", "unsubstantiated",
        "has not been confirmed", "not been verified",
    ],
    "on_record": [
        "said in a statement", "told reporters", "according to the ministry", "according to the company",
        "court records", "court documents", "public records", "press release", "press conference",
        "news conference", "figures published", "data published", "wrote on", "posted on", "announced",
        "confirmed", "testified", "told parliament", "told the court", "a spokesperson for",
        "a spokesman for", "a spokeswoman for", "in a televised", "official figures", "annual report",
    ],
}


class KeywordBaseline:
    """One compiled alternation per label; case-insensitive, word-bounded."""

    name = "keyword baseline"

    def __init__(self, labels: tuple[str, ...]) -> None:
        self.labels = labels
        self.patterns = [
            re.compile(r"\b(?:" + "|".join(re.escape(p) for p in PHRASES[label]) + r")\b", re.IGNORECASE)
            for label in labels
        ]

    def fit(self, texts: list[str], y: np.ndarray) -> KeywordBaseline:
        """Nothing to learn."""
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """1.0 where a phrase of the label matches, else 0.0."""
        return np.array(
            [[1.0 if pattern.search(text) else 0.0 for pattern in self.patterns] for text in texts]
        ).reshape(len(texts), len(self.labels))

    def thresholds(self) -> np.ndarray:
        """Any match counts."""
        return np.full(len(self.labels), 0.5)
