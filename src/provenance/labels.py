"""The seven label ids of the taxonomy: the single source every other module reads.

``docs/taxonomy.md`` is the full contract: the labels, their boundaries, the settled conventions and the data format.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple

LabelId = Literal[
    "anonymous_source",
    "vague_attribution",
    "exclusive_access",
    "leaked_document",
    "closed_channel",
    "unverified_claim",
    "on_record",
]


class LabelInfo(NamedTuple):
    """What a label means and how it is drawn.

    ``colour`` is a light tint of the Okabe-Ito palette, told apart under the common colour-vision
    deficiencies and at least 4.5:1 against the report's near-black text (WCAG AA); ``tag`` is the
    second channel, printed beside every highlight so no reader depends on colour alone.
    """

    id: LabelId
    kind: Literal["flag", "positive"]
    definition: str
    colour: str
    tag: str


LABEL_INFO: Final[tuple[LabelInfo, ...]] = (
    LabelInfo(
        "anonymous_source",
        "flag",
        "credited to a specific person, or a small counted set, whose identity is withheld",
        "#e28e4c",
        "ANON",
    ),
    LabelInfo(
        "vague_attribution",
        "flag",
        "credited to an unspecified group or impersonal voice nobody could identify or check",
        "#f4ec7b",
        "VAGUE",
    ),
    LabelInfo(
        "exclusive_access",
        "flag",
        "the writer, outlet or a source claims privileged or insider access as the basis",
        "#eebc4c",
        "EXCL",
    ),
    LabelInfo(
        "leaked_document",
        "flag",
        "rests on leaked, internal, confidential, classified or unpublished documents or messages",
        "#dba1c1",
        "LEAK",
    ),
    LabelInfo(
        "closed_channel",
        "flag",
        "travelled through a closed, private, encrypted or restricted channel or meeting",
        "#4c9cc9",
        "CLOSED",
    ),
    LabelInfo(
        "unverified_claim",
        "flag",
        "the text itself signals the claim is unconfirmed, speculative, alleged or without evidence",
        "#89caf0",
        "UNVER",
    ),
    LabelInfo(
        "on_record",
        "positive",
        "credited to a named person, a named organisation speaking officially, or a public record",
        "#4cbb9d",
        "REC",
    ),
)

LABELS: Final[tuple[LabelId, ...]] = tuple(info.id for info in LABEL_INFO)
FLAGS: Final[tuple[LabelId, ...]] = tuple(info.id for info in LABEL_INFO if info.kind == "flag")
POSITIVE: Final[LabelId] = "on_record"
LABEL_INDEX: Final[dict[str, int]] = {label: i for i, label in enumerate(LABELS)}
